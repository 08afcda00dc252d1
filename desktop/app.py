"""Composition root: the database, the QApplication, signing in and the main window.

``run_gui`` is what ``rectify`` runs; ``take_screenshot`` opens the same window offscreen at
1366×768, shows one page, saves a PNG and returns (for the README, tests and a quick look).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop.core import db, i18n, setup
from desktop.core.models import State, User
from desktop.core.session import Session

SCREEN_SIZE = (1366, 768)


def prepare_database(target: str | Path) -> None:
    """Open (and upgrade) the database. An empty one is set up by the first-run dialog."""
    db.open_database(target)


def _application(language: str):
    """The QApplication, with Qt's own dialog strings (buttons, file dialogs) in the
    interface language from Qt's bundled translator."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Rectify")
    app.setOrganizationName("Rectify")
    _look(app)
    if language != "en":
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(app)
        if translator.load(f"qtbase_{language}", translations):
            app.installTranslator(translator)
    return app


def _look(app) -> None:
    """The window icon, and the bundled Chinese font on a PC that has none."""
    from desktop.ui.about import app_icon
    from desktop.ui.font_fallback import ensure_chinese_font

    app.setWindowIcon(app_icon())
    ensure_chinese_font(app)


def _language(settings, forced: str | None) -> str:
    language = forced or settings.get("language")
    if language not in i18n.LANGUAGES:
        language = i18n.DEFAULT_LANGUAGE
    i18n.set_language(language)
    return language


def sign_in(settings) -> Session | None:
    """First run: the set-up dialog; otherwise the sign-in dialog (the user is remembered
    for the next one). None when cancelled."""
    from PySide6.QtWidgets import QDialog

    from desktop.ui.login import FirstRunDialog, LoginDialog

    if setup.needs_setup():
        dialog = FirstRunDialog()
    else:
        dialog = LoginDialog(settings.get("last_user"), demo=setup.is_demo())
    session = dialog.session if dialog.exec() == QDialog.DialogCode.Accepted else None
    if session is not None and session.user is not None:
        settings.set("last_user", session.user.username)
    return session


_windows: list = []  # windows opened after 切换用户 (nothing else holds them)


def open_window(session: Session, database_label: str, settings, opened=None):
    """The main window for whoever signed in: shown, told to ``opened`` (the data guard),
    then secured (audit-log check, idle lock), then the day's reminder."""
    from desktop.ui.context import AppContext
    from desktop.ui.main_window import MainWindow

    window = MainWindow(AppContext(session, database_label, settings))
    window.show()
    if opened is not None:
        opened(window)
    secure_window(window, settings, opened)
    window.remind()
    return window


def secure_window(window, settings, opened=None) -> None:
    """After sign-in: check the audit log in the background (a red banner names the first
    broken event) and lock the window when idle. 切换用户 at the lock shows the sign-in dialog
    while the old window stays covered, then opens a window for whoever signs in (``opened``
    is told of it) and closes the old one (its closing closes its forms); cancelling quits."""
    from desktop.ui.audit_banner import start_audit_check
    from desktop.ui.idle_lock import install_idle_lock

    def switch_user() -> None:
        session = sign_in(settings)
        if session is not None:
            _windows.append(open_window(session, window.ctx.database_label, settings, opened))
        window.close()
        if window in _windows:
            _windows.remove(window)

    start_audit_check(window)
    install_idle_lock(window, switch_user)


def run_gui(target: str | Path, language: str | None = None) -> int:
    from desktop import syscheck

    syscheck.require_for_window()  # before Qt loads: a clear message, not a loader crash
    from desktop.ui.data_safety import DatabaseGuard
    from desktop.ui.settings import Settings

    settings = Settings()
    app = _application(_language(settings, language))
    guard = DatabaseGuard.take(target, settings)  # one program per database, or who has it
    if guard is None:
        return 1
    try:
        if not guard.open_checked(prepare_database):  # a damaged file: offer a backup
            return 1
        session = sign_in(settings)
        if session is None:
            return 0
        # held while the app runs; the guard watches it (and any window after 切换用户): the
        # daily automatic backup, a restore confirmed in settings
        _window = open_window(session, db.redact(target), settings, guard.watch)
        code = app.exec()
        guard.finish()  # that restore, else the automatic backup on exit
        return code
    finally:
        guard.release()


def take_screenshot(
    target: str | Path,
    output: Path,
    page: str = "dashboard",
    username: str | None = None,
    language: str | None = None,
) -> Path:
    """Render one page of the window at 1366×768 offscreen and save it as a PNG.

    It shows the window as ``username`` (default: the first administrator) without asking for
    a password: it only renders what that account would see, changes nothing, and exits.
    ``page`` is a page name (problems, settings, settings/catalog, …), ``form[/TAB]`` for the
    problem form (basic, measures: a draft; progress, history: a problem under rectification), or ``welcome`` for the first-run dialog.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTemporaryDir
    from PySide6.QtWidgets import QApplication

    from desktop.ui.context import AppContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings import Settings

    prepare_database(target)
    scratch = QTemporaryDir()  # settings of a screenshot run are thrown away
    settings = Settings(Path(scratch.path()) / "screenshot.ini")
    _application(_language(settings, language))
    if page == "welcome" or setup.needs_setup():
        from desktop.ui.login import FirstRunDialog

        widget = FirstRunDialog()
        return _grab(widget, output)
    user = User.get_or_none(User.username == username) if username else setup.default_user()
    if user is None:
        raise SystemExit(f"no such user: {username}")
    window = MainWindow(AppContext(Session(user=user), db.redact(target), settings))
    window.resize(*SCREEN_SIZE)
    base, _sep, tab = page.partition("/")
    if base == "form":
        window.show_page("problems")
        window.show()
        QApplication.processEvents()
        tabs = {"basic": 0, "measures": 1, "progress": 2, "history": 3}
        state = State.DRAFT if tab in ("", "basic", "measures") else State.RECTIFYING
        form = window.open_problem(_sample_problem(window, state))
        form.tabs.setCurrentIndex(tabs.get(tab, 0))
        QApplication.processEvents()
        return _grab(form, output)
    window.show_page(page)
    loaded = getattr(window.pages.get(base), "loaded", None)
    if loaded is not None:  # pages that load in steps: wait for the last one
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        loaded.connect(loop.quit)
        QTimer.singleShot(20_000, loop.quit)
        window.show()
        loop.exec()
    return _grab(window, output)


def _sample_problem(window, state: State) -> int | None:
    """A problem in ``state`` with the most measures among the first few: the form has the
    most to show."""
    from desktop.core import problem_query
    from desktop.core.problem_query import ProblemFilter

    campaign = window.ctx.campaign()
    if campaign is None:
        return None
    rules = problem_query.light_rules(campaign)
    ids = problem_query.matching_ids(
        ProblemFilter(campaign_id=campaign.id, states=frozenset({state.value})),
        "code", False, rules,
    )
    rows = problem_query.fetch_rows(ids[:50], rules)
    best = max(rows.values(), key=lambda r: (r.measures, -r.id), default=None)
    return best.id if best else (ids[0] if ids else None)


def _grab(widget, output: Path) -> Path:
    from PySide6.QtWidgets import QApplication

    widget.show()
    for _round in range(3):
        QApplication.processEvents()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(output)):
        raise OSError(f"could not write {output}")
    return output

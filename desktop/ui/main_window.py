"""The main window: a navigation rail of pages, menus, a toolbar with the campaign switcher,
and a status bar that says which database, who, which campaign and how many problems.

The 工作台 dashboard is the first page (offices open the app in the morning to see what is due);
its tiles, bars and lists lead to the problem list filtered the same way, so every figure can
be checked row by row.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from desktop import __version__
from desktop.core.i18n import _
from desktop.core.models import ROLE_LABELS, Campaign
from desktop.ui.context import AppContext
from desktop.ui.dashboard_page import DashboardPage
from desktop.ui.ledger_page import LedgerPage
from desktop.ui.problem_list import ProblemListPage
from desktop.ui.reminders import show_reminder_if_due
from desktop.ui.review_page import ReviewPage
from desktop.ui.settings_page import SettingsPage
from desktop.ui.statistics_page import StatisticsPage

DEFAULT_SIZE = QSize(1366, 768)


class MainWindow(QMainWindow):
    """Attributes tests drive: ``ctx``, ``pages`` (name → widget), ``nav``, ``campaign_combo``,
    ``problem_list``, ``review_page``, ``settings_page``, ``status_*`` labels; ``show_page(name)``,
    ``open_problem(problem_id | None)`` returns the form it opened."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.forms: list[QWidget] = []
        self.setWindowTitle(_("Rectification Ledger") + f" {__version__}")
        self.resize(DEFAULT_SIZE)
        self._choose_campaign()

        self.dashboard = DashboardPage(ctx)
        self.problem_list = ProblemListPage(ctx)
        self.ledger_page = LedgerPage(ctx)
        self.review_page = ReviewPage(ctx, self)  # with a parent: loads when shown
        self.statistics_page = StatisticsPage(ctx)
        self.settings_page = SettingsPage(ctx)
        self.pages: dict[str, QWidget] = {
            "dashboard": self.dashboard,
            "problems": self.problem_list,
            "ledger": self.ledger_page,
            "review": self.review_page,
            "statistics": self.statistics_page,
            "settings": self.settings_page,
        }
        self.page_titles = {"dashboard": _("Dashboard"), "problems": _("Problem list"),
                            "ledger": _("Rectification ledger"),
                            "review": _("Sign-off"), "statistics": _("Statistics"),
                            "settings": _("Settings")}
        self.reminder = None  # the day's reminder dialog, once shown

        self.nav = QListWidget(self)
        self.nav.setObjectName("nav")
        self.stack = QStackedWidget(self)
        for name, page in self.pages.items():
            item = QListWidgetItem(self.page_titles[name])
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setSizeHint(QSize(0, 40))
            self.nav.addItem(item)
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setFixedWidth(max(120, self.nav.sizeHintForColumn(0) + 40))
        self.nav.setStyleSheet(
            "QListWidget#nav { border: none; background: #f1f3f4; font-size: 11pt; }"
            "QListWidget#nav::item { padding-left: 14px; }"
            "QListWidget#nav::item:selected { background: #d2e3fc; color: #174ea6; }"
        )
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()

        self.problem_list.open_problem.connect(self.open_problem)
        self.dashboard.open_problem.connect(self.open_problem)
        self.dashboard.show_problems.connect(self.show_problems)
        self.dashboard.show_page.connect(self.show_page)
        self.dashboard.export_ledger.connect(lambda: self.export_ledger())
        self.statistics_page.show_problems.connect(self.show_problems)
        self.review_page.open_problem.connect(self.open_problem)
        self.ledger_page.open_problem.connect(self.open_problem)
        self.problem_list.paste_requested.connect(self.paste_rows)
        self.problem_list.counts_changed.connect(self._show_counts)
        ctx.campaign_changed.connect(lambda _id: self._refresh_status())
        ctx.data_changed.connect(self._on_data_changed)

        self._restore_state()
        self._refresh_status()
        self._show_counts(self.problem_list.model.rowCount(), self.problem_list.total)

    # --- campaign ------------------------------------------------------------------------
    def _choose_campaign(self) -> None:
        """The campaign used last time, else the newest one."""
        campaigns = list(Campaign.live().order_by(Campaign.id))
        if not campaigns:
            return
        last = self.ctx.settings.get("last_campaign")
        chosen = next((c for c in campaigns if c.uuid == last), campaigns[-1])
        self.ctx.set_campaign(chosen.id)

    def _fill_campaigns(self) -> None:
        combo = self.campaign_combo
        combo.blockSignals(True)
        combo.clear()
        for campaign in Campaign.live().order_by(Campaign.id):
            combo.addItem(campaign.name, campaign.id)
        combo.setCurrentIndex(max(combo.findData(self.ctx.campaign_id), 0))
        combo.blockSignals(False)

    def _campaign_chosen(self, index: int) -> None:
        campaign_id = self.campaign_combo.itemData(index)
        if campaign_id is not None:
            self.ctx.set_campaign(campaign_id)

    # --- actions, menus, toolbar ---------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self.problem_list.new_action
        self.paste_action = self.problem_list.paste_action
        self.refresh_action = self._action(_("Refresh"), self.refresh, QKeySequence.StandardKey.Refresh)
        self.find_action = self._action(_("Find…"), self.focus_search, QKeySequence.StandardKey.Find)
        self.print_action = self._action(_("Print…"), self.print_sheet, QKeySequence.StandardKey.Print)
        self.verify_action = self._action(_("Check a printed sheet…"), self.check_sheet)
        self.export_ledger_action = self._action(_("Export the ledger…"),
                                                 lambda: self.export_ledger())
        self.import_ledgers_action = self._action(_("Import / consolidate ledgers…"),
                                                  lambda: self.import_ledgers())
        self.password_action = self._action(_("Change my password…"), self.change_password)
        self.lock_action = self._action(_("Lock the screen"), self.lock_screen,
                                        QKeySequence("Ctrl+L"))
        self.quit_action = self._action(_("Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self._action(_("About"), self.show_about)
        self.page_actions = []
        for number, name in enumerate(self.pages, start=1):
            action = self._action(
                self.page_titles[name], lambda _c=False, n=name: self.show_page(n),
                QKeySequence(f"Ctrl+{number}"),
            )
            self.page_actions.append(action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.paste_action)
        file_menu.addSeparator()
        file_menu.addAction(self.print_action)
        file_menu.addAction(self.verify_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_ledger_action)
        file_menu.addAction(self.import_ledgers_action)
        file_menu.addSeparator()
        file_menu.addAction(self.password_action)
        file_menu.addAction(self.lock_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu(_("&Edit"))
        edit_menu.addAction(self.problem_list.open_action)
        edit_menu.addAction(self.problem_list.delete_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        view_menu = bar.addMenu(_("&View"))
        for action in self.page_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        help_menu = bar.addMenu(_("&Help"))
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(_("Main toolbar"), self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addWidget(QLabel(_("Campaign") + "：", self))
        self.campaign_combo = QComboBox(self)
        self.campaign_combo.setMinimumContentsLength(24)
        self.campaign_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.campaign_combo.currentIndexChanged.connect(self._campaign_chosen)
        toolbar.addWidget(self.campaign_combo)
        toolbar.addSeparator()
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.paste_action)
        toolbar.addAction(self.print_action)
        toolbar.addAction(self.refresh_action)
        self.addToolBar(toolbar)
        self._fill_campaigns()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_counts = QLabel(self)
        self.status_campaign = QLabel(self)
        self.status_user = QLabel(self)
        self.status_database = QLabel(self)
        bar.addWidget(self.status_counts, 1)
        for label in (self.status_campaign, self.status_user, self.status_database):
            bar.addPermanentWidget(label)

    def _refresh_status(self) -> None:
        campaign = self.ctx.campaign()
        self.status_campaign.setText(_("Campaign: {name}").format(
            name=campaign.name if campaign else _("none")))
        user = self.ctx.session.user
        if user is not None:
            roles = "、".join(_(ROLE_LABELS[r]) for r in sorted(user.role_set(), key=list(ROLE_LABELS).index))
            who = f"{user.display_name}（{roles}）"
        else:
            who = _("system")
        self.status_user.setText(_("User: {name}").format(name=who))
        self.status_database.setText(_("Database: {path}").format(path=self.ctx.database_label))
        self.status_database.setToolTip(self.ctx.database_label)

    def _show_counts(self, shown: int, total: int) -> None:
        self.status_counts.setText(
            _("Shown {shown} / {total} problems in this campaign").format(shown=shown, total=total)
        )

    def _on_data_changed(self, what: str) -> None:
        if what == "campaign":
            self._fill_campaigns()
            self._refresh_status()

    # --- pages -----------------------------------------------------------------------------
    def show_page(self, name: str) -> None:
        base, _sep, tab = name.partition("/")
        if base not in self.pages:
            raise KeyError(name)
        self.nav.setCurrentRow(list(self.pages).index(base))
        if tab and base == "settings":
            self.settings_page.show_tab(tab)
        if tab and base == "review":
            self.review_page.show_queue(tab)
        self.ctx.settings.set("last_page", base)

    def show_problems(self, fields: dict) -> None:
        """The problem list, filtered to what a figure or a bar stands for."""
        self.show_page("problems")
        self.problem_list.show_filter(fields)

    def remind(self):
        """The day's start-up reminder, unless it was shown today (returns it, or None)."""
        self.reminder = show_reminder_if_due(self.ctx, self)
        if self.reminder is not None:
            self.reminder.show_lights.connect(
                lambda lights: self.show_problems({"lights": lights}))
            self.reminder.export_ledger.connect(lambda: self.export_ledger())
        return self.reminder

    def current_page(self) -> str:
        return list(self.pages)[self.nav.currentRow()]

    def focus_search(self) -> None:
        self.show_page("problems")
        self.problem_list.search_edit.setFocus()
        self.problem_list.search_edit.selectAll()

    def refresh(self) -> None:
        self.ctx.changed("problem")
        self._refresh_status()

    def open_problem(self, problem_id: int | None):
        from desktop.ui.problem_form import ProblemForm

        if self.ctx.campaign_id is None:
            return None
        form = ProblemForm(self.ctx, problem_id, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.destroyed.connect(lambda _o=None, f=form: self._forget(f))
        self.forms.append(form)
        form.show()
        return form

    def _forget(self, form: QWidget) -> None:
        if form in self.forms:
            self.forms.remove(form)

    def paste_rows(self, text: str):
        from desktop.ui.paste_dialog import PasteDialog

        if self.ctx.campaign_id is None:
            return None
        dialog = PasteDialog(self.ctx, text, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def selected_problem_ids(self) -> list[int]:
        """The problems selected on the page in view (the list or the sign-off queue)."""
        page = self.stack.currentWidget()
        selected = getattr(page, "selected_ids", None)
        return selected() if callable(selected) else []

    def print_sheet(self):
        from desktop.ui.print_dialog import PrintDialog

        if self.ctx.campaign_id is None:
            return None
        dialog = PrintDialog(self.ctx, self.selected_problem_ids(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def export_ledger(self):
        """导出台账 for the current campaign (the dashboard and the reminder call it too);
        from the ledger page it starts with that page's unit, day and selection."""
        from desktop.ui.export_dialog import ExportDialog

        if self.ctx.campaign_id is None:
            return None
        if self.stack.currentWidget() is self.ledger_page:
            return self.ledger_page.open_export()
        dialog = ExportDialog(self.ctx, self.selected_problem_ids(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def import_ledgers(self):
        """导入/汇总台账: the ledger page's import, from wherever the user is."""
        return self.ledger_page.open_import()

    def check_sheet(self):
        from desktop.ui.print_dialog import VerifyCodeDialog

        dialog = VerifyCodeDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def change_password(self):
        from desktop.ui.password_dialog import PasswordDialog

        if self.ctx.session.user is None:
            return None
        dialog = PasswordDialog(self.ctx.session, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def lock_screen(self):
        """Lock now (leaving the desk); the idle lock is installed after sign-in."""
        lock = getattr(self, "idle_lock", None)
        return lock.lock() if lock is not None else None

    def show_about(self) -> None:
        from desktop.ui.about import AboutDialog

        AboutDialog(self.ctx.database_label, self).exec()

    # --- window state ------------------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = self.ctx.settings
        geometry = settings.get("window_geometry")
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = settings.get("window_state")
        if not state.isEmpty():
            self.restoreState(state)
        last = settings.get("last_page")
        self.show_page(last if last in self.pages else "dashboard")

    def save_state(self) -> None:
        settings = self.ctx.settings
        settings.set("window_geometry", self.saveGeometry())
        settings.set("window_state", self.saveState())
        self.problem_list.save_header()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        for form in list(self.forms):
            if not form.close():
                event.ignore()
                return
        self.save_state()
        super().closeEvent(event)

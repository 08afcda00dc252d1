"""The screen lock of a shared office PC: after some minutes without a key or mouse press the
window's content is hidden behind a lock that names who is signed in and asks for that
person's password (under the same waits as signing in), or lets someone else sign in, or
quits. A one-clerk office simply types its one password again.

The idle time is a setting of this PC (``idle_lock_minutes``, 0 = never), changed on the
settings page by an administrator: on a shared PC the lock protects everyone's signature, so
not every user may switch it off.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core import auth
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.models import Role
from desktop.core.session import Session
from desktop.ui.context import AppContext
from desktop.ui.login import DelayCountdown

SETTING = "idle_lock_minutes"
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
})


class LockDialog(QDialog):
    """What covers the window. ``result_choice`` after it closes: "unlocked", "switch" or
    "quit". Attributes tests drive: ``password_edit``, ``unlock_button``, ``switch_button``,
    ``quit_button``, ``message``; ``try_unlock()``."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result_choice = ""
        self.setWindowTitle(_("Screen locked — Rectification Ledger"))
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        user = session.user
        title = QLabel(_("The screen is locked"), self)
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        who = QLabel(_("Signed in: {name} ({username})").format(
            name=user.display_name if user else _("system"),
            username=user.username if user else ""), self)
        note = QLabel(_("Nobody used the program for a while, so it was locked. Type the "
                        "password to go on, or let someone else sign in."), self)
        note.setWordWrap(True)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c5221f")
        self.unlock_button = QPushButton(_("Unlock"), self)
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton(_("Switch user"), self)
        self.quit_button = QPushButton(_("Quit"), self)
        self.countdown = DelayCountdown(self.unlock_button, self.message, self)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.password_edit.returnPressed.connect(self.try_unlock)
        self.switch_button.clicked.connect(lambda: self._finish("switch"))
        self.quit_button.clicked.connect(lambda: self._finish("quit"))
        form = QFormLayout()
        form.addRow(_("Password"), self.password_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(who)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)
        self.password_edit.setFocus()

    def try_unlock(self) -> bool:
        if self.countdown.running:
            return False
        try:
            auth.unlock(self.session, self.password_edit.text())
        except auth.SignInDelayed as delayed:
            self.password_edit.clear()
            self.countdown.start(delayed.seconds)
            return False
        except DomainError as error:
            self.message.setText(error.message())
            self.password_edit.clear()
            return False
        self._finish("unlocked")
        return True

    def _finish(self, choice: str) -> None:
        self.result_choice = choice
        self.accept()

    def reject(self) -> None:  # Escape does not unlock
        pass


class IdleLock(QObject):
    """Watches the application's input; locks ``window`` after ``minutes`` without any.
    ``switch_user`` is called when the person at the lock chooses 切换用户 (the composition
    root signs out and shows the sign-in dialog)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QMainWindow, ctx: AppContext,
                 switch_user: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.switch_user = switch_user
        self.dialog: LockDialog | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        QApplication.instance().installEventFilter(self)
        ctx.data_changed.connect(self._on_data_changed)
        window.destroyed.connect(self._stop)
        self.apply_setting()

    def apply_setting(self) -> None:
        self.set_interval(int(self.ctx.settings.get(SETTING)) * 60_000)

    def set_interval(self, milliseconds: int) -> None:
        """0: never lock."""
        self.timer.stop()
        self.timer.setInterval(max(milliseconds, 0))
        if milliseconds > 0 and self.dialog is None:
            self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() in INPUT_EVENTS and self.dialog is None and self.timer.interval() > 0:
            self.timer.start()
        return False

    def lock(self) -> LockDialog | None:
        if self.dialog is not None:
            return self.dialog
        self._hidden = [w for w in (self.window.centralWidget(), self.window.menuBar(),
                                    *getattr(self.window, "forms", []))
                        if w is not None and w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        self.dialog = LockDialog(self.ctx.session, self.window)
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.finished.connect(self._closed)
        self.dialog.show()  # not open(): that would make it modal to the window only
        self.locked.emit()
        return self.dialog

    def _closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        choice = dialog.result_choice if dialog is not None else ""
        if dialog is not None:
            dialog.deleteLater()
        if choice == "unlocked":
            for widget in self._hidden:
                widget.show()
            self._hidden = []
            self.unlocked.emit()
            self.apply_setting()
        elif choice == "switch" and self.switch_user is not None:
            self._stop()
            self.switch_user()
        else:  # quit (or switching with nobody to switch to); the window closes its forms
            self._stop()
            self.window.close()

    def _on_data_changed(self, what: str) -> None:
        if what == SETTING:
            self.apply_setting()

    def _stop(self, *_args: object) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class IdleLockSettings(QWidget):
    """The settings page's tab: minutes of idleness before the lock, for this PC; only an
    administrator may change it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.minutes = QSpinBox(self)
        self.minutes.setRange(0, 240)
        self.minutes.setSuffix(_(" min"))
        self.minutes.setSpecialValueText(_("Never"))
        self.minutes.setValue(int(ctx.settings.get(SETTING)))
        self.minutes.setEnabled(ctx.session.has_role(Role.ADMIN))
        self.minutes.valueChanged.connect(self._changed)
        note = QLabel(_("After this many minutes without a key press or mouse click the "
                        "window is locked and asks for the password again. This setting "
                        "belongs to this computer; only an administrator can change it."), self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6368")
        form = QFormLayout(self)
        form.addRow(_("Lock the screen after"), self.minutes)
        form.addRow("", note)

    def _changed(self, value: int) -> None:
        self.ctx.settings.set(SETTING, value)
        self.ctx.changed(SETTING)


def install_idle_lock(window: QMainWindow, switch_user: Callable[[], None] | None = None
                      ) -> IdleLock:
    lock = IdleLock(window, window.ctx, switch_user)
    window.idle_lock = lock
    return lock

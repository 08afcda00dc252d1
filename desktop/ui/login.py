"""Signing in, and the first-run wizard for an empty database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import auth, clock, setup
from desktop.core.demo import DEMO_PASSWORD
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.session import Session
from desktop.ui.common import DateField, error_text

FIRST_RUN_DEMO_PROBLEMS = 300


class DelayCountdown(QObject):
    """After too many wrong passwords the core says how long to wait; this shows the seconds
    running down on ``label`` and keeps ``button`` disabled until they are over (the core
    itself never sleeps, and the window never freezes)."""

    def __init__(self, button: QAbstractButton, label: QLabel, parent: QObject | None = None):
        super().__init__(parent)
        self.button = button
        self.label = label
        self.seconds = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)

    def start(self, seconds: int) -> None:
        self.seconds = seconds
        self.button.setEnabled(False)
        self._show()
        self.timer.start()

    def tick(self) -> None:
        self.seconds -= 1
        if self.seconds <= 0:
            self.timer.stop()
            self.button.setEnabled(True)
            self.label.setText(_("You may try again now."))
            return
        self._show()

    @property
    def running(self) -> bool:
        return self.seconds > 0

    def _show(self) -> None:
        self.label.setText(
            _("Too many wrong passwords. Wait {seconds} seconds, then try again.")
            .format(seconds=self.seconds))


def _choose_own_password(session: Session, typed: str, parent: QWidget) -> bool:
    from desktop.ui.password_dialog import PasswordDialog

    dialog = PasswordDialog(session, current_password=typed, parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


class LoginDialog(QDialog):
    """User name and password; on success ``session`` holds the signed-in user."""

    def __init__(self, last_user: str = "", demo: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Sign in — Rectification Ledger"))
        self.session: Session | None = None
        self.username_edit = QLineEdit(last_user, self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #c5221f")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("User name"), self.username_edit)
        form.addRow(_("Password"), self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.sign_in_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(_("Sign in"))
        self.countdown = DelayCountdown(self.sign_in_button, self.message, self)
        # after an administrator's reset: ask for the user's own password (tests replace it)
        self.change_password: Callable[[Session, str, QWidget], bool] = _choose_own_password
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if demo:
            hint = QLabel(
                _("Demo database: accounts admin, luru (clerk), shenhe (reviewer), "
                  "lingdao (leader); password {password}").format(password=DEMO_PASSWORD),
                self,
            )
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #5f6368")
            layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)
        (self.password_edit if last_user else self.username_edit).setFocus()

    def try_sign_in(self) -> bool:
        if self.countdown.running:
            return False
        password = self.password_edit.text()
        try:
            session = auth.authenticate(self.username_edit.text().strip(), password)
        except auth.SignInDelayed as delayed:
            self.password_edit.clear()
            self.countdown.start(delayed.seconds)
            return False
        except DomainError as error:
            self.message.setText(error_text(error))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return False
        user = session.user
        if user is not None and user.must_change_password:
            if not self.change_password(session, password, self):
                self.message.setText(_("An administrator reset this password: choose your own "
                                       "password to sign in."))
                self.password_edit.clear()
                return False
        self.session = session
        self.accept()
        return True


class FirstRunDialog(QDialog):
    """An empty database: set up the office (unit, administrator, first campaign) or open the
    demo campaign. On success ``session`` is the new administrator's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Welcome — Rectification Ledger"))
        self.session: Session | None = None
        intro = QLabel(
            _("This database is empty. Set up your office, or open a demo campaign to look "
              "around first."), self)
        intro.setWordWrap(True)
        self.setup_choice = QRadioButton(_("Set up my office"), self)
        self.demo_choice = QRadioButton(_("Open the demo campaign (300 sample problems)"), self)
        group = QButtonGroup(self)
        group.addButton(self.setup_choice)
        group.addButton(self.demo_choice)

        self.unit_edit = QLineEdit(self)
        self.unit_edit.setPlaceholderText(_("e.g. 县民政局"))
        self.campaign_edit = QLineEdit(self)
        self.campaign_edit.setPlaceholderText(_("e.g. 群众身边不正之风和腐败问题集中整治"))
        year = clock.today().year
        self.start_edit = DateField(self, clock.today())
        self.end_edit = DateField(self, dt.date(year, 12, 31))
        self.username_edit = QLineEdit("admin", self)
        self.name_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit(self)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.setup_box = QGroupBox(_("Your office"), self)
        form = QFormLayout(self.setup_box)
        form.addRow(_("Unit name"), self.unit_edit)
        form.addRow(_("First campaign"), self.campaign_edit)
        form.addRow(_("Starts"), self.start_edit)
        form.addRow(_("Ends"), self.end_edit)
        form.addRow(_("Administrator's user name"), self.username_edit)
        form.addRow(_("Administrator's name"), self.name_edit)
        form.addRow(_("Password"), self.password_edit)
        form.addRow(_("Password again"), self.repeat_edit)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c5221f")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Start"))
        buttons.accepted.connect(self.finish)
        buttons.rejected.connect(self.reject)
        self.setup_choice.toggled.connect(self.setup_box.setEnabled)
        # the demo is preselected: on a first start most people look around before setting up
        self.demo_choice.setChecked(True)
        self.setup_box.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.setup_choice)
        layout.addWidget(self.setup_box)
        layout.addWidget(self.demo_choice)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.setup_choice.toggled.connect(
            lambda on: on and self.unit_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        )
        self.ok_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def finish(self) -> bool:
        try:
            if self.demo_choice.isChecked():
                self.session = setup.build_demo_office(FIRST_RUN_DEMO_PROBLEMS)
            else:
                if self.password_edit.text() != self.repeat_edit.text():
                    self.message.setText(_("The two passwords differ."))
                    return False
                self.session = setup.create_office(
                    setup.OfficeSetup(
                        unit_name=self.unit_edit.text(),
                        username=self.username_edit.text(),
                        display_name=self.name_edit.text(),
                        password=self.password_edit.text(),
                        campaign_name=self.campaign_edit.text(),
                        start_date=self.start_edit.value(),
                        end_date=self.end_edit.value(),
                    )
                )
        except DomainError as error:
            self.message.setText(error_text(error))
            return False
        self.accept()
        return True

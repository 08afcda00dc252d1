"""Signing in, and the first-run wizard for an empty database."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
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
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
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
        try:
            self.session = auth.authenticate(
                self.username_edit.text().strip(), self.password_edit.text()
            )
        except DomainError as error:
            self.message.setText(error_text(error))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return False
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

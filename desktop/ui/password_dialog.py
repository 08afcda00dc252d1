"""Changing one's own password: the current one, then the new one twice.

Opened from the main window's menu, and by the sign-in dialog when an administrator has reset
the password: then the password just typed is the current one and is not asked again, and
signing in goes on only once the user has chosen their own.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core import auth
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.session import Session
from desktop.ui.login import DelayCountdown


def _password_edit(parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class PasswordDialog(QDialog):
    """``current_password`` given: the forced change after a reset (no "current" field).
    Attributes tests drive: ``current_edit``, ``new_edit``, ``again_edit``, ``ok_button``,
    ``message``; ``save()`` returns whether the password was changed."""

    def __init__(self, session: Session, current_password: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.forced = current_password is not None
        self._current = current_password
        self.setWindowTitle(_("Change my password"))
        user = session.user
        intro = QLabel(self)
        intro.setWordWrap(True)
        if self.forced:
            intro.setText(_("An administrator has reset the password of {name}. Choose your own "
                            "password now; nobody else should know it.")
                          .format(name=user.display_name if user else ""))
        else:
            intro.setText(_("Signed in as {name} ({username}).").format(
                name=user.display_name if user else "", username=user.username if user else ""))
        self.current_edit = _password_edit(self)
        self.new_edit = _password_edit(self)
        self.again_edit = _password_edit(self)
        form = QFormLayout()
        if self.forced:
            self.current_edit.hide()  # typed a moment ago at the sign-in
        else:
            form.addRow(_("Current password"), self.current_edit)
        form.addRow(_("New password"), self.new_edit)
        form.addRow(_("New password again"), self.again_edit)
        hint = QLabel(_("At least {count} characters, and not the user name.")
                      .format(count=auth.MIN_PASSWORD_LENGTH), self)
        hint.setStyleSheet("color: #5f6368")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c5221f")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Change password"))
        self.countdown = DelayCountdown(self.ok_button, self.message, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.new_edit if self.forced else self.current_edit).setFocus()

    def save(self) -> bool:
        if self.countdown.running:
            return False
        new = self.new_edit.text()
        if new != self.again_edit.text():
            self.message.setText(_("The two new passwords differ."))
            self.again_edit.clear()
            self.again_edit.setFocus()
            return False
        current = self._current if self.forced else self.current_edit.text()
        try:
            auth.change_password(self.session, current or "", new)
        except auth.SignInDelayed as delayed:
            self.current_edit.clear()
            self.countdown.start(delayed.seconds)
            return False
        except DomainError as error:
            self.message.setText(error.message())
            return False
        self.accept()
        return True

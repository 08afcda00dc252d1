"""The two questions a sign-off step asks: the opinion (审核意见), and for signing the opinion
with the signer's password typed again (an electronic signature is a re-authentication).

Both are plain dialogs the page opens through hooks, so tests answer without a modal loop.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import _


def _opinion_box(parent: QWidget, text: str) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setPlainText(text)
    box.setFixedHeight(6 * box.fontMetrics().lineSpacing())
    box.selectAll()
    return box


class OpinionDialog(QDialog):
    """``opinion_edit`` and ``ok_button``; when the opinion is required (a return), OK stays
    disabled until something is written."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str, required: bool,
                 text: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.required = required
        self.prompt_label = QLabel(prompt, self)
        self.prompt_label.setWordWrap(True)
        self.opinion_edit = _opinion_box(self, text)
        self.note_label = QLabel(self)
        self.note_label.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt_label)
        layout.addWidget(self.opinion_edit)
        layout.addWidget(self.note_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.opinion_edit.textChanged.connect(self._update)
        self._update()

    def opinion(self) -> str:
        return self.opinion_edit.toPlainText().strip()

    def _update(self) -> None:
        missing = self.required and not self.opinion()
        self.ok_button.setEnabled(not missing)
        self.note_label.setText(_("An opinion (the reason) is required.") if missing else "")

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            super().accept()


class SignDialog(QDialog):
    """签批销号: ``opinion_edit``, ``password_edit``, ``ok_button`` (enabled once a password
    is typed); ``values()`` gives (opinion, password)."""

    def __init__(self, parent: QWidget | None, signer: str, count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign off and close"))
        intro = QLabel(
            _("{signer} signs off {count} problem(s) as closed. Type your sign-in password "
              "again: it is your electronic signature, recorded with the time and a "
              "fingerprint of what you signed.").format(signer=signer, count=count),
            self,
        )
        intro.setWordWrap(True)
        self.opinion_edit = _opinion_box(self, _("Agreed to close."))
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Sign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("Opinion"), self.opinion_edit)
        form.addRow(_("Password"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.password_edit.textChanged.connect(self._update)
        self.password_edit.setFocus()
        self._update()

    def values(self) -> tuple[str, str]:
        return self.opinion_edit.toPlainText().strip(), self.password_edit.text()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.password_edit.text()))

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            super().accept()

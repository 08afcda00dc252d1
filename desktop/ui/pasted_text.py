"""The frame of the dialogs that read pasted text (a plan's outline, a holiday notice): the
text on the left, what was read from it on the right, re-read shortly after typing stops, a
file can be loaded instead, and an import button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import _
from desktop.ui.context import AppContext

PARSE_DELAY_MS = 400  # long enough not to re-read a whole plan on every keystroke


def read_text_file(path: Path) -> str:
    """Plans saved from WPS on Chinese Windows are often GBK; try UTF-8 first."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


class PastedTextDialog(QDialog):
    """Subclasses build their own widgets, call ``arrange`` once, and implement ``parse``
    (read ``text_edit`` and show the result) and ``do_import``."""

    def __init__(self, ctx: AppContext, title: str, placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText(placeholder)
        self.load_button = QPushButton(_("Load a text file…"), self)
        self.load_button.clicked.connect(self.choose_file)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PARSE_DELAY_MS)
        self._timer.timeout.connect(self.parse)

    def arrange(self, left: QWidget, right: QWidget, import_text: str,
                sizes: tuple[int, int] | None = None) -> None:
        """Lay out the two panes and the buttons, then read what is there."""
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        if sizes:
            splitter.setSizes(list(sizes))
        self.import_button = QPushButton(import_text, self)
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.do_import)
        cancel = QPushButton(_("Cancel"), self)
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.text_edit.textChanged.connect(self._timer.start)
        self.parse()

    def set_text(self, text: str) -> None:
        self.text_edit.setPlainText(text)
        self._timer.stop()
        self.parse()

    def load_file(self, path: Path) -> None:
        self.set_text(read_text_file(path))

    def choose_file(self) -> None:
        start = self.ctx.settings.get("last_directory")
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Load a text file"), start, _("Text files (*.txt);;All files (*)")
        )
        if not name:
            return
        path = Path(name)
        self.ctx.settings.set("last_directory", str(path.parent))
        try:
            self.load_file(path)
        except OSError as error:
            QMessageBox.warning(self, _("Cannot do this"),
                                _("The file {name} cannot be read.").format(name=path.name)
                                + f"\n\n{error}")

    def parse(self) -> None:
        raise NotImplementedError

    def do_import(self):
        raise NotImplementedError

"""关于: the version and where this copy keeps its data.

When something goes wrong in an office, the first questions are which version it is, whether
it is the packaged app, and where the database is; the dialog answers them and copies them to
the clipboard in one click, to paste into a message.
"""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.core import db, paths
from desktop.core.i18n import _


def app_icon() -> QIcon:
    """The program's icon: the windows' (set once by ``app``) and this dialog's."""
    return QIcon(str(paths.resources_dir() / "icons" / "rectify.png"))


def about_rows(database_label: str) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order shown and copied."""
    frozen = getattr(sys, "frozen", False)
    portable = paths.is_portable()
    return [
        (_("Version"), __version__),
        (_("Build"), _("Packaged program") if frozen else _("Run from source")),
        (_("Python"), platform.python_version()),
        (_("Qt"), f"{qVersion()} (PySide6 {pyside_version})"),
        (_("Operating system"), platform.platform(terse=True)),
        (_("Data folder"), str(paths.data_dir())),
        (_("Database"), db.redact(database_label)),
        (_("Portable mode"),
         _("Yes: the data stays in the data folder beside the program") if portable
         else _("No (create {marker} beside the program to keep the data beside it)").format(
             marker=paths.PORTABLE_MARKER)),
    ]


class AboutDialog(QDialog):
    def __init__(self, database_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About"))
        self.rows = about_rows(database_label)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(48, 48))
        head.addWidget(icon)
        name = QLabel(_("Rectification Ledger {version}").format(version=__version__))
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        name.setFont(font)
        words = QLabel(_("Problem lists and rectification ledgers of a campaign, kept on this "
                         "computer."))
        column = QVBoxLayout()
        column.addWidget(name)
        column.addWidget(words)
        head.addLayout(column, 1)
        layout.addLayout(head)
        form = QFormLayout()
        self.value_labels: dict[str, QLabel] = {}
        for label, value in self.rows:
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(shown.textInteractionFlags()
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label + "：", shown)
            self.value_labels[label] = shown
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(_("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.rows)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())

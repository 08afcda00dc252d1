"""What the settings pages share: an admin-only page that others may still read, dialogs and
confirmations behind hooks that tests replace (so no modal loop runs in a test), small
read-only tables of records, and service calls that announce what changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.models import Role
from desktop.ui.common import show_error
from desktop.ui.context import AppContext

ID_ROLE = Qt.ItemDataRole.UserRole


def date_text(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _exec(dialog: QDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


def fill_table(table: QTableWidget, rows: Sequence[tuple[int, Sequence[str]]],
               select: int | None = None) -> None:
    """Rows of (record id, cell texts); the id rides on the first cell. Keeps ``select``
    selected when it is still there."""
    table.setRowCount(len(rows))
    for row, (record_id, cells) in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 0:
                item.setData(ID_ROLE, record_id)
            table.setItem(row, column, item)
        if record_id == select:
            table.selectRow(row)


def selected_id(table: QTableWidget) -> int | None:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    return table.item(rows[0].row(), 0).data(ID_ROLE)


class AdminPage(QWidget):
    """What the three pages share: the admin check, the read-only note, the dialog and
    confirmation hooks, and reloading when the data they show changes elsewhere."""

    watches: frozenset[str] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.session.has_role(Role.ADMIN)
        self.open_dialog: Callable[[QDialog], bool] = _exec
        self.confirm: Callable[[str], bool] = self._ask
        self.read_only_note = QLabel(_("Only an administrator (管理员) can change these settings."))
        self.read_only_note.setStyleSheet("color: #775;")
        self.read_only_note.setVisible(not self.is_admin)
        ctx.data_changed.connect(self._on_data_changed)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Please confirm"), text)
        return answer == QMessageBox.StandardButton.Yes

    def _on_data_changed(self, what: str) -> None:
        if what in self.watches:
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def admin_only(self, *widgets: QWidget) -> None:
        """Hide buttons a non-administrator cannot use."""
        for widget in widgets:
            widget.setVisible(self.is_admin)

    def call(self, what: str, service: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Run a service; on success tell every page that ``what`` changed, on a domain error
        show it. True when the change was made."""
        try:
            service(self.ctx.session, *args, **kwargs)
        except DomainError as error:
            show_error(self, error)
            return False
        self.ctx.changed(what)
        return True


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row

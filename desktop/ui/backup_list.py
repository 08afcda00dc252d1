"""The table of backup archives that the 备份与恢复 tab and the start-up recovery dialog both
show: when, what kind, how big, how many problems, and whether the checksums verify."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from desktop.core.i18n import _
from desktop.exchange.backup import BackupInfo, Kind
from desktop.exchange.safe_write import size_text
from desktop.ui.common import error_text, make_table

DAMAGED_COLOUR = QColor("#b3261e")
GOOD_COLOUR = QColor("#1e7b34")


def kind_text(kind: Kind | None) -> str:
    return {Kind.AUTO: _("Automatic"), Kind.MANUAL: _("Made by hand"),
            Kind.SAFETY: _("Before a restore")}.get(kind, "—")


def check_text(info: BackupInfo) -> str:
    if info.error is not None:
        return _("Damaged")
    return _("Checksums verified") if info.verified else _("Manifest intact (not fully checked)")


def backup_table() -> QTableWidget:
    return make_table([_("Made at"), _("Backup kind"), _("Size"), _("Problems"), _("Checksums"),
                       _("File")], stretch=5)


def fill_backups(table: QTableWidget, infos: Sequence[BackupInfo],
                 select: BackupInfo | None = None) -> None:
    """One row per archive, in the order of ``infos`` (row i is ``infos[i]``)."""
    table.setRowCount(len(infos))
    for row, info in enumerate(infos):
        made = info.created_at.strftime("%Y-%m-%d %H:%M:%S") if info.created_at else "—"
        problems = info.count("problems")
        cells = (made, kind_text(info.kind), size_text(info.size),
                 "—" if problems is None else str(problems), check_text(info), info.path.name)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 4:
                if info.error is not None:
                    item.setForeground(DAMAGED_COLOUR)
                    item.setToolTip(error_text(info.error))
                elif info.verified:
                    item.setForeground(GOOD_COLOUR)
            if column == 5:
                item.setToolTip(str(info.path))
            table.setItem(row, column, item)
        if select is not None and info.path == select.path:
            table.selectRow(row)


def selected_info(table: QTableWidget, infos: Sequence[BackupInfo]) -> BackupInfo | None:
    """The archive of the selected row of a table ``fill_backups`` filled from ``infos``."""
    rows = table.selectionModel().selectedRows()
    return infos[rows[0].row()] if rows else None

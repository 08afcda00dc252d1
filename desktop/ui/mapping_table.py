"""The table with a "what this column holds" combo above each column, shared by the paste
dialog and the hand-made ledger import: the cells as read, rows numbered the way the clerk
knows them (pasted row, or worksheet row), and the rows that cannot be read shaded with their
reasons in the row number's tooltip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.core.i18n import _
from desktop.core.paste_import import FIELD_BY_KEY, FIELDS
from desktop.ui.common import fill_combo

BAD_ROW = QColor(253, 226, 226)
HEADER_ROW = QColor(235, 235, 235)
MAX_COLUMN_WIDTH = 260  # long problem texts are read in the tooltip, not by widening the table


def column_letter(index: int) -> str:
    """A, B, … Z, AA, AB …: the names the clerk saw in the spreadsheet."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class ColumnMappingTable(QTableWidget):
    """Row 0 holds the mapping combos; row i (from 1) shows ``rows[i - 1]``, labelled
    ``numbers[i - 1]``. Choosing a field for one column frees it in any other column, since a
    field is read from one column only; ``mapping_changed`` follows every change."""

    mapping_changed = Signal()

    def __init__(self, rows: Sequence[Sequence[str]], mapping: Sequence[str | None],
                 numbers: Sequence[int] | None = None, parent: QWidget | None = None) -> None:
        width = max((len(r) for r in rows), default=0)
        super().__init__(len(rows) + 1, width, parent)
        self.numbers = list(numbers) if numbers is not None else list(range(1, len(rows) + 1))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.setVerticalHeaderLabels([_("Import as")] + [str(n) for n in self.numbers])
        self.combos: list[QComboBox] = []
        for column in range(width):
            combo = QComboBox()
            fill_combo(combo, ((_(f.label), f.key) for f in FIELDS), empty=_("Do not import"),
                       current=mapping[column] if column < len(mapping) else None)
            combo.currentIndexChanged.connect(lambda _index, c=column: self._chosen(c))
            self.setCellWidget(0, column, combo)
            self.combos.append(combo)
        for r, cells in enumerate(rows, start=1):
            for column, text in enumerate(cells):
                text = text or ""
                item = QTableWidgetItem(text.strip().replace("\n", " ↵ "))
                if "\n" in text.strip() or len(text) > 20:
                    item.setToolTip(text)
                self.setItem(r, column, item)
        self.resizeColumnsToContents()
        for column, combo in enumerate(self.combos):
            wanted = max(self.columnWidth(column), combo.sizeHint().width())
            self.setColumnWidth(column, min(wanted, max(MAX_COLUMN_WIDTH,
                                                        combo.sizeHint().width())))
        if self.combos:
            self.setRowHeight(0, self.combos[0].sizeHint().height() + 4)
        self.label_columns()

    def mapping(self) -> list[str | None]:
        return [combo.currentData() for combo in self.combos]

    def set_mapping(self, mapping: Sequence[str | None]) -> None:
        for column, combo in enumerate(self.combos):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(
                mapping[column] if column < len(mapping) else None), 0))
            combo.blockSignals(False)
        self.label_columns()

    def _chosen(self, column: int) -> None:
        key = self.combos[column].currentData()
        if key is not None:
            for other, combo in enumerate(self.combos):
                if other != column and combo.currentData() == key:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.label_columns()
        self.mapping_changed.emit()

    def label_columns(self) -> None:
        """"C · 整改时限": the spreadsheet's letter and the field read from it."""
        labels = []
        for column, key in enumerate(self.mapping()):
            field = FIELD_BY_KEY.get(key) if key else None
            letter = column_letter(column)
            labels.append(f"{letter} · {_(field.label)}" if field else letter)
        self.setHorizontalHeaderLabels(labels)

    def row_of(self, number: int) -> int | None:
        """The table row showing the row the clerk calls ``number``."""
        try:
            return self.numbers.index(number) + 1
        except ValueError:
            return None

    def paint(self, bad: Mapping[int, str], header: frozenset[int] = frozenset()) -> None:
        """Shade the rows numbered in ``bad`` (number → reasons, shown in the tooltip) and
        set the ``header`` rows in bold on grey."""
        for row, number in enumerate(self.numbers, start=1):
            if number in header:
                background = QBrush(HEADER_ROW)
            elif number in bad:
                background = QBrush(BAD_ROW)
            else:
                background = QBrush()
            for column in range(self.columnCount()):
                item = self.item(row, column)
                if item is not None:
                    item.setBackground(background)
                    font = item.font()
                    font.setBold(number in header)
                    item.setFont(font)
            heading = self.verticalHeaderItem(row)
            if heading is not None:
                heading.setToolTip(bad.get(number, ""))

    def show_number(self, number: int) -> None:
        row = self.row_of(number)
        if row is None:
            return
        self.selectRow(row)
        item = next((self.item(row, c) for c in range(self.columnCount())
                     if self.item(row, c) is not None), None)
        if item is not None:
            self.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)

"""The measures (整改措施) of one problem as an editable table, the way clerks keep them in
Excel: one row per measure, typed in place, in the order they will be printed.

While the problem is in rectification the plan is fixed and only the completion columns
(完成日期, 完成情况) stay editable; when the problem is locked nothing is.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import _
from desktop.core.problem_history import FIELD_LABELS
from desktop.core.problems import MeasureInput
from desktop.core.workdays import WorkdayCalendar
from desktop.ui.common import DateField
from desktop.ui.search_combo import SearchCombo

COLUMNS = ("text", "resp_leader", "resp_unit", "resp_person", "deadline", "done_date", "result")
TEXT, LEADER, UNIT, PERSON, DEADLINE, DONE, RESULT = range(len(COLUMNS))
DATE_COLUMNS = (DEADLINE, DONE)
COMPLETION_COLUMNS = (DONE, RESULT)
UNIT_ROLE = Qt.ItemDataRole.UserRole  # the responsible unit's id, on the unit cell
ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the stored measure's id, on the text cell


class Mode(enum.Enum):
    FULL = "full"  # a draft: everything
    COMPLETION = "completion"  # in rectification: completion date and result only
    LOCKED = "locked"


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


class _NameDelegate(QStyledItemDelegate):
    """Free text with a completer over the office's people (a leader or a responsible
    person may be someone not yet registered, so any text is accepted)."""

    def __init__(self, names: Callable[[], Sequence[str]], parent: QWidget) -> None:
        super().__init__(parent)
        self._names = names

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        editor = QLineEdit(parent)
        completer = QCompleter(list(self._names()), editor)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        editor.setCompleter(completer)
        return editor


class _UnitDelegate(QStyledItemDelegate):
    def __init__(self, units: Callable[[], Sequence[tuple[str, int]]], parent: QWidget) -> None:
        super().__init__(parent)
        self._units = units

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        editor = SearchCombo(parent, min_chars=8)
        editor.set_items(self._units(), empty="")
        return editor

    def setEditorData(self, editor, index: QModelIndex) -> None:  # noqa: N802 (Qt API)
        editor.set_value(index.data(UNIT_ROLE))

    def setModelData(self, editor, model, index: QModelIndex) -> None:  # noqa: N802 (Qt API)
        unit_id = editor.value()
        model.setData(index, editor.currentText().strip() if unit_id is not None else "")
        model.setData(index, unit_id, UNIT_ROLE)


class _DateDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        return DateField(parent)

    def setEditorData(self, editor, index: QModelIndex) -> None:  # noqa: N802 (Qt API)
        editor.set_value(_parse_date(index.data() or ""))

    def setModelData(self, editor, model, index: QModelIndex) -> None:  # noqa: N802 (Qt API)
        day = editor.value()
        model.setData(index, day.isoformat() if day else "")


class MeasuresEditor(QWidget):
    changed = Signal()

    def __init__(
        self,
        calendar: WorkdayCalendar,
        start_date: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._calendar = calendar
        self._start_date = start_date  # working days for a measure count from this day
        self._units: list[tuple[str, int]] = []
        self._names: list[str] = []
        self._mode = Mode.FULL

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([_(FIELD_LABELS[c]) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        # wrapped texts need their rows re-fitted whenever the columns get their real width
        header.sectionResized.connect(lambda *_args: self.table.resizeRowsToContents())
        for column, width in ((LEADER, 90), (UNIT, 130), (PERSON, 90), (DEADLINE, 100),
                              (DONE, 100), (RESULT, 160)):
            self.table.setColumnWidth(column, width)
        names = _NameDelegate(lambda: self._names, self.table)
        self.table.setItemDelegateForColumn(LEADER, names)
        self.table.setItemDelegateForColumn(PERSON, names)
        self.table.setItemDelegateForColumn(UNIT, _UnitDelegate(lambda: self._units, self.table))
        dates = _DateDelegate(self.table)
        for column in DATE_COLUMNS:
            self.table.setItemDelegateForColumn(column, dates)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.add_button = QPushButton(_("Add measure"), self)
        self.remove_button = QPushButton(_("Remove"), self)
        self.up_button = QPushButton(_("Move up"), self)
        self.down_button = QPushButton(_("Move down"), self)
        self.workdays_spin = QSpinBox(self)
        self.workdays_spin.setRange(1, 250)
        self.workdays_spin.setValue(7)
        self.workdays_spin.setSuffix(_(" working days"))
        self.workdays_button = QPushButton(_("Set as deadline of the selected measures"), self)
        self.workdays_button.setToolTip(_(
            "The deadline becomes this many working days after the date the problem was "
            "found (or today), skipping weekends and holidays."
        ))
        self.add_button.clicked.connect(lambda: self.add_measure())
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.workdays_button.clicked.connect(lambda: self.set_deadline_by_workdays())
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button,
                       self.workdays_button):
            button.setAutoDefault(False)

        tools = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.workdays_spin)
        tools.addWidget(self.workdays_button)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.table)
        self._update_buttons()

    # -- content ---------------------------------------------------------------------------

    def set_choices(self, units: Sequence[tuple[str, int]], people: Sequence[str]) -> None:
        self._units = list(units)
        self._names = list(dict.fromkeys(people))

    def set_measures(self, measures: Sequence[MeasureInput]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for m in measures:
            self.add_measure(m, edit=False)
        self.table.clearSelection()
        self._update_buttons()

    def measures(self) -> list[MeasureInput]:
        """The rows in order; a row left entirely empty is not a measure."""
        out = []
        for row in range(self.table.rowCount()):
            cells = [self._text(row, c) for c in range(len(COLUMNS))]
            measure_id = self.table.item(row, TEXT).data(ID_ROLE)
            if not any(cells) and measure_id is None:
                continue
            out.append(MeasureInput(
                text=cells[TEXT], resp_leader=cells[LEADER],
                resp_unit_id=self.table.item(row, UNIT).data(UNIT_ROLE),
                resp_person=cells[PERSON], deadline=_parse_date(cells[DEADLINE]),
                done_date=_parse_date(cells[DONE]), result=cells[RESULT], id=measure_id,
            ))
        return out

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return (item.text() if item else "").strip()

    def add_measure(self, data: MeasureInput | None = None, edit: bool = True) -> int:
        data = data or MeasureInput(text="")
        unit_names = {unit_id: name for name, unit_id in self._units}
        values = [
            data.text, data.resp_leader, unit_names.get(data.resp_unit_id, ""), data.resp_person,
            data.deadline.isoformat() if data.deadline else "",
            data.done_date.isoformat() if data.done_date else "", data.result,
        ]
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for column, value in enumerate(values):
            self.table.setItem(row, column, self._new_item(column, value))
        self.table.item(row, UNIT).setData(UNIT_ROLE, data.resp_unit_id)
        if data.id is not None:
            self.table.item(row, TEXT).setData(ID_ROLE, data.id)
        self.table.blockSignals(False)
        self.table.resizeRowToContents(row)
        if edit:
            self.table.setCurrentCell(row, TEXT)
            self.table.editItem(self.table.item(row, TEXT))
            self.changed.emit()
        self._update_buttons()
        return row

    def _new_item(self, column: int, value: str) -> QTableWidgetItem:
        item = QTableWidgetItem(value)
        item.setFlags(self._flags(column))
        if column in (TEXT, RESULT):
            item.setToolTip(value)
        return item

    def _flags(self, column: int) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if self._mode == Mode.FULL or (
            self._mode == Mode.COMPLETION and column in COMPLETION_COLUMNS
        ):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() in (TEXT, RESULT):
            self.table.blockSignals(True)
            item.setToolTip(item.text())
            self.table.blockSignals(False)
            self.table.resizeRowToContents(item.row())
        self.changed.emit()

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def remove_selected(self) -> None:
        for row in reversed(self.selected_rows()):
            self.table.removeRow(row)
        self._update_buttons()
        self.changed.emit()

    def move_selected(self, delta: int) -> None:
        rows = self.selected_rows()
        if len(rows) != 1:
            return
        row, target = rows[0], rows[0] + delta
        if not 0 <= target < self.table.rowCount():
            return
        self.table.blockSignals(True)
        for column in range(len(COLUMNS)):
            upper, lower = self.table.takeItem(row, column), self.table.takeItem(target, column)
            self.table.setItem(row, column, lower)
            self.table.setItem(target, column, upper)
        self.table.blockSignals(False)
        self.table.resizeRowToContents(row)
        self.table.resizeRowToContents(target)
        self.table.selectRow(target)
        self.changed.emit()

    def set_deadline_by_workdays(self, rows: Sequence[int] | None = None) -> dt.date:
        """Set the deadline of the given (else the selected) rows to N working days after
        the problem's start; returns that date."""
        day = self._calendar.add_workdays(self._start_date(), self.workdays_spin.value())
        for row in rows if rows is not None else self.selected_rows():
            self.table.item(row, DEADLINE).setText(day.isoformat())
        return day

    # -- modes and buttons -----------------------------------------------------------------

    def set_mode(self, mode: Mode) -> None:
        self._mode = mode
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            for column in range(len(COLUMNS)):
                self.table.item(row, column).setFlags(self._flags(column))
        self.table.blockSignals(False)
        if mode == Mode.LOCKED:
            self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        else:
            self.table.setEditTriggers(
                QAbstractItemView.EditTrigger.DoubleClicked
                | QAbstractItemView.EditTrigger.EditKeyPressed
                | QAbstractItemView.EditTrigger.AnyKeyPressed
            )
        self._update_buttons()

    def _update_buttons(self) -> None:
        full = self._mode == Mode.FULL
        rows = self.selected_rows()
        self.add_button.setEnabled(full)
        self.remove_button.setEnabled(full and bool(rows))
        self.up_button.setEnabled(full and len(rows) == 1 and rows[0] > 0)
        self.down_button.setEnabled(
            full and len(rows) == 1 and rows[0] < self.table.rowCount() - 1
        )
        self.workdays_spin.setEnabled(full)
        self.workdays_button.setEnabled(full and bool(rows))

    def _context_menu(self, pos: QPoint) -> None:
        if self._mode != Mode.FULL:
            return
        menu = QMenu(self)
        n = self.workdays_spin.value()
        by_workdays = menu.addAction(_("Deadline: {n} working days later").format(n=n),
                                     lambda: self.set_deadline_by_workdays())
        by_workdays.setEnabled(bool(self.selected_rows()))
        menu.addSeparator()
        menu.addAction(self.add_button.text(), lambda: self.add_measure())
        menu.addAction(self.remove_button.text(), self.remove_selected).setEnabled(
            self.remove_button.isEnabled())
        menu.exec(self.table.viewport().mapToGlobal(pos))

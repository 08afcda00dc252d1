"""Pieces the dashboard (工作台) and the statistics page (统计) share: the look of a section, a
figure tile that opens the list behind its number, a sortable table of figures per unit, area
or person, and the stacked bar chart drawn from the same rows.

Both pages show the numbers of ``desktop.core.stats`` and nothing else, with the rates in the
printed sheets' format (``sheet_layout.percent_text``: one decimal, a dash when there is
nothing to divide by), which is also how ``rectify stats`` prints them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import N_, _
from desktop.core.models import STATE_LABELS, State
from desktop.core.stats import NO_PERSON_LABEL, UNCLASSIFIED_LABEL, FigureRow, Figures, UnitRow
from desktop.exchange.sheet_layout import percent_text
from desktop.ui.charts import BarChart
from desktop.ui.common import read_only_table
from desktop.ui.figure_charts import progress_parts, progress_row

PAGE_BACKGROUND = "#f4f5f7"
CARD_STYLE = ("QFrame#card { background: #ffffff; border: 1px solid #dadce0; "
              "border-radius: 4px; }")
HEADING_STYLE = "font-size: 11pt; font-weight: bold; color: #202124;"
MUTED = "#5f6368"
LINK_STYLE = ("QPushButton { border: none; color: #1a56a8; padding: 0 2px; background: none; }"
              "QPushButton:hover { text-decoration: underline; }"
              "QPushButton:disabled { color: #9aa0a6; }")

UNITS, AREAS, PERSONS = "units", "areas", "persons"
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


# -- sections and tiles ----------------------------------------------------------------------


class Card(QFrame):
    """A white section on the page's grey: a bold heading, an optional widget at the right
    of the heading (a "show all" link), and ``body`` for the content."""

    def __init__(self, title: str, parent: QWidget | None = None,
                 corner: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet(CARD_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.heading = QLabel(title, self)
        self.heading.setStyleSheet(HEADING_STYLE)
        head.addWidget(self.heading, 1)
        if corner is not None:
            head.addWidget(corner)
        layout.addLayout(head)
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        layout.addLayout(self.body, 1)


def link_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setStyleSheet(LINK_STYLE)
    return button


class FigureTile(QPushButton):
    """One key figure: the number large, what it counts beneath, a line of detail. Clicking
    it opens the problem list filtered to exactly the problems it counts."""

    def __init__(self, title: str, colour: str = "#202124",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(92)
        self.setStyleSheet(
            "QPushButton#tile { background: #ffffff; border: 1px solid #dadce0; "
            "border-radius: 4px; text-align: left; }"
            "QPushButton#tile:hover { border-color: #8ab4f8; background: #f8fbff; }"
            "QPushButton#tile:focus { border-color: #1a73e8; }"
            f"QPushButton#tile[accent=\"true\"] {{ border-top: 3px solid {colour}; }}")
        self.value_label = QLabel("…", self)
        self.title_label = QLabel(title, self)
        self.note_label = QLabel("", self)
        self.value_label.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {colour};")
        self.title_label.setStyleSheet("font-size: 10pt; color: #202124;")
        self.note_label.setStyleSheet(f"font-size: 9pt; color: {MUTED};")
        self.title_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 10, 8)
        layout.setSpacing(1)
        for label in (self.value_label, self.title_label, self.note_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)

    def set_figure(self, value: str, note: str = "", accent: bool = False) -> None:
        self.value_label.setText(value)
        self.note_label.setText(note)
        self.setAccessibleName(f"{self.title_label.text()} {value}")
        self.setProperty("accent", "true" if accent else "false")
        self.style().unpolish(self)
        self.style().polish(self)


# -- the rows of a breakdown -----------------------------------------------------------------


@dataclass(frozen=True)
class FigureLine:
    """One row of a breakdown as the pages show it: units carry their figures with
    sub-units (what the list shows when filtered by the unit)."""

    kind: str  # UNITS, AREAS or PERSONS
    key: int | str | None
    name: str
    depth: int
    figures: Figures

    def problem_filter(self) -> dict[str, Any] | None:
        """The problem list's filter fields for this row; None for the row of what has no
        area or no person (the list has no filter for "none")."""
        if self.key is None:
            return None
        if self.kind == UNITS:
            return {"unit_ids": frozenset({self.key})}
        if self.kind == AREAS:
            return {"catalog_id": self.key}
        return {"person": self.key}


def unit_lines(rows: Sequence[UnitRow]) -> list[FigureLine]:
    return [FigureLine(UNITS, r.id, r.name, r.depth, r.rolled_up) for r in rows]


def area_lines(rows: Sequence[FigureRow]) -> list[FigureLine]:
    return [FigureLine(AREAS, r.key, r.name or _(UNCLASSIFIED_LABEL), 0, r.figures)
            for r in rows]


def person_lines(rows: Sequence[FigureRow]) -> list[FigureLine]:
    return [FigureLine(PERSONS, r.key, r.name or _(NO_PERSON_LABEL), 0, r.figures)
            for r in rows]


@dataclass(frozen=True)
class Column:
    """A column of a figure table: its header, its value for a row (a number, a rate, or
    None), and whether it is a rate."""

    key: str
    header: str
    value: Callable[[Figures], float | int | None]
    rate: bool = False
    alarm: str = ""  # a colour for non-zero values (overdue in red)


NAME_HEADERS = {UNITS: N_("Responsible unit"), AREAS: N_("Focus area"),
                PERSONS: N_("Responsible person")}


def figure_columns(due_within: int, full: bool, lights: dict[str, str]) -> list[Column]:
    """The figure columns: the dashboard's short set, or with ``full`` every state and the
    ongoing items without progress as well (the statistics page and its Excel file)."""
    columns = [Column("total", _("Problems"), lambda f: f.total)]
    if full:
        columns += [Column(s.value, _(STATE_LABELS[s]),
                           lambda f, s=s.value: f.states[s]) for s in State]
    else:
        columns.append(Column("closed", _("Closed"), lambda f: f.closed))
    columns += [Column("completion_rate", _("Completion rate"),
                       lambda f: f.completion_rate, rate=True)]
    if full:
        columns.append(Column("on_time_rate", _("On-time rate"), lambda f: f.on_time_rate,
                              rate=True))
    columns += [
        Column("red", _("Overdue"), lambda f: f.red, alarm=lights["red"]),
        Column("yellow", _("Due in {n} working days").format(n=due_within),
               lambda f: f.yellow),
    ]
    if full:
        columns.append(Column("stale", _("Ongoing, no progress"), lambda f: f.stale))
    return columns


def cell_text(column: Column, figures: Figures) -> str:
    value = column.value(figures)
    return percent_text(value) if column.rate else str(value)


class FigureTableModel(QAbstractTableModel):
    """A breakdown (tens to a few hundred rows) held in memory. The first column is the name,
    indented by depth; sorting it restores the given order (the unit tree, the outline, most
    overdue person first) rather than sorting names, which means nothing for units."""

    KEY_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = UNITS
        self.columns: list[Column] = []
        self.lines: list[FigureLine] = []
        self._order: list[int] = []

    def set_lines(self, kind: str, lines: Sequence[FigureLine], columns: list[Column]) -> None:
        self.beginResetModel()
        self.kind = kind
        self.lines = list(lines)
        self.columns = columns
        self._order = list(range(len(self.lines)))
        self.endResetModel()

    def line(self, row: int) -> FigureLine:
        return self.lines[self._order[row]]

    def shown_lines(self) -> list[FigureLine]:
        return [self.lines[i] for i in self._order]

    def headers(self) -> list[str]:
        return [_(NAME_HEADERS[self.kind]), *(c.header for c in self.columns)]

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.line(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "　" * line.depth + line.name
            return cell_text(self.columns[column - 1], line.figures)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column > 0:
            spec = self.columns[column - 1]
            if spec.alarm and spec.value(line.figures):
                return QColor(spec.alarm)
            if line.key is None:
                return QColor(MUTED)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and line.key is None:
            return QColor(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            if line.problem_filter() is not None:
                return _("Double-click to list these problems")
        if role == self.KEY_ROLE:
            return line.key
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        descending = order == Qt.SortOrder.DescendingOrder
        if column <= 0 or column > len(self.columns):
            keyed = sorted(range(len(self.lines)), reverse=descending)
        else:
            spec = self.columns[column - 1]

            def sort_key(i: int) -> tuple:
                value = spec.value(self.lines[i].figures)
                # rows without a rate stay at the bottom whichever way the column is sorted
                if value is None:
                    return (1, 0, i)
                return (0, -value if descending else value, i)

            keyed = sorted(range(len(self.lines)), key=sort_key)
        self.layoutAboutToBeChanged.emit()
        self._order = keyed
        self.layoutChanged.emit()


def figure_table(parent: QWidget, model: FigureTableModel) -> QTableView:
    """A read-only, sortable table of a breakdown; the name column takes the spare width."""
    table = read_only_table(parent, model)
    header = table.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    header.setSortIndicatorShown(True)
    table.setSortingEnabled(True)
    return table


def fit_columns(table: QTableView, name_width: int = 180) -> None:
    """Numbers as wide as their header (with room for the sort arrow), the name the rest."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    model = table.model()
    for column in range(1, model.columnCount()):
        text = str(model.headerData(column, Qt.Orientation.Horizontal))
        header.resizeSection(column, max(56, metrics.horizontalAdvance(text) + 26))
    header.setMinimumSectionSize(40)
    header.resizeSection(0, name_width)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


# -- the chart of a breakdown ----------------------------------------------------------------


def chart_key(line: FigureLine) -> str:
    return "" if line.key is None else f"{line.kind}:{line.key}"


def unit_chart_lines(rows: Sequence[UnitRow]) -> list[FigureLine]:
    """The units worth a bar each. Below a single top unit (the office itself, whose bar would
    only repeat the total) come its sub-units, and the top unit's own problems as a row of
    their own; that row has no key, since the list filtered by a unit takes its sub-units."""
    level = [row for row in rows if row.depth == 0]
    own: list[FigureLine] = []
    while len(level) == 1:
        parent = level[0]
        children = [row for row in rows if row.parent_id == parent.id]
        if not children:
            break
        if parent.figures.total:
            name = _("{unit} (own)").format(unit=parent.name)
            own.append(FigureLine(UNITS, None, name, 0, parent.figures))
        level = children
    return own + unit_lines(level)


def state_chart(lines: Sequence[FigureLine], title: str, lights: dict[str, str],
                limit: int | None = 15, most_overdue_first: bool = True) -> BarChart:
    """Stacked bars per row: closed, open and not overdue, overdue. Rows with the most
    overdue come first (the order of urging); the rest fold into 其他 beyond ``limit``."""
    shown = list(lines)
    if most_overdue_first:
        shown.sort(key=lambda line: (-line.figures.red, -line.figures.open,
                                     -line.figures.total))
    rows = [progress_row(chart_key(line), line.name, line.figures) for line in shown]
    return BarChart(rows, parts=progress_parts(lights), title=title, limit=limit)


def line_for_key(lines: Sequence[FigureLine], key: str) -> FigureLine | None:
    return next((line for line in lines if key and chart_key(line) == key), None)

"""The problem list as a Qt model over the database.

It holds only the ids of the matching problems, in sort order (a list of integers: 100,000 of
them take under a megabyte), and fetches the display rows for the part of the list that is
shown, a page at a time, keeping a bounded cache. Filtering and sorting are done in SQL by
``desktop.core.problem_query``; the model never loads every row.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFontMetrics, QIcon
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from desktop.core import problem_query, urging
from desktop.core.deadlines import LIGHT_LABELS, Light, LightRules
from desktop.core.i18n import N_, _
from desktop.core.models import KIND_LABELS, SCOPE_LABELS, STATE_LABELS, Kind, Scope, State
from desktop.core.problem_query import ProblemFilter, ProblemRow
from desktop.ui.common import read_only_table
from desktop.ui.light_legend import light_icon

PAGE = 100
CACHE_PAGES = 20

# (sort key or None, header, row → display text)
COLUMNS: list[tuple[str | None, str]] = [
    ("light", N_("Light")),
    ("code", N_("No.")),
    ("unit", N_("Unit")),
    ("catalog", N_("Area")),
    ("description", N_("Problem")),
    ("kind", N_("Kind")),
    ("state", N_("State")),
    ("person", N_("Responsible")),
    ("due_date", N_("Deadline")),
    ("found_date", N_("Found on")),
]
COLUMN_KEYS = [key for key, _header in COLUMNS]


def column_widths(metrics: QFontMetrics) -> dict[str, int]:
    """Widths at which every column fits a 1366×768 screen; kind and state as wide as their
    longest label in the interface language, dates as wide as a date."""

    def fits(labels) -> int:
        return max(metrics.horizontalAdvance(_(label)) for label in labels) + 16

    date = metrics.horizontalAdvance("2026-11-30") + 16
    return {"light": 28, "code": 90, "unit": 130, "catalog": 160, "description": 300,
            "kind": fits(KIND_LABELS.values()), "state": fits(STATE_LABELS.values()),
            "person": 80, "due_date": date, "found_date": date}


def problem_table(parent: QWidget, model: ProblemTableModel,
                  widths: dict[str, int] | None = None,
                  hidden: tuple[str, ...] = ()) -> QTableView:
    """A read-only table of problems, whole rows selected, one line per row, the light column
    fixed and the problem text taking the width that is left."""
    table = read_only_table(parent, model, multi=True)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    sizes = column_widths(parent.fontMetrics()) | (widths or {})
    for column, key in enumerate(COLUMN_KEYS):
        if key in hidden:
            table.setColumnHidden(column, True)
        else:
            header.resizeSection(column, sizes[key])
    header.setSectionResizeMode(COLUMN_KEYS.index("light"), QHeaderView.ResizeMode.Fixed)
    header.setSectionResizeMode(COLUMN_KEYS.index("description"), QHeaderView.ResizeMode.Stretch)
    return table


def _text(row: ProblemRow, key: str) -> str:
    if key == "light":
        return ""
    if key == "code":
        return row.code
    if key == "unit":
        return row.unit
    if key == "catalog":
        return row.area or row.catalog
    if key == "description":
        return " ".join(row.description.split())
    if key == "kind":
        return _(KIND_LABELS[Kind(row.kind)])
    if key == "state":
        return _(STATE_LABELS[State(row.state)])
    if key == "person":
        if row.scope == Scope.PERSONAL.value and row.person:
            return row.person
        return row.resp
    if key == "due_date":
        if row.kind == Kind.ONGOING.value:
            return _("Ongoing")
        return row.due_date.isoformat() if row.due_date else ""
    if key == "found_date":
        return row.found_date.isoformat() if row.found_date else ""
    return ""


class ProblemTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._filter: ProblemFilter | None = None
        self._fixed: list[int] | None = None  # a given list (a queue) instead of a filter
        self._rules: LightRules | None = None
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, ProblemRow]] = OrderedDict()
        self._sort_key = "code"
        self._descending = False
        self._icons: dict[Light, QIcon] = {}
        self._urged: dict[int, int] = {}  # problem id → urging rounds, for fetched pages
        self.pages_fetched = 0  # how many page queries ran (tests and the benchmark read it)

    # --- what is shown -------------------------------------------------------------------
    def set_filter(self, problem_filter: ProblemFilter | None, rules: LightRules | None) -> None:
        self._filter = problem_filter
        self._fixed = None
        self._rules = rules
        self.reload()

    def set_ids(self, ids: list[int], rules: LightRules | None) -> None:
        """Show exactly these problems in this order (a queue); sorting then keeps it."""
        self._filter = None
        self._fixed = list(ids)
        self._rules = rules
        self.reload()

    @property
    def problem_filter(self) -> ProblemFilter | None:
        return self._filter

    def reload(self) -> None:
        """Run the query again (after a change or a new filter) and forget the cached rows."""
        self.beginResetModel()
        self._pages.clear()
        self._urged.clear()
        if self._fixed is not None:
            self._ids = list(self._fixed)
        elif self._filter is None:
            self._ids = []
        else:
            self._ids = problem_query.matching_ids(
                self._filter, self._sort_key, self._descending, self._rules
            )
        self.endResetModel()

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    def problem_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, problem_id: int) -> int | None:
        try:
            return self._ids.index(problem_id)
        except ValueError:
            return None

    def ids(self) -> list[int]:
        return list(self._ids)

    def forget_icons(self) -> None:
        """The palette changed: draw the lights again in the new colours."""
        self._icons.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, 0),
                                  [Qt.ItemDataRole.DecorationRole])

    def urge_count(self, row: int) -> int:
        """Rounds of urging of the problem in ``row`` (0 when never urged)."""
        found = self.problem_row(row)
        return self._urged.get(found.id, 0) if found is not None else 0

    def problem_row(self, row: int) -> ProblemRow | None:
        if not 0 <= row < len(self._ids):
            return None
        page_number = row // PAGE
        page = self._pages.get(page_number)
        if page is None:
            page = self._fetch_page(page_number)
        else:
            self._pages.move_to_end(page_number)
        return page.get(self._ids[row])

    def _fetch_page(self, page_number: int) -> dict[int, ProblemRow]:
        ids = self._ids[page_number * PAGE : (page_number + 1) * PAGE]
        page = problem_query.fetch_rows(ids, self._rules)
        self._urged.update(urging.urge_counts(ids))
        self.pages_fetched += 1
        self._pages[page_number] = page
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        return page

    # --- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if COLUMN_KEYS[section] == "light" else _(COLUMNS[section][1])
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(COLUMNS[section][1])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = COLUMN_KEYS[index.column()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.UserRole,
        ):
            return None
        row = self.problem_row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        light = Light(row.light)
        if role == Qt.ItemDataRole.DecorationRole:
            if key != "light":
                return None
            if light not in self._icons:
                self._icons[light] = light_icon(light)
            return self._icons[light]
        if role == Qt.ItemDataRole.ToolTipRole:
            urged = self._urged.get(row.id, 0)
            urged_text = _("Urged {count} time(s)").format(count=urged) if urged else ""
            if key == "light":
                return "\n".join(t for t in (_(LIGHT_LABELS[light]), urged_text) if t)
            if key == "description":
                return "\n".join(t for t in (row.description, urged_text) if t)
            if key == "person" and row.scope == Scope.PERSONAL.value:
                return _(SCOPE_LABELS[Scope.PERSONAL]) + "：" + row.person
            if key == "catalog":
                return row.catalog
            return None
        return _text(row, key)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMN_KEYS[column]
        if key is None or self._fixed is not None:
            return
        self._sort_key = key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

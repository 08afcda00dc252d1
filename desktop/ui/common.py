"""Small widgets and helpers every page uses: showing a domain error, an optional date field,
combo boxes filled from the database, and a call wrapper that turns domain errors into a
message the user can act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QMessageBox,
    QTableView,
    QTableWidget,
    QWidget,
)

from desktop.core.errors import DomainError
from desktop.core.i18n import _, language

T = TypeVar("T")

NO_DATE = QDate(1900, 1, 1)


def error_text(error: DomainError) -> str:
    """The message in the interface language, with the English beneath when that is Chinese
    (an IT helper reading a screenshot may need it)."""
    text = error.message()
    if language() != "en":
        english = error.message("en")
        if english != text:
            text = f"{text}\n\n{english}"
    return text


def show_error(parent: QWidget | None, error: DomainError, title: str | None = None) -> None:
    QMessageBox.warning(parent, title or _("Cannot do this"), error_text(error))


def run_service(parent: QWidget | None, call: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """Call a core service; a domain error is shown to the user and gives None."""
    try:
        return call(*args, **kwargs)
    except DomainError as error:
        show_error(parent, error)
        return None


def long_date(day: dt.date) -> str:
    """A date the way a sentence says it: 2026年11月20日, or 2026-11-20 in English."""
    return _("{year}-{month:02}-{day:02}").format(year=day.year, month=day.month, day=day.day)


def to_qdate(day: dt.date | None) -> QDate:
    return QDate(day.year, day.month, day.day) if day else NO_DATE


def from_qdate(value: QDate) -> dt.date | None:
    if not value.isValid() or value == NO_DATE:
        return None
    return dt.date(value.year(), value.month(), value.day())


class DateField(QDateEdit):
    """A date that may be empty: the lowest date stands for "none" and shows as a dash.
    Typing or picking from the calendar popup sets it; Delete clears it."""

    def __init__(self, parent: QWidget | None = None, day: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText("—")
        self.set_value(day)

    def value(self) -> dt.date | None:
        return from_qdate(self.date())

    def set_value(self, day: dt.date | None) -> None:
        self.setDate(to_qdate(day))

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.value() is None:
            return
        if event.key() == Qt.Key.Key_Delete:
            self.set_value(None)
            return
        super().keyPressEvent(event)


def fill_combo(
    combo: QComboBox,
    items: Iterable[tuple[str, Any]],
    empty: str | None = None,
    current: Any = None,
) -> None:
    """Replace a combo's items with (text, data) pairs, optionally led by an empty choice whose
    data is None, and select ``current`` when present."""
    combo.blockSignals(True)
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)


class ReloadsWhenShown:
    """For pages behind the navigation rail: a change made elsewhere reloads the page at once
    only when it is in view; otherwise the page remembers it is out of date and reloads when
    it is shown (saving a problem then costs one reload, not one per page).

    Mix in before the Qt class; the page implements ``reload()``."""

    _stale = False

    def reload_or_defer(self) -> None:
        if self.isWindow() or self.isVisibleTo(self.window()):
            self._stale = False
            self.reload()
        else:
            self._stale = True

    def load_when_shown(self) -> None:
        """The first load, for a page's constructor: a page behind the rail loads when first
        shown, so it costs nothing before the window's first paint; a page that is a window
        of its own (a test, a screenshot) loads at once. (``reload_or_defer`` cannot tell:
        before a window is first shown, every child never hidden counts as visible to it.)"""
        if self.isWindow():
            self.reload()
        else:
            self._stale = True

    def load_if_stale(self) -> None:
        """Load now if a load is owed (a caller needs the page's data before it is shown)."""
        if self._stale:
            self._stale = False
            self.reload()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)


def read_only_table(parent: QWidget, model, multi: bool = False) -> QTableView:
    """A table of whole rows to look at and open, not to edit: one text line per row, row
    height from the font, no row numbers."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + 10)
    table.horizontalHeader().setHighlightSections(False)
    return table


def make_table(headers: Sequence[str], stretch: int = 0) -> QTableWidget:
    """A read-only, whole-row-selecting table; column ``stretch`` takes the spare width."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table

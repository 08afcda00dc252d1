"""统计: the campaign's figures per unit, per focus area (整治重点方面) and per responsible
person, as a table with every figure and the matching chart, for any day and yellow-light
window; the chart saved as a picture and the table as an Excel workbook for a report.

The numbers are ``desktop.core.stats``'s: the same as the dashboard's and ``rectify stats``'s
for the same day and window. A breakdown is fetched when its tab is first shown (the person
breakdown of a county database takes most of a second) and kept until the data, the day or
the window change.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from desktop.core import clock, stats
from desktop.core.errors import DomainError
from desktop.core.i18n import N_, _
from desktop.exchange.safe_write import write_failure
from desktop.exchange.stats_xlsx import StatsTable, write_stats_xlsx
from desktop.ui.chart_view import ChartView, file_name_for
from desktop.ui.common import DateField, ReloadsWhenShown, long_date, show_error
from desktop.ui.context import AppContext
from desktop.ui.figure_widgets import (
    AREAS,
    MUTED,
    PERSONS,
    UNITS,
    FigureLine,
    FigureTableModel,
    area_lines,
    figure_columns,
    figure_table,
    fit_columns,
    line_for_key,
    person_lines,
    state_chart,
    unit_chart_lines,
    unit_lines,
)
from desktop.ui.light_legend import current_colours

KINDS = (UNITS, AREAS, PERSONS)
TAB_TITLES = {UNITS: N_("By unit"), AREAS: N_("By focus area"),
              PERSONS: N_("By responsible person")}
TABLE_TITLES = {UNITS: N_("Rectification by responsible unit"),
                AREAS: N_("Rectification by focus area"),
                PERSONS: N_("Rectification by responsible person")}
PERSON_BARS = 30  # a county names hundreds of people: the chart shows the most overdue


class StatisticsPage(ReloadsWhenShown, QWidget):
    """Signals: ``show_problems(dict)`` (ProblemFilter fields: unit_ids, catalog_id or
    person) on a double-clicked row or a clicked bar; ``loaded()`` when a breakdown is shown.

    Attributes tests drive: ``selector`` (QTabBar, tab data: "units"/"areas"/"persons"),
    ``as_of_field`` (DateField), ``due_spin``, ``model``/``table``, ``chart_view``,
    ``save_image_button``, ``export_button``, ``summary_label``, ``status_label``; ``kind()``,
    ``show_breakdown(kind)``, ``finish_loading()``, ``save_image()`` and
    ``export_excel(path=None)`` return the written path or None. ``rows[kind]`` holds the
    core rows last fetched, ``timings`` the seconds each fetch took."""

    show_problems = Signal(object)
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: dict[str, list] = {}
        self.lines: dict[str, list[FigureLine]] = {}
        self.chart_lines: list[FigureLine] = []
        self.timings: dict[str, float] = {}
        self._pending = False
        self._generation = 0
        self._campaign_id: int | None = None
        self._build()
        ctx.campaign_changed.connect(lambda _id: self.reload_or_defer())
        ctx.data_changed.connect(self._on_data_changed)
        self.reload_or_defer()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.selector = QTabBar(self)
        self.selector.setExpanding(False)
        self.selector.setDrawBase(False)
        for kind in KINDS:
            index = self.selector.addTab(_(TAB_TITLES[kind]))
            self.selector.setTabData(index, kind)
        self.selector.currentChanged.connect(lambda _i: self._schedule())

        self.as_of_field = DateField(self, clock.today())
        self.as_of_field.setToolTip(_("The lights are judged as on this day."))
        self.as_of_field.dateChanged.connect(lambda _d: self._parameters_changed())
        self.due_spin = QSpinBox(self)
        self.due_spin.setRange(0, 60)
        self.due_spin.setSuffix(_(" working days"))
        self.due_spin.setToolTip(_("A problem is counted as due soon (yellow) when its "
                                   "deadline is within this many working days."))
        self.due_spin.valueChanged.connect(lambda _v: self._parameters_changed())
        self.save_image_button = QPushButton(_("Save image…"), self)
        self.save_image_button.clicked.connect(self.save_image)
        self.export_button = QPushButton(_("Export to Excel…"), self)
        self.export_button.clicked.connect(lambda: self.export_excel())

        top = QHBoxLayout()
        top.addWidget(self.selector)
        top.addStretch(1)
        top.addWidget(QLabel(_("As of"), self))
        top.addWidget(self.as_of_field)
        top.addSpacing(8)
        top.addWidget(QLabel(_("Due soon within"), self))
        top.addWidget(self.due_spin)
        top.addSpacing(8)
        top.addWidget(self.save_image_button)
        top.addWidget(self.export_button)

        self.summary_label = QLabel(self)
        self.summary_label.setStyleSheet(f"color: {MUTED};")
        self.summary_label.setWordWrap(True)

        self.model = FigureTableModel(self)
        self.table = figure_table(self, self.model)
        self.table.doubleClicked.connect(lambda index: self._emit_line(
            self.model.line(index.row())))
        self.table.setToolTip(_("Double-click a row to list its problems."))
        self.chart_view = ChartView(parent=self)
        self.chart_view.category_clicked.connect(self._bar_clicked)
        chart_scroll = QScrollArea(self)
        chart_scroll.setWidgetResizable(True)
        chart_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        chart_scroll.setWidget(self.chart_view)
        chart_scroll.setStyleSheet("QScrollArea { background: #ffffff; }")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(chart_scroll)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 300])

        self.status_label = QLabel(self)
        self.status_label.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)

    # --- parameters and loading -----------------------------------------------------------
    def kind(self) -> str:
        return self.selector.tabData(self.selector.currentIndex()) or UNITS

    def as_of(self) -> dt.date:
        return self.as_of_field.value() or clock.today()

    def show_breakdown(self, kind: str) -> None:
        self.selector.setCurrentIndex(KINDS.index(kind))

    def reload(self) -> None:
        """Forget what was fetched and show the current breakdown again; a new campaign
        starts from today and its own yellow-light window."""
        campaign = self.ctx.campaign()
        if campaign is not None and campaign.id != self._campaign_id:
            self._campaign_id = campaign.id
            self.as_of_field.blockSignals(True)
            self.due_spin.blockSignals(True)
            self.as_of_field.set_value(clock.today())
            self.due_spin.setValue(campaign.yellow_workdays)
            self.as_of_field.blockSignals(False)
            self.due_spin.blockSignals(False)
        self.rows.clear()
        self.lines.clear()
        for widget in (self.selector, self.as_of_field, self.due_spin,
                       self.save_image_button, self.export_button):
            widget.setEnabled(campaign is not None)
        if campaign is None:
            self.model.set_lines(UNITS, [], [])
            self.chart_view.set_chart(None)
            self.summary_label.setText(_("Create a campaign in Settings to see its figures."))
            return
        self._schedule()

    def _parameters_changed(self) -> None:
        self.rows.clear()
        self.lines.clear()
        self._schedule()

    def _schedule(self) -> None:
        """Show the breakdown from the event loop, so that the tab or the date the user
        just chose is drawn before the figures are worked out."""
        self._generation += 1
        self._pending = True
        generation = self._generation
        QTimer.singleShot(0, lambda: self._run(generation))

    def _run(self, generation: int) -> None:
        if generation != self._generation or not self._pending:
            return
        if not self.isVisible():
            self._stale = True  # showing the page fetches it then
            return
        self.finish_loading()

    def finish_loading(self) -> None:
        if not self._pending:
            return
        self._pending = False
        if self.ctx.campaign_id is None:
            return
        self._show(self.kind())
        self.loaded.emit()

    def is_loading(self) -> bool:
        return self._pending

    def _fetch(self, kind: str) -> list[FigureLine]:
        if kind not in self.lines:
            cid, as_of, due = self.ctx.campaign_id, self.as_of(), self.due_spin.value()
            assert cid is not None
            started = time.perf_counter()
            if kind == UNITS:
                rows = stats.unit_rows(cid, as_of, due)
                lines = unit_lines(rows)
            elif kind == AREAS:
                rows = stats.area_rows(cid, as_of, due)
                lines = area_lines(rows)
            else:
                rows = stats.person_rows(cid, as_of, due)
                lines = person_lines(rows)
            self.timings[kind] = time.perf_counter() - started
            self.rows[kind], self.lines[kind] = rows, lines
        return self.lines[kind]

    def _show(self, kind: str) -> None:
        try:
            lines = self._fetch(kind)
        except DomainError as error:
            show_error(self, error)
            return
        lights = current_colours()
        columns = figure_columns(self.due_spin.value(), True, lights)
        self.model.set_lines(kind, lines, columns)
        fit_columns(self.table, 220)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        if kind == UNITS:
            self.chart_lines = unit_chart_lines(self.rows[UNITS])
        else:
            self.chart_lines = [line for line in lines if line.figures.total]
        self.chart_view.set_chart(state_chart(
            self.chart_lines, self.chart_title(), lights,
            limit=PERSON_BARS if kind == PERSONS else None, most_overdue_first=kind != AREAS))
        self.summary_label.setText(self._summary(kind, lines))
        self.status_label.setText("")

    def chart_title(self) -> str:
        return _("{title} (as of {date})").format(title=_(TABLE_TITLES[self.kind()]),
                                                  date=long_date(self.as_of()))

    def _summary(self, kind: str, lines: list[FigureLine]) -> str:
        named = [line for line in lines if line.key is not None]
        campaign = self.ctx.campaign()
        counts = {UNITS: _("{count} units with problems"),
                  AREAS: _("{count} focus areas"),
                  PERSONS: _("{count} responsible persons")}
        text = _("{campaign} · as of {date} · {rows}").format(
            campaign=campaign.name if campaign else "", date=long_date(self.as_of()),
            rows=counts[kind].format(count=len(named)))
        if kind == UNITS:
            text += _(" · a unit's figures include its sub-units")
        elif kind == PERSONS:
            text += _(" · a problem counts for each responsible person of its measures")
        return text

    def _on_data_changed(self, what: str) -> None:
        if what in ("problem", "campaign", "unit", "catalog", "person", "holiday",
                    "light_style"):
            self.reload_or_defer()

    # --- clicks ---------------------------------------------------------------------------
    def _emit_line(self, line: FigureLine) -> None:
        wanted = line.problem_filter()
        if wanted is not None:
            self.show_problems.emit(wanted)

    def _bar_clicked(self, key: str) -> None:
        line = line_for_key(self.chart_lines, key)
        if line is not None:
            self._emit_line(line)

    # --- files ----------------------------------------------------------------------------
    def save_image(self) -> Path | None:
        path = self.chart_view.save_as_image()
        if path is not None:
            self.status_label.setText(_("Saved to {path}").format(path=path))
        return path

    def table_for_export(self) -> StatsTable:
        """The table as shown (its sort order, units indented), rates as fractions."""
        model = self.model
        rows, indents = [], []
        for line in model.shown_lines():
            rows.append([line.name, *(c.value(line.figures) for c in model.columns)])
            indents.append(line.depth)
        campaign = self.ctx.campaign()
        return StatsTable(
            title=_(TABLE_TITLES[model.kind]), campaign=campaign.name if campaign else "",
            as_of=self.as_of(), headers=model.headers(), rows=rows,
            percent_columns=frozenset(i + 1 for i, c in enumerate(model.columns) if c.rate),
            indents=indents,
            note=_("Due soon: within {n} working days").format(n=self.due_spin.value()))

    def export_excel(self, path: str | Path | None = None) -> Path | None:
        self.finish_loading()
        table = self.table_for_export()
        if path is None:
            stem = Path(file_name_for(f"{table.title}_{table.as_of.isoformat()}")).stem
            suggested = Path.home() / f"{stem}.xlsx"
            name, _filter = QFileDialog.getSaveFileName(
                self, _("Export to Excel"), str(suggested), _("Excel workbooks (*.xlsx)"))
            if not name:
                return None
            path = name
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        try:
            write_stats_xlsx(target, table)
        except OSError as error:
            show_error(self, write_failure(error, target))
            return None
        self.status_label.setText(_("Saved to {path}").format(path=target))
        return target

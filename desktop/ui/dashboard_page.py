"""工作台: the page an office opens every morning. Where the campaign stands (its phases,
today, the next milestones), the key figures, what is overdue and due soon, each unit and
area, the burn-down, what waits for the signed-in user, and when the next ledger is due.

Every number is one of ``desktop.core.stats``, computed under the problem list's own light
rules, and every number can be clicked: the page asks the main window (``show_problems``) to
open the list filtered to exactly the problems counted. The figures of a county database
(100,000 problems) take about a second in all, so they are fetched in steps, each started
from the event loop after the previous one was shown: the window repaints between them and
the first figures appear at once. The page reloads only while it is in view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import clock, problem_query, stats
from desktop.core.deadlines import Light
from desktop.core.i18n import N_, _
from desktop.core.models import State
from desktop.core.problem_query import ProblemFilter
from desktop.exchange.sheet_layout import percent_text
from desktop.ui.chart_dates import (
    Milestone,
    Phase,
    TimelineChart,
    day_label,
)
from desktop.ui.chart_view import ChartView
from desktop.ui.charts import ACCENT, BarChart, BarPart, BarRow
from desktop.ui.common import ReloadsWhenShown, long_date
from desktop.ui.context import AppContext
from desktop.ui.figure_charts import burndown_chart
from desktop.ui.figure_widgets import (
    MUTED,
    PAGE_BACKGROUND,
    Card,
    FigureLine,
    FigureTableModel,
    FigureTile,
    area_lines,
    chart_key,
    figure_columns,
    figure_table,
    fit_columns,
    line_for_key,
    link_button,
    state_chart,
    unit_chart_lines,
    unit_lines,
)
from desktop.ui.light_legend import LightLegend, current_colours
from desktop.ui.reminders import WORK_LABELS, filing_text

LIST_LENGTH = 10
TILE_KEYS = ("total", "closed", "completion", "on_time", "red", "yellow", "stale")
OPEN_STATES = frozenset({State.SUBMITTED.value, State.RECTIFYING.value, State.CLOSING.value})
# what each tile opens: the problems it counts, or for a rate those that keep it below 100%
TILE_FILTERS: dict[str, dict[str, Any]] = {
    "total": {},
    "closed": {"states": frozenset({State.CLOSED.value})},
    "completion": {"states": OPEN_STATES},
    "on_time": {"lights": frozenset({Light.LATE.value})},
    "red": {"lights": frozenset({Light.RED.value})},
    "yellow": {"lights": frozenset({Light.YELLOW.value})},
    "stale": {"lights": frozenset({Light.STALE.value})},
}
TILE_TIPS = {
    "total": N_("Every problem of the campaign; click to list them."),
    "closed": N_("Problems closed (销号); click to list them."),
    "completion": N_("Closed / problems past draft. Click to list those still open."),
    "on_time": N_("Closed by the deadline / closed. Click to list those closed late."),
    "red": N_("Past the deadline and not closed; click to list them."),
    "yellow": N_("Due within the yellow-light window; click to list them."),
    "stale": N_("Ongoing items with no progress recorded this reporting cycle; click to "
                "list them."),
}


class DashboardPage(ReloadsWhenShown, QWidget):
    """Signals: ``open_problem(id)``, ``show_problems(dict)`` (ProblemFilter fields:
    unit_ids, lights, states, catalog_id, person; an empty dict is the whole campaign),
    ``show_page(name)`` ("review/<queue>": the sign-off page, that queue), ``export_ledger()``,
    ``loaded()`` when every step has been shown.

    Attributes tests read: ``tiles`` (key → FigureTile), ``red_list``/``yellow_list`` and
    ``red_ids``/``yellow_ids``/``red_count``/``yellow_count``, ``unit_model``/``unit_table``,
    ``unit_chart``/``area_chart``/``burndown_chart``/``timeline_chart`` (ChartViews),
    ``milestone_labels``, ``work_buttons`` (queue → button), ``filing_label``,
    ``export_button``, ``legend``; ``figures``, ``units``, ``areas``, ``as_of``, ``timings``
    (step → seconds). ``finish_loading()`` runs the steps still waiting, at once."""

    open_problem = Signal(object)
    show_problems = Signal(object)
    show_page = Signal(str)
    export_ledger = Signal()
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.as_of = clock.today()
        self.context: stats.StatsContext | None = None
        self.figures: stats.Figures | None = None
        self.units: list[stats.UnitRow] = []
        self.areas: list[stats.FigureRow] = []
        self.red_ids: list[int] = []
        self.yellow_ids: list[int] = []
        self.red_count = self.yellow_count = 0
        self.timings: dict[str, float] = {}
        self._steps: list[tuple[str, Callable[[], None]]] = []
        self._generation = 0
        self._shown_campaign: int | None = None
        self._chart_lines: list[FigureLine] = []
        self._area_lines: list[FigureLine] = []
        self.work: dict[str, int | None] = {}
        self._build()
        ctx.campaign_changed.connect(lambda _id: self.reload_or_defer())
        ctx.data_changed.connect(self._on_data_changed)
        self.reload_or_defer()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        content = QWidget(self)
        content.setObjectName("dashboard")
        content.setStyleSheet(f"QWidget#dashboard {{ background: {PAGE_BACKGROUND}; }}")
        grid = QGridLayout(content)
        grid.setContentsMargins(14, 12, 14, 14)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)

        self.heading = QLabel(content)
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold; color: #202124;")
        self.subheading = QLabel(content)
        self.subheading.setStyleSheet(f"color: {MUTED};")
        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addSpacing(12)
        head.addWidget(self.subheading, 1)
        grid.addLayout(head, 0, 0, 1, 6)

        grid.addWidget(self._timeline_card(content), 1, 0, 1, 4)
        grid.addWidget(self._work_card(content), 1, 4, 1, 2)
        grid.addLayout(self._tiles(content), 2, 0, 1, 6)
        self.red_card, self.red_list, self.red_all = self._problem_card(
            content, _("Overdue problems"), Light.RED.value)
        self.yellow_card, self.yellow_list, self.yellow_all = self._problem_card(
            content, _("Problems due soon"), Light.YELLOW.value)
        grid.addWidget(self.red_card, 3, 0, 1, 3)
        grid.addWidget(self.yellow_card, 3, 3, 1, 3)
        grid.addWidget(self._unit_card(content), 4, 0, 1, 6)
        self.area_chart = ChartView(parent=content)
        self.area_chart.category_clicked.connect(self._area_clicked)
        area_card = Card(_("Completion rate by focus area"), content)
        area_card.body.addWidget(self.area_chart)
        grid.addWidget(area_card, 5, 0, 1, 3)
        self.burndown_chart = ChartView(parent=content)
        burn_card = Card(_("Open problems over time"), content)
        burn_card.body.addWidget(self.burndown_chart)
        grid.addWidget(burn_card, 5, 3, 1, 3)
        legend_card = Card(_("What the lights mean"), content)
        self.legend = LightLegend(self.ctx, compact=True, parent=legend_card)
        legend_card.body.addWidget(self.legend)
        grid.addWidget(legend_card, 6, 0, 1, 6)
        for column in range(6):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(7, 1)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _timeline_card(self, parent: QWidget) -> Card:
        card = Card(_("Phases and milestones"), parent)
        self.timeline_chart = ChartView(parent=card)
        self.timeline_chart.setMinimumHeight(110)
        card.body.addWidget(self.timeline_chart)
        self.phase_label = QLabel(card)
        self.phase_label.setStyleSheet("font-weight: bold;")
        card.body.addWidget(self.phase_label)
        self.milestone_box = QVBoxLayout()
        self.milestone_box.setSpacing(2)
        card.body.addLayout(self.milestone_box)
        card.body.addStretch(1)
        self.milestone_labels: list[QLabel] = []
        return card

    def _tiles(self, parent: QWidget) -> QHBoxLayout:
        lights = current_colours()
        titles = {
            "total": (_("Total problems"), "#202124"),
            "closed": (_("Closed"), "#202124"),
            "completion": (_("Completion rate"), "#174ea6"),
            "on_time": (_("On-time rate"), "#174ea6"),
            "red": (_("Overdue"), lights["red"]),
            "yellow": ("", "#b06000"),
            "stale": (_("Ongoing, no progress"), lights["stale"]),
        }
        row = QHBoxLayout()
        row.setSpacing(10)
        self.tiles: dict[str, FigureTile] = {}
        for key in TILE_KEYS:
            title, colour = titles[key]
            tile = FigureTile(title, colour, parent)
            tile.setToolTip(_(TILE_TIPS[key]))
            tile.clicked.connect(lambda _c=False, k=key: self.open_tile(k))
            self.tiles[key] = tile
            row.addWidget(tile, 1)
        return row

    def _problem_card(self, parent: QWidget, title: str, light: str
                      ) -> tuple[Card, QTableWidget, QPushButton]:
        link = link_button(_("All…"), parent)
        link.clicked.connect(lambda: self.show_problems.emit({"lights": frozenset({light})}))
        card = Card(title, parent, link)
        table = QTableWidget(0, 5, card)
        table.setHorizontalHeaderLabels([_("Code"), _("Responsible unit"),
                                         _("Problem description"), _("Deadline"),
                                         _("Overdue by") if light == Light.RED.value
                                         else _("Time left")])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().setVisible(False)
        row_height = table.fontMetrics().height() + 8
        table.verticalHeader().setDefaultSectionSize(row_height)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        metrics = table.fontMetrics()
        date_width = metrics.horizontalAdvance("2026-11-30") + 16
        for column, width in enumerate((metrics.horizontalAdvance("000000") + 14, 110, 150,
                                        date_width, date_width)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setFixedHeight(header.sizeHint().height() + LIST_LENGTH * row_height + 4)
        table.doubleClicked.connect(lambda index: self._list_opened(table, index.row()))
        table.setToolTip(_("Double-click a problem to open it."))
        card.body.addWidget(table)
        return card, table, link

    def _work_card(self, parent: QWidget) -> Card:
        card = Card(_("My work"), parent)
        self.work_note = QLabel(card)
        self.work_note.setWordWrap(True)
        self.work_note.setStyleSheet(f"color: {MUTED};")
        card.body.addWidget(self.work_note)
        self.work_buttons: dict[str, QPushButton] = {}
        buttons = QGridLayout()
        buttons.setSpacing(6)
        for index, queue in enumerate(stats.MY_WORK_KEYS):
            button = QPushButton(card)
            button.setStyleSheet("QPushButton { text-align: left; padding: 4px 10px; }")
            button.clicked.connect(lambda _c=False, q=queue: self.show_page.emit(f"review/{q}"))
            button.setVisible(False)
            self.work_buttons[queue] = button
            buttons.addWidget(button, index // 2, index % 2)
        card.body.addLayout(buttons)
        card.body.addStretch(1)
        rule = QFrame(card)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #e0e0e0;")
        card.body.addWidget(rule)
        self.filing_label = QLabel(card)
        self.filing_label.setWordWrap(True)
        self.export_button = QPushButton(_("Export the ledger…"), card)
        self.export_button.clicked.connect(self.export_ledger.emit)
        filing = QHBoxLayout()
        filing.addWidget(self.filing_label, 1)
        filing.addWidget(self.export_button)
        card.body.addLayout(filing)
        return card

    def _unit_card(self, parent: QWidget) -> Card:
        card = Card(_("By responsible unit (with sub-units)"), parent)
        self.unit_model = FigureTableModel(card)
        self.unit_table = figure_table(card, self.unit_model)
        self.unit_table.doubleClicked.connect(self._unit_row_opened)
        self.unit_table.setMinimumHeight(300)
        self.unit_chart = ChartView(parent=card)
        self.unit_chart.category_clicked.connect(self._unit_clicked)
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(self.unit_table, 1)
        row.addWidget(self.unit_chart, 1)
        card.body.addLayout(row)
        return card

    # --- loading in steps -----------------------------------------------------------------
    def reload(self) -> None:
        """Start fetching the figures again; the steps run one per turn of the event loop."""
        self._generation += 1
        self.timings = {}
        campaign = self.ctx.campaign()
        self.as_of = clock.today()
        if campaign is None or campaign.id != self._shown_campaign:
            # another campaign's numbers must not stand while this one's load; the same
            # campaign's stay until the new ones replace them, so a save does not flicker
            self._clear()
        self._shown_campaign = campaign.id if campaign is not None else None
        if campaign is None:
            for tile in self.tiles.values():
                tile.set_figure("—")
            self.heading.setText(_("No campaign"))
            self.subheading.setText(_("Create a campaign in Settings to see its figures."))
            self._steps = []
            return
        self.heading.setText(campaign.name)
        self.subheading.setText(_("As of {date}").format(date=long_date(self.as_of)))
        # the cheap pieces and the tiles first; the burn-down, the slowest, last
        self._steps = [("timeline", self._load_timeline), ("units", self._load_units),
                       ("red", lambda: self._load_list(Light.RED.value)),
                       ("yellow", lambda: self._load_list(Light.YELLOW.value)),
                       ("work", self._load_work), ("areas", self._load_areas),
                       ("burndown", self._load_burndown)]
        self._schedule()

    def _schedule(self) -> None:
        generation = self._generation
        QTimer.singleShot(0, lambda: self._run_next(generation))

    def _run_next(self, generation: int) -> None:
        if generation != self._generation or not self._steps:
            return  # reloaded since, or finished by finish_loading()
        if not self.isVisible():
            # put out of view before its turn came (or built before the window was shown):
            # showing it again starts over
            self._stale = True
            return
        self._run_step()
        if self._steps:
            self._schedule()
        else:
            self.loaded.emit()

    def _run_step(self) -> None:
        name, step = self._steps.pop(0)
        started = time.perf_counter()
        step()
        self.timings[name] = time.perf_counter() - started

    def finish_loading(self) -> None:
        """Run whatever is still waiting now (tests, and a caller about to print)."""
        if not self._steps:
            return
        while self._steps:
            self._run_step()
        self.loaded.emit()

    def is_loading(self) -> bool:
        return bool(self._steps)

    def _clear(self) -> None:
        for tile in self.tiles.values():
            tile.set_figure("…")
        for table in (self.red_list, self.yellow_list):
            table.setRowCount(0)
        self.red_ids, self.yellow_ids = [], []

    def _on_data_changed(self, what: str) -> None:
        if what in ("problem", "campaign", "unit", "catalog", "holiday", "light_style"):
            self.reload_or_defer()

    def _cid(self) -> int:
        campaign_id = self.ctx.campaign_id
        assert campaign_id is not None
        return campaign_id

    # --- the steps ------------------------------------------------------------------------
    def _load_timeline(self) -> None:
        cid = self._cid()
        self.context = stats.stats_context(cid, self.as_of)
        campaign = self.context.campaign
        line = stats.timeline(cid, self.as_of)
        lights = current_colours()
        phases = []
        for info in line.phases:
            start = info.start_date
            end = info.end_date or campaign.end_date or self.as_of
            if start is not None and end >= start:
                phases.append(Phase(info.name, start, end))
        stones = [Milestone(m.name, m.due_date) for m in line.overdue + line.upcoming]
        self.timeline_chart.set_chart(TimelineChart(
            phases, stones, today=self.as_of, start=campaign.start_date,
            end=campaign.end_date, lights=lights))
        current = [p.name for p in line.phases if p.current]
        self.phase_label.setText(_("Current phase: {phase}").format(
            phase="、".join(current) if current else "—"))
        for label in self.milestone_labels:
            label.deleteLater()
        self.milestone_labels = []
        for stone in line.overdue[:3]:
            self._milestone_line(stone, lights["red"], _("{count} working days overdue")
                                 .format(count=-stone.workdays_left))
        for stone in line.upcoming[:3]:
            left = (_("due today") if stone.days_left == 0 else
                    _("{count} working days left").format(count=stone.workdays_left))
            self._milestone_line(stone, "#202124", left)
        if not self.milestone_labels:
            self._milestone_line(None, MUTED, _("No milestone is pending."))
        filing = stats.next_filing(cid, self.as_of)
        self.filing_label.setText(filing_text(filing))
        yellow = self.tiles["yellow"]
        yellow.title_label.setText(_("Due in {n} working days").format(
            n=self.context.due_within))

    def _milestone_line(self, stone: stats.MilestoneInfo | None, colour: str, text: str
                        ) -> None:
        label = QLabel(self.milestone_box.parentWidget())
        if stone is None:
            label.setText(text)
        else:
            label.setText(_("{name} ({date}): {left}").format(
                name=stone.name, date=long_date(stone.due_date), left=text))
        label.setStyleSheet(f"color: {colour};")
        label.setWordWrap(True)
        self.milestone_box.addWidget(label)
        self.milestone_labels.append(label)

    def _load_units(self) -> None:
        assert self.context is not None
        self.units = stats.unit_rows(self._cid(), self.as_of, self.context.due_within)
        # a unit's own problems, added up over every unit, are the campaign's problems
        overall = stats.Figures()
        for row in self.units:
            overall.merge(row.figures)
        self.figures = overall
        self._show_tiles(overall)
        lights = current_colours()
        columns = figure_columns(self.context.due_within, False, lights)
        self.unit_model.set_lines("units", unit_lines(self.units), columns)
        fit_columns(self.unit_table, 170)
        self.unit_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self._chart_lines = unit_chart_lines(self.units)
        chart = state_chart(self._chart_lines, "", lights, limit=12)
        self.unit_chart.set_chart(chart)
        # every bar of the twelve at its legible height, whatever the table beside it wants
        self.unit_chart.setMinimumHeight(round(chart.preferred_height(self.unit_chart.width())))

    def _show_tiles(self, f: stats.Figures) -> None:
        assert self.context is not None
        drafts = f.states[State.DRAFT.value]
        self.tiles["total"].set_figure(
            str(f.total), _("{count} drafts").format(count=drafts) if drafts else "")
        self.tiles["closed"].set_figure(str(f.closed), _("{count} open").format(count=f.open))
        self.tiles["completion"].set_figure(
            percent_text(f.completion_rate),
            _("{closed} of {count}").format(closed=f.closed, count=f.in_ledger))
        self.tiles["on_time"].set_figure(
            percent_text(f.on_time_rate),
            _("{count} closed late").format(count=f.late))
        self.tiles["red"].set_figure(str(f.red), _("not closed, past the deadline"),
                                     accent=f.red > 0)
        self.tiles["yellow"].set_figure(
            str(f.yellow), _("by {date}").format(date=day_label(self.context.rules.yellow_until)),
            accent=f.yellow > 0)
        self.tiles["stale"].set_figure(
            str(f.stale), _("none since {date}").format(
                date=day_label(self.context.rules.stale_before)), accent=f.stale > 0)

    def _load_list(self, light: str) -> None:
        """The first problems of one light: the most overdue, or the nearest deadlines."""
        assert self.context is not None
        rules = self.context.rules
        table = self.red_list if light == Light.RED.value else self.yellow_list
        found = problem_query.matching_ids(
            ProblemFilter(self._cid(), lights=frozenset({light})), "due_date", rules=rules)
        ids = found[:LIST_LENGTH]
        rows = problem_query.fetch_rows(ids, rules)
        table.setRowCount(0)
        for pid in ids:
            if pid in rows:
                self._add_list_row(table, rows[pid])
        if light == Light.RED.value:
            self.red_ids, self.red_count, link = ids, len(found), self.red_all
        else:
            self.yellow_ids, self.yellow_count, link = ids, len(found), self.yellow_all
        link.setText(_("All {count}…").format(count=len(found)))
        link.setEnabled(bool(found))

    def _add_list_row(self, table: QTableWidget, row: problem_query.ProblemRow) -> None:
        assert self.context is not None
        due = row.due_date
        days = (due - self.as_of).days if due is not None else None
        if days is None:
            left = ""
        elif days < 0:
            left = _("{count} days").format(count=-days)
        elif days == 0:
            left = _("due today")
        else:
            left = _("{count} days").format(count=days)
        index = table.rowCount()
        table.insertRow(index)
        cells = (row.code or f"#{row.id}", row.unit, row.description,
                 due.isoformat() if due else "", left)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text.replace("\n", " "))
            if column == 2:
                item.setToolTip(row.description)
            if column == 4:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            table.setItem(index, column, item)

    def _load_work(self) -> None:
        work = stats.my_work(self.ctx.session, self._cid())
        waiting = 0
        for queue, button in self.work_buttons.items():
            count = work.get(queue)
            button.setVisible(count is not None)
            if count is not None:
                button.setText(f"{_(WORK_LABELS[queue])}　{count}")
                button.setEnabled(count > 0)
                waiting += count
        self.work = work
        if all(count is None for count in work.values()):
            self.work_note.setText(_("Your roles have no sign-off work."))
        elif not waiting:
            self.work_note.setText(_("Nothing is waiting for you."))
        else:
            self.work_note.setText(_("Click to open the sign-off page."))

    def _load_areas(self) -> None:
        assert self.context is not None
        self.areas = stats.area_rows(self._cid(), self.as_of, self.context.due_within)
        self._area_lines = [line for line in area_lines(self.areas) if line.figures.in_ledger]
        rows = [BarRow(chart_key(line), line.name, (100 * (line.figures.completion_rate or 0),))
                for line in self._area_lines]
        self.area_chart.set_chart(BarChart(rows, parts=(BarPart(_("Completion rate"), ACCENT),),
                                           maximum=100, decimals=1, unit="%"))

    def _load_burndown(self) -> None:
        campaign = self.context.campaign if self.context else None
        burn = stats.burndown(self._cid(), self.as_of)
        self.burndown_chart.set_chart(burndown_chart(
            burn, self.as_of, end=campaign.end_date if campaign else None))

    # --- clicks ---------------------------------------------------------------------------
    def tile_filter(self, key: str) -> dict[str, Any]:
        return dict(TILE_FILTERS[key])

    def open_tile(self, key: str) -> None:
        self.show_problems.emit(self.tile_filter(key))

    def _list_opened(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None:
            self.open_problem.emit(item.data(Qt.ItemDataRole.UserRole))

    def _unit_row_opened(self, index) -> None:
        wanted = self.unit_model.line(index.row()).problem_filter()
        if wanted is not None:
            self.show_problems.emit(wanted)

    def _unit_clicked(self, key: str) -> None:
        line = line_for_key(self._chart_lines, key)
        if line is not None and line.problem_filter() is not None:
            self.show_problems.emit(line.problem_filter())

    def _area_clicked(self, key: str) -> None:
        line = line_for_key(self._area_lines, key)
        if line is not None and line.problem_filter() is not None:
            self.show_problems.emit(line.problem_filter())

    def count_for(self, wanted: dict[str, Any]) -> int:
        """How many problems the list shows for a filter this page emitted, under the rules
        the figures were computed with."""
        assert self.context is not None
        return problem_query.count_matching(
            ProblemFilter(self._cid(), **wanted), self.context.rules)


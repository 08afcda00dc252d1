"""The campaign's figures (DESIGN §4): what the dashboard (工作台), the statistics page, the
reports and ``rectify stats`` show, computed once here so they never disagree.

Lights are counted with the problem list's own CASE expression
(``problem_query.light_expression``) under the same ``LightRules``, so a red, yellow or stale
count on the dashboard is exactly the number of rows the list shows when filtered by that
light (``stats_context(...).rules`` is what to hand to ``matching_ids``). The unit figures
"with sub-units" likewise equal the list filtered by that unit (whose filter takes sub-units),
and an area's figures the list filtered by that top-level catalog node.

``as_of`` is the day the lights are judged on (like the printed report's date): the states
are the ones recorded now, and only the burn-down (``stats_timeline``) rebuilds the past
from the transition history. Every count runs as a grouped SQL query over the campaign's
problems, so a county database of 100,000 problems is read once per breakdown, not loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from peewee import JOIN, Case, Expression, fn

from desktop.core import clock
from desktop.core.calendar import load_calendar
from desktop.core.deadlines import Light, LightRules
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_
from desktop.core.models import (
    AuditEvent,
    Campaign,
    CatalogNode,
    Measure,
    Person,
    Problem,
    Scope,
    State,
    Unit,
    database,
)
from desktop.core.org import unit_tree
from desktop.core.problem_query import light_expression
from desktop.core.review import QUEUE_ROLES, queue_counts, queues_for
from desktop.core.session import Session
from desktop.core.stats_timeline import (
    BurnDown,
    Filing,
    Timeline,
    burndown_for,
    filing_for,
    timeline_for,
)
from desktop.core.workdays import WorkdayCalendar

# Names of the rows that gather what has no unit area or person; rows carry an empty name
# and a ``None`` key, and the screens show these labels instead.
UNCLASSIFIED_LABEL = N_("Not classified")
NO_PERSON_LABEL = N_("No responsible person named")


# -- the context every figure is computed under ---------------------------------------------


@dataclass(frozen=True)
class StatsContext:
    """The campaign, the day and the light rules; built once and shared by every figure of
    one screen. ``rules`` is what a list opened from a figure must filter with."""

    campaign: Campaign
    as_of: dt.date
    due_within: int  # working days of the yellow window
    calendar: WorkdayCalendar
    rules: LightRules


def stats_context(
    campaign_id: int, as_of: dt.date | None = None, due_within: int | None = None
) -> StatsContext:
    """``due_within`` defaults to the campaign's yellow window (``yellow_workdays``)."""
    campaign = Campaign.get_by_id(campaign_id)
    as_of = as_of or clock.today()
    due_within = campaign.yellow_workdays if due_within is None else due_within
    if due_within < 0:
        raise ValidationError(N_("The yellow-light window cannot be {n} working days."),
                              n=due_within)
    calendar = load_calendar()
    rules = LightRules.for_today(calendar, as_of, due_within, campaign.cycle)
    return StatsContext(campaign, as_of, due_within, calendar, rules)


# -- one set of figures --------------------------------------------------------------------


def _zero_states() -> dict[str, int]:
    return {s.value: 0 for s in State}


def _zero_lights() -> dict[str, int]:
    return {li.value: 0 for li in Light}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """Counts of live problems by state and by light (every value present, zeros included).

    整改完成率 is closed / problems that have left draft: a draft (草稿) is still being
    written and is not yet in the ledger, so counting it would lower the rate each time a
    clerk starts typing. A problem closed at once from draft (立行立改) has left draft too.
    按期完成率 is closed on time / closed, "on time" as ``deadlines.problem_light`` judges a
    closed problem (closed on or before its due date; ongoing or undated ones are on time).
    Both rates are ``None`` when their denominator is 0; the parts are exposed as well.
    """

    states: dict[str, int] = field(default_factory=_zero_states)
    lights: dict[str, int] = field(default_factory=_zero_lights)

    @classmethod
    def from_counts(cls, states: dict[str, int], lights: dict[str, int]) -> Figures:
        """Figures from counts by state and light (as a printed report's unit view carries
        them), so rates on paper are worked out exactly as on the dashboard."""
        figures = cls()
        for state, count in states.items():
            figures.states[state] = figures.states.get(state, 0) + count
        for light, count in lights.items():
            figures.lights[light] = figures.lights.get(light, 0) + count
        return figures

    def add(self, state: str, light: str, count: int) -> None:
        self.states[state] = self.states.get(state, 0) + count
        self.lights[light] = self.lights.get(light, 0) + count

    def merge(self, other: Figures) -> None:
        for state, count in other.states.items():
            self.states[state] += count
        for light, count in other.lights.items():
            self.lights[light] += count

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def closed(self) -> int:
        return self.states[State.CLOSED.value]

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def in_ledger(self) -> int:
        """Problems that have left draft: the denominator of the completion rate."""
        return self.total - self.states[State.DRAFT.value]

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.closed, self.in_ledger)

    @property
    def on_time(self) -> int:
        return self.lights[Light.ON_TIME.value]

    @property
    def late(self) -> int:
        return self.lights[Light.LATE.value]

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.closed)

    @property
    def red(self) -> int:
        return self.lights[Light.RED.value]

    @property
    def yellow(self) -> int:
        return self.lights[Light.YELLOW.value]

    @property
    def stale(self) -> int:
        return self.lights[Light.STALE.value]

    @property
    def green(self) -> int:
        return self.lights[Light.GREEN.value]

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "states": {s.value: self.states[s.value] for s in State},
            "in_ledger": self.in_ledger,
            "closed": self.closed,
            "completion_rate": self.completion_rate,
            "on_time": self.on_time,
            "late": self.late,
            "on_time_rate": self.on_time_rate,
            "open": self.open,
            "red": self.red,
            "yellow": self.yellow,
            "stale": self.stale,
            "green": self.green,
        }


@dataclass(frozen=True)
class FigureRow:
    """One line of a breakdown: a catalog area (key: its node id) or a responsible person
    (key: the name). The row of what has none has key ``None`` and an empty name."""

    key: int | str | None
    name: str
    figures: Figures

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "figures": self.figures.as_dict()}


@dataclass(frozen=True)
class UnitRow:
    """A unit's own problems (``figures``) and those of it and all its sub-units
    (``rolled_up``, what the problem list shows when filtered by the unit)."""

    id: int
    name: str
    depth: int
    parent_id: int | None
    figures: Figures
    rolled_up: Figures

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "depth": self.depth,
                "parent_id": self.parent_id, "figures": self.figures.as_dict(),
                "rolled_up": self.rolled_up.as_dict()}


# -- remembered while nothing changes ----------------------------------------------------------

# The grouped counts, the person breakdown, the burn-down and the queue counts each read the
# whole campaign (a few hundred ms at 100,000 problems). The dashboard, the statistics page
# and the reminder ask for them again and again while nothing has changed, so the raw results
# are kept until the data version moves.
_memo: dict[tuple, Any] = {}
_memo_version: tuple | None = None


def data_version() -> tuple | None:
    """Moves whenever a figure may have changed: every change of a record writes an audit
    event (on any connection, another PC's included), and SQLite counts this connection's own
    writes (also those that write no event). None where the engine keeps no such count
    (PostgreSQL): figures are then always computed afresh."""
    own_writes = getattr(database.connection(), "total_changes", None)
    if own_writes is None:
        return None
    last_event = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar()
    return id(database.obj), database.obj.database, last_event, own_writes


def forget_figures() -> None:
    """Compute every figure afresh at the next call (the benchmark's cold runs)."""
    global _memo_version
    _memo.clear()
    _memo_version = None


def _remembered(key: tuple, compute: Callable[[], Any]) -> Any:
    global _memo_version
    version = data_version()
    if version is None:
        return compute()
    if version != _memo_version:
        _memo.clear()
        _memo_version = version
    if key not in _memo:
        _memo[key] = compute()
    return _memo[key]


def _context_key(ctx: StatsContext) -> tuple:
    return ctx.campaign.id, ctx.as_of, ctx.due_within, ctx.rules


# -- grouped counts ------------------------------------------------------------------------


def _live(ctx: StatsContext) -> Expression:
    return (Problem.campaign == ctx.campaign.id) & Problem.deleted_at.is_null()


def _by_unit_and_area(ctx: StatsContext) -> dict[tuple, Figures]:
    """Figures per (unit, catalog node): one scan serves the total, the units and the areas
    (read them with ``_by_position``, which copies; never change these)."""
    return _remembered(("grouped", *_context_key(ctx)),
                       lambda: _grouped(ctx, Problem.unit, Problem.catalog))


def _grouped(ctx: StatsContext, *keys: Any) -> dict[tuple, Figures]:
    """Figures per combination of ``keys`` (columns of Problem), in one grouped query."""
    light = light_expression(ctx.rules)
    query = (Problem.select(*keys, Problem.state, light, fn.COUNT(Problem.id))
             .where(_live(ctx)).group_by(*keys, Problem.state, light))
    found: dict[tuple, Figures] = {}
    for *key, state, light_value, count in database.execute(query).fetchall():
        found.setdefault(tuple(key), Figures()).add(state, light_value, count)
    return found


def _summed(groups: Iterable[Figures]) -> Figures:
    total = Figures()
    for figures in groups:
        total.merge(figures)
    return total


def _by_position(groups: dict[tuple, Figures], position: int) -> dict[Any, Figures]:
    out: dict[Any, Figures] = {}
    for key, figures in groups.items():
        out.setdefault(key[position], Figures()).merge(figures)
    return out


def _unit_rows(own: dict[int, Figures]) -> list[UnitRow]:
    """Units in the tree's display order, each with what lies under it; units with no
    problem anywhere in their subtree are left out (a county has hundreds)."""
    tree = unit_tree()
    parents = dict(Unit.select(Unit.id, Unit.parent).tuples())
    rolled: dict[int, Figures] = {}
    for unit_id, figures in own.items():
        seen: set[int] = set()
        current: int | None = unit_id
        while current is not None and current not in seen:  # imported data may hold a cycle
            seen.add(current)
            rolled.setdefault(current, Figures()).merge(figures)
            current = parents.get(current)
    rows = [UnitRow(u.id, u.name, depth, u.parent_id, own.get(u.id, Figures()), rolled[u.id])
            for u, depth in tree if u.id in rolled]
    listed = {row.id for row in rows}
    orphans = sorted(set(own) - listed)  # problems of a unit since deleted: still counted
    names = dict(Unit.select(Unit.id, Unit.name).where(Unit.id.in_(orphans)).tuples())
    rows += [UnitRow(uid, names.get(uid, ""), 0, None, own[uid], rolled[uid]) for uid in orphans]
    return rows


def _area_rows(campaign_id: int, by_node: dict[int | None, Figures]) -> list[FigureRow]:
    """Every top-level catalog node (整治重点方面) in outline order with everything under it,
    then the problems without a catalog item when there are any."""
    nodes = {nid: (parent, label, title, order, deleted)
             for nid, parent, label, title, order, deleted in CatalogNode.select(
                 CatalogNode.id, CatalogNode.parent, CatalogNode.label, CatalogNode.title,
                 CatalogNode.sort_order, CatalogNode.deleted_at,
             ).where(CatalogNode.campaign == campaign_id).tuples()}

    def root_of(node_id: int) -> int:
        seen = {node_id}
        parent = nodes[node_id][0] if node_id in nodes else None
        while parent is not None and parent in nodes and parent not in seen:
            node_id = parent
            seen.add(node_id)
            parent = nodes[node_id][0]
        return node_id

    by_area: dict[int | None, Figures] = {}
    for node_id, figures in by_node.items():
        area = root_of(node_id) if node_id in nodes else None
        by_area.setdefault(area, Figures()).merge(figures)
    roots = sorted((n for n, v in nodes.items() if v[0] is None or v[0] not in nodes),
                   key=lambda n: (nodes[n][3], n))
    rows = [FigureRow(n, f"{nodes[n][1]}{nodes[n][2]}", by_area.get(n, Figures()))
            for n in roots if nodes[n][4] is None or n in by_area]
    unclassified = by_area.get(None)
    if unclassified is not None:
        rows.append(FigureRow(None, "", unclassified))
    return rows


def _person_rows(ctx: StatsContext) -> list[FigureRow]:
    """A problem counts once for each person named responsible in its live measures; a
    problem whose measures name nobody counts for its own person when it is a personal one
    (个人问题), else in the row of no one. Most overdue first: the order of urging."""
    found = _remembered(("persons", *_context_key(ctx)), lambda: _person_figures(ctx))
    rows = [FigureRow(name, name, _summed([figures])) for name, figures in found.items()
            if name is not None]
    rows.sort(key=lambda r: (-r.figures.red, -r.figures.open, r.name))
    if None in found:
        rows.append(FigureRow(None, "", _summed([found[None]])))
    return rows


def _person_figures(ctx: StatsContext) -> dict[str | None, Figures]:
    resp = (Measure.select(Measure.problem.alias("pid"), Measure.resp_person.alias("name"))
            .where(Measure.deleted_at.is_null() & (Measure.resp_person != ""))
            .distinct().alias("resp"))
    personal = Case(None, [((Problem.scope == Scope.PERSONAL.value) & (Person.name != ""),
                            Person.name)], None)
    who = fn.COALESCE(resp.c.name, personal)
    light = light_expression(ctx.rules)
    query = (Problem.select(who, Problem.state, light, fn.COUNT(Problem.id))
             .join(resp, JOIN.LEFT_OUTER, on=(resp.c.pid == Problem.id))
             .switch(Problem).join(Person, JOIN.LEFT_OUTER, on=(Problem.person == Person.id))
             .where(_live(ctx)).group_by(who, Problem.state, light))
    found: dict[str | None, Figures] = {}
    for name, state, light_value, count in database.execute(query).fetchall():
        found.setdefault(name, Figures()).add(state, light_value, count)
    return found


# -- the separate pieces, for a page that loads them one by one -------------------------------


def overall_figures(
    campaign_id: int, as_of: dt.date | None = None, due_within: int | None = None
) -> Figures:
    return _summed(_by_unit_and_area(stats_context(campaign_id, as_of, due_within)).values())


def unit_rows(
    campaign_id: int, as_of: dt.date | None = None, due_within: int | None = None
) -> list[UnitRow]:
    ctx = stats_context(campaign_id, as_of, due_within)
    return _unit_rows(_by_position(_by_unit_and_area(ctx), 0))


def area_rows(
    campaign_id: int, as_of: dt.date | None = None, due_within: int | None = None
) -> list[FigureRow]:
    ctx = stats_context(campaign_id, as_of, due_within)
    return _area_rows(campaign_id, _by_position(_by_unit_and_area(ctx), 1))


def person_rows(
    campaign_id: int, as_of: dt.date | None = None, due_within: int | None = None
) -> list[FigureRow]:
    return _person_rows(stats_context(campaign_id, as_of, due_within))


def burndown(campaign_id: int, as_of: dt.date | None = None) -> BurnDown:
    return _burndown(Campaign.get_by_id(campaign_id), as_of or clock.today())


def _burndown(campaign: Campaign, as_of: dt.date) -> BurnDown:
    return _remembered(("burndown", campaign.id, as_of), lambda: burndown_for(campaign, as_of))


def timeline(campaign_id: int, as_of: dt.date | None = None) -> Timeline:
    return timeline_for(Campaign.get_by_id(campaign_id), as_of or clock.today(), load_calendar())


def next_filing(campaign_id: int, as_of: dt.date | None = None) -> Filing:
    return filing_for(Campaign.get_by_id(campaign_id), as_of or clock.today(), load_calendar())


MY_WORK_KEYS = tuple(QUEUE_ROLES)  # review, verify, sign, mine_returned


def my_work(session: Session, campaign_id: int) -> dict[str, int | None]:
    """How much waits for this user in each sign-off queue (review.queue_counts), drafts and
    problems returned to them included; a queue their roles do not give them is ``None``."""
    user = session.user.id if session.user is not None else None
    counts = _remembered(("queues", campaign_id, user, tuple(queues_for(session))),
                         lambda: queue_counts(session, campaign_id))
    return {name: counts.get(name) for name in MY_WORK_KEYS}


# -- everything at once ----------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignFigures:
    campaign_id: int
    campaign_uuid: str
    campaign_name: str
    as_of: dt.date
    due_within: int
    yellow_until: dt.date  # the last day that is still "due soon"
    stale_before: dt.date  # ongoing problems need progress on or after this day
    overall: Figures
    units: list[UnitRow]
    areas: list[FigureRow]
    persons: list[FigureRow]
    burndown: BurnDown
    timeline: Timeline
    filing: Filing
    my_work: dict[str, int | None] | None  # None when no user asked (the CLI)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON values with stable keys (dates in ISO form)."""
        return {
            "campaign": {"id": self.campaign_id, "uuid": self.campaign_uuid,
                         "name": self.campaign_name},
            "as_of": self.as_of.isoformat(),
            "due_within": self.due_within,
            "yellow_until": self.yellow_until.isoformat(),
            "stale_before": self.stale_before.isoformat(),
            "overall": self.overall.as_dict(),
            "units": [row.as_dict() for row in self.units],
            "areas": [row.as_dict() for row in self.areas],
            "persons": [row.as_dict() for row in self.persons],
            "burndown": self.burndown.as_dict(),
            "timeline": self.timeline.as_dict(),
            "filing": self.filing.as_dict(),
            "my_work": self.my_work,
        }


def campaign_figures(
    campaign_id: int,
    as_of: dt.date | None = None,
    due_within: int | None = None,
    session: Session | None = None,
) -> CampaignFigures:
    """Every figure of the dashboard under one context; the units, areas and the total come
    from a single grouped query. ``session`` adds the user's own queues (``my_work``)."""
    ctx = stats_context(campaign_id, as_of, due_within)
    groups = _by_unit_and_area(ctx)
    campaign = ctx.campaign
    return CampaignFigures(
        campaign_id=campaign.id,
        campaign_uuid=campaign.uuid,
        campaign_name=campaign.name,
        as_of=ctx.as_of,
        due_within=ctx.due_within,
        yellow_until=ctx.rules.yellow_until,
        stale_before=ctx.rules.stale_before,
        overall=_summed(groups.values()),
        units=_unit_rows(_by_position(groups, 0)),
        areas=_area_rows(campaign.id, _by_position(groups, 1)),
        persons=_person_rows(ctx),
        burndown=_burndown(campaign, ctx.as_of),
        timeline=timeline_for(campaign, ctx.as_of, ctx.calendar),
        filing=filing_for(campaign, ctx.as_of, ctx.calendar),
        my_work=my_work(session, campaign.id) if session is not None else None,
    )

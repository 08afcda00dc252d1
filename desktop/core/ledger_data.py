"""What the rectification ledger (整改台账) shows, as plain data: the Excel workbook, and the
ledger page that previews it, draw from the same ``LedgerView``.

A ledger is reported "as of" a day (the monthly ledger's 截至日期). It then lists the problems
created on or before that day, in the state they had at the end of it, which is read back from
the recorded workflow steps (``Transition``); only progress notes dated up to that day appear,
and a measure counts as done only if its done date is not later. Everything else (descriptions,
measures and their responsibilities, deadlines, remarks) is shown as it reads *now*: the
database keeps the history of changes in the audit log, not in a form a ledger can replay, and
an office reporting late wants today's wording anyway. Drafts are never in a ledger: they have
not been reviewed yet.

A problem with no recorded step at all (one carried over from an imported ledger) is taken to
have been in its present state since it was entered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from peewee import JOIN, chunked

from desktop.core import clock
from desktop.core.deadlines import Light, problem_light
from desktop.core.errors import NotFound
from desktop.core.i18n import N_, translate
from desktop.core.models import (
    KIND_LABELS,
    Campaign,
    Kind,
    Measure,
    Problem,
    ProgressNote,
    Scope,
    State,
    Transition,
    Unit,
)
from desktop.core.org import unit_tree
from desktop.core.problem_query import ProblemFilter, fetch_rows, matching_ids
from desktop.core.sheet_data import CHUNK, ViewContext

PROGRESS_SHOWN = 3  # latest progress notes per problem in the 整改进展 cell
LEDGER_STATES = (State.SUBMITTED, State.RECTIFYING, State.CLOSING, State.CLOSED)

Progress = Callable[[int, int], None]  # (done, total); raising from it cancels the work


@dataclass(frozen=True)
class LedgerScope:
    """Which ledger: a campaign's, one unit's (with its sub-units), or a selection of problems;
    as of a day (default today); consolidated (one group per unit, with subtotals) or not."""

    campaign_id: int
    unit_id: int | None = None
    problem_ids: Sequence[int] | None = None
    as_of: dt.date | None = None
    consolidated: bool = False


@dataclass(frozen=True)
class LedgerMeasure:
    uuid: str
    text: str
    resp_leader: str
    resp_unit: str
    resp_person: str
    deadline: dt.date | None
    done_date: dt.date | None  # only when done on or before the ledger's day
    result: str  # 完成情况 text, only once done


@dataclass(frozen=True)
class LedgerNote:
    date: dt.date
    text: str


@dataclass(frozen=True)
class LedgerProblem:
    id: int
    uuid: str
    number: int  # 序号 as printed
    code: str
    unit_id: int
    unit: str
    category: str  # catalog area, then the item under it
    description: str
    scope: str
    person: str  # the person of a personal problem
    kind: str
    state: str  # on the ledger's day
    due_date: dt.date | None
    closed_on: dt.date | None  # on the ledger's day
    measures: tuple[LedgerMeasure, ...]
    progress: tuple[LedgerNote, ...]  # the latest notes, oldest first
    earlier_notes: int  # notes older than those in ``progress``
    note: str
    light: str  # Light value on the ledger's day

    @property
    def overdue(self) -> bool:
        return self.light == Light.RED.value

    @property
    def closed(self) -> bool:
        return self.state == State.CLOSED.value


@dataclass(frozen=True)
class Subtotal:
    problems: int
    closed: int
    overdue: int

    @property
    def completion(self) -> float | None:
        return self.closed / self.problems if self.problems else None


@dataclass(frozen=True)
class LedgerGroup:
    """The problems of one unit (consolidated), or all of them (one group)."""

    unit_id: int | None
    unit: str
    depth: int  # in the unit tree
    problems: tuple[LedgerProblem, ...]
    subtotal: Subtotal


@dataclass(frozen=True)
class LedgerView:
    campaign_id: int
    campaign_uuid: str
    campaign_name: str
    doc_number: str  # 文号
    unit_id: int | None  # the filing unit
    unit_uuid: str
    unit_name: str
    filed_on: dt.date  # 填报日期
    as_of: dt.date  # 截至日期
    consolidated: bool
    groups: tuple[LedgerGroup, ...]

    @property
    def problems(self) -> Iterator[LedgerProblem]:
        for group in self.groups:
            yield from group.problems

    @property
    def problem_count(self) -> int:
        return sum(len(g.problems) for g in self.groups)

    @property
    def measure_count(self) -> int:
        return sum(len(p.measures) for p in self.problems)


@dataclass(frozen=True)
class LedgerFigures:
    """The key figures of DESIGN §4 over the ledger's problems (for its 汇总 sheet)."""

    total: int
    by_state: dict[str, int]
    closed: int
    closed_on_time: int
    overdue: int
    due_soon: int
    completion_rate: float | None  # closed / all
    on_time_rate: float | None  # closed on time / closed


def ledger_figures(problems: Iterable[LedgerProblem]) -> LedgerFigures:
    """Counted from the view itself, so the summary always agrees with the rows printed.
    (When the statistics module lands, its figures for the same scope should agree; this is
    the one place to point at it.)"""
    by_state = {s.value: 0 for s in LEDGER_STATES}
    lights: dict[str, int] = {}
    total = 0
    for p in problems:
        total += 1
        by_state[p.state] = by_state.get(p.state, 0) + 1
        lights[p.light] = lights.get(p.light, 0) + 1
    closed = by_state[State.CLOSED.value]
    on_time = lights.get(Light.ON_TIME.value, 0)
    return LedgerFigures(
        total=total, by_state=by_state, closed=closed, closed_on_time=on_time,
        overdue=lights.get(Light.RED.value, 0), due_soon=lights.get(Light.YELLOW.value, 0),
        completion_rate=closed / total if total else None,
        on_time_rate=on_time / closed if closed else None,
    )


# -- texts of the cells ---------------------------------------------------------------------


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def description_text(p: LedgerProblem) -> str:
    if p.scope == Scope.PERSONAL.value and p.person:
        note = translate(N_("(personal problem of {person})")).format(person=p.person)
        return f"{p.description}\n{note}"
    return p.description


def deadline_text(p: LedgerProblem, m: LedgerMeasure | None = None) -> str:
    """整改时限 as offices write it: a date, 立行立改 with its date, or 长期坚持."""
    kind = translate(KIND_LABELS[Kind(p.kind)])
    if p.kind == Kind.ONGOING.value:
        return kind
    date = iso((m.deadline if m else None) or p.due_date)
    if p.kind == Kind.IMMEDIATE.value:
        return f"{kind}\n{date}".strip()
    return date


def completion_text(m: LedgerMeasure) -> str:
    if m.done_date is None:
        return translate(N_("In progress"))
    done = translate(N_("Done {date}")).format(date=iso(m.done_date))
    return f"{done}\n{m.result}".strip()


def progress_text(p: LedgerProblem) -> str:
    lines = [translate(N_("{date}: {text}")).format(date=iso(n.date), text=n.text)
             for n in p.progress]
    if p.earlier_notes:
        lines.insert(0, translate(N_("({count} earlier note(s) not shown)"))
                     .format(count=p.earlier_notes))
    return "\n".join(lines)


def closed_text(p: LedgerProblem) -> str:
    if p.closed:
        return f"{translate(N_('Yes'))}\n{iso(p.closed_on)}".strip()
    return translate(N_("No"))


# -- building the view ----------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _moment(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _states_on(ids: Sequence[int], as_of: dt.date) -> dict[int, tuple[str, dt.date | None]]:
    """(state, closed on) at the end of ``as_of`` for problems that have recorded steps;
    problems without any step are left out (the caller keeps their present state)."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min)
    found: dict[int, tuple[str, dt.date | None]] = {}
    for chunk in chunked(ids, CHUNK):
        query = (Transition.select(Transition.problem, Transition.at, Transition.to_state)
                 .where(Transition.problem.in_(chunk) & Transition.deleted_at.is_null())
                 .order_by(Transition.problem, Transition.at, Transition.id))
        for pid, at, to_state in query.tuples():
            moment = _moment(at)
            before = found.get(pid, (State.DRAFT.value, None))
            if moment >= end:
                found.setdefault(pid, before)
                continue
            found[pid] = (to_state, moment.date() if to_state == State.CLOSED.value else None)
    return found


def _measures(ids: Sequence[int], as_of: dt.date) -> dict[int, list[LedgerMeasure]]:
    found: dict[int, list[LedgerMeasure]] = {}
    for chunk in chunked(ids, CHUNK):
        query = (Measure.select(Measure.problem, Measure.uuid, Measure.text, Measure.resp_leader,
                                Unit.name, Measure.resp_person, Measure.deadline,
                                Measure.done_date, Measure.result)
                 .join(Unit, JOIN.LEFT_OUTER, on=(Measure.resp_unit == Unit.id))
                 .where(Measure.problem.in_(chunk) & Measure.deleted_at.is_null())
                 .order_by(Measure.problem, Measure.sort_order, Measure.id))
        for pid, uuid, text, leader, unit, person, deadline, done, result in query.tuples():
            done = _date(done)
            if done is not None and done > as_of:
                done, result = None, ""
            found.setdefault(pid, []).append(LedgerMeasure(
                uuid=uuid, text=text, resp_leader=leader or "", resp_unit=unit or "",
                resp_person=person or "", deadline=_date(deadline), done_date=done,
                result=(result or "") if done else ""))
    return found


def _notes(ids: Sequence[int], as_of: dt.date) -> dict[int, list[LedgerNote]]:
    found: dict[int, list[LedgerNote]] = {}
    for chunk in chunked(ids, CHUNK):
        query = (ProgressNote.select(ProgressNote.problem, ProgressNote.date, ProgressNote.text)
                 .where(ProgressNote.problem.in_(chunk) & ProgressNote.deleted_at.is_null()
                        & (ProgressNote.date <= as_of))
                 .order_by(ProgressNote.problem, ProgressNote.date, ProgressNote.id))
        for pid, date, text in query.tuples():
            found.setdefault(pid, []).append(LedgerNote(_date(date), text))
    return found


def _campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.get_or_none((Campaign.id == campaign_id) & Campaign.deleted_at.is_null())
    if campaign is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    return campaign


def _filing_unit(campaign: Campaign, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return Unit.get_or_none((Unit.id == campaign.unit_id) & Unit.deleted_at.is_null()) \
            if campaign.unit_id else None
    unit = Unit.get_or_none((Unit.id == unit_id) & Unit.deleted_at.is_null())
    if unit is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    return unit


def _candidates(scope: LedgerScope, current: bool) -> list[int]:
    states = frozenset(s.value for s in LEDGER_STATES) if current else None
    units = frozenset({scope.unit_id}) if scope.unit_id is not None else None
    ids = matching_ids(ProblemFilter(scope.campaign_id, unit_ids=units, states=states),
                       sort="code")
    if scope.problem_ids is not None:
        wanted = set(scope.problem_ids)
        ids = [i for i in ids if i in wanted]
    return ids


def _base(ids: Sequence[int], as_of: dt.date) -> dict[int, tuple[int, str]]:
    """Unit id and remarks of the problems that existed at the end of ``as_of``."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min)
    found = {}
    for chunk in chunked(ids, CHUNK):
        query = Problem.select(Problem.id, Problem.unit, Problem.note, Problem.created_at).where(
            Problem.id.in_(chunk))
        for pid, unit_id, note, created in query.tuples():
            if _moment(created) < end:
                found[pid] = (unit_id, note or "")
    return found


def ledger_view(scope: LedgerScope, progress: Progress | None = None) -> LedgerView:
    """The ledger of ``scope``; ``progress`` is told how many problems are read so far."""
    campaign = _campaign(scope.campaign_id)
    unit = _filing_unit(campaign, scope.unit_id)
    today = clock.today()
    as_of = scope.as_of or today
    current = as_of >= today  # the present state is the state at the end of today
    ctx = ViewContext.make(campaign, as_of)
    ids = _candidates(scope, current)
    base = _base(ids, as_of)
    ids = [i for i in ids if i in base]
    built: dict[int, LedgerProblem] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = fetch_rows(chunk, ctx.rules)
        states = {} if current else _states_on(chunk, as_of)
        measures, notes = _measures(chunk, as_of), _notes(chunk, as_of)
        for pid in chunk:
            row = rows[pid]
            closed_on = row.closed_at.date() if row.closed_at else None
            state, closed_on = states.get(pid, (row.state, closed_on))
            if state == State.DRAFT.value:
                continue
            problem_notes = notes.get(pid, [])
            last = problem_notes[-1].date if problem_notes else None
            category = row.catalog
            if row.area and row.area != row.catalog:
                category = f"{row.area}\n{row.catalog}"
            built[pid] = LedgerProblem(
                id=pid, uuid=row.uuid, number=0, code=row.code, unit_id=base[pid][0],
                unit=row.unit, category=category, description=row.description,
                scope=row.scope, person=row.person, kind=row.kind, state=state,
                due_date=row.due_date, closed_on=closed_on,
                measures=tuple(measures.get(pid, [])),
                progress=tuple(problem_notes[-PROGRESS_SHOWN:]),
                earlier_notes=max(0, len(problem_notes) - PROGRESS_SHOWN), note=base[pid][1],
                light=problem_light(ctx.rules, state, row.kind, row.due_date, closed_on,
                                    last).value,
            )
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))
    groups = _group(built, ids, scope.consolidated, unit)
    return LedgerView(
        campaign_id=campaign.id, campaign_uuid=campaign.uuid, campaign_name=campaign.name,
        doc_number=campaign.doc_number, unit_id=unit.id if unit else None,
        unit_uuid=unit.uuid if unit else "", unit_name=unit.name if unit else "",
        filed_on=today, as_of=as_of, consolidated=scope.consolidated, groups=groups,
    )


def _numbered(problems: Iterable[LedgerProblem]) -> tuple[LedgerProblem, ...]:
    return tuple(replace(p, number=n) for n, p in enumerate(problems, start=1))


def _subtotal(problems: Sequence[LedgerProblem]) -> Subtotal:
    return Subtotal(problems=len(problems), closed=sum(p.closed for p in problems),
                    overdue=sum(p.overdue for p in problems))


def _group(built: dict[int, LedgerProblem], order: Sequence[int], consolidated: bool,
           filing: Unit | None) -> tuple[LedgerGroup, ...]:
    """Problems in unit-tree order (by code within a unit); numbered through, or per unit
    when consolidated."""
    tree = unit_tree()
    rank = {u.id: i for i, (u, _depth) in enumerate(tree)}
    depth = {u.id: d for u, d in tree}
    position = {pid: i for i, pid in enumerate(order)}
    problems = sorted(built.values(),
                      key=lambda p: (rank.get(p.unit_id, len(rank)), position[p.id]))
    if not consolidated:
        numbered = _numbered(problems)
        return (LedgerGroup(unit_id=filing.id if filing else None,
                            unit=filing.name if filing else "", depth=0, problems=numbered,
                            subtotal=_subtotal(numbered)),)
    by_unit: dict[int, list[LedgerProblem]] = {}
    for p in problems:
        by_unit.setdefault(p.unit_id, []).append(p)
    groups = []
    for unit_id, members in by_unit.items():
        numbered = _numbered(members)
        groups.append(LedgerGroup(unit_id=unit_id, unit=members[0].unit,
                                  depth=depth.get(unit_id, 0), problems=numbered,
                                  subtotal=_subtotal(numbered)))
    return tuple(groups)

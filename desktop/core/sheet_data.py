"""What each printed sheet shows, as plain data: the content its verification code covers.

A sheet is a list of *shown items*: one record (by entity and UUID) seen through a *view*, the
fields of it the sheet prints (language-neutral values: state and kind codes, ISO dates; the
renderer translates and formats them). The same view functions build a sheet and, later,
re-read the records for ``sheet_codes.verify_code``, so what the code covers is exactly what
the paper shows, and no PDF is needed to check it. Anything that depends on the day (lights,
days overdue) is worked out for the sheet's ``as_of`` date, which the sheet records.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from peewee import JOIN, fn

from desktop.core import audit, clock, urging
from desktop.core.calendar import load_calendar
from desktop.core.deadlines import Light, LightRules
from desktop.core.errors import NotFound, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import (
    Campaign,
    EvidenceFile,
    Measure,
    Problem,
    State,
    Transition,
    Unit,
    User,
)
from desktop.core.org import unit_tree
from desktop.core.problem_query import (
    ProblemFilter,
    fetch_rows,
    light_expression,
    matching_ids,
)

CHUNK = 500  # ids per IN (...) list: well under SQLite's variable limit


class SheetKind(str, enum.Enum):
    PROBLEMS = "problems"  # 问题清单
    PLAN = "plan"  # 整改清单 / 整改方案
    SIGNOFF = "signoff"  # 销号审批表
    URGE = "urge"  # 催办通知单
    REPORT = "report"  # 阶段性报告


SHEET_TITLES = {
    SheetKind.PROBLEMS: N_("Problem list"),
    SheetKind.PLAN: N_("Rectification list"),
    SheetKind.SIGNOFF: N_("Closing approval form"),
    SheetKind.URGE: N_("Urging notice"),
    SheetKind.REPORT: N_("Progress report"),
}

ENTITY_LABELS = {
    "campaign": N_("Campaign"),
    "unit": N_("Unit"),
    "problem": N_("Problem record"),
    "measure": N_("Rectification measure"),
    "evidence_file": N_("Evidence file"),
    "transition": N_("Workflow step"),
}

OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.RECTIFYING, State.CLOSING)
# the steps a closing form records (submit and approve belong to the problem list's review)
SIGNOFF_ACTIONS = ("return", "request_close", "verify", "sign_close", "close_at_once", "reopen")


@dataclass(frozen=True)
class Shown:
    """One record as a sheet shows it."""

    entity: str
    uuid: str
    version: int
    view: str
    fields: dict[str, Any]

    def digest(self) -> str:
        text = audit.canonical([self.entity, self.uuid, self.view, self.fields])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class SheetParams:
    kind: str
    campaign_uuid: str
    as_of: dt.date
    unit_uuid: str | None = None
    problem_uuid: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "campaign": self.campaign_uuid,
                "as_of": self.as_of.isoformat(), "unit": self.unit_uuid,
                "problem": self.problem_uuid}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SheetParams:
        return cls(kind=data["kind"], campaign_uuid=data["campaign"],
                   as_of=dt.date.fromisoformat(data["as_of"]), unit_uuid=data.get("unit"),
                   problem_uuid=data.get("problem"))


def content_hash(params: SheetParams, digests: Iterable[tuple[str, str, str, str]]) -> str:
    """SHA-256 of a sheet: its parameters and each shown item's (entity, uuid, view, digest)."""
    text = audit.canonical({"params": params.as_dict(), "items": [list(d) for d in digests]})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Sheet:
    params: SheetParams
    items: list[Shown] = field(default_factory=list)

    @property
    def kind(self) -> SheetKind:
        return SheetKind(self.params.kind)

    def content_hash(self) -> str:
        return content_hash(self.params, ((s.entity, s.uuid, s.view, s.digest())
                                          for s in self.items))

    def first(self, entity: str) -> Shown | None:
        return next((s for s in self.items if s.entity == entity), None)

    def of(self, entity: str) -> list[Shown]:
        return [s for s in self.items if s.entity == entity]


@dataclass(frozen=True)
class ViewContext:
    """What views need besides the records: the campaign and the day the sheet is as of."""

    campaign: Campaign
    as_of: dt.date
    rules: LightRules

    @classmethod
    def make(cls, campaign: Campaign, as_of: dt.date) -> ViewContext:
        rules = LightRules.for_today(load_calendar(), as_of, campaign.yellow_workdays,
                                     campaign.cycle)
        return cls(campaign=campaign, as_of=as_of, rules=rules)


# -- views ---------------------------------------------------------------------------------
# Each takes UUIDs and returns {uuid: (version, fields)} for the live ones among them.

ViewResult = dict[str, tuple[int, dict[str, Any]]]


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _campaign_header(uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
    out: ViewResult = {}
    query = (Campaign.select(Campaign, Unit.name.alias("unit_name"),
                             Unit.uuid.alias("unit_uuid"))
             .join(Unit, JOIN.LEFT_OUTER, on=(Campaign.unit == Unit.id))
             .where(Campaign.uuid.in_(list(uuids)) & Campaign.deleted_at.is_null()))
    for c in query.objects():
        out[c.uuid] = (c.version, {"name": c.name, "doc_number": c.doc_number,
                                   "issuer": c.issuer, "unit": c.unit_name or "",
                                   "unit_uuid": c.unit_uuid})
    return out


def _unit_header(uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
    return {u.uuid: (u.version, {"name": u.name})
            for u in Unit.live().where(Unit.uuid.in_(list(uuids)))}


def _live_children(model: Any, parent_column: Any, parent_ids: Sequence[int]) -> dict[int, list]:
    found: dict[int, list] = {}
    for chunk in _chunks(list(parent_ids)):
        query = (model.select(parent_column, model.uuid)
                 .where(parent_column.in_(list(chunk)) & model.deleted_at.is_null())
                 .order_by(parent_column, *([model.sort_order] if model is Measure else []),
                           model.id))
        for parent_id, uuid in query.tuples():
            found.setdefault(parent_id, []).append(uuid)
    return found


def _problem_view(view: str) -> Callable[[Sequence[str], ViewContext], ViewResult]:
    def build(uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
        ids: dict[int, tuple[str, int]] = {}
        extra: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(list(uuids)):
            query = Problem.select(Problem.id, Problem.uuid, Problem.version, Problem.note,
                                   Problem.root_cause, Problem.target).where(
                Problem.uuid.in_(list(chunk)) & Problem.deleted_at.is_null())
            for pid, uuid, version, note, cause, target in query.tuples():
                ids[pid] = (uuid, version)
                extra[pid] = {"note": note, "root_cause": cause, "target": target}
        rows = {}
        for chunk in _chunks(list(ids)):
            rows.update(fetch_rows(chunk, ctx.rules))
        measures = _live_children(Measure, Measure.problem, list(ids)) if view != "list" else {}
        evidence = (_live_children(EvidenceFile, EvidenceFile.problem, list(ids))
                    if view == "signoff" else {})
        out: ViewResult = {}
        for pid, (uuid, version) in ids.items():
            row = rows[pid]
            fields: dict[str, Any] = {
                "code": row.code, "unit": row.unit, "description": row.description,
                "kind": row.kind, "due_date": _iso(row.due_date),
            }
            if view in ("list", "plan", "signoff"):
                fields.update(catalog=row.catalog, source=row.source, note=extra[pid]["note"],
                              scope=row.scope, person=row.person)
            if view in ("plan", "signoff", "urge"):
                fields.update(state=row.state, closed_on=_iso(row.closed_at and
                                                              row.closed_at.date()))
            if view != "list":
                fields["measures"] = measures.get(pid, [])
            if view == "signoff":
                fields.update(root_cause=extra[pid]["root_cause"], target=extra[pid]["target"],
                              found_date=_iso(row.found_date), evidence=evidence.get(pid, []))
            if view == "urge":
                fields["light"] = row.light
            out[uuid] = (version, fields)
        if view == "urge":
            _add_urge_rounds(out, ids, ctx)
        return out

    return build


def _add_urge_rounds(out: ViewResult, ids: dict[int, tuple[str, int]],
                     ctx: ViewContext) -> None:
    """第N次催办: the rounds of urging before the notice's day. Only earlier days count, so
    recording this notice's own urges leaves what its code covers unchanged; the field is
    absent for a first urge, so notices issued before urges were recorded still verify."""
    earlier = urging.urge_counts(list(ids), before=ctx.as_of)
    for pid, rounds in earlier.items():
        if rounds:
            out[ids[pid][0]][1]["urged_before"] = rounds


def _measure_plan(uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
    out: ViewResult = {}
    for chunk in _chunks(list(uuids)):
        query = (Measure.select(Measure, Unit.name.alias("resp_unit_name"))
                 .join(Unit, JOIN.LEFT_OUTER, on=(Measure.resp_unit == Unit.id))
                 .where(Measure.uuid.in_(list(chunk)) & Measure.deleted_at.is_null()))
        for m in query.objects():
            out[m.uuid] = (m.version, {
                "text": m.text, "resp_leader": m.resp_leader, "resp_unit": m.resp_unit_name or "",
                "resp_person": m.resp_person, "deadline": _iso(m.deadline),
                "done_date": _iso(m.done_date), "result": m.result,
            })
    return out


def _evidence_signoff(uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
    return {e.uuid: (e.version, {"filename": e.filename, "size": e.size})
            for e in EvidenceFile.live().where(EvidenceFile.uuid.in_(list(uuids)))}


def _transition_signoff(uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
    out: ViewResult = {}
    query = (Transition.select(Transition, User.uuid.alias("user_uuid"))
             .join(User, JOIN.LEFT_OUTER, on=(Transition.user == User.id))
             .where(Transition.uuid.in_(list(uuids)) & Transition.deleted_at.is_null()))
    for t in query.objects():
        out[t.uuid] = (t.version, {
            "action": t.action, "from_state": t.from_state, "to_state": t.to_state,
            "user": t.user_uuid or "", "user_name": t.user_name, "at": _iso(t.at),
            "opinion": t.opinion, "signed": bool(t.signature),
        })
    return out


def _unit_report(uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
    """Each unit's own problems in the campaign: counts by state and by light on ``as_of``."""
    units = {u.id: u for u in Unit.live().where(Unit.uuid.in_(list(uuids)))}
    counts: dict[int, dict[str, dict[str, int]]] = {
        uid: {"states": {s.value: 0 for s in State}, "lights": {li.value: 0 for li in Light}}
        for uid in units
    }
    light = light_expression(ctx.rules)
    query = (Problem.select(Problem.unit, Problem.state, light.alias("light"),
                            fn.COUNT(Problem.id))
             .where((Problem.campaign == ctx.campaign.id) & Problem.deleted_at.is_null()
                    & Problem.unit.in_(list(units)))
             .group_by(Problem.unit, Problem.state, light))
    for unit_id, state, light_value, count in query.tuples():
        counts[unit_id]["states"][state] += count
        counts[unit_id]["lights"][light_value] += count
    return {u.uuid: (u.version, {"name": u.name, **counts[uid]}) for uid, u in units.items()}


VIEWS: dict[tuple[str, str], Callable[[Sequence[str], ViewContext], ViewResult]] = {
    ("campaign", "header"): _campaign_header,
    ("unit", "header"): _unit_header,
    ("unit", "report"): _unit_report,
    ("problem", "list"): _problem_view("list"),
    ("problem", "plan"): _problem_view("plan"),
    ("problem", "signoff"): _problem_view("signoff"),
    ("problem", "urge"): _problem_view("urge"),
    ("measure", "plan"): _measure_plan,
    ("evidence_file", "signoff"): _evidence_signoff,
    ("transition", "signoff"): _transition_signoff,
}


def read_view(entity: str, view: str, uuids: Sequence[str], ctx: ViewContext) -> ViewResult:
    return VIEWS[(entity, view)](uuids, ctx)


def _shown(entity: str, view: str, uuids: Sequence[str], ctx: ViewContext) -> list[Shown]:
    found = read_view(entity, view, uuids, ctx)
    return [Shown(entity, u, found[u][0], view, found[u][1]) for u in uuids if u in found]


# -- building sheets -----------------------------------------------------------------------


def _campaign(campaign_id: int) -> Campaign:
    campaign = Campaign.get_or_none((Campaign.id == campaign_id) & Campaign.deleted_at.is_null())
    if campaign is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    return campaign


def _unit(unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.get_or_none((Unit.id == unit_id) & Unit.deleted_at.is_null())
    if unit is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    return unit


def _start(kind: SheetKind, campaign: Campaign, unit: Unit | None, as_of: dt.date | None,
           problem_uuid: str | None = None) -> tuple[Sheet, ViewContext]:
    as_of = as_of or clock.today()
    params = SheetParams(kind.value, campaign.uuid, as_of, unit.uuid if unit else None,
                         problem_uuid)
    ctx = ViewContext.make(campaign, as_of)
    sheet = Sheet(params)
    sheet.items += _shown("campaign", "header", [campaign.uuid], ctx)
    if unit is not None:
        sheet.items += _shown("unit", "header", [unit.uuid], ctx)
    return sheet, ctx


def _problem_uuids(ids: Sequence[int]) -> list[str]:
    uuids: dict[int, str] = {}
    for chunk in _chunks(list(ids)):
        uuids.update(Problem.select(Problem.id, Problem.uuid)
                     .where(Problem.id.in_(list(chunk))).tuples())
    return [uuids[i] for i in ids]


def _unit_problems(campaign: Campaign, unit: Unit | None) -> list[int]:
    f = ProblemFilter(campaign.id, unit_ids=frozenset({unit.id}) if unit else None)
    return matching_ids(f, sort="code" if unit else "unit")


def problem_list(campaign_id: int, unit_id: int | None = None,
                 as_of: dt.date | None = None) -> Sheet:
    """问题清单: the unit's problems (its sub-units' too), or the whole campaign's."""
    campaign, unit = _campaign(campaign_id), _unit(unit_id)
    sheet, ctx = _start(SheetKind.PROBLEMS, campaign, unit, as_of)
    uuids = _problem_uuids(_unit_problems(campaign, unit))
    sheet.items += _shown("problem", "list", uuids, ctx)
    return sheet


def _with_measures(sheet: Sheet, problems: list[Shown], ctx: ViewContext,
                   keep: Callable[[Shown, Shown], bool] | None = None) -> None:
    """Append each problem followed by its measures (those ``keep`` accepts)."""
    measure_uuids = [u for p in problems for u in p.fields.get("measures", [])]
    measures = {s.uuid: s for s in _shown("measure", "plan", measure_uuids, ctx)}
    for problem in problems:
        sheet.items.append(problem)
        for uuid in problem.fields.get("measures", []):
            measure = measures.get(uuid)
            if measure is not None and (keep is None or keep(problem, measure)):
                sheet.items.append(measure)


def plan(campaign_id: int, unit_id: int | None = None, as_of: dt.date | None = None) -> Sheet:
    """整改清单: each problem with its measures, responsibilities, deadlines and completion."""
    campaign, unit = _campaign(campaign_id), _unit(unit_id)
    sheet, ctx = _start(SheetKind.PLAN, campaign, unit, as_of)
    problems = _shown("problem", "plan", _problem_uuids(_unit_problems(campaign, unit)), ctx)
    _with_measures(sheet, problems, ctx)
    return sheet


def signoff(problem_id: int, as_of: dt.date | None = None) -> Sheet:
    """销号审批表 of one problem: measures, evidence and the recorded closing steps."""
    problem = Problem.get_or_none((Problem.id == problem_id) & Problem.deleted_at.is_null())
    if problem is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    campaign = _campaign(problem.campaign_id)
    sheet, ctx = _start(SheetKind.SIGNOFF, campaign, problem.unit, as_of, problem.uuid)
    [shown] = _shown("problem", "signoff", [problem.uuid], ctx)
    _with_measures(sheet, [shown], ctx)
    sheet.items += _shown("evidence_file", "signoff", shown.fields["evidence"], ctx)
    steps = [t.uuid for t in Transition.select(Transition.uuid)
             .where((Transition.problem == problem) & Transition.deleted_at.is_null()
                    & Transition.action.in_(SIGNOFF_ACTIONS))
             .order_by(Transition.at, Transition.id)]
    sheet.items += _shown("transition", "signoff", steps, ctx)
    return sheet


def signoff_candidates(campaign_id: int, unit_id: int | None = None) -> list[int]:
    """Problems a closing form is printed for: closing requested or closed."""
    f = ProblemFilter(campaign_id, unit_ids=frozenset({unit_id}) if unit_id else None,
                      states=frozenset({State.CLOSING.value, State.CLOSED.value}))
    return matching_ids(f, sort="code" if unit_id else "unit")


def _urgent_ids(campaign: Campaign, ctx: ViewContext) -> list[int]:
    """Open problems overdue or due soon on ``as_of``, soonest deadline first."""
    f = ProblemFilter(campaign.id, states=frozenset(s.value for s in OPEN_STATES),
                      lights=frozenset({Light.RED.value, Light.YELLOW.value}))
    return matching_ids(f, sort="due_date", rules=ctx.rules)


def _urged(campaign: Campaign, ctx: ViewContext,
           only: Collection[int] | None = None) -> dict[int, list[tuple[int, set[int]]]]:
    """Responsible unit id → [(problem id, ids of that unit's open measures)] for every open
    problem that is overdue or due soon on ``as_of`` (among ``only`` when given). A problem is
    urged to the units of its open measures, or to its own unit when no open measure names
    one."""
    ids = _urgent_ids(campaign, ctx)
    if only is not None:
        wanted = set(only)
        ids = [pid for pid in ids if pid in wanted]
    own = {}
    for chunk in _chunks(ids):
        own.update(Problem.select(Problem.id, Problem.unit).where(Problem.id.in_(list(chunk)))
                   .tuples())
    by_unit: dict[int, list[tuple[int, set[int]]]] = {}
    open_measures: dict[int, dict[int, set[int]]] = {}
    for chunk in _chunks(ids):
        for pid, mid, unit_id in (
            Measure.select(Measure.problem, Measure.id, Measure.resp_unit)
            .where(Measure.problem.in_(list(chunk)) & Measure.deleted_at.is_null()
                   & Measure.done_date.is_null() & Measure.resp_unit.is_null(False)).tuples()
        ):
            open_measures.setdefault(pid, {}).setdefault(unit_id, set()).add(mid)
    for pid in ids:
        units = open_measures.get(pid) or {own[pid]: set()}
        for unit_id, measures in units.items():
            by_unit.setdefault(unit_id, []).append((pid, measures))
    return by_unit


@dataclass(frozen=True)
class UrgeSelection:
    """The chosen problems split into those a notice can urge and those it leaves out
    (closed, on track, ongoing, not started: neither overdue nor due soon)."""

    urged: list[int]
    left_out: list[int]


def urge_selection(campaign_id: int, problem_ids: Sequence[int],
                   as_of: dt.date | None = None) -> UrgeSelection:
    campaign = _campaign(campaign_id)
    ctx = ViewContext.make(campaign, as_of or clock.today())
    urgent = set(_urgent_ids(campaign, ctx))
    chosen = list(dict.fromkeys(problem_ids))
    return UrgeSelection(urged=[p for p in chosen if p in urgent],
                         left_out=[p for p in chosen if p not in urgent])


def urge_units(campaign_id: int, as_of: dt.date | None = None,
               problem_ids: Collection[int] | None = None) -> list[int]:
    """Units that have overdue or due-soon items (among ``problem_ids`` when given), in the
    unit tree's order."""
    campaign = _campaign(campaign_id)
    ctx = ViewContext.make(campaign, as_of or clock.today())
    urged = _urged(campaign, ctx, problem_ids)
    return [u.id for u, _depth in unit_tree() if u.id in urged]


def urge(campaign_id: int, unit_id: int, as_of: dt.date | None = None,
         problem_ids: Collection[int] | None = None) -> Sheet:
    """催办通知单 for one responsible unit: its overdue and due-soon problems (those among
    ``problem_ids`` when given), with the measures it is responsible for (all of them when it
    is the problem's own unit). A problem urged on an earlier day says 第N次催办."""
    campaign, unit = _campaign(campaign_id), _unit(unit_id)
    sheet, ctx = _start(SheetKind.URGE, campaign, unit, as_of)
    entries = _urged(campaign, ctx, problem_ids).get(unit_id, [])
    uuids = _problem_uuids([pid for pid, _measures in entries])
    measure_ids = [mid for _pid, measures in entries for mid in measures]
    measure_uuids: dict[int, str] = {}
    for chunk in _chunks(measure_ids):
        measure_uuids.update(Measure.select(Measure.id, Measure.uuid)
                             .where(Measure.id.in_(list(chunk))).tuples())
    wanted = {uuid: {measure_uuids[m] for m in measures}
              for uuid, (_pid, measures) in zip(uuids, entries, strict=True)}
    problems = _shown("problem", "urge", uuids, ctx)
    _with_measures(sheet, problems, ctx,
                   keep=lambda p, m: not wanted[p.uuid] or m.uuid in wanted[p.uuid])
    return sheet


def report(campaign_id: int, unit_id: int | None = None, as_of: dt.date | None = None) -> Sheet:
    """阶段性报告: each unit's figures on ``as_of`` (the unit given and those under it)."""
    campaign, unit = _campaign(campaign_id), _unit(unit_id)
    sheet, ctx = _start(SheetKind.REPORT, campaign, unit, as_of)
    tree = unit_tree()
    if unit is not None:
        start = next(i for i, (u, _d) in enumerate(tree) if u.id == unit.id)
        depth = tree[start][1]
        end = next((i for i in range(start + 1, len(tree)) if tree[i][1] <= depth), len(tree))
        tree = tree[start:end]
    with_problems = {uid for (uid,) in Problem.select(Problem.unit).distinct()
                     .where((Problem.campaign == campaign.id) & Problem.deleted_at.is_null())
                     .tuples()}
    uuids = [u.uuid for u, _d in tree if u.id in with_problems]
    sheet.items += _shown("unit", "report", uuids, ctx)
    return sheet


def build_for(kind: str, campaign_id: int, unit_id: int | None = None,
              problem_id: int | None = None, as_of: dt.date | None = None,
              problem_ids: Collection[int] | None = None) -> list[Sheet]:
    """The sheets one print request makes: a closing form per problem, an urging notice per
    responsible unit (for ``problem_ids`` only, when given), else one sheet."""
    kind = SheetKind(kind)
    if kind == SheetKind.PROBLEMS:
        return [problem_list(campaign_id, unit_id, as_of)]
    if kind == SheetKind.PLAN:
        return [plan(campaign_id, unit_id, as_of)]
    if kind == SheetKind.REPORT:
        return [report(campaign_id, unit_id, as_of)]
    if kind == SheetKind.SIGNOFF:
        ids = [problem_id] if problem_id is not None else signoff_candidates(campaign_id, unit_id)
        if not ids:
            raise ValidationError(N_("No problem is waiting for closing or closed; there is "
                                     "no closing form to print."))
        return [signoff(pid, as_of) for pid in ids]
    units = ([unit_id] if unit_id is not None
             else urge_units(campaign_id, as_of, problem_ids))
    sheets = [urge(campaign_id, uid, as_of, problem_ids) for uid in units]
    sheets = [s for s in sheets if s.of("problem")]
    if not sheets and problem_ids is not None:
        raise ValidationError(N_("None of the chosen problems is overdue or due soon; there "
                                 "is no urging notice to print."))
    if not sheets:
        raise ValidationError(N_("Nothing is overdue or due soon; there is no urging notice "
                                 "to print."))
    return sheets

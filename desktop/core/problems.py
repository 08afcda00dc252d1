"""Entering and editing problems with their measures, progress, evidence, referrals and
institutions. Edits follow the workflow's locks: a problem is freely edited as a draft; during
rectification only progress and measure completion are recorded; a closed problem is
read-only until it is reopened with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core import calendar, clock, evidence, records
from desktop.core.deadlines import effective_due
from desktop.core.errors import ReadOnly, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import (
    STATE_LABELS,
    Campaign,
    CatalogNode,
    EvidenceFile,
    Institution,
    InstitutionProblem,
    Kind,
    Measure,
    Person,
    Problem,
    ProgressNote,
    Referral,
    Role,
    Scope,
    State,
    Unit,
    database,
)
from desktop.core.session import Session
from desktop.core.workdays import check_deadline_rule, default_deadline


@dataclass
class MeasureInput:
    text: str
    resp_leader: str = ""
    resp_unit_id: int | None = None
    resp_person: str = ""
    deadline: dt.date | None = None
    done_date: dt.date | None = None
    result: str = ""
    id: int | None = None  # an existing measure being edited


@dataclass
class ProblemInput:
    campaign_id: int
    unit_id: int
    description: str
    kind: str = Kind.DEADLINE.value
    scope: str = Scope.ORG.value
    person_id: int | None = None
    catalog_id: int | None = None
    source: str = ""
    found_date: dt.date | None = None
    root_cause: str = ""
    target: str = ""
    deadline: dt.date | None = None
    code: str = ""
    note: str = ""
    measures: list[MeasureInput] = field(default_factory=list)


def _require_state(problem: Problem, allowed: set[State]) -> None:
    state = State(problem.state)
    if state in allowed:
        return
    if state == State.CLOSED:
        raise ReadOnly(N_("This problem is closed (已销号) and read-only; reopen it with a reason first."))
    raise ValidationError(
        N_("A problem that is {state_label} cannot be changed here."), state_label=STATE_LABELS[state]
    )


def _validate(data: ProblemInput) -> None:
    if not data.description.strip():
        raise ValidationError(N_("The problem description (问题表现) is required."))
    if data.kind not in {k.value for k in Kind}:
        raise ValidationError(N_("Unknown rectification kind: {kind}."), kind=data.kind)
    if data.scope not in {s.value for s in Scope}:
        raise ValidationError(N_("Unknown problem scope: {scope}."), scope=data.scope)
    if data.scope == Scope.PERSONAL.value and data.person_id is None:
        raise ValidationError(N_("A personal problem needs the person it belongs to."))
    records.get_live(Campaign, data.campaign_id)
    records.get_live(Unit, data.unit_id)
    if data.catalog_id is not None:
        node = records.get_live(CatalogNode, data.catalog_id)
        if node.campaign_id != data.campaign_id:
            raise ValidationError(N_("The catalog item belongs to another campaign."))
    if data.person_id is not None:
        records.get_live(Person, data.person_id)
    for index, m in enumerate(data.measures, start=1):
        if not m.text.strip():
            raise ValidationError(N_("Measure {n} has no text."), n=index)
        if m.resp_unit_id is not None:
            records.get_live(Unit, m.resp_unit_id)
        if m.done_date and data.found_date and m.done_date < data.found_date:
            raise ValidationError(
                N_("Measure {n} is marked done before the problem was found."), n=index
            )
    if data.deadline and data.found_date and data.deadline < data.found_date:
        raise ValidationError(N_("The deadline is before the date the problem was found."))


def _apply_deadline_rule(data: ProblemInput, campaign: Campaign) -> dt.date | None:
    """立行立改 defaults to the campaign's 限时办结 rule (7 working days) and may not exceed
    its maximum (15 working days)."""
    if data.kind == Kind.ONGOING.value:
        return None
    if data.kind != Kind.IMMEDIATE.value:
        return data.deadline
    start = data.found_date or clock.today()
    cal = calendar.load_calendar()
    deadline = data.deadline or default_deadline(cal, start, campaign.default_workdays)
    check_deadline_rule(cal, start, deadline, campaign.max_workdays)
    return deadline


def _problem_fields(data: ProblemInput, deadline: dt.date | None) -> dict:
    return {
        "campaign": data.campaign_id,
        "unit": data.unit_id,
        "code": data.code.strip(),
        "scope": data.scope,
        "person": data.person_id,
        "catalog": data.catalog_id,
        "description": data.description.strip(),
        "source": data.source.strip(),
        "found_date": data.found_date,
        "root_cause": data.root_cause.strip(),
        "kind": data.kind,
        "target": data.target.strip(),
        "deadline": deadline,
        "note": data.note.strip(),
    }


def _measure_fields(m: MeasureInput, order: int) -> dict:
    return {
        "sort_order": order,
        "text": m.text.strip(),
        "resp_leader": m.resp_leader.strip(),
        "resp_unit": m.resp_unit_id,
        "resp_person": m.resp_person.strip(),
        "deadline": m.deadline,
        "done_date": m.done_date,
        "result": m.result.strip(),
    }


def live_measures(problem_id: int) -> list[Measure]:
    return list(
        Measure.select()
        .where((Measure.problem == problem_id) & Measure.deleted_at.is_null())
        .order_by(Measure.sort_order, Measure.id)
    )


def _refresh_due(session: Session, problem: Problem) -> None:
    due = effective_due(problem.deadline, [m.deadline for m in live_measures(problem.id)])
    if problem.due_date != due:
        records.update(session, problem, due_date=due)


def create_problem(session: Session, data: ProblemInput) -> Problem:
    session.require(Role.CLERK)
    with database.atomic():
        _validate(data)
        campaign = Campaign.get_by_id(data.campaign_id)
        deadline = _apply_deadline_rule(data, campaign)
        fields = _problem_fields(data, deadline)
        fields["due_date"] = effective_due(deadline, [m.deadline for m in data.measures])
        problem = records.create(session, Problem, state=State.DRAFT.value, **fields)
        for order, m in enumerate(data.measures):
            records.create(
                session, Measure, problem=problem, origin_unit=problem.origin_unit,
                **_measure_fields(m, order),
            )
        return problem


def update_problem(
    session: Session, problem_id: int, data: ProblemInput, expected_version: int | None = None
) -> Problem:
    """Edit a draft in full: its fields and its measures (added, changed, removed, reordered)."""
    session.require(Role.CLERK)
    with database.atomic():
        problem = records.get_live(Problem, problem_id)
        _require_state(problem, {State.DRAFT})
        _validate(data)
        campaign = Campaign.get_by_id(data.campaign_id)
        deadline = _apply_deadline_rule(data, campaign)
        records.update(
            session, problem, expected_version=expected_version, **_problem_fields(data, deadline)
        )
        existing = {m.id: m for m in live_measures(problem.id)}
        kept: set[int] = set()
        for order, m in enumerate(data.measures):
            if m.id is not None and m.id in existing:
                records.update(session, existing[m.id], **_measure_fields(m, order))
                kept.add(m.id)
            else:
                records.create(
                    session, Measure, problem=problem, origin_unit=problem.origin_unit,
                    **_measure_fields(m, order),
                )
        for measure_id, measure in existing.items():
            if measure_id not in kept:
                records.tombstone(session, measure)
        _refresh_due(session, problem)
        return problem


def delete_problem(session: Session, problem_id: int) -> None:
    """Only a draft can be deleted; it is tombstoned, never erased (consolidation needs it)."""
    delete_problems(session, [problem_id])


def delete_problems(session: Session, problem_ids: list[int]) -> None:
    """Delete several drafts: all of them or, when one cannot be deleted, none."""
    session.require(Role.CLERK)
    with database.atomic():
        for problem_id in problem_ids:
            problem = records.get_live(Problem, problem_id)
            _require_state(problem, {State.DRAFT})
            for measure in live_measures(problem.id):
                records.tombstone(session, measure)
            records.tombstone(session, problem)


def record_measure_done(
    session: Session, measure_id: int, done_date: dt.date | None, result: str = ""
) -> Measure:
    """Mark a measure done (or not yet) with its result, during rectification."""
    session.require(Role.CLERK)
    with database.atomic():
        measure = records.get_live(Measure, measure_id)
        problem = records.get_live(Problem, measure.problem_id)
        _require_state(problem, {State.DRAFT, State.RECTIFYING})
        if done_date is not None and done_date > clock.today():
            raise ValidationError(N_("A measure cannot be done on a date in the future."))
        records.update(session, measure, done_date=done_date, result=result.strip())
        return measure


def add_progress(
    session: Session,
    problem_id: int,
    text: str,
    date: dt.date | None = None,
    measure_id: int | None = None,
    files: list[Path] | None = None,
) -> ProgressNote:
    session.require(Role.CLERK)
    if not text.strip():
        raise ValidationError(N_("A progress note needs some text."))
    date = date or clock.today()
    if date > clock.today():
        raise ValidationError(N_("A progress note cannot be dated in the future."))
    stored = [(Path(f), *evidence.store_file(Path(f))) for f in files or []]
    with database.atomic():
        problem = records.get_live(Problem, problem_id)
        _require_state(problem, {State.DRAFT, State.RECTIFYING})
        if measure_id is not None:
            measure = records.get_live(Measure, measure_id)
            if measure.problem_id != problem.id:
                raise ValidationError(N_("The measure belongs to another problem."))
        note = records.create(
            session, ProgressNote, problem=problem, measure=measure_id, date=date,
            text=text.strip(), author=session.user, origin_unit=problem.origin_unit,
        )
        for path, sha, size in stored:
            records.create(
                session, EvidenceFile, problem=problem, note=note, filename=path.name,
                sha256=sha, size=size, added_by=session.user, origin_unit=problem.origin_unit,
            )
        return note


def add_referral(
    session: Session, problem_id: int, receiver: str, summary: str, date: dt.date | None = None
) -> Referral:
    """问题线索移交: recorded on the problem, not tracked further."""
    session.require(Role.REVIEWER, Role.LEADER)
    if not receiver.strip():
        raise ValidationError(N_("Say to whom the case was handed over."))
    with database.atomic():
        problem = records.get_live(Problem, problem_id)
        _require_state(problem, set(State) - {State.CLOSED})
        return records.create(
            session, Referral, problem=problem, date=date or clock.today(),
            receiver=receiver.strip(), summary=summary.strip(), user=session.user,
            origin_unit=problem.origin_unit,
        )


def add_institution(
    session: Session,
    campaign_id: int,
    title: str,
    problem_ids: list[int],
    doc_number: str = "",
    adopted_date: dt.date | None = None,
    description: str = "",
) -> Institution:
    """建章立制: a rule adopted because of the rectification, linked to its problems."""
    session.require(Role.CLERK, Role.REVIEWER, Role.LEADER)
    if not title.strip():
        raise ValidationError(N_("The rule needs a title."))
    with database.atomic():
        records.get_live(Campaign, campaign_id)
        institution = records.create(
            session, Institution, campaign=campaign_id, title=title.strip(),
            doc_number=doc_number.strip(), adopted_date=adopted_date,
            description=description.strip(),
        )
        for pid in problem_ids:
            problem = records.get_live(Problem, pid)
            records.create(session, InstitutionProblem, institution=institution, problem=problem)
        return institution

"""催办: the record that a responsible unit was sent an urging notice about a problem.

An urge is written when a 催办通知单 is issued (saved or printed), in the transaction that
stores the notice's verification code, one row per problem on the notice. The notice's code
ties the row to the paper, so a later reader can pull out the very sheet that was sent.

Repeated urging is counted in *rounds*: the distinct days (the notices' ``as_of``) on which a
problem was urged. A problem whose measures belong to two units is named on two notices in one
print run; that is one round, not two. A notice reprinted unchanged gets the same code and
records nothing new. The printed 第N次催办 counts the rounds before the notice's own day, so
recording the notice does not change what its code covers (see ``sheet_data``).

Who may urge: the clerk who keeps the ledger, the reviewer who oversees rectification, and
the leader (督办 is an act of oversight); an administrator-only account manages settings and
does not send notices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peewee import fn

from desktop.core import clock, records
from desktop.core.errors import NotFound, ReadOnly
from desktop.core.i18n import N_
from desktop.core.models import Problem, Role, State, Unit, Urge, database
from desktop.core.session import Session

if TYPE_CHECKING:  # sheet_data asks this module for counts; a runtime import would loop
    from desktop.core.sheet_data import Sheet

URGE_ROLES = (Role.CLERK, Role.REVIEWER, Role.LEADER)
CHUNK = 500


@dataclass(frozen=True)
class UrgeInfo:
    """One urge as the problem form lists it."""

    at: dt.datetime
    as_of: dt.date
    user_name: str
    unit: str
    code: str


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def record_urges(session: Session, code: str, unit_id: int, problem_ids: Sequence[int],
                 as_of: dt.date) -> list[Urge]:
    """Record that the notice ``code`` urged unit ``unit_id`` about each problem. A problem
    already recorded for this notice is skipped (a reprint is not a new urge)."""
    session.require(*URGE_ROLES)
    with database.atomic():
        unit = Unit.get_or_none((Unit.id == unit_id) & Unit.deleted_at.is_null())
        if unit is None:
            raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
        done = {pid for (pid,) in Urge.select(Urge.problem)
                .where((Urge.code == code) & Urge.deleted_at.is_null()).tuples()}
        user = session.user
        created = []
        for problem_id in dict.fromkeys(problem_ids):
            if problem_id in done:
                continue
            problem = records.get_live(Problem, problem_id)
            if problem.state == State.CLOSED.value:
                raise ReadOnly(N_("A closed problem (已销号) is not urged; reopen it with a "
                                  "reason first."))
            created.append(records.create(
                session, Urge, problem=problem, unit=unit, code=code,
                user=user.id if user is not None else None, user_name=session.name,
                at=clock.now(), as_of=as_of,
            ))
    return created


def record_sheet_urges(session: Session, sheet: Sheet, code: str) -> list[Urge]:
    """The urges one issued 催办通知单 stands for: its unit, each problem it names."""
    unit_uuid = sheet.params.unit_uuid
    unit = Unit.get_or_none(Unit.uuid == unit_uuid) if unit_uuid else None
    if unit is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    uuids = [s.uuid for s in sheet.of("problem")]
    ids = dict(Problem.select(Problem.uuid, Problem.id).where(Problem.uuid.in_(uuids)).tuples())
    return record_urges(session, code, unit.id, [ids[u] for u in uuids if u in ids],
                        sheet.params.as_of)


def urges_of(problem_id: int) -> list[UrgeInfo]:
    """Every urge of the problem, oldest first."""
    query = (Urge.select(Urge, Unit.name.alias("unit_name"))
             .join(Unit, on=(Urge.unit == Unit.id))
             .where((Urge.problem == problem_id) & Urge.deleted_at.is_null())
             .order_by(Urge.at, Urge.id))
    return [UrgeInfo(at=u.at, as_of=u.as_of, user_name=u.user_name, unit=u.unit_name,
                     code=u.code) for u in query.objects()]


def urge_counts(problem_ids: Sequence[int], before: dt.date | None = None) -> dict[int, int]:
    """Problem id → urging rounds (distinct days urged), for those urged at all; with
    ``before``, only the rounds of earlier days."""
    counts: dict[int, int] = {}
    for chunk in _chunks(list(problem_ids)):
        condition = Urge.problem.in_(list(chunk)) & Urge.deleted_at.is_null()
        if before is not None:
            condition &= Urge.as_of < before
        query = (Urge.select(Urge.problem, fn.COUNT(fn.DISTINCT(Urge.as_of)))
                 .where(condition).group_by(Urge.problem))
        counts.update(query.tuples())
    return counts

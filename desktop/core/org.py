"""Setting up an office: units, people, campaigns with phases and milestones, catalogs.

Only an administrator changes these. Nothing is erased: units, people, phases and milestones
are tombstoned, and only once nothing live refers to them any more, so a ledger never shows a
problem whose unit silently vanished. Updates take keyword fields (a partial change) and an
optional ``expected_version`` so an edit made from a stale screen is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from desktop.core import clock, records
from desktop.core.errors import Labels, ValidationError
from desktop.core.i18n import N_, translate
from desktop.core.models import (
    Campaign,
    CatalogNode,
    Cycle,
    Measure,
    Milestone,
    Person,
    Phase,
    Problem,
    Record,
    Role,
    Unit,
    User,
    database,
)
from desktop.core.session import Session

MAX_YELLOW_WORKDAYS = 30


@dataclass(frozen=True)
class Listing(Labels):
    """A list shown as one message parameter: counted phrases ("3 problems, 1 account") when
    ``counts`` is given, else names taken as they are (record names are data, not msgids)."""

    counts: tuple[int, ...] | None = None

    def render(self, language: str | None) -> str:
        if self.counts is None:
            parts = list(self.items)
        else:
            parts = [
                translate(item, language).format(count=count)
                for item, count in zip(self.items, self.counts, strict=True)
            ]
        return translate(N_(", "), language).join(parts)


def _uses(counted: Sequence[tuple[str, int]]) -> Listing | None:
    """The non-zero uses, or None when nothing refers to the record."""
    found = [(label, count) for label, count in counted if count]
    if not found:
        return None
    return Listing(tuple(label for label, _ in found), counts=tuple(c for _, c in found))


def _merged(record: Record, allowed: Sequence[str], changes: dict[str, Any]) -> dict[str, Any]:
    """The record's current values overlaid with ``changes``; ``x_id`` names a foreign key."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))} of {type(record).__name__}")
    values = {name: record.__data__.get(name.removesuffix("_id")) for name in allowed}
    values.update(changes)
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _as_columns(values: dict[str, Any]) -> dict[str, Any]:
    return {name.removesuffix("_id"): value for name, value in values.items()}


# -- units ---------------------------------------------------------------------------------


def create_unit(
    session: Session, name: str, parent_id: int | None = None, short_name: str = "", code: str = ""
) -> Unit:
    session.require(Role.ADMIN)
    if not name.strip():
        raise ValidationError(N_("A unit needs a name."))
    with database.atomic():
        if parent_id is not None:
            records.get_live(Unit, parent_id)
        return records.create(
            session, Unit, name=name.strip(), parent=parent_id, short_name=short_name.strip(),
            code=code.strip(), sort_order=_next_unit_order(parent_id),
        )


def _next_unit_order(parent_id: int | None) -> int:
    last = (
        Unit.select(Unit.sort_order)
        .where(Unit.parent.is_null() if parent_id is None else Unit.parent == parent_id)
        .order_by(Unit.sort_order.desc())
        .first()
    )
    return last.sort_order + 1 if last else 0


def _live_children(parent_id: int | None) -> list[Unit]:
    parent = Unit.parent.is_null() if parent_id is None else Unit.parent == parent_id
    return list(Unit.live().where(parent).order_by(Unit.sort_order, Unit.id))


UNIT_FIELDS = ("name", "short_name", "code", "parent_id")


def update_unit(
    session: Session, unit_id: int, expected_version: int | None = None, **fields: Any
) -> Unit:
    """Rename or move a unit; fields: name, short_name, code, parent_id."""
    session.require(Role.ADMIN)
    with database.atomic():
        unit = records.get_live(Unit, unit_id)
        values = _merged(unit, UNIT_FIELDS, fields)
        if not values["name"]:
            raise ValidationError(N_("A unit needs a name."))
        parent_id = values["parent_id"]
        if parent_id != unit.parent_id:
            ancestor = parent_id
            while ancestor is not None:
                if ancestor == unit.id:
                    raise ValidationError(
                        N_("The unit {name} cannot be placed under itself or its own sub-unit."),
                        name=unit.name,
                    )
                ancestor = records.get_live(Unit, ancestor).parent_id
            values["sort_order"] = _next_unit_order(parent_id)
        records.update(session, unit, expected_version=expected_version, **_as_columns(values))
        return unit


def delete_unit(session: Session, unit_id: int) -> None:
    """Refused, naming what still uses the unit, while anything live refers to it."""
    session.require(Role.ADMIN)
    with database.atomic():
        unit = records.get_live(Unit, unit_id)
        live_problem = Problem.deleted_at.is_null()
        uses = _uses([
            (N_("{count} sub-unit(s)"), Unit.live().where(Unit.parent == unit.id).count()),
            (N_("{count} problem(s)"),
             Problem.live().where(Problem.unit == unit.id).count()),
            (N_("{count} measure(s)"),
             Measure.live().join(Problem)
             .where((Measure.resp_unit == unit.id) & live_problem).count()),
            (N_("{count} person(s)"), Person.live().where(Person.unit == unit.id).count()),
            (N_("{count} account(s)"), User.live().where(User.unit == unit.id).count()),
            (N_("{count} campaign(s)"), Campaign.live().where(Campaign.unit == unit.id).count()),
        ])
        if uses is not None:
            raise ValidationError(
                N_("The unit {name} cannot be deleted while {uses} still refer to it."),
                name=unit.name, uses=uses,
            )
        records.tombstone(session, unit)


def move_unit(session: Session, unit_id: int, new_order: int) -> Unit:
    """Put a unit at position ``new_order`` (from 0, clamped) among its siblings; the order is
    the one printed ledgers and consolidations follow, so it is the office's to choose."""
    session.require(Role.ADMIN)
    with database.atomic():
        unit = records.get_live(Unit, unit_id)
        siblings = [u for u in _live_children(unit.parent_id) if u.id != unit.id]
        siblings.insert(max(0, min(new_order, len(siblings))), unit)
        for order, sibling in enumerate(siblings):
            records.update(session, sibling, sort_order=order)
        return unit


def unit_tree() -> list[tuple[Unit, int]]:
    """Every live unit in display order as (unit, depth). A unit whose parent is gone (e.g.
    from imported data) is shown at the top rather than lost."""
    units = list(Unit.live().order_by(Unit.sort_order, Unit.id))
    known = {u.id for u in units}
    by_parent: dict[int | None, list[Unit]] = {}
    for u in units:
        by_parent.setdefault(u.parent_id if u.parent_id in known else None, []).append(u)
    out: list[tuple[Unit, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for u in by_parent.get(parent, []):
            if u.id not in seen:
                seen.add(u.id)
                out.append((u, depth))
                walk(u.id, depth + 1)

    walk(None, 0)
    for u in units:  # a cycle in imported data: still listed, once
        if u.id not in seen:
            seen.add(u.id)
            out.append((u, 0))
    return out


# -- people --------------------------------------------------------------------------------


def create_person(
    session: Session, name: str, unit_id: int | None = None, title: str = "", phone: str = ""
) -> Person:
    session.require(Role.ADMIN)
    if not name.strip():
        raise ValidationError(N_("A person needs a name."))
    with database.atomic():
        if unit_id is not None:
            records.get_live(Unit, unit_id)
        return records.create(
            session, Person, name=name.strip(), unit=unit_id, title=title.strip(),
            phone=phone.strip(),
        )


PERSON_FIELDS = ("name", "unit_id", "title", "phone")


def update_person(
    session: Session, person_id: int, expected_version: int | None = None, **fields: Any
) -> Person:
    """Fields: name, unit_id, title (职务), phone."""
    session.require(Role.ADMIN)
    with database.atomic():
        person = records.get_live(Person, person_id)
        values = _merged(person, PERSON_FIELDS, fields)
        if not values["name"]:
            raise ValidationError(N_("A person needs a name."))
        if values["unit_id"] is not None:
            records.get_live(Unit, values["unit_id"])
        records.update(session, person, expected_version=expected_version, **_as_columns(values))
        return person


def delete_person(session: Session, person_id: int) -> None:
    session.require(Role.ADMIN)
    with database.atomic():
        person = records.get_live(Person, person_id)
        uses = _uses([
            (N_("{count} problem(s)"), Problem.live().where(Problem.person == person.id).count()),
            (N_("{count} account(s)"), User.live().where(User.person == person.id).count()),
        ])
        if uses is not None:
            raise ValidationError(
                N_("{name} cannot be deleted while {uses} still refer to this person."),
                name=person.name, uses=uses,
            )
        records.tombstone(session, person)


def people(unit_id: int | None = None) -> list[Person]:
    """Live people, in the order they were entered (offices enter them by rank)."""
    query = Person.live()
    if unit_id is not None:
        query = query.where(Person.unit == unit_id)
    return list(query.order_by(Person.id))


# -- campaigns -----------------------------------------------------------------------------


CAMPAIGN_FIELDS = (
    "name", "doc_number", "issuer", "unit_id", "start_date", "end_date", "description", "cycle",
    "report_day", "default_workdays", "max_workdays", "yellow_workdays",
)


def _check_campaign(values: dict[str, Any]) -> None:
    """The rules a campaign's settings obey, whether new or edited."""
    if not values["name"]:
        raise ValidationError(N_("A campaign needs a name."))
    start, end = values["start_date"], values["end_date"]
    if start and end and end < start:
        raise ValidationError(N_("The campaign ends before it starts."))
    cycle = values["cycle"]
    if cycle not in {c.value for c in Cycle}:
        raise ValidationError(N_("Unknown reporting cycle: {cycle}."), cycle=cycle)
    if cycle == Cycle.WEEK.value and not 1 <= values["report_day"] <= 7:
        raise ValidationError(
            N_("The report day of a weekly cycle must be between 1 (Monday) and 7 (Sunday).")
        )
    if not 1 <= values["report_day"] <= 28:
        raise ValidationError(N_("The report day must be between 1 and 28."))
    default, most = values["default_workdays"], values["max_workdays"]
    if not 1 <= default <= most:
        raise ValidationError(
            N_("The default of {default} working days must lie between 1 and the maximum {max}."),
            default=default,
            max=most,
        )
    if not 0 <= values["yellow_workdays"] <= MAX_YELLOW_WORKDAYS:
        raise ValidationError(
            N_("The yellow-light window must be between 0 and {max} working days."),
            max=MAX_YELLOW_WORKDAYS,
        )
    if values["unit_id"] is not None:
        records.get_live(Unit, values["unit_id"])


def create_campaign(
    session: Session,
    name: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    doc_number: str = "",
    issuer: str = "",
    unit_id: int | None = None,
    description: str = "",
    cycle: str = Cycle.MONTH.value,
    report_day: int = 20,
    default_workdays: int = 7,
    max_workdays: int = 15,
    yellow_workdays: int = 3,
) -> Campaign:
    session.require(Role.ADMIN)
    values = {
        "name": name, "doc_number": doc_number, "issuer": issuer, "unit_id": unit_id,
        "start_date": start_date, "end_date": end_date, "description": description,
        "cycle": cycle, "report_day": report_day, "default_workdays": default_workdays,
        "max_workdays": max_workdays, "yellow_workdays": yellow_workdays,
    }
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    with database.atomic():
        _check_campaign(values)
        return records.create(session, Campaign, **_as_columns(values))


def update_campaign(
    session: Session, campaign_id: int, expected_version: int | None = None, **fields: Any
) -> Campaign:
    """Fields are those of :func:`create_campaign`."""
    session.require(Role.ADMIN)
    with database.atomic():
        campaign = records.get_live(Campaign, campaign_id)
        values = _merged(campaign, CAMPAIGN_FIELDS, fields)
        _check_campaign(values)
        records.update(
            session, campaign, expected_version=expected_version, **_as_columns(values)
        )
        return campaign


# -- phases and milestones ----------------------------------------------------------------


def _check_phase(name: str, start_date: dt.date | None, end_date: dt.date | None) -> None:
    if not name:
        raise ValidationError(N_("A phase needs a name."))
    if start_date and end_date and end_date < start_date:
        raise ValidationError(N_("The phase {name} ends before it starts."), name=name)


def add_phase(
    session: Session, campaign_id: int, name: str, start_date: dt.date | None,
    end_date: dt.date | None,
) -> Phase:
    session.require(Role.ADMIN)
    _check_phase(name.strip(), start_date, end_date)
    with database.atomic():
        records.get_live(Campaign, campaign_id)
        order = Phase.select().where(Phase.campaign == campaign_id).count()
        return records.create(
            session, Phase, campaign=campaign_id, name=name.strip(), start_date=start_date,
            end_date=end_date, sort_order=order,
        )


def update_phase(
    session: Session, phase_id: int, expected_version: int | None = None, **fields: Any
) -> Phase:
    """Fields: name, start_date, end_date."""
    session.require(Role.ADMIN)
    with database.atomic():
        phase = records.get_live(Phase, phase_id)
        values = _merged(phase, ("name", "start_date", "end_date"), fields)
        _check_phase(values["name"], values["start_date"], values["end_date"])
        records.update(session, phase, expected_version=expected_version, **values)
        return phase


def delete_phase(session: Session, phase_id: int) -> None:
    session.require(Role.ADMIN)
    with database.atomic():
        phase = records.get_live(Phase, phase_id)
        names = [m.name for m in Milestone.live().where(Milestone.phase == phase.id)]
        if names:
            raise ValidationError(
                N_("The phase {name} still has the milestone(s) {names}; move them to another "
                   "phase or delete them first."),
                name=phase.name, names=Listing(tuple(names)),
            )
        records.tombstone(session, phase)


def campaign_phases(campaign_id: int) -> list[Phase]:
    """By start date (undated phases last), then in the order they were added."""
    phases = Phase.live().where(Phase.campaign == campaign_id)
    return sorted(
        phases,
        key=lambda p: (p.start_date is None, p.start_date or dt.date.min, p.sort_order, p.id),
    )


def _check_milestone(campaign_id: int, values: dict[str, Any]) -> None:
    if not values["name"]:
        raise ValidationError(N_("A milestone needs a name."))
    if values["due_date"] is None:
        raise ValidationError(N_("A milestone needs a due date."))
    if values["done_date"] is not None and values["done_date"] > clock.today():
        raise ValidationError(N_("A milestone cannot be marked done on a date in the future."))
    if values["phase_id"] is not None:
        phase = records.get_live(Phase, values["phase_id"])
        if phase.campaign_id != campaign_id:
            raise ValidationError(N_("The phase belongs to another campaign."))


def add_milestone(
    session: Session, campaign_id: int, name: str, due_date: dt.date, phase_id: int | None = None,
    done_date: dt.date | None = None,
) -> Milestone:
    session.require(Role.ADMIN)
    values = {"name": name.strip(), "due_date": due_date, "phase_id": phase_id,
              "done_date": done_date}
    with database.atomic():
        records.get_live(Campaign, campaign_id)
        _check_milestone(campaign_id, values)
        return records.create(session, Milestone, campaign=campaign_id, **_as_columns(values))


def update_milestone(
    session: Session, milestone_id: int, expected_version: int | None = None, **fields: Any
) -> Milestone:
    """Fields: name, due_date, phase_id, done_date (None: not done yet)."""
    session.require(Role.ADMIN)
    with database.atomic():
        milestone = records.get_live(Milestone, milestone_id)
        values = _merged(milestone, ("name", "due_date", "phase_id", "done_date"), fields)
        _check_milestone(milestone.campaign_id, values)
        records.update(
            session, milestone, expected_version=expected_version, **_as_columns(values)
        )
        return milestone


def delete_milestone(session: Session, milestone_id: int) -> None:
    session.require(Role.ADMIN)
    with database.atomic():
        records.tombstone(session, records.get_live(Milestone, milestone_id))


def campaign_milestones(campaign_id: int) -> list[Milestone]:
    """By due date, the way a timeline reads."""
    return list(
        Milestone.live()
        .where(Milestone.campaign == campaign_id)
        .order_by(Milestone.due_date, Milestone.id)
    )


class OutlineLike(Protocol):
    label: str
    title: str
    children: Sequence[OutlineLike]


def import_catalog(
    session: Session, campaign_id: int, roots: Iterable[OutlineLike]
) -> list[CatalogNode]:
    """Store an outline (as parsed from the plan, then edited) as the campaign's catalog."""
    session.require(Role.ADMIN)
    created: list[CatalogNode] = []

    def add(node: OutlineLike, parent: CatalogNode | None, order: int) -> None:
        row = records.create(
            session, CatalogNode, campaign=campaign_id, parent=parent,
            label=node.label, title=node.title.strip(), sort_order=order,
        )
        created.append(row)
        for child_order, child in enumerate(node.children):
            add(child, row, child_order)

    with database.atomic():
        records.get_live(Campaign, campaign_id)
        for order, root in enumerate(roots):
            add(root, None, order)
    return created


def catalog_tree(campaign_id: int) -> list[tuple[CatalogNode, int]]:
    """The catalog in reading order as (node, depth)."""
    nodes = list(
        CatalogNode.live()
        .where(CatalogNode.campaign == campaign_id)
        .order_by(CatalogNode.sort_order, CatalogNode.id)
    )
    by_parent: dict[int | None, list[CatalogNode]] = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)
    out: list[tuple[CatalogNode, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for n in by_parent.get(parent, []):
            out.append((n, depth))
            walk(n.id, depth + 1)

    walk(None, 0)
    return out

"""Setting up an office: units, people, campaigns with phases and milestones, catalogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from desktop.core import records
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_
from desktop.core.models import (
    Campaign,
    CatalogNode,
    Cycle,
    Milestone,
    Person,
    Phase,
    Role,
    Unit,
    database,
)
from desktop.core.session import Session


def create_unit(
    session: Session, name: str, parent_id: int | None = None, short_name: str = "", code: str = ""
) -> Unit:
    session.require(Role.ADMIN)
    if not name.strip():
        raise ValidationError(N_("A unit needs a name."))
    with database.atomic():
        if parent_id is not None:
            records.get_live(Unit, parent_id)
        order = Unit.select().where(Unit.parent == parent_id).count()
        return records.create(
            session, Unit, name=name.strip(), parent=parent_id, short_name=short_name.strip(),
            code=code.strip(), sort_order=order,
        )


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
    if not name.strip():
        raise ValidationError(N_("A campaign needs a name."))
    if start_date and end_date and end_date < start_date:
        raise ValidationError(N_("The campaign ends before it starts."))
    if cycle not in {c.value for c in Cycle}:
        raise ValidationError(N_("Unknown reporting cycle: {cycle}."), cycle=cycle)
    if not 1 <= report_day <= 28:
        raise ValidationError(N_("The report day must be between 1 and 28."))
    if not 1 <= default_workdays <= max_workdays:
        raise ValidationError(
            N_("The default of {default} working days must lie between 1 and the maximum {max}."),
            default=default_workdays,
            max=max_workdays,
        )
    with database.atomic():
        return records.create(
            session, Campaign, name=name.strip(), start_date=start_date, end_date=end_date,
            doc_number=doc_number.strip(), issuer=issuer.strip(), unit=unit_id,
            description=description.strip(), cycle=cycle, report_day=report_day,
            default_workdays=default_workdays, max_workdays=max_workdays,
            yellow_workdays=yellow_workdays,
        )


def add_phase(
    session: Session, campaign_id: int, name: str, start_date: dt.date | None,
    end_date: dt.date | None,
) -> Phase:
    session.require(Role.ADMIN)
    if start_date and end_date and end_date < start_date:
        raise ValidationError(N_("The phase {name} ends before it starts."), name=name)
    with database.atomic():
        records.get_live(Campaign, campaign_id)
        order = Phase.select().where(Phase.campaign == campaign_id).count()
        return records.create(
            session, Phase, campaign=campaign_id, name=name.strip(), start_date=start_date,
            end_date=end_date, sort_order=order,
        )


def add_milestone(
    session: Session, campaign_id: int, name: str, due_date: dt.date, phase_id: int | None = None
) -> Milestone:
    session.require(Role.ADMIN)
    with database.atomic():
        records.get_live(Campaign, campaign_id)
        return records.create(
            session, Milestone, campaign=campaign_id, name=name.strip(), due_date=due_date,
            phase=phase_id,
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

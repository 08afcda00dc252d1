"""Create, update and tombstone records, each with its audit event and version check.

The services build on these three so that no change reaches the database unrecorded, and an
update made from a stale copy is refused instead of silently overwriting someone's work.
"""

from __future__ import annotations

from typing import Any, TypeVar

from desktop.core import audit, clock, dialect
from desktop.core.errors import ConcurrentEdit, NotFound
from desktop.core.i18n import N_
from desktop.core.models import AuditEvent, Record
from desktop.core.session import Session

R = TypeVar("R", bound=Record)


def get_live(model: type[R], record_id: int) -> R:
    record = model.get_or_none((model.id == record_id) & model.deleted_at.is_null())
    if record is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    return record


def create(session: Session, model: type[R], **fields: Any) -> R:
    dialect.lock_for_writing()
    now = clock.now()
    fields.setdefault("origin_unit", session.actor.unit_uuid)
    record = model(created_at=now, updated_at=now, **fields)
    record.save(force_insert=True)
    audit.record_event(session.actor, "create", record, None, audit.snapshot(record))
    return record


def _changed_elsewhere(record: Record) -> ConcurrentEdit:
    """The error for a stale copy, naming who changed the record last and when."""
    event = (
        AuditEvent.select(AuditEvent.user_name, AuditEvent.at)
        .where(AuditEvent.entity_uuid == record.uuid)
        .order_by(AuditEvent.id.desc())
        .first()
    )
    return ConcurrentEdit(
        N_("This record was changed by {user} at {time}. Reload it and make your change again."),
        user=event.user_name if event else "?",
        time=str(event.at) if event else "?",
    )


def update(
    session: Session,
    record: R,
    expected_version: int | None = None,
    action: str = "update",
    **changes: Any,
) -> bool:
    """Apply ``changes``; False when nothing actually changed (no version bump, no event)."""
    dialect.lock_for_writing()
    model = type(record)
    version = record.version
    if expected_version is not None and expected_version != version:
        raise _changed_elsewhere(record)
    before = audit.snapshot(record)
    for name, value in changes.items():
        setattr(record, name, value)
    if audit.snapshot(record) == before:
        return False
    record.version = version + 1
    record.updated_at = clock.now()
    # raw values (foreign keys as ids): reading the attribute would load each related row
    data = {name: record.__data__.get(name) for name in (*changes, "version", "updated_at")}
    rows = model.update(**data).where((model.id == record.id) & (model.version == version)).execute()
    if rows != 1:
        raise _changed_elsewhere(record)
    audit.record_event(session.actor, action, record, before, audit.snapshot(record))
    return True


def tombstone(session: Session, record: Record) -> None:
    update(session, record, action="delete", deleted_at=clock.now())

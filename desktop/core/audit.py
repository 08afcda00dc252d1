"""The audit log: every create, update, delete and transition, hash-chained.

Each event's hash covers its own content and the hash of the event before it, and event ids
are contiguous, so an edited, inserted or removed event breaks the chain at that point. The
head (last id and hash) is kept in ``meta`` so a truncated tail is noticed too. Rows of the
domain tables are checked against the last state the log recorded for them, so an edit made
behind the app's back (raw SQL) is found as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from desktop.core import clock, dialect
from desktop.core.models import (
    ENTITY_MODELS,
    AuditEvent,
    Meta,
    Record,
    insert_rows,
    set_meta,
    stored_value,
)

GENESIS = "0" * 64
EVENT_COLUMNS = ("id", "at", "user_uuid", "user_name", "action", "entity", "entity_uuid",
                 "before", "after", "prev_hash", "hash")
HEAD_KEY = "audit_head"


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the audit log records it."""

    uuid: str
    name: str
    unit_uuid: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(uuid="", name="system")


def snapshot(record: Record) -> dict[str, Any]:
    """The stored fields of a record, as JSON-ready values (foreign keys as local ids)."""
    data = record.__data__
    return {name: stored_value(data.get(name)) for name in record._meta.sorted_field_names}


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(obj: Any) -> str:
    """The one JSON form used for snapshots and hashes (sorted keys, no spaces)."""
    return _ENCODER.encode(obj)


def event_hash(
    event_id: int,
    at: str,
    user_uuid: str,
    user_name: str,
    action: str,
    entity: str,
    entity_uuid: str,
    before: str | None,
    after: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 over the event's fields, each length-prefixed (so no two different events
    share an input) and chained to the previous event's hash."""
    parts = (str(event_id), at, user_uuid, user_name, action, entity, entity_uuid, before,
             after, prev_hash)
    content = "".join("-" if p is None else f"{len(p)}:{p}" for p in parts)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _normalise_at(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    return str(value)


def read_head() -> tuple[int, str]:
    row = Meta.get_or_none(Meta.key == HEAD_KEY)
    if row is None:
        return 0, GENESIS
    seq, digest = row.value.split(":", 1)
    return int(seq), digest


def _write_head(seq: int, digest: str) -> None:
    set_meta(HEAD_KEY, f"{seq}:{digest}")


class AuditWriter:
    """Appends events to the chain. Used one event at a time by the services and in bulk
    (buffered, flushed with multi-row inserts) by demo data and imports.

    Must be used inside the transaction that makes the changes it records.
    """

    def __init__(self, actor: Actor, buffer_size: int = 0) -> None:
        self.actor = actor
        self.buffer_size = buffer_size
        dialect.lock_for_writing()  # two clients of a server must not claim the same event id
        self.seq, self.head = read_head()
        self._rows: list[tuple] = []

    def add(
        self,
        action: str,
        entity: str,
        entity_uuid: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        at: dt.datetime | None = None,
        actor: Actor | None = None,
    ) -> None:
        self.add_text(
            action, entity, entity_uuid,
            canonical(before) if before is not None else None,
            canonical(after) if after is not None else None,
            at, actor,
        )

    def add_text(
        self,
        action: str,
        entity: str,
        entity_uuid: str,
        before_text: str | None,
        after_text: str | None,
        at: dt.datetime | None = None,
        actor: Actor | None = None,
    ) -> None:
        """Append an event whose snapshots are already in canonical JSON (bulk writers keep
        the last snapshot of a row and reuse it as the next event's "before")."""
        actor = actor or self.actor
        self.seq += 1
        at_text = _normalise_at(at or clock.now())
        digest = event_hash(
            self.seq, at_text, actor.uuid, actor.name, action, entity,
            entity_uuid, before_text, after_text, self.head,
        )
        self._rows.append(
            (self.seq, at_text, actor.uuid, actor.name, action, entity, entity_uuid,
             before_text, after_text, self.head, digest)
        )
        self.head = digest
        if len(self._rows) > self.buffer_size:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        insert_rows(AuditEvent, EVENT_COLUMNS, self._rows, converted=True)
        self._rows.clear()
        _write_head(self.seq, self.head)


def record_event(
    actor: Actor,
    action: str,
    record: Record,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    writer = AuditWriter(actor)
    writer.add(action, record._meta.table_name, record.uuid, before, after)
    writer.flush()


@dataclass
class AuditReport:
    events: int = 0
    records: int = 0
    broken_event: int | None = None
    broken_reason: str = ""
    tampered: list[tuple[str, str, str]] = field(default_factory=list)  # entity, uuid, why

    @property
    def ok(self) -> bool:
        return self.broken_event is None and not self.tampered


def verify_chain(report: AuditReport) -> None:
    """Walk the chain in id order; stop at the first event that does not verify."""
    expected_id, prev = 0, GENESIS
    query = AuditEvent.select().order_by(AuditEvent.id).tuples()
    columns = [f.name for f in AuditEvent._meta.sorted_fields]
    for row in query.iterator():
        ev = dict(zip(columns, row, strict=True))
        expected_id += 1
        report.events += 1
        if ev["id"] != expected_id:
            report.broken_event, report.broken_reason = expected_id, "missing"
            return
        if ev["prev_hash"] != prev:
            report.broken_event, report.broken_reason = ev["id"], "chain"
            return
        digest = event_hash(
            ev["id"], _normalise_at(ev["at"]), ev["user_uuid"], ev["user_name"], ev["action"],
            ev["entity"], ev["entity_uuid"], ev["before"], ev["after"], ev["prev_hash"],
        )
        if digest != ev["hash"]:
            report.broken_event, report.broken_reason = ev["id"], "content"
            return
        prev = digest
    head_seq, head_hash = read_head()
    if (head_seq, head_hash) != (expected_id, prev):
        report.broken_event, report.broken_reason = expected_id + 1, "truncated"


def verify_records(report: AuditReport, entities: Iterable[str] | None = None) -> None:
    """Compare each row with the last state the log recorded for it."""
    for entity in entities or ENTITY_MODELS:
        model = ENTITY_MODELS[entity]
        last_after: dict[str, str] = {}
        events = (
            AuditEvent.select(AuditEvent.entity_uuid, AuditEvent.after)
            .where(AuditEvent.entity == entity)
            .order_by(AuditEvent.id)
            .tuples()
        )
        for entity_uuid, after in events.iterator():
            if after is not None:
                last_after[entity_uuid] = after
        for record in model.select().iterator():
            report.records += 1
            recorded = last_after.get(record.uuid)
            if recorded is None:
                report.tampered.append((entity, record.uuid, "no audit trail"))
                continue
            expected = json.loads(recorded)
            current = snapshot(record)
            # fields added by later migrations are absent from older events
            if any(current.get(k) != v for k, v in expected.items()):
                report.tampered.append((entity, record.uuid, "differs from the audit log"))


def verify(check_records: bool = True) -> AuditReport:
    report = AuditReport()
    verify_chain(report)
    if check_records:
        verify_records(report)
    return report

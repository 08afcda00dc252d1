"""The import log: one row per imported file, and the baseline each imported record left.

A ledger file's batch is written by ``consolidate.apply_import``; a hand-made ledger (an
office's own Excel layout, read by guessing its columns) logs its batch here as "handmade",
unverified until someone has compared it with the paper, so lists can mark those problems.
Every batch is an audit event too (file name, checksum, unit, counts), so the log is as
tamper-evident as the records.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from desktop.core import clock, records
from desktop.core.audit import AuditWriter
from desktop.core.exchange_records import chunks
from desktop.core.models import (
    Campaign,
    ImportBaseline,
    ImportBatch,
    Problem,
    Role,
    Unit,
    database,
)
from desktop.core.session import Session

LEDGER, HANDMADE = "ledger", "handmade"
BATCH_ENTITY = "import_batch"


def save_baselines(batch_id: int, rows: Sequence[tuple[str, str, str, int, int]]) -> None:
    db = database.obj
    left, right = db.quote
    p = db.param
    columns = ("record_uuid", "entity", "local_uuid", "incoming_version", "local_version",
               "batch_id")
    names = ", ".join(f"{left}{c}{right}" for c in columns)
    updates = ", ".join(f"{left}{c}{right} = excluded.{left}{c}{right}" for c in columns[1:])
    sql = (f"INSERT INTO {left}import_baseline{right} ({names}) VALUES "
           f"({', '.join([p] * len(columns))}) ON CONFLICT ({left}record_uuid{right}) "
           f"DO UPDATE SET {updates}")
    db.cursor().executemany(sql, [(*row, batch_id) for row in rows])


def log_event(session: Session, batch: ImportBatch, after: dict[str, Any],
               action: str = "import", before: dict[str, Any] | None = None) -> None:
    writer = AuditWriter(session.actor)
    writer.add(action, BATCH_ENTITY, batch.uuid, before, after)
    writer.flush()



def record_handmade_batch(
    session: Session,
    file_name: str,
    checksum: str,
    campaign_id: int,
    unit_id: int,
    problem_ids: Sequence[int],
) -> ImportBatch:
    """Log the problems created from an office's own Excel ledger: they are unverified (read
    from a layout nobody guaranteed) until someone checks them against the paper."""
    session.require(Role.CLERK, Role.ADMIN)
    with database.atomic():
        campaign = records.get_live(Campaign, campaign_id)
        unit = records.get_live(Unit, unit_id)
        found: list[tuple[str, int]] = []
        for part in chunks(sorted(set(problem_ids))):
            found.extend(Problem.select(Problem.uuid, Problem.version).where(
                Problem.id.in_(part)).tuples())
        batch = ImportBatch.create(
            file_name=file_name, checksum=checksum, kind=HANDMADE, verified=False,
            exporting_unit=unit.id, campaign=campaign.id, at=clock.now(),
            user=session.user, user_name=session.name,
            counts=json.dumps({"total": {"new": len(found)}}),
        )
        save_baselines(batch.id, [(uuid, "problem", uuid, version, version)
                                  for uuid, version in found])
        log_event(session, batch, {
            "file_name": file_name, "checksum": checksum, "kind": HANDMADE,
            "exporting_unit": {"uuid": unit.uuid, "name": unit.name},
            "campaign": campaign.uuid, "counts": {"new": len(found)},
        })
        return batch


def mark_batch_verified(session: Session, batch_id: int) -> ImportBatch:
    """Someone compared a hand-made import with the paper ledger and vouches for it."""
    session.require(Role.REVIEWER, Role.ADMIN)
    with database.atomic():
        batch = ImportBatch.get_by_id(batch_id)
        if not batch.verified:
            ImportBatch.update(verified=True).where(ImportBatch.id == batch.id).execute()
            log_event(session, batch, {"verified": True}, action="verify_import",
                       before={"verified": False})
            batch.verified = True
        return batch


def _unverified_problems():
    return (Problem.select(Problem.id)
            .join(ImportBaseline, on=ImportBaseline.local_uuid == Problem.uuid)
            .join(ImportBatch)
            .where((ImportBatch.kind == HANDMADE) & ~ImportBatch.verified
                   & Problem.deleted_at.is_null()))


def is_unverified(problem_id: int) -> bool:
    return _unverified_problems().where(Problem.id == problem_id).exists()


def unverified_ids(campaign_id: int) -> set[int]:
    return {p.id for p in _unverified_problems().where(Problem.campaign == campaign_id)}


def import_batches(campaign_id: int | None = None) -> list[ImportBatch]:
    """The import log, newest first."""
    query = ImportBatch.select().order_by(ImportBatch.at.desc(), ImportBatch.id.desc())
    if campaign_id is not None:
        query = query.where(ImportBatch.campaign == campaign_id)
    return list(query)

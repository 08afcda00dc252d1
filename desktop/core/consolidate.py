"""Consolidation (汇总): carrying out an import the dry run (``import_plan``) described.

Nothing is written until the user confirms; then all of it in one transaction, after the
plan is made again inside it (an import whose dry run no longer holds is refused). Each
conflict needs a decision, "incoming" or "local", before anything is written.

Versions: a created record keeps the file's UUID, version and times (so an export of the
imported records equals the file). An update goes through ``records.update`` and so bumps the
local version by one, like any edit, audited as the importing user's; the baseline then
remembers both the file's version and the local one, so the next import compares each side
with its own number and versions never need to agree between offices. Accounts arrive as
placeholders — inactive, no password, no roles — that keep signers' names and can never sign
in. Evidence files arrive as metadata only.

Re-importing a file whose records are all unchanged writes nothing at all — no record, no log
row, no audit event; the plan says when that file was imported before.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.core import clock, problem_query, records
from desktop.core.audit import AuditWriter
from desktop.core.errors import ConcurrentEdit, ValidationError
from desktop.core.exchange_records import ENTITY_OF, MODELS, chunks, foreign_keys
from desktop.core.i18n import N_
from desktop.core.import_log import (
    HANDMADE,
    LEDGER,
    import_batches,
    is_unverified,
    log_event,
    mark_batch_verified,
    record_handmade_batch,
    save_baselines,
    unverified_ids,
)
from desktop.core.import_plan import (
    WRITING,
    Category,
    FieldDiff,
    ImportPlan,
    ImportSource,
    PlanItem,
    compared_fields,
    plan_import,
)
from desktop.core.migrations.v003_search import PAUSED_KEY
from desktop.core.models import (
    Campaign,
    ImportBaseline,
    ImportBatch,
    Measure,
    Meta,
    Problem,
    Record,
    Role,
    Unit,
    User,
    database,
    insert_rows,
)
from desktop.core.session import Session

__all__ = [
    "HANDMADE", "INCOMING", "LEDGER", "LOCAL", "Category", "FieldDiff", "ImportPlan",
    "ImportResult", "ImportSource", "PlanItem", "apply_import", "import_batches",
    "is_unverified", "mark_batch_verified", "plan_import", "record_handmade_batch",
    "unverified_ids",
]

INCOMING, LOCAL = "incoming", "local"
Progress = Callable[[int, int], None]  # (done, total); raising from it cancels the work


@dataclass
class ImportResult:
    batch_uuid: str | None  # None: nothing was written
    campaign_id: int | None
    totals: dict[str, int]

    @property
    def changed(self) -> bool:
        return self.batch_uuid is not None


def _check_decisions(plan: ImportPlan, decisions: dict[str, str]) -> None:
    if any(choice not in (INCOMING, LOCAL) for choice in decisions.values()):
        raise ValidationError(N_("A conflict is decided for the incoming or the local version, "
                                 "nothing else."))
    undecided = [i for i in plan.conflicts if i.uuid not in decisions]
    if undecided:
        raise ValidationError(
            N_("{count} conflicting record(s) have no decision yet: choose the incoming or the "
               "local version of each (first: {label})."),
            count=len(undecided), label=undecided[0].label,
        )


class _Writer:
    def __init__(self, session: Session, plan: ImportPlan, decisions: dict[str, str],
                 progress: Progress | None) -> None:
        self.session = session
        self.plan = plan
        self.decisions = decisions
        self.progress = progress
        self.local_ids: dict[str, int] = {i.uuid: i.local_id for i in plan.items
                                          if i.local_id is not None}
        self.versions: dict[str, int] = {}

    def _local_id(self, model: type[Record], uuid: str | None) -> int | None:
        if uuid is None:
            return None
        if uuid not in self.local_ids:
            base = ImportBaseline.get_or_none(ImportBaseline.record_uuid == uuid)
            target = base.local_uuid if base else uuid
            self.local_ids[uuid] = model.get(model.uuid == target).id
        return self.local_ids[uuid]

    def _create(self, model: type[Record], items: list[PlanItem]) -> None:
        if not items:
            return
        entity = ENTITY_OF[model]
        names = list(model._meta.sorted_field_names)
        template = {
            f.name: f.default if f.default is not None and not callable(f.default) else None
            for f in model._meta.sorted_fields
        }
        next_id = (model.select(model.id).order_by(model.id.desc()).scalar() or 0) + 1
        refs = foreign_keys(model)
        taken = _taken_usernames(items) if model is User else set()
        writer = AuditWriter(self.session.actor, buffer_size=1000)
        rows = []
        for item in _parents_first(model, items):
            record = item.incoming or {}
            row = dict(template)
            row.update(record)
            row.update(id=next_id, deleted_at=item.deleted_at)
            for name, target in refs.items():
                row[name] = self._local_id(target, record[name])
            if model is User:  # a signer's name, never an account anyone can sign in with
                row.update(username=_free_username(record["username"], item.uuid, taken),
                           password_hash="", roles="", active=False, person=None)
            self.local_ids[item.uuid] = next_id
            self.versions[item.uuid] = row["version"]
            next_id += 1
            rows.append([row[n] for n in names])
            writer.add("create", entity, item.uuid, None, row)
        insert_rows(model, names, rows, converted=True)
        writer.flush()

    def _update(self, model: type[Record], item: PlanItem) -> None:
        record = model.get_by_id(item.local_id)
        changes: dict[str, Any] = {}
        if item.incoming is not None:
            refs = foreign_keys(model)
            for name in compared_fields(model):
                value = item.incoming[name]
                changes[name] = self._local_id(refs[name], value) if name in refs else \
                    model._meta.fields[name].python_value(value)
        deleted = model.deleted_at.python_value(item.deleted_at)
        changes["deleted_at"] = deleted
        action = "delete" if deleted and record.deleted_at is None else "update"
        records.update(self.session, record, action=action, **changes)
        self.versions[item.uuid] = record.version

    def run(self) -> ImportResult:
        by_entity: dict[str, list[PlanItem]] = {}
        for item in self.plan.items:
            by_entity.setdefault(item.entity, []).append(item)
        with _search_index_held() as touched:
            self._write(by_entity)
            touched.update(self._touched_problems(by_entity))
        return self._log()

    def _touched_problems(self, by_entity: dict[str, list[PlanItem]]) -> set[int]:
        """Problems whose search text the import may have changed."""
        ids = {self.local_ids[i.uuid] for i in by_entity.get("problem", [])
               if i.uuid in self.versions}
        measures = [self.local_ids[i.uuid] for i in by_entity.get("measure", [])
                    if i.uuid in self.versions]
        for part in chunks(measures):
            ids |= {m.problem_id for m in Measure.select(Measure.problem)
                    .where(Measure.id.in_(part))}
        return ids

    def _write(self, by_entity: dict[str, list[PlanItem]]) -> None:
        done, total = 0, len(self.plan.items)
        for model in MODELS:
            items = by_entity.get(ENTITY_OF[model], [])
            if self.progress is not None:
                self.progress(done, total)
            done += len(items)
            self._create(model, [i for i in items if i.category == Category.NEW])
            for item in items:
                take = item.category in (Category.UPDATED, Category.DELETED) or (
                    item.category == Category.CONFLICT and self.decisions[item.uuid] == INCOMING)
                if take:
                    self._update(model, item)

    def _log(self) -> ImportResult:
        plan = self.plan
        totals = plan.totals
        batch = ImportBatch.create(
            file_name=plan.source.file_name, checksum=plan.source.checksum,
            kind=plan.source.kind, verified=True,
            exporting_unit=self._local_id(Unit, plan.exporting_unit_uuid),
            campaign=self._local_id(Campaign, plan.campaign_uuid), at=clock.now(),
            user=self.session.user, user_name=self.session.name,
            counts=json.dumps({"total": totals, "entities": plan.counts}, sort_keys=True),
        )
        save_baselines(batch.id, [
            (i.uuid, i.entity, i.local_uuid or i.uuid, i.incoming_version,
             self.versions.get(i.uuid, i.local_version))
            for i in plan.items
            if i.category in WRITING or i.matched_by_name
        ])
        log_event(self.session, batch, {
            "file_name": plan.source.file_name, "checksum": plan.source.checksum,
            "kind": plan.source.kind,
            "exporting_unit": {"uuid": plan.exporting_unit_uuid,
                               "name": plan.exporting_unit_name},
            "campaign": plan.campaign_uuid, "counts": totals,
            "decisions": {u: d for u, d in sorted(self.decisions.items())},
        })
        return ImportResult(batch.uuid, batch.campaign_id, totals)


@contextlib.contextmanager
def _search_index_held():
    """Hold the search index's triggers while records are written, then re-index the
    problems the import touched, once each (yields the set to fill with their ids).

    The triggers re-index a problem on each of its measures' inserts: an import of 10,000
    problems with 25,000 measures spent most of its time there. A no-op update of the
    touched problems' ``code`` fires the problem trigger once per problem instead. All of
    it happens inside the import's transaction, so the pause never outlives it.
    """
    touched: set[int] = set()
    if not problem_query.search_index_ready():
        yield touched  # no index, or a bulk load already paused it (it rebuilds it all)
        return
    Meta.insert(key=PAUSED_KEY, value="1").execute()
    yield touched
    Meta.delete().where(Meta.key == PAUSED_KEY).execute()
    for part in chunks(sorted(touched)):
        Problem.update(code=Problem.code).where(Problem.id.in_(part)).execute()


def _parents_first(model: type[Record], items: list[PlanItem]) -> list[PlanItem]:
    """Units and catalog items refer to their parents: create each after its parent."""
    if "parent" not in foreign_keys(model):
        return items
    pending = {i.uuid: i for i in items}
    ordered: list[PlanItem] = []
    while pending:
        ready = [i for i in pending.values() if (i.incoming or {}).get("parent") not in pending]
        if not ready:
            raise ValidationError(N_("The units or catalog items of the file refer to each other "
                                     "in a circle."))
        for item in ready:
            ordered.append(item)
            del pending[item.uuid]
    return ordered


def _taken_usernames(items: list[PlanItem]) -> set[str]:
    wanted = [(i.incoming or {}).get("username", "") for i in items]
    taken: set[str] = set()
    for part in chunks(wanted):
        taken |= {u.username for u in User.select(User.username).where(User.username.in_(part))}
    return taken


def _free_username(name: str, uuid: str, taken: set[str]) -> str:
    """The file's user name, or — when this office already has it — one made unique with
    the start of the account's UUID (two offices both have a "clerk")."""
    candidate, n = name, 8
    while candidate in taken:
        candidate = f"{name}#{uuid[:n]}"
        n += 4
    taken.add(candidate)
    return candidate


def apply_import(
    session: Session,
    plan: ImportPlan,
    decisions: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Carry out a plan, all of it or nothing. ``decisions`` maps each conflicting record's
    UUID to "incoming" or "local"; the plan is made again inside the transaction, and an
    import whose dry run no longer holds is refused. ``progress(done, total)`` is called as
    records are written; an exception raised from it cancels the import (nothing stays)."""
    session.require(Role.CLERK, Role.ADMIN)
    decisions = dict(decisions or {})
    _check_decisions(plan, decisions)
    with database.atomic():
        fresh = plan_import(plan.payload, plan.source)
        if [(i.uuid, i.category) for i in fresh.items] != \
                [(i.uuid, i.category) for i in plan.items]:
            raise ConcurrentEdit(N_("The database changed after the dry run. Run the dry run "
                                    "again before importing."))
        if not fresh.has_changes:
            campaign = next((i.local_id for i in fresh.items
                             if i.entity == "campaign" and i.uuid == fresh.campaign_uuid), None)
            return ImportResult(None, campaign, fresh.totals)
        return _Writer(session, fresh, decisions, progress).run()

"""The dry run of a consolidation import: what a ledger file would do, record by record.

Nothing is written here. Per record of the file:

* it is matched by UUID; a unit or campaign unknown by UUID is matched by exact name (a
  campaign by name and 文号; a unit by name among the children of its parent's match, or among
  all units for a top unit) when exactly one live record fits. A record matched by name is
  mapped, never overwritten: the local one is the higher office's own. The mapping is kept
  (a baseline with another local UUID), so the office's next file matches it by UUID.
* **new** when nothing matches; **unchanged** when the content is the same (or only this office
  changed it since the last import, or an earlier conflict was decided for the local version);
  **updated** / **deleted** when the file changed it since the last import and this office did
  not; **conflict** when both did — or, for a record never imported before and not made here,
  when the content differs and the local version is not older than the file's.
* **rejected** when the file would change a record this office made itself (not created by an
  import, and made in one of this office's own units or by the system): a sub-unit's file may
  add measures and progress to a problem it was handed, but never overwrite what the higher
  office wrote.

"Changed since the last import" compares each side's version with the baseline the last
import left (``import_baseline``): the version the file carried and the local version after.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from peewee import ForeignKeyField

from desktop.core.errors import ValidationError, render
from desktop.core.exchange_records import (
    ENTITIES,
    ENTITY_LABELS,
    ENTITY_OF,
    MODELS,
    StoredRows,
    chunks,
    field_names,
    foreign_keys,
    read_payload,
    record_label,
    serialiser,
)
from desktop.core.i18n import N_
from desktop.core.import_log import LEDGER
from desktop.core.models import Campaign, ImportBaseline, ImportBatch, Record, Unit, User


class Category(str, enum.Enum):
    NEW = "new"
    UPDATED = "updated"
    DELETED = "deleted"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    REJECTED = "rejected"


CATEGORY_LABELS = {
    Category.NEW: N_("New records"),
    Category.UPDATED: N_("Updated records"),
    Category.DELETED: N_("Deleted records"),
    Category.UNCHANGED: N_("Unchanged records"),
    Category.CONFLICT: N_("Conflicting records"),
    Category.REJECTED: N_("Rejected records"),
}
WRITING = (Category.NEW, Category.UPDATED, Category.DELETED, Category.CONFLICT)
OWNED_HERE = N_("This record was made in this office; a file from another unit may not "
                "change it.")


@dataclass(frozen=True)
class ImportSource:
    file_name: str
    checksum: str
    kind: str = LEDGER


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs, as a person reads it (references shown by name)."""

    field: str
    local: Any
    incoming: Any


@dataclass
class PlanItem:
    """What the import would do with one record of the file. ``diffs`` lists the fields that
    differ (for updates, conflicts and rejections): the side-by-side view of a conflict."""

    entity: str
    uuid: str  # the UUID in the file
    category: Category
    label: str
    incoming_version: int
    incoming: dict[str, Any] | None = None  # stored form, references as the file's UUIDs
    deleted_at: str | None = None  # the file deleted the record at this time
    local_id: int | None = None
    local_uuid: str | None = None
    local_version: int | None = None
    matched_by_name: bool = False
    diffs: tuple[FieldDiff, ...] = ()
    reason: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)

    def reason_text(self, language: str | None = None) -> str:
        return render(self.reason, self.reason_params, language) if self.reason else ""


@dataclass
class ImportPlan:
    source: ImportSource
    payload: dict[str, Any]
    exporting_unit_uuid: str
    exporting_unit_name: str
    campaign_uuid: str
    campaign_name: str
    exported_at: str
    items: list[PlanItem]
    already_imported: dt.datetime | None = None  # this file (checksum) was imported then

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Entity → category → number of records (entities with no record left out)."""
        out: dict[str, dict[str, int]] = {}
        for item in self.items:
            per = out.setdefault(item.entity, {c.value: 0 for c in Category})
            per[item.category.value] += 1
        return out

    @property
    def totals(self) -> dict[str, int]:
        out = {c.value: 0 for c in Category}
        for item in self.items:
            out[item.category.value] += 1
        return out

    @property
    def conflicts(self) -> list[PlanItem]:
        return [i for i in self.items if i.category == Category.CONFLICT]

    @property
    def rejected(self) -> list[PlanItem]:
        return [i for i in self.items if i.category == Category.REJECTED]

    @property
    def matched_by_name(self) -> list[PlanItem]:
        return [i for i in self.items if i.matched_by_name]

    @property
    def has_changes(self) -> bool:
        return any(i.category in WRITING for i in self.items)


# -- planning ------------------------------------------------------------------------------


def uuid_ids(model: type[Record], column: str, values: Iterable[Any]) -> dict[Any, tuple]:
    """``column`` value → (id, uuid, version, deleted_at, origin_unit) of matching rows."""
    out: dict[Any, tuple] = {}
    wanted = sorted(set(values))
    col = getattr(model, column)
    for part in chunks(wanted):
        query = model.select(model.id, model.uuid, model.version, model.deleted_at,
                             model.origin_unit, col).where(col.in_(part)).tuples()
        for row in query:
            out[row[5]] = row[:5]
    return out


class _Planner:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.records, tombstones = read_payload(payload)
        self.in_file: dict[str, str] = {r["uuid"]: e for e, rs in self.records.items() for r in rs}
        self.labels = {r["uuid"]: record_label(e, r) for e, rs in self.records.items() for r in rs}
        self.deleted = {t["uuid"]: t for t in tombstones}
        every = set(self.in_file) | set(self.deleted)
        # file uuid → (local uuid, incoming version, local version) of its last import
        self.baselines: dict[str, tuple[str, int, int]] = {}
        b = ImportBaseline
        for part in chunks(sorted(every)):
            query = b.select(b.record_uuid, b.local_uuid, b.incoming_version, b.local_version)
            for uuid, *rest in query.where(b.record_uuid.in_(part)).tuples():
                self.baselines[uuid] = tuple(rest)
        imported_units = ImportBaseline.select(ImportBaseline.local_uuid).where(
            ImportBaseline.entity == "unit")
        self.imported_units = {b.local_uuid for b in imported_units}
        self.rows = StoredRows()
        self.local_of: dict[str, tuple[type[Record], int]] = {}  # file uuid → local row
        self.by_name: set[str] = set()  # matched by name in this plan
        self.aliased: set[str] = set()  # matched by name in an earlier import

    # matching

    def _match(self) -> None:
        for model in MODELS:
            entity = ENTITY_OF[model]
            wanted = {r["uuid"] for r in self.records[entity]}
            wanted |= {u for u, t in self.deleted.items() if t["entity"] == entity}
            aliases = {u: b[0] for u, b in self.baselines.items()
                       if u in wanted and b[0] != u}
            self.rows.read(model, "uuid", sorted(wanted | set(aliases.values())))
            found = {row[2]: row[0] for row in self.rows.rows[model].values()}
            for uuid in wanted:
                local = found.get(aliases.get(uuid, uuid))
                if local is not None:
                    self.local_of[uuid] = (model, local)
                    if uuid in aliases:
                        self.aliased.add(uuid)
        self._match_units_by_name()
        self._match_campaign_by_name()

    def _match_units_by_name(self) -> None:
        units = list(Unit.live().select(Unit.id, Unit.name, Unit.parent))
        children: dict[int | None, dict[str, list[int]]] = {}
        anywhere: dict[str, list[int]] = {}
        for u in units:
            children.setdefault(u.parent_id, {}).setdefault(u.name, []).append(u.id)
            anywhere.setdefault(u.name, []).append(u.id)
        pending = {r["uuid"]: r for r in self.records["unit"] if r["uuid"] not in self.local_of}
        placed = True
        while pending and placed:
            placed = False
            for uuid, record in list(pending.items()):
                parent = record["parent"]
                if parent in pending:
                    continue  # its parent is matched (or not) first
                del pending[uuid]
                placed = True
                if parent is None:
                    candidates = anywhere.get(record["name"], [])
                elif parent in self.local_of:
                    parent_id = self.local_of[parent][1]
                    candidates = children.get(parent_id, {}).get(record["name"], [])
                else:
                    candidates = []
                if len(candidates) == 1:
                    self.rows.read_ids(Unit, candidates)
                    self.local_of[uuid] = (Unit, candidates[0])
                    self.by_name.add(uuid)

    def _match_campaign_by_name(self) -> None:
        for record in self.records["campaign"]:
            if record["uuid"] in self.local_of:
                continue
            found = list(Campaign.live().select(Campaign.id).where(
                (Campaign.name == record["name"]) & (Campaign.doc_number == record["doc_number"])))
            if len(found) == 1:
                self.rows.read_ids(Campaign, [found[0].id])
                self.local_of[record["uuid"]] = (Campaign, found[0].id)
                self.by_name.add(record["uuid"])

    # references

    def _check_references(self) -> None:
        """Every reference names a record of the right kind in the file or in this database."""
        outside: dict[type[Record], dict[str, tuple[str, str]]] = {}
        for entity, items in self.records.items():
            refs = foreign_keys(ENTITIES[entity])
            for record in items:
                for name, target in refs.items():
                    value = record[name]
                    if value is None or self.in_file.get(value) == ENTITY_OF[target]:
                        continue
                    outside.setdefault(target, {})[value] = (entity, record["uuid"])
        for target, wanted in outside.items():
            known = uuid_ids(target, "uuid", wanted)
            aliased = {b.record_uuid for b in ImportBaseline.select(ImportBaseline.record_uuid)
                       .where(ImportBaseline.record_uuid.in_(sorted(set(wanted) - set(known))))}
            for value, (entity, uuid) in wanted.items():
                if value not in known and value not in aliased:
                    raise ValidationError(
                        N_("The {entity_label} record {uuid} refers to a {target_label} "
                           "({ref}) that is neither in the file nor in this database."),
                        entity_label=ENTITY_LABELS[entity], uuid=uuid,
                        target_label=ENTITY_LABELS[ENTITY_OF[target]], ref=value,
                    )

    # comparing

    def _local_forms(self) -> dict[str, dict[str, Any]]:
        """Matched local rows in the travelling form, references as local UUIDs."""
        uuids: dict[type[Record], dict[int, str]] = {}
        for model in MODELS:
            offsets = [(StoredRows.columns(model).index(n), t)
                       for n, t in foreign_keys(model).items()]
            for row in self.rows.rows[model].values():
                for offset, target in offsets:
                    if row[offset] is not None:
                        uuids.setdefault(target, {})[row[offset]] = ""
        for target, ids in uuids.items():
            for part in chunks(sorted(ids)):
                ids.update(target.select(target.id, target.uuid).where(
                    target.id.in_(part)).tuples())
        full = {m: uuids.get(m, {}) for m in MODELS}
        out: dict[str, dict[str, Any]] = {}
        for file_uuid, (model, local_id) in self.local_of.items():
            row = self.rows.rows[model][local_id]
            form = serialiser(model, full)(row)
            form["deleted_at"] = row[1]
            out[file_uuid] = form
            self.labels.setdefault(form["uuid"], record_label(ENTITY_OF[model], form))
        return out

    def _as_local(self, value: Any) -> Any:
        """A file UUID as the local UUID it is matched to (itself when new or the same)."""
        local = self.local_of.get(value)
        if local is None or (value not in self.by_name and value not in self.aliased):
            return value
        return self.rows.rows[local[0]][local[1]][2]

    def _owned_here(self, uuid: str, origin_unit: str | None) -> bool:
        if uuid in self.baselines:
            return False
        return origin_unit is None or origin_unit not in self.imported_units

    def _shown(self, model: type[Record], name: str, value: Any) -> Any:
        if isinstance(model._meta.fields.get(name), ForeignKeyField) and value is not None:
            return self.labels.get(value, value)
        return value

    def _diffs(self, model: type[Record], local: dict, incoming: dict) -> tuple[FieldDiff, ...]:
        return tuple(
            FieldDiff(name, self._shown(model, name, local.get(name)),
                      self._shown(model, name, incoming.get(name)))
            for name in (*compared_fields(model), "deleted_at")
            if local.get(name) != incoming.get(name)
        )

    def _item(self, entity: str, uuid: str, record: dict | None,
              locals_: dict[str, dict]) -> PlanItem | None:
        model = ENTITIES[entity]
        tombstone = self.deleted.get(uuid)
        deleted_at = tombstone["deleted_at"] if tombstone else None
        version = record["version"] if record else tombstone["version"]
        local = locals_.get(uuid)
        label = record_label(entity, record) if record else (
            record_label(entity, local) if local else uuid)
        item = PlanItem(entity, uuid, Category.NEW, label, version, record, deleted_at)
        if local is None:
            return item if record is not None else None  # a deletion of something never seen
        item.local_id = self.local_of[uuid][1]
        item.local_uuid, item.local_version = local["uuid"], local["version"]
        if deleted_at and local["deleted_at"]:
            deleted_at = local["deleted_at"]  # deleted on both sides: when does not matter
        if uuid in self.by_name or uuid in self.aliased:
            item.category, item.matched_by_name = Category.UNCHANGED, uuid in self.by_name
            return item
        if record is None:
            incoming = {**local, "deleted_at": deleted_at}
        else:
            incoming = {n: self._as_local(record[n]) if n in foreign_keys(model) else record[n]
                        for n in compared_fields(model)}
            incoming["deleted_at"] = deleted_at
        item.diffs = self._diffs(model, local, incoming)
        if not item.diffs:
            item.category = Category.UNCHANGED
            return item
        changed = Category.DELETED if deleted_at and local["deleted_at"] is None \
            else Category.UPDATED
        base = self.baselines.get(uuid)
        if self._owned_here(uuid, local["origin_unit"]):
            item.category, item.reason = Category.REJECTED, OWNED_HERE
        elif base is None:
            item.category = Category.CONFLICT if local["version"] >= version else changed
        else:
            there = version > base[1]
            here = local["version"] > base[2]
            item.category = Category.CONFLICT if there and here else (
                changed if there else Category.UNCHANGED)
        return item

    def plan(self) -> list[PlanItem]:
        self._match()
        self._check_references()
        locals_ = self._local_forms()
        items: list[PlanItem] = []
        for entity in ENTITIES:
            in_records = set()
            for record in self.records[entity]:
                in_records.add(record["uuid"])
                items.append(self._item(entity, record["uuid"], record, locals_))
            for uuid, tombstone in self.deleted.items():
                if tombstone["entity"] == entity and uuid not in in_records:
                    item = self._item(entity, uuid, None, locals_)
                    if item is not None:
                        items.append(item)
        return items


@functools.cache
def compared_fields(model: type[Record]) -> tuple[str, ...]:
    """The fields an import compares and writes (an account's user name is kept as first
    imported: it may have been made unique here)."""
    if model is User:
        return ("display_name", "unit")
    return field_names(model)


def plan_import(payload: dict[str, Any], source: ImportSource) -> ImportPlan:
    """The dry run: what importing ``payload`` would do, record by record. Writes nothing;
    raises ValidationError for a payload that is malformed or refers to unknown records."""
    planner = _Planner(payload)
    items = planner.plan()
    campaign = next(r for r in planner.records["campaign"] if r["uuid"] == payload["campaign"])
    earlier = (ImportBatch.select(ImportBatch.at)
               .where(ImportBatch.checksum == source.checksum)
               .order_by(ImportBatch.at).first())
    return ImportPlan(
        source=source, payload=payload,
        exporting_unit_uuid=payload["exporting_unit"]["uuid"],
        exporting_unit_name=payload["exporting_unit"]["name"],
        campaign_uuid=payload["campaign"], campaign_name=campaign["name"],
        exported_at=payload["exported_at"], items=items,
        already_imported=earlier.at if earlier else None,
    )

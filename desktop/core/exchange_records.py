"""The records that travel inside an exported ledger: building the payload and reading it back.

The workbook a clerk prints also carries its records in this machine-readable form, so the
higher office imports exactly what was signed and stamped. The payload is a plain dict (the
exchange layer embeds it in the workbook with a SHA-256 of :func:`canonical_text`).

Each record is flat: ``uuid, version, created_at, updated_at, origin_unit`` and its fields,
foreign keys as UUIDs, values in the form the database stores them (ISO dates, the same
conversion the audit log's snapshots use), so a record read back compares equal to the one
that was sent. Records deleted in the exporting office travel as tombstones; a deleted record
that a live one still refers to travels in full as well, so no reference dangles.
Evidence files travel as metadata only (name, SHA-256, size): the files themselves stay in
the office that has them, and the payload says so (``evidence_files_included``).
Accounts travel as names only (UUID, user name, display name, unit), never with a password
hash or roles: they exist so that signers' names survive consolidation.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from peewee import (
    BooleanField,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
)

from desktop.core import audit, clock, dialect
from desktop.core.errors import NotFound, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import (
    Campaign,
    CatalogNode,
    EvidenceFile,
    Measure,
    Milestone,
    Person,
    Phase,
    Problem,
    ProgressNote,
    Record,
    Referral,
    Transition,
    Unit,
    User,
    database,
    stored_value,
)

FORMAT = "rectify-ledger"
FORMAT_VERSION = 1
CHUNK = 5000  # ids per IN (…) query, well under SQLite's limit on bound parameters

# What travels, in the order an importer must create it (a record's references come first).
MODELS: tuple[type[Record], ...] = (
    Unit, Person, User, Campaign, Phase, Milestone, CatalogNode,
    Problem, Measure, ProgressNote, EvidenceFile, Transition, Referral,
)
ENTITIES: dict[str, type[Record]] = {m._meta.table_name: m for m in MODELS}
ENTITY_OF: dict[type[Record], str] = {m: name for name, m in ENTITIES.items()}
PROBLEM_PARTS: tuple[type[Record], ...] = (Measure, ProgressNote, EvidenceFile, Transition,
                                           Referral)

ENTITY_LABELS = {
    "unit": N_("unit"),
    "person": N_("person"),
    "account": N_("user account"),
    "campaign": N_("campaign"),
    "phase": N_("phase"),
    "milestone": N_("milestone"),
    "catalog_node": N_("catalog item"),
    "problem": N_("problem"),
    "measure": N_("measure"),
    "progress_note": N_("progress note"),
    "evidence_file": N_("evidence file"),
    "transition": N_("workflow step"),
    "referral": N_("referral"),
}

META_FIELDS = ("uuid", "version", "created_at", "updated_at", "origin_unit")
ACCOUNT_FIELDS = ("username", "display_name", "unit")


@functools.cache
def field_names(model: type[Record]) -> tuple[str, ...]:
    """The fields a record of ``model`` carries besides its metadata."""
    if model is User:
        return ACCOUNT_FIELDS
    skip = {"id", "deleted_at", *META_FIELDS}
    return tuple(n for n in model._meta.sorted_field_names if n not in skip)


@functools.cache
def foreign_keys(model: type[Record]) -> dict[str, type[Record]]:
    """Travelling field → the model it refers to."""
    return {
        name: model._meta.fields[name].rel_model
        for name in field_names(model)
        if isinstance(model._meta.fields[name], ForeignKeyField)
    }


def record_label(entity: str, record: dict[str, Any]) -> str:
    """A short text a person recognises a record by (plans and conflict views show it)."""
    def short(text: Any, size: int = 40) -> str:
        text = str(text or "")
        return text if len(text) <= size else text[: size - 1] + "…"

    match entity:
        case "account":
            return str(record.get("display_name") or record.get("username") or "")
        case "catalog_node":
            return f"{record.get('label', '')}{short(record.get('title'))}"
        case "problem":
            code = record.get("code") or ""
            return f"{code} {short(record.get('description'))}".strip()
        case "measure":
            return short(record.get("text"))
        case "progress_note":
            return f"{record.get('date', '')} {short(record.get('text'))}"
        case "evidence_file":
            return str(record.get("filename", ""))
        case "transition":
            return f"{record.get('action', '')} {record.get('user_name', '')}"
        case "referral":
            return f"{record.get('date', '')} {record.get('receiver', '')}"
    return str(record.get("name", ""))


def canonical_text(payload: dict[str, Any]) -> str:
    """The one JSON form the checksum covers (the audit log's canonical form)."""
    return audit.canonical(payload)


def payload_checksum(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_text(payload).encode("utf-8")).hexdigest()


def chunks(values: Sequence[Any], size: int | None = None) -> Iterator[Sequence[Any]]:
    size = size or CHUNK
    for start in range(0, len(values), size):
        yield values[start : start + size]


# -- building ------------------------------------------------------------------------------


class StoredRows:
    """Rows read for one export, as tuples, and which of them travel as records.

    Rows are read with plain SQL and kept as the database stores them (ISO dates and times,
    foreign keys as ids): that stored form is what the audit log's snapshots reproduce with
    ``stored_value``, without a model instance and two conversions per value (an export of
    10,000 problems reads some 75,000 rows).
    """

    def __init__(self) -> None:
        self.rows: dict[type[Record], dict[int, tuple]] = {m: {} for m in MODELS}
        self.records: dict[type[Record], set[int]] = {m: set() for m in MODELS}

    @staticmethod
    def columns(model: type[Record]) -> list[str]:
        return ["id", "deleted_at", *META_FIELDS, *field_names(model)]

    def read(self, model: type[Record], column: str, values: Sequence[Any] = (),
             condition: str = "") -> None:
        """Rows whose ``column`` is one of ``values`` (and that meet ``condition``)."""
        db = database.obj
        left, right = db.quote
        fields = model._meta.fields
        names = ", ".join(f"{left}{fields[n].column_name}{right}" for n in self.columns(model))
        table = self.rows[model]
        stored = dialect.row_reader()
        for part in chunks(list(values)) if values else [()]:
            where = [f"{left}{fields[column].column_name}{right} IN "
                     f"({', '.join([db.param] * len(part))})"] if part else []
            where += [condition] if condition else []
            sql = f"SELECT {names} FROM {left}{model._meta.table_name}{right}"
            sql += f" WHERE {' AND '.join(where)}" if where else ""
            for row in db.execute_sql(sql, tuple(part)):
                table[row[0]] = stored(row)

    def read_ids(self, model: type[Record], ids: Iterable[int]) -> None:
        self.read(model, "id", sorted(i for i in set(ids) if i not in self.rows[model]))

    def read_parts(self, problem_ids: Sequence[int]) -> None:
        for model in PROBLEM_PARTS:
            self.read(model, "problem", problem_ids)

    def keep(self, model: type[Record], ids: Iterable[int]) -> None:
        """Send these as records (live ones always; deleted ones when something refers to them)."""
        self.records[model].update(ids)

    def keep_live(self, model: type[Record]) -> None:
        self.keep(model, (i for i, row in self.rows[model].items() if row[1] is None))

    def close_references(self) -> None:
        """Add every record a kept record refers to, until nothing is missing (parent
        chains of units and catalog items, people, accounts and their units …)."""
        done: dict[type[Record], set[int]] = {m: set() for m in MODELS}
        while True:
            wanted: dict[type[Record], set[int]] = {}
            for model in MODELS:
                fresh = self.records[model] - done[model]
                if not fresh:
                    continue
                done[model] |= fresh
                offsets = [(self.columns(model).index(n), target)
                           for n, target in foreign_keys(model).items()]
                table = self.rows[model]
                for record_id in fresh:
                    row = table[record_id]
                    for offset, target in offsets:
                        if row[offset] is not None:
                            wanted.setdefault(target, set()).add(row[offset])
            if not wanted:
                return
            for target, ids in wanted.items():
                self.read_ids(target, ids)
                self.keep(target, ids)

    def uuid_maps(self) -> dict[type[Record], dict[int, str]]:
        return {m: {i: row[2] for i, row in table.items()} for m, table in self.rows.items()}


def serialiser(model: type[Record], uuids: dict[type[Record], dict[int, str]]):
    """A function turning one stored row (in :meth:`StoredRows.columns` order) into a travelling
    record: foreign keys become UUIDs, flags booleans, everything else stays as stored."""
    names = StoredRows.columns(model)[2:]
    refs = foreign_keys(model)
    steps: list[tuple[str, dict[int, str] | None, bool]] = [
        (name, uuids[refs[name]] if name in refs else None,
         isinstance(model._meta.fields[name], BooleanField))
        for name in names
    ]

    def serialise(row: Sequence[Any]) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for (name, uuid_of, flag), value in zip(steps, row[2:], strict=True):
            if value is None:
                record[name] = None
            elif uuid_of is not None:
                record[name] = uuid_of[value]
            else:
                record[name] = bool(value) if flag else value
        return record

    return serialise


def build_payload(
    campaign_id: int,
    problem_ids: Iterable[int],
    exporting_unit_id: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """The machine-readable part of a ledger: the campaign, the chosen problems with
    everything that belongs to them, what they refer to, and the campaign's deletions.
    ``progress(done, total)`` is called between steps; raising from it cancels."""

    def step(done: int) -> None:
        if progress is not None:
            progress(done, len(MODELS) + 1)

    campaign = Campaign.get_or_none(Campaign.id == campaign_id)
    exporting = Unit.get_or_none(Unit.id == exporting_unit_id)
    if campaign is None or exporting is None:
        raise NotFound(N_("The record no longer exists (it was deleted or never saved)."))
    rows = StoredRows()
    rows.read_ids(Campaign, [campaign_id])
    rows.keep(Campaign, [campaign_id])
    rows.read_ids(Unit, [exporting_unit_id])
    rows.keep(Unit, [exporting_unit_id])
    for model in (Phase, Milestone, CatalogNode):
        rows.read(model, "campaign", [campaign_id])
        rows.keep_live(model)
    of_campaign = f"campaign_id = {int(campaign_id)}"
    rows.read(Problem, "id", sorted(set(problem_ids)), of_campaign)
    # the campaign's deleted problems travel as tombstones, whoever exported them
    rows.read(Problem, "campaign", [campaign_id], "deleted_at IS NOT NULL")
    rows.keep_live(Problem)
    rows.read_parts(sorted(rows.rows[Problem]))
    for model in PROBLEM_PARTS:
        live_problems = rows.records[Problem]
        table = rows.rows[model]
        problem_at = StoredRows.columns(model).index("problem")
        rows.keep(model, (i for i, row in table.items()
                          if row[1] is None and row[problem_at] in live_problems))
    rows.close_references()
    step(1)
    uuids = rows.uuid_maps()
    records: dict[str, list[dict[str, Any]]] = {}
    tombstones: list[dict[str, Any]] = []
    for model in MODELS:
        entity = ENTITY_OF[model]
        table = rows.rows[model]
        serialise = serialiser(model, uuids)
        kept = [serialise(table[i]) for i in rows.records[model]]
        records[entity] = sorted(kept, key=lambda r: r["uuid"])
        gone = [
            {"uuid": row[2], "entity": entity, "version": row[3], "deleted_at": row[1]}
            for row in table.values() if row[1] is not None
        ]
        tombstones.extend(sorted(gone, key=lambda t: t["uuid"]))
        step(2 + MODELS.index(model))
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exporting_unit": {"uuid": exporting.uuid, "name": exporting.name},
        "campaign": campaign.uuid,
        "exported_at": stored_value(clock.now()),
        "evidence_files_included": False,
        "records": records,
        "tombstones": tombstones,
    }


# -- reading back --------------------------------------------------------------------------


def _wrong(field: str, expected: str, entity: str = "", uuid: str = "") -> ValidationError:
    if entity:
        return ValidationError(
            N_("The field {field} of the {entity_label} record {uuid} is missing or is not "
               "{expected_label}."),
            field=field, entity_label=ENTITY_LABELS[entity], uuid=uuid, expected_label=expected,
        )
    return ValidationError(
        N_("The field {field} of the ledger records is missing or is not {expected_label}."),
        field=field, expected_label=expected,
    )


TEXT, NUMBER, DATE, DATETIME, REFERENCE, FLAG = (
    N_("text"), N_("a whole number"), N_("a date (YYYY-MM-DD)"), N_("a date and time"),
    N_("a record UUID"), N_("yes or no"),
)


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def _datetime(value: Any) -> str | None:
    """A naive date and time in the stored form, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if moment.tzinfo is not None else stored_value(moment)


def _date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _reader(field: Field) -> Callable[[Any], tuple[bool, Any]]:
    """The check of one non-null incoming value: (acceptable, value in stored form)."""
    if isinstance(field, ForeignKeyField):
        return lambda v: (_is_uuid(v), v)
    if isinstance(field, BooleanField):
        return lambda v: (isinstance(v, bool), v)
    if isinstance(field, IntegerField):
        return lambda v: (isinstance(v, int) and not isinstance(v, bool), v)
    if isinstance(field, DateTimeField | DateField):
        convert = _datetime if isinstance(field, DateTimeField) else _date

        def read_time(v: Any) -> tuple[bool, Any]:
            text = convert(v)
            return text is not None, text

        return read_time
    return lambda v: (isinstance(v, str), v)


@functools.cache
def _readers(model: type[Record]) -> tuple[tuple[str, Field, Callable], ...]:
    return tuple((name, model._meta.fields[name], _reader(model._meta.fields[name]))
                 for name in (*META_FIELDS, *field_names(model)))


def _expected(field: Field) -> str:
    for kind, label in ((ForeignKeyField, REFERENCE), (BooleanField, FLAG),
                        (IntegerField, NUMBER), (DateTimeField, DATETIME), (DateField, DATE)):
        if isinstance(field, kind):
            return label
    return TEXT


def read_record(entity: str, record: Any, index: int) -> dict[str, Any]:
    """One incoming record checked field by field and returned in stored form."""
    model = ENTITIES[entity]
    if not isinstance(record, dict):
        raise ValidationError(
            N_("Entry {n} of the {entity_label} records is not a record."),
            n=index + 1, entity_label=ENTITY_LABELS[entity],
        )
    uuid = record.get("uuid")
    if not _is_uuid(uuid):
        raise _wrong("uuid", REFERENCE, entity, f"#{index + 1}")
    readers = _readers(model)
    if len(record) != len(readers) or any(name not in record for name, _, _ in readers):
        unknown = sorted(set(record) - {name for name, _, _ in readers})
        if unknown:
            raise ValidationError(
                N_("The {entity_label} record {uuid} has a field this program does not "
                   "know: {field}."),
                entity_label=ENTITY_LABELS[entity], uuid=uuid, field=unknown[0],
            )
    out: dict[str, Any] = {}
    for name, field, read in readers:
        if name not in record:
            raise _wrong(name, _expected(field), entity, uuid)
        value = record[name]
        ok, value = (field.null, None) if value is None else read(value)
        if name == "version":
            ok = ok and value >= 1
        if not ok:
            raise _wrong(name, _expected(field), entity, uuid)
        out[name] = value
    return out


def read_tombstone(entry: Any, index: int) -> dict[str, Any]:
    ok = isinstance(entry, dict) and entry.get("entity") in ENTITIES and _is_uuid(entry.get("uuid"))
    if ok:
        version, deleted_at = entry.get("version"), _datetime(entry.get("deleted_at"))
        ok = (isinstance(version, int) and not isinstance(version, bool) and version >= 1
              and deleted_at is not None)
    if not ok:
        raise ValidationError(
            N_("Deletion entry {n} of the ledger records is incomplete or ill-formed."),
            n=index + 1,
        )
    return {"uuid": entry["uuid"], "entity": entry["entity"], "version": version,
            "deleted_at": deleted_at}


def read_payload(payload: Any) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Check a payload's structure and return its records (per entity, in stored form) and
    tombstones. References are checked by the importer, which also knows the database."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ValidationError(
            N_("The file carries no ledger records that this program can read.")
        )
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _wrong("version", NUMBER)
    if version > FORMAT_VERSION:
        raise ValidationError(
            N_("The ledger records were written by a newer version of Rectify (format "
               "version {found}; this program reads up to {known}). Please use the newer "
               "program."),
            found=version, known=FORMAT_VERSION,
        )
    unit = payload.get("exporting_unit")
    if not (isinstance(unit, dict) and _is_uuid(unit.get("uuid"))
            and isinstance(unit.get("name"), str)):
        raise _wrong("exporting_unit", REFERENCE)
    if not _is_uuid(payload.get("campaign")):
        raise _wrong("campaign", REFERENCE)
    if _datetime(payload.get("exported_at")) is None:
        raise _wrong("exported_at", DATETIME)
    raw = payload.get("records")
    if not isinstance(raw, dict):
        raise _wrong("records", TEXT)
    for entity in raw:
        if entity not in ENTITIES:
            raise ValidationError(N_("The ledger records contain an unknown kind of record: "
                                     "{entity}."), entity=str(entity))
    records: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    for entity in ENTITIES:
        items = raw.get(entity, [])
        if not isinstance(items, list):
            raise _wrong(f"records.{entity}", TEXT)
        records[entity] = [read_record(entity, item, i) for i, item in enumerate(items)]
        for record in records[entity]:
            if record["uuid"] in seen:
                raise ValidationError(
                    N_("The {entity_label} record {uuid} appears more than once in the file."),
                    entity_label=ENTITY_LABELS[entity], uuid=record["uuid"],
                )
            seen.add(record["uuid"])
    raw_tombstones = payload.get("tombstones", [])
    if not isinstance(raw_tombstones, list):
        raise _wrong("tombstones", TEXT)
    tombstones = [read_tombstone(t, i) for i, t in enumerate(raw_tombstones)]
    campaigns = [r for r in records["campaign"] if r["uuid"] == payload["campaign"]]
    if not campaigns:
        raise ValidationError(N_("The file's campaign is not among its records."))
    for problem in records["problem"]:
        if problem["campaign"] != payload["campaign"]:
            raise ValidationError(
                N_("The problem {uuid} belongs to another campaign than the file's."),
                uuid=problem["uuid"],
            )
    if not any(u["uuid"] == unit["uuid"] for u in records["unit"]):
        raise ValidationError(N_("The file's exporting unit is not among its records."))
    return records, tombstones

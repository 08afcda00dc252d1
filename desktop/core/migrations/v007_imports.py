"""Schema version 7: ``import_batch`` and ``import_baseline``, the memory of consolidation
imports (frozen copy; do not edit).

A batch is one imported file; a baseline row says which version of a record a file brought
and which local version that left, so the next import can tell "changed there since" from
"changed here since". Neither table travels between offices, so neither is a record with a
UUID history of its own. Depends on v001's ``unit``, ``campaign`` and ``account``.
"""

from __future__ import annotations

import uuid

from peewee import (
    BooleanField,
    CharField,
    Database,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

DEPENDS = 6  # the schema version this step expects to find


class _Unit(Model):
    class Meta:
        table_name = "unit"


class _Campaign(Model):
    class Meta:
        table_name = "campaign"


class _Account(Model):
    class Meta:
        table_name = "account"


class ImportBatch(Model):
    class Meta:
        table_name = "import_batch"

    uuid = CharField(max_length=36, unique=True, default=lambda: str(uuid.uuid4()))
    file_name = CharField(max_length=255)
    checksum = CharField(max_length=64, index=True)
    kind = CharField(max_length=10)
    verified = BooleanField(default=True)
    exporting_unit = ForeignKeyField(_Unit, null=True, on_delete="RESTRICT")
    campaign = ForeignKeyField(_Campaign, null=True, on_delete="RESTRICT")
    at = DateTimeField()
    user = ForeignKeyField(_Account, null=True, on_delete="RESTRICT")
    user_name = CharField(max_length=100, default="")
    counts = TextField(default="{}")


class ImportBaseline(Model):
    class Meta:
        table_name = "import_baseline"

    record_uuid = CharField(max_length=36, unique=True)
    entity = CharField(max_length=40)
    local_uuid = CharField(max_length=36, index=True)
    incoming_version = IntegerField()
    local_version = IntegerField()
    batch = ForeignKeyField(ImportBatch, on_delete="RESTRICT")


def apply(db: Database) -> None:
    with db.bind_ctx([_Unit, _Campaign, _Account, ImportBatch, ImportBaseline]):
        db.create_tables([ImportBatch, ImportBaseline])

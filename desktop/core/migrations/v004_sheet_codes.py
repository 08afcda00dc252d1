"""Schema version 4: ``sheet_code``, the verification codes of printed sheets (see
``desktop.core.sheet_codes``). Frozen copy of the table as first released."""

from __future__ import annotations

import uuid

from peewee import CharField, Database, DateTimeField, IntegerField, Model, TextField


class SheetCode(Model):
    uuid = CharField(max_length=36, unique=True, default=lambda: str(uuid.uuid4()))
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
    origin_unit = CharField(max_length=36, null=True)
    deleted_at = DateTimeField(null=True)
    code = CharField(max_length=16, unique=True)
    kind = CharField(max_length=20)
    campaign_uuid = CharField(max_length=36)
    params = TextField()
    items = TextField()
    content_hash = CharField(max_length=64)
    user_uuid = CharField(max_length=36, default="")
    user_name = CharField(max_length=100, default="")

    class Meta:
        table_name = "sheet_code"


def apply(db: Database) -> None:
    with db.bind_ctx([SheetCode]):
        db.create_tables([SheetCode])

"""Schema version 5: ``stored_image``, the signature and seal images (frozen copy; do not edit).

It comes after v004 (sheet codes) and depends only on v001's ``account`` table; the two steps
touch different tables, so their order matters only for the version number.
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
)

DEPENDS = 4  # the schema version this step expects to find


class _Account(Model):
    class Meta:
        table_name = "account"


class StoredImage(Model):
    class Meta:
        table_name = "stored_image"

    uuid = CharField(max_length=36, unique=True, default=lambda: str(uuid.uuid4()))
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
    origin_unit = CharField(max_length=36, null=True)
    deleted_at = DateTimeField(null=True)
    owner_kind = CharField(max_length=10)
    owner_uuid = CharField(max_length=36, index=True)
    kind = CharField(max_length=10)
    sha256 = CharField(max_length=64)
    filename = CharField(max_length=255)
    format = CharField(max_length=10)
    width = IntegerField(default=0)
    height = IntegerField(default=0)
    has_alpha = BooleanField(default=False)
    added_by = ForeignKeyField(_Account, null=True, on_delete="RESTRICT")


def apply(db: Database) -> None:
    with db.bind_ctx([_Account, StoredImage]):
        db.create_tables([StoredImage])

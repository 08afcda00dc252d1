"""Schema version 6: ``urge``, one row per problem named on a saved or printed 催办通知单
(frozen copy; do not edit).

It depends on v001's ``problem``, ``unit`` and ``account`` tables and, through the notice's
code, on v004's ``sheet_code`` (the code is kept as text so that a sheet code and its urges
stay readable on their own when ledgers are consolidated).
"""

from __future__ import annotations

import uuid

from peewee import (
    CharField,
    Database,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)

DEPENDS = 5  # the schema version this step expects to find


class _Problem(Model):
    class Meta:
        table_name = "problem"


class _Unit(Model):
    class Meta:
        table_name = "unit"


class _Account(Model):
    class Meta:
        table_name = "account"


class Urge(Model):
    class Meta:
        table_name = "urge"

    uuid = CharField(max_length=36, unique=True, default=lambda: str(uuid.uuid4()))
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
    origin_unit = CharField(max_length=36, null=True)
    deleted_at = DateTimeField(null=True)
    problem = ForeignKeyField(_Problem, on_delete="RESTRICT")
    unit = ForeignKeyField(_Unit, on_delete="RESTRICT")
    code = CharField(max_length=32, index=True)
    user = ForeignKeyField(_Account, null=True, on_delete="RESTRICT")
    user_name = CharField(max_length=100, default="")
    at = DateTimeField()
    as_of = DateField()


def apply(db: Database) -> None:
    with db.bind_ctx([_Problem, _Unit, _Account, Urge]):
        db.create_tables([Urge])

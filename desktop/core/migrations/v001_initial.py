"""Schema version 1: the domain model as first released (frozen copy; do not edit)."""

from __future__ import annotations

import uuid

from peewee import (
    BooleanField,
    CharField,
    Database,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class _Base(Model):
    class Meta:
        legacy_table_names = False


class _Record(_Base):
    uuid = CharField(max_length=36, unique=True, default=lambda: str(uuid.uuid4()))
    created_at = DateTimeField()
    updated_at = DateTimeField()
    version = IntegerField(default=1)
    origin_unit = CharField(max_length=36, null=True)
    deleted_at = DateTimeField(null=True)


class Meta(_Base):
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


class Unit(_Record):
    name = CharField(max_length=200)
    short_name = CharField(max_length=100, default="")
    parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    code = CharField(max_length=50, default="")
    sort_order = IntegerField(default=0)


class Person(_Record):
    name = CharField(max_length=100, index=True)
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    title = CharField(max_length=100, default="")
    phone = CharField(max_length=50, default="")


class User(_Record):
    class Meta:
        table_name = "account"

    username = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=100)
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    password_hash = CharField(max_length=255, default="")
    roles = CharField(max_length=100, default="clerk")
    active = BooleanField(default=True)


class Campaign(_Record):
    name = CharField(max_length=300)
    doc_number = CharField(max_length=100, default="")
    issuer = CharField(max_length=200, default="")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    start_date = DateField(null=True)
    end_date = DateField(null=True)
    description = TextField(default="")
    cycle = CharField(max_length=10, default="month")
    report_day = IntegerField(default=20)
    default_workdays = IntegerField(default=7)
    max_workdays = IntegerField(default=15)
    yellow_workdays = IntegerField(default=3)


class Phase(_Record):
    campaign = ForeignKeyField(Campaign, on_delete="RESTRICT")
    name = CharField(max_length=100)
    start_date = DateField(null=True)
    end_date = DateField(null=True)
    sort_order = IntegerField(default=0)


class Milestone(_Record):
    campaign = ForeignKeyField(Campaign, on_delete="RESTRICT")
    phase = ForeignKeyField(Phase, null=True, on_delete="RESTRICT")
    name = CharField(max_length=200)
    due_date = DateField()
    done_date = DateField(null=True)


class CatalogNode(_Record):
    campaign = ForeignKeyField(Campaign, on_delete="RESTRICT")
    parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    label = CharField(max_length=20, default="")
    title = TextField()
    sort_order = IntegerField(default=0)


class Problem(_Record):
    campaign = ForeignKeyField(Campaign, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    code = CharField(max_length=50, default="")
    scope = CharField(max_length=10, default="org")
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    catalog = ForeignKeyField(CatalogNode, null=True, on_delete="RESTRICT")
    description = TextField()
    source = CharField(max_length=50, default="")
    found_date = DateField(null=True)
    root_cause = TextField(default="")
    kind = CharField(max_length=10, default="deadline")
    target = TextField(default="")
    deadline = DateField(null=True)
    state = CharField(max_length=20, default="draft", index=True)
    closed_at = DateTimeField(null=True)
    note = TextField(default="")


class Measure(_Record):
    problem = ForeignKeyField(Problem, on_delete="RESTRICT")
    sort_order = IntegerField(default=0)
    text = TextField()
    resp_leader = CharField(max_length=100, default="")
    resp_unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    resp_person = CharField(max_length=100, default="")
    deadline = DateField(null=True)
    done_date = DateField(null=True)
    result = TextField(default="")


class ProgressNote(_Record):
    problem = ForeignKeyField(Problem, on_delete="RESTRICT")
    measure = ForeignKeyField(Measure, null=True, on_delete="RESTRICT")
    date = DateField()
    text = TextField()
    author = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class EvidenceFile(_Record):
    problem = ForeignKeyField(Problem, on_delete="RESTRICT")
    note = ForeignKeyField(ProgressNote, null=True, on_delete="RESTRICT")
    filename = CharField(max_length=255)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()
    added_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class Transition(_Record):
    problem = ForeignKeyField(Problem, on_delete="RESTRICT")
    action = CharField(max_length=20)
    from_state = CharField(max_length=20)
    to_state = CharField(max_length=20)
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    user_name = CharField(max_length=100)
    at = DateTimeField(index=True)
    opinion = TextField(default="")
    signature = CharField(max_length=64, default="")


class Referral(_Record):
    problem = ForeignKeyField(Problem, on_delete="RESTRICT")
    date = DateField()
    receiver = CharField(max_length=200)
    summary = TextField(default="")
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class Institution(_Record):
    campaign = ForeignKeyField(Campaign, on_delete="RESTRICT")
    title = CharField(max_length=300)
    doc_number = CharField(max_length=100, default="")
    adopted_date = DateField(null=True)
    description = TextField(default="")


class InstitutionProblem(_Record):
    institution = ForeignKeyField(Institution, on_delete="RESTRICT")
    problem = ForeignKeyField(Problem, on_delete="RESTRICT")


class HolidayOverride(_Record):
    day = DateField(unique=True)
    is_workday = BooleanField()
    name = CharField(max_length=100, default="")
    source = CharField(max_length=20, default="manual")


class AuditEvent(_Base):
    at = DateTimeField()
    user_uuid = CharField(max_length=36, default="")
    user_name = CharField(max_length=100, default="")
    action = CharField(max_length=30)
    entity = CharField(max_length=40)
    entity_uuid = CharField(max_length=36, index=True)
    before = TextField(null=True)
    after = TextField(null=True)
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)


MODELS = [
    Meta, Unit, Person, User, Campaign, Phase, Milestone, CatalogNode, Problem, Measure,
    ProgressNote, EvidenceFile, Transition, Referral, Institution, InstitutionProblem,
    HolidayOverride, AuditEvent,
]


def apply(db: Database) -> None:
    with db.bind_ctx(MODELS):
        db.create_tables(MODELS)

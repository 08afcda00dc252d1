"""The domain model (DESIGN §2), bound to a deferred database through a proxy.

Every record that can travel between offices carries a stable UUID, created/updated times, a
version counter, the UUID of the unit where it was made, and a tombstone (``deleted_at``)
instead of being deleted: consolidating many offices' ledgers depends on all of these.
Local integer ids are used for joins; UUIDs are what crosses machines.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid as uuid_module
from collections.abc import Iterable, Sequence
from typing import Any

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from desktop.core import clock
from desktop.core.i18n import N_

database = DatabaseProxy()


def new_uuid() -> str:
    return str(uuid_module.uuid4())


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Record(BaseModel):
    uuid = CharField(max_length=36, unique=True, default=new_uuid)
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    version = IntegerField(default=1)
    origin_unit = CharField(max_length=36, null=True)
    deleted_at = DateTimeField(null=True)

    @classmethod
    def live(cls):
        """Records that are not tombstoned."""
        return cls.select().where(cls.deleted_at.is_null())


class Role(str, enum.Enum):
    CLERK = "clerk"
    REVIEWER = "reviewer"
    LEADER = "leader"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.CLERK: N_("Clerk"),
    Role.REVIEWER: N_("Reviewer"),
    Role.LEADER: N_("Leader"),
    Role.ADMIN: N_("Administrator"),
}


class State(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECTIFYING = "rectifying"
    CLOSING = "closing_requested"
    CLOSED = "closed"


STATE_LABELS = {
    State.DRAFT: N_("Draft"),
    State.SUBMITTED: N_("Submitted"),
    State.RECTIFYING: N_("In rectification"),
    State.CLOSING: N_("Closing requested"),
    State.CLOSED: N_("Closed"),
}


class Kind(str, enum.Enum):
    IMMEDIATE = "immediate"  # 立行立改
    DEADLINE = "deadline"  # 限期整改
    ONGOING = "ongoing"  # 长期坚持


KIND_LABELS = {
    Kind.IMMEDIATE: N_("Fix at once"),
    Kind.DEADLINE: N_("Fix by a date"),
    Kind.ONGOING: N_("Ongoing"),
}


class Scope(str, enum.Enum):
    ORG = "org"  # 组织问题
    PERSONAL = "personal"  # 个人问题


SCOPE_LABELS = {Scope.ORG: N_("Organisation"), Scope.PERSONAL: N_("Personal")}

# 查摆方式: the usual ways a problem is found (seeds 000–004). Stored as these terms, which
# are the domain's own vocabulary (like the problem texts themselves), not interface strings.
SOURCES = (
    "自查",
    "座谈会",
    "征求意见",
    "个别谈话",
    "走访了解",
    "意见箱",
    "举报",
    "巡视巡察反馈",
    "督查检查",
    "上级交办",
)


class Cycle(str, enum.Enum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class Meta(BaseModel):
    """Key/value facts about the database itself (schema version, audit head)."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


def get_meta(key: str) -> str | None:
    """One fact of the database (schema version, search index state, settings kept here)."""
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else None


def set_meta(key: str, value: str) -> None:
    """Write one fact, replacing its value. An upsert on the key, not SQLite's "INSERT OR
    REPLACE", so the statement also runs on PostgreSQL."""
    Meta.insert(key=key, value=value).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: value}).execute()


class Unit(Record):
    name = CharField(max_length=200)
    short_name = CharField(max_length=100, default="")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    code = CharField(max_length=50, default="")
    sort_order = IntegerField(default=0)


class Person(Record):
    name = CharField(max_length=100, index=True)
    unit = ForeignKeyField(Unit, null=True, backref="people", on_delete="RESTRICT")
    title = CharField(max_length=100, default="")  # 职务
    phone = CharField(max_length=50, default="")


class User(Record):
    class Meta:
        table_name = "account"  # "user" is reserved in PostgreSQL

    username = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=100)
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    password_hash = CharField(max_length=255, default="")
    roles = CharField(max_length=100, default="clerk")  # comma-separated Role values
    active = BooleanField(default=True)
    must_change_password = BooleanField(default=False)  # set by an admin's reset (v008)

    def role_set(self) -> set[Role]:
        return {Role(r) for r in self.roles.split(",") if r}

    def has_role(self, role: Role) -> bool:
        return role in self.role_set()


class SignInGuard(BaseModel):
    """Failed sign-ins of one account and when the next attempt is allowed (migration v008).
    Kept apart from the account so a wrong password changes neither its version nor its
    audited state; only accounts that exist get a row."""

    account = ForeignKeyField(User, unique=True, on_delete="CASCADE")
    failures = IntegerField(default=0)
    last_failure = DateTimeField(null=True)
    wait_until = DateTimeField(null=True)


class Campaign(Record):
    name = CharField(max_length=300)
    doc_number = CharField(max_length=100, default="")  # 文号
    issuer = CharField(max_length=200, default="")
    unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    start_date = DateField(null=True)
    end_date = DateField(null=True)
    description = TextField(default="")
    cycle = CharField(max_length=10, default=Cycle.MONTH.value)  # reporting cycle
    report_day = IntegerField(default=20)  # monthly ledger due by this day
    default_workdays = IntegerField(default=7)  # 限时办结: 7 working days …
    max_workdays = IntegerField(default=15)  # … at most 15
    yellow_workdays = IntegerField(default=3)  # yellow light window


class Phase(Record):
    campaign = ForeignKeyField(Campaign, backref="phases", on_delete="RESTRICT")
    name = CharField(max_length=100)
    start_date = DateField(null=True)
    end_date = DateField(null=True)
    sort_order = IntegerField(default=0)


class Milestone(Record):
    campaign = ForeignKeyField(Campaign, backref="milestones", on_delete="RESTRICT")
    phase = ForeignKeyField(Phase, null=True, on_delete="RESTRICT")
    name = CharField(max_length=200)
    due_date = DateField()
    done_date = DateField(null=True)


class CatalogNode(Record):
    campaign = ForeignKeyField(Campaign, backref="catalog", on_delete="RESTRICT")
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    label = CharField(max_length=20, default="")  # 一、 （一） 1. （1）
    title = TextField()
    sort_order = IntegerField(default=0)


class Problem(Record):
    campaign = ForeignKeyField(Campaign, backref="problems", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, backref="problems", on_delete="RESTRICT")
    code = CharField(max_length=50, default="")  # 编号
    scope = CharField(max_length=10, default=Scope.ORG.value)
    person = ForeignKeyField(Person, null=True, on_delete="RESTRICT")  # for personal problems
    catalog = ForeignKeyField(CatalogNode, null=True, on_delete="RESTRICT")
    description = TextField()  # 问题表现
    source = CharField(max_length=50, default="")  # 查摆方式
    found_date = DateField(null=True)
    root_cause = TextField(default="")  # 原因剖析
    kind = CharField(max_length=10, default=Kind.DEADLINE.value)
    target = TextField(default="")  # 整改目标
    deadline = DateField(null=True)  # explicit 整改时限 of the problem
    # the effective deadline: the explicit one, else the latest measure's (kept by the services
    # so that lights can be filtered in SQL)
    due_date = DateField(null=True, index=True)
    state = CharField(max_length=20, default=State.DRAFT.value, index=True)
    closed_at = DateTimeField(null=True)
    note = TextField(default="")  # 备注


class Measure(Record):
    problem = ForeignKeyField(Problem, backref="measures", on_delete="RESTRICT")
    sort_order = IntegerField(default=0)
    text = TextField()
    resp_leader = CharField(max_length=100, default="")
    resp_unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    resp_person = CharField(max_length=100, default="")
    deadline = DateField(null=True)
    done_date = DateField(null=True)
    result = TextField(default="")  # 完成情况


class ProgressNote(Record):
    problem = ForeignKeyField(Problem, backref="progress", on_delete="RESTRICT")
    measure = ForeignKeyField(Measure, null=True, on_delete="RESTRICT")
    date = DateField()
    text = TextField()
    author = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class EvidenceFile(Record):
    problem = ForeignKeyField(Problem, backref="evidence", on_delete="RESTRICT")
    note = ForeignKeyField(ProgressNote, null=True, backref="evidence", on_delete="RESTRICT")
    filename = CharField(max_length=255)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()
    added_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class Transition(Record):
    """One recorded step of the workflow: who, when, from, to, with what opinion."""

    problem = ForeignKeyField(Problem, backref="transitions", on_delete="RESTRICT")
    action = CharField(max_length=20)
    from_state = CharField(max_length=20)
    to_state = CharField(max_length=20)
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    user_name = CharField(max_length=100)
    at = DateTimeField(default=clock.now, index=True)
    opinion = TextField(default="")
    signature = CharField(max_length=64, default="")  # SHA-256 of the signed content


class Referral(Record):
    """问题线索移交: a case handed to the discipline inspection body; recorded, not tracked."""

    problem = ForeignKeyField(Problem, backref="referrals", on_delete="RESTRICT")
    date = DateField()
    receiver = CharField(max_length=200)
    summary = TextField(default="")
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class Institution(Record):
    """建章立制: a rule adopted because of the rectification."""

    campaign = ForeignKeyField(Campaign, backref="institutions", on_delete="RESTRICT")
    title = CharField(max_length=300)
    doc_number = CharField(max_length=100, default="")
    adopted_date = DateField(null=True)
    description = TextField(default="")


class InstitutionProblem(Record):
    institution = ForeignKeyField(Institution, backref="links", on_delete="RESTRICT")
    problem = ForeignKeyField(Problem, backref="institution_links", on_delete="RESTRICT")


class HolidayOverride(Record):
    """A day the admin says is a holiday or a working day; wins over the built-in calendar."""

    day = DateField(unique=True)
    is_workday = BooleanField()
    name = CharField(max_length=100, default="")
    source = CharField(max_length=20, default="manual")  # manual | notice


class AuditEvent(BaseModel):
    """One change, hash-chained to the one before it (tamper-evident log)."""

    at = DateTimeField(default=clock.now)
    user_uuid = CharField(max_length=36, default="")
    user_name = CharField(max_length=100, default="")
    action = CharField(max_length=30)
    entity = CharField(max_length=40)
    entity_uuid = CharField(max_length=36, index=True)
    before = TextField(null=True)
    after = TextField(null=True)
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)


class StoredImage(Record):
    """A signature or seal image (migration v005): who or what it belongs to, and the stored
    file by its SHA-256. Replacing one tombstones the old row, so past prints stay explained.
    ``created_at`` is when it was added."""

    owner_kind = CharField(max_length=10)  # "user" | "unit"
    owner_uuid = CharField(max_length=36, index=True)
    kind = CharField(max_length=10)  # "signature" | "seal"
    sha256 = CharField(max_length=64)
    filename = CharField(max_length=255)
    format = CharField(max_length=10)  # "png" | "jpeg"
    width = IntegerField(default=0)
    height = IntegerField(default=0)
    has_alpha = BooleanField(default=False)
    added_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")


class Urge(Record):
    """One problem named on a saved or printed 催办通知单 (migration v006): which notice (its
    verification code), which responsible unit was urged, by whom and when. Counting these
    rows is how a repeated urging becomes visible (第N次催办)."""

    problem = ForeignKeyField(Problem, backref="urges", on_delete="RESTRICT")
    unit = ForeignKeyField(Unit, on_delete="RESTRICT")
    code = CharField(max_length=32, index=True)
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    user_name = CharField(max_length=100, default="")
    at = DateTimeField(default=clock.now)
    as_of = DateField()


class ImportBatch(BaseModel):
    """One imported ledger file (migration v007): which file (name and SHA-256), from which
    unit, for which campaign, by whom, and what it brought. A hand-made ledger is logged as
    kind "handmade" and stays unverified until someone checks it against the paper."""

    uuid = CharField(max_length=36, unique=True, default=new_uuid)
    file_name = CharField(max_length=255)
    checksum = CharField(max_length=64, index=True)
    kind = CharField(max_length=10)  # "ledger" | "handmade"
    verified = BooleanField(default=True)
    exporting_unit = ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    campaign = ForeignKeyField(Campaign, null=True, on_delete="RESTRICT")
    at = DateTimeField(default=clock.now)
    user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
    user_name = CharField(max_length=100, default="")
    counts = TextField(default="{}")  # JSON: category → count


class ImportBaseline(BaseModel):
    """The last import of one record: the version the file carried and the local version it
    left. "Changed since the last import" compares against these, on either side. The record
    UUID is the one in the file; ``local_uuid`` differs only for a unit or campaign matched by
    name."""

    record_uuid = CharField(max_length=36, unique=True)
    entity = CharField(max_length=40)
    local_uuid = CharField(max_length=36, index=True)
    incoming_version = IntegerField()
    local_version = IntegerField()
    batch = ForeignKeyField(ImportBatch, backref="baselines", on_delete="RESTRICT")


RECORD_MODELS: tuple[type[Record], ...] = (
    Unit,
    Person,
    User,
    Campaign,
    Phase,
    Milestone,
    CatalogNode,
    Problem,
    Measure,
    ProgressNote,
    EvidenceFile,
    Transition,
    Referral,
    Institution,
    InstitutionProblem,
    HolidayOverride,
    StoredImage,
    Urge,
)
ALL_MODELS: tuple[type[BaseModel], ...] = (
    Meta, *RECORD_MODELS, AuditEvent, ImportBatch, ImportBaseline, SignInGuard,
)
ENTITY_MODELS: dict[str, type[Record]] = {m._meta.table_name: m for m in RECORD_MODELS}


def stored_value(value: Any) -> Any:
    """A value as the database stores it: dates and times in ISO form (peewee's own format,
    so reading back through the models gives the same values)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def insert_rows(
    model: type[BaseModel],
    names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    converted: bool = False,
) -> None:
    """Bulk insert with one prepared statement and ``executemany``.

    peewee's multi-row ``insert_many`` spends most of its time generating SQL; at 100,000
    problems (a million audit events) that dominated. Values are stored the way peewee stores
    them (ISO dates and times), so reading back through the models is unchanged;
    ``converted`` says the caller already has them in that form.
    """
    db = database.obj
    left, right = db.quote  # the engine's identifier quotes, e.g. '""'

    def quoted(name: str) -> str:
        return f"{left}{name}{right}"

    columns = ", ".join(quoted(model._meta.fields[n].column_name) for n in names)
    marks = ", ".join([db.param] * len(names))
    sql = f"INSERT INTO {quoted(model._meta.table_name)} ({columns}) VALUES ({marks})"
    if not converted:
        rows = [tuple(stored_value(v) for v in row) for row in rows]
    db.cursor().executemany(sql, rows)
    if "id" in names:
        from desktop.core import dialect  # it reads this module's proxy

        dialect.ids_written(model)

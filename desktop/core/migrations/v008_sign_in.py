"""Schema version 8: ``account.must_change_password`` and ``sign_in_guard`` (frozen copy; do
not edit).

The flag is part of the account (an administrator's reset sets it, and the audit log records
it with the rest of the account). The guard row counts one account's failed sign-ins and
when the next attempt is allowed; it lives beside the account rather than in it, so a wrong
password neither bumps the account's version (an administrator editing it would be told it
changed) nor makes the account differ from its audited state. Depends on v001's ``account``.
"""

from __future__ import annotations

from peewee import Database, DateTimeField, ForeignKeyField, IntegerField, Model, PostgresqlDatabase

DEPENDS = 7  # the schema version this step expects to find


class _Account(Model):
    class Meta:
        table_name = "account"


class SignInGuard(Model):
    class Meta:
        table_name = "sign_in_guard"

    account = ForeignKeyField(_Account, unique=True, on_delete="CASCADE")
    failures = IntegerField(default=0)
    last_failure = DateTimeField(null=True)
    wait_until = DateTimeField(null=True)


def apply(db: Database) -> None:
    # A plain ADD COLUMN with its default: peewee's migrator makes a NOT NULL column on SQLite
    # by rebuilding the table, and dropping the old ``account`` fails every foreign key that
    # points at it (transitions, progress notes, evidence of an office that has accounts).
    kind = "BOOLEAN NOT NULL DEFAULT FALSE" if isinstance(db, PostgresqlDatabase) else (
        "INTEGER NOT NULL DEFAULT 0")
    db.execute_sql(f"ALTER TABLE account ADD COLUMN must_change_password {kind}")
    with db.bind_ctx([_Account, SignInGuard]):
        db.create_tables([SignInGuard])

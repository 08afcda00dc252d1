"""Schema version 2: ``problem.due_date``, the effective deadline (the problem's own, else its
latest measure's), kept in a column with an index so that lights filter in SQL at 100,000
problems instead of being computed row by row in Python."""

from __future__ import annotations

from peewee import Database, DateField
from playhouse.migrate import SchemaMigrator, migrate


def apply(db: Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("problem", "due_date", DateField(null=True)),
        migrator.add_index("problem", ("due_date",), False),
    )
    db.execute_sql(
        "UPDATE problem SET due_date = COALESCE(deadline, ("
        " SELECT MAX(m.deadline) FROM measure m"
        " WHERE m.problem_id = problem.id AND m.deleted_at IS NULL))"
    )

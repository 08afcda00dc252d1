"""The few places where SQLite and PostgreSQL want different SQL, kept in one module.

Most queries are peewee expressions that compile on both engines; what remains is a function
name that differs (``instr`` / ``strpos``) and the form raw SQL hands values back in: SQLite
gives dates and times as the ISO text peewee stored, PostgreSQL as ``date``/``datetime``
objects. Code that reads raw rows and relies on the stored text form runs them through
:func:`stored_row`, so both engines give the same payloads, checksums and snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from peewee import Expression, SqliteDatabase, fn

from desktop.core.models import BaseModel, database, stored_value


def on_sqlite() -> bool:
    """True for a SQLite file (the default), False for a PostgreSQL server."""
    return isinstance(database.obj, SqliteDatabase)


def position(haystack: Any, needle: Any) -> Expression:
    """1-based position of ``needle`` in ``haystack``, 0 when absent."""
    return (fn.instr if on_sqlite() else fn.strpos)(haystack, needle)


# the key of the advisory lock that makes a server's writers take turns ("RECT")
WRITER_LOCK_KEY = 0x52454354


def lock_for_writing() -> None:
    """Make writing transactions take turns, as SQLite's one writer does: the services read
    a record, check it, then write it and append to the audit chain, and two clients doing
    that at once on a server would both pass their checks on the same state (two sign-offs)
    or both claim the next audit event. On PostgreSQL a transaction-scoped advisory lock
    (taken again by the same transaction costs nothing, released at commit or rollback) makes
    the second writer wait for the first and then read what the first wrote, so a stale
    copy fails its version check. Taken before any row is written, so no two writers hold
    locks in opposite orders. Nothing on SQLite, whose file lock already does this."""
    if not on_sqlite() and database.in_transaction():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK_KEY,))


def ids_written(model: type[BaseModel]) -> None:
    """Rows were inserted with ids chosen by the caller (bulk loads, consolidation): a
    server's id sequence does not see those, so move it past them before the next plain
    insert would be handed one of them again. SQLite takes MAX(id) + 1 by itself."""
    if on_sqlite():
        return
    table = model._meta.table_name
    column = model._meta.primary_key.column_name
    database.execute_sql(
        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
        f' (SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}"), false)'
    )


def _as_is(row: Sequence[Any]) -> Sequence[Any]:
    return row


def row_reader():
    """A function giving a raw row in the stored form: the identity on SQLite, where rows
    already are, so exports of 75,000 rows pay nothing for the server's sake."""
    if on_sqlite():
        return _as_is

    def stored(row: Sequence[Any]) -> tuple:
        return tuple(stored_value(value) for value in row)

    return stored

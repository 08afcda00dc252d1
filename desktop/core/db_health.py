"""Is a SQLite file healthy, and a look into another file through the models.

The start-up check and the restore's check of an archived copy both open the file with a
plain ``sqlite3`` connection, never through the models' proxy: a damaged file must not become
the database the program works on, and the check must not upgrade or otherwise write to it
(opening does replay a WAL left by a crash, which is what any later opening would do anyway).
PostgreSQL is not checked here; the server keeps its own pages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from peewee import SqliteDatabase

from desktop.core.models import database

MAX_REPORTED = 10  # quick_check can list thousands of damaged cells; the first few say enough


def _pragma_check(path: Path, pragma: str) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []  # a new database: nothing to check yet
    try:
        with closing(sqlite3.connect(str(path), timeout=10)) as conn:
            rows = conn.execute(f"PRAGMA {pragma}({MAX_REPORTED})").fetchall()
    except sqlite3.DatabaseError as error:  # "file is not a database", "malformed", …
        return [str(error)]
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def quick_check(path: Path | str) -> list[str]:
    """What ``PRAGMA quick_check`` finds wrong with the file (empty when it is fine).

    Quick rather than full: it reads every page but skips matching indexes to their tables,
    so it costs about a second per few hundred MB, affordable at every start."""
    return _pragma_check(Path(path), "quick_check")


def integrity_check(path: Path | str) -> list[str]:
    """The full ``PRAGMA integrity_check`` (indexes too), for a backup copy before it is
    written or restored."""
    return _pragma_check(Path(path), "integrity_check")


def live_pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    """The durability settings a connection really runs with (read back by the tests)."""
    return {name: conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys")}


def open_file() -> Path | None:
    """The SQLite file the models are bound to; None for a server or an in-memory database."""
    bound = database.obj
    name = getattr(bound, "database", None)
    if isinstance(bound, SqliteDatabase) and name and name != ":memory:":
        return Path(name)
    return None


@contextmanager
def models_bound_to(path: Path | str) -> Iterator[SqliteDatabase]:
    """Let the models (and so ``audit.verify`` and the migrations) read another SQLite file
    for the duration of the block, then return them to the database they were bound to.

    The proxy is global, so the caller must make sure nothing else queries through it
    meanwhile: the CLI runs one command; the window runs a restore only after it closed.
    The other file gets no WAL pragmas: it is a scratch copy, opened only here."""
    previous = database.obj
    other = SqliteDatabase(str(path), pragmas={"foreign_keys": 1}, timeout=5)
    database.initialize(other)
    try:
        other.connect()
        yield other
    finally:
        other.close()
        database.initialize(previous)

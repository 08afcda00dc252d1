"""Opening the database: SQLite by default (a file), PostgreSQL by URL for shared servers.

Models are bound through the ``database`` proxy in ``models``; this module picks the engine,
sets the pragmas that make SQLite durable on office PCs, and brings the schema up to date.
"""

from __future__ import annotations

from pathlib import Path

from peewee import Database, SqliteDatabase

from desktop.core import migrations
from desktop.core.models import database

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: a power cut never loses a committed transaction
    "busy_timeout": 5000,
    "cache_size": -32000,  # 32 MB
}


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


def connect(target: str | Path) -> Database:
    """Open (creating if needed) the database at ``target`` and bind the models to it."""
    if is_url(target):
        from playhouse.db_url import connect as connect_url

        db = connect_url(str(target))
    else:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=5)
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


def open_database(target: str | Path, upgrade: bool = True) -> Database:
    db = connect(target)
    if upgrade:
        migrations.upgrade(db)
    return db


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()

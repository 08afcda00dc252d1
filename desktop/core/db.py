"""Opening the database: SQLite by default (a file), PostgreSQL by URL for shared servers.

Models are bound through the ``database`` proxy in ``models``; this module picks the engine,
sets the pragmas that make SQLite durable on office PCs, and brings the schema up to date.
What is about files (pragmas, the lock, file backups, evidence beside the file) applies to
SQLite only; a server is reached by ``postgresql://user[:password]@host[:port]/dbname`` and
keeps its own durability, locking and backups (docs/postgresql.md).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase

from desktop.core import migrations, paths
from desktop.core.errors import DomainError
from desktop.core.i18n import N_
from desktop.core.models import database

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL: a power cut never loses a committed transaction
    "busy_timeout": 5000,
    "cache_size": -32000,  # 32 MB
}


SERVER_SCHEMES = ("postgres", "postgresql")
# a server that does not answer should say so, not freeze the window
CONNECT_TIMEOUT_SECONDS = 10
# where a server database's evidence files go when every client shares one folder
EVIDENCE_DIR_ENV = "RECTIFY_EVIDENCE_DIR"


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and "://" in target


def url_connect_params(url: str) -> dict:
    """The driver's keyword arguments for a ``postgresql://`` URL (query parameters such as
    ``?host=/run/postgresql&sslmode=require`` pass through to libpq)."""
    from playhouse.db_url import parseresult_to_dict

    parts = urlsplit(url)
    if parts.scheme not in SERVER_SCHEMES:
        raise DomainError(
            N_("Unsupported database address {url}: give a file path or a postgresql:// URL."),
            url=redact(url),
        )
    params = parseresult_to_dict(parts, unquote_password=True, unquote_user=True)
    if not params.get("database"):
        raise DomainError(N_("The database address {url} names no database."), url=redact(url))
    params.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    return params


def redact(target: str | Path) -> str:
    """``target`` fit to show on screen or in a log: a URL's password is replaced by ***."""
    text = str(target)
    if not is_url(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def is_server(db: Database | None = None) -> bool:
    """True when ``db`` (default: the open database) is a server rather than a SQLite file:
    file-only steps (pragmas, lock file, file backups, quick_check) are skipped for it."""
    db = db if db is not None else database.obj
    return db is not None and not isinstance(db, SqliteDatabase)


def evidence_root(db: Database | None = None) -> Path | None:
    """Where a server database keeps its evidence files; None for SQLite (they go beside
    the file). Clients of one server should share a folder (``RECTIFY_EVIDENCE_DIR`` on a
    network drive); without one, each PC keeps the files it added under its data directory,
    in a folder named after the server and database so two servers never mix."""
    db = db if db is not None else database.obj
    if not is_server(db):
        return None
    shared = os.environ.get(EVIDENCE_DIR_ENV, "").strip()
    if shared:
        return Path(shared)
    params = getattr(db, "connect_params", {})
    host = str(params.get("host") or "localhost")
    name = f"{host}_{params.get('port') or 5432}_{db.database}"
    return paths.evidence_dir_for(None) / re.sub(r"[^0-9A-Za-z._-]+", "-", name).strip("-")


def connect(target: str | Path) -> Database:
    """Open (creating if needed) the database at ``target`` and bind the models to it."""
    if is_url(target):
        params = url_connect_params(str(target))
        db = PostgresqlDatabase(params.pop("database"), **params)
    else:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=5)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except OperationalError as error:
        if not is_server(db):
            raise
        raise DomainError(
            N_("Cannot reach the database server {url}: {reason}"),
            url=redact(target), reason=str(error).strip(),
        ) from error
    return db


def open_database(target: str | Path, upgrade: bool = True) -> Database:
    db = connect(target)
    if upgrade:
        migrations.upgrade(db)
    return db


def close() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()

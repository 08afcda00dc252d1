"""Test databases on a real PostgreSQL server, chosen by the environment variable
``RECTIFY_TEST_DB`` (a ``postgresql://`` URL whose path names a database the tests may connect
to for housekeeping, e.g. ``postgresql://postgres@/postgres?host=/var/run/postgresql&port=5432``).

Unset, the suite runs on SQLite files as it always has. Set, every test gets databases of its
own that are copies of one template migrated once per session: ``CREATE DATABASE ... TEMPLATE``
costs about 60 ms where running the migrations costs several times that, and a copy starts with
fresh sequences, so ids and codes come out as they do on a new SQLite file. A test names its
databases by the file paths it would use on SQLite (``target(tmp_path / "test.db")``), so
tests that switch between several offices' databases work the same on both engines.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

URL = os.environ.get("RECTIFY_TEST_DB", "").strip()
ENABLED = URL.startswith(("postgres://", "postgresql://"))



def sqlite_only(reason: str):
    """Mark a test that is about SQLite itself (its files, pragmas, FTS5 index) and so has
    nothing to check on a server."""
    return pytest.mark.skipif(ENABLED, reason=f"SQLite only: {reason}")


_prefix = f"rt{os.getpid()}"
_template = f"{_prefix}_template"
_made: dict[Path, str] = {}  # this test's database paths → their names on the server
_counter = 0
_template_ready = False


def url_for(name: str) -> str:
    """The server URL with ``name`` as its database."""
    parts = urlsplit(URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _admin(sql: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE refuse to run inside)."""
    import psycopg2

    from desktop.core import db

    connection = psycopg2.connect(**db.url_connect_params(URL))
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _ensure_template() -> None:
    global _template_ready
    if _template_ready:
        return
    from desktop.core import db

    _admin(f"DROP DATABASE IF EXISTS {_template} WITH (FORCE)")
    _admin(f"CREATE DATABASE {_template} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"
           " LC_CTYPE 'C'")
    db.open_database(url_for(_template))
    db.close()
    _template_ready = True


def target(path: Path, blank: bool = False) -> Path | str:
    """What ``--db`` and ``open_database`` take for the database a test keeps at ``path``: the
    path itself on SQLite; on PostgreSQL the URL of a database made for it on first use, a
    copy of the migrated template, or with ``blank`` an empty one (for migration tests)."""
    if not ENABLED:
        return path
    path = Path(path)
    if path not in _made:
        global _counter
        _counter += 1
        name = f"{_prefix}_{_counter}"
        if blank:
            _admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"
                   " LC_CTYPE 'C'")
        else:
            _ensure_template()
            _admin(f"CREATE DATABASE {name} TEMPLATE {_template} STRATEGY FILE_COPY")
        _made[path] = name
    return url_for(_made[path])


def drop_databases(under: Path | None = None) -> None:
    """Drop the databases kept under the folder ``under`` (a finished test's ``tmp_path``;
    None: all, at the end of the session). Those of module-scoped fixtures live in folders of
    their own and so last until the session ends. FORCE: a leaked connection must not keep
    one alive."""
    from desktop.core import db

    doomed = [path for path in _made if under is None or path.is_relative_to(under)]
    if not doomed:
        return
    db.close()
    for path in doomed:
        _admin(f"DROP DATABASE IF EXISTS {_made.pop(path)} WITH (FORCE)")


def drop_template() -> None:
    drop_databases()
    if _template_ready:
        _admin(f"DROP DATABASE IF EXISTS {_template} WITH (FORCE)")

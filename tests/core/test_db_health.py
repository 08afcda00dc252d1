"""The start-up check finds a damaged database file; the durability pragmas are really on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.core import db, db_health
from desktop.core.models import Problem, database
from tests.core.test_audit import new_problem
from tests.pg_server import sqlite_only

pytestmark = sqlite_only("the health of a database file")

PAGE = 4096


def test_a_live_connection_runs_in_wal_with_synchronous_full(office):
    pragmas = db_health.live_pragmas(database.connection())
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    # and a second, plain connection sees the file in WAL mode (it is stored in the file)
    path = Path(database.obj.database)
    with sqlite3.connect(str(path)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def filled_file(office, count: int = 40) -> Path:
    for number in range(count):
        new_problem(office, f"问题{number}" + "长文本" * 200)
    path = Path(database.obj.database)
    db.close()  # everything folded into the main file
    assert path.stat().st_size > 20 * PAGE
    return path


def test_a_healthy_file_passes_and_a_new_one_is_not_checked(office, tmp_path):
    path = filled_file(office, 3)
    assert db_health.quick_check(path) == []
    assert db_health.integrity_check(path) == []
    assert db_health.quick_check(tmp_path / "not-yet.db") == []
    (tmp_path / "empty.db").touch()
    assert db_health.quick_check(tmp_path / "empty.db") == []


def test_garbage_pages_in_the_middle_are_found(office):
    path = filled_file(office)
    data = bytearray(path.read_bytes())
    middle = len(data) // PAGE // 2 * PAGE
    data[middle: middle + 3 * PAGE] = bytes((i * 37) % 251 for i in range(3 * PAGE))
    path.write_bytes(bytes(data))
    problems = db_health.quick_check(path)
    assert problems and problems != ["ok"]


def test_a_truncated_file_is_found(office):
    path = filled_file(office)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert db_health.quick_check(path)


def test_a_file_that_is_not_a_database_is_found(tmp_path):
    path = tmp_path / "rectify.db"
    path.write_bytes(b"PK\x03\x04 this is a zip someone renamed" * 200)
    assert db_health.quick_check(path) == ["file is not a database"]


def test_models_bound_to_another_file_return_to_their_own(office, tmp_path):
    new_problem(office)
    own = database.obj
    other = tmp_path / "other.db"
    sqlite3.connect(str(other)).close()
    with db_health.models_bound_to(other) as bound:
        assert database.obj is bound
        assert bound.get_tables() == []
    assert database.obj is own
    assert Problem.select().count() == 1

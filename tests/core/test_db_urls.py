"""Server addresses: what ``--db`` accepts, what the window shows of it, and where a server
database's evidence files go (no server needed: nothing here connects)."""

from __future__ import annotations

import pytest
from peewee import PostgresqlDatabase, SqliteDatabase

from desktop.core import db, paths
from desktop.core.errors import DomainError


def test_a_url_gives_the_drivers_arguments_with_a_timeout():
    params = db.url_connect_params(
        "postgresql://clerk:p%40ss@10.0.0.5:5433/rectify?sslmode=require")
    assert params == {"database": "rectify", "user": "clerk", "password": "p@ss",
                      "host": "10.0.0.5", "port": 5433, "sslmode": "require",
                      "connect_timeout": db.CONNECT_TIMEOUT_SECONDS}
    socket = db.url_connect_params("postgresql:///rectify?host=/run/postgresql")
    assert socket["host"] == "/run/postgresql" and socket["database"] == "rectify"


@pytest.mark.parametrize("url, says", [
    ("mysql://root@host/rectify", "Unsupported database address"),
    ("sqlite:///tmp/x.db", "Unsupported database address"),
    ("postgresql://clerk@server/", "names no database"),
])
def test_other_addresses_are_refused_clearly(url, says):
    with pytest.raises(DomainError) as caught:
        db.url_connect_params(url)
    assert says in caught.value.message("en")


def test_a_password_is_never_shown():
    assert db.redact("postgresql://clerk:secret@server/rectify") == (
        "postgresql://clerk:***@server/rectify")
    assert db.redact("postgresql://clerk@server/rectify") == "postgresql://clerk@server/rectify"
    assert db.redact("/data/rectify.db") == "/data/rectify.db"
    with pytest.raises(DomainError) as caught:
        db.url_connect_params("mysql://root:secret@host/rectify")
    assert "secret" not in caught.value.message("en")


def test_server_evidence_goes_to_a_folder_per_server_or_to_the_shared_one(tmp_path, monkeypatch):
    monkeypatch.delenv(db.EVIDENCE_DIR_ENV, raising=False)
    paths.set_data_dir(tmp_path)
    try:
        server = PostgresqlDatabase("rectify", host="10.0.0.5", port=5433)
        other = PostgresqlDatabase("rectify", host="10.0.0.6")
        assert db.evidence_root(server) == tmp_path / "evidence" / "10.0.0.5_5433_rectify"
        assert db.evidence_root(other) == tmp_path / "evidence" / "10.0.0.6_5432_rectify"
        assert db.evidence_root(SqliteDatabase(str(tmp_path / "a.db"))) is None  # beside it
        monkeypatch.setenv(db.EVIDENCE_DIR_ENV, str(tmp_path / "share"))
        assert db.evidence_root(server) == tmp_path / "share"
        assert db.is_server(server) and not db.is_server(SqliteDatabase(":memory:"))
    finally:
        paths.set_data_dir(None)

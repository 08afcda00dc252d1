"""``rectify --db postgresql://...`` end to end, as subprocesses: the same commands and window
on a server database (runs only with RECTIFY_TEST_DB set; the file side is tests/test_cli.py)."""

from __future__ import annotations

import json

import pytest

from tests import pg_server
from tests.conftest import db_target
from tests.test_cli import rectify

pytestmark = pytest.mark.skipif(not pg_server.ENABLED, reason="needs RECTIFY_TEST_DB (PostgreSQL)")


def test_demo_info_audit_and_window_on_a_server(tmp_path):
    url = str(db_target(tmp_path / "server"))
    done = rectify("demo", "--db", url, "--problems", "300", "--units", "5", "--seed", "3")
    assert done.returncode == 0, done.stderr
    info = json.loads(rectify("info", "--db", url, "--json").stdout)
    assert info["schema_version"] == info["schema_version_supported"]
    assert sum(info["states"].values()) == 300
    assert all(count > 0 for count in info["states"].values()), info["states"]
    checked = rectify("verify-audit", "--db", url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "audit log intact" in checked.stdout
    out = tmp_path / "problems.png"
    shot = rectify("--db", url, "--screenshot", str(out), "--page", "problems")
    assert shot.returncode == 0, shot.stderr
    assert out.stat().st_size > 10_000


def test_an_unreachable_server_is_a_clear_error_not_a_traceback(tmp_path):
    url = pg_server.url_for("no_such_database_here")
    done = rectify("--lang", "en", "info", "--db", url)
    assert done.returncode != 0
    assert "Cannot reach the database server" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr

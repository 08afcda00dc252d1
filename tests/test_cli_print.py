"""End to end: ``rectify print`` and ``rectify verify-code`` run as subprocesses."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.test_cli import rectify

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("print") / "demo.db"
    done = rectify("demo", "--db", str(path), "--problems", "150", "--seed", "5")
    assert done.returncode == 0, done.stderr
    return path


def codes_in(text: str) -> list[str]:
    return CODE.findall(text)


@pytest.mark.parametrize("sheet", ["problems", "plan", "signoff", "urge", "report"])
def test_print_each_sheet_then_verify_its_code(demo_db, tmp_path, sheet):
    out = tmp_path / f"{sheet}.pdf"
    done = rectify("print", "--db", str(demo_db), "--sheet", sheet, "--campaign", "1",
                   "--out", str(out))
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]
    codes = codes_in(done.stdout)
    assert codes
    reader = PdfReader(io.BytesIO(data))
    first_page = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert codes[0] in first_page  # the code printed is the one stored
    checked = rectify("verify-code", codes[0], "--db", str(demo_db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "matches the records" in checked.stdout
    assert len(checked.stdout.strip().splitlines()) == 2  # Chinese, then English
    assert [p for p in tmp_path.iterdir()] == [out]  # no temporary file left behind


def test_campaign_unit_and_problem_can_be_named_several_ways(demo_db, tmp_path):
    info = json.loads(rectify("info", "--db", str(demo_db), "--json").stdout)
    campaign = info["campaigns"][0]
    with sqlite3.connect(demo_db) as con:
        code, unit = con.execute(
            "SELECT p.code, u.name FROM problem p JOIN unit u ON u.id = p.unit_id"
            " WHERE p.state = 'closed' ORDER BY p.id LIMIT 1").fetchone()
    for name in (campaign["uuid"], campaign["name"]):
        out = tmp_path / "form.pdf"
        done = rectify("print", "--db", str(demo_db), "--sheet", "signoff", "--campaign", name,
                       "--problem", code, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert len(codes_in(done.stdout)) == 1
        assert len(PdfReader(out).pages) == 1  # one page per closing form
    out = tmp_path / "list.pdf"
    done = rectify("print", "--db", str(demo_db), "--sheet", "problems", "--campaign", "1",
                   "--unit", unit, "--date", "2026-11-30", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(out).pages))
    assert unit in text and "2026" in text


def test_a_code_fails_after_the_records_change_through_the_services(demo_db, tmp_path):
    copy = tmp_path / "copy.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    out = tmp_path / "plan.pdf"
    done = rectify("print", "--db", str(copy), "--sheet", "plan", "--campaign", "1",
                   "--out", str(out))
    [code] = codes_in(done.stdout)
    assert rectify("verify-code", code, "--db", str(copy)).returncode == 0

    # an edit as the app makes it: a unit renamed by the administrator's service
    from desktop.core import db, org
    from desktop.core.models import Unit
    from desktop.core.session import Session

    db.open_database(copy)
    try:
        unit = Unit.live().order_by(Unit.id.desc()).get()
        org.update_unit(Session.system(), unit.id, name=unit.name + "（更名）")
    finally:
        db.close()
    checked = rectify("verify-code", code, "--db", str(copy))
    assert checked.returncode == 1
    assert "no longer matches" in checked.stdout
    # the records that changed are named: the renamed unit's problems and measures
    changed = [line for line in checked.stdout.splitlines()
               if line.startswith("Changed since the sheet was issued")]
    assert changed and any("Rectification measure" in line for line in changed)


def test_an_unknown_code_exits_1(demo_db):
    checked = rectify("verify-code", "K7Q2-M9XD-3F", "--db", str(demo_db))
    assert checked.returncode == 1
    assert "K7Q2-M9XD-3F" in checked.stdout and "Unknown verification code" in checked.stdout


def test_bad_requests_fail_in_both_languages_and_write_nothing(demo_db, tmp_path):
    out = tmp_path / "nothing.pdf"
    done = rectify("print", "--db", str(demo_db), "--sheet", "plan", "--campaign", "没有这个",
                   "--out", str(out))
    assert done.returncode == 2
    assert "错误" in done.stderr and "Error:" in done.stderr and "没有这个" in done.stderr
    missing_dir = tmp_path / "no" / "such" / "folder" / "plan.pdf"
    done = rectify("print", "--db", str(demo_db), "--sheet", "plan", "--campaign", "1",
                   "--out", str(missing_dir))
    assert done.returncode == 2
    assert list(tmp_path.iterdir()) == []
    with sqlite3.connect(demo_db) as con:
        before = con.execute("SELECT count(*) FROM sheet_code").fetchone()[0]
    rectify("print", "--db", str(demo_db), "--sheet", "plan", "--campaign", "1",
            "--out", str(missing_dir))
    with sqlite3.connect(demo_db) as con:
        assert con.execute("SELECT count(*) FROM sheet_code").fetchone()[0] == before

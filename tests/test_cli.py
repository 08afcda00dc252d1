"""End to end: the ``rectify`` command run as a subprocess, as a clerk or CI would."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def rectify(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    done = rectify("demo", "--db", str(path), "--problems", "2000", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert "2000" in done.stdout
    return path


def test_demo_has_problems_in_every_state_and_lights(demo_db):
    done = rectify("info", "--db", str(demo_db), "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["schema_version"] == info["schema_version_supported"]
    assert sum(info["states"].values()) == 2000
    assert all(count > 0 for count in info["states"].values()), info["states"]
    [campaign] = info["campaigns"]
    assert set(campaign) >= {"uuid", "name", "problems"} and campaign["problems"] == 2000
    assert campaign["lights"]["red"] > 0 and campaign["lights"]["yellow"] > 0
    assert info["counts"]["measure"] > 2000 and info["counts"]["transition"] > 2000


def test_demo_is_deterministic(tmp_path, demo_db):
    other = tmp_path / "again.db"
    assert rectify("demo", "--db", str(other), "--problems", "2000", "--seed", "7").returncode == 0
    query = "SELECT uuid, state, description, due_date FROM problem ORDER BY id"
    first = sqlite3.connect(demo_db).execute(query).fetchall()
    second = sqlite3.connect(other).execute(query).fetchall()
    assert first == second


def test_verify_audit_passes_then_fails_after_raw_edits(tmp_path, demo_db):
    copy = tmp_path / "copy.db"
    source = sqlite3.connect(demo_db)
    target = sqlite3.connect(copy)
    source.backup(target)
    target.close()
    ok = rectify("verify-audit", "--db", str(copy))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "intact" in ok.stdout

    with sqlite3.connect(copy) as con:
        uuid = con.execute("SELECT uuid FROM problem WHERE id = 17").fetchone()[0]
        con.execute("UPDATE problem SET description = '已篡改' WHERE id = 17")
    bad = rectify("verify-audit", "--db", str(copy))
    assert bad.returncode == 1
    assert f"problem {uuid}" in bad.stdout

    with sqlite3.connect(copy) as con:
        con.execute("UPDATE audit_event SET action = 'update' WHERE id = 42")
    bad = rectify("verify-audit", "--db", str(copy))
    assert bad.returncode == 1
    assert "broken at event 42" in bad.stdout


@pytest.mark.skipif(not SEEDS.exists(), reason="seed plans not present")
def test_outline_json_on_a_seed_plan():
    seed = next(SEEDS.glob("000_*.txt"))
    done = rectify("outline", str(seed), "--json")
    assert done.returncode == 0, done.stderr
    tree = json.loads(done.stdout)
    assert all({"label", "title", "children"} <= set(node) for node in tree)
    attachments = [n for n in tree if n["label"].startswith("附件")]
    assert attachments, "the attachment is a root"
    areas = attachments[0]["children"]
    assert len(areas) == 9
    assert sum(len(a["children"]) for a in areas) == 40


def test_errors_are_printed_in_chinese_and_english(tmp_path):
    path = tmp_path / "new.db"
    rectify("info", "--db", str(path))
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    done = rectify("info", "--db", str(path))
    assert done.returncode == 2
    assert "错误" in done.stderr and "Error:" in done.stderr and "newer version" in done.stderr


@pytest.mark.parametrize("page", ["problems", "form", "settings/catalog"])
def test_screenshot_mode_saves_the_page_at_1366_by_768(demo_db, tmp_path, page):
    from PySide6.QtGui import QImage

    out = tmp_path / f"{page.replace('/', '-')}.png"
    done = rectify("--db", str(demo_db), "--screenshot", str(out), "--page", page)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    if page == "form":
        assert image.width() >= 900 and image.height() >= 600
    else:
        assert (image.width(), image.height()) == (1366, 768)
    # not a blank image: many distinct colours (text, lights, lines)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 20


def test_screenshot_of_an_empty_database_shows_the_welcome(tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "welcome.png"
    done = rectify("--db", str(tmp_path / "empty.db"), "--screenshot", str(out))
    assert done.returncode == 0, done.stderr
    assert not QImage(str(out)).isNull()

"""``rectify backup``, ``restore`` and ``verify-backup`` through the command's own main(), and
the instance lock taken by writing commands."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from desktop import cli
from desktop.core import db
from tests.core.test_instance_lock import HOLDER, ROOT


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "office" / "rectify.db"
    assert cli.main(["demo", "--db", str(path), "--problems", "40", "--units", "4"]) == 0
    yield path
    db.close()


def problem_count(path: Path) -> int:
    db.close()
    with closing(sqlite3.connect(str(path))) as conn:
        return conn.execute("SELECT COUNT(*) FROM problem").fetchone()[0]


def test_backup_then_restore_end_to_end(demo_file, tmp_path, capsys):
    stick = tmp_path / "U盘"
    stick.mkdir()
    assert cli.main(["backup", "--db", str(demo_file), "--out", str(stick)]) == 0
    [archive] = stick.glob("*.zip")
    assert archive.name == "rectify-备份-20261102-093000.zip"
    out = capsys.readouterr().out
    assert "backup written and verified" in out and "problems=40" in out

    db.close()  # each command is a process of its own in real use
    assert cli.main(["demo", "--db", str(demo_file), "--problems", "10", "--units", "2",
                     "--seed", "9"]) == 0
    assert problem_count(demo_file) == 50
    assert cli.main(["restore", "--db", str(demo_file), str(archive)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "恢复前备份" in out
    assert problem_count(demo_file) == 40
    assert cli.main(["verify-audit", "--db", str(demo_file)]) == 0
    assert cli.main(["verify-backup", str(archive)]) == 0
    # a path ending with / is a folder, made when it does not exist yet
    assert cli.main(["backup", "--db", str(demo_file), "--out", f"{tmp_path}/new/"]) == 0
    assert [p.name for p in (tmp_path / "new").iterdir()] == [archive.name]


def test_a_damaged_archive_exits_3_and_changes_nothing(demo_file, tmp_path, capsys):
    archive = tmp_path / "b.zip"
    assert cli.main(["backup", "--db", str(demo_file), "--out", str(archive)]) == 0
    archive.write_bytes(archive.read_bytes()[:-200])
    db.close()
    before = demo_file.read_bytes()
    assert cli.main(["restore", "--db", str(demo_file), str(archive)]) == 3
    err = capsys.readouterr().err
    assert "错误" in err and "b.zip" in err and "current database is unchanged" in err
    assert demo_file.read_bytes() == before
    assert cli.main(["verify-backup", str(archive)]) == 3


def test_writing_commands_are_refused_while_another_program_holds_the_database(
        demo_file, capsys):
    db.close()
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(demo_file)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "held"
        assert cli.main(["demo", "--db", str(demo_file), "--problems", "5"]) == 2
        err = capsys.readouterr().err
        assert f"process {process.pid}" in err and str(process.pid) in err.splitlines()[0]
        assert cli.main(["restore", "--db", str(demo_file), "x.zip"]) == 2
        # reading, and making a backup, need no lock
        assert cli.main(["info", "--db", str(demo_file)]) == 0
        assert cli.main(["backup", "--db", str(demo_file), "--out",
                         str(demo_file.parent / "b.zip")]) == 0
    finally:
        process.kill()
        process.wait(10)
        process.stdout.close()
    assert problem_count(demo_file) == 40

"""``rectify selftest`` from source: every step passes and says so; a failing step is named,
stops the run and makes the exit status non-zero. (The frozen build runs the same code in
packaging/ci-build.sh.)"""

from __future__ import annotations

import pytest

from desktop import cli, selftest
from desktop.core import db, paths
from desktop.core.models import database


@pytest.mark.slow
def test_selftest_runs_every_step_and_prints_ok(qapp, capsys, tmp_path):
    code = cli.main(["selftest", "--keep", str(tmp_path / "run")])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "selftest ok"
    for number, (name, _label) in enumerate(selftest.STEPS, start=1):
        assert any(line.startswith(f"[{number}/{len(selftest.STEPS)}] {name} ")
                   and " ok (" in line for line in lines), name
    # --keep leaves what was made, for a look: the five sheets and the ledger
    kept = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert {"ledger.xlsx", "selftest.db", "imported.db"} <= set(kept)
    assert [k for k in kept if k.endswith(".pdf")] == [
        f"sheet-{kind}.pdf" for kind in sorted(selftest.SHEETS)]


def test_a_failing_step_is_named_and_exits_non_zero(monkeypatch, tmp_path):
    def broken(run):
        raise OSError("disk full")

    monkeypatch.setattr(selftest, "step_demo", broken)
    paths.set_data_dir(tmp_path / "mine")
    lines: list[str] = []
    try:
        code = selftest.run(lines.append)
        assert code == 1
        assert "selftest FAILED at step demo" in lines[-1]
        assert any("OSError: disk full" in line for line in lines)
        assert not any(line.startswith("[4/") for line in lines)  # stopped there
        assert "selftest ok" not in lines
        # the caller's data folder is back and the temporary database closed
        assert paths.data_dir() == tmp_path / "mine"
        assert database.obj is None or database.is_closed()
    finally:
        paths.set_data_dir(None)
        db.close()


def test_a_failed_check_inside_a_step_is_reported_with_its_reason(monkeypatch):
    monkeypatch.setattr(selftest, "step_database",
                        lambda run: selftest._check(False, "the database file is read-only"))
    lines: list[str] = []
    assert selftest.run(lines.append) == 1
    assert any("the database file is read-only" in line for line in lines)
    assert lines[-1].startswith("selftest FAILED at step database")

"""Crash safety: a worker process (tests/crash_worker.py) is killed with SIGKILL at a random
moment while it imports a ledger workbook of a few hundred problems, imports an office's own
hand-made ledger, or runs workflow transitions in batches. After every kill the database must
pass SQLite's integrity check, the audit chain and every record must verify, each import must
be whole or absent (with its import-log row exactly when its records are there), and each
transition batch must be whole, with the problems' states agreeing with their transitions.

A few trials by default; RECTIFY_FULL_TRIALS=1 (CI) runs the full count. RECTIFY_CRASH_SEED
replays a run: the seed is printed with the figures and named in any failure.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from desktop.core import audit, db, paths
from desktop.core.import_log import HANDMADE, LEDGER
from desktop.core.models import (
    AuditEvent,
    Campaign,
    ImportBatch,
    Problem,
    Transition,
    database,
)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

WORKER = Path(__file__).resolve().parent / "crash_worker.py"
ROOT = WORKER.parents[1]
FULL = os.environ.get("RECTIFY_FULL_TRIALS") == "1"
TRIALS = 54 if FULL else 8
# What each trial does before it runs transitions until killed, and how long after its
# "ready" it may be killed (seconds: the first phase takes about one, the next about two).
MODES = {
    "ledger,handmade": 2.4,
    "handmade,ledger": 2.4,
    "": 1.0,  # transitions only
}
BATCH = 5
START_TRANSITIONS = 2  # submit and approve, in the base


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("RECTIFY_TEST_DB", None)  # the kill test is about SQLite files
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture(scope="session")
def crash_base(tmp_path_factory) -> tuple[Path, dict]:
    """The exported ledger, the hand-made workbook and the base database, built once."""
    folder = tmp_path_factory.mktemp("crash")
    done = subprocess.run([sys.executable, str(WORKER), "prepare", str(folder)], cwd=ROOT,
                          env=_worker_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert expected["ledger"] >= 200 and expected["handmade"] >= 100, expected
    return folder, expected


def _kill_at_random(folder: Path, trial: int, mode: str, rnd: random.Random) -> list[str]:
    target = folder / f"trial{trial}" / "base.db"
    target.parent.mkdir()
    shutil.copyfile(folder / "base.db", target)
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), "run", str(target), mode, str(rnd.randrange(1 << 30))],
        cwd=ROOT, env=_worker_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = worker.stdout.readline()
        assert line.strip() == b"ready", worker.stderr.read().decode(errors="replace")
        time.sleep(rnd.uniform(0, MODES[mode]))
        still_running = worker.poll() is None
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    err = worker.stderr.read().decode(errors="replace")
    worker.stdout.close()
    worker.stderr.close()
    assert still_running, f"the worker ended before it was killed:\n{err}"
    assert worker.returncode == -signal.SIGKILL
    log = target.with_suffix(".log")
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def _problems_of(campaign) -> int:
    return (Problem.select().join(Campaign)
            .where((Campaign.uuid == campaign) | (Campaign.name == campaign)).count())


def _check_import(kind: str, count: int, expected: int, finished: bool) -> None:
    batches = ImportBatch.select().where(ImportBatch.kind == kind).count()
    assert count in (0, expected), f"{kind} import half done: {count} of {expected} problems"
    assert batches == (1 if count else 0), f"{kind}: {batches} import-log rows, {count} problems"
    if finished:
        assert count == expected, f"{kind} import reported done but is not in the database"


def _check_transitions(steps: list[str]) -> None:
    first = Campaign.select().order_by(Campaign.id).first()
    problems = list(Problem.select().where(Problem.campaign == first))
    counts = {}
    for problem in problems:
        rows = list(Transition.select().where(Transition.problem == problem)
                    .order_by(Transition.id))
        assert problem.state == rows[-1].to_state, f"problem {problem.id}: state disagrees"
        moves = sum(1 for r in rows if r.from_state != r.to_state)
        events = (AuditEvent.select()
                  .where((AuditEvent.entity_uuid == problem.uuid)
                         & AuditEvent.action.startswith("transition:")).count())
        assert events == moves, f"problem {problem.id}: {moves} state changes, {events} events"
        counts[problem.id] = len(rows)
    ended = sum(1 for s in steps if s.startswith("end transition"))
    extra = sum(counts.values()) - START_TRANSITIONS * len(problems) - BATCH * ended
    open_batch = steps and steps[-1].startswith("begin transition")
    assert extra in ((0, BATCH) if open_batch else (0,)), f"{extra} transitions unaccounted"
    if open_batch:  # the batch in flight: all of its problems moved, or none
        ids = [int(i) for i in steps[-1].split()[-1].split(",")]
        assert len({counts[i] for i in ids}) == 1, "a batch was applied in part"


def _check(target: Path, expected: dict, steps: list[str]) -> None:
    paths.set_data_dir(target.parent)
    db.open_database(target)
    try:
        assert database.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        report = audit.verify()
        assert report.ok, (report.broken_event, report.broken_reason, report.tampered[:3])
        _check_import(LEDGER, _problems_of(expected["ledger_campaign"]), expected["ledger"],
                      "end ledger" in steps)
        _check_import(HANDMADE, _problems_of("手工台账导入专项"), expected["handmade"],
                      "end handmade" in steps)
        _check_transitions([s for s in steps if "transition" in s])
    finally:
        db.close()
        paths.set_data_dir(None)


def _landed(steps: list[str]) -> str:
    """Where the kill landed, from the worker's last line."""
    if not steps:
        return "before any work"
    last = steps[-1]
    if last.startswith("txn "):
        return f"inside the {last[4:]} import's transaction"
    if last.startswith("begin transition"):
        return "inside a transition batch"
    if last.startswith("begin "):
        return f"reading the {last[6:]} file (dry run)"
    return "between transactions"


def test_sigkill_at_random_moments_leaves_a_whole_database(crash_base, capsys):
    folder, expected = crash_base
    seed = int(os.environ.get("RECTIFY_CRASH_SEED", time.time_ns() % 1_000_000))
    rnd = random.Random(seed)
    landed: Counter[str] = Counter()
    started = time.perf_counter()
    modes = list(MODES)
    for trial in range(TRIALS):
        mode = modes[trial % len(modes)]
        lines = _kill_at_random(folder, trial, mode, rnd)
        steps = [line.split(" ", 1)[1] for line in lines]
        where = _landed(steps)
        try:
            _check(folder / f"trial{trial}" / "base.db", expected, steps)
        except AssertionError as error:
            raise AssertionError(f"trial {trial} (seed {seed}, mode {mode!r}, killed {where}, "
                                 f"last step {steps[-1:]}): {error}") from error
        landed[where] += 1
        shutil.rmtree(folder / f"trial{trial}")
    inside = sum(n for where, n in landed.items() if where.startswith("inside"))
    with capsys.disabled():
        print(f"\ncrash kill: {TRIALS} kills in {time.perf_counter() - started:.0f} s "
              f"(seed {seed}), {inside} inside a transaction: " +
              ", ".join(f"{n} {where}" for where, n in sorted(landed.items())))
    assert sum(landed.values()) == TRIALS

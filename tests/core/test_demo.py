"""The demo campaign: every state, lights around today, a verifiable audit trail, and the same
data whether its chunks were built in worker processes or in this one."""

from __future__ import annotations

import datetime as dt

from desktop.core import audit, db, demo, paths
from desktop.core.deadlines import Light
from desktop.core.models import Problem, Transition
from desktop.core.summary import database_info
from tests.conftest import TODAY


def build(tmp_path, name: str, problems: int) -> list[tuple]:
    paths.set_data_dir(tmp_path)
    db.open_database(tmp_path / name)
    try:
        demo.build_demo(problems, units=8, seed=3, today=TODAY)
        rows = list(Problem.select(Problem.id, Problem.uuid, Problem.state, Problem.due_date,
                                   Problem.description).order_by(Problem.id).tuples())
        report = audit.verify()
        assert report.ok, (report.broken_event, report.tampered[:3])
        return rows
    finally:
        db.close()
        paths.set_data_dir(None)


def test_parallel_and_serial_builds_are_identical(tmp_path, monkeypatch):
    serial = build(tmp_path, "serial.db", 2500)
    monkeypatch.setattr(demo, "PARALLEL_FROM", 1)
    parallel = build(tmp_path, "parallel.db", 2500)
    assert len(serial) == 2500 and serial == parallel


def test_demo_has_every_state_overdue_and_due_soon_items(database):
    result = demo.build_demo(600, units=6, seed=5, today=TODAY)
    info = database_info()
    assert all(info["states"][s] > 0 for s in info["states"]), info["states"]
    lights = info["campaigns"][0]["lights"]
    assert lights[Light.RED.value] > 0 and lights[Light.YELLOW.value] > 0
    assert result.problems == 600
    # every closed problem was signed by the leader with a signature hash
    signed = Transition.select().where(Transition.action == "sign_close")
    assert signed.count() == info["states"]["closed"]
    assert all(len(t.signature) == 64 for t in signed)
    # nothing happens after today
    assert Transition.select().where(Transition.at > dt.datetime.combine(TODAY, dt.time.max)).count() == 0

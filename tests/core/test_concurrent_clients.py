"""Two clients of one database: the second save of a stale copy is refused with who changed the
record and when, and nothing is lost; two workflow steps on one problem at once, one wins.

The other client is a separate process (tests/core/second_client.py) with its own connection,
as a second office PC would be. A stale save is refused on SQLite too; the races, where both
clients are inside a transaction at the same moment, need a server (a SQLite file has one
program writing it at a time: the instance lock).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.core import audit, problems, workflow
from desktop.core.errors import ConcurrentEdit, DomainError
from desktop.core.models import Problem, Transition, database
from desktop.core.problems import MeasureInput, ProblemInput
from tests import pg_server
from tests.conftest import db_target

ROOT = Path(__file__).resolve().parents[2]
server_only = pytest.mark.skipif(not pg_server.ENABLED,
                                 reason="a race between two writers needs a server")


class Client:
    """The other client's process; lines go to its stdin, its answers come from stdout."""

    def __init__(self, target, user: str, hhmm: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.core.second_client", str(target), user, hhmm, *args],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8",
        )

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def read(self) -> str:
        line = self.process.stdout.readline().strip()
        if not line:
            self.process.wait(timeout=30)
            raise AssertionError(f"the client stopped: {self.process.stderr.read()}")
        return line

    def finish(self) -> str:
        out, err = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, err
        return out.strip().splitlines()[-1]


def in_thread(work):
    """Start ``work`` on a thread with its own connection; it must still be waiting a second
    later (for the other client's transaction). Returns a function that waits for it and
    gives the exception it raised, or None."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome.append(error)
        finally:
            database.close()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive() and not outcome, "did not wait for the other transaction"

    def result() -> BaseException | None:
        thread.join(timeout=30)
        [error] = outcome
        return error

    return result


def target(tmp_path):
    return db_target(tmp_path / "test.db")


def draft(office, text: str = "会议多") -> Problem:
    return problems.create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description=text))


def save_as_clerk(office, problem_id: int, text: str, version: int) -> None:
    problems.update_problem(office.session("clerk"), problem_id, ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description=text),
        expected_version=version)


def test_a_stale_copy_is_refused_naming_who_changed_it_and_when(office, tmp_path):
    problem = draft(office)
    mine = Problem.get_by_id(problem.id)  # this client's copy, read before the other saves
    other = Client(target(tmp_path), "solo", "10:15", "describe", str(problem.id), "别处改过")
    assert other.finish() == "ok"
    with pytest.raises(ConcurrentEdit) as caught:
        save_as_clerk(office, problem.id, "我的修改", mine.version)
    text = caught.value.message("en")
    assert "changed by solo-用户 at 2026-11-02 10:15:00" in text and "Reload" in text
    assert Problem.get_by_id(problem.id).description == "别处改过"  # the first save is kept
    assert audit.verify().ok


@server_only
def test_a_save_meeting_an_open_transaction_waits_then_is_refused(office, tmp_path):
    """The other client has written but not committed: this save waits for it instead of
    overwriting, then finds the record changed."""
    problem = draft(office)
    version = Problem.get_by_id(problem.id).version
    other = Client(target(tmp_path), "solo", "10:20", "describe", str(problem.id), "别处改过",
                   "--hold")
    assert other.read() == "holding"
    outcome = in_thread(lambda: save_as_clerk(office, problem.id, "我的修改", version))
    other.send("commit")
    assert other.finish() == "ok"
    error = outcome()
    assert isinstance(error, ConcurrentEdit)
    assert "changed by solo-用户 at 2026-11-02 10:20:00" in error.message("en")
    assert Problem.get_by_id(problem.id).description == "别处改过"
    assert audit.verify().ok


@server_only
def test_two_clients_saving_different_problems_at_once_both_succeed(office, tmp_path):
    """Each save appends to the one audit chain: the second waits for the first's event
    instead of claiming the same event id (which would fail with a database error)."""
    first, second = draft(office, "会议多"), draft(office, "文件多")
    version = Problem.get_by_id(second.id).version
    other = Client(target(tmp_path), "solo", "10:30", "describe", str(first.id), "别处改过",
                   "--hold")
    assert other.read() == "holding"
    outcome = in_thread(lambda: save_as_clerk(office, second.id, "我的修改", version))
    other.send("commit")
    assert other.finish() == "ok"
    assert outcome() is None
    assert Problem.get_by_id(first.id).description == "别处改过"
    assert Problem.get_by_id(second.id).description == "我的修改"
    assert audit.verify().ok


def submitted(office) -> Problem:
    problem = problems.create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="文件多",
        measures=[MeasureInput("精简文件", deadline=dt.date(2026, 11, 30))]))
    workflow.apply(office.session("clerk"), problem.id, "submit")
    return problem


@server_only
def test_two_clients_approving_at_once_one_wins(office, tmp_path):
    problem = submitted(office)
    clients = [Client(target(tmp_path), who, "11:00", "apply", str(problem.id), "approve",
                      "--wait") for who in ("reviewer", "solo")]
    for client in clients:
        assert client.read() == "ready"
    for client in clients:
        client.send("go")
    results = sorted(client.finish() for client in clients)
    assert results[1] == "ok"
    assert results[0].startswith("error ")  # refused: already approved, or changed meanwhile
    approvals = Transition.select().where((Transition.problem == problem.id)
                                          & (Transition.action == "approve"))
    assert approvals.count() == 1
    assert Problem.get_by_id(problem.id).state == "rectifying"
    assert audit.verify().ok  # one unbroken chain, no event id claimed twice


@server_only
def test_a_step_meeting_another_clients_open_step_is_refused(office, tmp_path):
    """Deterministic form of the race: the other client's approval is written but not yet
    committed when this client approves; this one waits, then sees the problem approved."""
    problem = submitted(office)
    other = Client(target(tmp_path), "solo", "11:05", "apply", str(problem.id), "approve",
                   "--hold")
    assert other.read() == "holding"
    outcome = in_thread(lambda: workflow.apply(office.session("reviewer"), problem.id,
                                               "approve"))
    other.send("commit")
    assert other.finish() == "ok"
    error = outcome()
    assert isinstance(error, DomainError)  # a clear refusal, not a database error
    steps = list(Transition.select().where(Transition.problem == problem.id)
                 .order_by(Transition.id))
    assert [(s.action, s.user_name) for s in steps] == [
        ("submit", "clerk-用户"), ("approve", "solo-用户")]
    assert audit.verify().ok

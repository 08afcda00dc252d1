"""Another client of the same database, in its own process, for the concurrency tests.

    python -m tests.core.second_client TARGET USER HH:MM COMMAND PROBLEM_ID ARG [--wait] [--hold]

TARGET is a database file or URL, USER the account acting, HH:MM its clock on the suite's
frozen day. COMMAND is ``describe`` (rewrite the draft's description as ARG) or ``apply`` (the
workflow action ARG). ``--wait``: say "ready" once connected and wait for a "go" line, so
two clients can be started together; ``--hold``: say "holding" after writing and wait for a
"commit" line before committing, so the other client meets an open transaction. The last
line printed is "ok" or "error <ErrorClass>: <English message>".
"""

from __future__ import annotations

import datetime as dt
import sys

from desktop.core import clock, db, i18n, problems, workflow
from desktop.core.errors import DomainError
from desktop.core.models import Problem, User, database
from desktop.core.session import Session

DAY = dt.date(2026, 11, 2)  # tests.conftest.TODAY; not imported, to keep this process small


def say(text: str) -> None:
    print(text, flush=True)


def expect(line: str) -> None:
    got = sys.stdin.readline().strip()
    if got != line:
        raise SystemExit(f"expected {line!r}, got {got!r}")


def act(session: Session, command: str, problem_id: int, arg: str) -> None:
    if command == "describe":
        problem = Problem.get_by_id(problem_id)
        data = problems.ProblemInput(campaign_id=problem.campaign_id, unit_id=problem.unit_id,
                                     description=arg)
        problems.update_problem(session, problem_id, data, expected_version=problem.version)
    elif command == "apply":
        workflow.apply(session, problem_id, arg)
    else:
        raise SystemExit(f"unknown command {command}")


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    target, username, hhmm, command, problem_id, arg = [a for a in argv if a not in flags]
    i18n.set_language("en")
    clock.freeze(dt.datetime.combine(DAY, dt.time.fromisoformat(hhmm)))
    db.open_database(target)
    session = Session(user=User.get(User.username == username))
    if "--wait" in flags:
        say("ready")
        expect("go")
    try:
        with database.atomic():
            act(session, command, int(problem_id), arg)
            if "--hold" in flags:
                say("holding")
                expect("commit")
    except DomainError as error:
        say(f"error {type(error).__name__}: {error.message('en')}")
        return 0
    finally:
        db.close()
    say("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``rectify selftest``: the whole app exercised once, in a throwaway folder, as an office would
after copying it from a USB stick.

It is the answer to "does this copy work on this PC?": a frozen build that lost a data file, a
hidden import, a Qt plugin or a system library fails here with the name of the step, instead
of in front of a user halfway through a closing form. Every step goes through the same
services the window uses. Nothing outside the temporary folder is read or written (the user's
database and settings are never opened).

Output is bilingual plain text like the other subcommands; the last line is ``selftest ok``
(exit 0) or ``selftest FAILED …`` (exit 1).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# (name, label) in the order they run; each name has a ``step_<name>`` function below, looked
# up when it runs (tests replace one to see a failure reported).
STEPS: tuple[tuple[str, str], ...] = (
    ("system", "系统组件 system libraries"),
    ("database", "建立数据库 create a database"),
    ("demo", "演示数据 demo data"),
    ("workflow", "整改到销号 a problem through to closing"),
    ("export", "导出台账 export the ledger"),
    ("sheets", "打印表格 render every PDF sheet"),
    ("import", "汇总导入 import into a second database"),
    ("audit", "审计日志 verify the audit chain"),
)
SHEETS = ("problems", "plan", "signoff", "urge", "report")
DEMO_PROBLEMS = 60


@dataclass
class Run:
    """What the steps hand each other."""

    folder: Path
    database: Path | None = None
    campaign_id: int | None = None
    problem_id: int | None = None
    problem_count: int = 0
    ledger: Path | None = None
    files: list[Path] = field(default_factory=list)


class SelfTestFailure(Exception):
    """A step's check did not hold (as opposed to an error raised by the code under test)."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def _session(username: str):
    from desktop.core.models import User
    from desktop.core.session import Session

    return Session(user=User.get(User.username == username))


# -- the steps ------------------------------------------------------------------------------


def step_system(run: Run) -> str:
    from desktop import syscheck

    report = syscheck.check(window=False)
    _check(report.ok, report.message())
    return report.summary()


def step_database(run: Run) -> str:
    from desktop.core import db, paths

    paths.set_data_dir(run.folder)
    run.database = run.folder / "selftest.db"
    db.open_database(run.database)
    return str(run.database)


def step_demo(run: Run) -> str:
    from desktop.core.demo import build_demo

    result = build_demo(DEMO_PROBLEMS, units=4, seed=8)
    run.campaign_id = result.campaign_id
    return f"{result.problems} problems, {result.units} units"


def step_workflow(run: Run) -> str:
    """One 限期整改 problem, by the demo's clerk, reviewer and leader, each in their own role."""
    from desktop.core import clock, workflow
    from desktop.core.demo import DEMO_PASSWORD
    from desktop.core.models import Campaign, Problem, State, Unit
    from desktop.core.problems import (
        MeasureInput,
        ProblemInput,
        add_progress,
        create_problem,
        live_measures,
        record_measure_done,
    )

    clerk, reviewer, leader = _session("luru"), _session("shenhe"), _session("lingdao")
    campaign = Campaign.get_by_id(run.campaign_id)
    unit = Unit.select().where(Unit.parent == campaign.unit_id).order_by(Unit.id).first()
    today = clock.today()
    problem = create_problem(clerk, ProblemInput(
        campaign_id=campaign.id, unit_id=unit.id,
        description="自检：季度工作例会层层传达上级精神，未结合本单位实际提出落实措施",
        found_date=today, deadline=today + dt.timedelta(days=20),
        measures=[MeasureInput(text="例会只部署本单位具体工作，传达内容改为印发学习",
                               resp_leader="局长", resp_person="办公室主任",
                               deadline=today + dt.timedelta(days=10))],
    ))
    workflow.apply(clerk, problem.id, "submit")
    workflow.apply(reviewer, problem.id, "approve", opinion="同意整改措施")
    [measure] = live_measures(problem.id)
    record_measure_done(clerk, measure.id, today, "已修订会议制度")
    add_progress(clerk, problem.id, "修订会议制度并印发执行", today, measure.id)
    workflow.apply(clerk, problem.id, "request_close")
    workflow.apply(reviewer, problem.id, "verify", opinion="经核验，整改到位")
    workflow.apply(leader, problem.id, "sign_close", opinion="同意销号", password=DEMO_PASSWORD)
    state = Problem.get_by_id(problem.id).state
    _check(state == State.CLOSED.value, f"the problem ended {state}, not closed")
    run.problem_id = problem.id
    steps = len(workflow.history(problem.id))
    return f"problem {problem.code or problem.id}: {steps} steps, closed"


def step_export(run: Run) -> str:
    from desktop.core.ledger_data import LedgerScope
    from desktop.exchange.ledger_exchange import export_ledger

    run.ledger = run.folder / "ledger.xlsx"
    result = export_ledger(_session("admin"), LedgerScope(run.campaign_id), run.ledger)
    _check(run.ledger.stat().st_size == result.size > 0, "the ledger file is missing or empty")
    return f"{run.ledger.name}: {result.size // 1024} KB, SHA-256 {result.checksum[:12]}…"


def step_sheets(run: Run) -> str:
    from desktop.exchange.sheets import print_sheets
    from desktop.ui.report_charts import report_chart_images

    admin = _session("admin")
    sizes = []
    for kind in SHEETS:
        out = run.folder / f"sheet-{kind}.pdf"
        problem = run.problem_id if kind == "signoff" else None
        codes = print_sheets(admin, kind, run.campaign_id, out, problem_id=problem,
                             chart_images=report_chart_images)
        data = out.read_bytes()
        _check(data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:],
               f"{out.name} is not a complete PDF")
        _check(bool(codes), f"{out.name} has no verification code")
        sizes.append(f"{kind} {len(data) // 1024} KB")
        run.files.append(out)
    return ", ".join(sizes)


def step_import(run: Run) -> str:
    """The higher office's side: an empty database takes the ledger in; the problem closed
    above arrives closed."""
    from desktop.core import db
    from desktop.core.models import Problem
    from desktop.core.session import Session
    from desktop.exchange.ledger_exchange import Status, import_files, inspect_files

    closed = Problem.get_by_id(run.problem_id)
    db.close()
    db.open_database(run.folder / "imported.db")
    reports = inspect_files([run.ledger])
    [report] = reports
    _check(report.status == Status.READY,
           f"the ledger is {report.status.value}, not ready: {report.errors('en')}")
    import_files(Session.system(), reports)
    _check(report.status == Status.IMPORTED,
           f"the ledger is {report.status.value} after the import")
    new = (report.totals or {}).get("new", 0)
    count = Problem.select().count()
    _check(count > 0, "no problem was imported")
    arrived = Problem.get_or_none(Problem.uuid == closed.uuid)
    _check(arrived is not None and arrived.state == closed.state,
           "the problem closed in the workflow step did not arrive closed")
    return f"{count} problems, {new} new records"


def step_audit(run: Run) -> str:
    from desktop.core import audit, db

    results = []
    for name in ("imported.db", "selftest.db"):
        db.close()
        db.open_database(run.folder / name)
        report = audit.verify()
        _check(report.ok, f"{name}: audit chain broken at event {report.broken_event} "
                          f"({report.broken_reason}); {len(report.tampered)} records changed")
        results.append(f"{name} {report.events} events")
    return ", ".join(results)


# -- running them ---------------------------------------------------------------------------


def _describe(error: BaseException) -> str:
    from desktop.core.errors import DomainError

    if isinstance(error, DomainError):
        return f"{error.message('zh_CN')} / {error.message('en')}"
    return f"{type(error).__name__}: {error}"


def run(out: Callable[[str], None] = print, keep: Path | None = None,
        verbose: bool = False) -> int:
    """Run every step; 0 when all passed. ``keep``: work in this folder and leave its files
    (for a look at the PDFs), instead of a temporary one."""
    from desktop.core import db, paths

    started = time.perf_counter()
    previous_dir = paths.data_dir_override()
    with tempfile.TemporaryDirectory(prefix="rectify-selftest-",
                                     ignore_cleanup_errors=True) as scratch:
        folder = Path(keep) if keep else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        state = Run(folder)
        out(f"自检 / selftest: {folder}")
        try:
            for number, (name, label) in enumerate(STEPS, start=1):
                step_started = time.perf_counter()
                try:
                    detail = globals()[f"step_{name}"](state)
                except Exception as error:  # noqa: BLE001 — any failure is the report
                    took = time.perf_counter() - step_started
                    out(f"[{number}/{len(STEPS)}] {name}  {label}  FAILED ({took:.2f} s)")
                    out(f"  {_describe(error)}")
                    if verbose:
                        out(traceback.format_exc())
                    out(f"selftest FAILED at step {name} / 自检未通过：{label}")
                    return 1
                took = time.perf_counter() - step_started
                out(f"[{number}/{len(STEPS)}] {name}  {label}  ok ({took:.2f} s)"
                    + (f"  {detail}" if detail else ""))
        finally:
            db.close()
            paths.set_data_dir(previous_dir)
    out(f"total {time.perf_counter() - started:.1f} s")
    out("selftest ok")
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m desktop.selftest", description=__doc__)
    parser.add_argument("--keep", type=Path, metavar="DIR")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    return run(keep=args.keep, verbose=args.verbose)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    raise SystemExit(main())

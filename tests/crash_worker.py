"""The process that tests/test_crash_kill.py kills with SIGKILL.

Two commands, both run with the test's own interpreter:

``prepare DIR``
    Builds what every trial starts from, once per test session: a ledger workbook exported
    from a demo database, a base database (an office, problems waiting in 整改中 for a run of
    transitions, an empty campaign for the hand-made ledger) and ``expected.json``, the counts
    each import adds, found by running both imports on a scratch copy of the base.

``run DB ORDER SEED``
    Works on a copy of the base: the two imports (ledger, hand-made) in ``ORDER`` and then
    workflow transitions until it is killed. It prints ``ready`` once its modules are loaded
    and the database is open (the test starts its random delay then) and writes each step to
    ``DB.log`` as ``begin …`` / ``end …``; a line written by ``os.write`` survives SIGKILL, so
    the test can tell whether the kill landed inside a transaction, and which one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from desktop.core import clock, db, paths, workflow  # noqa: E402
from desktop.core.models import Campaign, Problem, User  # noqa: E402
from desktop.core.session import Session  # noqa: E402

TODAY = dt.date(2026, 11, 2)
DEMO_PROBLEMS = 300
WORKFLOW_PROBLEMS = 30
BATCH = 5  # problems per batch action: each batch is one transaction
HANDMADE_PROBLEMS = 150
HANDMADE_CAMPAIGN = "手工台账导入专项"
# the cycle the transition problems go round, from 整改中 back to 整改中
CYCLE = ("request_close", "verify", "sign_close", "reopen")


def _open(path: Path) -> None:
    paths.set_data_dir(path.parent)
    db.open_database(path)


# -- prepare --------------------------------------------------------------------------------


def _export_demo_ledger(folder: Path) -> Path:
    from desktop.core.demo import build_demo
    from desktop.core.ledger_data import LedgerScope
    from desktop.exchange.ledger_exchange import export_ledger

    _open(folder / "demo.db")
    build_demo(problems=DEMO_PROBLEMS, units=12, seed=7, today=TODAY)
    campaign = Campaign.select().order_by(Campaign.id).first()
    out = folder / "demo_ledger.xlsx"
    export_ledger(Session.system(), LedgerScope(campaign.id), out)
    db.close()
    return out


def _write_handmade(path: Path) -> None:
    """An office's own list in the layout of tests/data/handmade_c, long enough that its
    import takes a while: numbered problems, two measures each in one cell."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "问题清单"
    sheet.append(["序号", "具体问题", "整改措施", "完成时限", "责任人"])
    for number in range(1, HANDMADE_PROBLEMS + 1):
        sheet.append([number, f"第{number}项：会议材料过多过长，层层加码",
                      f"1.严控会议材料篇幅（第{number}项）\n2.推行无纸化会议",
                      f"2026年12月{number % 28 + 1}日", "张某某"])
    workbook.save(path)


def _build_base(path: Path) -> None:
    from desktop.core import auth
    from desktop.core.org import create_campaign
    from tests.conftest import PASSWORD, build_office
    from tests.core.test_workflow import make_problem

    auth.SCRYPT_N = 2**10
    _open(path)
    office = build_office()
    create_campaign(Session.system(), HANDMADE_CAMPAIGN, dt.date(2026, 5, 1),
                    dt.date(2026, 12, 31), unit_id=office.unit.id)
    solo = office.session("solo")
    for _ in range(WORKFLOW_PROBLEMS):
        problem = make_problem(office, "deadline")
        for action in ("submit", "approve"):
            workflow.apply(solo, problem.id, action, opinion="同意", password=PASSWORD)
    db.close()


def _counts(ledger_campaign: str) -> dict[str, int]:
    from desktop.core.models import ImportBatch

    def problems_of(name_or_uuid: str) -> int:
        return (Problem.select().join(Campaign)
                .where((Campaign.uuid == name_or_uuid) | (Campaign.name == name_or_uuid))
                .count())

    return {"ledger": problems_of(ledger_campaign), "handmade": problems_of(HANDMADE_CAMPAIGN),
            "batches": ImportBatch.select().count()}


def prepare(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ledger = _export_demo_ledger(folder)
    _write_handmade(folder / "handmade.xlsx")
    base = folder / "base.db"
    _build_base(base)
    scratch = folder / "scratch" / "base.db"
    scratch.parent.mkdir(exist_ok=True)
    shutil.copyfile(base, scratch)
    _open(scratch)
    campaign_uuid = _ledger_campaign_uuid(ledger)
    _import_ledger(ledger)
    _import_handmade(folder / "handmade.xlsx")
    expected = _counts(campaign_uuid)
    db.close()
    expected["ledger_campaign"] = campaign_uuid
    (folder / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    print(json.dumps(expected))


def _ledger_campaign_uuid(ledger: Path) -> str:
    from desktop.exchange.ledger_exchange import inspect_files

    report = inspect_files([ledger])[0]
    return report.plan.campaign_uuid


# -- run ------------------------------------------------------------------------------------


class Log:
    """Progress lines written straight to the file: nothing is buffered in the process."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.started = time.monotonic()

    def __call__(self, line: str) -> None:
        os.write(self.fd, f"{time.monotonic() - self.started:.3f} {line}\n".encode())


def _solo() -> Session:
    return Session(user=User.get(User.username == "solo"))


def _import_ledger(ledger: Path, log=lambda line: None) -> None:
    from desktop.exchange.ledger_exchange import import_files, inspect_files

    reports = inspect_files([ledger])
    log("txn ledger")
    import_files(_solo(), reports)


def _import_handmade(path: Path, log=lambda line: None) -> None:
    from desktop.exchange.ledger_exchange import handmade_report, import_files

    campaign = Campaign.get(Campaign.name == HANDMADE_CAMPAIGN)
    report = handmade_report(path, campaign.id)
    log("txn handmade")
    import_files(_solo(), [report], accept_partial=True)


def workflow_problem_ids() -> list[int]:
    """The base's own problems (its first campaign), which the transitions go round."""
    first = Campaign.select().order_by(Campaign.id).first()
    return [p.id for p in Problem.select(Problem.id).where(Problem.campaign == first)
            .order_by(Problem.id)]


def _transitions(log: Log, seed: int) -> None:
    from tests.conftest import PASSWORD

    rnd = random.Random(seed)
    solo = _solo()
    ids = workflow_problem_ids()
    step = 0
    while True:  # until killed
        for action in CYCLE:
            order = ids[:]
            rnd.shuffle(order)
            for start in range(0, len(order), BATCH):
                batch = order[start:start + BATCH]
                step += 1
                log(f"begin transition {step} {action} {','.join(map(str, batch))}")
                workflow.apply_many(solo, batch, action, opinion="同意", password=PASSWORD)
                log(f"end transition {step}")


def run(database: Path, order: str, seed: int) -> None:
    folder = database.parent.parent
    log = Log(database.with_suffix(".log"))
    _open(database)
    print("ready", flush=True)
    for phase in filter(None, order.split(",")):
        log(f"begin {phase}")
        if phase == "ledger":
            _import_ledger(folder / "demo_ledger.xlsx", log)
        else:
            _import_handmade(folder / "handmade.xlsx", log)
        log(f"end {phase}")
    _transitions(log, seed)


def main(argv: list[str]) -> int:
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 30)))
    if argv[0] == "prepare":
        prepare(Path(argv[1]))
    elif argv[0] == "run":
        run(Path(argv[1]), argv[2], int(argv[3]))
    else:
        raise SystemExit(f"unknown command {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

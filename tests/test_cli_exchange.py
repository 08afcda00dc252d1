"""``rectify export`` and ``rectify import``: the issue's must-shows through the command line —
the round trip, re-importing, two offices merged into one consolidated ledger, tampered,
truncated and non-Excel files refused with the database untouched, and the hand-made
ledgers of tests/data with their unreadable rows listed by worksheet row number.

Several databases take part in one test; only one is open at a time (see ledger_offices).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from desktop.core import audit, catalog
from desktop.core.consolidate import unverified_ids
from desktop.core.models import (
    AuditEvent,
    Campaign,
    ImportBaseline,
    ImportBatch,
    Measure,
    Problem,
    State,
    Transition,
    Unit,
)
from desktop.core.org import create_person, create_unit
from desktop.core.problems import record_measure_done
from desktop.core.session import Session
from desktop.exchange.ledger_payload import SHEET, read_ledger
from desktop.exchange.ledger_xlsx import LEDGER_SHEET
from tests.conftest import db_target
from tests.core.ledger_offices import build_named_office, fill, new_database, switch_to

DATA = Path(__file__).resolve().parent / "data"


def run(capsys, *args: str) -> tuple[int, str, str]:
    # a database path names the test's server database when the suite runs on PostgreSQL
    args = tuple(db_target(a) if before == "--db" else a
                 for before, a in zip(("", *args), args, strict=False))
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args) -> tuple[int, list[dict]]:
    code, out, _err = run(capsys, "import", *args, "--json")
    return code, json.loads(out)["files"]


def snapshot() -> dict[str, int]:
    """What an import could change: records, the import log and the audit log."""
    return {m.__name__: m.select().count() for m in (
        Campaign, Unit, Problem, Measure, Transition, ImportBatch, ImportBaseline, AuditEvent)}


def records_of(path: Path) -> dict:
    return read_ledger(path).payload["records"]


@pytest.fixture
def sub_unit(database, tmp_path):
    """Office A (县民政局) with a filled campaign; A's database is open. Returns the office,
    the database's path and where its ledger goes on the "USB stick"."""
    (tmp_path / "a").mkdir()
    filled = fill(build_named_office("县民政局"), tmp_path / "a", "办公室")
    out = tmp_path / "usb" / "县民政局台账.xlsx"
    out.parent.mkdir()
    return filled, tmp_path / "test.db", out


def export(capsys, db: Path, campaign: str, out: Path, *more: str) -> int:
    code, text, err = run(capsys, "export", "--db", db, "--campaign", campaign, "--out", out,
                          *more)
    assert code == 0, err
    assert str(out) in text
    return code


def test_round_trip_through_the_command_line(sub_unit, capsys, tmp_path):
    filled, db_a, ledger = sub_unit
    campaign = filled.office.campaign.uuid
    export(capsys, db_a, campaign, ledger)
    sent = read_ledger(ledger)
    # the records are exactly the problems the sheet lists: no drafts
    assert {p["description"] for p in sent.payload["records"]["problem"]} == {
        "调研走过场", "台账不规范"}
    assert sent.meta["unit_name"] == "县民政局"
    events = AuditEvent.select().count()
    assert events == snapshot()["AuditEvent"]  # the export wrote nothing

    db_b = new_database(tmp_path, "b")
    code, files = run_json(capsys, "--db", db_b, ledger)
    assert code == 0
    [entry] = files
    total = sum(len(v) for v in sent.payload["records"].values())
    assert entry == {"file": str(ledger), "kind": "ledger", "new": total, "updated": 0,
                     "unchanged": 0, "conflicts": 0, "rejected": 0, "errors": [],
                     "status": "imported"}
    again = tmp_path / "usb" / "again.xlsx"
    export(capsys, db_b, campaign, again)
    assert records_of(again) == sent.payload["records"]
    batch = ImportBatch.get()
    assert (batch.file_name, batch.checksum) == ("县民政局台账.xlsx", sent.checksum)

    # the same file again: nothing at all is written, and the summary says so
    before = snapshot()
    code, text, _ = run(capsys, "import", "--db", db_b, ledger)
    assert code == 0
    assert "无变化 nothing new" in text and f"未变 unchanged={total}" in text
    assert snapshot() == before
    assert audit.verify().ok


def test_dry_run_writes_nothing(sub_unit, capsys, tmp_path):
    filled, db_a, ledger = sub_unit
    export(capsys, db_a, filled.office.campaign.name, ledger)
    db_b = new_database(tmp_path, "b")
    before = snapshot()
    code, text, _ = run(capsys, "import", "--db", db_b, ledger, "--dry-run")
    assert code == 0 and "可导入 ready" in text and "试运行" in text
    assert snapshot() == before


def test_two_offices_merge_into_one_consolidated_ledger(database, capsys, tmp_path):
    higher = build_named_office("县委")
    higher_db = tmp_path / "test.db"
    usb = tmp_path / "usb"
    usb.mkdir()
    for name, section in (("县民政局", "办公室"), ("县财政局", "综合股")):
        db = new_database(tmp_path, name)
        office = fill(build_named_office(name), tmp_path / name, section).office
        export(capsys, db, office.campaign.uuid, usb / f"{name}.xlsx")
    switch_to(higher_db)
    code, files = run_json(capsys, "--db", higher_db, *sorted(usb.iterdir()))
    assert code == 0
    assert [(Path(f["file"]).name, f["status"], f["rejected"]) for f in files] == [
        ("县民政局.xlsx", "imported", 0), ("县财政局.xlsx", "imported", 0)]
    assert Campaign.select().count() == 1  # both matched the higher office's by name

    out = usb / "汇总.xlsx"
    export(capsys, higher_db, higher.campaign.uuid, out, "--consolidated")
    problems = read_ledger(out).payload["records"]["problem"]
    assert len(problems) == 4
    sheet = load_workbook(out, read_only=True)[LEDGER_SHEET]
    first_cells = [row[0] for row in sheet.iter_rows(values_only=True) if row]
    headings = [c for c in first_cells if c in ("县民政局", "办公室", "县财政局", "综合股")]
    assert headings == ["县民政局", "办公室", "县财政局", "综合股"]  # one group per unit
    assert first_cells.count("小计") == 4 and "合计" in first_cells


def tamper(path: Path) -> None:
    book = load_workbook(path)
    for row in book[SHEET].iter_rows():
        if row[0].value == "payload":
            row[1].value = row[1].value.replace("调研走过场", "调研走了过场", 1)
            break
    book.save(path)


def test_a_tampered_workbook_is_refused_and_the_database_unchanged(sub_unit, capsys,
                                                                 tmp_path):
    filled, db_a, ledger = sub_unit
    export(capsys, db_a, filled.office.campaign.uuid, ledger)
    tamper(ledger)
    db_b = new_database(tmp_path, "b")
    before = snapshot()
    code, files = run_json(capsys, "--db", db_b, ledger)
    assert code == 1
    [entry] = files
    assert (entry["kind"], entry["status"], entry["new"]) == ("ledger", "rejected", 0)
    assert "校验" in entry["errors"][0]["reason"] or "checksum" in entry["errors"][0]["reason"]
    assert snapshot() == before


def test_a_tampered_workbook_may_come_in_as_an_unverified_handmade_ledger(
        sub_unit, capsys, tmp_path):
    filled, db_a, ledger = sub_unit
    export(capsys, db_a, filled.office.campaign.uuid, ledger)
    tamper(ledger)
    campaign = Campaign.get_by_id(filled.office.campaign.id)
    code, files = run_json(capsys, "--db", db_a, ledger, "--tampered-as-handmade",
                           "--campaign", campaign.uuid, "--accept-partial")
    assert code == 0
    [entry] = files
    assert (entry["kind"], entry["status"], entry["new"]) == ("handmade", "imported", 2)
    created = unverified_ids(campaign.id)
    assert len(created) == 2
    assert {Problem.get_by_id(i).state for i in created} == {State.DRAFT.value}


@pytest.mark.parametrize("damage", ["truncated", "text"])
def test_a_truncated_or_non_excel_file_gets_a_clear_error(sub_unit, capsys, tmp_path, damage):
    filled, db_a, ledger = sub_unit
    export(capsys, db_a, filled.office.campaign.uuid, ledger)
    if damage == "truncated":
        data = ledger.read_bytes()
        ledger.write_bytes(data[: len(data) // 2])
        expected = "incomplete"
    else:
        ledger.write_text("序号,问题表现\n1,会议多\n", encoding="utf-8")
        expected = "is not an Excel workbook"
    db_b = new_database(tmp_path, "b")
    before = snapshot()
    code, text, err = run(capsys, "--lang", "en", "import", "--db", db_b, ledger)
    assert code == 1
    assert "rejected" in text and expected in text and ledger.name in text
    assert "some files were not imported" in err
    assert snapshot() == before


# -- hand-made ledgers --------------------------------------------------------------------------


@pytest.fixture
def town(office):
    """The units, people and catalog the hand-made ledgers of tests/data name."""
    admin = Session.system()
    town = create_unit(admin, "城关镇", office.unit.id)
    create_unit(admin, "党政综合办公室", town.id, short_name="党政办")
    create_unit(admin, "社会事务办公室", town.id, short_name="社事办")
    create_unit(admin, "社会救助科", office.unit.id, short_name="社救科")
    create_unit(admin, "局办公室", office.unit.id, short_name="办公室")
    for name in ("王某某", "李某某", "张某某"):
        create_person(admin, name, office.unit.id)
    for number, area, items in (("一、", "文风会风方面", ["文山会海反弹回潮"]),
                                ("二、", "工作作风方面", ["调查研究走过场", "服务群众不到位"])):
        node = catalog.add_node(admin, office.campaign.id, None, number, area)
        for n, item in enumerate(items, start=1):
            catalog.add_node(admin, office.campaign.id, node.id, f"（{n}）", item)
    return office


# file → (problems created, unreadable rows listed, row numbers of the errors)
HANDMADE = {
    "handmade_a_county_ledger.xlsx": (4, 0, []),
    "handmade_b_two_row_header.xlsx": (2, 1, [8]),
    "handmade_c_simple_list.xlsx": (9, 0, []),
    "handmade_d_bad_rows.xlsx": (3, 4, [5, 6, 7, 9, 9]),
    "handmade_e_personal_wps.xlsx": (4, 2, [9, 10]),
    "handmade_f_copied_down.xlsx": (3, 0, []),
}


def test_handmade_ledgers_import_with_accept_partial(town, capsys, tmp_path):
    db = tmp_path / "test.db"
    files = [DATA / name for name in HANDMADE]
    code, dry = run_json(capsys, "--db", db, *files, "--campaign", town.campaign.name,
                         "--unit", "社救科", "--dry-run")
    assert code == 0 and Problem.select().count() == 0
    assert [f["status"] for f in dry] == ["ready", "partial", "ready", "partial", "partial",
                                          "ready"]
    code, done = run_json(capsys, "--db", db, *files, "--campaign", town.campaign.name,
                          "--accept-partial")
    assert code == 0
    got = {Path(f["file"]).name: (f["new"], f["rejected"], [e["row"] for e in f["errors"]])
           for f in done}
    assert got == HANDMADE
    assert all(f["kind"] == "handmade" and f["status"] == "imported" for f in done)
    d = next(f for f in done if f["file"].endswith("handmade_d_bad_rows.xlsx"))
    assert d["errors"][0] == {"row": 5, "reason": "必须填写问题表现。"}
    created = Problem.select().where(Problem.campaign == town.campaign.id).count()
    assert created == sum(n for n, _r, _e in HANDMADE.values())
    assert len(unverified_ids(town.campaign.id)) == created  # until checked against paper
    assert ImportBatch.select().where(ImportBatch.kind == "handmade").count() == 6

    # the same files again are recognised and not imported twice
    before = snapshot()
    code, again = run_json(capsys, "--db", db, *files, "--campaign", town.campaign.name,
                           "--accept-partial")
    assert code == 0 and {f["status"] for f in again} == {"nothing"}
    assert snapshot() == before


def test_handmade_rows_are_not_imported_unless_accepted(town, capsys, tmp_path):
    db = tmp_path / "test.db"
    before = snapshot()
    code, text, err = run(capsys, "import", "--db", db, DATA / "handmade_d_bad_rows.xlsx",
                          "--campaign", town.campaign.uuid)
    assert code == 1
    assert "第5行 row 5: 必须填写问题表现。" in text and "--accept-partial" in text
    assert snapshot() == before


def test_a_handmade_ledger_needs_a_campaign(town, capsys, tmp_path):
    code, out, _err = run(capsys, "--lang", "en", "import", "--db", tmp_path / "test.db",
                          DATA / "handmade_a_county_ledger.xlsx", "--json")
    assert code == 1
    [entry] = json.loads(out)["files"]
    assert entry["status"] == "rejected"
    assert entry["errors"] == [{"row": None, "reason": (
        "handmade_a_county_ledger.xlsx is a hand-made ledger: say which campaign its "
        "problems belong to.")}]
    assert Problem.select().count() == 0


def test_conflicts_are_left_out_unless_decided(sub_unit, capsys, tmp_path):
    from tests.core.test_consolidate import local_clerk

    filled, db_a, ledger = sub_unit
    campaign = filled.office.campaign.uuid
    uuid = Problem.get_by_id(filled.problems["rectifying"]).measures[0].uuid
    export(capsys, db_a, campaign, ledger)
    db_b = new_database(tmp_path, "b")
    assert run(capsys, "import", "--db", db_b, ledger)[0] == 0

    def finish(session, result):
        measure = Measure.get(Measure.uuid == uuid)
        record_measure_done(session, measure.id, dt.date(2026, 11, 1), result)

    finish(local_clerk(), "本级记录的完成情况")
    switch_to(db_a)
    finish(filled.office.session("clerk"), "下级记录的完成情况")
    second = ledger.with_name("第二次.xlsx")
    export(capsys, db_a, campaign, second)
    switch_to(db_b)
    before = snapshot()
    code, text, _ = run(capsys, "import", "--db", db_b, second)
    assert code == 1 and "冲突 conflicts=1" in text and "--prefer" in text
    assert snapshot() == before
    code, files = run_json(capsys, "--db", db_b, second, "--prefer", "incoming")
    assert code == 0 and files[0]["status"] == "imported"
    assert Measure.get(Measure.uuid == uuid).result == "下级记录的完成情况"

"""导入/汇总台账: a dry run per file in the table (a sub-unit's ledger, a hand-made one, a
broken file), nothing written until 导入; the column mapping of a hand-made ledger with its
unreadable rows accepted and remembered; conflicts decided side by side; a tampered ledger
taken in as a hand-made one."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.core.consolidate import INCOMING, unverified_ids
from desktop.core.handmade_import import saved_mapping
from desktop.core.i18n import _
from desktop.core.ledger_data import LedgerScope
from desktop.core.models import AuditEvent, ImportBatch, Measure, Problem
from desktop.core.problems import record_measure_done
from desktop.core.session import Session
from desktop.exchange.ledger_exchange import Status, export_ledger
from desktop.exchange.ledger_payload import SHEET
from desktop.ui.import_dialog import ImportDialog
from tests.core.ledger_offices import build_named_office, fill, new_database, switch_to
from tests.ui.conftest import make_context

DATA = Path(__file__).resolve().parents[1] / "data"


def snapshot() -> tuple[int, ...]:
    return tuple(m.select().count() for m in (Problem, Measure, ImportBatch, AuditEvent))


@pytest.fixture
def sent(office, tmp_path):
    """A ledger exported by another 县民政局 database, in ``usb``; the office's database is
    open again. Returns (usb folder, ledger path, the sender's database and filled office)."""
    usb = tmp_path / "usb"
    usb.mkdir()
    (tmp_path / "a").mkdir()
    new_database(tmp_path, "sender")
    filled = fill(build_named_office("县民政局"), tmp_path / "a", "办公室")
    ledger = usb / "县民政局台账.xlsx"
    export_ledger(Session.system(), LedgerScope(filled.office.campaign.id), ledger)
    switch_to(tmp_path / "test.db")
    return usb, ledger, tmp_path / "sender" / "office.db", filled


def open_dialog(qtbot, office, tmp_path) -> ImportDialog:
    ctx = make_context(office, "clerk", tmp_path)
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def row_texts(dialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(10)]


def bureau_sections(office) -> None:
    """The sections the hand-made ledger of tests/data names."""
    from desktop.core.org import create_unit

    for name, short in (("社会救助科", "社救科"), ("局办公室", "办公室")):
        create_unit(Session.system(), name, office.unit.id, short_name=short)


def test_dry_run_then_import(qtbot, office, tmp_path, sent):
    usb, ledger, _db, _filled = sent
    bureau_sections(office)
    shutil.copy(DATA / "handmade_d_bad_rows.xlsx", usb / "社救科.xlsx")
    (usb / "坏.xlsx").write_text("这不是表格", encoding="utf-8")
    dialog = open_dialog(qtbot, office, tmp_path)
    before = snapshot()
    dialog.add_paths([ledger, usb / "社救科.xlsx", usb / "坏.xlsx"])
    assert snapshot() == before  # the dry run writes nothing
    first = row_texts(dialog, 0)
    assert first[:4] == ["县民政局台账.xlsx", _("Ledger"), "县民政局", "纠治形式主义官僚主义专项整治"]
    assert int(first[4]) > 0 and first[9] == _("Ready to import")
    hand = row_texts(dialog, 1)
    assert hand[1] == _("Hand-made ledger") and hand[9] == _("Rows cannot be read")
    assert row_texts(dialog, 2)[1] == "—" and row_texts(dialog, 2)[9] == _("Rejected")
    dialog.table.selectRow(2)
    assert "坏.xlsx" in dialog.details.toPlainText()

    changed, said = [], []
    dialog.ctx.data_changed.connect(changed.append)
    dialog.show_summary = said.append
    done = dialog.import_all()
    assert [r.file_name for r in done] == ["县民政局台账.xlsx"]
    assert changed == ["problem"]
    assert "县民政局台账.xlsx" in said[0] and "社救科.xlsx" in said[0]
    assert row_texts(dialog, 0)[9] == _("Imported")
    assert Problem.select().where(Problem.description == "调研走过场").count() == 1
    assert not dialog.import_button.isEnabled()  # the rest waits for a decision or is refused


def test_a_handmade_ledger_through_the_mapping_dialog(qtbot, office, tmp_path):
    bureau_sections(office)
    dialog = open_dialog(qtbot, office, tmp_path)
    dialog.add_paths([DATA / "handmade_d_bad_rows.xlsx"])
    assert dialog.reports[0].status == Status.PARTIAL
    assert not dialog.import_button.isEnabled()

    def settle(mapping) -> bool:
        assert mapping.header_combo.currentData() == 3
        assert mapping.table.combos[1].currentData() == "description"
        listed = [mapping.bad_list.item(i).text() for i in range(mapping.bad_list.count())]
        assert listed[0] == _("Row {row}: {reason}").format(row=5, reason="必须填写问题表现。")
        assert mapping.table.item(mapping.table.row_of(5), 0).background().color().red() == 253
        assert mapping.accept_box.text() == _(
            "Import the {count} readable problem(s), leaving out the rows listed").format(count=3)
        mapping.accept_box.setChecked(True)
        mapping.confirm()
        return True

    dialog.ask = settle
    dialog.table.selectRow(0)
    dialog.act_on(0)
    report = dialog.reports[0]
    assert report.accept_partial and dialog.import_button.isEnabled()
    assert row_texts(dialog, 0)[9] == _("Will import {count} readable problem(s)").format(count=3)
    assert saved_mapping(report.preview.layout) == report.preview.mapping
    dialog.show_summary = lambda _text: None
    dialog.import_all()
    created = Problem.select().where(Problem.campaign == office.campaign.id)
    assert created.count() == 3
    assert unverified_ids(office.campaign.id) == {p.id for p in created}


def test_conflicts_are_decided_side_by_side(qtbot, office, tmp_path, sent):
    usb, ledger, sender_db, filled = sent
    dialog = open_dialog(qtbot, office, tmp_path)
    dialog.add_paths([ledger])
    dialog.show_summary = lambda _text: None
    dialog.import_all()
    switch_to(sender_db)
    uuid = Problem.get_by_id(filled.problems["rectifying"]).measures[0].uuid

    def finish(session, result):
        measure = Measure.get(Measure.uuid == uuid)
        record_measure_done(session, measure.id, dt.date(2026, 11, 1), result)

    finish(filled.office.session("clerk"), "下级的完成情况")
    second = usb / "第二次.xlsx"
    export_ledger(Session.system(), LedgerScope(filled.office.campaign.id), second)
    switch_to(tmp_path / "test.db")
    finish(office.session("clerk"), "本级的完成情况")

    dialog.add_paths([second])
    report = dialog.reports[-1]
    assert report.status == Status.CONFLICTS and not dialog.import_button.isEnabled()

    def decide(conflicts) -> bool:
        top = conflicts.tree.topLevelItem(0)
        fields = {top.child(i).text(0): (top.child(i).text(1), top.child(i).text(2))
                  for i in range(top.childCount())}
        assert fields["result"] == ("本级的完成情况", "下级的完成情况")
        conflicts.choose_all(INCOMING)
        return True

    dialog.ask = decide
    dialog.act_on(len(dialog.reports) - 1)
    assert dialog.import_button.isEnabled()
    dialog.import_all()
    assert Measure.get(Measure.uuid == uuid).result == "下级的完成情况"


def test_a_tampered_ledger_can_come_in_as_a_handmade_one(qtbot, office, tmp_path, sent):
    _usb, ledger, _db, _filled = sent
    book = load_workbook(ledger)
    for row in book[SHEET].iter_rows():
        if row[0].value == "payload":
            row[1].value = row[1].value.replace("调研走过场", "调研走了过场", 1)
    book.save(ledger)
    dialog = open_dialog(qtbot, office, tmp_path)
    before = snapshot()
    dialog.add_paths([ledger])
    report = dialog.reports[0]
    assert report.tampered and report.status == Status.REJECTED
    dialog.table.selectRow(0)
    assert dialog.handmade_button.isVisibleTo(dialog)
    assert not dialog.import_button.isEnabled()
    assert snapshot() == before
    dialog.act_on(0)
    assert dialog.reports[0].kind == "handmade"
    assert row_texts(dialog, 0)[1] == _("Hand-made ledger")
    assert dialog.reports[0].preview is not None and len(dialog.reports[0].preview.good) == 2

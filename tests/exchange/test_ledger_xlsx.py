"""The ledger workbook, read back with openpyxl as Excel would open it, and its records."""

from __future__ import annotations

import datetime as dt
import errno
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.core import clock, workflow
from desktop.core.i18n import translate
from desktop.core.ledger_data import LedgerScope, ledger_view
from desktop.core.models import Measure
from desktop.core.org import create_unit
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    create_problem,
    record_measure_done,
)
from desktop.core.session import Session
from desktop.exchange import ledger_payload, safe_write
from desktop.exchange.ledger_payload import SHEET, split_parts
from desktop.exchange.ledger_xlsx import (
    LEDGER_SHEET,
    MIN_ROW,
    SUMMARY_SHEET,
    LedgerFileError,
    NotARectifyLedger,
    PayloadTampered,
    headers,
    read_ledger,
    write_ledger,
)
from desktop.exchange.safe_write import NotEnoughSpace, WriteFailed
from desktop.exchange.xlsx_fit import line_count
from tests.conftest import PASSWORD, TODAY

LONG = "群众反映窗口办事环节多、材料繁杂，" * 12  # wraps to many lines


def add(office, description: str, measures: int = 1, unit=None, deadline: int = 20):
    unit = unit or office.unit
    due = TODAY + dt.timedelta(days=deadline)
    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=unit.id, description=description,
        found_date=TODAY - dt.timedelta(days=40), deadline=due, source="座谈会",
        measures=[MeasureInput(text=f"整改措施{n}", resp_leader="王局长", resp_person="李科长",
                               resp_unit_id=unit.id, deadline=due)
                  for n in range(1, measures + 1)],
    ))
    for action in ("submit", "approve"):
        workflow.apply(office.session("solo"), problem.id, action, password=PASSWORD)
    return problem


@pytest.fixture
def ledger(office):
    """An overdue problem with a long description and three measures, and a closed one."""
    clock.freeze(dt.datetime.combine(TODAY - dt.timedelta(days=30), dt.time(9)))
    add(office, LONG, measures=3, deadline=-5)
    closed = add(office, "会议多", deadline=10)
    measure = Measure.get(Measure.problem == closed.id)
    record_measure_done(office.session("clerk"), measure.id, clock.today(), "已精简")
    for action in ("request_close", "verify", "sign_close"):
        workflow.apply(office.session("solo"), closed.id, action, password=PASSWORD)
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 30)))
    return ledger_view(LedgerScope(office.campaign.id))


PAYLOAD = {
    "records": [{"uuid": "p-1", "text": "问题表现 with ASCII", "n": 1},
                {"uuid": "p-2", "text": "=SUM(A1:A9) looks like a formula", "n": 2}],
    "astral": "𠀀𠀁 rare characters",
    "spaces": "  leading and trailing  ",
    "nested": {"list": [1, 2.5, None, True], "zh": "整改"},
}


@pytest.fixture
def usb(tmp_path) -> Path:
    """A folder of its own (the test database lives in tmp_path)."""
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def write(folder: Path, view, payload=PAYLOAD, name="台账.xlsx"):
    return write_ledger(folder / name, view, payload)


def values(ws, row: int) -> list:
    return [c.value for c in ws[row]]


def ranges(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


# -- the visible sheet ---------------------------------------------------------------------


def test_ledger_sheet_layout(usb, ledger, office):
    result = write(usb, ledger)
    book = load_workbook(result.path)
    assert book.sheetnames == [LEDGER_SHEET, SUMMARY_SHEET, SHEET]
    ws = book[LEDGER_SHEET]
    title = translate("{campaign} rectification ledger").format(campaign=office.campaign.name)
    assert ws["A1"].value == title and ws["A1"].font.b and ws["A1"].font.sz >= 16
    assert "A1:L1" in ranges(ws)
    assert ws["A2"].value == "（民党〔2026〕5号）"
    info = [v for v in values(ws, 3) if v]
    assert info[0] == translate("Reporting unit (seal): {unit}").format(unit="县民政局")
    assert info[1].startswith(translate("Filing date: {date}").split("{")[0])
    assert info[2] == translate("As of: {date}").format(
        date=translate("{year}-{month:02d}-{day:02d}").format(year=2026, month=11, day=2))
    header = 5  # title, document number, filing line, overdue legend, header
    assert values(ws, header) == headers()
    assert translate("Responsible department") in headers()
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.print_title_rows == f"${header}:${header}"

    # the overdue problem: its own cells merged down over its three measure rows
    first = header + 1
    assert ws.cell(first, 3).value == LONG
    for column in "ABCIKL":
        assert f"{column}{first}:{column}{first + 2}" in ranges(ws)
    assert [ws.cell(first + n, 4).value for n in range(3)] == [
        "1. 整改措施1", "2. 整改措施2", "3. 整改措施3"]
    assert f"D{first}:D{first + 2}" not in ranges(ws)
    heights = [ws.row_dimensions[first + n].height for n in range(3)]
    assert sum(heights) > 3 * MIN_ROW  # grown for the long description
    assert ws.cell(first, 1).fill.fgColor.rgb.endswith("FFE1E1")  # overdue: light red
    assert ws.cell(first + 3, 1).fill.fgColor.rgb != ws.cell(first, 1).fill.fgColor.rgb
    assert ws.cell(first, 3).alignment.wrap_text
    assert ws.cell(first, 3).alignment.vertical == "center"
    assert ws.cell(first, 3).border.left.style == "thin"

    # the closed problem: one row, closed with its date
    assert ws.cell(first + 3, 11).value.startswith(translate("Yes"))
    feet = [v for row in ws.iter_rows(min_row=first + 4, values_only=True) for v in row if v]
    assert feet == [translate("Filled in by:"), translate("Reviewed by:"),
                    translate("Head of unit:")]


def test_declared_size_matches_the_rows(usb, ledger):
    """A streamed sheet declares its size up front; a reader that trusts it (openpyxl's
    read-only mode) must still see every row."""
    path = write(usb, ledger).path
    full = load_workbook(path)[LEDGER_SHEET]
    quick = load_workbook(path, read_only=True)[LEDGER_SHEET]
    assert quick.max_row == full.max_row and quick.max_column == full.max_column == 12
    assert [r for r in quick.iter_rows(values_only=True)][-1] == tuple(
        c.value for c in full[full.max_row])


def test_print_setup(usb, ledger):
    ws = load_workbook(write(usb, ledger).path)[LEDGER_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.oddFooter.center.text == translate("Page &P of &N")
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.page_margins.left > 0.3


def test_summary_sheet_and_the_hidden_data_sheet(usb, ledger):
    book = load_workbook(write(usb, ledger).path)
    assert book[SHEET].sheet_state == "veryHidden"
    assert book[LEDGER_SHEET].sheet_state == book[SUMMARY_SHEET].sheet_state == "visible"
    summary = {row[0]: row[1] for row in book[SUMMARY_SHEET].iter_rows(values_only=True)
               if row and row[0]}
    assert summary[translate("Problems in total")] == 2
    assert summary[translate("Overdue")] == 1
    assert summary[translate("Completion rate")] == 0.5


def test_consolidated_sheet_has_unit_rows_and_subtotals(usb, office):
    child = create_unit(Session.system(), "县社会救助局", parent_id=office.unit.id)
    add(office, "局机关问题")
    add(office, "救助局问题一", unit=child, measures=2)
    add(office, "救助局问题二", unit=child, deadline=-3)
    view = ledger_view(LedgerScope(office.campaign.id, consolidated=True))
    book = load_workbook(write(usb, view).path)
    rows = [r for r in book[LEDGER_SHEET].iter_rows(values_only=True)]
    firsts = [r[0] for r in rows]
    assert firsts.index("县民政局") < firsts.index("县社会救助局")
    subtotals = [r for r in rows if r[0] == translate("Subtotal")]
    assert len(subtotals) == 2
    assert "2" in subtotals[1][3] and "1" in subtotals[1][3]  # two problems, one overdue
    assert [r for r in rows if r[0] == translate("Total")]
    units = [r[0] for r in book[SUMMARY_SHEET].iter_rows(values_only=True) if r]
    assert "县民政局" in units and "县社会救助局" in units


def test_empty_ledger_still_makes_a_workbook(usb, office):
    view = ledger_view(LedgerScope(office.campaign.id))
    result = write(usb, view, {"records": []})
    ws = load_workbook(result.path)[LEDGER_SHEET]
    assert translate("(none)") in [c.value for c in ws["A"]]
    assert read_ledger(result.path).payload == {"records": []}


def test_line_count_counts_chinese_double():
    assert line_count("整" * 10, 12) == 2  # 20 half-width units in a 12-character column
    assert line_count("a" * 10, 12) == 1
    assert line_count("一\n二\n三", 30) == 3
    assert line_count("2026-09-28：" + "已完成" * 20, 14) > line_count("已完成", 14)


# -- the records ---------------------------------------------------------------------------


def test_payload_round_trip(usb, ledger, office):
    big = {**PAYLOAD, "records": [{"id": n, "text": "问题表现" * 50} for n in range(400)]}
    result = write(usb, ledger, big)
    found = read_ledger(result.path)
    assert found.payload == big
    assert found.checksum == result.checksum and len(result.checksum) == 64
    assert result.size == result.path.stat().st_size
    meta = found.meta
    assert meta["format"] == "rectify-ledger" and meta["format_version"] == 1
    assert meta["unit_uuid"] == office.unit.uuid and meta["unit_name"] == "县民政局"
    assert meta["campaign_uuid"] == office.campaign.uuid
    assert meta["campaign_name"] == office.campaign.name
    assert meta["record_count"] == 400  # the length of the payload's "records"
    assert meta["parts"] > 1  # more than 30,000 characters: several cells
    assert dt.datetime.fromisoformat(meta["exported_at"]).date() == TODAY


def test_caller_meta_is_kept_but_cannot_replace_the_format(usb, ledger):
    path = usb / "a.xlsx"
    write_ledger(path, ledger, PAYLOAD, {"record_count": 7, "format": "other", "app": "1.0"})
    meta = read_ledger(path).meta
    assert meta["record_count"] == 7 and meta["app"] == "1.0"
    assert meta["format"] == "rectify-ledger"


def test_parts_respect_excels_cell_limit_in_utf16_units():
    text = ("𠀀" * 20_000) + ("整" * 20_000)
    parts = split_parts(text)
    assert "".join(parts) == text
    assert all(len(p.encode("utf-16-le")) // 2 <= 30_000 for p in parts)


def edit_data_sheet(path: Path, change) -> None:
    book = load_workbook(path)
    ws = book[SHEET]
    for row in ws.iter_rows():
        change(row)
    book.save(path)


def test_an_edited_payload_is_caught(usb, ledger):
    path = write(usb, ledger).path

    def tamper(row):
        if row[0].value == "payload":
            row[1].value = row[1].value.replace("p-2", "p-3")

    edit_data_sheet(path, tamper)
    with pytest.raises(PayloadTampered):
        read_ledger(path)


def test_a_newer_format_version_is_refused(usb, ledger):
    path = write(usb, ledger).path

    def newer(row):
        if row[0].value == "format_version":
            row[1].value = "2"

    edit_data_sheet(path, newer)
    with pytest.raises(LedgerFileError) as caught:
        read_ledger(path)
    assert not isinstance(caught.value, PayloadTampered)
    assert "2" in caught.value.message("en")


def test_a_truncated_file_is_refused(usb, ledger):
    path = write(usb, ledger).path
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(LedgerFileError) as caught:
        read_ledger(path)
    assert not isinstance(caught.value, NotARectifyLedger)
    assert "台账.xlsx" in caught.value.message("en")


def test_a_text_file_named_xlsx_is_refused(usb):
    path = usb / "ledger.xlsx"
    path.write_text("序号,问题表现\n1,会议多\n", encoding="utf-8")
    with pytest.raises(LedgerFileError) as caught:
        read_ledger(path)
    assert not isinstance(caught.value, NotARectifyLedger)


def test_a_zip_that_is_no_workbook_is_refused(usb):
    path = usb / "ledger.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(LedgerFileError):
        read_ledger(path)


def test_a_plain_workbook_is_not_a_rectify_ledger(usb):
    path = usb / "自制台账.xlsx"
    book = Workbook()
    book.active.append(["序号", "问题表现", "整改措施"])
    book.save(path)
    with pytest.raises(NotARectifyLedger):
        read_ledger(path)


def test_too_large_and_missing_files_are_refused(usb, ledger, monkeypatch):
    path = write(usb, ledger).path
    monkeypatch.setattr(ledger_payload, "MAX_FILE_SIZE", 1000)
    with pytest.raises(LedgerFileError) as caught:
        read_ledger(path)
    assert "MB" in caught.value.message("en")
    with pytest.raises(LedgerFileError):
        read_ledger(usb / "missing.xlsx")


# -- writing safely ------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def existing(usb, ledger) -> tuple[Path, bytes]:
    """Last month's ledger already under the name."""
    path = write(usb, ledger, {"records": ["last month"]}).path
    return path, path.read_bytes()


def full_disk(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_on_fsync_leaves_the_old_file(usb, ledger, existing, monkeypatch):
    path, before = existing
    monkeypatch.setattr(safe_write.os, "fsync", full_disk)
    with pytest.raises(NotEnoughSpace) as caught:
        write_ledger(path, ledger, PAYLOAD)
    assert path.read_bytes() == before
    assert leftovers(usb) == [path.name]
    assert path.name in caught.value.message("en")
    assert read_ledger(path).payload == {"records": ["last month"]}


def test_a_failing_save_leaves_no_file(usb, ledger, monkeypatch):
    def broken_save(self, target):
        target.write(b"PK\x03\x04 partial")
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(WriteFailed) as caught:
        write_ledger(usb / "new.xlsx", ledger, PAYLOAD)
    assert not isinstance(caught.value, NotEnoughSpace)
    assert leftovers(usb) == []


def test_a_file_that_does_not_read_back_is_not_kept(usb, ledger, existing, monkeypatch):
    path, before = existing

    def corrupt(self, target):
        target.write(b"PK\x03\x04" + b"\0" * 100)

    monkeypatch.setattr(Workbook, "save", corrupt)
    with pytest.raises(LedgerFileError):
        write_ledger(path, ledger, PAYLOAD)
    assert path.read_bytes() == before and leftovers(usb) == [path.name]


def test_too_little_free_space_is_said_before_writing(usb, ledger, monkeypatch):
    class Usage:
        total, used, free = 10 << 20, 10 << 20, 1000

    monkeypatch.setattr(safe_write.shutil, "disk_usage", lambda _folder: Usage())
    with pytest.raises(NotEnoughSpace) as caught:
        write_ledger(usb / "new.xlsx", ledger, PAYLOAD)
    assert "MB" in caught.value.message("en")
    assert leftovers(usb) == []


def test_an_existing_file_is_replaced_only_by_a_verified_one(usb, ledger, existing):
    path, before = existing
    result = write_ledger(path, ledger, PAYLOAD)
    assert path.read_bytes() != before
    assert read_ledger(path).checksum == result.checksum
    assert leftovers(usb) == [path.name]

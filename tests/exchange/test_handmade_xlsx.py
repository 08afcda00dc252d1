"""Reading hand-made ledger workbooks into grids: values as Excel holds them (dates as dates,
numbers as numbers, merged values on each of their rows), hidden sheets left out, and a clear
message for a file that is not a workbook, an old .xls, damaged, or too large."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from desktop.core.errors import ValidationError
from desktop.core.handmade_import import CellRange
from desktop.exchange import handmade_xlsx
from desktop.exchange.handmade_xlsx import read_sheets
from tests.data import make_handmade

DATA = Path(__file__).resolve().parents[1] / "data"


def message(excinfo) -> str:
    return excinfo.value.message("en")


def test_the_committed_workbooks_are_what_the_script_makes(tmp_path):
    written = make_handmade.write_all(tmp_path)
    assert sorted(p.name for p in DATA.glob("handmade_*.xlsx")) == sorted(p.name for p in written)
    for fresh in written:
        assert read_sheets(DATA / fresh.name) == read_sheets(fresh), fresh.name


def test_merged_values_belong_to_each_of_their_rows():
    grid = read_sheets(DATA / "handmade_a_county_ledger.xlsx")[0]
    rows = {r.number: r.cells for r in grid.rows}
    # problem 1 is merged down rows 4-6: its number, text, leader and deadline on each row
    for number in (4, 5, 6):
        assert rows[number][0] == 1
        assert rows[number][2] == "会议多、文件多，村（社区）干部疲于应付"
        assert rows[number][7] == dt.date(2026, 6, 30)
    # a title merged across is not repeated across; the ranges are kept
    assert rows[1][1:] == [None] * 9
    assert CellRange(4, 3, 6, 3) in grid.merged and CellRange(1, 1, 1, 10) in grid.merged
    assert 11 not in rows  # the blank row before the signature line
    assert grid.title_lines[1] == "填报单位：城关镇（盖章）  填报日期：2026年5月20日"


def test_dates_stay_dates_and_numbers_numbers():
    grid = read_sheets(DATA / "handmade_c_simple_list.xlsx")[0]
    deadlines = {r.number: r.cells[3] for r in grid.rows}
    assert deadlines[2] == "2026.5.12"
    assert deadlines[7] == 46154  # a serial number typed in a General cell
    assert deadlines[8] == dt.date(2026, 5, 12)  # a date cell
    assert grid.rows[1].cells[0] == 1  # 序号 as a whole number, not 1.0


def test_hidden_sheets_are_left_out():
    assert [g.name for g in read_sheets(DATA / "handmade_c_simple_list.xlsx")] == ["问题清单"]


def test_formulas_give_their_saved_values_not_their_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["问题表现", "整改时限", "序号"])
    ws.append(["会议多", "2026-06-30", "=ROW()-1"])  # never calculated: no saved value
    wb.save(tmp_path / "f.xlsx")
    grid = read_sheets(tmp_path / "f.xlsx")[0]
    assert grid.rows[1].cells == ["会议多", "2026-06-30", None]


def test_a_sheet_formatted_to_its_last_row_reads_only_its_filled_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["问题表现", "整改时限"])
    ws.append(["会议多", "2026-06-30"])
    for row in range(3, 30_000, 7):  # WPS formats whole columns; no values below row 2
        ws.cell(row=row, column=2).font = Font(bold=True)
    wb.save(tmp_path / "wps.xlsx")
    assert [r.number for r in read_sheets(tmp_path / "wps.xlsx")[0].rows] == [1, 2]


def test_a_workbook_is_known_by_its_content_not_its_name(tmp_path):
    copy = tmp_path / "台账"
    shutil.copy(DATA / "handmade_f_copied_down.xlsx", copy)
    assert read_sheets(copy)[0].name == "Sheet1"


def test_a_file_that_is_not_a_workbook(tmp_path):
    text = tmp_path / "台账.xlsx"
    text.write_text("序号,问题表现\n1,会议多\n", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        read_sheets(text)
    assert message(refused) == ("台账.xlsx is not an Excel workbook (.xlsx). Open it in Excel or "
                                "WPS and save it as an Excel workbook (.xlsx).")


def test_an_old_xls_workbook_is_to_be_saved_as_xlsx(tmp_path):
    old = tmp_path / "台账.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(ValidationError) as refused:
        read_sheets(old)
    assert "old-format Excel workbook (.xls)" in message(refused)
    assert "save it as an Excel workbook (.xlsx)" in message(refused)


@pytest.mark.parametrize("keep", [0.3, 0.9])
def test_a_truncated_workbook_is_called_damaged(tmp_path, keep):
    data = (DATA / "handmade_a_county_ledger.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValidationError) as refused:
        read_sheets(cut)
    assert message(refused).startswith("cut.xlsx cannot be read: the file is damaged or incomplete")


def test_a_missing_file(tmp_path):
    with pytest.raises(ValidationError) as refused:
        read_sheets(tmp_path / "none.xlsx")
    assert message(refused).startswith("The file none.xlsx cannot be opened")


def test_limits_on_size_rows_and_cell_text(tmp_path, monkeypatch):
    path = DATA / "handmade_a_county_ledger.xlsx"
    monkeypatch.setattr(handmade_xlsx, "MAX_FILE_BYTES", 1024)
    with pytest.raises(ValidationError) as refused:
        read_sheets(path)
    assert message(refused) == ("handmade_a_county_ledger.xlsx is larger than 1 KB; a ledger of "
                                "that size is not imported. Split it into several workbooks.")
    monkeypatch.undo()

    monkeypatch.setattr(handmade_xlsx, "MAX_ROWS", 8)
    with pytest.raises(ValidationError) as refused:
        read_sheets(path)
    assert message(refused) == ("The sheet “问题整改台账” has more than 8 filled rows; a ledger "
                                "of that size is not imported. Split it into several sheets.")
    monkeypatch.undo()

    monkeypatch.setattr(handmade_xlsx, "MAX_CELL_CHARS", 10)
    with pytest.raises(ValidationError) as refused:
        read_sheets(path)
    assert "Cell A1 of the sheet “问题整改台账” holds more than 10 characters" in message(refused)

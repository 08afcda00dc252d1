"""Reading a hand-made ledger workbook (.xlsx) into the value grids that
``desktop.core.handmade_import`` reads problems from.

The workbook comes on a USB stick from another office and was typed in Excel or WPS, so it
is treated as untrusted: its size is limited before it is opened, a damaged or old-format
file gets a message that says what to do, and formulas are not evaluated (their values as
last saved by Excel are taken). Hidden sheets are left out: they hold lookup lists and old
versions, not what the office reports.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.core.errors import ValidationError
from desktop.core.handmade_import import CellRange, GridRow, SheetGrid, title_lines
from desktop.core.i18n import N_
from desktop.exchange.safe_write import size_text
from desktop.exchange.untrusted import check_archive, xml_attack, xml_attack_error

MAX_FILE_BYTES = 50 * 1024 * 1024
# What the workbook unpacks to; a small file that unpacks to gigabytes is refused unopened.
MAX_UNPACKED_BYTES = 20 * MAX_FILE_BYTES
MAX_ROWS = 20_000  # filled rows per sheet
MAX_CELL_CHARS = 32_767  # Excel's own limit: a longer cell was not written by Excel or WPS
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx protected by a password
_ZIP_SIGNATURE = b"PK\x03\x04"


def _open_checks(path: Path) -> None:
    """Refuse what is not a workbook we can read, before openpyxl is given it."""
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as error:
        raise ValidationError(N_("The file {name} cannot be opened: {error}"), name=name,
                              error=error.strerror or str(error)) from error
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            N_("{name} is larger than {limit}; a ledger of that size is not imported. "
               "Split it into several workbooks."), name=name, limit=size_text(MAX_FILE_BYTES))
    if head.startswith(_OLE_SIGNATURE):
        raise ValidationError(
            N_("{name} is an old-format Excel workbook (.xls) or is protected by a password. "
               "Open it in Excel or WPS, remove any password, save it as an Excel workbook "
               "(.xlsx) and import that file."), name=name)
    if not head.startswith(_ZIP_SIGNATURE):
        raise ValidationError(
            N_("{name} is not an Excel workbook (.xlsx). Open it in Excel or WPS and save it "
               "as an Excel workbook (.xlsx)."), name=name)
    try:
        check_archive(path, ValidationError, MAX_UNPACKED_BYTES)
    except ValidationError:
        raise
    except Exception as error:  # zipfile reports damage as several exception types
        raise _damaged(name) from error


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        N_("{name} cannot be read: the file is damaged or incomplete. Copy it again from "
           "the USB stick, or open it in Excel or WPS and save it again."), name=name)


def _value(value: Any) -> Any:
    """A cell's value as the grid keeps it: dates as dates, whole numbers as int."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        value = value.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
        return value if value.strip() else None
    return value


def _too_long(sheet: str, row: int, col: int) -> ValidationError:
    return ValidationError(
        N_("Cell {cell} of the sheet “{sheet}” holds more than {limit} characters, which "
           "Excel itself does not allow; the file was not made by Excel or WPS."),
        cell=f"{get_column_letter(col)}{row}", sheet=sheet, limit=MAX_CELL_CHARS)


def _grid(ws: Worksheet) -> SheetGrid:
    # openpyxl keeps the cells it loaded in ``_cells``; walking them, rather than every row
    # and column up to the sheet's extent, skips the empty cells of a sheet formatted down to
    # its last row (common in WPS) instead of creating a million of them.
    by_row: dict[int, dict[int, Any]] = {}
    for (row, col), cell in ws._cells.items():
        value = _value(cell.value)
        if value is None:
            continue
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise _too_long(ws.title, row, col)
        by_row.setdefault(row, {})[col] = value
        if len(by_row) > MAX_ROWS:
            raise ValidationError(
                N_("The sheet “{sheet}” has more than {limit} filled rows; a ledger of that "
                   "size is not imported. Split it into several sheets."),
                sheet=ws.title, limit=MAX_ROWS)
    last_row = max(by_row, default=0)
    merged: list[CellRange] = []
    for rng in ws.merged_cells.ranges:
        merged.append(CellRange(rng.min_row, rng.min_col, rng.max_row, rng.max_col))
        origin = by_row.get(rng.min_row, {}).get(rng.min_col)
        if origin is None:
            continue
        # the value merged down belongs to each row: a problem over its measure rows
        for row in range(rng.min_row + 1, min(rng.max_row, last_row) + 1):
            by_row.setdefault(row, {})[rng.min_col] = origin
    width = max((max(cols) for cols in by_row.values()), default=0)
    rows = [GridRow(number, [cols.get(c) for c in range(1, width + 1)])
            for number, cols in sorted(by_row.items())]
    grid = SheetGrid(name=ws.title, rows=rows, merged=merged)
    grid.title_lines = title_lines(grid)
    return grid


def read_sheets(path: Path | str) -> list[SheetGrid]:
    """The visible sheets of the workbook at ``path``, in workbook order, as value grids.

    Raises ``ValidationError`` with a message for the clerk when the file is too large, not a
    workbook, an old .xls, damaged, or has a sheet beyond the limits.
    """
    path = Path(path)
    _open_checks(path)
    try:
        # a file object: openpyxl judges a file name by its extension, and a workbook saved
        # as "台账.XLSX" or without one is still a workbook
        with path.open("rb") as fh:
            workbook = openpyxl.load_workbook(fh, data_only=True)
    except Exception as error:  # openpyxl reports a damaged file in many exception types
        if xml_attack(error):
            raise xml_attack_error(path, ValidationError) from error
        raise _damaged(path.name) from error
    try:
        return [_grid(ws) for ws in workbook.worksheets
                if isinstance(ws, Worksheet) and ws.sheet_state == "visible"]
    finally:
        workbook.close()


__all__ = ["MAX_CELL_CHARS", "MAX_FILE_BYTES", "MAX_ROWS", "read_sheets"]

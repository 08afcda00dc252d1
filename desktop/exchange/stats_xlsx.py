"""The statistics page's table as an Excel workbook (统计表): what an office pastes into its
report to the higher office, or prints.

The sheet is laid out the way such tables are kept by hand: a title, a line with the
campaign and the day the figures are as of, one header row, the rows (units indented under
their parent), rates as real percentages (so WPS and Excel can add them up or chart them),
printed A4 landscape with the header repeated. The file is written whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from desktop.core.i18n import _
from desktop.exchange.safe_write import write_file_atomically
from desktop.exchange.sheet_layout import format_date

Cell = str | int | float | None
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF6")
PERCENT = "0.0%"
FIRST_ROW = 4  # title, campaign and date line, header
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class StatsTable:
    """One breakdown ready to write: ``rows`` hold numbers and rates (0–1) or None where a
    rate has nothing to divide; ``percent_columns`` are the indices of the rates."""

    title: str
    campaign: str
    as_of: dt.date
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    percent_columns: frozenset[int] = frozenset()
    indents: Sequence[int] = field(default_factory=tuple)  # per row, for the first column
    note: str = ""  # e.g. the yellow-light window the figures were counted with


def text_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(table: StatsTable) -> list[float]:
    widths = []
    for index, header in enumerate(table.headers):
        values = [row[index] for row in table.rows if index < len(row)]
        if index == 0:
            longest = max((text_width(str(v or "")) + 2 * (table.indents[i] if i < len(
                table.indents) else 0) for i, v in enumerate(values)), default=0)
        elif index in table.percent_columns:
            longest = 6
        else:
            longest = max((len(str(v)) for v in values), default=0)
        wanted = max(text_width(header) if index == 0 else min(text_width(header), 16), longest)
        widths.append(min(60.0, wanted + 3.0))
    return widths


def build_workbook(table: StatsTable) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = (table.title.translate(INVALID_SHEET_CHARS) or "Sheet")[:31]
    columns = len(table.headers)
    last = get_column_letter(columns)

    sheet.merge_cells(f"A1:{last}1")
    title = sheet.cell(1, 1, table.title)
    title.font = Font(size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30

    sheet.merge_cells(f"A2:{last}2")
    parts = [_("Campaign: {name}").format(name=table.campaign),
             _("As of: {date}").format(date=format_date(table.as_of))]
    if table.note:
        parts.append(table.note)
    line = sheet.cell(2, 1, "　　".join(parts))
    line.alignment = Alignment(horizontal="left", vertical="center")
    sheet.row_dimensions[2].height = 20

    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(3, column, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[3].height = 32

    for offset, values in enumerate(table.rows):
        row = FIRST_ROW + offset
        indent = table.indents[offset] if offset < len(table.indents) else 0
        for index in range(columns):
            value = values[index] if index < len(values) else None
            rate = index in table.percent_columns
            cell = sheet.cell(row, index + 1, "—" if rate and value is None else value)
            cell.border = BORDER
            if index == 0:
                cell.alignment = Alignment(horizontal="left", vertical="center", indent=indent)
            elif rate and value is not None:
                cell.number_format = PERCENT
                cell.alignment = Alignment(horizontal="right", vertical="center")
            else:
                cell.alignment = Alignment(horizontal="center" if value is None or rate
                                           else "right", vertical="center")

    for index, width in enumerate(column_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 2)
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    return book


def _readable(path: Path) -> None:
    """The written file opens and holds the header row (a truncated file does not)."""
    with path.open("rb") as handle:  # by handle: openpyxl judges a name by its ending
        book = load_workbook(handle, read_only=True)
        try:
            sheet = book.worksheets[0]
            next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
        finally:
            book.close()


def write_stats_xlsx(path: str | Path, table: StatsTable) -> Path:
    """Write the table to ``path`` (through a temporary file, checked, then renamed over it).
    OSError propagates; the caller words it with ``safe_write.write_failure``."""
    target = Path(path)
    book = build_workbook(table)

    def write(handle: BinaryIO) -> None:
        book.save(handle)

    write_file_atomically(target, write, verify=_readable)
    return target

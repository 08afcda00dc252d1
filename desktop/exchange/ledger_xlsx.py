"""The ledger workbook (整改台账, DESIGN §5): the sheet a person reads and prints, a summary
sheet, and the records for the higher office's import in the same file.

The sheet follows the ledgers offices already keep: a title row, the 填报单位（盖章）/ 填报日期 /
截至日期 line, one header row, then one row group per problem in which the problem's own cells
are merged down over its measures' rows, and signature lines at the foot. It prints on A4
landscape, fitted to the page width, with the header repeated on every page.

LibreOffice and WPS do not grow rows to fit wrapped text in a file they did not lay out
themselves, so every row gets an explicit height worked out from the text: lines per cell from
the column's width in characters (a Chinese character takes two), and for a merged cell the
height it needs shared out over the rows it spans. A problem too tall for Excel's largest row
gets extra rows under its last measure.

The workbook is streamed (openpyxl's write-only mode): a 10,000-problem ledger never exists as
cell objects all at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from desktop.core import clock
from desktop.core.i18n import N_, _
from desktop.core.ledger_data import (
    LedgerFigures,
    LedgerProblem,
    LedgerView,
    closed_text,
    completion_text,
    deadline_text,
    description_text,
    ledger_figures,
    progress_text,
)
from desktop.core.models import STATE_LABELS, State
from desktop.exchange.ledger_payload import (
    FORMAT,
    FORMAT_VERSION,
    SHEET,
    LedgerFile,
    LedgerFileError,
    NotARectifyLedger,
    PayloadTampered,
    payload_rows,
    read_ledger,
)
from desktop.exchange.safe_write import check_free_space, write_failure, write_file_atomically
from desktop.exchange.sheet_layout import percent_text
from desktop.exchange.xlsx_fit import (
    DEFAULT_SIZE,
    DIGIT_PX,
    MIN_ROW,
    Cells,
    RowStream,
    spread,
    text_height,
)

__all__ = ["FORMAT", "FORMAT_VERSION", "LedgerFile", "LedgerFileError", "NotARectifyLedger",
           "PayloadTampered", "WriteResult", "read_ledger", "write_ledger", "ledger_title"]

LEDGER_SHEET = "整改台账"
SUMMARY_SHEET = "汇总"

# column: (width in characters of the default font, centred?)
COLUMNS = (
    (5.5, True),  # 序号
    (14, False),  # 问题类别
    (32, False),  # 问题表现
    (32, False),  # 整改措施
    (8.5, True),  # 责任领导
    (12, True),  # 责任部门
    (8.5, True),  # 责任人
    (12, True),  # 整改时限
    (28, False),  # 整改进展
    (16, False),  # 完成情况
    (12, True),  # 是否销号
    (12, False),  # 备注
)
PROBLEM_COLUMNS = (0, 1, 2, 8, 10, 11)  # merged down over the problem's measure rows
LAST = len(COLUMNS)

BODY_FONT, HEAD_FONT, TITLE_FONT = "宋体", "黑体", "黑体"
BODY_SIZE, HEAD_SIZE, TITLE_SIZE, INFO_SIZE = DEFAULT_SIZE, 11, 18, 11
OVERDUE_FILL = "FFE1E1"
GROUP_FILL = "F2F2F2"

GROUP_ROW, FOOT_GAP, FOOT_ROW = 24.0, 12.0, 36.0
# the printed page (A4 landscape) and margins, in points and inches
PAGE_WIDTH, PAGE_HEIGHT = 841.9, 595.3
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 0.6, 0.7, 0.8

Progress = Callable[[int, int], None]


@dataclass
class Block:
    problem: LedgerProblem
    rows: list[dict[int, str]]  # column → text
    heights: list[float]
    measure_rows: int


@dataclass(frozen=True)
class WriteResult:
    path: Path
    size: int
    checksum: str


# -- measuring the page ---------------------------------------------------------------------


def page_capacity() -> float:
    """Points of rows that fit on a printed page once the sheet is scaled to the page width
    (as Excel does it: whole percents, rounded down), with a little to spare."""
    pixels = sum(width * DIGIT_PX + 5 for width, _c in COLUMNS)
    scale = min(1.0, math.floor((PAGE_WIDTH - 2 * MARGIN_SIDE * 72) / (pixels * 0.75) * 100)
                / 100)
    return (PAGE_HEIGHT - (MARGIN_TOP + MARGIN_BOTTOM) * 72) / scale * 0.96


# -- styles --------------------------------------------------------------------------------


class Look:
    """The fonts, borders and fills of the ledger."""

    def __init__(self) -> None:
        thin = Side(style="thin", color="000000")
        self.grid = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.body = Font(name=BODY_FONT, size=BODY_SIZE)
        self.bold = Font(name=BODY_FONT, size=BODY_SIZE, bold=True)
        self.head = Font(name=HEAD_FONT, size=HEAD_SIZE)
        self.title = Font(name=TITLE_FONT, size=TITLE_SIZE, bold=True)
        self.info = Font(name=BODY_FONT, size=INFO_SIZE)
        self.small = Font(name=BODY_FONT, size=9)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center", wrap_text=True)
        self.overdue = PatternFill("solid", fgColor=OVERDUE_FILL)
        self.group = PatternFill("solid", fgColor=GROUP_FILL)


# -- the ledger sheet ----------------------------------------------------------------------


def ledger_title(view: LedgerView) -> str:
    return _("{campaign} rectification ledger").format(campaign=view.campaign_name)


def long_date(day: dt.date) -> str:
    return _("{year}-{month:02d}-{day:02d}").format(year=day.year, month=day.month, day=day.day)


def headers() -> list[str]:
    return [_("Seq."), _("Problem category"), _("Problem description"),
            _("Rectification measures"), _("Responsible leader"), _("Responsible department"),
            _("Responsible person"), _("Deadline"), _("Progress"), _("Completion"),
            _("Closed (销号)"), _("Remarks")]


class LedgerSheet:
    """Streams the visible ledger: rows are appended in order, each with its height and
    the merges it starts."""

    def __init__(self, ws, view: LedgerView, header: int) -> None:
        self.ws, self.view = ws, view
        self.stream = RowStream(ws, LAST)
        self.cells, self.look = self.stream.cells, Look()
        self.row = 0
        self.header, self.header_height = header, 0.0
        self.used, self.page = 0.0, page_capacity()
        # "A5:A7" texts: openpyxl's sheet writer only needs each range's text, and tens of
        # thousands of CellRange objects cost seconds in a large ledger
        self.merges: list[str] = []
        self.breaks: list[int] = []  # rows a new page starts after
        look = self.look
        self.s_title = self.cells.style(look.title, look.center)
        self.s_info = self.cells.style(look.info, look.left)
        self.s_info_right = self.cells.style(look.info, look.right)
        self.s_small = self.cells.style(look.small, look.left)
        self.s_head = self.cells.style(look.head, look.center, look.grid)
        self.s_group = self.cells.style(look.bold, look.left, look.grid, look.group)
        self.s_total = self.cells.style(look.bold, look.center, look.grid, look.group)
        self.s_total_text = self.cells.style(look.bold, look.left, look.grid, look.group)
        self.s_cell = {
            (centred, overdue): self.cells.style(
                look.body, look.center if centred else look.left, look.grid,
                look.overdue if overdue else None)
            for centred in (True, False) for overdue in (True, False)
        }

    # rows

    def append(self, values: Sequence[Any], styles: Sequence[Any], height: float) -> int:
        self.row = self.stream.append(values, styles, round(height, 1))
        self.used += height
        if self.row == self.header:
            self.header_height = height
        return self.row

    def keep(self, height: float) -> None:
        """Start a new page before a block that would not fit on this one (unless the page
        holds nothing but the header yet): a problem is not split between two pages."""
        if self.used + height > self.page and self.used > self.header_height + 1:
            self.breaks.append(self.row)
            self.used = self.header_height

    def merge(self, first_col: int, last_col: int, first_row: int, last_row: int) -> None:
        if first_col != last_col or first_row != last_row:
            letters = self.stream.letters
            self.merges.append(f"{letters[first_col]}{first_row}:{letters[last_col]}{last_row}")

    def banner(self, text: str, style: Any, height: float) -> None:
        """One line across the whole width."""
        row = self.append([text] + [None] * (LAST - 1), [style] * LAST, height)
        self.merge(0, LAST - 1, row, row)

    def spans(self, parts: Sequence[tuple[str, int, int]], style: Any, height: float,
              *, styles: Sequence[Any] | None = None) -> int:
        """A row of texts each spanning columns [first, last]."""
        values: list[Any] = [None] * LAST
        row_styles = [style] * LAST
        for i, (text, first, _last) in enumerate(parts):
            values[first] = text
            if styles is not None:
                for col in range(first, _last + 1):
                    row_styles[col] = styles[i]
        row = self.append(values, row_styles, height)
        for _text, first, last in parts:
            self.merge(first, last, row, row)
        return row

    # blocks

    @staticmethod
    def header_row(view: LedgerView, any_overdue: bool) -> int:
        return 3 + bool(view.doc_number) + any_overdue

    def top(self, any_overdue: bool) -> int:
        """Title, filing lines, legend and header; returns the header's row number."""
        view = self.view
        title = ledger_title(view)
        total_width = sum(w for w, _c in COLUMNS)
        self.banner(title, self.s_title, max(36, text_height(title, total_width, TITLE_SIZE)))
        if view.doc_number:
            self.banner(f"（{view.doc_number}）", self.cells.style(self.look.info,
                                                                self.look.center), 20)
        self.spans([
            (_("Reporting unit (seal): {unit}").format(unit=view.unit_name), 0, 4),
            (_("Filing date: {date}").format(date=long_date(view.filed_on)), 5, 7),
            (_("As of: {date}").format(date=long_date(view.as_of)), 8, LAST - 1),
        ], self.s_info, 28)
        if any_overdue:
            self.banner(_("Rows shaded light red: problems overdue and not closed as of "
                          "{date}.").format(date=long_date(view.as_of)), self.s_small, 18)
        names = headers()
        height = max(text_height(n, w, HEAD_SIZE) for n, (w, _c) in zip(names, COLUMNS,
                                                                          strict=True))
        return self.append(names, [self.s_head] * LAST, max(30, height))

    def layout(self, p: LedgerProblem) -> Block:
        """A problem's rows: its own cells (first row, merged down) and one row per measure,
        with heights that fit their text."""
        own = {0: str(p.number), 1: p.category, 2: description_text(p), 8: progress_text(p),
               10: closed_text(p), 11: p.note}
        numbered = len(p.measures) > 1
        rows: list[dict[int, str]] = []
        for index, m in enumerate(p.measures, start=1):
            rows.append({3: (f"{index}. " if numbered else "") + m.text, 4: m.resp_leader,
                         5: m.resp_unit, 6: m.resp_person, 7: deadline_text(p, m),
                         9: completion_text(m)})
        if not rows:
            rows.append({7: deadline_text(p)})
        measure_rows = len(rows)
        heights = [max(MIN_ROW, *(text_height(t, COLUMNS[c][0]) for c, t in r.items()))
                   for r in rows]
        heights = spread(max(text_height(t, COLUMNS[c][0]) for c, t in own.items()), heights)
        rows += [{} for _extra in range(len(heights) - len(rows))]  # extra room, if needed
        rows[0].update(own)
        return Block(p, rows, heights, measure_rows)

    def write(self, block: Block, followed_by: float = 0.0) -> None:
        """Write a problem's rows, on a new page if they (with ``followed_by`` points of
        rows that must stay with them, a subtotal) would not fit on this one."""
        self.keep(sum(block.heights) + followed_by)
        styles = [self.s_cell[(COLUMNS[c][1], block.problem.overdue)] for c in range(LAST)]
        first = self.row + 1
        for cells, height in zip(block.rows, block.heights, strict=True):
            self.append([cells.get(c) for c in range(LAST)], styles, height)
        last = self.row
        for c in PROBLEM_COLUMNS:
            self.merge(c, c, first, last)
        last_measure = first + block.measure_rows - 1
        if last > last_measure:  # the last measure takes the extra rows
            for c in range(LAST):
                if c not in PROBLEM_COLUMNS:
                    self.merge(c, c, last_measure, last)

    def group_heading(self, name: str, following: float) -> None:
        """A unit's name over its problems, kept on a page with the first of them."""
        self.keep(GROUP_ROW + following)
        self.banner(name, self.s_group, GROUP_ROW)

    def subtotal(self, label: str, figures: LedgerFigures) -> None:
        text = _("{total} problem(s), {closed} closed, {overdue} overdue; completion rate "
                 "{rate}").format(total=figures.total, closed=figures.closed,
                                  overdue=figures.overdue, rate=percent_text(figures.completion_rate))
        self.keep(GROUP_ROW)
        self.spans([(label, 0, 2), (text, 3, LAST - 1)], self.s_total, GROUP_ROW,
                   styles=[self.s_total, self.s_total_text])

    def foot(self) -> None:
        self.keep(FOOT_GAP + FOOT_ROW)
        self.append([None] * LAST, [None] * LAST, FOOT_GAP)
        self.spans([(_("Filled in by:"), 0, 3), (_("Reviewed by:"), 4, 7),
                    (_("Head of unit:"), 8, LAST - 1)], self.s_info, FOOT_ROW)


def declare_size(ws, rows: int, columns: int) -> None:
    """Write the sheet's size at its head, as Excel does. A streamed sheet cannot know it,
    and without it openpyxl, reading the file back, parses the whole sheet just to find
    out (seconds for a large ledger)."""
    ref = f"A1:{get_column_letter(columns)}{max(rows, 1)}"
    ws.calculate_dimension = lambda: ref


def _setup_ledger(ws, header_row: int) -> None:
    for index, (width, _c) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    _print_setup(ws)


def _print_setup(ws) -> None:
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = MARGIN_SIDE
    margins.top, margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    margins.header, margins.footer = 0.3, 0.4
    ws.oddFooter.center.text = _("Page &P of &N")
    ws.oddFooter.center.size = 10


def _write_ledger_sheet(ws, view: LedgerView, progress: Progress | None) -> None:
    total = view.problem_count
    any_overdue = any(p.overdue for p in view.problems)
    header = LedgerSheet.header_row(view, any_overdue)
    # before any row: a streamed sheet writes its views and columns first
    _setup_ledger(ws, header)
    sheet = LedgerSheet(ws, view, header)
    layouts = [[sheet.layout(p) for p in group.problems] for group in view.groups]
    extra = 2 if view.consolidated else 0  # a unit's heading and subtotal
    rows = (header + sum(extra + sum(len(b.rows) for b in blocks) for blocks in layouts)
            + (1 if not total or view.consolidated else 0) + 2)
    declare_size(ws, rows, LAST)
    sheet.top(any_overdue)
    done = 0
    for group, blocks in zip(view.groups, layouts, strict=True):
        if view.consolidated:
            sheet.group_heading(group.unit, sum(blocks[0].heights) if blocks else 0)
        for index, block in enumerate(blocks, start=1):
            last_of_unit = view.consolidated and index == len(blocks)
            sheet.write(block, GROUP_ROW if last_of_unit else 0.0)
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done, total)
        if view.consolidated:
            sheet.subtotal(_("Subtotal"), ledger_figures(group.problems))
    if not total:
        sheet.banner(_("(none)"), sheet.s_cell[(True, False)], GROUP_ROW)
    elif view.consolidated:
        sheet.subtotal(_("Total"), ledger_figures(view.problems))
    sheet.foot()
    if sheet.row != rows:
        raise RuntimeError(f"ledger sheet has {sheet.row} rows, {rows} were declared")
    ws.merged_cells = sheet.merges  # written as they are (see LedgerSheet.merges)
    # set once: RowBreak.append copies its whole list on every call
    ws.row_breaks = RowBreak(brk=[Break(id=row) for row in sheet.breaks])


# -- the summary sheet ---------------------------------------------------------------------


def _write_summary(ws, view: LedgerView) -> None:
    cells, look = Cells(ws), Look()
    head = cells.style(look.head, look.center, look.grid)
    text = cells.style(look.body, look.left, look.grid)
    number = cells.style(look.body, look.center, look.grid)
    rate = cells.style(look.body, look.center, look.grid, number_format="0.0%")
    figures = ledger_figures(view.problems)
    for letter, width in zip("ABCDE", (26, 14, 12, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width
    _print_setup(ws)
    ws.page_setup.orientation = Worksheet.ORIENTATION_PORTRAIT
    table: list[list[Cell]] = [[cells.make(_("Item"), head), cells.make(_("Figure"), head)]]
    rows: list[tuple[str, Any, Any]] = [(_("Problems in total"), figures.total, number)]
    rows += [(_(STATE_LABELS[State(s)]), figures.by_state[s], number) for s in figures.by_state]
    rows += [(_("Overdue"), figures.overdue, number), (_("Due soon"), figures.due_soon, number),
             (_("Closed on time"), figures.closed_on_time, number),
             (_("Completion rate"), figures.completion_rate, rate),
             (_("On-time rate"), figures.on_time_rate, rate)]
    table += [[cells.make(label, text), cells.make("—" if value is None else value, style)]
              for label, value, style in rows]
    if view.consolidated:
        table.append([])
        table.append([cells.make(n, head) for n in (
            _("Unit"), _("Problems"), _("Closed"), _("Overdue"), _("Completion rate"))])
        totals = [(group.unit, ledger_figures(group.problems)) for group in view.groups]
        totals.append((_("Total"), figures))
        table += [[cells.make(name, text), cells.make(f.total, number),
                   cells.make(f.closed, number), cells.make(f.overdue, number),
                   cells.make("—" if f.completion_rate is None else f.completion_rate, rate)]
                  for name, f in totals]
    lines = [
        ([cells.make(_("Rectification summary"), cells.style(look.title, look.center))], 36),
        ([cells.make(_("Reporting unit (seal): {unit}").format(unit=view.unit_name),
                     cells.style(look.info, look.left))], 24),
        ([cells.make(_("As of: {date}").format(date=long_date(view.as_of)),
                     cells.style(look.info, look.left))], 24),
    ] + [(row, 20 if row else 12) for row in table]
    for number_of_row, (row, height) in enumerate(lines, start=1):
        ws.row_dimensions[number_of_row].height = height
        ws.append(row)
    ws.merged_cells = MultiCellRange([CellRange("A1:E1"), CellRange("A2:E2"),
                                      CellRange("A3:E3")])


# -- the data sheet and the file -----------------------------------------------------------


def default_meta(view: LedgerView, payload: dict[str, Any]) -> dict[str, Any]:
    records = payload.get("records")
    return {
        "unit_name": view.unit_name, "unit_uuid": view.unit_uuid,
        "campaign_uuid": view.campaign_uuid, "campaign_name": view.campaign_name,
        "exported_at": clock.now().isoformat(timespec="seconds"),
        "as_of": view.as_of.isoformat(),
        "record_count": len(records) if isinstance(records, list | dict) else 0,
    }


def _write_data(ws, rows: list[tuple]) -> None:
    cells = Cells(ws)
    declare_size(ws, len(rows), 3)
    for key, value, number in rows:
        ws.append([cells.make(key), cells.make(value), number])
    ws.sheet_state = "veryHidden"


def build_workbook(view: LedgerView, rows: list[tuple], progress: Progress | None = None
                   ) -> Workbook:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Rectify"
    workbook.properties.title = ledger_title(view)
    _write_ledger_sheet(workbook.create_sheet(LEDGER_SHEET), view, progress)
    _write_summary(workbook.create_sheet(SUMMARY_SHEET), view)
    _write_data(workbook.create_sheet(SHEET), rows)
    return workbook


def discard(workbook: Workbook) -> None:
    """Close the streamed sheets of a workbook and remove the temporary files openpyxl keeps
    them in (in the system's temporary folder), whether or not it was saved: a failed or
    cancelled export leaves nothing behind there either."""
    for ws in workbook.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        if not ws.closed:
            with contextlib.suppress(Exception):
                ws.close()
        Path(writer.out).unlink(missing_ok=True)


def estimated_size(view: LedgerView, payload_text: str) -> int:
    """An upper bound for the file: the payload uncompressed plus some per row (the file is
    zipped, so it is usually far smaller)."""
    return len(payload_text.encode("utf-8")) + 600 * (view.problem_count + view.measure_count)


def write_ledger(path: Path | str, view: LedgerView, payload: dict[str, Any],
                 meta: dict[str, Any] | None = None,
                 progress: Progress | None = None) -> WriteResult:
    """Write the ledger workbook whole or not at all, and read it back before it takes the
    name ``path``: its records must come back with the checksum they were written with.
    ``meta`` adds to (and may override) the facts the data sheet carries besides the
    payload; format, version, checksum and part count are always the writer's."""
    path = Path(path)
    facts = {**default_meta(view, payload), **(meta or {})}
    rows, digest = payload_rows(facts, payload)
    workbook: Workbook | None = None
    try:
        payload_text = "".join(part for _key, part, number in rows if number is not None)
        check_free_space(path.parent, estimated_size(view, payload_text))
        workbook = build_workbook(view, rows, progress)

        def verify(temp: Path) -> None:
            found = read_ledger(temp)
            if found.checksum != digest:
                raise PayloadTampered(N_("The records read back from {name} differ from "
                                         "those written."), name=path.name)

        size = write_file_atomically(path, workbook.save, verify=verify)
    except OSError as exc:
        raise write_failure(exc, path) from exc
    except LedgerFileError as exc:
        raise LedgerFileError(
            N_("{name} could not be read back after writing ({reason}); nothing was saved. "
               "Try again, or choose another drive."), name=path.name,
            reason=exc.message()) from exc
    finally:
        if workbook is not None:
            discard(workbook)
    return WriteResult(path=path, size=size, checksum=digest)


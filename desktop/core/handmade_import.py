"""Importing the Excel ledgers offices already keep by hand, each in its own layout.

Such a sheet is not a table that starts at A1: it has a title row, a 填报单位（盖章）line, a
header that may span two rows (整改措施 over 具体措施 · 责任人 · 完成时限), problems written over
several rows with the problem cell merged down its measures, and a 合计 row and signature
lines at the foot. This module finds the header, maps the columns with the same header words
as pasting, puts a problem's rows back together, and reads each problem with paste_import's
row reader, so that a typed date or unit name means the same here as in a paste. Every row
that cannot be read is listed with its worksheet row number, the one the clerk sees in
Excel, and nothing is created until the clerk accepts leaving those rows out.

The workbook itself is read in ``desktop.exchange.handmade_xlsx``; this module sees only a
``SheetGrid`` of values, so that it needs no file library and tests can build grids by hand.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from desktop.core.cell_values import cell_text, compact, drop_leading_number, split_numbered
from desktop.core.errors import DomainError, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Campaign, Meta, Role, database, set_meta
from desktop.core.name_lookup import Ambiguous, Resolver
from desktop.core.paste_import import (
    FIELD_BY_KEY,
    PastePreview,
    PreviewRow,
    RowGroup,
    create_drafts,
    header_field,
    mapping_errors,
    read_groups,
    unique_fields,
)
from desktop.core.session import Session

HEADER_ROWS_SEARCHED = 15  # the header sits under at most a few title and 填报单位 lines

# -- the sheet as values ------------------------------------------------------------------------


@dataclass(frozen=True)
class CellRange:
    """A merged range in worksheet coordinates (1-based, last row and column included)."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class GridRow:
    number: int  # the worksheet row number, as Excel shows it
    cells: list[Any]  # column A first: str, int, float, date, bool or None


@dataclass
class SheetGrid:
    """One sheet's non-empty rows with their worksheet numbers. A value merged down several
    rows is repeated in each of them (a problem with several measure rows); ``merged`` keeps
    the ranges so that a repeated value can be told from one typed again."""

    name: str
    rows: list[GridRow]
    merged: list[CellRange] = field(default_factory=list)
    title_lines: list[str] = field(default_factory=list)  # the lines above the header

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)


class _Sheet:
    """The grid as texts, padded to one width, with each cell's place in a merged range."""

    def __init__(self, grid: SheetGrid) -> None:
        self.grid = grid
        self.width = grid.width
        self.numbers = [r.number for r in grid.rows]
        self.texts = [[cell_text(v).strip() for v in r.cells] + [""] * (self.width - len(r.cells))
                      for r in grid.rows]
        # (row index, column index) of a cell inside a merged range but not its first cell
        # → the index of the range's first row (the same as the cell's row when merged across)
        self.covered: dict[tuple[int, int], int] = {}
        self.spans: dict[tuple[int, int], int] = {}  # first cell of a range → columns spanned
        index_of = {n: i for i, n in enumerate(self.numbers)}
        for r in grid.merged:
            if r.last_row < r.first_row or r.last_col < r.first_col or r.first_col < 1:
                continue
            top = index_of.get(r.first_row)
            last_col = min(r.last_col, self.width)
            start = bisect.bisect_left(self.numbers, r.first_row)
            stop = bisect.bisect_right(self.numbers, r.last_row)
            if top is not None and r.first_col <= self.width:
                self.spans[top, r.first_col - 1] = last_col - r.first_col + 1
            for index in range(start, stop):
                for col in range(r.first_col - 1, last_col):
                    if (index, col) != (top, r.first_col - 1):
                        self.covered[index, col] = top if top is not None else index
        # a value merged down belongs to each row of the range, also in a hand-built grid
        for (index, col), top in self.covered.items():
            if top != index and not self.texts[index][col]:
                self.texts[index][col] = self.texts[top][col]

    def continues(self, index: int, col: int) -> bool:
        """The cell repeats the value merged down from a row above."""
        top = self.covered.get((index, col))
        return top is not None and top != index

    def own(self, index: int, col: int) -> str:
        """The cell's text when it was typed in this row, "" when it is empty or merged down."""
        return "" if self.continues(index, col) else self.texts[index][col]


# -- the header ---------------------------------------------------------------------------------


def _looks_like_header(texts: Sequence[str]) -> bool:
    """Most of the filled cells are header words, and at least two name imported fields (a
    title such as 问题整改台账 contains a header word but stands alone)."""
    filled = [t for t in texts if t]
    found = [header_field(t) for t in filled]
    known = sum(1 for f in found if f is not None)
    return sum(1 for f in found if f) >= 2 and known * 2 > len(filled)


def _find_header(sheet: _Sheet) -> int | None:
    for index in range(min(HEADER_ROWS_SEARCHED, len(sheet.texts))):
        if _looks_like_header(sheet.texts[index]):
            return index
    return None


def find_header_row(grid: SheetGrid) -> int | None:
    """The worksheet row number of the header, None when the sheet has none in its first rows
    (the caller may then look at the workbook's next sheet)."""
    sheet = _Sheet(grid)
    index = _find_header(sheet)
    return None if index is None else sheet.numbers[index]


def _title_lines(sheet: _Sheet, header: int) -> list[str]:
    lines = []
    for index in range(header):
        cells = [sheet.own(index, col) for col in range(sheet.width)]
        line = "  ".join(c for c in cells if c)
        if line:
            lines.append(line)
    return lines


def title_lines(grid: SheetGrid) -> list[str]:
    """The title, 填报单位 and 填报日期 lines above the header (all lines when none is found)."""
    sheet = _Sheet(grid)
    index = _find_header(sheet)
    return _title_lines(sheet, len(sheet.texts) if index is None else index)


def _sub_field(parent: str, sub: str) -> str | None:
    """The field of a second-row header cell under ``parent``: 时限 or 完成时间 under 整改措施
    is the measure's deadline; 单位 under 责任 reads as 责任单位 when the parent is no header
    word of its own; the 完成时间 under 整改进展 is no deadline but part of the progress."""
    parent_field = header_field(parent) if parent else None
    if parent_field == "":
        return ""  # the parts of 整改进展 or 完成情况: not imported either
    if parent_field == "measure" and "deadline" in (header_field(sub),
                                                    header_field("完成" + sub)):
        return "measure_deadline"
    together = header_field(parent + sub) if parent and parent_field is None else None
    return together or header_field(sub)


@dataclass
class _Header:
    index: int  # of the (first) header row in the sheet's rows
    data_start: int
    labels: list[str]
    fields: list[str | None]


def _read_header(sheet: _Sheet, index: int) -> _Header:
    """One header row, or two when the row below names the parts of a header merged across
    columns above it (整改措施 → 具体措施 · 责任人 · 完成时限)."""
    top = sheet.texts[index]
    parent_text = list(top)
    under_parent = [False] * sheet.width
    for (row, col), span in sheet.spans.items():
        if row == index and span > 1:
            for c in range(col, min(col + span, sheet.width)):
                parent_text[c] = top[col]
                under_parent[c] = True
    below = index + 1
    two_rows = False
    if below < len(sheet.texts) and sheet.numbers[below] == sheet.numbers[index] + 1:
        subs = [(c, sheet.own(below, c)) for c in range(sheet.width) if sheet.own(below, c)]
        two_rows = (bool(subs) and any(under_parent[c] for c, _ in subs)
                    and all(_sub_field(parent_text[c], t) is not None for c, t in subs))
    labels: list[str] = []
    fields: list[str | None] = []
    for col in range(sheet.width):
        parent = parent_text[col]
        sub = sheet.own(below, col) if two_rows else ""
        if sub:
            labels.append(f"{parent}/{sub}" if parent else sub)
            fields.append(_sub_field(parent, sub))
        else:
            labels.append(top[col])
            fields.append(header_field(top[col]) if top[col] else None)
    return _Header(index, index + (2 if two_rows else 1), labels, fields)


def layout_key(labels: Sequence[str]) -> str:
    """The same key for the same header however it is spaced or punctuated, so that a mapping
    chosen once is offered again for next month's copy of the sheet."""
    words = [re.sub(r"[\W_]+", "", compact(str(label))) for label in labels]
    while words and not words[-1]:
        words.pop()
    return hashlib.sha256("\x1f".join(words).encode("utf-8")).hexdigest()[:24]


# -- remembered mappings ------------------------------------------------------------------------

_LAYOUT_META = "handmade-layout:"
_LAYOUT_KEY = re.compile(r"^[0-9a-f]{24}$")


def saved_mapping(layout: str) -> list[str | None] | None:
    """The columns the clerk chose last time for this layout, None when never saved (or when
    what was saved no longer fits the fields)."""
    row = Meta.get_or_none(Meta.key == _LAYOUT_META + layout)
    if row is None:
        return None
    try:
        mapping = json.loads(row.value)
    except ValueError:
        return None
    if not isinstance(mapping, list) or any(
        key is not None and key not in FIELD_BY_KEY for key in mapping
    ):
        return None
    return mapping


def save_mapping(session: Session, layout: str, mapping: Sequence[str | None]) -> None:
    """Remember the clerk's columns for this layout. A preference of the office, not a record:
    it is kept in the database's ``meta`` table and not in the audit log."""
    session.require(Role.CLERK)
    if not _LAYOUT_KEY.match(layout):
        raise ValueError(f"not a layout key: {layout!r}")
    errors = mapping_errors(mapping)
    if errors:
        raise errors[0]
    value = json.dumps([key or None for key in mapping])
    with database.atomic():
        set_meta(_LAYOUT_META + layout, value)


# -- rows to problems ---------------------------------------------------------------------------

_MEASURE_KEYS = ("measure", "resp_leader", "resp_unit", "resp_person", "measure_deadline")
# A different value in one of these columns means a new problem, even with its description
# left empty (which is then reported); the deadline and note may differ per measure row.
_PROBLEM_KEYS = ("unit", "catalog", "source", "found_date", "root_cause", "kind", "scope",
                 "person", "target", "code")
_TOTAL = re.compile(r"^(?:合计|小计|总计|共计)")
_SIGNATURE = re.compile(
    r"^(?:填报人|填表人|制表人|审核人|审批人|负责人|单位负责人|主要负责人|分管领导|联系人|"
    r"联系电话|经办人|签字|签名|注|说明|备注)(?:\((?:签字|签名|盖章)\))?:"
)
_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.]")
_UNIT_LINE = re.compile(
    r"(?:填报单位|报送单位|填表单位)\s*(?:[(（](?:盖章|公章)[)）])?\s*[:：]\s*"
    r"([^\s:：(（]+?)(?=[\s(（]|填报|日期|$)"
)


class BadRow(NamedTuple):
    row: int  # worksheet row number
    reason: DomainError


@dataclass
class HandmadePreview:
    """What importing the sheet would create, and every row it cannot read, with the choices
    made on the clerk's behalf (header row, columns, unit) so that the dialog can show them."""

    sheet: str
    header_row: int  # worksheet row number of the (first) header row
    labels: list[str]  # one per column, "整改措施/责任人" for a two-row header
    mapping: list[str | None]
    mapping_source: str  # "given" | "remembered" | "guessed"
    layout: str  # layout_key(labels)
    unit_id: int | None  # for rows that name no unit
    unit_source: str  # "given" | "sheet" | "campaign" | "none"
    unit_name_from_sheet: str  # the 填报单位 written above the header, "" when none
    title_lines: list[str]
    result: PastePreview
    skipped_rows: list[int] = field(default_factory=list)  # 合计, signatures, headings

    @property
    def errors(self) -> list[DomainError]:
        """Faults of the sheet as a whole (no description column, no campaign)."""
        return self.result.errors

    @property
    def good(self) -> list[PreviewRow]:
        return self.result.good

    @property
    def bad(self) -> list[BadRow]:
        found = [BadRow(e.row, e.cause) for r in self.result.bad for e in r.reasons]
        return sorted(found, key=lambda b: b.row)

    def report(self, language: str | None = None) -> list[dict[str, Any]]:
        """The unreadable rows as the command line prints them."""
        return [{"row": b.row, "reason": b.reason.message(language)} for b in self.bad]


def _skipped(sheet: _Sheet, index: int, header: _Header) -> bool:
    """A 合计 row, a signature or note line at the foot, a section heading across the table,
    the header printed again or its column numbers: none of them is a problem, none is an
    error."""
    texts = sheet.texts[index]
    filled = [(col, sheet.own(index, col)) for col in range(sheet.width) if sheet.own(index, col)]
    if not filled:
        return True
    first = compact(filled[0][1])
    if _TOTAL.match(first) or _SIGNATURE.match(first):
        return True
    if [t for t in texts if t] == [t for t in sheet.texts[header.index] if t]:
        return True
    if len(filled) >= 3 and [t for _c, t in filled] == [str(n) for n in range(1, len(filled) + 1)]:
        return True  # the column numbers (栏次) printed under the header of official forms
    if len(filled) == 1:
        col, text = filled[0]
        if sheet.spans.get((index, col), 1) > 1:
            return True
        description = header.fields.index("description") if "description" in header.fields else -1
        return col != description and bool(_HEADING.match(compact(text)))
    return False


class _Grouper:
    """Puts the rows of one problem together: a row adds measures to the problem above when
    its description is merged down, empty, or the same text copied down, unless its 序号 or
    one of the problem's own columns says it starts another problem."""

    def __init__(self, sheet: _Sheet, header: _Header, mapping: Sequence[str | None]) -> None:
        self.sheet = sheet
        self.col = {key: i for i, key in enumerate(mapping) if key}
        numbering = [i for i, label in enumerate(header.labels) if compact(label) == "序号"]
        self.number_col = numbering[0] if numbering else self.col.get("code")

    def _new_value(self, index: int, first: int, col: int | None) -> bool:
        if col is None:
            return False
        text = self.sheet.own(index, col)
        return bool(text) and compact(text) != compact(self.sheet.texts[first][col])

    def starts_problem(self, index: int, first: int) -> bool:
        if self._new_value(index, first, self.number_col):
            return True
        description = self.col.get("description")
        if description is not None and self.sheet.own(index, description):
            return self._new_value(index, first, description)
        return any(self._new_value(index, first, self.col.get(k)) for k in _PROBLEM_KEYS)

    def group(self, rows: list[int]) -> RowGroup:
        """The problem written in ``rows`` (indexes), as the row reader takes it."""
        sheet, col = self.sheet, self.col
        first = rows[0]
        values = {k: sheet.texts[first][c] for k, c in col.items()}
        if len(rows) == 1:
            return RowGroup(sheet.numbers[first], values)
        for key in _MEASURE_KEYS:
            values.pop(key, None)
        own_keys = [k for k in _MEASURE_KEYS if k in col]
        deadline = col.get("deadline")
        per_measure = deadline is not None and "measure_deadline" not in col and len(
            {compact(sheet.texts[i][deadline]) for i in rows if sheet.texts[i][deadline]}) > 1
        if per_measure:
            # each measure row has its own 整改时限: they are the measures' deadlines
            values["deadline"] = ""
        notes = []
        measure_rows: list[tuple[int, dict[str, str]]] = []
        for i in rows:
            if "measure" in col and sheet.continues(i, col["measure"]) and measure_rows:
                self._more_people(i, measure_rows[-1][1])
            elif (row := self._measure_row(i, i == first, own_keys,
                                           deadline if per_measure else None)) is not None:
                measure_rows.append(row)
            note = sheet.own(i, col["note"]) if "note" in col else ""
            if note and note not in notes:
                notes.append(note)
        if "note" in col:
            values["note"] = "\n".join(notes)
        return RowGroup(sheet.numbers[first], values, measure_rows)

    def _measure_row(self, i: int, is_first: bool, keys: list[str], deadline: int | None
                     ) -> tuple[int, dict[str, str]] | None:
        """Row ``i``'s measure cells, None when it types none of them (only values merged
        down from above). ``deadline``: the 整改时限 column when it holds each measure's."""
        sheet, col = self.sheet, self.col
        cells = {k: sheet.texts[i][col[k]] for k in keys}
        if cells.get("measure") and len(split_numbered(cells["measure"])) == 1:
            cells["measure"] = drop_leading_number(cells["measure"])  # "2.推行容缺受理"
        typed = [sheet.own(i, col[k]) for k in keys]
        if deadline is not None:
            cells["measure_deadline"] = sheet.texts[i][deadline]
            typed.append(sheet.own(i, deadline))
        if any(typed) or (is_first and any(cells.values())):
            return sheet.numbers[i], cells
        return None

    def _more_people(self, index: int, cells: dict[str, str]) -> None:
        """A row under a measure merged down names more people responsible for it."""
        for key in ("resp_leader", "resp_person"):
            name = self.sheet.own(index, self.col[key]) if key in self.col else ""
            if name and name not in cells[key].split("、"):
                cells[key] = f"{cells[key]}、{name}" if cells[key] else name


def _unit_from_titles(lines: Sequence[str]) -> str:
    for line in lines:
        if m := _UNIT_LINE.search(line):
            return m[1]
    return ""


def _choose_unit(campaign_id: int | None, given: int | None, name: str
                 ) -> tuple[int | None, str]:
    if given is not None:
        return given, "given"
    if name:
        try:
            found = Resolver(None).unit(name)
        except Ambiguous:
            found = None
        if found is not None:
            return found, "sheet"
    campaign = None
    if campaign_id is not None:
        campaign = Campaign.get_or_none(
            (Campaign.id == campaign_id) & Campaign.deleted_at.is_null())
    if campaign is not None and campaign.unit_id is not None:
        return campaign.unit_id, "campaign"
    return None, "none"


def preview_handmade(
    grid: SheetGrid,
    campaign_id: int | None,
    unit_id: int | None = None,
    mapping: Sequence[str | None] | None = None,
    header_row: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> HandmadePreview:
    """What importing ``grid`` would create, without writing anything.

    ``mapping`` (one field key or None per column) overrides the columns; without it the
    mapping saved for this layout is used, else the one guessed from the header words.
    ``header_row`` (a worksheet row number) overrides the header found. Rows naming no unit
    go to ``unit_id``, else to the 填报单位 written above the header when it is a unit here,
    else to the campaign's own unit. Raises ``ValidationError`` when the sheet has no header.
    """
    sheet = _Sheet(grid)
    if not sheet.texts:
        raise ValidationError(N_("The sheet “{sheet}” is empty."), sheet=grid.name)
    if header_row is not None:
        if header_row not in sheet.numbers:
            raise ValidationError(N_("Row {row} of the sheet “{sheet}” is empty."),
                                  row=header_row, sheet=grid.name)
        index = sheet.numbers.index(header_row)
    else:
        index = _find_header(sheet)
        if index is None:
            raise ValidationError(
                N_("No header row was found in the first {count} rows of the sheet “{sheet}”: "
                   "a header names the columns, such as 问题表现, 整改措施 and 整改时限."),
                count=HEADER_ROWS_SEARCHED, sheet=grid.name)
    header = _read_header(sheet, index)
    layout = layout_key(header.labels)
    if mapping is not None:
        chosen, source = list(mapping), "given"
    elif (remembered := saved_mapping(layout)) is not None:
        chosen, source = remembered, "remembered"
    else:
        chosen, source = unique_fields(header.fields), "guessed"
    chosen = (chosen + [None] * sheet.width)[:sheet.width]
    titles = _title_lines(sheet, index)
    unit_name = _unit_from_titles(titles)
    default_unit, unit_source = _choose_unit(campaign_id, unit_id, unit_name)

    grouper = _Grouper(sheet, header, chosen)
    groups: list[list[int]] = []
    skipped: list[int] = []
    for i in range(header.data_start, len(sheet.texts)):
        if _skipped(sheet, i, header):
            if any(sheet.own(i, c) for c in range(sheet.width)):
                skipped.append(sheet.numbers[i])
            continue
        if groups and not grouper.starts_problem(i, groups[-1][0]):
            groups[-1].append(i)
        else:
            groups.append([i])
    result = read_groups([grouper.group(rows) for rows in groups], chosen, campaign_id,
                         default_unit, progress)
    return HandmadePreview(
        sheet=grid.name, header_row=sheet.numbers[index], labels=header.labels,
        mapping=chosen, mapping_source=source, layout=layout, unit_id=default_unit,
        unit_source=unit_source, unit_name_from_sheet=unit_name, title_lines=titles,
        result=result, skipped_rows=skipped,
    )


def import_handmade(session: Session, preview: HandmadePreview, accept_partial: bool = False
                    ) -> list[int]:
    """Create the good problems as drafts, all in one transaction, and return their ids.

    With unreadable rows nothing is created unless the clerk accepted importing the good
    ones only (``accept_partial``); a problem refused while creating undoes the whole import.
    """
    session.require(Role.CLERK)
    if preview.errors:
        raise preview.errors[0]
    bad_rows = sorted({b.row for b in preview.bad})
    if bad_rows and not accept_partial:
        raise ValidationError(
            N_("{count} rows cannot be read (rows {rows}); nothing was imported. Correct them, "
               "or accept importing the {good} good problems only."),
            count=len(bad_rows), rows=", ".join(str(r) for r in bad_rows),
            good=len(preview.good))
    return create_drafts(session, preview.result, skip_bad=True)


__all__ = [
    "BadRow",
    "CellRange",
    "GridRow",
    "HandmadePreview",
    "SheetGrid",
    "find_header_row",
    "import_handmade",
    "layout_key",
    "preview_handmade",
    "save_mapping",
    "saved_mapping",
    "title_lines",
]

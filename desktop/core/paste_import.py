"""Entering many problems at once by pasting cells copied from an Excel/WPS problem list.

Clerks already keep their lists in spreadsheets; retyping them row by row is the work this
saves. The flow is: read the clipboard text into cells (``parse_clipboard``), say which column
holds what (``guess_mapping``, then the user corrects it), turn every row into the
``ProblemInput`` it would create or the reasons it cannot (``preview``), and create the good
rows as drafts, all or none (``create_drafts``). Values are resolved against the office's own
data (units, people, the campaign's catalog) so that a typo is caught here, with its row
number, and not discovered later in the ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.core import calendar, clock, problems
from desktop.core.cell_values import (
    compact,
    parse_date,
    parse_deadline,
    parse_kind,
    parse_scope,
    split_lines,
    split_numbered,
)
from desktop.core.errors import DomainError, ValidationError, render
from desktop.core.i18n import N_
from desktop.core.models import Campaign, Kind, Role, Scope, database
from desktop.core.name_lookup import Ambiguous, Resolver
from desktop.core.problems import MeasureInput, ProblemInput
from desktop.core.session import Session
from desktop.core.workdays import WorkdayCalendar, check_deadline_rule

# -- the clipboard ------------------------------------------------------------------------------


def _quoted_cell(text: str, start: int) -> tuple[str, int] | None:
    """The cell that starts with a quote at ``start`` when Excel quoted it (the closing quote
    is followed by a tab, a line end or the end): its value and the offset after it."""
    value: list[str] = []
    pos = start + 1
    while pos < len(text):
        ch = text[pos]
        if ch == '"':
            if text.startswith('""', pos):
                value.append('"')
                pos += 2
                continue
            after = pos + 1
            if after == len(text) or text[after] in "\t\r\n":
                return "".join(value), after
            return None
        value.append(ch)
        pos += 1
    return None


def parse_clipboard(text: str) -> list[list[str]]:
    """Rows of cells as Excel and WPS put them on the clipboard: tab-separated, one row a line,
    a cell holding a line break, tab or quote wrapped in quotes with its quotes doubled.

    A cell that merely starts with a quote but was not quoted by Excel is kept as typed.
    Trailing empty rows (Excel ends the block with a line break) are dropped and short rows
    padded, so every row has as many cells as the widest.
    """
    rows: list[list[str]] = []
    row: list[str] = []
    pos, size = 0, len(text)
    while pos <= size:
        if pos < size and text[pos] == '"' and (quoted := _quoted_cell(text, pos)):
            cell, pos = quoted
        else:
            end = pos
            while end < size and text[end] not in "\t\r\n":
                end += 1
            cell, pos = text[pos:end], end
        row.append(cell)
        if pos >= size:
            rows.append(row)
            break
        if text[pos] == "\t":
            pos += 1
            continue
        pos += 2 if text.startswith("\r\n", pos) else 1
        rows.append(row)
        row = []
        if pos == size:
            break
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


# -- the fields a column can fill ---------------------------------------------------------------


@dataclass(frozen=True)
class ColumnField:
    key: str
    label: str  # translatable (N_), shown in the mapping combos
    synonyms: tuple[str, ...]  # header words, compared in ``compact`` form
    required: bool = False


FIELDS: tuple[ColumnField, ...] = (
    ColumnField("description", N_("Problem description"), (
        "问题表现", "具体问题", "问题描述", "存在问题", "存在的问题", "问题", "问题内容",
        "主要问题", "具体表现", "问题具体表现", "查摆问题", "突出问题", "问题清单"), True),
    ColumnField("unit", N_("Unit"), (
        "单位", "单位名称", "所在单位", "填报单位", "问题单位", "部门", "科室", "所在部门",
        "党支部", "支部", "单位部门")),
    ColumnField("catalog", N_("Catalog area"), (
        "问题类别", "问题类型", "类别", "方面", "问题方面", "所属方面", "整治重点", "问题分类",
        "所属类别")),
    ColumnField("source", N_("How found"), (
        "查摆方式", "查找方式", "问题来源", "来源", "查摆途径", "发现方式", "查摆渠道",
        "查摆方式来源", "问题来源渠道")),
    ColumnField("found_date", N_("Date found"), (
        "发现时间", "发现日期", "查摆时间", "查摆日期", "查找时间", "提出时间")),
    ColumnField("root_cause", N_("Root cause"), (
        "原因剖析", "原因分析", "产生原因", "问题原因", "原因", "根源剖析", "原因查摆")),
    ColumnField("kind", N_("Rectification kind"), (
        "整改类型", "整改方式", "整改类别", "整改性质", "整改分类")),
    ColumnField("scope", N_("Organisation or personal"), (
        "组织个人", "个人组织", "组织或个人", "问题性质", "问题归属", "问题层面", "组织问题个人问题")),
    ColumnField("person", N_("Person concerned"), (
        "姓名", "个人姓名", "问题人员", "所属人员", "当事人", "党员姓名", "干部姓名", "人员",
        "班子成员", "班子成员姓名")),
    ColumnField("target", N_("Rectification target"), (
        "整改目标", "目标", "预期目标", "整改成效")),
    ColumnField("deadline", N_("Deadline"), (
        "整改时限", "完成时限", "整改期限", "完成时间", "整改时间", "办结时限", "时限",
        "截止时间", "截止日期", "整改完成时限", "计划完成时间", "完成期限")),
    ColumnField("code", N_("Problem number"), ("编号", "问题编号")),
    ColumnField("note", N_("Note"), ("备注", "说明", "其他")),
    ColumnField("measure", N_("Rectification measures"), (
        "整改措施", "措施", "具体措施", "整改举措", "整改方案", "主要措施")),
    ColumnField("resp_leader", N_("Responsible leader"), (
        "责任领导", "分管领导", "牵头领导", "包保领导", "责任领导分管领导")),
    ColumnField("resp_unit", N_("Responsible unit"), (
        "责任单位", "责任部门", "牵头单位", "牵头部门", "责任科室", "承办单位", "责任单位部门")),
    ColumnField("resp_person", N_("Responsible person"), (
        "责任人", "具体责任人", "经办人", "联系人")),
    ColumnField("measure_deadline", N_("Measure deadline"), (
        "措施时限", "措施完成时限", "措施期限", "措施完成时间", "措施整改时限")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
# Header words of columns that are recognised but not imported (the row number, and the
# progress columns of a ledger, which are recorded in the app as dated progress notes).
IGNORED_HEADERS = ("序号", "整改进展", "进展情况", "完成情况", "整改情况", "是否销号",
                   "销号情况", "整改结果", "整改成效情况", "职务", "整改进度", "是否完成",
                   "督办情况")
_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_HEADER_PUNCTUATION = re.compile(r"[*:：/／、·\-—_|]")


def _header_key(cell: str) -> str:
    return _HEADER_PUNCTUATION.sub("", compact(cell))


def header_field(cell: str) -> str | None:
    """The field a header cell names; "" for a known column that is not imported; None when
    the cell is no header word. Exact words first, then without a bracketed remark
    ("整改时限（完成时间）"), then the longest header word the cell contains."""
    key = _header_key(cell)
    bare = _header_key(_BRACKETS.sub("", compact(cell)))
    if not bare or len(bare) > 16:
        return None
    for candidate in (key, bare):
        for f in FIELDS:
            if candidate in f.synonyms:
                return f.key
        if candidate in IGNORED_HEADERS:
            return ""
    best: tuple[int, str] | None = None
    for f in FIELDS:
        for word in f.synonyms:
            if len(word) >= 2 and word in bare and (best is None or len(word) > best[0]):
                best = (len(word), f.key)
    for word in IGNORED_HEADERS:
        if word in bare and (best is None or len(word) > best[0]):
            best = (len(word), "")
    return best[1] if best else None


# -- guessing the columns -----------------------------------------------------------------------


def _is_header(row: Sequence[str]) -> tuple[bool, list[str | None]]:
    found = [header_field(cell) for cell in row]
    words = sum(1 for f in found if f is not None)
    filled = sum(1 for cell in row if cell.strip())
    return words >= min(2, filled) and words > 0, found


def _share(cells: list[str], test: Callable[[str], bool]) -> float:
    if not cells:
        return 0.0
    return sum(1 for c in cells if test(c)) / len(cells)


def _parses(reader: Callable[[str], Any]) -> Callable[[str], bool]:
    def test(text: str) -> bool:
        try:
            return reader(text) is not None
        except (ValueError, Ambiguous):
            return False

    return test


def _numbered(text: str) -> bool:
    return len(split_numbered(text)) > 1


def _guess_from_content(rows: list[list[str]], resolver: Resolver) -> list[str | None]:
    """Only what the cells show beyond doubt: dates, the kind and scope words, known unit
    names, and the long texts; anything else stays unmapped for the user to choose."""
    width = len(rows[0]) if rows else 0
    columns = [[r[i].strip() for r in rows if r[i].strip()] for i in range(width)]
    mapping: list[str | None] = [None] * width
    dates: list[int] = []
    for i, cells in enumerate(columns):
        if not cells:
            continue
        if _share(cells, _parses(parse_kind)) == 1:
            mapping[i] = "kind"
        elif _share(cells, _parses(parse_scope)) == 1:
            mapping[i] = "scope"
        elif _share(cells, lambda c: any(x is not None for x in _deadline_or_none(c))) >= 0.8:
            dates.append(i)
        elif _share(cells, _parses(resolver.unit)) >= 0.8:
            mapping[i] = "unit"
    if len(dates) == 1:
        mapping[dates[0]] = "deadline"
    texts = [i for i, cells in enumerate(columns) if mapping[i] is None and i not in dates and cells
             and sum(len(c) for c in cells) / len(cells) >= 8]
    if texts:
        description = texts[0]
        mapping[description] = "description"
        later = [i for i in texts if i > description and _share(columns[i], _numbered) >= 0.5]
        if later:
            mapping[later[0]] = "measure"
    return mapping


def _deadline_or_none(text: str) -> tuple[Kind | None, dt.date | None]:
    try:
        return parse_deadline(text)
    except ValueError:
        return None, None


def guess_mapping(
    rows: list[list[str]], campaign_id: int | None = None
) -> tuple[bool, list[str | None]]:
    """Whether the first row is a header, and the field key (or None) for each column.

    A header row is recognised by its words; without one the columns are guessed from their
    content, conservatively. A field is given to one column only (the first that claims it).
    """
    if not rows:
        return False, []
    has_header, found = _is_header(rows[0])
    if has_header:
        mapping = [f or None for f in found]
    else:
        mapping = _guess_from_content(rows, Resolver(campaign_id))
    return has_header, unique_fields(mapping)


def unique_fields(mapping: Sequence[str | None]) -> list[str | None]:
    """The mapping with each field kept for the first column that claims it only ("" for a
    known but unimported column becomes None)."""
    seen: set[str] = set()
    unique: list[str | None] = []
    for key in mapping:
        unique.append(key if key and key not in seen else None)
        if key:
            seen.add(key)
    return unique


# -- the preview ---------------------------------------------------------------------------------


class RowError(ValidationError):
    """A reason a pasted row cannot be created, prefixed with the row number the user sees
    (counted in the pasted block, header included)."""

    def __init__(self, row: int, cause: DomainError) -> None:
        self.row = row
        self.cause = cause
        super().__init__(N_("Row {row}: {reason}"), row=row, reason=cause)

    def message(self, language: str | None = None) -> str:
        return render(self.message_id, {"row": self.row, "reason": self.cause.message(language)},
                      language)


@dataclass
class PreviewRow:
    row: int  # as the user sees it: 1 is the first pasted row
    problem: ProblemInput | None
    reasons: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is not None and not self.reasons


@dataclass
class PastePreview:
    rows: list[PreviewRow]
    errors: list[DomainError] = field(default_factory=list)  # the paste as a whole
    blank_rows: list[int] = field(default_factory=list)

    @property
    def good(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[PreviewRow]:
        return [r for r in self.rows if not r.ok]


def _not_a_date(field_key: str, text: str) -> ValidationError:
    return ValidationError(N_("{field_label}: “{text}” is not a date."),
                           field_label=FIELD_BY_KEY[field_key].label, text=text.strip())


class _RowReader:
    """Turns one row's cells into a ProblemInput, collecting every reason it cannot, so the
    user sees all of a row's faults at once."""

    def __init__(self, campaign: Campaign, default_unit_id: int | None, resolver: Resolver) -> None:
        self.campaign_id = campaign.id
        self.default_unit_id = default_unit_id
        self.resolver = resolver
        self.campaign = campaign
        self._calendar: WorkdayCalendar | None = None
        self.reasons: list[ValidationError] = []
        # the row each reason belongs to, when one problem spans several worksheet rows
        # (None: the problem's own row)
        self.reason_rows: list[int | None] = []
        self._row: int | None = None

    def add(self, error: ValidationError) -> None:
        self.reasons.append(error)
        self.reason_rows.append(self._row)

    def fail(self, message: str, **params: Any) -> None:
        self.add(ValidationError(message, **params))

    def date(self, key: str, text: str) -> dt.date | None:
        try:
            return parse_date(text)
        except ValueError:
            self.add(_not_a_date(key, text))
            return None

    def unit(self, key: str, text: str) -> int | None:
        """``key`` says which column named the unit (the problem's or a measure's)."""
        if not text.strip():
            return None
        label = FIELD_BY_KEY[key].label
        try:
            found = self.resolver.unit(text)
        except Ambiguous:
            self.fail(N_("{field_label}: several units are called “{name}”."),
                      field_label=label, name=text.strip())
            return None
        if found is None:
            self.fail(N_("{field_label}: there is no unit called “{name}”."),
                      field_label=label, name=text.strip())
        return found

    def read(self, cells: dict[str, str],
             measure_rows: Sequence[tuple[int, dict[str, str]]] | None = None
             ) -> ProblemInput | None:
        """``measure_rows``: for a problem written over several worksheet rows, each row's
        measure cells with its row number; otherwise the measures come from ``cells``."""
        self.reasons = []
        self.reason_rows = []
        description = cells.get("description", "").strip()
        if not description:
            self.fail(N_("The problem description (问题表现) is required."))
        unit_text = cells.get("unit", "")
        unit_id = self.unit("unit", unit_text) if unit_text.strip() else self.default_unit_id
        if unit_id is None and not unit_text.strip():
            self.fail(N_("The row names no unit; map a unit column or choose a default unit."))
        catalog_id = self._catalog(cells.get("catalog", ""))
        found_date = self.date("found_date", cells.get("found_date", ""))
        kind, deadline = self._kind_and_deadline(cells.get("kind", ""), cells.get("deadline", ""))
        scope, person_id = self._scope_and_person(cells.get("scope", ""),
                                                  cells.get("person", ""), unit_id)
        if measure_rows is None:
            measures = self._measures(cells)
        else:
            measures = []
            for number, measure_cells in measure_rows:
                self._row = number
                measures.extend(self._measures(measure_cells))
            self._row = None
        if deadline and found_date and deadline < found_date:
            self.fail(N_("The deadline is before the date the problem was found."))
        elif kind == Kind.IMMEDIATE and deadline:
            self._check_immediate(found_date, deadline)
        if self.reasons or unit_id is None:
            return None
        return ProblemInput(
            campaign_id=self.campaign_id, unit_id=unit_id, description=description,
            kind=kind.value, scope=scope.value, person_id=person_id, catalog_id=catalog_id,
            source=cells.get("source", "").strip(), found_date=found_date,
            root_cause=cells.get("root_cause", "").strip(), target=cells.get("target", "").strip(),
            deadline=deadline, code=cells.get("code", "").strip(),
            note=cells.get("note", "").strip(), measures=measures,
        )

    def _catalog(self, text: str) -> int | None:
        if not text.strip():
            return None
        try:
            found = self.resolver.catalog_node(text)
        except Ambiguous:
            self.fail(N_("“{text}” matches several catalog areas; write more of the title."),
                      text=text.strip())
            return None
        if found is None:
            self.fail(N_("No catalog area of this campaign matches “{text}”."), text=text.strip())
        return found

    def _kind_and_deadline(self, kind_text: str, deadline_text: str
                           ) -> tuple[Kind, dt.date | None]:
        try:
            kind = parse_kind(kind_text)
        except ValueError:
            self.fail(N_("Unknown rectification kind “{text}”; use 立行立改, 限期整改 or 长期坚持."),
                      text=kind_text.strip())
            kind = None
        try:
            word_kind, deadline = parse_deadline(deadline_text)
        except ValueError:
            self.add(_not_a_date("deadline", deadline_text))
            word_kind, deadline = None, None
        return kind or word_kind or Kind.DEADLINE, deadline

    def _check_immediate(self, found_date: dt.date | None, deadline: dt.date) -> None:
        if self._calendar is None:
            self._calendar = calendar.load_calendar()
        try:
            check_deadline_rule(self._calendar, found_date or clock.today(), deadline,
                                self.campaign.max_workdays)
        except ValidationError as error:
            self.add(error)

    def _scope_and_person(self, scope_text: str, person_text: str, unit_id: int | None
                          ) -> tuple[Scope, int | None]:
        try:
            scope = parse_scope(scope_text)
        except ValueError:
            self.fail(N_("Unknown problem scope “{text}”; use 组织 or 个人."), text=scope_text.strip())
            scope = None
        name = person_text.strip()
        if scope is None:
            scope = Scope.PERSONAL if name else Scope.ORG
        person_id = None
        if name:
            try:
                person_id = self.resolver.person(name, unit_id)
            except Ambiguous:
                self.fail(N_("Several people are called “{name}”."), name=name)
                return scope, None
            if person_id is None:
                self.fail(N_("There is no person called “{name}”."), name=name)
        elif scope == Scope.PERSONAL:
            self.fail(N_("A personal problem needs the person it belongs to."))
        return scope, person_id

    def _measures(self, cells: dict[str, str]) -> list[MeasureInput]:
        texts = split_numbered(cells.get("measure", ""))
        shared = {k: cells.get(k, "") for k in
                  ("resp_leader", "resp_unit", "resp_person", "measure_deadline")}
        if not texts:
            if any(v.strip() for v in shared.values()):
                self.fail(N_("Responsible people or a measure deadline are given, "
                             "but no rectification measure."))
            return []
        per_measure = {k: _spread(v, len(texts)) for k, v in shared.items()}
        measures = []
        for index, text in enumerate(texts):
            deadline = None
            deadline_text = per_measure["measure_deadline"][index]
            try:
                deadline = parse_deadline(deadline_text)[1]
            except ValueError:
                self.add(_not_a_date("measure_deadline", deadline_text))
            resp_unit_id = self.unit("resp_unit", per_measure["resp_unit"][index])
            measures.append(MeasureInput(
                text=text, resp_leader=per_measure["resp_leader"][index].strip(),
                resp_unit_id=resp_unit_id, resp_person=per_measure["resp_person"][index].strip(),
                deadline=deadline,
            ))
        return measures


def _spread(text: str, count: int) -> list[str]:
    """One value per measure: a cell listing as many lines as there are measures gives each
    its own; otherwise every measure shares the whole cell."""
    lines = split_lines(text)
    if count > 1 and len(lines) == count:
        return lines
    return [" ".join(lines)] * count


def mapping_errors(mapping: Sequence[str | None]) -> list[DomainError]:
    """What keeps a mapping from being used: no description column, a field given twice.
    An unknown field key is a programming error (``ValueError``)."""
    errors: list[DomainError] = []
    for f in FIELDS:
        count = sum(1 for key in mapping if key == f.key)
        if f.required and count == 0:
            errors.append(ValidationError(N_("Choose the column that holds {field_label}."),
                                          field_label=f.label))
        if count > 1:
            errors.append(ValidationError(N_("Only one column can be imported as {field_label}."),
                                          field_label=f.label))
    unknown = [key for key in mapping if key and key not in FIELD_BY_KEY]
    if unknown:
        raise ValueError(f"unknown field keys {unknown}")
    return errors


@dataclass
class RowGroup:
    """The cells of one problem by field key, with the row number the user sees. A problem
    written over several worksheet rows (a hand-made ledger's measure sub-rows) also lists
    each row's measure cells, so each measure keeps its own responsible people and deadline
    and a fault is reported on the row that has it."""

    number: int
    values: dict[str, str]
    measure_rows: list[tuple[int, dict[str, str]]] | None = None


def read_groups(
    groups: Sequence[RowGroup],
    mapping: Sequence[str | None],
    campaign_id: int | None,
    default_unit_id: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> PastePreview:
    """What the groups would create, problem by problem, without writing anything: the one
    reading of cells shared by pasting and by the import of hand-made ledgers. ``progress``
    is told (done, total) now and then; raising from it stops the reading."""
    errors = mapping_errors(mapping)
    campaign = None
    if campaign_id is not None:
        campaign = Campaign.get_or_none(
            (Campaign.id == campaign_id) & Campaign.deleted_at.is_null()
        )
    if campaign is None:
        errors.append(ValidationError(N_("Choose a campaign first.")))
    result = PastePreview(rows=[], errors=errors)
    if errors:
        return result
    reader = _RowReader(campaign, default_unit_id, Resolver(campaign.id))
    for done, group in enumerate(groups):
        if progress is not None and done % 200 == 0:
            progress(done, len(groups))
        problem = reader.read(group.values, group.measure_rows)
        reasons = [RowError(row or group.number, reason)
                   for reason, row in zip(reader.reasons, reader.reason_rows, strict=True)]
        result.rows.append(PreviewRow(group.number, problem, reasons))
    return result


MAX_PASTE_ROWS = 20_000  # as many as a hand-made ledger's sheet may have
MAX_PASTE_CELL = 32_767  # Excel's own limit for one cell


def _paste_too_big(rows: list[list[str]]) -> ValidationError | None:
    """A paste beyond the limits gets one message instead of a preview that freezes the
    window: a whole worksheet copied by mistake, or text that was not copied from a sheet."""
    if len(rows) > MAX_PASTE_ROWS:
        return ValidationError(
            N_("The pasted text has {count} rows, more than the {limit} one paste can take. "
               "Paste the list in several parts."), count=len(rows), limit=MAX_PASTE_ROWS)
    for number, cells in enumerate(rows, start=1):
        if any(len(cell) > MAX_PASTE_CELL for cell in cells):
            return ValidationError(
                N_("Row {row} of the pasted text has a cell of more than {limit} characters, "
                   "more than Excel allows in a cell; it was not copied from a worksheet."),
                row=number, limit=MAX_PASTE_CELL)
    return None


def preview(
    rows: list[list[str]],
    mapping: Sequence[str | None],
    has_header: bool,
    campaign_id: int | None,
    default_unit_id: int | None,
) -> PastePreview:
    """What the paste would create, row by row, without writing anything."""
    too_big = _paste_too_big(rows)
    if too_big is not None:
        return PastePreview(rows=[], errors=[too_big])
    groups: list[RowGroup] = []
    blank_rows: list[int] = []
    first = 1 if has_header else 0
    for index in range(first, len(rows)):
        cells = rows[index]
        number = index + 1
        if not any(c.strip() for c in cells):
            blank_rows.append(number)
            continue
        values = {key: cells[i] for i, key in enumerate(mapping) if key and i < len(cells)}
        groups.append(RowGroup(number, values))
    result = read_groups(groups, mapping, campaign_id, default_unit_id)
    if not result.errors:
        result.blank_rows = blank_rows
    return result


def create_drafts(session: Session, preview: PastePreview, skip_bad: bool = False) -> list[int]:
    """Create the good rows as drafts, all in one transaction: a row refused now (say its
    unit was deleted since the preview) undoes the whole paste, and the error names it."""
    session.require(Role.CLERK)
    if preview.errors:
        raise preview.errors[0]
    if preview.bad and not skip_bad:
        raise ValidationError(
            N_("{count} rows have problems; correct them, or skip them to create the rest."),
            count=len(preview.bad),
        )
    good = preview.good
    if not good:
        raise ValidationError(N_("There are no rows to create."))
    created: list[int] = []
    with database.atomic():
        for row in good:
            assert row.problem is not None
            try:
                created.append(problems.create_problem(session, row.problem).id)
            except DomainError as error:
                raise RowError(row.row, error) from error
    return created


__all__ = [
    "FIELDS",
    "ColumnField",
    "PastePreview",
    "PreviewRow",
    "RowError",
    "RowGroup",
    "create_drafts",
    "guess_mapping",
    "header_field",
    "mapping_errors",
    "parse_clipboard",
    "preview",
    "read_groups",
    "unique_fields",
]

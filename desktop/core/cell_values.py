"""Reading the values people type into spreadsheet cells: dates in their many forms, the words
for the rectification kind and the problem scope, and numbered lists of measures in one cell.

Clerks' sheets are typed by hand in Excel/WPS, so a deadline may be a real date (which arrives
as an Excel serial number or as formatted text), "2026年11月30日", "11月底", or a rule such as
长期坚持. These readers accept the common forms and refuse the rest (``ValueError``) rather
than guess, so that the caller can name the cell the user must correct. Shared by pasting and
by the import of hand-made ledgers; no database, no Qt.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import re

from desktop.core import clock
from desktop.core.models import Kind, Scope

_FULL_WIDTH = str.maketrans("０１２３４５６７８９／－．：　（）", "0123456789/-.: ()")
_SPACES = re.compile(r"\s+")
# Excel's day 0 is 1899-12-30 (its 1900 leap-year bug is before any date we meet).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers of 1954–2119: a five-digit number in a date column is a date cell that lost
# its format; anything shorter is more likely a count or a typo.
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_FULL_DATE = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?:\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(底|末)?$")
_YEAR_END = re.compile(r"^(\d{4})年(底|末)$")
_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})[日号]$")
_MONTH_END = re.compile(r"^(\d{1,2})月(底|末)$")
# "2026年11月30日前", "截至11月底": the words around a date that only say "by then"
_BY_THEN = re.compile(r"^(?:截至|截止|于|在)?(.*?)(?:之前|以前|前)?(?:完成|止)?$")

KIND_WORDS = {
    "立行立改": Kind.IMMEDIATE,
    "立即整改": Kind.IMMEDIATE,
    "即知即改": Kind.IMMEDIATE,
    "立知立改": Kind.IMMEDIATE,
    "限期整改": Kind.DEADLINE,
    "限时整改": Kind.DEADLINE,
    "长期坚持": Kind.ONGOING,
    "长期整改": Kind.ONGOING,
    "持续整改": Kind.ONGOING,
    "immediate": Kind.IMMEDIATE,
    "fixatonce": Kind.IMMEDIATE,
    "deadline": Kind.DEADLINE,
    "fixbyadate": Kind.DEADLINE,
    "ongoing": Kind.ONGOING,
}
# A deadline cell may hold a rule instead of a date.
DEADLINE_WORDS = {
    **KIND_WORDS,
    "长期": Kind.ONGOING,
    "长期坚持整改": Kind.ONGOING,
    "持续推进": Kind.ONGOING,
    "常态化": Kind.ONGOING,
    "立即": Kind.IMMEDIATE,
}
SCOPE_WORDS = {
    "组织": Scope.ORG,
    "组织问题": Scope.ORG,
    "单位": Scope.ORG,
    "党组织": Scope.ORG,
    "个人": Scope.PERSONAL,
    "个人问题": Scope.PERSONAL,
    "org": Scope.ORG,
    "organisation": Scope.ORG,
    "organization": Scope.ORG,
    "personal": Scope.PERSONAL,
    "individual": Scope.PERSONAL,
}


def compact(text: str) -> str:
    """The cell's text without spaces, with full-width digits and punctuation made ASCII and
    letters lower-cased: the form in which cells are compared with known words."""
    return _SPACES.sub("", text.translate(_FULL_WIDTH)).lower()


def cell_text(value: object) -> str:
    """A cell as read from a workbook (text, a number, a date, a truth value or nothing) as
    the text the readers here take: a date cell as ISO text, a whole number without ".0", so
    that a serial number or a date cell reads exactly like the same date typed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel shows them
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _strip_words(text: str) -> str:
    return compact(text).rstrip("。.;；,，")


def _day(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)  # ValueError for 2026-02-30


def _month_end(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    return dt.date(year, month, month_calendar.monthrange(year, month)[1])


def parse_date(text: str) -> dt.date | None:
    """A typed date; None for an empty cell, ``ValueError`` when the text is not a date.

    Month-only forms (2026年11月, 11月底) mean the month's last day, as a deadline "by
    November" is read in the offices; a day without a year is in the current year.
    """
    value = _strip_words(text)
    if not value:
        return None
    if m := _SERIAL.match(value):
        serial = int(m[1])
        if not 20000 <= serial <= 80000:
            raise ValueError(f"{text!r} is not a plausible date serial")
        return EXCEL_EPOCH + dt.timedelta(days=serial)
    value = _BY_THEN.match(value)[1] or value
    this_year = clock.today().year
    if m := _FULL_DATE.match(value):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := _YEAR_END.match(value):
        return dt.date(int(m[1]), 12, 31)
    if m := _YEAR_MONTH.match(value):
        return _month_end(int(m[1]), int(m[2]))
    if m := _MONTH_DAY.match(value):
        return _day(this_year, int(m[1]), int(m[2]))
    if m := _MONTH_END.match(value):
        return _month_end(this_year, int(m[1]))
    raise ValueError(f"{text!r} is not a date")


def parse_deadline(text: str) -> tuple[Kind | None, dt.date | None]:
    """A deadline cell: a rule word (长期坚持 → ongoing, 立行立改 → at once) or a date."""
    kind = DEADLINE_WORDS.get(_strip_words(text))
    if kind is not None:
        return kind, None
    return None, parse_date(text)


def parse_kind(text: str) -> Kind | None:
    """None for an empty cell, ``ValueError`` for a word that is not a kind."""
    value = _strip_words(text)
    if not value:
        return None
    if value in KIND_WORDS:
        return KIND_WORDS[value]
    raise ValueError(f"{text!r} is not a rectification kind")


def parse_scope(text: str) -> Scope | None:
    value = _strip_words(text)
    if not value:
        return None
    if value in SCOPE_WORDS:
        return SCOPE_WORDS[value]
    raise ValueError(f"{text!r} is not a problem scope")


# -- numbered lists in one cell -----------------------------------------------------------------

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN_NUMBERS = "一二三四五六七八九十"
# A marker's style and its number. Markers in brackets or circles may stand inside a line
# ("（1）…（2）…" is how WPS users often type a list); "1." only at a line start, where it
# cannot be a decimal such as 1.5万.
_INLINE_MARKER = re.compile(r"[（(]\s*(\d{1,2})\s*[）)]|([①-⑳])")
_LINE_MARKER = re.compile(
    r"^[ \t\u3000]*(?:(\d{1,2})\s*[.．、)）](?!\d)|[（(]\s*(\d{1,2})\s*[）)]|([①-⑳])"
    r"|([一二三四五六七八九十])\s*、)",
    re.MULTILINE,
)


def _marker_at(match: re.Match[str]) -> tuple[str, int]:
    groups = match.groups()
    if match.re is _INLINE_MARKER:
        groups = (None, groups[0], groups[1], None)
    arabic, bracketed, circled, chinese = groups
    if arabic:
        return "1.", int(arabic)
    if bracketed:
        return "(1)", int(bracketed)
    if circled:
        return "①", _CIRCLED.index(circled) + 1
    return "一、", _CN_NUMBERS.index(chinese) + 1


def split_numbered(text: str) -> list[str]:
    """The items of a numbered list in one cell ("1.…\\n2.…", "（1）…（2）…", "①…②…"), without
    their numbers; a cell that does not start with item 1 is one item, as typed.

    Only the style of the first marker counts, and only the next number in sequence, so that
    a sub-list or a stray "(3)" inside an item stays part of its text.
    """
    text = text.strip()
    if not text:
        return []
    found: list[tuple[int, int, str, int]] = []  # start, end, style, number
    for pattern in (_LINE_MARKER, _INLINE_MARKER):
        for m in pattern.finditer(text):
            style, number = _marker_at(m)
            found.append((m.start(), m.end(), style, number))
    found.sort()
    if not found or found[0][0] != 0 or found[0][3] != 1:
        return [text]
    style = found[0][2]
    cuts: list[tuple[int, int]] = []
    expected = 1
    for start, end, marker_style, number in found:
        if marker_style != style or number != expected:
            continue
        if cuts and start < cuts[-1][1]:
            continue
        cuts.append((start, end))
        expected += 1
    items = []
    for index, (_start, end) in enumerate(cuts):
        stop = cuts[index + 1][0] if index + 1 < len(cuts) else len(text)
        item = text[end:stop].strip()
        if item:
            items.append(item)
    return items or [text]


def drop_leading_number(text: str) -> str:
    """One item of a list written one item a row ("2.推行容缺受理" on a ledger's second
    measure row) without its number; other text as it is."""
    text = text.strip()
    m = _LINE_MARKER.match(text)
    if m is None or "\n" in text[: m.end()]:
        return text
    rest = text[m.end():].strip()
    return rest or text


def split_lines(text: str) -> list[str]:
    """Non-empty lines of a cell, numbering removed (for the responsible people of several
    measures listed one per line)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        items = split_numbered(text)
        if len(items) == len(lines):
            return items
    return lines

"""Read the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知).

The built-in calendar only knows the years its package was released for; offices on isolated
intranets cannot update it. The notice, though, reaches every office as text, so the administrator
pastes it and this module turns it into dated overrides for :class:`~desktop.core.workdays.
WorkdayCalendar`. Typical lines::

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。…
    四、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（周六）、10月8日（周日）上班。

The reader is lenient about form (full- or half-width digits and punctuation, wrapped lines, the
whole notice pasted as one line) but strict about meaning: every weekday the notice states in
parentheses and every "共N天" is checked against the dates, because a misread year or day would
silently move every deadline. What it cannot read is reported per line, never guessed.

No Qt, no database: stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from desktop.core.errors import ValidationError, render
from desktop.core.i18n import N_
from desktop.core.workdays import WorkdayCalendar

WEEKDAY_LABELS = (
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
    N_("Friday"), N_("Saturday"), N_("Sunday"),
)  # fmt: skip

# -- what the reader says when it cannot read something -----------------------------------------
NO_MONTH = N_("Line {line}: the day “{text}” has no month.")
BAD_DATE = N_("Line {line}: “{text}” is not a valid date.")
OUT_OF_YEAR = N_("Line {line}: {date} is not in {year}, the year of the notice.")
BACKWARDS = N_("Line {line}: the range {start} to {end} runs backwards.")
WRONG_WEEKDAY = N_("Line {line}: {date} is a {actual_label}, but the notice says {stated_label}.")
WRONG_COUNT = N_("Line {line}: the notice says {stated} days off, but the dates give {counted}.")
NO_KIND = N_(
    "Line {line}: “{text}” gives dates but says neither 放假 (days off) nor 上班 (working day)."
)
BOTH_KINDS = N_("Line {line}: “{text}” says both 放假 and 上班, so it is unclear which is which.")
CONFLICT = N_("Line {line}: {date} is listed both as a day off and as a working day.")
NO_NAME = N_("Line {line}: “{text}” gives dates but no holiday name before them.")
NO_DATES = N_("Line {line}: no dates could be read for {name}.")

NO_YEAR = N_(
    "Could not tell which year the holiday notice is for. Enter the year, or paste the notice "
    "with its title (“…年部分节假日安排”)."
)
YEAR_MISMATCH = N_("The notice is for {found}, but {year} was given.")
NOTHING_READ = N_("No holiday dates could be read from the notice.")

# -- the shapes of the text ---------------------------------------------------------------------
_NORMALIZE = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "～": "~", "－": "-", "—": "-",
       "–": "-", "．": ".", "〇": "0"}
)  # fmt: skip
_SPACE = re.compile(r"\s+|[\ue000-\uf8ff]")  # private-use characters are ours (see _MASK_BASE)
_ITEM_START = re.compile(r"(?<=。)\s*(?=[一二三四五六七八九十]{1,3}\s*[、.．])")
_HEADER = re.compile(
    r"^(?P<enum>[一二三四五六七八九十]{1,3}[、.]|\(?[一二三四五六七八九十]{1,3}\)|\d{1,2}[、.])?"
    r"(?P<name>[^:,。;]{1,40}?):(?P<body>.*)$"
)
_HOLIDAY_WORD = re.compile(r"元旦|春节|清明|劳动节|五一|端午|中秋|国庆|纪念日|节假日|假日")
_TITLE_YEAR = re.compile(r"(\d{4})年(?:部分)?节假日(?:安排|放假)")
_INTRO_YEAR = re.compile(r"现将(\d{4})年")
_PAREN = re.compile(r"\(([^()]*)\)")
_MASK_BASE = 0xE000  # private-use characters stand in for parenthesised remarks
_DATE = re.compile(
    r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?P<p>[\ue000-\uf8ff])?"
)
_RANGE_WORDS = frozenset({"至", "-", "--", "~", "到"})
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_COUNT = re.compile(r"共(\d{1,2})天")
_OFF_WORDS = ("放假", "补休", "公休", "休假")
_WORK_WORDS = ("上班", "补班")


@dataclass(frozen=True)
class NoticeProblem:
    """Something in the notice that could not be read; kept as a message id and parameters so the
    dialog can show it in the user's language."""

    line_no: int
    message_id: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, language: str | None = None) -> str:
        return render(self.message_id, {"line": self.line_no, **self.params}, language)

    def __str__(self) -> str:
        return self.message()


@dataclass
class HolidayEntry:
    """One numbered item of the notice (e.g. 七、国庆节) and the dates it fixes."""

    name: str
    holidays: list[date]
    workdays: list[date]
    line_no: int
    source_line: str


@dataclass
class HolidayNotice:
    year: int
    entries: list[HolidayEntry]
    problems: list[NoticeProblem]

    def holidays(self) -> list[date]:
        return sorted({d for e in self.entries for d in e.holidays})

    def workdays(self) -> list[date]:
        return sorted({d for e in self.entries for d in e.workdays})

    def problem_messages(self, language: str | None = None) -> list[str]:
        return [p.message(language) for p in self.problems]


def _normalize(text: str) -> str:
    return _SPACE.sub("", text.translate(_NORMALIZE))


def _kind(clause: str) -> bool | None | str:
    """``False`` for days off, ``True`` for working days, ``None`` if neither, ``"both"``."""
    off = any(w in clause for w in _OFF_WORDS)
    work = any(w in clause for w in _WORK_WORDS)
    if off and work:
        return "both"
    return work if (off or work) else None


class _Reader:
    """Reads the body of one entry; collects problems against the entry's line number."""

    def __init__(self, year: int, name: str, line_no: int, problems: list[NoticeProblem]) -> None:
        self.year = year
        self.new_year = "元旦" in name  # only there can a December date belong to the year before
        self.line_no = line_no
        self.problems = problems

    def problem(self, message_id: str, **params: Any) -> None:
        self.problems.append(NoticeProblem(self.line_no, message_id, params))

    def read(self, body: str) -> tuple[list[date], list[date]]:
        remarks: list[str] = []

        def mask(m: re.Match[str]) -> str:
            remarks.append(m.group(1))
            return chr(_MASK_BASE + len(remarks) - 1)

        # remarks like "（农历腊月二十八、周日）" or "除夕（2月9日）" must not be read as dates
        masked = _PAREN.sub(mask, body)
        off: list[date] = []
        work: list[date] = []
        for sentence in re.split(r"[。;]", masked):
            clauses = [c for c in sentence.split(",") if c]
            kinds = [_kind(c) for c in clauses]
            if off or work:
                found = list(_DATE.finditer(sentence))
                if all(k is None for k in kinds) and all(m["y"] for m in found):
                    continue  # a dated signature or remark run on after the last item
            sentence_off: list[date] = []
            for i, clause in enumerate(clauses):
                dates = self._dates(clause, remarks)
                if not dates:
                    continue
                kind = kinds[i]
                if kind is None:  # "1月1日至3日, 放假" — the verb may follow in the next clause
                    kind = next((k for k in kinds[i + 1 :] if k is not None), None)
                shown = self._unmask(clause, remarks)
                if kind is None:
                    self.problem(NO_KIND, text=shown)
                elif kind == "both":
                    self.problem(BOTH_KINDS, text=shown)
                elif kind:
                    work.extend(dates)
                else:
                    off.extend(dates)
                    sentence_off.extend(dates)
            count = _COUNT.search(sentence)
            if count and sentence_off and int(count.group(1)) != len(set(sentence_off)):
                self.problem(
                    WRONG_COUNT, stated=int(count.group(1)), counted=len(set(sentence_off))
                )
        return off, work

    @staticmethod
    def _unmask(text: str, remarks: list[str]) -> str:
        return re.sub(
            r"[\ue000-\uf8ff]", lambda m: f"({remarks[ord(m.group()) - _MASK_BASE]})", text
        )

    def _dates(self, clause: str, remarks: list[str]) -> list[date]:
        """Every date of one clause, ranges ("至") expanded, years resolved."""
        result: list[date] = []
        prev: date | None = None
        prev_end = 0
        for m in _DATE.finditer(clause):
            joined_to_prev = prev is not None and clause[prev_end : m.start()] in _RANGE_WORDS
            month = int(m["m"]) if m["m"] else (prev.month if prev else None)
            if month is None:
                self.problem(NO_MONTH, text=f"{m['d']}日")
                prev = None
                continue
            if m["y"]:
                year = int(m["y"])
            elif prev is not None and (joined_to_prev or not m["m"]):
                # "12月31日至1月2日": the end of a range never lies before its start
                year = prev.year + (1 if joined_to_prev and month < prev.month else 0)
            elif self.new_year and month == 12:
                year = self.year - 1  # 元旦 holidays may start on 30/31 December of the year before
            else:
                year = self.year
            try:
                day = date(year, month, int(m["d"]))
            except ValueError:
                self.problem(BAD_DATE, text=f"{year}年{month}月{m['d']}日")
                prev = None
                continue
            prev_end = m.end()
            if not (day.year == self.year or (day.year == self.year - 1 and day.month == 12)):
                self.problem(OUT_OF_YEAR, date=day.isoformat(), year=self.year)
                prev = None
                continue
            if m["p"]:
                self._check_weekday(day, remarks[ord(m["p"]) - _MASK_BASE])
            if joined_to_prev and prev is not None:
                if day < prev:
                    self.problem(BACKWARDS, start=prev.isoformat(), end=day.isoformat())
                else:
                    result.extend(prev + timedelta(days=i) for i in range(1, (day - prev).days + 1))
            else:
                result.append(day)
            prev = day
        return result

    def _check_weekday(self, day: date, remark: str) -> None:
        stated = _WEEKDAY.search(remark)
        if stated and _WEEKDAY_INDEX[stated.group(1)] != day.weekday():
            self.problem(
                WRONG_WEEKDAY,
                date=day.isoformat(),
                actual_label=WEEKDAY_LABELS[day.weekday()],
                stated_label=WEEKDAY_LABELS[_WEEKDAY_INDEX[stated.group(1)]],
            )


def _notice_year(lines: list[str]) -> int | None:
    text = "\n".join(lines)
    found = _TITLE_YEAR.search(text) or _INTRO_YEAR.search(text)
    return int(found.group(1)) if found else None


def _header(segment: str) -> tuple[str, str] | None:
    """``(name, body)`` when the segment opens a holiday item."""
    m = _HEADER.match(segment)
    if not m:
        return None
    name = re.sub(r"^\d{4}年", "", m["name"])
    if _HOLIDAY_WORD.search(name) or (m["enum"] and _DATE.search(m["body"])):
        return name, m["body"]
    return None


def _has_dated_verb(segment: str) -> bool:
    masked = _PAREN.sub("", segment)
    return bool(_DATE.search(masked)) and _kind(masked) is not None


def parse_holiday_notice(text: str, year: int | None = None) -> HolidayNotice:
    """Read a pasted holiday notice.

    ``year`` is needed only when the title line ("20XX年部分节假日安排") is not pasted; if both
    are there they must agree. Raises :class:`ValidationError` when the year is unknown or no date
    at all could be read; anything smaller is listed in :attr:`HolidayNotice.problems`.
    """
    # (line number, raw segment); a physical line may hold several items when pasted as one line
    segments = [
        (no, seg.strip())
        for no, raw in enumerate(text.splitlines(), start=1)
        for seg in _ITEM_START.split(raw)
        if seg.strip()
    ]
    found = _notice_year([_normalize(s) for _, s in segments])
    if year is not None and found is not None and year != found:
        raise ValidationError(YEAR_MISMATCH, found=found, year=year)
    year = year if year is not None else found
    if year is None:
        raise ValidationError(NO_YEAR)

    problems: list[NoticeProblem] = []
    entries: list[HolidayEntry] = []
    pending: tuple[str, int, list[str], list[str]] | None = None  # name, line, bodies, sources

    def flush() -> None:
        if pending is None:
            return
        name, line_no, bodies, sources = pending
        off, work = _Reader(year, name, line_no, problems).read("".join(bodies))
        if not off and not work:
            problems.append(NoticeProblem(line_no, NO_DATES, {"name": name}))
            return
        entries.append(
            HolidayEntry(name, sorted(set(off)), sorted(set(work)), line_no, "\n".join(sources))
        )

    for line_no, raw in segments:
        segment = _normalize(raw)
        header = _header(segment)
        if header:
            flush()
            pending = (header[0], line_no, [header[1]], [raw])
        elif pending is not None and (
            not pending[2][-1].endswith("。") or _has_dated_verb(segment)
        ):  # a wrapped line, or the 上班 sentence on a line of its own
            pending[2].append(segment)
            pending[3].append(raw)
        else:
            flush()
            pending = None
            if _has_dated_verb(segment):
                problems.append(NoticeProblem(line_no, NO_NAME, {"text": raw}))
    flush()

    if not entries:
        raise ValidationError(NOTHING_READ)
    _check_conflicts(entries, problems)
    problems.sort(key=lambda p: p.line_no)
    return HolidayNotice(year, entries, problems)


def _check_conflicts(entries: list[HolidayEntry], problems: list[NoticeProblem]) -> None:
    seen: dict[date, bool] = {}
    for entry in entries:
        for days, is_work in ((entry.holidays, False), (entry.workdays, True)):
            for d in days:
                if seen.setdefault(d, is_work) != is_work:
                    problems.append(NoticeProblem(entry.line_no, CONFLICT, {"date": d.isoformat()}))


def notice_overrides(notice: HolidayNotice) -> dict[date, tuple[bool, str]]:
    """date → (is_workday, holiday name) for every date the notice fixes.

    Days off that fall on a weekend are included too: they carry the holiday's name for display and
    cost nothing. Where the notice contradicts itself (reported in ``problems``) the later line wins.
    """
    result: dict[date, tuple[bool, str]] = {}
    for entry in notice.entries:
        for d in entry.holidays:
            result[d] = (False, entry.name)
        for d in entry.workdays:
            result[d] = (True, entry.name)
    return result


def notice_calendar(notice: HolidayNotice, base: WorkdayCalendar | None = None) -> WorkdayCalendar:
    """``base`` (default: the built-in calendar) with the notice's dates, and its year now known."""
    days = {d: is_work for d, (is_work, _name) in notice_overrides(notice).items()}
    return (base or WorkdayCalendar()).with_overrides(days, confirmed_years={notice.year})

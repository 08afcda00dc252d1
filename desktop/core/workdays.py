"""Working-day calendar (工作日): Mon–Fri, minus public holidays, plus adjusted workdays (调休上班).

Deadlines such as 限时办结 "7个工作日内" and the yellow light "due within N working days" are
counted in working days, so every ledger screen asks this module many questions at once (one per
row, thousands of rows). It therefore precomputes, per year, a flag for each day and a running count
of working days, and answers with a bisect instead of walking day by day.

Sources, strongest first:

1. *overrides* entered by the administrator (usually read from the State Council's holiday notice,
   see :mod:`desktop.core.holiday_notice`, or a local arrangement); they always win;
2. the ``chinesecalendar`` package for the years it covers;
3. plain Mon–Fri for any other year. Such a year is remembered in :attr:`WorkdayCalendar.guessed_years`
   so the UI can warn that the built-in calendar does not know it and ask for that year's notice.

Pure Python: no database and no Qt, so the CLI, the services and the tests use it alike.
"""

from __future__ import annotations

import calendar as _stdcal
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from itertools import accumulate
from types import MappingProxyType

from desktop.core.errors import ValidationError
from desktop.core.i18n import N_

try:  # a frozen build that lost the package still counts Mon–Fri rather than failing to start
    from chinese_calendar import constants as _cc
except ImportError:  # pragma: no cover - the package is a declared dependency
    _cc = None

DEFAULT_DEADLINE_WORKDAYS = 7
"""限时办结: the default number of working days to finish a problem (seed 003)."""
MAX_DEADLINE_WORKDAYS = 15
"""限时办结: the most working days a unit may allow itself (seed 003)."""


def _library_tables() -> tuple[range, dict[int, list[date]], dict[int, list[date]]]:
    """Group the package's holiday and workday tables by year, once.

    The covered range is taken the way the package itself validates dates (min and max year of its
    holiday table), so a year inside the range is one the package would answer for.
    """
    if _cc is None or not _cc.holidays:
        return range(0), {}, {}
    holidays: dict[int, list[date]] = {}
    workdays: dict[int, list[date]] = {}
    for d in _cc.holidays:
        holidays.setdefault(d.year, []).append(d)
    for d in _cc.workdays:
        workdays.setdefault(d.year, []).append(d)
    years = range(min(_cc.holidays).year, max(_cc.holidays).year + 1)
    return years, holidays, workdays


LIBRARY_YEARS, _LIB_HOLIDAYS, _LIB_WORKDAYS = _library_tables()


def library_years() -> range:
    """Years the built-in calendar (``chinesecalendar``) knows."""
    return LIBRARY_YEARS


def _as_date(d: date) -> date:
    # datetime is a date subclass; counting on it would leak a time of day into the results
    return d.date() if isinstance(d, datetime) else d


class _Year:
    """One year's answers: ``flags[k]`` is 1 when day *k* (0 = 1 January) is a working day and
    ``cum[k]`` the number of working days among days ``0 .. k-1``; ``cum`` is sorted, which is what
    lets :func:`bisect_left` find "the n-th working day" directly."""

    __slots__ = ("start", "flags", "cum", "total")

    def __init__(self, start: int, flags: bytearray) -> None:
        self.start = start
        self.flags = bytes(flags)
        self.cum = list(accumulate(flags, initial=0))
        self.total = self.cum[-1]


class WorkdayCalendar:
    """Answers "is this a working day" and counts working days, fast.

    ``overrides`` maps a date to ``True`` (a working day, e.g. a 调休 Saturday) or ``False`` (a
    holiday); they win over everything. ``confirmed_years`` are years whose full holiday notice the
    administrator entered, so they count as known even when the package does not cover them;
    overrides alone do not make a year known (one local day off says nothing about the rest of the
    year). ``use_library=False`` ignores the package (tests; a notice checked on its own).

    The calendar is immutable once built; build a new one (:meth:`with_overrides`) when the
    administrator changes the overrides.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        confirmed_years: Iterable[int] = (),
        *,
        use_library: bool = True,
    ) -> None:
        self._overrides: dict[date, bool] = {
            _as_date(d): bool(v) for d, v in (overrides or {}).items()
        }
        self._by_year: dict[int, list[tuple[date, bool]]] = {}
        for d, v in self._overrides.items():
            self._by_year.setdefault(d.year, []).append((d, v))
        self._confirmed = frozenset(int(y) for y in confirmed_years)
        self._use_library = use_library
        self._years: dict[int, _Year] = {}
        self._guessed: set[int] = set()

    # -- construction ------------------------------------------------------------------------

    @property
    def overrides(self) -> Mapping[date, bool]:
        return MappingProxyType(self._overrides)

    @property
    def confirmed_years(self) -> frozenset[int]:
        return self._confirmed

    def with_overrides(
        self, overrides: Mapping[date, bool], confirmed_years: Iterable[int] = ()
    ) -> WorkdayCalendar:
        """A new calendar with these overrides added (they win over this calendar's own)."""
        merged = dict(self._overrides)
        merged.update({_as_date(d): bool(v) for d, v in overrides.items()})
        return WorkdayCalendar(
            merged, self._confirmed | set(confirmed_years), use_library=self._use_library
        )

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        start = date(year, 1, 1).toordinal()
        ndays = 366 if _stdcal.isleap(year) else 365
        # ordinal 1 (0001-01-01) is a Monday, so (ordinal - 1) % 7 is date.weekday()
        flags = bytearray(1 if (start + k - 1) % 7 < 5 else 0 for k in range(ndays))
        if self._use_library and year in LIBRARY_YEARS:
            for d in _LIB_HOLIDAYS.get(year, ()):
                flags[d.toordinal() - start] = 0
            for d in _LIB_WORKDAYS.get(year, ()):
                flags[d.toordinal() - start] = 1
        elif year not in self._confirmed:
            self._guessed.add(year)
        for d, is_work in self._by_year.get(year, ()):
            flags[d.toordinal() - start] = 1 if is_work else 0
        built = _Year(start, flags)
        self._years[year] = built
        return built

    # -- what the calendar knows -------------------------------------------------------------

    def known_years(self) -> frozenset[int]:
        """Years whose holidays are known: covered by the package, or confirmed by a notice."""
        lib = set(LIBRARY_YEARS) if self._use_library else set()
        return frozenset(lib | self._confirmed)

    def year_is_known(self, year: int) -> bool:
        return year in self._confirmed or (self._use_library and year in LIBRARY_YEARS)

    def unknown_years_in(self, start: date, end: date) -> list[int]:
        """Years between ``start`` and ``end`` (either order) that would be guessed as Mon–Fri,
        so the UI can ask for that year's holiday notice before trusting a deadline."""
        lo, hi = sorted((start.year, end.year))
        return [y for y in range(lo, hi + 1) if not self.year_is_known(y)]

    @property
    def guessed_years(self) -> frozenset[int]:
        """Years this calendar has already answered for with plain Mon–Fri."""
        return frozenset(self._guessed)

    # -- questions ---------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        d = _as_date(d)
        yr = self._year(d.year)
        return yr.flags[d.toordinal() - yr.start] == 1

    def add_workdays(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself is not counted.

        This is how 限时办结 "7个工作日内" is counted: the clock starts the day after the problem
        is received, so a problem received on Wednesday 30 September 2026 is due on the 7th working
        day after it (15 October, past the National Day week and the 调休 Saturday 10 October).

        ``n == 0`` gives ``start`` when it is a working day, else the next working day ("today, or
        the first day the office is open"). A negative ``n`` counts backwards: the ``|n|``-th
        working day before ``start`` (e.g. when to send a reminder).
        """
        start = _as_date(start)
        if n == 0:
            return start if self.is_workday(start) else self.add_workdays(start, 1)
        year = start.year
        yr = self._year(year)
        k = start.toordinal() - yr.start
        if n > 0:
            rank = yr.cum[k + 1] + n  # rank, within the year, of the working day we want
            while rank > yr.total:
                rank -= yr.total
                year += 1
                yr = self._year(year)
        else:
            rank = yr.cum[k] + n + 1  # cum[k] working days lie before start in its year
            while rank < 1:
                year -= 1
                yr = self._year(year)
                rank += yr.total
        # the first index whose running count reaches `rank` is one past that working day
        return date.fromordinal(yr.start + bisect_left(yr.cum, rank) - 1)

    def next_workday(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_workdays(d, 1)

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``: after ``a``, up to and including ``b``; negative when
        ``b < a``. So ``workdays_between(received, deadline)`` is the number of working days a
        deadline grants, and ``workdays_between(d, add_workdays(d, n)) == n`` for ``n > 0``."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        ya, yb = self._year(a.year), self._year(b.year)
        ca = ya.cum[a.toordinal() - ya.start + 1]
        cb = yb.cum[b.toordinal() - yb.start + 1]
        if a.year == b.year:
            return cb - ca
        middle = sum(self._year(y).total for y in range(a.year + 1, b.year))
        return (ya.total - ca) + middle + cb

    def __repr__(self) -> str:
        return (
            f"WorkdayCalendar({len(self._overrides)} overrides, "
            f"confirmed={sorted(self._confirmed)}, use_library={self._use_library})"
        )


# -- 限时办结: the default deadline rule ------------------------------------------------------


def default_deadline(
    calendar: WorkdayCalendar, start: date, workdays: int = DEFAULT_DEADLINE_WORKDAYS
) -> date:
    """The deadline of a problem received on ``start`` under 限时办结: ``workdays`` working days
    counted from the day after receipt (see :meth:`WorkdayCalendar.add_workdays`)."""
    if workdays < 1:
        raise ValidationError(N_("A deadline needs at least 1 working day, not {n}."), n=workdays)
    return calendar.add_workdays(start, workdays)


def check_deadline_rule(
    calendar: WorkdayCalendar,
    start: date,
    deadline: date,
    max_workdays: int = MAX_DEADLINE_WORKDAYS,
) -> int:
    """Refuse a 限时办结 deadline that grants more than ``max_workdays`` working days after
    ``start`` (or lies before it); return the number of working days it grants."""
    if deadline < start:
        raise ValidationError(
            N_("The deadline {deadline} is before {start}."),
            deadline=deadline.isoformat(),
            start=start.isoformat(),
        )
    n = calendar.workdays_between(start, deadline)
    if n > max_workdays:
        raise ValidationError(
            N_(
                "The deadline {deadline} is {n} working days after {start}; "
                "time-limited completion (限时办结) allows at most {max} working days."
            ),
            deadline=deadline.isoformat(),
            start=start.isoformat(),
            n=n,
            max=max_workdays,
        )
    return n

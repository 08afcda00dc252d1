"""The campaign over time: open problems day by day (burn-down), its phases and milestones,
and the next date a ledger is due to the higher office.

The burn-down is rebuilt from the records, not from stored snapshots: a problem is open from
the day it was created until a recorded transition takes it to 已销号, and open again from the
day it is reopened. Two grouped queries give the change per day (creations; closings and
reopenings), and a running sum turns them into the series, so 100,000 problems and their
hundreds of thousands of transitions never come into Python one by one.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import Case, fn

from desktop.core.models import (
    Campaign,
    Cycle,
    Milestone,
    Phase,
    Problem,
    State,
    Transition,
    database,
)
from desktop.core.workdays import WorkdayCalendar

# -- burn-down -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BurnDown:
    """``open[i]`` is the number of problems open at the end of ``days[i]``; ``ideal[i]`` the
    line from the peak down to 0 on the campaign's end date (``None`` before the peak, and
    throughout when the campaign has no end date after it)."""

    days: list[dt.date]
    open: list[int]
    ideal: list[float | None]
    end_date: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.days[0].isoformat() if self.days else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "days": [d.isoformat() for d in self.days],
            "open": list(self.open),
            "ideal": list(self.ideal),
        }


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _daily_changes(campaign_id: int) -> dict[dt.date, int]:
    """Change of the open count per day: +1 per problem created, -1 per transition into
    closed, +1 per transition out of it. Deleted problems (drafts only) leave no trace."""
    live = (Problem.campaign == campaign_id) & Problem.deleted_at.is_null()
    created_day = fn.date(Problem.created_at)
    created = (Problem.select(created_day, fn.COUNT(Problem.id))
               .where(live).group_by(created_day))
    closed = State.CLOSED.value
    into, out_of = Transition.to_state == closed, Transition.from_state == closed
    step_day = fn.date(Transition.at)
    # The closings and reopenings are read from v009's two state indexes, and the campaign's
    # live problems as one list of ids from its problem index: neither the wide transition
    # rows nor the problem rows are read (a join looked up each transition's problem row)
    steps = (Transition.select(step_day, fn.SUM(Case(None, [(into, -1)], 1)))
             .where(Transition.problem.in_(Problem.select(Problem.id).where(live))
                    & Transition.deleted_at.is_null() & ((into & ~out_of) | (out_of & ~into)))
             .group_by(step_day))
    changes: dict[dt.date, int] = {}
    for query in (created, steps):
        for day, delta in database.execute(query).fetchall():
            if day is not None:
                changes[_as_date(day)] = changes.get(_as_date(day), 0) + int(delta)
    return changes


def burndown_for(campaign: Campaign, as_of: dt.date) -> BurnDown:
    """From the campaign's start (or the first problem's creation, if earlier or there is no
    start date) to ``as_of``; what happened before the first day is in its count."""
    changes = _daily_changes(campaign.id)
    starts = [d for d in (campaign.start_date, min(changes, default=None)) if d is not None]
    if not starts or min(starts) > as_of:
        return BurnDown([], [], [], campaign.end_date)
    first = min(starts)
    count = sum(delta for day, delta in changes.items() if day < first)
    days, counts = [], []
    day = first
    while day <= as_of:
        count += changes.get(day, 0)
        days.append(day)
        counts.append(count)
        day += dt.timedelta(days=1)
    return BurnDown(days, counts, ideal_line(days, counts, campaign.end_date), campaign.end_date)


def ideal_line(days: list[dt.date], counts: list[int], end: dt.date | None) -> list[float | None]:
    """The straight line from the peak (the first day the most problems were open) down to 0
    on the campaign's end date. A campaign starts before its problems are found, so a line
    from the first day would start at 0 and say nothing; from the peak it shows the pace the
    rest of the campaign needs."""
    ideal: list[float | None] = [None] * len(days)
    if not counts or end is None:
        return ideal
    peak = counts.index(max(counts))
    top, start = counts[peak], days[peak]
    if top == 0 or end <= start:
        return ideal
    span = (end - start).days
    for i in range(peak, len(days)):
        ideal[i] = max(0.0, top * (end - days[i]).days / span)
    return ideal


# -- phases and milestones -------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseInfo:
    id: int
    name: str
    start_date: dt.date | None
    end_date: dt.date | None
    current: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "current": self.current,
                "start_date": _iso(self.start_date), "end_date": _iso(self.end_date)}


@dataclass(frozen=True)
class MilestoneInfo:
    """``workdays_left``: working days after ``as_of`` up to the due date, holidays and 调休
    honoured (0: due today; negative: that many working days overdue)."""

    id: int
    name: str
    phase: str
    due_date: dt.date
    days_left: int
    workdays_left: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "phase": self.phase,
                "due_date": self.due_date.isoformat(), "days_left": self.days_left,
                "workdays_left": self.workdays_left}


@dataclass(frozen=True)
class Timeline:
    phases: list[PhaseInfo]  # by start date
    upcoming: list[MilestoneInfo]  # not done, due today or later, nearest first
    overdue: list[MilestoneInfo]  # not done and past due, oldest first
    done: int  # milestones marked done

    def as_dict(self) -> dict[str, Any]:
        return {"phases": [p.as_dict() for p in self.phases],
                "upcoming": [m.as_dict() for m in self.upcoming],
                "overdue": [m.as_dict() for m in self.overdue], "done": self.done}


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _is_current(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """A phase is under way from its start; one without an end runs on."""
    return start is not None and start <= day and (end is None or day <= end)


def timeline_for(campaign: Campaign, as_of: dt.date, calendar: WorkdayCalendar) -> Timeline:
    phases = sorted(Phase.live().where(Phase.campaign == campaign.id),
                    key=lambda p: (p.start_date is None, p.start_date or dt.date.min,
                                   p.sort_order, p.id))
    names = {p.id: p.name for p in phases}
    infos = [PhaseInfo(p.id, p.name, p.start_date, p.end_date,
                       _is_current(p.start_date, p.end_date, as_of)) for p in phases]
    upcoming, overdue, done = [], [], 0
    for m in (Milestone.live().where(Milestone.campaign == campaign.id)
              .order_by(Milestone.due_date, Milestone.id)):
        if m.done_date is not None:
            done += 1
            continue
        info = MilestoneInfo(m.id, m.name, names.get(m.phase_id, ""), m.due_date,
                             (m.due_date - as_of).days,
                             calendar.workdays_between(as_of, m.due_date))
        (upcoming if m.due_date >= as_of else overdue).append(info)
    return Timeline(infos, upcoming, overdue, done)


# -- the next filing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """The next date the ledger is due (报送) under the campaign's reporting cycle."""

    cycle: str
    date: dt.date
    days_left: int
    workdays_left: int  # working days after as_of up to and including the date

    def as_dict(self) -> dict[str, Any]:
        return {"cycle": self.cycle, "date": self.date.isoformat(),
                "days_left": self.days_left, "workdays_left": self.workdays_left}


def _day_of_month(year: int, month: int, day: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, min(day, month_calendar.monthrange(year, month)[1]))


def next_filing_date(cycle: str, report_day: int, as_of: dt.date) -> dt.date:
    """The first filing date on or after ``as_of``: weekly on weekday ``report_day``
    (1 Monday … 7 Sunday), monthly on that day of each month, quarterly on that day of the
    month after each quarter (January, April, July, October). The date is not moved off a
    holiday: the plan fixes it, and the office files before it."""
    if cycle == Cycle.WEEK.value:
        return as_of + dt.timedelta(days=(report_day - as_of.isoweekday()) % 7)
    months = (1, 4, 7, 10) if cycle == Cycle.QUARTER.value else tuple(range(1, 13))
    for ahead in range(13):
        day = _day_of_month(as_of.year, as_of.month + ahead, report_day)
        if day.month in months and day >= as_of:
            return day
    raise AssertionError("a filing month lies within a year")  # pragma: no cover


def filing_for(campaign: Campaign, as_of: dt.date, calendar: WorkdayCalendar) -> Filing:
    day = next_filing_date(campaign.cycle, campaign.report_day, as_of)
    return Filing(campaign.cycle, day, (day - as_of).days, calendar.workdays_between(as_of, day))

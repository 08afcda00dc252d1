"""Due-date lights (DESIGN §4) and the deadline rules.

Open items: red (overdue), yellow (due within N working days), green. 长期坚持 (ongoing) items
never turn red by date; they are flagged "stale" when no progress was recorded within the
campaign's reporting cycle. Closed items count as on time or late.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import enum
from dataclasses import dataclass

from desktop.core.i18n import N_
from desktop.core.models import Cycle, Kind, State
from desktop.core.workdays import WorkdayCalendar


class Light(str, enum.Enum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    STALE = "stale"  # ongoing, no progress in the reporting cycle
    ON_TIME = "on_time"
    LATE = "late"


LIGHT_LABELS = {
    Light.RED: N_("Overdue"),
    Light.YELLOW: N_("Due soon"),
    Light.GREEN: N_("On track"),
    Light.STALE: N_("No progress this cycle"),
    Light.ON_TIME: N_("Closed on time"),
    Light.LATE: N_("Closed late"),
}


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = month_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def cycle_start(today: dt.date, cycle: str) -> dt.date:
    """The earliest date a progress note may carry and still count for the current cycle."""
    if cycle == Cycle.WEEK.value:
        return today - dt.timedelta(days=7)
    if cycle == Cycle.QUARTER.value:
        return months_before(today, 3)
    return months_before(today, 1)


@dataclass(frozen=True)
class LightRules:
    """Everything a light depends on besides the item itself, worked out once per screen."""

    today: dt.date
    yellow_until: dt.date  # last date that is still "due soon"
    stale_before: dt.date  # ongoing items need progress on or after this date

    @classmethod
    def for_today(
        cls,
        calendar: WorkdayCalendar,
        today: dt.date,
        yellow_workdays: int = 3,
        cycle: str = Cycle.MONTH.value,
    ) -> LightRules:
        return cls(
            today=today,
            yellow_until=calendar.add_workdays(today, yellow_workdays),
            stale_before=cycle_start(today, cycle),
        )


def problem_light(
    rules: LightRules,
    state: str,
    kind: str,
    due_date: dt.date | None,
    closed_on: dt.date | None,
    last_progress: dt.date | None = None,
) -> Light:
    if state == State.CLOSED.value:
        if kind == Kind.ONGOING.value or due_date is None or closed_on is None:
            return Light.ON_TIME
        return Light.ON_TIME if closed_on <= due_date else Light.LATE
    if kind == Kind.ONGOING.value:
        fresh = last_progress is not None and last_progress >= rules.stale_before
        return Light.GREEN if fresh else Light.STALE
    return date_light(rules, due_date)


def date_light(rules: LightRules, due_date: dt.date | None) -> Light:
    if due_date is None:
        return Light.GREEN
    if due_date < rules.today:
        return Light.RED
    if due_date <= rules.yellow_until:
        return Light.YELLOW
    return Light.GREEN


def measure_light(
    rules: LightRules, deadline: dt.date | None, done_date: dt.date | None
) -> Light:
    if done_date is not None:
        if deadline is None or done_date <= deadline:
            return Light.ON_TIME
        return Light.LATE
    return date_light(rules, deadline)


def effective_due(deadline: dt.date | None, measure_deadlines: list[dt.date | None]) -> dt.date | None:
    """A problem is due by its own deadline, else by the latest of its measures'."""
    if deadline is not None:
        return deadline
    dates = [d for d in measure_deadlines if d is not None]
    return max(dates) if dates else None

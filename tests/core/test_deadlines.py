"""Due-date lights (DESIGN §4), worked out by hand around the 2026 National Day holiday."""

from __future__ import annotations

import datetime as dt

from desktop.core.deadlines import (
    Light,
    LightRules,
    cycle_start,
    effective_due,
    measure_light,
    problem_light,
)
from desktop.core.workdays import WorkdayCalendar

D = dt.date
CAL = WorkdayCalendar()


def rules(today: dt.date, yellow: int = 3, cycle: str = "month") -> LightRules:
    return LightRules.for_today(CAL, today, yellow, cycle)


def test_yellow_window_counts_working_days_across_the_holiday():
    # today Tue 29 Sep 2026; working days after it: 30 Sep, then 8, 9 Oct (1–7 Oct off)
    r = rules(D(2026, 9, 29))
    assert r.yellow_until == D(2026, 10, 9)
    light = problem_light
    assert light(r, "rectifying", "deadline", D(2026, 9, 28), None) == Light.RED
    assert light(r, "rectifying", "deadline", D(2026, 9, 29), None) == Light.YELLOW  # due today
    assert light(r, "rectifying", "deadline", D(2026, 10, 9), None) == Light.YELLOW
    assert light(r, "rectifying", "deadline", D(2026, 10, 10), None) == Light.GREEN


def test_adjusted_workday_shortens_the_window():
    # today Thu 8 Oct 2026; Sat 10 Oct is a working day (调休): 9, 10, 12 Oct
    assert rules(D(2026, 10, 8)).yellow_until == D(2026, 10, 12)


def test_yellow_window_is_configurable():
    assert rules(D(2026, 11, 2), yellow=5).yellow_until == D(2026, 11, 9)


def test_closed_items_count_as_on_time_or_late():
    r = rules(D(2026, 11, 2))
    assert problem_light(r, "closed", "deadline", D(2026, 10, 20), D(2026, 10, 20)) == Light.ON_TIME
    assert problem_light(r, "closed", "deadline", D(2026, 10, 20), D(2026, 10, 21)) == Light.LATE
    assert measure_light(r, D(2026, 10, 20), D(2026, 10, 25)) == Light.LATE
    assert measure_light(r, D(2026, 10, 20), None) == Light.RED


def test_ongoing_is_judged_by_progress_in_the_cycle_not_by_date():
    r = rules(D(2026, 11, 2))
    assert cycle_start(D(2026, 11, 2), "month") == D(2026, 10, 2)
    ongoing = "ongoing"
    assert problem_light(r, "rectifying", ongoing, D(2020, 1, 1), None, D(2026, 10, 2)) == Light.GREEN
    assert problem_light(r, "rectifying", ongoing, None, None, D(2026, 10, 1)) == Light.STALE
    assert problem_light(r, "rectifying", ongoing, None, None, None) == Light.STALE
    assert cycle_start(D(2026, 3, 31), "month") == D(2026, 2, 28)
    assert cycle_start(D(2026, 5, 31), "quarter") == D(2026, 2, 28)


def test_problem_is_due_by_its_own_deadline_else_its_latest_measure():
    assert effective_due(D(2026, 6, 1), [D(2026, 7, 1)]) == D(2026, 6, 1)
    assert effective_due(None, [D(2026, 5, 1), None, D(2026, 7, 1)]) == D(2026, 7, 1)
    assert effective_due(None, [None]) is None

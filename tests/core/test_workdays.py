"""Working-day arithmetic: what a clerk sees as a deadline and a due-date light."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.errors import ValidationError
from desktop.core.workdays import (
    LIBRARY_YEARS,
    WorkdayCalendar,
    check_deadline_rule,
    default_deadline,
)

D = date


@pytest.fixture
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def reference_is_workday(d: date) -> bool:
    """Independent oracle: the package for the years it knows, Mon–Fri after."""
    if d.year in LIBRARY_YEARS:
        return chinese_calendar.is_workday(d)
    return d.weekday() < 5


def reference_add(d: date, n: int) -> date:
    """Day-by-day walk, the slow obvious way."""
    if n == 0:
        while not reference_is_workday(d):
            d += timedelta(days=1)
        return d
    while n:
        d += timedelta(days=1)
        if reference_is_workday(d):
            n -= 1
    return d


# -- the calendar agrees with the package ----------------------------------------------------


def test_every_day_2024_to_2026_matches_the_package(cal: WorkdayCalendar) -> None:
    d = D(2024, 1, 1)
    while d.year <= 2026:
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_national_day_2026_and_its_adjusted_saturday(cal: WorkdayCalendar) -> None:
    assert not cal.is_workday(D(2026, 10, 5))  # Monday inside 国庆
    assert cal.is_workday(D(2026, 10, 10))  # Saturday, 调休上班
    assert cal.is_workday(D(2026, 9, 20))  # Sunday, 调休上班
    assert not cal.is_workday(D(2026, 9, 25))  # Friday, 中秋


# -- deadlines across holidays and adjusted workdays -----------------------------------------


def test_seven_workdays_across_national_day_2026(cal: WorkdayCalendar) -> None:
    # received Wed 30 Sep 2026; 1–7 Oct off; then
    # Thu 8 (1), Fri 9 (2), Sat 10 调休 (3), Mon 12 (4), Tue 13 (5), Wed 14 (6), Thu 15 (7)
    assert cal.add_workdays(D(2026, 9, 30), 7) == D(2026, 10, 15)
    assert cal.workdays_between(D(2026, 9, 30), D(2026, 10, 15)) == 7
    assert default_deadline(cal, D(2026, 9, 30)) == D(2026, 10, 15)


def test_an_adjusted_sunday_is_the_next_workday(cal: WorkdayCalendar) -> None:
    # Fri 18 Sep 2026 → Sat 19 off → Sun 20 is 调休上班
    assert cal.next_workday(D(2026, 9, 18)) == D(2026, 9, 20)
    # Thu 24 Sep → Fri 25 中秋, Sat 26, Sun 27 off → Mon 28
    assert cal.next_workday(D(2026, 9, 24)) == D(2026, 9, 28)


def test_spring_festival_2026(cal: WorkdayCalendar) -> None:
    # Fri 13 Feb → Sat 14 调休 (1); 15–23 off; Tue 24 (2)
    assert cal.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert cal.workdays_between(D(2026, 2, 13), D(2026, 2, 24)) == 2


def test_counting_across_new_year(cal: WorkdayCalendar) -> None:
    # Wed 31 Dec 2025 → 1, 2, 3 Jan 2026 off → Sun 4 Jan is 调休上班
    assert cal.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert cal.workdays_between(D(2025, 12, 30), D(2026, 1, 4)) == 2  # 31 Dec and 4 Jan


def test_zero_and_negative_counts(cal: WorkdayCalendar) -> None:
    assert cal.add_workdays(D(2026, 10, 8), 0) == D(2026, 10, 8)  # a workday: itself
    assert cal.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 8)  # a holiday: next workday
    # two working days before Thu 8 Oct: Wed 30 Sep (1), Tue 29 Sep (2)
    assert cal.add_workdays(D(2026, 10, 8), -2) == D(2026, 9, 29)
    # backwards over the year boundary: before Sun 4 Jan 2026 come 31 Dec (1), 30 Dec (2)
    assert cal.add_workdays(D(2026, 1, 4), -2) == D(2025, 12, 30)
    assert cal.workdays_between(D(2026, 10, 15), D(2026, 9, 30)) == -7
    assert cal.workdays_between(D(2026, 10, 3), D(2026, 10, 3)) == 0


def test_datetimes_count_as_their_day(cal: WorkdayCalendar) -> None:
    result = cal.add_workdays(datetime(2026, 9, 30, 17, 45), 7)
    assert result == D(2026, 10, 15) and type(result) is date


def test_counting_over_several_years(cal: WorkdayCalendar) -> None:
    start, n = D(2024, 3, 1), 600
    assert cal.add_workdays(start, n) == reference_add(start, n)
    assert cal.workdays_between(start, reference_add(start, n)) == n


# -- overrides and unknown years -------------------------------------------------------------


def test_overrides_win_over_the_package() -> None:
    cal = WorkdayCalendar({D(2026, 10, 8): False, D(2026, 10, 3): True})
    assert not cal.is_workday(D(2026, 10, 8))  # a local day off
    assert cal.is_workday(D(2026, 10, 3))  # a Saturday inside 国庆 made a working day
    # from 30 Sep: Sat 3 (1), Fri 9 (2), Sat 10 (3), Mon 12..Thu 15 (4–7)
    assert cal.add_workdays(D(2026, 9, 30), 7) == D(2026, 10, 15)
    # from 4 Oct: Fri 9 (1), Sat 10 (2), 12 (3), 13 (4), 14 (5), 15 (6), Fri 16 (7)
    assert cal.add_workdays(D(2026, 10, 4), 7) == D(2026, 10, 16)


def test_an_unknown_year_falls_back_to_monday_to_friday_and_says_so(cal: WorkdayCalendar) -> None:
    assert not cal.year_is_known(2027)
    assert cal.year_is_known(2026)
    assert cal.unknown_years_in(D(2026, 12, 1), D(2028, 2, 1)) == [2027, 2028]
    assert cal.guessed_years == frozenset()
    assert cal.is_workday(D(2027, 1, 1))  # Friday; really 元旦, but nobody told us
    assert not cal.is_workday(D(2027, 1, 2))  # Saturday
    assert cal.guessed_years == {2027}
    # Thu 31 Dec 2026 + 1 → Fri 1 Jan 2027 under the fallback
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 1)


def test_a_confirmed_year_is_known_and_uses_its_overrides() -> None:
    days = {D(2027, 1, 1): False, D(2027, 2, 20): True}
    cal = WorkdayCalendar(days, confirmed_years={2027})
    assert cal.year_is_known(2027) and 2027 in cal.known_years()
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 2, 20))  # a Saturday
    assert cal.unknown_years_in(D(2026, 1, 1), D(2027, 12, 31)) == []
    assert cal.guessed_years == frozenset()


def test_overrides_alone_do_not_make_a_year_known() -> None:
    cal = WorkdayCalendar({D(2027, 3, 8): False})
    assert not cal.year_is_known(2027)
    assert not cal.is_workday(D(2027, 3, 8))
    assert cal.guessed_years == {2027}


def test_with_overrides_adds_without_changing_the_original(cal: WorkdayCalendar) -> None:
    more = cal.with_overrides({D(2027, 1, 1): False}, confirmed_years={2027})
    assert not more.is_workday(D(2027, 1, 1)) and more.year_is_known(2027)
    assert cal.is_workday(D(2027, 1, 1)) and not cal.year_is_known(2027)


def test_without_the_package_every_year_is_guessed() -> None:
    cal = WorkdayCalendar(use_library=False)
    assert cal.is_workday(D(2026, 10, 5))  # a Monday; 国庆 unknown without the package
    assert not cal.year_is_known(2026)


# -- the 7/15 rule (限时办结) -----------------------------------------------------------------


def test_deadline_rule_accepts_up_to_fifteen_workdays(cal: WorkdayCalendar) -> None:
    # from 30 Sep: 15 Oct is 7; Fri 16 (8), Mon 19–Fri 23 (9–13), Mon 26 (14), Tue 27 (15)
    assert check_deadline_rule(cal, D(2026, 9, 30), D(2026, 10, 27)) == 15
    assert check_deadline_rule(cal, D(2026, 9, 30), D(2026, 9, 30)) == 0


def test_deadline_rule_refuses_sixteen_workdays(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValidationError) as caught:
        check_deadline_rule(cal, D(2026, 9, 30), D(2026, 10, 28))  # Wed 28 Oct is the 16th
    err = caught.value
    assert err.params == {"deadline": "2026-10-28", "start": "2026-09-30", "n": 16, "max": 15}
    assert err.message("en") == (
        "The deadline 2026-10-28 is 16 working days after 2026-09-30; "
        "time-limited completion (限时办结) allows at most 15 working days."
    )
    chinese = err.message("zh_CN")  # the default language must not fall back to English
    assert chinese != err.message("en") and "2026-10-28" in chinese and "16" in chinese


def test_deadline_rule_refuses_a_deadline_before_receipt(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValidationError) as caught:
        check_deadline_rule(cal, D(2026, 9, 30), D(2026, 9, 29))
    assert caught.value.message("en") == "The deadline 2026-09-29 is before 2026-09-30."


def test_default_deadline_needs_a_positive_count(cal: WorkdayCalendar) -> None:
    with pytest.raises(ValidationError):
        default_deadline(cal, D(2026, 9, 30), 0)


# -- properties and speed --------------------------------------------------------------------

dates_2024_2027 = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(d=dates_2024_2027, n=st.integers(min_value=0, max_value=40))
def test_add_and_between_agree(d: date, n: int) -> None:
    cal = WorkdayCalendar()
    end = cal.add_workdays(d, n)
    assert cal.is_workday(end)
    assert end == reference_add(d, n)
    if n > 0:
        assert cal.workdays_between(d, end) == n
        assert cal.workdays_between(end, d) == -n
        # `end` is the first day reaching n: the day before it grants only n - 1
        assert cal.workdays_between(d, end - timedelta(days=1)) == n - 1
    else:
        assert cal.workdays_between(d, end) == (0 if cal.is_workday(d) else 1)


@settings(max_examples=200, deadline=None)
@given(d=dates_2024_2027, n=st.integers(min_value=1, max_value=40))
def test_counting_back_undoes_counting_forward(d: date, n: int) -> None:
    cal = WorkdayCalendar()
    end = cal.add_workdays(d, n)
    # the n-th workday before `end` is the last workday on or before d
    back = cal.add_workdays(end, -n)
    assert back <= d and cal.is_workday(back)
    assert cal.workdays_between(back, d) == 0


def test_one_hundred_thousand_deadlines_are_fast(cal: WorkdayCalendar) -> None:
    starts = [D(2024, 1, 1) + timedelta(days=i % 1400) for i in range(100_000)]
    began = time.perf_counter()
    for i, s in enumerate(starts):
        cal.add_workdays(s, i % 20)
    elapsed = time.perf_counter() - began
    # target is 100k a second; the bound is loose so a busy CI machine does not flake
    assert elapsed < 3.0, f"100k add_workdays took {elapsed:.2f}s"

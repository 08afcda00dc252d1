"""The office calendar stored in the database: overrides win, a pasted notice teaches 2027,
and deadlines of the services count working days with it."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import calendar
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.models import HolidayOverride, Kind
from desktop.core.problems import ProblemInput, create_problem
from tests.core.test_holiday_notice import NOTICE_2027


def test_unknown_year_is_reported_until_the_notice_is_pasted(office):
    cal = calendar.load_calendar()
    assert cal.unknown_years_in(dt.date(2026, 12, 1), dt.date(2027, 3, 1)) == [2027]
    count = calendar.import_notice(office.session("admin"), NOTICE_2027)
    assert count > 10
    cal = calendar.load_calendar()
    assert cal.unknown_years_in(dt.date(2026, 12, 1), dt.date(2027, 3, 1)) == []
    assert not cal.is_workday(dt.date(2027, 1, 1))
    sources = {row.source for row in HolidayOverride.select()}
    assert sources == {"notice:2027"}


def test_a_notice_starting_on_31_december_does_not_vouch_for_the_year_before(office):
    notice = "2027年部分节假日安排\n一、元旦：2026年12月31日至2027年1月2日放假，共3天。\n"
    calendar.import_notice(office.session("admin"), notice)
    cal = calendar.load_calendar()
    assert not cal.is_workday(dt.date(2026, 12, 31))
    assert cal.year_is_known(2027) and 2026 in cal.known_years()  # 2026 from the library


def test_manual_override_wins_and_can_be_removed(office):
    admin = office.session("admin")
    national_day = dt.date(2026, 10, 5)
    assert not calendar.load_calendar().is_workday(national_day)
    calendar.set_override(admin, national_day, True, "单位值班安排")
    assert calendar.load_calendar().is_workday(national_day)
    calendar.remove_override(admin, national_day)
    assert not calendar.load_calendar().is_workday(national_day)
    calendar.set_override(admin, national_day, True, "再次设置")
    assert calendar.load_calendar().is_workday(national_day)


def test_only_the_admin_edits_the_calendar(office):
    with pytest.raises(PermissionDenied):
        calendar.set_override(office.session("clerk"), dt.date(2026, 12, 1), False)


def test_fix_at_once_defaults_to_seven_working_days_across_a_holiday(office):
    # found Monday 28 Sep 2026; 1–7 Oct are holidays (国庆), Sat 10 Oct is a working day (调休).
    # working days after 28 Sep: 29, 30 Sep (2), 8, 9, 10, 12, 13 Oct → the 7th is 13 Oct
    problem = create_problem(
        office.session("clerk"),
        ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id,
                     description="窗口一次性告知不到位", kind=Kind.IMMEDIATE.value,
                     found_date=dt.date(2026, 9, 28)),
    )
    assert problem.deadline == dt.date(2026, 10, 13)
    assert problem.due_date == dt.date(2026, 10, 13)


def test_fix_at_once_may_not_exceed_fifteen_working_days(office):
    with pytest.raises(ValidationError) as caught:
        create_problem(
            office.session("clerk"),
            ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id,
                         description="超期", kind=Kind.IMMEDIATE.value,
                         found_date=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 30)),
        )
    assert "15 个工作日" in caught.value.message("zh_CN")

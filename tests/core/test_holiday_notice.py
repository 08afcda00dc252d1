"""Reading the State Council's holiday notice: the admin pastes it, deadlines then count right."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from chinese_calendar import constants as cc

from desktop.core import holiday_notice as hn
from desktop.core.errors import ValidationError
from desktop.core.holiday_notice import notice_calendar, notice_overrides, parse_holiday_notice
from desktop.core.workdays import WorkdayCalendar

D = date
CN_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}
NUMERALS = "一二三四五六七八九十"
WEEK = "一二三四五六日"


def _day(d: date, prev: date | None = None) -> str:
    """ "2月15日（周日）", or "23日（周一）" after a date of the same month, as the notice writes."""
    head = f"{d.day}日" if prev is not None and prev.month == d.month else f"{d.month}月{d.day}日"
    return f"{head}（周{WEEK[d.weekday()]}）"


def notice_from_library(year: int) -> str:
    """The notice for ``year`` written in the official style from chinese_calendar's own data."""
    names: list[str] = []
    off: dict[str, list[date]] = {}
    work: dict[str, list[date]] = {}
    for d in sorted(x for x in cc.holidays if x.year == year):
        name = CN_NAMES[cc.holidays[d]]
        if name not in off:
            names.append(name)
        off.setdefault(name, []).append(d)
    for d in sorted(x for x in cc.workdays if x.year == year):
        work.setdefault(CN_NAMES[cc.workdays[d]], []).append(d)
    lines = [
        f"国务院办公厅关于{year}年部分节假日安排的通知",
        f"国办发明电〔{year - 1}〕7号",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        f"　　经国务院批准，现将{year}年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节"
        "放假调休日期的具体安排通知如下。",
    ]
    for i, name in enumerate(names):
        days = off[name]
        assert days == [days[0] + timedelta(n) for n in range(len(days))], "one run per holiday"
        span = _day(days[0]) if len(days) == 1 else f"{_day(days[0])}至{_day(days[-1], days[0])}"
        line = f"　　{NUMERALS[i]}、{name}：{span}放假{'调休' if name in work else ''}，共{len(days)}天。"
        if name in work:
            line += "、".join(_day(d) for d in work[name]) + "上班。"
        lines.append(line)
    lines += [
        "　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，"
        "要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。",
        "国务院办公厅",
        f"{year - 1}年11月4日",
    ]
    return "\n".join(lines)


NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。2月20日（周六）上班。
　　三、清明节：4月3日（周六）至5日（周一）放假，共3天。
　　四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
　　五、端午节：6月9日（周三）放假。
　　六、中秋节：9月15日（周三）放假。
　　七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
国务院办公厅
2026年11月4日
"""


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


# -- whole notices ---------------------------------------------------------------------------


def test_the_2026_notice_reproduces_the_builtin_2026_calendar() -> None:
    notice = parse_holiday_notice(notice_from_library(2026))
    assert notice.year == 2026 and notice.problems == []
    assert [e.name for e in notice.entries] == [
        "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
    ]  # fmt: skip
    assert notice.holidays() == sorted(d for d in cc.holidays if d.year == 2026)
    assert notice.workdays() == sorted(d for d in cc.workdays if d.year == 2026)
    # what matters for deadlines: weekday holidays and weekend workdays, every day of the year
    from_notice = notice_calendar(notice, WorkdayCalendar(use_library=False))
    for d in days(D(2026, 1, 1), D(2026, 12, 31)):
        assert from_notice.is_workday(d) == chinese_calendar.is_workday(d), d


def test_the_2026_notice_entries_keep_their_lines() -> None:
    notice = parse_holiday_notice(notice_from_library(2026))
    national = notice.entries[-1]
    assert national.line_no == 11  # 4 lines of title and preamble, then 一 to 七 on lines 5–11
    assert national.source_line.strip().startswith("七、国庆节：10月1日（周四）至7日（周三）")
    assert national.workdays == [D(2026, 9, 20), D(2026, 10, 10)]


def test_a_2027_notice_teaches_the_calendar_2027() -> None:
    notice = parse_holiday_notice(NOTICE_2027)
    assert notice.year == 2027 and notice.problems == []
    expected_off = (
        days(D(2027, 1, 1), D(2027, 1, 3))
        + days(D(2027, 2, 5), D(2027, 2, 13))
        + days(D(2027, 4, 3), D(2027, 4, 5))
        + days(D(2027, 5, 1), D(2027, 5, 5))
        + [D(2027, 6, 9), D(2027, 9, 15)]
        + days(D(2027, 10, 1), D(2027, 10, 7))
    )
    assert notice.holidays() == expected_off
    assert notice.workdays() == [
        D(2027, 2, 20), D(2027, 4, 25), D(2027, 5, 8), D(2027, 9, 26), D(2027, 10, 9),
    ]  # fmt: skip
    overrides = notice_overrides(notice)
    assert overrides[D(2027, 2, 20)] == (True, "春节")
    assert overrides[D(2027, 10, 4)] == (False, "国庆节")

    before = WorkdayCalendar()
    assert not before.year_is_known(2027)
    cal = notice_calendar(notice, before)
    assert cal.year_is_known(2027) and cal.unknown_years_in(D(2026, 6, 1), D(2027, 6, 1)) == []
    assert not cal.is_workday(D(2027, 1, 1))  # Friday, 元旦
    assert cal.is_workday(D(2027, 9, 26))  # Sunday, 调休上班
    # received Thu 30 Sep 2027: 1–7 Oct off; Fri 8 (1), Sat 9 调休 (2), Mon 11–Fri 15 (3–7)
    assert cal.add_workdays(D(2027, 9, 30), 7) == D(2027, 10, 15)
    assert cal.guessed_years == frozenset()


# -- forms of lines seen in real notices -----------------------------------------------------


def test_a_spring_festival_spanning_two_months_2025() -> None:
    text = (
        "二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。"
        "1月26日（周日）、2月8日（周六）上班。"
    )
    notice = parse_holiday_notice(text, year=2025)
    assert notice.problems == []
    assert notice.holidays() == days(D(2025, 1, 28), D(2025, 2, 4))
    assert notice.workdays() == [D(2025, 1, 26), D(2025, 2, 8)]
    for d in notice.holidays() + notice.workdays():
        assert chinese_calendar.is_workday(d) == (d in notice.workdays())


def test_mid_autumn_and_national_day_on_one_line_2023() -> None:
    text = (
        "国务院办公厅关于2023年部分节假日安排的通知\n"
        "六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（周六）、10月8日（周日）上班。"
    )
    entry = parse_holiday_notice(text).entries[0]
    assert entry.name == "中秋节、国庆节" and entry.line_no == 2
    assert entry.holidays == days(D(2023, 9, 29), D(2023, 10, 6))
    assert entry.workdays == [D(2023, 10, 7), D(2023, 10, 8)]


def test_new_year_starting_in_december_belongs_to_the_year_before() -> None:
    # 2008 notice: 30 Dec 2007 – 1 Jan 2008 off, Sat 29 Dec 2007 worked
    notice = parse_holiday_notice(
        "一、元旦：12月30日至1月1日放假，共3天。12月29日（星期六）上班。", 2008
    )
    assert notice.problems == []
    assert notice.holidays() == [D(2007, 12, 30), D(2007, 12, 31), D(2008, 1, 1)]
    assert notice.workdays() == [D(2007, 12, 29)]
    assert chinese_calendar.is_workday(D(2007, 12, 29))


def test_an_explicit_year_on_a_date_2012() -> None:
    text = (
        "2012年部分节假日安排\n一、元旦：1月1日至3日放假调休，共3天。2011年12月31日（星期六）上班。"
    )
    notice = parse_holiday_notice(text)
    assert notice.holidays() == days(D(2012, 1, 1), D(2012, 1, 3))
    assert notice.workdays() == [D(2011, 12, 31)]


def test_days_in_lieu_2015() -> None:
    notice = parse_holiday_notice("三、清明节：4月5日放假，4月6日（星期一）补休。", 2015)
    assert notice.holidays() == [D(2015, 4, 5), D(2015, 4, 6)]


def test_half_width_parentheses_and_full_width_digits() -> None:
    text = "２０２６年部分节假日安排\n二、春节:２月１５日(周日)至２３日(周一)放假调休,共９天。２月１４日(周六)、２月２８日(周六)上班。"
    notice = parse_holiday_notice(text)
    assert notice.problems == []
    assert notice.holidays() == days(D(2026, 2, 15), D(2026, 2, 23))
    assert notice.workdays() == [D(2026, 2, 14), D(2026, 2, 28)]


def test_a_notice_pasted_as_one_line() -> None:
    one_line = "".join(notice_from_library(2026).split("\n"))
    notice = parse_holiday_notice(one_line)
    assert notice.problems == [] and len(notice.entries) == 7
    assert notice.holidays() == sorted(d for d in cc.holidays if d.year == 2026)
    assert notice.workdays() == sorted(d for d in cc.workdays if d.year == 2026)


def test_a_wrapped_line_and_a_workday_sentence_on_its_own_line() -> None:
    text = (
        "2026年部分节假日安排\n"
        "二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、\n"
        "2月28日（周六）上班。\n"
        "七、国庆节：10月1日至7日放假调休，共7天。\n"
        "9月20日（周日）、10月10日（周六）上班。\n"
    )
    spring, national = parse_holiday_notice(text).entries
    assert spring.workdays == [D(2026, 2, 14), D(2026, 2, 28)]
    assert national.workdays == [D(2026, 9, 20), D(2026, 10, 10)]
    assert national.line_no == 4


def test_a_remark_in_parentheses_is_not_a_holiday_2024() -> None:
    text = (
        "二、春节：2月10日至17日放假调休，共8天。2月4日（周日）、2月18日（周日）上班。"
        "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"
    )
    notice = parse_holiday_notice(text, year=2024)
    assert D(2024, 2, 9) not in notice.holidays()
    assert notice.holidays() == days(D(2024, 2, 10), D(2024, 2, 17))


# -- what cannot be read is reported, not guessed --------------------------------------------


def test_a_stated_weekday_that_does_not_match_is_reported() -> None:
    notice = parse_holiday_notice("一、元旦：1月1日（周四）放假。", year=2025)  # 2026's line
    [problem] = notice.problems
    assert problem.message_id == hn.WRONG_WEEKDAY
    assert (
        problem.message("en") == "Line 1: 2025-01-01 is a Wednesday, but the notice says Thursday."
    )
    assert problem.message("zh_CN") != problem.message("en")


def test_a_wrong_day_count_is_reported() -> None:
    notice = parse_holiday_notice("三、清明节：4月4日至6日放假调休，共4天。", year=2026)
    assert [(p.message_id, p.params) for p in notice.problems] == [
        (hn.WRONG_COUNT, {"stated": 4, "counted": 3})
    ]


def test_impossible_dates_and_missing_verbs_are_reported_by_line() -> None:
    text = (
        "2026年部分节假日安排\n"
        "一、元旦：1月1日至3日放假。\n"
        "二、春节：2月30日放假。\n"
        "三、清明节：4月4日至6日。\n"
        "四、劳动节：1月3日上班。\n"
    )
    notice = parse_holiday_notice(text)
    found = [(p.line_no, p.message_id) for p in notice.problems]
    assert (3, hn.BAD_DATE) in found
    assert (4, hn.NO_KIND) in found
    assert (5, hn.CONFLICT) in found  # 3 Jan is off in 元旦 and worked in 劳动节
    assert [e.name for e in notice.entries] == ["元旦", "劳动节"]


def test_a_forgotten_verb_in_a_later_sentence_is_reported() -> None:
    text = "二、春节：2月15日至23日放假调休，共9天。2月14日（周六）、2月28日（周六）。国务院办公厅2025年11月4日"
    notice = parse_holiday_notice(text, year=2026)
    # the undated-year pair is reported; the signature with its full date is not read at all
    assert [p.message_id for p in notice.problems] == [hn.NO_KIND]
    assert notice.workdays() == []


def test_dates_without_a_holiday_name_are_reported() -> None:
    notice = parse_holiday_notice(
        "2026年部分节假日安排\n2月14日（周六）上班。\n一、元旦：1月1日放假。"
    )
    assert [(p.line_no, p.message_id) for p in notice.problems] == [(2, hn.NO_NAME)]
    assert notice.problem_messages("en") == [
        "Line 2: “2月14日（周六）上班。” gives dates but no holiday name before them."
    ]


def test_without_a_year_the_notice_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice("一、元旦：1月1日放假。")
    assert caught.value.message_id == hn.NO_YEAR


def test_a_given_year_must_match_the_title() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice(NOTICE_2027, year=2026)
    assert caught.value.params == {"found": 2027, "year": 2026}


def test_text_without_dates_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_holiday_notice("国务院办公厅关于2027年部分节假日安排的通知\n（正文待发布）")
    assert caught.value.message_id == hn.NOTHING_READ

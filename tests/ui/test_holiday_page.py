"""The holiday page: overrides in a table, the notice import, the unknown-year warning, and the
working-day calculator that lets the administrator check the result."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import calendar
from desktop.core.i18n import _
from desktop.core.org import create_campaign
from desktop.core.session import Session
from desktop.core.workdays import library_years
from desktop.ui.context import AppContext
from desktop.ui.holiday_page import UNKNOWN_YEARS, HolidayPage, NoticeImportDialog
from desktop.ui.settings import Settings

# Written for these tests in the notice's style; line 3 states the wrong weekday on purpose
# (1 May 2027 is a Saturday).
NOTICE = "\n".join([
    "国务院办公厅关于2027年部分节假日安排的通知",
    "一、元旦：1月1日（周五）至3日（周日）放假，共3天。",
    "二、劳动节：5月1日（周日）至5日（周三）放假调休，共5天。",
    "三、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。",
])


def make_ctx(office, tmp_path, who: str = "admin") -> AppContext:
    ctx = AppContext(office.session(who), "test.db", Settings(tmp_path / f"{who}.ini"))
    ctx.set_campaign(office.campaign.id)
    return ctx


@pytest.fixture
def ctx(office, tmp_path):
    return make_ctx(office, tmp_path)


@pytest.fixture
def page(ctx, qtbot):
    widget = HolidayPage(ctx)
    qtbot.addWidget(widget)
    return widget


def table_rows(page) -> list[list[str]]:
    return [[page.table.item(r, c).text() for c in range(page.table.columnCount())]
            for r in range(page.table.rowCount())]


def test_the_note_names_a_year_the_built_in_calendar_does_not_know(page, ctx):
    last = max(library_years())
    system = Session.system()
    running_on = create_campaign(system, "跨年整治", dt.date(last, 5, 1), dt.date(last, 12, 31))
    known = create_campaign(system, "往年整治", dt.date(last - 2, 3, 1), dt.date(last - 1, 6, 30))
    ctx.set_campaign(running_on.id)
    assert not page.note_label.isHidden()
    assert page.note_label.text() == _(UNKNOWN_YEARS).format(years=str(last + 1))
    ctx.set_campaign(known.id)
    assert page.note_label.isHidden()
    ctx.set_campaign(running_on.id)
    assert str(last + 1) in page.note_label.text()


def test_adding_an_override_changes_the_calculator(page, monkeypatch):
    page.calc_date.set_value(dt.date(2026, 11, 2))  # a Monday
    page.calc_days.setValue(7)
    assert page.calc_result.text().startswith("2026-11-11")
    monkeypatch.setattr(page, "_ask_override",
                        lambda *args, **kw: (dt.date(2026, 11, 4), False, "单位调休"))
    assert page.add_override()
    assert page.calc_result.text().startswith("2026-11-12")
    assert table_rows(page) == [
        ["2026-11-04", _("Wednesday"), _("Day off"), "单位调休", _("Manual")]]

    page.table.selectRow(0)
    monkeypatch.setattr(page, "_ask_override",
                        lambda *args, **kw: (dt.date(2026, 11, 4), True, "单位调休"))
    assert page.edit_selected()
    assert table_rows(page)[0][2] == _("Working day")
    assert page.calc_result.text().startswith("2026-11-11")

    page.table.selectRow(0)
    monkeypatch.setattr(page, "_confirm", lambda text: True)
    assert page.remove_selected()
    assert table_rows(page) == []


def test_a_working_saturday_counts(page, monkeypatch):
    page.calc_date.set_value(dt.date(2026, 11, 6))  # Friday
    page.calc_days.setValue(1)
    assert page.calc_result.text() == f"2026-11-09 {_('Monday')}"
    monkeypatch.setattr(page, "_ask_override",
                        lambda *args, **kw: (dt.date(2026, 11, 7), True, "补班"))
    page.add_override()
    assert page.calc_result.text() == f"2026-11-07 {_('Saturday')}"


def test_the_notice_is_shown_with_its_problems_before_it_is_stored(page, ctx, qtbot, monkeypatch):
    dialog = NoticeImportDialog(ctx, page)
    qtbot.addWidget(dialog)
    dialog.set_text(NOTICE)
    assert dialog.entries_table.rowCount() == 3
    national_day = [dialog.entries_table.item(2, c).text() for c in range(4)]
    assert national_day == ["国庆节", "2027-10-01 – 2027-10-07", "2027-09-26, 2027-10-09", "4"]
    problems = [dialog.problems_list.item(i).text()
                for i in range(dialog.problems_list.count())]
    assert len(problems) == 1 and "3" in problems[0] and "2027-05-01" in problems[0]
    assert dialog.import_button.isEnabled()

    monkeypatch.setattr(dialog, "_confirm", lambda text: False)
    assert dialog.do_import() is None
    assert table_rows(page) == []
    if 2027 not in library_years():
        assert "2027" in page.note_label.text() and not page.note_label.isHidden()

    monkeypatch.setattr(dialog, "_confirm", lambda text: True)
    stored = dialog.do_import()
    assert stored == 3 + 5 + 7 + 2
    rows = table_rows(page)
    assert len(rows) == stored
    assert rows[0][:3] == ["2027-01-01", _("Friday"), _("Day off")]
    assert {r[4] for r in rows} == {_("Notice {year}").format(year=2027)}
    assert page.note_label.isHidden()  # 2027 is now known from the notice


def test_unreadable_text_cannot_be_stored(ctx, qtbot):
    dialog = NoticeImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.set_text("请各单位注意安全。")
    assert not dialog.import_button.isEnabled()
    assert dialog.entries_table.rowCount() == 0
    assert dialog.status_label.text()
    dialog.year_spin.setValue(2027)  # a year alone does not make dates appear
    assert not dialog.import_button.isEnabled()
    assert dialog.do_import() is None


def test_non_admins_see_the_calendar_read_only(office, tmp_path, qtbot):
    calendar.set_override(office.session("admin"), dt.date(2026, 11, 4), False, "单位调休")
    page = HolidayPage(make_ctx(office, tmp_path, "clerk"))
    qtbot.addWidget(page)
    assert len(table_rows(page)) == 1
    assert page.add_button.isHidden() and page.import_button.isHidden()
    assert not page.readonly_label.isHidden()
    page.table.selectRow(0)
    assert not page.edit_selected() and not page.remove_selected()
    page.calc_date.set_value(dt.date(2026, 11, 2))
    page.calc_days.setValue(7)
    assert page.calc_result.text().startswith("2026-11-12")  # the calculator still works

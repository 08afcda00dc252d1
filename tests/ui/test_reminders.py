"""The start-up reminder: shown once a day, with the figures the dashboard shows, and buttons
that lead to the overdue problems and to the ledger export."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from desktop.core import clock
from desktop.core.models import Kind
from desktop.core.problems import MeasureInput, ProblemInput, create_problem
from desktop.ui.reminders import ReminderDialog, show_reminder_if_due
from tests.conftest import TODAY


def add_problem(office, description: str, deadline: dt.date) -> None:
    create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description=description,
        kind=Kind.DEADLINE.value, deadline=deadline,
        measures=[MeasureInput(text=f"{description}的措施", deadline=deadline)]))


def test_reminder_counts_overdue_and_due_soon_and_names_the_filing_date(qtbot, office,
                                                                        clerk_ctx):
    # 2026-11-02 is a Monday; the campaign's yellow window is 3 working days (to 11-05)
    add_problem(office, "逾期一", TODAY - dt.timedelta(days=3))
    add_problem(office, "逾期二", TODAY - dt.timedelta(days=1))
    add_problem(office, "将到期", TODAY + dt.timedelta(days=2))
    add_problem(office, "尚早", TODAY + dt.timedelta(days=30))
    dialog = ReminderDialog(clerk_ctx)
    qtbot.addWidget(dialog)
    assert (dialog.figures.red, dialog.figures.yellow, dialog.figures.green) == (2, 1, 1)
    assert dialog.lines[0].startswith("2 ") and dialog.lines[1].startswith("1 ")
    # the ledger is due by the 20th of each month: 11-20, 14 working days after 11-02
    assert dialog.filing.date == dt.date(2026, 11, 20)
    assert dialog.filing.workdays_left == 14
    assert "20" in dialog.lines[-1] and "14" in dialog.lines[-1]


def test_show_buttons_open_the_list_by_light_and_export_starts_the_export(qtbot, office,
                                                                         clerk_ctx):
    add_problem(office, "逾期一", TODAY - dt.timedelta(days=3))
    dialog = ReminderDialog(clerk_ctx)
    qtbot.addWidget(dialog)
    assert list(dialog.show_buttons) == ["red"]  # only the red row has something to show
    with qtbot.waitSignal(dialog.show_lights) as shown:
        dialog.show_buttons["red"].click()
    assert shown.args == [frozenset({"red"})]
    dialog = ReminderDialog(clerk_ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.export_ledger):
        dialog.export_button.click()


def test_reminder_is_shown_once_a_day(qtbot, office, clerk_ctx):
    parent = QWidget()
    qtbot.addWidget(parent)
    first = show_reminder_if_due(clerk_ctx, parent)
    assert first is not None and first.isVisible()
    first.close()
    assert show_reminder_if_due(clerk_ctx, parent) is None  # same day: quiet
    clock.freeze(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(8, 0)))
    second = show_reminder_if_due(clerk_ctx, parent)
    assert second is not None
    second.close()

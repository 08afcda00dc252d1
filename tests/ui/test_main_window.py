"""The main window: pages, status bar, campaign switcher, remembered state, first run."""

from __future__ import annotations

import datetime as dt

from desktop.core import setup
from desktop.core.i18n import translate
from desktop.core.models import Campaign, Problem, Unit, User
from desktop.core.org import create_campaign
from desktop.ui.context import AppContext
from desktop.ui.login import FirstRunDialog, LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.problem_model import COLUMN_KEYS
from desktop.ui.settings import Settings
from tests.conftest import PASSWORD
from tests.ui.test_problem_list import add_problem


def make_window(qtbot, office, tmp_path, who="clerk") -> MainWindow:
    ctx = AppContext(office.session(who), "/data/test.db", Settings(tmp_path / "w.ini"))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return window


def test_rail_lists_only_pages_that_exist_and_status_bar_says_who_and_where(
    qtbot, office, tmp_path
):
    add_problem(office, "问题一")
    window = make_window(qtbot, office, tmp_path)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["工作台", "问题清单", translate("Rectification ledger"),
                      translate("Sign-off"), "统计", "设置"]
    assert window.campaign_combo.currentText() == office.campaign.name
    assert "clerk-用户" in window.status_user.text() and "录入员" in window.status_user.text()
    assert office.campaign.name in window.status_campaign.text()
    assert "/data/test.db" in window.status_database.text()
    assert "1" in window.status_counts.text()
    window.show_page("settings/holidays")
    assert window.stack.currentWidget() is window.settings_page


def test_campaign_switcher_changes_the_list(qtbot, office, tmp_path):
    add_problem(office, "第一个专项的问题")
    second = create_campaign(office.session("admin"), "第二个专项", dt.date(2026, 1, 1),
                             dt.date(2026, 12, 31))
    window = make_window(qtbot, office, tmp_path)
    assert window.campaign_combo.count() == 2
    window.campaign_combo.setCurrentIndex(window.campaign_combo.findData(second.id))
    assert window.ctx.campaign_id == second.id
    assert window.problem_list.model.rowCount() == 0
    assert "第二个专项" in window.status_campaign.text()


def test_window_state_column_widths_and_campaign_are_remembered(qtbot, office, tmp_path):
    add_problem(office, "问题一")
    second = create_campaign(office.session("admin"), "第二个专项", None, None)
    window = make_window(qtbot, office, tmp_path)
    window.campaign_combo.setCurrentIndex(window.campaign_combo.findData(second.id))
    column = COLUMN_KEYS.index("description")
    window.problem_list.table.horizontalHeader().resizeSection(column, 433)
    window.show_page("settings")
    window.resize(780, 560)  # inside the offscreen screen (800×600)
    window.close()

    again = make_window(qtbot, office, tmp_path)
    assert again.ctx.campaign_id == second.id
    assert again.current_page() == "settings"
    assert again.problem_list.table.horizontalHeader().sectionSize(column) == 433
    assert (again.size().width(), again.size().height()) == (780, 560)


def test_first_run_sets_up_the_office(qtbot, database):
    assert setup.needs_setup()
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    assert dialog.demo_choice.isChecked() and not dialog.setup_box.isEnabled()
    dialog.setup_choice.setChecked(True)
    assert dialog.setup_box.isEnabled()
    dialog.unit_edit.setText("城关镇人民政府")
    dialog.campaign_edit.setText("2026年作风建设专项整治")
    dialog.name_edit.setText("张三")
    dialog.password_edit.setText("abc12345")
    dialog.repeat_edit.setText("abc1234")
    assert not dialog.finish()
    assert "不一致" in dialog.message.text()
    dialog.repeat_edit.setText("abc12345")
    assert dialog.finish()
    assert dialog.session.user.username == "admin"
    assert Unit.get().name == "城关镇人民政府"
    assert Campaign.get().name == "2026年作风建设专项整治"
    assert not setup.needs_setup() and not setup.is_demo()


def test_first_run_can_open_the_demo(qtbot, database):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    assert dialog.finish()
    assert setup.is_demo()
    assert Problem.live().count() == 300
    assert dialog.session.user.has_role(setup.Role.ADMIN)
    # the next start asks for a password and names the demo accounts
    login = LoginDialog("", demo=setup.is_demo())
    qtbot.addWidget(login)
    from PySide6.QtWidgets import QLabel

    hints = [label.text() for label in login.findChildren(QLabel)]
    assert any("演示数据库" in text and "rectify" in text for text in hints)


def test_first_run_refuses_an_incomplete_office(qtbot, database):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.setup_choice.setChecked(True)
    dialog.campaign_edit.setText("专项")
    dialog.password_edit.setText("abc12345")
    dialog.repeat_edit.setText("abc12345")
    assert not dialog.finish()
    assert "单位" in dialog.message.text()
    assert not User.select().exists()  # nothing half-made


def test_sign_in(qtbot, office):
    dialog = LoginDialog("clerk")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("wrong")
    assert not dialog.try_sign_in()
    assert "密码" in dialog.message.text()
    dialog.password_edit.setText(PASSWORD)
    assert dialog.try_sign_in()
    assert dialog.session.user.username == "clerk"


def test_pages_out_of_view_reload_when_shown(qtbot, office, tmp_path):
    problem = add_problem(office, "待审核的问题")
    window = make_window(qtbot, office, tmp_path, who="solo")
    window.show()
    qtbot.waitExposed(window)
    review = window.pages["review"]
    reloads = []
    original = review.reload
    review.reload = lambda: (reloads.append(1), original())
    from desktop.core import workflow

    workflow.apply(office.session("solo"), problem.id, "submit")
    window.ctx.changed("problem")
    assert reloads == []  # not in view: only marked out of date
    window.show_page("review")
    assert reloads == [1]
    assert problem.id in review.queues["review"]


def test_a_dashboard_figure_opens_the_list_showing_as_many_problems(qtbot, office, tmp_path):
    today = dt.date(2026, 11, 2)
    for n in range(3):
        add_problem(office, f"逾期问题{n}", deadline=today - dt.timedelta(days=n + 1))
    add_problem(office, "尚早的问题", deadline=today + dt.timedelta(days=40))
    window = make_window(qtbot, office, tmp_path)
    window.show_page("dashboard")
    window.show()
    qtbot.waitUntil(lambda: not window.dashboard.is_loading(), timeout=10_000)
    red = window.dashboard.tiles["red"]
    assert red.value_label.text() == "3"
    window.dashboard.show_problems.emit({"lights": frozenset({"red"})})
    assert window.current_page() == "problems"
    assert window.problem_list.light_combo.currentData() == "red"
    assert window.problem_list.model.rowCount() == 3
    window.show_problems({"unit_ids": frozenset({office.unit.id})})
    assert window.problem_list.light_combo.currentData() is None  # one filter at a time
    assert window.problem_list.model.rowCount() == 4


def test_the_reminder_leads_to_the_overdue_problems_once_a_day(qtbot, office, tmp_path):
    add_problem(office, "逾期问题", deadline=dt.date(2026, 10, 30))
    window = make_window(qtbot, office, tmp_path)
    reminder = window.remind()
    assert reminder is not None and reminder.figures.red == 1
    reminder.show_buttons["red"].click()
    assert window.current_page() == "problems"
    assert window.problem_list.model.rowCount() == 1
    assert window.remind() is None  # already shown today

"""工作台: the figures a clerk sees each morning are the ones ``rectify stats`` prints, each
one opens exactly the problems it counts, and the page loads in steps and only when seen."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop.cli import main
from desktop.core import demo, org, problem_query, problems, review
from desktop.core.models import Campaign, Problem, User
from desktop.core.problem_query import ProblemFilter
from desktop.core.session import Session
from desktop.core.stats import campaign_figures, stats_context, unit_rows
from desktop.ui.context import AppContext
from desktop.ui.dashboard_page import DashboardPage
from desktop.ui.settings import Settings
from tests.conftest import db_target


@pytest.fixture
def demo_campaign(database) -> Campaign:
    return Campaign.get_by_id(demo.build_demo(300, 10, seed=3).campaign_id)


def demo_context(campaign: Campaign, tmp_path, username: str = "admin") -> AppContext:
    session = Session(user=User.get(User.username == username))
    ctx = AppContext(session, "test.db", Settings(tmp_path / f"{username}.ini"))
    ctx.set_campaign(campaign.id)
    return ctx


def open_page(qtbot, campaign: Campaign, tmp_path, username: str = "admin") -> DashboardPage:
    page = DashboardPage(demo_context(campaign, tmp_path, username))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.finish_loading()
    return page


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def tile_texts(page: DashboardPage) -> dict[str, str]:
    return {key: tile.value_label.text() for key, tile in page.tiles.items()}


def expected_tiles(overall: dict) -> dict[str, str]:
    return {"total": str(overall["total"]), "closed": str(overall["closed"]),
            "completion": percent(overall["completion_rate"]),
            "on_time": percent(overall["on_time_rate"]), "red": str(overall["red"]),
            "yellow": str(overall["yellow"]), "stale": str(overall["stale"])}


def test_the_tiles_show_what_rectify_stats_prints(qtbot, demo_campaign, tmp_path, capsys):
    page = open_page(qtbot, demo_campaign, tmp_path)
    overall = campaign_figures(demo_campaign.id).as_dict()["overall"]
    assert overall["red"] and overall["yellow"] and overall["stale"]  # a test that can fail
    assert tile_texts(page) == expected_tiles(overall)

    code = main(["stats", "--db", str(db_target(tmp_path / "test.db")), "--campaign",
                 demo_campaign.uuid, "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    assert tile_texts(page) == expected_tiles(printed["overall"])
    assert page.tiles["yellow"].title_label.text() == "3个工作日内到期"


@pytest.mark.parametrize("key", ["total", "closed", "completion", "on_time", "red", "yellow",
                                 "stale"])
def test_each_tile_opens_the_problems_it_counts(qtbot, demo_campaign, tmp_path, key):
    page = open_page(qtbot, demo_campaign, tmp_path)
    with qtbot.waitSignal(page.show_problems) as shown:
        qtbot.mouseClick(page.tiles[key], Qt.MouseButton.LeftButton)
    wanted = shown.args[0]
    f = page.figures
    expected = {"total": f.total, "closed": f.closed, "completion": f.in_ledger - f.closed,
                "on_time": f.late, "red": f.red, "yellow": f.yellow, "stale": f.stale}[key]
    # the rules the list itself filters with today, and the ones the figures were made with
    list_rules = problem_query.light_rules(demo_campaign.id)
    assert problem_query.count_matching(ProblemFilter(demo_campaign.id, **wanted),
                                        list_rules) == expected
    assert page.count_for(wanted) == expected


def test_the_red_tile_emits_the_red_light(qtbot, demo_campaign, tmp_path):
    page = open_page(qtbot, demo_campaign, tmp_path)
    with qtbot.waitSignal(page.show_problems) as shown:
        qtbot.mouseClick(page.tiles["red"], Qt.MouseButton.LeftButton)
    assert shown.args[0] == {"lights": frozenset({"red"})}
    rules = stats_context(demo_campaign.id).rules
    count = problem_query.count_matching(
        ProblemFilter(demo_campaign.id, **shown.args[0]), rules)
    assert str(count) == page.tiles["red"].value_label.text()


def test_the_red_list_holds_the_most_overdue_and_opens_them(qtbot, demo_campaign, tmp_path):
    page = open_page(qtbot, demo_campaign, tmp_path)
    page.show()
    qtbot.waitExposed(page)
    red = problem_query.matching_ids(ProblemFilter(demo_campaign.id, lights=frozenset({"red"})),
                                     "due_date")
    assert page.red_ids == red[:10] and page.red_count == len(red)
    assert page.red_list.rowCount() == 10
    first = Problem.get_by_id(red[0])
    assert page.red_list.item(0, 0).text() == first.code
    assert page.red_list.item(0, 4).text() == f"{(dt.date(2026, 11, 2) - first.due_date).days} 天"
    assert page.red_all.text() == f"全部 {len(red)} 项…"

    second = page.red_list.visualItemRect(page.red_list.item(1, 2)).center()
    with qtbot.waitSignal(page.open_problem) as opened:
        qtbot.mouseClick(page.red_list.viewport(), Qt.MouseButton.LeftButton, pos=second)
        qtbot.mouseDClick(page.red_list.viewport(), Qt.MouseButton.LeftButton, pos=second)
    assert opened.args == [red[1]]
    with qtbot.waitSignal(page.show_problems) as shown:
        page.yellow_all.click()
    assert shown.args[0] == {"lights": frozenset({"yellow"})}
    assert page.yellow_count == int(page.tiles["yellow"].value_label.text())


def test_the_unit_table_rolls_up_and_sorts(qtbot, demo_campaign, tmp_path):
    page = open_page(qtbot, demo_campaign, tmp_path)
    model, rows = page.unit_model, unit_rows(demo_campaign.id)
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert shown == ["　" * row.depth + row.name for row in rows]
    assert model.index(0, 1).data() == "300"  # the office with all its sections
    red = [c.key for c in model.columns].index("red") + 1
    page.unit_table.sortByColumn(red, Qt.SortOrder.DescendingOrder)
    values = [int(model.index(r, red).data()) for r in range(model.rowCount())]
    assert values == sorted(values, reverse=True) and values != [
        row.rolled_up.red for row in rows]
    page.unit_table.sortByColumn(red, Qt.SortOrder.AscendingOrder)
    values = [int(model.index(r, red).data()) for r in range(model.rowCount())]
    assert values == sorted(values)
    page.unit_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == shown

    with qtbot.waitSignal(page.show_problems) as wanted:
        page.unit_table.doubleClicked.emit(model.index(3, 0))
    assert wanted.args[0] == {"unit_ids": frozenset({rows[3].id})}


def test_clicking_a_unit_bar_lists_that_unit(qtbot, demo_campaign, tmp_path):
    page = open_page(qtbot, demo_campaign, tmp_path)
    page.show()
    qtbot.waitExposed(page)
    view = page.unit_chart
    hits = [hit for hit in view.hit_areas() if hit.key]
    # below the office (one top unit) each section has its bar, most overdue first
    rows = {row.id: row for row in unit_rows(demo_campaign.id)}
    sections = [row for row in rows.values() if row.depth == 1]
    assert len(hits) == len(sections)
    centre = hits[0].shape.boundingRect().center()
    with qtbot.waitSignal(page.show_problems) as shown:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton,
                         pos=QPoint(round(centre.x()), round(centre.y())))
    [unit_id] = shown.args[0]["unit_ids"]
    assert rows[unit_id].rolled_up.red == max(row.rolled_up.red for row in sections)
    assert hits[0].tooltip.startswith(rows[unit_id].name)
    assert page.count_for(shown.args[0]) == rows[unit_id].rolled_up.total


@pytest.mark.parametrize("username", ["admin", "luru", "shenhe"])
def test_my_work_counts_are_the_sign_off_queues(qtbot, demo_campaign, tmp_path, username):
    page = open_page(qtbot, demo_campaign, tmp_path, username)
    session = page.ctx.session
    counts = review.queue_counts(session, demo_campaign.id)
    visible = {q for q, b in page.work_buttons.items() if not b.isHidden()}
    assert visible == set(counts)
    for queue, count in counts.items():
        assert page.work_buttons[queue].text().endswith(f"　{count}")
    waiting = [q for q in counts if counts[q]]
    if waiting:
        with qtbot.waitSignal(page.show_page) as shown:
            page.work_buttons[waiting[0]].click()
        assert shown.args[0].partition("/")[0] == "review"
        assert shown.args[0] == f"review/{waiting[0]}"


def test_milestones_filing_and_the_export_button(qtbot, demo_campaign, tmp_path):
    org.add_milestone(Session.system(), demo_campaign.id, "问题清单报送", dt.date(2026, 10, 27))
    page = open_page(qtbot, demo_campaign, tmp_path)
    texts = [label.text() for label in page.milestone_labels]
    assert texts[0] == "问题清单报送（2026年10月27日）：已逾期 4 个工作日"
    assert "#d93025" in page.milestone_labels[0].styleSheet()
    assert texts[1] == "工作总结报送（2027年1月11日）：还有 50 个工作日"
    assert page.filing_label.text() == \
        "下次报送整改台账（按月）：2026年11月20日，还有 14 个工作日"
    with qtbot.waitSignal(page.export_ledger):
        page.export_button.click()
    chart = page.timeline_chart.chart()
    assert chart.today == dt.date(2026, 11, 2) and len(chart.milestones) == 2


def test_the_page_loads_in_steps_and_only_when_in_view(qtbot, demo_campaign, tmp_path):
    ctx = demo_context(demo_campaign, tmp_path)
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    stack.addWidget(QWidget())
    page = DashboardPage(ctx)  # as the main window builds its pages
    stack.addWidget(page)
    stack.show()
    qtbot.waitExposed(stack)
    qtbot.wait(50)
    assert page.tiles["total"].value_label.text() == "…"  # out of view: nothing fetched
    stack.setCurrentWidget(page)
    assert page.is_loading()  # shown: the steps start, the first after this turn
    assert page.tiles["total"].value_label.text() == "…"
    with qtbot.waitSignal(page.loaded, timeout=5000):
        pass
    assert page.tiles["total"].value_label.text() == "300"
    assert set(page.timings) == {"timeline", "units", "red", "yellow", "work", "areas",
                                 "burndown"}

    stack.setCurrentIndex(0)
    draft = Problem.get((Problem.campaign == demo_campaign.id) & (Problem.state == "draft"))
    problems.delete_problem(Session.system(), draft.id)
    ctx.changed("problem")
    assert not page.is_loading()  # hidden: remembered, not reloaded
    assert page.tiles["total"].value_label.text() == "300"
    stack.setCurrentWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        pass
    assert page.tiles["total"].value_label.text() == "299"


def test_a_campaign_switch_reloads_and_no_campaign_says_so(qtbot, demo_campaign, tmp_path):
    page = open_page(qtbot, demo_campaign, tmp_path)
    other = org.create_campaign(Session.system(), "第二个专项", dt.date(2026, 9, 1),
                                dt.date(2026, 12, 31))
    page.ctx.set_campaign(other.id)
    page.finish_loading()
    assert tile_texts(page) == {"total": "0", "closed": "0", "completion": "—",
                                "on_time": "—", "red": "0", "yellow": "0", "stale": "0"}
    assert page.heading.text() == "第二个专项"
    assert page.red_list.rowCount() == 0 and not page.red_all.isEnabled()

    empty = DashboardPage(AppContext(Session.system(), "test.db",
                                     Settings(tmp_path / "none.ini")))
    qtbot.addWidget(empty)
    empty.finish_loading()
    assert empty.heading.text() == "尚无专项整治"

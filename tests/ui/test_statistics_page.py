"""统计: the three breakdowns are core's figures for the chosen day and window, a row or a
bar opens its problems, and the chart and the table leave as a PNG and an Excel workbook."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QStackedWidget, QWidget

from desktop.core import demo, problem_query
from desktop.core.models import Campaign, State, User
from desktop.core.problem_query import ProblemFilter
from desktop.core.session import Session
from desktop.core.stats import Figures, area_rows, person_rows, unit_rows
from desktop.ui import statistics_page
from desktop.ui.context import AppContext
from desktop.ui.settings import Settings
from desktop.ui.statistics_page import StatisticsPage

STATE_LABELS_ZH = {State.DRAFT: "草稿", State.SUBMITTED: "待审核", State.RECTIFYING: "整改中",
                   State.CLOSING: "待销号", State.CLOSED: "已销号"}


@pytest.fixture
def demo_campaign(database) -> Campaign:
    return Campaign.get_by_id(demo.build_demo(300, 10, seed=3).campaign_id)


@pytest.fixture
def page(qtbot, demo_campaign, tmp_path) -> StatisticsPage:
    ctx = AppContext(Session(user=User.get(User.username == "admin")), "test.db",
                     Settings(tmp_path / "s.ini"))
    ctx.set_campaign(demo_campaign.id)
    shown = StatisticsPage(ctx)
    qtbot.addWidget(shown)
    shown.resize(1200, 700)
    shown.finish_loading()
    return shown


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{100 * rate:.1f}%"


def figure_cells(f: Figures) -> list[str]:
    """Every figure column in the page's order."""
    return [str(f.total), *(str(f.states[s.value]) for s in State), percent(f.completion_rate),
            percent(f.on_time_rate), str(f.red), str(f.yellow), str(f.stale)]


def table_cells(page: StatisticsPage) -> list[list[str]]:
    model = page.model
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_the_three_tables_are_the_core_breakdowns(page, demo_campaign):
    cid = demo_campaign.id
    assert page.kind() == "units"
    assert page.model.headers() == [
        "责任单位", "问题数", *(STATE_LABELS_ZH[s] for s in State), "整改完成率", "按期完成率",
        "已逾期", "3个工作日内到期", "长期坚持未报进展"]
    assert table_cells(page) == [["　" * r.depth + r.name, *figure_cells(r.rolled_up)]
                                 for r in unit_rows(cid)]
    page.show_breakdown("areas")
    page.finish_loading()
    areas = area_rows(cid)
    assert page.model.headers()[0] == "整治重点"
    assert table_cells(page) == [[r.name or "未分类", *figure_cells(r.figures)] for r in areas]
    page.show_breakdown("persons")
    page.finish_loading()
    persons = person_rows(cid)
    assert len(persons) > 10
    assert table_cells(page) == [[r.name or "未明确责任人", *figure_cells(r.figures)]
                                 for r in persons]
    assert "责任人 " in page.summary_label.text()


def test_another_day_and_window_give_their_figures(page, demo_campaign):
    page.as_of_field.set_value(dt.date(2026, 11, 20))
    page.due_spin.setValue(5)
    page.finish_loading()
    rows = unit_rows(demo_campaign.id, dt.date(2026, 11, 20), 5)
    assert table_cells(page) == [["　" * r.depth + r.name, *figure_cells(r.rolled_up)]
                                 for r in rows]
    assert rows[0].rolled_up.red != unit_rows(demo_campaign.id)[0].rolled_up.red
    assert page.model.headers()[-2] == "5个工作日内到期"
    assert "2026年11月20日" in page.chart_view.chart().title


def test_a_double_clicked_row_lists_its_problems(qtbot, page, demo_campaign):
    cid = demo_campaign.id
    rules = problem_query.light_rules(cid)
    with qtbot.waitSignal(page.show_problems) as shown:
        page.table.doubleClicked.emit(page.model.index(2, 0))
    unit = unit_rows(cid)[2]
    assert shown.args[0] == {"unit_ids": frozenset({unit.id})}
    assert problem_query.count_matching(ProblemFilter(cid, **shown.args[0]), rules) == \
        unit.rolled_up.total

    page.show_breakdown("areas")
    page.finish_loading()
    area = area_rows(cid)[1]
    with qtbot.waitSignal(page.show_problems) as shown:
        page.table.doubleClicked.emit(page.model.index(1, 0))
    assert shown.args[0] == {"catalog_id": area.key}
    assert problem_query.count_matching(ProblemFilter(cid, **shown.args[0]), rules) == \
        area.figures.total

    page.show_breakdown("persons")
    page.finish_loading()
    person = person_rows(cid)[0]
    with qtbot.waitSignal(page.show_problems) as shown:
        page.table.doubleClicked.emit(page.model.index(0, 0))
    assert shown.args[0] == {"person": person.name}


def test_a_bar_of_the_chart_lists_its_person(qtbot, page, demo_campaign):
    page.show_breakdown("persons")
    page.finish_loading()
    page.show()
    qtbot.waitExposed(page)
    view = page.chart_view
    first = next(hit for hit in view.hit_areas() if hit.key)
    centre = first.shape.boundingRect().center()
    with qtbot.waitSignal(page.show_problems) as shown:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton,
                         pos=QPoint(round(centre.x()), round(centre.y())))
    most_overdue = person_rows(demo_campaign.id)[0]
    assert shown.args[0] == {"person": most_overdue.name}


def test_the_table_sorts_and_exports_as_shown(page, demo_campaign, tmp_path):
    red = page.model.headers().index("已逾期")
    page.table.sortByColumn(red, Qt.SortOrder.DescendingOrder)
    shown = table_cells(page)
    path = page.export_excel(tmp_path / "统计表")
    assert path == tmp_path / "统计表.xlsx" and path.exists()
    assert page.status_label.text() == f"已保存到 {path}"
    assert not list(tmp_path.glob("*.part"))

    sheet = load_workbook(path).active
    assert sheet["A1"].value == "各责任单位问题整改情况统计表"
    assert demo_campaign.name in sheet["A2"].value
    assert "截至日期：2026年11月2日" in sheet["A2"].value
    header = [cell.value for cell in sheet[3]]
    assert header == page.model.headers()
    data = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert len(data) == len(shown)
    units = {r.name: r for r in unit_rows(demo_campaign.id)}
    for cells, values in zip(shown, data, strict=True):
        assert values[0] == cells[0].strip("　")
        figures = units[values[0]].rolled_up
        assert values[1] == figures.total and values[red] == figures.red
        rate = values[header.index("整改完成率")]
        assert rate == pytest.approx(figures.completion_rate)
    assert [row[red] for row in data] == sorted((row[red] for row in data), reverse=True)
    rate_cell = sheet.cell(4, header.index("整改完成率") + 1)
    assert rate_cell.number_format == "0.0%"
    assert sheet.column_dimensions["A"].width >= 12
    assert sheet.freeze_panes == "B4"
    assert sheet.page_setup.orientation == "landscape"
    office = next(i for i, row in enumerate(data) if row[0] == "示范县民政局")
    section = next(i for i, row in enumerate(data) if row[0] == "办公室")
    assert sheet.cell(4 + office, 1).alignment.indent == 0
    assert sheet.cell(4 + section, 1).alignment.indent == 1


def test_a_rate_with_nothing_to_divide_is_a_dash(page, tmp_path):
    page.show_breakdown("persons")
    page.finish_loading()
    table = page.table_for_export()
    table = replace(table, rows=[["无人", 0, 0, 0, 0, 0, 0, None, None, 0, 0, 0]])
    statistics_page.write_stats_xlsx(tmp_path / "dash.xlsx", table)
    sheet = load_workbook(tmp_path / "dash.xlsx").active
    assert sheet.cell(4, 8).value == "—" and sheet.cell(4, 9).value == "—"


def test_an_export_that_cannot_be_written_leaves_nothing(page, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(statistics_page, "show_error", lambda parent, error: shown.append(error))
    folder = tmp_path / "stick"
    folder.mkdir()
    assert page.export_excel(folder / "pulled-out" / "统计.xlsx") is None
    assert len(shown) == 1 and "统计.xlsx" in shown[0].message()
    assert list(folder.iterdir()) == []


def test_save_image_writes_the_chart_as_png(page, tmp_path, monkeypatch):
    asked = []

    def choose(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(tmp_path / "各单位"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    path = page.save_image()
    assert path == tmp_path / "各单位.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(path))
    assert image.width() >= 2 * 280 and image.height() > 100
    assert asked[0].endswith(".png") and "各责任单位问题整改情况统计表" in asked[0]
    assert page.status_label.text() == f"已保存到 {path}"


def test_export_asks_where_and_a_cancel_writes_nothing(page, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: ("", "")))
    assert page.export_excel() is None
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (str(tmp_path / "a.xlsx"), "")))
    assert page.export_excel() == tmp_path / "a.xlsx"


def test_the_page_fetches_only_when_in_view(qtbot, demo_campaign, tmp_path):
    ctx = AppContext(Session.system(), "test.db", Settings(tmp_path / "s.ini"))
    ctx.set_campaign(demo_campaign.id)
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    stack.addWidget(QWidget())
    page = StatisticsPage(ctx)
    stack.addWidget(page)
    stack.show()
    qtbot.waitExposed(stack)
    qtbot.wait(50)
    assert page.rows == {} and page.model.rowCount() == 0
    stack.setCurrentWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        pass
    assert list(page.rows) == ["units"] and page.model.rowCount() == len(
        unit_rows(demo_campaign.id))
    page.selector.setCurrentIndex(2)  # the tab the user picks is drawn, then fetched
    assert page.kind() == "persons" and "persons" not in page.rows
    with qtbot.waitSignal(page.loaded, timeout=5000):
        pass
    assert page.model.rowCount() == len(person_rows(demo_campaign.id))

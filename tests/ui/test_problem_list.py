"""The problem list: entering through the form, finding by Chinese search, filtering, and a
model that serves a large list without loading it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from desktop.core import problems, workflow
from desktop.core.models import Problem, State, insert_rows, new_uuid
from desktop.core.org import create_unit
from desktop.core.problems import MeasureInput, ProblemInput
from desktop.ui.problem_list import ProblemListPage
from desktop.ui.problem_model import COLUMN_KEYS, PAGE
from tests.conftest import PASSWORD, TODAY


def add_problem(office, description, unit=None, measure="", state=None, **extra):
    data = ProblemInput(
        campaign_id=office.campaign.id,
        unit_id=(unit or office.unit).id,
        description=description,
        found_date=TODAY - dt.timedelta(days=30),
        deadline=extra.pop("deadline", TODAY + dt.timedelta(days=20)),
        measures=[MeasureInput(text=measure or "加强学习", resp_person="李四",
                               done_date=TODAY)],
        **extra,
    )
    problem = problems.create_problem(office.session("clerk"), data)
    for action in {"rectifying": ["submit", "approve"],
                   "closed": ["submit", "approve", "request_close", "verify", "sign_close"]
                   }.get(state, []):
        workflow.apply(office.session("solo"), problem.id, action, opinion="同意",
                       password=PASSWORD)
    return problem


def shown_descriptions(page: ProblemListPage) -> list[str]:
    column = COLUMN_KEYS.index("description")
    model = page.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_problem_entered_in_the_form_is_listed_and_found_by_chinese_search(
    qtbot, office, clerk_ctx
):
    from desktop.ui.problem_form import ProblemForm

    add_problem(office, "调研走过场，蜻蜓点水", measure="深入基层蹲点调研")
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 1

    form = ProblemForm(clerk_ctx, None)
    qtbot.addWidget(form)
    form.description_edit.setPlainText("村级组织台账多、报表多，基层干部疲于填表")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.problem_id is not None
    # the form announces the change; the list reloads by itself
    assert page.model.rowCount() == 2
    assert "村级组织台账多、报表多，基层干部疲于填表" in shown_descriptions(page)

    for query in ("台账", "基层干部"):  # two and four characters
        page.search_edit.setText(query)
        page.apply_filters()
        assert shown_descriptions(page) == ["村级组织台账多、报表多，基层干部疲于填表"], query
    page.search_edit.setText("蹲点")  # found through its measure's text only
    page.apply_filters()
    assert shown_descriptions(page) == ["调研走过场，蜻蜓点水"]
    page.search_edit.setText("没有这样的问题")
    page.apply_filters()
    assert page.model.rowCount() == 0
    assert "0" in page.count_label.text() and "2" in page.count_label.text()


def test_search_waits_for_typing_to_pause(qtbot, office, clerk_ctx):
    add_problem(office, "文山会海")
    add_problem(office, "督查检查过多过频")
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    page.search_edit.setText("督查")
    assert page.model.rowCount() == 2  # not yet
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)


def test_filters_narrow_the_list(qtbot, office, clerk_ctx):
    other = create_unit(office.session("admin"), "县民政局社会救助股", parent_id=None)
    add_problem(office, "问题甲")
    add_problem(office, "问题乙", unit=other)
    add_problem(office, "问题丙", state="rectifying", deadline=TODAY - dt.timedelta(days=3))
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    page.reload_choices()
    assert page.model.rowCount() == 3

    page.unit_combo.setCurrentIndex(page.unit_combo.findData(other.id))
    assert shown_descriptions(page) == ["问题乙"]
    page.clear_filters()
    assert page.model.rowCount() == 3

    page.state_combo.setCurrentIndex(page.state_combo.findData(State.RECTIFYING.value))
    assert shown_descriptions(page) == ["问题丙"]
    page.clear_filters()
    page.light_combo.setCurrentIndex(page.light_combo.findData("red"))
    assert shown_descriptions(page) == ["问题丙"]
    # the light is drawn as a coloured mark with its name as the tooltip
    index = page.model.index(0, COLUMN_KEYS.index("light"))
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "已逾期"


def test_sorting_by_a_column_is_done_by_the_query(qtbot, office, clerk_ctx):
    for name, days in (("乙", 9), ("甲", 3), ("丙", 30)):
        add_problem(office, f"问题{name}", deadline=TODAY + dt.timedelta(days=days))
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    page.table.sortByColumn(COLUMN_KEYS.index("due_date"), Qt.SortOrder.AscendingOrder)
    assert shown_descriptions(page) == ["问题甲", "问题乙", "问题丙"]
    page.table.sortByColumn(COLUMN_KEYS.index("due_date"), Qt.SortOrder.DescendingOrder)
    assert shown_descriptions(page) == ["问题丙", "问题乙", "问题甲"]


def test_model_serves_ten_thousand_rows_without_loading_them_all(qtbot, office, clerk_ctx):
    now = dt.datetime(2026, 11, 1, 8, 0)
    names = ["uuid", "created_at", "updated_at", "version", "campaign", "unit", "code",
             "description", "kind", "state", "due_date", "scope", "source", "root_cause",
             "target", "note"]
    rows = [
        (new_uuid(), now, now, 1, office.campaign.id, office.unit.id, f"W{n:05d}",
         f"批量问题{n}", "deadline", "draft", TODAY + dt.timedelta(days=n % 40), "org", "",
         "", "", "")
        for n in range(10_000)
    ]
    insert_rows(Problem, names, rows)
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    qtbot.waitExposed(page)
    model = page.model
    assert model.rowCount() == 10_000
    assert model.cached_rows() < 10_000 and model.pages_fetched <= 2
    page.table.scrollToBottom()
    qtbot.wait(50)
    last = model.index(9_999, COLUMN_KEYS.index("code")).data()
    assert last == "W09999"
    assert model.cached_rows() <= 3 * PAGE  # first page(s) and the last one, not the middle


def test_closed_problem_cannot_be_deleted_from_the_list(qtbot, office, clerk_ctx, monkeypatch):
    import desktop.ui.problem_list as module

    closed = add_problem(office, "已整改完毕的问题", state="closed")
    draft = add_problem(office, "还在草稿的问题")
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    page.confirm_delete = lambda count: True
    shown = []
    monkeypatch.setattr(module, "show_error", lambda parent, error: shown.append(error.message()))
    page.select_ids([closed.id, draft.id])
    page.delete_selected()
    assert shown and "已销号" in shown[0]
    # all or nothing: the draft selected with it is not deleted either
    assert Problem.get_by_id(closed.id).deleted_at is None
    assert Problem.get_by_id(draft.id).deleted_at is None
    page.select_ids([draft.id])
    page.table.selectionModel().clearSelection()
    page.select_ids([draft.id])
    page.delete_selected()
    assert Problem.get_by_id(draft.id).deleted_at is not None
    assert shown_descriptions(page) == ["已整改完毕的问题"]

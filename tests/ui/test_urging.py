"""催办 from the problem list: select rows, urge, preview; the urges are recorded and shown."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel, Qt

from desktop.core.models import Urge
from desktop.ui.problem_list import ProblemListPage
from desktop.ui.problem_model import COLUMN_KEYS
from desktop.ui.urge_dialog import UrgeDialog
from tests.conftest import TODAY
from tests.ui.test_problem_list import add_problem


def select(page: ProblemListPage, *problems) -> None:
    selection = page.table.selectionModel()
    selection.clearSelection()
    for problem in problems:
        row = page.model.row_of(problem.id)
        selection.select(page.model.index(row, 0),
                         QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def test_urging_the_selection_prints_notices_and_records_each_urge(
    qtbot, office, clerk_ctx, monkeypatch
):
    late = add_problem(office, "逾期未整改的问题", deadline=TODAY - dt.timedelta(days=4))
    soon = add_problem(office, "明天到期的问题", deadline=TODAY + dt.timedelta(days=1))
    calm = add_problem(office, "时间充裕的问题", deadline=TODAY + dt.timedelta(days=50))
    untouched = add_problem(office, "未选中的逾期问题", deadline=TODAY - dt.timedelta(days=9))
    shown = []
    monkeypatch.setattr(UrgeDialog, "show_preview",
                        lambda self, path, title: shown.append((path, title)))
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    select(page, late, soon, calm)
    page.urge_action.trigger()
    dialog = page.urge_dialog
    assert dialog is not None and sorted(dialog.urge_ids) == sorted([late.id, soon.id])
    assert "有 1 个既未超期也未临近到期" in dialog.note.text()
    dialog.preview()
    [(path, title)] = shown
    assert "催办" in title
    text = "".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert "逾期未整改的问题" in text and "明天到期的问题" in text
    assert "时间充裕的问题" not in text and "未选中的逾期问题" not in text
    assert Urge.select().count() == 0  # looking at a preview urges nobody
    dialog.delivered()  # the preview's print or save went through
    urged = {u.problem_id for u in Urge.select()}
    assert urged == {late.id, soon.id} and untouched.id not in urged
    dialog.delivered()  # printed again: the same notice, no second urge
    assert Urge.select().count() == 2
    # the list reloaded and tells the count on the light
    row = page.model.row_of(late.id)
    tip = page.model.index(row, COLUMN_KEYS.index("light")).data(Qt.ItemDataRole.ToolTipRole)
    assert "已催办 1 次" in tip
    calm_row = page.model.row_of(calm.id)
    assert "催办" not in page.model.index(calm_row, COLUMN_KEYS.index("light")).data(
        Qt.ItemDataRole.ToolTipRole)
    dialog.close()


def test_a_selection_with_nothing_due_says_so_and_opens_nothing(qtbot, office, clerk_ctx):
    calm = add_problem(office, "时间充裕的问题", deadline=TODAY + dt.timedelta(days=50))
    closed = add_problem(office, "已销号的问题", deadline=TODAY - dt.timedelta(days=5),
                         state="closed")
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    told = []
    page.inform = told.append
    select(page, calm, closed)
    page.urge_action.trigger()
    assert page.urge_dialog is None
    [message] = told
    assert "2" in message and "催办" in message
    assert Urge.select().count() == 0

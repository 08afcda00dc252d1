"""The problem form: entering a problem with its measures, the working-day helper, what the
workflow lets one change, progress with evidence, and the history a person can read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
)

from desktop.core import workflow
from desktop.core.i18n import translate
from desktop.core.models import Kind, Problem, Scope
from desktop.core.org import create_person, create_unit, import_catalog
from desktop.core.problems import MeasureInput, ProblemInput, create_problem, live_measures
from desktop.core.session import Session
from desktop.ui.common import DateField
from desktop.ui.context import AppContext
from desktop.ui.measures_editor import DEADLINE, DONE, LEADER, PERSON, RESULT, TEXT, UNIT
from desktop.ui.problem_form import ProblemForm
from desktop.ui.search_combo import SearchCombo
from desktop.ui.settings import Settings
from tests.conftest import PASSWORD, TODAY


@dataclass
class Outline:
    label: str
    title: str
    children: list = field(default_factory=list)


@pytest.fixture
def ctx(office, tmp_path):
    context = AppContext(office.session("clerk"), "test.db", Settings(tmp_path / "s.ini"))
    context.set_campaign(office.campaign.id)
    return context


@pytest.fixture
def catalog(office):
    nodes = import_catalog(Session.system(), office.campaign.id, [
        Outline("一、", "学风方面", [Outline("1.", "学习不深不实，浅尝辄止")]),
        Outline("二、", "文风会风方面", [Outline("2.", "文山会海，层层开会传达")]),
    ])
    return {n.title: n for n in nodes}


@pytest.fixture
def office_unit(office):
    return create_unit(Session.system(), "办公室", parent_id=office.unit.id)


def open_form(qtbot, ctx, problem_id=None) -> ProblemForm:
    form = ProblemForm(ctx, problem_id)
    qtbot.addWidget(form)
    form.confirm_discard = lambda: True  # a test never leaves a question open
    return form


def type_into_cell(qtbot, table, row: int, column: int, value) -> None:
    """Edit a cell the way a person does: open its editor, type, press Enter."""
    index = table.model().index(row, column)
    if table.indexWidget(index) is None:
        table.setCurrentCell(row, column)
        table.editItem(table.item(row, column))
    editor = table.indexWidget(index)
    if isinstance(editor, DateField):
        editor.set_value(value)
    elif isinstance(editor, SearchCombo):
        editor.setEditText(value)
    else:
        editor.setText(value)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop
    qtbot.waitUntil(lambda: table.indexWidget(index) is None, timeout=1000)


def add_measure(qtbot, form, text, leader="", unit="", person="", deadline=None) -> None:
    form.tabs.setCurrentWidget(form.measures_editor)
    form.add_measure_button.click()
    row = form.measures_table.rowCount() - 1
    type_into_cell(qtbot, form.measures_table, row, TEXT, text)
    for column, value in ((LEADER, leader), (UNIT, unit), (PERSON, person)):
        if value:
            type_into_cell(qtbot, form.measures_table, row, column, value)
    if deadline:
        type_into_cell(qtbot, form.measures_table, row, DEADLINE, deadline)


def stored_problem(code: str) -> Problem:
    return Problem.get(Problem.code == code)


def test_a_new_problem_with_two_measures_is_stored_with_them_in_order(
    qtbot, ctx, office, catalog, office_unit
):
    form = open_form(qtbot, ctx)
    assert form.windowTitle() == translate("New problem")
    form.code_edit.setText("WF-01")
    form.unit_combo.setEditText("县民政局")
    form.catalog_combo.set_value(catalog["文山会海，层层开会传达"].id)
    form.source_combo.setCurrentText("座谈会")
    form.description_edit.insertPlainText("会议多、文件多，以会议落实会议")
    form.root_cause_edit.setPlainText("对减负要求认识不到位")
    add_measure(qtbot, form, "精简会议，能合并的合并召开", leader="王局长", unit="办公室",
                person="李科长", deadline=dt.date(2026, 11, 20))
    add_measure(qtbot, form, "建立会议计划审批制度", deadline=dt.date(2026, 11, 30))

    assert form.save_button.isEnabled()
    assert form.save()
    problem = stored_problem("WF-01")
    assert form.problem_id == problem.id
    assert (problem.unit_id, problem.catalog_id, problem.source, problem.state) == (
        office.unit.id, catalog["文山会海，层层开会传达"].id, "座谈会", "draft")
    assert problem.description == "会议多、文件多，以会议落实会议"
    assert problem.root_cause == "对减负要求认识不到位"
    assert problem.found_date == TODAY
    measures = live_measures(problem.id)
    assert [m.text for m in measures] == ["精简会议，能合并的合并召开", "建立会议计划审批制度"]
    first = measures[0]
    assert (first.resp_leader, first.resp_unit_id, first.resp_person, first.deadline) == (
        "王局长", office_unit.id, "李科长", dt.date(2026, 11, 20))
    assert problem.due_date == dt.date(2026, 11, 30)  # the latest measure's deadline
    assert "WF-01" in form.windowTitle() and translate("Draft") in form.windowTitle()
    assert not form.has_unsaved_changes()


def test_reordering_measures_is_stored_and_keeps_them(qtbot, ctx, office):
    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="调研走过场",
        code="WF-02", deadline=dt.date(2026, 11, 20),
        measures=[MeasureInput(text="第一条"), MeasureInput(text="第二条"),
                  MeasureInput(text="第三条")],
    ))
    ids = [m.id for m in live_measures(problem.id)]
    form = open_form(qtbot, ctx, problem.id)
    table = form.measures_table
    table.selectRow(2)
    form.measures_editor.up_button.click()
    table.selectRow(0)
    form.measures_editor.down_button.click()
    assert form.has_unsaved_changes()
    assert form.save()
    stored = live_measures(problem.id)
    assert [m.text for m in stored] == ["第三条", "第一条", "第二条"]
    # the same measures moved, not new ones made
    assert [m.id for m in stored] == [ids[2], ids[0], ids[1]]
    assert [table.item(r, TEXT).text() for r in range(3)] == ["第三条", "第一条", "第二条"]


def test_removing_a_measure(qtbot, ctx, office):
    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="调研走过场",
        measures=[MeasureInput(text="保留"), MeasureInput(text="删去")],
    ))
    form = open_form(qtbot, ctx, problem.id)
    form.measures_table.selectRow(1)
    form.measures_editor.remove_button.click()
    assert form.save()
    assert [m.text for m in live_measures(problem.id)] == ["保留"]


def test_save_and_new_keeps_the_series_fields_and_clears_the_rest(
    qtbot, ctx, office, catalog, office_unit
):
    form = open_form(qtbot, ctx)
    form.unit_combo.set_value(office_unit.id)
    form.catalog_combo.set_value(catalog["学习不深不实，浅尝辄止"].id)
    form.source_combo.setCurrentText("自查")
    form.found_date_edit.set_value(dt.date(2026, 10, 30))
    form.code_edit.setText("WF-03")
    form.description_edit.setPlainText("理论学习浅尝辄止")
    add_measure(qtbot, form, "制定学习计划")

    assert form.save_new_button.isEnabled()
    assert form.save_and_new()
    assert stored_problem("WF-03").description == "理论学习浅尝辄止"
    assert form.problem_id is None
    assert form.windowTitle() == translate("New problem")
    assert form.unit_combo.value() == office_unit.id
    assert form.catalog_combo.value() == catalog["学习不深不实，浅尝辄止"].id
    assert form.source_combo.currentText() == "自查"
    assert form.found_date_edit.value() == dt.date(2026, 10, 30)
    assert form.description_edit.toPlainText() == ""
    assert form.code_edit.text() == ""
    assert form.measures_table.rowCount() == 0
    assert not form.save_button.isEnabled()  # the description is empty again
    assert not form.has_unsaved_changes()
    # the second problem is a new one, not an edit of the first
    form.description_edit.setPlainText("学习笔记照抄照搬")
    assert form.save()
    assert Problem.select().count() == 2


def test_working_days_helper_skips_the_weekend(qtbot, ctx):
    form = open_form(qtbot, ctx)
    assert form.found_date_edit.value() == TODAY  # Monday 2 November 2026
    form.workdays_spin.setValue(7)
    form.workdays_button.click()
    assert form.deadline_edit.value() == dt.date(2026, 11, 11)  # not the 9th: a weekend between
    assert "7" in form.deadline_note.text()


def test_working_days_helper_skips_the_national_day_holiday(qtbot, ctx):
    form = open_form(qtbot, ctx)
    form.found_date_edit.set_value(dt.date(2026, 9, 30))
    form.workdays_spin.setValue(7)
    form.workdays_button.click()
    # past the National Day week, counting the 调休 Saturday 10 October as a working day
    assert form.deadline_edit.value() == dt.date(2026, 10, 15)


def test_fix_at_once_presets_the_campaign_rule_and_warns_beyond_it(qtbot, ctx):
    form = open_form(qtbot, ctx)
    form.workdays_spin.setValue(3)
    form.kind_combo.setCurrentIndex(form.kind_combo.findData(Kind.IMMEDIATE.value))
    assert form.workdays_spin.value() == 7
    assert form.deadline_edit.value() == dt.date(2026, 11, 11)
    rule = translate("Fix at once: within {default} working days, at most {max} working "
                     "days.").format(default=7, max=15)
    assert rule in form.deadline_note.text()
    assert "#b3261e" not in form.deadline_note.styleSheet()
    form.deadline_edit.set_value(dt.date(2026, 12, 31))
    assert translate("This is more than the {max} working days allowed for fixing at "
                     "once.").format(max=15) in form.deadline_note.text()
    assert "#b3261e" in form.deadline_note.styleSheet()


def test_the_measure_deadline_helper(qtbot, ctx):
    form = open_form(qtbot, ctx)
    add_measure(qtbot, form, "精简文件")
    form.measures_table.selectRow(0)
    form.measures_editor.workdays_spin.setValue(5)
    form.measures_editor.workdays_button.click()
    assert form.measures_editor.measures()[0].deadline == dt.date(2026, 11, 9)


def test_an_empty_description_disables_saving(qtbot, ctx, office):
    form = open_form(qtbot, ctx)
    form.unit_combo.set_value(office.unit.id)
    assert not form.save_button.isEnabled()
    assert form.description_note.isVisibleTo(form)
    form.description_edit.setPlainText("文件多")
    assert form.save_button.isEnabled()
    assert not form.description_note.isVisibleTo(form)
    form.description_edit.setPlainText("   ")
    assert not form.save_button.isEnabled() and not form.save_new_button.isEnabled()
    assert form.description_note.isVisibleTo(form)
    assert not form.save()
    assert Problem.select().count() == 0


def test_a_personal_problem_needs_its_person(qtbot, ctx, office):
    person = create_person(Session.system(), "张三", office.unit.id)
    form = open_form(qtbot, ctx)
    form.unit_combo.set_value(office.unit.id)
    form.description_edit.setPlainText("个人学习不深入")
    assert not form.person_combo.isEnabled()
    form.scope_combo.setCurrentIndex(form.scope_combo.findData(Scope.PERSONAL.value))
    assert form.person_combo.isEnabled() and not form.save_button.isEnabled()
    form.person_combo.setEditText("张三（县民政局）")
    assert form.save()
    assert Problem.get_by_id(form.problem_id).person_id == person.id


def close_problem(office) -> Problem:
    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="以会议落实会议",
        code="WF-09", found_date=TODAY, deadline=dt.date(2026, 11, 20),
        measures=[MeasureInput(text="精简会议", deadline=dt.date(2026, 11, 20), done_date=TODAY,
                               result="已合并")],
    ))
    workflow.apply(office.session("clerk"), problem.id, "submit")
    workflow.apply(office.session("reviewer"), problem.id, "approve")
    workflow.apply(office.session("clerk"), problem.id, "request_close")
    workflow.apply(office.session("reviewer"), problem.id, "verify", opinion="已整改到位")
    workflow.apply(office.session("leader"), problem.id, "sign_close", opinion="同意销号",
                   password=PASSWORD)
    return Problem.get_by_id(problem.id)


def test_a_closed_problem_opens_entirely_read_only(qtbot, ctx, office):
    problem = close_problem(office)
    form = open_form(qtbot, ctx, problem.id)
    asked = []
    form.confirm_discard = lambda: asked.append(True) or True

    assert form.is_read_only()
    assert form.banner.isVisibleTo(form)
    banner = form.banner.text()
    assert "leader-用户" in banner and "2026-11-02 09:30" in banner
    assert "WF-09" in form.windowTitle() and translate("Closed") in form.windowTitle()
    editors = [
        w for kind in (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox)
        for w in form.findChildren(kind)
    ]
    assert len(editors) > 15
    for editor in editors:
        read_only = getattr(editor, "isReadOnly", lambda: False)()
        assert not editor.isEnabled() or read_only, editor
    assert not form.save_button.isEnabled() and not form.save_new_button.isEnabled()
    assert not form.workdays_button.isEnabled() and not form.add_measure_button.isEnabled()
    assert form.measures_table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not form.measures_table.item(0, DONE).flags() & Qt.ItemFlag.ItemIsEditable
    assert not form.progress_tab.add_box.isEnabled()
    # a change slipped in anyway is neither saved nor asked about
    form.description_edit.setPlainText("改动")
    assert not form.save()
    form.reject()
    assert asked == []
    assert Problem.get_by_id(problem.id).description == "以会议落实会议"


def test_in_rectification_only_the_completion_is_recorded(qtbot, ctx, office):
    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="调研走过场",
        found_date=TODAY, deadline=dt.date(2026, 11, 20),
        measures=[MeasureInput(text="改进调研方式", deadline=dt.date(2026, 11, 20))],
    ))
    workflow.apply(office.session("clerk"), problem.id, "submit")
    workflow.apply(office.session("reviewer"), problem.id, "approve")
    form = open_form(qtbot, ctx, problem.id)
    assert not form.is_read_only()
    assert form.description_edit.isReadOnly() and not form.unit_combo.isEnabled()
    assert not form.add_measure_button.isEnabled()
    table = form.measures_table
    assert not table.item(0, TEXT).flags() & Qt.ItemFlag.ItemIsEditable
    type_into_cell(qtbot, table, 0, DONE, TODAY)
    type_into_cell(qtbot, table, 0, RESULT, "已到3个村实地调研")
    assert form.save_button.isEnabled() and not form.save_new_button.isEnabled()
    assert form.save()
    measure = live_measures(problem.id)[0]
    assert (measure.done_date, measure.result, measure.text) == (
        TODAY, "已到3个村实地调研", "改进调研方式")


def test_progress_with_evidence_and_opening_it(qtbot, ctx, office, tmp_path):
    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="文件多",
        measures=[MeasureInput(text="清理文件")],
    ))
    evidence = tmp_path / "清理文件清单.docx"
    evidence.write_bytes(b"PK fake word file")
    form = open_form(qtbot, ctx, problem.id)
    tab = form.progress_tab
    tab.choose_files = lambda: [str(evidence)]
    tab.choose_button.click()
    tab.text_edit.setPlainText("已清理过期文件12份")
    tab.measure_combo.setCurrentIndex(1)
    changes = []
    ctx.data_changed.connect(changes.append)
    tab.add_button.click()
    assert changes == ["problem"]
    note = tab.timeline.topLevelItem(0)
    assert note.text(2) == "已清理过期文件12份" and note.text(1) == "clerk-用户"
    assert note.text(3) == "清理文件"
    assert tab.text_edit.toPlainText() == ""
    opened: list[Path] = []
    tab.open_path = lambda path: opened.append(path) or True
    tab.timeline.setCurrentItem(note.child(0))
    assert tab.open_button.isEnabled()
    tab.open_button.click()
    assert opened[0].name == "清理文件清单.docx"
    assert opened[0].read_bytes() == b"PK fake word file"
    # the history tab learnt about it at once
    texts = [form.history_table.item(r, 2).text() for r in range(form.history_table.rowCount())]
    assert any("已清理过期文件12份" in t for t in texts)


def test_the_history_tab_lists_the_creation_and_a_change(qtbot, ctx, office):
    form = open_form(qtbot, ctx)
    form.unit_combo.set_value(office.unit.id)
    form.description_edit.setPlainText("会议多")
    assert form.save()
    form.description_edit.setPlainText("会议多、文件多")
    assert form.save()
    table = form.history_table
    assert table.rowCount() == 2
    newest, oldest = table.item(0, 2).text(), table.item(1, 2).text()
    assert newest.startswith(translate("Problem changed"))
    assert "会议多 → 会议多、文件多" in newest
    assert oldest == translate("Problem entered: {text}").format(text="会议多")
    assert table.item(0, 1).text() == "clerk-用户"
    assert table.item(1, 0).text() == "2026-11-02 09:30"


def test_a_stale_copy_is_refused_with_the_message(qtbot, ctx, office, monkeypatch):
    from desktop.core.problems import update_problem

    problem = create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="会议多"))
    form = open_form(qtbot, ctx, problem.id)
    update_problem(office.session("solo"), problem.id, ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="别人改过"))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    form.description_edit.setPlainText("我的修改")
    assert not form.save()
    assert "solo-用户" in shown[0]
    assert Problem.get_by_id(problem.id).description == "别人改过"


def test_closing_with_unsaved_changes_asks_first(qtbot, ctx, office):
    form = open_form(qtbot, ctx)
    form.show()
    form.description_edit.setPlainText("未保存的问题")
    answers = [False, True]
    form.confirm_discard = lambda: answers.pop(0)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible()
    form.close_button.click()
    assert not form.isVisible()
    assert Problem.select().count() == 0


def test_the_form_fits_a_small_screen_without_cut_off_labels(qtbot, ctx):
    form = open_form(qtbot, ctx)
    form.show()
    qtbot.waitExposed(form)
    assert form.width() <= 1366 and form.height() <= 720
    hint = form.minimumSizeHint()
    assert hint.width() <= 1300 and hint.height() <= 700
    from PySide6.QtWidgets import QLabel

    page = form.tabs.widget(0).widget()
    for label in page.findChildren(QLabel):
        if label.isVisible() and label.text() and not label.wordWrap():
            needed = label.fontMetrics().horizontalAdvance(label.text())
            assert label.width() >= needed, label.text()


def test_keyboard_saves_ctrl_s_and_ctrl_enter_for_the_next(qtbot, ctx, office):
    form = open_form(qtbot, ctx)
    form.show()
    qtbot.waitExposed(form)
    form.windowHandle().requestActivate()  # shortcuts work in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=1000)
    form.unit_combo.set_value(office.unit.id)
    form.description_edit.setPlainText("会议多")
    form.description_edit.setFocus()
    qtbot.keyClick(form.description_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.problem_id is not None
    assert form.description_edit.toPlainText() == "会议多"
    form.description_edit.setPlainText("会议多、文件多")
    qtbot.keyClick(form.description_edit, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    assert Problem.get_by_id(Problem.select().first().id).description == "会议多、文件多"
    assert form.problem_id is None and form.description_edit.toPlainText() == ""


def test_a_new_problem_starts_in_the_clerks_unit(qtbot, ctx, office, office_unit):
    form = open_form(qtbot, ctx)
    assert form.unit_combo.value() == office.unit.id  # the clerk's account belongs to it
    form.description_edit.setPlainText("台账多、报表多")
    assert form.save()
    assert Problem.get_by_id(form.problem_id).unit_id == office.unit.id

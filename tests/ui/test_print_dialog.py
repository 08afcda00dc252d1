"""Printing from the window: the chosen sheet is rendered, previewed, and its code checks."""

from __future__ import annotations

from pypdf import PdfReader

from desktop.core import problems
from desktop.core.sheet_data import SheetKind
from desktop.ui.print_dialog import PrintDialog, VerifyCodeDialog
from tests.ui.test_main_window import make_window
from tests.ui.test_problem_list import add_problem


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_closing_forms_of_the_selected_problems(qtbot, office, clerk_ctx):
    closed = add_problem(office, "窗口服务态度生硬，群众反映强烈", state="closed")
    other = add_problem(office, "另一个已销号的问题", state="closed")
    dialog = PrintDialog(clerk_ctx, [closed.id])
    qtbot.addWidget(dialog)
    assert dialog.kind() == SheetKind.SIGNOFF and dialog.selection_box.isChecked()
    shown = []
    dialog.show_preview = lambda path, title: shown.append((path, title))
    dialog.preview()
    [(path, title)] = shown
    assert title == "问题整改销号审批表"
    text = pdf_text(path)
    assert "窗口服务态度生硬" in text and "另一个已销号的问题" not in text
    assert "solo-用户" in text  # the signer recorded by the workflow
    # without the selection: every closed or closing problem gets its form
    dialog.selection_box.setChecked(False)
    everything = pdf_text(dialog.render())
    assert "另一个已销号的问题" in everything and other.id != closed.id


def test_nothing_to_urge_is_said_and_no_file_is_made(qtbot, office, clerk_ctx):
    add_problem(office, "期限还早的问题")
    dialog = PrintDialog(clerk_ctx)
    qtbot.addWidget(dialog)
    dialog.kind_buttons[SheetKind.URGE].setChecked(True)
    assert dialog.render() is None
    assert "催办" in dialog.message.text()


def test_the_code_of_a_printed_sheet_checks_until_the_record_changes(qtbot, office, clerk_ctx):
    problem = add_problem(office, "会议多、时间长")
    dialog = PrintDialog(clerk_ctx)
    qtbot.addWidget(dialog)
    path = dialog.render()
    text = pdf_text(path)
    assert "会议多、时间长" in text
    code = next(line.split("：")[-1].strip() for line in text.splitlines() if "核验码" in line)
    checker = VerifyCodeDialog()
    qtbot.addWidget(checker)
    checker.code_edit.setText(code)
    assert checker.check()
    data = problems.ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id,
                                 description="会议多、时间长（已改）")
    problems.update_problem(office.session("clerk"), problem.id, data)
    assert not checker.check()
    assert checker.result.text()


def test_the_window_offers_printing_with_the_selection(qtbot, office, tmp_path):
    closed = add_problem(office, "已销号问题", state="closed")
    window = make_window(qtbot, office, tmp_path)
    window.show_page("problems")  # the selection is the problem list's
    window.problem_list.select_ids([closed.id])
    dialog = window.print_sheet()
    assert dialog.selected_ids == [closed.id]
    dialog.close()

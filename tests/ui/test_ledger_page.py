"""整改台账 page: the exported ledger's layout (a problem's first row, one row per further
measure, one group per unit), as of a day, for one unit; problems read from hand-made ledgers
marked 未核验 until a reviewer vouches for them; export and print start with the page's scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from desktop.core import workflow
from desktop.core.consolidate import unverified_ids
from desktop.core.i18n import _
from desktop.core.sheet_data import SheetKind
from desktop.exchange.ledger_exchange import import_files, inspect_files
from desktop.ui.common import long_date
from desktop.ui.ledger_page import GROUP, MEASURE, PROBLEM, LedgerPage
from tests.core.ledger_offices import fill
from tests.ui.conftest import make_context

DATA = Path(__file__).resolve().parents[1] / "data"


def open_page(qtbot, ctx) -> LedgerPage:
    page = LedgerPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0  # nothing is built before the page is shown
    page.show()
    return page


def texts(page, column: int) -> list[str]:
    model = page.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_the_ledger_layout_grouped_by_unit(qtbot, office, tmp_path):
    filled = fill(office, tmp_path)
    ctx = make_context(office, "clerk", tmp_path)
    page = open_page(qtbot, ctx)
    kinds = [ref.kind for ref in page.model.refs]
    # drafts are not in a ledger: the closed problem (县民政局) and the rectifying one (办公室)
    assert kinds == [GROUP, PROBLEM, GROUP, PROBLEM]
    groups = [t for t, k in zip(texts(page, 0), kinds, strict=True) if k == GROUP]
    assert groups[0].startswith("县民政局") and groups[1].startswith("办公室")
    assert page.table.columnSpan(0, 0) == page.model.columnCount()
    descriptions = texts(page, 2)
    assert descriptions[1] == "台账不规范" and descriptions[3] == "调研走过场"
    assert texts(page, 3)[3] == "调研走过场的整改措施"
    assert page.summary.text() == _(
        "{problems} problem(s) with {measures} measure(s) as of {date}: {closed} closed, "
        "{overdue} overdue (shaded red).").format(
            problems=2, measures=2, date=long_date(dt.date(2026, 11, 2)), closed=1, overdue=0)
    # the closed problem shows its closing
    assert texts(page, 10)[1].startswith(_("Yes"))

    page.consolidated_box.setChecked(False)
    assert [ref.kind for ref in page.model.refs] == [PROBLEM, PROBLEM]
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(filled.section.id))
    assert texts(page, 2) == ["调研走过场"]

    page.unit_combo.setCurrentIndex(0)
    page.as_of.set_value(dt.date(2026, 11, 1))  # before anything was entered
    assert page.model.rowCount() == 0


def test_a_problem_with_several_measures_has_one_row_each(qtbot, office, tmp_path):
    from desktop.core.problems import MeasureInput, ProblemInput, create_problem

    clerk = office.session("clerk")
    data = ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id,
                        description="会议多", deadline=dt.date(2026, 12, 1),
                        measures=[MeasureInput("精简会议"),
                                                        MeasureInput("合并会议")])
    pid = create_problem(clerk, data).id
    workflow.apply(clerk, pid, "submit")
    page = open_page(qtbot, make_context(office, "clerk", tmp_path))
    page.consolidated_box.setChecked(False)
    assert [ref.kind for ref in page.model.refs] == [PROBLEM, MEASURE]
    assert texts(page, 2) == ["会议多", ""]
    assert texts(page, 3) == ["1. 精简会议", "2. 合并会议"]
    page.table.selectRow(1)  # a measure row selects its problem
    assert page.selected_ids() == [pid]
    opened = []
    page.open_problem.connect(opened.append)
    page._activated(page.model.index(1, 3))
    assert opened == [pid]


def handmade_problems(office) -> list[int]:
    clerk = office.session("clerk")
    reports = inspect_files([DATA / "handmade_f_copied_down.xlsx"], office.campaign.id)
    [report] = import_files(clerk, reports)
    for pid in report.imported_ids:
        workflow.apply(clerk, pid, "submit")
    return report.imported_ids


def test_handmade_problems_are_marked_unverified_until_a_reviewer_checks(qtbot, office,
                                                                        tmp_path):
    ids = handmade_problems(office)
    clerk_page = open_page(qtbot, make_context(office, "clerk", tmp_path))
    assert clerk_page.unverified_note.isVisibleTo(clerk_page)
    assert "3" in clerk_page.unverified_note.text()
    assert not clerk_page.verify_button.isVisibleTo(clerk_page)  # a clerk may not vouch
    assert all(t.startswith(_("Unverified")) for t in texts(clerk_page, 11) if t)

    page = open_page(qtbot, make_context(office, "reviewer", tmp_path, "r.ini"))
    assert page.verify_button.isVisibleTo(page)
    asked = []
    page.ask_verify = lambda batches: asked.append(batches) or [b.id for b in batches]
    page.verify_button.click()
    assert [b.file_name for b in asked[0]] == ["handmade_f_copied_down.xlsx"]
    assert unverified_ids(office.campaign.id) == set()
    assert not page.unverified_note.isVisibleTo(page)
    assert not any(texts(page, 11))
    assert len(ids) == 3


def test_export_and_print_start_with_the_pages_scope(qtbot, office, tmp_path):
    filled = fill(office, tmp_path)
    page = open_page(qtbot, make_context(office, "clerk", tmp_path))
    page.unit_combo.setCurrentIndex(page.unit_combo.findData(filled.section.id))
    page.as_of.set_value(dt.date(2026, 11, 2))
    export = page.open_export()
    qtbot.addWidget(export)
    assert export.scope_buttons["unit"].isChecked()
    assert export.unit_combo.currentData() == filled.section.id
    assert export.as_of.value() == dt.date(2026, 11, 2)
    assert export.consolidated_box.isChecked()
    export.close()
    printing = page.open_print()
    qtbot.addWidget(printing)
    assert printing.kind_buttons[SheetKind.PLAN].isChecked()
    assert printing.unit_combo.currentData() == filled.section.id
    printing.close()
    importing = page.open_import()
    qtbot.addWidget(importing)
    assert importing.windowTitle() == _("Import and consolidate ledgers")
    importing.close()


def test_a_change_elsewhere_reloads_the_page(qtbot, office, tmp_path):
    ctx = make_context(office, "clerk", tmp_path)
    page = open_page(qtbot, ctx)
    assert page.model.rowCount() == 0
    fill(office, tmp_path)
    ctx.changed("problem")
    assert page.model.rowCount() == 4
    assert page.model.data(page.model.index(1, 2), Qt.ItemDataRole.ToolTipRole) is None


def test_the_window_has_the_page_and_the_ledger_menu(qtbot, office, tmp_path):
    from desktop.ui.export_dialog import ExportDialog
    from desktop.ui.import_dialog import ImportDialog
    from tests.ui.test_main_window import make_window

    window = make_window(qtbot, office, tmp_path)
    assert list(window.pages)[1:3] == ["problems", "ledger"]
    file_menu = window.menuBar().actions()[0].menu()
    assert window.export_ledger_action in file_menu.actions()
    assert window.import_ledgers_action in file_menu.actions()
    dialog = window.export_ledger()
    assert isinstance(dialog, ExportDialog) and dialog.scope_buttons["campaign"].isChecked()
    dialog.close()
    window.show()
    window.show_page("ledger")
    assert window.ledger_page.model.view is not None  # built once shown
    dialog = window.export_ledger()
    assert dialog.parent() is window.ledger_page
    dialog.close()
    importing = window.import_ledgers()
    assert isinstance(importing, ImportDialog)
    importing.close()

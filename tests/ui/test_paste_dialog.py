"""The paste dialog: what the clerk sees of a pasted Excel block and what it creates."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from desktop.core import problems
from desktop.core.errors import ValidationError
from desktop.core.i18n import _
from desktop.core.models import Measure, Problem, State
from desktop.core.org import create_unit, import_catalog
from desktop.core.outline import OutlineNode
from desktop.core.paste_import import RowError
from desktop.core.session import Session
from desktop.ui.context import AppContext
from desktop.ui.paste_dialog import PasteDialog, column_letter
from desktop.ui.settings import Settings

UNITS = ("局办公室", "社会救助科", "养老服务科")
HEADER = ["序号", "单位", "问题类别", "问题表现", "整改措施", "责任单位", "责任人", "整改时限",
          "整改类型"]


def excel_text(rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if "\n" in value or '"' in value else value

    return "".join("\t".join(cell(v) for v in row) + "\r\n" for row in rows)


def sheet_row(i: int) -> list[str]:
    """Row ``i`` of a realistic list: measures numbered in one cell, dates in mixed forms."""
    deadline = dt.date(2026, 11, 10) + dt.timedelta(days=i)
    typed = (deadline.isoformat(), f"{deadline.year}年{deadline.month}月{deadline.day}日",
             deadline.strftime("%Y/%m/%d"), str((deadline - dt.date(1899, 12, 30)).days))[i % 4]
    return [str(i + 1), UNITS[i % 3], "文风会风方面" if i % 2 else "", f"第{i + 1}个问题：会议多、文件多",
            f"1.精简会议{i}\n2.压缩文件{i}", UNITS[(i + 1) % 3], f"责任人{i}", typed, "限期整改"]


@pytest.fixture
def ctx(office, tmp_path):
    system = Session.system()
    for name in UNITS:
        create_unit(system, name, office.unit.id)
    import_catalog(system, office.campaign.id, [OutlineNode("一、", "文风会风方面", "")])
    context = AppContext(office.session("clerk"), "test.db", Settings(tmp_path / "s.ini"))
    context.set_campaign(office.campaign.id)
    return context


def summary(good: int, bad: int) -> str:
    return _("{good} drafts will be created, {bad} rows have problems.").format(good=good, bad=bad)


def open_dialog(qtbot, ctx, text: str) -> PasteDialog:
    dialog = PasteDialog(ctx, text)
    qtbot.addWidget(dialog)
    return dialog


def campaign_problems(office) -> list[Problem]:
    return list(Problem.live().where(Problem.campaign == office.campaign.id).order_by(Problem.id))


def test_fifty_pasted_rows_become_fifty_drafts(qtbot, ctx, office):
    rows = [HEADER] + [sheet_row(i) for i in range(50)]
    dialog = open_dialog(qtbot, ctx, excel_text(rows))
    assert dialog.header_box.isChecked()
    assert [c.currentData() for c in dialog.mapping_combos] == [
        None, "unit", "catalog", "description", "measure", "resp_unit", "resp_person",
        "deadline", "kind"]
    assert dialog.summary.text() == summary(50, 0)
    assert dialog.bad_rows.count() == 0
    assert dialog.create_button.isEnabled()
    with qtbot.waitSignal(ctx.data_changed) as changed:
        dialog.create_button.click()
    assert changed.args == ["problem"]
    assert dialog.result() == dialog.DialogCode.Accepted
    created = campaign_problems(office)
    assert len(created) == 50 and [p.id for p in created] == dialog.created_ids
    for i, problem in enumerate(created):
        assert problem.state == State.DRAFT.value
        assert problem.unit.name == UNITS[i % 3]
        assert problem.description == f"第{i + 1}个问题：会议多、文件多"
        assert problem.deadline == dt.date(2026, 11, 10) + dt.timedelta(days=i)
        assert (problem.catalog is not None) == bool(i % 2)
        measures = problems.live_measures(problem.id)
        assert [(m.text, m.resp_unit.name, m.resp_person) for m in measures] == [
            (f"精简会议{i}", UNITS[(i + 1) % 3], f"责任人{i}"),
            (f"压缩文件{i}", UNITS[(i + 1) % 3], f"责任人{i}"),
        ]


def test_changing_a_column_mapping_changes_the_preview(qtbot, ctx, office):
    text = excel_text([["单位", "问题表现", "日期"],
                       ["局办公室", "台账不实", "2026-10-20"],
                       ["养老服务科", "走访不深入", "2026-10-21"]])
    dialog = open_dialog(qtbot, ctx, text)
    date_combo = dialog.mapping_combos[2]
    assert date_combo.currentData() is None  # "日期" alone does not say which date
    assert [r.problem.found_date for r in dialog.preview.rows] == [None, None]

    date_combo.setCurrentIndex(date_combo.findData("found_date"))
    assert [r.problem.found_date for r in dialog.preview.rows] == [
        dt.date(2026, 10, 20), dt.date(2026, 10, 21)]
    assert dialog.table.horizontalHeaderItem(2).text() == f"C · {_('Date found')}"

    # the same field chosen for a second column is taken from the first
    unit_combo = dialog.mapping_combos[0]
    unit_combo.setCurrentIndex(unit_combo.findData("description"))
    assert dialog.mapping_combos[1].currentData() is None
    assert [r.problem.description for r in dialog.preview.rows] == ["局办公室", "养老服务科"]

    unit_combo.setCurrentIndex(0)  # 不导入: now no column holds the description
    assert unit_combo.currentText() == _("Do not import")
    assert not dialog.create_button.isEnabled()
    assert dialog.bad_rows.count() == 1 and dialog.preview.errors


def test_the_header_box_decides_whether_row_one_is_created(qtbot, ctx, office):
    text = excel_text([["问题表现"], ["会议多"], ["文件多"]])
    dialog = open_dialog(qtbot, ctx, text)
    assert dialog.header_box.isChecked()
    assert len(dialog.preview.good) == 2
    dialog.header_box.setChecked(False)
    assert [r.problem.description for r in dialog.preview.good] == ["问题表现", "会议多", "文件多"]


def test_bad_rows_are_listed_and_not_created(qtbot, ctx, office):
    text = excel_text([
        ["单位", "问题表现", "整改时限"],
        ["局办公室", "会议多", "2026-12-01"],
        ["不存在的科", "文件多", "2026-12-01"],
        ["养老服务科", "检查多", "年后"],
        ["", "", ""],
        ["社会救助科", "调研少", "长期坚持"],
    ])
    dialog = open_dialog(qtbot, ctx, text)
    items = [dialog.bad_rows.item(i) for i in range(dialog.bad_rows.count())]
    assert [item.data(Qt.ItemDataRole.UserRole) for item in items] == [3, 4]
    assert [item.text() for item in items] == [
        RowError(3, ValidationError("{field_label}: there is no unit called “{name}”.",
                                    field_label="Unit", name="不存在的科")).message(),
        RowError(4, ValidationError("{field_label}: “{text}” is not a date.",
                                    field_label="Deadline", text="年后")).message(),
    ]
    assert dialog.summary.text() == summary(2, 2)

    asked = []
    dialog.confirm_skip = lambda n: asked.append(n) or False
    dialog.create_button.click()
    assert asked == [2] and campaign_problems(office) == []
    assert dialog.created_ids == []

    dialog.confirm_skip = lambda n: True
    dialog.create_button.click()
    created = campaign_problems(office)
    assert [p.description for p in created] == ["会议多", "调研少"]
    assert created[1].kind == "ongoing"
    assert dialog.created_ids == [p.id for p in created]
    assert Measure.select().count() == 0


def test_clicking_a_listed_reason_selects_its_row(qtbot, ctx):
    text = excel_text([["单位", "问题表现"], ["局办公室", "甲"], ["无此单位", "乙"]])
    dialog = open_dialog(qtbot, ctx, text)
    dialog._show_row(dialog.bad_rows.item(0))
    assert [i.row() for i in dialog.table.selectionModel().selectedRows()] == [3]
    assert dialog.table.verticalHeaderItem(3).text() == "3"


def test_the_dialog_fits_a_small_laptop_screen(qtbot, ctx):
    wide = [f"列{i}" for i in range(15)]
    rows = [HEADER + wide] + [sheet_row(i) + ["很长的一段说明文字" * 10] * 15 for i in range(5)]
    dialog = open_dialog(qtbot, ctx, excel_text(rows))
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
    assert dialog.width() <= 1366 and dialog.height() <= 768
    long_column = len(HEADER) + 1
    assert dialog.table.columnWidth(long_column) <= 300
    combo = dialog.mapping_combos[long_column]
    assert dialog.table.columnWidth(long_column) >= combo.sizeHint().width()


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA"]

"""Importing hand-made Excel ledgers: the header under title rows, the columns by their usual
names, a problem's measure rows put back together, every unreadable row listed with its
worksheet row number, remembered column choices, and drafts created all or none.

The workbooks are the layouts in tests/data (made by tests/data/make_handmade.py); the
expected counts and row numbers below are read off those files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop.core import records
from desktop.core.cell_values import cell_text, drop_leading_number, parse_date
from desktop.core.errors import DomainError, PermissionDenied, ValidationError
from desktop.core.handmade_import import (
    CellRange,
    GridRow,
    SheetGrid,
    find_header_row,
    import_handmade,
    layout_key,
    preview_handmade,
    save_mapping,
    saved_mapping,
)
from desktop.core.models import AuditEvent, Kind, Measure, Problem, Scope, State, Unit
from desktop.core.org import create_person, create_unit, import_catalog
from desktop.core.outline import OutlineNode
from desktop.core.paste_import import RowError
from desktop.core.session import Session
from desktop.exchange.handmade_xlsx import read_sheets

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def org(office):
    """A town with its offices, the bureau's sections, three 班子成员 and a catalog."""
    admin = Session.system()
    town = create_unit(admin, "城关镇", office.unit.id)
    units = {
        "城关镇": town,
        "党政办": create_unit(admin, "党政综合办公室", town.id, short_name="党政办"),
        "社事办": create_unit(admin, "社会事务办公室", town.id, short_name="社事办"),
        "社救科": create_unit(admin, "社会救助科", office.unit.id, short_name="社救科"),
        "办公室": create_unit(admin, "局办公室", office.unit.id, short_name="办公室"),
    }
    people = {name: create_person(admin, name, office.unit.id)
              for name in ("王某某", "李某某", "张某某")}
    roots = [
        OutlineNode("一、", "文风会风方面", "", [OutlineNode("（一）", "文山会海反弹回潮", "")]),
        OutlineNode("二、", "工作作风方面", "", [
            OutlineNode("（一）", "调查研究走过场", ""),
            OutlineNode("（二）", "服务群众不到位", ""),
        ]),
    ]
    nodes = {n.title: n for n in import_catalog(admin, office.campaign.id, roots)}
    return units, people, nodes


def sheet(name: str) -> SheetGrid:
    return read_sheets(DATA / name)[0]


def measures_of(problem):
    return [(m.text, m.resp_leader, m.resp_unit_id, m.resp_person, m.deadline)
            for m in problem.measures]


def bad_rows(preview) -> list[tuple[int, str]]:
    return [(b.row, b.reason.message("en")) for b in preview.bad]


# -- the layouts --------------------------------------------------------------------------------


def test_a_county_ledger_with_merged_problem_cells(office, org):
    units, _people, nodes = org
    preview = preview_handmade(sheet("handmade_a_county_ledger.xlsx"), office.campaign.id)
    assert preview.header_row == 3  # under the merged title and the 填报单位 line
    assert preview.title_lines == ["城关镇纠治形式主义官僚主义问题整改台账",
                                   "填报单位：城关镇（盖章）  填报日期：2026年5月20日"]
    assert (preview.unit_name_from_sheet, preview.unit_source) == ("城关镇", "sheet")
    assert preview.mapping == [None, "catalog", "description", "measure", "resp_leader",
                               "resp_unit", "resp_person", "deadline", None, "note"]
    # rows 4-6, 7-8, 9 and 10 are four problems; row 12 is the signature line
    assert [r.row for r in preview.good] == [4, 7, 9, 10]
    assert preview.bad == []
    assert preview.skipped_rows == [12]
    first, second, third, fourth = (r.problem for r in preview.good)
    assert all(p.unit_id == units["城关镇"].id for p in (first, second, third, fourth))
    # the category merged over problems 1-2 belongs to both
    assert first.catalog_id == second.catalog_id == nodes["文风会风方面"].id
    # the leader and the deadline merged down belong to each measure row
    assert first.deadline == dt.date(2026, 6, 30)
    assert measures_of(first) == [
        ("精简会议活动，能合并的合并召开", "张副镇长", units["党政办"].id, "李某", None),
        ("压缩文件简报，严控发文数量", "张副镇长", units["党政办"].id, "李某", None),
        ("建立发文审核把关制度", "张副镇长", units["党政办"].id, "赵某", None),
    ]
    # two measure rows with their own deadlines: the measures' deadlines, none for the problem
    assert second.deadline is None
    assert measures_of(second) == [
        ("统筹督查检查考核事项", "王副镇长", units["党政办"].id, "钱某", dt.date(2026, 6, 15)),
        ("推行“一表通”报送", "王副镇长", units["社事办"].id, "孙某", dt.date(2026, 7, 31)),
    ]
    assert second.note == "与县里同步"
    assert [m.text for m in third.measures] == ["制定年度调研计划", "每名班子成员每年形成1篇调研报告"]
    assert (third.kind, fourth.kind) == (Kind.ONGOING.value, Kind.IMMEDIATE.value)


def test_b_two_row_header_and_an_error_on_a_measure_row(office, org):
    _units, _people, nodes = org
    preview = preview_handmade(sheet("handmade_b_two_row_header.xlsx"), office.campaign.id)
    assert preview.header_row == 2
    assert preview.labels[4:8] == ["整改措施/具体措施", "整改措施/责任领导", "整改措施/责任人",
                                   "整改措施/完成时限"]
    # 完成时限 under 整改措施 is each measure's deadline
    assert preview.mapping == [None, "catalog", "description", "root_cause", "measure",
                               "resp_leader", "resp_person", "measure_deadline", "note"]
    # no 填报单位 line: the campaign's own unit
    assert (preview.unit_id, preview.unit_source) == (office.unit.id, "campaign")
    assert [r.row for r in preview.good] == [4, 6]
    # problem 3 (rows 7-9) is refused, on the row that has the fault: 2026-02-30 is no date
    assert bad_rows(preview) == [(8, "Measure deadline: “2026-02-30” is not a date.")]
    first = preview.good[0].problem
    assert first.catalog_id == nodes["工作作风方面"].id
    assert first.root_cause == "监督管理不到位"
    assert measures_of(first) == [
        ("全面开展入户复核", "李科长", None, "王某某", dt.date(2026, 6, 30)),
        ("建立动态管理台账", "李科长", None, "王某某", dt.date(2026, 6, 30)),  # 6月底
    ]


def test_c_simple_list_with_dates_in_every_form(office, org):
    units, _people, _nodes = org
    preview = preview_handmade(sheet("handmade_c_simple_list.xlsx"), office.campaign.id,
                               unit_id=units["社救科"].id)
    assert preview.unit_source == "given"
    assert preview.mapping == [None, "description", "measure", "deadline", "resp_person",
                               "resp_unit"]
    assert preview.bad == []
    got = {r.row: (r.problem.kind, r.problem.deadline) for r in preview.good}
    may_12 = (Kind.DEADLINE.value, dt.date(2026, 5, 12))
    assert got == {
        2: may_12,  # 2026.5.12
        3: may_12,  # 2026年5月12日
        4: (Kind.DEADLINE.value, dt.date(2026, 5, 31)),  # 5月底, in the current year
        5: (Kind.ONGOING.value, None),  # 长期坚持
        6: (Kind.IMMEDIATE.value, None),  # 立行立改: the 限时办结 default when created
        7: may_12,  # the serial number 46154 in a General cell
        8: may_12,  # a real date cell
        9: may_12,  # 2026-05-12 typed as text
        10: (Kind.DEADLINE.value, dt.date(2026, 6, 1)),  # 2026/6/1 on both of its rows
    }
    by_row = {r.row: r.problem for r in preview.good}
    assert [(m.text, m.resp_person, m.resp_unit_id) for m in by_row[3].measures] == [
        ("精简文件", "李某某", units["办公室"].id),
        ("落实“短实新”文风", "王某某", units["办公室"].id),
        ("定期通报发文情况", "赵某", units["办公室"].id),
    ]
    assert [m.text for m in by_row[4].measures] == ["整合报表", "建立共享数据库"]
    # row 11 (number and problem left blank) is the second measure of row 10's problem
    assert [m.text for m in by_row[10].measures] == ["减少填表", "减少重复报送"]


def test_d_bad_rows_are_listed_and_the_foot_is_skipped(office, org):
    units, _people, _nodes = org
    preview = preview_handmade(sheet("handmade_d_bad_rows.xlsx"), office.campaign.id)
    assert (preview.unit_id, preview.unit_source) == (units["社救科"].id, "sheet")
    assert [r.row for r in preview.good] == [4, 8, 10]
    assert bad_rows(preview) == [
        # 序号 2 starts a problem, but its 问题表现 is empty
        (5, "The problem description (问题表现) is required."),
        # month 13, day 45
        (6, "Deadline: “2026-13-45” is not a date."),
        # no unit of the office is called 安监科
        (7, "Responsible unit: there is no unit called “安监科”."),
        # two faults on one row, both listed
        (9, "Deadline: “下月” is not a date."),
        (9, "Responsible unit: there is no unit called “无此科”."),
    ]
    # 合计, the 填报人/审核人 line and the 注 line: skipped, not errors
    assert preview.skipped_rows == [12, 13, 14]
    assert preview.report()[0] == {"row": 5, "reason": "必须填写问题表现。"}
    assert preview.report("en")[1] == {"row": 6,
                                       "reason": "Deadline: “2026-13-45” is not a date."}


def test_e_personal_list_in_a_wps_layout(office, org):
    _units, people, _nodes = org
    preview = preview_handmade(sheet("handmade_e_personal_wps.xlsx"), office.campaign.id)
    assert preview.header_row == 5
    # spacer columns A and G stay unmapped; 职务 is known but not imported
    assert preview.mapping == [None, None, "person", None, "scope", "description", None,
                               "measure", "deadline", "note"]
    # 县民政局党组 is not a unit here: the campaign's unit, and the name is reported
    assert preview.unit_name_from_sheet == "县民政局党组"
    assert (preview.unit_id, preview.unit_source) == (office.unit.id, "campaign")
    assert [(r.row, r.problem.scope, r.problem.person_id) for r in preview.good] == [
        (6, Scope.PERSONAL.value, people["王某某"].id),
        (7, Scope.PERSONAL.value, people["李某某"].id),
        (8, Scope.PERSONAL.value, people["张某某"].id),
        (11, Scope.ORG.value, None),
    ]
    assert preview.good[0].problem.deadline == dt.date(2026, 12, 31)  # 2026年12月底
    assert bad_rows(preview) == [
        (9, "There is no person called “陈某某”."),  # not one of the 班子成员 entered here
        (10, "A personal problem needs the person it belongs to."),  # 个人, no name
    ]


def test_f_problem_text_copied_down_is_one_problem_per_number(office, org):
    preview = preview_handmade(sheet("handmade_f_copied_down.xlsx"), office.campaign.id)
    assert preview.mapping == ["code", "description", "measure", "resp_person", "deadline"]
    # rows 2-3 share 编号 YL-01; row 4 has the same text under another 编号
    got = [(r.row, r.problem.code, [m.resp_person for m in r.problem.measures])
           for r in preview.good]
    assert got == [(2, "YL-01", ["王某某", "李某某"]), (4, "YL-02", ["张某某"]),
                   (5, "YL-03", ["赵某"])]
    assert preview.bad == []


# -- importing ----------------------------------------------------------------------------------


def test_nothing_is_imported_with_bad_rows_unless_accepted(office, org):
    units, _people, _nodes = org
    preview = preview_handmade(sheet("handmade_d_bad_rows.xlsx"), office.campaign.id)
    clerk = office.session("clerk")
    with pytest.raises(ValidationError) as refused:
        import_handmade(clerk, preview)
    assert refused.value.message("en") == (
        "4 rows cannot be read (rows 5, 6, 7, 9); nothing was imported. Correct them, "
        "or accept importing the 3 good problems only.")
    assert Problem.select().count() == 0
    ids = import_handmade(clerk, preview, accept_partial=True)
    created = [Problem.get_by_id(i) for i in ids]
    assert [(p.description, p.state, p.unit_id) for p in created] == [
        ("临时救助审批时限过长", State.DRAFT.value, units["社救科"].id),
        ("办事指南更新不及时", State.DRAFT.value, units["社救科"].id),
        ("窗口服务态度生硬", State.DRAFT.value, units["社救科"].id),
    ]
    for problem in created:
        events = AuditEvent.select().where(AuditEvent.entity_uuid == problem.uuid)
        assert [(e.action, e.user_name) for e in events] == [("create", "clerk-用户")]


def test_a_ledger_imports_with_its_measures_and_due_dates(office, org):
    preview = preview_handmade(sheet("handmade_a_county_ledger.xlsx"), office.campaign.id)
    ids = import_handmade(office.session("clerk"), preview)
    assert len(ids) == 4
    second = Problem.get_by_id(ids[1])
    # no deadline of its own: due when its last measure is
    assert (second.deadline, second.due_date) == (None, dt.date(2026, 7, 31))
    measures = Measure.select().where(Measure.problem == ids[0]).order_by(Measure.sort_order)
    assert [m.resp_person for m in measures] == ["李某", "李某", "赵某"]


def test_a_failure_while_creating_leaves_nothing(office, org):
    units, _people, _nodes = org
    preview = preview_handmade(sheet("handmade_a_county_ledger.xlsx"), office.campaign.id)
    # 社事办 is deleted by someone else after the preview; problem 2 (row 7) names it
    records.tombstone(Session.system(), Unit.get_by_id(units["社事办"].id))
    events = AuditEvent.select().count()
    with pytest.raises(RowError) as failed:
        import_handmade(office.session("clerk"), preview)
    assert failed.value.row == 7
    assert Problem.select().count() == 0
    assert Measure.select().count() == 0
    assert AuditEvent.select().count() == events


def test_only_a_clerk_imports(office, org):
    preview = preview_handmade(sheet("handmade_f_copied_down.xlsx"), office.campaign.id)
    with pytest.raises(PermissionDenied):
        import_handmade(office.session("reviewer"), preview)
    assert Problem.select().count() == 0


# -- remembered mappings ------------------------------------------------------------------------


def test_a_mapping_chosen_once_is_used_next_time(office, org):
    grid = sheet("handmade_e_personal_wps.xlsx")
    first = preview_handmade(grid, office.campaign.id)
    assert first.mapping_source == "guessed"
    assert saved_mapping(first.layout) is None
    # the clerk imports 职务 as the note instead of 备注
    chosen = list(first.mapping)
    chosen[3], chosen[9] = "note", None
    with pytest.raises(PermissionDenied):
        save_mapping(office.session("reviewer"), first.layout, chosen)
    save_mapping(office.session("clerk"), first.layout, chosen)
    again = preview_handmade(sheet("handmade_e_personal_wps.xlsx"), office.campaign.id)
    assert (again.mapping_source, again.mapping) == ("remembered", chosen)
    assert [r.problem.note for r in again.good] == ["局长", "副局长", "副局长", ""]
    # another layout is not affected
    other = preview_handmade(sheet("handmade_d_bad_rows.xlsx"), office.campaign.id)
    assert other.mapping_source == "guessed"


def test_a_mapping_without_a_description_is_not_saved(office, org):
    layout = layout_key(["序号", "问题表现"])
    with pytest.raises(ValidationError):
        save_mapping(office.session("clerk"), layout, [None, None])
    assert saved_mapping(layout) is None


def test_the_layout_key_ignores_spacing_and_punctuation():
    assert layout_key(["序号", "问题表现", "整改时限（完成时间）", ""]) == layout_key(
        [" 序 号", "问题表现\n", "整改时限(完成时间)"])
    assert layout_key(["序号", "问题表现"]) != layout_key(["问题表现", "序号"])


# -- hand-built grids ---------------------------------------------------------------------------


def grid(*rows: list, merged: tuple[CellRange, ...] = (), first: int = 1) -> SheetGrid:
    return SheetGrid("表1", [GridRow(first + i, list(r)) for i, r in enumerate(rows)],
                     list(merged))


def test_a_sheet_without_header_is_refused_clearly(office):
    with pytest.raises(ValidationError) as refused:
        preview_handmade(grid(["甲", "乙"], ["丙", "丁"]), office.campaign.id)
    assert "No header row was found in the first 15 rows" in refused.value.message("en")
    with pytest.raises(ValidationError):
        preview_handmade(grid(), office.campaign.id)


def test_the_header_is_searched_in_the_first_rows_only(office):
    filler = [[f"说明{i}"] for i in range(20)]
    assert find_header_row(grid(*filler, ["问题表现", "整改时限"])) is None
    assert find_header_row(grid(["台账"], ["问题表现", "整改时限"], first=4)) == 5


def test_a_header_row_can_be_chosen_and_numbers_rows_as_the_worksheet(office):
    rows = grid(["问题整改台账", None], ["单位：万元", None], ["存在问题", "完成时限"],
                ["会议多", dt.date(2026, 6, 30)], ["文件多", "2026-02-30"], first=7)
    preview = preview_handmade(rows, office.campaign.id, header_row=9)
    assert (preview.header_row, [r.row for r in preview.good]) == (9, [10])
    assert bad_rows(preview) == [(11, "Deadline: “2026-02-30” is not a date.")]


def test_headings_repeated_headers_and_subtotals_are_not_problems(office):
    rows = grid(
        ["序号", "问题表现", "整改措施", "整改时限"],
        [1, 2, 3, 4],  # 栏次: the column numbers of an official form
        ["一、文风会风方面", None, None, None],  # a section heading merged across the table
        [1, "会议多", "精简会议", "2026-06-30"],
        ["序号", "问题表现", "整改措施", "整改时限"],  # the header again (pasted page by page)
        ["小计", 1, None, None],
        [2, "文件多", "压缩文件", "2026年6月30日"],
        ["制表人（签字）：", "王某某", "审核人：", "李科长"],
        merged=(CellRange(3, 1, 3, 4),),
    )
    preview = preview_handmade(rows, office.campaign.id)
    assert [r.row for r in preview.good] == [4, 7]
    assert preview.bad == []
    assert preview.skipped_rows == [2, 3, 5, 6, 8]


def test_a_second_header_row_read_with_its_parent(office):
    rows = grid(
        ["问题表现", "责任", None, "整改措施", None, "整改进展", None],
        [None, "单位", "人", "措施", "时间", "情况", "完成时间"],
        ["会议多", "社会救助科", "王某某", "精简会议", "2026-06-30", "已完成", "2026-06-01"],
        merged=(CellRange(1, 1, 2, 1), CellRange(1, 2, 1, 3), CellRange(1, 4, 1, 5),
                CellRange(1, 6, 1, 7)),
    )
    preview = preview_handmade(rows, office.campaign.id)
    assert preview.labels == ["问题表现", "责任/单位", "责任/人", "整改措施/措施", "整改措施/时间",
                              "整改进展/情况", "整改进展/完成时间"]
    # the completion date under 整改进展 is progress, not a deadline
    assert preview.mapping == ["description", "resp_unit", "resp_person", "measure",
                               "measure_deadline", None, None]


def test_a_measure_merged_over_rows_gathers_its_responsible_people(office):
    rows = grid(
        ["序号", "问题表现", "整改措施", "责任人", "整改时限"],
        [1, "会议多", "精简会议", "王某", "2026-06-30"],
        [1, "会议多", "精简会议", "李某", "2026-06-30"],
        [None, None, "压缩文件", "赵某", "2026-06-30"],
        merged=(CellRange(2, 1, 3, 1), CellRange(2, 2, 4, 2), CellRange(2, 3, 3, 3)),
    )
    preview = preview_handmade(rows, office.campaign.id)
    assert [(m.text, m.resp_person) for m in preview.good[0].problem.measures] == [
        ("精简会议", "王某、李某"), ("压缩文件", "赵某")]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (dt.datetime(2026, 5, 12, 0, 0), "2026-05-12"),
        (dt.datetime(2026, 5, 12, 17, 30), "2026-05-12 17:30:00"),
        (dt.date(2026, 5, 12), "2026-05-12"),
        (46154.0, "46154"),
        (1.5, "1.5"),
        (7, "7"),
        (True, "TRUE"),
        ("  立行立改 ", "  立行立改 "),
    ],
)
def test_workbook_values_read_as_the_same_typed_text(value, text):
    assert cell_text(value) == text


def test_workbook_dates_and_serials_read_as_dates():
    for value in (dt.datetime(2026, 5, 12, 17, 30), 46154, 46154.0, dt.date(2026, 5, 12)):
        assert parse_date(cell_text(value)) == dt.date(2026, 5, 12)


@pytest.mark.parametrize(
    ("text", "item"),
    [("2.推行容缺受理", "推行容缺受理"), ("（3）限时办结", "限时办结"), ("②统筹", "统筹"),
     ("1.5万元专项资金", "1.5万元专项资金"), ("加强学习", "加强学习")],
)
def test_a_measure_row_loses_its_list_number(text, item):
    assert drop_leading_number(text) == item


_WORDS = ["序号", "问题表现", "整改措施", "责任人", "整改时限", "责任单位", "合计", "填报单位：城关镇",
          "组织/个人", "个人", "长期坚持", "2026-13-45", "1.甲\n2.乙", "县民政局"]
_CELLS = st.one_of(
    st.none(), st.sampled_from(_WORDS), st.text(max_size=8), st.integers(-5, 90000),
    st.floats(allow_nan=True), st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)), st.booleans(),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(_WORDS[:6]), max_size=6),
    body=st.lists(st.lists(_CELLS, max_size=6), max_size=8),
    merged=st.lists(st.tuples(st.integers(-1, 10), st.integers(-1, 8), st.integers(-1, 10),
                              st.integers(-1, 8)), max_size=4),
)
def test_any_grid_gives_a_preview_or_a_clear_error(office, header, body, merged):
    rows = [header, *body]
    ranges = tuple(CellRange(*m) for m in merged)
    try:
        preview = preview_handmade(grid(*rows, merged=ranges), office.campaign.id)
    except DomainError as error:
        event("refused")
        assert error.message("en")
        return
    event(f"preview with {'some' if preview.good else 'no'} good rows")
    assert len(preview.mapping) == max(len(r) for r in rows)
    for bad in preview.bad:
        assert 1 <= bad.row <= len(rows)

"""Pasting a block of Excel/WPS cells into the problem list: reading the clipboard, recognising
the columns, resolving the values, and creating the good rows as drafts, all or none."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import paste_import, records
from desktop.core.cell_values import parse_date, parse_deadline, split_numbered
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.models import AuditEvent, Kind, Measure, Problem, Scope, State, Unit
from desktop.core.org import create_person, create_unit, import_catalog
from desktop.core.outline import OutlineNode
from desktop.core.paste_import import (
    create_drafts,
    guess_mapping,
    header_field,
    parse_clipboard,
    preview,
)
from desktop.core.session import Session

HEADER = (
    "序号\t单位\t问题类别\t问题表现\t查摆方式\t原因剖析\t整改措施\t整改目标\t责任领导\t责任单位"
    "\t责任人\t整改时限\t整改类型\t组织/个人\t备注"
)


def tsv(*rows: list[str]) -> str:
    """Cells as Excel copies them: a cell with a line break, tab or quote is quoted."""

    def cell(value: str) -> str:
        if any(ch in value for ch in '\r\n\t"'):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join("\t".join(cell(v) for v in row) + "\r\n" for row in rows)


@pytest.fixture
def setup(office):
    """Units, people and a catalog for the office's campaign."""
    admin = Session.system()
    units = {
        "办公室": create_unit(admin, "局办公室", office.unit.id, short_name="办公室"),
        "社救科": create_unit(admin, "社会救助科", office.unit.id, short_name="社救科"),
        "养老科": create_unit(admin, "养老服务科", office.unit.id),
    }
    person = create_person(admin, "王某某", units["社救科"].id)
    roots = [
        OutlineNode("一、", "文风会风方面", "", [
            OutlineNode("（一）", "文山会海反弹回潮", ""),
            OutlineNode("（二）", "督查检查考核过多过频", ""),
        ]),
        OutlineNode("二、", "工作作风方面", "", [
            OutlineNode("（一）", "调查研究走过场", ""),
            OutlineNode("（二）", "文山会海变相出现", ""),
        ]),
    ]
    nodes = {n.title: n for n in import_catalog(admin, office.campaign.id, roots)}
    return units, person, nodes


def run_preview(office, text: str, default_unit=None):
    rows = parse_clipboard(text)
    has_header, mapping = guess_mapping(rows, office.campaign.id)
    return preview(rows, mapping, has_header, office.campaign.id, default_unit)


# -- the clipboard ------------------------------------------------------------------------------


def test_quoted_cells_keep_their_line_breaks_tabs_and_quotes():
    text = (
        '1\t"1.加强学习\n2.完善制度"\t"他说""马上改"""\r\n'
        '2\t"含\t制表符"\r\n'
        '3\t"引号"开头但未加引号\t末列\r\n'
        "\r\n"
    )
    assert parse_clipboard(text) == [
        ["1", "1.加强学习\n2.完善制度", '他说"马上改"'],
        ["2", "含\t制表符", ""],  # ragged row padded
        ["3", '"引号"开头但未加引号', "末列"],
    ]


def test_line_ends_single_column_and_empty_clipboard():
    assert parse_clipboard("甲\n乙\r\n丙") == [["甲"], ["乙"], ["丙"]]
    assert parse_clipboard("a\tb\n\nc\td\n") == [["a", "b"], ["", ""], ["c", "d"]]
    assert parse_clipboard("") == []
    assert parse_clipboard("\r\n") == []


@given(st.integers(1, 4).flatmap(lambda width: st.lists(
    st.lists(st.text(alphabet='ab 问"\t\n\r', max_size=6), min_size=width, max_size=width),
    min_size=1, max_size=4)))
def test_whatever_excel_copies_reads_back_cell_for_cell(rows):
    while rows and not any(c.strip() for c in rows[-1]):
        rows = rows[:-1]  # Excel's trailing line break leaves no trace of empty last rows
    assert parse_clipboard(tsv(*rows)) == rows


# -- recognising the columns --------------------------------------------------------------------


def test_a_realistic_header_row_is_recognised():
    rows = parse_clipboard(HEADER + "\r\n1\t局办公室\t\t问题\r\n")
    has_header, mapping = guess_mapping(rows)
    assert has_header
    assert mapping == [
        None, "unit", "catalog", "description", "source", "root_cause", "measure", "target",
        "resp_leader", "resp_unit", "resp_person", "deadline", "kind", "scope", "note",
    ]


@pytest.mark.parametrize(
    ("cell", "field"),
    [
        ("整改时限\n（完成时间）", "deadline"),
        ("问题表现/具体问题", "description"),
        ("查摆方式/来源", "source"),
        ("整改类型(立行立改/限期整改/长期坚持)", "kind"),
        ("组织/个人", "scope"),
        ("责任部门", "resp_unit"),
        ("* 责任人", "resp_person"),
        ("序号", ""),
        ("整改进展", ""),
        ("县民政局", None),
        ("2026年11月30日", None),
    ],
)
def test_header_words_and_their_variants(cell, field):
    assert header_field(cell) == field


def test_without_header_only_clear_columns_are_guessed(setup):
    rows = parse_clipboard(tsv(
        ["1", "局办公室", "会议多、文件多，基层疲于应付", "2026-11-30", "立行立改", "张三"],
        ["2", "社救科", "入户核查流于形式，台账不实", "2026/12/15", "限期整改", "李四"],
    ))
    has_header, mapping = guess_mapping(rows)
    assert not has_header
    assert mapping == [None, "unit", "description", "deadline", "kind", None]


def test_a_field_goes_to_the_first_column_that_claims_it():
    rows = parse_clipboard("问题表现\t具体问题\t单位\r\n甲\t乙\t丙\r\n")
    assert guess_mapping(rows) == (True, ["description", None, "unit"])


# -- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["2026-11-30", "2026/11/30", "2026.11.30", "2026年11月30日", "11月30日", "46356",
     "46356.0", "2026-11-30 00:00:00", "２０２６年１１月３０日", "2026年11月30日前", "11月底"],
)
def test_each_date_form_people_type(text):
    assert parse_date(text) == dt.date(2026, 11, 30)


@pytest.mark.parametrize("text", ["2026-02-30", "下个月", "3", "2026年13月", "11/30"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_deadline_words():
    assert parse_deadline("长期坚持") == (Kind.ONGOING, None)
    assert parse_deadline("长期") == (Kind.ONGOING, None)
    assert parse_deadline("立行立改") == (Kind.IMMEDIATE, None)
    assert parse_deadline("2026年12月") == (None, dt.date(2026, 12, 31))


def test_numbered_measures_split_and_plain_text_stays_whole():
    assert split_numbered("1.加强学习\n2.完善制度，投入1.5万元\n3.督促检查") == [
        "加强学习", "完善制度，投入1.5万元", "督促检查"]
    assert split_numbered("（1）精简会议。（2）压缩文件（3）督促落实") == [
        "精简会议。", "压缩文件", "督促落实"]
    assert split_numbered("加强学习\n1.完善制度") == ["加强学习\n1.完善制度"]
    assert split_numbered("1.只有一条（3）不是编号") == ["只有一条（3）不是编号"]


def test_kind_and_scope_words(office, setup):
    units, person, _nodes = setup
    text = tsv(
        ["问题表现", "整改类型", "组织/个人", "姓名"],
        ["甲", "立行立改", "组织", ""],
        ["乙", "限期整改", "组织问题", ""],
        ["丙", "长期坚持", "个人问题", "王某某"],
        ["丁", "ongoing", "personal", "王某某"],
        ["戊", "", "", "王某某"],  # a named person makes the problem personal
    )
    result = run_preview(office, text, units["办公室"].id)
    assert [r.reasons for r in result.rows] == [[]] * 5
    got = [(r.problem.kind, r.problem.scope, r.problem.person_id) for r in result.rows]
    assert got == [
        (Kind.IMMEDIATE.value, Scope.ORG.value, None),
        (Kind.DEADLINE.value, Scope.ORG.value, None),
        (Kind.ONGOING.value, Scope.PERSONAL.value, person.id),
        (Kind.ONGOING.value, Scope.PERSONAL.value, person.id),
        (Kind.DEADLINE.value, Scope.PERSONAL.value, person.id),
    ]


def test_units_and_catalog_areas_are_resolved(office, setup):
    units, _person, nodes = setup
    text = tsv(
        ["单位", "问题类别", "问题表现", "整改时限"],
        ["局办公室", "文风会风方面", "甲", "2026-12-01"],
        ["办公室", "（一）文山会海反弹回潮", "乙", "长期坚持"],
        ["社救科", "督查检查", "丙", "46356"],
        [" 养老服务科 ", "(一)调查研究走过场", "丁", "12月20日"],
    )
    result = run_preview(office, text)
    assert result.bad == []
    got = [(r.problem.unit_id, r.problem.catalog_id, r.problem.kind, r.problem.deadline)
           for r in result.rows]
    assert got == [
        (units["办公室"].id, nodes["文风会风方面"].id, "deadline", dt.date(2026, 12, 1)),
        (units["办公室"].id, nodes["文山会海反弹回潮"].id, "ongoing", None),
        (units["社救科"].id, nodes["督查检查考核过多过频"].id, "deadline", dt.date(2026, 11, 30)),
        (units["养老科"].id, nodes["调查研究走过场"].id, "deadline", dt.date(2026, 12, 20)),
    ]


def test_measures_with_their_responsible_people(office, setup):
    units, _person, _nodes = setup
    text = tsv(
        ["问题表现", "整改措施", "责任领导", "责任单位", "责任人", "整改时限"],
        ["会议多", "1.精简会议\n2.压缩文件", "张局长", "办公室", "李四\n王五", "2026-12-31"],
        ["检查多", "统筹督查检查", "", "社会救助科", "", ""],
    )
    result = run_preview(office, text, units["办公室"].id)
    first, second = (r.problem for r in result.rows)
    assert [(m.text, m.resp_leader, m.resp_unit_id, m.resp_person) for m in first.measures] == [
        ("精简会议", "张局长", units["办公室"].id, "李四"),
        ("压缩文件", "张局长", units["办公室"].id, "王五"),
    ]
    assert first.deadline == dt.date(2026, 12, 31)
    assert [(m.text, m.resp_unit_id) for m in second.measures] == [
        ("统筹督查检查", units["社救科"].id)]


# -- bad rows -----------------------------------------------------------------------------------


def test_bad_rows_carry_their_row_numbers_and_reasons(office, setup):
    units, _person, _nodes = setup
    text = tsv(
        ["单位", "问题表现", "整改时限", "组织/个人", "问题类别"],
        ["办公室", "好的一行", "2026-12-01", "组织", ""],
        ["不存在的科", "单位不对", "2026-12-01", "", ""],
        ["", "", "", "", ""],
        ["办公室", "日期不对", "下个月", "", ""],
        ["办公室", "", "2026-12-01", "", ""],
        ["办公室", "个人问题没有人", "", "个人", ""],
        ["办公室", "类别含糊", "", "", "文山会海"],
        ["办公室", "类别不存在", "", "", "无此类别"],
    )
    result = run_preview(office, text)
    assert [r.row for r in result.good] == [2]
    assert result.blank_rows == [4]
    messages = {r.row: [e.message("en") for e in r.reasons] for r in result.bad}
    assert messages == {
        3: ["Row 3: Unit: there is no unit called “不存在的科”."],
        5: ["Row 5: Deadline: “下个月” is not a date."],
        6: ["Row 6: The problem description (问题表现) is required."],
        7: ["Row 7: A personal problem needs the person it belongs to."],
        8: ["Row 8: “文山会海” matches several catalog areas; write more of the title."],
        9: ["Row 9: No catalog area of this campaign matches “无此类别”."],
    }
    # in the interface language (Chinese) the reason reads as the core says it elsewhere
    row_6 = next(r for r in result.bad if r.row == 6)
    assert "必须填写问题表现。" in row_6.reasons[0].message()


def test_a_unit_name_shared_by_two_units_is_not_guessed(office, setup):
    units, _person, _nodes = setup
    other = create_unit(Session.system(), "县医保局")
    create_unit(Session.system(), "办公室", other.id)
    text = tsv(["单位", "问题表现", "整改措施", "责任单位"],
               ["办公室", "甲", "整改", "局办公室"],
               ["局办公室", "乙", "整改", "办公室"],
               ["局办公室", "丙", "整改", "无此科"])
    result = run_preview(office, text)
    assert [[e.message("en") for e in r.reasons] for r in result.bad] == [
        ["Row 2: Unit: several units are called “办公室”."],
        ["Row 3: Responsible unit: several units are called “办公室”."],
        ["Row 4: Responsible unit: there is no unit called “无此科”."],
    ]


def test_rows_without_a_unit_need_a_default(office, setup):
    result = run_preview(office, tsv(["问题表现"], ["甲"]))
    assert [e.message("en") for e in result.bad[0].reasons] == [
        "Row 2: The row names no unit; map a unit column or choose a default unit."]
    units, _person, _nodes = setup
    assert run_preview(office, tsv(["问题表现"], ["甲"]), units["养老科"].id).bad == []


def test_fix_at_once_deadline_beyond_the_limit_is_a_reason(office, setup):
    units, _person, _nodes = setup
    text = tsv(
        ["问题表现", "整改类型", "发现时间", "整改时限"],
        ["立改但给了两个月", "立行立改", "2026-11-02", "2027-01-05"],
        ["限期早于发现", "限期整改", "2026-11-02", "2026-10-01"],
    )
    result = run_preview(office, text, units["办公室"].id)
    english = [[e.message("en") for e in r.reasons] for r in result.bad]
    assert "限时办结" in english[0][0] and english[0][0].startswith("Row 2: ")
    assert english[1] == ["Row 3: The deadline is before the date the problem was found."]


def test_mapping_without_a_description_column_is_refused(office, setup):
    rows = parse_clipboard(tsv(["单位", "备注"], ["办公室", "x"]))
    result = preview(rows, ["unit", "note"], True, office.campaign.id, None)
    assert [e.message("en") for e in result.errors] == [
        "Choose the column that holds Problem description."]
    assert result.rows == []
    with pytest.raises(ValidationError):
        create_drafts(office.session("clerk"), result)


# -- creating -----------------------------------------------------------------------------------


def test_good_rows_become_drafts_with_measures_and_an_audit_trail(office, setup):
    units, _person, nodes = setup
    text = tsv(
        ["单位", "问题类别", "问题表现", "整改措施", "责任人", "整改时限", "查摆方式"],
        ["办公室", "文风会风方面", "会议多", "1.精简会议\n2.压缩文件", "李四", "2026-12-31", "自查"],
        ["社救科", "", "入户核查走过场", "逐户复核", "", "长期坚持", "座谈会"],
    )
    result = run_preview(office, text)
    ids = create_drafts(office.session("clerk"), result)
    created = [Problem.get_by_id(i) for i in ids]
    assert [(p.unit_id, p.description, p.state, p.kind, p.deadline, p.due_date, p.source)
            for p in created] == [
        (units["办公室"].id, "会议多", State.DRAFT.value, "deadline", dt.date(2026, 12, 31),
         dt.date(2026, 12, 31), "自查"),
        (units["社救科"].id, "入户核查走过场", State.DRAFT.value, "ongoing", None, None, "座谈会"),
    ]
    assert created[0].catalog_id == nodes["文风会风方面"].id
    measures = Measure.select().where(Measure.problem == ids[0]).order_by(Measure.sort_order)
    assert [(m.text, m.resp_person) for m in measures] == [("精简会议", "李四"), ("压缩文件", "李四")]
    for problem in created:
        events = AuditEvent.select().where(AuditEvent.entity_uuid == problem.uuid)
        assert [(e.action, e.user_name) for e in events] == [("create", "clerk-用户")]


def test_bad_rows_block_creation_unless_skipped(office, setup):
    units, _person, _nodes = setup
    text = tsv(["单位", "问题表现"], ["办公室", "好"], ["无此单位", "坏"], ["社救科", "也好"])
    result = run_preview(office, text)
    before = Problem.select().count()
    with pytest.raises(ValidationError) as refused:
        create_drafts(office.session("clerk"), result)
    assert refused.value.message("en").startswith("1 rows have problems")
    assert Problem.select().count() == before
    ids = create_drafts(office.session("clerk"), result, skip_bad=True)
    assert [Problem.get_by_id(i).description for i in ids] == ["好", "也好"]


def test_a_failure_at_creation_leaves_nothing_behind(office, setup):
    units, _person, _nodes = setup
    rows = [["单位", "问题表现"]] + [["办公室", f"问题{i}"] for i in range(5)] + [["养老服务科", "末行"]]
    result = run_preview(office, tsv(*rows))
    assert len(result.good) == 6
    # the unit is deleted by someone else between the preview and the click on "create"
    records.tombstone(Session.system(), Unit.get_by_id(units["养老科"].id))
    problems_before = Problem.select().count()
    events_before = AuditEvent.select().count()
    with pytest.raises(paste_import.RowError) as failed:
        create_drafts(office.session("clerk"), result)
    assert failed.value.row == 7
    assert failed.value.message("en") == (
        "Row 7: The record no longer exists (it was deleted or never saved).")
    assert Problem.select().count() == problems_before
    assert Measure.select().count() == 0
    assert AuditEvent.select().count() == events_before


def test_only_a_clerk_creates_drafts(office, setup):
    units, _person, _nodes = setup
    result = run_preview(office, tsv(["问题表现"], ["甲"]), units["办公室"].id)
    with pytest.raises(PermissionDenied):
        create_drafts(office.session("reviewer"), result)
    assert Problem.select().count() == 0

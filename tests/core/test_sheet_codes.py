"""Verification codes of printed sheets: issued with the content they cover, checked later
against the records, without any PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import SqliteDatabase

from desktop.core import migrations, org, sheet_codes, sheet_data, workflow
from desktop.core.models import Kind
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    create_problem,
    delete_problem,
    record_measure_done,
)
from desktop.core.sheet_codes import SheetCode, format_code, normalise_code, verify_code
from tests.conftest import PASSWORD, TODAY


def add_problem(office, description: str, code: str = "", done: bool = False,
                deadline: dt.date = TODAY + dt.timedelta(days=20), unit=None):
    return create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=(unit or office.unit).id,
        description=description, code=code, kind=Kind.DEADLINE.value,
        found_date=TODAY - dt.timedelta(days=30), deadline=deadline,
        measures=[MeasureInput(text=f"{description}的整改措施", resp_leader="王局长",
                               resp_person="李科长", deadline=deadline,
                               done_date=TODAY if done else None,
                               result="已整改" if done else "")],
    ))


def test_codes_are_short_grouped_and_forgiving_when_typed():
    code = sheet_codes.code_for_hash("ab" * 32)
    assert len(code) == 10 and set(code) <= set(sheet_codes.ALPHABET)
    shown = format_code(code)
    assert len(shown) == 12 and shown[4] == shown[9] == "-"
    assert normalise_code(shown.lower()) == code
    assert normalise_code(" " + shown.replace("-", " ") + " ") == code
    assert normalise_code("rectify:" + shown) == code  # as the QR code reads
    assert normalise_code("OIL0-0000-00") == "0110000000"  # O→0, I/L→1
    assert normalise_code("K7Q2-M9XD") is None  # too short
    assert normalise_code("K7Q2-M9XD-3!") is None


def test_a_sheet_verifies_until_a_record_it_shows_is_edited(office):
    problem = add_problem(office, "会议多、文件多", code="P-001")
    workflow.apply(office.session("clerk"), problem.id, "submit")
    workflow.apply(office.session("reviewer"), problem.id, "approve")
    sheet = sheet_data.plan(office.campaign.id, office.unit.id)
    code = sheet_codes.issue(office.session("clerk"), sheet)
    assert code == sheet_codes.code_for(sheet)

    result = verify_code(format_code(code))
    assert result.ok and result.status == "ok"
    assert result.issued_by == "clerk-用户" and result.kind == "plan"
    assert "P-001" not in result.message("en")  # nothing changed, nothing listed
    assert format_code(code) in result.message("zh_CN")

    measure = problem.measures.get()
    record_measure_done(office.session("clerk"), measure.id, TODAY, "已精简会议3个")
    result = verify_code(code)
    assert result.status == "changed" and not result.ok
    assert [(c.entity, c.uuid, c.deleted) for c in result.changed] == [
        ("measure", measure.uuid, False)]
    assert "会议多、文件多的整改措施" in result.message("en")


def test_reprinting_unchanged_records_gives_the_same_code_and_no_new_row(office):
    add_problem(office, "检查考核过多")
    first = sheet_codes.issue(office.session("clerk"),
                              sheet_data.problem_list(office.campaign.id, office.unit.id))
    again = sheet_codes.issue(office.session("leader"),
                              sheet_data.problem_list(office.campaign.id, office.unit.id))
    assert first == again
    assert SheetCode.select().count() == 1
    # another day prints another date on the sheet: another code
    later = sheet_data.problem_list(office.campaign.id, office.unit.id,
                                    as_of=TODAY + dt.timedelta(days=1))
    assert sheet_codes.issue(office.session("clerk"), later) != first


def test_workflow_steps_do_not_invalidate_a_problem_list_but_a_deletion_does(office):
    """The problem list shows no state, so approving a problem leaves it true; deleting a
    problem it lists makes it false."""
    kept = add_problem(office, "调研走过场", code="P-1")
    dropped = add_problem(office, "文件照抄照搬", code="P-2")
    code = sheet_codes.issue(office.session("clerk"),
                             sheet_data.problem_list(office.campaign.id))
    workflow.apply(office.session("clerk"), kept.id, "submit")
    assert verify_code(code).ok
    delete_problem(office.session("clerk"), dropped.id)
    result = verify_code(code)
    assert result.status == "changed"
    assert [(c.uuid, c.deleted) for c in result.changed] == [(dropped.uuid, True)]
    assert "P-2" not in result.message("en")  # the deleted record is named by its uuid
    assert dropped.uuid in result.message("en")


def test_a_renamed_unit_changes_its_sheets(office):
    add_problem(office, "督查检查多")
    code = sheet_codes.issue(office.session("clerk"),
                             sheet_data.problem_list(office.campaign.id, office.unit.id))
    org.update_unit(office.session("admin"), office.unit.id, name="县民政局（改）")
    result = verify_code(code)
    assert not result.ok
    # the unit heads the sheet, is the campaign's unit and the problem's
    assert {c.entity for c in result.changed} == {"unit", "campaign", "problem"}


def test_a_closing_form_fails_after_the_problem_is_reopened(office):
    problem = add_problem(office, "窗口服务态度生硬", done=True)
    solo = office.session("solo")
    for action in ("submit", "approve", "request_close", "verify", "sign_close"):
        workflow.apply(solo, problem.id, action, opinion="同意", password=PASSWORD)
    code = sheet_codes.issue(solo, sheet_data.signoff(problem.id))
    assert verify_code(code).ok
    workflow.apply(office.session("reviewer"), problem.id, "reopen", opinion="问题反弹")
    result = verify_code(code)
    assert [c.entity for c in result.changed] == ["problem"]


def test_urge_and_report_are_judged_on_their_own_date(office):
    """Lights on an urging notice are those of the day it was issued: the next day, with the
    records unchanged, the code still verifies."""
    add_problem(office, "逾期未改", deadline=TODAY - dt.timedelta(days=2))
    urge = sheet_data.urge(office.campaign.id, office.unit.id)
    assert [s.fields["light"] for s in urge.of("problem")] == ["red"]
    codes = [sheet_codes.issue(office.session("clerk"), s)
             for s in (urge, sheet_data.report(office.campaign.id))]
    from desktop.core import clock

    clock.freeze(dt.datetime.combine(TODAY + dt.timedelta(days=30), dt.time(9)))
    assert all(verify_code(c).ok for c in codes)


def test_an_unknown_code_says_so_in_both_languages(office):
    result = verify_code("K7Q2-M9XD-3F")
    assert result.status == "unknown" and not result.ok
    assert "K7Q2-M9XD-3F" in result.message("zh_CN")
    assert "Unknown verification code" in result.message("en")
    assert verify_code("nonsense").status == "unknown"


def test_issuing_is_audited(office):
    from desktop.core import audit

    add_problem(office, "填表报数多")
    sheet_codes.issue(office.session("clerk"), sheet_data.plan(office.campaign.id))
    assert audit.verify().ok
    row = SheetCode.get()
    assert row.user_uuid == office.users["clerk"].uuid
    assert row.campaign_uuid == office.campaign.uuid


def test_upgrade_from_version_3_adds_the_sheet_code_table(tmp_path):
    handle = SqliteDatabase(str(tmp_path / "v3.db"))
    assert migrations.upgrade(handle, target=3) == 3
    assert "sheet_code" not in handle.get_tables()
    assert migrations.upgrade(handle) >= 4
    assert "sheet_code" in handle.get_tables()
    columns = {c.name for c in handle.get_columns("sheet_code")}
    assert {"code", "kind", "campaign_uuid", "items", "content_hash", "user_uuid",
            "created_at"} <= columns


@pytest.mark.parametrize("kind", ["problems", "plan", "report"])
def test_each_kind_of_sheet_can_be_built_for_a_whole_campaign(office, kind):
    add_problem(office, "一个问题", code="A-1")
    [sheet] = sheet_data.build_for(kind, office.campaign.id)
    assert sheet.first("campaign").fields["name"] == office.campaign.name
    assert sheet_codes.verify_code(sheet_codes.issue(office.session("clerk"), sheet)).ok

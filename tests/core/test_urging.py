"""Urges: recorded per problem per notice, audited, counted in rounds, told in the history."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.core import audit, clock, sheet_codes, sheet_data, urging
from desktop.core.errors import PermissionDenied
from desktop.core.models import AuditEvent, Kind, Urge
from desktop.core.org import create_unit
from desktop.core.problem_history import problem_history
from desktop.core.problems import MeasureInput, ProblemInput, create_problem
from desktop.core.session import Session
from tests.conftest import TODAY


def add_problem(office, description: str, days: int, unit=None, measure_units=()):
    unit = unit or office.unit
    deadline = TODAY + dt.timedelta(days=days)
    measures = [MeasureInput(text=f"{description}的措施{n}", resp_unit_id=u.id, deadline=deadline)
                for n, u in enumerate(measure_units or [unit], start=1)]
    return create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=unit.id, description=description,
        kind=Kind.DEADLINE.value, deadline=deadline, measures=measures))


def issue_notices(office, who="clerk", **kwargs) -> list[str]:
    session = office.session(who)
    codes = []
    for sheet in sheet_data.build_for("urge", office.campaign.id, **kwargs):
        code = sheet_codes.issue(session, sheet)
        urging.record_sheet_urges(session, sheet, code)
        codes.append(code)
    return codes


def test_each_problem_on_a_notice_gets_one_audited_urge(office):
    late = add_problem(office, "逾期问题", -3)
    soon = add_problem(office, "将到期问题", 1)
    add_problem(office, "时间充裕问题", 40)
    [code] = issue_notices(office)
    rows = list(Urge.select().order_by(Urge.id))
    assert {(u.problem_id, u.unit_id, u.code) for u in rows} == {
        (late.id, office.unit.id, code), (soon.id, office.unit.id, code)}
    assert all(u.user_name == "clerk-用户" and u.as_of == TODAY for u in rows)
    events = AuditEvent.select().where(AuditEvent.entity == "urge")
    assert {e.entity_uuid for e in events} == {u.uuid for u in rows}
    assert json.loads(events[0].after)["code"] == code
    assert audit.verify().ok
    # the same notice again (a reprint) is not a second urge
    assert issue_notices(office) == [code]
    assert Urge.select().count() == 2
    assert urging.urge_counts([late.id, soon.id]) == {late.id: 1, soon.id: 1}


def test_rounds_count_days_not_notices(office):
    other = create_unit(Session.system(), "县养老服务股")
    shared = add_problem(office, "两个单位的问题", -1, measure_units=[office.unit, other])
    issue_notices(office)  # two notices, one per unit, on one day
    assert Urge.select().where(Urge.problem == shared.id).count() == 2
    assert urging.urge_counts([shared.id]) == {shared.id: 1}
    clock.freeze(dt.datetime(2026, 11, 5, 10, 0))
    issue_notices(office)
    assert urging.urge_counts([shared.id]) == {shared.id: 2}
    assert urging.urge_counts([shared.id], before=dt.date(2026, 11, 5)) == {shared.id: 1}
    listed = urging.urges_of(shared.id)
    assert [(u.as_of, u.unit) for u in listed] == [
        (TODAY, "县民政局"), (TODAY, "县养老服务股"),
        (dt.date(2026, 11, 5), "县民政局"), (dt.date(2026, 11, 5), "县养老服务股")]


def test_a_subset_notice_names_only_the_chosen_urgent_problems(office):
    late = add_problem(office, "逾期问题", -3)
    soon = add_problem(office, "将到期问题", 1)
    calm = add_problem(office, "时间充裕问题", 40)
    chosen = sheet_data.urge_selection(office.campaign.id, [calm.id, soon.id])
    assert (chosen.urged, chosen.left_out) == ([soon.id], [calm.id])
    [sheet] = sheet_data.build_for("urge", office.campaign.id, problem_ids=chosen.urged)
    assert [p.fields["description"] for p in sheet.of("problem")] == ["将到期问题"]
    # without a subset: every overdue or due-soon problem, as before
    [whole] = sheet_data.build_for("urge", office.campaign.id)
    assert {p.uuid for p in whole.of("problem")} == {late.uuid, soon.uuid}
    with pytest.raises(Exception) as caught:
        sheet_data.build_for("urge", office.campaign.id, problem_ids=[calm.id])
    assert "所选" in caught.value.message("zh_CN")


def test_the_second_days_notice_counts_the_first_and_both_still_verify(office):
    late = add_problem(office, "逾期问题", -3)
    [first_sheet] = sheet_data.build_for("urge", office.campaign.id)
    assert "urged_before" not in first_sheet.first("problem").fields
    [first] = issue_notices(office)
    clock.freeze(dt.datetime(2026, 11, 3, 9, 0))
    [second_sheet] = sheet_data.build_for("urge", office.campaign.id)
    assert second_sheet.first("problem").fields["urged_before"] == 1
    [second] = issue_notices(office)
    assert first != second
    # recording the urges did not change what either code covers
    assert sheet_codes.verify_code(first).ok and sheet_codes.verify_code(second).ok
    assert urging.urge_counts([late.id]) == {late.id: 2}


def test_an_admin_only_account_may_not_urge(office):
    problem = add_problem(office, "逾期问题", -3)
    with pytest.raises(PermissionDenied):
        urging.record_urges(office.session("admin"), "ABCDEFGHJK", office.unit.id,
                            [problem.id], TODAY)
    assert Urge.select().count() == 0
    urging.record_urges(office.session("reviewer"), "ABCDEFGHJK", office.unit.id,
                        [problem.id], TODAY)
    assert Urge.select().count() == 1


def test_the_history_tells_each_urge_with_its_code_and_unit(office):
    problem = add_problem(office, "逾期问题", -3)
    [code] = issue_notices(office)
    [entry] = [e for e in problem_history(problem.id) if e.entity == "urge"]
    assert entry.user == "clerk-用户"
    text = entry.summary("zh_CN")
    assert "催办" in text and sheet_codes.format_code(code) in text and "县民政局" in text
    assert sheet_codes.format_code(code) in entry.summary("en")

"""A problem's history, read back from the audit log as sentences a person understands."""

from __future__ import annotations

import datetime as dt

from desktop.core import clock, workflow
from desktop.core.models import Kind, Measure, Problem
from desktop.core.problem_history import problem_history
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    add_progress,
    add_referral,
    create_problem,
    update_problem,
)
from tests.conftest import PASSWORD, TODAY


def draft_input(office, **changes) -> ProblemInput:
    values = dict(
        campaign_id=office.campaign.id,
        unit_id=office.unit.id,
        description="文件多、会议多，以文件落实文件",
        kind=Kind.DEADLINE.value,
        found_date=TODAY,
        deadline=dt.date(2026, 11, 20),
        measures=[
            MeasureInput(text="精简文件，能合并的合并", resp_person="李科长",
                         deadline=dt.date(2026, 11, 20)),
        ],
    )
    values.update(changes)
    return ProblemInput(**values)


def later(minutes: int) -> None:
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 30)) + dt.timedelta(minutes=minutes))


def test_creation_and_a_change_read_as_sentences_newest_first(office):
    clerk = office.session("clerk")
    problem = create_problem(clerk, draft_input(office))
    later(5)
    update_problem(clerk, problem.id, draft_input(
        office, code="WT-7", deadline=dt.date(2026, 11, 18),
        measures=[MeasureInput(text="精简文件，能合并的合并", resp_person="李科长",
                               deadline=dt.date(2026, 11, 20),
                               id=problem.measures.get().id)],
    ), expected_version=problem.version)

    entries = problem_history(problem.id)
    newest, *_, oldest = entries
    assert newest.user == "clerk-用户"
    assert newest.at == dt.datetime(2026, 11, 2, 9, 35)
    assert newest.summary("en").splitlines() == [
        "Problem changed", "Code: — → WT-7", "Deadline: 2026-11-20 → 2026-11-18",
    ]
    # creating the problem and its measure: the problem first, then its measure
    assert oldest.summary("en") == "Problem entered: 文件多、会议多，以文件落实文件"
    assert oldest.at == dt.datetime(2026, 11, 2, 9, 30)
    assert [e.action for e in entries] == ["update", "create", "create"]
    assert entries[1].summary("en") == "Measure added: 精简文件，能合并的合并"


def test_removed_and_reordered_measures_and_long_texts(office):
    clerk = office.session("clerk")
    problem = create_problem(clerk, draft_input(office, measures=[
        MeasureInput(text="第一条措施"), MeasureInput(text="第二条措施"),
        MeasureInput(text="要删去的措施"),
    ]))
    first, second, _third = problem.measures.order_by(Measure.sort_order)
    update_problem(clerk, problem.id, draft_input(
        office, description="长" * 60,
        measures=[MeasureInput(text="第二条措施", id=second.id),
                  MeasureInput(text="第一条措施", id=first.id)],
    ))
    texts = [e.summary("en") for e in problem_history(problem.id)]
    assert "Measure removed: 要删去的措施" in texts
    assert "Measure changed: 第二条措施\nOrder: 2 → 1" in texts
    assert "Measure changed: 第一条措施\nOrder: 1 → 2" in texts
    # a long text is named, not quoted
    assert "Problem changed\nProblem description changed" in texts


def test_workflow_steps_progress_and_referrals_are_told_with_opinions(office, tmp_path):
    clerk, solo = office.session("clerk"), office.session("solo")
    problem = create_problem(clerk, draft_input(office, measures=[
        MeasureInput(text="精简文件", deadline=dt.date(2026, 11, 20), done_date=TODAY,
                     result="已完成")
    ]))
    evidence = tmp_path / "会议纪要.txt"
    evidence.write_text("纪要", encoding="utf-8")
    workflow.apply(solo, problem.id, "submit")
    workflow.apply(solo, problem.id, "approve", opinion="同意整改方案")
    add_progress(clerk, problem.id, "已清理文件12份", files=[evidence])
    add_referral(solo, problem.id, "县纪委监委", "涉嫌违纪线索")
    for action in ("request_close", "verify", "sign_close"):
        workflow.apply(solo, problem.id, action, opinion="同意", password=PASSWORD)
    assert Problem.get_by_id(problem.id).state == "closed"

    texts = [e.summary("en") for e in problem_history(problem.id)]
    assert texts[0].splitlines() == [
        "Sign closing: Closing requested → Closed", "Opinion: 同意", "Signed electronically",
    ]
    assert "Approve: Submitted → In rectification\nOpinion: 同意整改方案" in texts
    assert "Verify\nOpinion: 同意" in texts
    assert "Progress recorded (2026-11-02): 已清理文件12份" in texts
    assert "Evidence file added: 会议纪要.txt" in texts
    assert "Case handed over to 县纪委监委\nSummary: 涉嫌违纪线索" in texts
    # the state changes are told once, by the workflow step, not again as field changes
    assert not any("State" in t for t in texts)
    # the labels inside a sentence follow the language too
    signed = problem_history(problem.id)[0].summary("zh_CN")
    assert "同意销号" in signed and "待销号 → 已销号" in signed


def test_history_of_a_deleted_problem_and_of_nothing(office):
    from desktop.core.problems import delete_problem

    clerk = office.session("clerk")
    problem = create_problem(clerk, draft_input(office))
    delete_problem(clerk, problem.id)
    texts = [e.summary("en") for e in problem_history(problem.id)]
    assert texts[0] == "Problem deleted"
    assert "Measure removed: 精简文件，能合并的合并" in texts
    assert problem_history(999_999) == []

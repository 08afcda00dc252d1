"""The workflow of DESIGN §3: every state × action × role, legal and illegal."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import workflow
from desktop.core.errors import (
    IllegalTransition,
    PermissionDenied,
    ReadOnly,
    ValidationError,
)
from desktop.core.models import AuditEvent, Kind, Problem, State, Transition
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    add_progress,
    create_problem,
    record_measure_done,
    update_problem,
)
from tests.conftest import PASSWORD, ROLE_USERS, TODAY, build_office, open_temp_database

# The legal steps, written out by hand from DESIGN §3 (not derived from the code's table):
# (state, action, role) → state after.
LEGAL = {
    ("draft", "submit", "clerk"): "submitted",
    ("submitted", "approve", "reviewer"): "rectifying",
    ("submitted", "return", "reviewer"): "draft",
    ("rectifying", "request_close", "clerk"): "closing_requested",
    ("closing_requested", "verify", "reviewer"): "closing_requested",
    ("closing_requested", "return", "reviewer"): "rectifying",
    ("closing_requested", "return", "leader"): "rectifying",
    ("closing_requested", "sign_close", "leader"): "closed",
    ("closed", "reopen", "reviewer"): "rectifying",
    ("closed", "reopen", "leader"): "rectifying",
}
# 立行立改 only: straight from draft
LEGAL_IMMEDIATE = {
    ("draft", "request_close", "clerk"): "closing_requested",
    ("draft", "close_at_once", "solo"): "closed",
}
STATES = [s.value for s in State]
ACTIONS = ["submit", "approve", "return", "request_close", "verify", "sign_close",
           "close_at_once", "reopen"]
# the state is legal for the action in some role (else the error is IllegalTransition)
PATH = ["draft", "submitted", "rectifying", "closing_requested", "closed"]


def expected_result(state: str, action: str, role: str, kind: str) -> str | None:
    table = dict(LEGAL)
    if kind == Kind.IMMEDIATE.value:
        table.update(LEGAL_IMMEDIATE)
    if (state, action, role) in table:
        return table[(state, action, role)]
    if role == "solo":  # holds every role
        for (s, a, _r), target in table.items():
            if s == state and a == action:
                return target
    return None


def state_is_legal_for(state: str, action: str, kind: str) -> bool:
    table = dict(LEGAL)
    if kind == Kind.IMMEDIATE.value:
        table.update(LEGAL_IMMEDIATE)
    return any(s == state and a == action for (s, a, _r) in table)


@pytest.fixture(scope="module")
def shared_office(tmp_path_factory):
    from desktop.core import clock, db, paths

    clock.freeze(dt.datetime.combine(TODAY, dt.time(9)))
    handle = open_temp_database(tmp_path_factory.mktemp("workflow"))
    office = build_office()
    yield office
    handle.close()
    db.close()
    paths.set_data_dir(None)
    clock.freeze(None)


def make_problem(office, kind: str, done: bool = True) -> Problem:
    deadline = TODAY + dt.timedelta(days=5)
    data = ProblemInput(
        campaign_id=office.campaign.id,
        unit_id=office.unit.id,
        description="会议多、文件多，层层开会传达，以会议落实会议",
        kind=kind,
        found_date=TODAY - dt.timedelta(days=1),
        deadline=deadline if kind != Kind.ONGOING.value else None,
        measures=[
            MeasureInput(
                text="精简会议，合并同类会议",
                resp_leader="王局长",
                resp_person="李科长",
                deadline=deadline if kind != Kind.ONGOING.value else None,
                done_date=TODAY if done else None,
                result="已合并3个会议" if done else "",
            )
        ],
    )
    return create_problem(office.session("clerk"), data)


def bring_to(office, problem: Problem, state: str) -> Problem:
    """Walk a fresh draft along the main path to ``state``, as the solo user."""
    solo = office.session("solo")
    steps = {
        "submitted": ["submit"],
        "rectifying": ["submit", "approve"],
        "closing_requested": ["submit", "approve", "request_close", "verify"],
        "closed": ["submit", "approve", "request_close", "verify", "sign_close"],
    }
    for action in steps.get(state, []):
        workflow.apply(solo, problem.id, action, opinion="同意", password=PASSWORD)
    fresh = Problem.get_by_id(problem.id)
    assert fresh.state == state
    return fresh


@pytest.mark.parametrize("kind", [Kind.DEADLINE.value, Kind.IMMEDIATE.value])
@pytest.mark.parametrize("role", list(ROLE_USERS))
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_every_state_action_role(shared_office, state, action, role, kind):
    problem = bring_to(shared_office, make_problem(shared_office, kind), state)
    session = shared_office.session(role)
    transitions_before = Transition.select().where(Transition.problem == problem).count()
    events_before = AuditEvent.select().count()
    expected = expected_result(state, action, role, kind)

    if expected is not None:
        step = workflow.apply(session, problem.id, action, opinion="意见：同意", password=PASSWORD)
        after = Problem.get_by_id(problem.id)
        assert after.state == expected
        assert (step.from_state, step.to_state, step.action) == (state, expected, action)
        assert step.user_id == shared_office.users[role].id
        assert Transition.select().where(Transition.problem == problem).count() == (
            transitions_before + 1
        )
        assert (after.closed_at is not None) == (expected == "closed")
        assert action in workflow.available_actions(session, problem)
    else:
        wanted = PermissionDenied if state_is_legal_for(state, action, kind) else IllegalTransition
        with pytest.raises(wanted) as caught:
            workflow.apply(session, problem.id, action, opinion="意见", password=PASSWORD)
        assert caught.value.message("zh_CN") != caught.value.message("en")
        after = Problem.get_by_id(problem.id)
        assert (after.state, after.version) == (problem.state, problem.version)
        assert Transition.select().where(Transition.problem == problem).count() == (
            transitions_before
        )
        assert AuditEvent.select().count() == events_before
        assert action not in workflow.available_actions(session, problem)


def test_ongoing_follows_the_main_path(office):
    problem = make_problem(office, Kind.ONGOING.value, done=False)
    solo = office.session("solo")
    for action in ["submit", "approve", "request_close", "verify", "sign_close"]:
        workflow.apply(solo, problem.id, action, opinion="同意", password=PASSWORD)
    assert Problem.get_by_id(problem.id).state == "closed"


@pytest.mark.parametrize(
    "state,action",
    [("submitted", "return"), ("closing_requested", "return"), ("closed", "reopen")],
)
def test_return_and_reopen_need_an_opinion(office, state, action):
    problem = bring_to(office, make_problem(office, Kind.DEADLINE.value), state)
    with pytest.raises(ValidationError) as caught:
        workflow.apply(office.session("solo"), problem.id, action, opinion="   ")
    assert "意见" in caught.value.message("zh_CN")
    assert "opinion" in caught.value.message("en")
    assert Problem.get_by_id(problem.id).state == state


def test_illegal_transition_message_is_clear_in_both_languages(office):
    problem = make_problem(office, Kind.DEADLINE.value)
    with pytest.raises(IllegalTransition) as caught:
        workflow.apply(office.session("solo"), problem.id, "sign_close", password=PASSWORD)
    assert caught.value.message("zh_CN") == "草稿状态的问题不能执行“同意销号”。"
    assert caught.value.message("en") == "Sign closing is not possible for a problem that is Draft."


def test_closing_needs_every_measure_done(office):
    problem = bring_to(office, make_problem(office, Kind.DEADLINE.value, done=False), "rectifying")
    with pytest.raises(ValidationError):
        workflow.apply(office.session("clerk"), problem.id, "request_close")
    measure = problem.measures.get()
    record_measure_done(office.session("clerk"), measure.id, TODAY, "已完成")
    workflow.apply(office.session("clerk"), problem.id, "request_close")
    assert Problem.get_by_id(problem.id).state == "closing_requested"


def test_signing_needs_verification_and_the_password(office):
    problem = bring_to(office, make_problem(office, Kind.DEADLINE.value), "rectifying")
    workflow.apply(office.session("clerk"), problem.id, "request_close")
    leader = office.session("leader")
    with pytest.raises(ValidationError):
        workflow.apply(leader, problem.id, "sign_close", password=PASSWORD)
    workflow.apply(office.session("reviewer"), problem.id, "verify", opinion="经核实已整改到位")
    with pytest.raises(PermissionDenied):
        workflow.apply(leader, problem.id, "sign_close", password="wrong")
    assert Problem.get_by_id(problem.id).state == "closing_requested"
    step = workflow.apply(leader, problem.id, "sign_close", opinion="同意销号", password=PASSWORD)
    assert len(step.signature) == 64 and int(step.signature, 16) >= 0
    assert Problem.get_by_id(problem.id).state == "closed"


def test_a_return_after_verification_needs_a_new_verification(office):
    problem = bring_to(office, make_problem(office, Kind.DEADLINE.value), "closing_requested")
    solo = office.session("solo")
    workflow.apply(solo, problem.id, "return", opinion="佐证材料不全")
    workflow.apply(solo, problem.id, "request_close")
    with pytest.raises(ValidationError):
        workflow.apply(solo, problem.id, "sign_close", password=PASSWORD)


def test_closed_problem_is_read_only_until_reopened(office):
    problem = bring_to(office, make_problem(office, Kind.DEADLINE.value), "closed")
    clerk = office.session("clerk")
    with pytest.raises(ReadOnly) as caught:
        add_progress(clerk, problem.id, "又开了一个会")
    assert "已销号" in caught.value.message("zh_CN")
    with pytest.raises(ReadOnly):
        record_measure_done(clerk, problem.measures.get().id, TODAY, "改")
    with pytest.raises(ReadOnly):
        update_problem(
            clerk, problem.id,
            ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id, description="改"),
        )
    workflow.apply(office.session("reviewer"), problem.id, "reopen", opinion="边改边犯，问题反弹")
    reopened = Problem.get_by_id(problem.id)
    assert (reopened.state, reopened.closed_at) == ("rectifying", None)
    add_progress(clerk, problem.id, "重新整改：再次精简会议")


def test_history_records_every_step_with_user_and_opinion(office):
    problem = bring_to(office, make_problem(office, Kind.DEADLINE.value), "closed")
    steps = workflow.history(problem.id)
    assert [s.action for s in steps] == ["submit", "approve", "request_close", "verify", "sign_close"]
    assert all(s.user_name == "solo-用户" and s.opinion == "同意" for s in steps)


def test_batch_action_is_all_or_nothing(office):
    ready = bring_to(office, make_problem(office, Kind.DEADLINE.value), "submitted")
    draft = make_problem(office, Kind.DEADLINE.value)
    with pytest.raises(IllegalTransition):
        workflow.apply_many(office.session("reviewer"), [ready.id, draft.id], "approve")
    assert Problem.get_by_id(ready.id).state == "submitted"
    workflow.apply_many(office.session("reviewer"), [ready.id], "approve")
    assert Problem.get_by_id(ready.id).state == "rectifying"


def test_a_wrong_password_records_nothing(office):
    problem = bring_to(office, make_problem(office, Kind.DEADLINE.value), "closing_requested")
    steps = Transition.select().where(Transition.problem == problem).count()
    events = AuditEvent.select().count()
    with pytest.raises(PermissionDenied):
        workflow.apply(office.session("leader"), problem.id, "sign_close", opinion="同意",
                       password="not-the-password")
    assert Transition.select().where(Transition.problem == problem).count() == steps
    assert AuditEvent.select().count() == events
    assert Problem.get_by_id(problem.id).version == problem.version

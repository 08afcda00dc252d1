"""A closed problem (已销号) is locked: every path that would change it is refused with a clear
message and writes nothing, until it is reopened with a reason (DESIGN §3)."""

from __future__ import annotations

import pytest

from desktop.core import problems, urging, workflow
from desktop.core.errors import DomainError, IllegalTransition, ReadOnly, ValidationError
from desktop.core.models import AuditEvent, Problem, State
from tests.conftest import PASSWORD, TODAY
from tests.core.test_images import png_bytes
from tests.core.test_permissions import fingerprint, problem_in, problem_input


@pytest.fixture
def closed(office) -> int:
    return problem_in(office, "closed")


def refused(call, kind: type[DomainError] = ReadOnly) -> DomainError:
    before = fingerprint()
    with pytest.raises(kind) as caught:
        call()
    assert fingerprint() == before
    return caught.value


def test_every_edit_of_a_closed_problem_is_refused_and_writes_nothing(office, closed, tmp_path):
    clerk, reviewer = office.session("clerk"), office.session("reviewer")
    evidence = tmp_path / "会议纪要.png"
    evidence.write_bytes(png_bytes())
    measure = problems.live_measures(closed)[0]
    messages = [
        refused(lambda: problems.update_problem(clerk, closed, problem_input(office, "改"))),
        refused(lambda: problems.record_measure_done(clerk, measure.id, None)),
        refused(lambda: problems.add_progress(clerk, closed, "补充佐证", files=[evidence])),
        refused(lambda: problems.delete_problem(clerk, closed)),
        refused(lambda: problems.add_referral(reviewer, closed, "县纪委监委", "线索")),
        refused(lambda: urging.record_urges(clerk, "ABCDEFGHJK", office.unit.id, [closed],
                                            TODAY)),
    ]
    assert all("已销号" in e.message("zh_CN") and "reopen" in e.message("en").lower()
               for e in messages), [e.message("zh_CN") for e in messages]


def test_a_batch_with_one_closed_problem_changes_none_of_them(office, closed):
    draft = problem_in(office, "draft")
    refused(lambda: problems.delete_problems(office.session("clerk"), [draft, closed]))
    assert Problem.get_by_id(draft).deleted_at is None


@pytest.mark.parametrize("action", sorted(set(workflow.ACTIONS) - {"reopen"}))
def test_no_workflow_step_but_reopening_leaves_closed(office, closed, action):
    error = refused(lambda: workflow.apply(office.session("solo"), closed, action, "意见",
                                           PASSWORD), IllegalTransition)
    assert "已销号" in error.message("zh_CN")


def test_reopening_needs_a_reason_and_then_unlocks(office, closed):
    reviewer = office.session("reviewer")
    refused(lambda: workflow.apply(reviewer, closed, "reopen", "  "), ValidationError)
    workflow.apply(reviewer, closed, "reopen", "边改边犯，问题反弹")
    assert Problem.get_by_id(closed).state == State.RECTIFYING.value
    problems.add_progress(office.session("clerk"), closed, "重新整改")
    reopen = AuditEvent.get(AuditEvent.action == "transition:reopen")
    assert reopen.user_name == "reviewer-用户"


def test_a_rule_may_still_name_a_closed_problem(office, closed):
    """建章立制 links a new rule to the problems it answers, closed ones above all; the link
    is a record of its own and leaves the problem unchanged."""
    version = Problem.get_by_id(closed).version
    problems.add_institution(office.session("clerk"), office.campaign.id, "会议管理办法",
                             [closed])
    assert Problem.get_by_id(closed).version == version

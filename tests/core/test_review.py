"""The sign-off queues: what waits for whom, in deadline order, following the workflow."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import auth, review, workflow
from desktop.core.errors import ValidationError
from desktop.core.models import Role
from desktop.core.org import create_campaign
from desktop.core.problems import MeasureInput, ProblemInput, create_problem
from desktop.core.session import Session
from tests.conftest import PASSWORD, TODAY


def make(office, code: str, deadline: dt.date, campaign_id: int | None = None,
         who: str = "clerk") -> int:
    problem = create_problem(office.session(who), ProblemInput(
        campaign_id=campaign_id or office.campaign.id, unit_id=office.unit.id,
        description=f"问题{code}", code=code, found_date=TODAY, deadline=deadline,
        measures=[MeasureInput(text="整改措施", deadline=deadline, done_date=TODAY,
                               result="已完成")],
    ))
    return problem.id


def step(office, who: str, problem_id: int, action: str, opinion: str = "") -> None:
    password = PASSWORD if action == "sign_close" else None
    workflow.apply(office.session(who), problem_id, action, opinion=opinion, password=password)


def walk(office, problem_id: int, *steps: tuple[str, str]) -> None:
    opinions = {"return": "请补充佐证材料"}
    for who, action in steps:
        step(office, who, problem_id, action, opinions.get(action, ""))


SUBMIT = ("clerk", "submit")
APPROVE = ("reviewer", "approve")
REQUEST = ("clerk", "request_close")
VERIFY = ("reviewer", "verify")


@pytest.fixture
def queues_office(office):
    """One problem in each place of the workflow; deadlines chosen so id order ≠ date order."""
    ids = {
        "late_review": make(office, "A1", dt.date(2026, 12, 20)),
        "early_review": make(office, "A2", dt.date(2026, 11, 10)),
        "to_verify": make(office, "B", dt.date(2026, 11, 30)),
        "to_sign": make(office, "C", dt.date(2026, 11, 25)),
        "returned_draft": make(office, "D", dt.date(2026, 11, 20)),
        "rectifying": make(office, "E", dt.date(2026, 11, 20)),
        "returned_closing": make(office, "F", dt.date(2026, 11, 15)),
        "closed": make(office, "G", dt.date(2026, 11, 20)),
        "asked_again": make(office, "H", dt.date(2026, 12, 1)),
    }
    walk(office, ids["late_review"], SUBMIT)
    walk(office, ids["early_review"], SUBMIT)
    walk(office, ids["to_verify"], SUBMIT, APPROVE, REQUEST)
    walk(office, ids["to_sign"], SUBMIT, APPROVE, REQUEST, VERIFY)
    walk(office, ids["returned_draft"], SUBMIT, ("reviewer", "return"))
    walk(office, ids["rectifying"], SUBMIT, APPROVE)
    walk(office, ids["returned_closing"], SUBMIT, APPROVE, REQUEST, ("leader", "return"))
    walk(office, ids["closed"], SUBMIT, APPROVE, REQUEST, VERIFY, ("leader", "sign_close"))
    # verified once, returned by the leader, asked again: the old verification no longer counts
    walk(office, ids["asked_again"], SUBMIT, APPROVE, REQUEST, VERIFY, ("leader", "return"),
         REQUEST)
    return ids


def test_each_role_gets_its_queues_in_deadline_order(office, queues_office):
    ids = queues_office
    cid = office.campaign.id
    assert review.review_queue(office.session("reviewer"), cid) == {
        "review": [ids["early_review"], ids["late_review"]],
        "verify": [ids["to_verify"], ids["asked_again"]],
    }
    assert review.review_queue(office.session("leader"), cid) == {"sign": [ids["to_sign"]]}
    assert review.review_queue(office.session("clerk"), cid) == {
        "mine_returned": [ids["returned_closing"], ids["returned_draft"]],
    }
    assert review.review_queue(office.session("admin"), cid) == {}
    solo = review.review_queue(office.session("solo"), cid)
    assert list(solo) == ["review", "verify", "sign", "mine_returned"]
    assert solo["sign"] == [ids["to_sign"]]
    # the solo account sent nothing up, so nothing was returned to it
    assert solo["mine_returned"] == []
    assert review.queue_counts(office.session("reviewer"), cid) == {"review": 2, "verify": 2}


def test_verifying_moves_a_problem_from_verify_to_sign(office, queues_office):
    ids = queues_office
    cid = office.campaign.id
    # signing before the second verification is refused: the queue agrees with the workflow
    with pytest.raises(ValidationError):
        step(office, "leader", ids["asked_again"], "sign_close")
    step(office, "reviewer", ids["asked_again"], "verify", "复核属实")
    assert review.review_queue(office.session("reviewer"), cid)["verify"] == [ids["to_verify"]]
    assert review.review_queue(office.session("leader"), cid)["sign"] == [
        ids["to_sign"], ids["asked_again"]]
    step(office, "leader", ids["asked_again"], "sign_close", "同意销号")
    assert review.review_queue(office.session("leader"), cid)["sign"] == [ids["to_sign"]]


def test_a_returned_problem_leaves_the_clerks_queue_when_sent_up_again(office, queues_office):
    ids = queues_office
    cid = office.campaign.id
    step(office, "clerk", ids["returned_draft"], "submit")
    step(office, "clerk", ids["returned_closing"], "request_close")
    assert review.review_queue(office.session("clerk"), cid)["mine_returned"] == []
    reviewer_queues = review.review_queue(office.session("reviewer"), cid)
    assert ids["returned_draft"] in reviewer_queues["review"]
    assert ids["returned_closing"] in reviewer_queues["verify"]


def test_returned_items_go_back_to_the_clerk_who_sent_them(office):
    other = auth.create_user(Session.system(), "luru2", "另一录入员", PASSWORD, {Role.CLERK},
                             unit=office.unit)
    office.users["clerk2"] = other
    mine = make(office, "M", dt.date(2026, 11, 20))
    theirs = make(office, "T", dt.date(2026, 11, 21), who="clerk2")
    walk(office, mine, SUBMIT, ("reviewer", "return"))
    walk(office, theirs, ("clerk2", "submit"), ("reviewer", "return"))
    cid = office.campaign.id
    assert review.review_queue(office.session("clerk"), cid)["mine_returned"] == [mine]
    assert review.review_queue(office.session("clerk2"), cid)["mine_returned"] == [theirs]
    everything = review.review_queue(Session.system(), cid)["mine_returned"]
    assert everything == [mine, theirs]


def test_queues_are_per_campaign(office):
    second = create_campaign(office.session("admin"), "第二个专项", None, None)
    here = make(office, "X", dt.date(2026, 11, 20))
    there = make(office, "Y", dt.date(2026, 11, 20), campaign_id=second.id)
    walk(office, here, SUBMIT)
    walk(office, there, SUBMIT)
    reviewer = office.session("reviewer")
    assert review.review_queue(reviewer, office.campaign.id)["review"] == [here]
    assert review.review_queue(reviewer, second.id)["review"] == [there]


def test_every_queue_action_is_one_the_workflow_knows():
    for actions in review.QUEUE_ACTIONS.values():
        assert set(actions) <= set(workflow.ACTIONS)

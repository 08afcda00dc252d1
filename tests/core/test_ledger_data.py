"""What the ledger shows: the problems of a scope, their state as of a day, grouping by unit."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import clock, workflow
from desktop.core.deadlines import Light
from desktop.core.i18n import translate
from desktop.core.ledger_data import (
    LedgerScope,
    deadline_text,
    ledger_figures,
    ledger_view,
    progress_text,
)
from desktop.core.models import Kind, Measure, State
from desktop.core.org import create_unit
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    add_progress,
    create_problem,
    record_measure_done,
)
from desktop.core.session import Session
from tests.conftest import PASSWORD, TODAY


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def at(offset: int) -> None:
    clock.freeze(dt.datetime.combine(day(offset), dt.time(10, 0)))


def new_problem(office, description: str, unit=None, deadline: dt.date | None = None,
                kind: str = Kind.DEADLINE.value, measures: int = 1, code: str = ""):
    unit = unit or office.unit
    deadline = deadline or day(20)
    return create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=unit.id, description=description, code=code,
        kind=kind, found_date=clock.today(), source="自查",
        deadline=None if kind == Kind.ONGOING.value else deadline,
        measures=[MeasureInput(text=f"{description}：措施{n}", resp_leader="王局长",
                               resp_person="李科长", resp_unit_id=unit.id,
                               deadline=None if kind == Kind.ONGOING.value else deadline)
                  for n in range(1, measures + 1)],
    ))


def step(office, problem, *actions: str) -> None:
    for action in actions:
        workflow.apply(office.session("solo"), problem.id, action, opinion="同意",
                       password=PASSWORD)


def shown(view) -> dict[str, object]:
    return {p.description: p for p in view.problems}


@pytest.fixture
def timeline(office):
    """A problem walked through the workflow over a month, one entered later, one draft."""
    at(-30)
    walked = new_problem(office, "会议多、文件多", deadline=day(-10), code="001")
    draft = new_problem(office, "从未提交的草稿", code="003")
    at(-25)
    step(office, walked, "submit")
    at(-20)
    step(office, walked, "approve")
    at(-19)
    add_progress(office.session("clerk"), walked.id, "已召开专题会议")
    at(-12)
    measure = Measure.get(Measure.problem == walked.id)
    record_measure_done(office.session("clerk"), measure.id, day(-12), "已合并会议")
    step(office, walked, "request_close", "verify")
    at(-5)
    step(office, walked, "sign_close")
    at(-3)
    later = new_problem(office, "后来发现的问题", code="002")
    step(office, later, "submit")
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 30)))
    return walked, later, draft


def test_as_of_a_day_shows_the_state_at_the_end_of_that_day(office, timeline):
    campaign = office.campaign.id

    def on(offset: int):
        return shown(ledger_view(LedgerScope(campaign, as_of=day(offset))))

    assert on(-28) == {}  # entered, but still a draft
    assert on(-25)["会议多、文件多"].state == State.SUBMITTED.value  # submitted that day
    early = on(-15)["会议多、文件多"]
    assert early.state == State.RECTIFYING.value
    assert [n.text for n in early.progress] == ["已召开专题会议"]
    assert early.measures[0].done_date is None and early.measures[0].result == ""
    assert early.closed_on is None and not early.overdue
    assert "后来发现的问题" not in on(-15)

    late = on(-8)["会议多、文件多"]
    assert late.state == State.CLOSING.value
    assert late.overdue  # due on day -10, not closed by day -8
    assert late.measures[0].done_date == day(-12)
    assert late.measures[0].result == "已合并会议"

    now = on(0)
    assert set(now) == {"会议多、文件多", "后来发现的问题"}  # the draft never appears
    closed = now["会议多、文件多"]
    assert closed.state == State.CLOSED.value and closed.closed_on == day(-5)
    assert closed.light == Light.LATE.value and not closed.overdue
    assert now["后来发现的问题"].state == State.SUBMITTED.value


def test_the_past_and_today_agree_for_today(office, timeline):
    today = ledger_view(LedgerScope(office.campaign.id))
    explicit = ledger_view(LedgerScope(office.campaign.id, as_of=day(-1)))
    assert today.as_of == TODAY and today.filed_on == TODAY
    assert [(p.description, p.state) for p in today.problems] == [
        ("会议多、文件多", State.CLOSED.value), ("后来发现的问题", State.SUBMITTED.value)]
    assert [p.state for p in explicit.problems] == [State.CLOSED.value, State.SUBMITTED.value]
    assert [p.number for p in today.problems] == [1, 2]


def test_header_facts_of_the_view(office, timeline):
    view = ledger_view(LedgerScope(office.campaign.id))
    assert view.campaign_name == office.campaign.name
    assert view.doc_number == "民党〔2026〕5号"
    assert view.unit_name == "县民政局" and view.unit_uuid == office.unit.uuid
    assert view.campaign_uuid == office.campaign.uuid


@pytest.fixture
def two_units(office):
    """The bureau with a sub-unit; two problems each, one overdue in the sub-unit, one
    closed in the bureau."""
    child = create_unit(Session.system(), "县社会救助局", parent_id=office.unit.id)
    at(-30)
    own = [new_problem(office, f"局机关问题{n}", code=f"A{n}") for n in (1, 2)]
    sub = [new_problem(office, f"救助局问题{n}", unit=child, code=f"B{n}",
                       deadline=day(-2) if n == 1 else day(30)) for n in (1, 2)]
    for p in own + sub:
        step(office, p, "submit", "approve")
    measure = Measure.get(Measure.problem == own[0].id)
    record_measure_done(office.session("clerk"), measure.id, day(-30), "已完成")
    step(office, own[0], "request_close", "verify", "sign_close")
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 30)))
    return child, own, sub


def test_consolidated_ledger_groups_by_unit_with_subtotals(office, two_units):
    child, _own, _sub = two_units
    view = ledger_view(LedgerScope(office.campaign.id, consolidated=True))
    assert [g.unit for g in view.groups] == ["县民政局", "县社会救助局"]  # unit-tree order
    first, second = view.groups
    assert [p.description for p in first.problems] == ["局机关问题1", "局机关问题2"]
    assert [p.number for p in second.problems] == [1, 2]  # numbered per unit
    assert (first.subtotal.problems, first.subtotal.closed, first.subtotal.overdue) == (2, 1, 0)
    assert (second.subtotal.problems, second.subtotal.closed, second.subtotal.overdue) == (2, 0, 1)
    assert first.subtotal.completion == 0.5 and second.subtotal.completion == 0
    assert second.depth == first.depth + 1


def test_plain_ledger_is_one_group_numbered_through(office, two_units):
    view = ledger_view(LedgerScope(office.campaign.id))
    assert len(view.groups) == 1
    assert [(p.number, p.description) for p in view.problems] == [
        (1, "局机关问题1"), (2, "局机关问题2"), (3, "救助局问题1"), (4, "救助局问题2")]


def test_scope_by_unit_and_by_selection(office, two_units):
    child, own, sub = two_units
    mine = ledger_view(LedgerScope(office.campaign.id, unit_id=child.id))
    assert [p.description for p in mine.problems] == ["救助局问题1", "救助局问题2"]
    assert mine.unit_name == "县社会救助局"
    with_children = ledger_view(LedgerScope(office.campaign.id, unit_id=office.unit.id))
    assert with_children.problem_count == 4
    at(0)
    draft = new_problem(office, "选中的草稿")
    picked = ledger_view(LedgerScope(office.campaign.id, problem_ids=[sub[0].id, own[1].id,
                                                                      draft.id]))
    assert [p.description for p in picked.problems] == ["局机关问题2", "救助局问题1"]


def test_figures_count_the_view(office, two_units):
    figures = ledger_figures(ledger_view(LedgerScope(office.campaign.id)).problems)
    assert figures.total == 4 and figures.closed == 1 and figures.overdue == 1
    assert figures.by_state == {State.SUBMITTED.value: 0, State.RECTIFYING.value: 3,
                                State.CLOSING.value: 0, State.CLOSED.value: 1}
    assert figures.completion_rate == 0.25 and figures.on_time_rate == 1.0
    empty = ledger_figures([])
    assert empty.total == 0 and empty.completion_rate is None and empty.on_time_rate is None


def test_texts_of_the_cells(office):
    at(-40)
    ongoing = new_problem(office, "长期问题", kind=Kind.ONGOING.value)
    immediate = new_problem(office, "立改问题", kind=Kind.IMMEDIATE.value, deadline=day(-30))
    for p in (ongoing, immediate):
        step(office, p, "submit", "approve")
    for n in range(1, 6):
        at(-40 + n)
        add_progress(office.session("clerk"), ongoing.id, f"第{n}次进展")
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 30)))
    rows = shown(ledger_view(LedgerScope(office.campaign.id)))
    long_term = rows["长期问题"]
    assert deadline_text(long_term, long_term.measures[0]) == translate("Ongoing")
    assert [n.text for n in long_term.progress] == ["第3次进展", "第4次进展", "第5次进展"]
    text = progress_text(long_term)
    assert "第5次进展" in text and "第1次进展" not in text and "2" in text.splitlines()[0]
    assert deadline_text(rows["立改问题"]) == f"{translate('Fix at once')}\n{day(-30)}"
    # an ongoing problem is never overdue by date
    assert not long_term.overdue and rows["立改问题"].overdue

"""The campaign figures, checked against a small campaign whose every number is worked out
by hand below, and against the problem list's own light filter on the demo campaign."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import calendar, catalog, clock, demo, problems, workflow
from desktop.core.deadlines import Light
from desktop.core.errors import ValidationError
from desktop.core.models import Kind, Scope, State
from desktop.core.org import add_milestone, add_phase, create_person, create_unit, update_campaign
from desktop.core.problem_query import ProblemFilter, count_matching, matching_ids
from desktop.core.problems import MeasureInput, ProblemInput
from desktop.core.stats import (
    area_rows,
    burndown,
    campaign_figures,
    my_work,
    next_filing,
    overall_figures,
    person_rows,
    stats_context,
    timeline,
    unit_rows,
)
from desktop.core.stats_timeline import next_filing_date
from tests.conftest import PASSWORD, TODAY

D = dt.date


def at(day: dt.date) -> None:
    clock.freeze(dt.datetime.combine(day, dt.time(10, 0)))


class Hand:
    """The hand-built campaign: units A ⊃ {B, C ⊃ D}, two catalog areas, four people."""

    def __init__(self, office):
        self.office = office
        admin = office.session("admin")
        self.solo = office.session("solo")
        self.a = office.unit
        self.b = create_unit(admin, "办公室", self.a.id)
        self.c = create_unit(admin, "社会救助股", self.a.id)
        self.d = create_unit(admin, "县救助管理站", self.c.id)
        self.area1 = catalog.add_node(admin, office.campaign.id, None, "一、", "文风会风方面")
        self.item1 = catalog.add_node(admin, office.campaign.id, self.area1.id, "1.", "会议多")
        self.area2 = catalog.add_node(admin, office.campaign.id, None, "二、", "服务群众方面")
        self.item2 = catalog.add_node(admin, office.campaign.id, self.area2.id, "1.", "推诿扯皮")
        self.chen = create_person(admin, "陈静", self.b.id)

    def add(self, created: dt.date, unit, due: dt.date | None, *resp: str,
            kind: str = Kind.DEADLINE.value, catalog_id=None, done: dt.date | None = None,
            **fields) -> int:
        at(created)
        measures = [MeasureInput(f"措施{i}", resp_person=name, deadline=due, done_date=done)
                    for i, name in enumerate(resp or ("",))]
        data = ProblemInput(self.office.campaign.id, unit.id, f"问题{created}", kind=kind,
                            deadline=due, catalog_id=catalog_id, measures=measures, **fields)
        return problems.create_problem(self.solo, data).id

    def step(self, day: dt.date, pid: int, *actions: str, who: str = "solo") -> None:
        at(day)
        for action in actions:
            workflow.apply(self.office.session(who), pid, action, opinion="意见",
                           password=PASSWORD if action == "sign_close" else None)


@pytest.fixture
def hand(office):
    h = Hand(office)
    open_steps = ("submit", "approve")
    close_steps = ("request_close", "verify", "sign_close")
    # P1 B/item1 王芳, due 10-20: rectifying and past due on 11-02 → red
    h.p1 = h.add(D(2026, 6, 1), h.b, D(2026, 10, 20), "王芳", catalog_id=h.item1.id)
    h.step(D(2026, 6, 2), h.p1, *open_steps)
    # P2 B/area1 王芳 and 李强, due 11-05 = the third working day after 11-02 → yellow
    h.p2 = h.add(D(2026, 6, 1), h.b, D(2026, 11, 5), "王芳", "李强", catalog_id=h.area1.id)
    h.step(D(2026, 6, 2), h.p2, *open_steps)
    # P3 C/item2 李强 (two measures, counted once), due 11-06: one day past the yellow
    # window → green; closing requested, not yet verified
    h.p3 = h.add(D(2026, 6, 1), h.c, D(2026, 11, 6), "李强", "李强", catalog_id=h.item2.id,
                 done=D(2026, 10, 29))
    h.step(D(2026, 6, 2), h.p3, *open_steps)
    h.step(D(2026, 10, 30), h.p3, "request_close")
    # P4 C/no catalog 李强, due 09-30, closed 09-25 → closed on time
    h.p4 = h.add(D(2026, 6, 1), h.c, D(2026, 9, 30), "李强", done=D(2026, 9, 20))
    h.step(D(2026, 6, 2), h.p4, *open_steps)
    h.step(D(2026, 9, 25), h.p4, *close_steps)
    # P5 D/area2 赵敏, due 08-31, closed 09-10 → closed late
    h.p5 = h.add(D(2026, 6, 5), h.d, D(2026, 8, 31), "赵敏", catalog_id=h.area2.id,
                 done=D(2026, 9, 8))
    h.step(D(2026, 6, 6), h.p5, *open_steps)
    h.step(D(2026, 9, 10), h.p5, *close_steps)
    # P6 D/item1 赵敏, ongoing, progress on 10-15 (this cycle starts 10-02) → green
    h.p6 = h.add(D(2026, 6, 5), h.d, None, "赵敏", kind=Kind.ONGOING.value,
                 catalog_id=h.item1.id)
    h.step(D(2026, 6, 6), h.p6, *open_steps)
    at(D(2026, 10, 15))
    problems.add_progress(h.solo, h.p6, "本月按计划推进")
    # P7 A/item2 赵敏, ongoing, last progress 09-20 (before 10-02) → stale
    h.p7 = h.add(D(2026, 6, 5), h.a, None, "赵敏", kind=Kind.ONGOING.value,
                 catalog_id=h.item2.id)
    h.step(D(2026, 6, 6), h.p7, *open_steps)
    at(D(2026, 9, 20))
    problems.add_progress(h.solo, h.p7, "已起草制度")
    # P8 B/no catalog, personal problem of 陈静 (measure names nobody), due 10-30; the clerk
    # sent it up, the reviewer returned it: a draft, red (drafts have lights too)
    at(D(2026, 10, 10))
    h.p8 = problems.create_problem(h.office.session("clerk"), ProblemInput(
        h.office.campaign.id, h.b.id, "个人问题", scope=Scope.PERSONAL.value,
        person_id=h.chen.id, deadline=D(2026, 10, 30), measures=[MeasureInput("自我整改")],
    )).id
    h.step(D(2026, 10, 12), h.p8, "submit", who="clerk")
    h.step(D(2026, 10, 13), h.p8, "return", who="reviewer")
    # P9 A/no catalog, nobody named, due 12-15, submitted → green
    h.p9 = h.add(D(2026, 10, 20), h.a, D(2026, 12, 15))
    h.step(D(2026, 10, 21), h.p9, "submit")
    # P10 C/item2 李强, due 11-30: closed 07-20, reopened 08-05 → rectifying, green
    h.p10 = h.add(D(2026, 6, 10), h.c, D(2026, 11, 30), "李强", catalog_id=h.item2.id,
                  done=D(2026, 7, 1))
    h.step(D(2026, 6, 11), h.p10, *open_steps)
    h.step(D(2026, 7, 20), h.p10, *close_steps)
    h.step(D(2026, 8, 5), h.p10, "reopen")
    # P11 B, a draft created 06-15 and deleted 06-20: counted nowhere
    h.p11 = h.add(D(2026, 6, 15), h.b, D(2026, 7, 1), "王芳")
    at(D(2026, 6, 20))
    problems.delete_problem(h.solo, h.p11)
    at(TODAY)
    return h


def figures_of(rows, key):
    return next(r.figures for r in rows if r.key == key)


def test_overall_figures_match_the_hand_count(hand):
    f = overall_figures(hand.office.campaign.id)
    # P1..P10 live; P11 deleted
    assert f.total == 10
    assert f.states == {"draft": 1, "submitted": 1, "rectifying": 5,  # P1 P2 P6 P7 P10
                        "closing_requested": 1, "closed": 2}  # P3; P4 P5
    # 整改完成率 = closed / left draft = 2 / (10 - 1)
    assert (f.closed, f.in_ledger, f.completion_rate) == (2, 9, 2 / 9)
    # 按期完成率 = on time / closed = P4 / (P4 + P5 closed late)
    assert (f.on_time, f.late, f.on_time_rate) == (1, 1, 1 / 2)
    # red P1 P8, yellow P2, stale P7, green P3 P6 P9 P10
    assert (f.red, f.yellow, f.stale, f.green, f.open) == (2, 1, 1, 4, 8)


def test_red_yellow_stale_agree_with_the_problem_list(hand):
    cid = hand.office.campaign.id
    f = overall_figures(cid)
    for light, count in ((Light.RED, f.red), (Light.YELLOW, f.yellow), (Light.STALE, f.stale)):
        assert count_matching(ProblemFilter(cid, lights=frozenset({light.value}))) == count
    assert set(matching_ids(ProblemFilter(cid, lights=frozenset({"red"})))) == {hand.p1, hand.p8}


def test_a_holiday_override_moves_the_yellow_window(hand):
    # 11-04 made a holiday: three working days after Monday 11-02 are 11-03, 11-05, 11-06,
    # so P3 (due 11-06) joins P2 in yellow
    calendar.set_override(hand.office.session("admin"), D(2026, 11, 4), False, "停电检修")
    f = overall_figures(hand.office.campaign.id)
    assert (f.yellow, f.green) == (2, 3)
    assert count_matching(ProblemFilter(hand.office.campaign.id,
                                        lights=frozenset({"yellow"}))) == 2


def test_as_of_and_due_within_judge_the_lights_on_another_day(hand):
    cid = hand.office.campaign.id
    # on 10-15: P1 (10-20) is within 3 working days? 10-16, 10-19, 10-20 → yes, yellow;
    # P8 (10-30) green; nothing red; P7's progress of 09-20 is within the cycle from 09-15
    f = overall_figures(cid, as_of=D(2026, 10, 15))
    assert (f.red, f.yellow, f.stale) == (0, 1, 0)
    # today with a 4-working-day window: 11-03..11-06, so P3 (11-06) is yellow too
    assert overall_figures(cid, due_within=4).yellow == 2
    rules = stats_context(cid, due_within=4).rules
    assert count_matching(ProblemFilter(cid, lights=frozenset({"yellow"})), rules) == 2
    with pytest.raises(ValidationError):
        overall_figures(cid, due_within=-1)


def test_rows_per_unit_with_and_without_sub_units(hand):
    rows = unit_rows(hand.office.campaign.id)
    # tree order: A, its children B and C, then D under C
    assert [(r.name, r.depth) for r in rows] == [
        ("县民政局", 0), ("办公室", 1), ("社会救助股", 1), ("县救助管理站", 2)]
    own = {r.name: r.figures for r in rows}
    rolled = {r.name: r.rolled_up for r in rows}
    assert own["县民政局"].total == 2  # P7 P9
    assert (own["办公室"].total, own["办公室"].red, own["办公室"].yellow) == (3, 2, 1)  # P1 P2 P8
    assert own["社会救助股"].states["closed"] == 1  # P3 P4 P10, of which P4 closed
    assert (own["县救助管理站"].late, own["县救助管理站"].total) == (1, 2)  # P5 P6
    # with sub-units: C = C's 3 + D's 2; A = all 10
    assert (rolled["社会救助股"].total, rolled["县民政局"].total) == (5, 10)
    # and 整改完成率 of C with D: closed P4 P5 / 5 non-drafts
    assert rolled["社会救助股"].completion_rate == 2 / 5
    # the list filtered by a unit takes its sub-units: the rolled-up count
    for row in rows:
        assert count_matching(ProblemFilter(hand.office.campaign.id,
                                            unit_ids=frozenset({row.id}))) == row.rolled_up.total


def test_rows_per_catalog_area_with_the_unclassified_last(hand):
    rows = area_rows(hand.office.campaign.id)
    assert [(r.key, r.name) for r in rows] == [
        (hand.area1.id, "一、文风会风方面"), (hand.area2.id, "二、服务群众方面"), (None, "")]
    area1, area2, unclassified = (r.figures for r in rows)
    assert (area1.total, area1.red, area1.yellow, area1.green) == (3, 1, 1, 1)  # P1 P2 P6
    assert (area2.total, area2.late, area2.stale) == (4, 1, 1)  # P3 P5 P7 P10
    assert (unclassified.total, unclassified.on_time) == (3, 1)  # P4 P8 P9
    for row in rows[:2]:
        assert count_matching(ProblemFilter(hand.office.campaign.id,
                                            catalog_id=row.key)) == row.figures.total


def test_rows_per_person_count_a_problem_once_per_person(hand):
    rows = person_rows(hand.office.campaign.id)
    # most overdue first, then most open: 王芳 (1 red, 2 open), 陈静 (1 red, 1 open),
    # 李强 (0 red, 3 open), 赵敏 (0 red, 2 open); nobody named last (P9)
    assert [r.name for r in rows] == ["王芳", "陈静", "李强", "赵敏", ""]
    totals = {r.key: r.figures.total for r in rows}
    # P2 counts for both 王芳 and 李强; P3 names 李强 twice and counts once
    assert totals == {"王芳": 2, "陈静": 1, "李强": 4, "赵敏": 3, None: 1}
    li = figures_of(rows, "李强")
    assert (li.on_time, li.yellow, li.green) == (1, 1, 2)  # P4; P2; P3 P10


def test_burndown_rebuilds_the_open_count_from_the_history(hand):
    cid = hand.office.campaign.id
    b = burndown(cid)
    series = dict(zip(b.days, b.open, strict=True))
    # the campaign starts 05-01, before any problem: the first day is 05-01 with none open
    assert (b.days[0], b.days[-1], len(b.days)) == (D(2026, 5, 1), TODAY, 186)
    assert series[D(2026, 5, 31)] == 0
    assert series[D(2026, 6, 1)] == 4  # P1..P4 created
    assert series[D(2026, 6, 5)] == 7  # + P5 P6 P7
    assert series[D(2026, 6, 10)] == 8  # + P10
    assert series[D(2026, 6, 15)] == 8  # P11 was deleted: never counted
    assert series[D(2026, 7, 19)] == 8
    assert series[D(2026, 7, 20)] == 7  # P10 closed
    assert series[D(2026, 8, 5)] == 8  # P10 reopened
    assert series[D(2026, 9, 10)] == 7  # P5 closed
    assert series[D(2026, 9, 25)] == 6  # P4 closed
    assert series[D(2026, 10, 10)] == 7  # P8 created
    assert series[D(2026, 10, 20)] == 8  # P9 created
    assert series[TODAY] == 8  # = 10 live - 2 closed
    # the ideal line starts at the peak, 8 open first on 06-10, and reaches 0 on the end
    # date 12-31, 204 days later; nothing is drawn before the peak
    peak = b.days.index(D(2026, 6, 10))
    assert set(b.ideal[:peak]) == {None}
    assert b.ideal[peak] == 8
    assert b.ideal[-1] == pytest.approx(8 * 59 / 204)  # 59 days from 11-02 to 12-31
    # a later start: the first problem's creation (06-01, 4 open) is earlier, so the
    # series starts there
    update_campaign(hand.office.session("admin"), cid, start_date=D(2026, 6, 5))
    b = burndown(cid, as_of=D(2026, 9, 25))
    assert (b.days[0], b.open[0], b.days[-1], b.open[-1]) == (
        D(2026, 6, 1), 4, D(2026, 9, 25), 6)
    assert b.ideal[0] is None  # 4 open on 06-01 is not yet the peak
    # the peak is still 06-10 (8 open); on 09-25, 97 days are left of its 204: 8 * 97 / 204
    assert b.ideal[-1] == pytest.approx(8 * 97 / 204)


def test_timeline_counts_working_days_to_each_milestone(hand):
    admin, cid = hand.office.session("admin"), hand.office.campaign.id
    for name, start, end in (("研究部署", D(2026, 5, 1), D(2026, 5, 31)),
                             ("自查整改", D(2026, 6, 1), D(2026, 8, 31)),
                             ("整治查纠", D(2026, 9, 1), D(2026, 11, 15)),
                             ("巩固提升", D(2026, 11, 16), D(2026, 12, 31))):
        add_phase(admin, cid, name, start, end)
    add_milestone(admin, cid, "问题清单报送", D(2026, 5, 12), done_date=D(2026, 5, 11))
    add_milestone(admin, cid, "整改方案备案", D(2026, 10, 30))
    add_milestone(admin, cid, "阶段性总结", D(2026, 10, 12))
    add_milestone(admin, cid, "工作总结报送", D(2026, 11, 9))
    t = timeline(cid)
    assert [p.name for p in t.phases if p.current] == ["整治查纠"]
    assert t.done == 1
    # 11-02 → 11-09: 11-03, 04, 05, 06, 09 are working days
    assert [(m.name, m.days_left, m.workdays_left) for m in t.upcoming] == [
        ("工作总结报送", 7, 5)]
    # overdue, oldest first: 10-12 → 11-02 is 21 days, 15 working days; 10-30 (Friday) →
    # 11-02 (Monday) is 3 days but 1 working day
    assert [(m.name, m.days_left, m.workdays_left) for m in t.overdue] == [
        ("阶段性总结", -21, -15), ("整改方案备案", -3, -1)]
    # seen on 09-30: the National Day week (10-01..07) does not count, the adjusted
    # Saturday 10-10 does: 10-08, 10-09, 10-10, 10-12 → 4 working days in 12 days
    early = timeline(cid, as_of=D(2026, 9, 30))
    assert [(m.name, m.days_left, m.workdays_left) for m in early.upcoming][0] == (
        "阶段性总结", 12, 4)


def test_the_adjusted_saturday_and_the_holiday_decide_yellow_or_green(office):
    solo, cid = office.session("solo"), office.campaign.id
    for due in (D(2026, 10, 8), D(2026, 10, 10), D(2026, 10, 12)):
        problems.create_problem(solo, ProblemInput(cid, office.unit.id, f"到期{due}",
                                                   deadline=due, measures=[MeasureInput("改")]))
    on = D(2026, 9, 30)  # Wednesday before National Day
    # three working days after 09-30: 10-08, 10-09 and the adjusted Saturday 10-10.
    # 10-08 is 8 days away yet yellow; 10-10 is yellow only because that Saturday is worked;
    # 10-12 (Monday) is green
    assert stats_context(cid, as_of=on).rules.yellow_until == D(2026, 10, 10)
    f = overall_figures(cid, as_of=on)
    assert (f.yellow, f.green) == (2, 1)
    # the admin says the Saturday is a day off after all: the window now ends on 10-12
    calendar.set_override(office.session("admin"), D(2026, 10, 10), False, "调整")
    f = overall_figures(cid, as_of=on)
    assert (f.yellow, f.green) == (3, 0)


def test_next_filing_date_for_each_cycle():
    monday = D(2026, 11, 2)
    assert next_filing_date("month", 20, monday) == D(2026, 11, 20)
    assert next_filing_date("month", 20, D(2026, 11, 20)) == D(2026, 11, 20)
    assert next_filing_date("month", 20, D(2026, 12, 21)) == D(2027, 1, 20)
    assert next_filing_date("week", 5, monday) == D(2026, 11, 6)  # Friday
    assert next_filing_date("week", 5, D(2026, 11, 7)) == D(2026, 11, 13)
    assert next_filing_date("quarter", 10, D(2026, 10, 10)) == D(2026, 10, 10)
    assert next_filing_date("quarter", 10, monday) == D(2027, 1, 10)


def test_next_filing_counts_working_days(office):
    filing = next_filing(office.campaign.id)
    # 11-02 → 11-20: 3 full weeks less 11-02 itself → 4 + 5 + 5 working days
    assert (filing.date, filing.days_left, filing.workdays_left) == (D(2026, 11, 20), 18, 14)
    filing = next_filing(office.campaign.id, as_of=D(2026, 9, 21))
    # 09-21 → 10-20 spans the Mid-Autumn Festival (Friday 09-25) and National Day
    # (10-01..07): 3 (09-22..24) + 3 (09-28..30) + 3 (10-08..10, Saturday worked)
    # + 5 (10-12..16) + 2 (10-19, 20) = 16
    assert (filing.date, filing.workdays_left) == (D(2026, 10, 20), 16)


def test_my_work_counts_the_users_queues(hand):
    cid = hand.office.campaign.id
    # P9 waits for review, P3 for verification; P8 was returned to the clerk who sent it
    assert my_work(hand.office.session("reviewer"), cid) == {
        "review": 1, "verify": 1, "sign": None, "mine_returned": None}
    assert my_work(hand.office.session("clerk"), cid) == {
        "review": None, "verify": None, "sign": None, "mine_returned": 1}
    assert my_work(hand.office.session("leader"), cid)["sign"] == 0


def test_campaign_figures_put_every_piece_together(hand):
    cid = hand.office.campaign.id
    figures = campaign_figures(cid, session=hand.office.session("reviewer"))
    d = figures.as_dict()
    assert list(d) == ["campaign", "as_of", "due_within", "yellow_until", "stale_before",
                       "overall", "units", "areas", "persons", "burndown", "timeline",
                       "filing", "my_work"]
    assert d["overall"] == overall_figures(cid).as_dict()
    assert d["overall"]["completion_rate"] == 2 / 9
    assert (d["as_of"], d["yellow_until"], d["stale_before"]) == (
        "2026-11-02", "2026-11-05", "2026-10-02")
    assert [u["rolled_up"]["total"] for u in d["units"]] == [10, 3, 5, 2]
    assert [a["figures"]["total"] for a in d["areas"]] == [3, 4, 3]
    assert d["burndown"]["open"][-1] == 8 and d["filing"]["date"] == "2026-11-20"
    assert d["my_work"]["review"] == 1


# -- the demo campaign: the dashboard and the list agree -------------------------------------


@pytest.fixture
def demo_campaign(database):
    return demo.build_demo(400, 10, seed=3).campaign_id


def test_demo_lights_agree_with_the_problem_list(demo_campaign):
    cid = demo_campaign
    figures = campaign_figures(cid)
    o = figures.overall
    assert o.red > 0 and o.yellow > 0 and o.stale > 0
    for light in ("red", "yellow", "stale", "green", "on_time", "late"):
        listed = count_matching(ProblemFilter(cid, lights=frozenset({light})))
        assert listed == o.lights[light], light
    for state in State:
        assert count_matching(ProblemFilter(cid, states=frozenset({state.value}))) == \
            o.states[state.value]
    for row in figures.units:
        shown = ProblemFilter(cid, unit_ids=frozenset({row.id}), lights=frozenset({"red"}))
        assert count_matching(shown) == row.rolled_up.red
    for row in figures.areas:
        if row.key is not None:
            shown = ProblemFilter(cid, catalog_id=row.key, lights=frozenset({"yellow"}))
            assert count_matching(shown) == row.figures.yellow
    assert sum(r.figures.total for r in figures.units) == o.total
    assert sum(r.figures.total for r in figures.areas) == o.total
    # every problem ever created is open on the last day unless it is closed now
    assert figures.burndown.open[-1] == o.open


def test_demo_lights_agree_on_another_day_with_another_window(demo_campaign):
    cid = demo_campaign
    on = TODAY + dt.timedelta(days=10)
    ctx = stats_context(cid, as_of=on, due_within=5)
    o = overall_figures(cid, as_of=on, due_within=5)
    for light in ("red", "yellow", "stale"):
        assert count_matching(ProblemFilter(cid, lights=frozenset({light})), ctx.rules) == \
            o.lights[light]

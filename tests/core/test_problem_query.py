"""The problem list's queries: Chinese search, filters, lights in SQL, sorting, display rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from desktop.core import db, demo, paths, problem_query, problems
from desktop.core.deadlines import Light, problem_light
from desktop.core.migrations import v003_search
from desktop.core.models import (
    Campaign,
    CatalogNode,
    Kind,
    Measure,
    Meta,
    Person,
    Problem,
    ProgressNote,
    Scope,
    State,
    Unit,
)
from desktop.core.org import (
    catalog_tree,
    create_campaign,
    create_person,
    create_unit,
    import_catalog,
)
from desktop.core.problem_query import SORT_KEYS, ProblemFilter, count_matching, matching_ids
from desktop.core.problems import MeasureInput, ProblemInput
from tests.conftest import TODAY, build_office
from tests.pg_server import sqlite_only

# -- search --------------------------------------------------------------------------------


@pytest.fixture(params=[pytest.param("index", marks=sqlite_only("SQLite's FTS5 index")), "scan"])
def search_office(request, office, monkeypatch):
    """The office with a few problems, searched through the trigram index or, as where FTS5
    is missing, through the base tables: both must find the same."""
    if request.param == "scan":
        monkeypatch.setattr(problem_query, "search_index_ready", lambda: False)
    else:
        assert problem_query.search_index_ready()
    clerk = office.session("clerk")

    def add(description: str, *measures: MeasureInput, **fields) -> int:
        data = ProblemInput(office.campaign.id, office.unit.id, description,
                            measures=list(measures), **fields)
        return problems.create_problem(clerk, data).id

    office.ids = {
        "window": add("窗口服务态度生硬，群众多次反映", MeasureInput(
            "开展窗口作风专项培训", resp_person="王建国", resp_leader="李志强")),
        "meeting": add("会议多、时间长，层层开会传达", MeasureInput("建立台账并挂牌督办"),
                       code="2026-017", root_cause="政绩观存在偏差"),
        "files": add("文件篇幅长、数量多", note="Quarterly REPORT (x*y) AND \"draft\""),
    }
    return office


def found(office, text: str) -> set[str]:
    ids = matching_ids(ProblemFilter(office.campaign.id, text=text))
    assert count_matching(ProblemFilter(office.campaign.id, text=text)) == len(ids)
    names = {v: k for k, v in office.ids.items()}
    return {names[i] for i in ids}


def test_chinese_terms_of_every_length_are_found(search_office):
    assert found(search_office, "态度") == {"window"}  # 2 characters, in the description
    assert found(search_office, "挂牌") == {"meeting"}  # 2 characters, only in a measure
    assert found(search_office, "挂牌督办") == {"meeting"}  # 4 characters, only in a measure
    assert found(search_office, "服务态度生硬") == {"window"}
    assert found(search_office, "篇") == {"files"}  # 1 character
    assert found(search_office, "长") == {"meeting", "files"}
    assert found(search_office, "王建国") == {"window"}  # a measure's responsible person
    assert found(search_office, "政绩观") == {"meeting"}  # 原因剖析
    assert found(search_office, "服务态度很好") == set()


def test_codes_and_latin_text_are_found_case_blind(search_office):
    assert found(search_office, "017") == {"meeting"}
    assert found(search_office, "17") == {"meeting"}
    assert found(search_office, "2026-017") == {"meeting"}
    assert found(search_office, "report") == {"files"}
    assert found(search_office, "Re") == {"files"}


def test_every_term_must_match(search_office):
    assert found(search_office, "窗口 培训") == {"window"}  # description and measure
    assert found(search_office, "  窗口\u3000培训 ") == {"window"}  # ideographic space too
    assert found(search_office, "窗口 挂牌") == set()
    assert found(search_office, "长 会议") == {"meeting"}
    assert found(search_office, "长 篇幅长") == {"files"}
    assert found(search_office, "   ") == {"window", "meeting", "files"}


@pytest.mark.parametrize("query", ['"', "*", "AND", "(", ")", "NEAR(", '"draft"', "OR *",
                                   "x*y", "'", "%", "_", "^", "NOT", ":", '" OR "', "a\"b"])
def test_query_syntax_characters_are_plain_text(search_office, query):
    result = found(search_office, query)
    assert result <= {"files"}  # only the note holds such characters
    if query in ('"', "*", "AND", "(", ")", '"draft"', "x*y"):
        assert result == {"files"}


def test_an_edited_problem_is_found_by_its_new_text(search_office):
    office = search_office
    clerk = office.session("clerk")
    pid = office.ids["window"]
    problem = Problem.get_by_id(pid)
    measure = problems.live_measures(pid)[0]
    data = ProblemInput(office.campaign.id, office.unit.id, "办事环节多，群众反复跑",
                        measures=[MeasureInput("推行一窗受理", id=measure.id)])
    problems.update_problem(clerk, pid, data, expected_version=problem.version)
    assert found(office, "态度") == set()
    assert found(office, "服务态度生硬") == set()
    assert found(office, "培训") == set()  # the measure's old text is gone too
    assert found(office, "反复") == {"window"}
    assert found(office, "一窗受理") == {"window"}
    assert found(office, "王建国") == set()  # the edit cleared the responsible person


def test_a_deleted_problem_is_not_found(search_office, database):
    office = search_office
    problems.delete_problem(office.session("clerk"), office.ids["meeting"])
    assert found(office, "挂牌") == set()
    assert found(office, "挂牌督办") == set()
    assert found(office, "会议") == set()
    assert office.ids["meeting"] not in matching_ids(ProblemFilter(office.campaign.id))
    if problem_query.search_index_ready():  # and the index does not keep its text
        stored = database.execute_sql(
            f"SELECT count(*) FROM problem_search WHERE id = {database.param}",
            (office.ids["meeting"],))
        assert stored.fetchone()[0] == 0


@sqlite_only("the trigram index is SQLite's FTS5; a server always searches the base tables")
def test_a_paused_index_is_searched_through_the_base_tables_until_rebuilt(office, database):
    clerk = office.session("clerk")

    def add(text: str) -> int:
        data = ProblemInput(office.campaign.id, office.unit.id, text)
        return problems.create_problem(clerk, data).id

    def indexed() -> int:
        return database.execute_sql("SELECT count(*) FROM problem_search").fetchone()[0]

    def found(text: str) -> list[int]:
        return matching_ids(ProblemFilter(office.campaign.id, text=text))

    with problem_query.search_index_paused():
        first = add("对群众诉求推诿扯皮")
        assert not problem_query.search_index_ready() and indexed() == 0
        assert found("推诿扯皮") == [first]
    assert problem_query.search_index_ready() and indexed() == 1
    assert found("推诿扯皮") == [first]
    # a bulk load that died left the pause behind: still right, and repaired on resume
    Meta.create(key=v003_search.PAUSED_KEY, value="1")
    second = add("调查研究走过场")
    assert found("研究走过场") == [second] and indexed() == 1
    problem_query.resume_search_index()
    assert problem_query.search_index_ready() and indexed() == 2
    assert found("研究走过场") == [second]


def test_without_fts5_the_base_tables_are_searched(tmp_path, monkeypatch):
    """An SQLite without the trigram tokenizer: the migration records that, and search
    still works (through the base tables)."""
    monkeypatch.setattr(v003_search, "_create_index", lambda handle: False)
    paths.set_data_dir(tmp_path)
    handle = db.open_database(tmp_path / "plain.db")
    try:
        assert "problem_fts" not in handle.get_tables()
        assert not problem_query.search_index_ready()
        office = build_office()
        data = ProblemInput(office.campaign.id, office.unit.id, "对群众诉求推诿扯皮",
                            measures=[MeasureInput("建立限时办结机制")])
        pid = problems.create_problem(office.session("clerk"), data).id
        for text in ("推诿", "诉求推诿扯皮", "限时办结", "办结 诉求"):
            assert matching_ids(ProblemFilter(office.campaign.id, text=text)) == [pid]
    finally:
        db.close()
        paths.set_data_dir(None)


# -- a demo campaign: lights, filters and sorting against Python's own reckoning -----------


@dataclass
class Demo:
    campaign: Campaign
    problems: list[Problem]
    measures: dict[int, list[Measure]] = field(default_factory=dict)
    last_progress: dict[int, dt.date] = field(default_factory=dict)

    def ids(self, keep) -> set[int]:
        return {p.id for p in self.problems if keep(p)}


@pytest.fixture
def demo_campaign(database) -> Demo:
    result = demo.build_demo(600, units=6, seed=5, today=TODAY)
    campaign = Campaign.get_by_id(result.campaign_id)
    found = Demo(campaign, list(Problem.live().where(Problem.campaign == campaign)))
    for m in Measure.live().order_by(Measure.sort_order, Measure.id):
        found.measures.setdefault(m.problem_id, []).append(m)
    for note in ProgressNote.live():
        last = found.last_progress.get(note.problem_id)
        found.last_progress[note.problem_id] = max(last or note.date, note.date)
    return found


def python_light(rules, p: Problem, last_progress) -> Light:
    closed_on = p.closed_at.date() if p.closed_at else None
    return problem_light(rules, p.state, p.kind, p.due_date, closed_on, last_progress)


def test_lights_in_sql_agree_with_problem_light(demo_campaign):
    d = demo_campaign
    rules = problem_query.light_rules(d.campaign)
    assert rules.today == TODAY
    expected = {p.id: python_light(rules, p, d.last_progress.get(p.id)).value
                for p in d.problems}
    assert set(expected.values()) == {light.value for light in Light}  # every light occurs
    for light in Light:
        f = ProblemFilter(d.campaign.id, lights=frozenset({light.value}))
        want = {i for i, v in expected.items() if v == light.value}
        assert set(matching_ids(f, rules=rules)) == want, light
        assert count_matching(f, rules) == len(want)
    rows = problem_query.fetch_rows(list(expected), rules)
    assert {i: r.light for i, r in rows.items()} == expected
    # the light filter also works with the rules worked out for it
    red = ProblemFilter(d.campaign.id, lights=frozenset({"red", "yellow"}))
    assert len(matching_ids(red)) == sum(v in ("red", "yellow") for v in expected.values())
    # sorting by light: most urgent first, and exactly reversed when descending
    ranked = matching_ids(ProblemFilter(d.campaign.id), "light", rules=rules)
    order = [problem_query.LIGHT_ORDER.index(Light(expected[i])) for i in ranked]
    assert order == sorted(order)
    assert matching_ids(ProblemFilter(d.campaign.id), "light", True, rules) == ranked[::-1]


def test_lights_at_their_boundaries(office):
    """Due today is not yet overdue; due on the last yellow day is yellow; progress on the
    first day of the cycle still counts."""
    clerk = office.session("clerk")
    rules = problem_query.light_rules(office.campaign)
    cases = {
        "red": (Kind.DEADLINE, rules.today - dt.timedelta(days=1), None),
        "yellow": (Kind.DEADLINE, rules.today, None),
        "yellow ": (Kind.DEADLINE, rules.yellow_until, None),
        "green": (Kind.DEADLINE, rules.yellow_until + dt.timedelta(days=1), None),
        "green ": (Kind.ONGOING, None, rules.stale_before),
        "stale": (Kind.ONGOING, None, rules.stale_before - dt.timedelta(days=1)),
        "stale ": (Kind.ONGOING, None, None),
    }
    ids = {}
    for name, (kind, deadline, progress) in cases.items():
        data = ProblemInput(office.campaign.id, office.unit.id, name, kind=kind.value,
                            deadline=deadline, found_date=TODAY - dt.timedelta(days=90))
        ids[name] = problems.create_problem(clerk, data).id
        if progress is not None:
            problems.add_progress(clerk, ids[name], "有进展", date=progress)
    for light in ("red", "yellow", "green", "stale"):
        f = ProblemFilter(office.campaign.id, lights=frozenset({light}))
        assert {n.strip() for n, i in ids.items() if i in matching_ids(f, rules=rules)} == {
            light}
    rows = problem_query.fetch_rows(list(ids.values()), rules)
    assert {name: rows[i].light for name, i in ids.items()} == {n: n.strip() for n in cases}


def test_filters_match_what_the_rows_say(demo_campaign):
    d = demo_campaign
    cid = d.campaign.id

    def check(f: ProblemFilter, keep) -> None:
        want = d.ids(keep)
        assert want and len(want) < len(d.problems), f  # a filter that actually filters
        assert set(matching_ids(f)) == want, f
        assert count_matching(f) == len(want)

    top = Unit.get(Unit.parent.is_null())
    section = Unit.select().where(Unit.parent == top.id).order_by(Unit.id).first()
    everything = set(matching_ids(ProblemFilter(cid, unit_ids=frozenset({top.id}))))
    assert everything == d.ids(lambda p: True)  # a unit includes its sub-units
    check(ProblemFilter(cid, unit_ids=frozenset({section.id})), lambda p: p.unit_id == section.id)
    check(ProblemFilter(cid, states=frozenset({State.DRAFT.value, State.CLOSED.value})),
          lambda p: p.state in ("draft", "closed"))
    area = CatalogNode.get(CatalogNode.parent.is_null() & (CatalogNode.campaign == cid))
    items = {n.id for n in CatalogNode.select().where(CatalogNode.parent == area.id)}
    check(ProblemFilter(cid, catalog_id=area.id), lambda p: p.catalog_id in items)
    leaf = min(items)
    check(ProblemFilter(cid, catalog_id=leaf), lambda p: p.catalog_id == leaf)
    check(ProblemFilter(cid, due_from=TODAY, due_to=TODAY + dt.timedelta(days=30)),
          lambda p: p.due_date is not None and TODAY <= p.due_date <= TODAY + dt.timedelta(30))
    check(ProblemFilter(cid, source="座谈会"), lambda p: p.source == "座谈会")
    check(ProblemFilter(cid, scope=Scope.PERSONAL.value), lambda p: p.scope == "personal")
    check(ProblemFilter(cid, kind=Kind.ONGOING.value), lambda p: p.kind == "ongoing")
    personal = next(p for p in d.problems if p.scope == "personal")
    name = Person.get_by_id(personal.person_id).name

    def responsible(p: Problem) -> bool:
        in_measures = any(name in (m.resp_person, m.resp_leader)
                          for m in d.measures.get(p.id, []))
        return in_measures or (p.person_id is not None and Person.get_by_id(p.person_id).name
                               == name)

    check(ProblemFilter(cid, person=f" {name} "), responsible)

    def text(p: Problem) -> str:
        fields = [p.code, p.description, p.root_cause, p.target, p.note]
        for m in d.measures.get(p.id, []):
            fields += [m.text, m.resp_leader, m.resp_person, m.result]
        return "\n".join(fields)

    check(ProblemFilter(cid, text="一窗受理"), lambda p: "一窗受理" in text(p))
    check(ProblemFilter(cid, text="台账 形式"),
          lambda p: "台账" in text(p) and "形式" in text(p))
    check(ProblemFilter(cid, states=frozenset({"rectifying"}), unit_ids=frozenset({section.id}),
                        text="会议"),
          lambda p: p.state == "rectifying" and p.unit_id == section.id and "会议" in text(p))
    assert matching_ids(ProblemFilter(cid, states=frozenset())) == []
    assert matching_ids(ProblemFilter(cid + 1)) == []


def test_sorting_orders_by_each_key_and_reverses_exactly(demo_campaign):
    d = demo_campaign
    f = ProblemFilter(d.campaign.id)
    by_id = {p.id: p for p in d.problems}
    for key in SORT_KEYS:
        ascending = matching_ids(f, key)
        assert sorted(ascending) == sorted(by_id), key
        assert matching_ids(f, key, descending=True) == ascending[::-1], key
    dues = [by_id[i].due_date for i in matching_ids(f, "due_date")]
    dated = [day for day in dues if day is not None]
    assert dated == sorted(dated) and dues[len(dated):] == [None] * (len(dues) - len(dated))
    states = [problem_query.STATE_ORDER.index(State(by_id[i].state))
              for i in matching_ids(f, "state")]
    assert states == sorted(states)
    outline = [node.id for node, _ in catalog_tree(d.campaign.id)]
    places = [outline.index(by_id[i].catalog_id) for i in matching_ids(f, "catalog")]
    assert places == sorted(places)
    codes = matching_ids(f, "code")
    assert [by_id[i].code for i in codes] == sorted(p.code for p in d.problems)
    with pytest.raises(ValueError):
        matching_ids(f, "colour")


# -- display rows and filter choices -------------------------------------------------------


@dataclass
class Node:
    label: str
    title: str
    children: list[Node] = field(default_factory=list)


def test_rows_show_unit_catalog_area_responsible_and_progress(office):
    admin, clerk = office.session("admin"), office.session("clerk")
    sub = create_unit(admin, "社会救助股", parent_id=office.unit.id)
    person = create_person(admin, "张海燕", unit_id=sub.id)
    nodes = import_catalog(admin, office.campaign.id, [
        Node("一、", "服务群众方面", [Node("（一）", "窗口服务", [Node("1.", "态度生硬")])]),
    ])
    leaf = nodes[-1]
    data = ProblemInput(
        office.campaign.id, sub.id, "本人接待群众态度生硬", scope=Scope.PERSONAL.value,
        person_id=person.id, catalog_id=leaf.id, source="征求意见", code="001",
        deadline=TODAY + dt.timedelta(days=1), found_date=TODAY - dt.timedelta(days=20),
        measures=[MeasureInput("参加作风培训", resp_person="张海燕"),
                  MeasureInput("公开服务承诺", resp_person="刘立新"),
                  MeasureInput("接受群众监督", resp_person="张海燕")],
    )
    pid = problems.create_problem(clerk, data).id
    problems.add_progress(clerk, pid, "已参加培训", date=TODAY - dt.timedelta(days=3))
    problems.add_progress(clerk, pid, "已公开承诺", date=TODAY - dt.timedelta(days=1))
    rules = problem_query.light_rules(office.campaign.id)
    row = problem_query.fetch_rows([pid, pid, 999_999], rules)[pid]
    assert (row.unit, row.person, row.scope, row.code) == ("社会救助股", "张海燕", "personal", "001")
    assert (row.catalog, row.area) == ("1.态度生硬", "一、服务群众方面")
    assert (row.measures, row.resp) == (3, "张海燕、刘立新")
    assert row.last_progress == TODAY - dt.timedelta(days=1)
    assert row.due_date == TODAY + dt.timedelta(days=1) and row.light == Light.YELLOW.value
    assert (row.state, row.kind, row.source) == ("draft", "deadline", "征求意见")
    assert row.closed_at is None and row.found_date == TODAY - dt.timedelta(days=20)
    assert problem_query.fetch_rows([], rules) == {}

    choices = problem_query.filter_choices(office.campaign.id)
    assert choices == {"sources": ["征求意见"], "persons": sorted(["刘立新", "张海燕"])}
    # a second campaign's problems do not leak into the first one's choices
    other = create_campaign(admin, "另一项整治", TODAY, TODAY + dt.timedelta(days=60))
    problems.create_problem(clerk, ProblemInput(other.id, sub.id, "会多", source="举报",
                                                measures=[MeasureInput("精简", "周主任")]))
    assert problem_query.filter_choices(office.campaign.id) == choices
    assert problem_query.filter_choices(other.id) == {"sources": ["举报"], "persons": ["周主任"]}

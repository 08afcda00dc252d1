"""The problem list's queries: which problems match a filter, in what order, and what each
visible row shows.

The list holds up to 100,000 problems (a county's consolidated ledger), so everything that
decides membership or order runs in SQL: the list keeps only the matching ids and asks for
display rows of the few it shows. Lights are a CASE expression over the problem's own columns
that mirrors ``deadlines.problem_light`` (a test holds the two together), so filtering by red
or sorting by light never loads rows into Python.

Text search is substring search, because Chinese has no word boundaries; every
whitespace-separated term must occur (in the problem's texts or a live measure's). Where
migration v003 made the search tables, terms of three or more characters are matched by the
trigram FTS5 index ``problem_fts`` and shorter ones, which a trigram index cannot answer
(SQLite 3.40's trigram LIKE even answers them wrongly), by ``instr`` over ``problem_search``,
the index's one-row-per-problem text. Whether those tables can be used is read from ``meta``
on every search: ``problem_search`` = ``fts5_trigram`` says the migration made them, and a
``problem_search_paused`` key says a bulk load has them out of date. Otherwise (PostgreSQL, an
SQLite without FTS5, a paused index) each term is looked up with ``instr``/``strpos`` in the
problem and measure tables: the same answers, only slower.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, SQL, Case, Expression, Table, fn

from desktop.core import clock, dialect
from desktop.core.calendar import load_calendar
from desktop.core.deadlines import Light, LightRules, problem_light
from desktop.core.migrations.v003_search import AVAILABLE, PAUSED_KEY, SEARCH_KEY
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
    database,
    get_meta,
    set_meta,
)

SORT_KEYS = ("code", "unit", "description", "state", "kind", "due_date", "found_date",
             "updated_at", "light", "person", "catalog")
# most urgent first, so that an ascending sort by light puts what needs attention on top
LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.STALE, Light.GREEN, Light.LATE, Light.ON_TIME)
STATE_ORDER = (State.DRAFT, State.SUBMITTED, State.RECTIFYING, State.CLOSING, State.CLOSED)
KIND_ORDER = (Kind.IMMEDIATE, Kind.DEADLINE, Kind.ONGOING)
RESP_SEPARATOR = "、"
MIN_INDEXED_TERM = 3  # the trigram tokenizer finds substrings of at least this many characters
SEARCH_TEXT = Table("problem_search", ("id", "body"))  # made by migration v003


@dataclass
class ProblemFilter:
    """What the user narrowed the list to. ``None`` means "any"; an empty set matches nothing."""

    campaign_id: int
    unit_ids: frozenset[int] | None = None  # a unit matches its sub-units too
    states: frozenset[str] | None = None  # State values
    lights: frozenset[str] | None = None  # Light values
    catalog_id: int | None = None  # that catalog node and everything under it
    person: str = ""  # a measure's responsible person or leader, or the problem's person
    due_from: dt.date | None = None  # effective deadline range, inclusive
    due_to: dt.date | None = None
    source: str = ""  # 查摆方式, exact
    scope: str = ""  # Scope value or ""
    kind: str = ""  # Kind value or ""
    text: str = ""  # whitespace-separated terms, all of which must occur


@dataclass(frozen=True)
class ProblemRow:
    """One line of the problem list."""

    id: int
    uuid: str
    version: int
    code: str
    unit: str
    scope: str
    person: str  # the person of a personal problem, else ""
    catalog: str  # label and title of its catalog node
    area: str  # label and title of the node's top-level ancestor (整治重点方面)
    description: str
    source: str
    kind: str
    state: str
    found_date: dt.date | None
    due_date: dt.date | None
    closed_at: dt.datetime | None
    measures: int
    resp: str  # the measures' responsible persons, each once, in measure order
    last_progress: dt.date | None
    light: str


def light_rules(campaign: Campaign | int) -> LightRules:
    """The rules for today's lights under the campaign's settings and the office calendar."""
    if not isinstance(campaign, Campaign):
        campaign = Campaign.get_by_id(campaign)
    return LightRules.for_today(
        load_calendar(), clock.today(), campaign.yellow_workdays, campaign.cycle
    )


# -- lights in SQL -------------------------------------------------------------------------


def _live_progress_since(day: dt.date) -> Expression:
    return fn.EXISTS(
        ProgressNote.select(SQL("1")).where(
            (ProgressNote.problem == Problem.id)
            & ProgressNote.deleted_at.is_null()
            & (ProgressNote.date >= day)
        )
    )


def light_expression(rules: LightRules) -> Case:
    """The light of each problem, as ``problem_light`` decides it, in one CASE expression."""
    ongoing = Problem.kind == Kind.ONGOING.value
    closed = Case(None, [
        (ongoing | Problem.due_date.is_null() | Problem.closed_at.is_null(),
         Light.ON_TIME.value),
        (fn.date(Problem.closed_at) <= Problem.due_date, Light.ON_TIME.value),
    ], Light.LATE.value)
    return Case(None, [
        (Problem.state == State.CLOSED.value, closed),
        (ongoing, Case(None, [(_live_progress_since(rules.stale_before), Light.GREEN.value)],
                       Light.STALE.value)),
        (Problem.due_date.is_null(), Light.GREEN.value),
        (Problem.due_date < rules.today, Light.RED.value),
        (Problem.due_date <= rules.yellow_until, Light.YELLOW.value),
    ], Light.GREEN.value)


def _rank(expression: Any, order: Sequence[Any]) -> Case:
    return Case(expression, [(getattr(v, "value", v), i) for i, v in enumerate(order)],
                len(order))


# -- text search ---------------------------------------------------------------------------


def search_index_ready() -> bool:
    """True when the trigram index exists and is current (not paused by a bulk load)."""
    return get_meta(SEARCH_KEY) == AVAILABLE and get_meta(PAUSED_KEY) is None


def rebuild_search_index() -> None:
    """Fill ``problem_search`` and its trigram index from the base tables (after a bulk load,
    or to repair them). The text is the one v003's triggers build, written here as one join
    instead of a subquery per problem; v003 keeps its own copy because migrations are frozen."""
    if get_meta(SEARCH_KEY) != AVAILABLE:
        return
    sep = " || char(10) || "
    problem_text = sep.join(f"ifnull(p.{c}, '')" for c in
                            ("code", "description", "root_cause", "target", "note"))
    measure_text = sep.join(f"ifnull(m.{c}, '')" for c in
                            ("text", "resp_leader", "resp_person", "result"))
    with database.atomic():
        database.execute_sql("DELETE FROM problem_search")
        database.execute_sql(
            f"INSERT INTO problem_search (id, body) SELECT p.id, {problem_text}{sep}"
            f"ifnull(t.body, '') FROM problem p LEFT JOIN (SELECT m.problem_id AS problem_id,"
            f" group_concat({measure_text}, char(10)) AS body FROM measure m"
            " WHERE m.deleted_at IS NULL GROUP BY m.problem_id) t ON t.problem_id = p.id"
            " WHERE p.deleted_at IS NULL"
        )
        database.execute_sql("INSERT INTO problem_fts (problem_fts) VALUES ('rebuild')")


def resume_search_index() -> None:
    """Rebuild the index and let its triggers run again: the end of a bulk load, or the
    repair of a database whose bulk load died half-way."""
    if get_meta(SEARCH_KEY) != AVAILABLE:
        return
    with database.atomic():
        rebuild_search_index()
        Meta.delete().where(Meta.key == PAUSED_KEY).execute()


@contextlib.contextmanager
def search_index_paused() -> Iterator[None]:
    """Stop the index triggers for a bulk load and rebuild the index once at the end.

    Re-indexing a problem on every one of its measures' inserts makes a demo load nearly
    twice as slow. The pause is a ``meta`` key (not dropped triggers), so a load that dies
    half-way leaves a database whose searches fall back to the base tables, still right,
    until ``resume_search_index`` runs (the next bulk load does it).
    """
    if get_meta(SEARCH_KEY) != AVAILABLE:
        yield
        return
    with database.atomic():
        set_meta(PAUSED_KEY, "1")
    try:
        yield
    finally:
        resume_search_index()


def search_terms(text: str) -> list[str]:
    return text.split()  # any Unicode whitespace, the ideographic space included


def _contains(column: Any, term: str) -> Expression:
    """Substring test in the engine's own words, case-blind for ASCII like the index."""
    if any("A" <= c <= "Z" or "a" <= c <= "z" for c in term):
        column, term = fn.lower(column), term.lower()
    return dialect.position(column, term) > 0


def _scan_condition(term: str) -> Expression:
    in_problem = (
        _contains(Problem.code, term) | _contains(Problem.description, term)
        | _contains(Problem.root_cause, term) | _contains(Problem.target, term)
        | _contains(Problem.note, term)
    )
    in_measure = fn.EXISTS(Measure.select(SQL("1")).where(
        (Measure.problem == Problem.id) & Measure.deleted_at.is_null()
        & (_contains(Measure.text, term) | _contains(Measure.resp_leader, term)
           | _contains(Measure.resp_person, term) | _contains(Measure.result, term))
    ))
    return in_problem | in_measure


def _fts_phrase(term: str) -> str:
    """A term as an FTS5 phrase: quoted, so AND, *, ( and the like are plain characters."""
    return '"' + term.replace('"', '""') + '"'


def _stored_text_contains(term: str) -> Expression:
    """A short term looked up in the problem's stored search text: one narrow row per
    problem, read by id only for the rows the other conditions leave."""
    return fn.EXISTS(SEARCH_TEXT.select(SQL("1")).where(
        (SEARCH_TEXT.id == Problem.id) & _contains(SEARCH_TEXT.body, term)
    ))


def text_conditions(text: str) -> list[Expression]:
    terms = search_terms(text)
    if not terms:
        return []
    if not search_index_ready():
        return [_scan_condition(t) for t in terms]
    long_terms = [t for t in terms if len(t) >= MIN_INDEXED_TERM]
    conditions = [_stored_text_contains(t) for t in terms if len(t) < MIN_INDEXED_TERM]
    if long_terms:
        query = " ".join(_fts_phrase(t) for t in long_terms)  # adjacent phrases: all must match
        conditions.append(Problem.id.in_(
            SQL("(SELECT rowid FROM problem_fts WHERE problem_fts MATCH ?)", (query,))
        ))
    return conditions


# -- filtering and sorting -----------------------------------------------------------------


def _subtree(model: type[Unit] | type[CatalogNode], roots: set[int], where: Any = True) -> set[int]:
    """The roots and all their descendants, walked in Python: trees of units and catalog
    nodes have tens or hundreds of nodes, far fewer than the problems they filter."""
    children: dict[int, list[int]] = {}
    for node_id, parent_id in model.select(model.id, model.parent).where(where).tuples():
        children.setdefault(parent_id, []).append(node_id)
    found, todo = set(roots), list(roots)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _conditions(f: ProblemFilter, rules: LightRules | None) -> list[Expression]:
    conditions = [(Problem.campaign == f.campaign_id) & Problem.deleted_at.is_null()]
    if f.unit_ids is not None:
        conditions.append(Problem.unit.in_(sorted(_subtree(Unit, set(f.unit_ids)))))
    if f.states is not None:
        conditions.append(Problem.state.in_(sorted(f.states)))
    if f.lights is not None:
        rules = rules or light_rules(f.campaign_id)
        conditions.append(light_expression(rules).in_(sorted(f.lights)))
    if f.catalog_id is not None:
        nodes = _subtree(CatalogNode, {f.catalog_id}, CatalogNode.campaign == f.campaign_id)
        conditions.append(Problem.catalog.in_(sorted(nodes)))
    person = f.person.strip()
    if person:
        responsible = Measure.select(Measure.problem).where(
            Measure.deleted_at.is_null()
            & ((Measure.resp_person == person) | (Measure.resp_leader == person))
        )
        named = Person.select(Person.id).where(Person.name == person)
        conditions.append(Problem.id.in_(responsible) | Problem.person.in_(named))
    if f.due_from is not None:
        conditions.append(Problem.due_date >= f.due_from)
    if f.due_to is not None:
        conditions.append(Problem.due_date <= f.due_to)
    for column, value in ((Problem.source, f.source), (Problem.scope, f.scope),
                          (Problem.kind, f.kind)):
        if value:
            conditions.append(column == value)
    conditions.extend(text_conditions(f.text))
    return conditions


def _where(conditions: list[Expression]) -> Expression:
    result = conditions[0]
    for condition in conditions[1:]:
        result = result & condition
    return result


def _catalog_rank(campaign_id: int) -> Case | None:
    """Each catalog node's place in the outline (depth first, by sort order)."""
    nodes = list(CatalogNode.select(CatalogNode.id, CatalogNode.parent, CatalogNode.sort_order)
                 .where(CatalogNode.campaign == campaign_id).tuples())
    if not nodes:
        return None
    children: dict[int | None, list[tuple[int, int]]] = {}
    for node_id, parent_id, order in nodes:
        children.setdefault(parent_id, []).append((order, node_id))
    ranks: list[int] = []
    todo = [node for _, node in sorted(children.get(None, []), reverse=True)]
    while todo:
        node = todo.pop()
        ranks.append(node)
        todo.extend(child for _, child in sorted(children.get(node, []), reverse=True))
    return Case(Problem.catalog, [(node, i) for i, node in enumerate(ranks)], len(ranks))


def _order(sort: str, f: ProblemFilter, rules: LightRules | None) -> tuple[list, set[str]]:
    """The ORDER BY terms for a sort key (before the id tie-break) and the joins they need.
    Empty values (no deadline, no catalog item) sort after all others."""
    if sort == "unit":
        return [Unit.sort_order, Unit.name], {"unit"}
    if sort == "state":
        return [_rank(Problem.state, STATE_ORDER)], set()
    if sort == "kind":
        return [_rank(Problem.kind, KIND_ORDER)], set()
    if sort == "light":
        rules = rules or light_rules(f.campaign_id)
        return [_rank(light_expression(rules), LIGHT_ORDER)], set()
    if sort in ("due_date", "found_date"):
        column = getattr(Problem, sort)
        return [column.is_null(), column], set()
    if sort == "person":
        first_resp = Measure.select(fn.MIN(Measure.resp_person)).where(
            (Measure.problem == Problem.id) & Measure.deleted_at.is_null()
            & (Measure.resp_person != "")
        )
        shown = fn.COALESCE(fn.NULLIF(Person.name, ""), first_resp)
        return [shown.is_null(), shown], {"person"}
    if sort == "catalog":
        rank = _catalog_rank(f.campaign_id)
        return ([Problem.catalog.is_null(), rank] if rank is not None else []), set()
    if sort in ("code", "description", "updated_at"):
        return [getattr(Problem, sort)], set()
    raise ValueError(f"unknown sort key {sort!r}; one of {', '.join(SORT_KEYS)}")


def matching_ids(
    f: ProblemFilter, sort: str = "code", descending: bool = False,
    rules: LightRules | None = None,
) -> list[int]:
    """Ids of the live problems that match, in order; ties go by id, so the order is stable
    and a descending sort is exactly the ascending one reversed."""
    terms, joins = _order(sort, f, rules)
    query = Problem.select(Problem.id)
    if "unit" in joins:
        query = query.join(Unit, on=(Problem.unit == Unit.id))
    if "person" in joins:
        query = query.join(Person, JOIN.LEFT_OUTER, on=(Problem.person == Person.id))
    terms = [*terms, Problem.id]
    order = [t.desc() if descending else t.asc() for t in terms]
    query = query.where(_where(_conditions(f, rules))).order_by(*order)
    # the plain cursor: peewee's row wrappers would cost more than the query at 100,000 ids
    return [row[0] for row in database.execute(query).fetchall()]


def count_matching(f: ProblemFilter, rules: LightRules | None = None) -> int:
    query = Problem.select(fn.COUNT(Problem.id)).where(_where(_conditions(f, rules)))
    return query.scalar() or 0


# -- display rows --------------------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _node_text(label: str | None, title: str | None) -> str:
    return f"{label or ''}{title or ''}"


def _area(chain: list[tuple[Any, Any, Any]]) -> str:
    """The top-level ancestor of a node, given the node and up to three ancestors as
    (label, title, parent id); deeper outlines than 一、（一）1.（1） are walked on."""
    present = [link for link in chain if link[1] is not None]
    if not present:
        return ""
    label, title, parent = present[-1]
    while parent is not None:
        label, title, parent = (CatalogNode.select(CatalogNode.label, CatalogNode.title,
                                                   CatalogNode.parent)
                                .where(CatalogNode.id == parent).tuples().get())
    return _node_text(label, title)


def fetch_rows(ids: Sequence[int], rules: LightRules) -> dict[int, ProblemRow]:
    """Display rows for the given problems (the visible ones), in two queries: the problems
    with their unit, person and catalog, then their live measures."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    node, up1, up2, up3 = (CatalogNode.alias(n) for n in ("cn0", "cn1", "cn2", "cn3"))
    last_progress = ProgressNote.select(fn.MAX(ProgressNote.date)).where(
        (ProgressNote.problem == Problem.id) & ProgressNote.deleted_at.is_null()
    )
    query = (
        Problem.select(
            Problem.id, Problem.uuid, Problem.version, Problem.code, Unit.name, Problem.scope,
            Person.name, Problem.description, Problem.source, Problem.kind, Problem.state,
            Problem.found_date, Problem.due_date, Problem.closed_at, last_progress,
            node.label, node.title, node.parent, up1.label, up1.title, up1.parent,
            up2.label, up2.title, up2.parent, up3.label, up3.title, up3.parent,
        )
        .join(Unit, on=(Problem.unit == Unit.id))
        .switch(Problem).join(Person, JOIN.LEFT_OUTER, on=(Problem.person == Person.id))
        .switch(Problem).join(node, JOIN.LEFT_OUTER, on=(Problem.catalog == node.id))
        .join(up1, JOIN.LEFT_OUTER, on=(node.parent == up1.id))
        .join(up2, JOIN.LEFT_OUTER, on=(up1.parent == up2.id))
        .join(up3, JOIN.LEFT_OUTER, on=(up2.parent == up3.id))
        .where(Problem.id.in_(ids) & Problem.deleted_at.is_null())
    )
    measures: dict[int, list[str]] = {}
    for problem_id, resp in (
        Measure.select(Measure.problem, Measure.resp_person)
        .where(Measure.problem.in_(ids) & Measure.deleted_at.is_null())
        .order_by(Measure.problem, Measure.sort_order, Measure.id).tuples()
    ):
        measures.setdefault(problem_id, []).append(resp or "")
    rows: dict[int, ProblemRow] = {}
    for r in query.tuples():
        pid, state, kind = r[0], r[10], r[9]
        due, closed_at, progress = _date(r[12]), r[13], _date(r[14])
        if isinstance(closed_at, str):
            closed_at = dt.datetime.fromisoformat(closed_at)
        closed_on = closed_at.date() if closed_at else None
        chain = [(r[15], r[16], r[17]), (r[18], r[19], r[20]), (r[21], r[22], r[23]),
                 (r[24], r[25], r[26])]
        resp = measures.get(pid, [])
        rows[pid] = ProblemRow(
            id=pid, uuid=r[1], version=r[2], code=r[3], unit=r[4], scope=r[5],
            person=r[6] or "", catalog=_node_text(r[15], r[16]) if r[16] is not None else "",
            area=_area(chain), description=r[7], source=r[8], kind=kind, state=state,
            found_date=_date(r[11]), due_date=due, closed_at=closed_at, measures=len(resp),
            resp=RESP_SEPARATOR.join(dict.fromkeys(p for p in resp if p)),
            last_progress=progress,
            light=problem_light(rules, state, kind, due, closed_on, progress).value,
        )
    return rows


def filter_choices(campaign_id: int) -> dict[str, list[str]]:
    """Values for the filter combos: the campaign's sources and responsible persons (measure
    persons and leaders, and the persons of personal problems), each sorted."""
    live = (Problem.campaign == campaign_id) & Problem.deleted_at.is_null()
    sources = (Problem.select(Problem.source).distinct()
               .where(live & (Problem.source != "")).tuples())
    pairs = Measure.select(Measure.resp_person, Measure.resp_leader).distinct().where(
        Measure.deleted_at.is_null()
    )
    others = Problem.select(SQL("1")).where(~live)
    if others.exists():
        # looking up each measure's problem is the slow part; most databases skip it
        pairs = pairs.join(Problem, on=(Measure.problem == Problem.id)).where(live)
    names = {name for pair in pairs.tuples() for name in pair if name}
    names.update(v for (v,) in Person.select(Person.name).distinct()
                 .join(Problem, on=(Problem.person == Person.id))
                 .where(live & (Problem.scope == Scope.PERSONAL.value)).tuples())
    return {"sources": sorted(s for (s,) in sources), "persons": sorted(names)}

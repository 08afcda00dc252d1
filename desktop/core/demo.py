"""A realistic, deterministic demo campaign: the first run, screenshots and benchmarks use it.

It writes straight to the tables in bulk (100,000 problems must take well under a minute), but
it leaves exactly the records and audit trail the services would have left: every row has its
create event, every workflow step its transition row and audit event, so ``verify-audit``
passes on a demo database like on any other. The texts are written in our own words.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import random
import uuid as uuid_module
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from peewee import SqliteDatabase, fn

from desktop.core import auth, clock
from desktop.core.audit import Actor, AuditWriter, canonical
from desktop.core.calendar import load_calendar
from desktop.core.deadlines import effective_due
from desktop.core.models import (
    ENTITY_MODELS,
    SOURCES,
    Campaign,
    CatalogNode,
    Kind,
    Measure,
    Milestone,
    Person,
    Phase,
    Problem,
    ProgressNote,
    Record,
    Role,
    Scope,
    State,
    Transition,
    Unit,
    User,
    database,
    insert_rows,
    set_meta,
    stored_value,
)
from desktop.core.problem_query import search_index_paused
from desktop.core.workdays import WorkdayCalendar

DEMO_PASSWORD = "rectify"
DEMO_KEY = "demo"  # meta key: this database holds the demo accounts

SECTIONS = ["办公室", "社会救助股", "养老服务股", "社会事务股", "计划财务股", "区划地名股",
            "慈善社工股", "机关党支部"]
AFFILIATES = ["县社会福利院", "县救助管理站", "县殡仪馆", "县老年养护中心", "县婚姻登记处",
              "县低收入人口认定中心"]
TOWNS = "城关 河东 河西 新集 青山 白马 石桥 柳林 桃园 龙泉 松岗 平安 永丰 清水 东湖 西湖".split()

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程"
GIVEN = "建国志强海燕丽华文军晓明玉兰春梅红霞立新秀英桂芳伟东小平永刚晓燕俊杰淑珍德华国庆"

# The catalog: focus areas and the ways each shows itself, in our own words.
CATALOG: list[tuple[str, list[str]]] = [
    ("贯彻落实决策部署方面", ["表态调门高、落实行动少", "照搬照抄上级文件，结合本地实际不够",
                            "重部署轻督促，跟踪问效不到位"]),
    ("服务群众方面", ["办事环节多，群众反复跑、多头跑", "一次性告知不到位，窗口服务态度生硬",
                     "对群众诉求推诿扯皮、回应不及时"]),
    ("文风会风方面", ["文件篇幅长、数量多，以文件落实文件", "会议多、时间长，层层开会传达",
                     "督查检查过多过频，重复填表报数"]),
    ("担当作为方面", ["遇到矛盾绕道走，怕担责不敢作为", "工作标准不高，满足于过得去",
                     "调查研究走过场，蜻蜓点水"]),
    ("基层减负方面", ["台账资料重留痕轻实效", "政务应用和工作群过多，干部疲于应付"]),
]

PROBLEM_TEXTS = [
    "{unit}今年以来召开各类会议{n}次，其中{k}次只是传达上级会议精神，没有结合本单位工作提出具体措施",
    "{unit}制定的{n}项工作方案中有{k}项与上级文件内容基本相同，针对性、可操作性不强",
    "{unit}对{n}项重点任务只部署不督促，{k}项任务到期后才发现进度滞后",
    "群众到{unit}办理业务平均需跑{k}次，所需材料{n}项，其中部分材料可通过内部核验取得",
    "{unit}窗口未落实一次性告知制度，近期收到群众意见{k}条",
    "对12345热线转办的{n}件群众诉求，{unit}有{k}件超过规定时限才答复",
    "{unit}每月向下属单位要求报送的报表达{n}种，其中{k}种内容重复",
    "{unit}开展专项检查{n}次，查后未形成问题清单，{k}个问题整改不了了之",
    "{unit}对历史遗留的{k}件信访事项长期搁置，未明确责任人和办理时限",
    "{unit}推进养老服务设施建设标准不高，{n}个站点中有{k}个未达到验收要求即投入使用",
    "{unit}调研{n}次均停留在听汇报、看材料，未深入村（社区）了解实际情况",
    "{unit}为迎接检查整理台账资料{n}本，部分资料为事后补做，重形式轻实效",
    "{unit}干部加入各类工作群{n}个，每天需在{k}个应用上打卡、填报，负担较重",
]
CAUSES = [
    "宗旨意识不强，对群众的急难愁盼感受不深",
    "政绩观存在偏差，习惯于以文件会议推动工作",
    "责任压得不实，督促检查机制不健全",
    "学习不深入，对新要求、新政策理解不透",
    "制度执行不严格，考核评价偏重过程留痕",
]
MEASURES = [
    "制定会议精简办法，能合并的合并，能不开的不开，控制会议时长",
    "对照上级文件逐条研究本单位落实措施，形成任务清单",
    "建立重点任务台账，每月调度一次进展，对滞后事项挂牌督办",
    "梳理办事事项清单，压减证明材料，推行一窗受理、一次办结",
    "落实首问负责和一次性告知制度，开展窗口服务作风专项培训",
    "建立群众诉求限时办结机制，逐件明确责任人和办结时限",
    "清理规范各类报表，同类数据统一采集、共享使用",
    "对检查发现的问题建立清单，逐项销号，纳入年度考核",
    "开展蹲点调研，每名班子成员联系一个村（社区）",
    "清理整合工作群和政务应用，停止一切不必要的打卡填报",
]
RESULTS = ["已按期完成", "已制定制度并印发执行", "已完成整改，群众反映良好",
           "已清理到位，并建立长效机制", "已完成，相关资料已归档"]
PROGRESS = ["已召开专题会议研究整改措施", "已完成问题梳理并明确责任分工",
            "整改工作正在推进，完成约一半", "已起草相关制度，正在征求意见",
            "已对照清单开展自查，发现问题已即知即改", "本月继续抓好落实，未发现反弹"]
REFERRAL_BODIES = ["县纪委监委第三派驻纪检监察组"]


@dataclass
class DemoResult:
    campaign_id: int
    problems: int
    units: int
    by_state: dict[str, int] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)


class _Bulk:
    """Rows and their audit events, written in bulk with explicit ids.

    Rows are kept in their stored form (ISO dates, local ids) from the start: that is also
    their audit snapshot, so each row is converted once and serialised once.
    """

    def __init__(self, writer: AuditWriter | _Recorder, rnd: random.Random,
                 first_ids: dict[type[Record], int] | None = None) -> None:
        self.writer = writer
        self.rnd = rnd
        self.rows: dict[type[Record], list[dict[str, Any]]] = {}
        self.next_id: dict[type[Record], int] = {}
        self.template: dict[type[Record], dict[str, Any]] = {}
        self.last_text: dict[str, str] = {}  # uuid → its latest canonical snapshot
        for model, first in (first_ids or {}).items():
            self._prepare(model, first)

    def _prepare(self, model: type[Record], first_id: int | None = None) -> None:
        if first_id is None:
            first_id = (model.select(fn.MAX(model.id)).scalar() or 0) + 1
        self.next_id[model] = first_id
        self.template[model] = {
            f.name: (f.default if f.default is not None and not callable(f.default) else None)
            for f in model._meta.sorted_fields
        }

    def new(self, model: type[Record], actor: Actor, when: dt.datetime, **values: Any) -> dict:
        if model not in self.next_id:
            self._prepare(model)
        row = dict(self.template[model])
        stamp = stored_value(when)
        row.update(id=self.next_id[model], uuid=_demo_uuid(self.rnd), created_at=stamp, updated_at=stamp,
                   version=1)
        row.update({k: stored_value(v) for k, v in values.items()})
        self.next_id[model] += 1
        self.rows.setdefault(model, []).append(row)
        text = canonical(row)
        if model is Problem:
            self.last_text[row["uuid"]] = text
        self.writer.add_text("create", model._meta.table_name, row["uuid"], None, text, when,
                             actor)
        return row

    def change(
        self, model: type[Record], row: dict, actor: Actor, at: dt.datetime, action: str,
        **values: Any,
    ) -> None:
        before = self.last_text[row["uuid"]]
        row.update({k: stored_value(v) for k, v in values.items()})
        row.update(version=row["version"] + 1, updated_at=stored_value(at))
        after = self.last_text[row["uuid"]] = canonical(row)
        self.writer.add_text(action, model._meta.table_name, row["uuid"], before, after, at, actor)

    def take_rows(self) -> list[tuple[type[Record], list[str], list[list[Any]]]]:
        taken = []
        for model, rows in self.rows.items():
            names = list(self.template[model])
            taken.append((model, names, [[r[n] for n in names] for r in rows]))
        self.rows.clear()
        self.last_text.clear()
        return taken

    def flush(self) -> None:
        for model, names, rows in self.take_rows():
            insert_rows(model, names, rows, converted=True)
        self.writer.flush()


class _Recorder:
    """Stands in for the audit writer in a worker process: keeps the events, in order, for
    the main process to chain (the chain is sequential; building the rows is not)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def add_text(self, *event: Any) -> None:
        self.events.append(event)


@dataclass
class _Context:
    """What every chunk of problems needs; sent once to each worker."""

    seed: int
    today: dt.date
    start: dt.date
    campaign_id: int
    units: list[dict]
    items: list[dict]
    people: list[dict]
    leaders: dict[int, str]
    actors: dict[str, Actor]
    user_ids: dict[str, int]
    first_ids: dict[str, int]  # table → first free id
    overrides: dict[dt.date, bool]
    confirmed_years: set[int]


CHUNK = 2000
# id room reserved per problem in each chunk, so chunks can be built apart and in any order:
# at most 4 measures, 5 workflow steps and 3 progress notes per problem
ID_ROOM = {Problem: 1, Measure: 4, Transition: 5, ProgressNote: 3}
PARALLEL_FROM = 10_000
_context: _Context | None = None


def _set_context(context: _Context) -> None:
    global _context
    _context = context


def _build_chunk(k: int, count: int) -> tuple[list, list, dict[str, int]]:
    """Problems k*CHUNK … k*CHUNK+count-1, from their own seeded generator."""
    ctx = _context
    assert ctx is not None
    rnd = random.Random(f"{ctx.seed}:{k}")
    first_ids = {
        model: ctx.first_ids[model._meta.table_name] + k * CHUNK * room
        for model, room in ID_ROOM.items()
    }
    recorder = _Recorder()
    bulk = _Bulk(recorder, rnd, first_ids)
    cal = WorkdayCalendar(ctx.overrides, confirmed_years=ctx.confirmed_years)
    by_state: dict[str, int] = {}
    for i in range(count):
        n = k * CHUNK + i
        unit = ctx.units[n % len(ctx.units)]
        state = _demo_problem(bulk, rnd, cal, ctx.today, ctx.start, ctx.campaign_id, unit,
                              ctx.items, ctx.people, ctx.leaders, ctx.actors, ctx.user_ids, n)
        by_state[state] = by_state.get(state, 0) + 1
    rows = [(model._meta.table_name, names, values) for model, names, values in bulk.take_rows()]
    return rows, recorder.events, by_state


def _build_chunk_args(args: tuple[int, int]) -> tuple[list, list, dict[str, int]]:
    return _build_chunk(*args)


@contextlib.contextmanager
def _bulk_load(megabytes: int = 512):
    """SQLite settings for writing a whole demo at once, restored afterwards.

    In WAL mode every page is written twice (to the log, then to the file at checkpoint); a
    rollback journal keeps only the old content of changed pages, and a bulk load into a
    growing file is mostly new pages, so the data is written once. Both are crash-safe with
    synchronous FULL. A larger page cache keeps the random-UUID indexes in memory.
    """
    db = database.obj
    if not isinstance(db, SqliteDatabase) or db.in_transaction():
        yield
        return
    cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    journal = db.execute_sql("PRAGMA journal_mode").fetchone()[0]
    db.execute_sql("PRAGMA journal_mode = DELETE")
    db.execute_sql(f"PRAGMA cache_size = -{megabytes * 1024}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {cache}")
        db.execute_sql(f"PRAGMA journal_mode = {journal}")


def _demo_uuid(rnd: random.Random) -> str:
    """Random-looking version-4 UUIDs drawn from the seeded generator, so that a demo is the
    same on every run."""
    return str(uuid_module.UUID(int=rnd.getrandbits(128), version=4))


def _at(day: dt.date, rnd: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rnd.randint(8, 17), rnd.randint(0, 59), rnd.randint(0, 59)))


def _name(rnd: random.Random) -> str:
    given = GIVEN[rnd.randrange(0, len(GIVEN) - 1, 2):][:2]
    return rnd.choice(SURNAMES) + (given if rnd.random() < 0.7 else given[0])


def build_demo(
    problems: int = 300,
    units: int = 12,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Add a demo campaign to the open database; deterministic for a given seed and day.
    The database is marked as holding demo accounts (the sign-in dialog then names them)."""
    with _bulk_load(), search_index_paused():
        result = _build_demo(problems, units, seed, today, progress)
    set_meta(DEMO_KEY, "1")
    return result


def _build_demo(
    problems: int,
    units: int,
    seed: int,
    today: dt.date | None,
    progress: Callable[[int, int], None] | None,
) -> DemoResult:
    rnd = random.Random(seed)
    today = today or clock.today()
    cal = load_calendar()
    system = Actor.system()
    writer = AuditWriter(system, buffer_size=20000)
    bulk = _Bulk(writer, rnd)
    start = today - dt.timedelta(days=180)
    end = today + dt.timedelta(days=75)
    t0 = _at(start - dt.timedelta(days=3), rnd)

    with database.atomic():
        top = bulk.new(Unit, system, t0, name="示范县民政局", short_name="县民政局", code="001")
        top_uuid = top["uuid"]
        names = SECTIONS + AFFILIATES + [f"{t}镇民政办" for t in TOWNS]
        while len(names) < units:
            names.append(f"第{len(names) - len(SECTIONS) - len(AFFILIATES) + 1}社区服务站")
        unit_rows = [
            bulk.new(Unit, system, t0, name=n, parent=top["id"], sort_order=i,
                     code=f"001{i + 1:03d}", origin_unit=top_uuid)
            for i, n in enumerate(names[:max(units, 1)])
        ]
        people: list[dict] = []
        leaders: dict[int, str] = {}
        for u in unit_rows:
            for k in range(3):
                title = ["负责人", "副职", "干部"][k]
                p = bulk.new(Person, system, t0, name=_name(rnd), unit=u["id"], title=title,
                             origin_unit=top_uuid)
                people.append(p)
                if k == 0:
                    leaders[u["id"]] = p["name"]
        chief = bulk.new(Person, system, t0, name=_name(rnd), unit=top["id"], title="局长",
                         origin_unit=top_uuid)
        bulk.flush()

    users = {
        "admin": ({Role.ADMIN, Role.CLERK, Role.REVIEWER, Role.LEADER}, "系统管理员"),
        "luru": ({Role.CLERK}, "录入员"),
        "shenhe": ({Role.REVIEWER}, "审核人"),
        "lingdao": ({Role.LEADER}, chief["name"]),
    }
    actors: dict[str, Actor] = {}
    user_ids: dict[str, int] = {}
    with database.atomic():
        for username, (roles, display) in users.items():
            existing = User.get_or_none(User.username == username)
            if existing is None:
                row = bulk.new(
                    User, system, t0, username=username, display_name=display,
                    password_hash=auth.hash_password(DEMO_PASSWORD),
                    roles=",".join(sorted(r.value for r in roles)), unit=top["id"],
                    origin_unit=top_uuid,
                )
                actors[username] = Actor(row["uuid"], display, top_uuid)
                user_ids[username] = row["id"]
            else:
                actors[username] = Actor(existing.uuid, existing.display_name, top_uuid)
                user_ids[username] = existing.id
        campaign = bulk.new(
            Campaign, system, t0, name="纠治形式主义官僚主义专项整治（演示）",
            doc_number="示民党发〔2026〕8号", issuer="中共示范县民政局党组", unit=top["id"],
            start_date=start, end_date=end, origin_unit=top_uuid,
            description="演示数据：围绕文风会风、服务群众、担当作为等方面查找问题、限期整改。",
        )
        cid = campaign["id"]
        phase_spans = [("研究部署", 0, 14), ("自查整改", 15, 75), ("整治查纠", 76, 165),
                       ("巩固提升", 166, (end - start).days)]
        for i, (pname, a, b) in enumerate(phase_spans):
            bulk.new(Phase, system, t0, campaign=cid, name=pname, sort_order=i,
                     start_date=start + dt.timedelta(days=a),
                     end_date=start + dt.timedelta(days=b), origin_unit=top_uuid)
        for mname, offset in [("问题清单报送", 12), ("整改方案备案", 14), ("阶段性总结报送", 120),
                              ("工作总结报送", (end - start).days - 5)]:
            due = start + dt.timedelta(days=offset)
            bulk.new(Milestone, system, t0, campaign=cid, name=mname, due_date=due,
                     done_date=due - dt.timedelta(days=1) if due < today else None,
                     origin_unit=top_uuid)
        items: list[dict] = []
        for i, (area, details) in enumerate(CATALOG):
            a = bulk.new(CatalogNode, system, t0, campaign=cid, label=f"{'一二三四五六七八九十'[i]}、",
                         title=area, sort_order=i, origin_unit=top_uuid)
            for j, detail in enumerate(details):
                items.append(bulk.new(CatalogNode, system, t0, campaign=cid, parent=a["id"],
                                      label=f"{j + 1}.", title=detail, sort_order=j,
                                      origin_unit=top_uuid))
        bulk.flush()
        context = _Context(
            seed=seed, today=today, start=start, campaign_id=cid, units=unit_rows, items=items,
            people=people, leaders=leaders, actors=actors, user_ids=user_ids,
            first_ids={model._meta.table_name: (model.select(fn.MAX(model.id)).scalar() or 0) + 1
                       for model in ID_ROOM},
            overrides=dict(cal.overrides), confirmed_years=set(cal.confirmed_years),
        )
        chunks = [(k, min(CHUNK, problems - k * CHUNK)) for k in range(-(-problems // CHUNK))]
        by_state: dict[str, int] = {}
        done = 0
        for rows, events, counts in _run_chunks(context, chunks, problems >= PARALLEL_FROM):
            for event in events:
                writer.add_text(*event)
            for table, names, values in rows:
                insert_rows(ENTITY_MODELS[table], names, values, converted=True)
            for state, count in counts.items():
                by_state[state] = by_state.get(state, 0) + count
            done += sum(counts.values())
            if progress:
                progress(done, problems)
        writer.flush()
    return DemoResult(cid, problems, len(unit_rows) + 1, by_state,
                      {u: DEMO_PASSWORD for u in users})


def _run_chunks(context: _Context, chunks: list[tuple[int, int]], parallel: bool):
    """Build the chunks in order: in worker processes for big demos (the main process chains
    the audit hashes and inserts meanwhile), in this process otherwise. The result is the
    same either way, since each chunk has its own generator and id range."""
    workers = min(4, os.cpu_count() or 1)
    if parallel and workers > 1:
        import multiprocessing

        with multiprocessing.Pool(workers, initializer=_set_context, initargs=(context,)) as pool:
            yield from pool.imap(_build_chunk_args, chunks)
        return
    _set_context(context)
    for chunk in chunks:
        yield _build_chunk(*chunk)


def _demo_state(rnd: random.Random, age: int, deadline: dt.date | None, today: dt.date) -> State:
    """A state that fits the problem's dates: recent finds are still drafts or under review,
    most problems past their deadline are closed, a few are overdue (red)."""
    if age < 8:
        weights = {State.DRAFT: 3, State.SUBMITTED: 3, State.RECTIFYING: 3, State.CLOSED: 1}
    elif deadline is None:
        weights = {State.DRAFT: 1, State.SUBMITTED: 1, State.RECTIFYING: 14, State.CLOSING: 1,
                   State.CLOSED: 3}
    elif deadline < today:
        weights = {State.SUBMITTED: 1, State.RECTIFYING: 5, State.CLOSING: 4, State.CLOSED: 30}
    else:
        weights = {State.DRAFT: 2, State.SUBMITTED: 2, State.RECTIFYING: 20, State.CLOSING: 3,
                   State.CLOSED: 6}
    states, counts = zip(*weights.items(), strict=True)
    return rnd.choices(states, counts)[0]


def _demo_problem(bulk, rnd, cal, today, start, cid, unit, items, people, leaders, actors,
                  user_ids, n) -> str:
    clerk, reviewer, leader = actors["luru"], actors["shenhe"], actors["lingdao"]
    found = start + dt.timedelta(days=rnd.randint(10, max(11, (today - start).days - 2)))
    r = rnd.random()
    kind = Kind.IMMEDIATE if r < 0.2 else Kind.ONGOING if r > 0.87 else Kind.DEADLINE
    if kind == Kind.IMMEDIATE:
        deadline = cal.add_workdays(found, rnd.choice([5, 7, 7, 10]))
    elif kind == Kind.DEADLINE:
        deadline = found + dt.timedelta(days=rnd.randint(20, 130))
    else:
        deadline = None
    state = _demo_state(rnd, (today - found).days, deadline, today)
    item = rnd.choice(items)
    personal = rnd.random() < 0.1
    person = rnd.choice([p for p in people[:60] if p["unit"] == unit["id"]] or people)
    text = rnd.choice(PROBLEM_TEXTS).format(unit=unit["name"], n=rnd.randint(6, 30),
                                            k=rnd.randint(2, 5))
    if personal:
        text = f"{person['name']}同志：" + text.replace(unit["name"], "本人所在股室", 1)
    created = _at(found, rnd)
    m_count = rnd.choice([1, 2, 2, 3, 3, 3, 4])
    m_deadlines = [None if deadline is None else
                   min(deadline, found + dt.timedelta(days=rnd.randint(5, max(6, (deadline - found).days))))
                   for _ in range(m_count)]
    if deadline is not None and m_deadlines:
        m_deadlines[-1] = deadline
    problem = bulk.new(
        Problem, clerk, created, campaign=cid, unit=unit["id"], code=f"{n + 1:05d}",
        scope=Scope.PERSONAL.value if personal else Scope.ORG.value,
        person=person["id"] if personal else None, catalog=item["id"], description=text,
        source=rnd.choice(SOURCES), found_date=found, root_cause=rnd.choice(CAUSES),
        kind=kind.value, target="问题得到根本解决，形成长效机制", deadline=deadline,
        due_date=effective_due(deadline, m_deadlines), state=State.DRAFT.value,
        origin_unit=unit["uuid"],
    )
    # the moments of each step, in order and never after today
    cursor = found
    def later(lo: int, hi: int) -> dt.date:
        nonlocal cursor
        cursor = min(today, cursor + dt.timedelta(days=rnd.randint(lo, hi)))
        return cursor

    path = [State.SUBMITTED, State.RECTIFYING, State.CLOSING, State.CLOSED]
    steps = path[: path.index(state) + 1] if state != State.DRAFT else []
    if kind == Kind.IMMEDIATE and state in (State.CLOSING, State.CLOSED):
        steps = [State.CLOSING, State.CLOSED][: 1 if state == State.CLOSING else 2]
    close_day: dt.date | None = None
    if State.CLOSED in steps and deadline is not None:
        late = rnd.random() < 0.15
        close_day = min(today, deadline + dt.timedelta(days=rnd.randint(1, 20)) if late
                        else deadline - dt.timedelta(days=rnd.randint(0, 10)))
        close_day = max(close_day, found + dt.timedelta(days=len(steps) + 1))
        close_day = min(close_day, today)
    done_by = close_day or min(today, cursor + dt.timedelta(days=40))
    measures = []
    for i in range(m_count):
        done = None
        if state in (State.CLOSING, State.CLOSED) or (state == State.RECTIFYING and rnd.random() < 0.3):
            done = min(done_by, found + dt.timedelta(days=rnd.randint(1, max(2, (done_by - found).days))))
        measures.append(bulk.new(
            Measure, clerk, created, problem=problem["id"], sort_order=i,
            text=rnd.choice(MEASURES), resp_leader=leaders[unit["id"]],
            resp_unit=unit["id"], resp_person=person["name"], deadline=m_deadlines[i],
            done_date=done, result=rnd.choice(RESULTS) if done else "", origin_unit=unit["uuid"],
        ))

    def step(action: str, actor: Actor, who: str, frm: State, to: State, day: dt.date,
             opinion: str = "", signed: bool = False) -> None:
        at = _at(day, rnd)
        if to != frm:
            extra = {"closed_at": at} if to == State.CLOSED else {}
            bulk.change(Problem, problem, actor, at, f"transition:{action}", state=to.value, **extra)
        sig = ""
        if signed:
            content = canonical({"problem": problem["uuid"], "measures": [m["uuid"] for m in measures],
                                 "at": at.isoformat(), "signer": actor.uuid})
            sig = hashlib.sha256(content.encode()).hexdigest()
        bulk.new(Transition, actor, at, problem=problem["id"], action=action, from_state=frm.value,
                 to_state=to.value, user=user_ids[who], user_name=actor.name, at=at,
                 opinion=opinion, signature=sig, origin_unit=unit["uuid"])

    prev = State.DRAFT
    for target in steps:
        if target == State.SUBMITTED:
            step("submit", clerk, "luru", prev, target, later(0, 3))
        elif target == State.RECTIFYING:
            step("approve", reviewer, "shenhe", prev, target, later(1, 4), "同意，抓紧整改")
            if rnd.random() < 0.5:
                for _ in range(rnd.randint(1, 2)):
                    day = later(3, 25)
                    bulk.new(ProgressNote, clerk, _at(day, rnd), problem=problem["id"], date=day,
                             text=rnd.choice(PROGRESS), author=user_ids["luru"],
                             origin_unit=unit["uuid"])
        elif target == State.CLOSING:
            day = close_day - dt.timedelta(days=2) if close_day else later(2, 30)
            day = max(day, cursor)
            cursor = day
            step("request_close", clerk, "luru", prev, target, day)
            step("verify", reviewer, "shenhe", target, target, later(0, 1), "经核查，整改到位")
        elif target == State.CLOSED:
            step("sign_close", leader, "lingdao", prev, target, max(cursor, close_day or cursor),
                 "同意销号", signed=True)
        prev = target
    if kind == Kind.ONGOING and state == State.RECTIFYING and rnd.random() < 0.6:
        day = today - dt.timedelta(days=rnd.randint(0, 20))
        if day >= cursor:
            bulk.new(ProgressNote, clerk, _at(day, rnd), problem=problem["id"], date=day,
                     text=rnd.choice(PROGRESS), author=user_ids["luru"], origin_unit=unit["uuid"])
    return state.value

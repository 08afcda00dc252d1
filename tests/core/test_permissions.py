"""Every service that changes data checks the caller's role in the core (DESIGN §3), whoever
calls it: the window, the command line or a script.

The matrix below names each such service action with the accounts allowed to take it. Each
action runs once per account of the test office (clerk, reviewer, leader, admin, solo — who
holds every role — and a deactivated account that held every role): an allowed call must
succeed and change something; a refused one must raise ``PermissionDenied`` and leave every
table and the audit log as they were. Allowed calls run in a transaction that is rolled back,
so each account meets the same starting state.

``test_every_service_is_in_the_matrix`` reads every module of ``desktop.core``: a new public
function taking a ``session`` first must be added to the matrix or to ``NOT_IN_MATRIX`` with
a reason, so a service written without a check is noticed.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import desktop.core
from desktop.core import (
    auth,
    calendar,
    catalog,
    consolidate,
    exchange_records,
    handmade_import,
    images,
    import_log,
    light_style,
    org,
    paste_import,
    problems,
    sheet_codes,
    sheet_data,
    urging,
    workflow,
)
from desktop.core.errors import PermissionDenied
from desktop.core.handmade_import import GridRow, SheetGrid
from desktop.core.models import (
    CatalogNode,
    HolidayOverride,
    ImportBatch,
    Kind,
    Measure,
    Milestone,
    Person,
    Phase,
    Role,
    Unit,
    User,
    database,
)
from desktop.core.outline import OutlineNode
from desktop.core.problems import MeasureInput, ProblemInput
from desktop.core.session import Session
from tests.conftest import PASSWORD, TODAY, Office, build_office
from tests.core.ledger_offices import new_database
from tests.core.test_holiday_notice import NOTICE_2027
from tests.core.test_images import png_bytes

C, R, L, A = Role.CLERK, Role.REVIEWER, Role.LEADER, Role.ADMIN
ACCOUNTS = ("clerk", "reviewer", "leader", "admin", "solo", "inactive")
EVERYONE = frozenset(ACCOUNTS) - {"inactive"}
SYSTEM = Session.system()
ACCOUNT_ROLES = {"clerk": {C}, "reviewer": {R}, "leader": {L}, "admin": {A},
                 "solo": {C, R, L, A}, "inactive": set()}


def holders(*roles: Role) -> frozenset[str]:
    """The accounts holding any of ``roles`` (a deactivated account holds none)."""
    return frozenset(a for a, held in ACCOUNT_ROLES.items() if held & set(roles))


Act = Callable[[Session], object]


@dataclass(frozen=True)
class Action:
    name: str  # "module.function" (a workflow step adds ":step")
    allowed: frozenset[str]
    prepare: Callable[[Office, Path], tuple[Office, Act]]
    writes: bool = True  # an allowed call changes a table or the audit log


# -- building the starting state (as the system, which holds every role) ----------------------


def draft(office: Office, text: str = "会议多、文件多", days: int = 20,
          kind: str = Kind.DEADLINE.value) -> int:
    deadline = TODAY + dt.timedelta(days=days)
    data = ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description=text, kind=kind,
        deadline=None if kind == Kind.IMMEDIATE.value else deadline,  # 立行立改: the default
        found_date=TODAY - dt.timedelta(days=30),
        measures=[MeasureInput(text=f"{text}：精简会议文件", resp_unit_id=office.unit.id,
                               deadline=deadline)],
    )
    return problems.create_problem(SYSTEM, data).id


def advance(problem_id: int, *steps: str) -> int:
    for step in steps:
        if step == "done":
            for measure in problems.live_measures(problem_id):
                problems.record_measure_done(SYSTEM, measure.id, TODAY, "已完成")
        else:
            workflow.apply(SYSTEM, problem_id, step, opinion="意见")
    return problem_id


STATE_STEPS = {
    "draft": (),
    "submitted": ("submit",),
    "rectifying": ("submit", "approve"),
    "closing": ("submit", "approve", "done", "request_close"),
    "verified": ("submit", "approve", "done", "request_close", "verify"),
    "closed": ("submit", "approve", "done", "request_close", "verify", "sign_close"),
}


def problem_in(office: Office, state: str, kind: str = Kind.DEADLINE.value) -> int:
    return advance(draft(office, f"{state}状态的问题", kind=kind), *STATE_STEPS[state])


def simple(call: Callable[[Office], Act]) -> Callable[[Office, Path], tuple[Office, Act]]:
    return lambda office, _tmp: (office, call(office))


def png(tmp: Path) -> Path:
    path = tmp / "签名.png"
    path.write_bytes(png_bytes())
    return path


def problem_input(office: Office, text: str = "新的问题") -> ProblemInput:
    return ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id, description=text,
                        deadline=TODAY + dt.timedelta(days=10),
                        measures=[MeasureInput(text="整改措施", deadline=TODAY)])


def outline() -> list[OutlineNode]:
    return [OutlineNode("一、", "文风会风方面", "", [OutlineNode("（一）", "文山会海", "")])]


def add_node(office: Office) -> int:
    return catalog.add_node(SYSTEM, office.campaign.id, None, "一、", "文风会风方面").id


def own_user(session: Session) -> int:
    return session.user.id


# -- the actions, one by one -----------------------------------------------------------------


def _consolidate(office: Office, tmp: Path) -> tuple[Office, Act]:
    """A sub-unit's ledger, made in its own database and imported into a fresh one."""
    pid = problem_in(office, "rectifying")
    payload = exchange_records.build_payload(office.campaign.id, [pid], office.unit.id)
    new_database(tmp, "consolidating")
    target = build_office()
    source = consolidate.ImportSource("下级台账.xlsx", exchange_records.payload_checksum(payload))
    plan = consolidate.plan_import(json.loads(json.dumps(payload)), source)
    return target, lambda s: consolidate.apply_import(s, plan)


def _handmade_grid(office: Office) -> SheetGrid:
    rows = [
        GridRow(1, ["序号", "问题表现", "整改措施", "责任单位", "整改时限"]),
        GridRow(2, [1, "调研走过场", "建立调研台账", office.unit.name, "2026年12月31日"]),
    ]
    return SheetGrid("台账", rows)


def _handmade(office: Office) -> Act:
    preview = handmade_import.preview_handmade(_handmade_grid(office), office.campaign.id,
                                               office.unit.id)
    assert preview.result.good and not preview.result.errors
    return lambda s: handmade_import.import_handmade(s, preview)


def _save_mapping(office: Office) -> Act:
    labels = ["序号", "问题表现", "整改措施", "责任单位", "整改时限"]
    key = handmade_import.layout_key(labels)
    mapping = [None, "description", "measure", "resp_unit", "deadline"]
    return lambda s: handmade_import.save_mapping(s, key, mapping)


def _paste(office: Office) -> Act:
    rows = paste_import.parse_clipboard("问题表现\t整改措施\t整改时限\n会议多\t精简会议\t2026-12-31\n")
    has_header, mapping = paste_import.guess_mapping(rows, office.campaign.id)
    preview = paste_import.preview(rows, mapping, has_header, office.campaign.id, office.unit.id)
    return lambda s: paste_import.create_drafts(s, preview)


def _handmade_batch(office: Office) -> Act:
    pid = draft(office)
    return lambda s: import_log.record_handmade_batch(
        s, "自制台账.xlsx", "0" * 64, office.campaign.id, office.unit.id, [pid])


def _verify_batch(office: Office) -> Act:
    pid = draft(office)
    batch = import_log.record_handmade_batch(SYSTEM, "自制台账.xlsx", "0" * 64,
                                             office.campaign.id, office.unit.id, [pid])
    return lambda s: import_log.mark_batch_verified(s, batch.id)


def _urge_sheet(office: Office) -> Act:
    draft(office, "逾期问题", days=-3)
    [sheet] = sheet_data.build_for("urge", office.campaign.id)
    code = sheet_codes.issue(SYSTEM, sheet)
    return lambda s: urging.record_sheet_urges(s, sheet, code)


def _urges(office: Office) -> Act:
    pid = draft(office, "逾期问题", days=-3)
    return lambda s: urging.record_urges(s, "ABCDEFGHJK", office.unit.id, [pid], TODAY)


def _issue(office: Office) -> Act:
    draft(office)
    [sheet] = sheet_data.build_for("problems", office.campaign.id)
    return lambda s: sheet_codes.issue(s, sheet)


def _other_user(office: Office) -> User:
    return auth.create_user(SYSTEM, "other", "另一位", PASSWORD, {C}, unit=office.unit)


def _signature_of_other(office: Office, tmp: Path) -> tuple[Office, Act]:
    other = _other_user(office)
    return office, lambda s: images.set_user_signature(s, other.id, png(tmp))


def _remove_signature(office: Office, tmp: Path) -> tuple[Office, Act]:
    for user in User.select():
        images.set_user_signature(SYSTEM, user.id, png(tmp))
    return office, lambda s: images.remove_user_signature(s, own_user(s))


def _remove_seal(office: Office, tmp: Path) -> tuple[Office, Act]:
    images.set_unit_seal(SYSTEM, office.unit.id, png(tmp))
    return office, lambda s: images.remove_unit_seal(s, office.unit.id)


def _record_done(office: Office) -> Act:
    pid = problem_in(office, "rectifying")
    measure = problems.live_measures(pid)[0]
    return lambda s: problems.record_measure_done(s, measure.id, TODAY, "已完成")


def _update_problem(office: Office) -> Act:
    pid = draft(office)
    return lambda s: problems.update_problem(s, pid, problem_input(office, "改过的问题"))


def _unit(office: Office) -> int:
    return org.create_unit(SYSTEM, "县养老服务股", office.unit.id).id


def _person(office: Office) -> int:
    return org.create_person(SYSTEM, "张三", office.unit.id).id


def _phase(office: Office) -> int:
    return org.add_phase(SYSTEM, office.campaign.id, "自查整改", dt.date(2026, 5, 1),
                         dt.date(2026, 9, 30)).id


def _milestone(office: Office) -> int:
    return org.add_milestone(SYSTEM, office.campaign.id, "问题清单报送", dt.date(2026, 5, 12)).id


SIGNERS = {"sign_close", "close_at_once"}
STEP_STATES = {  # workflow step → (state the problem must be in, kind, allowed accounts)
    "submit": ("draft", Kind.DEADLINE, holders(C)),
    "approve": ("submitted", Kind.DEADLINE, holders(R)),
    "return:submitted": ("submitted", Kind.DEADLINE, holders(R)),
    "request_close": ("rectifying", Kind.DEADLINE, holders(C)),
    "request_close:draft": ("draft", Kind.IMMEDIATE, holders(C)),  # 立行立改 in one step
    "verify": ("closing", Kind.DEADLINE, holders(R)),
    "return:closing": ("closing", Kind.DEADLINE, holders(R, L)),
    "sign_close": ("verified", Kind.DEADLINE, holders(L)),
    "close_at_once": ("draft", Kind.IMMEDIATE, frozenset({"solo"})),  # reviewer AND leader
    "reopen": ("closed", Kind.DEADLINE, holders(R, L)),
}


def _step(step: str, many: bool) -> Callable[[Office, Path], tuple[Office, Act]]:
    action = step.split(":")[0]
    state, kind, _allowed = STEP_STATES[step]

    def prepare(office: Office, _tmp: Path) -> tuple[Office, Act]:
        ids = [problem_in(office, state, kind.value) for _n in range(2 if many else 1)]
        if state == "rectifying" or kind == Kind.IMMEDIATE:  # closing needs measures done
            for pid in ids:
                advance(pid, "done")
        password = PASSWORD if action in SIGNERS else None
        if many:
            return office, lambda s: workflow.apply_many(s, ids, action, "意见", password)
        return office, lambda s: workflow.apply(s, ids[0], action, "意见", password)

    return prepare


ADMIN = holders(A)
ACTIONS: tuple[Action, ...] = (
    # accounts
    Action("auth.create_user", ADMIN, simple(lambda o: lambda s: auth.create_user(
        s, "newcomer", "新同事", PASSWORD, {C}, unit=o.unit))),
    Action("auth.update_user", ADMIN, simple(lambda o: lambda s: auth.update_user(
        s, o.users["clerk"].id, "改名的录入员", {C}, o.unit.id, True))),
    Action("auth.set_password", ADMIN, simple(lambda o: lambda s: auth.set_password(
        s, o.users["clerk"].id, "reset-pw-1"))),
    Action("auth.change_password", EVERYONE, simple(lambda o: lambda s: auth.change_password(
        s, PASSWORD, "my-own-new-pw"))),
    Action("auth.unlock", EVERYONE, simple(lambda o: lambda s: auth.unlock(s, PASSWORD)),
           writes=False),
    Action("auth.reauthenticate", EVERYONE,
           simple(lambda o: lambda s: auth.reauthenticate(s, PASSWORD)), writes=False),
    # calendar
    Action("calendar.set_override", ADMIN, simple(lambda o: lambda s: calendar.set_override(
        s, dt.date(2026, 12, 26), True, "调休上班"))),
    Action("calendar.remove_override", ADMIN, simple(lambda o: (
        calendar.set_override(SYSTEM, dt.date(2026, 12, 26), True, "调休上班"),
        lambda s: calendar.remove_override(s, dt.date(2026, 12, 26)))[1])),
    Action("calendar.import_notice", ADMIN,
           simple(lambda o: lambda s: calendar.import_notice(s, NOTICE_2027))),
    # catalog
    Action("catalog.add_node", ADMIN, simple(lambda o: lambda s: catalog.add_node(
        s, o.campaign.id, None, "一、", "文风会风方面"))),
    Action("catalog.update_node", ADMIN, simple(lambda o: (
        lambda nid: lambda s: catalog.update_node(s, nid, "一、", "改过的标题"))(add_node(o)))),
    Action("catalog.move_node", ADMIN, simple(lambda o: (
        lambda nid, _second: lambda s: catalog.move_node(s, nid, None, 1))(
            add_node(o), add_node(o)))),
    Action("catalog.delete_node", ADMIN, simple(lambda o: (
        lambda nid: lambda s: catalog.delete_node(s, nid))(add_node(o)))),
    Action("catalog.replace_catalog", ADMIN, simple(lambda o: lambda s: catalog.replace_catalog(
        s, o.campaign.id, outline()))),
    # imports
    Action("consolidate.apply_import", holders(C, A), _consolidate),
    Action("handmade_import.save_mapping", holders(C), simple(_save_mapping)),
    Action("handmade_import.import_handmade", holders(C), simple(_handmade)),
    Action("paste_import.create_drafts", holders(C), simple(_paste)),
    Action("import_log.record_handmade_batch", holders(C, A), simple(_handmade_batch)),
    Action("import_log.mark_batch_verified", holders(R, A), simple(_verify_batch)),
    # signature and seal images
    Action("images.set_user_signature", EVERYONE, lambda o, tmp: (
        o, lambda s: images.set_user_signature(s, own_user(s), png(tmp)))),
    Action("images.set_user_signature:another's", ADMIN, _signature_of_other),
    Action("images.remove_user_signature", EVERYONE, _remove_signature),
    Action("images.set_unit_seal", ADMIN, lambda o, tmp: (
        o, lambda s: images.set_unit_seal(s, o.unit.id, png(tmp)))),
    Action("images.remove_unit_seal", ADMIN, _remove_seal),
    # settings kept in the database
    Action("light_style.set_light_colours", ADMIN, simple(
        lambda o: lambda s: light_style.set_light_colours(s, light_style.BLUE_SCHEME))),
    # units, people, campaigns
    Action("org.create_unit", ADMIN, simple(
        lambda o: lambda s: org.create_unit(s, "县养老服务股", o.unit.id))),
    Action("org.update_unit", ADMIN, simple(lambda o: (
        lambda uid: lambda s: org.update_unit(s, uid, name="县养老服务科"))(_unit(o)))),
    Action("org.delete_unit", ADMIN, simple(lambda o: (
        lambda uid: lambda s: org.delete_unit(s, uid))(_unit(o)))),
    Action("org.move_unit", ADMIN, simple(lambda o: (
        lambda uid, _second: lambda s: org.move_unit(s, uid, 1))(_unit(o), _unit(o)))),
    Action("org.create_person", ADMIN, simple(
        lambda o: lambda s: org.create_person(s, "李四", o.unit.id))),
    Action("org.update_person", ADMIN, simple(lambda o: (
        lambda pid: lambda s: org.update_person(s, pid, title="科长"))(_person(o)))),
    Action("org.delete_person", ADMIN, simple(lambda o: (
        lambda pid: lambda s: org.delete_person(s, pid))(_person(o)))),
    Action("org.create_campaign", ADMIN, simple(lambda o: lambda s: org.create_campaign(
        s, "第二个专项整治", dt.date(2026, 6, 1), dt.date(2026, 12, 31)))),
    Action("org.update_campaign", ADMIN, simple(lambda o: lambda s: org.update_campaign(
        s, o.campaign.id, issuer="县委办"))),
    Action("org.add_phase", ADMIN, simple(lambda o: lambda s: org.add_phase(
        s, o.campaign.id, "巩固提升", dt.date(2026, 10, 1), dt.date(2026, 12, 31)))),
    Action("org.update_phase", ADMIN, simple(lambda o: (
        lambda pid: lambda s: org.update_phase(s, pid, name="整治查纠"))(_phase(o)))),
    Action("org.delete_phase", ADMIN, simple(lambda o: (
        lambda pid: lambda s: org.delete_phase(s, pid))(_phase(o)))),
    Action("org.add_milestone", ADMIN, simple(lambda o: lambda s: org.add_milestone(
        s, o.campaign.id, "工作总结报送", dt.date(2026, 11, 8)))),
    Action("org.update_milestone", ADMIN, simple(lambda o: (
        lambda mid: lambda s: org.update_milestone(s, mid, name="台账报送"))(_milestone(o)))),
    Action("org.delete_milestone", ADMIN, simple(lambda o: (
        lambda mid: lambda s: org.delete_milestone(s, mid))(_milestone(o)))),
    Action("org.import_catalog", ADMIN, simple(lambda o: lambda s: org.import_catalog(
        s, o.campaign.id, outline()))),
    # problems
    Action("problems.create_problem", holders(C), simple(
        lambda o: lambda s: problems.create_problem(s, problem_input(o)))),
    Action("problems.update_problem", holders(C), simple(_update_problem)),
    Action("problems.delete_problem", holders(C), simple(lambda o: (
        lambda pid: lambda s: problems.delete_problem(s, pid))(draft(o)))),
    Action("problems.delete_problems", holders(C), simple(lambda o: (
        lambda ids: lambda s: problems.delete_problems(s, ids))([draft(o), draft(o, "另一个")]))),
    Action("problems.record_measure_done", holders(C), simple(_record_done)),
    Action("problems.add_progress", holders(C), lambda o, tmp: (
        lambda pid: (o, lambda s: problems.add_progress(s, pid, "已召开整改会议", TODAY,
                                                        files=[png(tmp)])))(
            problem_in(o, "rectifying"))),
    Action("problems.add_referral", holders(R, L), simple(lambda o: (
        lambda pid: lambda s: problems.add_referral(s, pid, "县纪委监委", "移交线索"))(
            problem_in(o, "rectifying")))),
    Action("problems.add_institution", holders(C, R, L), simple(lambda o: (
        lambda pid: lambda s: problems.add_institution(s, o.campaign.id, "会议管理办法",
                                                       [pid]))(problem_in(o, "closed")))),
    # printed sheets and urging
    Action("sheet_codes.issue", holders(C, R, L, A), simple(_issue)),
    Action("urging.record_urges", holders(C, R, L), simple(_urges)),
    Action("urging.record_sheet_urges", holders(C, R, L), simple(_urge_sheet)),
    # the workflow, one problem and a batch of two
    *(Action(f"workflow.apply:{step}", allowed, _step(step, many=False))
      for step, (_state, _kind, allowed) in STEP_STATES.items()),
    *(Action(f"workflow.apply_many:{step}", allowed, _step(step, many=True))
      for step, (_state, _kind, allowed) in STEP_STATES.items()),
)

# Public functions taking a session first that are not service actions of their own.
NOT_IN_MATRIX = {
    "records.create": "the audited write every service uses, inside its own check",
    "records.update": "the audited write every service uses, inside its own check",
    "records.tombstone": "the audited write every service uses, inside its own check",
    "import_log.log_event": "appends the import's audit event inside apply_import and "
                            "record_handmade_batch, after their checks",
    "workflow.check_permission": "the check itself",
    "workflow.available_actions": "reads: which buttons to show",
    "review.queues_for": "reads the sign-off queues",
    "review.queue_ids": "reads the sign-off queues",
    "review.review_queue": "reads the sign-off queues",
    "review.queue_counts": "reads the sign-off queues",
    "stats.my_work": "reads the dashboard's list",
}


def session_functions() -> set[str]:
    """module.function for every public function of desktop.core taking ``session`` first."""
    found = set()
    for path in Path(desktop.core.__file__).parent.glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
                    and node.args.args and node.args.args[0].arg == "session"):
                found.add(f"{path.stem}.{node.name}")
    return found


def test_every_service_is_in_the_matrix():
    in_matrix = {a.name.split(":")[0] for a in ACTIONS}
    missing = session_functions() - in_matrix - set(NOT_IN_MATRIX)
    assert not missing, f"add these to the permission matrix: {sorted(missing)}"
    stale = (in_matrix | set(NOT_IN_MATRIX)) - session_functions()
    assert not stale, f"no longer services: {sorted(stale)}"
    for name in in_matrix:  # each name in the matrix is a real function
        module, function = name.split(".")
        assert callable(getattr(importlib.import_module(f"desktop.core.{module}"), function))


def test_the_matrix_covers_every_account_and_every_workflow_rule():
    steps = {a.name.split(":", 1)[1] for a in ACTIONS if a.name.startswith("workflow.apply:")}
    assert {s.split(":")[0] for s in steps} == set(workflow.ACTIONS)
    assert len(steps) == len(workflow.RULES)  # one per rule (an action from each state)
    assert len(ACTIONS) * len(ACCOUNTS) >= 400


# -- running the matrix ----------------------------------------------------------------------


def fingerprint() -> dict[str, object]:
    """Row counts of every table, the audit head and the small key/value tables."""
    db = database.obj
    tables = [t for t in db.get_tables() if not t.startswith("sqlite_")]
    counts: dict[str, object] = {t: db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                                 for t in tables}
    counts["meta"] = sorted(db.execute_sql("SELECT key, value FROM meta").fetchall())
    counts["versions"] = [db.execute_sql(f'SELECT sum(version) FROM "{m._meta.table_name}"')
                          .fetchone()[0] for m in (User, Unit, Person, CatalogNode, Phase,
                                                   Milestone, Measure, HolidayOverride)]
    counts["batches"] = ImportBatch.select().where(ImportBatch.verified).count()
    return counts


def session_of(office: Office, account: str) -> Session:
    user = office.users[account]
    return Session(user=User.get_by_id(user.id))  # a fresh copy: earlier cells rolled back


def add_inactive(office: Office) -> Office:
    """An account that held every role, then was deactivated."""
    former = auth.create_user(SYSTEM, "former", "已停用的账号", PASSWORD, {C, R, L, A},
                              unit=office.unit)
    auth.update_user(SYSTEM, former.id, former.display_name, {C, R, L, A}, office.unit.id,
                     active=False)
    office.users["inactive"] = former
    return office


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
def test_permission_matrix(action: Action, office, tmp_path):
    office, act = action.prepare(add_inactive(office), tmp_path)
    if "inactive" not in office.users:  # the action made its own database
        add_inactive(office)
    wrong: list[str] = []
    for account in ACCOUNTS:
        session = session_of(office, account)
        before = fingerprint()
        with database.atomic() as transaction:
            try:
                act(session)
            except PermissionDenied as refused:
                outcome = "refused"
                message = refused.message("zh_CN")
            else:
                outcome, message = "allowed", ""
            after = fingerprint()
            transaction.rollback()
        if account in action.allowed:
            if outcome != "allowed":
                wrong.append(f"{account}: refused ({message})")
            elif action.writes and after == before:
                wrong.append(f"{account}: allowed but nothing was written")
        else:
            if outcome != "refused":
                wrong.append(f"{account}: allowed, should be refused")
            elif after != before:
                changed = {k for k in before if before[k] != after[k]}
                wrong.append(f"{account}: refused but wrote to {sorted(changed)}")
            elif account == "inactive" and "停用" not in message and "deactivated" not in message:
                wrong.append(f"{account}: refused without saying the account is deactivated")
        assert fingerprint() == before
    assert not wrong, f"{action.name}: " + "; ".join(wrong)


def test_a_session_signed_in_before_its_account_was_deactivated_is_refused(office):
    session = office.session("clerk")
    problems.create_problem(session, problem_input(office))  # works while active
    clerk = office.users["clerk"]
    auth.update_user(office.session("admin"), clerk.id, clerk.display_name, {C},
                     office.unit.id, active=False)
    with pytest.raises(PermissionDenied) as refused:
        problems.create_problem(session, problem_input(office))
    assert "停用" in refused.value.message("zh_CN") or "deactivated" in refused.value.message("en")
    assert not session.has_role(C)


def test_a_removed_role_takes_effect_in_a_signed_in_session(office):
    session = office.session("solo")
    solo = office.users["solo"]
    auth.update_user(office.session("admin"), solo.id, solo.display_name, {C, R, L},
                     office.unit.id, active=True)
    with pytest.raises(PermissionDenied):
        org.create_unit(session, "新科室")
    problems.create_problem(session, problem_input(office))


def test_the_permission_check_reads_the_account_once_per_interval(office, monkeypatch):
    """A batch of checks does not read the account each time (nothing changed meanwhile)."""
    session = office.session("clerk")
    session.require(C)
    reads = []
    original = User.get_or_none
    monkeypatch.setattr(User, "get_or_none", lambda *a, **k: reads.append(1) or original(*a, **k))
    for _n in range(1000):
        session.require(C)
    assert len(reads) == 0

"""Consolidation (汇总): a dry run per file, then all of it or nothing; re-importing changes
nothing; edits, conflicts and deletions flow from the sub-units' ledgers to the higher office.

Several databases take part in one test; only one is open at a time (see ledger_offices).
"""

from __future__ import annotations

import copy
import json

import pytest

from desktop.core import audit, auth, clock, consolidate, exchange_records
from desktop.core.consolidate import Category, ImportSource, apply_import, plan_import
from desktop.core.errors import ConcurrentEdit, PermissionDenied, ValidationError
from desktop.core.models import (
    AuditEvent,
    Campaign,
    ImportBatch,
    Measure,
    Problem,
    Role,
    Unit,
    User,
)
from desktop.core.org import create_unit
from desktop.core.problem_query import ProblemFilter, matching_ids
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    create_problem,
    delete_problem,
    live_measures,
    update_problem,
)
from desktop.core.session import Session
from tests.conftest import PASSWORD
from tests.core.ledger_offices import (
    build_named_office,
    draft,
    export,
    fill,
    new_database,
    office_with_data,
    switch_to,
)


def source(payload, name="县民政局台账.xlsx"):
    return ImportSource(name, exchange_records.payload_checksum(payload))


def as_file(payload):
    """What the workbook reader hands back: the payload through JSON."""
    return json.loads(json.dumps(payload, ensure_ascii=False))


def import_all(payload, session=None, decisions=None):
    plan = plan_import(as_file(payload), source(payload))
    return plan, apply_import(session or Session.system(), plan, decisions)


def item_of(plan, uuid):
    return next(i for i in plan.items if i.uuid == uuid)


def edit_draft(session, uuid, description):
    """Change a draft's description, keeping its measures."""
    problem = Problem.get(Problem.uuid == uuid)
    measures = [MeasureInput(m.text, m.resp_leader, m.resp_unit_id, m.resp_person, m.deadline,
                             id=m.id) for m in live_measures(problem.id)]
    data = ProblemInput(campaign_id=problem.campaign_id, unit_id=problem.unit_id,
                        description=description, scope=problem.scope,
                        person_id=problem.person_id, catalog_id=problem.catalog_id,
                        source=problem.source, found_date=problem.found_date,
                        root_cause=problem.root_cause, measures=measures)
    update_problem(session, problem.id, data)


def local_clerk():
    """An account of the importing office (a database built from imports has none)."""
    user = auth.create_user(Session.system(), "本级录入员", "本级录入员", PASSWORD, {Role.CLERK})
    return Session(user=user)


@pytest.fixture
def two(database, tmp_path):
    """Office A with data, and an empty database B; B is open."""
    filled, payload = office_with_data(tmp_path, "a")
    filled.uuids = {k: Problem.get_by_id(v).uuid for k, v in filled.problems.items()}
    paths = {"a": tmp_path / "a" / "office.db", "b": new_database(tmp_path, "b")}
    return filled, payload, paths


def test_round_trip_into_an_empty_database_gives_the_same_records(two):
    filled, payload, _ = two
    plan = plan_import(as_file(payload), source(payload))
    assert plan.totals["new"] == sum(len(v) for v in payload["records"].values())
    assert plan.counts["problem"]["new"] == 4 and plan.counts["transition"]["new"] == 7
    assert plan.exporting_unit_name == "县民政局" and plan.already_imported is None
    assert AuditEvent.select().count() == 0  # a dry run writes nothing
    result = apply_import(Session.system(), plan)
    assert result.changed and result.totals == plan.totals
    again = export(payload["campaign"], payload["exporting_unit"]["uuid"])
    assert again["records"] == payload["records"]
    # the deleted draft was never here: its tombstone has nothing to mark
    assert again["tombstones"] == []
    assert audit.verify().ok
    batch = ImportBatch.get()
    assert (batch.file_name, batch.kind, batch.verified) == ("县民政局台账.xlsx", "ledger", True)
    assert batch.exporting_unit.name == "县民政局" and batch.campaign_id == result.campaign_id
    assert json.loads(batch.counts)["total"]["new"] == plan.totals["new"]
    event = AuditEvent.get(AuditEvent.action == "import")
    after = json.loads(event.after)
    assert after["checksum"] == source(payload).checksum
    assert after["file_name"] == "县民政局台账.xlsx" and after["counts"]["new"] == 29
    assert after["exporting_unit"]["name"] == "县民政局"


def test_imported_signers_are_names_that_can_never_sign_in(two):
    _, payload, _ = two
    import_all(payload)
    leader = User.get(User.username == "leader")
    assert (leader.active, leader.password_hash, leader.roles) == (False, "", "")
    assert leader.display_name == "leader-用户"
    with pytest.raises(PermissionDenied):
        auth.authenticate("leader", PASSWORD)
    with pytest.raises(PermissionDenied):
        auth.authenticate("leader", "")


def test_reimporting_the_same_file_changes_nothing(two):
    _, payload, _ = two
    first, _ = import_all(payload)
    events, batches = AuditEvent.select().count(), ImportBatch.select().count()
    clock.freeze(clock.now().replace(hour=15))
    plan = plan_import(as_file(payload), source(payload))
    assert plan.totals["unchanged"] == first.totals["new"]
    assert not plan.has_changes
    assert str(plan.already_imported) == "2026-11-02 09:30:00"
    result = apply_import(Session.system(), plan)
    assert not result.changed and result.campaign_id == Campaign.get().id
    assert AuditEvent.select().count() == events
    assert ImportBatch.select().count() == batches


def test_an_edit_in_the_sub_unit_arrives_as_an_update(two):
    filled, payload, paths = two
    import_all(payload)
    uuid = filled.uuids["draft"]
    switch_to(paths["a"])
    edit_draft(filled.office.session("clerk"), uuid, "会议多、文件多、检查多")
    second = export(payload["campaign"], payload["exporting_unit"]["uuid"])
    switch_to(paths["b"])
    plan = plan_import(as_file(second), source(second, "第二次.xlsx"))
    assert plan.totals["updated"] == 1 and plan.counts["problem"]["updated"] == 1
    item = item_of(plan, uuid)
    assert [(d.field, d.local, d.incoming) for d in item.diffs] == [
        ("description", "会议多、文件多", "会议多、文件多、检查多")]
    apply_import(Session.system(), plan)
    assert Problem.get(Problem.uuid == uuid).description == "会议多、文件多、检查多"
    assert not plan_import(as_file(second), source(second)).has_changes
    assert audit.verify().ok


@pytest.mark.parametrize("decision", ["incoming", "local"])
def test_changes_on_both_sides_are_a_conflict_decided_per_record(two, decision):
    filled, payload, paths = two
    import_all(payload)
    uuid = filled.uuids["draft"]
    edit_draft(local_clerk(), uuid, "本级改过的表述")
    switch_to(paths["a"])
    edit_draft(filled.office.session("clerk"), uuid, "下级改过的表述")
    second = export(payload["campaign"], payload["exporting_unit"]["uuid"])
    switch_to(paths["b"])
    plan = plan_import(as_file(second), source(second))
    [conflict] = plan.conflicts
    assert conflict.uuid == uuid and conflict.label == "下级改过的表述"
    assert [(d.field, d.local, d.incoming) for d in conflict.diffs] == [
        ("description", "本级改过的表述", "下级改过的表述")]
    events = AuditEvent.select().count()
    with pytest.raises(ValidationError) as caught:
        apply_import(Session.system(), plan)
    assert "1 conflicting record(s) have no decision" in caught.value.message("en")
    assert AuditEvent.select().count() == events  # nothing written
    apply_import(Session.system(), plan, {uuid: decision})
    expected = "下级改过的表述" if decision == "incoming" else "本级改过的表述"
    assert Problem.get(Problem.uuid == uuid).description == expected
    # decided once: the same file raises no conflict again
    again = plan_import(as_file(second), source(second))
    assert not again.conflicts and not again.has_changes


@pytest.mark.parametrize("edited_here", [False, True])
def test_a_record_never_imported_before_is_updated_unless_newer_here(two, edited_here):
    """B's own problem (made by a user of a unit B got from A) travels to A, A edits it and
    sends it back: B has no import history for it, so versions decide."""
    filled, payload, paths = two
    import_all(payload)
    section = Unit.get(Unit.name == "办公室")
    user = auth.create_user(Session.system(), "办公室录入员", "办公室录入员", PASSWORD,
                            {Role.CLERK}, unit=section)
    uuid = draft_in(Session(user=user), Campaign.get(), section, "下级发现的问题")
    from_b = export(payload["campaign"], section.uuid)
    switch_to(paths["a"])
    import_all(from_b, filled.office.session("clerk"))
    edit_draft(filled.office.session("clerk"), uuid, "上级改过")
    back = export(payload["campaign"], payload["exporting_unit"]["uuid"])
    switch_to(paths["b"])
    if edited_here:  # meanwhile: B's version is then no older than the one A sends back
        edit_draft(Session(user=user), uuid, "本级又改了")
    item = item_of(plan_import(as_file(back), source(back)), uuid)
    assert item.category == (Category.CONFLICT if edited_here else Category.UPDATED)


def test_cancelling_from_the_progress_callback_leaves_nothing(two):
    _, payload, _ = two
    plan = plan_import(as_file(payload), source(payload))
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        apply_import(Session.system(), plan, progress=progress)
    assert seen[0] == (0, 29) and len(seen) > 2
    assert (Problem.select().count(), AuditEvent.select().count()) == (0, 0)
    assert ImportBatch.select().count() == 0
    apply_import(Session.system(), plan)  # and the same plan still applies afterwards
    assert Problem.select().count() == 4


def test_a_deletion_in_the_sub_unit_is_carried_over(two):
    filled, payload, paths = two
    import_all(payload)
    uuid = filled.uuids["draft"]
    switch_to(paths["a"])
    delete_problem(filled.office.session("clerk"), filled.problems["draft"])
    second = export(payload["campaign"], payload["exporting_unit"]["uuid"])
    switch_to(paths["b"])
    plan = plan_import(as_file(second), source(second))
    assert plan.counts["problem"]["deleted"] == 1 and plan.counts["measure"]["deleted"] == 1
    apply_import(Session.system(), plan)
    problem = Problem.get(Problem.uuid == uuid)
    assert problem.deleted_at is not None
    assert Problem.live().where(Problem.campaign == problem.campaign_id).count() == 3
    assert not live_measures(problem.id)
    assert audit.verify().ok


OTHER = "00000000-0000-4000-8000-000000000000"  # a record nobody has


def broken(payload, change):
    payload = copy.deepcopy(payload)
    change(payload)
    return payload


@pytest.mark.parametrize(
    ("change", "english"),
    [
        (lambda p: p["records"]["measure"][0].update(problem=OTHER),
         f"refers to a problem ({OTHER}) that is neither"),
        (lambda p: p["records"]["transition"][0].update(user=OTHER), "refers to a user account"),
        (lambda p: p.update(version=7), "newer version"),
        (lambda p: p["records"]["problem"][0].pop("state"), "field state"),
    ],
)
def test_a_malformed_file_is_refused_and_leaves_the_database_unchanged(two, change, english):
    _, payload, _ = two
    import_all(payload)
    events, problems = AuditEvent.select().count(), Problem.select().count()
    bad = broken(payload, change)
    with pytest.raises(ValidationError) as caught:
        plan_import(bad, source(bad))
    assert english in caught.value.message("en")
    assert (AuditEvent.select().count(), Problem.select().count()) == (events, problems)


def test_a_stale_dry_run_is_refused(two):
    filled, payload, paths = two
    import_all(payload)
    uuid = filled.uuids["draft"]
    switch_to(paths["a"])
    edit_draft(filled.office.session("clerk"), uuid, "下级改过的表述")
    second = export(payload["campaign"], payload["exporting_unit"]["uuid"])
    switch_to(paths["b"])
    plan = plan_import(as_file(second), source(second))
    edit_draft(local_clerk(), uuid, "本级改过的表述")  # after the dry run
    with pytest.raises(ConcurrentEdit):
        apply_import(Session.system(), plan)
    assert Problem.get(Problem.uuid == uuid).description == "本级改过的表述"


def test_a_file_may_not_overwrite_what_this_office_made(database, tmp_path):
    """The higher office hands a problem down; the sub-unit's file brings it back changed:
    refused, while the rest of the file is imported."""
    higher = build_named_office("县委")
    mine = draft(higher, higher.unit.id, "本级交办的问题")
    uuid = Problem.get_by_id(mine).uuid
    handed = export(higher.campaign.uuid, higher.unit.uuid)
    higher_db = tmp_path / "test.db"
    new_database(tmp_path, "sub")
    import_all(handed)
    sub_unit = create_unit(Session.system(), "乡镇")
    clerk = local_clerk()
    edit_draft(clerk, uuid, "下级改写了本级的问题")
    own = draft_in(clerk, Campaign.get(Campaign.uuid == higher.campaign.uuid), sub_unit,
                   "下级自己的问题")
    back = export(higher.campaign.uuid, sub_unit.uuid)
    switch_to(higher_db)
    plan = plan_import(as_file(back), source(back))
    rejected = item_of(plan, uuid)
    assert rejected.category == Category.REJECTED
    assert "made in this office" in rejected.reason_text("en")
    assert [d.field for d in rejected.diffs] == ["description"]
    assert item_of(plan, own).category == Category.NEW
    apply_import(higher.session("clerk"), plan)
    assert Problem.get(Problem.uuid == uuid).description == "本级交办的问题"
    assert Problem.get(Problem.uuid == own).description == "下级自己的问题"


def draft_in(session, campaign, unit, text):
    data = ProblemInput(campaign_id=campaign.id, unit_id=unit.id, description=text,
                        measures=[MeasureInput("措施")])
    return create_problem(session, data).uuid


def test_two_offices_merge_into_one_consolidated_ledger(database, tmp_path):
    """Two sub-units keep their own databases and their own copy of the campaign (same name
    and 文号, different UUIDs); the higher office, with its own copy, imports both."""
    higher = build_named_office("县委")
    finance = create_unit(Session.system(), "县财政局")  # the higher office's list of units
    higher_db = tmp_path / "test.db"
    new_database(tmp_path, "a")
    a = fill(build_named_office("县民政局"), tmp_path / "a", "办公室")
    from_a = export(a.office.campaign.uuid, a.office.unit.uuid)
    new_database(tmp_path, "b")
    b = fill(build_named_office("县财政局"), tmp_path / "b", "综合股")
    from_b = export(b.office.campaign.uuid, b.office.unit.uuid)
    switch_to(higher_db)
    clerk = higher.session("clerk")
    plan = plan_import(as_file(from_a), source(from_a))
    [matched] = plan.matched_by_name
    assert (matched.entity, matched.local_id) == ("campaign", higher.campaign.id)
    assert matched.category == Category.UNCHANGED
    apply_import(clerk, plan)
    plan = plan_import(as_file(from_b), source(from_b))
    assert [(i.entity, i.local_id) for i in plan.matched_by_name] == [
        ("unit", finance.id), ("campaign", higher.campaign.id)]
    apply_import(clerk, plan)
    per_unit = {}
    for problem in Problem.live().where(Problem.campaign == higher.campaign.id):
        per_unit.setdefault(problem.unit.name, set()).add(problem.description)
    assert per_unit == {
        "县民政局": {"台账不规范"},
        "办公室": {"会议多、文件多", "调研走过场", "学习不深入"},
        "县财政局": {"台账不规范"},
        "综合股": {"会议多、文件多", "调研走过场", "学习不深入"},
    }
    # both sub-units have a "clerk"; the higher office has one too: three accounts
    clerks = sorted(u.username for u in User.select() if u.username.startswith("clerk"))
    assert len(clerks) == 3 and clerks[0] == "clerk"
    assert {u.display_name for u in User.select().where(User.username.startswith("clerk#"))} == {
        "clerk-县民政局", "clerk-县财政局"}
    assert Campaign.select().count() == 1
    assert Unit.select().where(Unit.name == "县财政局").count() == 1
    # the next files from the same offices are matched by UUID, and change nothing
    for payload in (from_a, from_b):
        plan = plan_import(as_file(payload), source(payload))
        assert not plan.has_changes and not plan.matched_by_name
    assert audit.verify().ok
    consolidated = exchange_records.build_payload(
        higher.campaign.id, [p.id for p in Problem.select()], higher.unit.id)
    assert len(consolidated["records"]["problem"]) == 8


def test_only_a_clerk_or_an_administrator_imports(two):
    _, payload, _ = two
    plan = plan_import(as_file(payload), source(payload))
    reviewer = auth.create_user(Session.system(), "审核", "审核", PASSWORD, {Role.REVIEWER})
    with pytest.raises(PermissionDenied):
        apply_import(Session(user=reviewer), plan)
    assert Problem.select().count() == 0


def test_a_handmade_ledger_is_logged_unverified_until_checked(office):
    clerk = office.session("clerk")
    read = [draft(office, office.unit.id, f"手工台账问题{i}") for i in range(2)]
    typed = draft(office, office.unit.id, "手工录入")
    batch = consolidate.record_handmade_batch(clerk, "乡镇台账.xlsx", "ab" * 32,
                                              office.campaign.id, office.unit.id, read)
    assert (batch.kind, batch.verified) == ("handmade", False)
    assert consolidate.is_unverified(read[0]) and not consolidate.is_unverified(typed)
    assert consolidate.unverified_ids(office.campaign.id) == set(read)
    event = AuditEvent.get(AuditEvent.action == "import")
    assert json.loads(event.after)["kind"] == "handmade"
    with pytest.raises(PermissionDenied):
        consolidate.mark_batch_verified(clerk, batch.id)
    consolidate.mark_batch_verified(office.session("reviewer"), batch.id)
    assert consolidate.unverified_ids(office.campaign.id) == set()
    assert [b.file_name for b in consolidate.import_batches(office.campaign.id)] == [
        "乡镇台账.xlsx"]
    assert audit.verify().ok


def test_new_measures_arrive_with_their_problem_searchable(two):
    filled, payload, _ = two
    import_all(payload)
    campaign = Campaign.get()
    found = matching_ids(ProblemFilter(campaign.id, text="调研走过场的整改措施"))
    assert [Problem.get_by_id(i).description for i in found] == ["调研走过场"]
    assert Measure.select().count() == len(payload["records"]["measure"])

"""Settings services: the campaign, its phases and milestones, the unit tree, people and
accounts. Each is admin-only, audited, version-checked, and refuses to orphan live records."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import auth, i18n, org
from desktop.core.errors import ConcurrentEdit, PermissionDenied, ValidationError
from desktop.core.models import AuditEvent, Campaign, Person, Role, Scope, Unit, User
from desktop.core.problems import ProblemInput, create_problem
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the msgids); a few checks ask for Chinese explicitly."""
    i18n.set_language("en")


def events(record, action: str) -> int:
    return (
        AuditEvent.select()
        .where((AuditEvent.entity_uuid == record.uuid) & (AuditEvent.action == action))
        .count()
    )


# -- campaign ------------------------------------------------------------------------------


def test_admin_edits_the_campaign_and_the_change_is_audited(office):
    admin = office.session("admin")
    campaign = org.update_campaign(
        admin, office.campaign.id, expected_version=office.campaign.version,
        doc_number="  民党〔2026〕9号 ", cycle="quarter", report_day=10, yellow_workdays=5,
    )
    stored = Campaign.get_by_id(campaign.id)
    assert stored.doc_number == "民党〔2026〕9号"
    assert (stored.cycle, stored.report_day, stored.yellow_workdays) == ("quarter", 10, 5)
    assert stored.name == office.campaign.name  # untouched fields stay
    assert stored.version == office.campaign.version + 1
    event = AuditEvent.select().where(AuditEvent.entity_uuid == stored.uuid).order_by(
        AuditEvent.id.desc()).first()
    assert event.action == "update" and event.user_name == "admin-用户"
    assert "民党〔2026〕5号" in event.before and "民党〔2026〕9号" in event.after


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"name": "  "}, "needs a name"),
        ({"end_date": dt.date(2026, 4, 1)}, "ends before it starts"),
        ({"cycle": "week", "report_day": 9}, "1 (Monday) and 7 (Sunday)"),
        ({"report_day": 31}, "between 1 and 28"),
        ({"default_workdays": 20}, "default of 20 working days"),
        ({"yellow_workdays": 45}, "between 0 and 30 working days"),
        ({"cycle": "daily"}, "cycle: daily"),
    ],
)
def test_campaign_edits_are_validated_like_new_campaigns(office, fields, needle):
    with pytest.raises(ValidationError) as caught:
        org.update_campaign(office.session("admin"), office.campaign.id, **fields)
    assert needle in caught.value.message("en")
    assert Campaign.get_by_id(office.campaign.id).version == office.campaign.version


def test_a_new_campaign_obeys_the_same_rules(office):
    with pytest.raises(ValidationError, match="yellow-light"):
        org.create_campaign(office.session("admin"), "新专项", yellow_workdays=-1)
    with pytest.raises(ValidationError, match="weekly"):
        org.create_campaign(office.session("admin"), "新专项", cycle="week", report_day=20)


def test_a_clerk_may_not_edit_the_campaign(office):
    with pytest.raises(PermissionDenied) as caught:
        org.update_campaign(office.session("clerk"), office.campaign.id, name="改名")
    assert "管理员" in caught.value.message("zh_CN")


def test_a_stale_campaign_edit_is_refused(office):
    admin = office.session("admin")
    stale = office.campaign.version
    org.update_campaign(admin, office.campaign.id, expected_version=stale, issuer="县委")
    with pytest.raises(ConcurrentEdit, match="Reload"):
        org.update_campaign(admin, office.campaign.id, expected_version=stale, issuer="县政府")
    assert Campaign.get_by_id(office.campaign.id).issuer == "县委"


# -- phases and milestones -----------------------------------------------------------------


def test_phases_are_edited_listed_by_date_and_kept_while_milestones_use_them(office):
    admin, cid = office.session("admin"), office.campaign.id
    late = org.add_phase(admin, cid, "巩固提升", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    early = org.add_phase(admin, cid, "研究部署", dt.date(2026, 5, 1), dt.date(2026, 5, 15))
    undated = org.add_phase(admin, cid, "常态长效", None, None)
    assert [p.name for p in org.campaign_phases(cid)] == ["研究部署", "巩固提升", "常态长效"]

    org.update_phase(admin, early.id, expected_version=early.version, name="动员部署")
    with pytest.raises(ValidationError, match="ends before"):
        org.update_phase(admin, late.id, end_date=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError, match="needs a name"):
        org.update_phase(admin, late.id, name=" ")

    milestone = org.add_milestone(admin, cid, "工作总结报送", dt.date(2026, 11, 8), late.id)
    with pytest.raises(ValidationError) as caught:
        org.delete_phase(admin, late.id)
    assert "工作总结报送" in caught.value.message()
    org.update_milestone(admin, milestone.id, phase_id=undated.id)
    org.delete_phase(admin, late.id)
    assert [p.name for p in org.campaign_phases(cid)] == ["动员部署", "常态长效"]
    assert events(late, "delete") == 1


def test_milestones_are_edited_checked_and_listed_by_date(office):
    admin, cid = office.session("admin"), office.campaign.id
    other = org.create_campaign(admin, "另一专项")
    foreign_phase = org.add_phase(admin, other.id, "阶段", None, None)
    summary = org.add_milestone(admin, cid, "工作总结报送", dt.date(2026, 11, 8))
    org.add_milestone(admin, cid, "问题清单报送", dt.date(2026, 5, 12))
    assert [m.name for m in org.campaign_milestones(cid)] == ["问题清单报送", "工作总结报送"]

    with pytest.raises(ValidationError, match="future"):
        org.update_milestone(admin, summary.id, done_date=dt.date(2026, 11, 3))
    with pytest.raises(ValidationError, match="another campaign"):
        org.update_milestone(admin, summary.id, phase_id=foreign_phase.id)
    with pytest.raises(ValidationError, match="due date"):
        org.update_milestone(admin, summary.id, due_date=None)
    org.update_milestone(
        admin, summary.id, expected_version=summary.version, done_date=dt.date(2026, 11, 2)
    )
    assert org.campaign_milestones(cid)[1].done_date == dt.date(2026, 11, 2)
    with pytest.raises(ConcurrentEdit):
        org.update_milestone(admin, summary.id, expected_version=summary.version - 1, name="x")

    org.delete_milestone(admin, summary.id)
    assert [m.name for m in org.campaign_milestones(cid)] == ["问题清单报送"]
    assert events(summary, "delete") == 1


def test_a_clerk_may_not_change_phases_or_milestones(office):
    admin, clerk, cid = office.session("admin"), office.session("clerk"), office.campaign.id
    phase = org.add_phase(admin, cid, "自查整改", None, None)
    milestone = org.add_milestone(admin, cid, "台账报送", dt.date(2026, 11, 20))
    for call in (
        lambda: org.update_phase(clerk, phase.id, name="x"),
        lambda: org.delete_phase(clerk, phase.id),
        lambda: org.update_milestone(clerk, milestone.id, name="x"),
        lambda: org.delete_milestone(clerk, milestone.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert len(org.campaign_phases(cid)) == 1 and len(org.campaign_milestones(cid)) == 1


# -- units ---------------------------------------------------------------------------------


def test_the_unit_tree_follows_parents_and_the_chosen_order(office):
    admin = office.session("admin")
    party = org.create_unit(admin, "机关党支部", parent_id=office.unit.id)
    office_section = org.create_unit(admin, "办公室", parent_id=office.unit.id)
    org.create_unit(admin, "第一党小组", parent_id=party.id)
    other = org.create_unit(admin, "县财政局")
    tree = [(u.name, depth) for u, depth in org.unit_tree()]
    assert tree == [("县民政局", 0), ("机关党支部", 1), ("第一党小组", 2), ("办公室", 1),
                    ("县财政局", 0)]

    org.move_unit(admin, office_section.id, 0)
    org.move_unit(admin, other.id, 0)
    tree = [(u.name, depth) for u, depth in org.unit_tree()]
    assert tree == [("县财政局", 0), ("县民政局", 0), ("办公室", 1), ("机关党支部", 1),
                    ("第一党小组", 2)]
    assert events(office_section, "update") == 1


def test_a_unit_is_renamed_and_moved_but_never_under_itself(office):
    admin = office.session("admin")
    party = org.create_unit(admin, "机关党支部", parent_id=office.unit.id)
    group = org.create_unit(admin, "第一党小组", parent_id=party.id)
    org.update_unit(admin, party.id, expected_version=party.version, name=" 机关第一党支部 ",
                    short_name="一支部", code="D01")
    stored = Unit.get_by_id(party.id)
    assert (stored.name, stored.short_name, stored.code) == ("机关第一党支部", "一支部", "D01")

    for new_parent in (party.id, group.id):
        with pytest.raises(ValidationError) as caught:
            org.update_unit(admin, party.id, parent_id=new_parent)
        assert "under itself or its own sub-unit" in caught.value.message("en")
    org.update_unit(admin, group.id, parent_id=None)
    assert dict((u.name, d) for u, d in org.unit_tree())["第一党小组"] == 0
    with pytest.raises(ValidationError):
        org.update_unit(admin, group.id, name="")
    with pytest.raises(ConcurrentEdit):
        org.update_unit(admin, party.id, expected_version=party.version, code="D02")
    with pytest.raises(PermissionDenied):
        org.update_unit(office.session("clerk"), party.id, name="x")


def test_deleting_a_unit_in_use_says_what_uses_it(office):
    admin = office.session("admin")
    section = org.create_unit(admin, "办公室", parent_id=office.unit.id)
    org.create_unit(admin, "文印室", parent_id=section.id)
    org.create_person(admin, "张三", section.id)
    org.create_person(admin, "李四", section.id)
    with pytest.raises(ValidationError) as caught:
        org.delete_unit(admin, section.id)
    assert caught.value.message("en") == (
        "The unit 办公室 cannot be deleted while 1 sub-unit(s), 2 person(s) still refer to it."
    )

    with pytest.raises(ValidationError) as caught:
        org.delete_unit(admin, office.unit.id)  # problems' unit, accounts, campaign lead
    text = caught.value.message("en")
    assert "5 account(s)" in text and "1 campaign(s)" in text and "sub-unit" in text


def test_an_unused_unit_is_tombstoned_and_leaves_the_tree(office):
    admin = office.session("admin")
    section = org.create_unit(admin, "办公室", parent_id=office.unit.id)
    with pytest.raises(PermissionDenied):
        org.delete_unit(office.session("clerk"), section.id)
    org.delete_unit(admin, section.id)
    assert Unit.get_by_id(section.id).deleted_at is not None
    assert "办公室" not in [u.name for u, _ in org.unit_tree()]
    assert events(section, "delete") == 1


def test_a_unit_with_a_live_problem_cannot_be_deleted(office):
    admin = office.session("admin")
    section = org.create_unit(admin, "办公室")
    problem = ProblemInput(office.campaign.id, section.id, "文山会海")
    create_problem(office.session("clerk"), problem)
    with pytest.raises(ValidationError, match=r"1 problem\(s\)"):
        org.delete_unit(admin, section.id)


# -- people --------------------------------------------------------------------------------


def test_people_are_edited_listed_per_unit_and_kept_while_a_problem_names_them(office):
    admin = office.session("admin")
    section = org.create_unit(admin, "办公室")
    zhang = org.create_person(admin, "张三", office.unit.id, "局长")
    li = org.create_person(admin, "李四", section.id, "主任", "0311-1234")
    assert [p.name for p in org.people()] == ["张三", "李四"]
    assert [p.name for p in org.people(section.id)] == ["李四"]

    org.update_person(admin, li.id, expected_version=li.version, unit_id=office.unit.id,
                      title=" 副局长 ")
    stored = Person.get_by_id(li.id)
    assert (stored.unit_id, stored.title, stored.phone) == (office.unit.id, "副局长", "0311-1234")
    assert org.people(section.id) == []
    with pytest.raises(ConcurrentEdit):
        org.update_person(admin, li.id, expected_version=li.version - 1, phone="")
    with pytest.raises(ValidationError):
        org.update_person(admin, li.id, name=" ")
    with pytest.raises(PermissionDenied):
        org.update_person(office.session("clerk"), li.id, phone="")

    create_problem(office.session("clerk"), ProblemInput(
        office.campaign.id, office.unit.id, "调研走过场", scope=Scope.PERSONAL.value,
        person_id=zhang.id,
    ))
    with pytest.raises(ValidationError) as caught:
        org.delete_person(admin, zhang.id)
    assert caught.value.message("en") == (
        "张三 cannot be deleted while 1 problem(s) still refer to this person."
    )
    with pytest.raises(PermissionDenied):
        org.delete_person(office.session("clerk"), li.id)
    org.delete_person(admin, li.id)
    assert [p.name for p in org.people()] == ["张三"]
    assert events(li, "delete") == 1


# -- accounts ------------------------------------------------------------------------------


def test_admin_changes_an_account(office):
    admin = office.session("admin")
    clerk = office.users["clerk"]
    section = org.create_unit(admin, "办公室")
    auth.update_user(admin, clerk.id, "王小明", {Role.CLERK, Role.REVIEWER}, section.id, True,
                     expected_version=clerk.version)
    stored = User.get_by_id(clerk.id)
    assert stored.display_name == "王小明"
    assert stored.role_set() == {Role.CLERK, Role.REVIEWER}
    assert stored.unit_id == section.id
    assert events(stored, "update") == 1
    with pytest.raises(ConcurrentEdit):
        auth.update_user(admin, clerk.id, "王", [Role.CLERK], None, True,
                         expected_version=clerk.version)
    with pytest.raises(ValidationError, match="at least one role"):
        auth.update_user(admin, clerk.id, "王", [], None, True)
    with pytest.raises(ValidationError, match="Unknown role"):
        auth.update_user(admin, clerk.id, "王", ["boss"], None, True)


def test_a_deactivated_account_can_no_longer_sign_in(office):
    admin = office.session("admin")
    leader = office.users["leader"]
    auth.update_user(admin, leader.id, leader.display_name, [Role.LEADER], None, False)
    with pytest.raises(PermissionDenied):
        auth.authenticate("leader", PASSWORD)
    assert "leader" in [u.username for u in auth.users()]  # still listed, can be reactivated


def test_the_last_active_administrator_is_kept(office):
    admin = office.session("admin")
    solo = office.users["solo"]
    # solo is also an administrator, so the first change is fine
    auth.update_user(admin, solo.id, solo.display_name, [Role.CLERK], None, True)
    keeper = office.users["admin"]
    for roles, active in (([Role.CLERK], True), ([Role.ADMIN], False)):
        with pytest.raises(ValidationError) as caught:
            auth.update_user(admin, keeper.id, "x", roles, None, active)
        assert "x" not in caught.value.message("en")  # named as stored, not as typed
        assert "admin-用户 is the last active administrator" in caught.value.message("en")
    assert User.get_by_id(keeper.id).role_set() == {Role.ADMIN}
    # a deactivated administrator does not count as a keeper
    auth.update_user(admin, solo.id, solo.display_name, [Role.ADMIN], None, False)
    with pytest.raises(ValidationError):
        auth.update_user(admin, keeper.id, "x", [Role.CLERK], None, True)


def test_admin_resets_a_password(office):
    admin = office.session("admin")
    clerk = office.users["clerk"]
    with pytest.raises(ValidationError) as caught:
        auth.set_password(admin, clerk.id, "12345")
    assert "至少" in caught.value.message("zh_CN")
    with pytest.raises(PermissionDenied):
        auth.set_password(office.session("clerk"), clerk.id, "new-password")
    auth.set_password(admin, clerk.id, "new-password")
    assert auth.authenticate("clerk", "new-password").user.id == clerk.id
    with pytest.raises(PermissionDenied):
        auth.authenticate("clerk", PASSWORD)
    assert events(clerk, "update") == 1


def test_accounts_are_created_with_roles_and_listed(office):
    admin = office.session("admin")
    with pytest.raises(PermissionDenied):
        auth.create_user(office.session("clerk"), "zhao", "赵", "secret1", [Role.CLERK])
    with pytest.raises(ValidationError, match="at least one role"):
        auth.create_user(admin, "zhao", "赵", "secret1", [])
    with pytest.raises(ValidationError, match="taken"):
        auth.create_user(admin, "clerk", "赵", "secret1", [Role.CLERK])
    user = auth.create_user(admin, "zhao", "赵六", "secret1", [Role.CLERK, Role.LEADER],
                            unit_id=office.unit.id)
    assert user.role_set() == {Role.CLERK, Role.LEADER} and user.unit_id == office.unit.id
    assert [u.username for u in auth.users()] == sorted(
        ["admin", "clerk", "leader", "reviewer", "solo", "zhao"]
    )
    with pytest.raises(PermissionDenied):
        auth.update_user(office.session("clerk"), user.id, "x", [Role.CLERK], None, True)

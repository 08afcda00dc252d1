"""Offices with a filled campaign, and switching between their databases, for the tests of
exported ledger records and their consolidation.

The models are bound through one proxy, so only one database is open at a time: a test
builds a payload, switches, and imports it into the next database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop.core import auth, catalog, db, exchange_records, paths, workflow
from desktop.core.models import Campaign, Problem, Unit
from desktop.core.org import (
    add_milestone,
    add_phase,
    create_campaign,
    create_person,
    create_unit,
)
from desktop.core.problems import (
    MeasureInput,
    ProblemInput,
    add_progress,
    add_referral,
    create_problem,
    delete_problem,
    record_measure_done,
)
from desktop.core.session import Session
from tests.conftest import PASSWORD, ROLE_USERS, Office, build_office, db_target


def switch_to(path: Path):
    """Close the open database and open (creating if needed) the one at ``path``."""
    db.close()
    paths.set_data_dir(path.parent)
    return db.open_database(db_target(path))


def new_database(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name / "office.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    switch_to(path)
    return path


@dataclass
class Filled:
    office: Office
    section: Unit  # a sub-unit of the office's unit, where most problems are
    problems: dict[str, int]  # name → id


def measure(text: str, unit_id: int | None = None, deadline=dt.date(2026, 11, 30)):
    return MeasureInput(text=text, resp_leader="王局长", resp_unit_id=unit_id,
                        resp_person="李四", deadline=deadline)


def draft(office: Office, unit_id: int, text: str, **more) -> int:
    data = ProblemInput(
        campaign_id=office.campaign.id, unit_id=unit_id, description=text,
        source="自查", found_date=dt.date(2026, 10, 20), root_cause="思想认识不到位",
        measures=[measure(f"{text}的整改措施", office.unit.id)], **more,
    )
    return create_problem(office.session("clerk"), data).id


def fill(office: Office, tmp_path: Path, unit_name: str = "办公室") -> Filled:
    """A campaign with phases, a milestone, a catalog, people and problems in every state
    that travels: a draft, a rectifying one with progress, evidence and a referral, a closed
    one (signed), a personal one, and a deleted draft."""
    system = Session.system()
    cid = office.campaign.id
    section = create_unit(system, unit_name, parent_id=office.unit.id)
    person = create_person(system, "张三", unit_id=section.id, title="科员")
    phase = add_phase(system, cid, "自查整改", dt.date(2026, 5, 1), dt.date(2026, 9, 30))
    add_milestone(system, cid, "问题清单报送", dt.date(2026, 5, 12), phase_id=phase.id)
    area = catalog.add_node(system, cid, None, "一、", "工作作风方面")
    item = catalog.add_node(system, cid, area.id, "（一）", "文山会海")
    problems = {
        "draft": draft(office, section.id, "会议多、文件多", catalog_id=item.id),
        "rectifying": draft(office, section.id, "调研走过场"),
        "closed": draft(office, office.unit.id, "台账不规范"),
        "personal": draft(office, section.id, "学习不深入", scope="personal",
                          person_id=person.id),
        "deleted": draft(office, section.id, "重复录入"),
    }
    clerk, reviewer, leader = (office.session(r) for r in ("clerk", "reviewer", "leader"))
    for key in ("rectifying", "closed"):
        workflow.apply(clerk, problems[key], "submit")
        workflow.apply(reviewer, problems[key], "approve")
    proof = tmp_path / "佐证.txt"
    proof.write_text("会议记录", encoding="utf-8")
    add_progress(clerk, problems["rectifying"], "已召开专题会议", files=[proof])
    add_referral(reviewer, problems["rectifying"], "县纪委监委", "线索移交")
    closed = Problem.get_by_id(problems["closed"])
    for m in closed.measures:
        record_measure_done(clerk, m.id, dt.date(2026, 10, 30), "已完成")
    workflow.apply(clerk, closed.id, "request_close")
    workflow.apply(reviewer, closed.id, "verify", opinion="属实")
    workflow.apply(leader, closed.id, "sign_close", opinion="同意销号", password=PASSWORD)
    delete_problem(clerk, problems["deleted"])
    return Filled(office=office, section=section, problems=problems)


def campaign_problem_ids(campaign_id: int) -> list[int]:
    return [p.id for p in Problem.select(Problem.id).where(Problem.campaign == campaign_id)]


def export(campaign_uuid: str, unit_uuid: str) -> dict:
    """The payload of a whole campaign's ledger, as the open database has it."""
    campaign = Campaign.get(Campaign.uuid == campaign_uuid)
    unit = Unit.get(Unit.uuid == unit_uuid)
    return exchange_records.build_payload(campaign.id, campaign_problem_ids(campaign.id), unit.id)


def office_with_data(tmp_path: Path, name: str, unit_name: str = "办公室") -> tuple[Filled, dict]:
    """A new database with a filled office, and its exported payload."""
    new_database(tmp_path, name)
    filled = fill(build_office(), tmp_path / name, unit_name)
    payload = export(filled.office.campaign.uuid, filled.office.unit.uuid)
    return filled, payload


CAMPAIGN_NAME, CAMPAIGN_DOC = "纠治形式主义官僚主义专项整治", "民党〔2026〕5号"


def build_named_office(unit_name: str) -> Office:
    """An office like the ``office`` fixture's, for another unit, with a campaign of the same
    name and 文号 (but its own UUID): what a second sub-unit or the higher office has."""
    system = Session.system()
    unit = create_unit(system, unit_name)
    campaign = create_campaign(system, CAMPAIGN_NAME, dt.date(2026, 5, 1), dt.date(2026, 12, 31),
                               doc_number=CAMPAIGN_DOC, unit_id=unit.id)
    users = {
        name: auth.create_user(system, name, f"{name}-{unit_name}", PASSWORD, roles, unit=unit)
        for name, roles in ROLE_USERS.items()
    }
    return Office(unit=unit, campaign=campaign, users=users)

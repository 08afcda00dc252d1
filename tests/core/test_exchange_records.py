"""The records an exported ledger carries: what travels, in which form, and what never does."""

from __future__ import annotations

import copy
import json

import pytest

from desktop.core import clock, exchange_records
from desktop.core.errors import ValidationError
from desktop.core.models import (
    Campaign,
    EvidenceFile,
    Measure,
    Person,
    Problem,
    Transition,
    Unit,
    User,
)
from desktop.core.problems import MeasureInput, ProblemInput, update_problem
from tests.core.ledger_offices import campaign_problem_ids, draft, fill


@pytest.fixture
def filled(office, tmp_path):
    return fill(office, tmp_path)


def payload_of(filled, problem_ids=None):
    office = filled.office
    ids = campaign_problem_ids(office.campaign.id) if problem_ids is None else problem_ids
    return exchange_records.build_payload(office.campaign.id, ids, office.unit.id)


def by_uuid(payload, entity):
    return {r["uuid"]: r for r in payload["records"][entity]}


def test_payload_names_its_format_unit_campaign_and_time(filled):
    payload = payload_of(filled)
    assert payload["format"] == "rectify-ledger" and payload["version"] == 1
    assert payload["exporting_unit"] == {"uuid": filled.office.unit.uuid, "name": "县民政局"}
    assert payload["campaign"] == filled.office.campaign.uuid
    assert payload["exported_at"] == "2026-11-02 09:30:00"
    assert payload["evidence_files_included"] is False
    # plain JSON, Chinese kept readable
    assert "会议多、文件多" in json.dumps(payload, ensure_ascii=False)


def test_every_record_carries_its_identity_and_references_as_uuids(filled):
    payload = payload_of(filled)
    problem = by_uuid(payload, "problem")[Problem.get_by_id(filled.problems["personal"]).uuid]
    assert {"uuid", "version", "created_at", "updated_at", "origin_unit"} <= set(problem)
    assert "id" not in problem and "deleted_at" not in problem
    assert problem["unit"] == filled.section.uuid
    assert problem["campaign"] == filled.office.campaign.uuid
    assert problem["person"] == Person.get(Person.name == "张三").uuid
    assert problem["found_date"] == "2026-10-20"
    assert problem["origin_unit"] == filled.office.unit.uuid  # made by the clerk of 县民政局
    measure = next(r for r in payload["records"]["measure"] if r["problem"] == problem["uuid"])
    assert measure["resp_unit"] == filled.office.unit.uuid


def test_referenced_units_come_with_their_parents_and_people_with_their_units(filled):
    payload = payload_of(filled)
    units = by_uuid(payload, "unit")
    assert units[filled.section.uuid]["parent"] == filled.office.unit.uuid
    assert units[filled.office.unit.uuid]["parent"] is None
    people = payload["records"]["person"]
    assert [(p["name"], p["unit"]) for p in people] == [("张三", filled.section.uuid)]
    assert len(payload["records"]["phase"]) == 1 and len(payload["records"]["milestone"]) == 1
    assert sorted(n["title"] for n in payload["records"]["catalog_node"]) == ["工作作风方面",
                                                                          "文山会海"]


def test_accounts_travel_as_names_only(filled):
    payload = payload_of(filled)
    accounts = payload["records"]["account"]
    # the signers and authors of this ledger, nobody else (admin and solo did nothing)
    assert sorted(a["username"] for a in accounts) == ["clerk", "leader", "reviewer"]
    for account in accounts:
        assert set(account) == {"uuid", "version", "created_at", "updated_at", "origin_unit",
                                "username", "display_name", "unit"}
    assert "scrypt" not in json.dumps(payload)


def test_workflow_steps_keep_opinions_signatures_and_signer_names(filled):
    payload = payload_of(filled)
    signed = Transition.get(Transition.action == "sign_close")
    step = by_uuid(payload, "transition")[signed.uuid]
    assert step["opinion"] == "同意销号" and step["user_name"] == "leader-用户"
    assert len(step["signature"]) == 64 and step["signature"] == signed.signature
    assert step["user"] == User.get(User.username == "leader").uuid
    referral = payload["records"]["referral"][0]
    assert referral["receiver"] == "县纪委监委"


def test_evidence_travels_as_metadata_only(filled):
    payload = payload_of(filled)
    [evidence] = payload["records"]["evidence_file"]
    stored = EvidenceFile.get()
    assert evidence["filename"] == "佐证.txt"
    assert evidence["sha256"] == stored.sha256 and evidence["size"] == stored.size
    assert "会议记录" not in json.dumps(payload, ensure_ascii=False)  # the file's content


def test_deleted_records_travel_as_tombstones(filled):
    payload = payload_of(filled)
    deleted = Problem.get_by_id(filled.problems["deleted"])
    assert deleted.uuid not in by_uuid(payload, "problem")
    tombstones = {t["uuid"]: t for t in payload["tombstones"]}
    assert tombstones[deleted.uuid] == {"uuid": deleted.uuid, "entity": "problem",
                                        "version": deleted.version,
                                        "deleted_at": "2026-11-02 09:30:00"}
    # its measure went with it
    [measure] = Measure.select().where(Measure.problem == deleted.id)
    assert tombstones[measure.uuid]["entity"] == "measure"


def test_a_removed_measure_of_a_live_problem_is_a_tombstone(office, tmp_path):
    pid = draft(office, office.unit.id, "问题")
    [old] = Problem.get_by_id(pid).measures
    data = ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id,
                        description="问题", measures=[MeasureInput("新措施")])
    update_problem(office.session("clerk"), pid, data)
    payload = exchange_records.build_payload(office.campaign.id, [pid], office.unit.id)
    assert [m["text"] for m in payload["records"]["measure"]] == ["新措施"]
    assert [t["uuid"] for t in payload["tombstones"]] == [old.uuid]


def test_only_the_chosen_problems_travel(filled):
    chosen = filled.problems["closed"]
    payload = payload_of(filled, [chosen])
    assert list(by_uuid(payload, "problem")) == [Problem.get_by_id(chosen).uuid]
    assert {m["problem"] for m in payload["records"]["measure"]} == {
        Problem.get_by_id(chosen).uuid}
    assert filled.section.uuid not in by_uuid(payload, "unit")  # nobody refers to it


def test_the_same_database_gives_the_same_payload_and_checksum(filled):
    first = payload_of(filled)
    clock.freeze(clock.now().replace(hour=10))
    second = payload_of(filled)
    assert second["exported_at"] != first["exported_at"]
    second["exported_at"] = first["exported_at"]
    assert second == first
    assert exchange_records.payload_checksum(second) == exchange_records.payload_checksum(first)


def test_reading_back_gives_the_records_in_stored_form(filled):
    payload = json.loads(json.dumps(payload_of(filled)))
    records, tombstones = exchange_records.read_payload(payload)
    assert records == payload["records"]
    assert tombstones == payload["tombstones"]


def test_dates_typed_in_other_iso_forms_are_read_in_the_stored_form(filled):
    payload = payload_of(filled)
    problem = payload["records"]["problem"][0]
    problem["found_date"] = "20261020"
    problem["created_at"] = "2026-11-02T09:30:00"
    records, _ = exchange_records.read_payload(payload)
    assert records["problem"][0]["found_date"] == "2026-10-20"
    assert records["problem"][0]["created_at"] == "2026-11-02 09:30:00"


def broken(payload, change):
    payload = copy.deepcopy(payload)
    change(payload)
    return payload


@pytest.mark.parametrize(
    ("change", "english"),
    [
        (lambda p: p.update(format="something else"), "no ledger records"),
        (lambda p: p.update(version=2), "newer version of Rectify (format version 2"),
        (lambda p: p.update(version="1"), "field version"),
        (lambda p: p.pop("exported_at"), "field exported_at"),
        (lambda p: p["records"].update(urges=[]), "unknown kind of record: urges"),
        (lambda p: p["records"]["problem"][0].pop("description"), "field description of the "
                                                                   "problem record"),
        (lambda p: p["records"]["problem"][0].update(found_date="2026年10月20日"),
         "field found_date"),
        (lambda p: p["records"]["problem"][0].update(version=0), "field version"),
        (lambda p: p["records"]["measure"][0].update(deadline="soon"), "not a date"),
        (lambda p: p["records"]["problem"][0].update(unit="not-a-uuid"), "not a record UUID"),
        (lambda p: p["records"]["problem"][0].update(colour="red"), "does not know: colour"),
        (lambda p: p["records"]["problem"].append(p["records"]["problem"][0]),
         "more than once"),
        (lambda p: p["records"]["campaign"].clear(), "campaign is not among its records"),
        (lambda p: p["tombstones"].append({"uuid": "x"}), "Deletion entry 3"),
    ],
)
def test_malformed_payloads_are_refused_with_a_clear_message(filled, change, english):
    payload = payload_of(filled)
    with pytest.raises(ValidationError) as caught:
        exchange_records.read_payload(broken(payload, change))
    assert english in caught.value.message("en")


def test_an_export_read_in_chunks_misses_nothing(office):
    """More problems than one IN (…) query names: every one travels."""
    many = [draft(office, office.unit.id, f"问题{i}") for i in range(3)]
    exchange_records.CHUNK, saved = 2, exchange_records.CHUNK
    try:
        payload = exchange_records.build_payload(office.campaign.id, many, office.unit.id)
    finally:
        exchange_records.CHUNK = saved
    assert len(payload["records"]["problem"]) == 3 and len(payload["records"]["measure"]) == 3
    assert Campaign.select().count() == 1 and Unit.select().count() == 1


def test_progress_is_reported_and_raising_from_it_cancels(filled):
    office = filled.office
    seen = []
    exchange_records.build_payload(office.campaign.id, [], office.unit.id,
                                   progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and len(seen) > 5

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        exchange_records.build_payload(office.campaign.id, [], office.unit.id, progress=stop)

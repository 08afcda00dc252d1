"""The audit log records every change and notices edits made behind the app's back."""

from __future__ import annotations

import datetime as dt
import json

from desktop.core import audit, workflow
from desktop.core.models import AuditEvent, Problem, database
from desktop.core.problems import MeasureInput, ProblemInput, create_problem, update_problem
from tests.conftest import PASSWORD, TODAY


def new_problem(office, text="文件会议多"):
    return create_problem(
        office.session("clerk"),
        ProblemInput(
            campaign_id=office.campaign.id, unit_id=office.unit.id, description=text,
            deadline=TODAY + dt.timedelta(days=10),
            measures=[MeasureInput(text="精简文件", done_date=TODAY)],
        ),
    )


def test_create_update_and_transition_are_logged_with_before_and_after(office):
    problem = new_problem(office)
    update_problem(
        office.session("clerk"), problem.id,
        ProblemInput(campaign_id=office.campaign.id, unit_id=office.unit.id,
                     description="文件会议仍然偏多", deadline=TODAY + dt.timedelta(days=10),
                     measures=[MeasureInput(text="精简文件", done_date=TODAY)]),
    )
    workflow.apply(office.session("clerk"), problem.id, "submit")
    events = list(
        AuditEvent.select().where(AuditEvent.entity_uuid == problem.uuid).order_by(AuditEvent.id)
    )
    assert [e.action for e in events] == ["create", "update", "transition:submit"]
    assert events[0].before is None and json.loads(events[0].after)["description"] == "文件会议多"
    changed = json.loads(events[1].before), json.loads(events[1].after)
    assert (changed[0]["description"], changed[1]["description"]) == ("文件会议多", "文件会议仍然偏多")
    assert changed[1]["version"] == changed[0]["version"] + 1
    assert json.loads(events[2].after)["state"] == "submitted"
    assert all(e.user_name == "clerk-用户" for e in events)
    assert audit.verify().ok


def test_raw_edit_of_an_audit_row_names_the_first_broken_event(office):
    problem = new_problem(office)
    workflow.apply(office.session("clerk"), problem.id, "submit")
    target = AuditEvent.select().where(AuditEvent.entity_uuid == problem.uuid).first()
    database.execute_sql(
        f"UPDATE audit_event SET user_name = 'someone else' WHERE id = {database.param}", (target.id,)
    )
    report = audit.verify()
    assert not report.ok
    assert (report.broken_event, report.broken_reason) == (target.id, "content")


def test_removed_last_event_is_noticed(office):
    new_problem(office)
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    database.execute_sql(f"DELETE FROM audit_event WHERE id = {database.param}", (last.id,))
    report = audit.verify(check_records=False)
    assert (report.broken_event, report.broken_reason) == (last.id, "truncated")


def test_raw_edit_of_a_problem_row_is_found(office):
    problem = new_problem(office)
    other = new_problem(office, "调研走过场")
    assert audit.verify().ok
    database.execute_sql(
        f"UPDATE problem SET state = 'closed' WHERE id = {database.param}", (problem.id,)
    )
    report = audit.verify()
    assert report.broken_event is None  # the chain itself is intact
    assert report.tampered == [("problem", problem.uuid, "differs from the audit log")]
    assert other.uuid not in {uuid for _e, uuid, _w in report.tampered}


def test_row_inserted_without_the_app_is_found(office):
    new_problem(office)
    p = database.param
    database.execute_sql(
        "INSERT INTO problem (uuid, created_at, updated_at, version, campaign_id, unit_id,"
        " code, scope, description, source, root_cause, kind, target, state, note)"
        f" VALUES ('forged', '2026-01-01', '2026-01-01', 1, {p}, {p}, '', 'org', '伪造', '', '',"
        " 'deadline', '', 'closed', '')",
        (office.campaign.id, office.unit.id),
    )
    assert ("problem", "forged", "no audit trail") in audit.verify().tampered


def test_signed_closing_is_in_the_chain(office):
    problem = new_problem(office)
    solo = office.session("solo")
    for action in ["submit", "approve", "request_close", "verify", "sign_close"]:
        workflow.apply(solo, problem.id, action, opinion="同意", password=PASSWORD)
    assert Problem.get_by_id(problem.id).state == "closed"
    report = audit.verify()
    assert report.ok and report.events > 10

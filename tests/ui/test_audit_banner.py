"""The audit log is checked after sign-in; a broken chain puts a red banner on the window that
names the first broken event, as ``rectify verify-audit`` does."""

from __future__ import annotations

import os

from desktop.core import audit_check
from desktop.core.models import AuditEvent, database
from desktop.ui.audit_banner import start_audit_check
from tests.ui.test_main_window import make_window
from tests.ui.test_problem_list import add_problem

SHOTS = os.environ.get("RECTIFY_SHOTS")


def checked_window(qtbot, office, tmp_path, full=None):
    window = make_window(qtbot, office, tmp_path, who="admin")
    window.show()
    start_audit_check(window, full)  # a thread: the window is usable meanwhile
    qtbot.waitUntil(lambda: window.audit_banner.result is not None, timeout=20_000)
    return window


def test_an_intact_log_shows_no_banner(qtbot, office, tmp_path):
    add_problem(office, "会议多")
    window = checked_window(qtbot, office, tmp_path)
    assert window.audit_banner.result.ok and window.audit_banner.result.full
    assert not window.audit_banner.isVisible()


def test_a_tampered_event_is_named_at_the_top_of_the_window(qtbot, office, tmp_path):
    add_problem(office, "会议多")
    event = AuditEvent.select().where(AuditEvent.entity == "problem").get()
    database.execute_sql(f"UPDATE audit_event SET user_name = '张三' WHERE id = {database.param}",
                         (event.id,))
    window = checked_window(qtbot, office, tmp_path)
    banner = window.audit_banner
    assert banner.isVisible() and banner.y() < window.problem_list.mapTo(window, banner.pos()).y()
    text = banner.label.text()
    assert f"{event.id}" in text and str(event.at) in text and "张三" in text
    assert f"problem {event.entity_uuid}" in text
    assert "verify-audit" in text
    # the command line names it in the same words
    broken = audit_check.first_broken(audit_check.check()[0])
    assert broken.message() in text
    if SHOTS:
        window.resize(1366, 768)
        window.grab().save(os.path.join(SHOTS, "audit_banner.png"))


def test_a_record_edited_behind_the_programs_back_is_named(qtbot, office, tmp_path):
    problem = add_problem(office, "会议多")
    database.execute_sql(f"UPDATE problem SET description = '已篡改' WHERE id = {database.param}",
                         (problem.id,))
    window = checked_window(qtbot, office, tmp_path)
    assert window.audit_banner.isVisible()
    assert f"problem {problem.uuid}" in window.audit_banner.label.text()
    chain_only = checked_window(qtbot, office, tmp_path, full=False)
    assert not chain_only.audit_banner.isVisible()  # a large database checks the chain only

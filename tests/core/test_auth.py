"""Passwords: the growing wait after wrong ones (kept across restarts), the administrator's
reset that forces a change, and the user's own change."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import SqliteDatabase

from desktop.core import audit, auth, clock, db, migrations
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.models import AuditEvent, SignInGuard, User
from tests.conftest import PASSWORD, TODAY, db_target
from tests.core.test_migrations import make_v1_database
from tests.core.test_permissions import fingerprint

START = dt.datetime.combine(TODAY, dt.time(9, 30))


def advance(seconds: float) -> None:
    clock.freeze(clock.now() + dt.timedelta(seconds=seconds))


def wrong(username: str = "clerk") -> PermissionDenied:
    with pytest.raises(PermissionDenied) as caught:
        auth.authenticate(username, "not-the-password")
    return caught.value


def test_the_wait_grows_after_three_wrong_passwords_and_is_capped():
    assert [auth.wait_after(n) for n in range(1, 8)] == [0, 0, 5, 10, 20, 40, 80]
    assert auth.wait_after(11) == 900 and auth.wait_after(500) == 900


def test_even_the_right_password_waits_and_success_resets(office):
    for _n in range(2):
        assert not isinstance(wrong(), auth.SignInDelayed)
    third = wrong()
    assert isinstance(third, auth.SignInDelayed) and third.seconds == 5
    advance(2)
    with pytest.raises(auth.SignInDelayed) as early:
        auth.authenticate("clerk", PASSWORD)  # right, but too early
    assert early.value.seconds == 3
    assert "3" in early.value.message("zh_CN") and "3 seconds" in early.value.message("en")
    advance(3)
    assert isinstance(wrong(), auth.SignInDelayed)  # the fourth: 10 seconds now
    assert auth.sign_in_wait(office.users["clerk"]) == 10
    advance(10)
    assert auth.authenticate("clerk", PASSWORD).user.username == "clerk"
    assert SignInGuard.select().count() == 0
    assert not isinstance(wrong(), auth.SignInDelayed)  # counting starts again


def test_the_wait_survives_a_restart(office, tmp_path):
    for _n in range(5):
        wrong()
        advance(60)
    wrong()  # the sixth: 40 seconds
    db.close()
    db.open_database(db_target(tmp_path / "test.db"))  # the program starts again
    with pytest.raises(auth.SignInDelayed) as caught:
        auth.authenticate("clerk", PASSWORD)
    assert caught.value.seconds == 40
    advance(40)
    auth.authenticate("clerk", PASSWORD)


def test_failures_and_waits_are_audited_and_the_log_still_verifies(office):
    for _n in range(3):
        wrong()
    events = list(AuditEvent.select().where(AuditEvent.entity == auth.SIGN_IN_ENTITY)
                  .order_by(AuditEvent.id))
    assert [e.action for e in events] == ["sign_in_failed"] * 3 + ["sign_in_wait"]
    assert {e.entity_uuid for e in events} == {office.users["clerk"].uuid}
    assert audit.verify().ok
    # attempts during the wait are refused unchecked: neither counted nor logged
    count = AuditEvent.select().count()
    with pytest.raises(auth.SignInDelayed):
        auth.authenticate("clerk", "another-guess")
    assert AuditEvent.select().count() == count


def test_unknown_names_write_nothing_but_wait_the_same(office):
    before = fingerprint()
    answers = [wrong(f"nobody{n}") for n in range(50)]
    assert fingerprint() == before  # fifty names typed: not a row, not an event
    assert all(a.message("en") == "Wrong user name or password." for a in answers)
    for _n in range(2):
        wrong("nobody")
    delayed = wrong("nobody")
    assert isinstance(delayed, auth.SignInDelayed) and delayed.seconds == 5  # as a real name
    assert fingerprint() == before
    # the memory is bounded
    for n in range(auth.UNKNOWN_NAMES_KEPT * 2):
        wrong(f"flood{n}")
    assert len(auth._unknown_names._entries) == auth.UNKNOWN_NAMES_KEPT


def test_an_admin_reset_forces_a_change_at_the_next_sign_in(office):
    clerk = office.users["clerk"]
    for _n in range(4):
        wrong()
    auth.set_password(office.session("admin"), clerk.id, "temporary-1")
    assert auth.sign_in_wait(clerk) == 0  # the reset lifts the wait
    session = auth.authenticate("clerk", "temporary-1")
    assert session.user.must_change_password
    event = AuditEvent.select().where(AuditEvent.entity == "account").order_by(
        AuditEvent.id.desc()).get()
    assert '"must_change_password":true' in event.after
    auth.change_password(session, "temporary-1", "my-own-secret")
    assert not User.get_by_id(clerk.id).must_change_password
    assert not auth.authenticate("clerk", "my-own-secret").user.must_change_password
    assert audit.verify().ok


def test_changing_ones_own_password(office):
    session = office.session("reviewer")
    with pytest.raises(PermissionDenied) as caught:
        auth.change_password(session, "wrong-old", "brand-new-1")
    assert "current password" in caught.value.message("en")
    for bad, why in (("short", "6"), ("reviewer", "user name"), (" REVIEWER", "user name"),
                     (PASSWORD, "differ")):
        with pytest.raises(ValidationError) as caught:
            auth.change_password(session, PASSWORD, bad)
        assert why in caught.value.message("en"), bad
    auth.change_password(session, PASSWORD, "brand-new-1")
    with pytest.raises(PermissionDenied):
        auth.authenticate("reviewer", PASSWORD)
    assert auth.authenticate("reviewer", "brand-new-1").user.id == office.users["reviewer"].id


def test_wrong_old_passwords_count_towards_the_wait(office):
    session = office.session("clerk")
    for _n in range(2):
        with pytest.raises(PermissionDenied):
            auth.change_password(session, "guess", "brand-new-1")
    with pytest.raises(auth.SignInDelayed):
        auth.change_password(session, "guess", "brand-new-1")
    with pytest.raises(auth.SignInDelayed):
        auth.unlock(session, PASSWORD)  # the lock screen is no way around it


def test_the_user_name_is_no_password_for_new_accounts_or_resets(office):
    admin = office.session("admin")
    with pytest.raises(ValidationError):
        auth.create_user(admin, "wangwu", "王五", "WangWu", set(office.users["clerk"].role_set()))
    with pytest.raises(ValidationError):
        auth.set_password(admin, office.users["clerk"].id, "clerk")


def test_a_signature_is_refused_during_a_wait(office):
    for _n in range(3):
        wrong()
    with pytest.raises(auth.SignInDelayed):
        auth.reauthenticate(office.session("clerk"), PASSWORD)


def test_upgrade_to_version_8_adds_the_flag_and_the_guard(tmp_path):
    handle, _ids = make_v1_database(tmp_path / "old.db")
    assert migrations.upgrade(handle, target=7) == 7
    handle.execute_sql("INSERT INTO account (uuid, created_at, updated_at, version, username, "
                       "display_name, password_hash, roles, active) VALUES "
                       "('u-1', '2026-05-10', '2026-05-10', 1, 'old', '老账号', '', 'clerk', 1)")
    assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION >= 8
    assert handle.execute_sql("SELECT must_change_password FROM account").fetchall() == [(0,)]
    assert "sign_in_guard" in handle.get_tables()
    assert isinstance(handle, SqliteDatabase)

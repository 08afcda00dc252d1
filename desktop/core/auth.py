"""User accounts and passwords.

Passwords are stored with scrypt, a memory-hard function in the standard library, so a copied
database file does not give up its passwords to a fast offline guesser.

Guessing at the sign-in dialog is slowed instead: after ``FREE_FAILURES`` wrong passwords an
account must wait before the next attempt, twice as long after each further failure, up to
``MAX_WAIT_SECONDS``. The count lives in the database (``sign_in_guard``), so restarting the
program does not reset it. The core never sleeps: it refuses with ``SignInDelayed``, which
says how many seconds are left, and the dialog counts down. Failures and the waits they start
are audit events of the account ("sign_in" entity). A user name that does not exist writes
nothing: it is counted in memory only (a bounded table), with the same waits, so a stranger
cannot fill the database by typing names, and the waits do not tell which names exist.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from collections import OrderedDict
from collections.abc import Iterable

from desktop.core import clock, dialect, records
from desktop.core.audit import Actor, AuditWriter
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Role, SignInGuard, Unit, User, database
from desktop.core.session import Session, accounts_changed

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(computed, base64.b64decode(digest))


MIN_PASSWORD_LENGTH = 6


def _check_password(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(N_("A password needs at least 6 characters."))
    if username and password.strip().casefold() == username.strip().casefold():
        raise ValidationError(N_("The password may not be the user name."))


def _role_text(roles: Iterable[Role | str]) -> str:
    known = {r.value for r in Role}
    chosen: set[Role] = set()
    for role in roles:
        value = role.value if isinstance(role, Role) else str(role)
        if value not in known:
            raise ValidationError(N_("Unknown role: {role}."), role=value)
        chosen.add(Role(value))
    if not chosen:
        raise ValidationError(N_("An account needs at least one role."))
    return ",".join(sorted(r.value for r in chosen))


def create_user(
    session: Session,
    username: str,
    display_name: str,
    password: str,
    roles: set[Role] | list[Role],
    unit: Unit | None = None,
    unit_id: int | None = None,
) -> User:
    """``unit`` or ``unit_id`` names the account's unit (either; the id suits the UI)."""
    session.require(Role.ADMIN)
    username = username.strip()
    if not username:
        raise ValidationError(N_("A user name is required."))
    _check_password(password, username)
    role_text = _role_text(roles)
    with database.atomic():
        if User.get_or_none(User.username == username) is not None:
            raise ValidationError(N_("The user name {name} is already taken."), name=username)
        if unit is None and unit_id is not None:
            unit = records.get_live(Unit, unit_id)
        return records.create(
            session,
            User,
            username=username,
            display_name=display_name.strip() or username,
            password_hash=hash_password(password),
            roles=role_text,
            unit=unit,
        )


def _is_active_admin(user: User) -> bool:
    return bool(user.active) and user.has_role(Role.ADMIN)


def update_user(
    session: Session,
    user_id: int,
    display_name: str,
    roles: Iterable[Role | str],
    unit_id: int | None,
    active: bool,
    expected_version: int | None = None,
) -> User:
    """Change an account. The last active administrator keeps that role and stays active:
    without one nobody could manage accounts or settings again."""
    session.require(Role.ADMIN)
    role_text = _role_text(roles)
    with database.atomic():
        user = records.get_live(User, user_id)
        if unit_id is not None:
            records.get_live(Unit, unit_id)
        stays_admin = active and Role.ADMIN.value in role_text.split(",")
        if _is_active_admin(user) and not stays_admin:
            others = User.live().where(User.active & (User.id != user.id))
            if not any(u.has_role(Role.ADMIN) for u in others):
                raise ValidationError(
                    N_("{name} is the last active administrator: keep the Administrator role "
                       "and the account active, or make another account an administrator "
                       "first."),
                    name=user.display_name,
                )
        records.update(
            session, user, expected_version=expected_version,
            display_name=display_name.strip() or user.username, roles=role_text, unit=unit_id,
            active=bool(active),
        )
    accounts_changed()
    return user


def set_password(session: Session, user_id: int, new_password: str) -> User:
    """An administrator sets a new password (the user forgot theirs). The administrator now
    knows it, so the user must choose their own at the next sign-in; the reset also lifts a
    sign-in wait (the administrator vouches for the person)."""
    session.require(Role.ADMIN)
    with database.atomic():
        user = records.get_live(User, user_id)
        _check_password(new_password, user.username)
        records.update(
            session, user, password_hash=hash_password(new_password), must_change_password=True
        )
        _clear_failures(user)
    accounts_changed()
    return user


def change_password(session: Session, old_password: str, new_password: str) -> User:
    """The signed-in user replaces their own password, proving it with the old one. Clears
    the "must change" flag an administrator's reset set."""
    session.check_active()
    user = session.user
    if user is None:
        raise ValidationError(N_("The system account has no password."))
    _check_password(new_password, user.username)
    if new_password == old_password:
        raise ValidationError(N_("The new password must differ from the current one."))
    _check_guarded(user, old_password,
                   N_("The current password is wrong; the password was not changed."))
    with database.atomic():
        records.update(
            session, user, password_hash=hash_password(new_password), must_change_password=False
        )
    accounts_changed()
    return user


def users() -> list[User]:
    """Every account that is not tombstoned, deactivated ones included (they can be
    reactivated, and their past signatures still name them)."""
    return list(User.live().order_by(User.username))


# -- slowing down guessing ------------------------------------------------------------------

FREE_FAILURES = 3  # wrong passwords before the first wait
FIRST_WAIT_SECONDS = 5
MAX_WAIT_SECONDS = 15 * 60
UNKNOWN_NAMES_KEPT = 256  # user names that do not exist, remembered in memory only

SIGN_IN_ENTITY = "sign_in"  # audit events of sign-in attempts (not a table the log verifies)


class SignInDelayed(PermissionDenied):
    """Too many wrong passwords: no attempt is checked for ``seconds`` more seconds."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            N_("Too many wrong passwords. Wait {seconds} seconds, then try again."),
            seconds=seconds,
        )
        self.seconds = seconds


def wait_after(failures: int) -> int:
    """Seconds to wait after ``failures`` wrong passwords in a row: none for the first
    ``FREE_FAILURES``, then 5, 10, 20 … seconds, at most 15 minutes."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** min(failures - FREE_FAILURES, 20), MAX_WAIT_SECONDS)


def _seconds_left(wait_until: dt.datetime | None) -> int:
    if wait_until is None:
        return 0
    left = (wait_until - clock.now()).total_seconds()
    return max(0, int(-(-left // 1)))  # rounded up: "wait 0 seconds" would be refused


class _UnknownNames:
    """Failed attempts for user names that do not exist, kept in memory (least recently
    tried dropped first) so that they cost the database nothing."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[int, dt.datetime | None]] = OrderedDict()

    def seconds_left(self, name: str) -> int:
        return _seconds_left(self._entries.get(name, (0, None))[1])

    def failed(self, name: str) -> int:
        failures = self._entries.pop(name, (0, None))[0] + 1
        wait = wait_after(failures)
        self._entries[name] = (failures, clock.now() + dt.timedelta(seconds=wait) if wait else None)
        while len(self._entries) > UNKNOWN_NAMES_KEPT:
            self._entries.popitem(last=False)
        return wait

    def clear(self) -> None:
        self._entries.clear()


_unknown_names = _UnknownNames()


def _guard(user: User) -> SignInGuard | None:
    return SignInGuard.get_or_none(SignInGuard.account == user.id)


def sign_in_wait(user: User) -> int:
    """Seconds before ``user`` may try a password again (0: now)."""
    guard = _guard(user)
    return _seconds_left(guard.wait_until) if guard is not None else 0


def _record_failure(user: User) -> int:
    """Count one wrong password for ``user``; returns the wait it starts (seconds)."""
    now = clock.now()
    with database.atomic():
        dialect.lock_for_writing()  # two PCs failing at once on a server: count both
        guard = _guard(user) or SignInGuard(account=user.id, failures=0)
        guard.failures += 1
        wait = wait_after(guard.failures)
        guard.last_failure = now
        guard.wait_until = now + dt.timedelta(seconds=wait) if wait else None
        guard.save()
        # whoever typed the password is unknown: the event names the account, not an actor
        writer = AuditWriter(Actor(uuid="", name=""))
        writer.add("sign_in_failed", SIGN_IN_ENTITY, user.uuid, None,
                   {"failures": guard.failures})
        if wait:
            writer.add("sign_in_wait", SIGN_IN_ENTITY, user.uuid, None,
                       {"failures": guard.failures, "seconds": wait})
        writer.flush()
    return wait


def _clear_failures(user: User) -> None:
    SignInGuard.delete().where(SignInGuard.account == user.id).execute()


def _refuse_while_waiting(seconds: int) -> None:
    if seconds:
        raise SignInDelayed(seconds)


def _check_guarded(user: User, password: str | None, wrong_message: str) -> None:
    """Check ``user``'s password under the sign-in waits: refused without looking at the
    password while a wait runs; a wrong one counts and may start a wait."""
    _refuse_while_waiting(sign_in_wait(user))
    if password is None or not check_password(user.password_hash, password):
        _refuse_while_waiting(_record_failure(user))
        raise PermissionDenied(wrong_message)
    _clear_failures(user)


def authenticate(username: str, password: str) -> Session:
    """Sign in. Wrong names and wrong passwords get the same answer and the same waits."""
    username = username.strip()
    user = User.get_or_none(
        (User.username == username) & User.active & User.deleted_at.is_null()
    )
    wrong = N_("Wrong user name or password.")
    if user is None:
        key = username.casefold()
        _refuse_while_waiting(_unknown_names.seconds_left(key))
        _refuse_while_waiting(_unknown_names.failed(key))
        raise PermissionDenied(wrong)
    _check_guarded(user, password, wrong)
    return Session(user=user)


def unlock(session: Session, password: str) -> None:
    """Unlock a screen locked while idle: the signed-in user's password, under the same waits
    as signing in (a locked screen is no shortcut for guessing)."""
    session.check_active()
    if session.user is None:
        return
    _check_guarded(session.user, password, N_("The password is wrong."))


def reauthenticate(session: Session, password: str | None) -> None:
    """An electronic signature is a re-authentication: the signer types the password again.
    It runs inside the signing transaction, so a failure here is not counted (it would be
    rolled back with the rest); a sign-in wait still holds."""
    if session.user is None:
        return
    session.check_active()
    _refuse_while_waiting(sign_in_wait(session.user))
    if password is None or not check_password(session.user.password_hash, password):
        raise PermissionDenied(N_("The password is wrong; the signature was not recorded."))

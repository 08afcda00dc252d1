"""User accounts and passwords.

Passwords are stored with scrypt, a memory-hard function in the standard library, so a copied
database file does not give up its passwords to a fast offline guesser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable

from desktop.core import records
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Role, Unit, User, database
from desktop.core.session import Session

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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(N_("A password needs at least 6 characters."))


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
    _check_password(password)
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
        return user


def set_password(session: Session, user_id: int, new_password: str) -> User:
    """An administrator sets a new password (the user forgot theirs)."""
    session.require(Role.ADMIN)
    _check_password(new_password)
    with database.atomic():
        user = records.get_live(User, user_id)
        records.update(session, user, password_hash=hash_password(new_password))
        return user


def users() -> list[User]:
    """Every account that is not tombstoned, deactivated ones included (they can be
    reactivated, and their past signatures still name them)."""
    return list(User.live().order_by(User.username))


def authenticate(username: str, password: str) -> Session:
    user = User.get_or_none(
        (User.username == username) & User.active & User.deleted_at.is_null()
    )
    if user is None or not check_password(user.password_hash, password):
        raise PermissionDenied(N_("Wrong user name or password."))
    return Session(user=user)


def reauthenticate(session: Session, password: str | None) -> None:
    """An electronic signature is a re-authentication: the signer types the password again."""
    if session.user is None:
        return
    if password is None or not check_password(session.user.password_hash, password):
        raise PermissionDenied(N_("The password is wrong; the signature was not recorded."))

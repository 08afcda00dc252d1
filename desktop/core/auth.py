"""User accounts and passwords.

Passwords are stored with scrypt, a memory-hard function in the standard library, so a copied
database file does not give up its passwords to a fast offline guesser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from desktop.core import records
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Role, Unit, User
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


def create_user(
    session: Session,
    username: str,
    display_name: str,
    password: str,
    roles: set[Role] | list[Role],
    unit: Unit | None = None,
) -> User:
    session.require(Role.ADMIN)
    username = username.strip()
    if not username:
        raise ValidationError(N_("A user name is required."))
    if User.get_or_none(User.username == username) is not None:
        raise ValidationError(N_("The user name {name} is already taken."), name=username)
    if len(password) < 6:
        raise ValidationError(N_("A password needs at least 6 characters."))
    role_text = ",".join(sorted(Role(r).value for r in roles))
    return records.create(
        session,
        User,
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        roles=role_text,
        unit=unit,
    )


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

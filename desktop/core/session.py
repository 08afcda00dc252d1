"""Who is calling the services: the signed-in user and their roles.

Every service takes a ``Session`` first; it checks permissions against it and records it in
the audit log. The CLI's setup commands use the system session, which holds every role.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from desktop.core.audit import Actor
from desktop.core.errors import Labels, PermissionDenied
from desktop.core.i18n import N_
from desktop.core.models import ROLE_LABELS, Role, User

# How long a session trusts its copy of the account (roles, active) before reading it again.
# Account changes made in this process are seen at once (``accounts_changed``); the interval
# only bounds how long a change written by another program (an import) goes unnoticed, and
# keeps a batch of a thousand checks from reading the account a thousand times.
REFRESH_SECONDS = 5.0
_generation = 0


def accounts_changed() -> None:
    """An account was changed: every session reads its account again at its next check."""
    global _generation
    _generation += 1


@dataclass
class Session:
    user: User | None  # None: the system itself (setup, demo data, migrations)
    _seen: tuple[int, float] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def system(cls) -> Session:
        return cls(user=None)

    @property
    def actor(self) -> Actor:
        if self.user is None:
            return Actor.system()
        unit_uuid = self.user.unit.uuid if self.user.unit_id else None
        return Actor(uuid=self.user.uuid, name=self.user.display_name, unit_uuid=unit_uuid)

    @property
    def name(self) -> str:
        return self.actor.name

    def _refresh(self) -> None:
        """Bring the account up to date when this process changed an account since the last
        look, or the copy is older than ``REFRESH_SECONDS``: a deactivation or a removed role
        takes effect in a session that is already signed in."""
        user = self.user
        if user is None:
            return
        now = time.monotonic()
        if self._seen is not None:
            generation, at = self._seen
            if generation == _generation and now - at < REFRESH_SECONDS:
                return
        fresh = User.get_or_none(User.id == user.id)
        if fresh is None:
            user.active = False
        elif fresh.version != user.version or fresh.active != user.active:
            user.__data__.update(fresh.__data__)
            user._dirty.clear()
        self._seen = (_generation, now)

    @property
    def active(self) -> bool:
        """False for a deactivated or deleted account: it may not change anything."""
        self._refresh()
        user = self.user
        return user is None or (bool(user.active) and user.deleted_at is None)

    def check_active(self) -> None:
        if not self.active:
            raise PermissionDenied(
                N_("The account {user} is deactivated; it may not change anything."),
                user=self.name,
            )

    def has_role(self, role: Role) -> bool:
        return self.user is None or (self.active and self.user.has_role(role))

    def require(self, *roles: Role) -> None:
        """Pass when the user holds any of ``roles``; a deactivated account holds none."""
        self.check_active()
        if any(self.has_role(r) for r in roles):
            return
        raise PermissionDenied(
            N_("{user} may not do this: it needs the role {role_label}."),
            user=self.name,
            role_label=Labels(tuple(ROLE_LABELS[r] for r in roles)),
        )

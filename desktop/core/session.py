"""Who is calling the services: the signed-in user and their roles.

Every service takes a ``Session`` first; it checks permissions against it and records it in
the audit log. The CLI's setup commands use the system session, which holds every role.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.audit import Actor
from desktop.core.errors import Labels, PermissionDenied
from desktop.core.i18n import N_
from desktop.core.models import ROLE_LABELS, Role, User


@dataclass
class Session:
    user: User | None  # None: the system itself (setup, demo data, migrations)

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

    def has_role(self, role: Role) -> bool:
        return self.user is None or self.user.has_role(role)

    def require(self, *roles: Role) -> None:
        """Pass when the user holds any of ``roles``."""
        if any(self.has_role(r) for r in roles):
            return
        raise PermissionDenied(
            N_("{user} may not do this: it needs the role {role_label}."),
            user=self.name,
            role_label=Labels(tuple(ROLE_LABELS[r] for r in roles)),
        )

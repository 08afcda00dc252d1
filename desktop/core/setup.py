"""First run: what an empty database needs before the window makes sense.

Either the office sets itself up (its unit, the first administrator, its first campaign) or it
opens the demo campaign to look around. Both leave a database the window can show at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.core import auth, org
from desktop.core.demo import DEMO_KEY, build_demo
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Campaign, Meta, Role, User, database
from desktop.core.session import Session


def needs_setup() -> bool:
    """True for a database with no account and no campaign: the first-run wizard's case."""
    return not User.live().exists() and not Campaign.live().exists()


@dataclass
class OfficeSetup:
    unit_name: str
    username: str
    display_name: str
    password: str
    campaign_name: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None


def create_office(data: OfficeSetup) -> Session:
    """Create the unit, its first administrator (holding every role: most offices start with
    one person doing it all, and roles can be split later) and the first campaign; return the
    administrator's session."""
    if not needs_setup():
        raise ValidationError(N_("This database is already set up."))
    if not data.campaign_name.strip():
        raise ValidationError(N_("A campaign needs a name."))
    system = Session.system()
    with database.atomic():
        unit = org.create_unit(system, data.unit_name)
        user = auth.create_user(
            system, data.username, data.display_name, data.password, set(Role), unit=unit
        )
        org.create_campaign(
            system, data.campaign_name, data.start_date, data.end_date, unit_id=unit.id
        )
    return Session(user=user)


def is_demo() -> bool:
    return Meta.get_or_none(Meta.key == DEMO_KEY) is not None


def build_demo_office(problems: int) -> Session:
    """The demo campaign (the database is then marked as a demo: the sign-in dialog shows the
    demo accounts); signs in as the demo administrator."""
    build_demo(problems)
    return Session(user=User.get(User.username == "admin"))


def default_user() -> User | None:
    """The first active administrator: whom the screenshot mode shows the window as."""
    for user in User.live().where(User.active).order_by(User.id):
        if user.has_role(Role.ADMIN):
            return user
    return None

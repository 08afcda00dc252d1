"""Shared fixtures: a throwaway database, a small office with one user per role, a frozen clock."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.core import auth, clock, db, i18n, paths  # noqa: E402
from desktop.core.models import Campaign, Role, Unit, User  # noqa: E402
from desktop.core.org import create_campaign, create_unit  # noqa: E402
from desktop.core.session import Session  # noqa: E402
from tests import pg_server  # noqa: E402

PASSWORD = "secret-pw"
TODAY = dt.date(2026, 11, 2)  # a Monday

# A cheaper scrypt cost keeps the suite fast; the stored hash carries its own parameters,
# so checking works the same.
auth.SCRYPT_N = 2**10


@pytest.fixture(autouse=True)
def _defaults():
    i18n.set_language("zh_CN")
    clock.freeze(dt.datetime.combine(TODAY, dt.time(9, 30)))
    auth._unknown_names.clear()  # wrong user names are counted in memory, per process
    yield
    auth._unknown_names.clear()
    clock.freeze(None)
    i18n.set_language("zh_CN")


@pytest.fixture(scope="session", autouse=True)
def _postgres_template():
    """With RECTIFY_TEST_DB set, tests run on PostgreSQL (see tests/pg_server.py)."""
    yield
    pg_server.drop_template()


@pytest.fixture(autouse=True)
def _postgres_databases(request):
    if not (pg_server.ENABLED and "tmp_path" in request.fixturenames):
        yield
        return
    folder = request.getfixturevalue("tmp_path")
    yield
    pg_server.drop_databases(folder)


def db_target(path):
    """The database a test keeps at ``path``: that file on SQLite, a server database of its
    own when the suite runs on PostgreSQL."""
    return pg_server.target(path)


def open_temp_database(directory):
    paths.set_data_dir(directory)
    return db.open_database(db_target(directory / "test.db"))


@pytest.fixture
def database(tmp_path):
    handle = open_temp_database(tmp_path)
    yield handle
    db.close()
    paths.set_data_dir(None)


@dataclass
class Office:
    unit: Unit
    campaign: Campaign
    users: dict[str, User]

    def session(self, who: str) -> Session:
        return Session(user=self.users[who])


ROLE_USERS = {
    "clerk": {Role.CLERK},
    "reviewer": {Role.REVIEWER},
    "leader": {Role.LEADER},
    "admin": {Role.ADMIN},
    "solo": {Role.CLERK, Role.REVIEWER, Role.LEADER, Role.ADMIN},
}


def build_office() -> Office:
    system = Session.system()
    unit = create_unit(system, "县民政局")
    campaign = create_campaign(
        system, "纠治形式主义官僚主义专项整治", dt.date(2026, 5, 1), dt.date(2026, 12, 31),
        doc_number="民党〔2026〕5号", unit_id=unit.id,
    )
    users = {
        name: auth.create_user(system, name, f"{name}-用户", PASSWORD, roles, unit=unit)
        for name, roles in ROLE_USERS.items()
    }
    return Office(unit=unit, campaign=campaign, users=users)


@pytest.fixture
def office(database) -> Office:
    return build_office()

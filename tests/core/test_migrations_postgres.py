"""Every migration step runs on a PostgreSQL server, from every earlier version, keeping the
data (the SQLite side is tests/core/test_migrations.py). Runs only with RECTIFY_TEST_DB set."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import PostgresqlDatabase

from desktop.core import migrations, models, problem_query
from desktop.core.migrations import v001_initial as v1
from desktop.core.migrations import v003_search
from desktop.core.problem_query import ProblemFilter
from tests import pg_server

pytestmark = pytest.mark.skipif(not pg_server.ENABLED, reason="needs RECTIFY_TEST_DB (PostgreSQL)")


def blank_server_database(tmp_path) -> PostgresqlDatabase:
    from desktop.core import db

    params = db.url_connect_params(pg_server.target(tmp_path / "old", blank=True))
    handle = PostgresqlDatabase(params.pop("database"), **params)
    handle.connect()
    return handle


def fill_v1(handle: PostgresqlDatabase) -> tuple[int, int, int]:
    stamp = dt.datetime(2026, 5, 10, 9, 0)
    common = {"created_at": stamp, "updated_at": stamp}
    with handle.bind_ctx(v1.MODELS):
        unit = v1.Unit.create(name="县民政局", **common)
        v1.User.create(username="clerk", display_name="张三", unit=unit, **common)
        campaign = v1.Campaign.create(name="专项整治", **common)
        with_own = v1.Problem.create(campaign=campaign, unit=unit, description="自带时限",
                                     deadline=dt.date(2026, 6, 30), **common)
        from_measures = v1.Problem.create(campaign=campaign, unit=unit, description="按措施",
                                          **common)
        for text, day, gone in [("措施一", 10, None), ("措施二", 15, None), ("已删", 31, stamp)]:
            v1.Measure.create(problem=from_measures, text=text, deleted_at=gone,
                              deadline=dt.date(2026, 6 if day == 10 else 7, day), **common)
        none = v1.Problem.create(campaign=campaign, unit=unit, description="无时限", **common)
    return with_own.id, from_measures.id, none.id


@pytest.mark.parametrize("start", range(1, migrations.SCHEMA_VERSION + 1))
def test_every_step_upgrades_a_server_database_keeping_its_data(tmp_path, start):
    handle = blank_server_database(tmp_path)
    try:
        assert migrations.upgrade(handle, target=1) == 1
        ids = fill_v1(handle)
        assert migrations.upgrade(handle, target=start) == start
        assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION
        assert migrations.current_version(handle) == migrations.SCHEMA_VERSION
        rows = dict(handle.execute_sql("SELECT id, due_date FROM problem").fetchall())
        assert [rows[i] for i in ids] == [dt.date(2026, 6, 30), dt.date(2026, 7, 15), None]
        tables = set(handle.get_tables())
        assert {"sheet_code", "stored_image", "urge", "import_batch", "import_baseline"} <= tables
        # no FTS5 on a server: the search reads the base tables and says so in meta
        search = handle.execute_sql("SELECT value FROM meta WHERE key = %s",
                                    (v003_search.SEARCH_KEY,)).fetchone()
        assert search == (v003_search.UNAVAILABLE,)
        assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION  # again: nothing to do
        previous = models.database.obj
        models.database.initialize(handle)
        try:  # the live models read the upgraded tables, old rows included
            old_account = models.User.get(models.User.username == "clerk")
            assert old_account.display_name == "张三"
            assert old_account.must_change_password is False  # v008's new flag, filled in
            campaign_id = models.Campaign.get().id
            found = problem_query.matching_ids(ProblemFilter(campaign_id, text="措施二"))
            assert found == [ids[1]]
        finally:
            models.database.initialize(previous)
    finally:
        handle.close()


def test_a_failing_step_leaves_the_server_database_as_it_was(tmp_path, monkeypatch):
    """PostgreSQL runs DDL inside the transaction, so a step that dies half-way leaves neither
    its tables nor a raised version behind: the next start tries it again."""
    handle = blank_server_database(tmp_path)
    try:
        migrations.upgrade(handle, target=3)

        def half_done(db):
            db.execute_sql("CREATE TABLE sheet_code (id serial PRIMARY KEY)")
            raise RuntimeError("power cut")

        steps = [(n, half_done if n == 4 else step) for n, step in migrations.STEPS]
        monkeypatch.setattr(migrations, "STEPS", steps)
        with pytest.raises(RuntimeError):
            migrations.upgrade(handle)
        assert migrations.current_version(handle) == 3
        assert "sheet_code" not in handle.get_tables()
        monkeypatch.undo()
        assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION
    finally:
        handle.close()

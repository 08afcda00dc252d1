"""A database made at the previous schema version upgrades in place, keeping its data."""

from __future__ import annotations

import pytest
from peewee import SqliteDatabase

from desktop.core import migrations, models, problem_query
from desktop.core.errors import DomainError
from desktop.core.migrations import v001_initial as v1
from desktop.core.problem_query import ProblemFilter


def make_v1_database(path):
    handle = SqliteDatabase(str(path), pragmas={"foreign_keys": 1})
    assert migrations.upgrade(handle, target=1) == 1
    stamp = "2026-05-10 09:00:00"
    common = {"created_at": stamp, "updated_at": stamp}
    with handle.bind_ctx(v1.MODELS):
        unit = v1.Unit.create(name="县民政局", **common)
        campaign = v1.Campaign.create(name="专项整治", **common)
        with_own = v1.Problem.create(campaign=campaign, unit=unit, description="自带时限",
                                     deadline="2026-06-30", **common)
        from_measures = v1.Problem.create(campaign=campaign, unit=unit, description="按措施",
                                          **common)
        v1.Measure.create(problem=from_measures, text="措施一", deadline="2026-06-10", **common)
        v1.Measure.create(problem=from_measures, text="措施二", deadline="2026-07-15", **common)
        v1.Measure.create(problem=from_measures, text="已删", deadline="2026-12-31",
                          deleted_at=stamp, **common)
        none = v1.Problem.create(campaign=campaign, unit=unit, description="无时限", **common)
    return handle, (with_own.id, from_measures.id, none.id)


def test_upgrade_from_version_1_backfills_due_dates(tmp_path):
    handle, ids = make_v1_database(tmp_path / "old.db")
    assert "due_date" not in [c.name for c in handle.get_columns("problem")]
    assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION
    assert migrations.current_version(handle) == migrations.SCHEMA_VERSION
    rows = dict(handle.execute_sql("SELECT id, due_date FROM problem").fetchall())
    assert [rows[i] for i in ids] == ["2026-06-30", "2026-07-15", None]
    assert "problem_due_date" in [i.name for i in handle.get_indexes("problem")]
    # running it again changes nothing
    assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path):
    handle = SqliteDatabase(str(tmp_path / "new.db"))
    migrations.upgrade(handle)
    handle.execute_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DomainError) as caught:
        migrations.upgrade(handle)
    assert "更新版本" in caught.value.message("zh_CN")
    assert "newer version" in caught.value.message("en")


def test_upgrade_from_version_2_makes_existing_problems_searchable(tmp_path):
    handle, (with_own, from_measures, none) = make_v1_database(tmp_path / "old.db")
    assert migrations.upgrade(handle, target=2) == 2
    assert "problem_fts" not in handle.get_tables()
    assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION
    campaign_id = handle.execute_sql("SELECT id FROM campaign").fetchone()[0]
    previous = models.database.obj
    models.database.initialize(handle)
    try:
        assert problem_query.search_index_ready()

        def found(text: str) -> list[int]:
            return problem_query.matching_ids(ProblemFilter(campaign_id, text=text))

        assert found("自带时限") == [with_own]
        assert found("措施二") == [from_measures]  # a measure's text, through the index
        assert found("措施") == [from_measures]  # two characters
        assert found("时限") == [with_own, none]
        assert found("已删") == []  # the deleted measure was not indexed
        # the triggers keep the index current from now on
        handle.execute_sql("UPDATE problem SET description = '限期整改到位' WHERE id = ?", (none,))
        assert found("限期整改") == [none] and found("无时限") == []
    finally:
        models.database.initialize(previous)


def test_upgrade_from_version_5_adds_an_empty_urge_table_and_keeps_problems(tmp_path):
    handle, ids = make_v1_database(tmp_path / "old.db")
    assert migrations.upgrade(handle, target=5) == 5
    assert "urge" not in handle.get_tables()
    assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION
    assert "urge" in handle.get_tables()
    columns = {c.name for c in handle.get_columns("urge")}
    assert {"problem_id", "unit_id", "code", "user_id", "user_name", "at", "as_of"} <= columns
    assert handle.execute_sql("SELECT count(*) FROM urge").fetchone()[0] == 0
    assert handle.execute_sql("SELECT count(*) FROM problem").fetchone()[0] == len(ids)
    # the new table is bound to the models: an urge can be stored against an old problem
    previous = models.database.obj
    models.database.initialize(handle)
    try:
        problem = models.Problem.get_by_id(ids[0])
        models.Urge.create(problem=problem, unit=problem.unit, code="ABCD-EFGH",
                           user_name="张三", as_of="2026-11-02")
        assert models.Urge.select().where(models.Urge.problem == problem).count() == 1
    finally:
        models.database.initialize(previous)


def test_upgrade_from_version_7_keeps_accounts_that_other_rows_point_at(tmp_path):
    """v008 adds a column to ``account``; rows of other tables refer to the accounts, and the
    upgrade must neither fail a foreign key nor lose them."""
    handle, ids = make_v1_database(tmp_path / "old.db")
    assert migrations.upgrade(handle, target=7) == 7
    stamp = "2026-05-10 09:00:00"
    with handle.bind_ctx(v1.MODELS):
        clerk = v1.User.create(username="luru", display_name="录入员", roles="clerk",
                               created_at=stamp, updated_at=stamp)
        v1.Transition.create(problem=ids[0], action="submit", from_state="draft",
                             to_state="submitted", user=clerk, user_name="录入员", at=stamp,
                             created_at=stamp, updated_at=stamp)
    assert migrations.upgrade(handle) == migrations.SCHEMA_VERSION
    assert handle.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    row = handle.execute_sql(
        "SELECT username, must_change_password FROM account").fetchall()
    assert row == [("luru", 0)]
    assert handle.execute_sql("SELECT user_id FROM transition").fetchall() == [(clerk.id,)]
    assert "sign_in_guard" in handle.get_tables()

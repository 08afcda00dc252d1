"""``rectify stats``: the same figures as the dashboard's core function, as JSON or a table."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.cli import main
from desktop.core import demo
from desktop.core.models import Campaign
from desktop.core.stats import campaign_figures
from tests.conftest import db_target


@pytest.fixture
def demo_db(database, tmp_path):
    result = demo.build_demo(150, 6, seed=5)
    return db_target(tmp_path / "test.db"), Campaign.get_by_id(result.campaign_id)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_exactly_campaign_figures(demo_db, capsys):
    path, campaign = demo_db
    code, out, _ = run(capsys, "stats", "--db", str(path), "--campaign", campaign.uuid, "--json")
    assert code == 0
    assert json.loads(out) == campaign_figures(campaign.id).as_dict()


def test_as_of_and_the_campaign_by_name(demo_db, capsys):
    path, campaign = demo_db
    code, out, _ = run(capsys, "stats", "--db", str(path), "--campaign", campaign.name,
                       "--as-of", "2026-11-20", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["as_of"] == "2026-11-20"
    assert shown == campaign_figures(campaign.id, dt.date(2026, 11, 20)).as_dict()


def test_the_table_shows_the_rates_and_every_unit(demo_db, capsys):
    path, campaign = demo_db
    code, out, _ = run(capsys, "stats", "--db", str(path), "--campaign", campaign.uuid)
    assert code == 0
    figures = campaign_figures(campaign.id)
    o = figures.overall
    assert f"{100 * o.completion_rate:.1f}%  ({o.closed} 已销号 closed / {o.in_ledger}" in out
    assert f"超期 overdue (red): {o.red} " in out
    assert f"下次报送 next filing (每月 monthly): {figures.filing.date.isoformat()}" in out
    for row in figures.units:
        assert row.name in out


def test_an_unknown_campaign_is_refused_in_both_languages(demo_db, capsys):
    path, _ = demo_db
    code, out, err = run(capsys, "stats", "--db", str(path), "--campaign", "没有这个专项")
    assert code == 2 and out == ""
    assert "错误" in err and "Error: No campaign is called 没有这个专项." in err

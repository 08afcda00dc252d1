"""The office's light colours: stored in the database, changed by an administrator only,
recorded in the audit log, and explained with the campaign's yellow window."""

from __future__ import annotations

import json

import pytest

from desktop.core import audit, light_style
from desktop.core.errors import PermissionDenied, ValidationError
from desktop.core.light_style import BLUE_SCHEME, set_light_colours
from desktop.core.models import AuditEvent, Meta
from desktop.core.org import update_campaign


def test_the_palette_is_stored_read_back_and_audited(office):
    assert light_style.light_colours()["green"] == "#1e8e3e"  # 红黄绿 until chosen
    set_light_colours(office.session("admin"), BLUE_SCHEME, {"red": "#AA0000"})
    colours = light_style.light_colours()
    assert colours["green"] == "#1a73e8" and colours["red"] == "#aa0000"
    assert colours["yellow"] == "#f2a600"  # from the scheme
    [event] = AuditEvent.select().where(AuditEvent.entity == "setting")
    assert event.user_name == "admin-用户" and event.entity_uuid == "light_style"
    assert json.loads(event.before)["scheme"] == "green-yellow-red"
    assert json.loads(event.after) == {"scheme": BLUE_SCHEME, "custom": {"red": "#aa0000"}}
    assert audit.verify().ok
    # choosing the same again records nothing
    set_light_colours(office.session("admin"), BLUE_SCHEME, {"red": "#aa0000"})
    assert AuditEvent.select().where(AuditEvent.entity == "setting").count() == 1


def test_only_an_administrator_may_change_the_colours(office):
    for who in ("clerk", "reviewer", "leader"):
        with pytest.raises(PermissionDenied):
            set_light_colours(office.session(who), BLUE_SCHEME)
    assert light_style.light_style().scheme == "green-yellow-red"


def test_bad_colours_are_refused_and_a_broken_stored_value_falls_back(office):
    with pytest.raises(ValidationError) as caught:
        set_light_colours(office.session("admin"), BLUE_SCHEME, {"red": "red"})
    assert "#RRGGBB" in caught.value.message("zh_CN")
    with pytest.raises(ValidationError):
        set_light_colours(office.session("admin"), "purple-scheme")
    Meta.insert(key="light_style", value="{not json").on_conflict(
        conflict_target=[Meta.key], update={Meta.value: "{not json"}).execute()
    assert light_style.light_colours()["green"] == "#1e8e3e"


def test_the_legend_names_the_lights_and_the_campaigns_yellow_window(office):
    update_campaign(office.session("admin"), office.campaign.id, yellow_workdays=5)
    office.campaign = type(office.campaign).get_by_id(office.campaign.id)
    texts = {e.light: e.texts("zh_CN") for e in light_style.legend(office.campaign)}
    assert texts["yellow"] == ("黄灯", "5个工作日内到期")
    assert texts["green"][0] == "绿灯" and texts["red"][0] == "红灯"
    assert "长期坚持" in texts["stale"][1] and "月" in texts["stale"][1]
    set_light_colours(office.session("admin"), BLUE_SCHEME)
    assert light_style.legend(office.campaign)[2].texts("zh_CN")[0] == "蓝灯"
    # a colour of the office's own has no colour name: the light is named by its meaning
    set_light_colours(office.session("admin"), BLUE_SCHEME, {"green": "#00ff00"})
    assert light_style.legend(office.campaign)[2].texts("zh_CN")[0] == "正常推进"

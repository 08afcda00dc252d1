"""Light colours on screen: the list draws the office's palette, the legend explains each
light with the campaign's yellow window, and the settings tab changes them (admins only)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.core import light_style
from desktop.core.deadlines import Light
from desktop.core.light_style import BLUE_SCHEME, set_light_colours
from desktop.core.org import update_campaign
from desktop.ui.light_legend import CHANGED, LightLegend
from desktop.ui.light_settings import LightSettingsPage
from desktop.ui.problem_list import ProblemListPage
from desktop.ui.problem_model import COLUMN_KEYS, light_icon
from tests.conftest import TODAY
from tests.ui.conftest import make_context
from tests.ui.test_problem_list import add_problem


def centre_colour(icon) -> str:
    return icon.pixmap(12, 12).toImage().pixelColor(6, 6).name()


def test_list_icons_are_drawn_in_the_configured_colour(qtbot, office, clerk_ctx):
    add_problem(office, "进度正常的问题", deadline=TODAY + dt.timedelta(days=40))
    page = ProblemListPage(clerk_ctx)
    qtbot.addWidget(page)
    index = page.model.index(0, COLUMN_KEYS.index("light"))
    assert centre_colour(index.data(Qt.ItemDataRole.DecorationRole)) == "#1e8e3e"
    set_light_colours(office.session("admin"), BLUE_SCHEME, {"red": "#aa0000"})
    clerk_ctx.changed(CHANGED)
    assert centre_colour(index.data(Qt.ItemDataRole.DecorationRole)) == "#1a73e8"
    assert centre_colour(light_icon(Light.RED)) == "#aa0000"
    # the legend under the filters shows the same colours
    mark = page.legend.marks["green"].pixmap().toImage()
    assert mark.pixelColor(7, 7).name() == "#1a73e8"
    assert "蓝灯" in page.legend.texts["green"].text()


def test_the_legend_shows_the_campaigns_yellow_window(qtbot, office, clerk_ctx):
    legend = LightLegend(clerk_ctx)
    qtbot.addWidget(legend)
    assert legend.texts["yellow"].text() == "黄灯：3个工作日内到期"
    assert "长期坚持" in legend.texts["stale"].text()
    update_campaign(office.session("admin"), office.campaign.id, yellow_workdays=5)
    clerk_ctx.changed("campaign")
    assert legend.texts["yellow"].text() == "黄灯：5个工作日内到期"
    assert "5个工作日" in legend.texts["green"].text()


def test_an_admin_picks_colours_with_a_live_preview_and_saves(qtbot, office, tmp_path):
    ctx = make_context(office, "admin", tmp_path)
    page = LightSettingsPage(ctx)
    qtbot.addWidget(page)
    assert not page.save_button.isEnabled()
    page.scheme_combo.setCurrentIndex(page.scheme_combo.findData(BLUE_SCHEME))
    assert "蓝灯" in page.preview.texts["green"].text()  # shown before it is saved
    assert light_style.light_style().scheme == "green-yellow-red"
    page.pick_colour = lambda start, parent: QColor("#123456")
    page.colour_buttons["stale"].click()
    assert page.colour_buttons["stale"].text() == "#123456"
    assert page.preview.marks["stale"].pixmap().toImage().pixelColor(7, 7).name() == "#123456"
    assert page.save()
    assert light_style.light_colours()["stale"] == "#123456"
    assert light_style.light_style().scheme == BLUE_SCHEME
    assert not page.save_button.isEnabled()
    page.reset_buttons["stale"].click()
    assert page.save()
    assert light_style.light_colours()["stale"] == light_style.SCHEMES[BLUE_SCHEME]["stale"]


def test_others_see_the_colours_read_only(qtbot, office, clerk_ctx):
    set_light_colours(office.session("admin"), BLUE_SCHEME)
    page = LightSettingsPage(clerk_ctx)
    qtbot.addWidget(page)
    assert page.scheme_combo.currentData() == BLUE_SCHEME
    assert not page.scheme_combo.isEnabled()
    assert not any(b.isEnabled() for b in page.colour_buttons.values())
    assert page.save_button.isHidden() and not page.read_only_note.isHidden()

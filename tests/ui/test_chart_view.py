"""The chart widget: shown at its size, saved as a picture, a bar clicked opens its unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QScrollArea, QToolTip

from desktop.core.i18n import _
from desktop.ui.chart_view import ChartView, file_name_for
from desktop.ui.charts import BarChart, BarPart, BarRow


def chart(count: int = 3) -> BarChart:
    names = ["县民政局", "县农业农村局", "县住房和城乡建设局"]
    rows = [BarRow(f"u{i}", names[i % 3] + ("" if i < 3 else str(i)), (i + 1.0, 1.0))
            for i in range(count)]
    return BarChart(rows, parts=(BarPart("已销号", "#1e8e3e"), BarPart("已逾期", "#d93025")),
                    title="各单位问题整改情况")


def shown(qtbot, view: ChartView, width: int = 600) -> ChartView:
    qtbot.addWidget(view)
    view.resize(width, view.heightForWidth(width))
    view.show()
    qtbot.waitExposed(view)
    return view


def centre_of(view: ChartView, key: str) -> QPoint:
    [hit] = [h for h in view.hit_areas() if h.key == key]
    bar = hit.shape.boundingRect()
    return QPoint(round(bar.center().x()), round(bar.center().y()))


def test_the_view_shows_the_chart_and_grows_with_the_units(qtbot):
    view = shown(qtbot, ChartView(chart()))
    picture = view.grab().toImage()
    colours = {picture.pixelColor(x, y).rgb() for x in range(0, picture.width(), 2)
               for y in range(0, picture.height(), 2)}
    assert QColor("#1e8e3e").rgb() in colours and QColor("#d93025").rgb() in colours
    many = ChartView(chart(40))
    qtbot.addWidget(many)
    assert many.minimumSizeHint().height() > 3 * view.minimumSizeHint().height()
    assert many.sizeHint().height() >= many.minimumSizeHint().height()
    scroller = QScrollArea()
    qtbot.addWidget(scroller)
    scroller.setWidgetResizable(True)
    scroller.setWidget(many)
    scroller.resize(600, 300)
    scroller.show()
    qtbot.waitExposed(scroller)
    assert many.height() >= many.minimumSizeHint().height()  # all 40 rows, scrolled
    assert len(many.hit_areas()) == 40


def test_clicking_a_bar_names_its_unit(qtbot):
    view = shown(qtbot, ChartView(chart()))
    with qtbot.waitSignal(view.category_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=centre_of(view, "u1"))
    assert blocker.args == ["u1"]
    with qtbot.assertNotEmitted(view.category_clicked):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))  # the title
        qtbot.mouseClick(view, Qt.MouseButton.RightButton, pos=centre_of(view, "u1"))


def test_the_others_row_is_not_a_unit(qtbot):
    limited = chart(12)
    limited.limit = 4
    view = shown(qtbot, ChartView(limited))
    others = view.hit_areas()[-1]
    assert others.key == ""
    with qtbot.assertNotEmitted(view.category_clicked):
        point = others.shape.boundingRect().center().toPoint()
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)


def test_the_tooltip_names_the_unit_and_its_figures(qtbot):
    view = shown(qtbot, ChartView(chart()))
    hit = view.hit_at(centre_of(view, "u2"))
    assert hit is not None and hit.key == "u2"
    assert "县住房和城乡建设局" in hit.tooltip
    assert "已销号：3" in hit.tooltip and "已逾期：1" in hit.tooltip
    assert view.hit_at(QPoint(view.width() - 2, view.height() - 2)) is None


def test_save_as_image_writes_the_picture_shown(qtbot, tmp_path, monkeypatch):
    view = shown(qtbot, ChartView(chart()))
    asked = {}

    def fake_dialog(parent, caption, suggested, filters):
        asked["suggested"] = suggested
        return str(tmp_path / "整改情况"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_dialog))
    [action] = view.context_menu().actions()
    assert action.text() == _("Save as image…")
    action.trigger()
    assert Path(asked["suggested"]).name == "各单位问题整改情况.png"
    saved = QImage(str(tmp_path / "整改情况.png"))
    assert (saved.width(), saved.height()) == (2 * view.width(), 2 * view.height())
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args: ("", "")))
    assert view.save_as_image() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["整改情况.png"]


def test_file_names_keep_chinese_and_drop_what_windows_refuses():
    assert file_name_for("各单位 完成率: 11/2") == "各单位_完成率_11_2.png"
    assert file_name_for("") == f"{_('chart')}.png"


def test_an_empty_view_is_harmless(qtbot):
    view = shown(qtbot, ChartView())
    assert view.hit_areas() == []
    assert not view.context_menu().actions()[0].isEnabled()
    assert view.save_as_image() is None


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen, for the tip
def test_hovering_shows_the_tooltip(qtbot):
    view = shown(qtbot, ChartView(chart()))
    point = centre_of(view, "u0")
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, point, view.mapToGlobal(point)))
    assert QToolTip.isVisible() and "县民政局" in QToolTip.text()
    title = QPoint(5, 5)
    QApplication.sendEvent(view, QHelpEvent(QEvent.Type.ToolTip, title, view.mapToGlobal(title)))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=2000)  # nothing there

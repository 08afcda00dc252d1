"""The charts, rendered to PNG and read back pixel by pixel as a reader of the report sees them."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontDatabase, QFontMetricsF, QImage

from desktop.core import i18n
from desktop.ui import charts
from desktop.ui.chart_dates import (
    BurnDownChart,
    Milestone,
    Phase,
    TimelineChart,
    date_ticks,
)
from desktop.ui.charts import (
    DEFAULT_LIGHTS,
    BarChart,
    BarPart,
    BarRow,
    ChartStyle,
    DonutChart,
    Slice,
    hit_areas,
    nice_ticks,
    render_image,
    render_png,
    save_png,
)

ROOT = Path(__file__).resolve().parents[2]
BAR = "#3d6fa8"
WHITE = QColor("#ffffff")


@pytest.fixture(autouse=True)
def _gui(qapp):
    """Charts paint text: they need the application the window (or ensure_gui_app) makes."""
    return qapp


def read_png(data: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(data, "PNG")
    return image


def run_length(image: QImage, y: int, color: str, x0: int = 0, x1: int | None = None) -> int:
    """How many pixels of exactly ``color`` lie on row ``y`` (a bar's length)."""
    wanted = QColor(color).rgb()
    end = image.width() if x1 is None else x1
    return sum(1 for x in range(x0, end) if image.pixelColor(x, y).rgb() == wanted)


def ink(image: QImage, rect: QRectF | None = None) -> int:
    """Pixels that are not the white background."""
    box = (rect or QRectF(image.rect())).toRect().intersected(image.rect())
    return sum(1 for x in range(box.left(), box.right() + 1)
               for y in range(box.top(), box.bottom() + 1)
               if image.pixelColor(x, y).rgb() != WHITE.rgb())


def reddish(color: QColor) -> bool:
    return color.red() > 150 and color.green() < 110 and color.blue() < 110


def row_centres(chart, width: int, height: int) -> dict[str, int]:
    return {hit.key: round(hit.shape.boundingRect().center().y())
            for hit in hit_areas(chart, QRectF(0, 0, width, height))}


def units(count: int) -> list[BarRow]:
    return [BarRow(f"u{i}", f"县住房和城乡建设局第{i}分局", (float(i % 7 + 1),))
            for i in range(count)]


# ---------------------------------------------------------------- bars


def test_bar_lengths_follow_the_values():
    chart = BarChart([BarRow("a", "县民政局", (10,)), BarRow("b", "县农业农村局", (20,)),
                      BarRow("c", "县委办公室", (40,))], title="各单位问题数")
    image = read_png(render_png(chart, 600, scale=1))
    assert (image.width(), image.height()) == (600, round(chart.preferred_height(600)))
    centres = row_centres(chart, 600, image.height())
    lengths = {key: run_length(image, y, BAR) for key, y in centres.items()}
    assert lengths["a"] > 20
    assert lengths["b"] == pytest.approx(2 * lengths["a"], abs=3)
    assert lengths["c"] == pytest.approx(4 * lengths["a"], abs=3)


def test_stacked_parts_each_take_their_share_of_the_bar():
    parts = (BarPart("已销号", DEFAULT_LIGHTS["green"]), BarPart("整改中", BAR),
             BarPart("已逾期", DEFAULT_LIGHTS["red"]))
    chart = BarChart([BarRow("a", "县民政局", (6, 4, 2)), BarRow("b", "县财政局", (0, 0, 12))],
                     parts=parts, title="整改情况")
    image = render_image(chart, 640, scale=1)
    # along the top edge of the bars: the numbers written inside the segments are lower down
    edge = round(chart.row_height() * 0.62 / 2) - 2
    y = row_centres(chart, 640, image.height())["a"] - edge
    green, blue, red = (run_length(image, y, p.color) for p in parts)
    assert green == pytest.approx(3 * red, abs=4)
    assert blue == pytest.approx(2 * red, abs=4)
    full = row_centres(chart, 640, image.height())["b"] - edge
    assert run_length(image, full, DEFAULT_LIGHTS["red"]) == pytest.approx(green + blue + red,
                                                                          abs=4)


def test_percentages_use_a_fixed_scale_and_print_the_value():
    chart = BarChart([BarRow("a", "县民政局", (50.0,))], title="整改完成率", maximum=100,
                     decimals=1, unit="%")
    full = BarChart([BarRow("a", "县民政局", (100.0,))], title="整改完成率", maximum=100,
                    decimals=1, unit="%")
    half_image, full_image = render_image(chart, 600, scale=1), render_image(full, 600, scale=1)
    y = row_centres(chart, 600, half_image.height())["a"]
    assert run_length(full_image, y, BAR) == pytest.approx(2 * run_length(half_image, y, BAR),
                                                           abs=3)
    [hit] = hit_areas(chart, QRectF(0, 0, 600, half_image.height()))
    assert "50.0%" in hit.tooltip and "县民政局" in hit.tooltip


def test_chinese_labels_are_drawn_as_glyphs_not_boxes():
    """Two labels of the same length differ in the picture: a font without Chinese would
    draw the same empty boxes for both."""
    def label_area(label: str) -> QImage:
        chart = BarChart([BarRow("a", label, (5,))])
        image = render_image(chart, 500, scale=1)
        return image.copy(0, 0, 150, image.height())

    first, second = label_area("县民政局"), label_area("县农业局")
    blank = label_area("\u3000" * 4)  # four ideographic spaces: the same width, no ink
    assert ink(first) > ink(blank) + 100
    assert first != second


def test_the_chart_font_has_chinese_and_the_bundled_one_stands_in(monkeypatch):
    family = charts.chart_font_family()
    assert QFontMetricsF(ChartStyle().font()).inFontUcs4(ord("销"))
    monkeypatch.setattr(charts, "PREFERRED_FAMILIES", ())
    charts.reset_font_choice()
    try:
        bundled = charts.chart_font_family()
        assert QFontDatabase.WritingSystem.SimplifiedChinese in \
            QFontDatabase.writingSystems(bundled)
        assert "wenquanyi" in bundled.lower()
    finally:
        charts.reset_font_choice()
    assert family


def test_long_unit_names_are_shortened_with_the_full_name_in_the_tooltip():
    name = "县自然资源和规划局（县林业局）不动产登记中心第二服务窗口" * 2
    chart = BarChart([BarRow("a", name, (3,)), BarRow("b", "县民政局", (5,))])
    image = render_image(chart, 420, scale=1)
    centres = row_centres(chart, 420, image.height())
    assert run_length(image, centres["a"], BAR) > 30  # the bar still has room
    [hit] = [h for h in hit_areas(chart, QRectF(0, 0, 420, image.height())) if h.key == "a"]
    assert name in hit.tooltip


def test_forty_units_make_a_taller_picture_with_every_unit_legible():
    ten, forty = BarChart(units(10)), BarChart(units(40))
    assert forty.preferred_height(700) > 3 * ten.preferred_height(700)
    image = read_png(render_png(forty, 700, scale=1))
    hits = hit_areas(forty, QRectF(0, 0, 700, image.height()))
    assert [h.key for h in hits] == [f"u{i}" for i in range(40)]
    text_height = QFontMetricsF(forty.style.font()).height()
    assert all(h.shape.boundingRect().height() >= text_height for h in hits)


def test_the_rest_are_added_up_into_others_when_limited_or_short_of_room():
    rows = units(40)
    limited = BarChart(rows, limit=10)
    hits = hit_areas(limited, QRectF(0, 0, 700, limited.preferred_height(700)))
    assert len(hits) == 10
    others = hits[-1]
    assert others.key == ""  # not a unit: clicking it opens nothing
    rest = sum(r.total for r in rows[9:])
    assert format(round(rest), ",") in others.tooltip
    assert rows[9].label in others.tooltip
    cramped = hit_areas(BarChart(rows), QRectF(0, 0, 700, 260))
    assert 2 < len(cramped) < 40 and cramped[-1].key == ""
    assert all(h.shape.boundingRect().bottom() <= 260 for h in cramped)


def test_rates_are_never_added_up():
    rows = [BarRow(f"u{i}", f"单位{i}", (50.0,)) for i in range(8)]
    chart = BarChart(rows, maximum=100, unit="%", limit=4)
    others = hit_areas(chart, QRectF(0, 0, 600, chart.preferred_height(600)))[-1]
    assert "200" not in others.tooltip and "单位7" in others.tooltip


# ---------------------------------------------------------------- empty charts


@pytest.mark.parametrize("chart", [
    BarChart([], title="各单位整改完成率"),
    BurnDownChart([], title="未销号问题"),
    TimelineChart([], title="工作进度"),
    DonutChart([Slice("red", "已逾期", 0, DEFAULT_LIGHTS["red"])], title="状态"),
], ids=["bars", "burn-down", "timeline", "donut"])
def test_no_data_gives_a_plain_message_instead_of_a_crash(chart):
    i18n.set_language("en")
    image = render_image(chart, 480, 200, scale=1)
    assert hit_areas(chart, QRectF(0, 0, 480, 200)) == []
    middle = QRectF(140, 80, 200, 80)  # where "No data" is written
    assert ink(image, middle) > 30
    untitled = render_image(type(chart)(**{**vars(chart), "title": ""}), 480, 200, scale=1)
    assert image.copy(0, 0, 480, 24) != untitled.copy(0, 0, 480, 24)  # the title is kept


# ---------------------------------------------------------------- burn-down


def burn_down() -> BurnDownChart:
    start = dt.date(2026, 5, 1)
    actual = [(start + dt.timedelta(days=7 * week), 80 - 2 * week) for week in range(27)]
    return BurnDownChart(actual, ideal=[(start, 80), (dt.date(2026, 11, 30), 0)],
                         today=dt.date(2026, 11, 2), end=dt.date(2026, 12, 31),
                         title="未销号问题数变化")


def test_burn_down_draws_the_line_the_ideal_and_today():
    chart = burn_down()
    image = render_image(chart, 720, 320, scale=1)
    assert (image.width(), image.height()) == (720, 320)
    hits = hit_areas(chart, QRectF(0, 0, 720, 320))
    assert len(hits) == len(chart.actual)
    # a point's band reaches halfway to its neighbours, which are a week away on either side
    second = hits[1].shape.boundingRect()
    per_day = second.width() / 7
    today_x = second.center().x() + (chart.today - chart.actual[1][0]).days * per_day
    columns = {x: sum(1 for y in range(320) if reddish(image.pixelColor(x, y)))
               for x in range(720)}
    marker = max(columns, key=columns.get)
    assert columns[marker] > 60
    assert marker == pytest.approx(today_x, abs=2)
    assert sum(1 for x in range(720) for y in range(0, 320, 2)
               if image.pixelColor(x, y).rgb() == QColor(BAR).rgb()) > 200
    assert "2026" in hits[0].tooltip and "80" in hits[0].tooltip


def test_ticks_are_round_numbers_and_dates_that_fit():
    assert nice_ticks(86) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(3, integer=True) == [0, 1, 2, 3]
    assert nice_ticks(86, 4, integer=True) == [0, 25, 50, 75, 100]
    assert nice_ticks(9, 4, integer=True) == [0, 5, 10]  # never 2.5 problems
    assert nice_ticks(0, integer=True) == [0, 1]
    i18n.set_language("en")
    metrics = QFontMetricsF(ChartStyle().font(12))
    months = date_ticks(dt.date(2026, 5, 1), dt.date(2026, 12, 31), 700, metrics)
    assert [d.month for d, _label in months] == [5, 6, 7, 8, 9, 10, 11, 12]
    assert months[0][1] == "2026-05" and months[1][1] == "06"  # the year once
    narrow = date_ticks(dt.date(2026, 5, 1), dt.date(2026, 12, 31), 200, metrics)
    assert 2 <= len(narrow) < len(months)
    days = date_ticks(dt.date(2026, 10, 30), dt.date(2026, 11, 5), 700, metrics)
    assert [label for _d, label in days] == ["10/30", "10/31", "11/1", "11/2", "11/3", "11/4",
                                             "11/5"]
    weeks = date_ticks(dt.date(2026, 10, 1), dt.date(2026, 11, 30), 500, metrics)
    assert all(d.weekday() == 0 for d, _label in weeks)  # on Mondays


# ---------------------------------------------------------------- timeline


def timeline(**changes) -> TimelineChart:
    phases = [Phase("研究部署", dt.date(2026, 5, 1), dt.date(2026, 5, 15)),
              Phase("自查整改", dt.date(2026, 5, 16), dt.date(2026, 7, 31)),
              Phase("整治查纠", dt.date(2026, 8, 1), dt.date(2026, 10, 31)),
              Phase("巩固提升", dt.date(2026, 11, 1), dt.date(2026, 12, 31))]
    stones = [Milestone("问题清单报送", dt.date(2026, 5, 12), done=True, key="m1"),
              Milestone("中期评估", dt.date(2026, 8, 15)),
              Milestone("工作总结报送", dt.date(2026, 11, 8))]
    return TimelineChart(phases, stones, today=dt.date(2026, 11, 2), **changes)


def test_timeline_fits_a_strip_and_marks_milestones_by_state():
    chart = timeline()
    image = render_image(chart, 900, 120, scale=1)
    assert (image.width(), image.height()) == (900, 120)
    hits = hit_areas(chart, QRectF(0, 0, 900, 120))
    assert all(h.shape.boundingRect().bottom() <= 120 for h in hits)
    tips = [h.tooltip for h in hits]
    assert any("自查整改" in tip for tip in tips)
    done, missed, ahead = hits[4:]
    assert done.key == "m1" and "问题清单报送" in done.tooltip

    def colours(picture: QImage, hit) -> set[int]:
        box = hit.shape.boundingRect().toRect()
        return {picture.pixelColor(x, y).rgb() for x in range(box.left(), box.right())
                for y in range(box.top(), box.bottom())}

    green, red = QColor(DEFAULT_LIGHTS["green"]).rgb(), QColor(DEFAULT_LIGHTS["red"]).rgb()
    assert green in colours(image, done) and red not in colours(image, done)
    assert red in colours(image, missed) and green not in colours(image, missed)
    assert red not in colours(image, ahead) and green not in colours(image, ahead)
    custom = timeline(lights={"green": "#00aa00", "red": "#aa0000"})
    custom_image = render_image(custom, 900, 120, scale=1)
    assert QColor("#00aa00").rgb() in colours(custom_image, done)
    assert QColor("#aa0000").rgb() in colours(custom_image, missed)


def test_phase_names_are_written_inside_their_segments():
    named, unnamed = timeline(), TimelineChart(
        [Phase("", p.start, p.end) for p in timeline().phases], timeline().milestones,
        today=dt.date(2026, 11, 2))
    band = [h for h in hit_areas(named, QRectF(0, 0, 900, 120))][1].shape.boundingRect()
    with_names = render_image(named, 900, 120, scale=1).copy(band.toRect())
    without = render_image(unnamed, 900, 120, scale=1).copy(band.toRect())
    assert with_names != without


# ---------------------------------------------------------------- donut and output


def test_donut_shares_and_their_hits():
    chart = DonutChart([Slice("red", "已逾期", 1, DEFAULT_LIGHTS["red"]),
                        Slice("green", "正常推进", 3, DEFAULT_LIGHTS["green"])],
                       title="问题状态", center_label="问题总数")
    image = render_image(chart, 480, scale=1)
    red = sum(1 for x in range(0, 240) for y in range(image.height())
              if image.pixelColor(x, y).rgb() == QColor(DEFAULT_LIGHTS["red"]).rgb())
    green = sum(1 for x in range(0, 240) for y in range(image.height())
                if image.pixelColor(x, y).rgb() == QColor(DEFAULT_LIGHTS["green"]).rgb())
    assert green == pytest.approx(3 * red, rel=0.15)
    keys = [h.key for h in hit_areas(chart, QRectF(0, 0, 480, image.height()))]
    assert keys.count("red") == 2  # the ring and the legend line
    assert any("75.0%" in h.tooltip for h in hit_areas(chart, QRectF(0, 0, 480, 200)))


def test_png_is_twice_as_sharp_and_says_so(tmp_path):
    chart = BarChart(units(3), title="问题数")
    target = save_png(chart, tmp_path / "问题数.png", 500, 240)
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1000, 480)
    assert image.dotsPerMeterX() == pytest.approx(2 * 96 / 0.0254, abs=2)
    assert [p.name for p in tmp_path.iterdir()] == ["问题数.png"]
    with pytest.raises(ValueError):
        render_png(chart, 0, 100)


def test_a_plain_python_gets_an_offscreen_application_for_printing(tmp_path):
    """The CLI prints the 阶段性报告 without a window: rendering creates what it needs, and
    a platform the user chose is kept."""
    script = (
        "import sys\n"
        "from desktop.ui.charts import BarChart, BarRow, render_png\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "data = render_png(BarChart([BarRow('a', '县民政局', (3,))]), 300, 120)\n"
        "print(QGuiApplication.platformName(), len(data) > 1000, data[:4] == b'\\x89PNG')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["offscreen", "True", "True"]
    env["QT_QPA_PLATFORM"] = "minimal:enable_fonts"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "minimal"

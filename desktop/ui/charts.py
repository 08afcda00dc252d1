"""Charts for the dashboard, the statistics page, PNG files and the printed 阶段性报告.

One renderer draws on any QPainter, so the figure in the printed report is the picture the user
saw on screen. PySide6-Essentials has no QtCharts and a chart library would bring a web engine
or matplotlib into an installer that is copied by USB stick; a few hundred lines of QPainter
cover the kinds an office needs.

Charts take plain data (labels, numbers, dates), never the database: core works the figures
out and the window, the CLI and the tests hand the same objects to the same painter.

Geometry is in logical pixels and fonts are set in pixel sizes, so a layout does not depend on
the device's DPI: the widget's hit areas match the screen, and a PNG at ``scale=2`` is the same
picture with twice the pixels. The bar chart and the donut live here; the charts with a date
axis (burn-down, phase timeline) are in :mod:`desktop.ui.chart_dates`.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QApplication

from desktop.core.i18n import _
from desktop.exchange import fonts

DEFAULT_LIGHTS = {"red": "#d93025", "yellow": "#f9ab00", "green": "#1e8e3e"}
ACCENT = "#3d6fa8"  # a single series: bars, the burn-down line, pending milestones
# further series, muted so that a page of charts stays calm next to the red/yellow/green lights
SERIES_COLORS = ("#3d6fa8", "#6b9e78", "#c8964a", "#8a7bb0", "#4f9aa6", "#b47272", "#7f8c8d")
# Sans-serif CJK families as Windows, Kylin/UOS and common Linux installs name them, best first.
# Charts use a 黑体-like face: thin strokes of 宋体/仿宋 vanish at chart sizes.
PREFERRED_FAMILIES = (
    "Microsoft YaHei", "微软雅黑", "SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC",
    "思源黑体", "WenQuanYi Micro Hei",
)
PAD = 12.0


# ---------------------------------------------------------------- application and fonts

_app: QGuiApplication | None = None
_family: str | None = None


def ensure_gui_app() -> QGuiApplication:
    """The running QGuiApplication, or an offscreen one for a process without a window (the
    CLI printing a report): QPainter cannot lay out text without one. It is made a full
    QApplication, so that a window or dialog opened later in the same process still works."""
    global _app
    existing = QGuiApplication.instance()
    if existing is not None:
        if not isinstance(existing, QGuiApplication):
            raise RuntimeError("charts need a QGuiApplication, not a QCoreApplication")
        return existing
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QApplication([sys.argv[0] if sys.argv and sys.argv[0] else "rectify"])
    return _app


def _has_chinese(family: str) -> bool:
    systems = QFontDatabase.writingSystems(family)
    return QFontDatabase.WritingSystem.SimplifiedChinese in systems


def chart_font_family() -> str:
    """A family that draws Chinese: the PC's own 黑体 when it has one, else the bundled
    WenQuanYi Micro Hei, registered with Qt on first use."""
    global _family
    if _family is None:
        installed = set(QFontDatabase.families())
        _family = next((name for name in PREFERRED_FAMILIES
                        if name in installed and _has_chinese(name)), None)
        if _family is None:
            font_id = QFontDatabase.addApplicationFont(str(fonts.bundled_font()))
            names = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            plain = [name for name in names if "mono" not in name.lower()]
            if not plain:
                raise FileNotFoundError("no font with Chinese characters is installed and the "
                                        f"bundled one cannot be loaded: {fonts.bundled_font()}")
            _family = plain[0]
    return _family


def reset_font_choice() -> None:
    """Forget the chosen family (tests that change what is installed)."""
    global _family
    _family = None


# ---------------------------------------------------------------- shared pieces


@dataclass(frozen=True)
class ChartStyle:
    """Colours and type sizes shared by every chart kind; ``font_family`` "" picks a CJK one."""

    font_family: str = ""
    font_px: float = 13.0
    title_px: float = 15.0
    text: str = "#2b2b2b"
    muted: str = "#6f6f6f"
    grid: str = "#e4e4e4"
    axis: str = "#a0a0a0"
    background: str = "#ffffff"  # "" leaves the device as it is (a transparent PNG)
    today: str = "#c0392b"

    def font(self, px: float | None = None, bold: bool = False) -> QFont:
        font = QFont(self.font_family or chart_font_family())
        font.setPixelSize(max(1, round(px or self.font_px)))
        font.setBold(bold)
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        return font


@dataclass(frozen=True)
class HitArea:
    """A region of a painted chart: what the mouse is over. ``key`` "" is not clickable."""

    shape: QPainterPath
    key: str
    tooltip: str

    def contains(self, point: QPointF) -> bool:
        return self.shape.contains(point)


def rect_area(rect: QRectF, key: str, tooltip: str) -> HitArea:
    path = QPainterPath()
    path.addRect(rect)
    return HitArea(path, key, tooltip)


class Chart(Protocol):
    title: str
    style: ChartStyle

    def paint(self, painter: QPainter, rect: QRectF) -> list[HitArea]: ...

    def preferred_height(self, width: float) -> float: ...

    def minimum_height(self, width: float) -> float: ...


def nice_ticks(high: float, count: int = 5, integer: bool = False) -> list[float]:
    """0 … a round number at or above ``high`` in about ``count`` steps of 1, 2, 2.5 or 5 × 10ⁿ
    (2.5 only where it gives whole numbers with ``integer``: 25, 250 …)."""
    high = high if high > 0 else 1.0
    raw = high / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 2.5, 5, 10) if not integer or magnitude >= 10 else (1, 2, 5, 10)
    step = next(m * magnitude for m in factors if m * magnitude >= raw - 1e-12)
    if integer:
        step = max(1.0, float(math.ceil(step)))
    steps = math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def format_number(value: float, decimals: int = 0, unit: str = "") -> str:
    text = f"{value:,.{decimals}f}" if decimals else f"{round(value):,}"
    return text + unit


def qcolor(value: str | QColor) -> QColor:
    return QColor(value)


def text_color_on(fill: QColor) -> QColor:
    """White on dark fills, near-black on light ones (the yellow light)."""
    lum = 0.299 * fill.red() + 0.587 * fill.green() + 0.114 * fill.blue()
    return QColor("#ffffff") if lum < 165 else QColor("#202020")


def begin(painter: QPainter, rect: QRectF, style: ChartStyle, title: str) -> QRectF:
    """Fill the background, draw the title, return what is left for the chart."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    if style.background:
        painter.fillRect(rect, qcolor(style.background))
    inner = rect.adjusted(PAD, PAD * 0.75, -PAD, -PAD * 0.75)
    if title:
        font = style.font(style.title_px, bold=True)
        height = QFontMetricsF(font).height() * 1.45
        draw_text(painter, QRectF(inner.left(), inner.top(), inner.width(), height), title,
                  font, style.text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        inner.setTop(inner.top() + height)
    return inner


def title_height(style: ChartStyle, title: str) -> float:
    return QFontMetricsF(style.font(style.title_px, True)).height() * 1.45 if title else 0.0


def draw_text(painter: QPainter, rect: QRectF, text: str, font: QFont, color: str | QColor,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, elide: bool = True) -> None:
    """Text in ``rect``, centred vertically unless ``align`` says otherwise, cut with "…"
    rather than spilling into its neighbour."""
    if elide:
        text = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    if not align & Qt.AlignmentFlag.AlignVertical_Mask:
        align = align | Qt.AlignmentFlag.AlignVCenter
    painter.setFont(font)
    painter.setPen(qcolor(color))
    painter.drawText(rect, int(align), text)


def draw_no_data(painter: QPainter, rect: QRectF, style: ChartStyle) -> None:
    """A calm placeholder, so an empty chart is plainly empty rather than broken."""
    box = rect.adjusted(2, 2, -2, -2)
    if box.width() < 10 or box.height() < 10:
        return
    pen = QPen(qcolor(style.grid), 1, Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(box, 4, 4)
    draw_text(painter, box, _("No data"), style.font(), style.muted, Qt.AlignmentFlag.AlignCenter)


def legend_height(style: ChartStyle) -> float:
    return QFontMetricsF(style.font()).height() * 1.6


def draw_legend(painter: QPainter, rect: QRectF, entries: Sequence[tuple[str, QColor, str]],
                style: ChartStyle) -> None:
    """One line of entries (label, colour, mark): mark "box", "line" or "dash"."""
    font = style.font()
    metrics = QFontMetricsF(font)
    x, mid = rect.left(), rect.center().y()
    for label, color, mark in entries:
        if mark == "box":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRect(QRectF(x, mid - 5, 10, 10))
        else:
            style_ = Qt.PenStyle.DashLine if mark == "dash" else Qt.PenStyle.SolidLine
            painter.setPen(QPen(color, 2, style_))
            painter.drawLine(QPointF(x - 2, mid), QPointF(x + 14, mid))
        x += 18
        width = metrics.horizontalAdvance(label)
        if x + width > rect.right():
            break
        draw_text(painter, QRectF(x, rect.top(), width + 2, rect.height()), label, font,
                  style.text, elide=False)
        x += width + 18


# ---------------------------------------------------------------- bar chart


@dataclass(frozen=True)
class BarPart:
    """One part of a stacked bar (已销号, 整改中, 已逾期 …), or the only one of a plain bar."""

    label: str
    color: str = ACCENT


@dataclass(frozen=True)
class BarRow:
    """One category: ``key`` is handed back when it is clicked (a unit id, an area code)."""

    key: str
    label: str
    values: tuple[float, ...]
    color: str = ""  # a plain bar's own colour (e.g. its light), else the part's

    @property
    def total(self) -> float:
        return float(sum(self.values))


@dataclass
class BarChart:
    """Horizontal bars per unit or area: one value each, or stacked parts with a legend.

    ``maximum`` fixes the scale (100 for percentages); with ``None`` it follows the data and
    the values are counts, so rows beyond ``limit`` (or beyond what the height holds) are added
    up into one "others" row. Rates cannot be added up: there the "others" row only names how
    many were left out, and the picture should rather grow (see ``preferred_height``).
    Rows are drawn in the order given; sort them before, e.g. most overdue first.
    """

    rows: Sequence[BarRow]
    parts: Sequence[BarPart] = (BarPart(""),)
    title: str = ""
    maximum: float | None = None
    decimals: int = 0
    unit: str = ""
    limit: int | None = None
    style: ChartStyle = field(default_factory=ChartStyle)

    def row_height(self) -> float:
        return max(22.0, QFontMetricsF(self.style.font()).height() * 1.75)

    def _chrome_height(self) -> float:
        legend = legend_height(self.style) if self._legend() else 0.0
        axis = QFontMetricsF(self.style.font(self.style.font_px - 1)).height() * 1.6
        return PAD * 1.5 + title_height(self.style, self.title) + legend + axis

    def shown_rows(self, room: int | None = None) -> list[BarRow]:
        """The rows to draw: all of them, or the first ones and an "others" row."""
        rows = list(self.rows)
        cap = min(x for x in (self.limit, room, len(rows)) if x is not None)
        if len(rows) <= cap:
            return rows
        keep, rest = rows[:max(0, cap - 1)], rows[max(0, cap - 1):]
        if self.maximum is None:
            sums = tuple(float(sum(r.values[i] for r in rest if i < len(r.values)))
                         for i in range(len(self.parts)))
        else:
            sums = ()
        return keep + [BarRow("", _("Others ({count})").format(count=len(rest)), sums)]

    def preferred_height(self, width: float) -> float:
        count = max(1, len(self.shown_rows()))
        return math.ceil(self._chrome_height() + count * self.row_height())

    def minimum_height(self, width: float) -> float:
        return self.preferred_height(width)

    def _legend(self) -> bool:
        return len(self.parts) > 1

    def _value_text(self, row: BarRow) -> str:
        return format_number(row.total, self.decimals, self.unit) if row.values else ""

    def _tooltip(self, row: BarRow, others: Sequence[BarRow] = ()) -> str:
        lines = [row.label]
        if others:
            names = "、".join(r.label for r in others[:12]) + ("、…" if len(others) > 12 else "")
            lines.append(names)
        if not row.values:
            return "\n".join(lines)
        if len(self.parts) > 1:
            for part, value in zip(self.parts, row.values, strict=False):
                lines.append(f"{part.label}：{format_number(value, self.decimals, self.unit)}")
            lines.append(_("Total: {value}").format(value=self._value_text(row)))
        else:
            name = self.parts[0].label if self.parts else ""
            lines.append(f"{name}：{self._value_text(row)}" if name else self._value_text(row))
        return "\n".join(lines)

    def paint(self, painter: QPainter, rect: QRectF) -> list[HitArea]:
        style = self.style
        area = begin(painter, rect, style, self.title)
        if not self.rows:
            draw_no_data(painter, area, style)
            return []
        if self._legend():
            height = legend_height(style)
            draw_legend(painter, QRectF(area.left(), area.top(), area.width(), height),
                        [(p.label, qcolor(p.color), "box") for p in self.parts], style)
            area.setTop(area.top() + height)
        font, small = style.font(), style.font(style.font_px - 1)
        metrics, small_metrics = QFontMetricsF(font), QFontMetricsF(small)
        axis_h = small_metrics.height() * 1.6
        row_h = self.row_height()
        room = max(1, int((area.height() - axis_h) // row_h))
        rows = self.shown_rows(room)
        cut = len(rows) < len(self.rows)
        # the "others" row is a remainder, not a category: it gets no bar and no say in the scale
        totals = [row.total for row in (rows[:-1] if cut else rows)]
        if self.maximum is not None:
            ticks = nice_ticks(self.maximum, 5, integer=self.decimals == 0)
            top = self.maximum
            ticks = [t for t in ticks if t <= top + 1e-9]
        else:
            top = max(totals, default=0.0)
            ticks = nice_ticks(top, 5 if area.width() > 360 else 3, integer=self.decimals == 0)
            top = ticks[-1]
        label_w = min(max((metrics.horizontalAdvance(r.label) for r in rows), default=0) + 10,
                      area.width() * 0.36)
        # a fixed scale keeps room for its largest value, so two rate charts line up
        widest = [self._value_text(r) for r in (rows[:-1] if cut else rows)]
        if self.maximum is not None:
            widest.append(format_number(self.maximum, self.decimals, self.unit))
        value_w = max((metrics.horizontalAdvance(text) for text in widest), default=0) + 8
        value_w = max(value_w, small_metrics.horizontalAdvance(
            format_number(ticks[-1], 0, self.unit)) / 2)
        plot = QRectF(area.left() + label_w, area.top(), area.width() - label_w - value_w,
                      len(rows) * row_h)
        if plot.width() < 20:
            draw_no_data(painter, area, style)
            return []

        def x_of(value: float) -> float:
            return plot.left() + plot.width() * max(0.0, min(value, top)) / (top or 1.0)

        # grid and axis labels
        for tick in ticks:
            x = x_of(tick)
            painter.setPen(QPen(qcolor(style.axis if tick == 0 else style.grid), 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            text = format_number(tick, 0 if float(tick).is_integer() else 1, self.unit)
            width = small_metrics.horizontalAdvance(text) + 4
            draw_text(painter, QRectF(x - width / 2, plot.bottom() + 2, width, axis_h), text,
                      small, style.muted, Qt.AlignmentFlag.AlignHCenter, elide=False)
        hits: list[HitArea] = []
        for index, row in enumerate(rows):
            band = QRectF(area.left(), plot.top() + index * row_h, area.width(), row_h)
            is_others = cut and index == len(rows) - 1
            draw_text(painter, QRectF(band.left(), band.top(), label_w - 8, row_h), row.label,
                      font, style.muted if is_others else style.text, Qt.AlignmentFlag.AlignRight)
            if is_others:
                total = _("Total: {value}").format(value=self._value_text(row))
                draw_text(painter, QRectF(plot.left() + 6, band.top(), plot.width(), row_h),
                          total if row.values else "", font, style.muted)
                tip = self._tooltip(row, list(self.rows)[len(rows) - 1:])
                hits.append(rect_area(band, row.key, tip))
                continue
            self._paint_bar(painter, row, QRectF(plot.left(), band.top(), plot.width(), row_h),
                            x_of, value_w)
            hits.append(rect_area(band, row.key, self._tooltip(row)))
        return hits

    def _paint_bar(self, painter: QPainter, row: BarRow, lane: QRectF, x_of, value_w: float
                   ) -> None:
        font, small = self.style.font(), self.style.font(self.style.font_px - 1)
        metrics = QFontMetricsF(font)
        bar_h = lane.height() * 0.62
        bar_top = lane.center().y() - bar_h / 2
        x = lane.left()
        for part_index, value in enumerate(row.values):
            end = x_of(sum(row.values[:part_index + 1]))
            if end - x <= 0:
                continue
            part = self.parts[part_index] if part_index < len(self.parts) else BarPart("")
            fill = qcolor(row.color if row.color and len(self.parts) == 1 else part.color)
            segment = QRectF(x, bar_top, end - x, bar_h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(fill))
            painter.drawRect(segment)
            inner = format_number(value, self.decimals)
            if len(row.values) > 1 and metrics.horizontalAdvance(inner) + 6 < segment.width():
                draw_text(painter, segment, inner, small, text_color_on(fill),
                          Qt.AlignmentFlag.AlignHCenter, elide=False)
            x = end
        draw_text(painter, QRectF(x + 5, lane.top(), value_w + lane.right() - x, lane.height()),
                  self._value_text(row), font, self.style.text, elide=False)


# ---------------------------------------------------------------- donut


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    value: float
    color: str


@dataclass
class DonutChart:
    """Shares of a whole (problems by state or by light) with the total in the middle."""

    slices: Sequence[Slice]
    title: str = ""
    center_label: str = ""  # under the total, e.g. 问题总数
    style: ChartStyle = field(default_factory=ChartStyle)

    def preferred_height(self, width: float) -> float:
        rows = len(self.slices) * QFontMetricsF(self.style.font()).height() * 1.7
        return math.ceil(max(180.0, rows + title_height(self.style, self.title) + PAD * 2))

    def minimum_height(self, width: float) -> float:
        return 140.0

    def paint(self, painter: QPainter, rect: QRectF) -> list[HitArea]:
        style = self.style
        area = begin(painter, rect, style, self.title)
        total = sum(s.value for s in self.slices if s.value > 0)
        if total <= 0:
            draw_no_data(painter, area, style)
            return []
        font = style.font()
        metrics = QFontMetricsF(font)
        size = max(40.0, min(area.height(), area.width() * 0.45))
        ring = QRectF(area.left(), area.center().y() - size / 2, size, size)
        thickness = size * 0.22
        hits: list[HitArea] = []
        angle = 90.0  # from twelve o'clock, clockwise
        for piece in self.slices:
            if piece.value <= 0:
                continue
            sweep = -360.0 * piece.value / total
            path = QPainterPath()
            path.arcMoveTo(ring, angle)
            path.arcTo(ring, angle, sweep)
            hole = ring.adjusted(thickness, thickness, -thickness, -thickness)
            path.arcTo(hole, angle + sweep, -sweep)
            path.closeSubpath()
            painter.setPen(QPen(qcolor(style.background or "#ffffff"), 1.5))
            painter.setBrush(qcolor(piece.color))
            painter.drawPath(path)
            hits.append(HitArea(path, piece.key, self._tooltip(piece, total)))
            angle += sweep
        big = style.font(style.font_px * 1.9, bold=True)
        middle = QRectF(ring.left(), ring.center().y() - metrics.height() * 1.3, ring.width(),
                        QFontMetricsF(big).height())
        draw_text(painter, middle, format_number(total), big, style.text,
                  Qt.AlignmentFlag.AlignHCenter, elide=False)
        if self.center_label:
            below = QRectF(ring.left() + thickness, middle.bottom(), ring.width() - 2 * thickness,
                           metrics.height())
            draw_text(painter, below, self.center_label, style.font(style.font_px - 1),
                      style.muted, Qt.AlignmentFlag.AlignHCenter)
        line_h = metrics.height() * 1.7
        left = ring.right() + PAD * 2
        top = area.center().y() - line_h * len(self.slices) / 2
        for index, piece in enumerate(self.slices):
            row = QRectF(left, top + index * line_h, area.right() - left, line_h)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(qcolor(piece.color))
            painter.drawRect(QRectF(row.left(), row.center().y() - 5, 10, 10))
            share = f"{format_number(piece.value)}（{100 * piece.value / total:.0f}%）"
            share_w = metrics.horizontalAdvance(share) + 4
            draw_text(painter, QRectF(row.left() + 16, row.top(), row.width() - 16 - share_w,
                                      line_h), piece.label, font, style.text)
            draw_text(painter, QRectF(row.right() - share_w, row.top(), share_w, line_h), share,
                      font, style.muted, Qt.AlignmentFlag.AlignRight, elide=False)
            hits.append(rect_area(row, piece.key, self._tooltip(piece, total)))
        return hits

    @staticmethod
    def _tooltip(piece: Slice, total: float) -> str:
        return f"{piece.label}：{format_number(piece.value)}（{100 * piece.value / total:.1f}%）"


# ---------------------------------------------------------------- output


def hit_areas(chart: Chart, rect: QRectF) -> list[HitArea]:
    """What ``paint`` would report for ``rect``, without a visible device (the widget asks
    before its first paint)."""
    ensure_gui_app()
    scratch = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(scratch)
    try:
        return chart.paint(painter, rect)
    finally:
        painter.end()


def render_image(chart: Chart, width_px: int, height_px: int | None = None,
                 scale: float = 2.0) -> QImage:
    """The chart at ``width_px`` × ``height_px`` logical pixels (height ``None``: the chart's
    preferred height), drawn with ``scale`` device pixels each. The image carries a DPI of
    96 × scale, so a document that honours it places it at the logical size, sharp in print."""
    ensure_gui_app()
    height = height_px if height_px is not None else chart.preferred_height(width_px)
    if width_px < 1 or height < 1 or scale <= 0:
        raise ValueError(f"cannot render a chart of {width_px}×{height} at scale {scale}")
    image = QImage(round(width_px * scale), round(height * scale),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    dots_per_metre = round(96 * scale / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        painter.scale(scale, scale)
        chart.paint(painter, QRectF(0, 0, width_px, height))
    finally:
        painter.end()
    return image


def render_png(chart: Chart, width_px: int, height_px: int | None = None,
               scale: float = 2.0) -> bytes:
    image = render_image(chart, width_px, height_px, scale)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("could not encode the chart as PNG")
    buffer.close()
    return bytes(data.data())


def save_png(chart: Chart, path: str | Path, width_px: int, height_px: int | None = None,
             scale: float = 2.0) -> Path:
    """Write the PNG whole or not at all: a half-written picture on a USB stick looks like a
    finished one."""
    target = Path(path)
    data = render_png(chart, width_px, height_px, scale)
    partial = target.with_name(target.name + ".part")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return target

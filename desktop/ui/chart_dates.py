"""The charts with a date axis: the burn-down of open problems and the campaign's phase
timeline. They share the axis: a date range mapped onto a width, with ticks on days, weeks or
months chosen so that the labels (11月2日, 2026年11月) never run into each other."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF

from desktop.core.i18n import _
from desktop.exchange.sheet_layout import format_date
from desktop.ui.charts import (
    ACCENT,
    DEFAULT_LIGHTS,
    PAD,
    SERIES_COLORS,
    ChartStyle,
    HitArea,
    begin,
    draw_legend,
    draw_no_data,
    draw_text,
    format_number,
    legend_height,
    nice_ticks,
    qcolor,
    rect_area,
    text_color_on,
    title_height,
)

DAY_STEPS = (1, 2, 7, 14)
BAND_MIN, BAND_MAX, STONE_LANE = 20.0, 30.0, 22.0  # timeline: phase band, diamonds
MONTH_STEPS = (1, 2, 3, 6, 12)


def day_label(day: dt.date) -> str:
    return _("{month}/{day}").format(month=day.month, day=day.day)


def month_label(day: dt.date, with_year: bool = True) -> str:
    if with_year:
        return _("{year}-{month:02d}").format(year=day.year, month=day.month)
    return _("{month:02d}").format(month=day.month)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def date_ticks(start: dt.date, end: dt.date, width: float,
               metrics: QFontMetricsF) -> list[tuple[dt.date, str]]:
    """Tick dates and labels between ``start`` and ``end`` that fit side by side in
    ``width``: every day, 2 days or week (on Mondays) for short ranges, else month starts
    (the first with its year, which takes a few more pixels than the plain ones)."""
    gap = metrics.horizontalAdvance("　")
    span = max(1, (end - start).days)
    day_width = metrics.horizontalAdvance(day_label(dt.date(2026, 12, 30))) + gap
    for step in DAY_STEPS:
        if span / step + 1 <= width / day_width:
            first = start
            if step >= 7:
                first = start + dt.timedelta(days=(7 - start.weekday()) % 7)
            days = [first + dt.timedelta(days=i) for i in range(0, (end - first).days + 1, step)]
            if len(days) >= 2 or step == DAY_STEPS[-1]:
                return [(day, day_label(day)) for day in days]
    month_width = metrics.horizontalAdvance(month_label(dt.date(2026, 12, 1), False)) + gap * 2
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next((s for s in MONTH_STEPS if months / s <= width / month_width), MONTH_STEPS[-1])
    ticks = []
    day = start if start.day == 1 else _add_months(start, 1)
    while day <= end:
        if (day.month - 1) % step == 0:
            # the year only where it changes: 2026年5月 6月 7月 … 2027年1月
            ticks.append((day, month_label(day, not ticks or day.month <= step)))
        day = _add_months(day, 1)
    return ticks


@dataclass(frozen=True)
class DateAxis:
    start: dt.date
    end: dt.date
    left: float
    width: float

    def x(self, day: dt.date) -> float:
        span = max(1, (self.end - self.start).days)
        return self.left + self.width * (day - self.start).days / span


def _span(days: Sequence[dt.date], start: dt.date | None, end: dt.date | None
          ) -> tuple[dt.date, dt.date]:
    first = start or min(days)
    last = end or max(days)
    if last <= first:
        last = first + dt.timedelta(days=1)
    return first, last


def _today_marker(painter: QPainter, axis: DateAxis, today: dt.date, top: float, bottom: float,
                  style: ChartStyle) -> None:
    if not axis.start <= today <= axis.end:
        return
    x = math.floor(axis.x(today)) + 0.5  # on a pixel: a crisp line, not a blurred pair
    painter.setPen(QPen(qcolor(style.today), 1, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(x, top), QPointF(x, bottom))


# ---------------------------------------------------------------- burn-down


@dataclass
class BurnDownChart:
    """Open problems over time against the ideal line towards zero by the campaign's end.

    ``actual`` and ``ideal`` are (date, count) points in date order; ``ideal`` is usually two
    points, (first day, problems then) and (last day of rectification, 0).
    """

    actual: Sequence[tuple[dt.date, float]]
    ideal: Sequence[tuple[dt.date, float]] = ()
    today: dt.date | None = None
    title: str = ""
    actual_label: str = ""  # "" → 未销号问题
    ideal_label: str = ""  # "" → 理想进度
    start: dt.date | None = None
    end: dt.date | None = None
    color: str = ACCENT
    ideal_color: str = "#8c8c8c"
    style: ChartStyle = field(default_factory=ChartStyle)

    def preferred_height(self, width: float) -> float:
        return math.ceil(max(220.0, min(360.0, width * 0.45)))

    def minimum_height(self, width: float) -> float:
        return 170.0

    def _point_tip(self, day: dt.date, value: float) -> str:
        label = self.actual_label or _("Open problems")
        return f"{format_date(day)}\n{label}：{format_number(value)}"

    def _latest(self, painter: QPainter, point: QPointF, plot: QRectF) -> None:
        """The latest count beside its point, on a patch of background so that the ideal
        line or the today marker do not run through it."""
        font = self.style.font(bold=True)
        text = format_number(self.actual[-1][1])
        metrics = QFontMetricsF(font)
        width, height = metrics.horizontalAdvance(text) + 6, metrics.height()
        left = min(point.x() + 6, plot.right() - width)
        top = point.y() - height - 4 if point.y() - height - 4 >= plot.top() else point.y() + 4
        box = QRectF(left, top, width, height)
        if self.style.background:
            patch = qcolor(self.style.background)
            patch.setAlpha(220)
            painter.fillRect(box, patch)
        draw_text(painter, box, text, font, self.color, Qt.AlignmentFlag.AlignHCenter,
                  elide=False)

    def paint(self, painter: QPainter, rect: QRectF) -> list[HitArea]:
        style = self.style
        area = begin(painter, rect, style, self.title)
        if not self.actual:
            draw_no_data(painter, area, style)
            return []
        days = [d for d, _v in self.actual] + [d for d, _v in self.ideal]
        if self.today is not None and (self.start or self.end):
            days.append(self.today)
        start, end = _span(days, self.start, self.end)
        line, dash = qcolor(self.color), qcolor(self.ideal_color)
        entries = [(self.actual_label or _("Open problems"), line, "line")]
        if self.ideal:
            entries.append((self.ideal_label or _("Ideal"), dash, "dash"))
        if self.today is not None and start <= self.today <= end:
            entries.append((_("Today"), qcolor(style.today), "dash"))
        height = legend_height(style)
        draw_legend(painter, QRectF(area.left(), area.top(), area.width(), height), entries,
                    style)
        area.setTop(area.top() + height)
        small = style.font(style.font_px - 1)
        metrics = QFontMetricsF(small)
        top_value = max(v for _d, v in list(self.actual) + list(self.ideal))
        ticks = nice_ticks(top_value, max(2, min(5, int(area.height() // 40))), integer=True)
        label_w = max(metrics.horizontalAdvance(format_number(t)) for t in ticks) + 8
        axis_h = metrics.height() * 1.6
        plot = QRectF(area.left() + label_w, area.top() + metrics.height() * 0.5,
                      area.width() - label_w - metrics.horizontalAdvance("00月00日") / 2,
                      area.height() - axis_h - metrics.height() * 0.5)
        if plot.width() < 40 or plot.height() < 30:
            draw_no_data(painter, area, style)
            return []
        axis = DateAxis(start, end, plot.left(), plot.width())

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * value / ticks[-1]

        for tick in ticks:
            y = y_of(tick)
            painter.setPen(QPen(qcolor(style.axis if tick == 0 else style.grid), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            draw_text(painter, QRectF(area.left(), y - 10, label_w - 6, 20), format_number(tick),
                      small, style.muted, Qt.AlignmentFlag.AlignRight, elide=False)
        for day, text in date_ticks(start, end, plot.width(), metrics):
            x = axis.x(day)
            painter.setPen(QPen(qcolor(style.axis), 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            width = metrics.horizontalAdvance(text) + 4
            draw_text(painter, QRectF(x - width / 2, plot.bottom() + 3, width, axis_h - 3), text,
                      small, style.muted, Qt.AlignmentFlag.AlignHCenter, elide=False)
        if self.ideal:
            painter.setPen(QPen(dash, 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF([QPointF(axis.x(d), y_of(v)) for d, v in self.ideal]))
        points = [QPointF(axis.x(d), y_of(v)) for d, v in self.actual]
        fill = QPolygonF([QPointF(points[0].x(), plot.bottom()), *points,
                          QPointF(points[-1].x(), plot.bottom())])
        shade = QColor(line)
        shade.setAlpha(28)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(shade)
        painter.drawPolygon(fill)
        painter.setPen(QPen(line, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF(points))
        if len(points) <= 40:
            painter.setBrush(qcolor(style.background or "#ffffff"))
            painter.setPen(QPen(line, 1.5))
            for point in points:
                painter.drawEllipse(point, 2.5, 2.5)
        if self.today is not None:
            _today_marker(painter, axis, self.today, plot.top(), plot.bottom(), style)
        self._latest(painter, points[-1], plot)
        hits = []
        for index, (day, value) in enumerate(self.actual):
            before = points[index - 1].x() if index else plot.left()
            after = points[index + 1].x() if index + 1 < len(points) else plot.right()
            left, right = (before + points[index].x()) / 2, (points[index].x() + after) / 2
            if index == 0:
                left = plot.left()
            band = QRectF(left, plot.top(), max(1.0, right - left), plot.height())
            hits.append(rect_area(band, "", self._point_tip(day, value)))
        return hits


# ---------------------------------------------------------------- phase timeline


@dataclass(frozen=True)
class Phase:
    name: str
    start: dt.date
    end: dt.date
    color: str = ""  # "" → the next of the muted series colours


@dataclass(frozen=True)
class Milestone:
    name: str
    day: dt.date
    done: bool = False
    key: str = ""


@dataclass
class TimelineChart:
    """The campaign's phases as segments on a date axis, milestones as diamonds beneath
    (done: filled green; missed: red outline; ahead: blue outline) and a line for today.
    Made for a strip about 120 px tall; what does not fit (labels) is dropped, never cut."""

    phases: Sequence[Phase]
    milestones: Sequence[Milestone] = ()
    today: dt.date | None = None
    title: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    lights: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LIGHTS))
    pending_color: str = ACCENT
    style: ChartStyle = field(default_factory=ChartStyle)

    def _line_height(self) -> float:
        return QFontMetricsF(self.style.font(self.style.font_px - 1)).height() * 1.3

    def preferred_height(self, width: float) -> float:
        line_h = self._line_height()
        return math.ceil(PAD * 1.5 + title_height(self.style, self.title) + line_h * 2
                         + BAND_MAX + STONE_LANE)

    def minimum_height(self, width: float) -> float:
        return 64.0

    def _milestone_color(self, stone: Milestone) -> tuple[QColor, bool]:
        """(colour, filled)."""
        if stone.done:
            return qcolor(self.lights.get("green", DEFAULT_LIGHTS["green"])), True
        if self.today is not None and stone.day < self.today:
            return qcolor(self.lights.get("red", DEFAULT_LIGHTS["red"])), False
        return qcolor(self.pending_color), False

    def _stone_tip(self, stone: Milestone) -> str:
        if stone.done:
            state = _("done")
        elif self.today is not None and stone.day < self.today:
            state = _("not done, date passed")
        else:
            state = _("not done")
        return f"{stone.name}\n{format_date(stone.day)}（{state}）"

    def paint(self, painter: QPainter, rect: QRectF) -> list[HitArea]:
        style = self.style
        area = begin(painter, rect, style, self.title)
        days = [p.start for p in self.phases] + [p.end for p in self.phases]
        days += [m.day for m in self.milestones]
        if not days:
            draw_no_data(painter, area, style)
            return []
        start, end = _span(days, self.start, self.end)
        small = style.font(style.font_px - 1)
        metrics = QFontMetricsF(small)
        line_h = self._line_height()
        axis = DateAxis(start, end, area.left() + 6, area.width() - 12)
        # top to bottom: date labels, phase band, milestone diamonds, milestone names;
        # a short strip drops the names first, then the band gets thinner
        with_names = area.height() >= line_h * 2 + BAND_MIN + STONE_LANE
        room = area.height() - line_h - STONE_LANE - (line_h if with_names else 0)
        band_h = max(BAND_MIN * 0.75, min(BAND_MAX, room))
        spare = max(0.0, room - band_h) / 2
        area.setTop(area.top() + spare)
        band = QRectF(axis.left, area.top() + line_h, axis.width, band_h)
        stone_y = band.bottom() + STONE_LANE / 2
        hits: list[HitArea] = []
        taken: list[tuple[float, float]] = []
        if self.today is not None and start <= self.today <= end:
            x = axis.x(self.today)
            text = _("Today")
            width = metrics.horizontalAdvance(text) + 6
            left = min(max(x - width / 2, area.left()), area.right() - width)
            draw_text(painter, QRectF(left, area.top(), width, line_h), text,
                      style.font(style.font_px - 1, bold=True), style.today,
                      Qt.AlignmentFlag.AlignHCenter, elide=False)
            taken.append((left, left + width))
        for day, text in date_ticks(start, end, axis.width, metrics):
            x = axis.x(day)
            width = metrics.horizontalAdvance(text) + 4
            left = min(max(x - width / 2, area.left()), area.right() - width)
            if any(left < b and left + width > a for a, b in taken):
                continue
            draw_text(painter, QRectF(left, area.top(), width, line_h), text, small,
                      style.muted, Qt.AlignmentFlag.AlignHCenter, elide=False)
            painter.setPen(QPen(qcolor(style.grid), 1))
            painter.drawLine(QPointF(x, band.top() - 3), QPointF(x, stone_y + 6))
        painter.setPen(QPen(qcolor(style.grid), 1))
        painter.setBrush(qcolor("#f4f4f4"))
        painter.drawRect(band)
        font = style.font()
        for index, phase in enumerate(self.phases):
            left, right = axis.x(max(phase.start, start)), axis.x(min(phase.end, end))
            segment = QRectF(left, band.top(), max(2.0, right - left), band.height())
            fill = qcolor(phase.color or SERIES_COLORS[index % len(SERIES_COLORS)])
            painter.setPen(QPen(qcolor(style.background or "#ffffff"), 1))
            painter.setBrush(fill)
            painter.drawRect(segment)
            inside = segment.adjusted(4, 0, -4, 0)
            if QFontMetricsF(font).horizontalAdvance(phase.name[:2] + "…") <= inside.width():
                draw_text(painter, inside, phase.name, font, text_color_on(fill),
                          Qt.AlignmentFlag.AlignHCenter)
            tip = f"{phase.name}\n{format_date(phase.start)} — {format_date(phase.end)}"
            hits.append(rect_area(segment, "", tip))
        painter.setPen(QPen(qcolor(style.axis), 1))
        painter.drawLine(QPointF(axis.left, stone_y), QPointF(axis.left + axis.width, stone_y))
        placed: list[tuple[float, float]] = []
        for stone in sorted(self.milestones, key=lambda m: m.day):
            if not start <= stone.day <= end:
                continue
            x = axis.x(stone.day)
            color, filled = self._milestone_color(stone)
            diamond = QPolygonF([QPointF(x, stone_y - 6), QPointF(x + 6, stone_y),
                                 QPointF(x, stone_y + 6), QPointF(x - 6, stone_y)])
            painter.setPen(QPen(color, 1.6))
            painter.setBrush(color if filled else qcolor(style.background or "#ffffff"))
            painter.drawPolygon(diamond)
            shape = QPainterPath()
            shape.addRect(QRectF(x - 8, stone_y - 8, 16, 16))
            if with_names:
                width = min(metrics.horizontalAdvance(stone.name) + 4, 120.0)
                left = min(max(x - width / 2, area.left()), area.right() - width)
                if not any(left < b + 6 and left + width + 6 > a for a, b in placed):
                    label = QRectF(left, stone_y + 8, width, line_h)
                    draw_text(painter, label, stone.name, small, style.muted,
                              Qt.AlignmentFlag.AlignHCenter)
                    placed.append((left, left + width))
                    shape.addRect(label)
            hits.append(HitArea(shape, stone.key, self._stone_tip(stone)))
        if self.today is not None:
            _today_marker(painter, axis, self.today, band.top() - 3, stone_y + 8, style)
        return hits

"""The campaign's figures as charts: one place that turns the numbers of ``core.stats`` into
the pictures the dashboard, the statistics page and the printed 阶段性报告 show, so a chart on
paper is the chart on the screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from desktop.core.deadlines import Light
from desktop.core.i18n import _
from desktop.core.stats import Figures
from desktop.core.stats_timeline import BurnDown
from desktop.ui.chart_dates import BurnDownChart
from desktop.ui.charts import DEFAULT_LIGHTS, BarChart, BarPart, BarRow

CLOSED_COLOUR = "#6b9e78"  # muted green: closed is done, not a light
OPEN_COLOUR = "#9bb5d6"  # pale blue: still being rectified, not overdue


def progress_parts(colours: Mapping[str, str] | None = None) -> tuple[BarPart, ...]:
    """Closed, open and not overdue, overdue (in the office's red)."""
    red = (colours or DEFAULT_LIGHTS).get(Light.RED.value, DEFAULT_LIGHTS["red"])
    return (BarPart(_("Closed"), CLOSED_COLOUR),
            BarPart(_("Open, not overdue"), OPEN_COLOUR),
            BarPart(_("Overdue"), red))


def progress_row(key: str, name: str, figures: Figures) -> BarRow:
    """One stacked bar: closed, open and not overdue, overdue (drafts are not in the ledger)."""
    open_in_ledger = figures.in_ledger - figures.closed
    red = min(figures.red, open_in_ledger)
    return BarRow(key, name, (float(figures.closed), float(open_in_ledger - red), float(red)))


def unit_progress_chart(rows: Sequence[tuple[str, str, Figures]],
                        colours: Mapping[str, str] | None = None, title: str = "",
                        limit: int | None = None) -> BarChart:
    """Stacked bars per unit: ``rows`` are (key, unit name, figures), drawn in that order."""
    return BarChart(rows=[progress_row(key, name, f) for key, name, f in rows],
                    parts=progress_parts(colours),
                    title=title or _("Rectification by unit"), limit=limit)


def burndown_chart(burndown: BurnDown, today: dt.date | None = None, title: str = "",
                   end: dt.date | None = None) -> BurnDownChart:
    """The open count day by day, and the ideal line from the peak to zero on the campaign's
    end date; the axis runs to ``end`` when that is later (today past the end, say)."""
    actual = list(zip(burndown.days, (float(n) for n in burndown.open), strict=True))
    ideal = [(day, value) for day, value in zip(burndown.days, burndown.ideal, strict=True)
             if value is not None][:1]
    if ideal and burndown.end_date is not None and burndown.end_date > ideal[0][0]:
        ideal.append((burndown.end_date, 0.0))
    else:
        ideal = []
    last = max((d for d in (burndown.end_date, today, end) if d), default=None)
    return BurnDownChart(actual=actual, ideal=ideal, today=today, title=title,
                         start=burndown.days[0] if burndown.days else None, end=last)


__all__ = ["burndown_chart", "progress_parts", "progress_row",
           "unit_progress_chart"]

"""The 阶段性报告's charts, drawn by the window's own chart code for the PDF renderer (which
does not paint: it takes these PNGs through its ``chart_images`` hook)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop.core import light_style, stats
from desktop.core.i18n import _
from desktop.core.models import Campaign
from desktop.core.stats import Figures
from desktop.ui import charts
from desktop.ui.figure_charts import burndown_chart, unit_progress_chart

SCALE = 3.0  # pixels per logical pixel: sharp on a 300 dpi printer


def report_chart_images(campaign_id: int, as_of: dt.date,
                        units: Sequence[tuple[str, Figures]],
                        width_px: int) -> list[tuple[bytes, int]]:
    """The units' progress bars and the open problems over time, as (PNG, height) pairs."""
    charts.ensure_gui_app()
    campaign = Campaign.get_by_id(campaign_id)
    pictures = [
        unit_progress_chart([(name, name, f) for name, f in units],
                            light_style.light_colours()),
        burndown_chart(stats.burndown(campaign_id, as_of), as_of,
                       title=_("Open problems over time"), end=campaign.end_date),
    ]
    out = []
    for chart in pictures:
        height = int(chart.preferred_height(width_px))
        out.append((charts.render_png(chart, width_px, height, scale=SCALE), height))
    return out

"""The app's notion of "now" and "today", in one place so tests can freeze time.

Times are naive local times: every office using Rectify works in China Standard Time, and a
deadline is a local calendar date, so a timezone would add conversions and no information.
"""

from __future__ import annotations

import datetime as dt

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    if _frozen is not None:
        return _frozen
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return now().date()


def freeze(moment: dt.datetime | dt.date | None) -> None:
    """Freeze the clock (tests, demo data built "as of" a day); None lets it run again."""
    global _frozen
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(9, 0))
    _frozen = moment

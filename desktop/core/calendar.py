"""The office's working-day calendar: the built-in Chinese calendar plus the admin's overrides
(entered by hand or read from the State Council's holiday notice), which always win."""

from __future__ import annotations

import datetime as dt

from desktop.core import records
from desktop.core.errors import ValidationError
from desktop.core.holiday_notice import notice_overrides, parse_holiday_notice
from desktop.core.i18n import N_
from desktop.core.models import HolidayOverride, Role, database
from desktop.core.session import Session
from desktop.core.workdays import WorkdayCalendar

NOTICE_SOURCE = "notice"  # stored as "notice:2027": the year the notice is for, which a
# 元旦 range starting on 31 December must not lend to the year before


def list_overrides() -> list[HolidayOverride]:
    """The days the admin (or an imported notice) set, in date order."""
    return list(HolidayOverride.live().order_by(HolidayOverride.day))


def load_calendar() -> WorkdayCalendar:
    overrides: dict[dt.date, bool] = {}
    confirmed: set[int] = set()
    for row in HolidayOverride.live().iterator():
        overrides[row.day] = row.is_workday
        kind, _, year = row.source.partition(":")
        if kind == NOTICE_SOURCE and year.isdigit():
            confirmed.add(int(year))
    return WorkdayCalendar(overrides, confirmed_years=confirmed)


def set_override(
    session: Session, day: dt.date, is_workday: bool, name: str = "", source: str = "manual"
) -> HolidayOverride:
    session.require(Role.ADMIN)
    with database.atomic():
        row = HolidayOverride.get_or_none(HolidayOverride.day == day)
        if row is None:
            return records.create(
                session, HolidayOverride, day=day, is_workday=is_workday, name=name, source=source
            )
        records.update(
            session, row, is_workday=is_workday, name=name, source=source, deleted_at=None
        )
        return row


def remove_override(session: Session, day: dt.date) -> None:
    session.require(Role.ADMIN)
    with database.atomic():
        row = HolidayOverride.get_or_none(
            (HolidayOverride.day == day) & HolidayOverride.deleted_at.is_null()
        )
        if row is None:
            raise ValidationError(N_("There is no override for {day}."), day=day.isoformat())
        records.tombstone(session, row)


def import_notice(session: Session, text: str, year: int | None = None) -> int:
    """Store the holidays and adjusted workdays of a pasted notice; returns how many days."""
    session.require(Role.ADMIN)
    notice = parse_holiday_notice(text, year)
    days = notice_overrides(notice)
    with database.atomic():
        for day, (is_workday, name) in sorted(days.items()):
            set_override(session, day, is_workday, name, source=f"{NOTICE_SOURCE}:{notice.year}")
    return len(days)

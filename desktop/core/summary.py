"""What a database holds, in numbers: for ``rectify info`` and the window's status line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import fn

from desktop.core import clock
from desktop.core.calendar import load_calendar
from desktop.core.deadlines import Light, LightRules
from desktop.core.migrations import SCHEMA_VERSION, current_version
from desktop.core.models import (
    ENTITY_MODELS,
    AuditEvent,
    Campaign,
    Kind,
    Problem,
    State,
    database,
)


def open_light_counts(campaign: Campaign, today: dt.date | None = None) -> dict[str, int]:
    """Red/yellow/green among open problems with a date (ongoing ones are judged by progress
    and are counted by the dashboard, not here)."""
    rules = LightRules.for_today(
        load_calendar(), today or clock.today(), campaign.yellow_workdays, campaign.cycle
    )
    dated = Problem.live().where(
        (Problem.campaign == campaign)
        & (Problem.state != State.CLOSED.value)
        & (Problem.kind != Kind.ONGOING.value)
        & Problem.due_date.is_null(False)
    )
    red = dated.where(Problem.due_date < rules.today).count()
    yellow = dated.where(Problem.due_date.between(rules.today, rules.yellow_until)).count()
    green = dated.where(Problem.due_date > rules.yellow_until).count()
    return {Light.RED.value: red, Light.YELLOW.value: yellow, Light.GREEN.value: green}


def state_counts(campaign: Campaign | None = None) -> dict[str, int]:
    states = {s.value: 0 for s in State}
    query = Problem.live()
    if campaign is not None:
        query = query.where(Problem.campaign == campaign)
    for state, count in (
        query.select(Problem.state, fn.COUNT(Problem.id)).group_by(Problem.state).tuples()
    ):
        states[state] = count
    return states


def campaign_summaries() -> list[dict[str, Any]]:
    """Each campaign with its problems by state and its open lights."""
    summaries = []
    for campaign in Campaign.live().order_by(Campaign.id):
        states = state_counts(campaign)
        summaries.append(
            {
                "uuid": campaign.uuid,
                "name": campaign.name,
                "problems": sum(states.values()),
                "states": states,
                "lights": open_light_counts(campaign),
            }
        )
    return summaries


def database_info() -> dict[str, Any]:
    db = database.obj
    campaigns = campaign_summaries()
    states = {s.value: sum(c["states"][s.value] for c in campaigns) for s in State}
    counts = {name: model.live().count() for name, model in ENTITY_MODELS.items()}
    counts["audit_event"] = AuditEvent.select().count()
    return {
        "database": getattr(db, "database", ""),
        "schema_version": current_version(db),
        "schema_version_supported": SCHEMA_VERSION,
        "counts": counts,
        "states": states,
        "campaigns": campaigns,
    }

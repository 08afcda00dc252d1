"""The colours of the due-date lights, one palette for the whole office.

Offices say 红黄绿灯 or 红黄蓝灯; whichever they use, the screens of every PC and the sheets
printed from them must agree, so the palette lives in the database (``meta``), not in each
user's settings. A palette is a named scheme with optional per-light overrides. Changing it is
an administrator's setting and goes into the audit log like every other change.

The yellow window itself (how many working days before the deadline a problem turns yellow)
belongs to the campaign (``Campaign.yellow_workdays``) and is only shown here, in the legend.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop.core import audit
from desktop.core.deadlines import LIGHT_LABELS, Light
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_, translate
from desktop.core.models import Campaign, Cycle, Role, database, get_meta, set_meta
from desktop.core.session import Session

META_KEY = "light_style"
AUDIT_ENTITY = "setting"  # not a record table: verify-audit checks its chain, not a row
GREEN_SCHEME, BLUE_SCHEME = "green-yellow-red", "blue-yellow-red"
DEFAULT_SCHEME = GREEN_SCHEME
LIGHTS = tuple(light.value for light in Light)
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

_SHARED = {
    Light.RED.value: "#d93025",
    Light.YELLOW.value: "#f2a600",
    Light.STALE.value: "#8e24aa",
    Light.ON_TIME.value: "#9aa0a6",
    Light.LATE.value: "#5f6368",
}
SCHEMES: dict[str, dict[str, str]] = {
    GREEN_SCHEME: {**_SHARED, Light.GREEN.value: "#1e8e3e"},
    BLUE_SCHEME: {**_SHARED, Light.GREEN.value: "#1a73e8"},
}
SCHEME_LABELS = {GREEN_SCHEME: N_("Red, yellow, green"), BLUE_SCHEME: N_("Red, yellow, blue")}

# what offices call the three date lights in each scheme (a custom colour has no such name)
_COLOUR_NAMES = {
    GREEN_SCHEME: {"red": N_("Red light"), "yellow": N_("Yellow light"),
                   "green": N_("Green light")},
    BLUE_SCHEME: {"red": N_("Red light"), "yellow": N_("Yellow light"),
                  "green": N_("Blue light")},
}
_CYCLE_WORDS = {Cycle.WEEK.value: N_("week"), Cycle.MONTH.value: N_("month"),
                Cycle.QUARTER.value: N_("quarter")}


@dataclass(frozen=True)
class LightStyle:
    scheme: str = DEFAULT_SCHEME
    custom: dict[str, str] = field(default_factory=dict)  # light value → "#rrggbb"

    def colours(self) -> dict[str, str]:
        return {**SCHEMES[self.scheme], **self.custom}

    def as_dict(self) -> dict:
        return {"scheme": self.scheme, "custom": dict(sorted(self.custom.items()))}


def _clean(scheme: str, custom: Mapping[str, str] | None) -> LightStyle:
    if scheme not in SCHEMES:
        raise ValidationError(N_("Unknown light colour scheme {scheme}."), scheme=scheme)
    cleaned: dict[str, str] = {}
    for light, colour in (custom or {}).items():
        if light not in LIGHTS:
            raise ValidationError(N_("Unknown light {light}."), light=light)
        if not isinstance(colour, str) or not _HEX.match(colour):
            raise ValidationError(N_("{colour} is not a colour of the form #RRGGBB."),
                                  colour=str(colour))
        if colour.lower() != SCHEMES[scheme][light]:
            cleaned[light] = colour.lower()
    return LightStyle(scheme, cleaned)


def light_style() -> LightStyle:
    """The office's palette; the default when none was chosen or the stored one is unusable
    (a database from a newer program, say): the lights must always be drawable."""
    stored = get_meta(META_KEY)
    if stored is None:
        return LightStyle()
    try:
        data = json.loads(stored)
        return _clean(data.get("scheme", DEFAULT_SCHEME), data.get("custom") or {})
    except (ValueError, AttributeError, ValidationError):
        return LightStyle()


def light_colours() -> dict[str, str]:
    """Light value → "#rrggbb" for every light."""
    return light_style().colours()


def set_light_colours(session: Session, scheme: str,
                      custom: Mapping[str, str] | None = None) -> LightStyle:
    """Choose the office's scheme and, optionally, a colour of its own for some lights."""
    session.require(Role.ADMIN)
    style = _clean(scheme, custom)
    with database.atomic():
        before = light_style()
        if before == style:
            return style
        value = audit.canonical(style.as_dict())
        set_meta(META_KEY, value)
        writer = audit.AuditWriter(session.actor)
        writer.add("update", AUDIT_ENTITY, META_KEY, before.as_dict(), style.as_dict())
        writer.flush()
    return style


@dataclass(frozen=True)
class LegendEntry:
    light: str
    colour: str
    name: str  # message id
    explanation: str  # message id, formatted with ``params``
    params: dict  # text values are message ids too

    def texts(self, language: str | None = None) -> tuple[str, str]:
        """(name, explanation) in the language."""
        params = {k: translate(v, language) if isinstance(v, str) else v
                  for k, v in self.params.items()}
        return (translate(self.name, language),
                translate(self.explanation, language).format(**params))


def legend(campaign: Campaign | None, style: LightStyle | None = None) -> list[LegendEntry]:
    """What each light means in this campaign, in the order people read them."""
    style = style or light_style()
    colours = style.colours()
    days = campaign.yellow_workdays if campaign is not None else 3
    cycle = _CYCLE_WORDS.get(campaign.cycle if campaign is not None else "",
                             _CYCLE_WORDS[Cycle.MONTH.value])
    names = _COLOUR_NAMES[style.scheme]
    explanations = {
        "red": (N_("Past the deadline, not closed"), {}),
        "yellow": (N_("Due within {days} working day(s)"), {"days": days}),
        "green": (N_("More than {days} working day(s) left"), {"days": days}),
        "stale": (N_("Ongoing item, no progress recorded this {cycle}"),
                  {"cycle": cycle}),
        "on_time": (N_("Closed by the deadline"), {}),
        "late": (N_("Closed after the deadline"), {}),
    }
    entries = []
    for light in LIGHTS:
        name = (names[light] if light in names and light not in style.custom
                else LIGHT_LABELS[Light(light)])
        text, params = explanations[light]
        entries.append(LegendEntry(light, colours[light], name, text, params))
    return entries

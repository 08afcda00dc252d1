"""Records named the way a person types them on a command line: a campaign by UUID, name or
id, a unit by name, short name or UUID, a problem by its code or UUID. A name that fits
several records is refused rather than guessed."""

from __future__ import annotations

from desktop.core.errors import NotFound, ValidationError
from desktop.core.i18n import N_
from desktop.core.models import Campaign, Problem, Unit


def campaign(text: str) -> Campaign:
    text = text.strip()
    condition = (Campaign.uuid == text) | (Campaign.name == text)
    if text.isdigit():
        condition |= Campaign.id == int(text)
    found = list(Campaign.live().where(condition))
    exact = [c for c in found if c.uuid == text or (text.isdigit() and c.id == int(text))]
    found = exact or found
    if not found:
        raise NotFound(N_("No campaign is called {text}."), text=text)
    if len(found) > 1:
        raise ValidationError(N_("Several campaigns are called {text}; give its id or uuid."),
                              text=text)
    return found[0]


def unit(text: str) -> int:
    text = text.strip()
    found = list(Unit.live().where((Unit.uuid == text) | (Unit.name == text)
                                   | (Unit.short_name == text)))
    exact = [u for u in found if u.uuid == text or u.name == text]
    found = exact or found
    if not found:
        raise NotFound(N_("No unit is called {text}."), text=text)
    if len(found) > 1:
        raise ValidationError(N_("Several units are called {text}; give its uuid."), text=text)
    return found[0].id


def problem(campaign_id: int, text: str) -> int:
    text = text.strip()
    found = list(Problem.live().where(
        (Problem.campaign == campaign_id) & ((Problem.uuid == text) | (Problem.code == text))))
    if not found:
        raise NotFound(N_("No problem of this campaign has the code {text}."), text=text)
    if len(found) > 1:
        raise ValidationError(N_("Several problems have the code {text}; give its uuid."),
                              text=text)
    return found[0].id

"""What happened to one problem, told from the audit log for a person to read.

The audit log already holds every change with its before and after; this module turns the
events of a problem and of everything hanging off it (measures, progress notes, evidence,
referrals, links to rules, workflow steps — tombstoned ones too) into short sentences. The
sentences stay message ids with parameters until they are shown, so the same history reads
in Chinese or English.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from desktop.core.errors import Labels, render
from desktop.core.i18n import N_
from desktop.core.models import (
    KIND_LABELS,
    SCOPE_LABELS,
    STATE_LABELS,
    AuditEvent,
    CatalogNode,
    EvidenceFile,
    Institution,
    InstitutionProblem,
    Kind,
    Measure,
    Person,
    Problem,
    ProgressNote,
    Referral,
    Scope,
    State,
    Transition,
    Unit,
    Urge,
)
from desktop.core.sheet_codes import format_code
from desktop.core.workflow import ACTION_LABELS

FIELD_LABELS: dict[str, str] = {
    "code": N_("Code"),
    "unit": N_("Unit"),
    "catalog": N_("Problem category"),
    "scope": N_("Organisational or personal"),
    "person": N_("Person"),
    "source": N_("How it was found"),
    "found_date": N_("Date found"),
    "description": N_("Problem description"),
    "root_cause": N_("Root cause"),
    "target": N_("Rectification target"),
    "kind": N_("Rectification type"),
    "deadline": N_("Deadline"),
    "note": N_("Remarks"),
    "state": N_("State"),
    "text": N_("Rectification measure"),
    "measure": N_("Rectification measure"),
    "resp_leader": N_("Responsible leader"),
    "resp_unit": N_("Responsible unit"),
    "resp_person": N_("Responsible person"),
    "done_date": N_("Completion date"),
    "result": N_("Completion"),
    "sort_order": N_("Order"),
    "date": N_("Date"),
    "receiver": N_("Handed over to"),
    "summary": N_("Summary"),
    "filename": N_("File name"),
}
"""The Chinese (via translation) name of each problem and measure field, as the paperwork
calls it; screens, exports and this history share it so a field is called the same
everywhere."""

# Bookkeeping that a reader does not care about, or that another entry already tells
# (state and closing time are told by the workflow step; due_date follows the deadlines).
_HIDDEN = {
    "id", "uuid", "created_at", "updated_at", "version", "origin_unit", "deleted_at",
    "problem", "campaign", "due_date", "state", "closed_at", "author", "added_by", "user",
    "sha256", "size", "institution",
}
SHORT = 40  # longer texts are named as changed, not quoted
EMPTY = "—"


@dataclass(frozen=True)
class Phrase:
    """One translatable sentence: a message id and its parameters (rendered when shown)."""

    message_id: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        return render(self.message_id, self.params, language)


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: str  # the name recorded at the time; "" for the system itself
    entity: str  # problem, measure, progress_note, evidence_file, referral, transition, …
    action: str  # create, update, delete, or the workflow action of a transition
    headline: Phrase
    details: tuple[Phrase, ...] = ()

    def summary(self, language: str | None = None) -> str:
        lines = [self.headline.render(language)]
        lines.extend(d.render(language) for d in self.details)
        return "\n".join(lines)


def _short(text: str, limit: int = SHORT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Names:
    """Names for the ids a snapshot holds, looked up once each (tombstoned rows included:
    the history must still say what a removed unit was called)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], str] = {}

    def lookup(self, kind: str, record_id: int) -> str:
        key = (kind, record_id)
        if key not in self._cache:
            self._cache[key] = self._fetch(kind, record_id)
        return self._cache[key]

    @staticmethod
    def _fetch(kind: str, record_id: int) -> str:
        if kind == "unit":
            unit = Unit.get_or_none(Unit.id == record_id)
            return unit.name if unit else f"#{record_id}"
        if kind == "person":
            person = Person.get_or_none(Person.id == record_id)
            return person.name if person else f"#{record_id}"
        if kind == "catalog":
            node = CatalogNode.get_or_none(CatalogNode.id == record_id)
            return _short(f"{node.label}{node.title}") if node else f"#{record_id}"
        if kind == "measure":
            measure = Measure.get_or_none(Measure.id == record_id)
            return _short(measure.text) if measure else f"#{record_id}"
        return f"#{record_id}"


_ENUM_LABELS: dict[str, tuple[type, dict]] = {
    "kind": (Kind, KIND_LABELS),
    "scope": (Scope, SCOPE_LABELS),
    "state": (State, STATE_LABELS),
}
_REFERENCES = {"unit": "unit", "resp_unit": "unit", "person": "person",
               "catalog": "catalog", "measure": "measure"}


def _shown(name: str, value: Any, names: _Names) -> Any:
    """A stored value as a reader knows it: a name for an id, a label for a code."""
    if value is None or value == "":
        return EMPTY
    if name in _REFERENCES and isinstance(value, int):
        return names.lookup(_REFERENCES[name], value)
    if name in _ENUM_LABELS:
        enum_type, labels = _ENUM_LABELS[name]
        try:
            return Labels((labels[enum_type(value)],))
        except ValueError:
            return str(value)
    if name == "sort_order" and isinstance(value, int):
        return str(value + 1)
    if isinstance(value, bool):
        return "✓" if value else EMPTY
    return str(value)


def _changes(before: dict, after: dict, names: _Names) -> list[Phrase]:
    out: list[Phrase] = []
    for name in after:
        if name in _HIDDEN or before.get(name) == after.get(name):
            continue
        label = FIELD_LABELS.get(name)
        if label is None:
            continue
        old, new = _shown(name, before.get(name), names), _shown(name, after.get(name), names)
        too_long = any(isinstance(v, str) and len(v) > SHORT for v in (old, new))
        if too_long:
            out.append(Phrase(N_("{field_label} changed"), {"field_label": label}))
        else:
            out.append(Phrase(N_("{field_label}: {old} → {new}"),
                              {"field_label": label, "old": old, "new": new}))
    return out


def _load(text: str | None) -> dict:
    return json.loads(text) if text else {}


def _problem_entry(action: str, before: dict, after: dict, names: _Names):
    if action == "create":
        return Phrase(N_("Problem entered: {text}"),
                      {"text": _short(after.get("description", ""))}), []
    if action == "delete":
        return Phrase(N_("Problem deleted")), []
    if action.startswith("transition:"):
        return None  # the Transition record tells this step, with its opinion
    details = _changes(before, after, names)
    if not details:
        return None
    return Phrase(N_("Problem changed")), details


def _measure_entry(action: str, before: dict, after: dict, names: _Names):
    text = _short((after or before).get("text", ""))
    if action == "create":
        return Phrase(N_("Measure added: {text}"), {"text": text}), []
    if action == "delete":
        return Phrase(N_("Measure removed: {text}"), {"text": text}), []
    details = _changes(before, after, names)
    if not details:
        return None
    return Phrase(N_("Measure changed: {text}"), {"text": text}), details


def _progress_entry(action: str, before: dict, after: dict, names: _Names):
    text = _short((after or before).get("text", ""))
    if action == "create":
        details = []
        if after.get("measure"):
            details.append(Phrase(N_("For the measure: {text}"),
                                  {"text": _shown("measure", after["measure"], names)}))
        return Phrase(N_("Progress recorded ({date}): {text}"),
                      {"date": after.get("date") or EMPTY, "text": text}), details
    if action == "delete":
        return Phrase(N_("Progress note removed: {text}"), {"text": text}), []
    changed = {k: v for k, v in after.items() if k != "text"}
    details = _changes(before, changed, names)
    if before.get("text") != after.get("text"):
        details.insert(0, Phrase(N_("Text changed")))
    return Phrase(N_("Progress note changed: {text}"), {"text": text}), details


def _evidence_entry(action: str, before: dict, after: dict, names: _Names):
    name = (after or before).get("filename", "")
    if action == "create":
        return Phrase(N_("Evidence file added: {name}"), {"name": name}), []
    if action == "delete":
        return Phrase(N_("Evidence file removed: {name}"), {"name": name}), []
    return None


def _referral_entry(action: str, before: dict, after: dict, names: _Names):
    data = after or before
    if action == "create":
        details = []
        if data.get("summary"):
            details.append(Phrase(N_("Summary: {text}"), {"text": _short(data["summary"], 80)}))
        return Phrase(N_("Case handed over to {receiver}"),
                      {"receiver": data.get("receiver", "")}), details
    if action == "delete":
        return Phrase(N_("Hand-over record removed")), []
    return Phrase(N_("Hand-over record changed")), _changes(before, after, names)


def _link_entry(action: str, before: dict, after: dict, names: _Names):
    institution = Institution.get_or_none(Institution.id == (after or before).get("institution"))
    title = institution.title if institution else EMPTY
    if action == "create":
        return Phrase(N_("Linked to the rule: {title}"), {"title": title}), []
    if action == "delete":
        return Phrase(N_("No longer linked to the rule: {title}"), {"title": title}), []
    return None


def _transition_entry(action: str, before: dict, after: dict, names: _Names):
    if action != "create":
        return None
    step = after.get("action", "")
    label = ACTION_LABELS.get(step, step)
    source, target = after.get("from_state"), after.get("to_state")
    if source == target:
        headline = Phrase(label)
    else:
        headline = Phrase(
            N_("{action_label}: {source} → {target}"),
            {"action_label": label, "source": _shown("state", source, names),
             "target": _shown("state", target, names)},
        )
    details = []
    if after.get("opinion"):
        details.append(Phrase(N_("Opinion: {text}"), {"text": after["opinion"]}))
    if after.get("signature"):
        details.append(Phrase(N_("Signed electronically")))
    return headline, details


def _urge_entry(action: str, before: dict, after: dict, names: _Names):
    if action != "create":
        return None
    return Phrase(N_("Urged (notice with verification code {code}, to {unit})"),
                  {"code": format_code(after.get("code", "")),
                   "unit": _shown("unit", after.get("unit"), names)}), []


_DESCRIBERS = {
    "problem": _problem_entry,
    "measure": _measure_entry,
    "progress_note": _progress_entry,
    "evidence_file": _evidence_entry,
    "referral": _referral_entry,
    "institution_problem": _link_entry,
    "transition": _transition_entry,
    "urge": _urge_entry,
}


def _related_uuids(problem: Problem) -> list[str]:
    uuids = [problem.uuid]
    for model in (Measure, ProgressNote, EvidenceFile, Referral, InstitutionProblem, Transition,
                  Urge):
        query = model.select(model.uuid).where(model.problem == problem.id).tuples()
        uuids.extend(u for (u,) in query)
    return uuids


def problem_history(problem_id: int) -> list[HistoryEntry]:
    """Newest first. A deleted problem still has its history; an unknown id has none."""
    problem = Problem.get_or_none(Problem.id == problem_id)
    if problem is None:
        return []
    names = _Names()
    entries: list[HistoryEntry] = []
    events = (
        AuditEvent.select()
        .where(AuditEvent.entity_uuid.in_(_related_uuids(problem)))
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        describe = _DESCRIBERS.get(event.entity)
        if describe is None:
            continue
        told = describe(event.action, _load(event.before), _load(event.after), names)
        if told is None:
            continue
        headline, details = told
        if event.entity == "transition":
            action = _load(event.after).get("action", event.action)
        else:
            action = event.action
        entries.append(HistoryEntry(
            at=event.at, user=event.user_name if event.user_uuid else "",
            entity=event.entity, action=action, headline=headline, details=tuple(details),
        ))
    return entries

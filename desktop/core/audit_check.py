"""The start-up check of the audit log, and how a break is named to a person.

The window and ``rectify verify-audit`` say the same thing about a broken chain: which event
(its number, time, who, on what record) and why, so an administrator can find the moment in
a backup. The check reads in one transaction, so events appended while it runs (the program
keeps working) cannot look like a truncated log.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core import audit
from desktop.core.audit import AuditReport
from desktop.core.i18n import N_, translate
from desktop.core.models import AuditEvent, database

# Up to this many events the start-up check compares every record with the log too (an
# office's own ledger: well under a second); above it (a county's consolidated database of a
# million events: some 2½ minutes) only the chain is walked, about 34 s, and
# ``rectify verify-audit`` does the rest.
FULL_CHECK_EVENTS = 50_000

REASONS = {
    "missing": N_("an event is missing"),
    "chain": N_("its link to the event before it was altered"),
    "content": N_("its content was altered"),
    "truncated": N_("events at the end of the log were removed"),
}


@dataclass(frozen=True)
class BrokenEvent:
    event_id: int
    reason: str  # a key of REASONS
    at: str = ""
    actor: str = ""
    entity: str = ""
    entity_uuid: str = ""

    @property
    def found(self) -> bool:
        """Whether the event is still in the log (a removed one has no time or actor)."""
        return bool(self.at)

    def message(self, language: str | None = None) -> str:
        reason = translate(REASONS.get(self.reason, self.reason), language)
        if not self.found:
            return translate(N_("The audit log is broken at event {id}: {reason}."),
                             language).format(id=self.event_id, reason=reason)
        return translate(
            N_("The audit log is broken at event {id} ({time}, by {actor}, on {entity} "
               "{uuid}): {reason}."), language,
        ).format(id=self.event_id, time=self.at, actor=self.actor or "—", entity=self.entity,
                 uuid=self.entity_uuid, reason=reason)


def first_broken(report: AuditReport) -> BrokenEvent | None:
    if report.broken_event is None:
        return None
    row = AuditEvent.get_or_none(AuditEvent.id == report.broken_event)
    if row is None:
        return BrokenEvent(report.broken_event, report.broken_reason)
    return BrokenEvent(report.broken_event, report.broken_reason, str(row.at), row.user_name,
                       row.entity, row.entity_uuid)


def check(check_records: bool = False) -> tuple[AuditReport, BrokenEvent | None]:
    """Verify the log in one read transaction; returns the report and its first break."""
    with database.atomic():
        report = audit.verify(check_records=check_records)
        return report, first_broken(report)


@dataclass(frozen=True)
class StartupCheck:
    events: int
    full: bool  # records were compared with the log too
    broken: BrokenEvent | None
    tampered: tuple[tuple[str, str, str], ...]  # entity, uuid, why

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.tampered


def startup_check(full: bool | None = None, own_connection: bool = False) -> StartupCheck:
    """The check the window runs after sign-in (``full`` None: by the size of the log).
    ``own_connection``: called on a worker thread, which opens and closes its own."""
    try:
        if own_connection:
            database.connect(reuse_if_open=True)
        if full is None:
            full = AuditEvent.select().count() <= FULL_CHECK_EVENTS
        report, broken = check(check_records=full)
        return StartupCheck(report.events, full, broken, tuple(report.tampered))
    finally:
        if own_connection and not database.is_closed():
            database.close()

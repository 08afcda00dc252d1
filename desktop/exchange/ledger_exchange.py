"""The USB exchange as one piece: writing a ledger workbook for a scope, and reading the files a
higher office is handed — Rectify ledgers, the offices' own hand-made ledgers, and files that
are neither — into one dry run per file, then importing what the user confirmed.

The command line and the import dialog both go through here, so that a file gets the same
verdict, the same counts and the same message wherever it is opened. A file that is refused
changes nothing; the files that are imported go in one transaction, so a failure (or a cancel
from the progress callback) in the last file undoes the first as well.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core import clock
from desktop.core.consolidate import (
    INCOMING,
    LOCAL,
    ImportPlan,
    ImportSource,
    apply_import,
    plan_import,
    record_handmade_batch,
)
from desktop.core.errors import DomainError, ValidationError
from desktop.core.evidence import file_sha256
from desktop.core.exchange_records import build_payload
from desktop.core.handmade_import import (
    HandmadePreview,
    SheetGrid,
    find_header_row,
    import_handmade,
    preview_handmade,
)
from desktop.core.i18n import N_
from desktop.core.import_log import HANDMADE, LEDGER
from desktop.core.ledger_data import LedgerScope, ledger_view
from desktop.core.models import Campaign, ImportBatch, Unit, database
from desktop.core.session import Session
from desktop.exchange.handmade_xlsx import read_sheets
from desktop.exchange.ledger_payload import (
    LedgerFileError,
    NotARectifyLedger,
    PayloadTampered,
    read_ledger,
)
from desktop.exchange.ledger_xlsx import WriteResult, write_ledger

__all__ = [
    "INCOMING", "LOCAL", "FileReport", "Status", "export_ledger", "handmade_report",
    "import_files", "inspect_files", "ledger_file_name", "xlsx_in_folder",
]

Progress = Callable[[int, int], None]  # (done, total); raising from it cancels the work
STEPS = 100  # the scale an export reports its progress on


class Status(str, enum.Enum):
    READY = "ready"  # the dry run found something to import
    NOTHING = "nothing"  # every record is already here
    CONFLICTS = "conflicts"  # waits for a decision on each conflict
    PARTIAL = "partial"  # a hand-made ledger with unreadable rows, not accepted yet
    REJECTED = "rejected"  # the file itself is refused: nothing of it can be imported
    IMPORTED = "imported"


# -- export ---------------------------------------------------------------------------------


def _scaled(progress: Progress | None, start: int, end: int) -> Progress | None:
    """A step's own (done, total) as a share of the whole export's 0..STEPS."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        share = done / total if total else 1.0
        progress(start + round((end - start) * min(share, 1.0)), STEPS)

    return report


def export_ledger(session: Session, scope: LedgerScope, path: Path | str,
                  progress: Progress | None = None) -> WriteResult:
    """Write the ledger of ``scope`` to ``path``, whole or not at all. The file's records are
    exactly the problems its sheet lists, so what the higher office imports is what was
    printed and stamped. Reading only: nothing in the database changes (not even the audit
    log — an export is no change of a record)."""
    view = ledger_view(scope, _scaled(progress, 0, 45))
    if view.unit_id is None:
        raise ValidationError(N_("The campaign has no unit of its own: choose the unit whose "
                                 "ledger this is."))
    payload = build_payload(scope.campaign_id, [p.id for p in view.problems], view.unit_id,
                            _scaled(progress, 45, 60))
    meta = {
        "exported_by": session.name,
        "scope": {
            "unit_uuid": view.unit_uuid if scope.unit_id is not None else None,
            "selection": scope.problem_ids is not None,
            "consolidated": scope.consolidated,
        },
        "problem_count": view.problem_count,
    }
    result = write_ledger(path, view, payload, meta, _scaled(progress, 60, 100))
    if progress is not None:
        progress(STEPS, STEPS)
    return result


def ledger_file_name(unit: str, campaign: str, day=None) -> str:
    """<单位>_<专项名称>_整改台账_<YYYYMMDD>.xlsx, with what Windows refuses in a name removed."""
    day = day or clock.today()
    parts = [_safe_name(unit), _safe_name(campaign), "整改台账", day.strftime("%Y%m%d")]
    return "_".join(p for p in parts if p) + ".xlsx"


def _safe_name(text: str) -> str:
    cleaned = "".join(" " if c in '\\/:*?"<>|\t\r\n' else c for c in text)
    return " ".join(cleaned.split())[:60].strip(" .")


# -- the dry run ----------------------------------------------------------------------------


@dataclass
class FileReport:
    """One file offered for import: what it is and what importing it would do (or did)."""

    path: Path
    kind: str | None  # LEDGER, HANDMADE, or None when the file is no readable workbook
    status: Status
    checksum: str = ""
    plan: ImportPlan | None = None
    preview: HandmadePreview | None = None
    error: DomainError | None = None  # why the file is refused
    tampered: bool = False  # a Rectify ledger whose records fail their checksum
    campaign_id: int | None = None  # hand-made: the campaign its problems go into
    accept_partial: bool = False  # hand-made: the user accepted leaving bad rows out
    already_imported: Any = None  # when this very file was imported before
    imported_ids: list[int] = field(default_factory=list)  # hand-made problems created
    totals: dict[str, int] | None = None  # ledger: what the import did

    @property
    def file_name(self) -> str:
        return self.path.name

    @property
    def unit_name(self) -> str:
        if self.plan is not None:
            return self.plan.exporting_unit_name
        if self.preview is not None and self.preview.unit_id is not None:
            unit = Unit.get_or_none(Unit.id == self.preview.unit_id)
            return unit.name if unit else ""
        return ""

    @property
    def campaign_name(self) -> str:
        if self.plan is not None:
            return self.plan.campaign_name
        if self.campaign_id is not None:
            campaign = Campaign.get_or_none(Campaign.id == self.campaign_id)
            return campaign.name if campaign else ""
        return ""

    @property
    def bad_rows(self) -> list[int]:
        return sorted({b.row for b in self.preview.bad}) if self.preview else []

    def counts(self) -> dict[str, int]:
        """new / updated / unchanged / conflicts / rejected, as the dry run or import found
        them (for a hand-made ledger: problems, and the rows that cannot be read)."""
        out = {"new": 0, "updated": 0, "unchanged": 0, "conflicts": 0, "rejected": 0}
        if self.plan is not None:
            totals = self.totals or self.plan.totals
            out.update(new=totals["new"], updated=totals["updated"] + totals["deleted"],
                       unchanged=totals["unchanged"], conflicts=totals["conflict"],
                       rejected=totals["rejected"])
        elif self.preview is not None and not self.preview.errors:
            good = len(self.preview.good)
            if self.already_imported is not None:
                out["unchanged"] = good
            else:
                out["new"] = len(self.imported_ids) if self.status == Status.IMPORTED else good
            out["rejected"] = len(self.bad_rows)
        return out

    def errors(self, language: str | None = None) -> list[dict[str, Any]]:
        """What went wrong, row by row where there are rows (worksheet row numbers)."""
        if self.error is not None:
            return [{"row": None, "reason": self.error.message(language)}]
        if self.preview is not None:
            sheet = [{"row": None, "reason": e.message(language)} for e in self.preview.errors]
            return sheet + self.preview.report(language)
        if self.plan is not None:
            return [{"row": None, "reason": f"{i.label}: {i.reason_text(language)}"}
                    for i in self.plan.rejected]
        return []

    def as_dict(self, language: str | None = None) -> dict[str, Any]:
        return {"file": str(self.path), "kind": self.kind, **self.counts(),
                "errors": self.errors(language), "status": self.status.value}


def _ledger_report(path: Path, found) -> FileReport:
    source = ImportSource(path.name, found.checksum, LEDGER)
    plan = plan_import(found.payload, source)
    if plan.conflicts:
        status = Status.CONFLICTS
    elif plan.has_changes:
        status = Status.READY
    else:
        status = Status.NOTHING
    return FileReport(path, LEDGER, status, checksum=found.checksum, plan=plan,
                      already_imported=plan.already_imported)


def _sheet_with_header(sheets: Sequence[SheetGrid]) -> SheetGrid:
    """The first visible sheet with a header row (a workbook may lead with a cover or a
    summary sheet); the first sheet when none has one, so its message names it."""
    if not sheets:
        raise ValidationError(N_("The workbook has no visible sheet."))
    return next((s for s in sheets if find_header_row(s) is not None), sheets[0])


def handmade_report(path: Path | str, campaign_id: int | None, unit_id: int | None = None,
                    mapping: Sequence[str | None] | None = None,
                    header_row: int | None = None, sheet: SheetGrid | None = None
                    ) -> FileReport:
    """The dry run of ``path`` read as an office's own ledger (also the way to take in the
    visible sheet of a Rectify ledger whose records failed their checksum). ``mapping`` and
    ``header_row`` are the user's choices in the mapping dialog."""
    path = Path(path)
    report = FileReport(path, HANDMADE, Status.REJECTED, campaign_id=campaign_id)
    try:
        report.checksum = file_sha256(path)
        if campaign_id is None:
            raise ValidationError(N_("{name} is a hand-made ledger: say which campaign its "
                                     "problems belong to."), name=path.name)
        grid = sheet if sheet is not None else _sheet_with_header(read_sheets(path))
        report.preview = preview_handmade(grid, campaign_id, unit_id, mapping, header_row)
    except DomainError as error:
        report.error = error
        return report
    except OSError as error:
        report.error = ValidationError(N_("The file {name} cannot be opened: {error}"),
                                       name=path.name, error=error.strerror or str(error))
        return report
    earlier = (ImportBatch.select(ImportBatch.at)
               .where((ImportBatch.checksum == report.checksum)
                      & (ImportBatch.kind == HANDMADE)).order_by(ImportBatch.at).first())
    report.already_imported = earlier.at if earlier else None
    preview = report.preview
    if preview.errors or not preview.good and not preview.bad:
        report.error = preview.errors[0] if preview.errors else ValidationError(
            N_("No problem was found in the sheet “{sheet}”."), sheet=preview.sheet)
        report.status = Status.REJECTED
    elif report.already_imported is not None:
        report.status = Status.NOTHING
    elif preview.bad:
        report.status = Status.PARTIAL if preview.good else Status.REJECTED
    else:
        report.status = Status.READY
    return report


def inspect_file(path: Path | str, campaign_id: int | None = None,
                 unit_id: int | None = None) -> FileReport:
    path = Path(path)
    try:
        found = read_ledger(path)
    except NotARectifyLedger:
        return handmade_report(path, campaign_id, unit_id)
    except PayloadTampered as error:
        return FileReport(path, LEDGER, Status.REJECTED, error=error, tampered=True)
    except LedgerFileError as error:
        return FileReport(path, None, Status.REJECTED, error=error)
    try:
        return _ledger_report(path, found)
    except DomainError as error:  # malformed records, references to nothing
        return FileReport(path, LEDGER, Status.REJECTED, checksum=found.checksum, error=error)


def inspect_files(paths: Iterable[Path | str], campaign_id: int | None = None,
                  unit_id: int | None = None) -> list[FileReport]:
    """The dry run of each file; writes nothing. Hand-made ledgers go into ``campaign_id``
    (required for them) and ``unit_id`` (else the 填报单位 on the sheet, else the campaign's
    unit); Rectify ledgers say their campaign and unit themselves."""
    return [inspect_file(p, campaign_id, unit_id) for p in paths]


def xlsx_in_folder(folder: Path | str) -> list[Path]:
    """The workbooks of a folder, by name, leaving out the lock files Excel and WPS leave
    (~$台账.xlsx) and temporary files of an unfinished export (.台账.xlsx.part)."""
    folder = Path(folder)
    return sorted((p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() == ".xlsx"
                   and not p.name.startswith(("~$", "."))), key=lambda p: p.name)


# -- importing ------------------------------------------------------------------------------


def importable(report: FileReport, decisions: Mapping[str, str],
               accept_partial: bool = False) -> bool:
    """Whether ``import_files`` would write this file: ready, its conflicts all decided, or a
    hand-made ledger whose unreadable rows the user accepted leaving out."""
    if report.status == Status.READY:
        return True
    if report.status == Status.CONFLICTS and report.plan is not None:
        return all(i.uuid in decisions for i in report.plan.conflicts)
    if report.status == Status.PARTIAL:
        return accept_partial or report.accept_partial
    return False


def _import_ledger(session: Session, report: FileReport, decisions: Mapping[str, str],
                   replan: bool, progress: Progress | None) -> bool:
    plan = report.plan
    assert plan is not None
    if replan:  # an earlier file of this import changed the database the dry run saw
        plan = plan_import(plan.payload, plan.source)
    wanted = {i.uuid: decisions[i.uuid] for i in plan.conflicts if i.uuid in decisions}
    result = apply_import(session, plan, wanted, progress)
    report.plan, report.totals = plan, result.totals
    return result.changed


def _import_handmade(session: Session, report: FileReport, accept: bool) -> bool:
    preview = report.preview
    assert preview is not None and report.campaign_id is not None
    ids = import_handmade(session, preview, accept_partial=accept)
    unit_id = preview.unit_id
    if unit_id is None:  # no unit on the sheet nor of the campaign: the rows named theirs
        unit_id = next((r.problem.unit_id for r in preview.good), None)
    if unit_id is None:
        raise ValidationError(N_("Say which unit {name} comes from."), name=report.file_name)
    record_handmade_batch(session, report.file_name, report.checksum, report.campaign_id,
                          unit_id, ids)
    report.imported_ids = ids
    return bool(ids)


def import_files(session: Session, reports: Sequence[FileReport],
                 decisions: Mapping[str, str] | None = None, accept_partial: bool = False,
                 progress: Progress | None = None) -> list[FileReport]:
    """Import every file the dry run found importable, all in one transaction; the others
    (refused, with undecided conflicts, hand-made with unreadable rows not accepted) are left
    as they are. ``decisions`` maps a conflicting record's UUID to "incoming" or "local".
    Returns the reports of the imported files, their status now IMPORTED or NOTHING."""
    decisions = dict(decisions or {})
    chosen = [r for r in reports if importable(r, decisions, accept_partial)]
    done: list[FileReport] = []
    changed = False
    with database.atomic():
        for number, report in enumerate(chosen):
            step = _scaled(progress, number * STEPS // len(chosen),
                           (number + 1) * STEPS // len(chosen))
            if report.kind == LEDGER:
                wrote = _import_ledger(session, report, decisions, changed, step)
            else:
                wrote = _import_handmade(session, report, accept_partial or report.accept_partial)
                if step is not None:
                    step(1, 1)
            changed = changed or wrote
            done.append(report)
    for report in done:
        report.status = Status.IMPORTED if report.kind == HANDMADE or (
            report.totals and any(report.totals[k] for k in ("new", "updated", "deleted",
                                                              "conflict"))) else Status.NOTHING
    return done

"""Restoring a backup: check everything first, keep what is there, then switch in one step.

Order, and why:
1. Every checksum of the archive (``backup.verify_archive``); the database member is written
   to a scratch folder beside the database (same drive, so the final rename is atomic), its
   sum checked again as it is written, ``integrity_check`` run on it, its schema brought up to
   date and its audit chain and records verified (``audit.verify`` with the models bound to
   the scratch copy for that moment: ``db_health.models_bound_to``). Until here nothing of the
   current data was touched, so a refused archive leaves it byte for byte as it was.
2. The current database is kept: a verified safety backup (恢复前备份) in the backups folder,
   or, when the current file fails ``quick_check`` and so cannot be backed up, the file itself
   under a dated name beside it (never deleted).
3. Evidence files go into the store first. The store is addressed by content (a file's name
   is its SHA-256), so restoring adds the archive's files and rewrites any whose bytes no
   longer match; files the restored database does not name are harmless and stay (they are
   in the safety backup anyway). So there is no moment when the database names a file that
   is missing, and no folder swap that a crash could leave half done.
4. The database: the models' connection is closed, the old WAL is checkpointed and emptied
   (stale WAL frames would otherwise be replayed into the new file on the next open), and the
   complete scratch copy is renamed over the database with ``os.replace``: the one step that
   switches, atomic on the same drive. Stale -wal/-shm files are removed after it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core import audit, auth, clock, db_health, migrations, paths
from desktop.core.errors import PermissionDenied
from desktop.core.evidence import file_sha256
from desktop.core.i18n import N_
from desktop.core.models import Role, database
from desktop.core.session import Session
from desktop.exchange.backup import (
    DATABASE_MEMBER,
    EVIDENCE_PREFIX,
    ZIP_FAULTS,
    BackupError,
    DamagedBackup,
    Kind,
    Progress,
    backup_into,
    byte_counter,
    check_member,
    incomplete_archive,
    member_digest,
    refuse_server,
    unique_path,
    verify_archive,
)
from desktop.exchange.safe_write import check_free_space, sync_directory

JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    safety_backup: Path | None = None  # the state before the restore, when it could be read
    kept_aside: list[Path] = field(default_factory=list)  # a damaged database, renamed
    evidence_written: int = 0


def confirm_admin(session: Session, password: str | None) -> None:
    """A restore replaces everyone's data: an administrator, who types the password again."""
    session.require(Role.ADMIN)
    if session.user is None:
        return
    if not password or not auth.check_password(session.user.password_hash, password):
        raise PermissionDenied(N_("The password is wrong; nothing was restored."))


def _stage(progress: Progress | None, start: int, end: int) -> Progress:
    """Map a step's own progress onto its share (per mille) of the whole restore."""
    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(start + (end - start) * min(done, total) // max(total, 1), 1000)

    return report


def _extract(zf: zipfile.ZipFile, archive: Path, manifest: dict[str, Any], name: str,
             target: Path, tick: Callable[[int], None]) -> None:
    """Write one member to ``target`` through a temporary file beside it, checking its sum
    again on the way (a USB stick may read differently the second time)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".restore-", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            digest, size = member_digest(zf, name, tick, out.write)
            out.flush()
            os.fsync(out.fileno())
        check_member(archive, manifest, name, digest, size)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _check_database(copy: Path, archive: Path) -> None:
    problems = db_health.integrity_check(copy)
    if problems:
        raise DamagedBackup(
            N_("{name} holds a damaged database ({reason}); it was not restored."),
            name=archive.name, reason="; ".join(problems[:3]))
    # no progress is reported inside this block: a window's pending events, run by a progress
    # dialog, could otherwise read through the models while they point at the copy
    with db_health.models_bound_to(copy) as bound:
        migrations.upgrade(bound)
        report = audit.verify()
    if report.broken_event is not None:
        raise DamagedBackup(
            N_("{name} holds a database whose audit log is broken at event {event}; it was "
               "not restored."), name=archive.name, event=report.broken_event)
    if report.tampered:
        raise DamagedBackup(
            N_("{name} holds a database with {count} records changed outside the program "
               "(they differ from the audit log); it was not restored."),
            name=archive.name, count=len(report.tampered))


RESTORE_ENTITY = "database"


def _record_restore(copy: Path, session: Session, archive: Path, manifest: dict[str, Any],
                    result: RestoreResult) -> None:
    """The restored ledger says that it was restored: from which archive, made when, by whom,
    and where the data it replaced was kept. A restore takes the ledger back in time, and an
    auditor must see that it did; the event is appended to the verified copy before it
    replaces the database, so the switch and its record are one step."""
    with db_health.models_bound_to(copy) as bound, bound.atomic():
        writer = audit.AuditWriter(session.actor)
        writer.add("restore", RESTORE_ENTITY, "", None, {
            "archive": archive.name,
            "backup_created_at": manifest.get("created_at"),
            "safety_backup": result.safety_backup.name if result.safety_backup else None,
            "kept_aside": [p.name for p in result.kept_aside],
        })
        writer.flush()


def _close_models_on(target: Path) -> None:
    """Close the models' connection when it is to ``target`` (the window's own database)."""
    name = db_health.open_file()
    if name is None:
        return
    try:
        same = name.resolve() == target.resolve()
    except OSError:
        same = False
    if same and not database.obj.is_closed():
        database.obj.close()


def _empty_wal(target: Path) -> None:
    """Fold the current WAL into the old file and empty it, so nothing of it can be replayed
    into the restored file."""
    wal = target.with_name(target.name + "-wal")
    if not wal.exists():
        return
    with closing(sqlite3.connect(str(target), timeout=30)) as conn:
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy or (wal.exists() and wal.stat().st_size > 0):
        raise BackupError(
            N_("The database {path} is still in use by another program; close it and try "
               "again. Nothing was restored."), path=str(target))


def _set_aside(target: Path) -> list[Path]:
    """Keep a damaged database (and its journal files) under a dated name beside it."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    aside = unique_path(target.parent, f"{target.stem}-损坏-{stamp}{target.suffix}")
    kept = []
    for suffix in JOURNAL_SUFFIXES:  # moved first: they must not meet the restored file
        journal = target.with_name(target.name + suffix)
        if journal.exists():
            moved = aside.with_name(aside.name + suffix)
            os.replace(journal, moved)
            kept.append(moved)
    try:
        os.link(target, aside)  # the file stays in place until os.replace switches it
    except OSError:
        shutil.copy2(target, aside)  # file systems without hard links (FAT on a USB stick)
    return [aside, *kept]


def _add_evidence(zf: zipfile.ZipFile, archive: Path, manifest: dict[str, Any], root: Path,
                  tick: Callable[[int], None]) -> int:
    written = 0
    for name, member in manifest["members"].items():
        if not name.startswith(EVIDENCE_PREFIX):
            continue
        target = root.joinpath(*name[len(EVIDENCE_PREFIX):].split("/"))
        if target.is_file() and target.stat().st_size == member["size"] \
                and file_sha256(target) == member["sha256"]:
            tick(member["size"])
            continue
        _extract(zf, archive, manifest, name, target, tick)
        written += 1
    return written


def restore_backup(session: Session, target: Path | str, archive: Path | str,
                   progress: Progress | None = None) -> RestoreResult:
    """Replace the database at ``target`` (and add its evidence files) with the backup in
    ``archive``. A current file that fails ``quick_check`` cannot be backed up, so it is
    renamed aside instead. The caller holds the database's instance lock and has stopped
    using the database."""
    session.require(Role.ADMIN)
    refuse_server(target)
    target, archive = Path(target), Path(archive)
    manifest = verify_archive(archive, _stage(progress, 0, 300))
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    check_free_space(folder, sum(m["size"] for m in manifest["members"].values()))
    result = RestoreResult(manifest)
    try:
        with zipfile.ZipFile(archive) as zf, \
                tempfile.TemporaryDirectory(prefix=".rectify-restore-", dir=folder) as scratch:
            copy = Path(scratch) / target.name
            size = manifest["members"][DATABASE_MEMBER]["size"]
            _extract(zf, archive, manifest, DATABASE_MEMBER, copy,
                     byte_counter(_stage(progress, 300, 450), size))
            _check_database(copy, archive)
            # -- from here on the current data is kept before anything is replaced --------
            damaged = target.exists() and bool(db_health.quick_check(target))
            if damaged:
                result.kept_aside = _set_aside(target)
            elif target.exists() and target.stat().st_size > 0:
                result.safety_backup = backup_into(
                    paths.backups_dir_for(target), target, Kind.SAFETY,
                    _stage(progress, 450, 750)).path
            evidence_size = sum(m["size"] for n, m in manifest["members"].items()
                                if n != DATABASE_MEMBER)
            result.evidence_written = _add_evidence(
                zf, archive, manifest, paths.evidence_dir_for(target),
                byte_counter(_stage(progress, 750, 950), evidence_size))
            _record_restore(copy, session, archive, manifest, result)
            _close_models_on(target)
            if not damaged:
                _empty_wal(target)
            os.replace(copy, target)
    except ZIP_FAULTS as error:
        raise incomplete_archive(archive, error) from error
    except OSError as error:
        raise BackupError(
            N_("The backup {name} could not be restored ({reason}); the current database was "
               "not replaced."), name=archive.name, reason=error.strerror or str(error),
        ) from error
    for suffix in JOURNAL_SUFFIXES:  # stale: they belonged to the file just replaced
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    sync_directory(folder)
    if progress is not None:
        progress(1000, 1000)
    return result

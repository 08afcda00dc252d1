"""Backups: the database and its evidence files in one archive that can check itself.

The archive is a plain ``.zip``: any office PC (and the higher office's IT helper) can open
it without this program, and Python reads and writes it with no extra library. Inside:

- ``database/rectify.db``: a consistent copy taken with SQLite's online backup API, so the
  window may stay open and keep writing while it is made; checked with ``integrity_check``;
- ``evidence/…``: every file of the evidence store (佐证材料, signature and seal images),
  under the same relative paths;
- ``manifest.json``: format and program versions, schema version, when, from which database
  (its file name only), counts, the audit log's head, and the SHA-256 and size of every member;
- ``manifest.sha256``: the SHA-256 of the manifest itself, written last.

Any flipped byte, a cut-short file or an edited manifest fails one of these sums, and a
restore checks them all before it touches anything. (The sums guard against damage, not
against forgery: someone who rewrites a member and both sums on purpose is caught by the
audit chain of the database inside, which the restore also verifies.)

Archives are written with ``safe_write``: under a temporary name, read back and verified,
then renamed, so a full USB stick or a pulled cable leaves no half archive behind.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import re
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from desktop import __version__
from desktop.core import clock, db_health, paths
from desktop.core.errors import DomainError
from desktop.core.i18n import N_
from desktop.exchange.safe_write import check_free_space, write_failure, write_file_atomically

Progress = Callable[[int, int], None]

FORMAT = "rectify-backup"
FORMAT_VERSION = 1
SUFFIX = ".zip"
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DATABASE_MEMBER = "database/rectify.db"
EVIDENCE_PREFIX = "evidence/"
DEFAULT_KEEP = 10
CHUNK = 1 << 20
# what a broken zip can raise while it is read (a flipped byte in a deflated member is a zlib
# error, a cut-short file a BadZipFile or EOFError)
ZIP_FAULTS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError,
              KeyError, UnicodeDecodeError)


class Kind(str, enum.Enum):
    AUTO = "auto"  # on exit and daily; the only kind that is rotated
    MANUAL = "manual"  # 立即备份 / 备份到…
    SAFETY = "safety"  # made by a restore just before it replaces the database


KIND_WORDS = {Kind.AUTO: "自动备份", Kind.MANUAL: "备份", Kind.SAFETY: "恢复前备份"}
NAME_PATTERN = re.compile(
    r"^(?P<stem>.+)-(?P<word>自动备份|恢复前备份|备份)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?"
    + re.escape(SUFFIX) + "$"
)
WORD_KINDS = {word: kind for kind, word in KIND_WORDS.items()}


class BackupError(DomainError):
    """A backup could not be made, or a file is not a backup this program can use."""


class DamagedBackup(BackupError):
    """The archive fails its own checks; nothing may be taken from it."""


@dataclass
class BackupInfo:
    """One archive as a list shows it. ``verified`` only after every member's sum matched;
    ``error`` says why it cannot be used."""

    path: Path
    size: int
    kind: Kind | None
    created_at: dt.datetime | None
    manifest: dict[str, Any] | None = None
    verified: bool = False
    error: DomainError | None = None

    @property
    def usable(self) -> bool:
        return self.error is None and self.manifest is not None

    def count(self, name: str) -> int | None:
        return (self.manifest or {}).get("counts", {}).get(name)


# -- names --------------------------------------------------------------------------------------


def backup_file_name(database: Path, kind: Kind, moment: dt.datetime) -> str:
    """``rectify-自动备份-20261102-093000.zip`` for the default database: the database's
    name first (so backups of two databases in one folder stay apart), then the kind in
    words an office reads, then a stamp that sorts by time."""
    return f"{Path(database).stem}-{KIND_WORDS[kind]}-{moment:%Y%m%d-%H%M%S}{SUFFIX}"


def unique_path(folder: Path, name: str) -> Path:
    """``name`` in ``folder``, numbered -2, -3 … before its suffix when a file of that name
    (a backup of the same second, a database set aside) exists."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def byte_counter(progress: Progress | None, total: int) -> Callable[[int], None]:
    """A callback taking the bytes just handled, reporting the running sum out of ``total``."""
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    return tick


def _name_order(path: Path) -> tuple[str, int]:
    match = NAME_PATTERN.match(path.name)
    if match is None:
        return ("", 0)
    return (match["stamp"], int(match["n"] or 1))


# -- reading the live database -----------------------------------------------------------------


def _scalar(conn: sqlite3.Connection, sql: str, default: Any = None) -> Any:
    try:
        row = conn.execute(sql).fetchone()
    except sqlite3.OperationalError:  # an empty database has no tables yet
        return default
    return row[0] if row else default


def database_facts(path: Path) -> dict[str, Any]:
    """Schema version, audit head and counts of a database file, read without the models."""
    with closing(sqlite3.connect(str(path), timeout=30)) as conn:
        return {
            "schema_version": int(_scalar(
                conn, "SELECT value FROM meta WHERE key = 'schema_version'", 0)),
            "audit_head": _scalar(conn, "SELECT value FROM meta WHERE key = 'audit_head'", ""),
            "problems": _scalar(
                conn, "SELECT COUNT(*) FROM problem WHERE deleted_at IS NULL", 0),
            "audit_events": _scalar(conn, "SELECT COUNT(*) FROM audit_event", 0),
        }


def _snapshot(database: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup API, in one step: it reads one
    snapshot while the window keeps writing to the WAL beside it."""
    try:
        with closing(sqlite3.connect(str(database), timeout=30)) as source, \
                closing(sqlite3.connect(str(target))) as copy:
            source.backup(copy)
            # the copy stands alone: no -wal file is needed to open it
            copy.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            N_("The database {path} cannot be read for a backup ({reason}); no backup was "
               "made."), path=str(database), reason=str(error)) from error
    problems = db_health.integrity_check(target)
    if problems:
        raise BackupError(
            N_("The database {path} has errors ({reason}); no backup was made, so the older "
               "backups stay the latest good ones."),
            path=str(database), reason="; ".join(problems[:3]))


def evidence_files(database: Path) -> list[tuple[Path, str]]:
    """(file, member name) for every stored evidence and image file; temporary files of a
    store in progress (dot names) are left out."""
    root = paths.evidence_dir_for(Path(database))
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            found.append((path, EVIDENCE_PREFIX + relative.as_posix()))
    return found


# -- writing ------------------------------------------------------------------------------------


def refuse_server(database: Path | str) -> None:
    if isinstance(database, str) and "://" in database:
        raise BackupError(
            N_("A server database is backed up on the server (pg_dump, pg_restore); backups "
               "here are of a database file."))


def _add_member(archive: zipfile.ZipFile, source: Path, name: str, method: int,
                tick: Callable[[int], None]) -> str:
    info = zipfile.ZipInfo.from_file(source, name, strict_timestamps=False)
    info.compress_type = method
    digest = hashlib.sha256()
    with source.open("rb") as src, archive.open(info, "w") as dst:
        while block := src.read(CHUNK):
            digest.update(block)
            dst.write(block)
            tick(len(block))
    return digest.hexdigest()


def create_backup(database: Path | str, out: Path | str, kind: Kind = Kind.MANUAL,
                  progress: Progress | None = None) -> BackupInfo:
    """Write a verified backup of ``database`` to ``out`` (whole or not at all)."""
    refuse_server(database)
    database, out = Path(database), Path(out)
    if not database.is_file():
        raise BackupError(N_("There is no database at {path} to back up."), path=str(database))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rectify-backup-") as scratch:
        copy = Path(scratch) / "rectify.db"
        check_free_space(Path(scratch), database.stat().st_size)
        _snapshot(database, copy)
        facts = database_facts(copy)
        members = [(copy, DATABASE_MEMBER, zipfile.ZIP_DEFLATED)] + [
            # evidence is mostly photos and PDFs, compressed already
            (path, name, zipfile.ZIP_STORED) for path, name in evidence_files(database)
        ]
        total = sum(path.stat().st_size for path, _n, _m in members)
        check_free_space(out.parent, total)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": __version__,
            "schema_version": facts["schema_version"],
            "created_at": clock.now().isoformat(),
            "kind": kind.value,
            "database_name": database.name,
            "audit_head": facts["audit_head"],
            "counts": {"problems": facts["problems"], "audit_events": facts["audit_events"],
                       "evidence_files": len(members) - 1},
            "members": {},
        }
        tick = byte_counter(progress, 2 * total)  # the second half is the read-back check

        def write(fh) -> None:
            with zipfile.ZipFile(fh, "w", allowZip64=True) as archive:
                for path, name, method in members:
                    digest = _add_member(archive, path, name, method, tick)
                    manifest["members"][name] = {"sha256": digest, "size": path.stat().st_size}
                text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                data = text.encode("utf-8")
                archive.writestr(MANIFEST, data, compress_type=zipfile.ZIP_DEFLATED)
                archive.writestr(MANIFEST_SUM,
                                 f"{hashlib.sha256(data).hexdigest()}  {MANIFEST}\n")

        def check(temp: Path) -> None:
            def checking(part: int, _whole: int) -> None:
                if progress is not None:
                    progress(total + part, 2 * total)

            verify_archive(temp, checking)

        try:
            size = write_file_atomically(out, write, verify=check)
        except OSError as error:
            raise write_failure(error, out) from error
    created = dt.datetime.fromisoformat(manifest["created_at"])
    return BackupInfo(out, size, kind, created, manifest, verified=True)


def backup_into(folder: Path | str, database: Path | str, kind: Kind = Kind.MANUAL,
                progress: Progress | None = None) -> BackupInfo:
    """A backup in ``folder`` under the usual name (a USB stick, the backups folder)."""
    refuse_server(database)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = unique_path(folder, backup_file_name(Path(database), kind, clock.now()))
    return create_backup(database, out, kind, progress)


# -- checking -----------------------------------------------------------------------------------


def _damaged(archive: Path, message: str, **params: Any) -> DamagedBackup:
    return DamagedBackup(message, name=archive.name, **params)


def _safe_member(name: str) -> bool:
    """Only the database and files under evidence/, with no way out of the target folder."""
    if name == DATABASE_MEMBER:
        return True
    path = PurePosixPath(name)
    return (name.startswith(EVIDENCE_PREFIX) and "\\" not in name and ":" not in name
            and not path.is_absolute() and all(p not in ("", ".", "..") for p in path.parts)
            and len(path.parts) >= 2)


def _checked_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    names = set(archive.namelist())
    if MANIFEST not in names or MANIFEST_SUM not in names:
        raise BackupError(N_("{name} is not a Rectify backup (it has no manifest)."),
                          name=path.name)
    data = archive.read(MANIFEST)
    recorded = archive.read(MANIFEST_SUM).decode("ascii", errors="replace").split()
    if not recorded or recorded[0] != hashlib.sha256(data).hexdigest():
        raise _damaged(path, N_("{name} is damaged: its manifest does not match the checksum "
                                "written with it (the manifest was edited or damaged)."))
    manifest = json.loads(data.decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(N_("{name} is not a Rectify backup (it has no manifest)."),
                          name=path.name)
    found = manifest.get("format_version")
    if not isinstance(found, int) or found > FORMAT_VERSION:
        raise BackupError(
            N_("{name} was made by a newer version of Rectify (backup format {found}); use "
               "the newer program to restore it."), name=path.name, found=found)
    members = manifest.get("members")
    if (not isinstance(members, dict) or DATABASE_MEMBER not in members
            or not all(_safe_member(n) and isinstance(m, dict) and isinstance(m.get("size"), int)
                       and isinstance(m.get("sha256"), str) for n, m in members.items())):
        raise _damaged(path, N_("{name} is damaged: its manifest is incomplete."))
    extra = names - set(members) - {MANIFEST, MANIFEST_SUM}
    missing = set(members) - names
    if extra or missing:
        raise _damaged(path, N_("{name} is damaged: it does not hold the files its manifest "
                                "lists ({member})."), member=sorted(extra | missing)[0])
    return manifest


@contextmanager
def _opened(archive: Path) -> Iterator[zipfile.ZipFile]:
    """The archive open for reading; a broken or unreadable file raises a ``BackupError``."""
    try:
        with zipfile.ZipFile(archive) as zf:
            yield zf
    except ZIP_FAULTS as error:
        raise incomplete_archive(archive, error) from error
    except OSError as error:
        raise _unreadable(archive, error) from error


def read_manifest(archive: Path | str) -> dict[str, Any]:
    """The manifest, after checking it against its own sum (fast: no member is read)."""
    archive = Path(archive)
    with _opened(archive) as zf:
        return _checked_manifest(zf, archive)


def incomplete_archive(archive: Path, error: Exception) -> DamagedBackup:
    return _damaged(archive, N_("{name} is not a complete Rectify backup: the file is damaged "
                                "or was cut short ({reason})."), reason=str(error) or "zip")


def _unreadable(archive: Path, error: OSError) -> BackupError:
    return BackupError(N_("{name} cannot be read ({reason})."), name=archive.name,
                       reason=error.strerror or str(error))


def member_digest(archive: zipfile.ZipFile, name: str, tick: Callable[[int], None],
                  sink: Callable[[bytes], Any] | None = None) -> tuple[str, int]:
    """SHA-256 and size of a member as it reads back (optionally copying it to ``sink``)."""
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
            size += len(block)
            if sink is not None:
                sink(block)
            tick(len(block))
    return digest.hexdigest(), size


def check_member(path: Path, manifest: dict[str, Any], name: str, digest: str,
                 size: int) -> None:
    expected = manifest["members"][name]
    if digest != expected["sha256"] or size != expected["size"]:
        raise _damaged(path, N_("{name} is damaged: {member} does not match the checksum "
                                "recorded when the backup was made."), member=name)


def verify_archive(archive: Path | str, progress: Progress | None = None) -> dict[str, Any]:
    """Check the manifest against its sum and every member against the manifest; return
    the manifest, or raise ``DamagedBackup`` / ``BackupError`` saying what is wrong."""
    archive = Path(archive)
    with _opened(archive) as zf:
        manifest = _checked_manifest(zf, archive)
        tick = byte_counter(progress, max(sum(m["size"] for m in manifest["members"].values()), 1))
        for name in manifest["members"]:
            digest, size = member_digest(zf, name, tick)
            check_member(archive, manifest, name, digest, size)
    return manifest


def describe(path: Path, full: bool = False, progress: Progress | None = None) -> BackupInfo:
    """One archive for a list: its manifest (checked against its sum), and with ``full``
    every member checked too."""
    match = NAME_PATTERN.match(path.name)
    kind = WORD_KINDS.get(match["word"]) if match else None
    size = path.stat().st_size if path.exists() else 0
    info = BackupInfo(path, size, kind, None)
    try:
        info.manifest = read_manifest(path)
        info.kind = Kind(info.manifest.get("kind", kind or Kind.MANUAL))
        info.created_at = dt.datetime.fromisoformat(info.manifest["created_at"])
        if full:
            verify_archive(path, progress)
            info.verified = True
    except BackupError as error:
        info.error = error
    except (KeyError, ValueError, TypeError):
        info.error = _damaged(path, N_("{name} is damaged: its manifest is incomplete."))
    if info.created_at is None and match:
        info.created_at = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    return info


def list_backups(folder: Path | str, database: Path | str | None = None, full: bool = False,
                 progress: Progress | None = None) -> list[BackupInfo]:
    """The archives in ``folder``, newest first; with ``database``, only that database's
    (by name). ``full`` checks every member of every archive (slow for big evidence)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stem = Path(database).stem if database is not None else None
    found = []
    for path in folder.glob(f"*{SUFFIX}"):
        match = NAME_PATTERN.match(path.name)
        if stem is not None and (match is None or match["stem"] != stem):
            continue
        found.append(path)
    infos = []
    for index, path in enumerate(found):
        def part(done: int, total: int, index: int = index) -> None:
            if progress is not None:
                progress(index * 1000 + done * 1000 // max(total, 1), len(found) * 1000)

        infos.append(describe(path, full, part))
    infos.sort(key=lambda i: (i.created_at or dt.datetime.min, _name_order(i.path)),
               reverse=True)
    return infos


def latest_good(infos: list[BackupInfo]) -> BackupInfo | None:
    return next((i for i in infos if i.usable), None)


# -- automatic backups -------------------------------------------------------------------------


def _auto_backups(database: Path) -> list[Path]:
    """This database's automatic backups, newest first (by the stamp in the name)."""
    folder = paths.backups_dir_for(database)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{SUFFIX}"):
        match = NAME_PATTERN.match(path.name)
        if match and match["stem"] == database.stem and WORD_KINDS[match["word"]] is Kind.AUTO:
            found.append(path)
    return sorted(found, key=_name_order, reverse=True)


def backed_up_on(database: Path | str, day: dt.date) -> bool:
    """Whether an automatic backup of ``database`` was made on ``day``."""
    stamp = f"{day:%Y%m%d}-"
    return any(NAME_PATTERN.match(p.name)["stamp"].startswith(stamp)
               for p in _auto_backups(Path(database)))


def unchanged_since_last(database: Path) -> bool:
    """True when the newest automatic backup holds this very state (same schema, same audit
    head: every change to the records moves the head). Backing it up again would only push
    an older, different state out of the rotation."""
    newest = _auto_backups(database)[:1]
    if not newest:
        return False
    try:
        manifest = read_manifest(newest[0])
    except BackupError:
        return False  # a damaged newest backup is no reason to skip
    facts = database_facts(database)
    return (manifest.get("audit_head") == facts["audit_head"]
            and manifest.get("schema_version") == facts["schema_version"])


def prune(database: Path | str, keep: int) -> list[Path]:
    """Delete this database's automatic backups beyond the newest ``keep``; manual and
    safety backups are never deleted here. Returns the deleted paths."""
    removed = []
    for path in _auto_backups(Path(database))[max(keep, 1):]:
        try:
            path.unlink()
        except OSError:
            continue  # open elsewhere (a virus scanner, an archive tool): try next time
        removed.append(path)
    return removed


def auto_backup(database: Path | str, keep: int = DEFAULT_KEEP, progress: Progress | None = None,
                force: bool = False) -> BackupInfo | None:
    """An automatic backup into the backups folder beside the database, then the rotation
    (older ones go only after the new one was written and verified). None when there was
    nothing to back up: no database file, or no change since the newest automatic backup."""
    refuse_server(database)
    database = Path(database)
    if not database.is_file() or database.stat().st_size == 0:
        return None
    if not force and unchanged_since_last(database):
        return None
    info = backup_into(paths.backups_dir_for(database), database, Kind.AUTO, progress)
    prune(database, keep)
    return info

"""One writer per database file: a lock file beside it, held with an operating-system lock.

The OS lock (``flock`` on Linux, ``msvcrt.locking`` on Windows) is what decides; the file's
text only says who holds it, so a refusal can name the process. When a program crashes or is
killed, the OS drops its lock with the process, and the next start finds the file's text with
no lock behind it: a stale holder, cleared by overwriting. The file is emptied on a clean
release but never deleted: deleting it while another process has it open would let two
processes lock two different files of the same name.

PostgreSQL needs none of this; the server arbitrates its own writers.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop.core.errors import DomainError
from desktop.core.i18n import N_

LOCK_SUFFIX = ".lock"
# Windows locks byte ranges and refuses to read a locked range; the lock therefore sits far
# past the text, which every process can read. (flock locks the whole file and ignores this.)
WINDOWS_LOCK_OFFSET = 1 << 30


class DatabaseInUse(DomainError):
    """Another running program holds the database."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    user: str
    program: str
    since: str  # ISO time the holder started

    @classmethod
    def me(cls, program: str) -> Holder:
        return cls(pid=os.getpid(), host=socket.gethostname(), user=_user_name(),
                   program=program, since=dt.datetime.now().replace(microsecond=0).isoformat())

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(pid=int(data["pid"]), host=str(data["host"]), user=str(data["user"]),
                       program=str(data["program"]), since=str(data["since"]))
        except (ValueError, KeyError, TypeError):
            return None


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some services and containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def lock_path(database: Path | str) -> Path:
    database = Path(database)
    return database.with_name(database.name + LOCK_SUFFIX)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _read_text(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
        if sum(map(len, chunks)) > 65536:  # not ours: a lock file is a few hundred bytes
            break
    return b"".join(chunks).decode("utf-8", errors="replace")


def _write_text(fd: int, text: str) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    data = text.encode("utf-8")
    while data:
        data = data[os.write(fd, data):]
    os.fsync(fd)


class InstanceLock:
    """A held lock. ``stale`` is the crashed holder found and cleared on taking it, if any."""

    def __init__(self, path: Path, fd: int, holder: Holder, stale: Holder | None) -> None:
        self.path = path
        self.holder = holder
        self.stale = stale
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _write_text(fd, "")
            _unlock(fd)
        except OSError:
            pass  # closing the handle drops the lock anyway
        finally:
            os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


def acquire(database: Path | str, program: str = "rectify") -> InstanceLock:
    """Take the database's lock or raise ``DatabaseInUse`` naming the process that holds it."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
    try:
        if not _try_lock(fd):
            raise in_use_error(Path(database), Holder.parse(_read_text(fd)))
        previous = _read_text(fd).strip()
        stale = Holder.parse(previous) if previous else None
        holder = Holder.me(program)
        _write_text(fd, json.dumps(asdict(holder), ensure_ascii=False))
    except BaseException:
        os.close(fd)
        raise
    return InstanceLock(path, fd, holder, stale)


def in_use_error(database: Path, holder: Holder | None) -> DatabaseInUse:
    if holder is None:  # the holder is between opening the file and writing its name
        return DatabaseInUse(
            N_("The database {database} is open in another Rectify program. Only one program "
               "may work on a database at a time: close the other one first."),
            database=str(database))
    return DatabaseInUse(
        N_("The database {database} is open in another program: {program}, process {pid}, "
           "user {user} on computer {host}, since {since}. Only one program may work on a "
           "database at a time: close the other one first."),
        database=str(database), program=holder.program, pid=holder.pid, user=holder.user,
        host=holder.host, since=holder.since.replace("T", " "))


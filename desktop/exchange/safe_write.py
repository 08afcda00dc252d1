"""Writing a file whole or not at all, for every export (PDF sheets, ledger workbooks).

Files go to USB sticks that fill up, get pulled out, or hold yesterday's ledger under the same
name. So a file is written under a temporary name in the destination folder (the same file
system, so the final rename is atomic), forced to the device, checked by reading it back, and
only then renamed over the target. On any failure the temporary file is removed and a file
already under the final name is left exactly as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from desktop.core.errors import DomainError
from desktop.core.i18n import N_

SPACE_MARGIN = 1 << 20  # room left over besides the estimate (directory entries, the FAT)
FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), getattr(errno, "EFBIG", 0)}
DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


class WriteFailed(DomainError):
    """A file could not be written; nothing was left behind."""


class NotEnoughSpace(WriteFailed):
    pass


def free_space(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None  # unknown: let the write itself find out


def check_free_space(folder: Path, needed: int) -> None:
    """Refuse early, with the sizes, when the folder's drive obviously cannot hold the file."""
    free = free_space(folder)
    if free is not None and free < needed + SPACE_MARGIN:
        raise NotEnoughSpace(
            N_("There is not enough free space in {folder}: about {needed} MB is needed, "
               "{free} MB is free. Nothing was written; free some space or choose another "
               "drive."),
            folder=str(folder), needed=_megabytes(needed + SPACE_MARGIN), free=_megabytes(free))


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):.1f}"


def write_failure(exc: OSError, out: Path) -> WriteFailed:
    """An OS error while writing ``out``, said in words an office clerk can act on."""
    if exc.errno in FULL:
        return NotEnoughSpace(
            N_("The drive of {folder} is full; {name} was not written (any older file of "
               "that name is unchanged). Free some space or choose another drive."),
            folder=str(out.parent), name=out.name)
    if isinstance(exc, PermissionError) or exc.errno in DENIED:
        return WriteFailed(
            N_("{name} could not be written in {folder}: access was refused. The drive may be "
               "write-protected, or the file may be open in Excel or WPS; close it and try "
               "again."), folder=str(out.parent), name=out.name)
    return WriteFailed(
        N_("{name} could not be written ({reason}); nothing was changed in {folder}."),
        name=out.name, folder=str(out.parent), reason=exc.strerror or str(exc))


def sync_directory(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (not on Windows, and not on
    every USB file system; a refusal there is not an error)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        handle = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_file_atomically(
    out: Path | str,
    write: Callable[[BinaryIO], None],
    verify: Callable[[Path], None] | None = None,
    commit: Callable[[], None] | None = None,
) -> int:
    """Write ``out`` through ``write(file)``, then ``verify(temporary path)`` (it raises when
    the file is not right), then ``commit()`` (e.g. storing what was issued; it runs just
    before the rename, and when it fails no file is left), then rename. Returns the size.
    Errors propagate unchanged; callers turn ``OSError`` into words with ``write_failure``."""
    out = Path(out)
    handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part",
                                         dir=out.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        size = temp.stat().st_size
        if verify is not None:
            verify(temp)
        if commit is not None:
            commit()
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sync_directory(out.parent)
    return size


def size_text(size: int) -> str:
    """A file size the way people read it: 51 KB, 2.6 MB, 1.2 GB."""
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GB"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(size, 1024) / 1024:.0f} KB"

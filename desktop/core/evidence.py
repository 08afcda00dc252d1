"""Evidence files (佐证材料), stored once each by SHA-256 beside the database they belong to."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from desktop.core import db, db_health, paths
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_

MAX_EVIDENCE_BYTES = 200 * 1024 * 1024
# Kinds that Windows or a Linux desktop would run rather than show when the file is opened.
# Evidence is a photo, a scan or a document; a program is never 佐证材料.
PROGRAM_SUFFIXES = frozenset("""
    .exe .com .bat .cmd .msi .msp .mst .scr .pif .cpl .hta .msc .reg .inf .lnk .url .chm
    .vbs .vbe .js .jse .wsf .wsh .ws .wsc .ps1 .psm1 .psd1 .jar .appref-ms .application
    .gadget .sct .shb .scf .dll .sys .ocx .sh .bash .zsh .csh .run .bin .elf .out .desktop
    .appimage .deb .rpm .py .pyw .pyz .pl .rb .php .command .app .pkg .dmg .apk
""".split())
# The first bytes of programs whatever their name: Windows PE, ELF, Mach-O, and scripts.
_PROGRAM_MAGIC = (b"\x7fELF", b"#!", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                  b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")


def is_program_name(name: str) -> bool:
    """Whether the file's name marks a program. Windows ignores trailing dots and spaces
    ("报告.exe. " runs as .exe), so they are ignored here too."""
    cleaned = Path(name.strip().rstrip(". ")).name
    return Path(cleaned).suffix.lower() in PROGRAM_SUFFIXES


def _is_program_content(head: bytes) -> bool:
    if head.startswith(_PROGRAM_MAGIC):
        return True
    if head[:2] == b"MZ" and len(head) >= 64:  # DOS header pointing at a PE header
        offset = int.from_bytes(head[60:64], "little")
        return head[offset:offset + 4] == b"PE\0\0" if offset + 4 <= len(head) else True
    return False


def is_program(path: Path) -> bool:
    """A program by its name or its first bytes. The executable bit alone does not count:
    on Linux every file of a FAT-formatted USB stick shows it."""
    if is_program_name(path.name):
        return True
    try:
        with path.open("rb") as fh:
            return _is_program_content(fh.read(4096))
    except OSError:
        return False


def refuse_program(path: Path) -> None:
    if is_program(path):
        raise ValidationError(
            N_("{name} is a program or a script, not a document; programs are not accepted "
               "as evidence files (they could be started by mistake when opened). Attach a "
               "photo, a scan or a document instead."), name=path.name)


def store_root() -> Path:
    return db.evidence_root() or paths.evidence_dir_for(db_health.open_file())


def stored_path(sha256: str) -> Path:
    return store_root() / sha256[:2] / sha256


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_file(source: Path) -> tuple[str, int]:
    """Copy ``source`` into the store (once per content); returns (sha256, size)."""
    source = Path(source)
    if not source.is_file():
        raise ValidationError(N_("The file {name} cannot be read."), name=str(source))
    size = source.stat().st_size
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            N_("The file {name} is larger than {limit} MB."),
            name=source.name,
            limit=MAX_EVIDENCE_BYTES // (1024 * 1024),
        )
    refuse_program(source)
    sha = file_sha256(source)
    target = stored_path(sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return sha, size

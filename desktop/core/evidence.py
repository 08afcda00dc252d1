"""Evidence files (佐证材料), stored once each by SHA-256 beside the database they belong to."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from desktop.core import paths
from desktop.core.errors import ValidationError
from desktop.core.i18n import N_
from desktop.core.models import database

MAX_EVIDENCE_BYTES = 200 * 1024 * 1024


def store_root() -> Path:
    target = getattr(database.obj, "database", None)
    if isinstance(target, str) and target not in ("", ":memory:") and "://" not in target:
        return paths.evidence_dir_for(Path(target))
    return paths.data_dir() / "evidence"


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

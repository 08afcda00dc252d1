"""Every path the app uses, in one place.

Tests and portable mode override the data directory; resources are found the same way
from a source checkout and from a frozen (PyInstaller) build.

Portable mode is for offices that carry the app on a USB stick: a file named ``portable.txt``
beside the program (``rectify.exe`` or ``rectify``) keeps the database, evidence, backups and
settings in a ``data`` folder beside it, so the stick holds everything and the PC nothing. It
applies to a frozen build only; run from source, the program is the Python interpreter, whose
folder is nobody's data folder (developers use ``RECTIFY_DATA_DIR`` or ``--db``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Rectify"
APP_AUTHOR = "Rectify"

PORTABLE_MARKER = "portable.txt"
PORTABLE_DATA = "data"

_data_dir_override: Path | None = None


def resources_dir() -> Path:
    """The shipped resources (fonts, translations, templates)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def set_data_dir(path: Path | str | None) -> None:
    """Override the data directory (tests, portable mode); None restores the default."""
    global _data_dir_override
    _data_dir_override = Path(path) if path is not None else None


def data_dir_override() -> Path | None:
    """The override set with ``set_data_dir`` (to put it back after a temporary change)."""
    return _data_dir_override


def program_dir() -> Path | None:
    """The folder holding the frozen program; None when run from source."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def portable_data_dir() -> Path | None:
    """``data`` beside the program when its portable marker is there, else None."""
    folder = program_dir()
    if folder is None or not (folder / PORTABLE_MARKER).is_file():
        return None
    return folder / PORTABLE_DATA


def is_portable() -> bool:
    """True when the data in use is the portable folder (nothing overrides it)."""
    portable = portable_data_dir()
    return portable is not None and data_dir() == portable


def data_dir() -> Path:
    """Where the database, evidence, backups and settings live: a test's or the caller's
    override, then ``RECTIFY_DATA_DIR``, then the portable folder, then the user's data
    directory (``%LOCALAPPDATA%\\Rectify\\Rectify``, ``~/.local/share/Rectify``)."""
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get("RECTIFY_DATA_DIR")
    if env:
        return Path(env)
    portable = portable_data_dir()
    if portable is not None:
        return portable
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def default_database() -> Path:
    return data_dir() / "rectify.db"


def evidence_dir_for(database: Path | None) -> Path:
    """Evidence files live beside the database they belong to."""
    base = database.parent if database is not None else data_dir()
    return base / "evidence"


def backups_dir_for(database: Path | None) -> Path:
    """Automatic and safety backups live beside the database too: for the default database
    that is ``<data dir>/backups``; a database kept elsewhere (``--db``) has its own. Backup
    names start with the database's name, so two databases in one folder never rotate each
    other's backups out."""
    base = database.parent if database is not None else data_dir()
    return base / "backups"

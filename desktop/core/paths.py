"""Every path the app uses, in one place.

Tests and portable mode override the data directory; resources are found the same way
from a source checkout and from a frozen (PyInstaller) build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "Rectify"
APP_AUTHOR = "Rectify"

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


def data_dir() -> Path:
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get("RECTIFY_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def default_database() -> Path:
    return data_dir() / "rectify.db"


def evidence_dir_for(database: Path | None) -> Path:
    """Evidence files live beside the database they belong to."""
    base = database.parent if database is not None else data_dir()
    return base / "evidence"

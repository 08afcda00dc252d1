"""Every setting of the window, declared once with its type and default (Picard style).

Stored with QSettings in an INI file beside the database's data directory, so a copied
portable folder keeps its settings. Tests point it at a temporary file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from desktop.core import paths


@dataclass(frozen=True)
class Option:
    name: str
    kind: type
    default: Any


OPTIONS = {
    o.name: o
    for o in (
        Option("language", str, "zh_CN"),
        Option("last_campaign", str, ""),  # campaign UUID
        Option("last_user", str, ""),
        Option("window_geometry", QByteArray, QByteArray()),
        Option("window_state", QByteArray, QByteArray()),
        Option("last_page", str, "dashboard"),
        Option("last_directory", str, ""),
        Option("reminder_shown_on", str, ""),
        Option("idle_lock_minutes", int, 10),  # lock the window when idle; 0 = never
        Option("auto_backup", bool, True),  # on exit and daily, into backups/ beside the db
        Option("auto_backup_keep", int, 10),  # automatic backups kept; older ones deleted
    )
}

# Per-table header state is stored under "header/<table name>".
HEADER_PREFIX = "header/"
SETTINGS_VERSION = 1


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        path = path or paths.data_dir() / "rectify.ini"
        self._store = QSettings(str(path), QSettings.Format.IniFormat)
        self._upgrade()

    def _upgrade(self) -> None:
        """Numbered upgrade steps go here when a stored setting changes meaning."""
        self._store.setValue("settings_version", SETTINGS_VERSION)

    def get(self, name: str) -> Any:
        option = OPTIONS[name]
        value = self._store.value(name, option.default)
        if value is None:
            return option.default
        if option.kind is QByteArray:
            return QByteArray(value) if not isinstance(value, QByteArray) else value
        if option.kind is bool:  # an INI file gives back "true" / "false"
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
        try:
            return option.kind(value)
        except (TypeError, ValueError):
            return option.default

    def set(self, name: str, value: Any) -> None:
        option = OPTIONS[name]
        if option.kind is not QByteArray:
            value = option.kind(value)
        self._store.setValue(name, value)

    def header_state(self, table: str) -> QByteArray:
        value = self._store.value(HEADER_PREFIX + table)
        return QByteArray(value) if value is not None else QByteArray()

    def set_header_state(self, table: str, state: QByteArray) -> None:
        self._store.setValue(HEADER_PREFIX + table, state)

    def sync(self) -> None:
        self._store.sync()

"""Numbered schema migrations. Each step uses frozen copies of the models as they were at
its version, so that a step written today still means the same thing after the models change.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import Database

from desktop.core.errors import DomainError
from desktop.core.i18n import N_
from desktop.core.migrations import (
    v001_initial,
    v002_due_date,
    v003_search,
    v004_sheet_codes,
    v005_images,
    v006_urges,
    v007_imports,
    v008_sign_in,
    v009_figure_indexes,
)

SCHEMA_KEY = "schema_version"

STEPS: list[tuple[int, Callable[[Database], None]]] = [
    (1, v001_initial.apply),
    (2, v002_due_date.apply),
    (3, v003_search.apply),
    (4, v004_sheet_codes.apply),
    (5, v005_images.apply),
    (6, v006_urges.apply),
    (7, v007_imports.apply),
    (8, v008_sign_in.apply),
    (9, v009_figure_indexes.apply),
]
SCHEMA_VERSION = STEPS[-1][0]


def current_version(db: Database) -> int:
    if "meta" not in db.get_tables():
        return 0
    cursor = db.execute_sql(f"SELECT value FROM meta WHERE key = {db.param}", (SCHEMA_KEY,))
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def _set_version(db: Database, version: int) -> None:
    p = db.param
    updated = db.execute_sql(
        f"UPDATE meta SET value = {p} WHERE key = {p}", (str(version), SCHEMA_KEY)
    ).rowcount
    if not updated:
        db.execute_sql(f"INSERT INTO meta (key, value) VALUES ({p}, {p})", (SCHEMA_KEY, str(version)))


def upgrade(db: Database, target: int = SCHEMA_VERSION) -> int:
    """Apply every step above the database's version up to ``target``; returns the version."""
    version = current_version(db)
    if version > SCHEMA_VERSION:
        raise DomainError(
            N_("This database was made by a newer version of Rectify (schema {found}, this "
               "program knows up to {known}). Please use the newer program."),
            found=version,
            known=SCHEMA_VERSION,
        )
    for step_version, step in STEPS:
        if version < step_version <= target:
            with db.atomic():
                step(db)
                _set_version(db, step_version)
            version = step_version
    return version

"""Composition root: the database, the QApplication and the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.core import db
from desktop.core.models import Campaign

FIRST_RUN_PROBLEMS = 300


def prepare_database(target: str | Path) -> None:
    """Open the database; on first run, give it a demo campaign so the window is never blank."""
    db.open_database(target)
    if not Campaign.live().exists():
        from desktop.core.demo import build_demo

        build_demo(FIRST_RUN_PROBLEMS)


def run_gui(target: str | Path) -> int:
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import MainWindow

    prepare_database(target)
    app = QApplication.instance() or QApplication(sys.argv)
    window = MainWindow(str(target))
    window.show()
    return app.exec()

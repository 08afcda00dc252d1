"""How long the main window takes to open and to filter a large ledger, as a user sees it.

    python -m benchmarks.window_open --db PATH   (build the database first, e.g. with
    ``python -m benchmarks.problem_list --db PATH`` or ``rectify demo --problems 100000``)

Times the window from construction to first paint, then each filter action through the
widgets a user touches (the search box, the combos, a header click), including the model
reset and the repaint. Run by hand; the figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from tempfile import TemporaryDirectory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from desktop.app import prepare_database
    from desktop.core import setup
    from desktop.core.session import Session
    from desktop.ui.context import AppContext
    from desktop.ui.main_window import MainWindow
    from desktop.ui.problem_model import COLUMN_KEYS
    from desktop.ui.settings import Settings

    app = QApplication([])
    started = time.perf_counter()
    prepare_database(args.db)
    opened = time.perf_counter()
    with TemporaryDirectory() as scratch:
        ctx = AppContext(Session(user=setup.default_user()), args.db,
                         Settings(Path(scratch) / "bench.ini"))
        window = MainWindow(ctx)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        shown = time.perf_counter()
        page = window.problem_list
        print(f"open database {1000 * (opened - started):.0f} ms; window shown "
              f"{1000 * (shown - opened):.0f} ms; {page.model.rowCount()} problems")

        def search(text):
            page.search_edit.setText(text)
            page.apply_filters()

        steps = [
            ("search, 2 characters (会议)", lambda: search("会议")),
            ("search, 4 characters (一窗受理)", lambda: search("一窗受理")),
            ("clear the search", lambda: search("")),
            ("state: in rectification", lambda: page.state_combo.setCurrentIndex(
                page.state_combo.findData("rectifying"))),
            ("light: overdue", lambda: page.light_combo.setCurrentIndex(
                page.light_combo.findData("red"))),
            ("clear filters", page.clear_filters),
            ("sort by deadline", lambda: page.table.sortByColumn(
                COLUMN_KEYS.index("due_date"), Qt.SortOrder.AscendingOrder)),
            ("sort by unit", lambda: page.table.sortByColumn(
                COLUMN_KEYS.index("unit"), Qt.SortOrder.AscendingOrder)),
            ("scroll to the end", page.table.scrollToBottom),
        ]
        for label, step in steps:
            began = time.perf_counter()
            step()
            app.processEvents()
            print(f"{label}: {1000 * (time.perf_counter() - began):.0f} ms, "
                  f"{page.model.rowCount()} rows, {page.model.cached_rows()} rows cached")
        window.close()


if __name__ == "__main__":
    main()

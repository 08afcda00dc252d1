"""Running a long core or exchange call (export, import, building a large ledger) with a
progress dialog that can cancel it.

The calls report ``progress(done, total)`` and stop when the callback raises; the callback
here updates a QProgressDialog, lets the window repaint and take the Cancel click, and raises
``Cancelled`` once it was clicked. The dialog appears only when the work takes longer than
about half a second. (The work runs on the GUI thread: SQLite has one writer and the calls
are chunked finely enough that the window stays responsive between chunks.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from desktop.core.i18n import _

T = TypeVar("T")
SHOW_AFTER_MS = 500


class Cancelled(Exception):
    """The user pressed Cancel; the work undid itself on the way out."""


class ProgressRunner:
    def __init__(self, parent: QWidget | None, label: str) -> None:
        self.dialog = QProgressDialog(label, _("Cancel"), 0, 100, parent)
        self.dialog.setWindowTitle(label)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.setValue(0)
        self.cancelled = False
        self.steps = 0

    def cancel(self) -> None:
        self.cancelled = True

    def __call__(self, done: int, total: int) -> None:
        self.steps += 1
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(max(done, 0), max(total, 1)))
        QApplication.processEvents()
        if self.cancelled or self.dialog.wasCanceled():
            self.cancelled = True
            raise Cancelled()

    def run(self, work: Callable[[Callable[[int, int], None]], T]) -> T:
        """``work(progress)``; raises ``Cancelled`` when the user cancelled."""
        try:
            return work(self)
        finally:
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()

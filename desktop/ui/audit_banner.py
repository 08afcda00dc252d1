"""The audit log's start-up check, and the red banner at the top of the window when it fails.

The check reads the whole log, so it runs on a thread of its own once the window shows: on a
county database of 100,000 problems (a million events) walking the hash chain took about 34 s
and comparing every record with its last event about 2½ minutes more, which no one should
wait for at every start. So records are compared only in smaller databases (see
``audit_check.FULL_CHECK_EVENTS``); a large one gets the chain, and ``rectify verify-audit``
does everything.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QLabel, QMainWindow, QVBoxLayout, QWidget

from desktop.core import audit_check
from desktop.core.audit_check import StartupCheck
from desktop.core.i18n import _


class AuditCheck(QObject):
    """Runs ``audit_check.startup_check`` on a daemon thread with its own database
    connection; ``done`` carries the ``StartupCheck`` (or the exception) back to the window's
    thread.

    A plain daemon thread rather than a QThread: verification cannot be interrupted, and
    quitting the program (or switching user) while it runs must neither wait for it nor
    destroy a running QThread."""

    done = Signal(object)

    def __init__(self, full: bool | None = None) -> None:
        super().__init__()
        self.full = full
        self.thread = threading.Thread(target=self._run, name="audit-check", daemon=True)

    def start(self) -> None:
        _running.add(self)
        self.done.connect(lambda _result: _running.discard(self))
        self.thread.start()

    def _run(self) -> None:
        try:
            result: object = audit_check.startup_check(self.full, own_connection=True)
        except Exception as error:  # noqa: BLE001 — a failed check is a warning, not a crash
            result = error
        self.done.emit(result)


_running: set[AuditCheck] = set()  # checks under way (nothing else holds them)


def banner_text(result: StartupCheck) -> str:
    if result.broken is not None:
        first = result.broken.message()
    else:
        entity, uuid, _why = result.tampered[0]
        first = _("{count} record(s) differ from the audit log, the first: {entity} {uuid}.") \
            .format(count=len(result.tampered), entity=entity, uuid=uuid)
    return "\n".join((
        _("Warning: the record of changes does not verify."),
        first,
        _("Someone changed the database outside this program, or the file is damaged. "
          "Administrator: run “rectify verify-audit --db FILE” for the details, restore the "
          "last backup made before that time, and report it; until then treat this ledger as "
          "unverified."),
    ))


class AuditBanner(QFrame):
    """The red warning strip; hidden until a check fails."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audit_banner")
        self.setStyleSheet("QFrame#audit_banner { background: #c5221f; }"
                           "QFrame#audit_banner QLabel { color: white; font-size: 10.5pt; }")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(self.label)
        self.result: StartupCheck | None = None
        self.hide()

    def show_result(self, result: object) -> None:
        if isinstance(result, Exception):
            self.label.setText(_("The audit log could not be checked: {error}").format(
                error=result))
            self.show()
            return
        self.result = result
        if result.ok:
            self.hide()
            return
        self.label.setText(banner_text(result))
        self.show()


def install_banner(window: QMainWindow) -> AuditBanner:
    """Put the banner above the window's content (the content itself is unchanged)."""
    content = window.takeCentralWidget()
    holder = QWidget(window)
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    banner = AuditBanner(holder)
    column.addWidget(banner)
    if content is not None:
        column.addWidget(content, 1)
    window.setCentralWidget(holder)
    return banner


def start_audit_check(window: QMainWindow, full: bool | None = None) -> AuditCheck:
    """Check the log in the background and show the banner on ``window`` when it fails."""
    banner = install_banner(window)
    check = AuditCheck(full)
    check.done.connect(banner.show_result)
    window.audit_banner = banner
    window.audit_check = check
    check.start()
    return check

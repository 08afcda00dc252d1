"""What the window does for the data's safety around its own life: at start, take the
database's instance lock (or say who has it) and check the file (or offer a backup); while
open, the daily automatic backup, also past midnight; at the end, a restore the
administrator confirmed, else the automatic backup on exit.

``app.run_gui`` calls ``DatabaseGuard.take``, ``open_checked``, ``watch``, ``finish`` and
``release``; each is one line there. A PostgreSQL URL gets none of the file steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from peewee import DatabaseError, OperationalError
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from desktop.core import clock, db, db_health, instance_lock
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.exchange import backup
from desktop.exchange.restore import restore_backup
from desktop.ui.common import error_text
from desktop.ui.progress_runner import Cancelled, ProgressRunner
from desktop.ui.settings import Settings

PROGRAM = "Rectify (window)"
OPEN_ATTEMPTS = 3  # a restored file that still fails to open is not offered for ever


class DatabaseGuard(QObject):
    """Attributes tests drive: ``database`` (None for a server), ``lock``, ``timer``,
    ``pending_restore``; hooks ``recover(problems)`` and ``tell(kind, text)``."""

    def __init__(self, target: str | Path, settings: Settings,
                 lock: instance_lock.InstanceLock | None) -> None:
        super().__init__()
        self.target = target
        self.database = None if db.is_url(target) else Path(target)
        self.settings = settings
        self.lock = lock
        self.window: QWidget | None = None
        self.pending_restore: Path | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._past_midnight)
        self.recover: Callable[[list[str]], bool] = self._recover
        self.tell: Callable[[str, str], None] = self._tell

    # --- start ---------------------------------------------------------------------------
    @classmethod
    def take(cls, target: str | Path, settings: Settings) -> DatabaseGuard | None:
        """The guard with the database's lock; None (after saying who holds it) when
        another program has the database."""
        if db.is_url(target):
            return cls(target, settings, None)
        try:
            lock = instance_lock.acquire(target, program=PROGRAM)
        except instance_lock.DatabaseInUse as error:
            QMessageBox.critical(None, _("The database is in use"), error_text(error))
            return None
        return cls(target, settings, lock)

    def open_checked(self, prepare: Callable[[str | Path], None]) -> bool:
        """Check the file, then ``prepare(target)`` (open and upgrade it). A damaged file,
        or one that fails to open as a database, goes to the recovery dialog; False when
        the user quits there."""
        if self.database is None:
            prepare(self.target)
            return True
        for _attempt in range(OPEN_ATTEMPTS):
            problems = db_health.quick_check(self.database)
            if not problems:
                try:
                    prepare(self.target)
                    return True
                except DatabaseError as error:
                    db.close()
                    problems = db_health.quick_check(self.database)
                    if isinstance(error, OperationalError) and not problems:
                        raise  # locked, no space, no access: not damage
                    problems = problems or [str(error)]
            if not self.recover(problems):
                return False
        return False

    def _recover(self, problems: list[str]) -> bool:
        from desktop.ui.recovery_dialog import RecoveryDialog

        dialog = RecoveryDialog(self.database, problems)
        return dialog.exec() == QDialog.DialogCode.Accepted

    # --- while the window is open --------------------------------------------------------
    def watch(self, window) -> None:
        """The daily backup now if today has none, again after midnight, and a restore
        confirmed on the 备份与恢复 tab."""
        self.window = window
        page = getattr(getattr(window, "settings_page", None), "backup_page", None)
        if page is not None:
            page.restore_confirmed.connect(self.restore_after_close)
        if self.database is not None:
            self.daily_backup()
            self.arm_timer()

    def arm_timer(self) -> None:
        now = clock.now()
        midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0, 1))
        self.timer.start(int((midnight - now).total_seconds() * 1000))

    def _past_midnight(self) -> None:
        self.daily_backup()
        self.arm_timer()

    def daily_backup(self) -> backup.BackupInfo | None:
        if not self.settings.get("auto_backup") or self.database is None:
            return None
        if backup.backed_up_on(self.database, clock.today()):
            return None
        return self.auto_backup(_("Daily automatic backup…"), self.window)

    def auto_backup(self, label: str, parent: QWidget | None) -> backup.BackupInfo | None:
        keep = max(1, self.settings.get("auto_backup_keep"))
        try:
            return ProgressRunner(parent, label).run(
                lambda progress: backup.auto_backup(self.database, keep, progress))
        except Cancelled:
            return None
        except DomainError as error:
            self.tell("warning", _("The automatic backup was not made:") + "\n\n"
                      + error_text(error))
            return None

    def restore_after_close(self, archive: Path) -> None:
        """Close the window (its open forms may refuse), then restore in ``finish``."""
        self.pending_restore = Path(archive)
        if self.window is not None and not self.window.close():
            self.pending_restore = None

    # --- end -----------------------------------------------------------------------------
    def finish(self) -> None:
        """After the window closed: the confirmed restore, else the exit backup."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.setQuitOnLastWindowClosed(False)  # the dialogs below are not a new session
        if self.pending_restore is not None:
            self.run_restore(self.pending_restore)
        elif self.database is not None and self.settings.get("auto_backup"):
            self.auto_backup(_("Automatic backup on exit…"), None)

    def run_restore(self, archive: Path) -> bool:
        session = getattr(getattr(self.window, "ctx", None), "session", None)
        if session is None:
            return False
        try:
            result = ProgressRunner(None, _("Restoring…")).run(
                lambda progress: restore_backup(session, self.database, archive, progress))
        except Cancelled:
            self.tell("information", _("Cancelled; nothing was restored."))
            return False
        except DomainError as error:
            self.tell("warning", error_text(error) + "\n\n"
                      + _("Nothing was restored; the current data is unchanged."))
            return False
        text = _("The backup was restored.")
        if result.safety_backup is not None:
            text += " " + _("The data from before the restore is kept in {path}.").format(
                path=str(result.safety_backup))
        self.tell("information", text + "\n\n" + _("Start the program again and sign in."))
        return True

    def release(self) -> None:
        self.timer.stop()
        if self.lock is not None:
            self.lock.release()

    def _tell(self, kind: str, text: str) -> None:
        box = QMessageBox.warning if kind == "warning" else QMessageBox.information
        box(self.window if self.window is not None and self.window.isVisible() else None,
            _("Backup and restore"), text)

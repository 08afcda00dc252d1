"""At start-up, when the database file fails its check: say what is wrong, list the backups
with whether each verifies, and restore the chosen one, or quit. The program never opens a
damaged file as if it were fine, and never crashes on one.

No account can be checked here (the accounts are in the damaged file), so the restore runs
as the system. It keeps the damaged file under a dated name beside the database, never
deleting it, so nothing is lost by choosing a backup that turns out to be older than hoped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import paths
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.session import Session
from desktop.exchange import backup
from desktop.exchange.backup import BackupInfo
from desktop.exchange.restore import RestoreResult, restore_backup
from desktop.ui.backup_list import backup_table, fill_backups, selected_info
from desktop.ui.common import error_text
from desktop.ui.progress_runner import Cancelled, ProgressRunner

SHOWN_PROBLEMS = 4


class RecoveryDialog(QDialog):
    """Attributes tests drive: ``table``, ``infos``, ``restore_button``, ``other_button``,
    ``quit_button``, ``message``, ``restored``; hooks ``confirm(text)``, ``choose_archive()``,
    ``show_done(text)`` and ``make_runner(label)``."""

    def __init__(self, database: Path, problems: list[str], parent: QWidget | None = None,
                 check_now: bool = True) -> None:
        super().__init__(parent)
        self.database = Path(database)
        self.folder = paths.backups_dir_for(self.database)
        self.infos: list[BackupInfo] = []
        self.restored: RestoreResult | None = None
        self.confirm: Callable[[str], bool] = self._ask
        self.choose_archive: Callable[[], str] = self._choose_archive
        self.show_done: Callable[[str], None] = self._show_done
        self.make_runner: Callable[[str], ProgressRunner] = lambda label: ProgressRunner(
            self, label)
        self.setWindowTitle(_("The database is damaged"))
        self.setMinimumSize(760, 460)

        heading = QLabel(_("The database file {path} is damaged; the program cannot work on "
                           "it.").format(path=str(self.database)), self)
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        found = QLabel(_("What the check found:") + "\n" + "\n".join(
            "  " + p for p in problems[:SHOWN_PROBLEMS]), self)
        found.setWordWrap(True)
        found.setFont(QFont("monospace"))
        found.setStyleSheet("color: #b3261e;")
        advice = QLabel(_("Restore a backup to go on working. The damaged file is not deleted: "
                          "it is kept beside the database under a name with the date, for an "
                          "IT helper to look at. Backups in {folder}:").format(
            folder=str(self.folder)), self)
        advice.setWordWrap(True)
        self.table = backup_table()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.restore_button = QPushButton(_("Restore the selected backup"), self)
        self.other_button = QPushButton(_("Choose another backup file…"), self)
        self.quit_button = QPushButton(_("Quit"), self)
        self.restore_button.clicked.connect(self.restore_selected)
        self.other_button.clicked.connect(self.choose_other)
        self.quit_button.clicked.connect(self.reject)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        for widget in (heading, found, advice):
            layout.addWidget(widget)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.restore_button.setDefault(True)
        if check_now:
            self.check_backups()

    def check_backups(self) -> None:
        """Every checksum of every backup: a damaged one is marked and never preselected."""
        try:
            self.infos = self.make_runner(_("Checking the backups…")).run(
                lambda progress: backup.list_backups(self.folder, self.database, True,
                                                     progress))
        except Cancelled:
            self.infos = backup.list_backups(self.folder, self.database)
        fill_backups(self.table, self.infos, backup.latest_good(self.infos))
        if not self.infos:
            self.message.setText(_("No backup of this database was found. Choose a backup "
                                   "file (for example on a USB stick), or quit."))
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        return selected_info(self.table, self.infos)

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.restore_button.setEnabled(chosen is not None and chosen.usable)
        if chosen is not None and chosen.error is not None:
            self.message.setText(error_text(chosen.error))
        elif chosen is not None:
            self.message.clear()

    def choose_other(self) -> BackupInfo | None:
        chosen = self.choose_archive()
        if not chosen:
            return None
        info = backup.describe(Path(chosen), full=True)
        self.infos.insert(0, info)
        fill_backups(self.table, self.infos, info)
        self._update_buttons()
        if info.error is not None:
            self.message.setText(error_text(info.error))
        return info

    def restore_selected(self) -> RestoreResult | None:
        chosen = self.selected()
        if chosen is None or not chosen.usable:
            return None
        made = chosen.created_at.strftime("%Y-%m-%d %H:%M") if chosen.created_at else "?"
        if not self.confirm(_("Restore the backup of {made}? Whatever was entered after it "
                              "is not in it. The damaged file is kept.").format(made=made)):
            return None
        self.message.clear()
        try:
            self.restored = self.make_runner(_("Restoring…")).run(
                lambda progress: restore_backup(Session.system(), self.database, chosen.path,
                                                progress))
        except Cancelled:
            self.message.setText(_("Cancelled; nothing was restored."))
            return None
        except DomainError as error:
            self.message.setText(error_text(error) + "\n"
                                 + _("Nothing was restored; choose another backup."))
            return None
        kept = ", ".join(p.name for p in self.restored.kept_aside[:1]) or "—"
        self.show_done(_("The backup of {made} was restored. The damaged file is kept as "
                         "{kept}.").format(made=made, kept=kept))
        self.accept()
        return self.restored

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Restore a backup"), text)
        return answer == QMessageBox.StandardButton.Yes

    def _choose_archive(self) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a backup file"), str(self.folder if self.folder.is_dir()
                                                 else Path.home()),
            _("Rectify backups (*.zip)"))
        return path

    def _show_done(self, text: str) -> None:
        QMessageBox.information(self, _("Restore a backup"), text)

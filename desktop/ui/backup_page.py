"""备份与恢复: the backups of this database, a backup now or onto a USB stick, a restore, and
the automatic backups' settings.

Who may do what (DESIGN §3 gives backups to the 管理员): any signed-in user may make a
backup, because a backup changes nothing, and an office whose administrator is away must
still be able to carry its data out on a USB stick (whoever sits at the PC can copy the
files anyway). Restoring replaces everyone's data, and the automatic backups are office
policy: those are for an administrator, who types the password again before a restore.

A confirmed restore is not run from here: the page hands the archive on
(``restore_confirmed``), the window closes, and the restore runs once nothing of the window
reads the database any more (``data_safety.DatabaseGuard``). The program then asks to be
started again, so that everyone signs in to the restored accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core import db_health, paths
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.session import Session
from desktop.exchange import backup
from desktop.exchange.backup import BackupInfo
from desktop.exchange.restore import confirm_admin
from desktop.exchange.safe_write import size_text
from desktop.ui.admin_page import AdminPage
from desktop.ui.backup_list import backup_table, fill_backups, selected_info
from desktop.ui.common import ReloadsWhenShown, error_text
from desktop.ui.context import AppContext
from desktop.ui.export_dialog import (
    destinations,
    is_removable,
    mounted_volumes,
    removable_note,
)
from desktop.ui.progress_runner import Cancelled, ProgressRunner

MAX_KEPT = 100


def manifest_summary(manifest: dict) -> str:
    counts = manifest.get("counts", {})
    return _("Made at {made} by Rectify {version} (schema {schema}): {problems} problems, "
             "{events} audit events, {files} evidence files.").format(
        made=str(manifest.get("created_at", "")).replace("T", " "),
        version=manifest.get("app_version", "?"), schema=manifest.get("schema_version", "?"),
        problems=counts.get("problems", "?"), events=counts.get("audit_events", "?"),
        files=counts.get("evidence_files", "?"))


class RestoreDialog(QDialog):
    """What will be restored, what happens to the current data, and the password again."""

    def __init__(self, session: Session, archive: Path, manifest: dict, safety_folder: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Restore a backup"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        what = QLabel(_("Backup file: {name}").format(name=archive.name) + "\n"
                      + manifest_summary(manifest))
        what.setWordWrap(True)
        warning = QLabel(_(
            "The current database and its evidence files will be replaced by this backup. "
            "The current data is first backed up to {folder}. The window closes for the "
            "restore; start the program again afterwards and sign in.").format(
            folder=str(safety_folder)))
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #8a4b00;")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(_("Your password (administrator)"), self.password)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(_("Restore"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for widget in (what, warning):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            confirm_admin(self.session, self.password.text())
        except DomainError as error:
            self.message.setText(error_text(error))
            self.password.selectAll()
            return
        super().accept()


class BackupPage(ReloadsWhenShown, AdminPage):
    """Attributes tests drive: ``table``, ``backup_button``, ``backup_to_button``,
    ``verify_button``, ``restore_button``, ``auto_box``, ``keep_spin``, ``message``; hooks
    ``choose_folder()``, ``choose_archive()``, ``open_dialog(dialog)``, ``show_done(text)``
    and ``make_runner(label)`` are replaced in tests."""

    restore_confirmed = Signal(object)  # the archive's Path, after the password was checked

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.database = db_health.open_file()  # None: a server database
        self.folder = paths.backups_dir_for(self.database) if self.database else None
        self.infos: list[BackupInfo] = []
        self.choose_folder: Callable[[], str] = self._choose_folder
        self.choose_archive: Callable[[], str] = self._choose_archive
        self.show_done: Callable[[str], None] = self._show_done
        self.make_runner: Callable[[str], ProgressRunner] = lambda label: ProgressRunner(
            self, label)

        self.auto_box = QCheckBox(_("Back up automatically when the program closes and once "
                                    "a day"), self)
        self.auto_box.setChecked(ctx.settings.get("auto_backup"))
        self.keep_spin = QSpinBox(self)
        self.keep_spin.setRange(1, MAX_KEPT)
        self.keep_spin.setValue(max(1, min(MAX_KEPT, ctx.settings.get("auto_backup_keep"))))
        self.keep_spin.setSuffix(" " + _("backups"))
        self.auto_box.toggled.connect(self._auto_changed)
        self.keep_spin.valueChanged.connect(self._auto_changed)
        folder_label = QLabel(str(self.folder) if self.folder else "—", self)
        folder_label.setWordWrap(True)
        settings_group = QGroupBox(_("Automatic backups"), self)
        form = QFormLayout(settings_group)
        form.addRow(self.auto_box)
        keep_row = QHBoxLayout()
        keep_row.addWidget(self.keep_spin)
        keep_row.addStretch(1)
        form.addRow(_("Keep the newest"), keep_row)
        form.addRow(_("Folder"), folder_label)
        for widget in (self.auto_box, self.keep_spin):
            widget.setEnabled(self.is_admin)

        self.table = backup_table()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.backup_button = QPushButton(_("Back up now"), self)
        self.backup_to_button = QPushButton(_("Back up to…"), self)
        self.verify_button = QPushButton(_("Check the selected backup"), self)
        self.restore_button = QPushButton(_("Restore…"), self)
        self.backup_button.clicked.connect(self.backup_now)
        self.backup_to_button.clicked.connect(self.backup_to)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self.restore)
        self.restore_button.setEnabled(self.is_admin)
        if not self.is_admin:
            self.restore_button.setToolTip(_("Only an administrator can restore a backup."))
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.backup_to_button, self.verify_button,
                       self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.read_only_note.setText(_("Any user can make a backup; restoring one and the "
                                      "automatic backups are for an administrator (管理员)."))

        layout = QVBoxLayout(self)
        layout.addWidget(settings_group)
        layout.addWidget(QLabel(_("Backups of this database"), self))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.read_only_note)
        if self.database is None:
            self.message.setText(_("A server database is backed up on the server (pg_dump); "
                                   "this page is for a database file."))
            for widget in (settings_group, self.table, self.backup_button,
                           self.backup_to_button, self.verify_button, self.restore_button):
                widget.setEnabled(False)
        # inside the window the archives are read when the tab is first shown: not at every
        # start, and today's automatic backup (made after the window opened) is in the list
        self.load_when_shown()

    # --- list ----------------------------------------------------------------------------
    def reload(self, select: BackupInfo | None = None) -> None:
        self.infos = backup.list_backups(self.folder, self.database) if self.folder else []
        fill_backups(self.table, self.infos, select)
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        return selected_info(self.table, self.infos)

    def _update_buttons(self) -> None:
        self.verify_button.setEnabled(self.database is not None and self.selected() is not None)

    def _auto_changed(self) -> None:
        self.ctx.settings.set("auto_backup", self.auto_box.isChecked())
        self.ctx.settings.set("auto_backup_keep", self.keep_spin.value())

    # --- making backups ------------------------------------------------------------------
    def _run(self, label: str, work) -> object | None:
        self.message.clear()
        try:
            return self.make_runner(label).run(work)
        except Cancelled:
            self.message.setText(_("Cancelled; no file was written."))
        except DomainError as error:
            self.message.setText(error_text(error))
        return None

    def backup_now(self) -> BackupInfo | None:
        info = self._run(_("Backing up…"), lambda progress: backup.backup_into(
            self.folder, self.database, backup.Kind.MANUAL, progress))
        if info is not None:
            self.reload(info)
            self.message.setText(self.done_text(info, removable=False))
        return info

    def backup_to(self) -> BackupInfo | None:
        folder = self.choose_folder()
        if not folder:
            return None
        info = self._run(_("Backing up…"), lambda progress: backup.backup_into(
            Path(folder), self.database, backup.Kind.MANUAL, progress))
        if info is not None:
            self.ctx.settings.set("last_directory", folder)
            text = self.done_text(info, is_removable(folder))
            self.message.setText(text)
            self.show_done(text)
        return info

    @staticmethod
    def done_text(info: BackupInfo, removable: bool) -> str:
        text = _("The backup was saved and checked: {path} ({size}).").format(
            path=str(info.path), size=size_text(info.size))
        return text + removable_note(removable)

    def _choose_folder(self) -> str:
        options = destinations(mounted_volumes(), [self.ctx.settings.get("last_directory")])
        start = options[0].path if options else str(Path.home())
        return QFileDialog.getExistingDirectory(self, _("Back up to…"), start)

    def _show_done(self, text: str) -> None:
        QMessageBox.information(self, _("Backup"), text)

    # --- checking and restoring ------------------------------------------------------------
    def verify_selected(self) -> BackupInfo | None:
        chosen = self.selected()
        if chosen is None:
            return None
        info = self._run(_("Checking the backup…"),
                         lambda progress: backup.describe(chosen.path, True, progress))
        if info is None:
            return None
        self.infos[self.infos.index(chosen)] = info
        fill_backups(self.table, self.infos, info)
        self.message.setText(error_text(info.error) if info.error else
                             _("Every checksum of {name} verifies.").format(name=info.path.name))
        return info

    def _choose_archive(self) -> str:
        chosen = self.selected()
        start = str(chosen.path) if chosen else str(self.folder or Path.home())
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Restore a backup"), start, _("Rectify backups (*.zip)"))
        return path

    def restore(self) -> Path | None:
        """Check the chosen archive, ask for the password, and hand it on; None when not."""
        if not self.is_admin or self.database is None:
            return None
        chosen = self.choose_archive()
        if not chosen:
            return None
        archive = Path(chosen)
        manifest = self._run(_("Checking the backup…"),
                             lambda progress: backup.verify_archive(archive, progress))
        if manifest is None:
            if self.message.text():
                self.message.setText(self.message.text() + "\n"
                                     + _("Nothing was restored; the current data is unchanged."))
            return None
        dialog = RestoreDialog(self.ctx.session, archive, manifest, self.folder, self)
        if not self.open_dialog(dialog):
            return None
        self.restore_confirmed.emit(archive)
        return archive


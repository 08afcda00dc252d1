"""The 备份与恢复 tab, the start-up guard (lock, damaged file, daily and exit backups, a
restore after the window closed) and the recovery dialog, driven as an office would."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from desktop.core import clock, db, db_health, paths
from desktop.core.i18n import _
from desktop.core.models import Problem, database
from desktop.exchange import backup
from desktop.ui.backup_page import BackupPage, RestoreDialog
from desktop.ui.context import AppContext
from desktop.ui.data_safety import DatabaseGuard
from desktop.ui.recovery_dialog import RecoveryDialog
from desktop.ui.settings import Settings
from tests.conftest import PASSWORD
from tests.core.test_audit import new_problem
from tests.core.test_instance_lock import HOLDER, ROOT
from tests.exchange.test_backup import damage
from tests.pg_server import sqlite_only

pytestmark = sqlite_only("the app's file backups; a server is backed up with pg_dump")


def db_file() -> Path:
    return Path(database.obj.database)


def make_page(qtbot, office, tmp_path, who="admin") -> BackupPage:
    ctx = AppContext(office.session(who), str(db_file()), Settings(tmp_path / "s.ini"))
    page = BackupPage(ctx)
    qtbot.addWidget(page)
    return page


def password_hook(password: str, seen: list):
    def hook(dialog: RestoreDialog) -> bool:
        seen.append(dialog)
        dialog.password.setText(password)
        dialog.ok_button.click()
        return dialog.result() == QDialog.DialogCode.Accepted
    return hook


def test_the_list_and_backing_up_now_and_to_a_usb_stick(qtbot, office, tmp_path):
    auto = backup.auto_backup(db_file())
    page = make_page(qtbot, office, tmp_path)
    assert page.table.rowCount() == 1
    assert page.table.item(0, 1).text() == _("Automatic")
    assert page.table.item(0, 5).text() == auto.path.name

    clock.freeze(dt.datetime(2026, 11, 2, 11, 0))
    page.backup_button.click()
    assert page.table.rowCount() == 2
    assert page.table.item(0, 1).text() == _("Made by hand")
    assert page.table.item(0, 0).text() == "2026-11-02 11:00:00"
    assert (paths.backups_dir_for(db_file()) / "test-备份-20261102-110000.zip").is_file()
    assert str(paths.backups_dir_for(db_file())) in page.message.text()

    stick = tmp_path / "KINGSTON"
    stick.mkdir()
    shown = []
    page.choose_folder = lambda: str(stick)
    page.show_done = shown.append
    info = page.backup_to()
    assert info.path.parent == stick and backup.verify_archive(info.path)
    assert str(info.path) in shown[0]
    assert page.ctx.settings.get("last_directory") == str(stick)

    page.table.selectRow(1)
    checked = page.verify_selected()
    assert checked.verified and page.table.item(1, 4).text() == _("Checksums verified")


def test_automatic_backup_settings_are_kept_and_only_for_an_administrator(
        qtbot, office, tmp_path):
    page = make_page(qtbot, office, tmp_path)
    assert page.auto_box.isChecked() and page.keep_spin.value() == 10
    page.auto_box.setChecked(False)
    page.keep_spin.setValue(4)
    settings = Settings(tmp_path / "s.ini")
    assert settings.get("auto_backup") is False and settings.get("auto_backup_keep") == 4

    clerk = make_page(qtbot, office, tmp_path / "clerk", who="clerk")
    assert not clerk.auto_box.isEnabled() and not clerk.keep_spin.isEnabled()
    assert not clerk.restore_button.isEnabled()
    assert clerk.restore() is None
    assert clerk.backup_now() is not None  # a backup changes nothing: anyone may


def test_restore_asks_for_the_administrators_password_then_hands_the_archive_on(
        qtbot, office, tmp_path):
    archive = backup.create_backup(db_file(), tmp_path / "b.zip").path
    page = make_page(qtbot, office, tmp_path)
    page.choose_archive = lambda: str(archive)
    seen: list[RestoreDialog] = []
    page.open_dialog = password_hook("wrong-password", seen)
    assert page.restore() is None
    assert _("The password is wrong; nothing was restored.") in seen[0].message.text()
    assert "problems" in _("Made at {made} by Rectify {version} (schema {schema}): {problems} "
                           "problems, {events} audit events, {files} evidence files.")

    page.open_dialog = password_hook(PASSWORD, seen)
    with qtbot.waitSignal(page.restore_confirmed) as confirmed:
        assert page.restore() == archive
    assert confirmed.args == [archive]


def test_a_damaged_archive_is_refused_before_the_password_is_asked(qtbot, office, tmp_path):
    archive = backup.create_backup(db_file(), tmp_path / "b.zip").path
    damage(archive, "truncate")
    page = make_page(qtbot, office, tmp_path)
    page.choose_archive = lambda: str(archive)
    asked = []
    page.open_dialog = asked.append
    assert page.restore() is None
    assert asked == []
    assert "b.zip" in page.message.text()
    assert _("Nothing was restored; the current data is unchanged.") in page.message.text()


class FakeWindow(QWidget):
    """What the guard needs of the main window: its context, and a close that may be
    refused."""

    def __init__(self, ctx: AppContext, page: BackupPage) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings_page = type("Settings", (), {"backup_page": page})()


def test_the_guard_restores_after_the_window_closed(qtbot, office, tmp_path):
    archive = backup.create_backup(db_file(), tmp_path / "b.zip").path
    new_problem(office, "备份之后的问题")
    page = make_page(qtbot, office, tmp_path)
    window = FakeWindow(page.ctx, page)
    qtbot.addWidget(window)
    guard = DatabaseGuard(db_file(), page.ctx.settings, None)
    told = []
    guard.tell = lambda kind, text: told.append((kind, text))
    guard.watch(window)
    # watching made today's automatic backup and armed the midnight timer
    assert backup.backed_up_on(db_file(), clock.today())
    assert guard.timer.isActive()
    assert abs(guard.timer.remainingTime() - (14 * 60 + 31) * 60 * 1000) < 5000

    page.choose_archive = lambda: str(archive)
    page.open_dialog = password_hook(PASSWORD, [])
    window.show()
    page.restore()
    assert guard.pending_restore == archive and not window.isVisible()
    guard.finish()
    assert told[-1][0] == "information" and "恢复前备份" in told[-1][1]
    db.open_database(db_file())
    assert Problem.select().count() == 0  # the problem entered after the backup is gone


def test_the_exit_backup_follows_the_setting(qtbot, office, tmp_path):
    settings = Settings(tmp_path / "s.ini")
    guard = DatabaseGuard(db_file(), settings, None)
    settings.set("auto_backup", False)
    guard.finish()
    assert not backup.backed_up_on(db_file(), clock.today())
    settings.set("auto_backup", True)
    guard.finish()
    assert backup.backed_up_on(db_file(), clock.today())


def test_a_second_window_on_the_same_database_is_refused_naming_the_holder(
        qtbot, tmp_path, monkeypatch):
    target = tmp_path / "rectify.db"
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(target)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _parent, title, text: shown.append((title, text)))
    try:
        assert process.stdout.readline().strip() == "held"
        assert DatabaseGuard.take(target, Settings(tmp_path / "s.ini")) is None
    finally:
        process.kill()
        process.wait(10)
        process.stdout.close()
    assert str(process.pid) in shown[0][1]
    guard = DatabaseGuard.take(target, Settings(tmp_path / "s.ini"))
    assert guard.lock.stale.pid == process.pid  # the killed holder's lock is cleared
    guard.release()


@pytest.fixture
def damaged_with_backups(office, tmp_path):
    """A database with two automatic backups (the newer one damaged), then garbage written
    over pages in the middle of the file."""
    target = db_file()
    good = backup.auto_backup(target).path
    clock.freeze(dt.datetime(2026, 11, 2, 17, 0))
    new_problem(office, "下午登记的问题")
    bad = backup.auto_backup(target).path
    damage(bad, "flip")
    for number in range(30):
        new_problem(office, f"问题{number}" + "长文本" * 200)
    db.close()
    data = bytearray(target.read_bytes())
    middle = len(data) // 4096 // 2 * 4096
    data[middle: middle + 8192] = b"\x5a" * 8192
    target.write_bytes(bytes(data))
    return target, good, bad


def test_the_guard_sends_a_damaged_file_to_recovery_instead_of_opening_it(
        qtbot, damaged_with_backups, tmp_path):
    target, _good, _bad = damaged_with_backups
    guard = DatabaseGuard(target, Settings(tmp_path / "s.ini"), None)
    found = []
    guard.recover = lambda problems: found.append(problems) or False
    opened = []
    assert guard.open_checked(opened.append) is False
    assert opened == [] and found and found[0]


def test_the_recovery_dialog_restores_the_latest_good_backup_and_keeps_the_damaged_file(
        qtbot, damaged_with_backups):
    target, good, bad = damaged_with_backups
    damaged_bytes = target.read_bytes()
    dialog = RecoveryDialog(target, db_health.quick_check(target))
    qtbot.addWidget(dialog)
    assert [i.path for i in dialog.infos] == [bad, good]
    assert dialog.table.item(0, 4).text() == _("Damaged")
    assert dialog.table.item(1, 4).text() == _("Checksums verified")
    assert dialog.selected().path == good and dialog.restore_button.isEnabled()
    dialog.table.selectRow(0)
    assert not dialog.restore_button.isEnabled()  # a damaged backup cannot be chosen
    dialog.table.selectRow(1)
    asked, done = [], []
    dialog.confirm = lambda text: asked.append(text) or True
    dialog.show_done = done.append
    result = dialog.restore_selected()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "2026-11-02 09:30" in asked[0]
    [aside, *_journals] = result.kept_aside
    assert aside.read_bytes() == damaged_bytes and aside.name in done[0]
    assert db_health.quick_check(target) == []
    db.open_database(target)
    assert Problem.select().count() == 0  # the good backup is of the office before problems


def test_the_recovery_dialog_takes_a_backup_file_from_elsewhere(qtbot, damaged_with_backups,
                                                                tmp_path):
    target, good, _bad = damaged_with_backups
    stick = tmp_path / "U盘" / good.name
    stick.parent.mkdir()
    stick.write_bytes(good.read_bytes())
    for path in paths.backups_dir_for(target).iterdir():
        path.unlink()
    dialog = RecoveryDialog(target, ["database disk image is malformed"])
    qtbot.addWidget(dialog)
    assert dialog.infos == [] and not dialog.restore_button.isEnabled()
    assert dialog.message.text()
    dialog.choose_archive = lambda: str(stick)
    info = dialog.choose_other()
    assert info.verified and dialog.selected().path == stick
    assert dialog.restore_button.isEnabled()

"""Backups and restore: what comes back is what went in, and a damaged archive is refused
before anything of the current data is touched."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from desktop.core import audit, clock, db, images, paths
from desktop.core.errors import PermissionDenied
from desktop.core.models import AuditEvent, Problem, database
from desktop.core.problems import add_progress
from desktop.core.session import Session
from desktop.exchange import backup
from desktop.exchange.backup import BackupError, DamagedBackup
from desktop.exchange.restore import confirm_admin, restore_backup
from tests.conftest import PASSWORD, TODAY
from tests.core.test_audit import new_problem
from tests.core.test_images import png_bytes
from tests.pg_server import sqlite_only

pytestmark = sqlite_only("the app's file backups; a server is backed up with pg_dump")


@pytest.fixture
def filled(office, tmp_path):
    """The office with a problem, a progress note with two evidence files and a unit seal."""
    problem = new_problem(office)
    files = []
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    for name, data in (("会议记录.txt", "整改会议记录".encode()), ("照片.jpg", photo)):
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        files.append(path)
    add_progress(office.session("clerk"), problem.id, "已召开整改会议", files=files)
    seal = tmp_path / "in" / "seal.png"
    seal.write_bytes(png_bytes())
    images.set_unit_seal(office.session("admin"), office.unit.id, seal)
    return office


def db_path() -> Path:
    return Path(database.obj.database)


def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, read with a plain connection."""
    with closing(sqlite3.connect(str(path))) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}


def evidence_bytes(path: Path) -> dict[str, bytes]:
    root = paths.evidence_dir_for(path)
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_backup_wipe_restore_gives_back_every_row_and_file(filled, tmp_path):
    source = db_path()
    before_rows, before_files = table_rows(source), evidence_bytes(source)
    assert len(before_files) == 3  # two evidence files and the seal
    archive = backup.create_backup(source, tmp_path / "out" / "b.zip").path

    db.close()
    for suffix in ("", "-wal", "-shm"):
        source.with_name(source.name + suffix).unlink(missing_ok=True)
    for path in sorted(paths.evidence_dir_for(source).rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    paths.evidence_dir_for(source).rmdir()

    result = restore_backup(Session.system(), source, archive)
    assert result.safety_backup is None  # nothing was there to keep
    assert result.evidence_written == 3
    after_rows = table_rows(source)
    # every row comes back; the audit log (and its head in meta) gains one event that says so
    assert {t: r for t, r in after_rows.items() if t not in ("audit_event", "meta")} == {
        t: r for t, r in before_rows.items() if t not in ("audit_event", "meta")}
    events = sorted(after_rows["audit_event"])
    assert events[:-1] == sorted(before_rows["audit_event"])
    assert events[-1][4:7] == ("restore", "database", "")
    assert '"archive":"b.zip"' in events[-1][8]
    assert evidence_bytes(source) == before_files
    db.open_database(source)
    assert audit.verify().ok
    assert Problem.select().count() == 1
    assert images.seal_path(filled.unit.uuid) is not None  # the seal's bytes check out again


def test_manifest_names_versions_counts_and_every_member(filled, tmp_path):
    info = backup.create_backup(db_path(), tmp_path / "b.zip")
    with zipfile.ZipFile(info.path) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read(backup.MANIFEST))
    assert names[-2:] == [backup.MANIFEST, backup.MANIFEST_SUM]
    assert manifest["database_name"] == "test.db"
    assert manifest["created_at"] == "2026-11-02T09:30:00"
    assert manifest["counts"] == {"problems": 1, "audit_events": AuditEvent.select().count(),
                                  "evidence_files": 3}
    assert set(manifest["members"]) == set(names[:-2])
    assert manifest["schema_version"] >= 7 and manifest["app_version"]
    assert backup.verify_archive(info.path) == manifest


def test_the_copy_is_consistent_while_a_transaction_is_open(filled, tmp_path):
    """The online backup reads one committed snapshot: an unfinished change is not in it."""
    with database.atomic() as txn:
        new_problem(filled, "未提交的问题")
        info = backup.create_backup(db_path(), tmp_path / "b.zip")
        txn.rollback()
    assert info.manifest["counts"]["problems"] == 1


def damage(archive: Path, how: str) -> None:
    data = bytearray(archive.read_bytes())
    if how == "flip":  # one byte in the middle of the database member's compressed data
        with zipfile.ZipFile(archive) as zf:
            member = zf.getinfo(backup.DATABASE_MEMBER)
        start = member.header_offset + 30 + len(member.filename.encode()) + len(member.extra)
        data[start + member.compress_size // 2] ^= 0x40
        archive.write_bytes(bytes(data))
    elif how == "truncate":
        archive.write_bytes(bytes(data[: len(data) * 2 // 3]))
    elif how == "manifest":  # rewrite the manifest with a changed count, leave its sum
        with zipfile.ZipFile(archive) as zf:
            members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
        manifest = json.loads(members[backup.MANIFEST])
        manifest["counts"]["problems"] = 99
        members[backup.MANIFEST] = json.dumps(manifest).encode()
        with zipfile.ZipFile(archive, "w") as zf:
            for name, content in members.items():
                zf.writestr(name, content)


@pytest.mark.parametrize("how", ["flip", "truncate", "manifest"])
def test_a_damaged_backup_is_refused_before_anything_is_replaced(filled, tmp_path, how):
    source = db_path()
    archive = backup.create_backup(source, tmp_path / "b.zip").path
    new_problem(filled, "备份之后登记的问题")
    db.close()  # all committed data in the main file, so its bytes can be compared
    before, files_before = source.read_bytes(), evidence_bytes(source)
    damage(archive, how)
    with pytest.raises(DamagedBackup) as refused:
        restore_backup(Session.system(), source, archive)
    assert archive.name in refused.value.message()
    assert source.read_bytes() == before
    assert evidence_bytes(source) == files_before
    assert not paths.backups_dir_for(source).exists()  # not even a safety backup was made
    assert [p.name for p in source.parent.iterdir() if p.name.startswith(".rectify")] == []


def test_a_flipped_byte_names_the_member(filled, tmp_path):
    archive = backup.create_backup(db_path(), tmp_path / "b.zip").path
    with zipfile.ZipFile(archive) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    evidence = next(n for n in members if n.startswith("evidence/"))
    content = bytearray(members[evidence])
    content[0] ^= 1
    members[evidence] = bytes(content)
    with zipfile.ZipFile(archive, "w") as zf:  # fresh CRCs: only the manifest sums can tell
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(DamagedBackup) as refused:
        backup.verify_archive(archive)
    assert evidence in refused.value.message("en")


def test_a_member_that_escapes_the_folder_is_refused(filled, tmp_path):
    archive = backup.create_backup(db_path(), tmp_path / "b.zip").path
    with zipfile.ZipFile(archive) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    manifest = json.loads(members.pop(backup.MANIFEST))
    members.pop(backup.MANIFEST_SUM)
    evil = b"not yours"
    members["evidence/../../evil.txt"] = evil
    manifest["members"]["evidence/../../evil.txt"] = {
        "sha256": __import__("hashlib").sha256(evil).hexdigest(), "size": len(evil)}
    text = json.dumps(manifest).encode()
    members[backup.MANIFEST] = text
    members[backup.MANIFEST_SUM] = __import__("hashlib").sha256(text).hexdigest().encode()
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(DamagedBackup):
        restore_backup(Session.system(), db_path(), archive)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_backup_of_a_tampered_database_is_not_restored(filled, tmp_path):
    """The sums only prove the archive is as it was made; the audit chain inside proves the
    records are as the program wrote them."""
    database.execute_sql("UPDATE problem SET description = '改过的' ")
    archive = backup.create_backup(db_path(), tmp_path / "b.zip").path
    database.execute_sql("UPDATE problem SET description = '文件会议多' ")
    source = db_path()
    db.close()
    before = source.read_bytes()
    with pytest.raises(DamagedBackup) as refused:
        restore_backup(Session.system(), source, archive)
    assert "audit" in refused.value.message("en")
    assert source.read_bytes() == before


def test_restore_keeps_a_verified_safety_backup_of_the_current_data(filled, tmp_path):
    source = db_path()
    archive = backup.create_backup(source, tmp_path / "b.zip").path
    new_problem(filled, "恢复前登记的问题")
    clock.freeze(dt.datetime(2026, 11, 3, 8, 0))
    result = restore_backup(Session.system(), source, archive)
    safety = result.safety_backup
    assert safety is not None and safety.parent == paths.backups_dir_for(source)
    assert safety.name == "test-恢复前备份-20261103-080000.zip"
    assert backup.verify_archive(safety)["counts"]["problems"] == 2
    db.open_database(source)
    assert Problem.select().count() == 1
    # and the safety backup brings the later problem back
    restore_backup(Session.system(), source, safety)
    db.open_database(source)
    assert Problem.select().count() == 2 and audit.verify().ok


def test_a_damaged_current_database_is_kept_aside_not_deleted(filled, tmp_path):
    source = db_path()
    archive = backup.create_backup(source, tmp_path / "b.zip").path
    db.close()
    data = bytearray(source.read_bytes())
    data[4096 * 2: 4096 * 4] = b"\xde\xad" * 4096
    source.write_bytes(bytes(data))
    damaged = bytes(data)
    result = restore_backup(Session.system(), source, archive)
    assert result.safety_backup is None
    aside = result.kept_aside[0]
    assert aside.name == "test-损坏-20261102-093000.db"
    assert aside.read_bytes() == damaged
    db.open_database(source)
    assert Problem.select().count() == 1


def test_only_an_administrator_restores_and_only_with_the_password(filled, tmp_path):
    archive = backup.create_backup(db_path(), tmp_path / "b.zip").path
    with pytest.raises(PermissionDenied):
        restore_backup(filled.session("clerk"), db_path(), archive)
    with pytest.raises(PermissionDenied):
        confirm_admin(filled.session("clerk"), PASSWORD)
    with pytest.raises(PermissionDenied) as wrong:
        confirm_admin(filled.session("admin"), "not-the-password")
    assert "nothing was restored" in wrong.value.message("en")
    confirm_admin(filled.session("admin"), PASSWORD)


def test_rotation_keeps_exactly_the_newest_n_automatic_backups(filled, tmp_path):
    source = db_path()
    manual = backup.backup_into(paths.backups_dir_for(source), source)
    made = []
    for minute in range(6):
        clock.freeze(dt.datetime(2026, 11, 2, 10, minute))
        new_problem(filled, f"第{minute}个问题")
        made.append(backup.auto_backup(source, keep=4).path)
    autos = sorted(p.name for p in paths.backups_dir_for(source).glob("*自动备份*"))
    assert autos == sorted(p.name for p in made[-4:])
    assert manual.path.exists()  # a backup made by hand is never rotated away


def test_automatic_backup_is_skipped_when_nothing_changed(filled):
    source = db_path()
    first = backup.auto_backup(source)
    assert first is not None and first.path.name == "test-自动备份-20261102-093000.zip"
    assert backup.auto_backup(source) is None
    assert backup.backed_up_on(source, TODAY)
    assert not backup.backed_up_on(source, TODAY + dt.timedelta(days=1))
    new_problem(filled, "新问题")
    second = backup.auto_backup(source)
    assert second.path.name == "test-自动备份-20261102-093000-2.zip"  # same second: numbered
    listed = backup.list_backups(paths.backups_dir_for(source), source, full=True)
    assert [i.path for i in listed] == [second.path, first.path]
    assert all(i.verified and i.usable for i in listed)


def test_listing_marks_a_damaged_archive_and_skips_to_the_latest_good(filled):
    source = db_path()
    good = backup.auto_backup(source).path
    clock.freeze(dt.datetime(2026, 11, 2, 12, 0))
    new_problem(filled, "新问题")
    bad = backup.auto_backup(source).path
    damage(bad, "flip")
    listed = backup.list_backups(paths.backups_dir_for(source), source, full=True)
    assert [i.path for i in listed] == [bad, good]
    assert isinstance(listed[0].error, DamagedBackup) and not listed[0].verified
    assert backup.latest_good(listed).path == good


def test_not_a_backup_and_no_database(tmp_path, database):
    stray = tmp_path / "photos.zip"
    with zipfile.ZipFile(stray, "w") as zf:
        zf.writestr("a.jpg", b"jpeg")
    with pytest.raises(BackupError) as refused:
        backup.verify_archive(stray)
    assert "not a Rectify backup" in refused.value.message("en")
    with pytest.raises(BackupError):
        backup.create_backup(tmp_path / "none.db", tmp_path / "b.zip")
    with pytest.raises(BackupError):
        backup.create_backup("postgresql://u@h/db", tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()

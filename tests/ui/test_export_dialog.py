"""导出台账: USB drives listed first (from made-up volumes), the proposed file name, a warning
when the drive is short of space, the export itself, and a cancel that leaves no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core import workflow
from desktop.core.i18n import _
from desktop.core.models import AuditEvent
from desktop.exchange.ledger_payload import read_ledger
from desktop.ui.export_dialog import (
    Destination,
    ExportDialog,
    Volume,
    destinations,
    is_removable,
)
from desktop.ui.progress_runner import ProgressRunner
from tests.core.ledger_offices import draft
from tests.ui.conftest import make_context


def test_removable_volumes_come_first_on_linux(tmp_path):
    volumes = [
        Volume("/", ""),
        Volume("/home", "home"),
        Volume("/run/media/clerk/STICK", "STICK", available=1000),
        Volume("/media/clerk/KINGSTON", "KINGSTON", available=2000),
        Volume("/media/clerk/CDROM", "CDROM", read_only=True),
        Volume("/mnt/usb", "", ready=False),
        Volume("/media/", "media"),
    ]
    found = destinations(volumes, [str(tmp_path), str(tmp_path), "/no/such/folder"],
                         platform="linux")
    assert found == [
        Destination("/media/clerk/KINGSTON", "KINGSTON (/media/clerk/KINGSTON)", True, 2000),
        Destination("/run/media/clerk/STICK", "STICK (/run/media/clerk/STICK)", True, 1000),
        Destination(str(tmp_path), str(tmp_path), False),
    ]


def test_on_windows_every_drive_but_the_system_one_counts_as_removable():
    assert is_removable("E:/", "win32", "C:") and is_removable("D:\\", "win32", "C:")
    assert not is_removable("C:/", "win32", "C:")
    assert is_removable("C:/", "win32", "D:")
    assert not is_removable("//server/share", "win32", "C:")
    found = destinations([Volume("C:/", "系统"), Volume("F:/", "U盘")], platform="win32")
    assert [d.path for d in found] == ["F:/"]


@pytest.fixture
def ledger_office(office):
    clerk, reviewer = office.session("clerk"), office.session("reviewer")
    ids = [draft(office, office.unit.id, f"问题{i}") for i in range(3)]
    for pid in ids:
        workflow.apply(clerk, pid, "submit")
        workflow.apply(reviewer, pid, "approve")
    office.ids = ids
    return office


def open_dialog(qtbot, ctx, tmp_path, selected=()):
    dialog = ExportDialog(ctx, selected, volumes=[])
    qtbot.addWidget(dialog)
    dialog.add_folder(str(tmp_path))
    return dialog


def test_the_file_name_names_unit_campaign_and_day(qtbot, ledger_office, tmp_path):
    ctx = make_context(ledger_office, "clerk", tmp_path)
    dialog = open_dialog(qtbot, ctx, tmp_path)
    assert dialog.name_edit.text() == "县民政局_纠治形式主义官僚主义专项整治_整改台账_20261102.xlsx"
    dialog.as_of.set_value(dialog.as_of.value().replace(day=1))
    assert dialog.name_edit.text().endswith("_20261101.xlsx")
    dialog.name_edit.textEdited.emit("我的台账")
    dialog.name_edit.setText("我的台账")
    dialog.as_of.set_value(dialog.as_of.value().replace(day=2))
    assert dialog.name_edit.text() == "我的台账"  # the user's own name is kept
    assert dialog.target() == tmp_path / "我的台账.xlsx"


def test_export_writes_the_ledger_and_says_where(qtbot, ledger_office, tmp_path):
    ctx = make_context(ledger_office, "clerk", tmp_path)
    dialog = open_dialog(qtbot, ctx, tmp_path)
    said = []
    dialog.show_done = said.append
    events = AuditEvent.select().count()
    result = dialog.export()
    assert result is not None and result.path.exists()
    assert result.path.parent == tmp_path
    file = read_ledger(result.path)
    assert len(file.payload["records"]["problem"]) == 3
    assert AuditEvent.select().count() == events  # exporting changes nothing
    assert said == [ExportDialog.done_text(result, False)]
    assert result.path.name in said[0] and "KB" in said[0]
    assert ctx.settings.get("last_directory") == str(tmp_path)


def test_a_removable_drive_is_said_safe_to_pull_out(tmp_path):
    from desktop.exchange.ledger_xlsx import WriteResult

    result = WriteResult(Path("/media/u/USB/台账.xlsx"), 52_000, "ab")
    text = ExportDialog.done_text(result, True)
    assert "/media/u/USB/台账.xlsx" in text and "51 KB" in text
    assert _("The USB drive can be safely removed (eject it in the system first).") in text
    assert _("The USB drive") not in ExportDialog.done_text(result, False)


def test_the_current_selection_only(qtbot, ledger_office, tmp_path):
    ctx = make_context(ledger_office, "clerk", tmp_path)
    dialog = open_dialog(qtbot, ctx, tmp_path, selected=ledger_office.ids[:1])
    assert dialog.scope_buttons["selection"].isChecked()
    dialog.show_done = lambda _text: None
    result = dialog.export()
    assert [p["description"] for p in read_ledger(result.path).payload["records"]["problem"]] \
        == ["问题0"]


def test_cancel_leaves_no_file(qtbot, ledger_office, tmp_path):
    ctx = make_context(ledger_office, "clerk", tmp_path)
    dialog = open_dialog(qtbot, ctx, tmp_path)
    runners = []

    def cancelling_runner():
        runner = ProgressRunner(dialog, "test")
        runner.cancel()  # as if Cancel was clicked at the first step
        runners.append(runner)
        return runner

    dialog.make_runner = cancelling_runner
    assert dialog.export() is None
    assert runners[0].steps == 1
    assert dialog.message.text() == _("Cancelled; no file was written.")
    assert list(tmp_path.glob("*.xlsx*")) == [] and list(tmp_path.glob(".*")) == []


def test_short_space_is_warned_about(qtbot, ledger_office, tmp_path):
    ctx = make_context(ledger_office, "clerk", tmp_path)
    dialog = open_dialog(qtbot, ctx, tmp_path)
    assert dialog.space_label.text() == ""
    dialog.free_bytes = lambda _folder: 10_000
    dialog._check_space()
    assert "10 KB" in dialog.space_label.text()

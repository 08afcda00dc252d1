"""Evidence files are stored, listed and opened by the system's viewer, never run: a program or
script is refused when it is attached, and one that is in the store all the same (attached
before the rule, or listed in a ledger imported from elsewhere) opens as its folder."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from desktop.core import records
from desktop.core.errors import ValidationError
from desktop.core.evidence import is_program, store_root, stored_path
from desktop.core.models import EvidenceFile, ProgressNote
from desktop.core.problems import MeasureInput, ProblemInput, add_progress, create_problem
from desktop.ui.progress_tab import ProgressTab
from tests.ui.conftest import make_context

PE_HEADER = b"MZ" + b"\0" * 58 + (64).to_bytes(4, "little") + b"PE\0\0" + b"\0" * 64
PROGRAMS = {
    "整改报告.exe": PE_HEADER,
    "说明.pdf.bat": b"@echo off\r\ndel /q *.*\r\n",
    "打开我.js": b"WScript.Echo('x')",
    "照片.jpg": b"\x7fELF\x02\x01\x01" + b"\0" * 40,  # a Linux program wearing a photo's name
    "readme": b"#!/bin/sh\nrm -rf ~\n",  # a script without a suffix
    "会议纪要.exe. ": b"text",  # Windows drops the trailing dot and space and runs it
    "setup.MSI": b"\xd0\xcf\x11\xe0",
    "快捷方式.lnk": b"L\0\0\0",
    "autorun.desktop": b"[Desktop Entry]\nExec=sh -c x\n",
}


@pytest.fixture
def problem(office):
    return create_problem(office.session("clerk"), ProblemInput(
        campaign_id=office.campaign.id, unit_id=office.unit.id, description="文件多",
        measures=[MeasureInput(text="清理文件")]))


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_a_program_is_refused_when_attached(office, problem, tmp_path, name):
    path = tmp_path / "usb" / name
    path.parent.mkdir()
    path.write_bytes(PROGRAMS[name])
    notes_before = ProgressNote.select().count()
    with pytest.raises(ValidationError) as refused:
        add_progress(office.session("clerk"), problem.id, "已整改", files=[path])
    message = refused.value.message("en")
    assert "programs are not accepted as evidence" in message and name in message
    assert ProgressNote.select().count() == notes_before
    assert not stored_path(hashlib.sha256(PROGRAMS[name]).hexdigest()).exists()


def test_a_document_with_the_executable_bit_is_accepted_and_stored_without_it(
        office, problem, tmp_path):
    """Every file of a FAT-formatted USB stick shows the executable bit on Linux: the bit
    alone does not make a scan a program. The stored copy never has it."""
    scan = tmp_path / "整改照片.pdf"
    scan.write_bytes(b"%PDF-1.7\n%scan\n")
    scan.chmod(0o755)
    assert not is_program(scan)
    add_progress(office.session("clerk"), problem.id, "已整改", files=[scan])
    stored = stored_path(hashlib.sha256(scan.read_bytes()).hexdigest())
    assert stored.read_bytes() == scan.read_bytes()
    assert not stored.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _sneak_in(office, problem, name: str, content: bytes) -> EvidenceFile:
    """A program in the store as an imported ledger's metadata and an older version could
    leave one: written past the attach check."""
    sha = hashlib.sha256(content).hexdigest()
    target = stored_path(sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    session = office.session("clerk")
    note = records.create(session, ProgressNote, problem=problem, date=problem.found_date
                          or problem.created_at.date(), text="旧版本附上的文件",
                          author=session.user, origin_unit=problem.origin_unit)
    return records.create(session, EvidenceFile, problem=problem, note=note, filename=name,
                          sha256=sha, size=len(content), added_by=session.user,
                          origin_unit=problem.origin_unit)


@pytest.mark.parametrize("name, content", [
    ("整改报告.exe", PE_HEADER),
    ("整改报告.pdf", PE_HEADER),  # a program under a document's name: judged by its bytes
    ("clean.sh", b"#!/bin/sh\n"),
])
def test_a_stored_program_opens_as_its_folder_never_as_itself(qtbot, office, problem,
                                                              tmp_path, name, content):
    evidence = _sneak_in(office, problem, name, content)
    tab = ProgressTab(make_context(office, "clerk", tmp_path))
    qtbot.addWidget(tab)
    tab.set_problem(problem.id, [], can_add=True)
    opened: list[Path] = []
    tab.open_path = lambda path: opened.append(path) or True
    assert tab.open_evidence(evidence.id)
    assert len(opened) == 1 and opened[0].is_dir()
    assert (opened[0] / name).read_bytes() == content  # shown there, for the user to judge
    assert not (opened[0] / name).stat().st_mode & stat.S_IXUSR
    assert store_root() not in opened[0].parents


def test_a_document_still_opens_itself(qtbot, office, problem, tmp_path):
    evidence = _sneak_in(office, problem, "整改报告.pdf", b"%PDF-1.7\n")
    tab = ProgressTab(make_context(office, "clerk", tmp_path))
    qtbot.addWidget(tab)
    tab.set_problem(problem.id, [], can_add=True)
    opened: list[Path] = []
    tab.open_path = lambda path: opened.append(path) or True
    assert tab.open_evidence(evidence.id)
    assert opened[0].name == "整改报告.pdf" and opened[0].is_file()

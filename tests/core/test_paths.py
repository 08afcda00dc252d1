"""Where the data lives: the user's data directory normally; with ``portable.txt`` beside a
frozen program, a ``data`` folder beside it (database, evidence, backups, settings)."""

from __future__ import annotations

import sys

import pytest
from platformdirs import user_data_dir

from desktop.core import paths


@pytest.fixture
def clean(monkeypatch):
    monkeypatch.delenv("RECTIFY_DATA_DIR", raising=False)
    previous = paths.data_dir_override()
    paths.set_data_dir(None)
    yield
    paths.set_data_dir(previous)


@pytest.fixture
def frozen_program(monkeypatch, tmp_path):
    """A frozen build unpacked in tmp_path/usb/rectify/ (sys.executable is the program)."""
    folder = tmp_path / "usb" / "rectify"
    folder.mkdir(parents=True)
    program = folder / "rectify.exe"
    program.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program))
    return folder


def test_from_source_the_user_data_directory(clean):
    assert paths.program_dir() is None
    assert paths.data_dir() == paths.Path(user_data_dir(paths.APP_NAME, paths.APP_AUTHOR))
    assert not paths.is_portable()


def test_from_source_a_marker_beside_python_means_nothing(clean, monkeypatch, tmp_path):
    (tmp_path / paths.PORTABLE_MARKER).write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python3"))
    assert paths.portable_data_dir() is None
    assert paths.data_dir() != tmp_path / paths.PORTABLE_DATA


def test_frozen_without_the_marker_uses_the_user_data_directory(clean, frozen_program):
    assert paths.program_dir() == frozen_program.resolve()
    assert paths.data_dir() == paths.Path(user_data_dir(paths.APP_NAME, paths.APP_AUTHOR))
    assert not paths.is_portable()


def test_frozen_with_the_marker_keeps_everything_beside_the_program(clean, frozen_program):
    (frozen_program / "portable.txt").write_text("", encoding="utf-8")
    data = frozen_program.resolve() / "data"
    assert paths.data_dir() == data
    assert paths.is_portable()
    assert paths.default_database() == data / "rectify.db"
    assert paths.evidence_dir_for(None) == data / "evidence"
    assert paths.evidence_dir_for(paths.default_database()) == data / "evidence"


def test_the_environment_and_an_override_win_over_the_marker(clean, frozen_program,
                                                             monkeypatch, tmp_path):
    (frozen_program / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setenv("RECTIFY_DATA_DIR", str(tmp_path / "admin-choice"))
    assert paths.data_dir() == tmp_path / "admin-choice"
    assert not paths.is_portable()
    paths.set_data_dir(tmp_path / "test")
    assert paths.data_dir() == tmp_path / "test"


def test_a_folder_named_like_the_marker_is_not_the_marker(clean, frozen_program):
    (frozen_program / "portable.txt").mkdir()
    assert paths.portable_data_dir() is None

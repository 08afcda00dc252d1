"""The About box: version, versions of Python and Qt, where the data is, portable or not; and
the settings file follows the data folder into portable mode."""

from __future__ import annotations

import platform
import sys

import pytest
from PySide6.QtWidgets import QApplication

from desktop import __version__
from desktop.core import i18n, paths
from desktop.ui.about import AboutDialog


@pytest.fixture(autouse=True)
def english():
    """Labels in English: the Chinese ones arrive with the catalog."""
    i18n.set_language("en")


@pytest.fixture
def portable_program(monkeypatch, tmp_path):
    monkeypatch.delenv("RECTIFY_DATA_DIR", raising=False)
    previous = paths.data_dir_override()
    paths.set_data_dir(None)
    folder = tmp_path / "rectify"
    folder.mkdir()
    (folder / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "rectify"))
    yield folder.resolve()
    paths.set_data_dir(previous)


def test_about_shows_versions_and_where_the_data_is(qtbot, database):
    dialog = AboutDialog(str(paths.data_dir() / "test.db"))
    qtbot.addWidget(dialog)
    text = dialog.text()
    assert __version__ in text
    assert platform.python_version() in text
    assert "PySide6" in text
    assert str(paths.data_dir()) in text
    assert "Run from source" in text  # not the packaged program
    assert dialog.value_labels["Portable mode"].text().startswith("No")
    dialog.copy()
    assert QApplication.clipboard().text() == text


def test_about_in_portable_mode(qtbot, portable_program):
    dialog = AboutDialog(str(portable_program / "data" / "rectify.db"))
    qtbot.addWidget(dialog)
    assert dialog.value_labels["Data folder"].text() == str(portable_program / "data")
    assert dialog.value_labels["Portable mode"].text().startswith("Yes")
    assert "Packaged program" in dialog.text()


def test_a_database_address_is_shown_without_its_password(qtbot, database):
    dialog = AboutDialog("postgresql://rectify:s3cret@db.local/rectify")
    qtbot.addWidget(dialog)
    assert "s3cret" not in dialog.text()


def test_settings_follow_portable_mode(portable_program):
    from desktop.ui.settings import Settings

    settings = Settings()
    settings.set("last_user", "luru")
    settings.sync()
    assert (portable_program / "data" / "rectify.ini").is_file()

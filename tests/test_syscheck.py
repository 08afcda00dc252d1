"""The start-up check of the Linux system libraries, with a fake loader: what is missing is
named with its package, and nothing is required of a headless run that it does not need."""

from __future__ import annotations

import pytest

from desktop import syscheck

DESKTOP = {"DISPLAY": ":0"}


def loader(missing: set[str]):
    calls: list[str] = []

    def load(soname: str) -> str | None:
        calls.append(soname)
        return f"{soname}: cannot open shared object file" if soname in missing else None

    load.calls = calls  # type: ignore[attr-defined]
    return load


def test_everything_present_passes():
    report = syscheck.check(window=True, environ=DESKTOP, load=loader(set()), platform="linux")
    assert report.ok
    assert report.message() == ""


def test_a_missing_library_is_named_with_its_package_in_both_languages():
    report = syscheck.check(window=False, environ={}, load=loader({"libEGL.so.1"}),
                            platform="linux")
    assert not report.ok
    text = report.message()
    assert "libEGL.so.1" in text and "libegl1" in text
    assert "sudo apt install libegl1" in text
    assert "无法启动" in text and "cannot start" in text
    assert "cannot open shared object file" in text  # the loader's own reason, for the admin


def test_a_headless_run_does_not_need_the_x11_libraries():
    load = loader({"libxcb-cursor.so.0"})
    offscreen = syscheck.check(window=True, environ={"QT_QPA_PLATFORM": "offscreen"},
                               load=load, platform="linux")
    assert offscreen.ok
    assert "libxcb-cursor.so.0" not in load.calls
    window = syscheck.check(window=True, environ=DESKTOP, load=load, platform="linux")
    assert not window.ok
    assert "libxcb-cursor0" in window.message()


def test_printing_support_is_optional():
    report = syscheck.check(window=False, environ={}, load=loader({"libcups.so.2"}),
                            platform="linux")
    assert report.ok
    assert "libcups.so.2" in report.summary()


def test_a_window_without_a_display_is_explained():
    report = syscheck.check(window=True, environ={}, load=loader(set()), platform="linux")
    assert not report.ok and report.no_display
    assert "DISPLAY" in report.message()


def test_windows_is_not_checked():
    load = loader({"libGL.so.1"})
    assert syscheck.check(window=True, environ={}, load=load, platform="win32").ok
    assert load.calls == []


def test_require_for_window_stops_with_the_message_and_leaves_it_in_the_data_folder(
        monkeypatch, tmp_path, capsys):
    from desktop.core import paths

    real_check = syscheck.check
    monkeypatch.setattr(syscheck, "check", lambda window: real_check(
        window, DESKTOP, loader({"libGL.so.1"}), "linux"))
    paths.set_data_dir(tmp_path)
    try:
        with pytest.raises(SystemExit) as stop:
            syscheck.require_for_window()
        assert stop.value.code == 3
    finally:
        paths.set_data_dir(None)
    assert "libgl1" in capsys.readouterr().err
    assert "libgl1" in (tmp_path / syscheck.STARTUP_REPORT).read_text(encoding="utf-8")

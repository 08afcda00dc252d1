"""The idle lock: the window's content disappears behind a lock after a quiet spell; the
signed-in user's password opens it, a wrong one keeps it shut (with the sign-in waits)."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from desktop.ui.idle_lock import IdleLockSettings, install_idle_lock
from tests.conftest import PASSWORD
from tests.ui.conftest import make_context
from tests.ui.test_main_window import make_window

SHOTS = os.environ.get("RECTIFY_SHOTS")


@pytest.fixture
def locked_window(qtbot, office, tmp_path):
    window = make_window(qtbot, office, tmp_path, who="solo")
    window.show()
    switched = []
    lock = install_idle_lock(window, lambda: switched.append(True))
    lock.set_interval(50)  # a short idle time for the test
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    window.switched = switched
    return window


def test_the_window_locks_when_idle_and_the_right_password_opens_it(qtbot, locked_window):
    window, lock = locked_window, locked_window.idle_lock
    dialog = lock.dialog
    assert lock.is_locked and dialog.isVisible()
    assert not window.centralWidget().isVisible()  # the ledger is hidden behind the lock
    assert dialog.windowModality() == Qt.WindowModality.ApplicationModal
    texts = " ".join(w.text() for w in dialog.findChildren(type(dialog.message)))
    assert "solo-用户" in texts and "solo" in texts
    if SHOTS:
        window.resize(1000, 600)
        dialog.grab().save(os.path.join(SHOTS, "lock_screen.png"))
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(lock.unlocked, timeout=2000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert not lock.is_locked and window.centralWidget().isVisible()
    assert lock.timer.isActive()  # watching again


def test_a_wrong_password_keeps_it_locked_and_repeated_ones_wait(qtbot, locked_window):
    lock = locked_window.idle_lock
    dialog = lock.dialog
    for _n in range(2):
        dialog.password_edit.setText("not-it")
        assert not dialog.try_unlock()
        assert lock.is_locked and not locked_window.centralWidget().isVisible()
    assert dialog.message.text()  # says the password is wrong
    dialog.password_edit.setText("not-it")
    dialog.try_unlock()  # the third: a wait starts
    assert not dialog.unlock_button.isEnabled() and "5" in dialog.message.text()
    dialog.password_edit.setText(PASSWORD)
    assert not dialog.try_unlock()  # even the right one waits
    assert lock.is_locked
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "lock_screen_wait.png"))


def test_input_keeps_the_window_unlocked(qtbot, office, tmp_path):
    window = make_window(qtbot, office, tmp_path)
    window.show()
    lock = install_idle_lock(window)
    lock.set_interval(400)
    for _n in range(6):
        qtbot.wait(100)
        qtbot.keyClick(window.problem_list.search_edit, Qt.Key.Key_A)
    assert not lock.is_locked
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass


def test_switch_user_hands_over_and_zero_means_never(qtbot, locked_window, office, tmp_path):
    lock = locked_window.idle_lock
    qtbot.mouseClick(lock.dialog.switch_button, Qt.MouseButton.LeftButton)
    assert locked_window.switched == [True] and not lock.is_locked
    window = make_window(qtbot, office, tmp_path)
    other = install_idle_lock(window)
    window.ctx.settings.set("idle_lock_minutes", 0)
    other.apply_setting()
    assert not other.timer.isActive()


def test_only_an_admin_sets_the_idle_time_and_it_applies_at_once(qtbot, office, tmp_path):
    clerk = IdleLockSettings(make_context(office, "clerk", tmp_path, "a.ini"))
    qtbot.addWidget(clerk)
    assert not clerk.minutes.isEnabled() and clerk.minutes.value() == 10
    window = make_window(qtbot, office, tmp_path, who="admin")
    lock = install_idle_lock(window)
    assert lock.timer.interval() == 10 * 60_000
    page = window.settings_page.lock_page
    assert page.minutes.isEnabled()
    page.minutes.setValue(3)
    assert window.ctx.settings.get("idle_lock_minutes") == 3
    assert lock.timer.interval() == 3 * 60_000

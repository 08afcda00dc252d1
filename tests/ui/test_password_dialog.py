"""Changing one's own password in the window, and the change forced at sign-in after an
administrator's reset."""

from __future__ import annotations

import os

from desktop.core import auth
from desktop.core.models import User
from desktop.ui.login import LoginDialog
from desktop.ui.password_dialog import PasswordDialog
from tests.conftest import PASSWORD
from tests.ui.test_main_window import make_window

SHOTS = os.environ.get("RECTIFY_SHOTS")


def test_the_menu_opens_the_dialog_and_a_good_password_is_saved(qtbot, office, tmp_path):
    window = make_window(qtbot, office, tmp_path, who="reviewer")
    assert window.password_action in window.menuBar().actions()[0].menu().actions()
    dialog = window.change_password()
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "password_dialog.png"))
    dialog.current_edit.setText(PASSWORD)
    dialog.new_edit.setText("brand-new-1")
    dialog.again_edit.setText("brand-new-2")
    assert not dialog.save() and "不一致" in dialog.message.text() or dialog.message.text()
    dialog.again_edit.setText("brand-new-1")
    dialog.current_edit.setText("wrong")
    assert not dialog.save() and dialog.message.text()
    dialog.current_edit.setText(PASSWORD)
    dialog.new_edit.setText("reviewer")
    dialog.again_edit.setText("reviewer")
    assert not dialog.save() and dialog.isVisible()
    dialog.new_edit.setText("brand-new-1")
    dialog.again_edit.setText("brand-new-1")
    assert dialog.save()
    assert auth.authenticate("reviewer", "brand-new-1")


def test_after_a_reset_signing_in_asks_for_an_own_password(qtbot, office):
    clerk = office.users["clerk"]
    auth.set_password(office.session("admin"), clerk.id, "temporary-1")
    asked = []

    def choose(session, typed, parent):
        dialog = PasswordDialog(session, current_password=typed, parent=parent)
        qtbot.addWidget(dialog)
        assert not dialog.current_edit.isVisibleTo(dialog)  # typed a moment ago
        if SHOTS:
            dialog.grab().save(os.path.join(SHOTS, "password_dialog_forced.png"))
        asked.append(dialog)
        if len(asked) == 1:
            return False  # cancelled: not signed in
        dialog.new_edit.setText("my-own-pw-1")
        dialog.again_edit.setText("my-own-pw-1")
        return dialog.save()

    login = LoginDialog("clerk")
    qtbot.addWidget(login)
    login.change_password = choose
    login.password_edit.setText("temporary-1")
    assert not login.try_sign_in() and login.session is None
    assert "管理员" in login.message.text() or "administrator" in login.message.text()
    login.password_edit.setText("temporary-1")
    assert login.try_sign_in() and login.session.user.username == "clerk"
    assert not User.get_by_id(clerk.id).must_change_password


def test_the_sign_in_dialog_counts_down_and_disables_the_button(qtbot, office):
    login = LoginDialog("clerk")
    qtbot.addWidget(login)
    for _n in range(3):
        login.password_edit.setText("guess")
        login.try_sign_in()
    assert not login.sign_in_button.isEnabled()
    assert "5" in login.message.text()
    login.countdown.tick()
    assert "4" in login.message.text() and not login.sign_in_button.isEnabled()
    login.password_edit.setText(PASSWORD)
    assert not login.try_sign_in()  # the button is off, and so is Enter
    for _n in range(4):
        login.countdown.tick()
    assert login.sign_in_button.isEnabled()

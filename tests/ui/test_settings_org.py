"""The campaign, units/people and accounts settings pages, driven as an administrator would
(and as a clerk, who may only look). Dialogs are filled through the pages' ``open_dialog``
hook, so no modal loop runs."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.core import auth, org
from desktop.core.i18n import _
from desktop.core.models import Campaign, Person, Role, Unit, User
from desktop.ui.admin_page import ID_ROLE
from desktop.ui.context import AppContext
from desktop.ui.settings import Settings
from desktop.ui.settings_org import CampaignSettingsPage, UnitsPage, UsersPage
from desktop.ui.settings_org_dialogs import PasswordDialog, UserDialog

# the main window's navigation rail takes about 150 px of a 1366×768 screen, and the title
# bar and tool bar about 90 px
AVAILABLE_WIDTH, AVAILABLE_HEIGHT = 1366 - 150, 768 - 90


def make_ctx(office, tmp_path, who: str = "admin") -> AppContext:
    ctx = AppContext(office.session(who), "test.db", Settings(tmp_path / "s.ini"))
    ctx.set_campaign(office.campaign.id)
    return ctx


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """The texts of the error boxes the pages would have shown."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    return shown


def filling(**actions):
    """An ``open_dialog`` hook that sets the named widgets and presses OK (if it is enabled)."""
    seen = []

    def hook(dialog) -> bool:
        for name, value in actions.items():
            widget = getattr(dialog, name)
            if hasattr(widget, "set_value"):
                widget.set_value(value)
            elif hasattr(widget, "setChecked"):
                widget.setChecked(value)
            elif hasattr(widget, "findData"):
                widget.setCurrentIndex(widget.findData(value))
            else:
                widget.setText(value)
        seen.append(dialog)
        return dialog.ok_button.isEnabled()

    hook.seen = seen
    return hook


# -- campaign ------------------------------------------------------------------------------


def test_admin_edits_the_document_number_and_saves(qtbot, office, tmp_path):
    ctx = make_ctx(office, tmp_path)
    page = CampaignSettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.doc_number_edit.text() == "民党〔2026〕5号"
    assert not page.save_button.isEnabled()  # nothing to save yet

    page.doc_number_edit.setText("民党〔2026〕12号")
    page.yellow_spin.setValue(5)
    assert page.save_button.isEnabled()
    with qtbot.waitSignal(ctx.data_changed) as signal:
        page.save_button.click()
    assert signal.args == ["campaign"]
    stored = Campaign.get_by_id(office.campaign.id)
    assert (stored.doc_number, stored.yellow_workdays) == ("民党〔2026〕12号", 5)
    assert not page.save_button.isEnabled()

    page.issuer_edit.setText("中共县民政局党组")  # the page took the new version: no conflict
    page.save_button.click()
    assert Campaign.get_by_id(office.campaign.id).issuer == "中共县民政局党组"


def test_a_stale_save_is_refused_and_reload_shows_the_other_change(
    qtbot, office, tmp_path, warnings
):
    page = CampaignSettingsPage(make_ctx(office, tmp_path))
    qtbot.addWidget(page)
    org.update_campaign(office.session("solo"), office.campaign.id, issuer="县纪委")  # elsewhere
    page.issuer_edit.setText("县委办")
    page.save_button.click()
    assert len(warnings) == 1 and "重新" in warnings[0]  # "reload it and make your change again"
    assert Campaign.get_by_id(office.campaign.id).issuer == "县纪委"
    page.reload_button.click()
    assert page.issuer_edit.text() == "县纪委"


def test_the_report_rule_is_spelled_out_and_weekly_days_are_weekdays(qtbot, office, tmp_path):
    page = CampaignSettingsPage(make_ctx(office, tmp_path))
    qtbot.addWidget(page)
    assert "20" in page.report_hint.text()
    page.cycle_combo.setCurrentIndex(page.cycle_combo.findData("week"))
    assert page.report_day_spin.maximum() == 7 and page.report_day_spin.value() == 7
    assert "星期日" in page.report_hint.text()


def test_a_clerk_sees_the_campaign_read_only(qtbot, office, tmp_path):
    page = CampaignSettingsPage(make_ctx(office, tmp_path, "clerk"))
    qtbot.addWidget(page)
    assert page.doc_number_edit.text() == "民党〔2026〕5号"
    assert not page.doc_number_edit.isEnabled() and not page.cycle_combo.isEnabled()
    for button in (page.save_button, page.new_campaign_button, page.add_phase_button,
                   page.remove_milestone_button):
        assert button.isHidden()
    assert not page.read_only_note.isHidden()
    assert "管理员" in page.read_only_note.text()


def test_phases_and_milestones_are_added_and_a_used_phase_is_kept(
    qtbot, office, tmp_path, warnings
):
    ctx = make_ctx(office, tmp_path)
    page = CampaignSettingsPage(ctx)
    qtbot.addWidget(page)
    page.open_dialog = filling(name_edit="自查整改", start_field=dt.date(2026, 5, 16),
                               end_field=dt.date(2026, 7, 31))
    page.add_phase_button.click()
    assert page.phase_table.rowCount() == 1
    assert page.phase_table.item(0, 1).text() == "2026-05-16"
    phase_id = page.phase_table.item(0, 0).data(ID_ROLE)

    page.open_dialog = filling(name_edit="整改方案备案", due_field=dt.date(2026, 5, 13),
                               phase_combo=phase_id)
    page.add_milestone_button.click()
    assert [page.milestone_table.item(0, c).text() for c in range(4)] == [
        "整改方案备案", "2026-05-13", "自查整改", ""]

    page.phase_table.selectRow(0)
    page.confirm = lambda _text: True
    page.remove_phase_button.click()
    assert warnings and "整改方案备案" in warnings[0]
    assert page.phase_table.rowCount() == 1


def test_a_phase_dialog_keeps_ok_disabled_until_it_can_be_saved(qtbot, office, tmp_path):
    page = CampaignSettingsPage(make_ctx(office, tmp_path))
    qtbot.addWidget(page)
    hook = filling(name_edit="", start_field=dt.date(2026, 6, 1))
    page.open_dialog = hook
    page.add_phase_button.click()  # the hook does not press a disabled OK
    dialog = hook.seen[0]
    assert not dialog.ok_button.isEnabled() and dialog.hint.text()
    dialog.name_edit.setText("整治查纠")
    dialog.end_field.set_value(dt.date(2026, 5, 1))
    assert not dialog.ok_button.isEnabled()  # ends before it starts
    dialog.end_field.set_value(dt.date(2026, 9, 30))
    assert dialog.ok_button.isEnabled()
    assert org.campaign_phases(office.campaign.id) == []


def test_a_new_campaign_becomes_the_current_one(qtbot, office, tmp_path):
    ctx = make_ctx(office, tmp_path)
    page = CampaignSettingsPage(ctx)
    qtbot.addWidget(page)
    page.open_dialog = filling(name_edit="群众身边不正之风专项整治",
                               start_field=dt.date(2026, 11, 1))
    with qtbot.waitSignal(ctx.campaign_changed):
        page.new_campaign_button.click()
    created = Campaign.get(Campaign.name == "群众身边不正之风专项整治")
    assert ctx.campaign_id == created.id and created.unit_id == office.unit.id
    assert page.name_edit.text() == "群众身边不正之风专项整治"
    assert page.doc_number_edit.text() == ""


# -- units and people ----------------------------------------------------------------------


def tree_names(page: UnitsPage) -> list[str]:
    names = []

    def walk(item, depth):
        names.append("  " * depth + item.text(0))
        for i in range(item.childCount()):
            walk(item.child(i), depth + 1)

    for i in range(page.tree.topLevelItemCount()):
        walk(page.tree.topLevelItem(i), 0)
    return names


def test_a_unit_and_then_a_person_under_it(qtbot, office, tmp_path):
    ctx = make_ctx(office, tmp_path)
    page = UnitsPage(ctx)
    qtbot.addWidget(page)
    assert tree_names(page) == ["县民政局"]
    page.open_dialog = filling(name_edit="办公室", code_edit="BGS")
    page.add_child_button.click()  # under the selected 县民政局
    assert tree_names(page) == ["县民政局", "  办公室"]
    assert page.current_unit_id() == Unit.get(Unit.name == "办公室").id  # the new one
    assert Unit.get(Unit.name == "办公室").parent_id == office.unit.id

    page.open_dialog = filling(name_edit="王五", title_edit="主任", phone_edit="0311-5550")
    page.add_person_button.click()
    assert [page.people_table.item(0, c).text() for c in range(3)] == ["王五", "主任", "0311-5550"]
    person = Person.get(Person.name == "王五")
    assert person.unit.name == "办公室"


def test_deleting_a_unit_in_use_shows_why(qtbot, office, tmp_path, warnings):
    page = UnitsPage(make_ctx(office, tmp_path))
    qtbot.addWidget(page)
    section = org.create_unit(office.session("admin"), "办公室", office.unit.id)
    org.create_person(office.session("admin"), "王五", section.id)
    page.reload()
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(0))
    page.confirm = lambda _text: True
    page.delete_unit_button.click()
    assert len(warnings) == 1 and "办公室" in warnings[0] and "1 person(s)" in warnings[0]
    assert tree_names(page) == ["县民政局", "  办公室"]

    page.people_table.selectRow(0)
    page.delete_person_button.click()
    assert page.people_table.rowCount() == 0
    page.delete_unit_button.click()
    assert tree_names(page) == ["县民政局"]


def test_renaming_a_unit_reaches_the_other_pages(qtbot, office, tmp_path):
    ctx = make_ctx(office, tmp_path)
    units, campaign_page, users = UnitsPage(ctx), CampaignSettingsPage(ctx), UsersPage(ctx)
    for widget in (units, campaign_page, users):
        qtbot.addWidget(widget)
    units.open_dialog = filling(name_edit="县民政局机关")
    units.edit_unit_button.click()
    assert tree_names(units) == ["县民政局机关"]
    assert campaign_page.lead_unit_combo.currentText() == "县民政局机关"
    assert users.table.item(0, 2).text() == "县民政局机关"


def test_a_clerk_sees_units_and_people_without_edit_buttons(qtbot, office, tmp_path):
    org.create_person(office.session("admin"), "张三", office.unit.id, "局长")
    page = UnitsPage(make_ctx(office, tmp_path, "clerk"))
    qtbot.addWidget(page)
    assert page.people_table.item(0, 0).text() == "张三"
    assert page.add_top_button.isHidden() and page.delete_person_button.isHidden()
    assert not page.read_only_note.isHidden()


# -- accounts ------------------------------------------------------------------------------


def test_creating_an_account_with_two_roles(qtbot, office, tmp_path):
    page = UsersPage(make_ctx(office, tmp_path))
    qtbot.addWidget(page)
    assert page.table.rowCount() == 5
    page.open_dialog = filling(
        username_edit="zhaoliu", display_name_edit="赵六", unit_combo=office.unit.id,
        password_edit="liu-2026", password_again_edit="liu-2026",
    )
    # roles are ticked through the dialog's check boxes
    original = page.open_dialog

    def with_roles(dialog):
        dialog.role_boxes[Role.CLERK].setChecked(True)
        dialog.role_boxes[Role.REVIEWER].setChecked(True)
        return original(dialog)

    page.open_dialog = with_roles
    page.add_button.click()
    user = User.get(User.username == "zhaoliu")
    assert user.role_set() == {Role.CLERK, Role.REVIEWER} and user.unit_id == office.unit.id
    assert auth.authenticate("zhaoliu", "liu-2026").user.id == user.id
    row = next(r for r in range(page.table.rowCount())
               if page.table.item(r, 0).text() == "zhaoliu")
    roles_text = page.table.item(row, 3).text()
    assert roles_text.index("录入员") < roles_text.index("审核人")
    assert page.table.item(row, 1).text() == "赵六"


def test_the_account_dialog_checks_roles_and_passwords(qtbot, office, tmp_path):
    dialog = UserDialog(None, org.unit_tree())
    qtbot.addWidget(dialog)
    dialog.username_edit.setText("qian")
    dialog.password_edit.setText("abc")
    dialog.password_again_edit.setText("abc")
    assert not dialog.ok_button.isEnabled()
    assert "6" in dialog.hint.text()
    dialog.password_edit.setText("abcdef")
    dialog.password_again_edit.setText("abcdeg")
    assert not dialog.ok_button.isEnabled()
    dialog.password_again_edit.setText("abcdef")
    assert dialog.ok_button.isEnabled()
    dialog.role_boxes[Role.CLERK].setChecked(False)  # the one ticked by default
    assert not dialog.ok_button.isEnabled()


def selected_username(page: UsersPage) -> str | None:
    user = page.current_user()
    return user.username if user else None


def test_reset_password_and_deactivate(qtbot, office, tmp_path, warnings):
    page = UsersPage(make_ctx(office, tmp_path))
    qtbot.addWidget(page)
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "clerk")
    page.table.selectRow(row)
    page.open_dialog = filling(password_edit="fresh-pw", password_again_edit="fresh-pw")
    page.password_button.click()
    assert isinstance(page.open_dialog.seen[0], PasswordDialog)
    assert auth.authenticate("clerk", "fresh-pw").user.username == "clerk"

    page.confirm = lambda _text: True
    page.deactivate_button.click()
    assert not User.get(User.username == "clerk").active
    assert selected_username(page) == "clerk"
    assert page.table.item(row, 4).text() == _("No")
    assert page.deactivate_button.text() == _("Reactivate")

    # the last active administrators cannot lock everyone out
    for name in ("solo", "admin"):
        r = next(i for i in range(page.table.rowCount()) if page.table.item(i, 0).text() == name)
        page.table.selectRow(r)
        page.deactivate_button.click()
    assert not User.get(User.username == "solo").active
    assert User.get(User.username == "admin").active
    assert len(warnings) == 1 and "admin-用户" in warnings[0]


def test_a_clerk_sees_the_accounts_read_only(qtbot, office, tmp_path):
    page = UsersPage(make_ctx(office, tmp_path, "clerk"))
    qtbot.addWidget(page)
    assert page.table.rowCount() == 5
    assert page.add_button.isHidden() and page.password_button.isHidden()
    assert not page.read_only_note.isHidden()


# -- fitting the screen --------------------------------------------------------------------


@pytest.mark.parametrize("page_class", [CampaignSettingsPage, UnitsPage, UsersPage])
def test_each_page_fits_a_small_office_screen(qtbot, office, tmp_path, page_class):
    page = page_class(make_ctx(office, tmp_path))
    qtbot.addWidget(page)
    needed = page.minimumSizeHint()
    assert needed.width() <= AVAILABLE_WIDTH and needed.height() <= AVAILABLE_HEIGHT
    page.resize(AVAILABLE_WIDTH, AVAILABLE_HEIGHT)
    page.show()
    qtbot.waitExposed(page)
    if isinstance(page, CampaignSettingsPage):
        # the longest field label and a typical campaign name are shown whole
        assert page.name_edit.width() > page.name_edit.fontMetrics().horizontalAdvance(
            office.campaign.name)
        assert page.phase_table.height() > 100 and page.milestone_table.height() > 100

"""Settings pages for the organisation: the campaign (in ``settings_campaign``, re-exported
here), the unit tree with each unit's people, and the user accounts.

Only an administrator may change these; everyone else sees the same pages read-only, so a
clerk can still look up a unit's people or who holds which role.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import auth, org
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.models import ROLE_LABELS, Person, Role, Unit, User
from desktop.ui.admin_page import (
    ID_ROLE,
    AdminPage,
    button_row,
    fill_table,
    selected_id,
)
from desktop.ui.common import make_table, show_error
from desktop.ui.context import AppContext
from desktop.ui.image_dialog import ImageDialog
from desktop.ui.settings_campaign import CampaignSettingsPage
from desktop.ui.settings_org_dialogs import PasswordDialog, PersonDialog, UnitDialog, UserDialog

__all__ = ["CampaignSettingsPage", "UnitsPage", "UsersPage", "role_names"]


def _open_image_dialog(page: AdminPage, kind: str, owner_id: int) -> ImageDialog:
    dialog = ImageDialog(page.ctx, kind, owner_id, page)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def role_names(user: User) -> str:
    """The roles in the order of the workflow, in the interface language."""
    held = user.role_set()
    return _(", ").join(_(ROLE_LABELS[role]) for role in Role if role in held)


class UnitsPage(AdminPage):
    """The unit tree (``tree``; item data: the unit id) and the people of the selected unit
    (``people_table``, ``people_title``).

    Unit buttons: ``add_top_button``, ``add_child_button``, ``edit_unit_button``,
    ``delete_unit_button``, ``move_up_button``, ``move_down_button``. People buttons:
    ``add_person_button``, ``edit_person_button``, ``delete_person_button``.
    """

    watches = frozenset({"unit", "person"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._tree_rows: list[tuple[Unit, int]] = []
        self._select_unit: int | None = None

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([_("Unit"), _("Short name"), _("Unit code")])
        self.tree.setColumnWidth(0, 260)
        self.tree.currentItemChanged.connect(self._unit_selected)
        self.add_top_button = QPushButton(_("Add top-level unit…"))
        self.add_child_button = QPushButton(_("Add sub-unit…"))
        self.edit_unit_button = QPushButton(_("Edit…"))
        self.delete_unit_button = QPushButton(_("Delete"))
        self.move_up_button = QPushButton(_("Move up"))
        self.move_down_button = QPushButton(_("Move down"))
        self.seal_button = QPushButton(_("Seal image…"))
        self.seal_button.clicked.connect(self.edit_seal)
        self.add_top_button.clicked.connect(lambda: self.add_unit(None))
        self.add_child_button.clicked.connect(lambda: self.add_unit(self.current_unit_id()))
        self.edit_unit_button.clicked.connect(self.edit_unit)
        self.delete_unit_button.clicked.connect(self.delete_unit)
        self.move_up_button.clicked.connect(lambda: self.move_unit(-1))
        self.move_down_button.clicked.connect(lambda: self.move_unit(1))
        unit_buttons = (self.add_top_button, self.add_child_button, self.edit_unit_button,
                        self.delete_unit_button)
        move_buttons = (self.move_up_button, self.move_down_button, self.seal_button)
        self.admin_only(*unit_buttons, *move_buttons)
        units_side = QWidget()
        units_layout = QVBoxLayout(units_side)
        units_layout.setContentsMargins(0, 0, 0, 0)
        units_layout.addWidget(self.tree)
        units_layout.addLayout(button_row(*unit_buttons))
        units_layout.addLayout(button_row(*move_buttons))

        self.people_title = QLabel()
        self.people_table = make_table([_("Full name"), _("Position"), _("Phone")])
        self.add_person_button = QPushButton(_("Add person…"))
        self.edit_person_button = QPushButton(_("Edit…"))
        self.delete_person_button = QPushButton(_("Delete"))
        self.add_person_button.clicked.connect(self.add_person)
        self.edit_person_button.clicked.connect(self.edit_person)
        self.delete_person_button.clicked.connect(self.delete_person)
        person_buttons = (self.add_person_button, self.edit_person_button,
                          self.delete_person_button)
        self.admin_only(*person_buttons)
        if self.is_admin:
            self.tree.itemDoubleClicked.connect(self.edit_unit)
            self.people_table.doubleClicked.connect(self.edit_person)
        people_side = QWidget()
        people_layout = QVBoxLayout(people_side)
        people_layout.setContentsMargins(0, 0, 0, 0)
        people_layout.addWidget(self.people_title)
        people_layout.addWidget(self.people_table)
        people_layout.addLayout(button_row(*person_buttons))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(units_side)
        splitter.addWidget(people_side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_note)
        layout.addWidget(splitter, 1)
        self.reload()

    # -- the tree ----------------------------------------------------------------------------

    def current_unit_id(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def _current_unit(self) -> Unit | None:
        unit_id = self.current_unit_id()
        return next((u for u, _depth in self._tree_rows if u.id == unit_id), None)

    def reload(self) -> None:
        keep = self._select_unit or self.current_unit_id()
        self._select_unit = None
        self._tree_rows = org.unit_tree()
        self.tree.blockSignals(True)
        self.tree.clear()
        parents: list[QTreeWidgetItem] = []
        chosen: QTreeWidgetItem | None = None
        for unit, depth in self._tree_rows:
            del parents[depth:]
            item = QTreeWidgetItem([unit.name, unit.short_name, unit.code])
            item.setData(0, ID_ROLE, unit.id)
            if parents:
                parents[-1].addChild(item)
            else:
                self.tree.addTopLevelItem(item)
            parents.append(item)
            if unit.id == keep:
                chosen = item
        self.tree.expandAll()
        if chosen is None and self.tree.topLevelItemCount():
            chosen = self.tree.topLevelItem(0)
        self.tree.setCurrentItem(chosen)
        self.tree.blockSignals(False)
        self._unit_selected()

    def _unit_selected(self, *_args: Any) -> None:
        unit = self._current_unit()
        has_unit = unit is not None
        for button in (self.add_child_button, self.edit_unit_button, self.delete_unit_button,
                       self.move_up_button, self.move_down_button, self.add_person_button,
                       self.seal_button):
            button.setEnabled(has_unit)
        self.people_title.setText(
            _("People of {unit}").format(unit=unit.name) if unit else _("No unit selected.")
        )
        rows = [(p.id, [p.name, p.title, p.phone]) for p in org.people(unit.id)] if unit else []
        fill_table(self.people_table, rows, selected_id(self.people_table))

    def add_unit(self, parent_id: int | None) -> None:
        dialog = UnitDialog(self, self._tree_rows, parent_id=parent_id)
        if not self.open_dialog(dialog):
            return
        values = dialog.values()
        try:
            unit = org.create_unit(self.ctx.session, values["name"], values["parent_id"],
                                   values["short_name"], values["code"])
        except DomainError as error:
            show_error(self, error)
            return
        self._select_unit = unit.id
        self.ctx.changed("unit")

    def edit_unit(self, *_args: Any) -> None:
        unit = self._current_unit()
        if unit is None:
            return
        dialog = UnitDialog(self, self._tree_rows, unit=unit)
        if self.open_dialog(dialog):
            self.call("unit", org.update_unit, unit.id, expected_version=unit.version,
                      **dialog.values())

    def delete_unit(self) -> None:
        unit = self._current_unit()
        if unit and self.confirm(_("Delete the unit {name}?").format(name=unit.name)):
            self.call("unit", org.delete_unit, unit.id)

    def move_unit(self, step: int) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        parent = item.parent()
        position = parent.indexOfChild(item) if parent else self.tree.indexOfTopLevelItem(item)
        self._select_unit = item.data(0, ID_ROLE)
        self.call("unit", org.move_unit, self._select_unit, max(0, position + step))

    def edit_seal(self) -> QDialog | None:
        """The unit's seal image (a scan the office provides; never drawn by the program)."""
        unit_id = self.current_unit_id()
        if unit_id is None or not self.is_admin:
            return None
        return _open_image_dialog(self, ImageDialog.SEAL, unit_id)

    # -- people ------------------------------------------------------------------------------

    def _current_person(self) -> Person | None:
        person_id = selected_id(self.people_table)
        unit_id = self.current_unit_id()
        if person_id is None or unit_id is None:
            return None
        return next((p for p in org.people(unit_id) if p.id == person_id), None)

    def add_person(self) -> None:
        dialog = PersonDialog(self, self._tree_rows, unit_id=self.current_unit_id())
        if self.open_dialog(dialog):
            v = dialog.values()
            self.call("person", org.create_person, v["name"], v["unit_id"], v["title"],
                      v["phone"])

    def edit_person(self, *_args: Any) -> None:
        person = self._current_person()
        if person is None:
            return
        dialog = PersonDialog(self, self._tree_rows, person=person)
        if self.open_dialog(dialog):
            self.call("person", org.update_person, person.id, expected_version=person.version,
                      **dialog.values())

    def delete_person(self) -> None:
        person = self._current_person()
        if person and self.confirm(_("Delete {name} from the people list?").format(
                name=person.name)):
            self.call("person", org.delete_person, person.id)


class UsersPage(AdminPage):
    """The accounts (``table``: user name, display name, unit, roles, active; first cell's
    data: the account id) with ``add_button``, ``edit_button``, ``password_button`` and
    ``deactivate_button`` (its label turns to reactivating for an inactive account)."""

    watches = frozenset({"user", "unit"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._users: dict[int, User] = {}
        self.table = make_table(
            [_("User name"), _("Display name"), _("Unit"), _("Roles"), _("Active")], stretch=3
        )
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.add_button = QPushButton(_("Add account…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.password_button = QPushButton(_("Reset password…"))
        self.deactivate_button = QPushButton(_("Deactivate"))
        self.signature_button = QPushButton(_("Signature image…"))
        self.signature_button.clicked.connect(self.edit_signature)
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.password_button.clicked.connect(self.reset_password)
        self.deactivate_button.clicked.connect(self.toggle_active)
        buttons = (self.add_button, self.edit_button, self.password_button,
                   self.deactivate_button)
        self.admin_only(*buttons)
        if self.is_admin:
            self.table.doubleClicked.connect(self.edit_user)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addLayout(button_row(*buttons))
        row.addWidget(self.signature_button)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        units = {u.id: u.name for u, _depth in org.unit_tree()}
        accounts = auth.users()
        self._users = {u.id: u for u in accounts}
        fill_table(self.table, [
            (u.id, [u.username, u.display_name, units.get(u.unit_id, ""), role_names(u),
                    _("Yes") if u.active else _("No")])
            for u in accounts
        ], selected_id(self.table))
        self._selection_changed()

    def current_user(self) -> User | None:
        user_id = selected_id(self.table)
        return self._users.get(user_id) if user_id is not None else None

    def _selection_changed(self) -> None:
        user = self.current_user()
        for button in (self.edit_button, self.password_button, self.deactivate_button):
            button.setEnabled(user is not None)
        own = user is not None and self.ctx.session.user is not None and (
            user.id == self.ctx.session.user.id)
        self.signature_button.setEnabled(user is not None and (self.is_admin or own))
        active = user is None or user.active
        self.deactivate_button.setText(_("Deactivate") if active else _("Reactivate"))

    def edit_signature(self) -> QDialog | None:
        """The selected account's signature image: one's own, or anyone's for an admin."""
        user = self.current_user()
        if user is None or not self.signature_button.isEnabled():
            return None
        return _open_image_dialog(self, ImageDialog.SIGNATURE, user.id)

    def add_user(self) -> None:
        dialog = UserDialog(self, org.unit_tree())
        if self.open_dialog(dialog):
            self.call("user", auth.create_user, dialog.username_edit.text(),
                      dialog.display_name_edit.text(), dialog.password_edit.text(),
                      dialog.roles(), unit_id=dialog.unit_combo.currentData())

    def edit_user(self, *_args: Any) -> None:
        user = self.current_user()
        if user is None:
            return
        dialog = UserDialog(self, org.unit_tree(), user)
        if self.open_dialog(dialog):
            self.call("user", auth.update_user, user.id, dialog.display_name_edit.text(),
                      dialog.roles(), dialog.unit_combo.currentData(),
                      dialog.active_box.isChecked(), expected_version=user.version)

    def reset_password(self) -> None:
        user = self.current_user()
        if user is None:
            return
        dialog = PasswordDialog(self, user)
        if self.open_dialog(dialog):
            self.call("user", auth.set_password, user.id, dialog.password())

    def toggle_active(self) -> None:
        user = self.current_user()
        if user is None:
            return
        if user.active and not self.confirm(
            _("Deactivate the account {name}? It can no longer sign in.").format(
                name=user.username)
        ):
            return
        self.call("user", auth.update_user, user.id, user.display_name, user.role_set(),
                  user.unit_id, not user.active, expected_version=user.version)

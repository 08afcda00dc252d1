"""The small add/edit dialogs of the organisation settings pages.

Each dialog checks its input as it is typed and keeps OK disabled, with a one-line reason
beneath the form, until the input can be saved; the services still check everything again.
``values()`` gives the keyword fields the matching core service takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.auth import MIN_PASSWORD_LENGTH
from desktop.core.i18n import _
from desktop.core.models import ROLE_LABELS, Milestone, Person, Phase, Role, Unit, User
from desktop.ui.common import DateField, fill_combo

INDENT = "\u3000"  # an ideographic space per tree level, as in printed unit lists


def unit_choices(tree: Sequence[tuple[Unit, int]], skip: set[int] = frozenset()) -> list:
    """(indented name, id) pairs for a unit combo, in tree order."""
    return [(INDENT * depth + unit.name, unit.id) for unit, depth in tree if unit.id not in skip]


class FormDialog(QDialog):
    """A form with OK/Cancel; subclasses add rows and say what is still missing."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.hint = QLabel(self)
        self.hint.setObjectName("formHint")
        self.hint.setStyleSheet("color: #a33;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)

    def missing(self) -> str:
        """Why the input cannot be saved yet ("" when it can)."""
        return ""

    def refresh(self, *_args: Any) -> None:
        reason = self.missing()
        self.hint.setText(reason)
        self.hint.setVisible(bool(reason))
        self.ok_button.setEnabled(not reason)

    def watch(self, *widgets: QWidget) -> None:
        """Re-check the input whenever one of ``widgets`` changes."""
        for widget in widgets:
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(self.refresh)
            elif isinstance(widget, DateField):
                widget.dateChanged.connect(self.refresh)
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(self.refresh)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.refresh)
        self.refresh()


def _dates_backwards(start: dt.date | None, end: dt.date | None) -> bool:
    return start is not None and end is not None and end < start


class PeriodDialog(FormDialog):
    """A name with a start and an end date (a phase, a new campaign). Fields: ``name_edit``,
    ``start_field``, ``end_field``."""

    def __init__(self, parent: QWidget | None, title: str, name_label: str, name: str = "",
                 start: dt.date | None = None, end: dt.date | None = None) -> None:
        super().__init__(parent, title)
        self.name_edit = QLineEdit(name)
        self.start_field = DateField(day=start)
        self.end_field = DateField(day=end)
        self.form.addRow(name_label, self.name_edit)
        self.form.addRow(_("Start date"), self.start_field)
        self.form.addRow(_("End date"), self.end_field)
        self.watch(self.name_edit, self.start_field, self.end_field)

    def missing(self) -> str:
        if not self.name_edit.text().strip():
            return _("Enter a name.")
        if _dates_backwards(self.start_field.value(), self.end_field.value()):
            return _("The end date is before the start date.")
        return ""

    def values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text().strip(), "start_date": self.start_field.value(),
                "end_date": self.end_field.value()}


class PhaseDialog(PeriodDialog):
    def __init__(self, parent: QWidget | None, phase: Phase | None = None) -> None:
        super().__init__(
            parent, _("Edit phase") if phase else _("Add phase"), _("Phase name"),
            phase.name if phase else "", phase.start_date if phase else None,
            phase.end_date if phase else None,
        )


class MilestoneDialog(FormDialog):
    """Fields: ``name_edit``, ``due_field``, ``phase_combo``, ``done_field``."""

    def __init__(
        self, parent: QWidget | None, phases: Sequence[Phase], milestone: Milestone | None = None
    ) -> None:
        super().__init__(parent, _("Edit milestone") if milestone else _("Add milestone"))
        self.name_edit = QLineEdit(milestone.name if milestone else "")
        self.due_field = DateField(day=milestone.due_date if milestone else None)
        self.phase_combo = QComboBox()
        fill_combo(self.phase_combo, [(p.name, p.id) for p in phases], empty="—",
                   current=milestone.phase_id if milestone else None)
        self.done_field = DateField(day=milestone.done_date if milestone else None)
        self.done_field.setToolTip(_("Leave empty while the milestone is not done."))
        self.form.addRow(_("Milestone"), self.name_edit)
        self.form.addRow(_("Due date"), self.due_field)
        self.form.addRow(_("Phase"), self.phase_combo)
        self.form.addRow(_("Done on"), self.done_field)
        self.watch(self.name_edit, self.due_field)

    def missing(self) -> str:
        if not self.name_edit.text().strip():
            return _("Enter a name.")
        if self.due_field.value() is None:
            return _("Enter the due date.")
        return ""

    def values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text().strip(), "due_date": self.due_field.value(),
                "phase_id": self.phase_combo.currentData(),
                "done_date": self.done_field.value()}


class NewCampaignDialog(PeriodDialog):
    """The rest of the campaign is set on the page afterwards."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, _("New campaign"), _("Campaign name"))
        self.name_edit.setMinimumWidth(360)


class UnitDialog(FormDialog):
    """Fields: ``name_edit``, ``short_name_edit``, ``code_edit``, ``parent_combo`` (data: the
    parent's id, None for a top-level unit). A unit cannot be put under itself or its own
    sub-units, so those are not offered."""

    def __init__(
        self,
        parent: QWidget | None,
        tree: Sequence[tuple[Unit, int]],
        unit: Unit | None = None,
        parent_id: int | None = None,
    ) -> None:
        super().__init__(parent, _("Edit unit") if unit else _("Add unit"))
        self.name_edit = QLineEdit(unit.name if unit else "")
        self.name_edit.setMinimumWidth(300)
        self.short_name_edit = QLineEdit(unit.short_name if unit else "")
        self.code_edit = QLineEdit(unit.code if unit else "")
        self.parent_combo = QComboBox()
        skip = _subtree_ids(tree, unit.id) if unit else set()
        fill_combo(self.parent_combo, unit_choices(tree, skip), empty=_("(top level)"),
                   current=unit.parent_id if unit else parent_id)
        self.form.addRow(_("Unit name"), self.name_edit)
        self.form.addRow(_("Short name"), self.short_name_edit)
        self.form.addRow(_("Unit code"), self.code_edit)
        self.form.addRow(_("Parent unit"), self.parent_combo)
        self.watch(self.name_edit)

    def missing(self) -> str:
        return "" if self.name_edit.text().strip() else _("Enter a name.")

    def values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text().strip(),
                "short_name": self.short_name_edit.text().strip(),
                "code": self.code_edit.text().strip(),
                "parent_id": self.parent_combo.currentData()}


def _subtree_ids(tree: Sequence[tuple[Unit, int]], root_id: int) -> set[int]:
    """The unit and everything under it (the tree lists descendants right after a unit)."""
    ids: set[int] = set()
    root_depth: int | None = None
    for unit, depth in tree:
        if root_depth is not None:
            if depth <= root_depth:
                break
            ids.add(unit.id)
        elif unit.id == root_id:
            root_depth = depth
            ids.add(unit.id)
    return ids


class PersonDialog(FormDialog):
    """Fields: ``name_edit``, ``unit_combo``, ``title_edit`` (职务), ``phone_edit``."""

    def __init__(
        self,
        parent: QWidget | None,
        tree: Sequence[tuple[Unit, int]],
        person: Person | None = None,
        unit_id: int | None = None,
    ) -> None:
        super().__init__(parent, _("Edit person") if person else _("Add person"))
        self.name_edit = QLineEdit(person.name if person else "")
        self.unit_combo = QComboBox()
        fill_combo(self.unit_combo, unit_choices(tree), empty="—",
                   current=person.unit_id if person else unit_id)
        self.title_edit = QLineEdit(person.title if person else "")
        self.phone_edit = QLineEdit(person.phone if person else "")
        self.form.addRow(_("Full name"), self.name_edit)
        self.form.addRow(_("Unit"), self.unit_combo)
        self.form.addRow(_("Position"), self.title_edit)
        self.form.addRow(_("Phone"), self.phone_edit)
        self.watch(self.name_edit)

    def missing(self) -> str:
        return "" if self.name_edit.text().strip() else _("Enter a name.")

    def values(self) -> dict[str, Any]:
        return {"name": self.name_edit.text().strip(), "unit_id": self.unit_combo.currentData(),
                "title": self.title_edit.text().strip(), "phone": self.phone_edit.text().strip()}


def _password_problem(password: str, again: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("A password needs at least 6 characters.")
    if password != again:
        return _("The two passwords differ.")
    return ""


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class UserDialog(FormDialog):
    """Fields: ``username_edit`` (fixed once created), ``display_name_edit``, ``unit_combo``,
    ``role_boxes`` (Role → QCheckBox); for a new account ``password_edit`` and
    ``password_again_edit``; for an existing one ``active_box``."""

    def __init__(
        self, parent: QWidget | None, tree: Sequence[tuple[Unit, int]], user: User | None = None
    ) -> None:
        super().__init__(parent, _("Edit account") if user else _("Add account"))
        self.user = user
        self.username_edit = QLineEdit(user.username if user else "")
        self.username_edit.setReadOnly(user is not None)
        self.display_name_edit = QLineEdit(user.display_name if user else "")
        self.unit_combo = QComboBox()
        fill_combo(self.unit_combo, unit_choices(tree), empty="—",
                   current=user.unit_id if user else None)
        held = user.role_set() if user else {Role.CLERK}
        roles_row = QHBoxLayout()
        self.role_boxes: dict[Role, QCheckBox] = {}
        for role in Role:
            box = QCheckBox(_(ROLE_LABELS[role]))
            box.setChecked(role in held)
            self.role_boxes[role] = box
            roles_row.addWidget(box)
        self.form.addRow(_("User name"), self.username_edit)
        self.form.addRow(_("Display name"), self.display_name_edit)
        self.form.addRow(_("Unit"), self.unit_combo)
        self.form.addRow(_("Roles"), roles_row)
        watched: list[QWidget] = [self.username_edit, *self.role_boxes.values()]
        self.password_edit: QLineEdit | None = None
        self.password_again_edit: QLineEdit | None = None
        self.active_box: QCheckBox | None = None
        if user is None:
            self.password_edit = _password_edit()
            self.password_again_edit = _password_edit()
            self.form.addRow(_("Password"), self.password_edit)
            self.form.addRow(_("Password again"), self.password_again_edit)
            watched += [self.password_edit, self.password_again_edit]
        else:
            self.active_box = QCheckBox(_("Account active (may sign in)"))
            self.active_box.setChecked(bool(user.active))
            self.form.addRow("", self.active_box)
        self.watch(*watched)

    def roles(self) -> set[Role]:
        return {role for role, box in self.role_boxes.items() if box.isChecked()}

    def missing(self) -> str:
        if not self.username_edit.text().strip():
            return _("Enter a user name.")
        if not self.roles():
            return _("Tick at least one role.")
        if self.password_edit is not None and self.password_again_edit is not None:
            return _password_problem(self.password_edit.text(), self.password_again_edit.text())
        return ""


class PasswordDialog(FormDialog):
    """Fields: ``password_edit``, ``password_again_edit``."""

    def __init__(self, parent: QWidget | None, user: User) -> None:
        super().__init__(parent, _("Reset password"))
        self.password_edit = _password_edit()
        self.password_again_edit = _password_edit()
        self.form.addRow(_("Account"), QLabel(f"{user.display_name} ({user.username})"))
        self.form.addRow(_("New password"), self.password_edit)
        self.form.addRow(_("Password again"), self.password_again_edit)
        note = QLabel(_("Tell the user this password in person. At the next sign-in they must "
                        "choose a new one of their own."))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.watch(self.password_edit, self.password_again_edit)

    def missing(self) -> str:
        return _password_problem(self.password_edit.text(), self.password_again_edit.text())

    def password(self) -> str:
        return self.password_edit.text()

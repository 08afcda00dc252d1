"""导出台账: choose what the ledger covers and where it goes — USB sticks first — then write it
whole or not at all, with progress and cancel, and say when the stick may be pulled out.

Which volumes count as removable is a small pure function over plain ``Volume`` values, so it
is tested with made-up drives: Qt does not say whether a drive is a USB stick, so the usual
mount points (/media, /run/media, /mnt on Linux; any drive letter but the system's on
Windows) stand for it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths, QStorageInfo, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import clock, org
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.ledger_data import LedgerScope
from desktop.core.models import Unit
from desktop.core.problem_query import ProblemFilter, matching_ids
from desktop.exchange.ledger_exchange import export_ledger, ledger_file_name
from desktop.exchange.ledger_xlsx import WriteResult
from desktop.exchange.safe_write import size_text
from desktop.ui.common import DateField, error_text, fill_combo
from desktop.ui.context import AppContext
from desktop.ui.progress_runner import Cancelled, ProgressRunner

REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")
BYTES_PER_PROBLEM = 4096  # a generous guess of a ledger's size per problem (zipped)
BASE_BYTES = 256 * 1024
PATH_ROLE = Qt.ItemDataRole.UserRole
REMOVABLE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Volume:
    root: str  # where it is mounted: "/media/clerk/KINGSTON", "E:/"
    name: str  # its label, "" when it has none
    ready: bool = True
    read_only: bool = False
    available: int = -1  # bytes free for this user; -1 unknown


@dataclass(frozen=True)
class Destination:
    path: str
    label: str
    removable: bool
    available: int = -1


def is_removable(root: str, platform: str = sys.platform, system_drive: str = "C:") -> bool:
    """Whether a mounted volume is most likely a USB stick or card."""
    if platform.startswith("win"):
        drive = root.replace("\\", "/").rstrip("/").upper()
        return len(drive) == 2 and drive[1] == ":" and drive != system_drive.upper()[:2]
    path = root.rstrip("/") + "/"
    return any(path.startswith(prefix) and path != prefix for prefix in REMOVABLE_ROOTS)


def removable_note(removable: bool) -> str:
    """The line that ends a message about a file written to a USB stick ("" elsewhere)."""
    if not removable:
        return ""
    return "\n\n" + _("The USB drive can be safely removed (eject it in the system first).")


def destinations(volumes: Iterable[Volume], folders: Sequence[str] = (),
                 platform: str = sys.platform, system_drive: str = "C:") -> list[Destination]:
    """Writable removable volumes first (by label), then ``folders`` (last used, Documents)
    that exist; duplicates and volumes that are not ready or read-only are left out."""
    seen: set[str] = set()
    out: list[Destination] = []
    drives = [v for v in volumes if v.ready and not v.read_only
              and is_removable(v.root, platform, system_drive)]
    for v in sorted(drives, key=lambda v: (v.name or v.root).lower()):
        if v.root not in seen:
            seen.add(v.root)
            label = f"{v.name} ({v.root})" if v.name else v.root
            out.append(Destination(v.root, label, True, v.available))
    for folder in folders:
        if folder and folder not in seen and os.path.isdir(folder):
            seen.add(folder)
            out.append(Destination(folder, folder, False))
    return out


def mounted_volumes() -> list[Volume]:
    return [Volume(root=v.rootPath(), name=v.displayName() if v.name() else "",
                   ready=v.isReady(), read_only=v.isReadOnly(), available=v.bytesAvailable())
            for v in QStorageInfo.mountedVolumes() if v.isValid()]


class ExportDialog(QDialog):
    """Attributes tests drive: ``scope_buttons`` ("campaign", "unit", "selection"),
    ``unit_combo``, ``as_of``, ``consolidated_box``, ``folder_list``, ``name_edit``,
    ``space_label``, ``message``, ``export_button``; ``export()`` returns the WriteResult
    (or None); ``make_runner`` and ``show_done`` are replaced in tests."""

    def __init__(self, ctx: AppContext, selected_ids: Sequence[int] = (),
                 parent: QWidget | None = None, volumes: Sequence[Volume] | None = None,
                 unit_id: int | None = None, as_of: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.selected_ids = list(selected_ids)
        self.result: WriteResult | None = None
        self._named_by_user = False
        self.setWindowTitle(_("Export the ledger"))
        layout = QVBoxLayout(self)

        scope = QFormLayout()
        group = QButtonGroup(self)
        self.scope_buttons = {
            "campaign": QRadioButton(_("The whole campaign"), self),
            "unit": QRadioButton(_("One unit (with its sub-units)"), self),
            "selection": QRadioButton(
                _("The {count} selected problem(s)").format(count=len(self.selected_ids)), self),
        }
        for button in self.scope_buttons.values():
            group.addButton(button)
        self.scope_buttons["selection"].setVisible(bool(self.selected_ids))
        self.unit_combo = QComboBox(self)
        fill_combo(self.unit_combo, (("\u3000" * depth + unit.name, unit.id)
                                     for unit, depth in org.unit_tree()), current=unit_id)
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.scope_buttons["unit"])
        unit_row.addWidget(self.unit_combo, 1)
        covers = QVBoxLayout()
        covers.addWidget(self.scope_buttons["campaign"])
        covers.addLayout(unit_row)
        covers.addWidget(self.scope_buttons["selection"])
        scope.addRow(_("Covers"), covers)
        self.as_of = DateField(self, as_of or clock.today())
        self.as_of.setToolTip(_("The monthly ledger: the problems and their state as they "
                                "stood at the end of this day."))
        scope.addRow(_("As of"), self.as_of)
        self.consolidated_box = QCheckBox(_("Consolidated: grouped by unit, with subtotals"),
                                          self)
        scope.addRow("", self.consolidated_box)
        layout.addLayout(scope)

        layout.addWidget(QLabel(_("Save to (USB drives first):"), self))
        self.folder_list = QListWidget(self)
        self.folder_list.setMaximumHeight(130)
        layout.addWidget(self.folder_list)
        folder_buttons = QHBoxLayout()
        other = QPushButton(_("Other folder…"), self)
        other.setAutoDefault(False)
        other.clicked.connect(self.choose_folder)
        refresh = QPushButton(_("Look for drives again"), self)
        refresh.setAutoDefault(False)
        refresh.clicked.connect(lambda: self.fill_folders(None))
        folder_buttons.addWidget(other)
        folder_buttons.addWidget(refresh)
        folder_buttons.addStretch(1)
        layout.addLayout(folder_buttons)
        name_form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.textEdited.connect(self._name_edited)
        name_form.addRow(_("File name"), self.name_edit)
        layout.addLayout(name_form)
        self.space_label = QLabel(self)
        self.space_label.setWordWrap(True)
        self.space_label.setStyleSheet("color: #b06000")
        layout.addWidget(self.space_label)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c5221f")
        layout.addWidget(self.message)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton(_("Export"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

        chosen = "selection" if self.selected_ids else "unit" if unit_id else "campaign"
        self.scope_buttons[chosen].setChecked(True)
        for button in self.scope_buttons.values():
            button.toggled.connect(lambda _on: self._scope_changed())
        self.unit_combo.currentIndexChanged.connect(lambda _i: self._scope_changed())
        self.as_of.dateChanged.connect(lambda _d: self._scope_changed())
        self.folder_list.currentRowChanged.connect(lambda _r: self._check_space())
        self.fill_folders(volumes)
        self._scope_changed()

    # -- choices ----------------------------------------------------------------------------

    def scope_kind(self) -> str:
        return next(k for k, b in self.scope_buttons.items() if b.isChecked())

    def scope(self) -> LedgerScope:
        kind = self.scope_kind()
        return LedgerScope(
            campaign_id=self.ctx.campaign_id,
            unit_id=self.unit_combo.currentData() if kind == "unit" else None,
            problem_ids=tuple(self.selected_ids) if kind == "selection" else None,
            as_of=self.as_of.value(), consolidated=self.consolidated_box.isChecked())

    def fill_folders(self, volumes: Sequence[Volume] | None) -> None:
        volumes = mounted_volumes() if volumes is None else volumes
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        folders = [self.ctx.settings.get("last_directory"), documents, QDir.homePath()]
        system = os.environ.get("SystemDrive", "C:")
        self.folder_list.clear()
        for d in destinations(volumes, folders, system_drive=system):
            self._add_folder(d)
        if self.folder_list.count():
            self.folder_list.setCurrentRow(0)

    def _add_folder(self, d: Destination) -> QListWidgetItem:
        text = d.label
        if d.removable:
            free = _("{size} free").format(size=size_text(d.available)) \
                if d.available >= 0 else ""
            text = _("USB drive: {name}").format(name=d.label) + (f"  ({free})" if free
                                                                   else "")
        item = QListWidgetItem(text)
        item.setData(PATH_ROLE, d.path)
        item.setData(REMOVABLE_ROLE, d.removable)
        self.folder_list.addItem(item)
        return item

    def choose_folder(self) -> None:
        start = self.folder() or QDir.homePath()
        folder = QFileDialog.getExistingDirectory(self, _("Choose a folder"), str(start))
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        for row in range(self.folder_list.count()):
            if self.folder_list.item(row).data(PATH_ROLE) == folder:
                self.folder_list.setCurrentRow(row)
                return
        item = self._add_folder(Destination(folder, folder, is_removable(folder)))
        self.folder_list.setCurrentItem(item)

    def folder(self) -> Path | None:
        item = self.folder_list.currentItem()
        return Path(item.data(PATH_ROLE)) if item is not None else None

    def removable(self) -> bool:
        item = self.folder_list.currentItem()
        return bool(item.data(REMOVABLE_ROLE)) if item is not None else False

    def _name_edited(self, _text: str) -> None:
        self._named_by_user = True

    def proposed_name(self) -> str:
        campaign = self.ctx.campaign()
        unit = None
        if self.scope_kind() == "unit" and self.unit_combo.currentData() is not None:
            unit = Unit.get_or_none(Unit.id == self.unit_combo.currentData())
        elif campaign is not None and campaign.unit_id is not None:
            unit = Unit.get_or_none(Unit.id == campaign.unit_id)
        return ledger_file_name(unit.name if unit else "", campaign.name if campaign else "",
                                self.as_of.value() or clock.today())

    def _scope_changed(self) -> None:
        self.unit_combo.setEnabled(self.scope_kind() == "unit")
        if not self._named_by_user:
            self.name_edit.setText(self.proposed_name())
        self._check_space()

    def estimated_size(self) -> int:
        scope = self.scope()
        if scope.problem_ids is not None:
            count = len(scope.problem_ids)
        else:
            units = frozenset({scope.unit_id}) if scope.unit_id is not None else None
            count = len(matching_ids(ProblemFilter(scope.campaign_id, unit_ids=units)))
        return BASE_BYTES + BYTES_PER_PROBLEM * count

    def _check_space(self) -> None:
        folder = self.folder()
        self.space_label.clear()
        if folder is None:
            return
        available = self.free_bytes(folder)
        needed = self.estimated_size()
        if 0 <= available < needed:
            self.space_label.setText(
                _("Only {free} is free on this drive; the ledger may need about {needed}. "
                  "Free some space or choose another drive.").format(
                    free=size_text(available), needed=size_text(needed)))

    def free_bytes(self, folder: Path) -> int:
        """What the drive of ``folder`` has free for this user; -1 when unknown."""
        return QStorageInfo(str(folder)).bytesAvailable()

    # -- exporting --------------------------------------------------------------------------

    def target(self) -> Path | None:
        folder = self.folder()
        name = self.name_edit.text().strip()
        if folder is None or not name:
            return None
        if not name.lower().endswith(".xlsx"):
            name += ".xlsx"
        return folder / name

    def make_runner(self) -> ProgressRunner:
        return ProgressRunner(self, _("Exporting the ledger…"))

    def confirm_replace(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self, _("Replace the file?"),
            _("{name} already exists in this folder. Replace it?").format(name=path.name))
        return answer == QMessageBox.StandardButton.Yes

    def export(self) -> WriteResult | None:
        self.message.clear()
        path = self.target()
        if self.ctx.campaign_id is None:
            return None
        if path is None:
            self.message.setText(_("Choose a folder and a file name."))
            return None
        if path.exists() and not self.confirm_replace(path):
            return None
        scope, session = self.scope(), self.ctx.session
        try:
            result = self.make_runner().run(
                lambda progress: export_ledger(session, scope, path, progress))
        except Cancelled:
            self.message.setText(_("Cancelled; no file was written."))
            return None
        except DomainError as error:
            self.message.setText(error_text(error))
            return None
        self.result = result
        self.ctx.settings.set("last_directory", str(path.parent))
        self.show_done(self.done_text(result, self.removable()))
        self.accept()
        return result

    @staticmethod
    def done_text(result: WriteResult, removable: bool) -> str:
        text = _("The ledger was saved as {path} ({size}).").format(
            path=str(result.path), size=size_text(result.size))
        return text + removable_note(removable)

    def show_done(self, text: str) -> None:
        QMessageBox.information(self.parentWidget() or self, _("Export the ledger"), text)

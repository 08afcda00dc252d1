"""The two decisions an import may need before anything is written: which columns of a
hand-made ledger hold what (and whether to leave its unreadable rows out), and, for records
changed on both sides, which version to keep."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import org
from desktop.core.cell_values import cell_text
from desktop.core.consolidate import INCOMING, LOCAL, ImportPlan
from desktop.core.errors import DomainError
from desktop.core.handmade_import import SheetGrid, save_mapping
from desktop.core.i18n import N_, _
from desktop.exchange.handmade_xlsx import read_sheets
from desktop.exchange.ledger_exchange import FileReport, Status, handmade_report
from desktop.ui.common import error_text, fill_combo
from desktop.ui.context import AppContext
from desktop.ui.mapping_table import ColumnMappingTable

ROW_NUMBER_ROLE = Qt.ItemDataRole.UserRole
HEADER_CHOICES = 15


class MappingDialog(QDialog):
    """A hand-made ledger's columns, header row and unit, with the rows that cannot be read;
    ``report`` is the file's dry run under the choices made (``result()`` once accepted)."""

    def __init__(self, ctx: AppContext, report: FileReport, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report = report
        self.setWindowTitle(_("Columns of {name}").format(name=report.file_name))
        self.setSizeGripEnabled(True)
        self.sheets: list[SheetGrid] = read_sheets(report.path)
        preview = report.preview
        sheet_name = preview.sheet if preview else self.sheets[0].name
        self.sheet = next((s for s in self.sheets if s.name == sheet_name), self.sheets[0])

        layout = QVBoxLayout(self)
        intro = QLabel(_("Say what each column holds. Rows that cannot be read are shaded and "
                         "listed below with their row number in the worksheet."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        options = QHBoxLayout()
        options.addWidget(QLabel(_("Header row"), self))
        self.header_combo = QComboBox(self)
        options.addWidget(self.header_combo)
        options.addSpacing(16)
        options.addWidget(QLabel(_("Unit for rows without one:"), self))
        self.unit_combo = QComboBox(self)
        fill_combo(self.unit_combo, (("\u3000" * depth + unit.name, unit.id)
                                     for unit, depth in org.unit_tree()), empty=_("(none)"),
                   current=preview.unit_id if preview else None)
        options.addWidget(self.unit_combo)
        options.addStretch(1)
        layout.addLayout(options)
        self.titles = QLabel(self)
        self.titles.setWordWrap(True)
        self.titles.setStyleSheet("color: #5f6368")
        layout.addWidget(self.titles)

        rows = [[cell_text(v) for v in r.cells] for r in self.sheet.rows]
        numbers = [r.number for r in self.sheet.rows]
        fill_combo(self.header_combo, ((str(n), n) for n in numbers[:HEADER_CHOICES]),
                   current=preview.header_row if preview else None)
        self.table = ColumnMappingTable(rows, preview.mapping if preview else [], numbers, self)
        self.bad_list = QListWidget(self)
        self.bad_list.setWordWrap(True)
        self.bad_list.itemClicked.connect(self._show_row)
        self.summary = QLabel(self)
        bold = QFont(self.summary.font())
        bold.setBold(True)
        self.summary.setFont(bold)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.summary)
        lower_layout.addWidget(self.bad_list)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([420, 160])
        layout.addWidget(splitter, 1)
        self.accept_box = QCheckBox(self)
        layout.addWidget(self.accept_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Use these columns"))
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.table.mapping_changed.connect(self.update_preview)
        self.header_combo.currentIndexChanged.connect(lambda _i: self._header_changed())
        self.unit_combo.currentIndexChanged.connect(lambda _i: self.update_preview())
        self.accept_box.setChecked(report.accept_partial)
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry() if screen else None
        self.resize(min(1200, free.width() - 40) if free else 1100,
                    min(680, free.height() - 60) if free else 640)
        self.update_preview()

    def _header_changed(self) -> None:
        """Another header row: start again from the columns its words suggest."""
        self.update_preview(mapping=None)
        if self.report.preview is not None:
            self.table.set_mapping(self.report.preview.mapping)

    def update_preview(self, mapping: list[str | None] | None | bool = True) -> None:
        chosen = self.table.mapping() if mapping is True else mapping
        self.report = handmade_report(
            self.report.path, self.report.campaign_id, self.unit_combo.currentData(),
            chosen, self.header_combo.currentData(), sheet=self.sheet)
        preview = self.report.preview
        self.bad_list.clear()
        if self.report.error is not None:
            self.bad_list.addItem(error_text(self.report.error))
        bad: dict[int, list[str]] = {}
        if preview is not None:
            for row, reason in ((b.row, b.reason.message()) for b in preview.bad):
                bad.setdefault(row, []).append(reason)
                item = QListWidgetItem(_("Row {row}: {reason}").format(row=row, reason=reason))
                item.setData(ROW_NUMBER_ROLE, row)
                self.bad_list.addItem(item)
            self.titles.setText("\n".join(preview.title_lines))
            self.table.paint({r: "\n".join(v) for r, v in bad.items()},
                             frozenset({preview.header_row}))
        good = len(preview.good) if preview else 0
        self.summary.setText(_("{good} problem(s) can be read; {bad} row(s) cannot.").format(
            good=good, bad=len(bad)))
        self.accept_box.setText(_("Import the {count} readable problem(s), leaving out the "
                                  "rows listed").format(count=good))
        self.accept_box.setVisible(bool(bad) and good > 0)
        self.ok_button.setEnabled(preview is not None and not preview.errors and good > 0)

    def _show_row(self, item: QListWidgetItem) -> None:
        number = item.data(ROW_NUMBER_ROLE)
        if number is not None:
            self.table.show_number(number)

    def confirm(self) -> None:
        preview = self.report.preview
        if preview is None or preview.errors:
            return
        try:  # remembered for next month's copy of the sheet
            save_mapping(self.ctx.session, preview.layout, self.table.mapping())
        except DomainError:
            pass  # not the user's to remember (no clerk role): the import says so itself
        offered = not self.accept_box.isHidden()
        self.report.accept_partial = offered and self.accept_box.isChecked()
        self.accept()

    def result_report(self) -> FileReport:
        return self.report


class ConflictDialog(QDialog):
    """Records changed both here and in the sending office since the last import: each
    field's local and incoming value side by side, and a choice per record."""

    def __init__(self, plan: ImportPlan, decisions: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Conflicts in {name}").format(name=plan.source.file_name))
        layout = QVBoxLayout(self)
        intro = QLabel(_("These records were changed in this office and in {unit} since the "
                         "last import. Choose which version to keep.").format(
            unit=plan.exporting_unit_name), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([_("Field"), _("Here (local)"), _("In the file (incoming)")])
        self.tree.setWordWrap(True)
        self.choices: dict[str, QComboBox] = {}
        for item in plan.conflicts:
            top = QTreeWidgetItem([item.label, "", ""])
            self.tree.addTopLevelItem(top)
            combo = QComboBox(self.tree)
            combo.addItem(_("Keep the local version"), LOCAL)
            combo.addItem(_("Take the incoming version"), INCOMING)
            combo.setCurrentIndex(max(combo.findData(decisions.get(item.uuid, LOCAL)), 0))
            self.tree.setItemWidget(top, 1, combo)
            self.choices[item.uuid] = combo
            for diff in item.diffs:
                QTreeWidgetItem(top, [diff.field, _shown(diff.local), _shown(diff.incoming)])
            top.setExpanded(True)
        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(1, 300)
        layout.addWidget(self.tree, 1)
        all_row = QHBoxLayout()
        for text, choice in ((_("Keep all local"), LOCAL), (_("Take all incoming"), INCOMING)):
            button = QPushButton(text, self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, v=choice: self.choose_all(v))
            all_row.addWidget(button)
        all_row.addStretch(1)
        layout.addLayout(all_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 480)

    def choose_all(self, choice: str) -> None:
        for combo in self.choices.values():
            combo.setCurrentIndex(combo.findData(choice))

    def decisions(self) -> dict[str, str]:
        return {uuid: combo.currentData() for uuid, combo in self.choices.items()}


def _shown(value) -> str:
    return "—" if value is None or value == "" else str(value)


def status_text(report: FileReport) -> str:
    if report.status == Status.PARTIAL and report.accept_partial:
        return _("Will import {count} readable problem(s)").format(
            count=len(report.preview.good) if report.preview else 0)
    if report.status == Status.NOTHING and report.already_imported is not None:
        return _("Imported before; nothing new")
    return _(STATUS_LABELS[report.status])


STATUS_LABELS = {
    Status.READY: N_("Ready to import"),
    Status.NOTHING: N_("Nothing new"),
    Status.CONFLICTS: N_("Conflicts to decide"),
    Status.PARTIAL: N_("Rows cannot be read"),
    Status.REJECTED: N_("Rejected"),
    Status.IMPORTED: N_("Imported"),
}

__all__ = ["ConflictDialog", "MappingDialog", "status_text"]

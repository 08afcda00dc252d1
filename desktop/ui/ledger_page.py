"""整改台账: the ledger as the exported workbook lays it out — a problem's own cells on its first
row, one row per measure beneath, grouped by unit with subtotals when consolidated — as of a
chosen day, for the campaign or one unit. Export, print and the consolidation import start
here.

The rows come from the same ``LedgerView`` as the workbook, so the page and the file never
disagree. The model keeps only that view and a list of row references, and makes cell texts
when they are painted, so a county's 100,000 problems cost a list of tuples, not widgets;
building the view is chunked and runs under a progress dialog that can cancel it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core import clock, org
from desktop.core.consolidate import import_batches, mark_batch_verified, unverified_ids
from desktop.core.i18n import _
from desktop.core.import_log import HANDMADE
from desktop.core.ledger_data import (
    LedgerProblem,
    LedgerScope,
    LedgerView,
    closed_text,
    completion_text,
    deadline_text,
    description_text,
    ledger_view,
    progress_text,
)
from desktop.core.models import Role
from desktop.exchange.ledger_xlsx import headers
from desktop.ui.common import DateField, ReloadsWhenShown, fill_combo, long_date, run_service
from desktop.ui.context import AppContext
from desktop.ui.progress_runner import Cancelled, ProgressRunner

GROUP, PROBLEM, MEASURE = 0, 1, 2
ROOT = QModelIndex()
PROBLEM_COLUMNS = (0, 1, 2, 8, 10, 11)  # shown on a problem's first row only
OVERDUE = QColor(255, 225, 225)
UNVERIFIED = QColor(255, 243, 205)
GROUP_BACKGROUND = QColor(242, 242, 242)
COLUMN_WIDTHS = (44, 100, 230, 230, 68, 84, 68, 92, 170, 110, 72, 100)


@dataclass(frozen=True)
class RowRef:
    kind: int
    group: int
    problem: int = -1
    measure: int = -1  # -1 on a problem's row without measures


def one_line(text: str) -> str:
    return " ／ ".join(part.strip() for part in text.splitlines() if part.strip())


class LedgerModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: LedgerView | None = None
        self.refs: list[RowRef] = []
        self.unverified: set[int] = set()
        self.headers = headers()

    def set_view(self, view: LedgerView | None, unverified: set[int]) -> None:
        self.beginResetModel()
        self.view, self.unverified = view, unverified
        self.refs = []
        for g, group in enumerate(view.groups if view else ()):
            if view.consolidated:
                self.refs.append(RowRef(GROUP, g))
            for p, problem in enumerate(group.problems):
                self.refs.append(RowRef(PROBLEM, g, p, 0 if problem.measures else -1))
                self.refs.extend(RowRef(MEASURE, g, p, m)
                                 for m in range(1, len(problem.measures)))
        self.endResetModel()

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.refs)

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def problem_at(self, row: int) -> LedgerProblem | None:
        if not 0 <= row < len(self.refs) or self.view is None:
            return None
        ref = self.refs[row]
        if ref.kind == GROUP:
            return None
        return self.view.groups[ref.group].problems[ref.problem]

    def group_text(self, ref: RowRef) -> str:
        group = self.view.groups[ref.group]
        s = group.subtotal
        return _("{unit} — {total} problem(s), {closed} closed, {overdue} overdue").format(
            unit=group.unit or _("(no unit)"), total=s.problems, closed=s.closed,
            overdue=s.overdue)

    def text(self, row: int, column: int) -> str:
        ref = self.refs[row]
        if ref.kind == GROUP:
            return self.group_text(ref) if column == 0 else ""
        p = self.problem_at(row)
        if column in PROBLEM_COLUMNS:
            if ref.kind != PROBLEM:
                return ""
            return self._problem_text(p, column)
        if ref.measure < 0:
            return deadline_text(p) if column == 7 else ""
        m = p.measures[ref.measure]
        numbered = len(p.measures) > 1
        return {
            3: (f"{ref.measure + 1}. " if numbered else "") + m.text,
            4: m.resp_leader, 5: m.resp_unit, 6: m.resp_person, 7: deadline_text(p, m),
            9: completion_text(m),
        }.get(column, "")

    def _problem_text(self, p: LedgerProblem, column: int) -> str:
        if column == 0:
            return str(p.number)
        if column == 1:
            return p.category
        if column == 2:
            return description_text(p)
        if column == 8:
            return progress_text(p)
        if column == 10:
            return closed_text(p)
        note = p.note
        if p.id in self.unverified:
            note = (_("Unverified") + ("\n" + note if note else ""))
        return note

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        ref = self.refs[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return one_line(self.text(row, column))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.text(row, column)
            return text if len(text) > 12 or "\n" in text else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if ref.kind == GROUP:
                return QBrush(GROUP_BACKGROUND)
            p = self.problem_at(row)
            if p.overdue:
                return QBrush(OVERDUE)
            if p.id in self.unverified:
                return QBrush(UNVERIFIED)
            return None
        if role == Qt.ItemDataRole.FontRole and ref.kind == GROUP:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 4, 5, 6, 7, 10):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class VerifyDialog(QDialog):
    """标记为已核验: the unverified hand-made imports of the campaign, ticked to vouch for."""

    def __init__(self, batches, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Mark as verified"))
        layout = QVBoxLayout(self)
        intro = QLabel(_("Tick the imported hand-made ledgers whose problems you have compared "
                         "with the paper ledger."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        for batch in batches:
            item = QListWidgetItem(_("{file} — imported {date} by {user}").format(
                file=batch.file_name, date=long_date(batch.at.date()), user=batch.user_name))
            item.setData(Qt.ItemDataRole.UserRole, batch.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Mark as verified"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def chosen(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]


class LedgerPage(ReloadsWhenShown, QWidget):
    """Attributes tests drive: ``unit_combo``, ``as_of``, ``consolidated_box``, ``table``,
    ``model``, ``summary``, ``unverified_note``, ``verify_button``, ``export_button``,
    ``print_button``, ``import_button``; ``reload()``, ``selected_ids()``; the dialog openers
    return the dialog they opened; ``ask_verify`` is replaced in tests."""

    open_problem = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Unit"), self))
        self.unit_combo = QComboBox(self)
        self.unit_combo.setMinimumContentsLength(12)
        bar.addWidget(self.unit_combo)
        bar.addWidget(QLabel(_("As of"), self))
        self.as_of = DateField(self, clock.today())
        bar.addWidget(self.as_of)
        self.consolidated_box = QCheckBox(_("Group by unit"), self)
        self.consolidated_box.setChecked(True)
        bar.addWidget(self.consolidated_box)
        bar.addStretch(1)
        self.export_button = QPushButton(_("Export to Excel…"), self)
        self.print_button = QPushButton(_("Print…"), self)
        self.import_button = QPushButton(_("Import / consolidate…"), self)
        for button, slot in ((self.export_button, self.open_export),
                             (self.print_button, self.open_print),
                             (self.import_button, self.open_import)):
            button.clicked.connect(slot)
            bar.addWidget(button)
        layout.addLayout(bar)

        note_row = QHBoxLayout()
        self.unverified_note = QLabel(self)
        self.unverified_note.setWordWrap(True)
        self.unverified_note.setStyleSheet(
            "background: #fff3cd; color: #6b4e00; padding: 4px 8px; border-radius: 3px")
        self.verify_button = QPushButton(_("Mark as verified…"), self)
        self.verify_button.clicked.connect(self.verify)
        note_row.addWidget(self.unverified_note, 1)
        note_row.addWidget(self.verify_button)
        layout.addLayout(note_row)
        self.summary = QLabel(self)
        layout.addWidget(self.summary)

        self.model = LedgerModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._activated)
        layout.addWidget(self.table, 1)

        self._fill_units()
        self.unit_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.as_of.dateChanged.connect(lambda _d: self.reload())
        self.consolidated_box.toggled.connect(lambda _on: self.reload())
        ctx.campaign_changed.connect(lambda _id: self.reload_or_defer())
        ctx.data_changed.connect(self._on_data_changed)
        self._stale = True  # built when first shown: a large campaign costs seconds

    def _fill_units(self) -> None:
        current = self.unit_combo.currentData()
        fill_combo(self.unit_combo, (("\u3000" * depth + unit.name, unit.id)
                                     for unit, depth in org.unit_tree()),
                   empty=_("All units"), current=current)

    def _on_data_changed(self, what: str) -> None:
        if what == "unit":
            self._fill_units()
        if what in ("problem", "unit", "campaign", "catalog", "person"):
            self.reload_or_defer()

    def scope(self) -> LedgerScope | None:
        if self.ctx.campaign_id is None:
            return None
        return LedgerScope(self.ctx.campaign_id, unit_id=self.unit_combo.currentData(),
                           as_of=self.as_of.value(), consolidated=self.consolidated_box.isChecked())

    def reload(self) -> None:
        scope = self.scope()
        if scope is None:
            self.model.set_view(None, set())
            self._show_figures()
            return
        runner = ProgressRunner(self, _("Building the ledger…"))
        try:
            view = runner.run(lambda progress: ledger_view(scope, progress))
        except Cancelled:
            self.summary.setText(_("Building the ledger was cancelled; the rows shown may be "
                                   "out of date."))
            return
        self.model.set_view(view, unverified_ids(scope.campaign_id))
        self.table.clearSpans()
        if view.consolidated:
            for row, ref in enumerate(self.model.refs):
                if ref.kind == GROUP:
                    self.table.setSpan(row, 0, 1, self.model.columnCount())
        self._show_figures()

    def _show_figures(self) -> None:
        view = self.model.view
        if view is None:
            self.summary.setText(_("No campaign is chosen."))
            self.unverified_note.hide()
            self.verify_button.hide()
            return
        closed = sum(p.closed for p in view.problems)
        overdue = sum(p.overdue for p in view.problems)
        self.summary.setText(
            _("{problems} problem(s) with {measures} measure(s) as of {date}: {closed} closed, "
              "{overdue} overdue (shaded red).").format(
                problems=view.problem_count, measures=view.measure_count,
                date=long_date(view.as_of), closed=closed, overdue=overdue))
        shown = sum(1 for p in view.problems if p.id in self.model.unverified)
        waiting = self.unverified_batches()
        self.unverified_note.setVisible(bool(shown))
        self.unverified_note.setText(
            _("{count} problem(s) were read from hand-made ledgers and are marked "
              "“Unverified” (shaded yellow) until someone compares them with the paper "
              "ledger.").format(count=shown))
        may_verify = self.ctx.session.has_role(Role.REVIEWER) or \
            self.ctx.session.has_role(Role.ADMIN)
        self.verify_button.setVisible(bool(shown) and bool(waiting) and may_verify)

    def unverified_batches(self):
        if self.ctx.campaign_id is None:
            return []
        return [b for b in import_batches(self.ctx.campaign_id)
                if b.kind == HANDMADE and not b.verified]

    def selected_ids(self) -> list[int]:
        ids: list[int] = []
        for index in self.table.selectionModel().selectedRows():
            p = self.model.problem_at(index.row())
            if p is not None and p.id not in ids:
                ids.append(p.id)
        return ids

    def _activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        p = self.model.problem_at(index.row())
        if p is not None:
            self.open_problem.emit(p.id)

    # -- actions ----------------------------------------------------------------------------

    def ask_verify(self, batches) -> list[int]:
        dialog = VerifyDialog(batches, self)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else []

    def verify(self) -> None:
        batches = self.unverified_batches()
        if not batches:
            return
        chosen = self.ask_verify(batches)
        marked = False
        for batch_id in chosen:
            if run_service(self, mark_batch_verified, self.ctx.session, batch_id) is None:
                break
            marked = True
        if marked:
            self.reload()

    def open_export(self):
        from desktop.ui.export_dialog import ExportDialog

        if self.ctx.campaign_id is None:
            return None
        dialog = ExportDialog(self.ctx, self.selected_ids(), self,
                              unit_id=self.unit_combo.currentData(), as_of=self.as_of.value())
        dialog.consolidated_box.setChecked(self.consolidated_box.isChecked())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_print(self):
        from desktop.core.sheet_data import SheetKind
        from desktop.ui.print_dialog import PrintDialog

        if self.ctx.campaign_id is None:
            return None
        dialog = PrintDialog(self.ctx, self.selected_ids(), self)
        dialog.kind_buttons[SheetKind.PLAN].setChecked(True)
        index = dialog.unit_combo.findData(self.unit_combo.currentData())
        dialog.unit_combo.setCurrentIndex(max(index, 0))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_import(self):
        from desktop.ui.import_dialog import ImportDialog

        if self.ctx.campaign_id is None:
            return None
        dialog = ImportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

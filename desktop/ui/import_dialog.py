"""导入/汇总台账: the workbooks the sub-units sent, each read in a dry run first — Rectify
ledgers and hand-made ones alike — with what importing it would do; columns, unreadable rows
and conflicts are settled here, and nothing is written until 导入 is pressed. Then every
importable file goes in one transaction, and a summary says what happened."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.import_log import HANDMADE, LEDGER
from desktop.exchange.ledger_exchange import (
    FileReport,
    Status,
    handmade_report,
    import_files,
    importable,
    inspect_file,
    xlsx_in_folder,
)
from desktop.ui.common import error_text, make_table
from desktop.ui.context import AppContext
from desktop.ui.import_parts import ConflictDialog, MappingDialog, status_text
from desktop.ui.progress_runner import Cancelled, ProgressRunner

COUNT_KEYS = ("new", "updated", "unchanged", "conflicts", "rejected")
REFUSED = QColor(253, 226, 226)
WAITING = QColor(255, 243, 205)
DONE = QColor(230, 244, 234)


class ImportDialog(QDialog):
    """Attributes tests drive: ``reports``, ``table``, ``details``, ``import_button``,
    ``decisions``; ``add_paths(paths)``, ``import_all()``; ``open_mapping``,
    ``open_conflicts`` and ``as_handmade`` act on a row; ``ask`` (run a sub-dialog) and
    ``show_summary`` are replaced in tests."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.reports: list[FileReport] = []
        self.decisions: dict[str, str] = {}
        self.setWindowTitle(_("Import and consolidate ledgers"))
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Choose the ledger workbooks the units sent (exported by this program, "
                         "or kept by hand in Excel or WPS). Each file is checked first; nothing "
                         "is written until you press Import."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        choose = QHBoxLayout()
        files = QPushButton(_("Choose files…"), self)
        folder = QPushButton(_("Choose a folder…"), self)
        files.clicked.connect(self.choose_files)
        folder.clicked.connect(self.choose_folder)
        choose.addWidget(files)
        choose.addWidget(folder)
        choose.addStretch(1)
        layout.addLayout(choose)

        self.table = make_table([
            _("File"), _("File kind"), _("Unit"), _("Campaign"), _("New"), _("Updated"),
            _("Unchanged"), _("Conflicts"), _("Rejected"), _("Status"), ""])
        self.table.setParent(self)
        self.table.setColumnHidden(10, True)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.act_on(row))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 2)

        actions = QHBoxLayout()
        self.mapping_button = QPushButton(_("Columns and rows…"), self)
        self.conflict_button = QPushButton(_("Decide conflicts…"), self)
        self.handmade_button = QPushButton(_("Import the visible sheet as a hand-made "
                                             "ledger"), self)
        self.remove_button = QPushButton(_("Remove from the list"), self)
        for button, slot in ((self.mapping_button, self.open_mapping),
                             (self.conflict_button, self.open_conflicts),
                             (self.handmade_button, self.as_handmade),
                             (self.remove_button, self.remove)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=slot: s(self.current_row()))
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(150)
        layout.addWidget(self.details, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.import_button = buttons.addButton(_("Import"),
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.clicked.connect(self.import_all)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1100, 600)
        self._selection_changed()
        self._update_import_button()

    # -- choosing files ---------------------------------------------------------------------

    def _start_folder(self) -> str:
        return self.ctx.settings.get("last_directory") or ""

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(
            self, _("Choose ledger workbooks"), self._start_folder(),
            _("Excel workbooks (*.xlsx)"))
        if names:
            self.add_paths([Path(n) for n in names])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Choose a folder"),
                                                  self._start_folder())
        if folder:
            found = xlsx_in_folder(folder)
            if not found:
                self.details.setPlainText(_("There is no Excel workbook (.xlsx) in {folder}.")
                                          .format(folder=folder))
                return
            self.add_paths(found)

    def add_paths(self, paths: Iterable[Path]) -> None:
        """The dry run of each file (again, for a file already listed)."""
        paths = list(paths)
        if paths:
            self.ctx.settings.set("last_directory", str(Path(paths[0]).parent))
        runner = ProgressRunner(self, _("Checking the files…"))
        try:
            def check(progress) -> None:
                for number, path in enumerate(paths):
                    progress(number, len(paths))
                    self._put(inspect_file(path, self.ctx.campaign_id))
                progress(len(paths), len(paths))

            runner.run(check)
        except Cancelled:
            pass
        self.refresh_table()

    def _put(self, report: FileReport) -> None:
        for index, old in enumerate(self.reports):
            if old.path == report.path:
                self.reports[index] = report
                return
        self.reports.append(report)

    # -- the table --------------------------------------------------------------------------

    def refresh_table(self) -> None:
        current = self.current_row()
        self.table.setRowCount(len(self.reports))
        for row, report in enumerate(self.reports):
            counts = report.counts()
            kind = {LEDGER: _("Ledger"), HANDMADE: _("Hand-made ledger")}.get(report.kind, "—")
            values = [report.file_name, kind, report.unit_name, report.campaign_name,
                      *(str(counts[k]) for k in COUNT_KEYS), status_text(report)]
            colour = self._colour(report)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setToolTip(str(report.path))
                if 4 <= column <= 8:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if colour is not None:
                    item.setBackground(QBrush(colour))
                self.table.setItem(row, column, item)
        if self.reports:
            self.table.selectRow(min(max(current, 0), len(self.reports) - 1))
        self._selection_changed()
        self._update_import_button()

    def _colour(self, report: FileReport) -> QColor | None:
        if report.status == Status.IMPORTED:
            return DONE
        if report.status == Status.REJECTED:
            return REFUSED
        if not importable(report, self.decisions) and report.status in (
                Status.CONFLICTS, Status.PARTIAL):
            return WAITING
        return None

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def report_at(self, row: int) -> FileReport | None:
        return self.reports[row] if 0 <= row < len(self.reports) else None

    def _selection_changed(self) -> None:
        report = self.report_at(self.current_row())
        self.details.setPlainText(self.detail_text(report) if report else "")
        ready = report is not None and report.status != Status.IMPORTED
        self.mapping_button.setEnabled(ready and report.kind == HANDMADE
                                       and report.preview is not None)
        self.conflict_button.setEnabled(ready and report.status == Status.CONFLICTS)
        self.handmade_button.setVisible(ready and report.tampered)
        self.remove_button.setEnabled(report is not None)

    def detail_text(self, report: FileReport) -> str:
        lines = [str(report.path)]
        if report.already_imported is not None:
            lines.append(_("This file was imported before, on {date}.").format(
                date=report.already_imported.strftime("%Y-%m-%d %H:%M")))
        if report.error is not None:
            lines.append(error_text(report.error))
        if report.tampered:
            lines.append(_("You may import the visible sheet as a hand-made ledger instead; its "
                           "problems are then marked unverified."))
        if report.plan is not None and report.plan.conflicts:
            lines.append(_("{count} record(s) were changed here and in the file since the last "
                           "import: double-click to decide.").format(
                count=len(report.plan.conflicts)))
        if report.preview is not None and report.error is None:
            preview = report.preview
            lines.append(_("Sheet “{sheet}”, header in row {row}.").format(
                sheet=preview.sheet, row=preview.header_row))
            for entry in report.errors():
                lines.append(entry["reason"] if entry["row"] is None
                             else _("Row {row}: {reason}").format(**entry))
            if report.status == Status.PARTIAL and not report.accept_partial:
                lines.append(_("Double-click to check the columns and accept importing the "
                               "readable problems."))
        elif report.plan is not None:
            for entry in report.errors():
                lines.append(entry["reason"])
        return "\n".join(lines)

    def _update_import_button(self) -> None:
        self.import_button.setEnabled(any(importable(r, self.decisions) for r in self.reports))

    # -- settling a file --------------------------------------------------------------------

    def ask(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def act_on(self, row: int) -> None:
        report = self.report_at(row)
        if report is None:
            return
        if report.status == Status.CONFLICTS:
            self.open_conflicts(row)
        elif report.kind == HANDMADE and report.preview is not None:
            self.open_mapping(row)
        elif report.tampered:
            self.as_handmade(row)

    def open_mapping(self, row: int) -> MappingDialog | None:
        report = self.report_at(row)
        if report is None or report.preview is None:
            return None
        try:
            dialog = MappingDialog(self.ctx, report, self)
        except DomainError as error:
            self.details.setPlainText(error_text(error))
            return None
        if self.ask(dialog):
            self.reports[row] = dialog.result_report()
            self.refresh_table()
        return dialog

    def open_conflicts(self, row: int) -> ConflictDialog | None:
        report = self.report_at(row)
        if report is None or report.plan is None or not report.plan.conflicts:
            return None
        dialog = ConflictDialog(report.plan, self.decisions, self)
        if self.ask(dialog):
            self.decisions.update(dialog.decisions())
            self.refresh_table()
        return dialog

    def as_handmade(self, row: int) -> None:
        report = self.report_at(row)
        if report is None or not report.tampered:
            return
        self.reports[row] = handmade_report(report.path, self.ctx.campaign_id)
        self.refresh_table()

    def remove(self, row: int) -> None:
        if self.report_at(row) is not None:
            del self.reports[row]
            self.refresh_table()

    # -- importing --------------------------------------------------------------------------

    def import_all(self) -> list[FileReport]:
        chosen = [r for r in self.reports if importable(r, self.decisions)]
        if not chosen:
            return []
        session = self.ctx.session
        runner = ProgressRunner(self, _("Importing…"))
        try:
            done = runner.run(lambda progress: import_files(
                session, chosen, self.decisions, progress=progress))
        except Cancelled:
            self.details.setPlainText(_("Cancelled; nothing was imported."))
            return []
        except DomainError as error:
            self.details.setPlainText(error_text(error))
            return []
        self.ctx.changed("problem")
        self.refresh_table()
        self.show_summary(self.summary_text(done))
        return done

    def summary_text(self, done: list[FileReport]) -> str:
        lines = [_("{count} file(s) imported:").format(count=len(done))]
        for report in done:
            counts = report.counts()
            lines.append(_("{file}: {new} new, {updated} updated, {unchanged} unchanged")
                         .format(file=report.file_name, **counts))
        left = [r for r in self.reports
                if all(r is not d for d in done) and r.status != Status.IMPORTED]
        if left:
            lines.append(_("Not imported: {files}").format(
                files="、".join(r.file_name for r in left)))
        return "\n".join(lines)

    def show_summary(self, text: str) -> None:
        QMessageBox.information(self, _("Import and consolidate ledgers"), text)

"""The progress notes (整改进展) of one problem as a timeline, with their evidence files
(佐证材料), and a small form to add a note.

Evidence is stored under its checksum without a file name; to open one, a copy with the
original name is put in a temporary folder, so the system picks the right program by its
extension (a Word file opens in Word, not in a "choose a program" dialog).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import clock, problems
from desktop.core.evidence import is_program, is_program_name, stored_path
from desktop.core.i18n import _
from desktop.core.models import EvidenceFile, ProgressNote, User
from desktop.ui.common import DateField, run_service
from desktop.ui.context import AppContext

EVIDENCE_ROLE = Qt.ItemDataRole.UserRole


class ProgressTab(QWidget):
    progress_added = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.problem_id: int | None = None
        self._files: list[Path] = []

        self.timeline = QTreeWidget(self)
        self.timeline.setHeaderLabels([_("Date"), _("Entered by"), _("Progress"),
                                       _("Rectification measure")])
        self.timeline.setWordWrap(True)
        self.timeline.setAlternatingRowColors(True)
        header = self.timeline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.timeline.setColumnWidth(0, 130)
        self.timeline.setColumnWidth(1, 100)
        self.timeline.setColumnWidth(3, 180)
        self.timeline.itemSelectionChanged.connect(self._update_open_button)
        self.timeline.itemDoubleClicked.connect(lambda item, _col: self._open_item(item))
        self.open_button = QPushButton(_("Open"), self)
        self.open_button.setToolTip(_("Open the selected evidence file"))
        self.open_button.clicked.connect(lambda: self._open_item(self.timeline.currentItem()))

        self.add_box = QGroupBox(_("Add progress"), self)
        self.text_edit = QPlainTextEdit(self.add_box)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setPlaceholderText(_("What was done, and what is still open"))
        self.text_edit.setMinimumHeight(54)
        self.date_edit = DateField(self.add_box, clock.today())
        self.measure_combo = QComboBox(self.add_box)
        self.files_label = QLabel(self.add_box)
        self.files_label.setWordWrap(True)
        self.choose_button = QPushButton(_("Choose files…"), self.add_box)
        self.choose_button.clicked.connect(self._choose)
        self.add_button = QPushButton(_("Add progress"), self.add_box)
        self.add_button.clicked.connect(self.add_progress)
        for button in (self.open_button, self.choose_button, self.add_button):
            button.setAutoDefault(False)

        form = QFormLayout(self.add_box)
        form.addRow(_("Progress"), self.text_edit)
        row = QHBoxLayout()
        row.addWidget(self.date_edit)
        row.addWidget(QLabel(_("Rectification measure"), self.add_box))
        row.addWidget(self.measure_combo, 1)
        form.addRow(_("Date"), row)
        files = QHBoxLayout()
        files.addWidget(self.files_label, 1)
        files.addWidget(self.choose_button)
        form.addRow(_("Evidence"), files)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        form.addRow(buttons)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.timeline)
        open_row = QHBoxLayout()
        open_row.addStretch(1)
        open_row.addWidget(self.open_button)
        top_layout.addLayout(open_row)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.add_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._show_files()
        self._update_open_button()

    def set_problem(
        self, problem_id: int | None, measures: Sequence[tuple[int, str]], can_add: bool
    ) -> None:
        """``measures``: (id, text) of the problem's measures, for the note's measure choice."""
        self.problem_id = problem_id
        self.measure_combo.clear()
        self.measure_combo.addItem(_("(the problem as a whole)"), None)
        for measure_id, text in measures:
            short = text if len(text) <= 40 else text[:39] + "…"
            self.measure_combo.addItem(short, measure_id)
        self.add_box.setEnabled(can_add and problem_id is not None)
        self.reload()

    def reload(self) -> None:
        self.timeline.clear()
        if self.problem_id is None:
            return
        notes = (
            ProgressNote.select()
            .where((ProgressNote.problem == self.problem_id) & ProgressNote.deleted_at.is_null())
            .order_by(ProgressNote.date.desc(), ProgressNote.id.desc())
        )
        authors = dict(User.select(User.id, User.display_name).tuples())
        files: dict[int, list[EvidenceFile]] = {}
        for f in EvidenceFile.live().where(EvidenceFile.problem == self.problem_id):
            files.setdefault(f.note_id, []).append(f)
        measure_texts = {
            self.measure_combo.itemData(i): self.measure_combo.itemText(i)
            for i in range(1, self.measure_combo.count())
        }
        for note in notes:
            item = QTreeWidgetItem([note.date.isoformat(), authors.get(note.author_id, ""),
                                    note.text,
                                    measure_texts.get(note.measure_id, "")])
            item.setToolTip(2, note.text)
            for f in files.get(note.id, []):
                child = QTreeWidgetItem(["", "", _("Evidence: {name}").format(name=f.filename)])
                child.setData(0, EVIDENCE_ROLE, f.id)
                child.setToolTip(2, _("Double-click to open"))
                item.addChild(child)
            self.timeline.addTopLevelItem(item)
            item.setExpanded(True)
        self._update_open_button()

    # -- adding ----------------------------------------------------------------------------

    def choose_files(self) -> list[str]:
        """Ask for evidence files (a method so tests can answer instead of a person)."""
        start = self.ctx.settings.get("last_directory")
        chosen, _filter = QFileDialog.getOpenFileNames(self, _("Choose evidence files"), start)
        if chosen:
            self.ctx.settings.set("last_directory", str(Path(chosen[0]).parent))
        return chosen

    def _choose(self) -> None:
        self._files = [Path(p) for p in self.choose_files()]
        self._show_files()

    def _show_files(self) -> None:
        if self._files:
            self.files_label.setText("；".join(p.name for p in self._files))
        else:
            self.files_label.setText(_("(no files)"))

    def add_progress(self) -> bool:
        if self.problem_id is None:
            return False
        note = run_service(
            self, problems.add_progress, self.ctx.session, self.problem_id,
            self.text_edit.toPlainText(), self.date_edit.value(),
            self.measure_combo.currentData(), list(self._files),
        )
        if note is None:
            return False
        self.text_edit.clear()
        self.date_edit.set_value(clock.today())
        self._files = []
        self._show_files()
        self.reload()
        self.ctx.changed("problem")
        self.progress_added.emit()
        return True

    # -- opening evidence ------------------------------------------------------------------

    def _update_open_button(self) -> None:
        item = self.timeline.currentItem()
        self.open_button.setEnabled(item is not None and item.data(0, EVIDENCE_ROLE) is not None)

    def _open_item(self, item: QTreeWidgetItem | None) -> None:
        if item is not None and item.data(0, EVIDENCE_ROLE) is not None:
            self.open_evidence(item.data(0, EVIDENCE_ROLE))

    def open_evidence(self, evidence_id: int) -> bool:
        record = EvidenceFile.get_or_none(EvidenceFile.id == evidence_id)
        source = stored_path(record.sha256) if record else None
        if source is None or not source.is_file():
            QMessageBox.warning(self, _("Cannot open the file"), _(
                "The evidence file {name} is missing from the evidence folder."
            ).format(name=record.filename if record else "?"))
            return False
        folder = Path(tempfile.gettempdir()) / "rectify-evidence" / record.sha256[:16]
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / (Path(record.filename).name or record.sha256[:16])
        if not copy.exists():
            shutil.copyfile(source, copy)  # a new file: never with the executable bit
        if is_program_name(copy.name) or is_program(source):
            # a program (stored before programs were refused, or from an imported ledger)
            # is shown in its folder, never started by this app
            return self.open_path(folder)
        return self.open_path(copy)

    def open_path(self, path: Path) -> bool:
        """Hand a file to the system's program for it (a method so tests can replace it)."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

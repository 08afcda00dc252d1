"""The dialog shown when a clerk pastes cells copied from an Excel/WPS problem list: the pasted
block as a table with a combo above each column saying what it holds, the rows that cannot
be created and why, and one button that creates the rest as drafts.

The preview is recomputed on every change of the mapping, the header box or the default unit,
so the clerk sees at once what a choice does; nothing is written until the button is pressed.
"""

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
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core import org, paste_import
from desktop.core.i18n import _
from desktop.core.paste_import import PastePreview
from desktop.ui.common import fill_combo, run_service
from desktop.ui.context import AppContext
from desktop.ui.mapping_table import ColumnMappingTable, column_letter

__all__ = ["PasteDialog", "column_letter"]

ROW_NUMBER_ROLE = Qt.ItemDataRole.UserRole


class PasteDialog(QDialog):
    def __init__(self, ctx: AppContext, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows = paste_import.parse_clipboard(text)
        self.created_ids: list[int] = []
        self.preview: PastePreview | None = None
        has_header, mapping = paste_import.guess_mapping(self.rows, ctx.campaign_id)
        self.setWindowTitle(_("Paste problems from Excel"))
        self.setSizeGripEnabled(True)

        layout = QVBoxLayout(self)
        intro = QLabel(_("Say what each column holds, then create the rows as draft problems. "
                         "Rows with problems are listed below and are not created."))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        options = QHBoxLayout()
        self.header_box = QCheckBox(_("The first row is a header"))
        self.header_box.setChecked(has_header)
        options.addWidget(self.header_box)
        options.addSpacing(24)
        options.addWidget(QLabel(_("Unit for rows without one:")))
        self.unit_combo = QComboBox()
        fill_combo(
            self.unit_combo,
            (("\u3000" * depth + unit.name, unit.id) for unit, depth in org.unit_tree()),
            empty=_("(none)"),
            current=self._initial_unit(),
        )
        options.addWidget(self.unit_combo)
        options.addStretch(1)
        layout.addLayout(options)

        self.table = ColumnMappingTable(self.rows, mapping)
        self.mapping_combos = self.table.combos
        self.table.mapping_changed.connect(self.update_preview)
        self.bad_rows = QListWidget()
        self.bad_rows.setWordWrap(True)
        self.bad_rows.itemActivated.connect(self._show_row)
        self.bad_rows.itemClicked.connect(self._show_row)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        bold = QFont(self.summary.font())
        bold.setBold(True)
        self.summary.setFont(bold)
        lower_layout.addWidget(self.summary)
        lower_layout.addWidget(self.bad_rows)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([480, 140])
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox()
        self.create_button = QPushButton(_("Create drafts"))
        self.create_button.setAutoDefault(False)
        buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.create_button.clicked.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.header_box.toggled.connect(self.update_preview)
        self.unit_combo.currentIndexChanged.connect(self.update_preview)
        self._fit_to_screen()
        self.update_preview()

    # -- building ---------------------------------------------------------------------------

    def _initial_unit(self) -> int | None:
        user = self.ctx.session.user
        if user is not None and user.unit_id is not None:
            return user.unit_id
        campaign = self.ctx.campaign()
        return campaign.unit_id if campaign is not None else None

    def _fit_to_screen(self) -> None:
        """Wide enough for several columns but never beyond a 1366×768 screen's free area."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        width, height = 1200, 680
        if screen is not None:
            free = screen.availableGeometry()
            width = min(width, free.width() - 40)
            height = min(height, free.height() - 60)
        self.resize(max(width, 480), max(height, 360))

    # -- reacting ---------------------------------------------------------------------------

    def mapping(self) -> list[str | None]:
        return self.table.mapping()

    def update_preview(self) -> None:
        self.preview = paste_import.preview(
            self.rows, self.mapping(), self.header_box.isChecked(), self.ctx.campaign_id,
            self.unit_combo.currentData(),
        )
        self._paint_rows()
        self._list_problems()
        good, bad = len(self.preview.good), len(self.preview.bad)
        self.summary.setText(
            _("{good} drafts will be created, {bad} rows have problems.").format(good=good, bad=bad)
        )
        self.create_button.setEnabled(not self.preview.errors and good > 0)

    def _paint_rows(self) -> None:
        assert self.preview is not None
        bad = {r.row: "\n".join(e.message() for e in r.reasons) for r in self.preview.bad}
        self.table.paint(bad, frozenset({1}) if self.header_box.isChecked() else frozenset())

    def _list_problems(self) -> None:
        assert self.preview is not None
        self.bad_rows.clear()
        if not self.rows:
            self.bad_rows.addItem(_("There is nothing to paste: copy cells in Excel or WPS first."))
            return
        for error in self.preview.errors:
            self.bad_rows.addItem(error.message())
        for row in self.preview.bad:
            for reason in row.reasons:
                item = QListWidgetItem(reason.message())
                item.setData(ROW_NUMBER_ROLE, row.row)
                self.bad_rows.addItem(item)

    def _show_row(self, item: QListWidgetItem) -> None:
        number = item.data(ROW_NUMBER_ROLE)
        if number is not None:
            self.table.show_number(number)

    # -- creating ---------------------------------------------------------------------------

    def confirm_skip(self, count: int) -> bool:
        """Asks before leaving rows out (tests replace this to answer without a message box)."""
        answer = QMessageBox.question(
            self,
            _("Skip rows with problems?"),
            _("{count} rows have problems and will not be created. "
              "Create the other rows as drafts?").format(count=count),
        )
        return answer == QMessageBox.StandardButton.Yes

    def create(self) -> None:
        preview = self.preview
        if preview is None or preview.errors or not preview.good:
            return
        skip_bad = bool(preview.bad)
        if skip_bad and not self.confirm_skip(len(preview.bad)):
            return
        ids = run_service(self, paste_import.create_drafts, self.ctx.session, preview,
                          skip_bad=skip_bad)
        if ids is None:  # refused: the data may have changed since the preview
            self.update_preview()
            return
        self.created_ids = ids
        self.ctx.changed("problem")
        self.accept()

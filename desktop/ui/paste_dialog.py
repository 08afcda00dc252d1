"""The dialog shown when a clerk pastes cells copied from an Excel/WPS problem list: the pasted
block as a table with a combo above each column saying what it holds, the rows that cannot
be created and why, and one button that creates the rest as drafts.

The preview is recomputed on every change of the mapping, the header box or the default unit,
so the clerk sees at once what a choice does; nothing is written until the button is pressed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import org, paste_import
from desktop.core.i18n import _
from desktop.core.paste_import import FIELDS, PastePreview
from desktop.ui.common import fill_combo, run_service
from desktop.ui.context import AppContext

BAD_ROW = QColor(253, 226, 226)
HEADER_ROW = QColor(235, 235, 235)
MAX_COLUMN_WIDTH = 260  # long problem texts are read in the tooltip, not by widening the table
ROW_NUMBER_ROLE = Qt.ItemDataRole.UserRole


def column_letter(index: int) -> str:
    """A, B, … Z, AA, AB …: the names the clerk saw in the spreadsheet."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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

        self.table = self._build_table(mapping)
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

    def _build_table(self, mapping: list[str | None]) -> QTableWidget:
        """Row 0 holds the mapping combos; the pasted rows follow, numbered as pasted."""
        width = len(self.rows[0]) if self.rows else 0
        table = QTableWidget(len(self.rows) + 1, width)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setVerticalHeaderLabels(
            [_("Import as")] + [str(n) for n in range(1, len(self.rows) + 1)]
        )
        self.mapping_combos: list[QComboBox] = []
        for column in range(width):
            combo = QComboBox()
            fill_combo(combo, ((_(f.label), f.key) for f in FIELDS), empty=_("Do not import"),
                       current=mapping[column] if column < len(mapping) else None)
            combo.currentIndexChanged.connect(
                lambda _index, c=column: self._mapping_changed(c))
            table.setCellWidget(0, column, combo)
            self.mapping_combos.append(combo)
        for r, cells in enumerate(self.rows, start=1):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text.strip().replace("\n", " ↵ "))
                if "\n" in text.strip() or len(text) > 20:
                    item.setToolTip(text)
                table.setItem(r, column, item)
        table.resizeColumnsToContents()
        for column, combo in enumerate(self.mapping_combos):
            wanted = max(table.columnWidth(column), combo.sizeHint().width())
            table.setColumnWidth(column, min(wanted, max(MAX_COLUMN_WIDTH,
                                                         combo.sizeHint().width())))
        table.setRowHeight(0, self.mapping_combos[0].sizeHint().height() + 4
                           if self.mapping_combos else table.rowHeight(0))
        return table

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
        return [combo.currentData() for combo in self.mapping_combos]

    def _mapping_changed(self, column: int) -> None:
        """A field is read from one column only: choosing it here frees any other column."""
        key = self.mapping_combos[column].currentData()
        if key is not None:
            for other, combo in enumerate(self.mapping_combos):
                if other != column and combo.currentData() == key:
                    combo.blockSignals(True)
                    combo.setCurrentIndex(0)
                    combo.blockSignals(False)
        self.update_preview()

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
        labels = []
        for column, key in enumerate(self.mapping()):
            field = paste_import.FIELD_BY_KEY.get(key) if key else None
            letter = column_letter(column)
            labels.append(f"{letter} · {_(field.label)}" if field else letter)
        self.table.setHorizontalHeaderLabels(labels)

    def _paint_rows(self) -> None:
        assert self.preview is not None
        bad = {r.row: r for r in self.preview.bad}
        header = self.header_box.isChecked()
        for number in range(1, len(self.rows) + 1):
            if header and number == 1:
                background = QBrush(HEADER_ROW)
            elif number in bad:
                background = QBrush(BAD_ROW)
            else:
                background = QBrush()
            reasons = "\n".join(e.message() for e in bad[number].reasons) if number in bad else ""
            for column in range(self.table.columnCount()):
                item = self.table.item(number, column)
                if item is not None:
                    item.setBackground(background)
                    font = item.font()
                    font.setBold(header and number == 1)
                    item.setFont(font)
            heading = self.table.verticalHeaderItem(number)
            if heading is not None:
                heading.setToolTip(reasons)

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
        if number is None:
            return
        self.table.selectRow(number)
        self.table.scrollToItem(self.table.item(number, 0) or self.table.item(number, 1),
                                QAbstractItemView.ScrollHint.PositionAtCenter)

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

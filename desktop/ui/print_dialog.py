"""打印: choose a sheet, render it, preview it, print or save it; and check a paper sheet's
verification code against the database.

Rendering goes through ``desktop.exchange.sheets``, the same path as ``rectify print``, so the
preview, the printout and the saved PDF are one document.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTemporaryDir
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import images, org, sheet_codes, sheet_data
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.sheet_data import SHEET_TITLES, SheetKind
from desktop.exchange import sheets as sheet_render
from desktop.ui.common import error_text, fill_combo
from desktop.ui.context import AppContext
from desktop.ui.pdf_preview import PdfPreviewDialog
from desktop.ui.report_charts import report_chart_images


class PrintDialog(QDialog):
    """Attributes tests drive: ``kind_buttons`` (SheetKind → radio), ``unit_combo``,
    ``selection_box``, ``images_box``, ``message``; ``render()`` returns the PDF path (or None
    with the reason in ``message``); ``show_preview`` is replaced in tests."""

    def __init__(self, ctx: AppContext, selected_ids: list[int] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.selected_ids = list(selected_ids or [])
        self.scratch = QTemporaryDir()
        self.rendered: tuple[list[sheet_data.Sheet], list[str]] = ([], [])
        self.setWindowTitle(_("Print a sheet"))
        self.kind_buttons: dict[SheetKind, QRadioButton] = {}
        group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Sheet"), self))
        for kind in SheetKind:
            button = QRadioButton(_(SHEET_TITLES[kind]), self)
            group.addButton(button)
            self.kind_buttons[kind] = button
            layout.addWidget(button)
        self.kind_buttons[SheetKind.PROBLEMS].setChecked(True)
        self.unit_combo = QComboBox(self)
        fill_combo(self.unit_combo, (("　" * depth + unit.name, unit.id)
                                     for unit, depth in org.unit_tree()), _("All units"))
        self.selection_box = QCheckBox(
            _("Only the {count} selected problem(s)").format(count=len(self.selected_ids)), self)
        self.selection_box.setVisible(bool(self.selected_ids))
        self.selection_box.setChecked(bool(self.selected_ids))
        self.images_box = QCheckBox(
            _("Place the stored signature and seal images on this electronic copy"), self)
        self.images_box.setToolTip(_(
            "Only images that were stored for a signer or a unit are placed; nothing is drawn "
            "where none was given. Leave this off for sheets that will be signed and stamped "
            "by hand."))
        form = QFormLayout()
        form.addRow(_("Unit"), self.unit_combo)
        layout.addLayout(form)
        layout.addWidget(self.selection_box)
        layout.addWidget(self.images_box)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c5221f")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Preview…"))
        buttons.accepted.connect(self.preview)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        if self.selected_ids:
            self.kind_buttons[SheetKind.SIGNOFF].setChecked(True)
        for button in self.kind_buttons.values():
            button.toggled.connect(lambda _on: self._update())
        self.selection_box.toggled.connect(lambda _on: self._update())
        self._update()

    def kind(self) -> SheetKind:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def _update(self) -> None:
        signoff = self.kind() == SheetKind.SIGNOFF
        self.selection_box.setEnabled(signoff)
        self.unit_combo.setEnabled(not (signoff and self.selection_box.isChecked()))

    def build(self) -> list[sheet_data.Sheet]:
        campaign_id = self.ctx.campaign_id
        kind = self.kind()
        if kind == SheetKind.SIGNOFF and self.selection_box.isChecked() and self.selected_ids:
            return [sheet_data.signoff(pid) for pid in self.selected_ids]
        return sheet_data.build_for(kind.value, campaign_id, self.unit_combo.currentData())

    def render(self) -> Path | None:
        """Render the chosen sheet(s) into a scratch file (codes are issued with it)."""
        self.message.clear()
        if self.ctx.campaign_id is None:
            return None
        name = f"{self.kind().value}-{len(list(Path(self.scratch.path()).iterdir())) + 1}.pdf"
        out = Path(self.scratch.path()) / name
        chosen = self.images_box.isChecked()
        try:
            sheets = self.build()
            codes = sheet_render.export_sheets(
                self.ctx.session, sheets, out,
                images.all_signatures() if chosen else None,
                images.all_seals() if chosen else None,
                record_urges=False, chart_images=report_chart_images,
            )
        except DomainError as error:
            self.message.setText(error_text(error))
            return None
        except OSError as error:
            self.message.setText(str(error))
            return None
        self.rendered = (sheets, codes)
        return out

    def preview(self) -> None:
        path = self.render()
        if path is not None:
            self.show_preview(path, _(SHEET_TITLES[self.kind()]))

    def show_preview(self, path: Path, title: str) -> None:
        dialog = PdfPreviewDialog(path, title, self)
        dialog.delivered.connect(self.delivered)
        dialog.exec()

    def delivered(self) -> None:
        """The previewed sheets were printed or saved: urging notices become urges now, not
        when they were only looked at."""
        sheets, codes = self.rendered
        if not any(s.kind == SheetKind.URGE for s in sheets):
            return
        try:
            sheet_render.deliver_urges(self.ctx.session, sheets, codes)
        except DomainError as error:
            self.message.setText(error_text(error))
            return
        self.ctx.changed("problem")


class VerifyCodeDialog(QDialog):
    """核验: type the code printed at the foot of a sheet; says whether the paper still matches
    the records (``code_edit``, ``check_button``, ``result``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Check a printed sheet"))
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText("K7Q2-M9XD-3F")
        self.check_button = QPushButton(_("Check"), self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.check_button.clicked.connect(self.check)
        self.code_edit.returnPressed.connect(self.check)
        form = QFormLayout()
        form.addRow(_("Verification code"), self.code_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("The code is printed at the foot of every sheet, beside the "
                                  "QR code."), self))
        layout.addLayout(form)
        layout.addWidget(self.check_button)
        layout.addWidget(self.result, 1)
        self.setMinimumWidth(480)

    def check(self) -> bool:
        outcome = sheet_codes.verify_code(self.code_edit.text())
        self.result.setText(outcome.message())
        colour = "#1e8e3e" if outcome.ok else "#c5221f"
        self.result.setStyleSheet(f"color: {colour}")
        return outcome.ok

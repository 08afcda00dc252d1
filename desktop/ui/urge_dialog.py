"""催办 from the problem list: the print dialog fixed to the 催办通知单 of the chosen problems.

It is the print dialog with one sheet kind and a given set of problems, so the notices are
rendered, previewed, printed and saved the same way as every other sheet; printing or saving
them records the urges (a preview alone urges nobody).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desktop.core import sheet_data
from desktop.core.i18n import _
from desktop.core.sheet_data import SheetKind, UrgeSelection
from desktop.ui.context import AppContext
from desktop.ui.print_dialog import PrintDialog


def left_out_text(selection: UrgeSelection) -> str:
    if not selection.left_out:
        return ""
    return _("{count} of the selected problems are neither overdue nor due soon (closed, on "
             "track or ongoing) and are left out of the notices.").format(
        count=len(selection.left_out))


class UrgeDialog(PrintDialog):
    """Attributes tests drive besides the print dialog's: ``urge_ids``, ``note``."""

    def __init__(self, ctx: AppContext, selection: UrgeSelection,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, None, parent)
        self.urge_ids = list(selection.urged)
        self.setWindowTitle(_("Urge"))
        self.kind_buttons[SheetKind.URGE].setChecked(True)
        for kind, button in self.kind_buttons.items():
            button.setVisible(kind == SheetKind.URGE)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        lines = [_("One urging notice per responsible unit for {count} problem(s); printing "
                   "or saving them records the urge on each problem.").format(count=len(self.urge_ids))]
        if selection.left_out:
            lines.append(left_out_text(selection))
        self.note.setText("\n".join(lines))
        self.layout().insertWidget(0, self.note)

    def build(self) -> list[sheet_data.Sheet]:
        return sheet_data.build_for(SheetKind.URGE.value, self.ctx.campaign_id,
                                    self.unit_combo.currentData(), problem_ids=self.urge_ids)


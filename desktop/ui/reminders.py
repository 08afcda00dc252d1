"""The start-up reminder: once a day, what is overdue or due soon, what waits for the user, and
when the next ledger is due at the higher office.

It is a plain non-modal dialog over the window, so the clerk can read it and close it, or jump
straight to the overdue problems or to the ledger export. Whether it was already shown today is
kept in the per-PC settings (``reminder_shown_on``), so signing in again the same day stays
quiet.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import clock
from desktop.core.deadlines import Light
from desktop.core.i18n import N_, _
from desktop.core.models import Cycle
from desktop.core.stats import Figures, my_work, next_filing, overall_figures
from desktop.core.stats_timeline import Filing
from desktop.ui.common import long_date
from desktop.ui.context import AppContext

WORK_LABELS = {
    "review": N_("to review"),
    "verify": N_("to verify"),
    "sign": N_("to sign"),
    "mine_returned": N_("returned to you"),
}


def filing_text(filing: Filing) -> str:
    cycle = {
        Cycle.WEEK.value: _("weekly"),
        Cycle.MONTH.value: _("monthly"),
        Cycle.QUARTER.value: _("quarterly"),
    }.get(filing.cycle, filing.cycle)
    if filing.days_left == 0:
        left = _("due today")
    else:
        left = _("{count} working days left").format(count=filing.workdays_left)
    return _("Next ledger filing ({cycle}): {date}, {left}").format(
        cycle=cycle, date=long_date(filing.date), left=left)


def reminder_due(ctx: AppContext) -> bool:
    """Not yet shown today, and there is a campaign to remind about."""
    return (ctx.campaign_id is not None
            and ctx.settings.get("reminder_shown_on") != clock.today().isoformat())


class ReminderDialog(QDialog):
    """Signals: ``show_lights(frozenset[str])`` to open the list filtered by those lights,
    ``export_ledger()`` to start the ledger export. Tests read ``figures``, ``filing``,
    ``lines`` (the texts shown) and ``show_buttons`` (light → its "show" button)."""

    show_lights = Signal(object)
    export_ledger = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Today's reminder"))
        assert ctx.campaign_id is not None
        self.figures: Figures = overall_figures(ctx.campaign_id)
        self.filing: Filing = next_filing(ctx.campaign_id)
        self.work = my_work(ctx.session, ctx.campaign_id)
        campaign = ctx.campaign()
        yellow = campaign.yellow_workdays if campaign is not None else 3

        layout = QVBoxLayout(self)
        heading = QLabel(_("{date}, {campaign}").format(
            date=long_date(clock.today()), campaign=campaign.name if campaign else ""), self)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        layout.addWidget(heading)

        grid = QGridLayout()
        self.lines: list[str] = []
        self.show_buttons: dict[str, QPushButton] = {}
        rows = [
            (self.figures.red, _("overdue"), "#c5221f", Light.RED),
            (self.figures.yellow,
             _("due within {count} working days").format(count=yellow), "#b06000", Light.YELLOW),
            (self.figures.stale, _("ongoing without progress this cycle"), "#5f6368",
             Light.STALE),
        ]
        for row, (count, label, colour, light) in enumerate(rows):
            number = QLabel(str(count), self)
            number.setStyleSheet(f"font-size: 16pt; font-weight: bold; color: {colour};")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(number, row, 0)
            grid.addWidget(QLabel(label, self), row, 1)
            self.lines.append(f"{count} {label}")
            if count:
                button = QPushButton(_("Show"), self)
                button.clicked.connect(lambda _c=False, li=light: self._show(li))
                self.show_buttons[light.value] = button
                grid.addWidget(button, row, 2)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        waiting = [f"{_(WORK_LABELS[key])} {count}" for key, count in self.work.items()
                   if count]
        if waiting:
            text = _("Waiting for you: {items}").format(items=_("; ").join(waiting))
            label = QLabel(text, self)
            label.setWordWrap(True)
            layout.addWidget(label)
            self.lines.append(text)

        text = filing_text(self.filing)
        filing = QLabel(text, self)
        filing.setWordWrap(True)
        filing.setStyleSheet("padding-top: 8px;")
        layout.addWidget(filing)
        self.lines.append(text)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.export_button = buttons.addButton(_("Export the ledger…"),
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self._export)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def _show(self, light: Light) -> None:
        self.show_lights.emit(frozenset({light.value}))
        self.accept()

    def _export(self) -> None:
        self.export_ledger.emit()
        self.accept()


def show_reminder_if_due(ctx: AppContext, parent: QWidget) -> ReminderDialog | None:
    """Open the day's reminder (non-modal) unless it was already shown today."""
    if not reminder_due(ctx):
        return None
    ctx.settings.set("reminder_shown_on", clock.today().isoformat())
    dialog = ReminderDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

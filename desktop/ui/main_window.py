"""The main window. For now it shows each campaign with its problems by state and by light;
the pages (dashboard, problem list, ledger, sign-off, statistics, settings) come next."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.core.deadlines import LIGHT_LABELS, Light
from desktop.core.i18n import _
from desktop.core.models import STATE_LABELS, State
from desktop.core.summary import campaign_summaries


class MainWindow(QMainWindow):
    def __init__(self, database_label: str) -> None:
        super().__init__()
        self.setWindowTitle(_("Rectification Ledger") + f" {__version__}")
        self.resize(1100, 640)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        campaigns = campaign_summaries()
        layout.addWidget(QLabel(_("Database: {path}").format(path=database_label)))
        lights = [Light.RED, Light.YELLOW, Light.GREEN]
        headers = [_("Campaign"), _("Problems")] + [_(STATE_LABELS[s]) for s in State] + [
            _(LIGHT_LABELS[light]) for light in lights
        ]
        table = QTableWidget(len(campaigns), len(headers), central)
        table.setHorizontalHeaderLabels(headers)
        for row, c in enumerate(campaigns):
            values = [c["name"], c["problems"], *(c["states"][s.value] for s in State),
                      *(c["lights"][light.value] for light in lights)]
            for col, value in enumerate(values):
                table.setItem(row, col, QTableWidgetItem(str(value)))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        self.campaign_table = table
        self.setCentralWidget(central)

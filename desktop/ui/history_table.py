"""The history tab of the problem form: what happened to the problem, newest first, in
sentences from :mod:`desktop.core.problem_history`."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.core.i18n import _
from desktop.core.problem_history import problem_history


class HistoryTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([_("Time"), _("User"), _("What happened")])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # several lines per entry: each row fits its text at the column's current width
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def show_problem(self, problem_id: int | None) -> None:
        entries = problem_history(problem_id) if problem_id is not None else []
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (entry.at.strftime("%Y-%m-%d %H:%M"), entry.user or _("System"),
                      entry.summary())
            for column, value in enumerate(values):
                self.setItem(row, column, QTableWidgetItem(value))

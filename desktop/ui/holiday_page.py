"""Holidays and adjusted workdays (节假日与调休) that override the built-in calendar.

Offices on isolated intranets cannot update the calendar package, so every deadline in a year
it does not know is counted Monday to Friday. The page says so plainly, takes the State
Council's notice as pasted text (showing what it read and what it could not before storing),
and has a small calculator so the administrator can check a deadline by hand.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import calendar, clock
from desktop.core.errors import DomainError
from desktop.core.holiday_notice import WEEKDAY_LABELS, HolidayNotice, parse_holiday_notice
from desktop.core.i18n import N_, _
from desktop.core.models import Role
from desktop.ui.common import DateField, error_text, make_table, run_service, show_error
from desktop.ui.context import AppContext
from desktop.ui.pasted_text import PastedTextDialog

DAY_ROLE = Qt.ItemDataRole.UserRole

UNKNOWN_YEARS = N_(
    "The built-in calendar does not include the public holidays of {years}; working days are "
    "counted Monday to Friday. Import the State Council's notice once it is published, or "
    "enter the days by hand."
)


def weekday_name(day: dt.date) -> str:
    return _(WEEKDAY_LABELS[day.weekday()])


def kind_name(is_workday: bool) -> str:
    return _("Working day") if is_workday else _("Day off")


def source_name(source: str) -> str:
    kind, _sep, year = source.partition(":")
    if kind == calendar.NOTICE_SOURCE:
        return _("Notice {year}").format(year=year)
    return _("Manual")


def format_days(days: list[dt.date]) -> str:
    """Consecutive days as one range, so a week of National Day reads as one entry."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        r[0].isoformat() if len(r) == 1 else f"{r[0].isoformat()} – {r[-1].isoformat()}"
        for r in runs
    )


class OverrideDialog(QDialog):
    """One day: a day off or a working day, with the holiday's name."""

    def __init__(self, parent: QWidget | None, day: dt.date | None = None,
                 is_workday: bool = False, name: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Holiday or adjusted workday"))
        self.date_field = DateField(self, day or clock.today())
        # the date is what identifies a setting: to move one, remove it and add another
        self.date_field.setEnabled(day is None)
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem(kind_name(False), False)
        self.kind_combo.addItem(kind_name(True), True)
        self.kind_combo.setCurrentIndex(1 if is_workday else 0)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setPlaceholderText(_("e.g. 国庆节"))
        self.name_edit.setMaxLength(100)
        form = QFormLayout(self)
        form.addRow(_("Date"), self.date_field)
        form.addRow(_("Type"), self.kind_combo)
        form.addRow(_("Name"), self.name_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.date_field.dateChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.date_field.value() is not None)

    def values(self) -> tuple[dt.date, bool, str] | None:
        day = self.date_field.value()
        if day is None:
            return None
        return day, bool(self.kind_combo.currentData()), self.name_edit.text().strip()


class HolidayPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.is_admin = ctx.session.has_role(Role.ADMIN)
        self.calendar = calendar.load_calendar()

        self.note_label = QLabel(self)
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(
            "QLabel { background: #fff4e0; border: 1px solid #e0a040; padding: 6px; }")

        self.table = make_table([_("Date"), _("Weekday"), _("Type"), _("Name"), _("Source")],
                                stretch=3)
        self.table.setParent(self)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda *_args: self.edit_selected())

        self.add_button = QPushButton(_("Add…"), self)
        self.edit_button = QPushButton(_("Edit…"), self)
        self.remove_button = QPushButton(_("Remove"), self)
        self.import_button = QPushButton(_("Import holiday notice…"), self)
        self.add_button.clicked.connect(self.add_override)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button.clicked.connect(self.open_notice_import)
        self.readonly_label = QLabel(
            _("Only an administrator can change holidays and adjusted workdays."), self)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
            button.setVisible(self.is_admin)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        self.import_button.setVisible(self.is_admin)
        self.readonly_label.setVisible(not self.is_admin)

        calc = QGroupBox(_("Working-day calculator"), self)
        self.calc_date = DateField(calc, clock.today())
        self.calc_days = QSpinBox(calc)
        self.calc_days.setRange(-365, 365)
        self.calc_days.setValue(7)
        self.calc_days.setSuffix(_(" working days"))
        self.calc_result = QLabel(calc)
        self.calc_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        calc_layout = QHBoxLayout(calc)
        calc_layout.addWidget(self.calc_date)
        calc_layout.addWidget(QLabel("+", calc))
        calc_layout.addWidget(self.calc_days)
        calc_layout.addWidget(QLabel("→", calc))
        calc_layout.addWidget(self.calc_result, 1)
        self.calc_date.dateChanged.connect(self.calculate)
        self.calc_days.valueChanged.connect(self.calculate)

        layout = QVBoxLayout(self)
        layout.addWidget(self.note_label)
        layout.addLayout(buttons)
        layout.addWidget(self.readonly_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(calc)

        ctx.campaign_changed.connect(lambda _id: self.refresh())
        ctx.data_changed.connect(self._on_data_changed)
        self.refresh()

    # -- showing -----------------------------------------------------------------------------
    def _on_data_changed(self, what: str) -> None:
        if what in ("holiday", "campaign"):
            self.refresh()

    def refresh(self) -> None:
        self.calendar = calendar.load_calendar()
        keep = self.selected_day()
        rows = calendar.list_overrides()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = [row.day.isoformat(), weekday_name(row.day), kind_name(row.is_workday),
                      row.name, source_name(row.source)]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(DAY_ROLE, row.day)
                self.table.setItem(r, c, item)
            if row.day == keep:
                self.table.selectRow(r)
        self._update_note()
        self._update_buttons()
        self.calculate()

    def unknown_years(self) -> list[int]:
        """Years the campaign's deadlines may fall in (its span and the year after) that the
        calendar would count as plain Monday to Friday."""
        campaign = self.ctx.campaign()
        today = clock.today()
        start = (campaign.start_date if campaign else None) or today
        end = (campaign.end_date if campaign else None) or max(start, today)
        return self.calendar.unknown_years_in(start, dt.date(end.year + 1, 1, 1))

    def _update_note(self) -> None:
        years = self.unknown_years()
        if years:
            self.note_label.setText(_(UNKNOWN_YEARS).format(years="、".join(map(str, years))))
        self.note_label.setVisible(bool(years))

    def selected_day(self) -> dt.date | None:
        items = self.table.selectedItems()
        return items[0].data(DAY_ROLE) if items else None

    def _update_buttons(self) -> None:
        selected = self.selected_day() is not None
        self.edit_button.setEnabled(self.is_admin and selected)
        self.remove_button.setEnabled(self.is_admin and selected)

    def calculate(self) -> dt.date | None:
        start = self.calc_date.value()
        if start is None:
            self.calc_result.setText("—")
            return None
        result = self.calendar.add_workdays(start, self.calc_days.value())
        self.calc_result.setText(f"{result.isoformat()} {weekday_name(result)}")
        return result

    # -- asking (tests replace these) --------------------------------------------------------
    def _ask_override(self, day: dt.date | None = None, is_workday: bool = False,
                      name: str = "") -> tuple[dt.date, bool, str] | None:
        dialog = OverrideDialog(self, day, is_workday, name)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Holidays"), text)
        return answer == QMessageBox.StandardButton.Yes

    # -- editing -----------------------------------------------------------------------------
    def _store(self, day: dt.date, is_workday: bool, name: str) -> bool:
        done = run_service(self, calendar.set_override, self.ctx.session, day, is_workday, name)
        if done is not None:
            self.ctx.changed("holiday")
        return done is not None

    def add_override(self) -> bool:
        answer = self._ask_override()
        return answer is not None and self._store(*answer)

    def edit_selected(self) -> bool:
        day = self.selected_day()
        if day is None or not self.is_admin:
            return False
        row = self.table.currentRow()
        is_workday = self.table.item(row, 2).text() == kind_name(True)
        answer = self._ask_override(day, is_workday, self.table.item(row, 3).text())
        return answer is not None and self._store(day, answer[1], answer[2])

    def remove_selected(self) -> bool:
        day = self.selected_day()
        if day is None or not self.is_admin:
            return False
        if not self._confirm(_("Remove the setting for {day}? The built-in calendar applies "
                               "to that day again.").format(day=day.isoformat())):
            return False
        try:
            calendar.remove_override(self.ctx.session, day)
        except DomainError as error:
            show_error(self, error)
            return False
        self.ctx.changed("holiday")
        return True

    def open_notice_import(self) -> None:
        NoticeImportDialog(self.ctx, self).exec()


class NoticeImportDialog(PastedTextDialog):
    """Paste the notice; see every date it fixes and every line it could not read; store."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, _("Import the holiday notice"),
            _("Paste the State Council's notice on next year's holidays here "
              "(国务院办公厅关于20XX年部分节假日安排的通知), with its title."),
            parent,
        )
        self.notice: HolidayNotice | None = None
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(0, 2100)
        self.year_spin.setSpecialValueText(_("from the title"))
        self.year_spin.valueChanged.connect(self.parse)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.text_edit, 1)
        row = QHBoxLayout()
        row.addWidget(self.load_button)
        row.addStretch(1)
        row.addWidget(QLabel(_("Year"), self))
        row.addWidget(self.year_spin)
        left_layout.addLayout(row)

        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.entries_table = QTableWidget(0, 4, self)
        self.entries_table.setHorizontalHeaderLabels(
            [_("Holiday"), _("Days off"), _("Working days"), _("Line")])
        self.entries_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries_table.verticalHeader().setVisible(False)
        self.entries_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.problems_list = QListWidget(self)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.status_label)
        right_layout.addWidget(self.entries_table, 2)
        right_layout.addWidget(QLabel(_("What could not be read:"), self))
        right_layout.addWidget(self.problems_list, 1)

        self.resize(1000, 600)
        self.arrange(left, right, _("Store these dates"))

    def year(self) -> int | None:
        return self.year_spin.value() or None

    def parse(self) -> None:
        text = self.text_edit.toPlainText()
        self.notice = None
        self.entries_table.setRowCount(0)
        self.problems_list.clear()
        if not text.strip():
            self.status_label.setText(_("Paste the notice on the left."))
        else:
            try:
                self.notice = parse_holiday_notice(text, self.year())
            except DomainError as error:
                self.status_label.setText(error_text(error))
        if self.notice is not None:
            notice = self.notice
            self.status_label.setText(_(
                "The notice for {year}: {off} days off and {work} adjusted working days."
            ).format(year=notice.year, off=len(notice.holidays()), work=len(notice.workdays())))
            self.entries_table.setRowCount(len(notice.entries))
            for r, entry in enumerate(notice.entries):
                values = [entry.name, format_days(entry.holidays), format_days(entry.workdays),
                          str(entry.line_no)]
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    item.setToolTip(entry.source_line)
                    self.entries_table.setItem(r, c, item)
            self.problems_list.addItems(notice.problem_messages())
        self.import_button.setEnabled(self.notice is not None and self.ctx.session.has_role(
            Role.ADMIN))

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Import the holiday notice"), text)
        return answer == QMessageBox.StandardButton.Yes

    def do_import(self) -> int | None:
        """Store the notice; returns how many days were stored."""
        if self.notice is None:
            return None
        problems = len(self.notice.problems)
        if problems and not self._confirm(_(
            "{count} place(s) in the notice could not be read (listed below the dates). "
            "Store the dates that were read anyway?").format(count=problems)):
            return None
        stored = run_service(self, calendar.import_notice, self.ctx.session,
                             self.text_edit.toPlainText(), self.year())
        if stored is None:
            return None
        self.ctx.changed("holiday")
        self.accept()
        return stored

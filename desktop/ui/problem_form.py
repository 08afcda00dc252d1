"""The problem form (问题录入/详情): where a clerk enters one problem with its measures, and
later reads its progress and history.

What may be edited follows the workflow (DESIGN §3): a draft entirely; during rectification
only the completion of its measures (and progress notes); otherwise nothing — a closed
problem opens read-only with a banner saying who signed it off.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import calendar, clock, problems, records
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.models import (
    KIND_LABELS,
    SCOPE_LABELS,
    SOURCES,
    STATE_LABELS,
    Campaign,
    Kind,
    Person,
    Problem,
    Role,
    Scope,
    State,
    Transition,
    Unit,
)
from desktop.core.org import catalog_tree
from desktop.core.problem_history import FIELD_LABELS
from desktop.ui.closed_stamp import ClosedStamp
from desktop.ui.common import DateField, run_service, show_error
from desktop.ui.context import AppContext
from desktop.ui.history_table import HistoryTable
from desktop.ui.measures_editor import MeasuresEditor, Mode
from desktop.ui.progress_tab import ProgressTab
from desktop.ui.search_combo import SearchCombo

ERROR_STYLE = "color: #b3261e;"
BANNER_STYLES = {
    "closed": "background: #fdecea; color: #8a1c1c; border: 1px solid #f1b5b0; padding: 6px;",
    "note": "background: #fff8e1; color: #5f4400; border: 1px solid #f0d98a; padding: 6px;",
}
KEPT_FOR_NEXT = ("unit_id", "catalog_id", "source", "kind", "found_date")


def _label(field: str) -> str:
    return _(FIELD_LABELS[field])


def _text_box(parent: QWidget, lines: int) -> QPlainTextEdit:
    """A multi-line field of a fixed number of lines (it scrolls beyond them), so the page
    keeps its shape and the notes under the fields are never squeezed."""
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(14 + lines * box.fontMetrics().lineSpacing())
    return box


class ProblemForm(QDialog):
    def __init__(
        self, ctx: AppContext, problem_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.problem_id: int | None = None
        self._problem: Problem | None = None
        self._campaign: Campaign | None = ctx.campaign()
        self._calendar = calendar.load_calendar()
        self._mode = Mode.FULL
        self._loading = False
        self._baseline: problems.ProblemInput | None = None
        self._loaded_measures: dict[int, problems.MeasureInput] = {}
        self.resize(1000, 680)
        self.setSizeGripEnabled(True)

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.closed_stamp = ClosedStamp(self)
        self.closed_stamp.hide()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_basic_tab(), _("Basic information"))
        self.measures_editor = MeasuresEditor(self._calendar, self._start_date, self)
        self.measures_table = self.measures_editor.table
        self.add_measure_button = self.measures_editor.add_button
        self.tabs.addTab(self.measures_editor, _("Rectification measures"))
        self.progress_tab = ProgressTab(ctx, self)
        self.tabs.addTab(self.progress_tab, _("Progress"))
        self.history_table = HistoryTable(self)
        self.tabs.addTab(self.history_table, _("History"))

        self.status_label = QLabel(self)
        self.status_label.setStyleSheet(ERROR_STYLE)
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setToolTip("Ctrl+S")
        self.save_new_button = QPushButton(_("Save and new"), self)
        self.save_new_button.setToolTip("Ctrl+Shift+S / Ctrl+Enter")
        self.close_button = QPushButton(_("Close"), self)
        for button in (self.save_button, self.save_new_button, self.close_button):
            button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.save_new_button.clicked.connect(self.save_and_new)
        self.close_button.clicked.connect(self.reject)
        for keys, slot in (("Ctrl+S", self.save), ("Ctrl+Shift+S", self.save_and_new),
                           ("Ctrl+Return", self.save_and_new), ("Ctrl+Enter", self.save_and_new)):
            QShortcut(QKeySequence(keys), self, activated=slot)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.save_new_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.banner, 1, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.closed_stamp)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self._connect_edits()
        if problem_id is None:
            self._start_new(previous=None)
        else:
            self.load(problem_id)

    # -- building --------------------------------------------------------------------------

    def _build_basic_tab(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        self.code_edit = QLineEdit(page)
        self.found_date_edit = DateField(page)
        self.unit_combo = SearchCombo(page)
        self.source_combo = QComboBox(page)
        self.source_combo.setEditable(True)
        self.source_combo.addItems(["", *SOURCES])
        self.catalog_combo = SearchCombo(page, min_chars=40)
        self.scope_combo = QComboBox(page)
        for scope in Scope:
            self.scope_combo.addItem(_(SCOPE_LABELS[scope]), scope.value)
        self.person_combo = SearchCombo(page)
        self.description_edit = _text_box(page, 4)
        self.description_note = QLabel(_("The problem description (问题表现) is required."), page)
        self.description_note.setStyleSheet(ERROR_STYLE)
        self.root_cause_edit = _text_box(page, 3)
        self.target_edit = _text_box(page, 2)
        self.kind_combo = QComboBox(page)
        for kind in Kind:
            self.kind_combo.addItem(_(KIND_LABELS[kind]), kind.value)
        self.deadline_edit = DateField(page)
        self.workdays_spin = QSpinBox(page)
        self.workdays_spin.setRange(1, 250)
        self.workdays_spin.setSuffix(_(" working days"))
        self.workdays_button = QPushButton(_("Set the deadline"), page)
        self.workdays_button.setAutoDefault(False)
        self.workdays_button.setToolTip(_(
            "The deadline becomes this many working days after the date the problem was "
            "found (or today), skipping weekends and holidays."
        ))
        self.workdays_button.clicked.connect(self.set_deadline_by_workdays)
        self.deadline_note = QLabel(page)
        self.deadline_note.setWordWrap(True)
        self.note_edit = _text_box(page, 2)

        def label(text: str, top: bool = False) -> QLabel:
            widget = QLabel(text, page)
            vertical = Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter
            widget.setAlignment(Qt.AlignmentFlag.AlignRight | vertical)
            return widget

        def pair(row: int, col: int, field: str, widget: QWidget, suffix: str = "") -> None:
            grid.addWidget(label(_label(field) + suffix), row, col)
            grid.addWidget(widget, row, col + 1)

        pair(0, 0, "code", self.code_edit)
        pair(0, 2, "found_date", self.found_date_edit)
        pair(1, 0, "unit", self.unit_combo, " *")
        pair(1, 2, "source", self.source_combo)
        grid.addWidget(label(_label("catalog")), 2, 0)
        grid.addWidget(self.catalog_combo, 2, 1, 1, 3)
        pair(3, 0, "scope", self.scope_combo)
        pair(3, 2, "person", self.person_combo)
        grid.addWidget(label(_label("description") + " *", top=True), 4, 0)
        grid.addWidget(self.description_edit, 4, 1, 1, 3)
        grid.addWidget(self.description_note, 5, 1, 1, 3)
        grid.addWidget(label(_label("root_cause"), top=True), 6, 0)
        grid.addWidget(self.root_cause_edit, 6, 1, 1, 3)
        grid.addWidget(label(_label("target"), top=True), 7, 0)
        grid.addWidget(self.target_edit, 7, 1, 1, 3)
        pair(8, 0, "kind", self.kind_combo)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.deadline_edit)
        deadline_row.addWidget(self.workdays_spin)
        deadline_row.addWidget(self.workdays_button)
        deadline_row.addStretch(1)
        grid.addWidget(label(_label("deadline")), 8, 2)
        grid.addLayout(deadline_row, 8, 3)
        grid.addWidget(self.deadline_note, 9, 1, 1, 3)
        grid.addWidget(label(_label("note"), top=True), 10, 0)
        grid.addWidget(self.note_edit, 10, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(11, 1)

        order = [self.code_edit, self.found_date_edit, self.unit_combo, self.source_combo,
                 self.catalog_combo, self.scope_combo, self.person_combo, self.description_edit,
                 self.root_cause_edit, self.target_edit, self.kind_combo, self.deadline_edit,
                 self.workdays_spin, self.workdays_button, self.note_edit]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)
        self._basic_editors = order
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _connect_edits(self) -> None:
        for box in (self.description_edit, self.root_cause_edit, self.target_edit,
                    self.note_edit):
            box.textChanged.connect(self._edited)
        self.code_edit.textChanged.connect(self._edited)
        for combo in (self.unit_combo, self.catalog_combo, self.person_combo, self.source_combo):
            combo.editTextChanged.connect(self._edited)
        self.scope_combo.currentIndexChanged.connect(self._edited)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        for date in (self.found_date_edit, self.deadline_edit):
            date.dateChanged.connect(self._edited)
        self.measures_editor.changed.connect(self._edited)
        self.progress_tab.progress_added.connect(self._refresh_history)

    # -- loading ---------------------------------------------------------------------------

    def _fill_choices(self) -> None:
        units = [(u.name, u.id) for u in Unit.live().order_by(Unit.sort_order, Unit.id)]
        unit_names = dict((uid, name) for name, uid in units)
        people = list(Person.live().order_by(Person.name, Person.id))
        self.unit_combo.set_items(units)
        self.person_combo.set_items(
            (f"{p.name}（{unit_names[p.unit_id]}）" if p.unit_id in unit_names else p.name, p.id)
            for p in people
        )
        campaign_id = self._campaign.id if self._campaign else None
        nodes = catalog_tree(campaign_id) if campaign_id is not None else []
        self.catalog_combo.set_items(
            ("\u3000" * depth + f"{n.label}{n.title}", n.id) for n, depth in nodes
        )
        self.measures_editor.set_choices(units, [p.name for p in people])

    def load(self, problem_id: int) -> None:
        try:
            problem = records.get_live(Problem, problem_id)
        except DomainError as error:
            show_error(self, error)
            if self._baseline is None:  # nothing shown yet: offer an empty form instead
                self._start_new(previous=None)
            return
        self.problem_id, self._problem = problem.id, problem
        self._campaign = Campaign.get_by_id(problem.campaign_id)
        measures = [
            problems.MeasureInput(
                text=m.text, resp_leader=m.resp_leader, resp_unit_id=m.resp_unit_id,
                resp_person=m.resp_person, deadline=m.deadline, done_date=m.done_date,
                result=m.result, id=m.id,
            )
            for m in problems.live_measures(problem.id)
        ]
        self._loaded_measures = {m.id: m for m in measures}
        data = problems.ProblemInput(
            campaign_id=problem.campaign_id, unit_id=problem.unit_id,
            description=problem.description, kind=problem.kind, scope=problem.scope,
            person_id=problem.person_id, catalog_id=problem.catalog_id, source=problem.source,
            found_date=problem.found_date, root_cause=problem.root_cause, target=problem.target,
            deadline=problem.deadline, code=problem.code, note=problem.note, measures=measures,
        )
        self._show(data)
        self.progress_tab.set_problem(
            problem.id, [(m.id, m.text) for m in measures],
            can_add=self._may_edit() and State(problem.state) in (State.DRAFT, State.RECTIFYING),
        )
        self._refresh_history()

    def _start_new(self, previous: problems.ProblemInput | None) -> None:
        """An empty form; after "save and new", the fields a clerk enters in series stay."""
        self.problem_id, self._problem = None, None
        self._campaign = self.ctx.campaign()
        self._loaded_measures = {}
        user = self.ctx.session.user
        # most problems belong to the clerk's own unit (else the campaign's)
        unit_id = (user.unit_id if user else None) or (
            self._campaign.unit_id if self._campaign else None)
        data = problems.ProblemInput(
            campaign_id=self._campaign.id if self._campaign else 0, unit_id=unit_id or 0,
            description="", found_date=clock.today(),
        )
        if previous is not None:
            for name in KEPT_FOR_NEXT:
                setattr(data, name, getattr(previous, name))
        self._show(data)
        if data.kind == Kind.IMMEDIATE.value:
            self._preset_immediate()
            self._baseline = self._collect()
        self.progress_tab.set_problem(None, [], can_add=False)
        self.history_table.show_problem(None)
        self.description_edit.setFocus()

    def _show(self, data: problems.ProblemInput) -> None:
        self._loading = True
        self._fill_choices()
        self.code_edit.setText(data.code)
        self.unit_combo.set_value(data.unit_id or None)
        self.catalog_combo.set_value(data.catalog_id)
        self.scope_combo.setCurrentIndex(max(self.scope_combo.findData(data.scope), 0))
        self.person_combo.set_value(data.person_id)
        self.source_combo.setCurrentText(data.source)
        self.found_date_edit.set_value(data.found_date)
        self.description_edit.setPlainText(data.description)
        self.root_cause_edit.setPlainText(data.root_cause)
        self.target_edit.setPlainText(data.target)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(data.kind), 0))
        self.deadline_edit.set_value(data.deadline)
        self.note_edit.setPlainText(data.note)
        self.workdays_spin.setValue(self._campaign.default_workdays if self._campaign else 7)
        self.measures_editor.workdays_spin.setValue(self.workdays_spin.value())
        self.measures_editor.set_measures(data.measures)
        self._loading = False
        self._apply_mode()
        self._baseline = self._collect()
        self._edited()

    def _refresh_history(self) -> None:
        self.history_table.show_problem(self.problem_id)

    # -- modes -----------------------------------------------------------------------------

    def _may_edit(self) -> bool:
        return self.ctx.session.has_role(Role.CLERK)

    def _apply_mode(self) -> None:
        state = State(self._problem.state) if self._problem else State.DRAFT
        if not self._may_edit():
            self._mode = Mode.LOCKED
        elif state == State.DRAFT:
            self._mode = Mode.FULL
        elif state == State.RECTIFYING:
            self._mode = Mode.COMPLETION
        else:
            self._mode = Mode.LOCKED
        editable = self._mode == Mode.FULL
        for widget in self._basic_editors:
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(not editable)
            else:
                widget.setEnabled(editable)
        self.measures_editor.set_mode(self._mode)
        self._show_banner(state)

    def is_read_only(self) -> bool:
        return self._mode == Mode.LOCKED

    def _show_banner(self, state: State) -> None:
        text, style = "", "note"
        if state == State.CLOSED and self._problem is not None:
            text, style = self._closed_text(self._problem), "closed"
        elif not self._may_edit():
            text = _("Your account may only read problems: changing them needs the clerk's role.")
        elif state == State.SUBMITTED:
            text = _("Submitted for review: it cannot be changed until it is approved or "
                     "returned.")
        elif state == State.RECTIFYING:
            text = _("In rectification: only the completion of measures and progress notes "
                     "can be recorded.")
        elif state == State.CLOSING:
            text = _("Closing requested: it cannot be changed while the closing is reviewed.")
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[style])
        self.banner.setVisible(bool(text))
        closed = state == State.CLOSED and self._problem is not None
        if closed:
            step = self._closing_step(self._problem)
            when = self._problem.closed_at or (step.at if step else None)
            self.closed_stamp.set_closing(when.strftime("%Y-%m-%d") if when else "",
                                          step.user_name if step else "")
        self.closed_stamp.setVisible(closed)

    @staticmethod
    def _closing_step(problem: Problem) -> Transition | None:
        return (
            Transition.select()
            .where((Transition.problem == problem.id)
                   & Transition.action.in_(("sign_close", "close_at_once")))
            .order_by(Transition.id.desc())
            .first()
        )

    @classmethod
    def _closed_text(cls, problem: Problem) -> str:
        step = cls._closing_step(problem)
        when = problem.closed_at or (step.at if step else None)
        return _("Closed (read-only): signed off by {user} on {time}. To change it, reopen it "
                 "with a reason.").format(
            user=step.user_name if step else "?",
            time=when.strftime("%Y-%m-%d %H:%M") if when else "?",
        )

    # -- editing ---------------------------------------------------------------------------

    def _start_date(self) -> dt.date:
        return self.found_date_edit.value() or clock.today()

    def set_deadline_by_workdays(self) -> dt.date:
        day = self._calendar.add_workdays(self._start_date(), self.workdays_spin.value())
        self.deadline_edit.set_value(day)
        return day

    def _preset_immediate(self) -> None:
        """立行立改: the campaign's 限时办结 default, unless a deadline is already set."""
        if self._campaign:
            self.workdays_spin.setValue(self._campaign.default_workdays)
        if self.deadline_edit.value() is None:
            self.set_deadline_by_workdays()

    def _kind_changed(self) -> None:
        if not self._loading:
            kind = self.kind_combo.currentData()
            if kind == Kind.IMMEDIATE.value:
                self._preset_immediate()
            elif kind == Kind.ONGOING.value:
                self.deadline_edit.set_value(None)  # an ongoing problem has no deadline
        self._edited()

    def _edited(self) -> None:
        if self._loading:
            return
        ongoing = self.kind_combo.currentData() == Kind.ONGOING.value
        editable = self._mode == Mode.FULL
        for widget in (self.deadline_edit, self.workdays_spin, self.workdays_button):
            widget.setEnabled(editable and not ongoing)
        self.person_combo.setEnabled(
            editable and self.scope_combo.currentData() == Scope.PERSONAL.value
        )
        self._update_deadline_note()
        issues = self._issues()
        self.description_note.setVisible(not self.description_edit.toPlainText().strip())
        others = [i for i in issues if i != self.description_note.text()]
        self.status_label.setText(others[0] if others and editable else "")
        self.save_button.setEnabled(
            self._mode == Mode.COMPLETION or (editable and not issues)
        )
        self.save_new_button.setEnabled(editable and not issues)
        self._update_title()

    def _issues(self) -> list[str]:
        issues = []
        if not self.description_edit.toPlainText().strip():
            issues.append(self.description_note.text())
        if self._campaign is None:
            issues.append(_("Choose a campaign first."))
        if self.unit_combo.value() is None:
            issues.append(_("Choose the unit the problem belongs to."))
        if not self.catalog_combo.has_valid_text():
            issues.append(_("Choose a problem category from the list, or leave it empty."))
        if (self.scope_combo.currentData() == Scope.PERSONAL.value
                and self.person_combo.value() is None):
            issues.append(_("A personal problem needs the person it belongs to."))
        return issues

    def _update_deadline_note(self) -> None:
        kind = self.kind_combo.currentData()
        if kind == Kind.ONGOING.value:
            self.deadline_note.setText(
                _("Ongoing: no deadline; progress is checked every reporting cycle."))
            self.deadline_note.setStyleSheet("")
            return
        lines, warn = [], False
        default = self._campaign.default_workdays if self._campaign else 7
        most = self._campaign.max_workdays if self._campaign else 15
        if kind == Kind.IMMEDIATE.value:
            lines.append(_("Fix at once: within {default} working days, at most {max} working "
                           "days.").format(default=default, max=most))
        deadline, start = self.deadline_edit.value(), self._start_date()
        if deadline is not None:
            if deadline < start:
                lines.append(_("The deadline is before the date the problem was found."))
                warn = True
            else:
                n = self._calendar.workdays_between(start, deadline)
                lines.append(_("{n} working days from {start} to the deadline.").format(
                    n=n, start=start.isoformat()))
                if kind == Kind.IMMEDIATE.value and n > most:
                    lines.append(_("This is more than the {max} working days allowed for "
                                   "fixing at once.").format(max=most))
                    warn = True
            unknown = self._calendar.unknown_years_in(start, deadline)
            if unknown:
                lines.append(_("The holidays of {years} are not in the calendar; only weekends "
                               "are skipped.").format(years="、".join(map(str, unknown))))
        self.deadline_note.setText("\n".join(lines))
        self.deadline_note.setStyleSheet(ERROR_STYLE if warn else "")

    def _collect(self) -> problems.ProblemInput:
        personal = self.scope_combo.currentData() == Scope.PERSONAL.value
        return problems.ProblemInput(
            campaign_id=self._campaign.id if self._campaign else 0,
            unit_id=self.unit_combo.value(),
            description=self.description_edit.toPlainText(),
            kind=self.kind_combo.currentData(),
            scope=self.scope_combo.currentData(),
            person_id=self.person_combo.value() if personal else None,
            catalog_id=self.catalog_combo.value(),
            source=self.source_combo.currentText(),
            found_date=self.found_date_edit.value(),
            root_cause=self.root_cause_edit.toPlainText(),
            target=self.target_edit.toPlainText(),
            deadline=self.deadline_edit.value(),
            code=self.code_edit.text(),
            note=self.note_edit.toPlainText(),
            measures=self.measures_editor.measures(),
        )

    def has_unsaved_changes(self) -> bool:
        return self._mode != Mode.LOCKED and self._collect() != self._baseline

    def _update_title(self) -> None:
        if self._problem is None:
            title = _("New problem")
        else:
            title = _("Problem {code} · {state}").format(
                code=self._problem.code or f"#{self._problem.id}",
                state=_(STATE_LABELS[State(self._problem.state)]),
            )
        self.setWindowTitle(title + (" *" if self.has_unsaved_changes() else ""))

    # -- saving and closing ----------------------------------------------------------------

    def save(self) -> bool:
        if not self.save_button.isEnabled():
            return False
        session = self.ctx.session
        if self._mode == Mode.FULL:
            data = self._collect()
            if self._problem is None:
                saved = run_service(self, problems.create_problem, session, data)
            else:
                saved = run_service(self, problems.update_problem, session, self._problem.id,
                                    data, expected_version=self._problem.version)
            if saved is None:
                return False
            problem_id = saved.id
        else:
            problem_id = self._problem.id
            for m in self.measures_editor.measures():
                before = self._loaded_measures.get(m.id)
                if before is None or (m.done_date, m.result) == (before.done_date, before.result):
                    continue
                if run_service(self, problems.record_measure_done, session, m.id, m.done_date,
                               m.result) is None:
                    return False
        self.ctx.changed("problem")
        self.load(problem_id)
        return True

    def save_and_new(self) -> bool:
        if not self.save_new_button.isEnabled():
            return False
        kept = self._collect()
        if not self.save():
            return False
        self._start_new(previous=kept)
        return True

    def confirm_discard(self) -> bool:
        """Ask whether unsaved changes may be dropped (a method so tests can answer)."""
        answer = QMessageBox.question(
            self, _("Unsaved changes"),
            _("This problem has changes that are not saved. Close and discard them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def reject(self) -> None:
        if self.has_unsaved_changes() and not self.confirm_discard():
            return
        super().reject()

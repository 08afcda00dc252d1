"""销号审批: the page where a reviewer approves, returns and verifies, a leader signs off, and
a clerk finds what was returned to them.

Each queue is a tab with its count; the table is the problem list's lazy model over the
queue's ids; the pane beside it shows what the decision is about (the problem, its measures
and their completion, and every opinion recorded so far). Actions apply to every selected row
at once through ``workflow.apply_many``: all of them or none. Questions go through hooks
(``ask_opinion``, ``ask_signature``, ``report_error``) that tests replace.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core import problem_query, records, review, workflow
from desktop.core.errors import DomainError
from desktop.core.i18n import N_, _
from desktop.core.models import (
    KIND_LABELS,
    STATE_LABELS,
    Kind,
    Problem,
    Role,
    State,
    Unit,
)
from desktop.core.problems import live_measures
from desktop.ui.common import ReloadsWhenShown, show_error
from desktop.ui.context import AppContext
from desktop.ui.problem_model import ProblemTableModel, problem_table
from desktop.ui.review_dialogs import OpinionDialog, SignDialog

QUEUE_TITLES = {
    review.REVIEW: N_("To review {count}"),
    review.VERIFY: N_("To verify {count}"),
    review.SIGN: N_("To sign {count}"),
    review.RETURNED: N_("Returned to me {count}"),
}
EMPTY_TEXTS = {
    review.REVIEW: N_("No problems are waiting for your review."),
    review.VERIFY: N_("No closing requests are waiting for verification."),
    review.SIGN: N_("No verified closing requests are waiting for your signature."),
    review.RETURNED: N_("Nothing has been returned to you. When a reviewer or leader returns "
                        "a problem you sent up, it appears here with their opinion."),
}
BUTTON_TEXTS = {
    "approve": N_("Approve…"),
    "return": N_("Return…"),
    "verify": N_("Verify…"),
    "sign_close": N_("Sign off and close…"),
    "submit": N_("Submit again"),
    "request_close": N_("Request closing again"),
}
# the opinion offered to start from (the usual words; the reviewer may change them)
DEFAULT_OPINIONS = {
    "approve": N_("Agreed."),
    "verify": N_("Verified: the rectification is done."),
}
HIDDEN_COLUMNS = ("catalog", "kind", "found_date")
SIGN_STYLE = "QPushButton { font-weight: bold; color: #a50e0e; }"


def _required(action: str) -> bool:
    return any(rule.opinion_required for rule in workflow.RULES if rule.action == action)


class ReviewPage(ReloadsWhenShown, QWidget):
    """Attributes tests drive: ``tabs`` (tab data: queue name), ``queues`` (name → ids),
    ``model``, ``table``, ``detail``, ``empty_label``, ``role_note``, ``buttons`` (action →
    button), ``open_button``, ``signature_button``, ``status_label``; ``show_queue(name)``,
    ``select_ids(ids)``, ``run_action(action)``. Hooks: ``ask_opinion(action, count,
    required) -> str | None``, ``ask_signature(count) -> (opinion, password) | None``,
    ``report_error(error)``."""

    open_problem = Signal(object)  # problem id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.queues: dict[str, list[int]] = {}
        self._resume_row = 0  # after a step, the row where the next decision waits
        self.ask_opinion: Callable[[str, int, bool], str | None] = self._ask_opinion
        self.ask_signature: Callable[[int], tuple[str, str] | None] = self._ask_signature
        self.report_error: Callable[[DomainError], None] = lambda e: show_error(self, e)
        self.model = ProblemTableModel(self)
        self._build()
        ctx.campaign_changed.connect(lambda _id: self.reload_or_defer())
        ctx.data_changed.connect(self._on_data_changed)
        # inside the main window the queues are read when the page is first shown: four
        # queue queries over a county's problems would delay the window's first paint
        self.load_when_shown()

    # --- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabBar(self)
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.currentChanged.connect(lambda _i: self._queue_chosen())
        self.signature_button = QPushButton(_("My signature…"), self)
        self.signature_button.setToolTip(_(
            "The image of your handwritten signature, printed on sheets you signed."))
        self.signature_button.clicked.connect(self.edit_signature)
        self.signature_button.setVisible(self.ctx.session.user is not None)
        top = QHBoxLayout()
        top.addWidget(self.tabs, 1)
        top.addWidget(self.signature_button)

        self.role_note = QLabel(self)
        self.role_note.setWordWrap(True)
        self.role_note.setStyleSheet(
            "background: #e8f0fe; color: #174ea6; border: 1px solid #c6dafc; padding: 6px;")

        # narrower than the problem list: the detail pane stands beside it
        self.table = problem_table(
            self, self.model, {"code": 84, "unit": 110, "description": 240, "state": 64,
                               "person": 70}, HIDDEN_COLUMNS)
        self.table.doubleClicked.connect(
            lambda index: self._emit_open(self.model.problem_id(index.row())))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())

        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #5f6368; font-size: 11pt; padding: 24px;")
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_label)

        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list_stack)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([700, 460])

        self.buttons: dict[str, QPushButton] = {}
        bottom = QHBoxLayout()
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        bottom.addWidget(self.status_label, 1)
        self.open_button = QPushButton(_("Open problem"), self)
        self.open_button.clicked.connect(self.open_current)
        bottom.addWidget(self.open_button)
        for action, text in BUTTON_TEXTS.items():
            button = QPushButton(_(text), self)
            button.clicked.connect(lambda _c=False, a=action: self.run_action(a))
            if action == "sign_close":
                button.setStyleSheet(SIGN_STYLE)
                button.setToolTip(_("Asks for your password again: it is your signature."))
            self.buttons[action] = button
            bottom.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.role_note)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)

    # --- queues ---------------------------------------------------------------------------
    def current_queue(self) -> str | None:
        index = self.tabs.currentIndex()
        return self.tabs.tabData(index) if index >= 0 else None

    def reload(self) -> None:
        """Ask for the queues again (after a step, a campaign switch, or a change elsewhere),
        keeping the tab and the selection where they still apply."""
        campaign_id = self.ctx.campaign_id
        session = self.ctx.session
        self.queues = review.review_queue(session, campaign_id) if campaign_id else {
            name: [] for name in review.queues_for(session)}
        shown = self.current_queue()
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for name, ids in self.queues.items():
            index = self.tabs.addTab(_(QUEUE_TITLES[name]).format(count=len(ids)))
            self.tabs.setTabData(index, name)
        names = list(self.queues)
        if shown in names:
            self.tabs.setCurrentIndex(names.index(shown))
        elif names:
            # open on the first queue with something in it
            self.tabs.setCurrentIndex(next((i for i, n in enumerate(names) if self.queues[n]), 0))
        self.tabs.blockSignals(False)
        self._show_role_note()
        self._queue_chosen()

    def show_queue(self, name: str) -> None:
        self.load_if_stale()
        names = list(self.queues)
        self.tabs.setCurrentIndex(names.index(name))

    def _show_role_note(self) -> None:
        session = self.ctx.session
        signs = session.has_role(Role.REVIEWER) or session.has_role(Role.LEADER)
        if signs:
            text = ""
        elif session.has_role(Role.CLERK):
            text = _("Review, verification and sign-off are done on this page by the reviewer "
                     "(审核人) and the leader (领导). Problems they return to you appear here with "
                     "their opinion: open one, change what they asked for, and send it again.")
        else:
            text = _("Your account holds none of the roles of this work (clerk, reviewer, "
                     "leader), so nothing waits here for you.")
        self.role_note.setText(text)
        self.role_note.setVisible(bool(text))

    def _queue_chosen(self) -> None:
        name = self.current_queue()
        selected = self.selected_ids()
        campaign = self.ctx.campaign()
        rules = problem_query.light_rules(campaign) if campaign else None
        ids = self.queues.get(name, []) if name else []
        self.model.set_ids(ids, rules)
        if ids:
            self.list_stack.setCurrentWidget(self.table)
        else:
            self.list_stack.setCurrentWidget(self.empty_label)
            self.empty_label.setText(_(EMPTY_TEXTS[name]) if name else "")
        self.detail.setVisible(bool(ids))  # an empty queue's message gets the whole width
        for action, button in self.buttons.items():
            button.setVisible(name is not None and action in review.QUEUE_ACTIONS[name])
        self.select_ids(selected)
        if not self.selected_ids() and ids:
            self._select_row(self._resume_row)
        self._resume_row = 0
        self._selection_changed()

    def _on_data_changed(self, what: str) -> None:
        if what in ("problem", "campaign"):
            self.reload_or_defer()

    # --- selection and detail ------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [pid for pid in (self.model.problem_id(r) for r in rows) if pid is not None]

    def select_ids(self, ids: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = True
        for pid in ids:
            row = self.model.row_of(pid)
            if row is None:
                continue
            if first:
                self.table.setCurrentIndex(self.model.index(row, 1))
                first = False
            selection.select(self.model.index(row, 1), flags)

    def _select_row(self, row: int) -> None:
        row = min(row, self.model.rowCount() - 1)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 1))

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        problems = list(Problem.select().where(Problem.id.in_(ids))) if ids else []
        session = self.ctx.session
        for action, button in self.buttons.items():
            possible = bool(problems) and all(
                action in workflow.available_actions(session, p) for p in problems)
            button.setEnabled(possible)
        self.open_button.setEnabled(len(ids) == 1)
        current = self.model.problem_id(self.table.currentIndex().row())
        shown = current if current in ids else (ids[0] if ids else None)
        self.detail.setHtml(self.detail_html(shown, len(ids)) if shown else "")

    def detail_html(self, problem_id: int, selected: int = 1) -> str:
        """What the decision is about: the problem, its measures with their completion, and
        every step so far with its opinion."""
        try:
            problem = records.get_live(Problem, problem_id)
        except DomainError:
            return ""
        e = html.escape
        unit = Unit.get_or_none(Unit.id == problem.unit_id)
        parts = []
        if selected > 1:
            note = _("{count} problems selected; the action applies to all of them.")
            parts.append(f"<p style='color:#174ea6'>{e(note.format(count=selected))}</p>")
        title = problem.code or f"#{problem.id}"
        parts.append(f"<h3>{e(title)} · {e(_(STATE_LABELS[State(problem.state)]))}</h3>")
        deadline = (_("Ongoing") if problem.kind == Kind.ONGOING.value
                    else (problem.due_date.isoformat() if problem.due_date else "—"))
        parts.append(
            f"<p>{e(_('Unit'))}：{e(unit.name if unit else '')}　"
            f"{e(_('Kind'))}：{e(_(KIND_LABELS[Kind(problem.kind)]))}　"
            f"{e(_('Deadline'))}：{e(deadline)}</p>"
        )
        parts.append(f"<p><b>{e(_('Problem description'))}</b><br>{e(problem.description)}</p>")
        parts.append(self._measures_html(problem))
        parts.append(self._opinions_html(problem))
        return "".join(parts)

    @staticmethod
    def _measures_html(problem: Problem) -> str:
        e = html.escape
        measures = live_measures(problem.id)
        head = "".join(f"<th align='left'>{e(h)}</th>" for h in (
            "#", _("Rectification measure"), _("Responsible person"), _("Deadline"),
            _("Completion date"), _("Completion")))
        rows = []
        for number, m in enumerate(measures, start=1):
            done = m.done_date.isoformat() if m.done_date else _("not done")
            colour = "#1e8e3e" if m.done_date else "#b3261e"
            cells = (str(number), m.text, m.resp_person or m.resp_leader,
                     m.deadline.isoformat() if m.deadline else "—")
            rows.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells)
                        + f"<td style='color:{colour}'>{e(done)}</td><td>{e(m.result)}</td></tr>")
        if not rows:
            rows.append(f"<tr><td colspan='6'>{e(_('No measures.'))}</td></tr>")
        return (f"<p><b>{e(_('Rectification measures'))}</b></p>"
                "<table cellspacing='0' cellpadding='3' border='1' style='border-color:#dadce0'"
                f" width='100%'><tr>{head}</tr>{''.join(rows)}</table>")

    @staticmethod
    def _opinions_html(problem: Problem) -> str:
        e = html.escape
        steps = workflow.history(problem.id)
        lines = []
        for step in reversed(steps):
            label = _(workflow.ACTION_LABELS.get(step.action, step.action))
            signed = f" <span style='color:#a50e0e'>（{e(_('Signed electronically'))}）</span>" \
                if step.signature else ""
            opinion = f"<br>{e(step.opinion)}" if step.opinion else ""
            lines.append(f"<p style='margin:4px 0'><b>{e(label)}</b>{signed}　"
                         f"<span style='color:#5f6368'>{e(step.user_name)} · "
                         f"{e(step.at.strftime('%Y-%m-%d %H:%M'))}</span>{opinion}</p>")
        if not lines:
            lines.append(f"<p>{e(_('No steps yet.'))}</p>")
        heading = f"<p style='margin-top:12px'><b>{e(_('Opinions and steps'))}</b></p>"
        return heading + "".join(lines)

    # --- actions -------------------------------------------------------------------------
    def _emit_open(self, problem_id: int | None) -> None:
        if problem_id is not None:
            self.open_problem.emit(problem_id)

    def open_current(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self._emit_open(ids[0])

    def run_action(self, action: str, ids: list[int] | None = None) -> bool:
        """Take ``action`` on the selected problems (or ``ids``), asking what it needs; True
        when it was recorded. Nothing is recorded when any of them refuses it."""
        ids = self.selected_ids() if ids is None else list(ids)
        if not ids:
            return False
        password = None
        if action == "sign_close":
            answer = self.ask_signature(len(ids))
            if answer is None:
                return False
            opinion, password = answer
        elif action in ("submit", "request_close"):
            opinion = ""
        else:
            opinion = self.ask_opinion(action, len(ids), _required(action))
            if opinion is None:
                return False
        first_row = min((self.model.row_of(i) for i in ids if self.model.row_of(i) is not None),
                        default=0)
        try:
            workflow.apply_many(self.ctx.session, ids, action, opinion, password)
        except DomainError as error:
            self.report_error(error)
            return False
        self.status_label.setText(_("{action}: done for {count} problem(s).").format(
            action=_(workflow.ACTION_LABELS[action]), count=len(ids)))
        self._resume_row = first_row
        self.ctx.changed("problem")
        return True

    def _ask_opinion(self, action: str, count: int, required: bool) -> str | None:
        label = _(workflow.ACTION_LABELS[action])
        prompt = (_("Write the reason for returning {count} problem(s); it is shown to the "
                    "clerk.") if action == "return"
                  else _("Opinion for {count} problem(s) (optional):"))
        default = _(DEFAULT_OPINIONS[action]) if action in DEFAULT_OPINIONS else ""
        dialog = OpinionDialog(self, label, prompt.format(count=count), required, default)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.opinion()

    def _ask_signature(self, count: int) -> tuple[str, str] | None:
        dialog = SignDialog(self, self.ctx.session.name, count)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.values()

    def edit_signature(self) -> QDialog | None:
        from desktop.ui.image_dialog import ImageDialog

        user = self.ctx.session.user
        if user is None:
            return None
        dialog = ImageDialog(self.ctx, ImageDialog.SIGNATURE, user.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

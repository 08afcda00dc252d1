"""问题清单: the page where a clerk finds, opens, enters and pastes problems.

The filters and the search box build a ``ProblemFilter``; the model runs it in SQL. Typing in
the search box waits a moment before searching so that each keystroke does not run a query.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import org, problem_query, problems, sheet_data, urging
from desktop.core.deadlines import LIGHT_LABELS, Light
from desktop.core.errors import DomainError
from desktop.core.i18n import _
from desktop.core.models import SCOPE_LABELS, STATE_LABELS, Role, Scope, State
from desktop.core.problem_query import ProblemFilter
from desktop.ui.common import DateField, fill_combo, show_error
from desktop.ui.context import AppContext
from desktop.ui.light_legend import CHANGED as LIGHTS_CHANGED
from desktop.ui.light_legend import LightLegend, forget_colours
from desktop.ui.problem_model import COLUMN_KEYS, ProblemTableModel, problem_table

SEARCH_DELAY_MS = 250
HEADER_KEY = "problems"


class ProblemListPage(QWidget):
    """Attributes tests drive: ``search_edit``, ``unit_combo``, ``state_combo``, ``light_combo``,
    ``area_combo``, ``person_combo``, ``source_combo``, ``scope_combo``, ``due_from``, ``due_to``,
    ``table``, ``model``, ``count_label``, ``legend``, ``urge_action``; ``apply_filters()`` runs the query at once (the search
    box otherwise waits for the typing to pause)."""

    counts_changed = Signal(int, int)  # shown, in campaign
    open_problem = Signal(object)  # problem id, or None for a new one
    paste_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._total = 0
        self._total_for: int | None = None  # the campaign _total was counted for
        self.model = ProblemTableModel(self)
        self._build()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        ctx.campaign_changed.connect(lambda _id: self.reload_choices())
        ctx.data_changed.connect(self._on_data_changed)
        self.reload_choices()

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(
            _("Search problems, measures, responsible people… (Ctrl+F)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filters)

        self.unit_combo = QComboBox(self)
        self.state_combo = QComboBox(self)
        self.light_combo = QComboBox(self)
        self.area_combo = QComboBox(self)
        self.person_combo = QComboBox(self)
        self.person_combo.setEditable(True)
        self.person_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.source_combo = QComboBox(self)
        self.scope_combo = QComboBox(self)
        self.due_from = DateField(self)
        self.due_to = DateField(self)
        for combo in (self.unit_combo, self.area_combo):
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for combo in (self.unit_combo, self.state_combo, self.light_combo, self.area_combo,
                      self.source_combo, self.scope_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.person_combo.lineEdit().editingFinished.connect(self.apply_filters)
        self.person_combo.activated.connect(lambda _i: self.apply_filters())
        for edit in (self.due_from, self.due_to):
            edit.dateChanged.connect(lambda _d: self.apply_filters())

        self.clear_button = QPushButton(_("Clear filters"), self)
        self.clear_button.clicked.connect(self.clear_filters)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.addWidget(self.search_edit, 0, 0, 1, 4)
        self._add_labelled(grid, 0, 4, _("Unit"), self.unit_combo)
        self._add_labelled(grid, 0, 6, _("Area"), self.area_combo)
        self._add_labelled(grid, 0, 8, _("State"), self.state_combo)
        self._add_labelled(grid, 1, 0, _("Light"), self.light_combo)
        self._add_labelled(grid, 1, 2, _("Responsible"), self.person_combo)
        self._add_labelled(grid, 1, 4, _("How found"), self.source_combo)
        self._add_labelled(grid, 1, 6, _("Org./personal"), self.scope_combo)
        due = QHBoxLayout()
        due.addWidget(self.due_from)
        due.addWidget(QLabel("–", self))
        due.addWidget(self.due_to)
        self._add_labelled(grid, 1, 8, _("Deadline"), due)
        grid.addWidget(self.clear_button, 0, 10, 2, 1)
        for column in (1, 3, 5, 7):
            grid.setColumnStretch(column, 1)

        self.table = problem_table(self, self.model)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSortIndicator(COLUMN_KEYS.index("code"), Qt.SortOrder.AscendingOrder)
        saved = self.ctx.settings.header_state(HEADER_KEY)
        if not saved.isEmpty():
            header.restoreState(saved)
        header.sectionResized.connect(lambda *_a: self.save_header())
        header.sectionMoved.connect(lambda *_a: self.save_header())
        self.table.doubleClicked.connect(lambda index: self.open_problem.emit(
            self.model.problem_id(index.row())))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.count_label = QLabel(self)
        self.new_button = QToolButton(self)
        self.paste_button = QToolButton(self)

        self.new_action = QAction(_("New problem"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.open_problem.emit(None))
        self.open_action = QAction(_("Open"), self)
        self.open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.open_action.triggered.connect(self.open_current)
        self.table.addAction(self.open_action)
        self.paste_action = QAction(_("Paste rows from Excel…"), self)
        self.paste_action.setShortcut(QKeySequence.StandardKey.Paste)
        self.paste_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.paste_action.triggered.connect(self.paste_from_clipboard)
        self.table.addAction(self.paste_action)
        self.delete_action = QAction(_("Delete draft"), self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)
        self.urge_action = QAction(_("Urge…"), self)
        self.urge_action.setToolTip(_("Print urging notices for the selected overdue or "
                                      "due-soon problems, one per responsible unit"))
        self.urge_action.triggered.connect(self.urge_selected)
        self.urge_button = QToolButton(self)
        self.urge_button.setDefaultAction(self.urge_action)
        self.urge_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.urge_dialog = None  # the last one opened (tests drive it)
        self.new_button.setDefaultAction(self.new_action)
        self.new_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.paste_button.setDefaultAction(self.paste_action)
        self.paste_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.urge_button)
        bottom.addWidget(self.paste_button)
        bottom.addWidget(self.new_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(grid)
        self.legend = LightLegend(self.ctx, compact=True, parent=self)
        layout.addWidget(self.legend)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.table)

    def _add_labelled(self, grid: QGridLayout, row: int, column: int, text: str, widget) -> None:
        label = QLabel(text, self)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(label, row, column)
        if isinstance(widget, QWidget):
            grid.addWidget(widget, row, column + 1)
            label.setBuddy(widget)
        else:
            grid.addLayout(widget, row, column + 1)

    def save_header(self) -> None:
        self.ctx.settings.set_header_state(HEADER_KEY, self.table.horizontalHeader().saveState())

    # --- choices and filters --------------------------------------------------------------
    def reload_choices(self) -> None:
        """Fill the filter combos from the current campaign (after a switch or a settings edit)."""
        campaign_id = self.ctx.campaign_id
        every = _("All")
        fill_combo(self.unit_combo, (("　" * depth + unit.name, unit.id)
                                     for unit, depth in org.unit_tree()), every,
                   self.unit_combo.currentData())
        fill_combo(self.state_combo, ((_(STATE_LABELS[s]), s.value) for s in State), every,
                   self.state_combo.currentData())
        fill_combo(self.light_combo, ((_(LIGHT_LABELS[light]), light.value) for light in Light),
                   every, self.light_combo.currentData())
        catalog = org.catalog_tree(campaign_id) if campaign_id else []
        fill_combo(self.area_combo, (("　" * depth + f"{node.label}{node.title}", node.id)
                                     for node, depth in catalog), every,
                   self.area_combo.currentData())
        choices = problem_query.filter_choices(campaign_id) if campaign_id else {}
        person = self.person_combo.currentText()
        fill_combo(self.person_combo, ((name, name) for name in choices.get("persons", [])), "")
        self.person_combo.setEditText(person)
        completer = QCompleter(choices.get("persons", []), self.person_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.person_combo.setCompleter(completer)
        fill_combo(self.source_combo, ((s, s) for s in choices.get("sources", [])), every,
                   self.source_combo.currentData())
        fill_combo(self.scope_combo, ((_(SCOPE_LABELS[s]), s.value) for s in Scope), every,
                   self.scope_combo.currentData())
        self.apply_filters()

    def current_filter(self) -> ProblemFilter | None:
        campaign_id = self.ctx.campaign_id
        if campaign_id is None:
            return None

        def chosen(combo: QComboBox) -> frozenset | None:
            value = combo.currentData()
            return None if value is None else frozenset({value})

        return ProblemFilter(
            campaign_id=campaign_id,
            unit_ids=chosen(self.unit_combo),
            states=chosen(self.state_combo),
            lights=chosen(self.light_combo),
            catalog_id=self.area_combo.currentData(),
            person=self.person_combo.currentText().strip(),
            due_from=self.due_from.value(),
            due_to=self.due_to.value(),
            source=self.source_combo.currentData() or "",
            scope=self.scope_combo.currentData() or "",
            text=self.search_edit.text().strip(),
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        selected = self.selected_ids()
        campaign = self.ctx.campaign()
        problem_filter = self.current_filter()
        rules = problem_query.light_rules(campaign) if campaign else None
        self.model.set_filter(problem_filter, rules)
        if campaign is None:
            self._total = 0
        elif self._total_for != campaign.id:  # the campaign's size changes only with its data
            self._total = problem_query.count_matching(ProblemFilter(campaign_id=campaign.id), rules)
            self._total_for = campaign.id
        self.select_ids(selected)
        self._show_counts()

    @property
    def total(self) -> int:
        """Problems in the campaign, whatever the filters."""
        return self._total

    def clear_filters(self) -> None:
        widgets = (self.unit_combo, self.state_combo, self.light_combo, self.area_combo,
                   self.source_combo, self.scope_combo, self.search_edit, self.person_combo,
                   self.due_from, self.due_to)
        for widget in widgets:
            widget.blockSignals(True)
        for combo in (self.unit_combo, self.state_combo, self.light_combo, self.area_combo,
                      self.source_combo, self.scope_combo):
            combo.setCurrentIndex(0)
        self.person_combo.setEditText("")
        self.search_edit.clear()
        self.due_from.set_value(None)
        self.due_to.set_value(None)
        for widget in widgets:
            widget.blockSignals(False)
        self.apply_filters()

    def show_filter(self, fields: dict) -> None:
        """Show the problems another page points at (a dashboard tile, a unit's bar): clear the
        filters, then set the ones given, so the user sees them and can widen the list.
        ``fields`` uses ProblemFilter's names; sets hold one value (a combo shows one)."""
        self.clear_filters()
        combos = {"unit_ids": self.unit_combo, "states": self.state_combo,
                  "lights": self.light_combo, "catalog_id": self.area_combo}
        for key, combo in combos.items():
            value = fields.get(key)
            if isinstance(value, (set, frozenset, list, tuple)):
                value = next(iter(value)) if len(value) == 1 else None
            if value is None:
                continue
            index = combo.findData(value)
            if index >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        if fields.get("person"):
            self.person_combo.setEditText(fields["person"])
        self.apply_filters()

    def _show_counts(self) -> None:
        shown = self.model.rowCount()
        if shown == self._total:
            text = _("{count} problems").format(count=shown)
        else:
            text = _("{shown} of {total} problems match").format(shown=shown, total=self._total)
        self.count_label.setText(text)
        self.counts_changed.emit(shown, self._total)

    def _on_data_changed(self, what: str) -> None:
        if what == LIGHTS_CHANGED:
            forget_colours()
            self.model.forget_icons()
            return
        self._total_for = None
        if what in ("problem",):
            self.apply_filters()
        elif what in ("unit", "catalog", "campaign", "person"):
            self.reload_choices()

    # --- selection and actions ---------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [pid for pid in (self.model.problem_id(r) for r in rows) if pid is not None]

    def select_ids(self, ids: list[int]) -> None:
        selection = self.table.selectionModel()
        first = True
        for pid in ids:
            row = self.model.row_of(pid)
            if row is None:
                continue
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            if first:
                self.table.setCurrentIndex(self.model.index(row, 1))
                self.table.scrollTo(self.model.index(row, 1))
                first = False
            selection.select(self.model.index(row, 0), flags)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_problem.emit(self.model.problem_id(index.row()))

    def paste_from_clipboard(self) -> None:
        text = QApplication.clipboard().text()
        if text.strip():
            self.paste_requested.emit(text)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.ctx.session.has_role(Role.CLERK):
            return
        if not self.confirm_delete(len(ids)):
            return
        try:
            problems.delete_problems(self.ctx.session, ids)
        except DomainError as error:
            show_error(self, error)
            return
        self.ctx.changed("problem")

    def urge_selected(self):
        """催办: notices for the selected problems that are overdue or due soon; the others
        are named as left out. Returns the dialog (None when there is nothing to urge)."""
        ids = self.selected_ids()
        campaign_id = self.ctx.campaign_id
        if not ids or campaign_id is None:
            self.inform(_("Select the overdue or due-soon problems to urge first."))
            return None
        if not any(self.ctx.session.has_role(r) for r in urging.URGE_ROLES):
            self.inform(_("Urging needs the role of clerk, reviewer or leader."))
            return None
        from desktop.ui.urge_dialog import UrgeDialog

        selection = sheet_data.urge_selection(campaign_id, ids)
        if not selection.urged:
            self.inform(_("None of the {count} selected problem(s) is overdue or due soon "
                          "(closed, on track or ongoing); there is nothing to urge.")
                        .format(count=len(ids)))
            return None
        dialog = UrgeDialog(self.ctx, selection, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.urge_dialog = dialog
        dialog.destroyed.connect(lambda *_a: setattr(self, "urge_dialog", None))
        dialog.open()
        return dialog

    def inform(self, text: str) -> None:
        QMessageBox.information(self, _("Urge"), text)

    def confirm_delete(self, count: int) -> bool:
        answer = QMessageBox.question(
            self, _("Delete drafts"),
            _("Delete {count} draft problem(s)? Only drafts can be deleted.").format(count=count),
        )
        return answer == QMessageBox.StandardButton.Yes

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.new_action)
        menu.addAction(self.paste_action)
        menu.addSeparator()
        menu.addAction(self.urge_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

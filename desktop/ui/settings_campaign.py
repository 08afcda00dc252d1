"""The campaign settings page: the current campaign's plan data (文号, dates, reporting cycle,
deadline rule, yellow-light window), its phases and its milestones, and starting a new one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core import org
from desktop.core.errors import DomainError
from desktop.core.i18n import N_, _
from desktop.core.models import Campaign, Cycle
from desktop.ui.admin_page import (
    AdminPage,
    button_row,
    date_text,
    fill_table,
    selected_id,
)
from desktop.ui.common import DateField, fill_combo, make_table, show_error
from desktop.ui.context import AppContext
from desktop.ui.settings_org_dialogs import (
    MilestoneDialog,
    NewCampaignDialog,
    PhaseDialog,
    unit_choices,
)

CYCLE_LABELS = {Cycle.WEEK: N_("Weekly"), Cycle.MONTH: N_("Monthly"),
                Cycle.QUARTER: N_("Quarterly")}
# msgids shared with the calendar code
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CampaignSettingsPage(AdminPage):
    """The current campaign's settings, phases and milestones.

    Form fields: ``name_edit``, ``doc_number_edit`` (文号), ``issuer_edit`` (发文单位),
    ``lead_unit_combo``, ``start_field``, ``end_field``, ``cycle_combo`` (data: Cycle value),
    ``report_day_spin``, ``report_hint`` (the rule in words), ``default_days_spin``,
    ``max_days_spin``, ``yellow_spin``, ``description_edit``; ``save_button`` (enabled once
    something changed), ``reload_button``, ``new_campaign_button``.
    Tables: ``phase_table`` with ``add_phase_button``/``edit_phase_button``/
    ``remove_phase_button``; ``milestone_table`` with the matching ``*_milestone_button``s.
    """

    watches = frozenset({"campaign", "unit"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._version: int | None = None
        self._loading = False
        self._dirty = False

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title.setWordWrap(True)
        self.new_campaign_button = QPushButton(_("New campaign…"))
        self.new_campaign_button.clicked.connect(self.new_campaign)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.new_campaign_button)

        self.name_edit = QLineEdit()
        self.doc_number_edit = QLineEdit()
        self.doc_number_edit.setPlaceholderText(_("e.g. 民党〔2026〕5号"))
        self.issuer_edit = QLineEdit()
        self.lead_unit_combo = QComboBox()
        self.start_field = DateField()
        self.end_field = DateField()
        self.cycle_combo = QComboBox()
        fill_combo(self.cycle_combo, [(_(label), c.value) for c, label in CYCLE_LABELS.items()])
        self.report_day_spin = QSpinBox()
        self.report_hint = QLabel()
        self.default_days_spin = self._days_spin(1, 60)
        self.max_days_spin = self._days_spin(1, 60)
        self.yellow_spin = self._days_spin(0, org.MAX_YELLOW_WORKDAYS)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(64)

        cycle_row = QHBoxLayout()
        cycle_row.addWidget(self.cycle_combo)
        cycle_row.addWidget(QLabel(_("report day")))
        cycle_row.addWidget(self.report_day_spin)
        cycle_row.addStretch(1)
        form = QFormLayout()
        form.addRow(_("Campaign name"), self.name_edit)
        form.addRow(_("Document number (文号)"), self.doc_number_edit)
        form.addRow(_("Issued by"), self.issuer_edit)
        form.addRow(_("Lead unit"), self.lead_unit_combo)
        form.addRow(_("Start date"), self.start_field)
        form.addRow(_("End date"), self.end_field)
        form.addRow(_("Reporting cycle"), cycle_row)
        form.addRow("", self.report_hint)
        form.addRow(_("Fix at once: default"), self.default_days_spin)
        form.addRow(_("Fix at once: at most"), self.max_days_spin)
        form.addRow(_("Yellow light before the deadline"), self.yellow_spin)
        form.addRow(_("Description"), self.description_edit)
        self.save_button = QPushButton(_("Save"))
        self.save_button.clicked.connect(self.save)
        self.reload_button = QPushButton(_("Discard changes and reload"))
        self.reload_button.clicked.connect(self._force_reload)
        self.admin_only(self.save_button, self.reload_button, self.new_campaign_button)
        settings_box = QGroupBox(_("Campaign"))
        settings_layout = QVBoxLayout(settings_box)
        settings_layout.addLayout(form)
        settings_layout.addLayout(button_row(self.save_button, self.reload_button))
        settings_layout.addStretch(1)

        self.phase_table = make_table([_("Phase"), _("Start date"), _("End date")])
        self.add_phase_button = QPushButton(_("Add…"))
        self.edit_phase_button = QPushButton(_("Edit…"))
        self.remove_phase_button = QPushButton(_("Delete"))
        self.add_phase_button.clicked.connect(self.add_phase)
        self.edit_phase_button.clicked.connect(self.edit_phase)
        self.remove_phase_button.clicked.connect(self.remove_phase)
        self.milestone_table = make_table(
            [_("Milestone"), _("Due date"), _("Phase"), _("Done on")]
        )
        self.add_milestone_button = QPushButton(_("Add…"))
        self.edit_milestone_button = QPushButton(_("Edit…"))
        self.remove_milestone_button = QPushButton(_("Delete"))
        self.add_milestone_button.clicked.connect(self.add_milestone)
        self.edit_milestone_button.clicked.connect(self.edit_milestone)
        self.remove_milestone_button.clicked.connect(self.remove_milestone)
        self.admin_only(self.add_phase_button, self.edit_phase_button, self.remove_phase_button,
                        self.add_milestone_button, self.edit_milestone_button,
                        self.remove_milestone_button)
        if self.is_admin:
            self.phase_table.doubleClicked.connect(self.edit_phase)
            self.milestone_table.doubleClicked.connect(self.edit_milestone)
        phases_box = QGroupBox(_("Phases"))
        phases_layout = QVBoxLayout(phases_box)
        phases_layout.addWidget(self.phase_table)
        phases_layout.addLayout(button_row(self.add_phase_button, self.edit_phase_button,
                                            self.remove_phase_button))
        milestones_box = QGroupBox(_("Milestones"))
        milestones_layout = QVBoxLayout(milestones_box)
        milestones_layout.addWidget(self.milestone_table)
        milestones_layout.addLayout(button_row(
            self.add_milestone_button, self.edit_milestone_button, self.remove_milestone_button
        ))
        right = QVBoxLayout()
        right.addWidget(phases_box, 2)
        right.addWidget(milestones_box, 3)

        body = QHBoxLayout()
        body.addWidget(settings_box, 5)
        body.addLayout(right, 6)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.read_only_note)
        layout.addLayout(body, 1)

        for short in (self.start_field, self.end_field, self.default_days_spin,
                      self.max_days_spin, self.yellow_spin):
            short.setMaximumWidth(180)  # a date or a count: a long field only looks empty
        self.form_widgets: list[QWidget] = [
            self.name_edit, self.doc_number_edit, self.issuer_edit, self.lead_unit_combo,
            self.start_field, self.end_field, self.cycle_combo, self.report_day_spin,
            self.default_days_spin, self.max_days_spin, self.yellow_spin, self.description_edit,
        ]
        for edit in (self.name_edit, self.doc_number_edit, self.issuer_edit):
            edit.textChanged.connect(self._mark_dirty)
        for field in (self.start_field, self.end_field):
            field.dateChanged.connect(self._mark_dirty)
        for spin in (self.report_day_spin, self.default_days_spin, self.max_days_spin,
                     self.yellow_spin):
            spin.valueChanged.connect(self._mark_dirty)
        self.lead_unit_combo.currentIndexChanged.connect(self._mark_dirty)
        self.cycle_combo.currentIndexChanged.connect(self._cycle_changed)
        self.report_day_spin.valueChanged.connect(self._show_report_rule)
        self.description_edit.textChanged.connect(self._mark_dirty)
        ctx.campaign_changed.connect(self._force_reload)
        self.reload()

    @staticmethod
    def _days_spin(low: int, high: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(_(" working days"))
        return spin

    # -- the form ----------------------------------------------------------------------------

    def _mark_dirty(self, *_args: Any) -> None:
        if not self._loading:
            self._dirty = True
            self.save_button.setEnabled(True)

    def _cycle_changed(self, *_args: Any) -> None:
        weekly = self.cycle_combo.currentData() == Cycle.WEEK.value
        self.report_day_spin.setRange(1, 7 if weekly else 28)
        self._show_report_rule()
        self._mark_dirty()

    def _show_report_rule(self, *_args: Any) -> None:
        day = self.report_day_spin.value()
        cycle = self.cycle_combo.currentData()
        if cycle == Cycle.WEEK.value:
            text = _("Ledger due each week by {weekday}").format(weekday=_(WEEKDAYS[day - 1]))
        elif cycle == Cycle.QUARTER.value:
            text = _("Ledger due by day {day} of the month after each quarter").format(day=day)
        else:
            text = _("Ledger due by day {day} of each month").format(day=day)
        self.report_hint.setText(text)

    def _force_reload(self, *_args: Any) -> None:
        self._dirty = False
        self.reload()

    def reload(self) -> None:
        """Refill everything; unsaved edits of the form are kept (saving them then meets the
        version check if someone else changed the campaign meanwhile)."""
        campaign = self.ctx.campaign()
        if not self._dirty:
            self._load_form(campaign)
        self._load_tables(campaign.id if campaign else None)

    def _load_form(self, campaign: Campaign | None) -> None:
        self._loading = True
        self.title.setText(campaign.name if campaign else _("No campaign is open."))
        tree = org.unit_tree()
        fill_combo(self.lead_unit_combo, unit_choices(tree), empty="—",
                   current=campaign.unit_id if campaign else None)
        if campaign is not None:
            self._version = campaign.version
            self.name_edit.setText(campaign.name)
            self.doc_number_edit.setText(campaign.doc_number)
            self.issuer_edit.setText(campaign.issuer)
            self.start_field.set_value(campaign.start_date)
            self.end_field.set_value(campaign.end_date)
            self.cycle_combo.setCurrentIndex(max(self.cycle_combo.findData(campaign.cycle), 0))
            self.report_day_spin.setRange(1, 7 if campaign.cycle == Cycle.WEEK.value else 28)
            self.report_day_spin.setValue(campaign.report_day)
            self.default_days_spin.setValue(campaign.default_workdays)
            self.max_days_spin.setValue(campaign.max_workdays)
            self.yellow_spin.setValue(campaign.yellow_workdays)
            self.description_edit.setPlainText(campaign.description)
        editable = self.is_admin and campaign is not None
        for widget in self.form_widgets:
            widget.setEnabled(editable)
        for button in (self.add_phase_button, self.add_milestone_button):
            button.setEnabled(campaign is not None)
        self._show_report_rule()
        self.save_button.setEnabled(False)
        self._loading = False

    def _load_tables(self, campaign_id: int | None) -> None:
        phases = org.campaign_phases(campaign_id) if campaign_id else []
        names = {p.id: p.name for p in phases}
        fill_table(self.phase_table, [
            (p.id, [p.name, date_text(p.start_date), date_text(p.end_date)]) for p in phases
        ], selected_id(self.phase_table))
        milestones = org.campaign_milestones(campaign_id) if campaign_id else []
        fill_table(self.milestone_table, [
            (m.id, [m.name, date_text(m.due_date), names.get(m.phase_id, ""),
                    date_text(m.done_date)]) for m in milestones
        ], selected_id(self.milestone_table))

    def form_values(self) -> dict[str, Any]:
        return {
            "name": self.name_edit.text(),
            "doc_number": self.doc_number_edit.text(),
            "issuer": self.issuer_edit.text(),
            "unit_id": self.lead_unit_combo.currentData(),
            "start_date": self.start_field.value(),
            "end_date": self.end_field.value(),
            "cycle": self.cycle_combo.currentData(),
            "report_day": self.report_day_spin.value(),
            "default_workdays": self.default_days_spin.value(),
            "max_workdays": self.max_days_spin.value(),
            "yellow_workdays": self.yellow_spin.value(),
            "description": self.description_edit.toPlainText(),
        }

    def save(self) -> bool:
        campaign_id = self.ctx.campaign_id
        if campaign_id is None:
            return False
        try:
            org.update_campaign(self.ctx.session, campaign_id, expected_version=self._version,
                                **self.form_values())
        except DomainError as error:
            show_error(self, error)  # a stale copy: the message says to reload
            return False
        self._dirty = False
        self.ctx.changed("campaign")
        return True

    def new_campaign(self) -> None:
        dialog = NewCampaignDialog(self)
        if not self.open_dialog(dialog):
            return
        current = self.ctx.campaign()
        try:
            campaign = org.create_campaign(self.ctx.session, unit_id=current.unit_id
                                           if current else None, **dialog.values())
        except DomainError as error:
            show_error(self, error)
            return
        self._dirty = False
        self.ctx.set_campaign(campaign.id)
        self.ctx.changed("campaign")

    # -- phases and milestones --------------------------------------------------------------

    def add_phase(self) -> None:
        dialog = PhaseDialog(self)
        if self.ctx.campaign_id is not None and self.open_dialog(dialog):
            v = dialog.values()
            self.call("campaign", org.add_phase, self.ctx.campaign_id, v["name"],
                      v["start_date"], v["end_date"])

    def _selected_phase(self):
        phase_id = selected_id(self.phase_table)
        if self.ctx.campaign_id is None or phase_id is None:
            return None
        return next((p for p in org.campaign_phases(self.ctx.campaign_id) if p.id == phase_id),
                    None)

    def edit_phase(self, *_args: Any) -> None:
        phase = self._selected_phase()
        if phase is None:
            return
        dialog = PhaseDialog(self, phase)
        if self.open_dialog(dialog):
            self.call("campaign", org.update_phase, phase.id, expected_version=phase.version,
                      **dialog.values())

    def remove_phase(self) -> None:
        phase = self._selected_phase()
        if phase and self.confirm(_("Delete the phase {name}?").format(name=phase.name)):
            self.call("campaign", org.delete_phase, phase.id)

    def _selected_milestone(self):
        milestone_id = selected_id(self.milestone_table)
        if self.ctx.campaign_id is None or milestone_id is None:
            return None
        return next((m for m in org.campaign_milestones(self.ctx.campaign_id)
                     if m.id == milestone_id), None)

    def add_milestone(self) -> None:
        campaign_id = self.ctx.campaign_id
        if campaign_id is None:
            return
        dialog = MilestoneDialog(self, org.campaign_phases(campaign_id))
        if self.open_dialog(dialog):
            v = dialog.values()
            self.call("campaign", org.add_milestone, campaign_id, v["name"], v["due_date"],
                      v["phase_id"], v["done_date"])

    def edit_milestone(self, *_args: Any) -> None:
        milestone = self._selected_milestone()
        if milestone is None:
            return
        dialog = MilestoneDialog(self, org.campaign_phases(milestone.campaign_id), milestone)
        if self.open_dialog(dialog):
            self.call("campaign", org.update_milestone, milestone.id,
                      expected_version=milestone.version, **dialog.values())

    def remove_milestone(self) -> None:
        milestone = self._selected_milestone()
        if milestone and self.confirm(
            _("Delete the milestone {name}?").format(name=milestone.name)
        ):
            self.call("campaign", org.delete_milestone, milestone.id)

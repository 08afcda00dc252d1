"""设置: the campaign, its catalog, units and people, accounts, holidays, light colours, and
the language."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.i18n import LANGUAGES, _, language
from desktop.ui.backup_page import BackupPage
from desktop.ui.catalog_page import CatalogPage
from desktop.ui.context import AppContext
from desktop.ui.holiday_page import HolidayPage
from desktop.ui.idle_lock import IdleLockSettings
from desktop.ui.light_settings import LightSettingsPage
from desktop.ui.settings_org import CampaignSettingsPage, UnitsPage, UsersPage

LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}


class LanguagePage(QWidget):
    """The interface language, applied at the next start (every window is built in one)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.combo = QComboBox(self)
        for code in LANGUAGES:
            self.combo.addItem(LANGUAGE_NAMES[code], code)
        self.combo.setCurrentIndex(max(self.combo.findData(ctx.settings.get("language")), 0))
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.combo.currentIndexChanged.connect(self._changed)
        form = QFormLayout(self)
        form.addRow(_("Interface language"), self.combo)
        form.addRow("", self.note)

    def _changed(self) -> None:
        code = self.combo.currentData()
        self.ctx.settings.set("language", code)
        if code != language():
            self.note.setText(_("The new language is used from the next start of the program."))
        else:
            self.note.clear()


class SettingsPage(QWidget):
    TABS = ("campaign", "catalog", "units", "users", "holidays", "lights", "backup", "language",
            "lock")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.campaign_page = CampaignSettingsPage(ctx)
        self.catalog_page = CatalogPage(ctx)
        self.units_page = UnitsPage(ctx)
        self.users_page = UsersPage(ctx)
        self.holiday_page = HolidayPage(ctx)
        self.lights_page = LightSettingsPage(ctx)
        self.backup_page = BackupPage(ctx, self)  # with a parent: lists when shown
        self.language_page = LanguagePage(ctx)
        self.lock_page = IdleLockSettings(ctx)
        self.tabs.addTab(self.campaign_page, _("Campaign"))
        self.tabs.addTab(self.catalog_page, _("Problem catalog"))
        self.tabs.addTab(self.units_page, _("Units and people"))
        self.tabs.addTab(self.users_page, _("Accounts"))
        self.tabs.addTab(self.holiday_page, _("Holidays and working days"))
        self.tabs.addTab(self.lights_page, _("Light colours"))
        self.tabs.addTab(self.backup_page, _("Backup and restore"))
        self.tabs.addTab(self.language_page, _("Language"))
        self.tabs.addTab(self.lock_page, _("Screen lock"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)

    def show_tab(self, name: str) -> None:
        if name in self.TABS:
            self.tabs.setCurrentIndex(self.TABS.index(name))

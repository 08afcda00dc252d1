"""What every page shares: the signed-in session, the current campaign, the settings, and
one signal that says the data changed (so each page decides whether to reload)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.core.models import Campaign
from desktop.core.session import Session
from desktop.ui.settings import Settings


class AppContext(QObject):
    campaign_changed = Signal(int)
    # emitted after a service changed the database; the argument names what changed
    # ("problem", "catalog", "unit", "person", "campaign", "holiday", ...)
    data_changed = Signal(str)

    def __init__(self, session: Session, database_label: str, settings: Settings) -> None:
        super().__init__()
        self.session = session
        self.database_label = database_label
        self.settings = settings
        self._campaign_id: int | None = None

    @property
    def campaign_id(self) -> int | None:
        return self._campaign_id

    def campaign(self) -> Campaign | None:
        if self._campaign_id is None:
            return None
        return Campaign.get_or_none(
            (Campaign.id == self._campaign_id) & Campaign.deleted_at.is_null()
        )

    def set_campaign(self, campaign_id: int | None) -> None:
        if campaign_id == self._campaign_id:
            return
        self._campaign_id = campaign_id
        if campaign_id is not None:
            self.settings.set("last_campaign", self._campaign_uuid(campaign_id))
            self.campaign_changed.emit(campaign_id)

    @staticmethod
    def _campaign_uuid(campaign_id: int) -> str:
        campaign = Campaign.get_or_none(Campaign.id == campaign_id)
        return campaign.uuid if campaign else ""

    def changed(self, what: str) -> None:
        self.data_changed.emit(what)

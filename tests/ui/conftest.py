"""Window tests: an AppContext over the test office, with settings in a throwaway file."""

from __future__ import annotations

import pytest

from desktop.ui.context import AppContext
from desktop.ui.settings import Settings


def make_context(office, who: str, tmp_path, name: str = "settings.ini") -> AppContext:
    ctx = AppContext(office.session(who), "test.db", Settings(tmp_path / name))
    ctx.set_campaign(office.campaign.id)
    return ctx


@pytest.fixture
def clerk_ctx(office, tmp_path) -> AppContext:
    return make_context(office, "clerk", tmp_path)

"""Agency settings: one save names every problem (an emptied required field and an invalid
value together), and nothing is saved."""

from __future__ import annotations

import pytest

from tests.accounts.test_accounts import _verified
from tests.ui.test_handler_attacks import _signed_in, _state
from travelcrm.ui.events import plain
from travelcrm.ui.pages.settings.state import SettingsState

pytestmark = pytest.mark.usefixtures("migrated_engine")


def test_agency_settings_name_every_problem_in_one_save() -> None:
    """An emptied name and a colour that is not one, in one save: both named, nothing saved."""
    agency = _verified()
    token, _ = _signed_in(agency.user.email)
    page = _state(SettingsState, token, "/settings")
    plain(SettingsState.load)(page)
    before = dict(page.form)
    plain(SettingsState.save)(page, {**page.form, "name": "", "primary_color": "teal"})
    assert set(page.errors) >= {"name", "primary_color"}
    plain(SettingsState.load)(page)
    assert page.form == before

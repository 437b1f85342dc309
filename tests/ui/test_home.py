"""Home: the installation's health is for owners and admins; until the page has loaded, no card
claims anything (the placeholders are what a reload shows)."""

from __future__ import annotations

import pytest

from tests.accounts.test_accounts import _verified
from tests.ui.test_handler_attacks import _agency_with_agent, _signed_in, _state
from travelcrm.ui.events import plain
from travelcrm.ui.pages.home.state import HomeState

pytestmark = pytest.mark.usefixtures("migrated_engine")


def test_before_loading_nothing_is_claimed() -> None:
    state = HomeState(_reflex_internal_init=True)
    assert state.loaded is False
    assert state.shows_status is False


def test_an_owner_sees_the_installations_health() -> None:
    agency = _verified()
    token, _ = _signed_in(agency.user.email)
    state = _state(HomeState, token, "/")
    plain(HomeState.load)(state)
    assert state.loaded and state.shows_status
    assert state.ready or state.failing


def test_an_agent_gets_no_system_status() -> None:
    _agency, email, _ = _agency_with_agent()
    token, _ = _signed_in(email)
    state = _state(HomeState, token, "/")
    plain(HomeState.load)(state)
    assert state.loaded
    assert state.shows_status is False
    assert state.failing == ""

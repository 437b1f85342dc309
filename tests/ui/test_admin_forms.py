"""The admin pages' forms and words: agency settings name every problem in one save (and save
nothing); the users page does not count an invited person as active."""

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


def test_an_invited_person_is_not_counted_as_active() -> None:
    from travelcrm.ui.pages.users.state import MemberRow, members_summary

    def row(active: bool, pending: bool) -> MemberRow:
        return MemberRow(
            member_id="m",
            name="A B",
            email="a@example.com",
            initials="AB",
            role="agent",
            active=active,
            pending=pending,
            verified=True,
            joined="",
            is_you=False,
            can_change_role=False,
            can_deactivate=False,
        )

    rows = [row(True, False), row(True, False), row(True, True), row(False, False)]
    assert members_summary(rows) == "4 people · 2 active · 1 invited"
    assert members_summary(rows[:1]) == "1 person · 1 active"


def test_the_roles_table_says_every_permission_in_words() -> None:
    from travelcrm.ui.pages.users.page import ACTION_WORDS, SHOWN_ACTIONS

    assert set(SHOWN_ACTIONS) <= set(ACTION_WORDS)
    assert all("." not in ACTION_WORDS[action] for action in SHOWN_ACTIONS)  # no keys on screen

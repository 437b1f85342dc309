"""Home per role: an agent's desk, the team view for managers, owners and admins, the setup
checklist for owners; the installation's health is for owners and admins; until the page has
loaded, no card claims anything (the placeholders are what a reload shows)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.queries.factories import trip
from tests.ui.test_handler_attacks import _agency_with_agent, _signed_in, _state
from travelcrm.accounts import services as accounts
from travelcrm.core.clock import utcnow
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryStatus
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


# ---- Home per role -----------------------------------------------------------------------------


def _context(agency: Any, user_id: uuid.UUID, role: Role) -> TenantContext:
    return TenantContext(agency.tenant.id, user_id, role)


def _query(ctx: TenantContext, *, to: uuid.UUID | None, due: datetime | None) -> None:
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(session, ctx, data=trip(), now=utcnow() - timedelta(days=2))
        query.status = QueryStatus.ASSIGNED.value if to else QueryStatus.PENDING.value
        query.assigned_to, query.response_due_at = to, due
        session.add(query)


def test_an_agent_sees_their_queries_by_urgency_and_no_team_numbers() -> None:
    agency, email, membership = _agency_with_agent()
    owner = _context(agency, agency.user.id, Role.OWNER)
    _query(owner, to=membership.user_id, due=utcnow() + timedelta(days=3))
    _query(owner, to=membership.user_id, due=utcnow() - timedelta(hours=2))
    _query(owner, to=None, due=utcnow() - timedelta(hours=5))  # nobody's: not on the desk
    token, _ = _signed_in(email)
    state = _state(HomeState, token, "/")
    plain(HomeState.load)(state)
    assert state.loaded and state.shows_desk
    assert not (state.shows_team or state.shows_setup or state.shows_status)
    assert (state.desk_open, state.desk_breaching) == (2, 1)
    first, second = state.desk_rows
    assert first.sla.endswith("late") and first.sla_tone == "red"
    assert first.href.startswith("/queries/") and first.status == "assigned"
    assert second.sla.endswith("left")
    assert state.agency["role"] == "Agent"


def test_an_owner_of_a_new_agency_gets_the_checklist_and_the_team_view() -> None:
    agency = _verified()
    owner = _context(agency, agency.user.id, Role.OWNER)
    _query(owner, to=None, due=utcnow() - timedelta(hours=1))
    token, _ = _signed_in(agency.user.email)
    state = _state(HomeState, token, "/")
    plain(HomeState.load)(state)
    assert state.shows_team and state.shows_setup and not state.shows_desk
    assert state.setup_done == 0
    assert [step.key for step in state.setup_steps] == [
        "settings",
        "people",
        "supplier",
        "rates",
        "enquiry",
    ]
    assert state.enquiry_url.endswith(f"/api/public/{agency.tenant.slug}/enquiries")
    assert (state.open_total, state.breach_count) == (1, 1)
    assert state.breach_rows[0].assignee == ""
    assert [row["status"] for row in state.pipeline_chart] == [
        "Draft",
        "Pending",
        "Assigned",
        "Quoted",
        "On hold",
    ]
    assert [row["queries"] for row in state.pipeline_chart] == [0, 1, 0, 0, 0]
    assert len(state.outcome_chart) == 30 and state.win_rate == "—"


def test_a_manager_gets_the_team_view_but_not_the_checklist() -> None:
    agency, _email, _ = _agency_with_agent()
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=agency.tenant.id,
            email=f"manager.{agency.tenant.slug}@example.com",
            name="Mina Manager",
            password=PASSWORD,
            role=Role.MANAGER,
            verified=True,
        )
    token, _ = _signed_in(f"manager.{agency.tenant.slug}@example.com")
    state = _state(HomeState, token, "/")
    plain(HomeState.load)(state)
    assert state.shows_team and not (state.shows_setup or state.shows_desk or state.shows_status)
    assert [row["name"] for row in state.load_chart] == ["Agent"]
    assert state.load_chart[0]["on time"] == 0


def test_the_charts_speak_in_words() -> None:
    from datetime import date

    from travelcrm.queries.stats import AgentLoad, DayOutcome, StatusCount
    from travelcrm.ui.pages.home import text

    assert text.pipeline_chart([StatusCount(QueryStatus.ON_HOLD, 3)]) == [
        {"status": "On hold", "queries": 3}
    ]
    assert text.load_chart([AgentLoad(uuid.uuid4(), "Asha Rao", 5, 2)]) == [
        {"name": "Asha Rao", "on time": 3, "past SLA": 2}
    ]
    assert text.outcome_chart([DayOutcome(date(2026, 12, 7), 2, 1)]) == [
        {"day": "7 Dec", "won": 2, "lost": 1}
    ]
    assert (text.win_rate(2, 1), text.win_rate(0, 0)) == ("67% won", "—")

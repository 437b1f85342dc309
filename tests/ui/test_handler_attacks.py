"""Reflex event handlers called straight, as a crafted websocket event would call them: with
another agency's ids, or by a role the permission table does not allow. Nothing changes and the
answer is "not found" (or "not allowed"), whatever the page showed.

The handlers run on a real state object, against the run's database, with the session cookie in
the router data exactly as the websocket connection carries it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import select

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.ui.harness import bare_state as _state
from tests.ui.harness import signed_in as _signed_in
from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import AuthSession, Membership
from travelcrm.core.permissions import Role
from travelcrm.db import system_scope
from travelcrm.ui.events import plain
from travelcrm.ui.pages.auth.choose import ChooseAgencyState
from travelcrm.ui.pages.sessions.state import SessionsState
from travelcrm.ui.pages.users.state import UsersState


def _agency_with_agent() -> tuple[Any, str, Membership]:
    agency = _verified()
    email = f"agent.{agency.tenant.slug}@example.com"
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=agency.tenant.id,
            email=email,
            name="Agent",
            password=PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
    return agency, email, _membership_of(email, agency.tenant.id)


def _membership_of(email: str, tenant_id: uuid.UUID) -> Membership:
    from travelcrm.accounts.models import User
    from travelcrm.db import enter_tenant

    with system_scope() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        enter_tenant(session, tenant_id)
        return session.exec(select(Membership).where(Membership.user_id == user.id)).one()


def test_users_handlers_refuse_another_agencys_member(migrated_engine) -> None:
    mine = _verified()
    theirs, _email, their_agent = _agency_with_agent()
    token, _sid = _signed_in(mine.user.email)
    state = _state(UsersState, token, "/users")
    plain(UsersState.load)(state)
    plain(UsersState.change_role)(state, str(their_agent.id), Role.ADMIN.value)
    state.confirm_member_id, state.confirm_name = str(their_agent.id), "Agent"
    plain(UsersState.deactivate)(state)
    after = _membership_of(f"agent.{theirs.tenant.slug}@example.com", theirs.tenant.id)
    assert (after.role, after.is_active) == (Role.AGENT.value, True)
    assert all(row.member_id != str(their_agent.id) for row in state.members)


def test_an_agent_cannot_use_the_admin_handlers(migrated_engine) -> None:
    agency, agent_email, _agent = _agency_with_agent()
    owner = _membership_of(agency.user.email, agency.tenant.id)
    token, _sid = _signed_in(agent_email)
    state = _state(UsersState, token, "/users")
    plain(UsersState.load)(state)
    assert state.allowed is False and state.members == []
    plain(UsersState.change_role)(state, str(owner.id), Role.AGENT.value)
    state.confirm_member_id = str(owner.id)
    plain(UsersState.deactivate)(state)
    plain(UsersState.invite)(state, {"email": "x@example.com", "name": "X"})
    after = _membership_of(agency.user.email, agency.tenant.id)
    assert (after.role, after.is_active) == (Role.OWNER.value, True)
    with system_scope() as session:
        from travelcrm.accounts.models import User

        assert session.exec(select(User).where(User.email == "x@example.com")).first() is None


def test_choosing_an_agency_one_is_not_in_is_not_found(migrated_engine) -> None:
    mine, theirs = _verified(), _verified()
    token, sid = _signed_in(mine.user.email)
    state = _state(ChooseAgencyState, token, "/choose-agency")
    plain(ChooseAgencyState.pick)(state, str(theirs.tenant.id))
    assert state.error == "Agency not found."
    with system_scope() as session:
        live = session.get(AuthSession, sid)
        assert live is not None and live.active_tenant_id == mine.tenant.id


def test_ending_someone_elses_session_does_nothing(migrated_engine) -> None:
    mine, theirs = _verified(), _verified()
    _their_token, their_sid = _signed_in(theirs.user.email)
    token, _sid = _signed_in(mine.user.email)
    state = _state(SessionsState, token, "/sessions")
    plain(SessionsState.sign_out)(state, str(their_sid))
    plain(SessionsState.sign_out_others)(state)
    with system_scope() as session:
        theirs_live = session.get(AuthSession, their_sid)
        assert theirs_live is not None and theirs_live.revoked_at is None

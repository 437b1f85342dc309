"""The state kit's `_run`: work runs in the viewer's agency, and each kind of failure becomes
what a page shows — sign-in, a refusal, field messages in one pass, a conflict, a toast — with
nothing saved when the work fails half-way."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import reflex as rx
from pydantic import BaseModel, Field
from sqlmodel import select

from tests.accounts.test_accounts import _verified
from tests.ui.test_handler_attacks import _agency_with_agent, _signed_in, _state
from travelcrm.core.errors import (
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.permissions import Action, Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.customers.models import Customer
from travelcrm.customers.schemas import CustomerCreate
from travelcrm.db import tenant_scope
from travelcrm.ui.kit import StaffPage, parse_id

pytestmark = pytest.mark.usefixtures("migrated_engine")


class KitProbeState(StaffPage, rx.State):
    errors: dict[str, str] = {}


class _Form(BaseModel):
    name: str = Field(min_length=2)
    email: str = Field(pattern="@")


def _toast_text(spec: Any) -> str:
    return repr(spec)


def _owner_state() -> tuple[KitProbeState, Any]:
    agency = _verified()
    token, _ = _signed_in(agency.user.email)
    return _state(KitProbeState, token, "/customers"), agency


def test_work_runs_in_the_viewers_agency_and_clears_old_field_messages() -> None:
    state, agency = _owner_state()
    state.errors = {"name": "stale"}
    result, shown = state._run(
        lambda session, ctx: ctx.tenant_id, may=Action.CUSTOMERS_VIEW, errors="errors"
    )
    assert shown is None
    assert result == agency.tenant.id
    assert state.errors == {}


def test_signed_out_goes_to_sign_in_and_runs_nothing() -> None:
    state = _state(KitProbeState, "no-such-token", "/customers")
    ran: list[bool] = []
    result, shown = state._run(lambda s, c: ran.append(True))
    assert result is None and not ran
    assert "/login" in _toast_text(shown)


def test_a_role_that_may_not_is_refused_before_the_work_runs() -> None:
    _agency, email, _ = _agency_with_agent()
    token, _ = _signed_in(email)
    state = _state(KitProbeState, token, "/users")
    ran: list[bool] = []
    result, shown = state._run(lambda s, c: ran.append(True), may=Action.USERS_CHANGE_ROLE)
    assert result is None and not ran
    assert "cannot" in _toast_text(shown)


def test_every_field_message_lands_at_its_field_in_one_pass() -> None:
    state, _ = _owner_state()
    result, _shown = state._run(lambda s, c: _Form(name="x", email="nope"), errors="errors")
    assert result is None
    assert set(state.errors) == {"name", "email"}


def test_a_domain_validation_error_names_its_fields_too() -> None:
    state, _ = _owner_state()

    def work(session: Any, ctx: Any) -> None:
        raise ValidationFailedError(
            "Check the form.", [FieldError("phone", "Phone is not a phone number")]
        )

    state._run(work, errors="errors")
    assert state.errors == {"phone": "Phone is not a phone number"}


def test_failure_half_way_saves_nothing() -> None:
    state, agency = _owner_state()
    name = f"Half-way {uuid.uuid4().hex[:6]}"

    def work(session: Any, ctx: Any) -> None:
        customers.create_customer(session, ctx, data=CustomerCreate(name=name))
        raise NotFoundError("Query not found.")

    result, shown = state._run(work)
    assert result is None
    assert "Query not found." in _toast_text(shown)
    with tenant_scope(TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)) as session:
        assert session.exec(select(Customer).where(Customer.name == name)).first() is None


def test_a_stale_row_version_is_a_conflict() -> None:
    state, _ = _owner_state()

    def work(session: Any, ctx: Any) -> None:
        raise VersionConflictError.at("Someone else saved it.", current_row_version=4)

    _result, shown = state._run(work)
    assert "Changed by someone else" in _toast_text(shown)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("", False), (None, False), ("x", False), ("5f0c3a52-8d1e-4c7b-9a44-0b6f2e1d7c39", True)],
)
def test_ids_from_routes_and_buttons(value: Any, ok: bool) -> None:
    assert (parse_id(value) is not None) is ok

"""The supplier pages' event handlers called straight, as a crafted websocket event would call
them: with another agency's supplier, contact and service ids, or by a role that may only read.
Nothing of the other agency changes or shows, and the reader changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from reflex.istate.data import RouterData

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.suppliers.test_api import BANK
from tests.ui.test_handler_attacks import _signed_in
from travelcrm.accounts import services as accounts
from travelcrm.api.auth import SESSION_COOKIE
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.schemas import BankDetailsIn, ContactIn, ServiceIn, SupplierCreate
from travelcrm.ui.pages.suppliers.list_state import SuppliersState
from travelcrm.ui.pages.suppliers.state import SupplierState

BANK_FORM = {**BANK, "swift": "", "iban": "", "branch": ""}


def _state(cls: type, token: str, path: str, params: dict[str, str] | None = None) -> Any:
    state = cls(_reflex_internal_init=True)
    state.router = RouterData.from_router_data(
        {
            "headers": {"cookie": f"{SESSION_COOKIE}={token}", "origin": "http://x"},
            "pathname": path,
            "query": params or {},
        }
    )
    return state


class World:
    """Two agencies; "theirs" has a supplier with a contact, a room and bank details."""

    def __init__(self) -> None:
        self.mine, self.theirs = _verified(), _verified()
        ctx = TenantContext(self.theirs.tenant.id, self.theirs.user.id, Role.OWNER)
        self.their_ctx = ctx
        with tenant_scope(ctx) as session:
            supplier = suppliers.create_supplier(
                session,
                ctx,
                data=SupplierCreate(
                    name="Bravo Lodge", kind="hotel", country="IN", default_currency="INR"
                ),
            )
            self.supplier_id = str(supplier.id)
            self.contact_id = str(
                suppliers.add_contact(
                    session, ctx, supplier_id=supplier.id, data=ContactIn(name="Bravo Person")
                ).id
            )
            self.service_id = str(
                suppliers.add_service(
                    session,
                    ctx,
                    supplier_id=supplier.id,
                    data=ServiceIn(kind="room", name="Deluxe", meal_plan="CP"),
                ).id
            )
            suppliers.set_bank_details(
                session, ctx, supplier_id=supplier.id, data=BankDetailsIn(**BANK)
            )

    def snapshot(self) -> tuple[Any, ...]:
        ctx = self.their_ctx
        sid = uuid.UUID(self.supplier_id)
        with tenant_scope(ctx) as session:
            supplier = suppliers.get_supplier(session, ctx, supplier_id=sid)
            contacts = [
                (c.name, c.is_primary)
                for c in suppliers.list_contacts(session, ctx, supplier_id=sid)
            ]
            services = [
                (s.name, s.is_active)
                for s in suppliers.list_services(session, ctx, supplier_id=sid)
            ]
            return (
                supplier.name,
                supplier.status,
                supplier.row_version,
                supplier.bank_hint,
                contacts,
                services,
            )


def _attack(state: SupplierState, world: World) -> None:
    """Every handler, aimed at the other agency's supplier and its children."""
    SupplierState.save.fn(state, {"name": "Hijacked", "row_version": "2"})
    SupplierState.set_status.fn(state, "inactive")
    SupplierState.make_primary.fn(state, world.contact_id)
    SupplierState.open_contact.fn(state, "")
    SupplierState.save_contact.fn(state, {"name": "Intruder"})
    state.contact_edit_id = world.contact_id
    SupplierState.save_contact.fn(state, {"name": "Renamed"})
    SupplierState.open_service.fn(state, "")
    SupplierState.save_service.fn(state, {"name": "Intruder room"})
    state.service_edit_id = world.service_id
    SupplierState.save_service.fn(state, {"name": "Renamed room"})
    state.services = []
    SupplierState.toggle_service.fn(state, world.service_id)
    SupplierState.save_bank.fn(state, BANK_FORM)
    SupplierState.reveal.fn(state)
    for what, target in (
        ("contact", world.contact_id),
        ("service", world.service_id),
        ("bank", ""),
        ("supplier", ""),
    ):
        SupplierState.ask.fn(state, what, target, "x")
        SupplierState.confirm.fn(state)


def test_handlers_refuse_another_agencys_supplier(migrated_engine) -> None:
    world = World()
    before = world.snapshot()
    token, _sid = _signed_in(world.mine.user.email)
    path = f"/suppliers/{world.supplier_id}"
    state = _state(SupplierState, token, path, {"id": world.supplier_id})
    SupplierState.load.fn(state)
    assert state.allowed and not state.found and state.name == ""
    state.supplier_id = world.supplier_id  # as if the browser insisted
    _attack(state, world)
    assert state.revealed == [] and state.name == ""
    assert world.snapshot() == before


def test_handlers_refuse_their_contacts_and_services_under_my_supplier(migrated_engine) -> None:
    world = World()
    before = world.snapshot()
    ctx = TenantContext(world.mine.tenant.id, world.mine.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        mine = suppliers.create_supplier(
            session,
            ctx,
            data=SupplierCreate(
                name="My Hotel", kind="hotel", country="IN", default_currency="INR"
            ),
        )
    token, _sid = _signed_in(world.mine.user.email)
    state = _state(SupplierState, token, f"/suppliers/{mine.id}", {"id": str(mine.id)})
    SupplierState.load.fn(state)
    assert state.found and state.name == "My Hotel"
    for what, target in (("contact", world.contact_id), ("service", world.service_id)):
        SupplierState.ask.fn(state, what, target, "x")
        SupplierState.confirm.fn(state)
    SupplierState.make_primary.fn(state, world.contact_id)
    state.contact_edit_id = world.contact_id
    SupplierState.save_contact.fn(state, {"name": "Renamed"})
    state.service_edit_id = world.service_id
    SupplierState.save_service.fn(state, {"name": "Renamed room"})
    assert world.snapshot() == before
    assert state.contacts == [] and state.services == []


def test_an_agent_reads_but_the_handlers_change_nothing(migrated_engine) -> None:
    world = World()
    email = f"agent.{world.theirs.tenant.slug}@example.com"
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=world.theirs.tenant.id,
            email=email,
            name="Agent",
            password=PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
    before = world.snapshot()
    token, _sid = _signed_in(email)
    path = f"/suppliers/{world.supplier_id}"
    state = _state(SupplierState, token, path, {"id": world.supplier_id})
    SupplierState.load.fn(state)
    assert state.found and state.name == "Bravo Lodge"
    assert (state.can_edit, state.can_bank, state.bank_hint) == (False, False, "")
    assert state.has_bank
    _attack(state, world)
    assert state.revealed == []
    assert world.snapshot() == before

    listing = _state(SuppliersState, token, "/suppliers")
    SuppliersState.load.fn(listing)
    assert [r.name for r in listing.rows] == ["Bravo Lodge"] and not listing.can_edit
    SuppliersState.create.fn(
        listing, {"name": "Sneaky", "country": "IN", "default_currency": "INR"}
    )
    SuppliersState.load.fn(listing)
    assert [r.name for r in listing.rows] == ["Bravo Lodge"]


def test_the_list_shows_only_the_viewers_agency(migrated_engine) -> None:
    world = World()
    token, _sid = _signed_in(world.mine.user.email)
    listing = _state(SuppliersState, token, "/suppliers")
    SuppliersState.load.fn(listing)
    assert listing.rows == [] and listing.label == "No suppliers"
    listing.status = "all"
    SuppliersState.set_q.fn(listing, "Bravo")
    assert listing.rows == []
    SuppliersState.create.fn(
        listing,
        {"name": "Sea Breeze", "country": "in", "default_currency": "inr", "tags": "Beach, goa"},
    )
    assert listing.create_errors == {}
    SuppliersState.clear_filters.fn(listing)
    assert [(r.name, r.country, r.tags) for r in listing.rows] == [
        ("Sea Breeze", "IN", ["beach", "goa"])
    ]
    assert listing.label == "1-1 of 1"
    SuppliersState.create.fn(listing, {"name": "", "country": "XX", "default_currency": "INR"})
    assert set(listing.create_errors) >= {"name", "country"}

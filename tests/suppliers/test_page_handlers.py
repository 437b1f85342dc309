"""The supplier pages' event handlers called straight, as a crafted websocket event would call
them: with another agency's supplier, contact and service ids, or by a role that may only read.
Nothing of the other agency changes or shows, and the reader changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.suppliers.test_api import BANK
from tests.ui.harness import signed_in as _signed_in
from tests.ui.harness import tree_state as _state
from travelcrm.accounts import services as accounts
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.schemas import BankDetailsIn, ContactIn, ServiceIn, SupplierCreate
from travelcrm.ui.events import plain
from travelcrm.ui.pages.suppliers.bank_state import BankState
from travelcrm.ui.pages.suppliers.contacts_state import ContactsState
from travelcrm.ui.pages.suppliers.list_state import SuppliersState
from travelcrm.ui.pages.suppliers.services_state import ServicesState
from travelcrm.ui.pages.suppliers.state import SupplierState

BANK_FORM = {**BANK, "swift": "", "iban": "", "branch": ""}


def _hotel(session: Any, ctx: TenantContext, name: str) -> Any:
    data = SupplierCreate(name=name, kind="hotel", country="IN", default_currency="INR")
    return suppliers.create_supplier(session, ctx, data=data)


class World:
    """Two agencies; "theirs" has a supplier with a contact, a room and bank details."""

    def __init__(self) -> None:
        self.mine, self.theirs = _verified(), _verified()
        ctx = TenantContext(self.theirs.tenant.id, self.theirs.user.id, Role.OWNER)
        self.their_ctx = ctx
        with tenant_scope(ctx) as session:
            supplier = _hotel(session, ctx, "Bravo Lodge")
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


def _tab(state: SupplierState, tab: type[Any]) -> Any:
    """The page's substate for one tab (its handlers read and set the page's own vars)."""
    sub = state.substates[tab.get_name()]
    assert isinstance(sub, tab) and sub.parent_state is state
    return sub


def _remove(state: SupplierState, what: str, target: str) -> None:
    """Ask to remove `what`, then say yes, as the page's dialog does."""
    plain(SupplierState.ask)(state, what, target, "x")
    assert state.confirm_open and state.confirm_what == what
    plain(SupplierState.confirm)(state)
    assert not state.confirm_open


def _attack(state: SupplierState, world: World) -> None:
    """Every handler, aimed at the other agency's supplier and its children."""
    contacts, services, bank = (_tab(state, t) for t in (ContactsState, ServicesState, BankState))
    plain(SupplierState.save)(state, {"name": "Hijacked", "row_version": "2"})
    plain(SupplierState.set_status)(state, "inactive")
    plain(ContactsState.make_primary)(contacts, world.contact_id)
    plain(ContactsState.open_contact)(contacts, "")
    plain(ContactsState.save_contact)(contacts, {"name": "Intruder"})
    contacts.contact_edit_id = world.contact_id
    plain(ContactsState.save_contact)(contacts, {"name": "Renamed"})
    plain(ServicesState.open_service)(services, "")
    plain(ServicesState.save_service)(services, {"name": "Intruder room"})
    services.service_edit_id = world.service_id
    plain(ServicesState.save_service)(services, {"name": "Renamed room"})
    state.services = []
    plain(ServicesState.toggle_service)(services, world.service_id)
    plain(BankState.save_bank)(bank, BANK_FORM)
    plain(BankState.reveal)(bank)
    for what, target in (
        ("contact", world.contact_id),
        ("service", world.service_id),
        ("bank", ""),
        ("supplier", ""),
    ):
        _remove(state, what, target)


def test_handlers_refuse_another_agencys_supplier(migrated_engine) -> None:
    world = World()
    before = world.snapshot()
    token, _sid = _signed_in(world.mine.user.email)
    path = f"/suppliers/{world.supplier_id}"
    state = _state(SupplierState, token, path, {"id": world.supplier_id})
    plain(SupplierState.load)(state)
    assert state.allowed and not state.found and state.name == ""
    state.supplier_id = world.supplier_id  # as if the browser insisted
    _attack(state, world)
    assert state.revealed == [] and state.name == ""
    assert world.snapshot() == before


def _my_hotel(world: World) -> SupplierState:
    """A supplier of my own agency, its page loaded by me."""
    ctx = TenantContext(world.mine.tenant.id, world.mine.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        mine = _hotel(session, ctx, "My Hotel")
    token, _sid = _signed_in(world.mine.user.email)
    state = _state(SupplierState, token, f"/suppliers/{mine.id}", {"id": str(mine.id)})
    plain(SupplierState.load)(state)
    return state


def test_handlers_refuse_their_contacts_and_services_under_my_supplier(migrated_engine) -> None:
    world = World()
    before = world.snapshot()
    state = _my_hotel(world)
    assert state.found and state.name == "My Hotel"
    for what, target in (("contact", world.contact_id), ("service", world.service_id)):
        _remove(state, what, target)
    contacts, services = _tab(state, ContactsState), _tab(state, ServicesState)
    plain(ContactsState.make_primary)(contacts, world.contact_id)
    contacts.contact_edit_id = world.contact_id
    plain(ContactsState.save_contact)(contacts, {"name": "Renamed"})
    services.service_edit_id = world.service_id
    plain(ServicesState.save_service)(services, {"name": "Renamed room"})
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
    plain(SupplierState.load)(state)
    assert state.found and state.name == "Bravo Lodge"
    assert (state.can_edit, state.can_bank, state.bank_hint) == (False, False, "")
    assert state.has_bank
    _attack(state, world)
    assert state.revealed == []
    assert world.snapshot() == before

    listing = _state(SuppliersState, token, "/suppliers")
    plain(SuppliersState.load)(listing)
    assert [r.name for r in listing.rows] == ["Bravo Lodge"] and not listing.can_edit
    plain(SuppliersState.create)(
        listing, {"name": "Sneaky", "country": "IN", "default_currency": "INR"}
    )
    plain(SuppliersState.load)(listing)
    assert [r.name for r in listing.rows] == ["Bravo Lodge"]


def test_the_list_shows_only_the_viewers_agency(migrated_engine) -> None:
    world = World()
    token, _sid = _signed_in(world.mine.user.email)
    listing = _state(SuppliersState, token, "/suppliers")
    plain(SuppliersState.load)(listing)
    assert listing.rows == [] and listing.label == "No suppliers"
    listing.status = "all"
    plain(SuppliersState.set_q)(listing, "Bravo")
    assert listing.rows == []
    plain(SuppliersState.create)(
        listing,
        {"name": "Sea Breeze", "country": "in", "default_currency": "inr", "tags": "Beach, goa"},
    )
    assert listing.create_errors == {}
    plain(SuppliersState.clear_filters)(listing)
    assert [(r.name, r.country, r.tags) for r in listing.rows] == [
        ("Sea Breeze", "India", ["beach", "goa"])
    ]
    assert listing.label == "1-1 of 1"
    plain(SuppliersState.create)(listing, {"name": "", "country": "XX", "default_currency": "INR"})
    assert set(listing.create_errors) >= {"name", "country"}


def test_each_tab_changes_my_supplier_and_the_page_shows_it(migrated_engine) -> None:
    world = World()
    state = _my_hotel(world)
    contacts, services, bank = (_tab(state, t) for t in (ContactsState, ServicesState, BankState))

    plain(ContactsState.open_contact)(contacts, "")
    assert contacts.contact_open and contacts.contact_primary  # the first one is primary
    plain(ContactsState.save_contact)(contacts, {"name": "Ritu", "email": "not an email"})
    assert set(contacts.contact_errors) == {"email"} and contacts.contact_open
    plain(ContactsState.save_contact)(contacts, {"name": "Ritu", "email": "ritu@example.com"})
    assert not contacts.contact_open and contacts.contact_errors == {}
    assert [(c.name, c.is_primary) for c in state.contacts] == [("Ritu", True)]

    for name in ("Deluxe", "Deluxe"):
        plain(ServicesState.open_service)(services, "")
        assert services.service_kind == "room" and services.service_meal_plan == "CP"
        plain(ServicesState.save_service)(services, {"name": name})
    assert services.service_open and "name" in services.service_errors  # already there
    assert [s.name for s in state.services] == ["Deluxe"]
    plain(ServicesState.toggle_service)(services, state.services[0].service_id)
    assert not state.services[0].is_active

    plain(BankState.save_bank)(bank, {**BANK_FORM, "ifsc": "nope"})
    assert "ifsc" in bank.bank_errors and not state.has_bank
    plain(BankState.save_bank)(bank, BANK_FORM)
    assert state.has_bank and state.bank_hint and not bank.bank_open
    plain(BankState.reveal)(bank)
    assert BANK["account_number"] in [line.value for line in state.revealed]
    _remove(state, "bank", "")
    assert not state.has_bank and state.revealed == []

    _remove(state, "contact", state.contacts[0].contact_id)
    _remove(state, "service", state.services[0].service_id)
    assert state.contacts == [] and state.services == [] and state.found
    _remove(state, "supplier", "")
    plain(SupplierState.load)(state)
    assert not state.found

"""Supplier services on the run's database (SQLite, or PostgreSQL with RLS): create with the
field rules, list with search/filters/sort/paging, optimistic locking, archive instead of delete,
contacts with one primary, services with meal plans, encrypted bank details, the audit trail,
and another agency's ids answering "not found"."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from travelcrm.audit.models import AuditEvent
from travelcrm.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.rates.models import RateLine, RateList, RateListVersion, Season
from travelcrm.suppliers import services
from travelcrm.suppliers.models import Supplier, SupplierContact, SupplierService
from travelcrm.suppliers.schemas import (
    BankDetailsIn,
    ContactIn,
    ContactUpdate,
    ServiceIn,
    ServiceUpdate,
    SupplierCreate,
    SupplierFilter,
    SupplierUpdate,
)
from travelcrm.tenants.schemas import TenantCreate
from travelcrm.tenants.services import create_tenant

BANK = {
    "account_holder": "Sea Breeze Resorts Pvt Ltd",
    "bank_name": "HDFC Bank",
    "account_number": "50100123454321",
    "ifsc": "HDFC0001234",
}


def _agency(name: str) -> uuid.UUID:
    with system_scope() as session:
        tenant = create_tenant(
            session,
            data=TenantCreate(
                slug=f"{name}-{secrets.token_hex(3)}",
                name=name.title(),
                country="IN",
                default_currency="INR",
                timezone="Asia/Kolkata",
            ),
        )
        return tenant.id


@pytest.fixture
def agencies(migrated_engine) -> Iterator[tuple[TenantContext, TenantContext]]:
    yield (
        TenantContext(_agency("alpha"), uuid.uuid4(), Role.OWNER),
        TenantContext(_agency("bravo"), uuid.uuid4(), Role.OWNER),
    )


def _as(ctx: TenantContext, role: Role) -> TenantContext:
    return TenantContext(ctx.tenant_id, uuid.uuid4(), role)


def _data(**overrides: Any) -> SupplierCreate:
    values: dict[str, Any] = {
        "name": "Sea Breeze Resort",
        "kind": "hotel",
        "city": "Candolim",
        "region": "Goa",
        "country": "IN",
        "legal_name": "Sea Breeze Resorts Pvt Ltd",
        "gstin": "30AAPFU0939F1ZV",
        "pan": "AAPFU0939F",
        "email": "reservations@seabreeze.example",
        "tags": ["beach", "family"],
        "default_currency": "INR",
        "default_commission_pct": "12.5",
    }
    values.update(overrides)
    return SupplierCreate.model_validate(values)


def _create(ctx: TenantContext, **overrides: Any) -> Supplier:
    with tenant_scope(ctx) as session:
        return services.create_supplier(session, ctx, data=_data(**overrides))


def _events(ctx: TenantContext, supplier_id: uuid.UUID) -> list[AuditEvent]:
    with tenant_scope(ctx) as session:
        return list(
            session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.target_id) == str(supplier_id))
                .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))
            ).all()
        )


# ---- field rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("gstin", "27AAPFU0939F1Z"),  # 14 characters
        ("gstin", "27aapfu0939f1zv"),
        ("pan", "AAPFU0939"),
        ("pan", "1APFU0939F"),
        ("default_currency", "RUPEES"),
        ("default_currency", "ZZZ"),
        ("country", "India"),
        ("country", "XX"),
        ("default_commission_pct", "100.01"),
        ("default_commission_pct", "-1"),
        ("email", "not-an-email"),
        ("name", "   "),
        ("name", "Hotel\x00"),
        ("tags", ["Beach!"]),
        ("website", "ftp://x.example"),
        ("phone", "call me"),
    ],
)
def test_bad_input_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _data(**{field: value})
    assert info.value.errors()[0]["loc"][0] == field


def test_unknown_fields_are_refused() -> None:
    for field, value in (
        ("tenant_id", str(uuid.uuid4())),
        ("id", str(uuid.uuid4())),
        ("row_version", 7),
        ("bank_details_encrypted", "v1:xxx"),
        ("bank_hint", "x"),
    ):
        with pytest.raises(ValidationError) as info:
            _data(**{field: value})
        assert info.value.errors()[0]["type"] == "extra_forbidden"
    with pytest.raises(ValidationError):
        _data(status="archived")
    with pytest.raises(ValidationError):
        SupplierUpdate.model_validate({"status": "archived"})


def test_create_tidies_and_audits(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha, name="  Sea Breeze Resort  ", tags=["beach", "beach", "goa"])
    assert supplier.name == "Sea Breeze Resort"
    assert supplier.tags == ["beach", "goa"]
    assert supplier.status == "active" and supplier.row_version == 1
    (event,) = _events(alpha, supplier.id)
    assert event.action == "supplier.created"
    after = json.loads(event.after_json or "{}")
    assert after["name"] == "Sea Breeze Resort" and after["default_commission_pct"] == "12.5"


def test_gstin_must_carry_the_pan(agencies) -> None:
    alpha, _ = agencies
    with pytest.raises(ValidationFailedError) as info:
        _create(alpha, gstin="27AAPFU0939F1ZV", pan="AAAAA1111A")
    assert info.value.errors[0].field == "gstin"


def test_agents_read_but_do_not_write(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    agent = _as(alpha, Role.AGENT)
    with tenant_scope(agent) as session:
        assert services.get_supplier(session, agent, supplier_id=supplier.id).name
        with pytest.raises(PermissionDeniedError):
            services.create_supplier(session, agent, data=_data())
        with pytest.raises(PermissionDeniedError):
            services.update_supplier(
                session,
                agent,
                supplier_id=supplier.id,
                data=SupplierUpdate(name="X"),
                expected_version=1,
            )
        with pytest.raises(PermissionDeniedError):
            services.delete_supplier(session, agent, supplier_id=supplier.id)
        with pytest.raises(PermissionDeniedError):
            services.reveal_bank_details(session, agent, supplier_id=supplier.id)


# ---- listing ----------------------------------------------------------------------------------


def _names(ctx: TenantContext, **kwargs: Any) -> list[str]:
    filters = SupplierFilter(**kwargs.pop("filters", {}))
    with tenant_scope(ctx) as session:
        page = services.list_suppliers(session, ctx, filters=filters, **kwargs)
        return [s.name for s in page.items]


def test_search_filters_sort_and_pages(agencies) -> None:
    alpha, bravo = agencies
    _create(alpha, name="Sea Breeze Resort", city="Candolim", tags=["beach"])
    _create(
        alpha,
        name="Goa Cabs",
        kind="transport",
        city="Panaji",
        tags=["airport_transfer"],
        email="book@goacabs.example",
        legal_name=None,
        gstin=None,
        pan=None,
    )
    _create(
        alpha,
        name="Desert Safari Co",
        kind="activity",
        city="Dubai",
        region="Dubai",
        country="AE",
        default_currency="AED",
        gstin=None,
        pan=None,
        legal_name="Arabian Adventures LLC",
        email=None,
        tags=["desert", "sand_dunes"],
    )
    _create(bravo, name="Sea Breeze Twin", city="Candolim")  # another agency: never listed

    assert _names(alpha) == ["Desert Safari Co", "Goa Cabs", "Sea Breeze Resort"]
    assert _names(alpha, sort="-name") == ["Sea Breeze Resort", "Goa Cabs", "Desert Safari Co"]
    assert _names(alpha, filters={"q": "BREEZE"}) == ["Sea Breeze Resort"]
    assert _names(alpha, filters={"q": "arabian"}) == ["Desert Safari Co"]  # legal name
    assert _names(alpha, filters={"q": "goacabs"}) == ["Goa Cabs"]  # email
    assert _names(alpha, filters={"q": "%"}) == []  # wildcards are literal
    assert _names(alpha, filters={"kind": "transport"}) == ["Goa Cabs"]
    assert _names(alpha, filters={"country": "ae"}) == ["Desert Safari Co"]
    assert _names(alpha, filters={"city": "candolim"}) == ["Sea Breeze Resort"]
    assert _names(alpha, filters={"tag": "beach"}) == ["Sea Breeze Resort"]
    assert _names(alpha, filters={"tag": "airport_transfer"}) == ["Goa Cabs"]
    assert _names(alpha, filters={"tag": "airport"}) == []  # whole tags only
    assert _names(alpha, filters={"tag": "sand_dunes"}) == ["Desert Safari Co"]
    assert _names(alpha, filters={"tag": "sandxdunes"}) == []  # "_" is not a wildcard
    assert _names(alpha, filters={"tag": "sand%"}) == []
    assert _names(alpha, sort="city") == ["Sea Breeze Resort", "Desert Safari Co", "Goa Cabs"]

    with tenant_scope(alpha) as session:
        first = services.list_suppliers(session, alpha, filters=SupplierFilter(), limit=2)
        assert first.total == 3 and len(first.items) == 2 and first.next_cursor
        rest = services.list_suppliers(
            session, alpha, filters=SupplierFilter(), limit=2, cursor=first.next_cursor
        )
        assert [s.name for s in rest.items] == ["Sea Breeze Resort"] and rest.next_cursor is None
        second = services.list_suppliers(
            session, alpha, filters=SupplierFilter(), limit=2, offset=2
        )
        assert [s.name for s in second.items] == ["Sea Breeze Resort"] and second.total == 3
        assert services.tag_options(session, alpha) == [
            "airport_transfer",
            "beach",
            "desert",
            "sand_dunes",
        ]
        assert services.country_options(session, alpha) == ["AE", "IN"]


def test_paging_by_cursor_on_every_sort(agencies) -> None:
    alpha, _ = agencies
    for i in range(7):
        _create(alpha, name=f"Hotel {i}", city=None if i % 3 == 0 else f"City {i % 2}")
    for sort in ("name", "-name", "city", "-city", "created", "-created", "updated", "-updated"):
        seen: list[str] = []
        cursor = None
        with tenant_scope(alpha) as session:
            while True:
                page = services.list_suppliers(
                    session, alpha, filters=SupplierFilter(), sort=sort, limit=3, cursor=cursor
                )
                seen += [s.name for s in page.items]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
        assert sorted(seen) == sorted(f"Hotel {i}" for i in range(7)), sort


# ---- updates and versions ---------------------------------------------------------------------


def test_update_checks_the_version_and_audits_the_change(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    with tenant_scope(alpha) as session:
        updated = services.update_supplier(
            session,
            alpha,
            supplier_id=supplier.id,
            data=SupplierUpdate(name="Sea Breeze Beach Resort", default_commission_pct="12.50"),
            expected_version=1,
        )
        assert updated.row_version == 2 and updated.name == "Sea Breeze Beach Resort"
    # A second operator who read version 1 sees a conflict, not a silent overwrite.
    with tenant_scope(alpha) as session, pytest.raises(ConflictError) as info:
        services.update_supplier(
            session,
            alpha,
            supplier_id=supplier.id,
            data=SupplierUpdate(city="Calangute"),
            expected_version=1,
        )
    assert info.value.code == "version_conflict"
    assert "changed by someone else" in info.value.detail
    event = _events(alpha, supplier.id)[-1]
    assert event.action == "supplier.updated"
    assert json.loads(event.before_json or "{}") == {"name": "Sea Breeze Resort"}
    assert json.loads(event.after_json or "{}") == {"name": "Sea Breeze Beach Resort"}
    with tenant_scope(alpha) as session:
        assert services.get_supplier(session, alpha, supplier_id=supplier.id).city == "Candolim"


def test_required_fields_cannot_be_emptied(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    for field in ("name", "kind", "country", "default_currency", "status", "tags"):
        with tenant_scope(alpha) as session, pytest.raises(ValidationFailedError) as info:
            services.update_supplier(
                session,
                alpha,
                supplier_id=supplier.id,
                data=SupplierUpdate.model_validate({field: None}),
                expected_version=1,
            )
        assert info.value.errors[0].field == field
    with tenant_scope(alpha) as session:
        services.update_supplier(
            session,
            alpha,
            supplier_id=supplier.id,
            data=SupplierUpdate.model_validate({"city": None, "gstin": None}),
            expected_version=1,
        )
        again = services.get_supplier(session, alpha, supplier_id=supplier.id)
        assert again.city is None and again.gstin is None and again.row_version == 2


def test_status_moves_and_archived_is_only_by_delete(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    with tenant_scope(alpha) as session:
        out = services.set_status(session, alpha, supplier_id=supplier.id, status="inactive")
        assert out.status == "inactive"
        with pytest.raises(ValidationFailedError):
            services.set_status(
                session,
                alpha,
                supplier_id=supplier.id,
                status="archived",  # type: ignore[arg-type]
            )
    assert _names(alpha) == ["Sea Breeze Resort"]
    assert _names(alpha, filters={"status": "active"}) == []


# ---- delete or archive ------------------------------------------------------------------------


def _rate_list_with_line(ctx: TenantContext, supplier_id: uuid.UUID, service_id: uuid.UUID) -> None:
    with tenant_scope(ctx) as session:
        rate_list = RateList(tenant_id=ctx.tenant_id, supplier_id=supplier_id, name="FIT 2026-27")
        session.add(rate_list)
        session.flush()
        version = RateListVersion(
            tenant_id=ctx.tenant_id,
            rate_list_id=rate_list.id,
            number=1,
            currency="INR",
            valid_from=date(2026, 4, 1),
            valid_to=date(2027, 3, 31),
            supplier_id=supplier_id,
            destination_country="IN",
        )
        session.add(version)
        session.flush()
        season = Season(
            tenant_id=ctx.tenant_id,
            version_id=version.id,
            name="Peak",
            starts_on=date(2026, 12, 20),
            ends_on=date(2027, 1, 5),
        )
        session.add(season)
        session.flush()
        for _ in range(2):
            session.add(
                RateLine(
                    tenant_id=ctx.tenant_id,
                    version_id=version.id,
                    service_id=service_id,
                    season_id=season.id,
                    basis="per_room",
                    net=Decimal("8500"),
                )
            )


def _room(ctx: TenantContext, supplier_id: uuid.UUID, name: str = "Deluxe", plan: str = "CP"):
    with tenant_scope(ctx) as session:
        return services.add_service(
            session,
            ctx,
            supplier_id=supplier_id,
            data=ServiceIn(kind="room", name=name, meal_plan=plan, max_occupancy=3),
        )


def test_unused_supplier_is_deleted_with_its_contacts_and_services(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    _room(alpha, supplier.id)
    with tenant_scope(alpha) as session:
        services.add_contact(
            session, alpha, supplier_id=supplier.id, data=ContactIn(name="Anita Rao")
        )
    with tenant_scope(alpha) as session:
        outcome = services.delete_supplier(session, alpha, supplier_id=supplier.id)
        assert outcome.outcome == "deleted"
    with tenant_scope(alpha) as session:
        assert session.get(Supplier, (alpha.tenant_id, supplier.id)) is None
        assert session.exec(select(SupplierContact)).all() == []
        assert session.exec(select(SupplierService)).all() == []
    assert _events(alpha, supplier.id)[-1].action == "supplier.deleted"


def test_used_supplier_is_archived_and_used_service_is_kept(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    room = _room(alpha, supplier.id)
    _rate_list_with_line(alpha, supplier.id, room.id)
    with tenant_scope(alpha) as session:
        with pytest.raises(ConflictError) as info:
            services.delete_service(session, alpha, supplier_id=supplier.id, service_id=room.id)
        assert "2 rate lines" in info.value.detail
        listed = services.list_services(session, alpha, supplier_id=supplier.id)
        assert [s.rate_line_count for s in listed] == [2]
    with tenant_scope(alpha) as session:
        outcome = services.delete_supplier(session, alpha, supplier_id=supplier.id)
        assert outcome.outcome == "archived" and "1 rate list" in outcome.message
        assert outcome.supplier is not None and outcome.supplier.status == "archived"
    assert _names(alpha) == []
    assert _names(alpha, filters={"status": "archived"}) == ["Sea Breeze Resort"]
    with tenant_scope(alpha) as session:
        with pytest.raises(ConflictError):  # archived: restore first
            services.update_supplier(
                session,
                alpha,
                supplier_id=supplier.id,
                data=SupplierUpdate(name="X"),
                expected_version=2,
            )
        lists = services.rate_lists_of(session, alpha, supplier_id=supplier.id)
        assert [r.name for r in lists] == ["FIT 2026-27"]
        restored = services.set_status(session, alpha, supplier_id=supplier.id, status="active")
        assert restored.status == "active"
    assert [e.action for e in _events(alpha, supplier.id)][-2:] == [
        "supplier.archived",
        "supplier.restored",
    ]


# ---- contacts ---------------------------------------------------------------------------------


def test_contacts_keep_one_primary(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    with tenant_scope(alpha) as session:
        first = services.add_contact(
            session, alpha, supplier_id=supplier.id, data=ContactIn(name="Anita Rao")
        )
        second = services.add_contact(
            session,
            alpha,
            supplier_id=supplier.id,
            data=ContactIn(name="Rahul Desai", role="accounts", email="rahul@x.example"),
        )
        assert first.is_primary and not second.is_primary
        services.update_contact(
            session,
            alpha,
            supplier_id=supplier.id,
            contact_id=second.id,
            data=ContactUpdate(is_primary=True),
        )
    with tenant_scope(alpha) as session:
        rows = services.list_contacts(session, alpha, supplier_id=supplier.id)
        assert [(c.name, c.is_primary) for c in rows] == [
            ("Rahul Desai", True),
            ("Anita Rao", False),
        ]
        services.delete_contact(session, alpha, supplier_id=supplier.id, contact_id=second.id)
    with tenant_scope(alpha) as session:
        rows = services.list_contacts(session, alpha, supplier_id=supplier.id)
        assert [(c.name, c.is_primary) for c in rows] == [("Anita Rao", True)]
    actions = [e.action for e in _events(alpha, supplier.id)]
    assert actions.count("supplier.contact_added") == 2
    assert "supplier.contact_removed" in actions


# ---- services ---------------------------------------------------------------------------------


def test_services_meal_plans_and_uniqueness(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    _room(alpha, supplier.id, "Deluxe", "CP")
    _room(alpha, supplier.id, "Deluxe", "MAP")  # the same room on another plan is another service
    with pytest.raises(ValidationError):
        ServiceIn(kind="room", name="Suite")  # a room needs its plan
    with pytest.raises(ValidationError):
        ServiceIn(kind="vehicle", name="Innova", meal_plan="CP")
    with pytest.raises(ConflictError):
        _room(alpha, supplier.id, "deluxe", "CP")
    with tenant_scope(alpha) as session:
        cab = services.add_service(
            session,
            alpha,
            supplier_id=supplier.id,
            data=ServiceIn(kind="vehicle", name="Innova Crysta", max_occupancy=6, code="INN-6"),
        )
        with pytest.raises(ValidationFailedError):
            services.update_service(
                session,
                alpha,
                supplier_id=supplier.id,
                service_id=cab.id,
                data=ServiceUpdate(kind="room"),
            )
        changed = services.update_service(
            session,
            alpha,
            supplier_id=supplier.id,
            service_id=cab.id,
            data=ServiceUpdate(kind="room", meal_plan="EP", name="Family Room"),
        )
        assert (changed.kind, changed.meal_plan) == ("room", "EP")
        back = services.update_service(
            session,
            alpha,
            supplier_id=supplier.id,
            service_id=cab.id,
            data=ServiceUpdate(kind="vehicle"),
        )
        assert back.meal_plan is None
        services.delete_service(session, alpha, supplier_id=supplier.id, service_id=cab.id)
        names = [
            (s.name, s.meal_plan)
            for s in services.list_services(session, alpha, supplier_id=supplier.id)
        ]
        assert names == [("Deluxe", "CP"), ("Deluxe", "MAP")]


# ---- bank details -----------------------------------------------------------------------------


def test_bank_details_are_encrypted_masked_audited_and_revealed(agencies) -> None:
    alpha, _ = agencies
    supplier = _create(alpha)
    with tenant_scope(alpha) as session:
        services.set_bank_details(
            session, alpha, supplier_id=supplier.id, data=BankDetailsIn(**BANK)
        )
    with tenant_scope(alpha) as session:
        row = services.get_supplier(session, alpha, supplier_id=supplier.id)
        assert row.bank_hint == "HDFC Bank ••••4321" and row.row_version == 2
        assert row.bank_details_encrypted and "50100123454321" not in row.bank_details_encrypted
        public = services.to_public(row, alpha)
        assert public.bank_hint == "HDFC Bank ••••4321" and public.has_bank_details
        agent_view = services.to_public(row, _as(alpha, Role.AGENT))
        assert agent_view.bank_hint is None and agent_view.has_bank_details
        assert "50100123454321" not in public.model_dump_json()
        full = services.reveal_bank_details(session, alpha, supplier_id=supplier.id)
        assert full.account_number == "50100123454321" and full.ifsc == "HDFC0001234"
    # A finance person may see and change bank details; an operator may not.
    operator = _as(alpha, Role.OPERATOR)
    with tenant_scope(operator) as session, pytest.raises(PermissionDeniedError):
        services.set_bank_details(
            session, operator, supplier_id=supplier.id, data=BankDetailsIn(**BANK)
        )
    finance = _as(alpha, Role.FINANCE)
    with tenant_scope(finance) as session:
        services.clear_bank_details(session, finance, supplier_id=supplier.id)
    events = _events(alpha, supplier.id)
    assert [e.action for e in events][-3:] == [
        "supplier.bank_details_changed",
        "supplier.bank_revealed",
        "supplier.bank_details_cleared",
    ]
    for event in events:
        assert "50100123454321" not in (event.before_json or "") + (event.after_json or "")
        assert "HDFC0001234" not in (event.before_json or "") + (event.after_json or "")
    assert json.loads(events[-1].before_json or "{}") == {"bank": "HDFC Bank ••••4321"}


def test_a_ciphertext_copied_to_another_supplier_does_not_decrypt(agencies) -> None:
    alpha, _ = agencies
    one, two = _create(alpha), _create(alpha, name="Other Resort")
    with tenant_scope(alpha) as session:
        services.set_bank_details(session, alpha, supplier_id=one.id, data=BankDetailsIn(**BANK))
    with tenant_scope(alpha) as session:
        source = services.get_supplier(session, alpha, supplier_id=one.id)
        target = services.get_supplier(session, alpha, supplier_id=two.id)
        target.bank_details_encrypted, target.bank_hint = source.bank_details_encrypted, "x"
        session.add(target)
    with tenant_scope(alpha) as session, pytest.raises(services.BankDetailsUnreadableError):
        services.reveal_bank_details(session, alpha, supplier_id=two.id)


def test_bank_details_need_a_routing_code() -> None:
    with pytest.raises(ValidationError):
        BankDetailsIn(**{k: v for k, v in BANK.items() if k != "ifsc"})
    with pytest.raises(ValidationError):
        BankDetailsIn(**{**BANK, "ifsc": "HDFC1234567"})  # the fifth character is 0
    assert BankDetailsIn(
        **{k: v for k, v in BANK.items() if k != "ifsc"}, swift="EBILAEAD"
    ).swift == ("EBILAEAD")


# ---- isolation --------------------------------------------------------------------------------


def test_another_agencys_ids_are_not_found(agencies) -> None:
    alpha, bravo = agencies
    theirs = _create(bravo)
    room = _room(bravo, theirs.id)
    with tenant_scope(bravo) as session:
        contact = services.add_contact(
            session, bravo, supplier_id=theirs.id, data=ContactIn(name="Bravo Person")
        )
        services.set_bank_details(session, bravo, supplier_id=theirs.id, data=BankDetailsIn(**BANK))
    mine = _create(alpha)
    calls = [
        lambda s: services.get_supplier(s, alpha, supplier_id=theirs.id),
        lambda s: services.update_supplier(
            s, alpha, supplier_id=theirs.id, data=SupplierUpdate(name="X"), expected_version=2
        ),
        lambda s: services.set_status(s, alpha, supplier_id=theirs.id, status="inactive"),
        lambda s: services.delete_supplier(s, alpha, supplier_id=theirs.id),
        lambda s: services.list_contacts(s, alpha, supplier_id=theirs.id),
        lambda s: services.add_contact(s, alpha, supplier_id=theirs.id, data=ContactIn(name="X")),
        lambda s: services.update_contact(
            s, alpha, supplier_id=theirs.id, contact_id=contact.id, data=ContactUpdate(name="X")
        ),
        # their contact under my supplier
        lambda s: services.update_contact(
            s, alpha, supplier_id=mine.id, contact_id=contact.id, data=ContactUpdate(name="X")
        ),
        lambda s: services.delete_contact(s, alpha, supplier_id=mine.id, contact_id=contact.id),
        lambda s: services.list_services(s, alpha, supplier_id=theirs.id),
        lambda s: services.add_service(
            s, alpha, supplier_id=theirs.id, data=ServiceIn(kind="guide", name="X")
        ),
        lambda s: services.update_service(
            s, alpha, supplier_id=mine.id, service_id=room.id, data=ServiceUpdate(name="X")
        ),
        lambda s: services.delete_service(s, alpha, supplier_id=mine.id, service_id=room.id),
        lambda s: services.set_bank_details(
            s, alpha, supplier_id=theirs.id, data=BankDetailsIn(**BANK)
        ),
        lambda s: services.clear_bank_details(s, alpha, supplier_id=theirs.id),
        lambda s: services.reveal_bank_details(s, alpha, supplier_id=theirs.id),
        lambda s: services.rate_lists_of(s, alpha, supplier_id=theirs.id),
    ]
    for call in calls:
        with tenant_scope(alpha) as session, pytest.raises(NotFoundError):
            call(session)
    with tenant_scope(bravo) as session:
        still = services.get_supplier(session, bravo, supplier_id=theirs.id)
        assert (still.name, still.status, still.row_version) == ("Sea Breeze Resort", "active", 2)
        assert [c.name for c in services.list_contacts(session, bravo, supplier_id=theirs.id)] == [
            "Bravo Person"
        ]
        assert len(services.list_services(session, bravo, supplier_id=theirs.id)) == 1


def test_keys_rotate_and_old_bank_details_stay_readable(agencies, settings_env, capsys) -> None:
    """A new key goes first in DATA_KEYS with the old one behind it: stored details still
    read; `manage rotate-keys` seals them again with the new one (and names what no listed key
    opens, leaving it as it is); then the old key (and even SECRET_KEY) can change and they
    still read."""
    from travelcrm import manage
    from travelcrm.settings import get_settings

    alpha, _ = agencies
    kept, orphan = _create(alpha), _create(alpha, name="Orphan Resort")
    with tenant_scope(alpha) as session:
        services.set_bank_details(session, alpha, supplier_id=kept.id, data=BankDetailsIn(**BANK))
    settings_env(data_keys=f"lost:{'l' * 40}")  # sealed with a key nobody lists later
    with tenant_scope(alpha) as session:
        services.set_bank_details(session, alpha, supplier_id=orphan.id, data=BankDetailsIn(**BANK))
    old = get_settings().secret_key.get_secret_value()
    new = "n" * 40
    settings_env(data_keys=f"2027-01:{new},v1:{old}")
    with tenant_scope(alpha) as session:
        before = services.get_supplier(session, alpha, supplier_id=kept.id)
        assert (before.bank_details_encrypted or "").startswith("v1:")
        assert services.reveal_bank_details(session, alpha, supplier_id=kept.id).ifsc
    with tenant_scope(alpha) as session:
        done = services.rotate_bank_details(session)
    assert (done.rotated, done.unreadable) == (1, 1)
    with pytest.raises(SystemExit):  # the command fails while a value opens with no key
        manage.main(["rotate-keys"])
    said = capsys.readouterr().out
    assert "with key '2027-01'" in said and "left as they are" in said
    settings_env(data_keys=f"2027-01:{new}", secret_key="s" * 40)  # the old key is gone
    with tenant_scope(alpha) as session:
        after = services.get_supplier(session, alpha, supplier_id=kept.id)
        assert (after.bank_details_encrypted or "").startswith("2027-01:")
        revealed = services.reveal_bank_details(session, alpha, supplier_id=kept.id)
        assert revealed.account_number == BANK["account_number"]
        lost = services.get_supplier(session, alpha, supplier_id=orphan.id)
        assert (lost.bank_details_encrypted or "").startswith("lost:")  # unchanged, not lost

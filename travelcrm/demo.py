"""Demo data for `make run`: each seeder runs once per database (see system.apply_demo_seeds)."""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from PIL import Image, ImageDraw
from sqlmodel import Session, col, select

from travelcrm.accounts.models import User
from travelcrm.accounts.services import add_member
from travelcrm.core.clock import utcnow
from travelcrm.core.money import round_money
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customer_services
from travelcrm.customers.models import Customer
from travelcrm.customers.schemas import CustomerCreate
from travelcrm.db import enter_tenant
from travelcrm.itineraries import pricing_data
from travelcrm.itineraries import services as itinerary_services
from travelcrm.itineraries.schemas import (
    FxRateIn,
    ItemIn,
    ItineraryCreate,
    ItineraryUpdate,
    MarkupRuleIn,
)
from travelcrm.mail import sending as mail_sending
from travelcrm.mail import templates as mail_templates
from travelcrm.mail import templating
from travelcrm.mail.models import TemplateKind
from travelcrm.queries import services as query_services
from travelcrm.queries.machine import QueryChannel, QueryStatus
from travelcrm.queries.schemas import AgentProfileIn, QueryCreate
from travelcrm.queries.sla import Priority
from travelcrm.quotes import services as quote_services
from travelcrm.quotes.schemas import QuoteCreate, QuoteSettingsIn, QuoteUpdate
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rate_services
from travelcrm.rates.models import RateListVersion, Season
from travelcrm.rates.schemas import (
    BulkChange,
    CancellationTier,
    DateRange,
    LineIn,
    LineSelection,
    RateListCreate,
    SeasonIn,
)
from travelcrm.suppliers import content as supplier_content
from travelcrm.suppliers import services as supplier_services
from travelcrm.suppliers.models import Supplier, SupplierService
from travelcrm.suppliers.schemas import (
    BankDetailsIn,
    ContactIn,
    ContentIn,
    ServiceIn,
    SupplierCreate,
)
from travelcrm.system.services import Seeder
from travelcrm.tenants.models import Tenant
from travelcrm.tenants.schemas import TenantCreate
from travelcrm.tenants.services import create_tenant
from travelcrm.timeline.schemas import NoteIn

DEMO_AGENCIES = (
    TenantCreate(
        slug="sunrise-holidays",
        name="Sunrise Holidays",
        country="IN",
        default_currency="INR",
        timezone="Asia/Kolkata",
        locale="en-IN",
    ),
    TenantCreate(
        slug="blue-horizon-tours",
        name="Blue Horizon Tours",
        country="US",
        default_currency="USD",
        timezone="America/New_York",
        locale="en-US",
    ),
)


def seed_agencies(session: Session) -> None:
    for agency in DEMO_AGENCIES:
        create_tenant(session, data=agency)


# Demo sign-ins, printed by `make run` (development only: never seeded when APP_ENV=prod).
DEMO_LOGINS = (
    ("sunrise-holidays", "owner@sunrise-holidays.example", "Priya Sharma", "Sunrise-Demo-2026"),
    ("blue-horizon-tours", "owner@blue-horizon.example", "Jordan Miller", "Horizon-Demo-2026"),
)


def _add_people(session: Session, people: Sequence[tuple[str, str, str, str, Role]]) -> None:
    """Verified members, each (agency slug, email, name, password, role)."""
    for slug, email, name, password, role in people:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        add_member(
            session,
            tenant_id=tenant.id,
            email=email,
            name=name,
            password=password,
            role=role,
            verified=True,
        )


def seed_owners(session: Session) -> None:
    _add_people(session, [(*login, Role.OWNER) for login in DEMO_LOGINS])


# More demo sign-ins for the first agency, one per everyday role (development only, like above).
DEMO_STAFF = (
    (
        "sunrise-holidays",
        "manager@sunrise-holidays.example",
        "Arjun Mehta",
        "Sunrise-Manager-2026",
        Role.MANAGER,
    ),
    (
        "sunrise-holidays",
        "agent@sunrise-holidays.example",
        "Kavya Nair",
        "Sunrise-Agent-2026",
        Role.AGENT,
    ),
)


def seed_staff(session: Session) -> None:
    _add_people(session, DEMO_STAFF)


def _as_owner(session: Session, slug: str) -> TenantContext:
    """Work in the agency `slug` as its demo owner."""
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
    owner_email = next(email for s, email, _n, _p in DEMO_LOGINS if s == slug)
    owner = session.exec(select(User).where(User.email == owner_email)).one()
    enter_tenant(session, tenant.id)
    return TenantContext(tenant_id=tenant.id, user_id=owner.id, role=Role.OWNER)


# ---- suppliers ---------------------------------------------------------------------------------
# Fake but well-formed: GSTINs carry their PANs, IFSC/SWIFT/IBAN follow their formats.

_ROOMS = "room"


def _supplier(
    name: str,
    kind: str,
    city: str,
    region: str,
    country: str,
    currency: str,
    *,
    tags: list[str],
    services: Sequence[tuple[str, str, str | None, int | None]] = (),
    contacts: Sequence[tuple[str, str, str, str]] = (),
    bank: dict[str, str] | None = None,
    status: str = "active",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "data": {
            "name": name,
            "kind": kind,
            "city": city,
            "region": region,
            "country": country,
            "default_currency": currency,
            "tags": tags,
            "status": status,
            **extra,
        },
        "services": services,
        "contacts": contacts,
        "bank": bank,
    }


DEMO_SUPPLIERS: dict[str, list[dict[str, Any]]] = {
    "sunrise-holidays": [
        # Goa
        _supplier(
            "Sea Breeze Beach Resort",
            "hotel",
            "Candolim",
            "Goa",
            "IN",
            "INR",
            tags=["beach", "family", "pool"],
            legal_name="Sea Breeze Hospitality Pvt Ltd",
            gstin="30AADCS4821K1Z7",
            pan="AADCS4821K",
            address="Candolim Beach Road, Bardez, North Goa 403515",
            email="reservations@seabreeze-goa.example",
            phone="+91 832 248 9000",
            website="https://seabreeze-goa.example",
            payment_terms="50% on confirmation, balance 7 days before arrival",
            payment_due_days=7,
            default_commission_pct="12",
            services=[
                (_ROOMS, "Deluxe Garden View", "CP", 3),
                (_ROOMS, "Deluxe Garden View", "MAP", 3),
                (_ROOMS, "Deluxe Sea View", "CP", 3),
                (_ROOMS, "Deluxe Sea View", "MAP", 3),
                (_ROOMS, "Suite", "CP", 4),
                (_ROOMS, "Suite", "MAP", 4),
            ],
            contacts=[
                (
                    "Anita Fernandes",
                    "reservations",
                    "anita@seabreeze-goa.example",
                    "+91 98220 11223",
                ),
                ("Rohan Naik", "accounts", "accounts@seabreeze-goa.example", "+91 98220 44556"),
            ],
            bank={
                "account_holder": "Sea Breeze Hospitality Pvt Ltd",
                "bank_name": "HDFC Bank",
                "account_number": "50200012344321",
                "ifsc": "HDFC0000123",
                "branch": "Panaji",
            },
        ),
        _supplier(
            "Goa Coastal Cabs",
            "transport",
            "Panaji",
            "Goa",
            "IN",
            "INR",
            tags=["airport transfer", "sightseeing"],
            legal_name="Goa Coastal Cabs LLP",
            gstin="30AAJFG7712M1ZQ",
            pan="AAJFG7712M",
            email="bookings@goacabs.example",
            phone="+91 832 242 1100",
            payment_terms="Monthly statement",
            payment_due_days=30,
            default_commission_pct="8",
            services=[
                ("vehicle", "Sedan (Swift Dzire)", None, 4),
                ("vehicle", "Toyota Innova Crysta", None, 6),
                ("vehicle", "Tempo Traveller", None, 12),
            ],
            contacts=[("Sanjay Kamat", "dispatch", "dispatch@goacabs.example", "+91 98231 77889")],
            bank={
                "account_holder": "Goa Coastal Cabs LLP",
                "bank_name": "State Bank of India",
                "account_number": "34512345678",
                "ifsc": "SBIN0001234",
            },
        ),
        # Kerala
        _supplier(
            "Alleppey Heritage Houseboats",
            "hotel",
            "Alappuzha",
            "Kerala",
            "IN",
            "INR",
            tags=["backwaters", "houseboat"],
            legal_name="Heritage Backwater Cruises Pvt Ltd",
            gstin="32AAECH5567P1Z2",
            pan="AAECH5567P",
            email="cruise@alleppeyhouseboats.example",
            phone="+91 477 226 5500",
            payment_terms="Full payment 15 days before cruise",
            payment_due_days=15,
            default_commission_pct="10",
            services=[
                (_ROOMS, "Premium 1-Bedroom Houseboat", "AP", 2),
                (_ROOMS, "Deluxe 2-Bedroom Houseboat", "AP", 4),
            ],
            contacts=[
                ("Thomas Mathew", "sales", "thomas@alleppeyhouseboats.example", "+91 94470 12345")
            ],
            bank={
                "account_holder": "Heritage Backwater Cruises Pvt Ltd",
                "bank_name": "Federal Bank",
                "account_number": "12340100056789",
                "ifsc": "FDRL0001234",
            },
        ),
        _supplier(
            "Misty Hills Resort Munnar",
            "hotel",
            "Munnar",
            "Kerala",
            "IN",
            "INR",
            tags=["hill station", "tea gardens"],
            legal_name="Misty Hills Resorts Pvt Ltd",
            gstin="32AAFCM9012Q1ZK",
            pan="AAFCM9012Q",
            email="stay@mistyhills.example",
            phone="+91 4865 230 400",
            default_commission_pct="15",
            services=[
                (_ROOMS, "Valley View Cottage", "CP", 3),
                (_ROOMS, "Valley View Cottage", "MAP", 3),
                (_ROOMS, "Plantation Villa", "MAP", 4),
            ],
            contacts=[
                ("Lakshmi Menon", "reservations", "lakshmi@mistyhills.example", "+91 94461 55667")
            ],
        ),
        _supplier(
            "Kathakali Kendra Kochi",
            "activity",
            "Kochi",
            "Kerala",
            "IN",
            "INR",
            tags=["culture", "evening"],
            pan="AAATK3344L",
            email="tickets@kathakalikendra.example",
            phone="+91 484 221 7890",
            services=[
                ("ticket", "Evening Kathakali show (6 pm)", None, None),
                ("ticket", "Make-up viewing and show (4:30 pm)", None, None),
            ],
        ),
        # Rajasthan
        _supplier(
            "Amber Haveli Jaipur",
            "hotel",
            "Jaipur",
            "Rajasthan",
            "IN",
            "INR",
            tags=["heritage", "city centre"],
            legal_name="Amber Haveli Hotels Pvt Ltd",
            gstin="08AABCA2468H1ZR",
            pan="AABCA2468H",
            email="frontoffice@amberhaveli.example",
            phone="+91 141 260 1234",
            payment_terms="Credit 15 days after check-out",
            payment_due_days=15,
            default_commission_pct="10",
            services=[
                (_ROOMS, "Heritage Room", "CP", 3),
                (_ROOMS, "Heritage Room", "MAP", 3),
                (_ROOMS, "Maharaja Suite", "MAP", 4),
            ],
            contacts=[
                ("Vikram Singh Rathore", "sales", "vikram@amberhaveli.example", "+91 98290 12121")
            ],
            bank={
                "account_holder": "Amber Haveli Hotels Pvt Ltd",
                "bank_name": "ICICI Bank",
                "account_number": "001205012345",
                "ifsc": "ICIC0000012",
            },
        ),
        _supplier(
            "Lake Pichola Palace",
            "hotel",
            "Udaipur",
            "Rajasthan",
            "IN",
            "INR",
            tags=["heritage", "lake view", "luxury"],
            legal_name="Pichola Palace Resorts Ltd",
            gstin="08AADCP1357J1ZD",
            pan="AADCP1357J",
            email="reservations@picholapalace.example",
            phone="+91 294 252 8000",
            default_commission_pct="10",
            services=[
                (_ROOMS, "Lake View Room", "CP", 3),
                (_ROOMS, "Palace Suite", "MAP", 3),
            ],
            contacts=[
                (
                    "Meera Shekhawat",
                    "reservations",
                    "meera@picholapalace.example",
                    "+91 98280 34343",
                )
            ],
        ),
        _supplier(
            "Rajesh Sharma (licensed guide)",
            "guide",
            "Jaipur",
            "Rajasthan",
            "IN",
            "INR",
            tags=["english", "french"],
            pan="BQPPS4827K",
            email="rajesh.guide@example.com",
            phone="+91 98290 56789",
            payment_terms="Cash or UPI on the day",
            services=[
                ("guide", "Full-day Jaipur city tour (English)", None, 15),
                ("guide", "Half-day Amber Fort visit (French)", None, 15),
            ],
            bank={
                "account_holder": "Rajesh Sharma",
                "bank_name": "Punjab National Bank",
                "account_number": "1234000100056789",
                "ifsc": "PUNB0123400",
            },
        ),
        _supplier(
            "Old Town Travels",
            "transport",
            "Jaipur",
            "Rajasthan",
            "IN",
            "INR",
            tags=["sightseeing"],
            status="inactive",
            notes="Paused after the 2025 season: vehicles too old.",
            services=[("vehicle", "Tata Indica", None, 4)],
        ),
        # Dubai
        _supplier(
            "Marina Pearl Hotel Dubai",
            "hotel",
            "Dubai",
            "Dubai",
            "AE",
            "AED",
            tags=["city", "marina"],
            legal_name="Marina Pearl Hotel LLC",
            tax_id="100234567800003",
            email="groups@marinapearl.example",
            phone="+971 4 399 1234",
            payment_terms="Prepayment 21 days before arrival",
            payment_due_days=21,
            default_commission_pct="8",
            services=[
                (_ROOMS, "Deluxe City View", "CP", 3),
                (_ROOMS, "Marina View Suite", "MAP", 4),
            ],
            contacts=[
                ("Fatima Al Mansoori", "groups", "fatima@marinapearl.example", "+971 50 123 4567")
            ],
            bank={
                "account_holder": "Marina Pearl Hotel LLC",
                "bank_name": "Emirates NBD",
                "account_number": "1012345678901",
                "swift": "EBILAEAD",
                "iban": "AE070331234567890123456",
            },
        ),
        _supplier(
            "Red Dunes Desert Safari",
            "activity",
            "Dubai",
            "Dubai",
            "AE",
            "AED",
            tags=["desert", "adventure"],
            email="book@reddunes.example",
            phone="+971 4 288 7777",
            default_commission_pct="20",
            services=[
                ("ticket", "Evening desert safari with BBQ dinner", None, None),
                ("ticket", "Morning dune bashing and sandboarding", None, None),
            ],
        ),
        _supplier(
            "Gulf Airport Transfers",
            "transport",
            "Dubai",
            "Dubai",
            "AE",
            "AED",
            tags=["airport transfer"],
            email="ops@gulftransfers.example",
            services=[
                ("vehicle", "Lexus ES sedan", None, 3),
                ("vehicle", "Toyota HiAce van", None, 10),
            ],
        ),
        # Bali
        _supplier(
            "Ubud Jungle Villas",
            "hotel",
            "Ubud",
            "Bali",
            "ID",
            "USD",
            tags=["villa", "honeymoon", "pool"],
            legal_name="PT Ubud Jungle Villas",
            email="stay@ubudjungle.example",
            phone="+62 361 975 123",
            default_commission_pct="15",
            services=[
                (_ROOMS, "One-Bedroom Pool Villa", "CP", 2),
                (_ROOMS, "Two-Bedroom Family Villa", "CP", 5),
            ],
            contacts=[
                ("Made Wirawan", "reservations", "made@ubudjungle.example", "+62 812 3456 7890")
            ],
            bank={
                "account_holder": "PT Ubud Jungle Villas",
                "bank_name": "Bank Central Asia",
                "account_number": "7720123456",
                "swift": "CENAIDJA",
            },
        ),
        _supplier(
            "Bali Ubud Discovery Tours",
            "activity",
            "Ubud",
            "Bali",
            "ID",
            "IDR",
            tags=["culture", "trekking"],
            email="hello@ubuddiscovery.example",
            services=[
                ("ticket", "Rice terraces and Monkey Forest day tour", None, None),
                ("ticket", "Mount Batur sunrise trek", None, None),
            ],
        ),
    ],
    "blue-horizon-tours": [
        _supplier(
            "Sunset Bay Hotel Miami",
            "hotel",
            "Miami",
            "Florida",
            "US",
            "USD",
            tags=["beach"],
            tax_id="59-1234567",
            email="sales@sunsetbay.example",
            default_commission_pct="10",
            services=[(_ROOMS, "Ocean View King", "EP", 2), (_ROOMS, "Ocean View King", "CP", 2)],
            contacts=[("Maria Lopez", "sales", "maria@sunsetbay.example", "+1 305 555 0142")],
            bank={
                "account_holder": "Sunset Bay Hotel Inc",
                "bank_name": "JPMorgan Chase",
                "account_number": "483101234567",
                "swift": "CHASUS33",
            },
        ),
        _supplier(
            "Big Apple Coaches",
            "transport",
            "New York",
            "New York",
            "US",
            "USD",
            tags=["coach", "airport transfer"],
            email="charters@bigapplecoaches.example",
            services=[("vehicle", "56-seat motorcoach", None, 56)],
        ),
    ],
}


def seed_suppliers(session: Session) -> None:
    """Suppliers with contacts, services and bank details for both demo agencies (written
    through the services, so the audit log shows them being created)."""
    for slug, suppliers in DEMO_SUPPLIERS.items():
        ctx = _as_owner(session, slug)
        for entry in suppliers:
            supplier = supplier_services.create_supplier(
                session, ctx, data=SupplierCreate.model_validate(entry["data"])
            )
            for kind, name, meal_plan, occupancy in entry["services"]:
                supplier_services.add_service(
                    session,
                    ctx,
                    supplier_id=supplier.id,
                    data=ServiceIn.model_validate(
                        {
                            "kind": kind,
                            "name": name,
                            "meal_plan": meal_plan,
                            "max_occupancy": occupancy,
                        }
                    ),
                )
            for name, role, email, phone in entry["contacts"]:
                supplier_services.add_contact(
                    session,
                    ctx,
                    supplier_id=supplier.id,
                    data=ContactIn(name=name, role=role, email=email, phone=phone),
                )
            if entry["bank"]:
                supplier_services.set_bank_details(
                    session,
                    ctx,
                    supplier_id=supplier.id,
                    data=BankDetailsIn.model_validate(entry["bank"]),
                )


# ---- rate lists --------------------------------------------------------------------------------
# One published contract per active supplier for the 2026-27 financial year, with the seasons
# agencies there price by; rooms per room (double, single, child extra bed), transport per
# vehicle, guides per group, everything else per person (adult, child). One list has a draft.

_YEAR = (date(2026, 4, 1), date(2027, 3, 31))
_SEASONS: dict[str, list[tuple[str, date, date, Decimal]]] = {
    "IN": [
        ("Shoulder", date(2026, 4, 1), date(2026, 5, 31), Decimal("1.0")),
        ("Monsoon", date(2026, 6, 1), date(2026, 9, 30), Decimal("0.8")),
        ("High (Oct-Dec)", date(2026, 10, 1), date(2026, 12, 19), Decimal("1.3")),
        ("Peak (Christmas-New Year)", date(2026, 12, 20), date(2027, 1, 5), Decimal("1.8")),
        ("High (Jan-Mar)", date(2027, 1, 6), date(2027, 3, 31), Decimal("1.3")),
    ],
    "AE": [
        ("Summer", date(2026, 4, 1), date(2026, 9, 30), Decimal("0.7")),
        ("Winter (Oct-Dec)", date(2026, 10, 1), date(2026, 12, 19), Decimal("1.2")),
        ("Festive", date(2026, 12, 20), date(2027, 1, 5), Decimal("1.7")),
        ("Winter (Jan-Mar)", date(2027, 1, 6), date(2027, 3, 31), Decimal("1.2")),
    ],
    "ID": [
        ("Low (Apr-Jun)", date(2026, 4, 1), date(2026, 6, 30), Decimal("0.9")),
        ("High", date(2026, 7, 1), date(2026, 8, 31), Decimal("1.4")),
        ("Shoulder", date(2026, 9, 1), date(2026, 12, 19), Decimal("1.0")),
        ("Peak", date(2026, 12, 20), date(2027, 1, 5), Decimal("1.6")),
        ("Low (Jan-Mar)", date(2027, 1, 6), date(2027, 3, 31), Decimal("0.9")),
    ],
}
# a base net price per service kind and currency (a double room, a vehicle day, an adult ticket)
_BASE: dict[str, dict[str, Decimal]] = {
    "INR": {
        "room": Decimal(6500),
        "vehicle": Decimal(3200),
        "guide": Decimal(2500),
        "other": Decimal(1800),
    },
    "AED": {
        "room": Decimal(650),
        "vehicle": Decimal(250),
        "guide": Decimal(400),
        "other": Decimal(220),
    },
    "IDR": {
        "room": Decimal(1850000),
        "vehicle": Decimal(650000),
        "guide": Decimal(550000),
        "other": Decimal(450000),
    },
    "USD": {
        "room": Decimal(180),
        "vehicle": Decimal(60),
        "guide": Decimal(50),
        "other": Decimal(45),
    },
}


def _demo_lines(
    services: Sequence[SupplierService], seasons: Sequence[Season], currency: str, country: str
) -> list[LineIn]:
    factors = {name: factor for name, _a, _b, factor in _SEASONS.get(country, _SEASONS["IN"])}
    base = _BASE.get(currency, _BASE["USD"])
    lines = []
    for index, service in enumerate(services):
        step = Decimal(1) + Decimal(index) * Decimal("0.25")  # suites cost more than deluxe
        for season in seasons:
            factor = factors.get(season.name, Decimal(1))

            def price(amount: Decimal, f: Decimal = factor, k: Decimal = step) -> Decimal:
                return round_money(amount * f * k, currency)

            common = {"service_id": service.id, "season_id": season.id}
            if service.kind == "room":
                double = price(base["room"])
                lines += [
                    LineIn(
                        **common,
                        basis="per_room",
                        occupancy="double",
                        net=double,
                        markup_pct=Decimal(20),
                    ),
                    LineIn(
                        **common,
                        basis="per_room",
                        occupancy="single",
                        net=round_money(double * Decimal("0.85"), currency),
                        markup_pct=Decimal(20),
                    ),
                    LineIn(
                        **common,
                        basis="per_room",
                        occupancy="extra_bed",
                        age_band="child_with_bed",
                        net=round_money(double * Decimal("0.2"), currency),
                        markup_pct=Decimal(20),
                    ),
                ]
            elif service.kind == "vehicle":
                lines.append(
                    LineIn(
                        **common,
                        basis="per_vehicle",
                        pax_max=service.max_occupancy or 4,
                        net=price(base["vehicle"]),
                        markup_pct=Decimal(15),
                    )
                )
            elif service.kind == "guide":
                lines.append(
                    LineIn(
                        **common,
                        basis="per_group",
                        pax_max=15,
                        net=price(base["guide"]),
                        markup_pct=Decimal(25),
                    )
                )
            else:
                adult = price(base["other"])
                lines += [
                    LineIn(**common, basis="per_person", net=adult, markup_pct=Decimal(25)),
                    LineIn(
                        **common,
                        basis="per_person",
                        age_band="child_without_bed",
                        net=round_money(adult / 2, currency),
                        markup_pct=Decimal(25),
                    ),
                ]
    return lines


def _publish(session: Session, ctx: TenantContext, version: RateListVersion) -> None:
    """Publish, the demo's operator accepting the list's known gaps."""
    gaps = rate_services.coverage(session, ctx, version_id=version.id)
    rate_services.publish(
        session,
        ctx,
        version_id=version.id,
        row_version=version.row_version,
        acknowledged=[i.key for i in gaps if i.severity == "confirm"],
    )


def seed_rates(session: Session) -> None:
    """Published 2026-27 contracts for every active demo supplier (through the services)."""
    for slug in DEMO_SUPPLIERS:
        ctx = _as_owner(session, slug)
        suppliers = session.exec(
            select(Supplier).where(Supplier.status == "active").order_by(Supplier.name)
        ).all()
        for number, supplier in enumerate(suppliers):
            services = session.exec(
                select(SupplierService)
                .where(SupplierService.supplier_id == supplier.id)
                .order_by(SupplierService.name)
            ).all()
            if not services:
                continue
            _list, version = rate_services.create_rate_list(
                session,
                ctx,
                data=RateListCreate(
                    supplier_id=supplier.id,
                    name=f"{supplier.name} 2026-27",
                    currency=supplier.default_currency,
                    valid_from=_YEAR[0],
                    valid_to=_YEAR[1],
                    cancellation_tiers=[
                        CancellationTier(days_before=30, charge_pct=Decimal(0)),
                        CancellationTier(days_before=15, charge_pct=Decimal(25)),
                        CancellationTier(days_before=7, charge_nights=1),
                        CancellationTier(days_before=2, charge_pct=Decimal(100)),
                    ],
                    no_show_charge_pct=Decimal(100),
                ),
            )
            seasons = [
                rate_services.add_season(
                    session,
                    ctx,
                    version_id=version.id,
                    row_version=version.row_version,
                    data=SeasonIn(name=name, ranges=[DateRange(starts_on=start, ends_on=end)]),
                )
                for name, start, end, _f in _SEASONS.get(supplier.country, _SEASONS["IN"])
            ]
            rate_lines.add_lines(
                session,
                ctx,
                version_id=version.id,
                row_version=version.row_version,
                lines=_demo_lines(services, seasons, version.currency, supplier.country),
            )
            _publish(session, ctx, version)
            if number == 0:  # one list with next year's prices being worked on
                draft = rate_services.new_draft(session, ctx, version_id=version.id)
                rate_lines.bulk_change(
                    session,
                    ctx,
                    version_id=draft.id,
                    change=BulkChange(
                        row_version=draft.row_version,
                        selection=LineSelection(service_id=services[0].id),
                        operation="percent",
                        value=Decimal(8),
                        round_to=Decimal(10) if version.currency != "IDR" else Decimal(1000),
                        dry_run=False,
                    ),
                )


# A cab operator's contract as Rajasthan cab companies price it: a car by the km or by the day
# (seats decide how many cars a party needs), the driver's allowance on top of every car-day,
# night driving when asked for, and the airport run one way per car.
_CAB_SERVICES = (
    # name, seats, per km, per day
    ("Sedan (Dzire)", 4, Decimal(14), Decimal(2800)),
    ("SUV (Innova Crysta)", 6, Decimal(18), Decimal(3600)),
    ("Tempo Traveller", 12, Decimal(26), None),
)
_CAB_AIRPORT = ("Jaipur airport transfer (sedan)", 4, Decimal(1500))


def seed_transport_rates(session: Session) -> None:
    """ "Rajasthan Cabs 2026-27" for the first agency: priced per km, per day and per transfer,
    with a mandatory and an optional supplement; published (its gaps confirmed)."""
    ctx = _as_owner(session, DEMO_LOGINS[0][0])
    supplier = supplier_services.create_supplier(
        session,
        ctx,
        data=SupplierCreate.model_validate(
            {
                "name": "Rajasthan Cabs",
                "kind": "transport",
                "city": "Jaipur",
                "region": "Rajasthan",
                "country": "IN",
                "default_currency": "INR",
                "tags": ["sightseeing", "airport transfer", "outstation"],
                "email": "dispatch@rajasthancabs.example",
                "phone": "+91 141 510 2200",
                "payment_terms": "Monthly statement",
                "payment_due_days": 30,
            }
        ),
    )
    services = {
        name: supplier_services.add_service(
            session,
            ctx,
            supplier_id=supplier.id,
            data=ServiceIn(kind="vehicle", name=name, max_occupancy=seats),
        ).id
        for name, seats, *_prices in (*_CAB_SERVICES, _CAB_AIRPORT)
    }
    _list, version = rate_services.create_rate_list(
        session,
        ctx,
        data=RateListCreate(
            supplier_id=supplier.id,
            name="Rajasthan Cabs 2026-27",
            currency="INR",
            valid_from=_YEAR[0],
            valid_to=_YEAR[1],
            cancellation_tiers=[CancellationTier(days_before=1, charge_pct=Decimal(100))],
        ),
    )
    season = rate_services.add_season(
        session,
        ctx,
        version_id=version.id,
        row_version=version.row_version,
        data=SeasonIn(name="All year", ranges=[DateRange(starts_on=_YEAR[0], ends_on=_YEAR[1])]),
    )
    markup = {"markup_pct": Decimal(15)}
    lines: list[LineIn] = []
    for name, _seats, per_km, per_day in _CAB_SERVICES:
        common = {"service_id": services[name], "season_id": season.id}
        lines.append(LineIn(**common, basis="per_km", net=per_km, **markup))
        if per_day is not None:
            lines.append(LineIn(**common, basis="per_vehicle", net=per_day, **markup))
        lines += [
            LineIn(**common, basis="per_vehicle", supplement="Driver allowance", net=Decimal(400)),
            LineIn(
                **common,
                basis="per_vehicle",
                supplement="Night driving",
                optional=True,
                net=Decimal(300),
            ),
        ]
    airport, _seats, one_way = _CAB_AIRPORT
    lines.append(
        LineIn(
            service_id=services[airport],
            season_id=season.id,
            basis="per_transfer",
            net=one_way,
            **markup,
        )
    )
    rate_lines.add_lines(
        session, ctx, version_id=version.id, row_version=version.row_version, lines=lines
    )
    _publish(session, ctx, version)


# ---- customers and queries ---------------------------------------------------------------------

# Four more agents for the first agency (with Kavya: five), each with skills and a cap.
DEMO_AGENTS = (
    ("rohan@sunrise-holidays.example", "Rohan Gupta", ["goa", "kerala", "beaches"]),
    ("sana@sunrise-holidays.example", "Sana Qureshi", ["dubai", "bali", "honeymoon"]),
    ("vikram@sunrise-holidays.example", "Vikram Singh", ["rajasthan", "heritage", "hindi"]),
    ("ananya@sunrise-holidays.example", "Ananya Bose", ["kerala", "bengali", "family"]),
)
DEMO_AGENT_PASSWORD = "Sunrise-Agent-2026"
_FIRST = [
    "Aarav",
    "Vivaan",
    "Aditya",
    "Vihaan",
    "Arjun",
    "Sai",
    "Reyansh",
    "Ayaan",
    "Krishna",
    "Ishaan",
    "Ananya",
    "Diya",
    "Aadhya",
    "Saanvi",
    "Pari",
    "Anika",
    "Navya",
    "Myra",
    "Sara",
    "Ira",
    "Rahul",
    "Neha",
    "Karan",
    "Pooja",
    "Amit",
    "Sneha",
    "Rohit",
    "Kiran",
    "Meera",
    "Nikhil",
]
_LAST = [
    "Sharma",
    "Verma",
    "Iyer",
    "Nair",
    "Reddy",
    "Patel",
    "Shah",
    "Mehta",
    "Kapoor",
    "Malhotra",
    "Gupta",
    "Bose",
    "Das",
    "Rao",
    "Menon",
    "Pillai",
    "Joshi",
    "Kulkarni",
    "Chopra",
    "Bhat",
]
_TRIPS = (
    (["Goa"], ["beaches", "nightlife"]),
    (["Kerala"], ["backwaters", "family"]),
    (["Rajasthan"], ["heritage", "culture"]),
    (["Dubai"], ["shopping", "family"]),
    (["Bali"], ["honeymoon", "beaches"]),
    (["Kashmir"], ["mountains", "family"]),
    (["Andaman"], ["beaches", "diving"]),
    (["Singapore", "Malaysia"], ["family", "theme parks"]),
)


def seed_agents(session: Session) -> None:
    tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
    kavya = session.exec(select(User).where(User.email == "agent@sunrise-holidays.example")).one()
    enter_tenant(session, tenant.id)
    query_services.set_agent_profile(
        session,
        TenantContext(tenant.id, None, Role.OWNER),
        user_id=kavya.id,
        data=AgentProfileIn(skills=["goa", "dubai", "family"], workload_cap=40),
    )
    for email, name, skills in DEMO_AGENTS:
        user = add_member(
            session,
            tenant_id=tenant.id,
            email=email,
            name=name,
            password=DEMO_AGENT_PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
        ctx = TenantContext(tenant.id, None, Role.OWNER)
        enter_tenant(session, tenant.id)
        query_services.set_agent_profile(
            session, ctx, user_id=user.id, data=AgentProfileIn(skills=skills, workload_cap=40)
        )


def seed_queries(session: Session) -> None:
    """200 customers and 300 queries over the last 60 days, from every source, in every
    status, spread over the five agents (through the services, so SLA times and timelines are
    what the app itself would have made)."""
    rng = random.Random(2026)
    tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
    enter_tenant(session, tenant.id)
    manager = session.exec(
        select(User).where(User.email == "manager@sunrise-holidays.example")
    ).one()
    ctx = TenantContext(tenant.id, manager.id, Role.MANAGER)
    agents = [
        u.id
        for u in session.exec(
            select(User).where(
                col(User.email).in_(
                    ["agent@sunrise-holidays.example", *(e for e, _n, _s in DEMO_AGENTS)]
                )
            )
        )
    ]
    now = utcnow()
    people = []
    for i in range(200):
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        people.append(
            customer_services.create_customer(
                session,
                ctx,
                data=CustomerCreate(
                    name=name,
                    email=f"{name.lower().replace(' ', '.')}{i}@example.com",
                    phone=f"+9198{rng.randrange(10_000_000, 99_999_999)}",
                    city=rng.choice(["Mumbai", "Pune", "Bengaluru", "Delhi", "Chennai"]),
                    country="IN",
                    tags=rng.sample(["repeat", "corporate", "vip", "honeymoon", "family"], k=1),
                    allow_duplicate=True,
                ),
            )
        )
    reasons = query_services.lost_reasons(session, ctx)

    def reply(query_id: uuid.UUID, kind: Literal["call", "email"], body: str, at: datetime) -> None:
        """The agent got back to the customer (a note that counts as the reply)."""
        note = NoteIn(kind=kind, body=body, counts_as_reply=True)
        query_services.add_note(session, ctx, query_id=query_id, data=note, now=at)

    channels = [QueryChannel.STAFF] * 5 + [QueryChannel.PORTAL] * 3 + [QueryChannel.EMAIL] * 2
    for n in range(300):
        created = now - timedelta(days=60 * (300 - n) / 300, minutes=rng.randrange(600))
        places, interests = rng.choice(_TRIPS)
        start = (created + timedelta(days=rng.randrange(30, 200))).date()
        children = rng.choice([0, 0, 1, 2])
        channel = rng.choice(channels)
        query, _ = query_services.create_query(
            session,
            ctx,
            data=QueryCreate(
                customer_id=rng.choice(people).id,
                destinations=places,
                start_date=start,
                end_date=start + timedelta(days=rng.choice([3, 4, 5, 6, 7, 9])),
                adults=rng.choice([1, 2, 2, 2, 3, 4]),
                children=children,
                child_ages=[rng.randrange(2, 15) for _ in range(children)],
                budget=Decimal(rng.randrange(40, 400) * 1000),
                budget_currency="INR",
                hotel_category=rng.choice(["3 star", "4 star", "5 star", None]),
                interests=interests,
                priority=rng.choice(
                    [Priority.NORMAL] * 6 + [Priority.HIGH] * 3 + [Priority.URGENT]
                ),
                external_ref=f"web-{n}" if channel is not QueryChannel.STAFF else None,
            ),
            channel=channel,
            now=created,
        )
        if n >= 290:
            continue  # the newest ten wait to be picked up (pending, unassigned)
        fate = rng.random()
        version = query_services.reassign(
            session,
            ctx,
            query_id=query.id,
            user_id=rng.choice(agents),
            row_version=query.row_version,
            now=created + timedelta(minutes=5),
        ).row_version
        step = created + timedelta(hours=rng.randrange(1, 30))
        if fate < 0.75 or step > now:
            if fate > 0.4:  # the agent called back
                reply(query.id, "call", "Called the customer; sending options.", min(step, now))
            for target, share in (
                (QueryStatus.QUOTED, 0.45),
                (QueryStatus.ON_HOLD, 0.55),
            ):
                if fate > share and fate < share + 0.1 and step <= now:
                    version = query_services.transition(
                        session, ctx, query_id=query.id, to=target, row_version=version, now=step
                    ).row_version
            if rng.random() < 0.92:  # most open queries were followed up lately
                latest = now - timedelta(hours=rng.randrange(1, 20))
                if latest > step:
                    reply(
                        query.id, "email", "Sent the revised options; waiting to hear back.", latest
                    )
            continue
        version = query_services.transition(
            session, ctx, query_id=query.id, to=QueryStatus.QUOTED, row_version=version, now=step
        ).row_version
        closed = min(step + timedelta(days=rng.randrange(1, 10)), now)
        if fate < 0.88:
            end, reason = QueryStatus.WON, None
        elif fate < 0.97:
            end, reason = QueryStatus.LOST, rng.choice(reasons)
        else:
            end, reason = QueryStatus.CANCELLED, None
        query_services.transition(
            session,
            ctx,
            query_id=query.id,
            to=end,
            row_version=version,
            now=closed,
            reason=reason,
        )


# Two priced itineraries per demo agency: a trip at home and one abroad (bought in another
# currency, converted at the agency's dated rate; TCS for the Indian agency), with the agency's
# markup rules, its country's tax table and the exchange rates they need.
_DEMO_TRIPS: dict[str, dict[str, Any]] = {
    "sunrise-holidays": {
        "fx": [("AED", "INR", "22.85"), ("USD", "INR", "83.50"), ("IDR", "INR", "0.0052")],
        "markups": [
            ("Everything 10 %", "percent", "10", {}),
            ("Stays 15 %", "percent", "15", {"service_type": "stay"}),
            ("Dubai stays 12 %", "percent", "12", {"service_type": "stay", "destination": "Dubai"}),
        ],
        "trips": [
            {
                "title": "Goa beach break, 4 nights",
                "start": date(2027, 2, 8),
                "days": 5,
                "changes": {"gst_scheme": "package", "customer_in_state": True},
                "items": [
                    (1, "stay", "Deluxe Sea View", {"nights": 4}),
                    (1, "transfer", "Sedan (Swift Dzire)", {}),
                    (5, "transfer", "Sedan (Swift Dzire)", {}),
                ],
            },
            {
                "title": "Dubai city and desert, 4 nights",
                "start": date(2027, 2, 15),
                "days": 5,
                "changes": {
                    "gst_scheme": "package",
                    "customer_in_state": False,
                    "overseas": True,
                },
                "items": [
                    (1, "stay", "Deluxe City View", {"nights": 4}),
                    (1, "transfer", "Lexus ES sedan", {}),
                    (2, "activity", "Evening desert safari with BBQ dinner", {}),
                    (5, "transfer", "Lexus ES sedan", {}),
                ],
            },
        ],
    },
    "blue-horizon-tours": {
        "fx": [("EUR", "USD", "1.08")],
        "markups": [("Everything 18 %", "percent", "18", {})],
        "trips": [
            {
                "title": "Miami beach weekend",
                "start": date(2027, 2, 12),
                "days": 4,
                "changes": {},
                "items": [
                    (1, "stay", "Ocean View King", {"nights": 3}),
                    (
                        4,
                        "note",
                        "Check out and fly home",
                        {"description": "Late check-out on request"},
                    ),
                ],
            },
            {
                "title": "Miami and a Paris add-on",
                "start": date(2027, 3, 5),
                "days": 6,
                "changes": {"overseas": True},
                "items": [
                    (1, "stay", "Ocean View King", {"nights": 2}),
                    (3, "flight", "Miami - Paris", {"manual_net": "620", "manual_currency": "USD"}),
                    (
                        3,
                        "stay",
                        "Hotel in Paris, 3 nights",
                        {"manual_net": "840", "manual_currency": "EUR", "nights": 3},
                    ),
                    (6, "note", "Fly home from Paris", {"description": "Evening flight"}),
                ],
            },
        ],
    },
}


def seed_itineraries(session: Session) -> None:
    """The demo agencies' pricing data and two priced itineraries each (through the services)."""
    for slug, plan in _DEMO_TRIPS.items():
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        owner_email = next(email for s, email, _n, _p in DEMO_LOGINS if s == slug)
        owner = session.exec(select(User).where(User.email == owner_email)).one()
        enter_tenant(session, tenant.id)
        ctx = TenantContext(tenant_id=tenant.id, user_id=owner.id, role=Role.OWNER)
        pricing_data.seed_tax_table(session, ctx, country=tenant.country)
        for base, quote, rate in plan["fx"]:
            pricing_data.set_fx_rate(
                session,
                ctx,
                data=FxRateIn(
                    base=base, quote=quote, valid_on=date(2026, 12, 1), rate=Decimal(rate)
                ),
            )
        for position, (name, kind, value, criteria) in enumerate(plan["markups"]):
            pricing_data.add_markup_rule(
                session,
                ctx,
                data=MarkupRuleIn(
                    name=name, kind=kind, value=Decimal(value), position=position, **criteria
                ),
            )
        services = {
            service.name: service.id for service in session.exec(select(SupplierService)).all()
        }
        for spec in plan["trips"]:
            itinerary = itinerary_services.create_itinerary(
                session,
                ctx,
                data=ItineraryCreate(
                    title=spec["title"], start_date=spec["start"], days=spec["days"]
                ),
            )
            if spec["changes"]:
                itinerary_services.update_itinerary(
                    session,
                    ctx,
                    itinerary_id=itinerary.id,
                    row_version=itinerary.row_version,
                    data=ItineraryUpdate(**spec["changes"]),
                )
            days = itinerary_services.to_public(session, itinerary).days
            for day, kind, name, extra in spec["items"]:
                itinerary_services.add_item(
                    session,
                    ctx,
                    itinerary_id=itinerary.id,
                    day_id=days[day - 1].id,
                    data=ItemIn(
                        kind=kind,
                        service_id=services.get(name)
                        if kind != "note" and "manual_net" not in extra
                        else None,
                        title=name if kind == "note" or "manual_net" in extra else None,
                        **extra,
                    ),
                )
            itinerary_services.calculate_price(session, ctx, itinerary_id=itinerary.id)


_QUOTE_TERMS = {
    "inclusions": "Accommodation with breakfast\nPrivate transfers as listed\nAll taxes shown",
    "exclusions": "Flights unless listed\nVisa fees\nPersonal expenses and tips",
    "terms": "Cancellation: free up to 30 days before travel; 50% up to 7 days; no refund "
    "after. Prices hold until the quote's validity date.",
}


def _quotes_for(session: Session, ctx: TenantContext) -> None:
    """One demo agency's quotes, one in each state."""
    settings = quote_services.quote_settings(session, ctx)
    quote_services.update_settings(
        session,
        ctx,
        row_version=settings.row_version,
        data=QuoteSettingsIn(validity_days=14, **_QUOTE_TERMS),
    )
    trips = sorted(itinerary_services.list_itineraries(session, ctx), key=lambda i: i.number)[:2]
    for trip in trips:
        if trip.status != "frozen":
            itinerary_services.freeze(
                session, ctx, itinerary_id=trip.id, row_version=trip.row_version
            )
    first, second = trips
    today = quote_services.agency_today(session, ctx)

    # the demo trips have no query: the quotes go to one demo traveller (the email needs one)
    traveller = session.exec(
        select(Customer).where(col(Customer.email).is_not(None)).order_by(col(Customer.name))
    ).first() or customer_services.create_customer(
        session,
        ctx,
        data=CustomerCreate(
            name="Meera Nair",
            email=f"meera.nair.{ctx.tenant_id.hex[:6]}@example.com",
            allow_duplicate=True,
        ),
    )

    def make(itinerary_id: uuid.UUID, **data: Any) -> Any:
        quote = quote_services.create_quote(
            session, ctx, data=QuoteCreate(itinerary_id=itinerary_id, **data)
        )
        if quote.customer_id is None:
            quote.customer_id, quote.customer_name = traveller.id, traveller.name
            session.add(quote)
        return quote

    def send(quote: Any) -> Any:
        return quote_services.send_quote(
            session, ctx, quote_id=quote.id, row_version=quote.row_version
        )

    # expired: sent with a short validity, then past it
    send(make(first.id, valid_until=today + timedelta(days=1)))
    quote_services.expire_due(session, ctx, on=today + timedelta(days=2))
    # superseded, then its revision accepted
    offered = send(make(first.id, grouping="type"))
    revision = quote_services.revise_quote(
        session, ctx, quote_id=offered.id, row_version=offered.row_version
    )
    revision = quote_services.update_quote(
        session,
        ctx,
        quote_id=revision.id,
        row_version=revision.row_version,
        data=QuoteUpdate(
            instalments=1, exclusions=_QUOTE_TERMS["exclusions"] + "\nTravel insurance"
        ),
    )
    revision = send(revision)
    quote_services.accept_quote(
        session, ctx, quote_id=revision.id, row_version=revision.row_version
    )
    # viewed by the customer
    quote_services.mark_viewed(session, ctx, quote_id=send(make(first.id)).id)
    # declined, with the customer's words
    declined = send(make(second.id, grouping="package"))
    quote_services.decline_quote(
        session,
        ctx,
        quote_id=declined.id,
        row_version=declined.row_version,
        reason="Found a cheaper package elsewhere",
    )
    send(make(second.id))  # sent, waiting for an answer
    make(second.id)  # a draft


def seed_quotes(session: Session) -> None:
    """Quotes in every state for the demo itineraries (frozen first), through the services:
    expired, superseded and accepted (a revision), viewed, declined, sent and a draft."""
    for slug in _DEMO_TRIPS:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        owner_email = next(email for s, email, _n, _p in DEMO_LOGINS if s == slug)
        owner = session.exec(select(User).where(User.email == owner_email)).one()
        enter_tenant(session, tenant.id)
        ctx = TenantContext(tenant_id=tenant.id, user_id=owner.id, role=Role.OWNER)
        _quotes_for(session, ctx)


def seed_emails(session: Session) -> None:
    """The first demo agency's email templates, a few emails from them (delivered by the
    queue: kept in the outbox without SMTP_URL) and one blocked address, so the email pages
    have something to show."""
    slug = DEMO_LOGINS[0][0]
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
    enter_tenant(session, tenant.id)
    ctx = TenantContext(tenant_id=tenant.id, user_id=None, role=Role.OWNER)
    mail_templates.ensure_defaults(session, ctx)
    mail_sending.suppress(
        session,
        tenant_id=tenant.id,
        email="old.address@example.com",
        reason="550 5.1.1 <old.address@example.com>: Recipient address rejected",
        message_ref=None,
    )
    sample = templating.sample_values(TemplateKind.QUOTE_SENT)
    for number, (name, email) in enumerate(
        [
            ("Ananya Iyer", "ananya.iyer@example.com"),
            ("Rohan Kapoor", "rohan.kapoor@example.com"),
            ("Meera Nair", "old.address@example.com"),
        ],
        start=41,
    ):
        mail_sending.send_templated(
            session,
            ctx,
            kind=TemplateKind.QUOTE_SENT,
            to_email=email,
            to_name=name,
            variables=sample | {"customer_name": name, "quote_number": f"SUN-Q-2026-{number:04d}"},
            send_key=f"demo-quote-{number}",
        )


# ---- service content (descriptions and photos) ----------------------------------------------
# Hotels and activities get a description, highlights and two photos each service; the photos
# are drawn here with Pillow (a scene per supplier, by day and at dusk), never downloaded.

_CONTENT: dict[str, tuple[str, str, list[str]]] = {
    "Sea Breeze Beach Resort": (
        "beach",
        "A low-rise resort set in palm gardens, two minutes' walk from Candolim beach. Rooms "
        "open onto a balcony or a garden sit-out; breakfast is served by the pool.\n\n"
        "- Beach towels and loungers\n- Airport transfers on request",
        ["Walk to the beach", "Pool and spa", "Free Wi-Fi"],
    ),
    "Alleppey Heritage Houseboats": (
        "backwater",
        "A traditional kettuvallam of teak and coir, crewed by a captain and a cook. Guests "
        "cruise the Vembanad backwaters by day and moor in a quiet canal for the night.",
        ["All meals on board", "Air-conditioned bedrooms", "Village walk at sunset"],
    ),
    "Misty Hills Resort Munnar": (
        "hills",
        "Cottages and villas on a working tea estate at 1,600 metres, above the mist of the "
        "valley. Guided plantation walks leave every morning after breakfast.",
        ["Tea-estate views", "Bonfire evenings", "Plantation walk"],
    ),
    "Kathakali Kendra Kochi": (
        "stage",
        "An evening of Kathakali, Kerala's classical dance-drama, in an intimate theatre in "
        "Fort Kochi. Arrive early to watch the artists apply their elaborate make-up.",
        ["Reserved seating", "Make-up viewing", "About 90 minutes"],
    ),
    "Amber Haveli Jaipur": (
        "palace",
        "A restored 19th-century haveli in the old city, with painted courtyards, jharokha "
        "windows and a rooftop restaurant looking towards Nahargarh Fort.",
        ["Heritage building", "Rooftop dining", "Near the City Palace"],
    ),
    "Lake Pichola Palace": (
        "lake",
        "A lakeside palace hotel facing the City Palace across Lake Pichola. Boat rides leave "
        "from the private jetty; evenings end with folk music on the terrace.",
        ["Lake views", "Private jetty", "Folk music evenings"],
    ),
    "Marina Pearl Hotel Dubai": (
        "city",
        "A modern tower hotel on Dubai Marina, a short walk from JBR beach and the tram. Upper "
        "floors look out over the marina and the Gulf.",
        ["Marina views", "Rooftop pool", "Near the tram"],
    ),
    "Red Dunes Desert Safari": (
        "desert",
        "Dune driving in the red sands of the Lahbab desert, camel rides and sandboarding, "
        "then a barbecue dinner under the stars at a Bedouin-style camp.",
        ["Hotel pick-up", "Barbecue dinner", "Camel ride"],
    ),
    "Ubud Jungle Villas": (
        "jungle",
        "Private pool villas above the Ayung river valley, ten minutes from Ubud's centre. "
        "Each villa has an outdoor bathroom and a daily breakfast served in the villa.",
        ["Private pool", "Jungle views", "Daily breakfast"],
    ),
    "Bali Ubud Discovery Tours": (
        "jungle",
        "Small-group tours with local guides: rice terraces, temples and forest walks around "
        "Ubud, at a gentle pace with time for photographs.",
        ["Local guide", "Small groups", "Hotel pick-up in Ubud"],
    ),
    "Sunset Bay Hotel Miami": (
        "beach",
        "An oceanfront hotel on Collins Avenue with direct access to the beach. Rooms have "
        "ocean or bay views; the pool deck has cabanas and a bar.",
        ["Oceanfront", "Pool deck", "Beach chairs included"],
    ),
}
_SKIES = {  # (top, horizon) by day, then at dusk
    True: ((70, 140, 215), (180, 215, 240)),
    False: ((60, 45, 110), (245, 150, 90)),
}


def _demo_photo(scene: str, day: bool, seed: int) -> bytes:
    """A 1200x800 picture of `scene` (a beach, hills, a palace...) by day or at dusk."""
    rng = random.Random(seed)
    width, height, horizon = 1200, 800, 470
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    (top, low) = _SKIES[day] if scene != "stage" else ((15, 10, 25), (40, 20, 45))
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, low, strict=True)),
        )
    sun = (rng.randint(250, 950), rng.randint(90, 260))
    glow = (255, 240, 180) if day else (255, 190, 110)
    if scene != "stage":
        draw.ellipse([sun[0] - 55, sun[1] - 55, sun[0] + 55, sun[1] + 55], fill=glow)
    ground = {
        "beach": (40, 120, 170),
        "backwater": (50, 110, 100),
        "lake": (60, 120, 160),
        "hills": (70, 130, 70),
        "jungle": (40, 110, 60),
        "desert": (210, 120, 70),
        "palace": (200, 160, 110),
        "city": (90, 100, 120),
        "stage": (60, 30, 30),
    }[scene]
    draw.rectangle([0, horizon, width, height], fill=ground)
    if scene in ("hills", "jungle", "backwater"):
        for layer, shade in enumerate(((60, 120, 80), (45, 100, 60), (30, 80, 45))):
            base = horizon - 120 + layer * 60
            points = (
                [(0, height)]
                + [(x, base - rng.randint(0, 90)) for x in range(0, width + 150, 150)]
                + [(width, height)]
            )
            draw.polygon(points, fill=shade)
    if scene in ("beach", "backwater", "jungle"):
        for _ in range(3):
            x = rng.randint(60, width - 60)
            draw.polygon(
                [(x - 8, height), (x + 8, height), (x + 4, 430), (x - 2, 430)], fill=(90, 60, 35)
            )
            for dx in (-90, -45, 45, 90):
                draw.polygon(
                    [(x, 430), (x + dx, 470 + abs(dx) // 3), (x + dx // 2, 450)], fill=(30, 110, 50)
                )
    if scene == "backwater":
        draw.rectangle([0, 600, width, height], fill=(60, 120, 115))
        draw.polygon([(380, 640), (820, 640), (760, 700), (440, 700)], fill=(110, 70, 40))
        draw.arc([450, 560, 750, 720], start=180, end=360, fill=(200, 170, 110), width=28)
    if scene == "beach":
        draw.polygon([(0, 640), (width, 560), (width, height), (0, height)], fill=(235, 210, 160))
    if scene in ("palace", "lake", "city"):
        for n in range(rng.randint(4, 7)):
            left = 80 + n * 160 + rng.randint(-20, 20)
            tall = rng.randint(120, 300) if scene == "city" else rng.randint(90, 170)
            colour = (235, 215, 180) if scene != "city" else (170, 185, 205)
            draw.rectangle([left, horizon - tall, left + 120, horizon + 20], fill=colour)
            if scene != "city":
                draw.ellipse(
                    [left + 25, horizon - tall - 45, left + 95, horizon - tall + 25], fill=colour
                )
            for row in range(horizon - tall + 20, horizon, 40):
                draw.rectangle([left + 20, row, left + 40, row + 22], fill=(120, 80, 60))
                draw.rectangle([left + 80, row, left + 100, row + 22], fill=(120, 80, 60))
    if scene == "desert":
        for n in range(4):
            y = horizon + n * 80
            draw.ellipse(
                [-200 + n * 150, y - 60, 900 + n * 150, y + 160],
                fill=(225 - n * 10, 140 - n * 8, 80),
            )
    if scene == "stage":
        draw.polygon([(600, 0), (380, height), (820, height)], fill=(120, 90, 60))
        draw.ellipse([545, 360, 655, 470], fill=(40, 150, 70))
        draw.polygon([(520, 470), (680, 470), (730, 760), (470, 760)], fill=(200, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed_service_content(session: Session) -> None:
    """A description, highlights and two drawn photos (the first the cover) for every service
    of the demo hotels and activities."""
    photos: dict[tuple[str, bool], bytes] = {}
    for slug in DEMO_SUPPLIERS:
        ctx = _as_owner(session, slug)
        suppliers = session.exec(
            select(Supplier).where(col(Supplier.kind).in_(["hotel", "activity"]))
        ).all()
        for supplier in suppliers:
            scene, words, highlights = _CONTENT.get(
                supplier.name,
                ("hills", f"{supplier.name} in {supplier.city or supplier.country}.", []),
            )
            for service in supplier_services.list_services(session, ctx, supplier_id=supplier.id):
                supplier_content.set_content(
                    session,
                    ctx,
                    supplier_id=supplier.id,
                    service_id=service.id,
                    data=ContentIn(
                        description=f"**{service.name}** at {supplier.name}. {words}",
                        highlights=highlights,
                    ),
                )
                for day in (True, False):
                    key = (supplier.name, day)
                    if key not in photos:
                        photos[key] = _demo_photo(scene, day, seed=len(photos))
                    supplier_content.add_photo(
                        session,
                        ctx,
                        supplier_id=supplier.id,
                        service_id=service.id,
                        data=photos[key],
                        filename=f"{scene}.png",
                        caption=f"{supplier.name} {'by day' if day else 'at dusk'}",
                        alt_text=f"A drawing of {supplier.name}'s setting",
                    )


SEEDERS: tuple[tuple[str, Seeder], ...] = (
    ("agencies-v1", seed_agencies),
    ("owners-v1", seed_owners),
    ("staff-v1", seed_staff),
    ("suppliers-v1", seed_suppliers),
    ("rates-v1", seed_rates),
    ("transport-rates-v1", seed_transport_rates),
    ("agents-v1", seed_agents),
    ("queries-v1", seed_queries),
    ("itineraries-v1", seed_itineraries),
    ("service-content-v1", seed_service_content),
    ("quotes-v1", seed_quotes),
    ("emails-v1", seed_emails),
)

"""Itineraries (a trip day by day, priced from published rates), their days and items, the
frozen snapshots quotes are made from, and the agency's pricing data: markup rules, the dated
tax table, dated exchange rates and its pricing settings. All tenant-owned."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint, text
from sqlmodel import Field

from travelcrm.core.sqltypes import amount, exact_rate, utc_datetime
from travelcrm.core.tenancy import TenantMixin, tenant_fk


class ItineraryStatus(StrEnum):
    DRAFT = "draft"
    FROZEN = "frozen"  # priced and locked for a quote: nothing reprices it


class ItemKind(StrEnum):
    STAY = "stay"  # a hotel stay: check-in day + nights, a room mix
    TRANSFER = "transfer"  # from - to, per vehicle
    TRANSPORT = "transport"  # a vehicle by the day, km or hour
    ACTIVITY = "activity"
    GUIDE = "guide"
    MEAL = "meal"
    FLIGHT = "flight"  # priced by hand
    OTHER = "other"  # priced by hand
    NOTE = "note"  # free text, no price


# what each kind of item is, for markup rules and the sheet's columns by service type
PRICED_KINDS = frozenset(kind.value for kind in ItemKind if kind is not ItemKind.NOTE)


class Itinerary(TenantMixin, table=True):
    __tablename__ = "itineraries"
    __table_args__ = (
        tenant_fk("query_id", "queries"),
        tenant_fk("customer_id", "customers"),
        UniqueConstraint("tenant_id", "number"),
        Index("ix_itineraries_tenant_query", "tenant_id", "query_id"),
        # one itinerary of a query is the one to quote
        Index(
            "uq_itineraries_tenant_query_primary",
            "tenant_id",
            "query_id",
            unique=True,
            postgresql_where=text("is_primary"),
            sqlite_where=text("is_primary"),
        ),
        Index("ix_itineraries_tenant_created", "tenant_id", "created_at"),
    )

    number: int  # per agency: "IT-1042", from the sequence service
    version: int = 1  # unfreezing makes the next version; each frozen one is kept
    query_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    copied_from_id: uuid.UUID | None = None
    title: str = Field(max_length=200)
    status: str = Field(default=ItineraryStatus.DRAFT.value, max_length=10)
    is_primary: bool = False
    start_date: date
    adults: int = 2
    child_ages: list[int] = Field(default_factory=list, sa_type=JSON)
    children_with_bed: int = 0
    free_place_every: int | None = None  # groups: one free (FOC) place per this many paying
    market: str = Field(default="all", max_length=20)
    destination: str | None = Field(default=None, max_length=120)  # for markup rules
    sell_currency: str = Field(max_length=3)
    fx_buffer_pct: Decimal = amount(default=Decimal(0))
    commission_pct: Decimal = amount(default=Decimal(0))
    commission_mode: str = Field(default="included", max_length=10)
    gst_scheme: str = Field(default="none", max_length=12)
    customer_in_state: bool = True
    overseas: bool = False
    budget: Decimal | None = amount(nullable=True)
    budget_currency: str | None = Field(default=None, max_length=3)
    notes: str | None = Field(default=None, sa_type=Text)
    frozen_at: datetime | None = utc_datetime(nullable=True)
    frozen_by: uuid.UUID | None = None
    checksum: str | None = Field(default=None, max_length=64)
    row_version: int = 1
    created_by: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)
    updated_at: datetime | None = utc_datetime(nullable=True)


class ItineraryDay(TenantMixin, table=True):
    """A day of the trip; its date is the trip's start plus its place, so inserting or
    removing a day moves every later date."""

    __tablename__ = "itinerary_days"
    __table_args__ = (
        tenant_fk("itinerary_id", "itineraries", ondelete="CASCADE"),
        Index("ix_itinerary_days_tenant_itinerary", "tenant_id", "itinerary_id", "position"),
    )

    itinerary_id: uuid.UUID
    position: int  # 1 = the first day
    title: str = Field(default="", max_length=200)
    notes: str | None = Field(default=None, sa_type=Text)
    overnight: str | None = Field(default=None, max_length=120)


class ItineraryItem(TenantMixin, table=True):
    """A service on a day: a supplier's service priced by the lookup, or a price entered by
    hand, or a note. `price` keeps the last lookup (nights, lines, net and sell) and
    `problem` why there is none."""

    __tablename__ = "itinerary_items"
    __table_args__ = (
        tenant_fk("itinerary_id", "itineraries", ondelete="CASCADE"),
        tenant_fk("day_id", "itinerary_days", ondelete="CASCADE"),
        tenant_fk("service_id", "supplier_services"),
        Index("ix_itinerary_items_tenant_itinerary", "tenant_id", "itinerary_id"),
    )

    itinerary_id: uuid.UUID
    day_id: uuid.UUID
    position: int
    kind: str = Field(max_length=10)
    service_id: uuid.UUID | None = None
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=Text)
    nights: int = 1  # a stay's nights; days of transport; 1 otherwise
    # a stay's rooms: [{"occupancy": "double", "rooms": 1}, ...]
    rooms: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    children_with_bed: int = 0
    pax: int | None = None  # people on this item when not the whole party
    basis: str | None = Field(default=None, max_length=20)
    km: int | None = None
    hours: Decimal | None = amount(nullable=True)
    transfers: int = 1
    supplements: list[str] = Field(default_factory=list, sa_type=JSON)
    manual_net: Decimal | None = amount(nullable=True)  # flights, other, or a net entered by hand
    manual_currency: str | None = Field(default=None, max_length=3)
    estimate: bool = False  # priced from last season's rate: shown as an estimate
    sell_override: Decimal | None = amount(nullable=True)  # locked gross, selling currency
    margin_override_pct: Decimal | None = amount(nullable=True)  # locked margin
    optional: bool = False  # shown, not totalled
    alternative_group: str | None = Field(default=None, max_length=40)  # "Hotel A or B"
    price: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    problem: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    priced_at: datetime | None = utc_datetime(nullable=True)


class ItinerarySnapshot(TenantMixin, table=True):
    """A frozen version: every rate line used, the FX rates, markup and tax rules, the sheet,
    and the SHA-256 of its canonical form. Never changed."""

    __tablename__ = "itinerary_snapshots"
    __table_args__ = (
        tenant_fk("itinerary_id", "itineraries", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "itinerary_id", "version"),
    )

    itinerary_id: uuid.UUID
    version: int
    checksum: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_type=JSON)
    frozen_by: uuid.UUID | None = None
    frozen_at: datetime = utc_datetime(default_now=True)


class MarkupRuleRow(TenantMixin, table=True):
    """One of the agency's markups: a percent or an amount for lines matching what it names."""

    __tablename__ = "markup_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: str = Field(max_length=120)
    kind: str = Field(max_length=10)  # percent | amount
    value: Decimal = amount()
    market: str | None = Field(default=None, max_length=20)
    destination: str | None = Field(default=None, max_length=120)
    supplier_type: str | None = Field(default=None, max_length=20)
    service_type: str | None = Field(default=None, max_length=20)
    travel_from: date | None = None
    travel_to: date | None = None
    position: int = 0  # the tie-break between equally specific rules
    is_active: bool = True
    row_version: int = 1
    created_at: datetime = utc_datetime(default_now=True)


class TaxRuleRow(TenantMixin, table=True):
    """A dated row of the agency's tax table (seeded for its country, corrected by it)."""

    __tablename__ = "tax_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "name", "valid_from"),)

    name: str = Field(max_length=120)
    kind: str = Field(max_length=12)
    country: str = Field(max_length=2)
    valid_from: date
    rate_pct: Decimal = amount(default=Decimal(0))
    base: str = Field(default="gross", max_length=10)
    # [{"up_to": "1000000" | null, "rate_pct": "5"}, ...]
    slabs: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    split_in_state: bool = False
    note: str | None = Field(default=None, max_length=300)  # where the rule comes from
    row_version: int = 1
    created_at: datetime = utc_datetime(default_now=True)


class FxRate(TenantMixin, table=True):
    """What one unit of `base` cost in `quote` on `valid_on`, entered or imported by the agency
    (nothing is fetched at run time)."""

    __tablename__ = "fx_rates"
    __table_args__ = (UniqueConstraint("tenant_id", "base", "quote", "valid_on"),)

    base: str = Field(max_length=3)
    quote: str = Field(max_length=3)
    valid_on: date
    rate: Decimal = exact_rate()
    source: str | None = Field(default=None, max_length=60)
    created_at: datetime = utc_datetime(default_now=True)


class PricingSettings(TenantMixin, table=True):
    """An agency's pricing rules (one row; defaults until changed)."""

    __tablename__ = "pricing_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    markup_policy: str = Field(default="most_specific", max_length=15)
    rounding_step: Decimal = amount(default=Decimal(0))
    rounding_level: str = Field(default="line", max_length=10)
    rounding_direction: str = Field(default="nearest", max_length=10)
    fx_buffer_pct: Decimal = amount(default=Decimal(2))
    commission_pct: Decimal = amount(default=Decimal(0))
    commission_mode: str = Field(default="included", max_length=10)
    row_version: int = 1
    updated_at: datetime | None = utc_datetime(nullable=True)

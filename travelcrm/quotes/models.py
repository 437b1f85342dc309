"""Quotes: what the customer is offered and the agency is held to, made from a frozen
itinerary version; every version of a quote is a row (v2 made by revising v1 shares its
number), and the agency's quote settings (defaults copied into each new quote). All
tenant-owned."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field

from travelcrm.core.sqltypes import amount, utc_datetime
from travelcrm.core.tenancy import TenantMixin, tenant_fk
from travelcrm.quotes.machine import QuoteState


class QuoteSettings(TenantMixin, table=True):
    """An agency's quote defaults (one row; the defaults until it changes them)."""

    __tablename__ = "quote_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    reference_prefix: str | None = Field(default=None, max_length=10)  # else from the agency name
    validity_days: int = 14
    grouping: str = Field(default="day", max_length=10)
    deposit_kind: str = Field(default="percent", max_length=10)
    deposit_value: Decimal = amount(default=Decimal(25))
    balance_days_before: int = 30
    instalments: int = 0
    inclusions: str = Field(default="", sa_type=Text)
    exclusions: str = Field(default="", sa_type=Text)
    terms: str = Field(default="", sa_type=Text)
    row_version: int = 1
    updated_at: datetime | None = utc_datetime(nullable=True)


class Quote(TenantMixin, table=True):
    """One version of a quote. Its lines, taxes and totals are copied from the frozen
    itinerary's snapshot (with that snapshot's checksum), so nothing reprices it; from `sent`
    on nothing changes it but its state."""

    __tablename__ = "quotes"
    __table_args__ = (
        tenant_fk("itinerary_id", "itineraries"),
        tenant_fk("query_id", "queries"),
        tenant_fk("customer_id", "customers"),
        UniqueConstraint("tenant_id", "reference", "version"),
        Index("ix_quotes_tenant_created", "tenant_id", "created_at"),
        Index("ix_quotes_tenant_query", "tenant_id", "query_id"),
        Index("ix_quotes_tenant_state_valid", "tenant_id", "state", "valid_until"),
    )

    number: int  # in the agency's series of the year it was made ("quote:2026")
    reference: str = Field(max_length=40)  # "SH-Q-2026-0001"
    version: int = 1
    revised_from_id: uuid.UUID | None = None
    itinerary_id: uuid.UUID
    itinerary_version: int
    checksum: str = Field(max_length=64)  # the frozen snapshot's SHA-256
    query_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    customer_name: str | None = Field(default=None, max_length=200)  # as addressed when made
    title: str = Field(max_length=200)
    state: str = Field(default=QuoteState.DRAFT.value, max_length=12)
    grouping: str = Field(default="day", max_length=10)
    currency: str = Field(max_length=3)
    start_date: date
    end_date: date
    paying_pax: int = 1
    # [{"item_id", "day", "kind", "title", "amount", "optional"}], from the snapshot's sheet
    lines: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    # [{"rule_id", "name", "kind", "rate_pct", "base", "amount"}]
    taxes: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    subtotal: Decimal = amount()
    rounding: Decimal = amount(default=Decimal(0))
    tax_total: Decimal = amount(default=Decimal(0))
    total: Decimal = amount()
    per_person: Decimal = amount()
    deposit_kind: str = Field(default="percent", max_length=10)
    deposit_value: Decimal = amount(default=Decimal(25))
    balance_days_before: int = 30
    instalments: int = 0
    # [{"kind", "due_on", "amount", "on_acceptance"}]
    schedule: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    valid_until: date
    inclusions: str = Field(default="", sa_type=Text)
    exclusions: str = Field(default="", sa_type=Text)
    terms: str = Field(default="", sa_type=Text)
    sent_at: datetime | None = utc_datetime(nullable=True)
    viewed_at: datetime | None = utc_datetime(nullable=True)
    decided_at: datetime | None = utc_datetime(nullable=True)
    decided_by: uuid.UUID | None = None
    decline_reason: str | None = Field(default=None, max_length=500)
    expired_at: datetime | None = utc_datetime(nullable=True)
    row_version: int = 1
    created_by: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)
    updated_at: datetime | None = utc_datetime(nullable=True)


class QuoteEvent(TenantMixin, table=True):
    """What happened to a quote version: made, changed, sent, viewed, accepted, declined,
    expired, revised, with who and when."""

    __tablename__ = "quote_events"
    __table_args__ = (
        tenant_fk("quote_id", "quotes", ondelete="CASCADE"),
        Index("ix_quote_events_tenant_quote", "tenant_id", "quote_id", "occurred_at"),
    )

    quote_id: uuid.UUID
    kind: str = Field(max_length=20)
    body: str | None = Field(default=None, sa_type=Text)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    actor_user_id: uuid.UUID | None = None
    occurred_at: datetime = utc_datetime(default_now=True)


class QuoteLink(TenantMixin, table=True):
    """A link to one quote version's proposal page, given to the customer. Only the SHA-256
    of its secret is kept; it ends at the version's validity, or when staff revoke it."""

    __tablename__ = "quote_links"
    __table_args__ = (
        tenant_fk("quote_id", "quotes", ondelete="CASCADE"),
        Index("ix_quote_links_tenant_quote", "tenant_id", "quote_id"),
    )

    quote_id: uuid.UUID
    secret_sha256: str = Field(max_length=64)
    purpose: str = Field(default="email", max_length=20)  # email, reminder, staff
    revoked_at: datetime | None = utc_datetime(nullable=True)
    revoked_by: uuid.UUID | None = None
    created_by: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)


class QuoteAcceptance(TenantMixin, table=True):
    """The customer's answer on the proposal page (one per version): who, when, from where,
    the optional items chosen, the total recomputed from them, and the exact document shown
    with its SHA-256."""

    __tablename__ = "quote_acceptances"
    __table_args__ = (
        tenant_fk("quote_id", "quotes", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "quote_id"),
    )

    quote_id: uuid.UUID
    link_id: uuid.UUID
    version: int
    decision: str = Field(max_length=10)  # accepted, declined
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    consent: bool = False
    reason: str | None = Field(default=None, max_length=500)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)
    optional_items: list[str] = Field(default_factory=list, sa_type=JSON)
    total: Decimal = amount()
    currency: str = Field(max_length=3)
    document_sha256: str = Field(max_length=64)
    document: str = Field(sa_type=Text)
    decided_at: datetime = utc_datetime(default_now=True)


class QuoteReminder(TenantMixin, table=True):
    """The reminder before expiry sent for a version (one row per version: sent once)."""

    __tablename__ = "quote_reminders"
    __table_args__ = (
        tenant_fk("quote_id", "quotes", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "quote_id"),
    )

    quote_id: uuid.UUID
    sent_at: datetime = utc_datetime(default_now=True)

"""What callers send and get back for quotes and the agency's quote settings."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from travelcrm.core.fields import CLEAN, UtcDatetime, plain_text
from travelcrm.quotes.machine import QuoteState
from travelcrm.quotes.schedule import MAX_INSTALMENTS, DepositKind, PaymentKind

Terms = Annotated[str, plain_text(20000), CLEAN]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]
Prefix = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z0-9]{1,10}$", max_length=10)
]
Reason = Annotated[str, plain_text(500), CLEAN]


class Grouping(StrEnum):
    DAY = "day"  # lines grouped by day of the trip
    TYPE = "type"  # by service type: stays, transfers, activities ...
    PACKAGE = "package"  # one package price


class SchedulePayment(BaseModel):
    kind: PaymentKind
    due_on: date
    amount: Decimal
    on_acceptance: bool


class QuoteLine(BaseModel):
    item_id: uuid.UUID | None
    day: int | None
    kind: str
    title: str
    amount: Decimal | None  # None on a package-priced quote: one price, no breakdown
    optional: bool


class LineGroup(BaseModel):
    """Lines shown together as the quote groups them, with their sum (optional lines are
    shown, not counted)."""

    key: str
    label: str
    lines: list[QuoteLine]
    amount: Decimal


class QuoteTax(BaseModel):
    rule_id: str
    name: str
    kind: str
    rate_pct: Decimal | None
    base: Decimal
    amount: Decimal


class QuoteCreate(BaseModel):
    """A quote from a frozen version of an itinerary (its latest frozen one unless
    `itinerary_version`); what is not given comes from the agency's quote settings."""

    model_config = ConfigDict(extra="forbid")

    itinerary_id: uuid.UUID
    itinerary_version: int | None = Field(default=None, ge=1)
    grouping: Grouping | None = None
    valid_until: date | None = None


class QuoteUpdate(BaseModel):
    """What may change on a draft."""

    model_config = ConfigDict(extra="forbid")

    grouping: Grouping | None = None
    valid_until: date | None = None
    deposit_kind: DepositKind | None = None
    deposit_value: Amount | None = None
    balance_days_before: int | None = Field(default=None, ge=0, le=365)
    instalments: int | None = Field(default=None, ge=0, le=MAX_INSTALMENTS)
    inclusions: Terms | None = None
    exclusions: Terms | None = None
    terms: Terms | None = None


class QuotePatch(QuoteUpdate):
    row_version: int = Field(ge=1)


class QuoteRowVersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)


class ReviseIn(QuoteRowVersionIn):
    """Revise from this version, or from a newer freeze of the itinerary (`from_latest_freeze`,
    or one named by `itinerary_version`)."""

    from_latest_freeze: bool = False
    itinerary_version: int | None = Field(default=None, ge=1)


class DeclineIn(QuoteRowVersionIn):
    reason: Reason | None = None


class QuoteVersionPublic(BaseModel):
    id: uuid.UUID
    reference: str  # "SH-Q-2026-0001"
    version: int
    state: QuoteState
    title: str
    itinerary_id: uuid.UUID
    itinerary_version: int
    checksum: str
    query_id: uuid.UUID | None
    customer_id: uuid.UUID | None
    customer_name: str | None
    revised_from_id: uuid.UUID | None
    grouping: Grouping
    currency: str
    start_date: date
    end_date: date
    paying_pax: int
    groups: list[LineGroup]
    taxes: list[QuoteTax]
    subtotal: Decimal
    rounding: Decimal
    tax_total: Decimal
    total: Decimal
    per_person: Decimal
    deposit_kind: DepositKind
    deposit_value: Decimal
    balance_days_before: int
    instalments: int
    schedule: list[SchedulePayment]
    valid_until: date
    inclusions: str
    exclusions: str
    terms: str
    sent_at: UtcDatetime | None
    viewed_at: UtcDatetime | None
    decided_at: UtcDatetime | None
    decline_reason: str | None
    expired_at: UtcDatetime | None
    row_version: int
    created_at: UtcDatetime


class QuoteListItem(BaseModel):
    id: uuid.UUID
    reference: str
    version: int
    state: QuoteState
    title: str
    query_id: uuid.UUID | None
    customer_name: str | None
    currency: str
    total: Decimal
    valid_until: date
    created_at: UtcDatetime


class Change(BaseModel):
    """One difference between two versions: `before` is None for something added, `after`
    None for something removed."""

    what: str  # "line", "total", "tax", "terms", "schedule", "validity"
    key: str
    label: str
    before: str | None
    after: str | None


class Comparison(BaseModel):
    before: QuoteVersionPublic
    after: QuoteVersionPublic
    changes: list[Change]


class QuoteSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference_prefix: Prefix | None = None
    validity_days: int = Field(default=14, ge=1, le=365)
    grouping: Grouping = Grouping.DAY
    deposit_kind: DepositKind = DepositKind.PERCENT
    deposit_value: Amount = Decimal(25)
    balance_days_before: int = Field(default=30, ge=0, le=365)
    instalments: int = Field(default=0, ge=0, le=MAX_INSTALMENTS)
    inclusions: Terms = ""
    exclusions: Terms = ""
    terms: Terms = ""


class QuoteSettingsPatch(QuoteSettingsIn):
    row_version: int = Field(ge=1)


class QuoteSettingsPublic(QuoteSettingsIn):
    """The agency's quote defaults as read (the ETag and `row_version` guard a change)."""

    model_config = ConfigDict(extra="ignore")

    row_version: int
    updated_at: UtcDatetime | None = None

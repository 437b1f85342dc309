"""What callers send and get back for itineraries and the agency's pricing data."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from travelcrm.core.fields import Currency, Entry100, Percent, Text200, Text5000, UtcDatetime
from travelcrm.itineraries.maths import (
    CommissionMode,
    GstScheme,
    MarkupKind,
    MarkupPolicy,
    RoundingDirection,
    RoundingLevel,
    TaxBase,
    TaxKind,
)
from travelcrm.itineraries.models import ItemKind, ItineraryStatus
from travelcrm.rates.models import Market, Occupancy, PricingBasis

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


def _ages(value: list[int]) -> list[int]:
    if any(age < 0 or age > 17 for age in value):
        raise ValueError("child ages are 0-17")
    return value


class Party(BaseModel):
    """Who travels: adults, children's ages, how many children need a bed of their own."""

    model_config = ConfigDict(extra="forbid")

    adults: int = Field(default=2, ge=0, le=500)
    child_ages: list[int] = Field(default_factory=list, max_length=50)
    children_with_bed: int = Field(default=0, ge=0, le=50)
    free_place_every: int | None = Field(
        default=None, ge=2, le=100, description="Groups: one free place per this many paying"
    )

    _check_ages = field_validator("child_ages")(_ages)


class ItineraryCreate(BaseModel):
    """A new itinerary: from a query (its travellers, dates, budget and customer carried
    over), or blank with a start date."""

    model_config = ConfigDict(extra="forbid")

    query_id: uuid.UUID | None = None
    title: Text200 | None = None
    start_date: date | None = None
    days: int | None = Field(default=None, ge=1, le=120, description="Days to start with")
    party: Party | None = None
    sell_currency: Currency | None = None
    market: Market = Market.ALL
    destination: Entry100 | None = None
    primary: bool | None = Field(
        default=None, description="The one to quote for its query (the first one is)"
    )


class ItineraryUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text200 | None = None
    start_date: date | None = None
    party: Party | None = None
    sell_currency: Currency | None = None
    market: Market | None = None
    destination: Entry100 | None = None
    fx_buffer_pct: Percent | None = None
    commission_pct: Percent | None = None
    commission_mode: CommissionMode | None = None
    gst_scheme: GstScheme | None = None
    customer_in_state: bool | None = None
    overseas: bool | None = None
    notes: Text5000 | None = None


class CopyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: date | None = None
    query_id: uuid.UUID | None = None
    title: Text200 | None = None


class DayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text200 = ""
    notes: Text5000 | None = None
    overnight: Entry100 | None = None


class RoomsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occupancy: Occupancy
    rooms: int = Field(default=1, ge=1, le=100)


class ItemIn(BaseModel):
    """A service on a day. With `service_id` it is priced from the agency's published rate
    lists; `manual_net` (with its currency) prices it by hand; a note has no price."""

    model_config = ConfigDict(extra="forbid")

    kind: ItemKind
    title: Text200 | None = None
    service_id: uuid.UUID | None = None
    description: Text5000 | None = None
    nights: int = Field(default=1, ge=1, le=60, description="A stay's nights; days of transport")
    rooms: list[RoomsIn] = Field(default_factory=list, max_length=10)
    children_with_bed: int | None = Field(default=None, ge=0, le=50)
    pax: int | None = Field(default=None, ge=1, le=500, description="When not the whole party")
    basis: PricingBasis | None = None
    km: int | None = Field(default=None, ge=1, le=5000)
    hours: Decimal | None = Field(default=None, gt=0, le=24, decimal_places=2)
    transfers: int = Field(default=1, ge=1, le=20)
    supplements: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        default_factory=list, max_length=20
    )
    manual_net: Money | None = None
    manual_currency: Currency | None = None
    estimate: bool = False
    sell_override: Money | None = None
    margin_override_pct: Annotated[Decimal, Field(ge=0, lt=100, decimal_places=2)] | None = None
    optional: bool = False
    alternative_group: Annotated[str, StringConstraints(max_length=40)] | None = None


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: int = Field(ge=1, le=500)
    day_id: uuid.UUID | None = None  # items: move to another day


class DayPublic(BaseModel):
    id: uuid.UUID
    position: int
    date: date
    title: str
    notes: str | None
    overnight: str | None


class ItemPublic(BaseModel):
    id: uuid.UUID
    day_id: uuid.UUID
    position: int
    kind: ItemKind
    title: str
    service_id: uuid.UUID | None
    description: str | None
    nights: int
    rooms: list[RoomsIn]
    children_with_bed: int
    pax: int | None
    basis: str | None
    km: int | None
    hours: Decimal | None
    transfers: int
    supplements: list[str]
    manual_net: Decimal | None
    manual_currency: str | None
    estimate: bool
    sell_override: Decimal | None
    margin_override_pct: Decimal | None
    optional: bool
    alternative_group: str | None
    problem: dict[str, object] | None


class ItineraryPublic(BaseModel):
    id: uuid.UUID
    number: int
    reference: str  # "IT-1042"
    version: int
    status: ItineraryStatus
    title: str
    query_id: uuid.UUID | None
    customer_id: uuid.UUID | None
    copied_from_id: uuid.UUID | None
    is_primary: bool
    start_date: date
    end_date: date
    adults: int
    child_ages: list[int]
    children_with_bed: int
    free_place_every: int | None
    market: str
    destination: str | None
    sell_currency: str
    fx_buffer_pct: Decimal
    commission_pct: Decimal
    commission_mode: CommissionMode
    gst_scheme: GstScheme
    customer_in_state: bool
    overseas: bool
    budget: Decimal | None
    budget_currency: str | None
    notes: str | None
    checksum: str | None
    frozen_at: UtcDatetime | None
    row_version: int
    created_at: UtcDatetime
    days: list[DayPublic] = Field(default_factory=list)
    items: list[ItemPublic] = Field(default_factory=list)


class MarkupRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Label
    kind: MarkupKind
    value: Annotated[Decimal, Field(ge=0, le=1_000_000, decimal_places=4)]
    market: Market | None = None
    destination: Entry100 | None = None
    supplier_type: Annotated[str, StringConstraints(max_length=20)] | None = None
    service_type: ItemKind | None = None
    travel_from: date | None = None
    travel_to: date | None = None
    position: int = Field(default=0, ge=0, le=10_000)
    is_active: bool = True


class MarkupRulePublic(MarkupRuleIn):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    row_version: int


class TaxSlabIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to: Money | None = None
    rate_pct: Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)]


class TaxRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Label
    kind: TaxKind
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    valid_from: date
    rate_pct: Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)] = Decimal(0)
    base: TaxBase = TaxBase.GROSS
    slabs: list[TaxSlabIn] = Field(default_factory=list, max_length=10)
    split_in_state: bool = False
    note: Annotated[str, StringConstraints(max_length=300)] | None = None


class TaxSlab(BaseModel):
    up_to: Decimal | None
    rate_pct: Decimal


class TaxRulePublic(TaxRuleIn):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    slabs: list[TaxSlab] = Field(default_factory=list)  # type: ignore[assignment]
    row_version: int


class FxRateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base: Currency
    quote: Currency
    valid_on: date
    rate: Annotated[Decimal, Field(gt=0, max_digits=24, decimal_places=12)]
    source: Annotated[str, StringConstraints(max_length=60)] | None = None


class FxRatePublic(FxRateIn):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID


class PricingSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    markup_policy: MarkupPolicy = MarkupPolicy.MOST_SPECIFIC
    rounding_step: Annotated[Decimal, Field(ge=0, le=100_000, decimal_places=4)] = Decimal(0)
    rounding_level: RoundingLevel = RoundingLevel.LINE
    rounding_direction: RoundingDirection = RoundingDirection.NEAREST
    fx_buffer_pct: Percent = Decimal(2)
    commission_pct: Percent = Decimal(0)
    commission_mode: CommissionMode = CommissionMode.INCLUDED


class PricingSettingsPublic(PricingSettingsIn):
    model_config = ConfigDict(extra="ignore")

    row_version: int


# ---- the pricing sheet ---------------------------------------------------------------------------


class SheetLineOut(BaseModel):
    item_id: uuid.UUID
    day: int | None
    kind: str
    title: str
    optional: bool
    estimate: bool
    overridden: bool
    net: Decimal
    buy_currency: str
    fx_rate: Decimal
    fx_buffer_pct: Decimal
    net_sell: Decimal
    markup: Decimal
    gross: Decimal
    commission: Decimal
    agent_net: Decimal
    margin: Decimal
    rules: list[str]  # which markup rule priced it, in the agency's words
    rate_lines: list[uuid.UUID]  # the rate lines used


class TotalsOut(BaseModel):
    net_sell: Decimal
    markup: Decimal
    gross: Decimal
    commission: Decimal
    agent_net: Decimal
    margin: Decimal


class TaxLineOut(BaseModel):
    rule_id: str
    name: str
    kind: TaxKind
    base: Decimal
    rate_pct: Decimal | None
    amount: Decimal
    collected: bool


class Unpriced(BaseModel):
    """An item the sheet could not price, and why."""

    item_id: uuid.UUID
    title: str
    reason: str  # stop_sale, blackout, no_rate, min_nights, allotment_exhausted, no_fx...
    detail: str
    nights: list[date] = Field(default_factory=list)


class Conflict(BaseModel):
    code: str  # overlapping_stays, outside_validity, transfer_without_stay, empty_day, no_bed...
    detail: str
    day: int | None = None
    item_id: uuid.UUID | None = None


class PricingSheet(BaseModel):
    itinerary_id: uuid.UUID
    version: int
    currency: str
    priced_on: date
    lines: list[SheetLineOut]
    total: TotalsOut
    by_day: dict[str, TotalsOut]
    by_type: dict[str, TotalsOut]
    taxes: list[TaxLineOut]
    total_with_taxes: Decimal
    paying_pax: int
    free_places: int
    per_person: Decimal
    twin_share_per_person: Decimal
    rounding_adjustment: Decimal
    unpriced: list[Unpriced]
    conflicts: list[Conflict]
    per_group_size: dict[str, Decimal] = Field(
        default_factory=dict, description="Per paying person at other group sizes"
    )


class SnapshotPublic(BaseModel):
    itinerary_id: uuid.UUID
    version: int
    checksum: str
    frozen_at: UtcDatetime
    payload: dict[str, object]


class LineChange(BaseModel):
    item_id: uuid.UUID
    title: str
    frozen_net: Decimal | None
    current_net: Decimal | None
    detail: str
    currency: str = ""  # the rate list's (buying) currency of both nets


class FxRisk(BaseModel):
    """A buying currency whose rate today is past the buffer the frozen price was made with:
    what the agency would lose of its margin paying the supplier at today's rate."""

    buy: str
    sell: str
    frozen_rate: Decimal
    buffer_pct: Decimal
    today_rate: Decimal
    at_risk: Decimal


class RatesSinceFrozen(BaseModel):
    changed: bool
    lines: list[LineChange]
    fx: list[FxRisk] = Field(default_factory=list)


class LastTotal(BaseModel):
    """An itinerary's gross and margin when last priced, in its selling currency."""

    gross: Decimal
    margin: Decimal
    currency: str
    unpriced: int = 0  # items that had no price then


class ItineraryPatch(ItineraryUpdate):
    """The fields to change (omitted ones stay); `row_version` is the version you read."""

    row_version: int = Field(ge=1)


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)


class CalculateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(default=False, description="Price without keeping the prices")
    group_sizes: list[Annotated[int, Field(ge=1, le=500)]] = Field(
        default_factory=list,
        max_length=8,
        description="Also the price per paying person at these group sizes (pax breaks)",
    )


class MarkupRulePatch(MarkupRuleIn):
    row_version: int = Field(ge=1)


class TaxRulePatch(TaxRuleIn):
    row_version: int = Field(ge=1)


class PricingSettingsPatch(PricingSettingsIn):
    row_version: int = Field(ge=1)


class FxImportRowOut(BaseModel):
    row: int = Field(description="The row's number in the file (the header is the row above)")
    base: str
    quote: str
    valid_on: str
    rate: str
    ok: bool


class FxImportProblemOut(BaseModel):
    row: int
    field: str  # valid_on | base | quote | rate
    message: str


class FxImportOut(BaseModel):
    """A bank's file of rates, read and checked; `saved` is how many were saved (0 on a dry
    run)."""

    saved: int
    columns: dict[str, str] = Field(description="The file's column each value was read from")
    rows: list[FxImportRowOut]
    problems: list[FxImportProblemOut]

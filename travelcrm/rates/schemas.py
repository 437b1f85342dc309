"""What the rates API and pages take and show. Create/update schemas list only what a user may
set (no tenant, id, status or version numbers through them)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from travelcrm.core.fields import UtcDatetime
from travelcrm.core.text import CleanStr
from travelcrm.rates.models import (
    AgeBandKind,
    Market,
    Occupancy,
    PricingBasis,
    RestrictionKind,
    VersionStatus,
)

Price = Decimal  # validated by the fields below: 0 <= price < 10^12, at most 4 decimals
PRICE = Field(ge=0, lt=Decimal("1e12"), decimal_places=4)
Amount = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), decimal_places=4)]
# a price cell may hold a word instead ("FOC" is 0, "On request" no price): text without a
# digit, resolved by the service against the agency's price words (`rates.pricewords`)
PriceWordCell = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^0-9]+$")]
PRICE_OR_WORD = Field(
    union_mode="left_to_right",
    description="An amount, or a price word of the agency (e.g. FOC for 0)",
)
PERCENT = Field(default=None, ge=-100, le=1000, decimal_places=4)
CURRENCY = Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")
OPTIONAL_CURRENCY = Field(default=None, min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class CancellationTier(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days_before: int = Field(
        ge=0, le=730, description="Cancelled this many days or fewer before arrival"
    )
    charge_pct: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    charge_nights: int | None = Field(default=None, ge=0, le=60)

    @model_validator(mode="after")
    def _one_charge(self) -> CancellationTier:
        if (self.charge_pct is None) == (self.charge_nights is None):
            raise ValueError("give either charge_pct or charge_nights")
        return self


class RateListCreate(BaseModel):
    supplier_id: uuid.UUID
    name: CleanStr = Field(min_length=2, max_length=200)
    market: Market = Market.ALL
    agent_group: CleanStr | None = Field(default=None, max_length=80)
    currency: str = CURRENCY
    valid_from: date
    valid_to: date
    cancellation_tiers: list[CancellationTier] = Field(default_factory=list, max_length=20)
    no_show_charge_pct: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    notes: CleanStr | None = Field(default=None, max_length=2000)


class VersionUpdate(BaseModel):
    """The header of a draft version; `row_version` is the one you read (conflict check)."""

    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    currency: str | None = OPTIONAL_CURRENCY
    valid_from: date | None = None
    valid_to: date | None = None
    cancellation_tiers: list[CancellationTier] | None = Field(default=None, max_length=20)
    no_show_charge_pct: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    notes: CleanStr | None = Field(default=None, max_length=2000)


class DateRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: date
    ends_on: date = Field(description="Inclusive")


MAX_SEASON_RANGES = 24


class SeasonIn(BaseModel):
    """A season: a name and one or more date ranges sharing its prices ("Peak": 20 Dec-5 Jan
    and 1-15 Apr). One range may be given as `starts_on`/`ends_on` instead of `ranges`."""

    model_config = ConfigDict(extra="forbid")

    name: CleanStr = Field(min_length=1, max_length=80)
    ranges: list[DateRange] = Field(min_length=1, max_length=MAX_SEASON_RANGES)

    @model_validator(mode="before")
    @classmethod
    def _one_range_shorthand(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "ranges" not in data
            and ("starts_on" in data or "ends_on" in data)
        ):
            data = dict(data)
            data["ranges"] = [
                {"starts_on": data.pop("starts_on", None), "ends_on": data.pop("ends_on", None)}
            ]
        return data

    @property
    def starts_on(self) -> date:
        return min(r.starts_on for r in self.ranges)

    @property
    def ends_on(self) -> date:
        return max(r.ends_on for r in self.ranges)


class AgeBandIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AgeBandKind
    age_min: int = Field(ge=0, le=120)
    age_max: int = Field(ge=0, le=120)


def weekdays_mask(names: list[str]) -> int:
    mask = 0
    for name in names:
        mask |= 1 << WEEKDAY_NAMES.index(name)
    return mask


def weekday_names(mask: int) -> list[str]:
    return [name for bit, name in enumerate(WEEKDAY_NAMES) if mask & (1 << bit)]


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _every_day() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: uuid.UUID
    season_id: uuid.UUID
    basis: PricingBasis
    occupancy: Occupancy = Occupancy.ANY
    age_band: AgeBandKind = AgeBandKind.ADULT
    pax_min: int = Field(default=1, ge=1, le=999)
    pax_max: int = Field(default=99, ge=1, le=999)
    net: Amount | PriceWordCell = PRICE_OR_WORD
    sell: Amount | PriceWordCell | None = Field(default=None, union_mode="left_to_right")
    markup_pct: Decimal | None = PERCENT
    weekdays: list[Weekday] = Field(default_factory=lambda: _every_day(), min_length=1)
    min_nights: int = Field(default=1, ge=1, le=60)
    capacity: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="Seats per vehicle (vehicle bases only); empty: the service's seats",
    )
    supplement: CleanStr | None = Field(
        default=None,
        max_length=60,
        description='A surcharge\'s name ("Driver allowance"); empty for the base price',
    )
    optional: bool = Field(default=False, description="A supplement added only when asked")

    @field_validator("supplement")
    @classmethod
    def _blank_is_base(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("weekdays")
    @classmethod
    def _unique_days(cls, value: list[str]) -> list[str]:
        return sorted(set(value), key=WEEKDAY_NAMES.index)


class LinePatch(BaseModel):
    """One or more cells of a line; `row_version` of the version you read."""

    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    service_id: uuid.UUID | None = None
    season_id: uuid.UUID | None = None
    basis: PricingBasis | None = None
    occupancy: Occupancy | None = None
    age_band: AgeBandKind | None = None
    pax_min: int | None = Field(default=None, ge=1, le=999)
    pax_max: int | None = Field(default=None, ge=1, le=999)
    net: Amount | PriceWordCell | None = Field(default=None, union_mode="left_to_right")
    sell: Amount | PriceWordCell | None = Field(default=None, union_mode="left_to_right")
    markup_pct: Decimal | None = PERCENT
    weekdays: list[Weekday] | None = Field(default=None, min_length=1)
    min_nights: int | None = Field(default=None, ge=1, le=60)
    capacity: int | None = Field(default=None, ge=1, le=100)
    supplement: CleanStr | None = Field(default=None, max_length=60)
    optional: bool | None = None

    @field_validator("supplement")
    @classmethod
    def _blank_is_base(cls, value: str | None) -> str | None:
        return value or None


class LineSelection(BaseModel):
    """Which lines a bulk change touches: ids, a filter (service / season), or `all_lines`."""

    model_config = ConfigDict(extra="forbid")

    all_lines: bool = False
    line_ids: list[uuid.UUID] | None = Field(default=None, max_length=50_000)
    service_id: uuid.UUID | None = None
    season_id: uuid.UUID | None = None


class BulkChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    selection: LineSelection
    field: Literal["net", "sell"] = "net"
    operation: Literal["percent", "amount", "set"]
    value: Decimal = Field(ge=Decimal("-1e9"), le=Decimal("1e9"), decimal_places=4)
    round_to: Decimal | None = Field(
        default=None, gt=0, le=Decimal("100000"), decimal_places=4, description="e.g. 1, 10, 0.05"
    )
    dry_run: bool = True


class RestrictionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supplier_id: uuid.UUID
    service_id: uuid.UUID | None = None
    kind: RestrictionKind
    starts_on: date
    ends_on: date
    reason: CleanStr | None = Field(default=None, max_length=200)


class AllotmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: uuid.UUID
    starts_on: date
    ends_on: date
    units: int = Field(ge=0, le=10_000)
    release_days: int = Field(default=0, ge=0, le=365)


class PriceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: uuid.UUID
    check_in: date
    nights: int = Field(default=1, ge=1, le=60)
    occupancy: Occupancy = Occupancy.DOUBLE
    rooms: int = Field(default=1, ge=1, le=100)
    adults: int = Field(default=2, ge=0, le=500)
    child_ages: list[int] = Field(default_factory=list, max_length=50)
    children_with_bed: int = Field(default=0, ge=0, le=50)
    market: Market = Market.ALL
    basis: PricingBasis | None = Field(
        default=None,
        description="How the service is bought when its list prices it several ways (per km "
        "or per day; shared per person or a private vehicle); empty: the list's first way",
    )
    km: int | None = Field(default=None, ge=1, le=5000, description="Distance per day")
    hours: Decimal | None = Field(
        default=None, gt=0, le=24, decimal_places=2, description="Hours per day"
    )
    transfers: int = Field(
        default=1, ge=1, le=20, description="Legs per day (one way) or returns per day"
    )
    supplements: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        default_factory=list,
        max_length=20,
        description='Optional supplements wanted, by name ("Night driving")',
    )

    @field_validator("child_ages")
    @classmethod
    def _ages(cls, value: list[int]) -> list[int]:
        if any(age < 0 or age > 17 for age in value):
            raise ValueError("child ages are 0-17")
        return value


# ---- what the API shows -------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class VersionPublic(_Out):
    id: uuid.UUID
    rate_list_id: uuid.UUID
    number: int
    status: VersionStatus
    currency: str
    valid_from: date
    valid_to: date
    cancellation_tiers: list[dict[str, object]]
    no_show_charge_pct: Decimal | None
    row_version: int
    notes: str | None
    published_at: UtcDatetime | None = None  # (naive from SQLite: read as UTC)


class RateListPublic(_Out):
    id: uuid.UUID
    supplier_id: uuid.UUID
    name: str
    market: str
    agent_group: str | None
    versions: list[VersionPublic] = []


class SeasonPublic(_Out):
    id: uuid.UUID
    name: str
    starts_on: date = Field(description="The first day of its first range")
    ends_on: date = Field(description="The last day of its last range")
    ranges: list[DateRange]


class AgeBandPublic(_Out):
    kind: AgeBandKind
    age_min: int
    age_max: int


class VersionDetail(VersionPublic):
    seasons: list[SeasonPublic]
    age_bands: list[AgeBandPublic]


class LinePublic(_Out):
    id: uuid.UUID
    service_id: uuid.UUID
    season_id: uuid.UUID
    basis: str
    occupancy: str
    age_band: str
    pax_min: int
    pax_max: int
    net: Decimal
    sell: Decimal | None
    markup_pct: Decimal | None
    effective_sell: Decimal
    weekdays: list[str]
    min_nights: int
    capacity: int | None
    supplement: str | None
    optional: bool


class LinesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    lines: list[LineIn] = Field(min_length=1, max_length=5000)


class LineIdsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    line_ids: list[uuid.UUID] = Field(min_length=1, max_length=50_000)


class SeasonCreate(SeasonIn):
    row_version: int = Field(ge=1)


class AgeBandsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    bands: list[AgeBandIn] = Field(min_length=1, max_length=4)


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    acknowledged: list[Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=list,
        max_length=2000,
        description="The `key` of each coverage issue of severity `confirm` the operator "
        "accepts (unpriced dates, single rooms, children); recorded in the audit log.",
    )


class CoverageIssuePublic(_Out):
    severity: str = Field(
        description="`error` blocks publishing; `confirm` blocks it until acknowledged by "
        "its `key`; `warning` does not block"
    )
    code: str
    key: str
    message: str
    service_id: uuid.UUID | None
    season_id: uuid.UUID | None
    line_ids: list[uuid.UUID]


class DiffRowPublic(_Out):
    change: str
    key: str
    old_net: Decimal | None
    new_net: Decimal | None
    old_sell: Decimal | None
    new_sell: Decimal | None
    old_ranges: list[DateRange] | None = Field(
        default=None, description="A season's dates before (rows keyed `season · <name>`)"
    )
    new_ranges: list[DateRange] | None = None

    @field_validator("old_ranges", "new_ranges", mode="before")
    @classmethod
    def _spans(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [
                {"starts_on": v[0], "ends_on": v[1]} if isinstance(v, tuple) else v for v in value
            ]
        return value


class BulkRowPublic(_Out):
    line_id: uuid.UUID
    old: Decimal
    new: Decimal


class BulkResultPublic(_Out):
    applied: bool
    row_version: int
    rows: list[BulkRowPublic]


class RestrictionPublic(_Out):
    id: uuid.UUID
    supplier_id: uuid.UUID
    service_id: uuid.UUID | None
    kind: RestrictionKind
    starts_on: date
    ends_on: date
    reason: str | None


class AllotmentPublic(_Out):
    on_date: date
    units: int
    used: int
    release_days: int


class PricePartPublic(_Out):
    what: str = Field(description="the service, a supplement's name or an age band")
    basis: str
    quantity: Decimal = Field(description="km, hours or legs per vehicle; 1 for a day")
    units: int = Field(description="vehicles, rooms or people (1 for a group)")
    unit_net: Decimal
    net: Decimal
    sell: Decimal
    line_id: uuid.UUID


class NightPublic(_Out):
    night: date
    net: Decimal
    sell: Decimal
    line_ids: list[uuid.UUID]
    parts: list[PricePartPublic] = []


class QuotePublic(_Out):
    service_id: uuid.UUID
    currency: str
    rate_list_id: uuid.UUID
    version_id: uuid.UUID
    nights: list[NightPublic]
    total_net: Decimal
    total_sell: Decimal
    cancellation_tiers: list[dict[str, object]]
    rate_list_name: str = Field(description="the list that priced the first night")
    market: str = Field(description="that list's market (a specific one wins over `all`)")
    published_at: UtcDatetime | None = None


PriceWordText = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^0-9]+$")]


class PriceWordsIn(BaseModel):
    """The words an agency's suppliers write in price cells: `zero` means a price of 0
    ("Complimentary", "FOC"), `no_price` means no price for that cell ("On request", "N/A").
    Matched whole-cell, ignoring case, accents, dots and surrounding punctuation."""

    model_config = ConfigDict(extra="forbid")

    zero: list[PriceWordText] = Field(max_length=200)
    no_price: list[PriceWordText] = Field(max_length=200)


class PriceWordsPublic(PriceWordsIn):
    is_default: bool = Field(description="True while the agency uses the built-in words")

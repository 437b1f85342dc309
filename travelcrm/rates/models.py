"""Rate lists (supplier contracts) as operators price them: versions (draft -> published ->
superseded/archived), seasons, age bands and rate lines; plus supplier-level blackouts,
stop-sales and allotments. All tenant-owned; money is exact (`core.sqltypes.Amount`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKeyConstraint, Index, UniqueConstraint, false
from sqlmodel import Field

from travelcrm.core.sqltypes import amount, utc_datetime
from travelcrm.core.tenancy import TenantChildMixin, TenantMixin, tenant_fk


class Market(StrEnum):
    ALL = "all"
    DOMESTIC = "domestic"
    INBOUND = "inbound"
    AGENT_GROUP = "agent_group"  # a named B2B agent group


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # was published; a newer version replaced it (read-only)
    UNPUBLISHED = "unpublished"  # taken off sale by hand
    ARCHIVED = "archived"


class PricingBasis(StrEnum):
    """What one price buys. A "day" is the stay's unit: a night for rooms, a day for transport
    and activities. The vehicle bases count vehicles from the party and the line's capacity."""

    PER_PERSON = "per_person"  # per person per night/day
    PER_ROOM = "per_room"  # per room per night
    PER_VEHICLE = "per_vehicle"  # per vehicle per day
    PER_GROUP = "per_group"  # the whole party (up to its pax break) per day
    PER_KM = "per_km"  # per vehicle per km driven
    PER_HOUR = "per_hour"  # per vehicle per hour
    PER_TRANSFER = "per_transfer"  # per vehicle, one way
    PER_RETURN_TRANSFER = "per_return_transfer"  # per vehicle, there and back


# the bases priced per vehicle: the party fills ceil(pax / capacity) vehicles
VEHICLE_BASES = frozenset(
    {
        PricingBasis.PER_VEHICLE.value,
        PricingBasis.PER_KM.value,
        PricingBasis.PER_HOUR.value,
        PricingBasis.PER_TRANSFER.value,
        PricingBasis.PER_RETURN_TRANSFER.value,
    }
)

# the operator's words for each basis: the grid, the price check and the export use these
BASIS_WORDS = {
    PricingBasis.PER_PERSON.value: "Per person",
    PricingBasis.PER_ROOM.value: "Per room",
    PricingBasis.PER_VEHICLE.value: "Per vehicle per day",
    PricingBasis.PER_GROUP.value: "Per group",
    PricingBasis.PER_KM.value: "Per vehicle per km",
    PricingBasis.PER_HOUR.value: "Per vehicle per hour",
    PricingBasis.PER_TRANSFER.value: "Per vehicle one way",
    PricingBasis.PER_RETURN_TRANSFER.value: "Per vehicle return",
}


class Occupancy(StrEnum):
    ANY = "any"  # bases other than per room
    SINGLE = "single"
    DOUBLE = "double"
    TRIPLE = "triple"
    QUAD = "quad"
    EXTRA_BED = "extra_bed"


class AgeBandKind(StrEnum):
    ADULT = "adult"
    CHILD_WITH_BED = "child_with_bed"
    CHILD_WITHOUT_BED = "child_without_bed"
    INFANT = "infant"


class RestrictionKind(StrEnum):
    BLACKOUT = "blackout"  # the contract price does not apply (e.g. New Year's Eve)
    STOP_SALE = "stop_sale"  # the supplier sells nothing (full, closed)


ALL_WEEKDAYS = 0b1111111  # Monday = bit 0 ... Sunday = bit 6


class RateList(TenantMixin, table=True):
    """A contract with a supplier; its prices live in versions."""

    __tablename__ = "rate_lists"
    __table_args__ = (tenant_fk("supplier_id", "suppliers"),)

    supplier_id: uuid.UUID = Field(index=True)
    name: str = Field(max_length=200)
    market: str = Field(default=Market.ALL.value, max_length=20)
    agent_group: str | None = Field(default=None, max_length=80)
    is_archived: bool = False
    created_at: datetime = utc_datetime(default_now=True)


class RateListVersion(TenantMixin, table=True):
    __tablename__ = "rate_list_versions"
    __table_args__ = (
        tenant_fk("rate_list_id", "rate_lists", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "rate_list_id", "number"),
        # the price lookup starts here: published versions of a destination valid on a date
        Index(
            "ix_rate_versions_lookup",
            "tenant_id",
            "destination_country",
            "destination_city",
            "valid_from",
            "valid_to",
        ),
        # ... and the price of a known service: its supplier's versions valid on a date
        Index("ix_rate_versions_supplier", "tenant_id", "supplier_id", "valid_from", "valid_to"),
    )

    rate_list_id: uuid.UUID = Field(index=True)
    number: int
    status: str = Field(default=VersionStatus.DRAFT.value, max_length=12)
    currency: str = Field(max_length=3)
    valid_from: date
    valid_to: date
    # [{"days_before": 30, "charge_pct": "0"}, {"days_before": 7, "charge_nights": 1}, ...]
    cancellation_tiers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    no_show_charge_pct: Decimal | None = amount(nullable=True)
    # copied from the supplier so the lookup index covers it
    supplier_id: uuid.UUID
    destination_country: str = Field(max_length=2)
    destination_city: str | None = Field(default=None, max_length=100)
    row_version: int = 1  # every saved edit bumps it; a stale save is a conflict
    notes: str | None = Field(default=None, max_length=2000)
    created_at: datetime = utc_datetime(default_now=True)
    created_by: uuid.UUID | None = None
    published_at: datetime | None = utc_datetime(nullable=True)
    published_by: uuid.UUID | None = None


class Season(TenantMixin, table=True):
    """A named season ("Peak") of a version: one or more date ranges (`SeasonRange`) that share
    its prices. `starts_on`/`ends_on` are the first and last day of its ranges (kept by the
    services for ordering and a quick first filter; the ranges say which days it covers)."""

    __tablename__ = "rate_seasons"
    __table_args__ = (
        tenant_fk("version_id", "rate_list_versions", ondelete="CASCADE"),
        # what a rate line's and a range's key name: a season of that version
        UniqueConstraint("tenant_id", "version_id", "id"),
    )

    version_id: uuid.UUID = Field(index=True)
    name: str = Field(max_length=80)
    starts_on: date
    ends_on: date  # inclusive


class SeasonRange(TenantChildMixin, table=True):
    """One date range of a season ("Peak": 20 Dec-5 Jan and 1-15 Apr). The ranges of a version
    never overlap (the services check), so a night falls in at most one season."""

    __tablename__ = "rate_season_ranges"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "version_id", "season_id"],
            ["rate_seasons.tenant_id", "rate_seasons.version_id", "rate_seasons.id"],
            ondelete="CASCADE",
        ),
        # the lookup: a version's ranges touching a stay
        Index("ix_rate_season_ranges_lookup", "tenant_id", "version_id", "starts_on"),
        Index("ix_rate_season_ranges_season", "tenant_id", "season_id"),
    )

    version_id: uuid.UUID
    season_id: uuid.UUID
    starts_on: date
    ends_on: date  # inclusive


class AgeBand(TenantMixin, table=True):
    __tablename__ = "rate_age_bands"
    __table_args__ = (
        tenant_fk("version_id", "rate_list_versions", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "version_id", "kind"),
    )

    version_id: uuid.UUID = Field(index=True)
    kind: str = Field(max_length=20)
    age_min: int
    age_max: int  # inclusive


class RateLine(TenantChildMixin, table=True):
    __tablename__ = "rate_lines"
    __table_args__ = (
        # one key proves the version and that the season is one of its seasons (the season's
        # own key proves the version; a version's deletion reaches its lines through them)
        ForeignKeyConstraint(
            ["tenant_id", "version_id", "season_id"],
            ["rate_seasons.tenant_id", "rate_seasons.version_id", "rate_seasons.id"],
            ondelete="CASCADE",
        ),
        tenant_fk("service_id", "supplier_services"),
        # what the lookup and the grid read: a version's lines of a service in a season
        Index("ix_rate_lines_lookup", "tenant_id", "version_id", "service_id", "season_id"),
    )

    version_id: uuid.UUID
    service_id: uuid.UUID
    season_id: uuid.UUID
    basis: str = Field(max_length=20)
    # seats per vehicle (vehicle bases only); NULL: the service's max_occupancy, else one vehicle
    capacity: int | None = None
    # a surcharge on top of the base price ("Driver allowance", "Toll"), with its own basis;
    # NULL for the base price. Optional ones are added only when the query names them.
    supplement: str | None = Field(default=None, max_length=60)
    # a server default too: the import and the benchmarks write lines with Core inserts
    optional: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    occupancy: str = Field(default=Occupancy.ANY.value, max_length=10)
    age_band: str = Field(default=AgeBandKind.ADULT.value, max_length=20)
    pax_min: int = 1
    pax_max: int = 99
    net: Decimal = amount()
    sell: Decimal | None = amount(nullable=True)
    markup_pct: Decimal | None = amount(nullable=True)
    weekdays: int = ALL_WEEKDAYS
    min_nights: int = 1
    position: int = 0  # the operator's order in the grid


class SupplierRestriction(TenantMixin, table=True):
    """A blackout or stop-sale, for one service or (service_id NULL) the whole supplier."""

    __tablename__ = "supplier_restrictions"
    __table_args__ = (
        tenant_fk("supplier_id", "suppliers", ondelete="CASCADE"),
        tenant_fk("service_id", "supplier_services", ondelete="CASCADE"),
        Index("ix_restrictions_lookup", "tenant_id", "supplier_id", "starts_on", "ends_on"),
    )

    supplier_id: uuid.UUID
    service_id: uuid.UUID | None = None
    kind: str = Field(max_length=10)
    starts_on: date
    ends_on: date  # inclusive
    reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = utc_datetime(default_now=True)


class Allotment(TenantMixin, table=True):
    """Units (rooms, seats) a supplier holds for the agency on a date, released N days before."""

    __tablename__ = "allotments"
    __table_args__ = (
        tenant_fk("service_id", "supplier_services", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "service_id", "on_date"),
    )

    service_id: uuid.UUID
    on_date: date
    units: int
    used: int = 0
    release_days: int = 0


class RatePriceWords(TenantMixin, table=True):
    """The words an agency's suppliers write in price cells for 0 ("Complimentary") and for no
    price ("On request"); one row, made when the agency first saves its own. Without it the
    multilingual defaults of `rates.pricewords` apply."""

    __tablename__ = "rate_price_words"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    zero_words: list[str] = Field(default_factory=list, sa_type=JSON)
    no_price_words: list[str] = Field(default_factory=list, sa_type=JSON)
    updated_at: datetime = utc_datetime(default_now=True)
    updated_by: uuid.UUID | None = None

"""The proposal document: what a customer reads, as a plain tree of values (no database, no
HTML). The itinerary PDF fills it from a frozen itinerary's snapshot (`itinerary.py`); the
quote PDF fills it from a quote: its lines grouped by day, by service type or as one package
price (`PriceGroup`s), its taxes by rule, its payment schedule, inclusions, exclusions and terms.

Amounts are Decimals in `Proposal.currency`, dates are calendar dates in the agency's timezone
and instants are UTC (shown in `Branding.timezone`); the renderer formats them all in
`Branding.locale`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class DocumentKind(StrEnum):
    ITINERARY = "itinerary"
    QUOTE = "quote"


class PriceStyle(StrEnum):
    """How a quote's price summary groups its lines (chosen per quote)."""

    BY_DAY = "by_day"
    BY_TYPE = "by_type"
    PACKAGE = "package"  # one package price, no lines


@dataclass(frozen=True, slots=True)
class Picture:
    """A photo or logo: the image's bytes (PNG, JPEG or WebP) and a caption for readers."""

    content: bytes
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Branding:
    name: str
    primary_color: str = "#12A594"  # "#RRGGBB"; anything else falls back to the default
    logo: Picture | None = None
    locale: str = "en-IN"
    timezone: str = "Asia/Kolkata"
    legal_name: str | None = None
    address: str | None = None
    tax_id: str | None = None


@dataclass(frozen=True, slots=True)
class Travellers:
    adults: int = 2
    child_ages: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return self.adults + len(self.child_ages)


@dataclass(frozen=True, slots=True)
class Service:
    """A service on a day as the customer reads it: "Stay", "Taj Malabar", "3 nights"."""

    kind: str  # in words: "Stay", "Transfer", "Activity"
    title: str
    description: str = ""
    detail: str = ""  # "3 nights, 1 double room"
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Day:
    number: int  # 1 = the first day
    date: date
    title: str = ""
    description: str = ""
    overnight: str = ""
    photos: tuple[Picture, ...] = ()
    services: tuple[Service, ...] = ()


@dataclass(frozen=True, slots=True)
class PriceLine:
    label: str
    amount: Decimal
    detail: str = ""  # "Day 2", "3 nights"


@dataclass(frozen=True, slots=True)
class PriceGroup:
    """Lines under one heading ("Day 1 - Arrival in Kochi", "Stays"); `total` is printed under
    them when there are several groups."""

    title: str
    lines: tuple[PriceLine, ...]
    total: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TaxLine:
    name: str  # the rule's name: "GST 5% on the package"
    amount: Decimal
    rate_pct: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PerPerson:
    label: str  # "Per person (4 paying), before taxes"
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Instalment:
    label: str  # "Deposit on acceptance", "Balance"
    amount: Decimal
    due: date | None = None  # None: on acceptance


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: DocumentKind
    brand: Branding
    title: str
    reference: str  # "IT-1042" or "ACME-Q-2026-0001"
    version: int
    currency: str
    start: date
    end: date
    travellers: Travellers
    days: tuple[Day, ...]
    subtotal: Decimal
    total: Decimal
    price_style: PriceStyle = PriceStyle.BY_DAY
    price_groups: tuple[PriceGroup, ...] = ()
    optional_lines: tuple[PriceLine, ...] = ()  # priced but not in the total
    taxes: tuple[TaxLine, ...] = ()
    per_person: tuple[PerPerson, ...] = ()
    schedule: tuple[Instalment, ...] = ()
    inclusions: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # paragraphs
    cover_photo: Picture | None = None
    destination: str = ""
    prepared_for: str = ""
    prepared_at: datetime | None = None  # UTC
    valid_until: date | None = None
    checksum: str = ""  # of what the document was made from (printed short in the footer)
    notes: tuple[str, ...] = field(default=())

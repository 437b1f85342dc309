"""How the agency's pricing data reads on its pages: policies, rounding, markup rules and tax
rows in words (never the codes the services use)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from travelcrm.core.locale import current_locale
from travelcrm.itineraries.maths import (
    CommissionMode,
    MarkupKind,
    MarkupPolicy,
    RoundingDirection,
    RoundingLevel,
    TaxBase,
    TaxKind,
)
from travelcrm.rates.models import Market
from travelcrm.suppliers.models import SupplierKind
from travelcrm.ui.components.money import format_amount, format_date, format_money
from travelcrm.ui.pages.itineraries.text import KIND_WORDS

POLICY_CHOICES: list[tuple[str, str, str]] = [
    (
        MarkupPolicy.MOST_SPECIFIC.value,
        "Most specific wins",
        "When several rules match a line, the one naming the most of it (destination, "
        "service type, market, supplier type, travel period) prices it; a tie goes to the "
        "rule earlier in the order.",
    ),
    (
        MarkupPolicy.STACK.value,
        "Stack them",
        "Every matching rule applies, broadest first: percentages multiply (10 % then 5 % is "
        "15.5 %), amounts add.",
    ),
]
POLICY_WORDS = {code: label for code, label, _text in POLICY_CHOICES}

LEVEL_CHOICES: list[tuple[str, str]] = [
    (RoundingLevel.LINE.value, "Each line"),
    (RoundingLevel.PERSON.value, "The price per person"),
    (RoundingLevel.TOTAL.value, "The trip's total"),
]
DIRECTION_CHOICES: list[tuple[str, str]] = [
    (RoundingDirection.NEAREST.value, "To the nearest"),
    (RoundingDirection.UP.value, "Always up"),
]
COMMISSION_CHOICES: list[tuple[str, str]] = [
    (CommissionMode.INCLUDED.value, "Taken out of the price"),
    (CommissionMode.ON_TOP.value, "Added on top of the price"),
]

KIND_CHOICES: list[tuple[str, str]] = [
    (MarkupKind.PERCENT.value, "A percentage of the net"),
    (MarkupKind.AMOUNT.value, "An amount per line"),
]
MARKET_WORDS: dict[str, str] = {
    Market.ALL.value: "All markets",
    Market.DOMESTIC.value: "Domestic",
    Market.INBOUND.value: "Inbound",
    Market.AGENT_GROUP.value: "Agent groups",
}
MARKET_CHOICES = [("", "Any market"), *MARKET_WORDS.items()]
SUPPLIER_WORDS: dict[str, str] = {
    SupplierKind.HOTEL.value: "Hotels",
    SupplierKind.TRANSPORT.value: "Transport companies",
    SupplierKind.ACTIVITY.value: "Activity providers",
    SupplierKind.GUIDE.value: "Guides",
    SupplierKind.RESTAURANT.value: "Restaurants",
    SupplierKind.OTHER.value: "Other suppliers",
}
SUPPLIER_CHOICES = [("", "Any supplier"), *SUPPLIER_WORDS.items()]
SERVICE_CHOICES = [("", "Any service"), *[(k, v) for k, v in KIND_WORDS.items() if k != "note"]]

# why a rule does not price the line tried
MISMATCH_WORDS: dict[str, str] = {
    "market": "another market",
    "destination": "another destination",
    "supplier_type": "another kind of supplier",
    "service_type": "another kind of service",
    "travel_period": "travel outside its period",
}

TAX_KIND_WORDS: dict[str, str] = {
    TaxKind.GST_PACKAGE.value: "GST on a tour package",
    TaxKind.GST_SERVICE.value: "GST on the service fee",
    TaxKind.HOTEL_SLAB.value: "GST by the night's tariff",
    TaxKind.TCS.value: "Tax collected at source",
    TaxKind.CUSTOM.value: "Another tax line",
}
TAX_KIND_CHOICES = list(TAX_KIND_WORDS.items())
BASE_WORDS: dict[str, str] = {
    TaxBase.GROSS.value: "on the price",
    TaxBase.MARGIN.value: "on the agency's margin",
}
BASE_CHOICES = [(TaxBase.GROSS.value, "The price"), (TaxBase.MARGIN.value, "The agency's margin")]


def percent(value: Decimal | str | None) -> str:
    """12.5000 -> "12.5 %", 5 -> "5 %"."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    return f"{text} %"


def markup_value(kind: str, value: Decimal, currency: str) -> str:
    """ "+12 %" or "+₹500.00 per line"."""
    if kind == MarkupKind.PERCENT.value:
        return f"+{percent(value)}"
    return f"+{format_money(value, currency)} per line"


def period_words(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{format_date(start)} to {format_date(end)}"
    if start:
        return f"from {format_date(start)}"
    if end:
        return f"until {format_date(end)}"
    return ""


def rule_scope(
    *,
    market: str | None,
    destination: str | None,
    supplier_type: str | None,
    service_type: str | None,
    travel_from: date | None,
    travel_to: date | None,
) -> str:
    """What a rule applies to, in words: "Hotel stay · Goa · travel 1 Oct 2027 to 31 Mar 2028";
    "Every line" when it names nothing."""
    parts = []
    if service_type:
        parts.append(KIND_WORDS.get(service_type, service_type))
    if destination:
        parts.append(destination)
    if supplier_type:
        parts.append(SUPPLIER_WORDS.get(supplier_type, supplier_type))
    if market:
        parts.append(f"{MARKET_WORDS.get(market, market)} market")
    period = period_words(travel_from, travel_to)
    if period:
        parts.append(f"travel {period}")
    return " · ".join(parts) if parts else "Every line"


def specificity_words(specificity: int) -> str:
    """How much of a line a rule names, which decides between matching rules."""
    if specificity == 0:
        return "Broadest: any line"
    if specificity == 1:
        return "Names 1 thing"
    return f"Names {specificity} things"


def slabs_words(slabs: list[dict[str, Any]], currency: str) -> str:
    """ "12 % up to 7,500.00; 18 % above" (limits in the agency's currency)."""
    ordered = sorted(
        slabs,
        key=lambda s: (s.get("up_to") is None, Decimal(str(s.get("up_to") or 0))),
    )
    parts: list[str] = []
    for slab in ordered:
        rate = percent(slab.get("rate_pct"))
        if slab.get("up_to") is None:
            parts.append(f"{rate} above" if parts else rate)
        else:
            parts.append(f"{rate} up to {format_amount(slab['up_to'], currency)}")
    return "; ".join(parts)


def tax_rule_words(
    *,
    kind: str,
    rate_pct: Decimal,
    base: str,
    slabs: list[dict[str, Any]],
    split_in_state: bool,
    currency: str,
) -> str:
    """A tax row's rule in words: "5 % on the price, split CGST + SGST in your state"."""
    if slabs:
        what = slabs_words(slabs, currency)
        if kind == TaxKind.HOTEL_SLAB.value:
            what = f"{what} (by each night's tariff)"
        elif kind == TaxKind.TCS.value:
            what = f"{what} (of the customer's year)"
    else:
        what = f"{percent(rate_pct)} {BASE_WORDS.get(base, '')}".strip()
    if split_in_state:
        what += "; CGST + SGST in your state, IGST otherwise"
    return what


def rate_text(rate: Decimal | str) -> str:
    """An exchange rate in the agency's locale, as many decimals as it has (up to 6): "83.6",
    "0.012"."""
    return format_decimal(Decimal(str(rate)), format="#,##0.######", locale=current_locale())


FX_FIELD_WORDS: dict[str, str] = {
    "valid_on": "Date",
    "base": "Currency",
    "quote": "Priced in",
    "rate": "Rate",
}

"""Rate lists in words and back: weekday masks ("Mon-Fri"), cancellation tiers ("30+ days:
free · 7-29 days: 1 night · no-show 100%"), markets, statuses, the choices of a line, schema
messages, the calendar's weeks. Pure functions (tests/ui/test_rates_pages.py); the grid's
cells are in cells.py."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_date as format_babel_date

from travelcrm.core.errors import DomainError
from travelcrm.core.locale import current_locale
from travelcrm.rates import parsers
from travelcrm.rates.models import (
    ALL_WEEKDAYS,
    BASIS_WORDS,
    VEHICLE_BASES,
    AgeBandKind,
    Market,
    Occupancy,
    PricingBasis,
    VersionStatus,
)
from travelcrm.ui.components.money import DASH, format_date, format_money

DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

MARKET_LABELS = {
    Market.ALL.value: "All markets",
    Market.DOMESTIC.value: "Domestic",
    Market.INBOUND.value: "Inbound",
    Market.AGENT_GROUP.value: "Agent group",
}

STATUS_COLORS = {
    VersionStatus.DRAFT.value: "amber",
    VersionStatus.PUBLISHED.value: "green",
    VersionStatus.SUPERSEDED.value: "gray",
    VersionStatus.UNPUBLISHED.value: "orange",
    VersionStatus.ARCHIVED.value: "gray",
}

NO_PRICE_REASONS = {
    "stop_sale": "Stop-sale",
    "blackout": "Blackout",
    "no_rate_list": "No published rate list",
    "no_season": "No season",
    "min_nights": "Minimum stay not met",
    "no_rate": "No matching price",
    "age_not_priced": "Child age not priced",
    "allotment_exhausted": "No allotment left",
    "mixed_currencies": "Lists in different currencies",
    "quantity_missing": "Distance or hours needed",
}


class CellError(ValueError):
    """A typed cell that does not parse; the message is shown under the grid."""


# ---- weekdays ---------------------------------------------------------------------------------


def weekdays_text(mask: int) -> str:
    """7 bits (Monday = bit 0) in words: "Every day", "Mon-Fri", "Sat, Sun", "Mon, Wed-Fri"."""
    mask &= ALL_WEEKDAYS
    if mask == ALL_WEEKDAYS:
        return "Every day"
    if mask == 0:
        return "No days"
    days = [i for i in range(7) if mask & (1 << i)]
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_LABELS[run[0]]}{DASH}{DAY_LABELS[run[-1]]}")
        else:
            parts.extend(DAY_LABELS[d] for d in run)
    return ", ".join(parts)


def as_cell_error(error: ValueError) -> CellError:
    """The shared parser's reason, as a sentence under the grid."""
    text = str(error)
    return CellError(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))


def parse_weekdays(text: str) -> list[str]:
    """ "Mon-Fri", "sat, sun", "Mon-Wed, Fri", "every day", "weekends" -> ["mon", ...]: the
    parser the sheet import uses (`rates.parsers`)."""
    try:
        return parsers.parse_weekdays(text)
    except ValueError as error:
        raise as_cell_error(error) from None


# ---- cancellation terms ---------------------------------------------------------------------


def plain_number(value: Any) -> str:
    number = Decimal(str(value))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _charge(tier: Mapping[str, Any]) -> str:
    nights = tier.get("charge_nights")
    if nights is not None:
        count = int(nights)
        return "free" if count == 0 else f"{count} night{'s' if count != 1 else ''}"
    pct = tier.get("charge_pct")
    if pct is None or Decimal(str(pct)) == 0:
        return "free"
    return f"{plain_number(pct)}%"


def tiers_text(
    tiers: Sequence[Mapping[str, Any]], no_show_pct: Decimal | str | float | None = None
) -> str:
    """ "30+ days: free · 7-29 days: 1 night · no-show 100%" (each tier holds from its
    `days_before` up to the day before the next longer one)."""
    ordered = sorted(tiers, key=lambda t: int(t.get("days_before", 0)), reverse=True)
    parts = []
    upper: int | None = None
    for tier in ordered:
        days = int(tier.get("days_before", 0))
        if upper is None:
            span = f"{days}+ days"
        elif upper - 1 <= days:
            span = f"{days} day{'s' if days != 1 else ''}"
        else:
            span = f"{days}-{upper - 1} days"
        parts.append(f"{span}: {_charge(tier)}")
        upper = days
    if no_show_pct is not None and no_show_pct != "":
        parts.append(f"no-show {plain_number(no_show_pct)}%")
    return " · ".join(parts) if parts else "No cancellation terms"


def parse_tiers(text: str) -> list[dict[str, Any]]:
    """The header's terms box, one tier a line: "30: 0%", "7: 1 night", "0: 100%"."""
    tiers = []
    for raw in text.replace(";", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        match = re.fullmatch(
            r"(\d+)\s*(?:\+|days?|d)?\s*[:=]\s*(free|\d+(?:\.\d+)?\s*%|\d+\s*nights?)",
            line,
            flags=re.IGNORECASE,
        )
        if match is None:
            raise CellError(f"“{line}”: write it as “30: 0%” or “7: 1 night”")
        days, charge = int(match.group(1)), match.group(2).lower().replace(" ", "")
        if charge == "free":
            tiers.append({"days_before": days, "charge_pct": "0"})
        elif charge.endswith("%"):
            tiers.append({"days_before": days, "charge_pct": charge.rstrip("%")})
        else:
            tiers.append({"days_before": days, "charge_nights": int(charge.rstrip("nights"))})
    return tiers


def tiers_lines(tiers: Sequence[Mapping[str, Any]]) -> str:
    """Tiers back into the terms box's lines (parse_tiers reads them)."""
    lines = []
    for tier in sorted(tiers, key=lambda t: int(t.get("days_before", 0)), reverse=True):
        if tier.get("charge_nights") is not None:
            nights = int(tier["charge_nights"])
            lines.append(f"{tier['days_before']}: {nights} night{'s' if nights != 1 else ''}")
        else:
            lines.append(f"{tier['days_before']}: {plain_number(tier.get('charge_pct', 0))}%")
    return "\n".join(lines)


# ---- labels -------------------------------------------------------------------------------------


def market_label(market: str, agent_group: str | None = None) -> str:
    if market == Market.AGENT_GROUP.value and agent_group:
        return f"Agent group: {agent_group}"
    return MARKET_LABELS.get(market, market)


def priced_from(name: str, market: str, published_on: date | None) -> str:
    """Which list a price check used, in words: "Priced from 'Taj Inbound 2027' (inbound
    market), published 3 Mar 2027." (the market named as the list's page names it)."""
    where = "all markets" if market == Market.ALL.value else f"{words(market)} market"
    when = f", published {format_date(published_on)}" if published_on else ""
    return f"Priced from '{name}' ({where}){when}."


def words(value: str) -> str:
    """An enum value as shown in the grid: "per_room" -> "per room"."""
    return value.replace("_", " ")


CHOICES: dict[str, tuple[str, ...]] = {
    "basis": tuple(b.value for b in PricingBasis),
    "occupancy": tuple(o.value for o in Occupancy),
    "age_band": tuple(a.value for a in AgeBandKind),
}


# what a vehicle basis counts per vehicle, in words (1 km, 2.5 hours, 2 transfers)
_PER_VEHICLE_UNITS = {
    PricingBasis.PER_KM.value: ("km", "km"),
    PricingBasis.PER_HOUR.value: ("hour", "hours"),
    PricingBasis.PER_TRANSFER.value: ("transfer", "transfers"),
    PricingBasis.PER_RETURN_TRANSFER.value: ("return transfer", "return transfers"),
}
_UNITS = {
    PricingBasis.PER_ROOM.value: ("room", "rooms"),
    PricingBasis.PER_PERSON.value: ("person", "people"),
}


TIMES = "\u00d7"  # the multiplication sign of "300 km x ₹18.00 x 2 vehicles"


def part_text(part: Any, currency: str) -> str:
    """A quote's part in words: "Innova, 300 km x ₹18.00 x 2 vehicles", "Driver allowance,
    ₹400.00 x 2 vehicles", "adult, ₹1,200.00 x 2 people", "Guide fee, ₹1,000.00 per group"
    (with a real multiplication sign)."""
    price = format_money(part.unit_net, currency)
    if part.basis == PricingBasis.PER_GROUP.value:
        return f"{part.what}, {price} per group"
    if part.basis in VEHICLE_BASES:
        one, many = "vehicle", "vehicles"
    else:
        one, many = _UNITS.get(part.basis, ("unit", "units"))
    count = f"{part.units} {one if part.units == 1 else many}"
    per = _PER_VEHICLE_UNITS.get(part.basis)
    if per is None:
        return f"{part.what}, {price} {TIMES} {count}"
    amount = plain_number(part.quantity)
    unit = per[0] if part.quantity == 1 else per[1]
    return f"{part.what}, {amount} {unit} {TIMES} {price} {TIMES} {count}"


def choice_words(field: str, value: str) -> str:
    """A choice as the grid shows it: a basis in the operator's words ("Per vehicle per km"),
    the others as "extra bed"."""
    if field == "basis":
        return BASIS_WORDS.get(value, words(value))
    return words(value)


def parse_choice(field: str, text: str) -> str:
    """ "Per room", "extra-bed", "child with bed", "per vehicle per km" -> the enum value;
    refuses others by name."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    if key in CHOICES[field]:
        return key
    for value in CHOICES[field]:
        if key == re.sub(r"[\s\-]+", "_", choice_words(field, value).lower()):
            return value
    options = ", ".join(choice_words(field, v) for v in CHOICES[field])
    raise CellError(f"“{text.strip()}” is not one of: {options}")


# ---- schema messages in words ----------------------------------------------------------------


def blank_fields(form: Mapping[str, Any], names: Sequence[str]) -> dict[str, str]:
    """ "Required." for each named control left empty (the schema would say "UUID input
    should be a string…" or "Input should be a valid date")."""
    return {name: "Required." for name in names if not str(form.get(name) or "").strip()}


def schema_message(error: Mapping[str, Any]) -> str:
    """A pydantic error of a cell or form in words."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in {"greater_than_equal", "greater_than"} and str(ctx.get("ge", ctx.get("gt"))) in {
        "0",
        "0.0",
    }:
        return "cannot be negative"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind in {"less_than", "less_than_equal"}:
        return f"must be below {ctx.get('lt', ctx.get('le'))}"
    if kind == "decimal_max_places":
        return f"at most {ctx.get('decimal_places')} decimals"
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


# ---- a service's words, the page's words ------------------------------------------------------

FIELD_WORDS = {
    "valid_from": "valid from",
    "valid_to": "valid to",
    "starts_on": "the first day",
    "ends_on": "the last day",
    "pax_min": "pax min",
    "pax_max": "pax max",
    "min_nights": "min stay",
    "markup_pct": "markup %",
    "effective_sell": "sells at",
    "age_min": "the lowest age",
    "age_max": "the highest age",
    "service_id": "service",
    "season_id": "season",
    "supplier_id": "supplier",
    "new_version_id": "version",
    "row_version": "version",
    "no_show_charge_pct": "no-show charge",
    "cancellation_tiers": "cancellation terms",
    "charge_pct": "charge %",
    "charge_nights": "nights charged",
    "days_before": "days before",
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_UUID = re.compile(r"\s*\(?\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b\)?", re.IGNORECASE)
_SHORT_ID = re.compile(r"\s*\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8}\b")
_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def _day(match: re.Match[str]) -> str:
    try:
        return format_date(date(*(int(part) for part in match.groups())))
    except ValueError:
        return match.group(0)


def service_words(text: str) -> str:
    """A service's message as the page says it: field names in words ("valid_from" -> "valid
    from"), ISO dates in the agency's locale, no ids ("Rate line 01a2…-… not found" -> "Rate line
    not found")."""
    text = _UUID.sub("", text)
    text = _SHORT_ID.sub("", text)
    text = _ISO_DATE.sub(_day, text)
    return _NAME.sub(lambda m: FIELD_WORDS.get(m.group(0), words(m.group(0))), text)


def in_words(exc: DomainError) -> DomainError:
    """The same error, its detail and field messages in the page's words (`service_words`;
    the fields keep their names: forms put each message at its field)."""
    exc.detail = service_words(exc.detail)
    exc.errors = [replace(e, message=service_words(e.message)) for e in exc.errors]
    return exc


# ---- the allotment calendar -------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_month: bool


def month_weeks(month: date) -> list[list[CalendarDay]]:
    """The weeks (Monday first) that show `month`, with the neighbours' days to fill them."""
    first = month.replace(day=1)
    start = first - timedelta(days=first.weekday())
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    end = last + timedelta(days=6 - last.weekday())
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return [
        [CalendarDay(d, d.month == first.month) for d in days[i : i + 7]]
        for i in range(0, len(days), 7)
    ]


def month_title(month: date) -> str:
    """The calendar's month in the agency's locale: "December 2027" ("Dezember 2027")."""
    return format_babel_date(month, "LLLL y", locale=current_locale())


def shift_month(month: date, step: int) -> date:
    index = month.year * 12 + month.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)

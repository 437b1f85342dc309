"""The grid's cells: its columns, what a typed cell means for `LinePatch` (read as the sheet
import reads a cell: "6,600.00", "₹6,600", "Mon-Fri", "1-4", "yes"), and a line's values as
their cells show them. Pure functions (tests/ui/test_rates_pages.py)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from travelcrm.core.locale import decimal_comma
from travelcrm.rates import parsers
from travelcrm.rates.schemas import WEEKDAY_NAMES
from travelcrm.ui.components.money import format_amount
from travelcrm.ui.pages.rates.text import (
    CHOICES,
    CellError,
    as_cell_error,
    choice_words,
    parse_choice,
    parse_weekdays,
    plain_number,
    weekdays_text,
)

# The grid's columns: (field, title, width, editable). Service and season are filters, not cells.
GRID_COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("service", "Service", 144, False),
    ("season", "Season", 76, False),
    ("basis", "Basis", 124, True),
    ("occupancy", "Occupancy", 80, True),
    ("age_band", "Age band", 110, True),
    ("pax", "Pax", 56, True),  # "1-4": pax_min and pax_max in one cell
    ("net", "Net", 88, True),
    ("sell", "Sell", 88, True),
    ("markup_pct", "Markup %", 72, True),
    ("effective_sell", "Sells at", 88, False),
    ("weekdays", "Weekdays", 88, True),
    ("min_nights", "Min stay", 70, True),
    ("capacity", "Seats", 56, True),  # per vehicle; empty: the service's
    ("supplement", "Supplement", 120, True),  # empty: the base price
    ("optional", "Optional", 68, True),  # a supplement added only when asked
)
FIELD_TITLES = {name: title for name, title, _w, _e in GRID_COLUMNS}
FIELD_TITLES |= {"pax_min": "Pax min", "pax_max": "Pax max", "min_nights": "Min stay"}


def parse_amount(
    text: str, *, optional: bool = False, percent: bool = False, currency: str | None = None
) -> Decimal | None:
    """An amount or percentage as the sheet import reads one ("6,600.00", "₹6,600", "1,80,000",
    "15%"); a currency written in the cell must be the list's (`currency`)."""
    if not text.strip():
        if optional:
            return None
        raise CellError("Cannot be empty.")
    try:
        if percent:
            return parsers.parse_percent(text, decimal_comma=decimal_comma())
        # typed as the page shows amounts: a decimal comma where the agency's locale has one
        value, written = parsers.parse_amount(text, decimal_comma=decimal_comma())
    except ValueError as error:
        raise as_cell_error(error) from None
    if written is not None and currency is not None and written != currency:
        raise CellError(f"This list's prices are in {currency}, not {written}.")
    return value


def _whole(text: str) -> int:
    try:
        return parsers.parse_int(text.strip().replace(",", ""), what="pax, nights or seats")
    except ValueError as error:
        raise as_cell_error(error) from None


YES_WORDS = {"yes", "y", "true", "optional", "1", "✓"}
NO_WORDS = {"", "no", "n", "false", "mandatory", "0"}


def parse_cell(field: str, text: str, currency: str | None = None) -> Any:
    """What a typed cell means for `LinePatch(field=...)`; `CellError` when it cannot mean
    anything (range checks are the schema's and the service's)."""
    if field in CHOICES:
        return parse_choice(field, text)
    if field == "capacity":
        return _whole(text) if text.strip() else None
    if field == "supplement":
        return text.strip() or None
    if field == "optional":
        answer = text.strip().lower()
        if answer in YES_WORDS | NO_WORDS:
            return answer in YES_WORDS
        raise CellError(f"“{text.strip()}” is not yes or no")
    if field in {"pax_min", "pax_max", "min_nights"}:
        return _whole(text)
    if field in {"net", "sell"} and text.strip() and not any(c.isdigit() for c in text):
        return text.strip()  # a price word ("FOC"): the service reads it with the agency's words
    if field == "net":
        return parse_amount(text, currency=currency)
    if field == "sell":
        return parse_amount(text, optional=True, currency=currency)
    if field == "markup_pct":
        return parse_amount(text, optional=True, percent=True)
    if field == "weekdays":
        return parse_weekdays(text)
    raise CellError(f"{FIELD_TITLES.get(field, field)} cannot be edited here")


def parse_pax(text: str) -> tuple[int, int]:
    """ "1-4" -> (1, 4); "5" -> (5, 5); "5+" -> (5, 99): the parser the sheet import uses."""
    try:
        return parsers.parse_pax(text)
    except ValueError as error:
        raise as_cell_error(error) from None


def cell_patch(field: str, text: str, currency: str | None = None) -> dict[str, Any]:
    """The `LinePatch` fields a typed cell sets (the pax cell sets two)."""
    if field == "pax":
        low, high = parse_pax(text)
        return {"pax_min": low, "pax_max": high}
    return {field: parse_cell(field, text, currency)}


def line_values(field: str, line: Any) -> dict[str, Any]:
    """A line's stored value(s) behind a cell, as `LinePatch` takes them (the undo puts them
    back): amounts as strings, weekdays as names."""
    if field == "pax":
        return {"pax_min": line.pax_min, "pax_max": line.pax_max}
    value = patch_value(field, getattr(line, field))
    return {field: str(value) if isinstance(value, Decimal) else value}


def values_text(field: str, values: Mapping[str, Any], currency: str) -> str:
    """What `line_values` look like in their cell."""
    if field == "pax":
        return f"{values['pax_min']}-{values['pax_max']}"
    if field == "weekdays":
        days = values.get("weekdays") or []
        return weekdays_text(sum(1 << WEEKDAY_NAMES.index(d) for d in days))
    return cell_text(field, values.get(field), currency)


def cell_text(field: str, value: Any, currency: str) -> str:
    """A line's value as its grid cell shows it (and `parse_cell` reads it back)."""
    if value is None:
        return ""
    if field in {"net", "sell", "effective_sell"}:
        return format_amount(value, currency)
    if field == "markup_pct":
        return plain_number(value)
    if field == "weekdays":
        return weekdays_text(int(value))
    if field == "optional":
        return "yes" if value else ""
    if field in CHOICES:
        return choice_words(field, str(value))
    return str(value)


def patch_value(field: str, value: Any) -> Any:
    """A stored line value as `LinePatch` takes it (the undo puts it back)."""
    if field == "weekdays":
        return [WEEKDAY_NAMES[i] for i in range(7) if int(value) & (1 << i)]
    return value

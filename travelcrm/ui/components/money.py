"""Money and dates as pages show them: "₹9,000.00", "USD 1,250.00", "1 Oct 2027"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from travelcrm.core.money import minor_units, round_money

# Symbols for the currencies agencies quote in most; others show their ISO code.
DASH = "\u2013"  # the en dash of ranges: "1 Apr 2027 - 31 Mar 2028" with a real dash

SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def _decimal(amount: Decimal | str | float | int | None) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        return Decimal(str(amount))
    except InvalidOperation:
        return None


def format_amount(amount: Decimal | str | float | int | None, currency: str) -> str:
    """The number with thousands separators and the currency's minor units: "9,000.00"."""
    value = _decimal(amount)
    if value is None:
        return ""
    places = minor_units(currency)
    return f"{round_money(value, currency):,.{places}f}"


def format_money(amount: Decimal | str | float | int | None, currency: str) -> str:
    """ "₹9,000.00", "AED 1,250.00", "-₹50.00"; "" for no amount."""
    value = _decimal(amount)
    if value is None:
        return ""
    code = currency.upper()
    number = format_amount(abs(value), code)
    sign = "-" if value < 0 and number.strip("0.,") else ""
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{code} {number}"


def format_date(value: date | None) -> str:
    """ "1 Oct 2027" ("" for None)."""
    return f"{value.day} {value:%b %Y}" if value is not None else ""


def format_range(start: date | None, end: date | None) -> str:
    """ "1 Apr 2027 - 31 Mar 2028" (with `DASH`)."""
    if start is None or end is None:
        return format_date(start or end)
    return f"{format_date(start)} {DASH} {format_date(end)}"

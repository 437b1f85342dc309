"""Money and dates as pages show them, in the agency's locale (set per event by the state kit):
"₹1,80,000.00" and "1 Oct 2027" for en-IN, "$180,000.00" and "Oct 1, 2027" for en-US.
The formatting itself is `travelcrm.core.locale`'s (PDFs and emails use it too)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from travelcrm.core.locale import DASH, amount_text, date_text, money_text, range_text

__all__ = ["DASH", "format_amount", "format_date", "format_money", "format_range"]


def format_amount(amount: Decimal | str | float | int | None, currency: str) -> str:
    """The number with the locale's grouping and the currency's minor units: "9,000.00"."""
    return amount_text(amount, currency)


def format_money(amount: Decimal | str | float | int | None, currency: str) -> str:
    """ "₹9,000.00", "AED 1,250.00", "-₹50.00"; "" for no amount."""
    return money_text(amount, currency)


def format_date(value: date | None) -> str:
    """ "1 Oct 2027" ("" for None)."""
    return date_text(value)


def format_range(start: date | None, end: date | None) -> str:
    """ "1 Apr 2027 - 31 Mar 2028" (an en dash) (with `DASH`)."""
    return range_text(start, end)

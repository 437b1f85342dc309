"""Amounts and dates in the agency's locale: grouping, decimal mark, symbol placement and the
currency's minor units, per locale; the locale set for one unit of work stays in it."""

from __future__ import annotations

import contextvars
from datetime import date
from decimal import Decimal

import pytest

from travelcrm.core.locale import (
    amount_text,
    current_locale,
    date_text,
    decimal_comma,
    money_text,
    range_text,
    use_locale,
)
from travelcrm.rates.parsers import parse_amount

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("locale", "amount", "currency", "shown"),
    [
        ("en-IN", "180000", "INR", "₹1,80,000.00"),
        ("en-US", "180000", "USD", "$180,000.00"),
        ("en-US", "180000", "INR", "₹180,000.00"),
        ("de-DE", "180000", "EUR", f"180.000,00{NBSP}€"),
        ("fr-FR", "1234.5", "EUR", f"1{NNBSP}234,50{NBSP}€"),
        ("en-IN", "1250.5", "AED", f"AED{NBSP}1,250.50"),
        ("en-IN", "-0.004", "INR", "₹0.00"),
        ("en-US", "1000.4", "JPY", "¥1,000"),
        ("en-IN", "2.3456", "KWD", "KWD\u00a02.346"),
        ("en-IN", None, "INR", ""),
        ("en-IN", "abc", "INR", ""),
        ("en-IN", "NaN", "INR", ""),
    ],
)
def test_money_in_the_agencys_locale(locale: str, amount: str, currency: str, shown: str) -> None:
    assert money_text(amount, currency, locale=locale) == shown


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en-IN", "12,34,567.89"), ("en-US", "1,234,567.89"), ("de-DE", "1.234.567,89")],
)
def test_amounts_read_back_as_typed_in_the_same_locale(locale: str, shown: str) -> None:
    text = amount_text(Decimal("1234567.891"), "INR", locale=locale)
    assert text == shown
    value, _ = parse_amount(text, decimal_comma=decimal_comma(locale))
    assert value == Decimal("1234567.89")


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en-IN", "1 Oct 2027"), ("en-US", "Oct 1, 2027"), ("de-DE", "01.10.2027")],
)
def test_dates_in_the_agencys_locale(locale: str, shown: str) -> None:
    assert date_text(date(2027, 10, 1), locale=locale) == shown
    assert range_text(None, date(2027, 10, 1), locale=locale) == shown
    assert (
        range_text(date(2027, 10, 1), date(2027, 10, 1), locale=locale) == f"{shown} \u2013 {shown}"
    )


def test_an_unknown_locale_falls_back_to_the_default() -> None:
    assert money_text("1000", "INR", locale="xx-YY") == "₹1,000.00"
    assert str(current_locale("not a locale")) == "en_IN"


def test_the_locale_set_for_one_unit_of_work_stays_in_it() -> None:
    def event() -> str:
        use_locale("en-US")
        return money_text("180000", "USD")

    assert contextvars.copy_context().run(event) == "$180,000.00"
    assert money_text("180000", "INR") == "₹1,80,000.00"  # this context kept the default


def test_countries_are_picked_by_name_and_kept_as_codes() -> None:
    from travelcrm.core.fields import COUNTRIES
    from travelcrm.core.locale import country_code, country_options

    options = country_options(locale="en-IN")
    assert {code for code, _name in options} == COUNTRIES
    names = [name for _code, name in options]
    assert names.index("Åland Islands") < names.index("Albania")  # sorted as people read
    assert ("IN", "India") in options and ("AE", "United Arab Emirates") in options
    assert country_code("  india ") == "IN" and country_code("in") == "IN"
    assert country_code("United Arab Emirates") == "AE"
    assert country_code("Inde", locale="fr-FR") == "IN"  # the reader's language
    assert country_code("India", locale="fr-FR") == "IN"  # and English
    assert country_code("Narnia") is None and country_code("") is None

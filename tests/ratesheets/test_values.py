"""Cells of suppliers' rate sheets as typed values: every accepted and refused form, the per-file
decisions (day/month order, decimal mark) with the evidence shown to the user, and property
tests of the arithmetic (grouping styles, date layouts, Excel serials) by round trip."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from travelcrm.rates.models import BASIS_WORDS, AgeBandKind, Occupancy, PricingBasis
from travelcrm.ratesheets.values import (
    DateStyle,
    NumberStyle,
    decide_date_style,
    decide_number_style,
    excel_serial,
    parse_age_band,
    parse_amount,
    parse_basis,
    parse_currency,
    parse_date,
    parse_int,
    parse_meal_plan,
    parse_occupancy,
    parse_pax,
    parse_percent,
    parse_weekdays,
)
from travelcrm.suppliers.models import MealPlan

APRIL_1 = date(2027, 4, 1)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PROPERTY = settings(max_examples=300, deadline=None)


def _refused(parse: Any, value: Any, message: str | None = None, **kwargs: Any) -> str:
    with pytest.raises(ValueError) as caught:
        parse(value, **kwargs)
    text = str(caught.value)
    if message is not None:
        assert text == message
    return text


# ---- dates: examples --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2027-04-01",
        "2027-4-1",
        "2027/04/01",
        "2027-04-01 00:00:00",
        "2027-04-01T00:00:00+05:30",
        "01/04/2027",
        " 01/04/2027 ",
        "1/4/2027",
        "1-4-2027",
        "01.04.2027",
        "01/04/27",
        "01/04/2027 10:30 AM",
        "01-Apr-27",
        "1 Apr 2027",
        "01-APR-2027",
        "1-April-2027",
        "April 1, 2027",
        "Apr 01 2027",
        "apr-1-27",
        "1st April 2027",
        "1st of April, 2027",
        "Thu, 1 Apr 2027",
        "Thursday 1st April 2027",
        "46478",
    ],
)
def test_date_forms_day_first(text: str) -> None:
    assert parse_date(text, day_first=True) == APRIL_1


@pytest.mark.parametrize(
    "text", ["04/01/2027", "4-1-27", "04.01.2027", "2027-04-01", "April 1, 2027", "01-Apr-27"]
)
def test_date_forms_month_first(text: str) -> None:
    assert parse_date(text, day_first=False) == APRIL_1


def test_numeric_order_comes_from_the_file_not_the_cell() -> None:
    assert parse_date("03/04/2027", day_first=True) == date(2027, 4, 3)
    assert parse_date("03/04/2027", day_first=False) == date(2027, 3, 4)
    # never swapped to make a cell fit: a month-first date in a day-first file is refused
    _refused(
        parse_date,
        "12/25/2027",
        "'12/25/2027' is not a date (this file writes the day first)",
        day_first=True,
    )
    _refused(
        parse_date,
        "25/12/2027",
        "'25/12/2027' is not a date (this file writes the month first)",
        day_first=False,
    )


def test_date_objects_and_excel_serials() -> None:
    assert parse_date(APRIL_1, day_first=True) == APRIL_1
    assert parse_date(datetime(2027, 4, 1, 18, 30), day_first=False) == APRIL_1
    assert parse_date(46478, day_first=True) == APRIL_1
    assert parse_date(46478.75, day_first=True) == APRIL_1  # a time of day is dropped
    assert parse_date(Decimal("46478"), day_first=True) == APRIL_1
    assert parse_date(1, day_first=True) == date(1900, 1, 1)
    assert parse_date(59, day_first=True) == date(1900, 2, 28)
    assert parse_date(61, day_first=True) == date(1900, 3, 1)  # Excel counts a 29 Feb 1900
    assert parse_date(2958465, day_first=True) == date(9999, 12, 31)
    assert excel_serial(APRIL_1) == 46478
    assert excel_serial(date(1900, 3, 1)) == 61
    assert excel_serial(date(1900, 2, 28)) == 59


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2027", "'31/02/2027' is not a date"),
        ("29/02/2027", "'29/02/2027' is not a date"),
        ("13/13/2027", "'13/13/2027' is not a date"),
        ("00/04/2027", "'00/04/2027' is not a date"),
        ("31-Apr-27", "'31-Apr-27' is not a date"),
        ("01-Foo-27", "'01-Foo-27' is not a date"),
        ("Apr 2027", "'Apr 2027' is not a date"),
        ("01/04", "'01/04' is not a date"),
        ("01/04-2027", "'01/04-2027' is not a date"),
        ("01/04/1899", "'01/04/1899' is not a date"),
        ("2027-13-01", "'2027-13-01' is not a date"),
        ("12345", "'12345' is not a date"),  # a plain integer outside 20000..80000
        ("46478.5", "'46478.5' is not a date"),  # a serial in text must be a plain integer
        ("TBA", "'TBA' is not a date"),
        ("", "the date is missing"),
        ("  ", "the date is missing"),
        (None, "the date is missing"),
        (0, "'0' is not a date"),
        (-5, "'-5' is not a date"),
        (60, "'60' is not a date (Excel's 29 February 1900)"),
        (2958466, "'2958466' is not a date"),
        (float("nan"), "'nan' is not a date"),
        (float("inf"), "'inf' is not a date"),
        (True, "'True' is not a date"),
        ([2027, 4, 1], "'[2027, 4, 1]' is not a date"),
    ],
)
def test_refused_dates(value: Any, message: str) -> None:
    _refused(parse_date, value, message, day_first=True)


# ---- dates: the per-file decision -------------------------------------------------------------


def test_a_day_over_12_decides_day_first_and_says_where() -> None:
    style = decide_date_style(["01/04/2027", ("25/12/2027", "row 14"), "2027-12-25"])
    assert style == DateStyle(True, "day first: '25/12/2027' in row 14")
    assert decide_date_style(["03/04/27", "13.04.27"]) == DateStyle(True, "day first: '13.04.27'")


def test_a_second_part_over_12_decides_month_first() -> None:
    style = decide_date_style(["04/01/2027", ("12/25/2027", 15)], default_day_first=True)
    assert style == DateStyle(False, "month first: '12/25/2027' in row 15")


def test_a_file_mixing_both_orders_is_refused() -> None:
    _refused(
        decide_date_style,
        ["01/04/2027", "25/12/2027", "02/04/2027", "12/25/2027"],
        "the file mixes day-first ('25/12/2027') and month-first ('12/25/2027') dates",
    )
    _refused(
        decide_date_style,
        [("12/25/2027", "row 3"), ("25/12/2027", "row 9")],
        "the file mixes day-first ('25/12/2027' in row 9) and month-first ('12/25/2027' in row 3)"
        " dates",
    )


def test_without_proof_the_default_is_assumed_and_shown() -> None:
    reason = "the supplier's country writes dates day first"
    assert decide_date_style(["2027-04-01", "01-Apr-27", "05/05/2027"], default_reason=reason) == (
        DateStyle(True, f"no ambiguous dates; day first assumed ({reason})")
    )
    assert decide_date_style([], default_day_first=False) == DateStyle(
        False, "no ambiguous dates; month first assumed"
    )
    style = decide_date_style(["03/04/2027", "05/06/2027"])
    assert style == DateStyle(
        True, "no date tells day from month (e.g. '03/04/2027'); day first assumed"
    )


def test_the_decision_reads_text_only_including_dates_inside_headers() -> None:
    samples: list[Any] = [APRIL_1, 46478, None, "Peak 01/10/27 - 19/12/27", "n/a"]
    assert decide_date_style(samples) == DateStyle(True, "day first: 'Peak 01/10/27 - 19/12/27'")
    # ISO dates and numbers never count as evidence
    assert decide_date_style(["2027-12-25", "1.250.000", "13-14"]).evidence == (
        "no ambiguous dates; day first assumed"
    )


# ---- dates: properties ------------------------------------------------------------------------

_SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
# (layout, the day_first it needs; None: any)
LAYOUTS_4 = [
    (lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}", True),
    (lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}", False),
    (lambda d: f"{d.day}-{d.month}-{d.year}", True),
    (lambda d: f"{d.month}-{d.day}-{d.year}", False),
    (lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}", True),
    (lambda d: d.isoformat(), None),
    (lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}", None),
    (lambda d: f"{d.day:02d}-{MONTHS[d.month - 1][:3].upper()}-{d.year}", None),
    (lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}", None),
    (lambda d: f"{d.day}{_SUFFIX.get(d.day, 'th')} {MONTHS[d.month - 1]} {d.year}", None),
]
LAYOUTS_2 = [
    (lambda d: f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}", True),
    (lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}", False),
    (lambda d: f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year % 100:02d}", None),
]


@PROPERTY
@given(
    day=st.dates(date(1900, 1, 1), date(9999, 12, 31)),
    layout=st.sampled_from(LAYOUTS_4),
    any_order=st.booleans(),
)
def test_every_layout_round_trips(day: date, layout: Any, any_order: bool) -> None:
    write, needs = layout
    assert parse_date(write(day), day_first=any_order if needs is None else needs) == day


@PROPERTY
@given(
    day=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    layout=st.sampled_from(LAYOUTS_2),
    any_order=st.booleans(),
)
def test_two_digit_years_are_this_century(day: date, layout: Any, any_order: bool) -> None:
    write, needs = layout
    assert parse_date(write(day), day_first=any_order if needs is None else needs) == day


@PROPERTY
@given(
    day=st.dates(date(1900, 1, 1), date(9999, 12, 31)),
    time_of_day=st.floats(0, 0.999, allow_nan=False),
)
def test_excel_serials_round_trip(day: date, time_of_day: float) -> None:
    # the 1900 date system, written out: day 1 is 1900-01-01 and a phantom 29 Feb 1900 is 60
    serial = (day - date(1899, 12, 31)).days
    if day >= date(1900, 3, 1):
        serial += 1
    assert excel_serial(day) == serial
    assert parse_date(serial, day_first=True) == day
    assert parse_date(serial + time_of_day, day_first=False) == day
    if 20000 <= serial <= 80000:
        assert parse_date(str(serial), day_first=True) == day


@PROPERTY
@given(
    days=st.lists(st.dates(date(2020, 1, 1), date(2040, 12, 31)), min_size=1, max_size=30),
    day_first=st.booleans(),
)
def test_the_decision_follows_the_file_and_reads_it_back(days: list[date], day_first: bool) -> None:
    def write(d: date) -> str:
        a, b = (d.day, d.month) if day_first else (d.month, d.day)
        return f"{a:02d}/{b:02d}/{d.year}"

    style = decide_date_style([write(d) for d in days], default_day_first=not day_first)
    if any(d.day > 12 for d in days):
        assert style.day_first is day_first
    else:
        assert style.day_first is not day_first  # nothing proves it: the default
        assert "assumed" in style.evidence
    if style.day_first is day_first:
        assert [parse_date(write(d), day_first=style.day_first) for d in days] == days


# ---- amounts: examples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "amount", "currency"),
    [
        ("6500", "6500", None),
        ("6,500", "6500", None),
        ("6500.00", "6500.00", None),
        (" 6,500.50 ", "6500.50", None),
        ("₹ 6,500", "6500", "INR"),
        ("₹6,500.00/-", "6500.00", "INR"),
        ("Rs. 6,500/-", "6500", "INR"),
        ("Rs 6500", "6500", "INR"),
        ("INR 6500", "6500", "INR"),
        ("inr6500", "6500", "INR"),
        ("6500 INR", "6500", "INR"),
        ("AED 450", "450", "AED"),
        ("Dhs. 450", "450", "AED"),
        ("د.إ 450", "450", "AED"),
        ("$120", "120", "USD"),
        ("USD 120.50", "120.50", "USD"),
        ("US$ 99", "99", "USD"),
        ("$ 1,234.56 USD", "1234.56", "USD"),
        ("£ 80", "80", "GBP"),
        ("GBP 80", "80", "GBP"),
        ("S$ 45.90", "45.90", "SGD"),
        ("SGD 45.90", "45.90", "SGD"),
        ("฿ 1,500", "1500", "THB"),
        ("THB 1500", "1500", "THB"),
        ("EUR 12.50", "12.50", "EUR"),
        ("LKR 15,000", "15000", "LKR"),  # any ISO 4217 code
        ("1,00,000.00", "100000.00", None),
        ("12,34,567", "1234567", None),
        ("₹ 1,00,00,000", "10000000", "INR"),
        ("1 250 000", "1250000", None),
        ("1\u202f250\u00a0000.50", "1250000.50", None),
        ("(500)", "-500", None),
        ("(₹ 500)", "-500", "INR"),
        ("-500", "-500", None),
        ("\u2212500", "-500", None),
        ("-₹500", "-500", "INR"),
        ("₹ -500", "-500", "INR"),
        ("+500", "500", None),
        ("0", "0", None),
        ("(0)", "0", None),
    ],
)
def test_amount_forms(value: str, amount: str, currency: str | None) -> None:
    parsed = parse_amount(value)
    assert parsed == (Decimal(amount), currency)
    assert str(parsed[0]) == amount  # the digits as written, not rounded


@pytest.mark.parametrize(
    ("value", "amount", "currency"),
    [
        ("IDR 1.250.000", "1250000", "IDR"),
        ("Rp 1.250.000", "1250000", "IDR"),
        ("Rp. 1.250.000,00", "1250000.00", "IDR"),
        ("€ 12,50", "12.50", "EUR"),
        ("12,5", "12.5", None),
        ("1.234,50", "1234.50", None),
        ("1 234,50", "1234.50", None),
        ("12,500", "12.500", None),  # in a decimal-comma file the comma is the decimal mark
        ("6500", "6500", None),
    ],
)
def test_amount_forms_with_decimal_comma(value: str, amount: str, currency: str | None) -> None:
    assert parse_amount(value, decimal_comma=True) == (Decimal(amount), currency)


def test_numbers_from_excel_are_taken_as_given() -> None:
    assert parse_amount(6500) == (Decimal(6500), None)
    assert parse_amount(6500.0) == (Decimal("6500.0"), None)
    assert str(parse_amount(6500.0)[0]) == "6500.0"
    assert parse_amount(0.1)[0] == Decimal("0.1")  # via repr, not the binary expansion
    assert parse_amount(Decimal("12.34"), decimal_comma=True) == (Decimal("12.34"), None)


@PROPERTY
@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_floats_round_trip(value: float) -> None:
    amount, currency = parse_amount(value)
    assert currency is None
    assert amount == Decimal(str(value))
    assert float(amount) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("on request", "'on request' is not an amount"),
        ("On Request", "'On Request' is not an amount"),
        ("N/A", "'N/A' is not an amount"),
        ("-", "'-' is not an amount"),
        ("--", "'--' is not an amount"),
        ("", "the amount is missing"),
        ("()", "the amount is missing"),
        (None, "the amount is missing"),
        ("12,5O", "'12,5O' is not an amount"),
        ("1,2,3", "'1,2,3' is not an amount"),
        ("12,34", "'12,34' is not an amount (this file writes decimals with a point)"),
        ("1.250.000", "'1.250.000' is not an amount (this file writes decimals with a point)"),
        ("1,234,56", "'1,234,56' is not an amount"),
        ("1,0000", "'1,0000' is not an amount (this file writes decimals with a point)"),
        ("6500.", "'6500.' is not an amount"),
        ("6500 per person", "'6500 per person' is not an amount"),
        ("XYZ 100", "'XYZ 100' is not an amount (unknown currency 'XYZ')"),
        ("$ 100 EUR", "'$ 100 EUR' is not an amount (both USD and EUR)"),
        ("1e5", "'1e5' is not an amount"),
        ("6500 + 500", "'6500 + 500' is not an amount"),
        ("١٢٣", "'١٢٣' is not an amount"),
        (float("nan"), "'nan' is not an amount"),
        (float("inf"), "'inf' is not an amount"),
        (True, "'True' is not an amount"),
        (APRIL_1, "'2027-04-01' is not an amount"),
    ],
)
def test_refused_amounts(value: Any, message: str) -> None:
    _refused(parse_amount, value, message)


def test_refused_amounts_with_decimal_comma() -> None:
    _refused(
        parse_amount,
        "6500.00",
        "'6500.00' is not an amount (this file writes decimals with a comma)",
        decimal_comma=True,
    )
    _refused(parse_amount, "1,00,000.00", decimal_comma=True)  # Indian grouping is point-only
    _refused(parse_amount, "1.2.3", "'1.2.3' is not an amount", decimal_comma=True)


# ---- amounts: properties ----------------------------------------------------------------------


def _group(digits: str, sep: str, indian: bool = False) -> str:
    if indian and len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        pairs: list[str] = []
        while len(head) > 2:
            head, pair = head[:-2], head[-2:]
            pairs.insert(0, pair)
        return sep.join([head, *pairs, tail])
    groups: list[str] = []
    while len(digits) > 3:
        digits, group = digits[:-3], digits[-3:]
        groups.insert(0, group)
    return sep.join([digits, *groups])


def _write(amount: Decimal, style: str) -> str:
    whole, _, fraction = format(amount, "f").partition(".")
    if style == "western":
        return _group(whole, ",") + (f".{fraction}" if fraction else "")
    if style == "indian":
        return _group(whole, ",", indian=True) + (f".{fraction}" if fraction else "")
    if style == "spaces":
        return _group(whole, "\u202f") + (f".{fraction}" if fraction else "")
    if style == "comma":
        return _group(whole, ".") + (f",{fraction}" if fraction else "")
    assert style == "comma_spaces"
    return _group(whole, " ") + (f",{fraction}" if fraction else "")


amounts = st.builds(
    lambda units, places: Decimal(units).scaleb(-places),
    st.integers(0, 10**15),
    st.integers(0, 4),
)
COMMA_STYLES = {"comma", "comma_spaces"}


@PROPERTY
@given(
    amount=amounts,
    style=st.sampled_from(["western", "indian", "spaces", "comma", "comma_spaces"]),
    currency=st.sampled_from(
        [("", None), ("₹ ", "INR"), ("Rs. ", "INR"), ("AED ", "AED"), ("$", "USD"), ("Rp ", "IDR")]
    ),
    after=st.booleans(),
)
def test_grouped_amounts_round_trip(
    amount: Decimal, style: str, currency: tuple[str, str | None], after: bool
) -> None:
    written = _write(amount, style)
    symbol, code = currency
    text = f"{written} {code}" if after and code else f"{symbol}{written}"
    parsed, found = parse_amount(text, decimal_comma=style in COMMA_STYLES)
    assert parsed == amount
    assert parsed.as_tuple() == amount.as_tuple()
    assert found == code


@PROPERTY
@given(
    values=st.lists(amounts, min_size=1, max_size=20),
    style=st.sampled_from(["western", "indian", "comma", "comma_spaces"]),
)
def test_the_decimal_mark_decision_follows_the_file(values: list[Decimal], style: str) -> None:
    samples = [_write(value, style) for value in values]
    decision = decide_number_style(samples)
    expected = style in COMMA_STYLES
    if any(value.as_tuple().exponent in (-1, -2, -4) for value in values):
        assert decision.decimal_comma is expected  # "12,5", "1.234,50": proof
    if decision.decimal_comma is not expected:
        assert "assumed" in decision.evidence  # wrong only without proof ("12,500")
    else:
        parsed = [parse_amount(s, decimal_comma=decision.decimal_comma)[0] for s in samples]
        assert parsed == values


# ---- amounts: the per-file decision -----------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "style"),
    [
        (["1.234,50", "12,500"], NumberStyle(True, "decimal comma: '1.234,50'")),
        (["12,5"], NumberStyle(True, "decimal comma: '12,5'")),
        (["€ 1 234,50"], NumberStyle(True, "decimal comma: '€ 1 234,50'")),
        (["6500", "IDR 1.250.000"], NumberStyle(True, "decimal comma: 'IDR 1.250.000'")),
        (["0,500"], NumberStyle(True, "decimal comma: '0,500'")),
        (["1,234.50"], NumberStyle(False, "decimal point: '1,234.50'")),
        (["1,00,000.00"], NumberStyle(False, "decimal point: '1,00,000.00'")),
        (["₹ 1,00,000", "12,500"], NumberStyle(False, "decimal point: '₹ 1,00,000'")),
        ([("6500.00", "row 7")], NumberStyle(False, "decimal point: '6500.00' in row 7")),
        (
            ["12,500", "6500"],
            NumberStyle(
                False,
                "no amount shows the decimal mark ('12,500' could be either); "
                "decimal point assumed, commas group thousands",
            ),
        ),
        (
            ["6500", 6500.5, None, "on request", ""],
            NumberStyle(False, "no amount shows the decimal mark; decimal point assumed"),
        ),
    ],
)
def test_decide_number_style(samples: list[Any], style: NumberStyle) -> None:
    assert decide_number_style(samples) == style


def test_a_file_mixing_decimal_marks_is_refused() -> None:
    _refused(
        decide_number_style,
        ["12,500", "1,234.50", "6500", ("1.234,50", "row 3")],
        "the file mixes decimal commas ('1.234,50' in row 3) and decimal points ('1,234.50')",
    )
    _refused(decide_number_style, ["12,50", "12.50"])


# ---- percentages and counts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        ("15%", {}, "15"),
        ("15 %", {}, "15"),
        ("15", {}, "15"),
        ("12.5%", {}, "12.5"),
        ("-10%", {}, "-10"),
        ("12,5%", {"decimal_comma": True}, "12.5"),
        (0.15, {}, "0.15"),  # an Excel percent cell: as given, the caller knows the column
        (15, {}, "15"),
        (Decimal("7.5"), {}, "7.5"),
    ],
)
def test_percent_forms(value: Any, kwargs: dict[str, Any], expected: str) -> None:
    assert parse_percent(value, **kwargs) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "'abc' is not a percentage"),
        ("15%%", "'15%%' is not a percentage"),
        ("12,5%", "'12,5%' is not a percentage (this file writes decimals with a point)"),
        ("%", "the percentage is missing"),
        (None, "the percentage is missing"),
        (float("nan"), "'nan' is not a percentage"),
    ],
)
def test_refused_percentages(value: Any, message: str) -> None:
    _refused(parse_percent, value, message)


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3), (" 3 ", 3), (3, 3), (3.0, 3), ("3.0", 3), ("03", 3)]
)
def test_whole_numbers(value: Any, expected: int) -> None:
    assert parse_int(value, what="nights") == expected


@pytest.mark.parametrize("value", ["3.5", 3.5, "three", "", None, True, "3 nights", float("inf")])
def test_refused_whole_numbers(value: Any) -> None:
    message = _refused(parse_int, value, what="nights")
    assert message.endswith("is not a whole number of nights")
    if value == "3.5":
        assert message == "'3.5' is not a whole number of nights"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1-2", (1, 2)),
        ("1 - 2", (1, 2)),
        ("1\u20132", (1, 2)),  # en dash
        ("1\u20142", (1, 2)),  # em dash
        ("3 to 5", (3, 5)),
        ("6-10 pax", (6, 10)),
        ("6-10 PAX", (6, 10)),
        ("Pax 6-10", (6, 10)),
        ("2 pax - 4 pax", (2, 4)),
        ("10+", (10, 99)),
        ("10 + pax", (10, 99)),
        ("10 pax & above", (10, 99)),
        ("10 and above", (10, 99)),
        ("Min 10", (10, 99)),
        ("150+", (150, 999)),
        ("2", (2, 2)),
        ("2 pax", (2, 2)),
        ("Up to 4", (1, 4)),
        ("upto 4 pax", (1, 4)),
        (2, (2, 2)),
        (2.0, (2, 2)),
    ],
)
def test_pax_ranges(value: Any, expected: tuple[int, int]) -> None:
    assert parse_pax(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("5-3", "'5-3' is not a pax range (5 is more than 3)"),
        ("0-2", "'0-2' is not a pax range (pax start at 1)"),
        ("0", "'0' is not a pax range (pax start at 1)"),
        ("1-1000", "'1-1000' is not a pax range (at most 999 pax)"),
        ("many", "'many' is not a pax range (write e.g. 1-2, 3 to 5, 10+)"),
        ("1/2", "'1/2' is not a pax range (write e.g. 1-2, 3 to 5, 10+)"),
        ("", "the pax range is missing"),
        (None, "the pax range is missing"),
        (2.5, "'2.5' is not a pax range"),
        (datetime(2027, 1, 2), "'2027-01-02 00:00:00' is not a pax range"),
    ],
)
def test_refused_pax_ranges(value: Any, message: str) -> None:
    _refused(parse_pax, value, message)


# ---- weekdays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mon-Thu", ["mon", "tue", "wed", "thu"]),
        ("Monday - Thursday", ["mon", "tue", "wed", "thu"]),
        ("Mon to Thu", ["mon", "tue", "wed", "thu"]),
        ("Sun-Thu", ["mon", "tue", "wed", "thu", "sun"]),
        ("Fri\u2013Sun", ["fri", "sat", "sun"]),
        ("Fri, Sat", ["fri", "sat"]),
        ("Fri/Sat", ["fri", "sat"]),
        ("Sat & Sun", ["sat", "sun"]),
        ("Friday and Saturday nights", ["fri", "sat"]),
        ("Sat, Mon-Tue", ["mon", "tue", "sat"]),
        ("Tues", ["tue"]),
        ("Weekend", ["sat", "sun"]),
        ("Weekends", ["sat", "sun"]),
        ("Weekdays", ["mon", "tue", "wed", "thu", "fri"]),
        ("All", ALL_DAYS),
        ("Daily", ALL_DAYS),
        ("All days", ALL_DAYS),
        ("Every day", ALL_DAYS),
        ("", ALL_DAYS),
        (None, ALL_DAYS),
        ("Sat Sun", ["sat", "sun"]),  # as typed in the grid
    ],
)
def test_weekdays(value: Any, expected: list[str]) -> None:
    assert parse_weekdays(value) == expected


@pytest.mark.parametrize(("start", "end"), [(s, e) for s in range(7) for e in range(7)])
def test_weekday_ranges_wrap_around_the_week(start: int, end: int) -> None:
    days = parse_weekdays(f"{ALL_DAYS[start].title()}-{ALL_DAYS[end].upper()}")
    assert days == sorted(days, key=ALL_DAYS.index)
    assert len(days) == (end - start) % 7 + 1
    assert ALL_DAYS[start] in days
    assert ALL_DAYS[end] in days


def test_results_are_fresh_lists() -> None:
    parse_weekdays("Mon-Thu").append("sun")
    assert parse_weekdays("Mon-Thu") == ["mon", "tue", "wed", "thu"]


@pytest.mark.parametrize("value", ["Funday", "Mon-Funday", "Mon,,Tue", "1-5", 5, "Mon Funday"])
def test_refused_weekdays(value: Any) -> None:
    message = _refused(parse_weekdays, value)
    assert message.endswith("is not a day of the week (write e.g. Mon-Thu, Fri/Sat, Weekend, All)")


# ---- labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, Occupancy.SINGLE) for v in ("Single", "SGL", "Sgl", "Single Occupancy", "single")],
        *[(v, Occupancy.DOUBLE) for v in ("Double", "Dbl", "DBL", "Twin", "Double/Twin")],
        *[(v, Occupancy.DOUBLE) for v in ("Twin / Double", "Double Sharing")],
        *[(v, Occupancy.TRIPLE) for v in ("Triple", "TPL", "Trpl")],
        (" Quad ", Occupancy.QUAD),
        *[(v, Occupancy.EXTRA_BED) for v in ("Extra Bed", "EB", "XB", "Extra Adult")],
        *[(v, Occupancy.EXTRA_BED) for v in ("Extra bed (adult)", "extra_bed", "Extra-Bed")],
    ],
)
def test_occupancies(value: str, expected: Occupancy) -> None:
    assert parse_occupancy(value) == expected.value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Dbl+EB", "'Dbl+EB' is not an occupancy (use Single, Double, Triple, Quad or Extra bed)"),
        ("Single/Double", "'Single/Double' names several occupancies; give one per row"),
        ("", "the occupancy is missing"),
        (None, "the occupancy is missing"),
        (2, "'2' is not an occupancy (use Single, Double, Triple, Quad or Extra bed)"),
    ],
)
def test_refused_occupancies(value: Any, message: str) -> None:
    _refused(parse_occupancy, value, message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, AgeBandKind.ADULT) for v in ("Adult", "ADT", "Adults", "Adult (12+ yrs)")],
        *[(v, AgeBandKind.CHILD_WITH_BED) for v in ("CWB", "Child with bed", "Child (with bed)")],
        *[(v, AgeBandKind.CHILD_WITH_BED) for v in ("Child (6-11 yrs) with bed", "Child (CWB)")],
        *[(v, AgeBandKind.CHILD_WITHOUT_BED) for v in ("CNB", "CWOB", "Child without bed")],
        *[(v, AgeBandKind.CHILD_WITHOUT_BED) for v in ("Child no bed", "Child w/o bed")],
        *[(v, AgeBandKind.INFANT) for v in ("Infant", "INF", "Infant (below 2 yrs)")],
    ],
)
def test_age_bands(value: str, expected: AgeBandKind) -> None:
    assert parse_age_band(value) == expected.value


@pytest.mark.parametrize("value", ["Child", "child", "CHD", "Child (6-11 yrs)", "Kids"])
def test_a_bare_child_is_ambiguous(value: str) -> None:
    message = _refused(parse_age_band, value)
    assert message == f"{value!r} is ambiguous: say with bed (CWB) or without bed (CNB)"


def test_refused_age_bands() -> None:
    _refused(
        parse_age_band, "Senior", "'Senior' is not an age band (use Adult, CWB, CNB or Infant)"
    )
    _refused(parse_age_band, "CWB/CNB", "'CWB/CNB' names several age bands; give one per row")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, MealPlan.EP) for v in ("EP", "Room only", "RO", "Room Only (EP)")],
        *[(v, MealPlan.CP) for v in ("CP", "Breakfast", "BB", "B&B", "Bed & Breakfast")],
        *[(v, MealPlan.CP) for v in ("B & B", "CP (Breakfast)", "CP (Room + Breakfast)")],
        *[(v, MealPlan.MAP) for v in ("MAP", "Half board", "HB", "Breakfast + Dinner")],
        *[(v, MealPlan.AP) for v in ("AP", "Full board", "FB", "Full Board (AP)")],
        *[(v, MealPlan.AI) for v in ("AI", "All inclusive", "All-Inclusive")],
    ],
)
def test_meal_plans(value: str, expected: MealPlan) -> None:
    assert parse_meal_plan(value) == expected.value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("MAP/CP/AP", "'MAP/CP/AP' names several meal plans; give one per row"),
        ("CP (Dinner)", "'CP (Dinner)' is not a meal plan (use EP, CP, MAP, AP or AI)"),
        ("Lunch", "'Lunch' is not a meal plan (use EP, CP, MAP, AP or AI)"),
    ],
)
def test_refused_meal_plans(value: str, message: str) -> None:
    _refused(parse_meal_plan, value, message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, PricingBasis.PER_PERSON) for v in ("Per person", "PP", "p.p.", "per pax", "pppn")],
        *[(v, PricingBasis.PER_PERSON) for v in ("Per Person Per Night", "per-person")],
        *[(v, PricingBasis.PER_ROOM) for v in ("Per room", "per room per night", "PRPN")],
        *[(v, PricingBasis.PER_VEHICLE) for v in ("Per vehicle", "per car", "per cab")],
        *[(v, PricingBasis.PER_GROUP) for v in ("Per group", "per_group")],
        *[(v, PricingBasis.PER_KM) for v in ("Per vehicle per km", "per KM", "/km")],
        *[(v, PricingBasis.PER_HOUR) for v in ("Per vehicle per hour", "hourly", "per hr")],
        *[(v, PricingBasis.PER_TRANSFER) for v in ("Per vehicle one way", "One-way")],
        *[(v, PricingBasis.PER_RETURN_TRANSFER) for v in ("Per vehicle return", "Round trip")],
        (BASIS_WORDS["per_vehicle"], PricingBasis.PER_VEHICLE),  # what the export writes
    ],
)
def test_pricing_bases(value: str, expected: PricingBasis) -> None:
    assert parse_basis(value) == expected.value


def test_refused_basis() -> None:
    _refused(
        parse_basis,
        "per night",
        "'per night' is not a pricing basis (use Per person, Per room, Per vehicle (per day, "
        "per km, per hour, one way or return) or Per group)",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("INR", "INR"),
        ("inr", "INR"),
        (" ₹ ", "INR"),
        ("Rs", "INR"),
        ("Rs.", "INR"),
        ("AED", "AED"),
        ("Dhs", "AED"),
        ("US$", "USD"),
        ("$", "USD"),
        ("usd", "USD"),
        ("Rp", "IDR"),
        ("€", "EUR"),
        ("£", "GBP"),
        ("S$", "SGD"),
        ("฿", "THB"),
        ("mvr", "MVR"),
    ],
)
def test_currencies(value: str, expected: str) -> None:
    assert parse_currency(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("XYZ", "'XYZ' is not a currency (write an ISO code, e.g. INR, AED, USD)"),
        ("Rupees", "'Rupees' is not a currency (write an ISO code, e.g. INR, AED, USD)"),
        ("", "the currency is missing"),
        (None, "the currency is missing"),
    ],
)
def test_refused_currencies(value: Any, message: str) -> None:
    _refused(parse_currency, value, message)


def test_every_enum_value_is_accepted_as_itself() -> None:
    """What the app exports (the enum values) reads back."""
    for occupancy in Occupancy:
        assert parse_occupancy(occupancy.value) == occupancy.value
    for band in AgeBandKind:
        assert parse_age_band(band.value) == band.value
    for plan in MealPlan:
        assert parse_meal_plan(plan.value.lower()) == plan.value
    for basis in PricingBasis:
        assert parse_basis(basis.value) == basis.value


def test_a_year_of_days_reads_in_any_layout_after_the_decision() -> None:
    """A whole file's worth: the decision is taken once, then every cell reads back."""
    days = [date(2027, 1, 1) + timedelta(days=n) for n in range(365)]
    for write in (lambda d: d.strftime("%d/%m/%Y"), lambda d: d.strftime("%m-%d-%y")):
        cells = [write(d) for d in days]
        style = decide_date_style(cells)
        assert [parse_date(c, day_first=style.day_first) for c in cells] == days


def test_long_junk_cells_are_refused_quickly() -> None:
    junk = "1" + " " * 5000 + "a1"
    for parse in (parse_amount, parse_percent, parse_pax, parse_weekdays, parse_occupancy):
        message = _refused(parse, junk)
        assert message.startswith("'1" + " " * 36 + "...' is not")
    assert _refused(parse_date, junk, day_first=True).endswith("is not a date")
    assert decide_date_style([junk]).day_first is True
    assert decide_number_style([junk]).decimal_comma is False

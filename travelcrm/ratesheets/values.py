"""Single cells of suppliers' rate sheets turned into typed values.

Rate sheets come from Indian, Gulf and Indonesian hotels, transport companies and activity
operators, read into raw cells (str for CSV; str/int/float/datetime/date/None for Excel). Two
things are decided once per FILE, never guessed per cell, and the decision is shown to the user:

* the order of day and month in numeric dates (`decide_date_style`), and
* the decimal mark of amounts (`decide_number_style`).

Every parser raises `ValueError` with a short human reason meant to be shown next to the row and
column, e.g. "'31/02/2027' is not a date". The parsers run once per cell of files with 100,000
rows: regexes are compiled here, cheap cases come first and the happy path raises nothing.

`decide_*_style` take the text samples of the relevant columns; a sample may also be a pair
`(text, where)`, e.g. `("25/12/2027", "row 14")` or `("25/12/2027", 14)`, so that the evidence
can say where it was seen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from travelcrm.rates.models import AgeBandKind, Occupancy, PricingBasis
from travelcrm.rates.schemas import WEEKDAY_NAMES
from travelcrm.suppliers.models import MealPlan
from travelcrm.suppliers.schemas import CURRENCIES

__all__ = [
    "FORMULA_START",
    "DateStyle",
    "NumberStyle",
    "Sample",
    "decide_date_style",
    "decide_number_style",
    "excel_serial",
    "parse_age_band",
    "parse_amount",
    "parse_basis",
    "parse_currency",
    "parse_date",
    "parse_int",
    "parse_meal_plan",
    "parse_occupancy",
    "parse_pax",
    "parse_percent",
    "parse_weekdays",
    "unneutralise",
]

# A sample of a column: its text, or (text, where) with `where` like "row 14" (an int n: "row n").
Sample = str | tuple[str, str | int]


# Longer cells are refused before any regex sees them (no slow backtracking on junk).
_LONGEST_VALUE = 64  # "Wednesday, 1st of September, 2027 10:30 AM", "Rs. 1,00,00,000.00/-"
_LONGEST_LABEL = 100  # "Monday, Tuesday, Wednesday...", "Child (6-11 yrs) without extra bed"


def _shown(value: Any) -> str:
    """A cell as quoted in messages: stripped, at most 40 characters."""
    text = value.strip() if isinstance(value, str) else str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)


def _cite(text: str, where: str) -> str:
    return f"{_shown(text)} in {where}" if where else _shown(text)


def _sample(sample: Any) -> tuple[str, str] | None:
    if isinstance(sample, str):
        return sample.strip(), ""
    if isinstance(sample, tuple) and len(sample) == 2 and isinstance(sample[0], str):
        where = sample[1]
        return sample[0].strip(), f"row {where}" if isinstance(where, int) else str(where)
    return None  # not text (an Excel date or number): nothing to decide from


# ---- text our export neutralised ----------------------------------------------------------------

# what spreadsheet programs run as a formula when a cell starts with it; the export writes such
# text with a leading apostrophe (`export.neutralise`), and the import takes it off again
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unneutralise(text: str) -> str:
    """The text as it was before the export neutralised it: "'=Sea View" -> "=Sea View". Any
    other apostrophe is the supplier's own and stays ("'Tis the season")."""
    if text[:1] == "'" and text[1:2] in FORMULA_START and len(text) > 1:
        return text[1:]
    return text


# ---- dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateStyle:
    day_first: bool  # True: 03/04/2027 is 3 April
    evidence: str  # shown to the user, e.g. "day first: '25/12/2027' in row 14"


_MIN_YEAR = 1900
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_EXCEL_EPOCH = date(1899, 12, 30)  # serials from 61 (Excel counts a 29 February 1900)
_EXCEL_EPOCH_EARLY = date(1899, 12, 31)  # serials 1..59
_EXCEL_FAKE_LEAP_DAY = 60
_SERIAL_TEXT_MIN, _SERIAL_TEXT_MAX = 20000, 80000  # 1954-10-03 .. 2119-01-10

_TIME = r"(?:[ T]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:\s*[ap]\.?m\.?)?)?"
_ZONE = r"(?:\s*(?:z|[+-][0-9]{2}:?[0-9]{2}))?"
# 01/04/2027, 1-4-27, 01.04.2027 (the separator is the same twice)
_NUMERIC_DATE = re.compile(
    r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4}|[0-9]{2})" + _TIME, re.I
)
# 2027-04-01, 2027/4/1, 2027-04-01T00:00:00+05:30
_YEAR_FIRST_DATE = re.compile(r"([0-9]{4})([/.\-])([0-9]{1,2})\2([0-9]{1,2})" + _TIME + _ZONE, re.I)
# the same inside longer text ("Peak 01/10/27 - 19/12/27"), for the per-file decision
_NUMERIC_DATE_IN_TEXT = re.compile(
    r"(?<![0-9])([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4}|[0-9]{2})(?![0-9])"
)
_SERIAL_TEXT = re.compile(r"[0-9]{5}")
_WEEKDAY_PREFIX = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_SEP = r"[\s\-/.,]"
# 01-Apr-27, 1 Apr 2027, 01-APR-2027, 1st April 2027, 1st of April, 2027, Thu 1 Apr 2027
_DAY_MONTH_NAME = re.compile(
    _WEEKDAY_PREFIX
    + r"([0-9]{1,2})(?:st|nd|rd|th)?"
    + _SEP
    + r"*(?:of\s+)?([a-z]{3,9})\.?"
    + _SEP
    + r"*([0-9]{4}|[0-9]{2})"
    + _TIME,
    re.I,
)
# April 1, 2027; Apr 01 2027; Apr-01-2027
_MONTH_NAME_DAY = re.compile(
    _WEEKDAY_PREFIX
    + r"([a-z]{3,9})\.?"
    + _SEP
    + r"*([0-9]{1,2})(?:st|nd|rd|th)?"
    + _SEP
    + r"+([0-9]{4}|[0-9]{2})"
    + _TIME,
    re.I,
)
_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}


def _first(day_first: bool) -> str:
    return "day" if day_first else "month"


def decide_date_style(
    samples: Iterable[Sample],
    *,
    default_day_first: bool = True,
    default_reason: str | None = None,
) -> DateStyle:
    """Decide, for a whole file, whether its numeric dates put the day or the month first.

    A date whose first part is 13..31 proves day first, one whose second part is, month first;
    a file with both is refused. Without proof `default_day_first` is assumed, and the evidence
    says so (with `default_reason`, e.g. "the supplier's country writes dates day first").
    Numeric dates inside longer text count too ("Peak 01/10/27 - 19/12/27"); dates with month
    names, ISO dates and non-text cells are not ambiguous and are skipped."""
    day_first_seen = month_first_seen = ambiguous_seen = ""
    for sample in samples:
        parts = _sample(sample)
        if parts is None:
            continue
        text, where = parts
        if len(text) > 2 * _LONGEST_LABEL:
            continue
        for match in _NUMERIC_DATE_IN_TEXT.finditer(text):
            a, b = int(match[1]), int(match[3])
            if 12 < a <= 31 and 1 <= b <= 12:
                if not day_first_seen:
                    day_first_seen = _cite(text, where)
            elif 12 < b <= 31 and 1 <= a <= 12:
                if not month_first_seen:
                    month_first_seen = _cite(text, where)
            elif a != b and 1 <= a <= 12 and 1 <= b <= 12 and not ambiguous_seen:
                ambiguous_seen = _cite(text, where)
        if day_first_seen and month_first_seen:
            raise ValueError(
                f"the file mixes day-first ({day_first_seen}) "
                f"and month-first ({month_first_seen}) dates"
            )
    if day_first_seen:
        return DateStyle(True, f"day first: {day_first_seen}")
    if month_first_seen:
        return DateStyle(False, f"month first: {month_first_seen}")
    reason = f" ({default_reason})" if default_reason else ""
    assumed = f"{_first(default_day_first)} first assumed{reason}"
    if ambiguous_seen:
        return DateStyle(
            default_day_first, f"no date tells day from month (e.g. {ambiguous_seen}); {assumed}"
        )
    return DateStyle(default_day_first, f"no ambiguous dates; {assumed}")


def excel_serial(day: date) -> int:
    """The Excel serial (1900 date system) of a date; inverse of `parse_date` on serials."""
    serial = (day - _EXCEL_EPOCH).days
    return serial - 1 if serial < 61 else serial


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)  # rate sheets are of this century


def _make_date(year: int, month: int, day: int, value: str, hint: str = "") -> date:
    if year >= _MIN_YEAR:
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValueError(f"{_shown(value)} is not a date{hint}")


def _date_from_serial(number: float | int | Decimal, value: Any) -> date:
    if isinstance(number, float):
        if not math.isfinite(number):
            raise ValueError(f"{_shown(value)} is not a date")
        whole = math.floor(number)
    elif isinstance(number, Decimal):
        if not number.is_finite():
            raise ValueError(f"{_shown(value)} is not a date")
        whole = math.floor(number)
    else:
        whole = number
    if 61 <= whole <= _EXCEL_MAX_SERIAL:
        return _EXCEL_EPOCH + timedelta(days=whole)
    if 1 <= whole < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH_EARLY + timedelta(days=whole)
    if whole == _EXCEL_FAKE_LEAP_DAY:
        raise ValueError(f"{_shown(value)} is not a date (Excel's 29 February 1900)")
    raise ValueError(f"{_shown(value)} is not a date")


def _date_from_text(value: str, day_first: bool) -> date:
    text = value.strip()
    if len(text) > _LONGEST_VALUE:
        raise ValueError(f"{_shown(value)} is not a date")
    match = _NUMERIC_DATE.fullmatch(text)
    if match is not None:
        a, b = int(match[1]), int(match[3])
        day, month = (a, b) if day_first else (b, a)
        hint = ""
        if month > 12 and 1 <= day <= 12:
            hint = f" (this file writes the {_first(day_first)} first)"
        return _make_date(_year(match[4]), month, day, value, hint)
    match = _YEAR_FIRST_DATE.fullmatch(text)
    if match is not None:
        return _make_date(int(match[1]), int(match[3]), int(match[4]), value)
    if _SERIAL_TEXT.fullmatch(text) is not None:
        serial = int(text)
        if _SERIAL_TEXT_MIN <= serial <= _SERIAL_TEXT_MAX:
            return _EXCEL_EPOCH + timedelta(days=serial)
        raise ValueError(f"{_shown(value)} is not a date")
    match = _DAY_MONTH_NAME.fullmatch(text)
    if match is not None:
        month = _MONTHS.get(match[2].lower(), 0)
        return _make_date(_year(match[3]), month, int(match[1]), value)
    match = _MONTH_NAME_DAY.fullmatch(text)
    if match is not None:
        month = _MONTHS.get(match[1].lower(), 0)
        return _make_date(_year(match[3]), month, int(match[2]), value)
    if not text:
        raise ValueError("the date is missing")
    raise ValueError(f"{_shown(value)} is not a date")


def parse_date(value: Any, *, day_first: bool) -> date:
    """A date from a cell: a date/datetime, an Excel serial (1900 date system; as text only a
    plain integer 20000..80000), ISO, numeric d/m/y (or m/d/y: `day_first` is the file's
    decision) with / - . and 2- or 4-digit years, or a date with the month's name."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _date_from_text(value, day_first)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _date_from_serial(value, value)
    if value is None:
        raise ValueError("the date is missing")
    raise ValueError(f"{_shown(value)} is not a date")


# ---- amounts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberStyle:
    decimal_comma: bool
    evidence: str


_SPACES = " \u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
_GROUPED_BY_SPACES = r"[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+"
# Decimal point: 6500, 6,500, 1,250,000, Indian 1,00,000 / 12,34,567, 1 250 000; then .50
_POINT_NUMBER = re.compile(
    r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}|"
    + _GROUPED_BY_SPACES
    + r")(?:\.[0-9]+)?"
)
# Decimal comma: 6500, 1.250.000, 1 250 000; then ,50
_COMMA_NUMBER = re.compile(
    r"(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|" + _GROUPED_BY_SPACES + r")(?:,[0-9]+)?"
)
_POINT_GROUPS = str.maketrans("", "", "," + _SPACES)
_COMMA_GROUPS = str.maketrans({".": None, ",": ".", **dict.fromkeys(_SPACES)})
# [currency] [sign] number [currency]; the number starts and ends with a digit.
_AMOUNT = re.compile(
    r"(?P<pre>[^0-9]*?)\s*(?P<sign>[-\u2212+]?)\s*"
    r"(?P<num>[0-9](?:[0-9.,\u00a0\u202f\u2009 ]*[0-9])?)\s*(?P<post>[^0-9]*)"
)
_MINUS = "-\u2212"  # hyphen-minus, minus sign

_CURRENCY_SYMBOLS = {
    "₹": "INR",
    "rs": "INR",
    "inr": "INR",
    "aed": "AED",
    "dhs": "AED",
    "dh": "AED",
    "د.إ": "AED",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "rp": "IDR",
    "idr": "IDR",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "sgd": "SGD",
    "s$": "SGD",
    "thb": "THB",
    "฿": "THB",
    "a$": "AUD",
    "rm": "MYR",
    "rf": "MVR",
    "mrf": "MVR",
}


def _currency_code(token: str) -> str | None:
    key = token.strip().lower().rstrip(".").strip()
    code = _CURRENCY_SYMBOLS.get(key)
    if code is not None:
        return code
    if len(key) == 3 and key.upper() in CURRENCIES:
        return key.upper()
    return None


def _number(text: str, decimal_comma: bool) -> Decimal | None:
    """An unsigned number written with the file's decimal mark, grouping validated."""
    if decimal_comma:
        if _COMMA_NUMBER.fullmatch(text) is None:
            return None
        return Decimal(text.translate(_COMMA_GROUPS))
    if _POINT_NUMBER.fullmatch(text) is None:
        return None
    return Decimal(text.translate(_POINT_GROUPS))


def _mark_hint(text: str, decimal_comma: bool) -> str:
    """On a refused number: say so when the other decimal mark would have read it."""
    if _number(text, not decimal_comma) is None:
        return ""
    return f" (this file writes decimals with a {'comma' if decimal_comma else 'point'})"


def _finite(number: float | Decimal, value: Any, what: str) -> Decimal:
    result = Decimal(repr(number)) if isinstance(number, float) else number
    if not result.is_finite():
        raise ValueError(f"{_shown(value)} is not {what}")
    return result


def parse_amount(value: Any, *, decimal_comma: bool = False) -> tuple[Decimal, str | None]:
    """(amount, ISO currency written in the cell or None). Negative amounts, e.g. "(500)", are
    returned as such: refusing them is the caller's business."""
    if isinstance(value, str):
        text = value.strip()
        number = _number(text, decimal_comma)  # the usual cell: "6500", "6,500.00"
        if number is not None:
            return number, None
        return _amount_from_text(value, text, decimal_comma)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value), None
    if isinstance(value, float | Decimal):
        return _finite(value, value, "an amount"), None
    if value is None:
        raise ValueError("the amount is missing")
    raise ValueError(f"{_shown(value)} is not an amount")


def _amount_from_text(value: str, text: str, decimal_comma: bool) -> tuple[Decimal, str | None]:
    if len(text) > _LONGEST_VALUE:
        raise ValueError(f"{_shown(value)} is not an amount")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    match = _AMOUNT.fullmatch(text)
    if match is None:
        if not text:
            raise ValueError("the amount is missing")
        raise ValueError(f"{_shown(value)} is not an amount")
    pre, post, num = match["pre"].strip(), match["post"].strip(), match["num"]
    if pre[:1] and pre[0] in _MINUS:
        negative, pre = not negative, pre[1:].strip()
    if match["sign"] and match["sign"] in _MINUS:
        negative = not negative
    if post.endswith("/-"):  # Indian "Rs. 6,500/-"
        post = post[:-2].rstrip()
    currency: str | None = None
    for token in (pre, post):
        if not token:
            continue
        code = _currency_code(token)
        if code is None:
            hint = f" (unknown currency {_shown(token)})" if len(token) == 3 else ""
            raise ValueError(f"{_shown(value)} is not an amount{hint}")
        if currency is not None and code != currency:
            raise ValueError(f"{_shown(value)} is not an amount (both {currency} and {code})")
        currency = code
    number = _number(num, decimal_comma)
    if number is None:
        raise ValueError(f"{_shown(value)} is not an amount{_mark_hint(num, decimal_comma)}")
    return (-number if negative and number else number), currency


def _decimal_mark(num: str) -> bool | None:
    """What one written number proves: True decimal comma, False decimal point, None nothing."""
    comma, dot = num.rfind(","), num.rfind(".")
    if comma >= 0 and dot >= 0:
        return comma > dot  # the last mark is the decimal one: 1.234,50 / 1,234.50
    if comma < 0 and dot < 0:
        return None
    mark, at = (",", comma) if comma >= 0 else (".", dot)
    if num.count(mark) > 1:
        return mark == "."  # several marks group thousands: 1.250.000 / 1,00,000
    if len(num) - at - 1 != 3 or num[:at] == "0":
        return mark == ","  # 12,5 / 12.50 / 0,500
    return None  # 12,500 / 1.250: thousands or decimals


def decide_number_style(samples: Iterable[Sample]) -> NumberStyle:
    """Decide, for a whole file, whether amounts use a decimal comma (1.234,50) or a decimal
    point (1,234.50; Indian 1,00,000.00). "12,500" proves nothing; without proof the decimal
    point is assumed. A file proving both is refused."""
    comma_seen = point_seen = ambiguous_seen = ""
    for sample in samples:
        parts = _sample(sample)
        if parts is None:
            continue
        text, where = parts
        if len(text) > _LONGEST_VALUE:
            continue
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1]
        match = _AMOUNT.fullmatch(text)
        if match is None:
            continue
        mark = _decimal_mark(match["num"])
        if mark is None:
            if not ambiguous_seen and ("," in match["num"] or "." in match["num"]):
                ambiguous_seen = _cite(parts[0], where)
            continue
        if mark and not comma_seen:
            comma_seen = _cite(parts[0], where)
        elif not mark and not point_seen:
            point_seen = _cite(parts[0], where)
        if comma_seen and point_seen:
            raise ValueError(
                f"the file mixes decimal commas ({comma_seen}) and decimal points ({point_seen})"
            )
    if comma_seen:
        return NumberStyle(True, f"decimal comma: {comma_seen}")
    if point_seen:
        return NumberStyle(False, f"decimal point: {point_seen}")
    if ambiguous_seen:
        return NumberStyle(
            False,
            f"no amount shows the decimal mark ({ambiguous_seen} could be either); "
            "decimal point assumed, commas group thousands",
        )
    return NumberStyle(False, "no amount shows the decimal mark; decimal point assumed")


def parse_percent(value: Any, *, decimal_comma: bool = False) -> Decimal:
    """A percentage as written: "15%", "15", "12,5 %" (decimal comma file). Numbers are taken
    as given (an Excel percent cell 0.15 stays 0.15: the caller knows the column)."""
    if isinstance(value, str):
        text = value.strip()
        number = _number(text, decimal_comma)
        if number is not None:
            return number
        if len(text) > _LONGEST_VALUE:
            raise ValueError(f"{_shown(value)} is not a percentage")
        if text.endswith("%"):
            text = text[:-1].rstrip()
        negative = False
        if text[:1] and text[0] in _MINUS + "+":
            negative, text = text[0] != "+", text[1:].lstrip()
        number = _number(text, decimal_comma)
        if number is not None:
            return -number if negative and number else number
        if not text:
            raise ValueError("the percentage is missing")
        raise ValueError(f"{_shown(value)} is not a percentage{_mark_hint(text, decimal_comma)}")
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        return _finite(value, value, "a percentage")
    if value is None:
        raise ValueError("the percentage is missing")
    raise ValueError(f"{_shown(value)} is not a percentage")


# ---- counts -----------------------------------------------------------------------------------

_INT_TEXT = re.compile(r"([-+]?[0-9]+)(?:\.0*)?")


def parse_int(value: Any, *, what: str) -> int:
    """A whole number of `what` (nights, pax...): "3", 3, 3.0 -> 3."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        match = _INT_TEXT.fullmatch(value.strip())
        if match is not None:
            return int(match[1])
    elif isinstance(value, float):
        if value.is_integer():
            return int(value)
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    raise ValueError(f"{_shown(value)} is not a whole number of {what}")


OPEN_PAX_MAX = 99  # "10+" -> 10..99 (the default top of a pax break)
_PAX_LIMIT = 999
_PAX_WORD = r"(?:\s*(?:pax|persons?|people|guests?|adults?|travell?ers?)\.?)?"
_PAX_PREFIX = r"(?:pax\s*)?"
_PAX_RANGE = re.compile(
    _PAX_PREFIX
    + r"([0-9]{1,4})"
    + _PAX_WORD
    + r"\s*(?:-|\u2013|\u2014|to)\s*([0-9]{1,4})"
    + _PAX_WORD,
    re.I,
)
_PAX_OPEN = re.compile(
    _PAX_PREFIX
    + r"(?:min(?:imum)?\.?\s*)?([0-9]{1,4})"
    + _PAX_WORD
    + r"\s*(?:\+|(?:&|and|or)\s*(?:above|more|over))"
    + _PAX_WORD,
    re.I,
)
_PAX_MIN = re.compile(_PAX_PREFIX + r"min(?:imum)?\.?\s*([0-9]{1,4})" + _PAX_WORD, re.I)
_PAX_UP_TO = re.compile(
    _PAX_PREFIX + r"(?:up\s*to|max(?:imum)?\.?|≤|<=)\s*([0-9]{1,4})" + _PAX_WORD, re.I
)
_PAX_ONE = re.compile(_PAX_PREFIX + r"([0-9]{1,4})" + _PAX_WORD, re.I)


def parse_pax(value: Any) -> tuple[int, int]:
    """(pax_min, pax_max) from "1-2", "3 to 5", "6-10 pax", "10+" (10..99), "Up to 4" (1..4),
    "2" (2..2); 1 <= min <= max <= 999."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _LONGEST_VALUE:
            raise ValueError(f"{_shown(value)} is not a pax range")
        if (match := _PAX_ONE.fullmatch(text)) is not None:
            low = high = int(match[1])
        elif (match := _PAX_RANGE.fullmatch(text)) is not None:
            low, high = int(match[1]), int(match[2])
        elif (match := _PAX_OPEN.fullmatch(text) or _PAX_MIN.fullmatch(text)) is not None:
            low = int(match[1])
            high = OPEN_PAX_MAX if low <= OPEN_PAX_MAX else _PAX_LIMIT
        elif (match := _PAX_UP_TO.fullmatch(text)) is not None:
            low, high = 1, int(match[1])
        elif not text:
            raise ValueError("the pax range is missing")
        else:
            raise ValueError(f"{_shown(value)} is not a pax range (write e.g. 1-2, 3 to 5, 10+)")
    elif value is None:
        raise ValueError("the pax range is missing")
    else:
        try:
            low = high = parse_int(value, what="pax")
        except ValueError:
            raise ValueError(f"{_shown(value)} is not a pax range") from None
    if low < 1:
        raise ValueError(f"{_shown(value)} is not a pax range (pax start at 1)")
    if low > high:
        raise ValueError(f"{_shown(value)} is not a pax range ({low} is more than {high})")
    if high > _PAX_LIMIT:
        raise ValueError(f"{_shown(value)} is not a pax range (at most {_PAX_LIMIT} pax)")
    return low, high


# ---- weekdays ---------------------------------------------------------------------------------

_DAY_NUMBERS: dict[str, int] = {}
for _number_of_day, _aliases in enumerate(
    (
        ("mon", "monday", "mo"),
        ("tue", "tues", "tuesday", "tu"),
        ("wed", "weds", "wednesday", "we"),
        ("thu", "thur", "thurs", "thursday", "th"),
        ("fri", "friday", "fr"),
        ("sat", "saturday", "sa"),
        ("sun", "sunday", "su"),
    )
):
    for _alias in _aliases:
        _DAY_NUMBERS[_alias] = _number_of_day
        if len(_alias) > 2:
            _DAY_NUMBERS[_alias + "s"] = _number_of_day  # "Fridays"
_ALL_DAYS = tuple(range(7))
_DAY_WORDS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(
        ("all", "daily", "all days", "every day", "everyday", "all week", "any", "any day"),
        _ALL_DAYS,
    ),
    **dict.fromkeys(("weekend", "weekends"), (5, 6)),
    **dict.fromkeys(("weekday", "weekdays", "week days", "week day"), (0, 1, 2, 3, 4)),
}
_DAY_LIST_SPLIT = re.compile(r"\s*(?:[,/&;+]|\band\b)\s*")
_DAY_RANGE = re.compile(
    r"([a-z]+)\.?\s*(?:-|\u2013|\u2014|\bto\b|\btill\b|\buntil\b)\s*([a-z]+)\.?"
)
_DAY_TAIL = re.compile(r"\s+(?:nights?|only)$")
_DAYS_HELP = " (write e.g. Mon-Thu, Fri/Sat, Weekend, All)"


@lru_cache(maxsize=512)
def _weekdays(text: str) -> tuple[str, ...] | str:
    """The day names of a weekday cell (lower-cased, stripped), or the reason it is refused."""
    text = _DAY_TAIL.sub("", text)
    whole = _DAY_WORDS.get(text)
    if whole is not None:
        return tuple(WEEKDAY_NAMES[day] for day in whole)
    days: set[int] = set()
    for item in _DAY_LIST_SPLIT.split(text):
        item = item.rstrip(".")
        if (day := _DAY_NUMBERS.get(item)) is not None:
            days.add(day)
        elif (group := _DAY_WORDS.get(item)) is not None:
            days.update(group)
        elif (match := _DAY_RANGE.fullmatch(item)) is not None:
            start, end = _DAY_NUMBERS.get(match[1]), _DAY_NUMBERS.get(match[2])
            if start is None or end is None:
                return "is not a day of the week" + _DAYS_HELP
            days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
        else:
            return "is not a day of the week" + _DAYS_HELP
    return tuple(WEEKDAY_NAMES[day] for day in sorted(days))


def parse_weekdays(value: Any) -> list[str]:
    """Days of the week, Monday first: "Mon-Thu", "Sun-Thu" (wraps), "Fri, Sat", "Fri/Sat",
    "Weekend" (sat, sun), "Weekdays" (mon..fri); "All", "Daily", "" or no value: every day."""
    if value is None:
        return list(WEEKDAY_NAMES)
    if not isinstance(value, str):
        raise ValueError(f"{_shown(value)} is not a day of the week" + _DAYS_HELP)
    text = value.strip().lower()
    if not text:
        return list(WEEKDAY_NAMES)
    if len(text) > _LONGEST_LABEL:
        raise ValueError(f"{_shown(value)} is not a day of the week" + _DAYS_HELP)
    found = _weekdays(text)
    if isinstance(found, str):
        raise ValueError(f"{_shown(value)} {found}")
    return list(found)


# ---- labels -----------------------------------------------------------------------------------

_LABEL_PUNCTUATION = re.compile(r"[()\[\]_,:;\-\u2013\u2014]+")
_LABEL_SYMBOLS = re.compile(r"\s*([/&+])\s*")
_LABEL_PARENS = re.compile(r"(.*?)\s*\((.*)\)")


def _label_key(text: str) -> str:
    """ "Bed & Breakfast" -> "bed&breakfast", "Extra bed (adult)" -> "extra bed adult"."""
    key = _LABEL_PUNCTUATION.sub(" ", text.lower()).replace(".", "")
    return " ".join(_LABEL_SYMBOLS.sub(r"\1", key).split())


@dataclass(frozen=True)
class _Labels:
    noun: str  # "occupancy"
    article: str  # "an"
    several: str  # "occupancies"
    accepted: str  # "Single, Double, Triple, Quad or Extra bed"
    table: Mapping[str, str]  # lower-cased text or label key -> enum value
    ambiguous: Mapping[str, str]  # label key -> reason
    clean: Callable[[str], str] | None = None  # a last rewrite of the key, e.g. drop ages

    @classmethod
    def build(
        cls,
        noun: str,
        several: str,
        accepted: str,
        aliases: Mapping[str, Iterable[str]],
        ambiguous: Mapping[str, str] | None = None,
        clean: Callable[[str], str] | None = None,
    ) -> _Labels:
        table: dict[str, str] = {}
        for member, names in aliases.items():
            code = str(member)
            for name in (code, code.replace("_", " "), *names):
                table[name.lower()] = code  # the raw text lower-cased: the fast lookup
                table[_label_key(name)] = code
        reasons = {_label_key(name): reason for name, reason in (ambiguous or {}).items()}
        article = "an" if noun[0] in "aeiou" else "a"
        return cls(noun, article, several, accepted, table, reasons, clean)

    def parse(self, value: Any) -> str:
        if isinstance(value, str):
            found = self.table.get(value.strip().lower())
            if found is not None:
                return found
            return self._slow(value)
        if value is None:
            raise ValueError(f"the {self.noun} is missing")
        raise ValueError(self._refusal(value))

    def _refusal(self, value: Any) -> str:
        return f"{_shown(value)} is not {self.article} {self.noun} (use {self.accepted})"

    def _slow(self, value: str) -> str:
        if len(value) > _LONGEST_LABEL:
            raise ValueError(self._refusal(value))
        key = _label_key(value)
        found = self.table.get(key)
        if found is None and self.clean is not None:
            key = self.clean(key)
            found = self.table.get(key)
        if found is not None:
            return found
        if not key:
            raise ValueError(f"the {self.noun} is missing")
        if key in self.ambiguous:
            raise ValueError(f"{_shown(value)} {self.ambiguous[key]}")
        if "/" in key:  # "Twin/Double" is one; "MAP/CP/AP" (a header) lists several
            parts = key.split("/")
            codes = [code for part in parts if (code := self.table.get(part)) is not None]
            if len(codes) == len(parts):
                if len(set(codes)) == 1:
                    return codes[0]
                raise ValueError(f"{_shown(value)} names several {self.several}; give one per row")
        match = _LABEL_PARENS.fullmatch(value.strip())
        if match is not None:  # "CP (Breakfast)": both parts must say the same
            head, inner = _label_key(match[1]), _label_key(match[2])
            head_code, inner_code = self.table.get(head), self.table.get(inner)
            if inner_code is not None and (head_code == inner_code or head in self.ambiguous):
                return inner_code
        raise ValueError(self._refusal(value))


_OCCUPANCIES = _Labels.build(
    "occupancy",
    "occupancies",
    "Single, Double, Triple, Quad or Extra bed",
    {
        Occupancy.ANY: (),
        Occupancy.SINGLE: (
            "sgl",
            "sng",
            "single occupancy",
            "single occ",
            "sgl occ",
            "single room",
            "single sharing",
        ),
        Occupancy.DOUBLE: (
            "dbl",
            "twin",
            "twn",
            "double/twin",
            "twin/double",
            "dbl/twn",
            "double occupancy",
            "double occ",
            "dbl occ",
            "double room",
            "double sharing",
            "twin sharing",
        ),
        Occupancy.TRIPLE: (
            "tpl",
            "trpl",
            "trp",
            "triple occupancy",
            "triple occ",
            "tpl occ",
            "triple room",
            "triple sharing",
        ),
        Occupancy.QUAD: (
            "quadruple",
            "quad occupancy",
            "quad occ",
            "quad room",
            "quad sharing",
        ),
        Occupancy.EXTRA_BED: (
            "eb",
            "xb",
            "exb",
            "extra bed",
            "extra adult",
            "extra bed (adult)",
            "extra adult bed",
            "extra adult with bed",
            "extra person",
            "extra bed adult",
        ),
    },
)

# "Child (6-11 yrs) with bed", "Infant below 2 years": ages are not part of the band's name.
_AGES = re.compile(
    r"\s*(?:\b(?:below|under|upto|up to|till|from|age|aged|ages)\s*)?"
    r"[0-9]{1,2}(?:\s*(?:to|/|&)?\s*[0-9]{1,2})?\s*\+?\s*(?:yrs|yr|years|year|y)?\b"
)


def _without_ages(key: str) -> str:
    return " ".join(_AGES.sub(" ", key).split())


_AGE_BANDS = _Labels.build(
    "age band",
    "age bands",
    "Adult, CWB, CNB or Infant",
    {
        AgeBandKind.ADULT: ("adt", "adl", "adults"),
        AgeBandKind.CHILD_WITH_BED: (
            "cwb",
            "child with bed",
            "child (with bed)",
            "child with extra bed",
            "child w/ bed",
            "child wb",
            "chd with bed",
            "children with bed",
            "kid with bed",
        ),
        AgeBandKind.CHILD_WITHOUT_BED: (
            "cnb",
            "cwob",
            "cwoeb",
            "child without bed",
            "child no bed",
            "child (no bed)",
            "child (without bed)",
            "child without extra bed",
            "child w/o bed",
            "child wob",
            "chd without bed",
            "chd no bed",
            "children without bed",
            "kid without bed",
        ),
        AgeBandKind.INFANT: ("inf", "infants", "baby"),
    },
    dict.fromkeys(
        ("child", "children", "chd", "chld", "kid", "kids"),
        "is ambiguous: say with bed (CWB) or without bed (CNB)",
    ),
    _without_ages,
)
_MEAL_PLANS = _Labels.build(
    "meal plan",
    "meal plans",
    "EP, CP, MAP, AP or AI",
    {
        MealPlan.EP: (
            "room only",
            "ro",
            "european plan",
            "no meals",
            "without breakfast",
            "room only (ep)",
        ),
        MealPlan.CP: (
            "breakfast",
            "bb",
            "b&b",
            "bed & breakfast",
            "bed and breakfast",
            "continental plan",
            "with breakfast",
            "room with breakfast",
            "room + breakfast",
            "room & breakfast",
            "breakfast included",
        ),
        MealPlan.MAP: (
            "half board",
            "hb",
            "breakfast + dinner",
            "breakfast & dinner",
            "breakfast and dinner",
            "breakfast + lunch or dinner",
            "breakfast + lunch/dinner",
            "modified american plan",
            "room + breakfast + dinner",
        ),
        MealPlan.AP: (
            "full board",
            "fb",
            "american plan",
            "all meals",
            "breakfast + lunch + dinner",
            "breakfast, lunch & dinner",
            "breakfast, lunch and dinner",
            "room + all meals",
        ),
        MealPlan.AI: ("all inclusive", "all-inclusive", "ai plan"),
    },
)

_BASES = _Labels.build(
    "pricing basis",
    "pricing bases",
    "Per person, Per room, Per vehicle (per day, per km, per hour, one way or return) or Per group",
    {
        PricingBasis.PER_PERSON: (
            "pp",
            "p.p.",
            "per pax",
            "pppn",
            "per person",
            "per person per night",
            "per pax per night",
            "per person per day",
            "per head",
            "per adult",
            "person",
            "pax",
            "/person",
            "/pax",
        ),
        PricingBasis.PER_ROOM: (
            "per room",
            "per room per night",
            "prpn",
            "rpn",
            "room",
            "/room",
            "per room/night",
        ),
        PricingBasis.PER_VEHICLE: (
            "per vehicle",
            "per car",
            "per cab",
            "per coach",
            "per bus",
            "per van",
            "per boat",
            "per vehicle per day",
            "vehicle",
            "/vehicle",
        ),
        PricingBasis.PER_GROUP: ("per group", "group", "per batch", "/group"),
        PricingBasis.PER_KM: (
            "per km",
            "per vehicle per km",
            "per car per km",
            "per kilometre",
            "per kilometer",
            "rate per km",
            "/km",
        ),
        PricingBasis.PER_HOUR: (
            "per hour",
            "per vehicle per hour",
            "per car per hour",
            "per hr",
            "hourly",
            "/hour",
            "/hr",
        ),
        PricingBasis.PER_TRANSFER: (
            "per transfer",
            "per vehicle one way",
            "per car one way",
            "one way",
            "one way transfer",
        ),
        PricingBasis.PER_RETURN_TRANSFER: (
            "per return transfer",
            "per vehicle return",
            "per car return",
            "return transfer",
            "round trip",
            "two way",
        ),
    },
)


def parse_occupancy(value: Any) -> str:
    """An `Occupancy` value: "Single"/"SGL", "Double"/"Dbl"/"Twin", "Triple"/"TPL", "Quad",
    "Extra Bed"/"EB"/"XB"/"Extra Adult"."""
    return _OCCUPANCIES.parse(value)


def parse_age_band(value: Any) -> str:
    """An `AgeBandKind` value: "Adult"/"ADT", "CWB"/"Child with bed", "CNB"/"CWOB"/"Child
    without bed", "Infant"/"INF". A bare "Child" is refused as ambiguous. Ages written in the
    label ("Child (6-11 yrs) with bed") are ignored."""
    return _AGE_BANDS.parse(value)


def parse_meal_plan(value: Any) -> str:
    """A `MealPlan` value: EP (room only), CP (breakfast), MAP (half board), AP (full board),
    AI (all inclusive); "CP (Breakfast)" too. A header-like "MAP/CP/AP" is refused."""
    return _MEAL_PLANS.parse(value)


def parse_basis(value: Any) -> str:
    """A `PricingBasis` value: per person ("PP", "per pax", "pppn"), per room ("PRPN"), per
    vehicle ("per car", "per cab"; "per km", "per hour", "one way", "return") or per group."""
    return _BASES.parse(value)


def parse_currency(value: Any) -> str:
    """An ISO 4217 code from "INR", "inr", "₹", "Rs", "AED", "Dhs", "US$", "$" (USD), "Rp"..."""
    if isinstance(value, str):
        code = _currency_code(value)
        if code is not None:
            return code
        if not value.strip():
            raise ValueError("the currency is missing")
    elif value is None:
        raise ValueError("the currency is missing")
    raise ValueError(f"{_shown(value)} is not a currency (write an ISO code, e.g. INR, AED, USD)")

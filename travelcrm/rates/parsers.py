"""The parsers of a rate line's values as people write them, one home for the grid, the REST API
and the sheet import: amounts ("Rs. 6,500/-", "1.250,50 EUR" with the file's decimal mark),
percentages, whole numbers, pax ranges ("1-2", "3 to 5", "10+", "Up to 4") and weekdays
("Mon-Thu", "Fri/Sat", "Weekend"). Each raises `ValueError` with a short reason to show next to
the cell ("'31/02' is not a pax range"); price words are `rates.pricewords`'.

They run once per cell of files with 100,000 rows: regexes are compiled here, cheap cases come
first and the happy path raises nothing."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from travelcrm.core.fields import CURRENCIES
from travelcrm.rates.schemas import WEEKDAY_NAMES

# Longer cells are refused before any regex sees them (no slow backtracking on junk).
LONGEST_VALUE = 64  # "Wednesday, 1st of September, 2027 10:30 AM", "Rs. 1,00,00,000.00/-"
LONGEST_LABEL = 100  # "Monday, Tuesday, Wednesday...", "Child (6-11 yrs) without extra bed"


def shown(value: Any) -> str:
    """A cell as quoted in messages: stripped, at most 40 characters."""
    text = value.strip() if isinstance(value, str) else str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text)


# ---- amounts ----------------------------------------------------------------------------------

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
AMOUNT = re.compile(
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
    "¥": "JPY",  # (as the app writes yen; a yuan sheet writes CNY)
    "jp¥": "JPY",  # as an en-IN / en-GB page writes yen (Babel, CLDR)
    "cn¥": "CNY",
    "ca$": "CAD",
    "hk$": "HKD",
    "nz$": "NZD",
    "jpy": "JPY",
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


def currency_code(token: str) -> str | None:
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
        raise ValueError(f"{shown(value)} is not {what}")
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
    raise ValueError(f"{shown(value)} is not an amount")


def _amount_from_text(value: str, text: str, decimal_comma: bool) -> tuple[Decimal, str | None]:
    if len(text) > LONGEST_VALUE:
        raise ValueError(f"{shown(value)} is not an amount")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    match = AMOUNT.fullmatch(text)
    if match is None:
        if not text:
            raise ValueError("the amount is missing")
        raise ValueError(f"{shown(value)} is not an amount")
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
        code = currency_code(token)
        if code is None:
            hint = f" (unknown currency {shown(token)})" if len(token) == 3 else ""
            raise ValueError(f"{shown(value)} is not an amount{hint}")
        if currency is not None and code != currency:
            raise ValueError(f"{shown(value)} is not an amount (both {currency} and {code})")
        currency = code
    number = _number(num, decimal_comma)
    if number is None:
        raise ValueError(f"{shown(value)} is not an amount{_mark_hint(num, decimal_comma)}")
    return (-number if negative and number else number), currency


def parse_percent(value: Any, *, decimal_comma: bool = False) -> Decimal:
    """A percentage as written: "15%", "15", "12,5 %" (decimal comma file). Numbers are taken
    as given (an Excel percent cell 0.15 stays 0.15: the caller knows the column)."""
    if isinstance(value, str):
        text = value.strip()
        number = _number(text, decimal_comma)
        if number is not None:
            return number
        if len(text) > LONGEST_VALUE:
            raise ValueError(f"{shown(value)} is not a percentage")
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
        raise ValueError(f"{shown(value)} is not a percentage{_mark_hint(text, decimal_comma)}")
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        return _finite(value, value, "a percentage")
    if value is None:
        raise ValueError("the percentage is missing")
    raise ValueError(f"{shown(value)} is not a percentage")


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
    raise ValueError(f"{shown(value)} is not a whole number of {what}")


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
        if len(text) > LONGEST_VALUE:
            raise ValueError(f"{shown(value)} is not a pax range")
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
            raise ValueError(f"{shown(value)} is not a pax range (write e.g. 1-2, 3 to 5, 10+)")
    elif value is None:
        raise ValueError("the pax range is missing")
    else:
        try:
            low = high = parse_int(value, what="pax")
        except ValueError:
            raise ValueError(f"{shown(value)} is not a pax range") from None
    if low < 1:
        raise ValueError(f"{shown(value)} is not a pax range (pax start at 1)")
    if low > high:
        raise ValueError(f"{shown(value)} is not a pax range ({low} is more than {high})")
    if high > _PAX_LIMIT:
        raise ValueError(f"{shown(value)} is not a pax range (at most {_PAX_LIMIT} pax)")
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
        elif item.split() and all(word in _DAY_NUMBERS for word in item.split()):  # "Sat Sun"
            days.update(_DAY_NUMBERS[word] for word in item.split())
        else:
            return "is not a day of the week" + _DAYS_HELP
    return tuple(WEEKDAY_NAMES[day] for day in sorted(days))


def parse_weekdays(value: Any) -> list[str]:
    """Days of the week, Monday first: "Mon-Thu", "Sun-Thu" (wraps), "Fri, Sat", "Fri/Sat",
    "Weekend" (sat, sun), "Weekdays" (mon..fri); "All", "Daily", "" or no value: every day."""
    if value is None:
        return list(WEEKDAY_NAMES)
    if not isinstance(value, str):
        raise ValueError(f"{shown(value)} is not a day of the week" + _DAYS_HELP)
    text = value.strip().lower()
    if not text:
        return list(WEEKDAY_NAMES)
    if len(text) > LONGEST_LABEL:
        raise ValueError(f"{shown(value)} is not a day of the week" + _DAYS_HELP)
    found = _weekdays(text)
    if isinstance(found, str):
        raise ValueError(f"{shown(value)} {found}")
    return list(found)

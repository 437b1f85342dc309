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
from typing import Any

from travelcrm.rates.models import AgeBandKind, Occupancy, PricingBasis
from travelcrm.rates.parsers import (
    AMOUNT,
    LONGEST_LABEL,
    LONGEST_VALUE,
    currency_code,
    parse_amount,
    parse_int,
    parse_pax,
    parse_percent,
    parse_weekdays,
    shown,
)
from travelcrm.suppliers.models import MealPlan

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


def _cite(text: str, where: str) -> str:
    return f"{shown(text)} in {where}" if where else shown(text)


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
        if len(text) > 2 * LONGEST_LABEL:
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
    raise ValueError(f"{shown(value)} is not a date{hint}")


def _date_from_serial(number: float | int | Decimal, value: Any) -> date:
    if isinstance(number, float):
        if not math.isfinite(number):
            raise ValueError(f"{shown(value)} is not a date")
        whole = math.floor(number)
    elif isinstance(number, Decimal):
        if not number.is_finite():
            raise ValueError(f"{shown(value)} is not a date")
        whole = math.floor(number)
    else:
        whole = number
    if 61 <= whole <= _EXCEL_MAX_SERIAL:
        return _EXCEL_EPOCH + timedelta(days=whole)
    if 1 <= whole < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH_EARLY + timedelta(days=whole)
    if whole == _EXCEL_FAKE_LEAP_DAY:
        raise ValueError(f"{shown(value)} is not a date (Excel's 29 February 1900)")
    raise ValueError(f"{shown(value)} is not a date")


def _date_from_text(value: str, day_first: bool) -> date:
    text = value.strip()
    if len(text) > LONGEST_VALUE:
        raise ValueError(f"{shown(value)} is not a date")
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
        raise ValueError(f"{shown(value)} is not a date")
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
    raise ValueError(f"{shown(value)} is not a date")


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
    raise ValueError(f"{shown(value)} is not a date")


# ---- amounts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberStyle:
    decimal_comma: bool
    evidence: str


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
        if len(text) > LONGEST_VALUE:
            continue
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1]
        match = AMOUNT.fullmatch(text)
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
        return f"{shown(value)} is not {self.article} {self.noun} (use {self.accepted})"

    def _slow(self, value: str) -> str:
        if len(value) > LONGEST_LABEL:
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
            raise ValueError(f"{shown(value)} {self.ambiguous[key]}")
        if "/" in key:  # "Twin/Double" is one; "MAP/CP/AP" (a header) lists several
            parts = key.split("/")
            codes = [code for part in parts if (code := self.table.get(part)) is not None]
            if len(codes) == len(parts):
                if len(set(codes)) == 1:
                    return codes[0]
                raise ValueError(f"{shown(value)} names several {self.several}; give one per row")
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
        code = currency_code(value)
        if code is not None:
            return code
        if not value.strip():
            raise ValueError("the currency is missing")
    elif value is None:
        raise ValueError("the currency is missing")
    raise ValueError(f"{shown(value)} is not a currency (write an ISO code, e.g. INR, AED, USD)")

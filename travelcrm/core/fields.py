"""Field types every domain's schemas share: ISO codes, names and short texts (trimmed, no
control characters, blank optional text becomes null), phone, email, website, tags, codes,
percentages, strict flags and UTC datetimes. A domain's own rules (tax ids, bank codes) stay in
its schemas."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from travelcrm.core.clock import as_utc
from travelcrm.core.text import NO_CONTROL_CHARACTERS, clean_text

# ---- codes ------------------------------------------------------------------------------------

_COUNTRY_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW"
)
_CURRENCY_CODES = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP "
    "GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR "
    "KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK "
    "MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR "
    "SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS "
    "UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
)
COUNTRIES = frozenset(_COUNTRY_CODES.split())  # ISO 3166-1 alpha-2
CURRENCIES = frozenset(_CURRENCY_CODES.split())  # ISO 4217, in use

PHONE_PATTERN = r"^\+?[0-9][0-9 ()./-]{4,28}$"
WEBSITE_PATTERN = r"^https?://[^\s\x00-\x1f\x7f]+$"
TAG_PATTERN = r"^[a-z0-9][a-z0-9 _-]{0,29}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$"
# Text with at least one visible character (and no control characters).
HAS_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_SPACE = " \t\r\n"


def tidy(value: str) -> str:
    return value.strip(_SPACE)


def tidy_or_none(value: str) -> str | None:
    return value.strip(_SPACE) or None


def _one_of(codes: frozenset[str], what: str, example: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in codes:
            raise ValueError(f"use an {what} code in capitals, e.g. {example}")
        return value

    return AfterValidator(check)


Country = Annotated[
    str,
    _one_of(COUNTRIES, "ISO 3166-1 alpha-2", "IN or AE"),
    WithJsonSchema(
        {"type": "string", "enum": sorted(COUNTRIES), "description": "ISO 3166-1 alpha-2"}
    ),
]
Currency = Annotated[
    str,
    _one_of(CURRENCIES, "ISO 4217", "INR or USD"),
    WithJsonSchema({"type": "string", "enum": sorted(CURRENCIES), "description": "ISO 4217"}),
]


def visible_text(max_length: int) -> StringConstraints:
    """Text of 1 to `max_length` characters with at least one visible one (no control
    characters)."""
    return StringConstraints(min_length=1, max_length=max_length, pattern=HAS_TEXT)


def plain_text(max_length: int) -> StringConstraints:
    """Text of at most `max_length` characters without control characters (may be blank)."""
    return StringConstraints(max_length=max_length, pattern=NO_CONTROL_CHARACTERS)


CLEAN = AfterValidator(clean_text)
TIDY = AfterValidator(tidy)  # trimmed
TIDY_OR_NONE = AfterValidator(tidy_or_none)  # trimmed; blank becomes null

# Required text: trimmed, at least one visible character.
Name = Annotated[str, visible_text(200), CLEAN, TIDY]
PersonName = Annotated[str, visible_text(120), CLEAN, TIDY]
# Optional text: trimmed; blank becomes null.
Text30 = Annotated[str, plain_text(30), CLEAN, TIDY_OR_NONE]
Text80 = Annotated[str, plain_text(80), CLEAN, TIDY_OR_NONE]
Text100 = Annotated[str, plain_text(100), CLEAN, TIDY_OR_NONE]
Text200 = Annotated[str, plain_text(200), CLEAN, TIDY_OR_NONE]
Text1000 = Annotated[str, plain_text(1000), CLEAN, TIDY_OR_NONE]
Text5000 = Annotated[str, plain_text(5000), CLEAN, TIDY_OR_NONE]
# An entry of a list of words (destinations, skills): trimmed, with visible text. A blank entry
# is refused by the schema; the optional TextNN types would turn it into a null in the list.
Entry80 = Annotated[str, visible_text(80), CLEAN, TIDY]
Entry100 = Annotated[str, visible_text(100), CLEAN, TIDY]
Phone = Annotated[str, StringConstraints(min_length=5, max_length=30, pattern=PHONE_PATTERN)]
Website = Annotated[str, StringConstraints(min_length=10, max_length=200, pattern=WEBSITE_PATTERN)]
# A plain address rule, documented as a pattern (the special-use domains that email-validator
# refuses, like .test, are fine for a supplier's address book).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,24}$"
)
Email = Annotated[str, StringConstraints(min_length=6, max_length=254, pattern=EMAIL_PATTERN)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=30, pattern=TAG_PATTERN)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=CODE_PATTERN)]
PERCENT_PATTERN = r"^(100(\.0+)?|\d{1,2}(\.\d+)?)$"


def _percent_text(value: object) -> object:
    if isinstance(value, bool) or (
        isinstance(value, str) and re.fullmatch(PERCENT_PATTERN, value) is None
    ):
        raise ValueError("use a number from 0 to 100, e.g. 12.5")
    return value


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


Percent = Annotated[
    Decimal,
    BeforeValidator(_percent_text),
    Field(ge=0, le=100),
    AfterValidator(_cents),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "string", "pattern": PERCENT_PATTERN},
            ],
            "description": "0-100, rounded to 2 decimals",
        }
    ),
]


def json_number(value: object) -> object:
    """JSON numbers only, as the schema says: no "12" for 12 and no true for 1 (12.0 is 12)."""
    if isinstance(value, bool | str):
        raise ValueError("must be a whole number")
    return value


Flag = Annotated[bool, Field(strict=True)]


def _dedupe(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


Tags = Annotated[list[Tag], Field(max_length=20), AfterValidator(_dedupe)]


UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]

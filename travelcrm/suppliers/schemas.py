"""What the suppliers API and pages take and show.

Create/update schemas list only what a user may set: no tenant, id, version, archived status or
encrypted bank details through them (unknown fields are refused). Every constraint is in the
schema (lengths, patterns, code lists), so a request that fits the OpenAPI document is accepted.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from travelcrm.core.text import NO_CONTROL_CHARACTERS, clean_text
from travelcrm.suppliers.models import MealPlan, ServiceKind, SupplierKind, SupplierStatus
from travelcrm.tenants.services import TAX_ID_RULES

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

GSTIN_PATTERN = TAX_ID_RULES["IN"][0].pattern  # 15 characters, e.g. 27AAPFU0939F1ZV
PAN_PATTERN = r"^[A-Z]{5}\d{4}[A-Z]$"  # e.g. AAPFU0939F
IFSC_PATTERN = r"^[A-Z]{4}0[A-Z0-9]{6}$"  # e.g. HDFC0001234
SWIFT_PATTERN = r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"  # e.g. EBILAEAD or HDFCINBBXXX
IBAN_PATTERN = r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$"  # e.g. AE070331234567890123456
ACCOUNT_PATTERN = r"^[A-Z0-9]{6,34}$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()./-]{4,28}$"
WEBSITE_PATTERN = r"^https?://[^\s\x00-\x1f\x7f]+$"
TAG_PATTERN = r"^[a-z0-9][a-z0-9 _-]{0,29}$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$"
# Text with at least one visible character (and no control characters).
HAS_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_SPACE = " \t\r\n"


def _tidy(value: str) -> str:
    return value.strip(_SPACE)


def _tidy_or_none(value: str) -> str | None:
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

# Required text: trimmed, at least one visible character.
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=HAS_TEXT),
    AfterValidator(clean_text),
    AfterValidator(_tidy),
]
PersonName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=HAS_TEXT),
    AfterValidator(clean_text),
    AfterValidator(_tidy),
]
# Optional text: trimmed; blank becomes null.
Text30 = Annotated[
    str,
    StringConstraints(max_length=30, pattern=NO_CONTROL_CHARACTERS),
    AfterValidator(clean_text),
    AfterValidator(_tidy_or_none),
]
Text80 = Annotated[
    str,
    StringConstraints(max_length=80, pattern=NO_CONTROL_CHARACTERS),
    AfterValidator(clean_text),
    AfterValidator(_tidy_or_none),
]
Text100 = Annotated[
    str,
    StringConstraints(max_length=100, pattern=NO_CONTROL_CHARACTERS),
    AfterValidator(clean_text),
    AfterValidator(_tidy_or_none),
]
Text200 = Annotated[
    str,
    StringConstraints(max_length=200, pattern=NO_CONTROL_CHARACTERS),
    AfterValidator(clean_text),
    AfterValidator(_tidy_or_none),
]
Text1000 = Annotated[
    str,
    StringConstraints(max_length=1000, pattern=NO_CONTROL_CHARACTERS),
    AfterValidator(clean_text),
    AfterValidator(_tidy_or_none),
]
Text5000 = Annotated[
    str,
    StringConstraints(max_length=5000, pattern=NO_CONTROL_CHARACTERS),
    AfterValidator(clean_text),
    AfterValidator(_tidy_or_none),
]
Gstin = Annotated[str, StringConstraints(min_length=15, max_length=15, pattern=GSTIN_PATTERN)]
Pan = Annotated[str, StringConstraints(min_length=10, max_length=10, pattern=PAN_PATTERN)]
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


def _json_number(value: object) -> object:
    """JSON numbers only, as the schema says: no "12" for 12 and no true for 1 (12.0 is 12)."""
    if isinstance(value, bool | str):
        raise ValueError("must be a whole number")
    return value


DueDays = Annotated[int, Field(ge=0, le=365), BeforeValidator(_json_number)]
Occupancy = Annotated[int, Field(ge=1, le=100), BeforeValidator(_json_number)]
Flag = Annotated[bool, Field(strict=True)]

ChoosableStatus = Literal["active", "inactive"]


def _dedupe(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


Tags = Annotated[list[Tag], Field(max_length=20), AfterValidator(_dedupe)]


# ---- suppliers --------------------------------------------------------------------------------


class SupplierCreate(BaseModel):
    """A new supplier. GSTIN and PAN follow the Indian formats; tags are lower-case words."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: SupplierKind
    status: ChoosableStatus = "active"
    city: Text100 | None = None
    region: Text100 | None = None
    country: Country
    address: Text1000 | None = None
    legal_name: Text200 | None = None
    gstin: Gstin | None = None
    pan: Pan | None = None
    tax_id: Text30 | None = Field(default=None, description="Registration outside India")
    email: Email | None = None
    phone: Phone | None = None
    website: Website | None = None
    tags: Tags = Field(default_factory=list)
    default_currency: Currency
    payment_terms: Text200 | None = None
    payment_due_days: DueDays | None = None
    default_commission_pct: Percent | None = None
    notes: Text5000 | None = None


class SupplierUpdate(BaseModel):
    """The fields to change (omitted ones stay). Name, kind, country and currency cannot be
    emptied; `status` only moves between active and inactive (archiving is DELETE)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | SkipJsonSchema[None] = None
    kind: SupplierKind | SkipJsonSchema[None] = None
    status: ChoosableStatus | SkipJsonSchema[None] = None
    city: Text100 | None = None
    region: Text100 | None = None
    country: Country | SkipJsonSchema[None] = None
    address: Text1000 | None = None
    legal_name: Text200 | None = None
    gstin: Gstin | None = None
    pan: Pan | None = None
    tax_id: Text30 | None = None
    email: Email | None = None
    phone: Phone | None = None
    website: Website | None = None
    tags: Tags | SkipJsonSchema[None] = None
    default_currency: Currency | SkipJsonSchema[None] = None
    payment_terms: Text200 | None = None
    payment_due_days: DueDays | None = None
    default_commission_pct: Percent | None = None
    notes: Text5000 | None = None


EDITABLE_FIELDS: tuple[str, ...] = tuple(SupplierUpdate.model_fields)


class SupplierPublic(BaseModel):
    id: uuid.UUID
    name: str
    kind: SupplierKind
    status: SupplierStatus
    city: str | None
    region: str | None
    country: str
    address: str | None
    legal_name: str | None
    gstin: str | None
    pan: str | None
    tax_id: str | None
    email: str | None
    phone: str | None
    website: str | None
    tags: list[str]
    default_currency: str
    payment_terms: str | None
    payment_due_days: int | None
    default_commission_pct: Decimal | None
    notes: str | None
    has_bank_details: bool
    bank_hint: str | None = Field(
        description="Masked, e.g. 'HDFC Bank ••••4321'; null without suppliers.bank.view"
    )
    row_version: int
    created_at: datetime
    updated_at: datetime | None


class SupplierListItem(BaseModel):
    id: uuid.UUID
    name: str
    kind: SupplierKind
    status: SupplierStatus
    city: str | None
    region: str | None
    country: str
    tags: list[str]
    default_currency: str
    email: str | None
    phone: str | None
    created_at: datetime
    updated_at: datetime | None


class SupplierStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ChoosableStatus


class SupplierDeleted(BaseModel):
    """DELETE's answer when the supplier is still used and was archived instead."""

    outcome: Literal["deleted", "archived"]
    message: str
    supplier: SupplierPublic | None = None


SortKey = Literal["name", "-name", "city", "-city", "created", "-created", "updated", "-updated"]
FilterStatus = Literal["active", "inactive", "archived", "all"]


class SupplierFilter(BaseModel):
    """List filters; status None means active and inactive (archived only when asked)."""

    q: str | None = None
    kind: SupplierKind | None = None
    country: str | None = None
    city: str | None = None  # matches the city or the region
    status: FilterStatus | None = None
    tag: str | None = None


# ---- contacts ---------------------------------------------------------------------------------


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PersonName
    role: Text80 | None = Field(default=None, description="reservations, accounts, sales...")
    email: Email | None = None
    phone: Phone | None = None
    is_primary: Flag = Field(default=False, description="The first contact is always primary")


class ContactUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PersonName | SkipJsonSchema[None] = None
    role: Text80 | None = None
    email: Email | None = None
    phone: Phone | None = None
    is_primary: Literal[True] | SkipJsonSchema[None] = Field(
        default=None, description="true makes this the primary contact (the others stop being it)"
    )


class ContactPublic(BaseModel):
    id: uuid.UUID
    supplier_id: uuid.UUID
    name: str
    role: str | None
    email: str | None
    phone: str | None
    is_primary: bool


# ---- services ---------------------------------------------------------------------------------

MEAL_PLAN_RULE = "meal_plan: required for rooms (EP, CP, MAP, AP or AI), null for other kinds"


class ServiceIn(BaseModel):
    """Something the supplier sells: a room category (with its meal plan), a vehicle type, a
    ticket or slot, a guide, a meal..."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "description": MEAL_PLAN_RULE,
            "if": {"properties": {"kind": {"const": "room"}}},
            "then": {"required": ["meal_plan"], "properties": {"meal_plan": {"type": "string"}}},
            "else": {"properties": {"meal_plan": {"type": "null"}}},
        },
    )

    kind: ServiceKind
    name: Name
    code: Code | None = None
    meal_plan: MealPlan | None = Field(default=None, description=MEAL_PLAN_RULE)
    max_occupancy: Occupancy | None = Field(
        default=None, description="People per room, seats per vehicle"
    )
    is_active: Flag = True

    @model_validator(mode="after")
    def _meal_plan(self) -> ServiceIn:
        check_meal_plan(self.kind, self.meal_plan)
        return self


class ServiceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ServiceKind | SkipJsonSchema[None] = None
    name: Name | SkipJsonSchema[None] = None
    code: Code | None = None
    meal_plan: MealPlan | None = Field(default=None, description=MEAL_PLAN_RULE)
    max_occupancy: Occupancy | None = None
    is_active: Flag | SkipJsonSchema[None] = None


def check_meal_plan(kind: str | None, meal_plan: str | None) -> None:
    if kind == ServiceKind.ROOM.value and meal_plan is None:
        raise ValueError("a room needs a meal plan (EP, CP, MAP, AP or AI)")
    if kind != ServiceKind.ROOM.value and meal_plan is not None:
        raise ValueError("only rooms have a meal plan")


class ServicePublic(BaseModel):
    id: uuid.UUID
    supplier_id: uuid.UUID
    kind: ServiceKind
    name: str
    code: str | None
    meal_plan: str | None
    max_occupancy: int | None
    is_active: bool
    rate_line_count: int = 0


# ---- bank details -----------------------------------------------------------------------------


class BankDetailsIn(BaseModel):
    """Stored encrypted; shown masked. Give an IFSC (India), a SWIFT/BIC or an IBAN."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": [code], "properties": {code: {"type": "string"}}}
                for code in ("ifsc", "swift", "iban")
            ]
        },
    )

    account_holder: PersonName
    bank_name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=60, pattern=HAS_TEXT),
        AfterValidator(clean_text),
        AfterValidator(_tidy),
    ]
    account_number: Annotated[
        str, StringConstraints(min_length=6, max_length=34, pattern=ACCOUNT_PATTERN)
    ]
    ifsc: (
        Annotated[str, StringConstraints(min_length=11, max_length=11, pattern=IFSC_PATTERN)] | None
    ) = None
    swift: (
        Annotated[str, StringConstraints(min_length=8, max_length=11, pattern=SWIFT_PATTERN)] | None
    ) = None
    iban: (
        Annotated[str, StringConstraints(min_length=15, max_length=34, pattern=IBAN_PATTERN)] | None
    ) = None
    branch: Text100 | None = None

    @model_validator(mode="after")
    def _routing(self) -> BankDetailsIn:
        if not (self.ifsc or self.swift or self.iban):
            raise ValueError("give an IFSC (India), a SWIFT/BIC or an IBAN")
        return self


class BankDetailsPublic(BaseModel):
    """The full details (POST .../bank-details/reveal, audited)."""

    account_holder: str
    bank_name: str
    account_number: str
    ifsc: str | None = None
    swift: str | None = None
    iban: str | None = None
    branch: str | None = None
    hint: str


class BankHint(BaseModel):
    has_bank_details: bool
    bank_hint: str | None


# ---- rate lists (read-only, for the supplier page) --------------------------------------------


class RateListSummary(BaseModel):
    id: uuid.UUID
    name: str
    market: str
    agent_group: str | None
    is_archived: bool


STATUSES = tuple(s.value for s in SupplierStatus)

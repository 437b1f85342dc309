"""What the suppliers API and pages take and show.

Create/update schemas list only what a user may set: no tenant, id, version, archived status or
encrypted bank details through them (unknown fields are refused). Every constraint is in the
schema (lengths, patterns, code lists), so a request that fits the OpenAPI document is accepted.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from travelcrm.core.fields import (
    CLEAN,
    TIDY,
    Code,
    Country,
    Currency,
    Email,
    Flag,
    Name,
    Percent,
    PersonName,
    Phone,
    Tags,
    Text30,
    Text80,
    Text100,
    Text200,
    Text1000,
    Text5000,
    Website,
    json_number,
    plain_text,
    visible_text,
)
from travelcrm.suppliers.models import MealPlan, ServiceKind, SupplierKind, SupplierStatus
from travelcrm.tenants.services import TAX_ID_RULES

# ---- supplier-specific rules ---------------------------------------------------------------

GSTIN_PATTERN = TAX_ID_RULES["IN"][0].pattern  # 15 characters, e.g. 27AAPFU0939F1ZV
PAN_PATTERN = r"^[A-Z]{5}\d{4}[A-Z]$"  # e.g. AAPFU0939F
IFSC_PATTERN = r"^[A-Z]{4}0[A-Z0-9]{6}$"  # e.g. HDFC0001234
SWIFT_PATTERN = r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"  # e.g. EBILAEAD or HDFCINBBXXX
IBAN_PATTERN = r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$"  # e.g. AE070331234567890123456
ACCOUNT_PATTERN = r"^[A-Z0-9]{6,34}$"
Gstin = Annotated[str, StringConstraints(min_length=15, max_length=15, pattern=GSTIN_PATTERN)]
Pan = Annotated[str, StringConstraints(min_length=10, max_length=10, pattern=PAN_PATTERN)]
DueDays = Annotated[int, Field(ge=0, le=365), BeforeValidator(json_number)]
Occupancy = Annotated[int, Field(ge=1, le=100), BeforeValidator(json_number)]
ChoosableStatus = Literal["active", "inactive"]


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


class ServiceChoice(BaseModel):
    """A service to pick by name (an itinerary's "Add service"): its name and its supplier's."""

    id: uuid.UUID
    name: str
    supplier_name: str
    kind: ServiceKind
    city: str | None = None  # the supplier's: where the service is
    country: str | None = None
    from_net: Decimal | None = None  # its lowest published net, when asked
    from_currency: str | None = None


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
    bank_name: Annotated[str, visible_text(60), CLEAN, TIDY]
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


# ---- content: a description, highlights and photos per service --------------------------------

DESCRIPTION_LIMIT = 4000  # characters of plain text or light markdown
HIGHLIGHT_LIMIT = 80
HIGHLIGHTS_LIMIT = 6
CAPTION_LIMIT = 200
PHOTOS_LIMIT = 12  # per service
PHOTO_SIZES = ("large", "thumb")
PhotoSize = Literal["large", "thumb"]

Description = Annotated[str, plain_text(DESCRIPTION_LIMIT), CLEAN, TIDY]
Highlight = Annotated[str, visible_text(HIGHLIGHT_LIMIT), CLEAN, TIDY]
Caption = Annotated[str, plain_text(CAPTION_LIMIT), CLEAN, TIDY]


class ContentIn(BaseModel):
    """The service's description and highlights, as a whole (send "" and [] to clear them).
    The description is plain text or light markdown (paragraphs, **bold**, lists)."""

    model_config = ConfigDict(extra="forbid")

    description: Description = ""
    highlights: Annotated[list[Highlight], Field(max_length=HIGHLIGHTS_LIMIT)] = []


class PhotoUpdate(BaseModel):
    """A photo's words and place: its caption and alt text (what a screen reader says), its
    position (1 = first) and whether it is the cover (set another photo's to change it)."""

    model_config = ConfigDict(extra="forbid")

    caption: Caption | SkipJsonSchema[None] = None
    alt_text: Caption | SkipJsonSchema[None] = None
    position: Annotated[int, Field(ge=1, le=PHOTOS_LIMIT)] | SkipJsonSchema[None] = None
    is_cover: Literal[True] | SkipJsonSchema[None] = None


class PhotoPublic(BaseModel):
    id: uuid.UUID
    position: int
    is_cover: bool
    caption: str
    alt_text: str
    width: int
    height: int
    url: str  # the large JPEG; its address changes with its bytes (cache it for good)
    thumb_url: str


class ServiceContentPublic(BaseModel):
    service_id: uuid.UUID
    supplier_id: uuid.UUID
    service_name: str
    description: str
    highlights: list[str]
    row_version: int  # 0 while nothing was written
    photos: list[PhotoPublic]


class ServiceBlurb(BaseModel):
    """What an itinerary, a PDF or a proposal shows of a service: its words and its photos,
    cover first (`content_for`)."""

    service_id: uuid.UUID
    description: str
    first_line: str  # the description's first line, without markdown marks
    highlights: list[str]
    cover_url: str | None
    cover_thumb_url: str | None
    cover_alt: str
    photos: list[PhotoPublic]


def photo_url(
    supplier_id: uuid.UUID, service_id: uuid.UUID, photo_id: uuid.UUID, size: str, sha256: str
) -> str:
    """GET address of a photo's bytes; `v` is the bytes' hash, so the address is immutable."""
    return (
        f"/api/suppliers/{supplier_id}/services/{service_id}/photos/{photo_id}/{size}"
        f"?v={sha256[:16]}"
    )


_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|>\s*|\d+[.)]\s+)|[*_`~]+|\[([^\]]*)\]\([^)]*\)")


def first_line(description: str, limit: int = 140) -> str:
    """The first non-empty line of a description as plain words (markdown marks dropped),
    cut at a word near `limit` with an ellipsis."""
    line = next((x.strip() for x in description.splitlines() if x.strip()), "")
    words = " ".join(_MARKS.sub(lambda m: m.group(1) or "", line).split())
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"

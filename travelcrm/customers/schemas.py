"""What a user may send and what they get back for customers and travellers. Create/update
schemas hold only what a user may set (no tenant, id, version or merge state)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from travelcrm.core.fields import (
    Country,
    Email,
    Name,
    Phone,
    Tag,
    Text80,
    Text100,
    Text200,
    Text1000,
    Text5000,
    UtcDatetime,
)
from travelcrm.customers.models import CustomerKind

# Times in answers are UTC with their zone ("...Z"), also where SQLite hands them back naive.


def _date_text(value: Any) -> Any:
    """A date comes as "YYYY-MM-DD": a number (which pydantic would read as seconds since
    1970) is refused."""
    if isinstance(value, int | float):
        raise ValueError("a date is written as YYYY-MM-DD")
    return value


# a date a user sends (birthdays): written as text, never a number
DateIn = Annotated[date, BeforeValidator(_date_text)]


class CustomerCreate(BaseModel):
    """A new customer. Phones are checked and stored in E.164 (`+919812345678`); a number
    without a country code is read in the agency's country. `allow_duplicate` creates it even
    when a customer with the same email or phone exists (otherwise: 409 with the matches)."""

    model_config = ConfigDict(extra="forbid")

    kind: CustomerKind = CustomerKind.PERSON
    name: Name
    company: Text200 | None = None
    email: Email | None = None
    phone: Phone | None = None
    alt_phone: Phone | None = None
    address: Text1000 | None = None
    city: Text100 | None = None
    country: Country | None = None
    nationality: Country | None = None
    date_of_birth: DateIn | None = None
    preferences: dict[str, Text200] = Field(default_factory=dict, max_length=30)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    notes: Text5000 | None = None
    allow_duplicate: bool = False


class CustomerUpdate(BaseModel):
    """The fields to change (omitted ones stay); `row_version` is the version you read."""

    model_config = ConfigDict(extra="forbid")

    row_version: int = Field(ge=1)
    kind: CustomerKind | SkipJsonSchema[None] = None
    name: Name | SkipJsonSchema[None] = None
    company: Text200 | None = None
    email: Email | None = None
    phone: Phone | None = None
    alt_phone: Phone | None = None
    address: Text1000 | None = None
    city: Text100 | None = None
    country: Country | None = None
    nationality: Country | None = None
    date_of_birth: DateIn | None = None
    # the length limits sit on the value type: a null (kept as "unchanged") has no length
    preferences: Annotated[dict[str, Text200], Field(max_length=30)] | SkipJsonSchema[None] = None
    tags: Annotated[list[Tag], Field(max_length=20)] | SkipJsonSchema[None] = None
    notes: Text5000 | None = None


class CustomerPublic(BaseModel):
    id: uuid.UUID
    kind: CustomerKind
    name: str
    company: str | None
    email: str | None
    phone: str | None
    alt_phone: str | None
    address: str | None
    city: str | None
    country: str | None
    nationality: str | None
    date_of_birth: date | None
    preferences: dict[str, Any]
    tags: list[str]
    notes: str | None
    merged_into_id: uuid.UUID | None
    row_version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime | None


class CustomerListItem(BaseModel):
    id: uuid.UUID
    kind: CustomerKind
    name: str
    email: str | None
    phone: str | None
    city: str | None
    country: str | None
    tags: list[str]
    created_at: UtcDatetime


class CustomerFilter(BaseModel):
    """`q` matches the name (any part), the email (start) or the phone (digits)."""

    model_config = ConfigDict(extra="forbid")

    q: Text100 | None = None
    tag: Tag | None = None
    country: Country | None = None


class DuplicateMatch(BaseModel):
    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None
    matched_on: list[str]  # "email", "phone"


class TravellerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    relation: Text80 | None = None
    date_of_birth: DateIn | None = None
    nationality: Country | None = None
    notes: Text1000 | None = None


class TravellerPublic(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    name: str
    relation: str | None
    date_of_birth: date | None
    nationality: str | None
    notes: str | None


class MergeIn(BaseModel):
    """Merge `duplicate_id` into the customer of the URL: its queries, travellers and timeline
    move over, blank fields are filled from it, and it is kept, marked merged."""

    model_config = ConfigDict(extra="forbid")

    duplicate_id: uuid.UUID
    row_version: int = Field(ge=1)

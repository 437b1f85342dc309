"""What a user may set on an agency (no id, no timestamps)."""

from __future__ import annotations

import re
import uuid
import zoneinfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

from travelcrm.core.text import CleanStr

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?$")


class TenantCreate(BaseModel):
    slug: str = Field(min_length=1, max_length=63, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: CleanStr = Field(min_length=2, max_length=200)
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")
    default_currency: str = Field(min_length=3, max_length=3, pattern=r"^[A-Za-z]{3}$")
    timezone: str = Field(min_length=1, max_length=64)
    locale: str = "en-IN"

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG_RE.match(value):
            raise ValueError("use 3-63 lowercase letters, digits or hyphens, e.g. sunrise-holidays")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = value.strip()
        if not 2 <= len(value) <= 200:
            raise ValueError("must be 2-200 characters")
        return value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise ValueError("use an ISO 3166-1 alpha-2 code, e.g. IN or US")
        return value.upper()

    @field_validator("default_currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha():
            raise ValueError("use an ISO 4217 code, e.g. INR or USD")
        return value.upper()

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise ValueError("use an IANA timezone, e.g. Asia/Kolkata or America/New_York")
        return value


HEX_COLOR = r"^#[0-9A-Fa-f]{6}$"
INVOICE_PREFIX = r"^[A-Z0-9][A-Z0-9/-]{0,9}$"


class TenantSettings(BaseModel):
    """An agency's settings and branding as the API and pages show them."""

    id: uuid.UUID
    slug: str
    name: str
    country: str
    default_currency: str
    timezone: str
    locale: str
    legal_name: str | None
    address: str | None
    tax_id: str | None
    invoice_prefix: str
    primary_color: str


class TenantSettingsUpdate(BaseModel):
    """What owners and admins may change. Unknown fields (id, slug, tenant_id, ...) are refused."""

    model_config = ConfigDict(extra="forbid")

    name: CleanStr | None = Field(default=None, min_length=2, max_length=200)
    legal_name: CleanStr | None = Field(default=None, max_length=200)
    address: CleanStr | None = Field(default=None, max_length=1000)
    tax_id: CleanStr | None = Field(default=None, max_length=20)
    invoice_prefix: str | None = Field(default=None, pattern=INVOICE_PREFIX)
    primary_color: str | None = Field(default=None, pattern=HEX_COLOR)
    default_currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    timezone: str | None = None
    locale: str | None = Field(default=None, pattern=r"^[a-z]{2}-[A-Z]{2}$")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is not None and value not in zoneinfo.available_timezones():
            raise ValueError("use an IANA timezone, e.g. Asia/Kolkata or America/New_York")
        return value


class AgencyBrand(BaseModel):
    """What anyone may see of an agency: its sign-in page shows it before sign-in."""

    slug: str
    name: str
    primary_color: str
    logo_url: str | None

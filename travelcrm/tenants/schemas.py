"""What a user may set on an agency (no id, no timestamps)."""

from __future__ import annotations

import re
import zoneinfo

from pydantic import BaseModel, field_validator

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?$")


class TenantCreate(BaseModel):
    slug: str
    name: str
    country: str
    default_currency: str
    timezone: str
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

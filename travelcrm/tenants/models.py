"""Agencies (tenants). Accounts, branding and settings grow here in phase 1."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from travelcrm.core.ids import new_id
from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin


class TenantBase(SQLModel):
    slug: str = Field(max_length=63, unique=True)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    default_currency: str = Field(max_length=3, description="ISO 4217")
    timezone: str = Field(max_length=64, description="IANA timezone, e.g. Asia/Kolkata")
    locale: str = Field(max_length=16, default="en-IN")


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # nobody signs in; its pages say so


class Tenant(TenantBase, table=True):
    __tablename__ = "tenants"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = utc_datetime(default_now=True)
    status: str = Field(default=TenantStatus.ACTIVE.value, max_length=10)
    # settings and branding (what invoices, quotes and the shell show)
    legal_name: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, sa_type=Text)
    tax_id: str | None = Field(default=None, max_length=20, description="GSTIN (IN) or EIN (US)")
    invoice_prefix: str = Field(default="INV", max_length=10)
    primary_color: str = Field(default="#12A594", max_length=7)
    updated_at: datetime | None = utc_datetime(nullable=True)


class BrandAsset(TenantMixin, table=True):
    """An agency's uploaded branding image (the logo), re-encoded on upload."""

    __tablename__ = "brand_assets"
    __table_args__ = (UniqueConstraint("tenant_id", "kind"),)

    kind: str = Field(max_length=20)  # "logo"
    content: bytes = Field(sa_type=LargeBinary)
    content_type: str = Field(max_length=30)
    sha256: str = Field(max_length=64)
    width: int
    height: int
    updated_at: datetime = utc_datetime(default_now=True)

"""Suppliers (hotels, transport, activities, guides, restaurants, others), their contacts and the
services they sell (room categories, vehicle types, tickets...). All tenant-owned."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field

from travelcrm.core.sqltypes import amount, utc_datetime
from travelcrm.core.tenancy import TenantMixin, tenant_fk


class SupplierKind(StrEnum):
    HOTEL = "hotel"
    TRANSPORT = "transport"
    ACTIVITY = "activity"
    GUIDE = "guide"
    RESTAURANT = "restaurant"
    OTHER = "other"


class SupplierStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    ARCHIVED = "archived"  # "deleted" while rate lists or bookings still point at it


class ServiceKind(StrEnum):
    ROOM = "room"  # a hotel room category (with its meal plan)
    VEHICLE = "vehicle"
    TICKET = "ticket"  # an activity ticket or time slot
    GUIDE = "guide"
    MEAL = "meal"
    OTHER = "other"


class MealPlan(StrEnum):
    EP = "EP"  # room only
    CP = "CP"  # breakfast
    MAP = "MAP"  # breakfast + one meal
    AP = "AP"  # all meals
    AI = "AI"  # all inclusive


class Supplier(TenantMixin, table=True):
    __tablename__ = "suppliers"
    __table_args__ = (
        Index("ix_suppliers_tenant_name", "tenant_id", "name"),
        Index("ix_suppliers_tenant_destination", "tenant_id", "country", "city"),
    )

    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    status: str = Field(default=SupplierStatus.ACTIVE.value, max_length=10)
    # destination
    city: str | None = Field(default=None, max_length=100)
    region: str | None = Field(default=None, max_length=100)
    country: str = Field(max_length=2)  # ISO 3166-1 alpha-2
    address: str | None = Field(default=None, sa_type=Text)
    # business
    legal_name: str | None = Field(default=None, max_length=200)
    gstin: str | None = Field(default=None, max_length=15)
    pan: str | None = Field(default=None, max_length=10)
    tax_id: str | None = Field(default=None, max_length=30)  # other countries' registration
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    website: str | None = Field(default=None, max_length=200)
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    default_currency: str = Field(max_length=3)
    payment_terms: str | None = Field(default=None, max_length=200)
    payment_due_days: int | None = None
    default_commission_pct: Decimal | None = amount(nullable=True)
    notes: str | None = Field(default=None, sa_type=Text)
    # bank details: encrypted JSON (core.crypto); only a masked hint is ever shown
    bank_details_encrypted: str | None = Field(default=None, sa_type=Text)
    bank_hint: str | None = Field(default=None, max_length=60)
    row_version: int = 1  # optimistic locking: an update must name the version it read
    created_at: datetime = utc_datetime(default_now=True)
    updated_at: datetime | None = utc_datetime(nullable=True)


class SupplierContact(TenantMixin, table=True):
    __tablename__ = "supplier_contacts"
    __table_args__ = (tenant_fk("supplier_id", "suppliers", ondelete="CASCADE"),)

    supplier_id: uuid.UUID = Field(index=True)
    name: str = Field(max_length=120)
    role: str | None = Field(default=None, max_length=80)  # reservations, accounts, sales...
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    is_primary: bool = False


class SupplierService(TenantMixin, table=True):
    """Something a supplier sells that a rate line prices."""

    __tablename__ = "supplier_services"
    __table_args__ = (
        tenant_fk("supplier_id", "suppliers", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "supplier_id", "name", "meal_plan"),
    )

    supplier_id: uuid.UUID = Field(index=True)
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)  # "Deluxe Sea View", "Innova Crysta", "Sunset cruise"
    code: str | None = Field(default=None, max_length=40)
    meal_plan: str | None = Field(default=None, max_length=3)  # rooms only
    max_occupancy: int | None = None  # people per room / seats per vehicle
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    is_active: bool = True
    created_at: datetime = utc_datetime(default_now=True)


class ServiceContent(TenantMixin, table=True):
    """What a service is, in words an itinerary and a proposal show: a description (plain text
    or light markdown) and a few short highlights. At most one per service."""

    __tablename__ = "service_contents"
    __table_args__ = (
        tenant_fk("service_id", "supplier_services", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "service_id"),
    )

    service_id: uuid.UUID
    description: str = Field(default="", sa_type=Text)
    highlights: list[str] = Field(default_factory=list, sa_type=JSON)
    row_version: int = 1
    updated_at: datetime = utc_datetime(default_now=True)


class ServicePhoto(TenantMixin, table=True):
    """A photo of a service, re-encoded on upload (`core.images.process_photo`): the large
    JPEG and its thumbnail, in order, one of them the cover. The bytes of a photo never change
    (a new upload is a new photo), so their address can be cached for good."""

    __tablename__ = "service_photos"
    __table_args__ = (
        tenant_fk("service_id", "supplier_services", ondelete="CASCADE"),
        Index("ix_service_photos_tenant_service", "tenant_id", "service_id", "position"),
        Index(
            "uq_service_photos_one_cover",
            "tenant_id",
            "service_id",
            unique=True,
            postgresql_where=text("is_cover"),
            sqlite_where=text("is_cover"),
        ),
    )

    service_id: uuid.UUID
    position: int
    is_cover: bool = False
    caption: str = Field(default="", max_length=200)
    alt_text: str = Field(default="", max_length=200)
    content_type: str = Field(max_length=30)
    width: int
    height: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_type=LargeBinary)
    thumb_width: int
    thumb_height: int
    thumb_sha256: str = Field(max_length=64)
    thumb: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = utc_datetime(default_now=True)

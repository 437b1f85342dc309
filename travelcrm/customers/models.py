"""Customers (people and companies an agency sells to) and the travellers that go with them
(family members, colleagues). All tenant-owned."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Text
from sqlmodel import Field

from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin, tenant_fk


class CustomerKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class Customer(TenantMixin, table=True):
    __tablename__ = "customers"
    __table_args__ = (
        tenant_fk("merged_into_id", "customers"),
        Index("ix_customers_tenant_email", "tenant_id", "email"),
        Index("ix_customers_tenant_phone", "tenant_id", "phone"),
        Index("ix_customers_tenant_name", "tenant_id", "name_key"),
    )

    kind: str = Field(default=CustomerKind.PERSON.value, max_length=10)
    name: str = Field(max_length=200)  # as shown: "Priya Sharma", "Acme Travels Pvt Ltd"
    name_key: str = Field(max_length=200)  # lowercased, single-spaced: search and sorting
    company: str | None = Field(default=None, max_length=200)  # a person's employer
    email: str | None = Field(default=None, max_length=254)  # lowercased
    phone: str | None = Field(default=None, max_length=20)  # E.164
    alt_phone: str | None = Field(default=None, max_length=20)  # E.164
    address: str | None = Field(default=None, sa_type=Text)
    city: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2
    nationality: str | None = Field(default=None, max_length=2)
    date_of_birth: date | None = None
    preferences: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    notes: str | None = Field(default=None, sa_type=Text)
    # a duplicate merged into another customer is kept (its history points at it), hidden
    merged_into_id: uuid.UUID | None = None
    row_version: int = 1
    created_by: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)
    updated_at: datetime | None = utc_datetime(nullable=True)


class Traveller(TenantMixin, table=True):
    """Someone who travels on a customer's trips (the customer themself need not be one)."""

    __tablename__ = "travellers"
    __table_args__ = (tenant_fk("customer_id", "customers", ondelete="CASCADE"),)

    customer_id: uuid.UUID = Field(index=True)
    name: str = Field(max_length=200)
    relation: str | None = Field(default=None, max_length=40)  # spouse, child, parent, colleague
    date_of_birth: date | None = None
    nationality: str | None = Field(default=None, max_length=2)
    notes: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = utc_datetime(default_now=True)

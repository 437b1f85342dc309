"""Documents made for customers (the itinerary and quote PDFs), stored once per version of
what they show and reused: a row per (kind, subject, version, checksum), where the checksum is
of everything the document was made from (the frozen snapshot, the agency's branding, the
layout). Tenant-owned."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, LargeBinary, UniqueConstraint
from sqlmodel import Field

from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin


class Document(TenantMixin, table=True):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "subject_id", "version", "checksum"),
        Index("ix_documents_tenant_subject", "tenant_id", "subject_id"),
    )

    kind: str = Field(max_length=20)  # "itinerary", "quote"
    subject_id: uuid.UUID  # the itinerary's (or quote's) id
    version: int
    checksum: str = Field(max_length=64)  # SHA-256 of what it was made from
    filename: str = Field(max_length=200)
    content_type: str = Field(default="application/pdf", max_length=40)
    content: bytes = Field(sa_type=LargeBinary)
    sha256: str = Field(max_length=64)  # of the content (the download's ETag)
    size: int
    pages: int
    created_by: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)

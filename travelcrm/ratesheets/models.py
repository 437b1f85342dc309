"""Imports of suppliers' rate sheets (each run: who, when, which file, what came of it) and the
column mapping saved per supplier as the template of its next sheet."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin, tenant_fk


class ImportStatus(StrEnum):
    STAGED = "staged"  # uploaded, not run yet
    QUEUED = "queued"  # waiting for the worker (large files)
    RUNNING = "running"
    CHECKED = "checked"  # a dry run finished: the report is ready, nothing stored
    COMMITTED = "committed"  # the lines are in a new draft version
    REFUSED = "refused"  # errors in the file: nothing stored
    FAILED = "failed"  # the run itself broke (the reason is kept)


class RateImport(TenantMixin, table=True):
    """One run of a sheet against a rate list (dry run or commit), with its report."""

    __tablename__ = "rate_imports"
    __table_args__ = (
        tenant_fk("rate_list_id", "rate_lists", ondelete="CASCADE"),
        Index("ix_rate_imports_list", "tenant_id", "rate_list_id", "created_at"),
    )

    rate_list_id: uuid.UUID
    supplier_id: uuid.UUID
    file_name: str = Field(max_length=255)
    checksum: str = Field(max_length=64)  # sha256 of the file
    size_bytes: int
    kind: str = Field(max_length=5)  # csv / xlsx / xls
    stored_as: str = Field(max_length=500)  # the upload, kept under DATA_DIR while needed
    mapping: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    dry_run: bool = True
    replace_draft: bool = False
    status: str = Field(default=ImportStatus.STAGED.value, max_length=10)
    progress: int = 0  # percent
    stage: str = Field(default="", max_length=80)
    rows_read: int = 0
    lines: int = 0
    error_count: int = 0
    warning_count: int = 0
    report: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    failure: str | None = Field(default=None, max_length=1000)
    version_id: uuid.UUID | None = None  # the draft the commit made
    created_by: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)
    finished_at: datetime | None = utc_datetime(nullable=True)


class ImportTemplate(TenantMixin, table=True):
    """The mapping last committed for a supplier's sheet, suggested for its next one."""

    __tablename__ = "rate_import_templates"
    __table_args__ = (
        tenant_fk("supplier_id", "suppliers", ondelete="CASCADE"),
        UniqueConstraint("tenant_id", "supplier_id"),
    )

    supplier_id: uuid.UUID
    mapping: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = utc_datetime(default_now=True)
    updated_by: uuid.UUID | None = None

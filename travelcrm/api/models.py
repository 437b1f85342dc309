"""Stored responses for Idempotency-Key replays."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, Text
from sqlmodel import Field, SQLModel

from travelcrm.core.sqltypes import utc_datetime


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_records"

    # sha256 of (caller, method, path, key): one caller's key never collides with another's.
    scope_hash: str = Field(primary_key=True, max_length=64)
    request_hash: str = Field(max_length=64)
    state: str = Field(max_length=16)  # "in_progress" | "completed"
    status_code: int | None = None
    headers_json: str | None = Field(default=None, sa_type=Text)
    body: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime = utc_datetime(default_now=True)
    expires_at: datetime = utc_datetime(index=True)

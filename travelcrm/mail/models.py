"""Outgoing email: every message is written to the outbox in the sender's transaction, then a
job delivers it over SMTP (or, without SMTP_URL, keeps it for the dev outbox page)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from travelcrm.core.ids import new_id
from travelcrm.core.sqltypes import utc_datetime


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"  # handed to the SMTP server
    CAPTURED = "captured"  # no SMTP_URL: kept in the outbox only (development)
    FAILED = "failed"  # gave up; the reason is in last_error


class OutboxMessage(SQLModel, table=True):
    """One email. System mail (sign-up, reset, invites) goes to people, not to an agency's data,
    so the table is not tenant-owned; `agency_id` only notes which agency it was about.

    Bodies can hold one-time links: they are erased once the message has been handed over.
    """

    __tablename__ = "mail_outbox"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    kind: str = Field(max_length=30)  # verify_email, password_reset, invite, ...
    agency_id: uuid.UUID | None = Field(default=None, foreign_key="tenants.id", index=True)
    to_email: str = Field(max_length=254, index=True)
    to_name: str | None = Field(default=None, max_length=120)
    subject: str = Field(max_length=200)
    text_body: str = Field(sa_type=Text)
    html_body: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default=MailStatus.QUEUED.value, max_length=10, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = utc_datetime(default_now=True)
    sent_at: datetime | None = utc_datetime(nullable=True)

"""Outgoing email: every message is written to the outbox in the sender's transaction, then a
job delivers it over SMTP (or, without SMTP_URL, keeps it for the dev outbox page)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from travelcrm.core.ids import new_id
from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.tenancy import TenantMixin, tenant_fk


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


# ---- agency email: templates, messages sent from them, their delivery log, suppressions --------


class TemplateKind(StrEnum):
    """The kinds with a default template and declared variables; an agency may add its own."""

    QUOTE_SENT = "quote_sent"
    QUOTE_REMINDER = "quote_reminder"
    QUOTE_ACCEPTED = "quote_accepted"
    PAYMENT_DUE = "payment_due"


class PdfMode(StrEnum):
    ATTACH = "attach"  # the quote's PDF travels with the email
    LINK = "link"  # the email carries a link to it instead


class EmailState(StrEnum):
    QUEUED = "queued"  # waiting for the worker (or for a retry)
    SENDING = "sending"  # a worker holds it
    SENT = "sent"  # the server answered 250 to the message
    UNCONFIRMED = "unconfirmed"  # handed over, the answer lost: never sent again
    FAILED = "failed"  # refused for good, or retries exhausted (dead letter)
    SUPPRESSED = "suppressed"  # the address is on the agency's suppression list: not sent


class EventKind(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # a try that failed (retried) or the final failure
    BOUNCED = "bounced"  # the server refused the address for good (5xx)
    OPENED = "opened"
    CLICKED = "clicked"
    SUPPRESSED = "suppressed"
    UNSUPPRESSED = "unsuppressed"


class EmailTemplate(TenantMixin, table=True):
    """One of the agency's email templates: a kind (one template per kind), Jinja subject,
    HTML and text bodies (rendered in the sandbox), and whether the quote PDF is attached."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("tenant_id", "kind"),)

    kind: str = Field(max_length=40)
    name: str = Field(max_length=120)
    subject: str = Field(max_length=300)
    html_body: str = Field(sa_type=Text)
    text_body: str = Field(sa_type=Text)
    pdf_mode: str = Field(default=PdfMode.ATTACH.value, max_length=10)
    row_version: int = 1
    created_at: datetime = utc_datetime(default_now=True)
    updated_at: datetime | None = utc_datetime(nullable=True)


class EmailMessageRow(TenantMixin, table=True):
    """One email of an agency, rendered when queued. `send_key` names the send (one message
    per key, whoever asks twice); `message_id` (the Message-ID header) is fixed before the
    first try; `handed_over_at` is written before the message body goes to the server, so a
    try whose answer is lost is never repeated."""

    __tablename__ = "email_messages"
    __table_args__ = (
        UniqueConstraint("tenant_id", "send_key"),
        Index("ix_email_messages_tenant_created", "tenant_id", "created_at"),
        Index("ix_email_messages_tenant_state", "tenant_id", "state"),
    )

    send_key: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    template_id: uuid.UUID | None = None
    to_email: str = Field(max_length=254)
    to_name: str | None = Field(default=None, max_length=120)
    subject: str = Field(max_length=300)
    html_body: str = Field(sa_type=Text)
    text_body: str = Field(sa_type=Text)
    message_id: str = Field(max_length=200)
    # [{"filename", "content_type", "data" (base64)}]
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    links: list[str] = Field(default_factory=list, sa_type=JSON)  # the targets clicks may reach
    related_type: str | None = Field(default=None, max_length=40)
    related_id: uuid.UUID | None = None
    state: str = Field(default=EmailState.QUEUED.value, max_length=12)
    attempts: int = 0
    last_answer: str | None = Field(default=None, max_length=500)
    claimed_at: datetime | None = utc_datetime(nullable=True)
    handed_over_at: datetime | None = utc_datetime(nullable=True)
    sent_at: datetime | None = utc_datetime(nullable=True)
    opens: int = 0  # by people (mail-privacy prefetches not counted)
    clicks: int = 0
    created_at: datetime = utc_datetime(default_now=True)


class EmailEvent(TenantMixin, table=True):
    """The delivery log: what happened to a message, with the server's answer."""

    __tablename__ = "email_events"
    __table_args__ = (
        tenant_fk("message_ref", "email_messages", ondelete="CASCADE"),
        Index("ix_email_events_tenant_message", "tenant_id", "message_ref", "at"),
    )

    message_ref: uuid.UUID
    event: str = Field(max_length=12)
    detail: str | None = Field(default=None, max_length=500)
    prefetch: bool = False  # an open by a mail-privacy proxy, not by the person
    user_agent: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    at: datetime = utc_datetime(default_now=True)


class EmailSuppression(TenantMixin, table=True):
    """An address the agency's mail is not sent to (the server refused it for good) until
    someone clears it."""

    __tablename__ = "email_suppressions"
    __table_args__ = (UniqueConstraint("tenant_id", "email"),)

    email: str = Field(max_length=254)
    reason: str = Field(max_length=500)
    message_ref: uuid.UUID | None = None
    created_at: datetime = utc_datetime(default_now=True)

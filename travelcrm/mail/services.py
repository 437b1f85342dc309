"""Queue, deliver and list outgoing email.

`queue_email` writes the message in the caller's transaction and asks for delivery after commit.
`deliver` (run by the `send_email` job) hands it to SMTP_URL, or keeps it in the outbox when no
SMTP server is configured. SMTP failures are sorted into temporary (retried) and permanent.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlmodel import Session, col, select

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.errors import ExternalServiceError
from travelcrm.core.ids import new_id
from travelcrm.core.jobs import enqueue_after_commit
from travelcrm.mail.models import MailStatus, OutboxMessage

# the agency's email (templates, exactly once; see `sending`), as other domains call it
from travelcrm.mail.sending import Attachment as Attachment
from travelcrm.mail.sending import send_templated as send_templated
from travelcrm.settings import Settings

ERASED = "[erased after delivery: this message held a one-time link]"
STUCK_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 8


class MailDeliveryError(ExternalServiceError):
    code = "mail_delivery_failed"
    title = "The email could not be sent"


def queue_email(
    session: Session,
    *,
    kind: str,
    to_email: str,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    to_name: str | None = None,
    agency_id: uuid.UUID | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        kind=kind,
        agency_id=agency_id,
        to_email=to_email,
        to_name=to_name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
    )
    session.add(message)
    session.flush()
    enqueue_after_commit(session, "send_email", message_id=str(message.id))
    return message


@dataclass(frozen=True)
class Mail:
    """One message for `queue_emails`."""

    kind: str
    to_email: str
    subject: str
    text_body: str
    to_name: str | None = None
    agency_id: uuid.UUID | None = None


def queue_emails(session: Session, messages: Sequence[Mail]) -> list[uuid.UUID]:
    """Many messages at once (a job's notifications): stored in one statement and handed to
    the worker as one job after commit; a message that fails is retried on its own."""
    if not messages:
        return []
    now = utcnow()
    ids = [new_id() for _ in messages]
    rows = [
        {
            "id": message_id,
            "kind": m.kind,
            "agency_id": m.agency_id,
            "to_email": m.to_email,
            "to_name": m.to_name,
            "subject": m.subject[:200],
            "text_body": m.text_body,
            "html_body": None,
            "status": MailStatus.QUEUED.value,
            "attempts": 0,
            "created_at": now,
        }
        for message_id, m in zip(ids, messages, strict=True)
    ]
    session.connection().execute(sa.insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]
    enqueue_after_commit(session, "send_emails", message_ids=[str(i) for i in ids])
    return ids


def _build(message: OutboxMessage, settings: Settings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = formataddr((message.to_name or "", message.to_email))
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=message.id.hex, domain="travelcrm")
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    return email


def _send_smtp(url: str, email: EmailMessage, timeout: float) -> None:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    scheme = parts.scheme
    port = parts.port or {"smtps": 465, "smtp+starttls": 587}.get(scheme, 25)
    client: smtplib.SMTP
    if scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(email)


def _classify(exc: Exception) -> MailDeliveryError:
    """4xx replies, timeouts and refused connections may pass; 5xx and bad logins will not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        permanent = all(code >= 500 for code in codes)
        return MailDeliveryError(f"recipient refused ({codes})", permanent=permanent)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailDeliveryError("the SMTP server refused the login", permanent=True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailDeliveryError(
            f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:300], permanent=exc.smtp_code >= 500
        )
    return MailDeliveryError(f"{type(exc).__name__}: {exc}"[:300], permanent=False)


def deliver(session: Session, *, message_id: uuid.UUID, settings: Settings) -> OutboxMessage:
    """Send one queued message. Safe to run twice: a sent message is not sent again."""
    message = session.get(OutboxMessage, message_id, with_for_update=not settings.is_sqlite)
    if message is None:
        raise MailDeliveryError(f"outbox message {message_id} does not exist", permanent=True)
    if message.status in (MailStatus.SENT, MailStatus.CAPTURED):
        return message
    message.attempts += 1
    smtp_url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
    if smtp_url is None:
        message.status = MailStatus.CAPTURED.value
        message.sent_at = utcnow()
        session.add(message)
        return message
    try:
        _send_smtp(smtp_url, _build(message, settings), settings.smtp_timeout_seconds)
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        error = _classify(exc)
        message.last_error = error.detail
        if error.permanent or message.attempts >= MAX_ATTEMPTS:
            message.status = MailStatus.FAILED.value
        session.add(message)
        session.commit()  # keep the attempt count and the reason, then let the queue decide
        raise error from exc
    message.status = MailStatus.SENT.value
    message.sent_at = utcnow()
    message.last_error = None
    message.text_body = ERASED
    message.html_body = None
    session.add(message)
    return message


def requeue_stuck(session: Session) -> int:
    """Queue again what was never picked up (the queue was down when it was committed)."""
    cutoff = utcnow() - STUCK_AFTER
    stuck = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.status) == MailStatus.QUEUED.value)
        .where(col(OutboxMessage.created_at) < cutoff)
        .where(col(OutboxMessage.attempts) < MAX_ATTEMPTS)
        .limit(500)
    ).all()
    for message in stuck:
        enqueue_after_commit(session, "send_email", message_id=str(message.id))
    return len(stuck)


def list_outbox(session: Session, *, limit: int = 50) -> list[OutboxMessage]:
    """The newest messages first (the dev outbox page)."""
    statement = select(OutboxMessage).order_by(col(OutboxMessage.created_at).desc()).limit(limit)
    return list(session.exec(statement).all())


def get_message(session: Session, *, message_id: uuid.UUID) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)


def age_seconds(message: OutboxMessage) -> float:
    return (utcnow() - as_utc(message.created_at)).total_seconds()

"""The agency's email, sent exactly once.

`send_templated` renders the agency's template of a kind and stores the message under its
`send_key` in the caller's transaction (INSERT ... ON CONFLICT: asking twice with one key
stores and queues one message), with its Message-ID fixed there; the job is queued after
commit. `deliver` (the job) claims the message with one conditional UPDATE (two workers cannot
both hold it), talks SMTP itself and, just before the message body goes to the server, writes
`handed_over_at` and commits. A try that fails before that point is retried (3 times, with
exponential backoff, then failed and dead-lettered); a try whose answer is lost after it (the
connection dropped after DATA) is never repeated: the message is `unconfirmed`, not sent twice.
An SMTP 5xx for the recipient puts the address on the agency's suppression list.

Every step is in the message's delivery log with the server's answer; the open pixel and the
click redirect (see `tracking`) add opens (a privacy proxy's flagged, not counted) and clicks.
"""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formataddr, make_msgid, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import update
from sqlmodel import Session, col, select

from travelcrm.core.clock import utcnow
from travelcrm.core.errors import (
    ExternalServiceError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
)
from travelcrm.core.ids import new_id
from travelcrm.core.jobs import enqueue_after_commit
from travelcrm.core.pagination import PageParams, keyset_page
from travelcrm.core.permissions import Action, Role, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists
from travelcrm.db import session_scope, tenant_scope
from travelcrm.mail import templating, tracking
from travelcrm.mail.models import (
    EmailEvent,
    EmailMessageRow,
    EmailState,
    EmailSuppression,
    EventKind,
    PdfMode,
)
from travelcrm.mail.templates import template_for
from travelcrm.settings import Settings
from travelcrm.tenants.models import Tenant

JOB = "send_agency_email"
MAX_TRIES = 4  # the first try and 3 retries
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
STUCK_AFTER = timedelta(minutes=10)


class AgencyMailError(ExternalServiceError):
    code = "mail_delivery_failed"
    title = "The email could not be sent"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


def _normal(address: str) -> str:
    return address.strip().lower()


def _log(
    session: Session,
    message: EmailMessageRow,
    event: EventKind,
    detail: str | None = None,
    **extra: Any,
) -> None:
    session.add(
        EmailEvent(
            tenant_id=message.tenant_id,
            message_ref=message.id,
            event=event.value,
            detail=detail[:500] if detail else None,
            **extra,
        )
    )


def is_suppressed(session: Session, *, email: str) -> bool:
    found = session.exec(
        select(EmailSuppression.id).where(col(EmailSuppression.email) == _normal(email))
    ).first()
    return found is not None


def _check_address(to_email: str) -> str:
    name, address = parseaddr(to_email)
    if not address or "@" not in address or name or any(c in to_email for c in "\r\n"):
        raise ValidationFailedError(
            "The recipient's address is not an email address.",
            errors=[FieldError("to_email", "Not an email address.", "invalid")],
        )
    return address.strip()


def send_templated(
    session: Session,
    ctx: TenantContext,
    *,
    kind: str,
    to_email: str,
    to_name: str | None,
    variables: Mapping[str, Any],
    send_key: str,
    attachments: Iterable[Attachment] = (),
    related_type: str | None = None,
    related_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Queue the agency's `kind` email to one person, once per `send_key`: the id of the
    message (the one stored by an earlier call with the same key, if any). The caller has
    checked its own permission; the message is sent after the caller's transaction commits
    (to a suppressed address it is not: the job marks it `suppressed`)."""
    if not send_key or len(send_key) > 200:
        raise ValidationFailedError(
            "A send key of 1 to 200 characters is needed.",
            errors=[FieldError("send_key", "1 to 200 characters.", "invalid")],
        )
    address = _check_address(to_email)
    template = template_for(session, ctx, kind=kind)
    message_id = new_id()
    try:
        shown = templating.render(
            subject=template.subject,
            html_body=template.html_body,
            text_body=template.text_body,
            values=dict(variables),
        )
    except templating.MissingValueError as exc:
        raise ValidationFailedError(
            f"The template needs a value that was not given: {exc}",
            errors=[FieldError("variables", str(exc), "missing_variable")],
        ) from None
    html_body, links = templating.rewrite_links(
        shown.html_body, lambda url: tracking.click_url(ctx.tenant_id, message_id, url)
    )
    html_body = templating.add_pixel(html_body, tracking.pixel_url(ctx.tenant_id, message_id))
    attached = []
    if template.pdf_mode == PdfMode.ATTACH.value:
        attached = [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "data": base64.b64encode(a.data).decode(),
            }
            for a in attachments
        ]
        if sum(len(a.data) for a in attachments) > MAX_ATTACHMENT_BYTES:
            raise ValidationFailedError(
                "The attachments are larger than 15 MB together.",
                errors=[FieldError("attachments", "Larger than 15 MB.", "too_large")],
            )
    row = EmailMessageRow(
        tenant_id=ctx.tenant_id,
        id=message_id,
        send_key=send_key,
        kind=kind,
        template_id=template.id,
        to_email=address,
        to_name=to_name,
        subject=shown.subject,
        html_body=html_body,
        text_body=shown.text_body,
        message_id=make_msgid(idstring=message_id.hex, domain="travelcrm.mail"),
        attachments=attached,
        links=links,
        related_type=related_type,
        related_id=related_id,
        state=EmailState.QUEUED.value,
    )
    if not add_unless_exists(session, row, key=["tenant_id", "send_key"]):
        # another request stored it between our look and our insert
        return session.exec(
            select(EmailMessageRow.id).where(col(EmailMessageRow.send_key) == send_key)
        ).one()
    _log(session, row, EventKind.QUEUED)  # a suppressed address is refused by the job
    enqueue_after_commit(session, JOB, tenant_id=str(ctx.tenant_id), message_id=str(message_id))
    return message_id


# ---- delivery (the job) --------------------------------------------------------------------------


class SmtpRefusal(Exception):
    """The server answered with a refusal at `stage` (mail, rcpt, data, body)."""

    def __init__(self, stage: str, code: int, text: str) -> None:
        super().__init__(text)
        self.stage = stage
        self.code = code
        self.text = text


class AnswerLost(Exception):
    """The body went to the server and its answer never came (the connection dropped)."""


def _answer(code: int, text: bytes | str) -> str:
    shown = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(shown.split())}"[:500]


def _payload(email: EmailMessage) -> bytes:
    data = email.as_bytes(policy=SMTP_POLICY)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def converse(
    url: str,
    *,
    sender: str,
    recipient: str,
    email: EmailMessage,
    timeout: float,
    before_body: Callable[[], None],
) -> str:
    """One SMTP transaction, step by step, so we know whether the body went out:
    `before_body()` runs after the server's 354 and before the first byte of the body.
    The server's answer to the body on success; SmtpRefusal for a refusal; AnswerLost when
    the body went and no answer came; OSError/SMTPException before that."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = parts.port or {"smtps": 465, "smtp+starttls": 587}.get(parts.scheme, 25)
    client: smtplib.SMTP
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    handed_over = False
    try:
        client.ehlo_or_helo_if_needed()
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        code, text = client.mail(sender)
        if code != 250:
            raise SmtpRefusal("mail", code, _answer(code, text))
        code, text = client.rcpt(recipient)
        if code not in (250, 251):
            raise SmtpRefusal("rcpt", code, _answer(code, text))
        code, text = client.docmd("DATA")
        if code != 354:
            raise SmtpRefusal("data", code, _answer(code, text))
        payload = _payload(email)
        before_body()
        handed_over = True
        client.send(payload)
        code, text = client.getreply()
        if code != 250:
            raise SmtpRefusal("body", code, _answer(code, text))
        return _answer(code, text)
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        if handed_over:
            raise AnswerLost(f"{type(exc).__name__}: {exc}") from exc
        raise
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def build(message: EmailMessageRow, settings: Settings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = formataddr((message.to_name or "", message.to_email))
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    for item in message.attachments:
        main, _, sub = item["content_type"].partition("/")
        email.add_attachment(
            base64.b64decode(item["data"]),
            maintype=main,
            subtype=sub or "octet-stream",
            filename=item["filename"],
        )
    return email


def _claim(session: Session, message_id: uuid.UUID) -> bool:
    """Take a queued message for this try: one statement, so of two workers one wins."""
    table: Any = EmailMessageRow.__table__  # type: ignore[attr-defined]
    result: Any = session.exec(
        update(EmailMessageRow)
        .where(
            table.c.id == message_id,
            table.c.state == EmailState.QUEUED.value,
            table.c.handed_over_at.is_(None),
        )
        .values(
            state=EmailState.SENDING.value,
            attempts=table.c.attempts + 1,
            claimed_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def _message(session: Session, message_id: uuid.UUID) -> EmailMessageRow:
    found = session.exec(
        select(EmailMessageRow)
        .where(col(EmailMessageRow.id) == message_id)
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFoundError("Email not found.")
    return found


def suppress(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    email: str,
    reason: str,
    message_ref: uuid.UUID | None,
) -> None:
    add_unless_exists(
        session,
        EmailSuppression(
            tenant_id=tenant_id, email=_normal(email), reason=reason[:500], message_ref=message_ref
        ),
        key=["tenant_id", "email"],
    )


def deliver(
    ctx: TenantContext,
    *,
    message_id: uuid.UUID,
    settings: Settings,
    scope: Callable[[TenantContext], Any],
) -> str:
    """One try at sending a queued message (the job); its state afterwards. Each step is
    committed in its own unit of work (`scope(ctx)`, the agency's). Raises AgencyMailError
    (permanent or not) when the queue should know the try failed."""
    with scope(ctx) as session:
        if not _claim(session, message_id):
            return _message(session, message_id).state  # sent, held or finished elsewhere
        message = _message(session, message_id)
        if is_suppressed(session, email=message.to_email):
            message.state = EmailState.SUPPRESSED.value
            message.last_answer = "The address is on the suppression list."
            session.add(message)
            _log(session, message, EventKind.SUPPRESSED, "Not sent: the address is suppressed.")
            return message.state
        email = build(message, settings)
        recipient, tries = message.to_email, message.attempts

    def hand_over() -> None:
        with scope(ctx) as session:
            session.exec(
                update(EmailMessageRow)
                .where(col(EmailMessageRow.id) == message_id)
                .values(handed_over_at=utcnow())
                .execution_options(synchronize_session=False)
            )

    smtp_url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
    sender = parseaddr(settings.mail_from)[1] or settings.mail_from
    failure: AgencyMailError | None = None
    try:
        if smtp_url is None:  # development: kept, shown in the log
            hand_over()
            answer = "No mail server is set up: kept in TravelCRM, not sent."
        else:
            answer = converse(
                smtp_url,
                sender=sender,
                recipient=recipient,
                email=email,
                timeout=settings.smtp_timeout_seconds,
                before_body=hand_over,
            )
    except AnswerLost as exc:
        with scope(ctx) as session:
            message = _message(session, message_id)
            message.state = EmailState.UNCONFIRMED.value
            message.last_answer = (
                "The connection dropped after the message was handed over; it is not sent "
                "again, so it cannot arrive twice."
            )
            session.add(message)
            _log(session, message, EventKind.FAILED, f"{message.last_answer} ({exc})")
            return message.state
    except SmtpRefusal as exc:
        permanent = exc.code >= 500
        with scope(ctx) as session:
            message = _message(session, message_id)
            message.last_answer = exc.text[:500]
            if permanent and exc.stage in ("rcpt", "body"):
                message.state = EmailState.FAILED.value
                _log(session, message, EventKind.BOUNCED, exc.text)
                suppress(
                    session,
                    tenant_id=ctx.tenant_id,
                    email=message.to_email,
                    reason=exc.text,
                    message_ref=message.id,
                )
                _log(session, message, EventKind.SUPPRESSED, f"{message.to_email} suppressed")
            else:
                failure = _after_failure(
                    session, message, exc.text, permanent=permanent, tries=tries
                )
            session.add(message)
        raise AgencyMailError(exc.text, permanent=True) if failure is None else failure from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        detail = f"{type(exc).__name__}: {exc}"[:300]
        with scope(ctx) as session:
            message = _message(session, message_id)
            message.last_answer = detail
            failure = _after_failure(session, message, detail, permanent=False, tries=tries)
            session.add(message)
        raise failure from exc
    with scope(ctx) as session:
        message = _message(session, message_id)
        message.state = EmailState.SENT.value
        message.sent_at = utcnow()
        message.last_answer = answer
        session.add(message)
        _log(session, message, EventKind.SENT, answer)
        return message.state


def _after_failure(
    session: Session, message: EmailMessageRow, detail: str, *, permanent: bool, tries: int
) -> AgencyMailError:
    """A try that failed before the body went: queued for the next try, or failed for good
    (refused, or the last try)."""
    if permanent or tries >= MAX_TRIES:
        message.state = EmailState.FAILED.value
        why = "refused" if permanent else f"gave up after {tries} tries"
        _log(session, message, EventKind.FAILED, f"{detail} ({why})")
        return AgencyMailError(detail, permanent=True)
    message.state = EmailState.QUEUED.value
    message.claimed_at = None
    message.handed_over_at = None  # the server answered: nothing of this try is outstanding
    _log(session, message, EventKind.FAILED, f"{detail} (try {tries} of {MAX_TRIES})")
    return AgencyMailError(detail, permanent=False)


def release_stuck(
    session: Session, ctx: TenantContext, *, now: datetime | None = None
) -> list[uuid.UUID]:
    """The agency's messages a worker took and never finished (it died): queued again when
    the body never went, else `unconfirmed` (never sent twice). The ids queued again."""
    cutoff = (now or utcnow()) - STUCK_AFTER
    stuck = session.exec(
        select(EmailMessageRow)
        .where(col(EmailMessageRow.state) == EmailState.SENDING.value)
        .where(col(EmailMessageRow.claimed_at) < cutoff)
        .limit(500)
    ).all()
    again = []
    for message in stuck:
        if message.handed_over_at is None:
            message.state = EmailState.QUEUED.value
            again.append(message.id)
        else:
            message.state = EmailState.UNCONFIRMED.value
            message.last_answer = "The worker stopped after handing the message over."
            _log(session, message, EventKind.FAILED, message.last_answer)
        session.add(message)
    for message_id in again:
        enqueue_after_commit(session, JOB, tenant_id=str(ctx.tenant_id), message_id=str(message_id))
    return again


def release_all_stuck(*, now: datetime | None = None) -> int:
    """`release_stuck` for every agency, each in its own scope (the periodic job)."""
    with session_scope() as session:
        agencies = session.exec(select(Tenant.id)).all()
    released = 0
    for tenant_id in agencies:
        ctx = TenantContext(tenant_id, None, Role.OWNER)  # the system, acting for the agency
        with tenant_scope(ctx) as session:
            released += len(release_stuck(session, ctx, now=now))
    return released


# ---- tracking ------------------------------------------------------------------------------------


def record_open(session: Session, *, message_id: uuid.UUID, user_agent: str | None) -> bool:
    """An open of the pixel: logged; counted when a person's (True), flagged when a
    privacy proxy's prefetch."""
    message = session.exec(
        select(EmailMessageRow).where(col(EmailMessageRow.id) == message_id)
    ).first()
    if message is None:
        return False
    now = utcnow()
    prefetch = tracking.is_prefetch(user_agent, opened_at=now, sent_at=message.sent_at)
    _log(
        session,
        message,
        EventKind.OPENED,
        "A mail-privacy proxy fetched the images" if prefetch else None,
        prefetch=prefetch,
        user_agent=(user_agent or "")[:300] or None,
    )
    if not prefetch:
        session.exec(
            update(EmailMessageRow)
            .where(col(EmailMessageRow.id) == message.id)
            .values(opens=col(EmailMessageRow.opens) + 1)
            .execution_options(synchronize_session=False)
        )
    return not prefetch


def record_click(
    session: Session, *, message_id: uuid.UUID, url: str, user_agent: str | None
) -> str | None:
    """The link to send the reader on to: `url` when it is one of this message's links
    (logged, counted), else None (never an open redirect)."""
    message = session.exec(
        select(EmailMessageRow).where(col(EmailMessageRow.id) == message_id)
    ).first()
    if message is None or url not in (message.links or []):
        return None
    _log(
        session,
        message,
        EventKind.CLICKED,
        None,
        url=url[:2000],
        user_agent=(user_agent or "")[:300] or None,
    )
    session.exec(
        update(EmailMessageRow)
        .where(col(EmailMessageRow.id) == message.id)
        .values(clicks=col(EmailMessageRow.clicks) + 1)
        .execution_options(synchronize_session=False)
    )
    return url


# ---- the log, the queue, suppressions ------------------------------------------------------------


def list_messages(
    session: Session,
    ctx: TenantContext,
    *,
    params: PageParams,
    states: Iterable[str] | None = None,
) -> tuple[list[EmailMessageRow], str | None]:
    """The agency's emails, newest first (only those in `states` when given)."""
    require(ctx, Action.MAIL_LOG)
    statement = select(EmailMessageRow)
    if states is not None:
        statement = statement.where(col(EmailMessageRow.state).in_(list(states)))
    return keyset_page(
        session,
        statement,
        order_by=[col(EmailMessageRow.created_at), col(EmailMessageRow.id)],
        key=lambda row: [row.created_at.isoformat(), str(row.id)],
        params=params,
        convert=[datetime.fromisoformat, uuid.UUID],
        descending=True,
    )


QUEUE_STATES = (EmailState.QUEUED.value, EmailState.SENDING.value)


def get_message(session: Session, ctx: TenantContext, *, message_id: uuid.UUID) -> EmailMessageRow:
    require(ctx, Action.MAIL_LOG)
    return _message(session, message_id)


def list_events(
    session: Session,
    ctx: TenantContext,
    *,
    message_id: uuid.UUID | None = None,
    limit: int = 200,
) -> list[EmailEvent]:
    """The delivery log, newest first (of one message when given)."""
    require(ctx, Action.MAIL_LOG)
    statement = select(EmailEvent).order_by(col(EmailEvent.at).desc(), col(EmailEvent.id).desc())
    if message_id is not None:
        _message(session, message_id)
        statement = statement.where(col(EmailEvent.message_ref) == message_id)
    return list(session.exec(statement.limit(limit)).all())


def list_suppressions(session: Session, ctx: TenantContext) -> list[EmailSuppression]:
    require(ctx, Action.MAIL_LOG)
    return list(
        session.exec(select(EmailSuppression).order_by(col(EmailSuppression.created_at).desc()))
    )


def clear_suppression(session: Session, ctx: TenantContext, *, suppression_id: uuid.UUID) -> None:
    """Mail may go to the address again."""
    require(ctx, Action.MAIL_TEMPLATES)
    row = session.exec(
        select(EmailSuppression).where(col(EmailSuppression.id) == suppression_id)
    ).first()
    if row is None:
        raise NotFoundError("Suppressed address not found.")
    if row.message_ref is not None:
        message = session.exec(
            select(EmailMessageRow).where(col(EmailMessageRow.id) == row.message_ref)
        ).first()
        if message is not None:
            _log(session, message, EventKind.UNSUPPRESSED, f"{row.email} cleared")
    session.delete(row)
    session.flush()

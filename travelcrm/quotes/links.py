"""Proposal links: the customer's signed, revocable link to one quote version, and the emails
that carry it (quote sent, reminder before expiry, acceptance confirmation).

A link's token is `base64url(agency id | link id | 24 random bytes)`: the agency and the link
say which agency's unit of work to open (no lookup across agencies), the random part is the
secret, and only its SHA-256 is stored (`QuoteLink.secret_sha256`). A link works while its
version waits for the customer (or shows the answer given), until the end of the version's
validity (the agency's calendar day) or until staff revoke it.

The page's forms carry a CSRF token bound to the link: an HMAC of the link (key derived from
SECRET_KEY for this purpose only).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from travelcrm.accounts.models import User
from travelcrm.core.clock import utcnow
from travelcrm.core.crypto import derive_key
from travelcrm.core.errors import FieldError, NotFoundError, ValidationFailedError
from travelcrm.core.locale import date_text, money_text
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists
from travelcrm.customers import services as customers
from travelcrm.mail.models import PdfMode
from travelcrm.mail.services import Attachment, send_templated
from travelcrm.mail.templates import template_for
from travelcrm.quotes.machine import OPEN, QuoteState
from travelcrm.quotes.models import Quote, QuoteLink, QuoteReminder
from travelcrm.settings import get_settings
from travelcrm.tenants.models import Tenant

PUBLIC_PATH = "/api/public/quotes"
CSRF_PURPOSE = b"travelcrm/proposal-csrf/v1"
SECRET_BYTES = 24
REMINDER_DAYS = 3  # the reminder goes this many days before the validity ends


class LinkNotFoundError(NotFoundError):
    code = "proposal_not_found"
    title = "This proposal link is not valid"


@dataclass(frozen=True)
class Token:
    tenant_id: uuid.UUID
    link_id: uuid.UUID
    secret: bytes


def _sha(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()


def encode(token: Token) -> str:
    raw = token.tenant_id.bytes + token.link_id.bytes + token.secret
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str) -> Token:
    """The parts of a token, else LinkNotFoundError (nothing about why)."""
    if not text or len(text) > 120:
        raise LinkNotFoundError("This proposal link is not valid.")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise LinkNotFoundError("This proposal link is not valid.") from None
    if len(raw) != 32 + SECRET_BYTES:
        raise LinkNotFoundError("This proposal link is not valid.")
    return Token(uuid.UUID(bytes=raw[:16]), uuid.UUID(bytes=raw[16:32]), raw[32:])


def url_of(token: str) -> str:
    return f"{get_settings().link_base}{PUBLIC_PATH}/{token}"


def csrf_token(link: QuoteLink) -> str:
    key = derive_key(get_settings().secret_key.get_secret_value(), info=CSRF_PURPOSE)
    digest = hmac.new(key, link.id.bytes + link.secret_sha256.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def csrf_ok(link: QuoteLink, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(link).encode(), (given or "").encode())


def issue_link(
    session: Session, ctx: TenantContext, *, quote: Quote, purpose: str = "email"
) -> str:
    """A new link to `quote` (a sent version): its token, shown once; only the hash is kept."""
    require(ctx, Action.QUOTES_EDIT)
    secret = secrets.token_bytes(SECRET_BYTES)
    link = QuoteLink(
        tenant_id=ctx.tenant_id,
        quote_id=quote.id,
        secret_sha256=_sha(secret),
        purpose=purpose,
        created_by=ctx.user_id,
    )
    session.add(link)
    session.flush()
    return encode(Token(ctx.tenant_id, link.id, secret))


def revoke_links(session: Session, ctx: TenantContext, *, quote_id: uuid.UUID) -> int:
    """Staff end every link to a version at once (the customer's page then says so)."""
    require(ctx, Action.QUOTES_EDIT)
    quote = session.get(Quote, (ctx.tenant_id, quote_id))
    if quote is None:
        raise NotFoundError("There is no such quote.")
    links = session.exec(
        select(QuoteLink).where(
            col(QuoteLink.quote_id) == quote_id, col(QuoteLink.revoked_at).is_(None)
        )
    ).all()
    now = utcnow()
    for link in links:
        link.revoked_at = now
        link.revoked_by = ctx.user_id
        session.add(link)
    session.flush()
    return len(links)


def live_links(session: Session, ctx: TenantContext, *, quote_id: uuid.UUID) -> int:
    require(ctx, Action.QUOTES_VIEW)
    return len(
        session.exec(
            select(QuoteLink.id).where(
                col(QuoteLink.quote_id) == quote_id, col(QuoteLink.revoked_at).is_(None)
            )
        ).all()
    )


def find_link(session: Session, token: Token) -> QuoteLink:
    """The link of `token` in the scope's agency (the secret checked in constant time), revoked
    or not; else LinkNotFoundError. Reads only."""
    link = session.exec(select(QuoteLink).where(col(QuoteLink.id) == token.link_id)).first()
    if link is None or link.tenant_id != token.tenant_id:
        raise LinkNotFoundError("This proposal link is not valid.")
    if not hmac.compare_digest(link.secret_sha256, _sha(token.secret)):
        raise LinkNotFoundError("This proposal link is not valid.")
    return link


# ---- the emails ----------------------------------------------------------------------------------


def _recipient(session: Session, ctx: TenantContext, quote: Quote) -> tuple[str, str]:
    """(email, name) of the quote's customer, else a ValidationFailedError at the send."""
    customer = None
    if quote.customer_id is not None:
        try:
            customer = customers.get_customer(session, ctx, customer_id=quote.customer_id)
        except NotFoundError:
            customer = None
    if customer is None or not customer.email:
        raise ValidationFailedError(
            "The customer has no email address: add one to the customer, then send again.",
            errors=[FieldError("customer_email", "Add the customer's email address.", "missing")],
        )
    return customer.email, quote.customer_name or customer.name


def _agent_name(session: Session, user_id: uuid.UUID | None) -> str:
    agent = session.get(User, user_id) if user_id else None
    return agent.name if agent is not None and agent.name else ""


def _variables(
    session: Session, quote: Quote, *, name: str, agent: uuid.UUID | None
) -> dict[str, Any]:
    tenant = session.get(Tenant, quote.tenant_id)
    assert tenant is not None
    locale = tenant.locale
    return {
        "customer_name": name,
        "agency_name": tenant.name,
        "agent_name": _agent_name(session, agent) or tenant.name,
        "quote_number": f"{quote.reference} v{quote.version}",
        "trip_title": quote.title,
        "travel_date": date_text(quote.start_date, locale=locale),
        "total": money_text(quote.total, quote.currency, locale=locale),
        "valid_until": date_text(quote.valid_until, locale=locale),
    }


def _pdf_for(session: Session, ctx: TenantContext, quote: Quote, kind: str) -> list[Attachment]:
    """The quote version's branded PDF when the agency's template of `kind` attaches it
    (rendered once per version and checksum, then reused); nothing when it links instead."""
    if template_for(session, ctx, kind=kind).pdf_mode != PdfMode.ATTACH.value:
        return []
    from travelcrm.quotes.documents import quote_pdf  # it reads quotes through their services

    data, filename = quote_pdf(session, ctx, quote_id=quote.id)
    return [Attachment(filename=filename, content_type="application/pdf", data=data)]


def pdf_url(proposal_url: str) -> str:
    """The PDF of the version a proposal link shows, through that same link."""
    return f"{proposal_url}/pdf"


def send_quote_email(session: Session, ctx: TenantContext, *, quote: Quote) -> uuid.UUID:
    """The "quote sent" email to the customer with a fresh link to this version, once per
    version (a second call finds the first message by its send key)."""
    email, name = _recipient(session, ctx, quote)
    proposal_url = url_of(issue_link(session, ctx, quote=quote, purpose="email"))
    variables = _variables(session, quote, name=name, agent=ctx.user_id or quote.created_by)
    variables |= {"proposal_url": proposal_url, "pdf_url": pdf_url(proposal_url)}
    return send_templated(
        session,
        ctx,
        kind="quote_sent",
        to_email=email,
        to_name=name,
        variables=variables,
        attachments=_pdf_for(session, ctx, quote, "quote_sent"),
        send_key=f"quote-sent:{quote.id}",
        related_type="quote",
        related_id=quote.id,
    )


def send_accepted_email(
    session: Session, ctx: TenantContext, *, quote: Quote, email: str | None, name: str
) -> uuid.UUID | None:
    """The acceptance confirmation, once per version, to the address given on the page (else
    the customer's)."""
    if not email:
        try:
            email, _ = _recipient(session, ctx, quote)
        except ValidationFailedError:
            return None
    tenant = session.get(Tenant, quote.tenant_id)
    assert tenant is not None
    deposit = next((p for p in quote.schedule if p.get("on_acceptance")), None)
    first = deposit or (quote.schedule[0] if quote.schedule else None)
    amount = first["amount"] if first else str(quote.total)
    due = date.fromisoformat(first["due_on"]) if first and first.get("due_on") else None
    variables = _variables(session, quote, name=name, agent=quote.created_by)
    variables |= {
        "deposit_amount": money_text(amount, quote.currency, locale=tenant.locale),
        "deposit_due": date_text(due, locale=tenant.locale) if due else "on acceptance",
        "pdf_url": "",
    }
    return send_templated(
        session,
        ctx,
        kind="quote_accepted",
        to_email=email,
        to_name=name,
        variables=variables,
        attachments=_pdf_for(session, ctx, quote, "quote_accepted"),
        send_key=f"quote-accepted:{quote.id}",
        related_type="quote",
        related_id=quote.id,
    )


def remind_due(session: Session, ctx: TenantContext, *, on: date) -> int:
    """The periodic job's reminders: each version waiting for the customer whose validity ends
    within REMINDER_DAYS gets one "quote reminder" email with a fresh link, once per version."""
    last = on + timedelta(days=REMINDER_DAYS)
    due = session.exec(
        select(Quote).where(
            col(Quote.state).in_([s.value for s in OPEN]),
            col(Quote.valid_until) >= on,
            col(Quote.valid_until) <= last,
        )
    ).all()
    sent = 0
    for quote in due:
        try:
            email, name = _recipient(session, ctx, quote)
        except ValidationFailedError:
            continue
        marker = QuoteReminder(tenant_id=ctx.tenant_id, quote_id=quote.id)
        if not add_unless_exists(session, marker, key=["tenant_id", "quote_id"]):
            continue  # reminded already
        proposal_url = url_of(issue_link(session, ctx, quote=quote, purpose="reminder"))
        variables = _variables(session, quote, name=name, agent=quote.created_by)
        variables |= {
            "days_left": str((quote.valid_until - on).days),
            "proposal_url": proposal_url,
            "pdf_url": pdf_url(proposal_url),
        }
        send_templated(
            session,
            ctx,
            kind="quote_reminder",
            to_email=email,
            to_name=name,
            variables=variables,
            attachments=_pdf_for(session, ctx, quote, "quote_reminder"),
            send_key=f"quote-reminder:{quote.id}",
            related_type="quote",
            related_id=quote.id,
        )
        sent += 1
    session.flush()
    return sent


def waiting(quote: Quote) -> bool:
    return quote.state in (QuoteState.SENT.value, QuoteState.VIEWED.value)

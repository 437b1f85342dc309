"""The proposal page: what the customer reads behind their link, and their answer.

`open_proposal` only reads (a mail scanner following the link changes nothing): the link's
status (open, accepted, declined, expired, revoked, superseded) and, for a version the
customer may still answer, the document: the trip day by day, the price with the optional
extras, the schedule and the terms, rendered from the version (immutable once sent) in the
agency's branding and locale. That HTML fragment is the canonical "document shown": its
SHA-256 goes into the page and into the accept form; accepting checks it is still the same and
keeps the document and its hash with the acceptance.

`mark_viewed` is the page's beacon (its script posts after load; scanners run none). `accept`
and `decline` go through the quotes machine, once per version (a unique row per version: two
clicks, or two tabs at once, make one answer); the total with the extras ticked is recomputed
here from the version's lines, never taken from the browser.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from email.utils import parseaddr
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlmodel import Session, col, select

from travelcrm.core.errors import ConflictError, FieldError, NotFoundError, ValidationFailedError
from travelcrm.core.locale import amount_text, date_text, datetime_text, money_text, range_text
from travelcrm.core.money import minor_units, round_money
from travelcrm.core.permissions import Action, Role, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists
from travelcrm.documents.render import palette
from travelcrm.itineraries.models import ItineraryItem
from travelcrm.quotes import links
from travelcrm.quotes import services as quotes
from travelcrm.quotes.machine import QuoteState
from travelcrm.quotes.models import Quote, QuoteAcceptance, QuoteLink
from travelcrm.quotes.services import PAYMENT_LABELS, TYPE_LABELS
from travelcrm.suppliers import content as library
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.models import SupplierService
from travelcrm.tenants.models import Tenant
from travelcrm.tenants.services import brand_of


class Status:
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class ProposalClosedError(ConflictError):
    code = "proposal_closed"
    title = "This proposal can no longer be answered"


class ProposalChangedError(ConflictError):
    code = "proposal_changed"
    title = "The proposal changed while it was open"


class BadFormError(NotFoundError):
    """A form without this page's token: answered as an unknown link (nothing to learn)."""

    code = "proposal_not_found"
    title = "This proposal link is not valid"


@dataclass
class Opened:
    link: QuoteLink
    quote: Quote
    tenant: Tenant
    status: str
    document: str = ""
    sha256: str = ""
    optional: dict[str, Decimal] = field(default_factory=dict)  # item id -> amount
    acceptance: QuoteAcceptance | None = None
    context: dict[str, Any] = field(default_factory=dict)


def agency(tenant_id: uuid.UUID) -> TenantContext:
    """The system acting for the agency behind a valid link (the customer has no account)."""
    return TenantContext(tenant_id, None, Role.OWNER)


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("travelcrm.quotes", "templates"),
        autoescape=select_autoescape(("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


def _photos(session: Session, ctx: TenantContext, quote: Quote) -> dict[str, list[dict[str, Any]]]:
    """item id -> its service's photos (ids and captions) and description, from the library."""
    item_ids = [uuid.UUID(line["item_id"]) for line in quote.lines if line.get("item_id")]
    if not item_ids:
        return {}
    rows = session.exec(
        select(ItineraryItem.id, ItineraryItem.service_id).where(
            col(ItineraryItem.id).in_(item_ids)
        )
    ).all()
    services = {item_id: service_id for item_id, service_id in rows if service_id}
    if not services:
        return {}
    blurbs = suppliers.content_for(session, ctx, service_ids=set(services.values()))
    owners = dict(
        session.exec(
            select(SupplierService.id, SupplierService.supplier_id).where(
                col(SupplierService.id).in_(set(services.values()))
            )
        ).all()
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for item_id, service_id in services.items():
        blurb = blurbs.get(service_id)
        if blurb is None:
            continue
        out[str(item_id)] = [
            {
                "id": str(p.id),
                "service_id": str(service_id),
                "supplier_id": str(owners.get(service_id, "")),
                "caption": p.caption or p.alt_text or "",
                "width": p.width,
                "height": p.height,
            }
            for p in blurb.photos[:3]
        ] + ([{"description": blurb.description}] if blurb.description else [])
    return out


def _document_context(session: Session, opened: Opened, token: str) -> dict[str, Any]:
    quote, tenant = opened.quote, opened.tenant
    loc, cur = tenant.locale, quote.currency
    ctx = agency(tenant.id)
    package = quote.grouping == "package"
    try:
        content = _photos(session, ctx, quote)
    except Exception:  # the library is extra: a proposal without photos still reads
        content = {}
    days: dict[int, dict[str, Any]] = {}
    others: list[dict[str, Any]] = []
    optional: list[dict[str, Any]] = []
    for line in quote.lines:
        item_id = line.get("item_id") or ""
        blurb = content.get(item_id, [])
        photos = [p for p in blurb if "id" in p]
        description = next((p["description"] for p in blurb if "description" in p), "")
        row = {
            "kind": TYPE_LABELS.get(line["kind"], str(line["kind"]).title()),
            "title": line["title"],
            "amount": "" if package else money_text(line["amount"], cur, locale=loc),
            "optional": bool(line.get("optional")),
            "description": description,
            "photos": [
                {**p, "url": f"{links.PUBLIC_PATH}/{token}/photos/{p['id']}"} for p in photos
            ],
        }
        if line.get("optional") and item_id:
            amount = Decimal(line["amount"])
            opened.optional[item_id] = amount
            optional.append(
                {
                    "id": item_id,
                    "title": line["title"],
                    "amount": money_text(amount, cur, locale=loc),
                    "minor": int(amount * (10 ** minor_units(cur))),
                }
            )
        day = line.get("day")
        if day:
            on = quote.start_date + timedelta(days=int(day) - 1)
            entry = days.setdefault(
                int(day),
                {
                    "number": int(day),
                    "date": date_text(on, locale=loc),
                    "title": line.get("day_title") or "",
                    "items": [],
                },
            )
            entry["items"].append(row)
        else:
            others.append(row)
    brand = brand_of(session, tenant)
    colours = palette(tenant.primary_color)
    return {
        "brand": {"name": tenant.name, "logo_url": brand.logo_url, **colours},
        "title": quote.title,
        "reference": f"{quote.reference} v{quote.version}",
        "customer_name": quote.customer_name or "",
        "dates": range_text(quote.start_date, quote.end_date, locale=loc),
        "nights": (quote.end_date - quote.start_date).days,
        "paying_pax": quote.paying_pax,
        "days": [days[k] for k in sorted(days)],
        "others": others,
        "optional": optional,
        "package": package,
        "subtotal": money_text(quote.subtotal, cur, locale=loc),
        "taxes": [
            {"name": t["name"], "amount": money_text(t["amount"], cur, locale=loc)}
            for t in quote.taxes
        ],
        "total": money_text(quote.total, cur, locale=loc),
        "per_person": money_text(quote.per_person, cur, locale=loc),
        "schedule": [
            {
                "label": PAYMENT_LABELS.get(p["kind"], str(p["kind"]).title()),
                "due": "On acceptance"
                if p.get("on_acceptance")
                else date_text(date.fromisoformat(p["due_on"]), locale=loc),
                "amount": money_text(p["amount"], cur, locale=loc),
            }
            for p in quote.schedule
        ],
        "valid_until": date_text(quote.valid_until, locale=loc),
        "inclusions": _paragraphs(quote.inclusions),
        "exclusions": _paragraphs(quote.exclusions),
        "terms": _paragraphs(quote.terms),
        "currency": cur,
        "locale": loc,
        "total_minor": int(round_money(quote.total, cur) * (10 ** minor_units(cur))),
        "total_amount": amount_text(quote.total, cur, locale=loc),
    }


def _status(session: Session, link: QuoteLink, quote: Quote) -> str:
    if link.revoked_at is not None:
        return Status.REVOKED
    state = QuoteState(quote.state)
    if state is QuoteState.SUPERSEDED:
        return Status.SUPERSEDED
    if state is QuoteState.ACCEPTED:
        return Status.ACCEPTED
    if state is QuoteState.DECLINED:
        return Status.DECLINED
    if state is QuoteState.EXPIRED:
        return Status.EXPIRED
    if state is QuoteState.DRAFT:
        raise links.LinkNotFoundError("This proposal link is not valid.")
    if quote.valid_until < quotes.agency_today(session, agency(quote.tenant_id)):
        return Status.EXPIRED
    return Status.OPEN


def open_proposal(session: Session, token: str, *, document: bool = True) -> Opened:
    """The link's proposal and its status, and the document for an open one. Reads only.
    `session` is in the token's agency's scope (`links.decode(token).tenant_id`)."""
    parts = links.decode(token)
    link = links.find_link(session, parts)
    quote = session.get(Quote, (parts.tenant_id, link.quote_id))
    tenant = session.get(Tenant, parts.tenant_id)
    if quote is None or tenant is None:
        raise links.LinkNotFoundError("This proposal link is not valid.")
    opened = Opened(link=link, quote=quote, tenant=tenant, status=_status(session, link, quote))
    if opened.status in (Status.ACCEPTED, Status.DECLINED):
        opened.acceptance = session.exec(
            select(QuoteAcceptance).where(col(QuoteAcceptance.quote_id) == quote.id)
        ).first()
    if document or opened.status == Status.OPEN:
        opened.context = _document_context(session, opened, token)
        opened.document = environment().get_template("document.html").render(opened.context)
        opened.sha256 = hashlib.sha256(opened.document.encode()).hexdigest()
    return opened


_MESSAGES = {
    Status.ACCEPTED: ("Thank you, your trip is confirmed", "accepted"),
    Status.DECLINED: ("You declined this proposal", "declined"),
    Status.EXPIRED: (
        "This proposal has expired",
        "It was valid until {valid_until}. Ask {agency} for a new one; they will be glad to help.",
    ),
    Status.REVOKED: (
        "This link is no longer active",
        "{agency} has withdrawn this link. Ask them for the current proposal.",
    ),
    Status.SUPERSEDED: (
        "There is a newer version of this proposal",
        "{agency} has sent you an updated proposal. Open the link in their latest email.",
    ),
}


def page_html(
    opened: Opened,
    token: str,
    *,
    nonce: str,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    notice: str = "",
) -> str:
    """The whole page: the document and, for an open proposal, the answer forms; else the
    status in words (with the answer given, when there is one)."""
    tenant = opened.tenant
    loc = tenant.locale
    message = ""
    heading = ""
    if opened.status != Status.OPEN:
        heading, message = _MESSAGES[opened.status]
        message = message.format(
            valid_until=date_text(opened.quote.valid_until, locale=loc), agency=tenant.name
        )
        a = opened.acceptance
        if opened.status == Status.ACCEPTED:
            when = datetime_text(a.decided_at, tenant.timezone, locale=loc) if a else ""
            extras = ", ".join(
                ln["title"]
                for ln in opened.quote.lines
                if a is not None and ln.get("item_id") in a.optional_items
            )
            total = money_text(a.total, a.currency, locale=loc) if a else ""
            message = (
                (
                    f"Accepted by {a.name} on {when}"
                    + (f", with {extras}" if extras else "")
                    + f": {total} in all."
                )
                if a
                else "This proposal has been accepted."
            ) + f" {tenant.name} will be in touch about the next steps."
        elif opened.status == Status.DECLINED:
            message = (
                f"Thank you for letting {tenant.name} know. "
                "They may contact you with another option."
            )
    base = f"{links.PUBLIC_PATH}/{token}"
    return (
        environment()
        .get_template("page.html")
        .render(
            **(opened.context or {"brand": {"name": tenant.name, **palette(tenant.primary_color)}}),
            document=Markup(opened.document)
            if opened.status in (Status.OPEN, Status.ACCEPTED)
            else "",
            status=opened.status,
            heading=heading,
            message=message,
            notice=notice,
            sha256=opened.sha256,
            csrf=links.csrf_token(opened.link),
            nonce=nonce,
            accept_url=f"{base}/accept",
            decline_url=f"{base}/decline",
            viewed_url=f"{base}/viewed",
            errors=errors or {},
            values=values or {},
            chosen=set((values or {}).get("optional_items", [])),
            page_title=opened.quote.title,
        )
    )


def message_html(title: str, text: str, *, status_code: int = 404) -> str:
    """A page for a link that is not valid (no agency known: plain colours)."""
    del status_code
    return (
        environment()
        .get_template("message.html")
        .render(page_title=title, heading=title, message=text, brand={"name": "", **palette("")})
    )


# ---- the customer's actions ----------------------------------------------------------------------


def _check_form(opened: Opened, csrf: str | None) -> None:
    if not links.csrf_ok(opened.link, csrf):
        raise BadFormError("This proposal link is not valid.")


def mark_viewed(session: Session, token: str, *, csrf: str | None) -> str:
    """The page's beacon: an open version becomes viewed (once; later visits change nothing)."""
    opened = open_proposal(session, token, document=False)
    _check_form(opened, csrf)
    if opened.status == Status.OPEN:
        quotes.mark_viewed(session, agency(opened.tenant.id), quote_id=opened.quote.id)
    return opened.status


@dataclass(frozen=True)
class Answer:
    acceptance: QuoteAcceptance
    repeated: bool  # the same answer came before (a second click): nothing new recorded


def _answered(session: Session, quote_id: uuid.UUID) -> QuoteAcceptance | None:
    return session.exec(
        select(QuoteAcceptance).where(col(QuoteAcceptance.quote_id) == quote_id)
    ).first()


def accept(
    session: Session,
    token: str,
    *,
    csrf: str | None,
    name: str,
    email: str | None,
    consent: bool,
    optional_items: list[str],
    document_sha256: str,
    ip: str | None,
    user_agent: str | None,
) -> Answer:
    """The customer's yes: the version accepted through the machine (its query won), with the
    name, email, consent, time, IP, user agent, the extras chosen, the total recomputed from
    them and the exact document shown with its SHA-256; once per version."""
    opened = open_proposal(session, token)
    _check_form(opened, csrf)
    if opened.status == Status.ACCEPTED:
        earlier = _answered(session, opened.quote.id)
        if earlier is not None:
            return Answer(earlier, repeated=True)
    if opened.status != Status.OPEN:
        raise ProposalClosedError(
            _MESSAGES[opened.status][0] + ".", extra={"status": opened.status}
        )
    name = " ".join((name or "").split())
    email = (email or "").strip() or None
    errors = []
    if not name:
        errors.append(FieldError("name", "Type your full name.", "required"))
    elif len(name) > 200:
        errors.append(FieldError("name", "At most 200 characters.", "too_long"))
    if email is not None:
        shown, address = parseaddr(email)
        if shown or "@" not in address or len(address) > 254 or address != email:
            errors.append(FieldError("email", "This is not an email address.", "invalid"))
    if not consent:
        errors.append(
            FieldError("consent", "Tick the box to agree to the terms and accept.", "required")
        )
    unknown = [i for i in optional_items if i not in opened.optional]
    if unknown:
        errors.append(
            FieldError("optional_items", "Choose among the extras on this page.", "invalid")
        )
    if errors:
        raise ValidationFailedError("Some answers need another look.", errors=errors)
    if document_sha256 != opened.sha256:
        raise ProposalChangedError(
            "The proposal changed while you were reading it. Read it again, then accept."
        )
    chosen = sorted(set(optional_items))
    total = opened.quote.total + sum((opened.optional[i] for i in chosen), Decimal(0))
    row = QuoteAcceptance(
        tenant_id=opened.tenant.id,
        quote_id=opened.quote.id,
        link_id=opened.link.id,
        version=opened.quote.version,
        decision="accepted",
        name=name,
        email=email,
        consent=True,
        ip=(ip or "")[:64] or None,
        user_agent=(user_agent or "")[:500] or None,
        optional_items=chosen,
        total=round_money(total, opened.quote.currency),
        currency=opened.quote.currency,
        document_sha256=opened.sha256,
        document=opened.document,
    )
    if not add_unless_exists(session, row, key=["tenant_id", "quote_id"]):
        earlier = _answered(session, opened.quote.id)
        if earlier is not None and earlier.decision == "accepted":
            return Answer(earlier, repeated=True)
        raise ProposalClosedError("This proposal has been answered already.")
    ctx = agency(opened.tenant.id)
    quote = quotes.accept_quote(
        session, ctx, quote_id=opened.quote.id, row_version=opened.quote.row_version
    )
    extras = ", ".join(ln["title"] for ln in quote.lines if ln.get("item_id") in chosen)
    quotes._event(
        session,
        ctx,
        quote,
        "answered",
        f"Accepted on the proposal page by {name}"
        + (f" with {extras}" if extras else "")
        + f"; total {money_text(row.total, quote.currency, locale=opened.tenant.locale)}.",
    )
    links.send_accepted_email(session, ctx, quote=quote, email=email, name=name)
    session.flush()
    return Answer(_answered(session, quote.id) or row, repeated=False)


def decline(
    session: Session,
    token: str,
    *,
    csrf: str | None,
    reason: str | None,
    ip: str | None,
    user_agent: str | None,
) -> Answer:
    """The customer's no (with an optional reason), through the machine; once per version."""
    opened = open_proposal(session, token)
    _check_form(opened, csrf)
    if opened.status == Status.DECLINED:
        earlier = _answered(session, opened.quote.id)
        if earlier is not None:
            return Answer(earlier, repeated=True)
    if opened.status != Status.OPEN:
        raise ProposalClosedError(
            _MESSAGES[opened.status][0] + ".", extra={"status": opened.status}
        )
    reason = " ".join((reason or "").split())[:500] or None
    row = QuoteAcceptance(
        tenant_id=opened.tenant.id,
        quote_id=opened.quote.id,
        link_id=opened.link.id,
        version=opened.quote.version,
        decision="declined",
        reason=reason,
        ip=(ip or "")[:64] or None,
        user_agent=(user_agent or "")[:500] or None,
        optional_items=[],
        total=opened.quote.total,
        currency=opened.quote.currency,
        document_sha256=opened.sha256,
        document=opened.document,
    )
    if not add_unless_exists(session, row, key=["tenant_id", "quote_id"]):
        earlier = _answered(session, opened.quote.id)
        if earlier is not None and earlier.decision == "declined":
            return Answer(earlier, repeated=True)
        raise ProposalClosedError("This proposal has been answered already.")
    quotes.decline_quote(
        session,
        agency(opened.tenant.id),
        quote_id=opened.quote.id,
        row_version=opened.quote.row_version,
        reason=reason,
    )
    session.flush()
    return Answer(_answered(session, opened.quote.id) or row, repeated=False)


def photo(session: Session, token: str, *, photo_id: uuid.UUID) -> tuple[bytes, str, str]:
    """A photo the proposal shows (of a service on this version), else LinkNotFoundError."""
    opened = open_proposal(session, token)
    if opened.status not in (Status.OPEN, Status.ACCEPTED):
        raise links.LinkNotFoundError("This photo is not available.")
    items = [i for day in opened.context["days"] for i in day["items"]] + opened.context["others"]
    shown = {p["id"]: p for item in items for p in item["photos"]}
    found = shown.get(str(photo_id))
    if found is None or not found["supplier_id"]:
        raise links.LinkNotFoundError("This photo is not available.")
    return library.photo_bytes(
        session,
        agency(opened.tenant.id),
        supplier_id=uuid.UUID(found["supplier_id"]),
        service_id=uuid.UUID(found["service_id"]),
        photo_id=photo_id,
        size="thumb",
    )


def answer_of(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID
) -> QuoteAcceptance | None:
    """The customer's answer on the proposal page, if they gave one (for the staff page)."""
    require(ctx, Action.QUOTES_VIEW)
    return _answered(session, quote_id)

"""Quotes: made from a frozen itinerary version (its snapshot and checksum, read through the
itineraries service), numbered per agency and year (`<prefix>-Q-2026-0001`), with lines
grouped by day, by service type or as one package price, taxes by rule, totals, a price per
person, a payment schedule (`schedule`), validity, inclusions, exclusions and terms.

A version moves through `machine`: draft -> sent -> viewed -> accepted | declined | expired,
superseded when revised. Only a draft changes; a sent version stays as the customer got it.
Sending moves the query to quoted and acceptance to won, through the queries service. A
periodic job expires versions past their validity and tells the agent who made them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from travelcrm.accounts.models import User
from travelcrm.core.clock import as_utc, today, utcnow
from travelcrm.core.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.money import round_money
from travelcrm.core.pagination import PageParams, keyset_page
from travelcrm.core.permissions import Action, Role, require
from travelcrm.core.sequences import next_number
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists
from travelcrm.core.versions import advance_version
from travelcrm.customers import services as customers
from travelcrm.db import session_scope, tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.mail.services import Mail, queue_emails
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryStatus
from travelcrm.quotes import links, machine, schedule
from travelcrm.quotes.machine import QuoteState
from travelcrm.quotes.models import Quote, QuoteEvent, QuoteSettings
from travelcrm.quotes.schemas import (
    Change,
    Comparison,
    Grouping,
    LineGroup,
    QuoteCreate,
    QuoteLine,
    QuoteListItem,
    QuoteSettingsIn,
    QuoteSettingsPublic,
    QuoteTax,
    QuoteUpdate,
    QuoteVersionPublic,
    SchedulePayment,
)
from travelcrm.tenants.models import Tenant, TenantStatus
from travelcrm.tenants.services import agency_timezone, own_tenant
from travelcrm.timeline import services as timeline
from travelcrm.timeline.models import SubjectType

SERIES = "quote"  # per agency and year: "quote:2026"
TYPE_LABELS = {
    "stay": "Accommodation",
    "transfer": "Transfers",
    "transport": "Transport",
    "activity": "Activities",
    "guide": "Guides",
    "meal": "Meals",
    "flight": "Flights",
    "other": "Other services",
}
PAYMENT_LABELS = {
    "deposit": "Deposit on acceptance",
    "instalment": "Instalment",
    "balance": "Balance",
    "full": "Full payment on acceptance",
}
_WORD = re.compile(r"[A-Za-z0-9]+")


class QuoteLockedError(ConflictError):
    """A write to a version that is no longer a draft."""

    code = "quote_not_draft"
    title = "This quote version can no longer change"


class QuoteStateError(ConflictError):
    """A move the quote's state machine does not allow."""

    code = "quote_state"
    title = "Not possible in this state"


# ---- settings ------------------------------------------------------------------------------------


def quote_settings(session: Session, ctx: TenantContext) -> QuoteSettings:
    """The agency's quote defaults: a row with the defaults is made on first use (two first
    uses at once both get the one row)."""
    found = session.exec(select(QuoteSettings)).first()
    if found is not None:
        return found
    add_unless_exists(session, QuoteSettings(tenant_id=ctx.tenant_id), key=["tenant_id"])
    return session.exec(select(QuoteSettings)).one()


def update_settings(
    session: Session, ctx: TenantContext, *, data: QuoteSettingsIn, row_version: int
) -> QuoteSettings:
    require(ctx, Action.PRICING_SETTINGS)
    if data.deposit_kind is schedule.DepositKind.PERCENT and data.deposit_value > 100:
        raise ValidationFailedError(
            "A deposit percent is 0 to 100.",
            errors=[FieldError("deposit_value", "Use a percent from 0 to 100.", "too_large")],
        )
    found = quote_settings(session, ctx)
    values: dict[str, Any] = data.model_dump(mode="python")
    values["grouping"] = data.grouping.value
    values["deposit_kind"] = data.deposit_kind.value
    values["updated_at"] = utcnow()
    if not advance_version(session, found, read=row_version, values=values):
        raise VersionConflictError.at(
            "Someone else changed the quote settings meanwhile; reload and try again.",
            current_row_version=found.row_version,
        )
    return found


def read_settings(session: Session, ctx: TenantContext) -> QuoteSettingsPublic:
    """The agency's quote defaults as shown (the prefix empty while it is derived)."""
    require(ctx, Action.QUOTES_VIEW)
    return QuoteSettingsPublic.model_validate(quote_settings(session, ctx), from_attributes=True)


def derived_prefix(tenant: Tenant) -> str:
    """The agency's initials when it names no reference prefix: "Sunrise Holidays" -> "SH"."""
    words = _WORD.findall(tenant.name) or _WORD.findall(tenant.slug)
    initials = "".join(w[0] for w in words).upper()
    return (initials or "AG")[:6]


def reference_of(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-Q-{year}-{number:04d}"


# ---- reading -------------------------------------------------------------------------------------


def _quote(session: Session, quote_id: uuid.UUID) -> Quote:
    found = session.exec(select(Quote).where(col(Quote.id) == quote_id)).first()
    if found is None:
        raise NotFoundError("Quote not found.")
    return found


def get_quote(session: Session, ctx: TenantContext, *, quote_id: uuid.UUID) -> Quote:
    require(ctx, Action.QUOTES_VIEW)
    return _quote(session, quote_id)


def name_of(quote: Quote) -> str:
    return f"{quote.reference} v{quote.version}"


def _lines(quote: Quote) -> list[QuoteLine]:
    package = quote.grouping == Grouping.PACKAGE.value
    return [
        QuoteLine(
            item_id=uuid.UUID(line["item_id"]) if line.get("item_id") else None,
            day=line.get("day"),
            kind=line["kind"],
            title=line["title"],
            amount=None if package else Decimal(line["amount"]),
            optional=bool(line.get("optional")),
        )
        for line in quote.lines
    ]


def groups_of(quote: Quote) -> list[LineGroup]:
    """The lines as the quote groups them, each group with the sum of its counted lines."""
    lines = _lines(quote)
    if quote.grouping == Grouping.PACKAGE.value:
        return [LineGroup(key="package", label="Package price", lines=lines, amount=quote.subtotal)]
    keyed: dict[str, list[QuoteLine]] = {}
    labels: dict[str, str] = {}
    days = {line.get("day"): line.get("day_title") or "" for line in quote.lines}
    for line in lines:
        if quote.grouping == Grouping.DAY.value:
            key = f"day-{line.day:03d}" if line.day else "other"
            title = days.get(line.day, "") if line.day else ""
            labels[key] = (
                (f"Day {line.day}" + (f": {title}" if title else "")) if line.day else "Other"
            )
        else:
            key = line.kind
            labels[key] = TYPE_LABELS.get(line.kind, line.kind.title())
        keyed.setdefault(key, []).append(line)
    out = [
        LineGroup(
            key=key,
            label=labels[key],
            lines=group,
            amount=sum((ln.amount or Decimal(0) for ln in group if not ln.optional), Decimal(0)),
        )
        for key, group in sorted(keyed.items())
    ]
    return out


def to_public(quote: Quote) -> QuoteVersionPublic:
    return QuoteVersionPublic(
        id=quote.id,
        reference=quote.reference,
        version=quote.version,
        state=QuoteState(quote.state),
        title=quote.title,
        itinerary_id=quote.itinerary_id,
        itinerary_version=quote.itinerary_version,
        checksum=quote.checksum,
        query_id=quote.query_id,
        customer_id=quote.customer_id,
        customer_name=quote.customer_name,
        revised_from_id=quote.revised_from_id,
        grouping=Grouping(quote.grouping),
        currency=quote.currency,
        start_date=quote.start_date,
        end_date=quote.end_date,
        paying_pax=quote.paying_pax,
        groups=groups_of(quote),
        taxes=[QuoteTax.model_validate(t) for t in quote.taxes],
        subtotal=round_money(quote.subtotal, quote.currency),
        rounding=round_money(quote.rounding, quote.currency),
        tax_total=round_money(quote.tax_total, quote.currency),
        total=round_money(quote.total, quote.currency),
        per_person=round_money(quote.per_person, quote.currency),
        deposit_kind=schedule.DepositKind(quote.deposit_kind),
        deposit_value=round_money(quote.deposit_value, quote.currency),
        balance_days_before=quote.balance_days_before,
        instalments=quote.instalments,
        schedule=[SchedulePayment.model_validate(p) for p in quote.schedule],
        valid_until=quote.valid_until,
        inclusions=quote.inclusions,
        exclusions=quote.exclusions,
        terms=quote.terms,
        sent_at=quote.sent_at,
        viewed_at=quote.viewed_at,
        decided_at=quote.decided_at,
        decline_reason=quote.decline_reason,
        expired_at=quote.expired_at,
        row_version=quote.row_version,
        created_at=quote.created_at,
    )


def list_item(quote: Quote) -> QuoteListItem:
    return QuoteListItem(
        id=quote.id,
        reference=quote.reference,
        version=quote.version,
        state=QuoteState(quote.state),
        title=quote.title,
        query_id=quote.query_id,
        customer_name=quote.customer_name,
        currency=quote.currency,
        total=round_money(quote.total, quote.currency),
        valid_until=quote.valid_until,
        created_at=quote.created_at,
    )


@dataclass(frozen=True)
class QuotePage:
    items: list[QuoteListItem]
    next_cursor: str | None


def list_quotes(
    session: Session,
    ctx: TenantContext,
    *,
    page: PageParams,
    states: Sequence[QuoteState] = (),
    query_id: uuid.UUID | None = None,
    itinerary_id: uuid.UUID | None = None,
) -> QuotePage:
    """Quote versions, newest first, by state, query or itinerary; keyset pages."""
    require(ctx, Action.QUOTES_VIEW)
    statement = select(Quote)
    if states:
        statement = statement.where(col(Quote.state).in_([s.value for s in states]))
    if query_id is not None:
        statement = statement.where(col(Quote.query_id) == query_id)
    if itinerary_id is not None:
        statement = statement.where(col(Quote.itinerary_id) == itinerary_id)
    rows, next_cursor = keyset_page(
        session,
        statement,
        order_by=[col(Quote.created_at), col(Quote.id)],
        key=lambda q: [as_utc(q.created_at).isoformat(), str(q.id)],
        params=page,
        descending=True,
        convert=[datetime.fromisoformat, uuid.UUID],
    )
    return QuotePage([list_item(q) for q in rows], next_cursor)


def versions(session: Session, ctx: TenantContext, *, quote_id: uuid.UUID) -> list[Quote]:
    """Every version of the quote, the first first."""
    quote = get_quote(session, ctx, quote_id=quote_id)
    return list(
        session.exec(
            select(Quote)
            .where(col(Quote.reference) == quote.reference)
            .order_by(col(Quote.version))
        ).all()
    )


def events(session: Session, ctx: TenantContext, *, quote_id: uuid.UUID) -> list[QuoteEvent]:
    get_quote(session, ctx, quote_id=quote_id)
    return list(
        session.exec(
            select(QuoteEvent)
            .where(col(QuoteEvent.quote_id) == quote_id)
            .order_by(col(QuoteEvent.occurred_at), col(QuoteEvent.id))
        ).all()
    )


# ---- making --------------------------------------------------------------------------------------


def agency_today(session: Session, ctx: TenantContext) -> date:
    return today(agency_timezone(session, ctx))


def _policy(quote: Quote) -> schedule.Policy:
    return schedule.Policy(
        deposit_kind=schedule.DepositKind(quote.deposit_kind),
        deposit_value=round_money(quote.deposit_value, quote.currency),
        balance_days_before=quote.balance_days_before,
        instalments=quote.instalments,
    )


def _schedule(quote: Quote, on: date) -> list[dict[str, Any]]:
    payments = schedule.build(
        quote.total, quote.currency, policy=_policy(quote), today=on, travel_start=quote.start_date
    )
    return [
        {
            "kind": p.kind.value,
            "due_on": p.due_on.isoformat(),
            "amount": str(p.amount),
            "on_acceptance": p.on_acceptance,
        }
        for p in payments
    ]


def _event(
    session: Session,
    ctx: TenantContext,
    quote: Quote,
    kind: str,
    body: str,
    *,
    data: dict[str, Any] | None = None,
    on_query: bool = False,
    by_system: bool = False,
) -> None:
    """An entry in the quote's history; `on_query` also puts it on its query's timeline,
    where the agent working the query sees it."""
    session.add(
        QuoteEvent(
            tenant_id=ctx.tenant_id,
            quote_id=quote.id,
            kind=kind,
            body=body,
            data=data or {},
            actor_user_id=None if by_system else ctx.user_id,
        )
    )
    if on_query and quote.query_id is not None:
        timeline.record(
            session,
            ctx,
            subject_type=SubjectType.QUERY,
            subject_id=quote.query_id,
            kind="quote",
            body=body,
            data={"quote_id": str(quote.id), "event": kind, **(data or {})},
            by_system=by_system,
        )


def _from_snapshot(payload: dict[str, Any]) -> dict[str, Any]:
    """The figures a quote copies from a frozen version's snapshot."""
    sheet: Any = payload["sheet"]
    shown: Any = payload["itinerary"]
    currency = str(sheet["currency"])
    day_titles = {d["position"]: d.get("title") or "" for d in shown.get("days", [])}
    lines = [
        {
            "item_id": line["item_id"],
            "day": line.get("day"),
            "day_title": day_titles.get(line.get("day"), ""),
            "kind": line["kind"],
            "title": line["title"],
            "amount": str(line["gross"]),
            "optional": bool(line.get("optional")),
        }
        for line in sheet["lines"]
    ]
    subtotal = Decimal(str(sheet["total"]["gross"]))
    counted = sum((Decimal(ln["amount"]) for ln in lines if not ln["optional"]), Decimal(0))
    taxes = [
        {
            "rule_id": str(t["rule_id"]),
            "name": t["name"],
            "kind": t["kind"],
            "rate_pct": None if t.get("rate_pct") is None else str(t["rate_pct"]),
            "base": str(t["base"]),
            "amount": str(t["amount"]),
        }
        for t in sheet["taxes"]
    ]
    tax_total = sum((Decimal(t["amount"]) for t in taxes), Decimal(0))
    total = Decimal(str(sheet["total_with_taxes"]))
    paying = max(int(sheet.get("paying_pax") or 1), 1)
    return {
        "currency": currency,
        "lines": lines,
        "subtotal": subtotal,
        "rounding": subtotal - counted,
        "taxes": taxes,
        "tax_total": tax_total,
        "total": total,
        "paying_pax": paying,
        "per_person": round_money(total / paying, currency),
        "title": shown["title"],
        "start_date": date.fromisoformat(shown["start_date"]),
        "end_date": date.fromisoformat(shown["end_date"]),
        "query_id": uuid.UUID(shown["query_id"]) if shown.get("query_id") else None,
        "customer_id": uuid.UUID(shown["customer_id"]) if shown.get("customer_id") else None,
    }


def _customer_name(session: Session, ctx: TenantContext, customer_id: uuid.UUID | None) -> Any:
    if customer_id is None:
        return None
    try:
        return customers.get_customer(session, ctx, customer_id=customer_id).name
    except NotFoundError:
        return None


def _check_validity(valid_until: date, on: date) -> None:
    if valid_until < on:
        raise ValidationFailedError(
            "A quote is valid until a day that has not passed.",
            errors=[FieldError("valid_until", "Choose today or a later day.", "in_the_past")],
        )


def create_quote(session: Session, ctx: TenantContext, *, data: QuoteCreate) -> Quote:
    """A draft from a frozen version of an itinerary: its lines, taxes and totals as frozen
    (with the checksum), the agency's defaults for validity, schedule, inclusions,
    exclusions and terms; numbered in the agency's series of this year."""
    require(ctx, Action.QUOTES_EDIT)
    frozen = itineraries.snapshot(
        session, ctx, itinerary_id=data.itinerary_id, version=data.itinerary_version
    )
    defaults = quote_settings(session, ctx)
    on = agency_today(session, ctx)
    valid_until = data.valid_until or on + timedelta(days=defaults.validity_days)
    _check_validity(valid_until, on)
    figures = _from_snapshot(frozen.payload)
    tenant = own_tenant(session, ctx)
    prefix = defaults.reference_prefix or derived_prefix(tenant)
    year = on.year
    quote = Quote(
        tenant_id=ctx.tenant_id,
        number=0,
        reference="",
        itinerary_id=frozen.itinerary_id,
        itinerary_version=frozen.version,
        checksum=frozen.checksum,
        query_id=figures["query_id"],
        customer_id=figures["customer_id"],
        customer_name=_customer_name(session, ctx, figures["customer_id"]),
        title=figures["title"],
        grouping=(data.grouping or Grouping(defaults.grouping)).value,
        currency=figures["currency"],
        start_date=figures["start_date"],
        end_date=figures["end_date"],
        paying_pax=figures["paying_pax"],
        lines=figures["lines"],
        taxes=figures["taxes"],
        subtotal=figures["subtotal"],
        rounding=figures["rounding"],
        tax_total=figures["tax_total"],
        total=figures["total"],
        per_person=figures["per_person"],
        deposit_kind=defaults.deposit_kind,
        deposit_value=defaults.deposit_value,
        balance_days_before=defaults.balance_days_before,
        instalments=defaults.instalments,
        valid_until=valid_until,
        inclusions=defaults.inclusions,
        exclusions=defaults.exclusions,
        terms=defaults.terms,
        created_by=ctx.user_id,
    )
    quote.schedule = _schedule(quote, on)
    # the number last: the agency's series is held from here until this unit of work ends
    quote.number = next_number(session, ctx, f"{SERIES}:{year}")
    quote.reference = reference_of(prefix, year, quote.number)
    session.add(quote)
    session.flush()
    _event(
        session,
        ctx,
        quote,
        "created",
        f"{name_of(quote)} made from the frozen itinerary (version {quote.itinerary_version}).",
        data={"checksum": quote.checksum},
    )
    session.flush()
    return quote


# ---- changing a draft ----------------------------------------------------------------------------


def _stale(quote: Quote) -> VersionConflictError:
    return VersionConflictError.at(
        f"Someone else changed {name_of(quote)} since you opened it (it is now "
        f"{machine.label(quote.state).lower()}); reload and try again.",
        current_row_version=quote.row_version,
        current_state=quote.state,
    )


def _locked(quote: Quote) -> QuoteLockedError:
    return QuoteLockedError(
        f"{name_of(quote)} is {machine.label(quote.state).lower()} and can no longer change; "
        "revise it to make a new version.",
        extra={"state": quote.state},
    )


def _draft(session: Session, quote_id: uuid.UUID, row_version: int) -> Quote:
    quote = _quote(session, quote_id)
    if quote.state != QuoteState.DRAFT.value:
        raise _locked(quote)
    if quote.row_version != row_version:
        raise _stale(quote)
    return quote


_POLICY_FIELDS = ("deposit_kind", "deposit_value", "balance_days_before", "instalments")


def update_quote(
    session: Session,
    ctx: TenantContext,
    *,
    quote_id: uuid.UUID,
    row_version: int,
    data: QuoteUpdate,
) -> Quote:
    """Change a draft (grouping, validity, schedule, inclusions, exclusions, terms) at the
    version read; the schedule is worked out again. A sent version refuses any change."""
    require(ctx, Action.QUOTES_EDIT)
    quote = _draft(session, quote_id, row_version)
    given = data.model_dump(exclude_unset=True, exclude_none=True)
    on = agency_today(session, ctx)
    if "valid_until" in given:
        _check_validity(given["valid_until"], on)
    if "deposit_kind" in given or "deposit_value" in given:
        kind = schedule.DepositKind(given.get("deposit_kind", quote.deposit_kind))
        value = Decimal(given.get("deposit_value", quote.deposit_value))
        if kind is schedule.DepositKind.PERCENT and value > 100:
            raise ValidationFailedError(
                "A deposit percent is 0 to 100.",
                errors=[FieldError("deposit_value", "Use a percent from 0 to 100.", "too_large")],
            )
    values: dict[str, Any] = {
        name: value.value if hasattr(value, "value") else value for name, value in given.items()
    }
    if not values:
        return quote
    trial = Quote.model_validate({**quote.model_dump(), **values})
    if any(name in values for name in (*_POLICY_FIELDS, "valid_until")):
        values["schedule"] = _schedule(trial, on)
    values["updated_at"] = utcnow()
    if not advance_version(session, quote, read=row_version, values=values):
        raise _stale(quote)
    _event(session, ctx, quote, "changed", f"{name_of(quote)} changed: {', '.join(sorted(given))}.")
    session.flush()
    return quote


def delete_quote(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, row_version: int | None = None
) -> None:
    """Delete a draft (a sent version is kept for good)."""
    require(ctx, Action.QUOTES_EDIT)
    quote = _quote(session, quote_id)
    if quote.state != QuoteState.DRAFT.value:
        raise _locked(quote)
    if row_version is not None and quote.row_version != row_version:
        raise _stale(quote)
    for entry in session.exec(select(QuoteEvent).where(col(QuoteEvent.quote_id) == quote.id)):
        session.delete(entry)
    session.flush()
    session.delete(quote)
    session.flush()


# ---- moving through the states -------------------------------------------------------------------


def _move(
    session: Session,
    quote: Quote,
    to: QuoteState,
    *,
    row_version: int | None,
    values: dict[str, Any] | None = None,
) -> None:
    """Move `quote` to `to` if the machine allows it, at `row_version` (or the version just
    read when the system acts), in the statement that checks the version."""
    if not machine.allowed(quote.state, to):
        allowed = sorted(s.value for s in machine.TRANSITIONS[QuoteState(quote.state)])
        raise QuoteStateError(
            f"{name_of(quote)} is {machine.label(quote.state).lower()} and cannot become "
            f"{machine.label(to).lower()}.",
            extra={"state": quote.state, "allowed": allowed},
        )
    read = quote.row_version if row_version is None else row_version
    if quote.row_version != read:
        raise _stale(quote)
    now = utcnow()
    if not advance_version(
        session, quote, read=read, values={"state": to.value, "updated_at": now, **(values or {})}
    ):
        raise _stale(quote)


# the way a query walks towards quoted and won, one allowed step at a time
_QUERY_STEPS = {
    QueryStatus.DRAFT: QueryStatus.PENDING,
    QueryStatus.PENDING: QueryStatus.ASSIGNED,
    QueryStatus.ASSIGNED: QueryStatus.QUOTED,
    QueryStatus.ON_HOLD: QueryStatus.QUOTED,
    QueryStatus.QUOTED: QueryStatus.WON,
}


def _query_to(session: Session, ctx: TenantContext, quote: Quote, target: QueryStatus) -> None:
    """Move the quote's query on to `target` (quoted, won) through the queries service, one
    step of its machine at a time; a query already there (or won) stays."""
    if quote.query_id is None:
        return
    for _ in range(len(_QUERY_STEPS) + 1):
        query = queries.get_query(session, ctx, query_id=quote.query_id)
        status = QueryStatus(query.status)
        if status is target or status is QueryStatus.WON:
            return
        step = _QUERY_STEPS.get(status)
        if step is None:
            raise QuoteStateError(
                f"The query {queries.reference(query.number)} is "
                f"{status.value.replace('_', ' ')}; reopen it before this quote goes on.",
                extra={"query_status": status.value},
            )
        queries.transition(session, ctx, query_id=query.id, to=step, row_version=query.row_version)


def _deliver_quote_email(session: Session, ctx: TenantContext, *, quote: Quote) -> None:
    """The "quote sent" email to the customer with a fresh proposal link, exactly once per
    version (its send key); no customer email is a clear error at the send."""
    links.send_quote_email(session, ctx, quote=quote)


def send_quote(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, row_version: int
) -> Quote:
    """Send a draft: its schedule is dated from today, it can no longer change, the query
    moves to quoted, and the email goes out (`_deliver_quote_email`)."""
    require(ctx, Action.QUOTES_EDIT)
    quote = _quote(session, quote_id)
    if quote.row_version != row_version:
        raise _stale(quote)
    on = agency_today(session, ctx)
    if quote.state == QuoteState.DRAFT.value and quote.valid_until < on:
        raise ValidationFailedError(
            f"{name_of(quote)} was valid until a day that has passed; choose a new date.",
            errors=[FieldError("valid_until", "Choose today or a later day.", "in_the_past")],
        )
    now = utcnow()
    _move(
        session,
        quote,
        QuoteState.SENT,
        row_version=row_version,
        values={"sent_at": now, "schedule": _schedule(quote, on)},
    )
    _query_to(session, ctx, quote, QueryStatus.QUOTED)
    _event(session, ctx, quote, "sent", f"{name_of(quote)} sent to the customer.", on_query=True)
    _deliver_quote_email(session, ctx, quote=quote)
    session.flush()
    return quote


def mark_viewed(session: Session, ctx: TenantContext, *, quote_id: uuid.UUID) -> Quote:
    """The customer opened the quote (the proposal page): a sent version becomes viewed;
    anything later stays as it is (opening it again changes nothing)."""
    require(ctx, Action.QUOTES_VIEW)
    quote = _quote(session, quote_id)
    if quote.state != QuoteState.SENT.value:
        return quote
    _move(session, quote, QuoteState.VIEWED, row_version=None, values={"viewed_at": utcnow()})
    _event(session, ctx, quote, "viewed", f"{name_of(quote)} opened by the customer.")
    session.flush()
    return quote


def accept_quote(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, row_version: int
) -> Quote:
    """Record the customer's yes (staff, from a call or an email): the query is won."""
    require(ctx, Action.QUOTES_EDIT)
    quote = _quote(session, quote_id)
    waiting = quote.state in (QuoteState.SENT.value, QuoteState.VIEWED.value)
    if waiting and quote.valid_until < agency_today(session, ctx):
        raise QuoteStateError(
            f"{name_of(quote)} was valid until {quote.valid_until.isoformat()}; revise it "
            "to offer it again.",
            extra={"state": quote.state},
        )
    _move(
        session,
        quote,
        QuoteState.ACCEPTED,
        row_version=row_version,
        values={"decided_at": utcnow(), "decided_by": ctx.user_id},
    )
    _query_to(session, ctx, quote, QueryStatus.WON)
    _event(session, ctx, quote, "accepted", f"{name_of(quote)} accepted.", on_query=True)
    session.flush()
    return quote


def decline_quote(
    session: Session,
    ctx: TenantContext,
    *,
    quote_id: uuid.UUID,
    row_version: int,
    reason: str | None = None,
) -> Quote:
    """Record the customer's no; the query stays as it is (another version may follow)."""
    require(ctx, Action.QUOTES_EDIT)
    quote = _quote(session, quote_id)
    reason = (reason or "").strip() or None
    _move(
        session,
        quote,
        QuoteState.DECLINED,
        row_version=row_version,
        values={"decided_at": utcnow(), "decided_by": ctx.user_id, "decline_reason": reason},
    )
    body = f"{name_of(quote)} declined" + (f": {reason}" if reason else ".")
    _event(session, ctx, quote, "declined", body, on_query=True)
    session.flush()
    return quote


def _latest(session: Session, reference: str) -> Quote:
    return session.exec(
        select(Quote).where(col(Quote.reference) == reference).order_by(col(Quote.version).desc())
    ).first()  # type: ignore[return-value]


def revise_quote(
    session: Session,
    ctx: TenantContext,
    *,
    quote_id: uuid.UUID,
    row_version: int,
    from_latest_freeze: bool = False,
    itinerary_version: int | None = None,
) -> Quote:
    """The next version, as a draft: the same figures, or those of a newer freeze of the
    itinerary; the terms, schedule and grouping carried over. A version waiting for the
    customer is superseded; a declined or expired one stays as it was. Only the newest
    version is revised, and never an accepted one or a draft (change the draft instead)."""
    require(ctx, Action.QUOTES_EDIT)
    quote = _quote(session, quote_id)
    if quote.row_version != row_version:
        raise _stale(quote)
    state = QuoteState(quote.state)
    if state in (QuoteState.DRAFT, QuoteState.ACCEPTED, QuoteState.SUPERSEDED):
        what = {
            QuoteState.DRAFT: "is still a draft: change it instead",
            QuoteState.ACCEPTED: "was accepted",
            QuoteState.SUPERSEDED: "was already revised",
        }[state]
        raise QuoteStateError(f"{name_of(quote)} {what}.", extra={"state": quote.state})
    newest = _latest(session, quote.reference)
    if newest.id != quote.id:
        raise QuoteStateError(
            f"{name_of(newest)} is newer; revise that one.", extra={"state": quote.state}
        )
    figures: dict[str, Any] | None = None
    checksum, frozen_version = quote.checksum, quote.itinerary_version
    if from_latest_freeze or itinerary_version is not None:
        frozen = itineraries.snapshot(
            session, ctx, itinerary_id=quote.itinerary_id, version=itinerary_version
        )
        figures = _from_snapshot(frozen.payload)
        checksum, frozen_version = frozen.checksum, frozen.version
    on = agency_today(session, ctx)
    defaults = quote_settings(session, ctx)
    valid_until = max(quote.valid_until, on + timedelta(days=defaults.validity_days))
    keep = quote.model_dump(
        exclude={
            "id",
            "state",
            "version",
            "revised_from_id",
            "sent_at",
            "viewed_at",
            "decided_at",
            "decided_by",
            "decline_reason",
            "expired_at",
            "row_version",
            "created_at",
            "created_by",
            "updated_at",
            "schedule",
            "valid_until",
            "itinerary_version",
        }
    )
    if figures is not None:
        for name in (
            "currency",
            "lines",
            "taxes",
            "subtotal",
            "rounding",
            "tax_total",
            "total",
            "paying_pax",
            "per_person",
            "title",
            "start_date",
            "end_date",
        ):
            keep[name] = figures[name]
    revision = Quote(
        **keep,
        version=quote.version + 1,
        revised_from_id=quote.id,
        itinerary_version=frozen_version,
        valid_until=valid_until,
        created_by=ctx.user_id,
    )
    revision.checksum = checksum
    revision.schedule = _schedule(revision, on)
    if state in machine.OPEN:
        _move(session, quote, QuoteState.SUPERSEDED, row_version=row_version)
        _event(session, ctx, quote, "superseded", f"{name_of(quote)} superseded by a revision.")
    elif not advance_version(session, quote, read=row_version):  # held: one revision at a time
        raise _stale(quote)
    session.add(revision)
    session.flush()
    _event(
        session,
        ctx,
        revision,
        "created",
        f"{name_of(revision)} made by revising v{quote.version}"
        + (f" from itinerary version {frozen_version}" if figures is not None else "")
        + ".",
        on_query=True,
    )
    session.flush()
    return revision


# ---- comparing -----------------------------------------------------------------------------------


def _text(value: Any, currency: str) -> str | None:
    if isinstance(value, Decimal):
        return str(round_money(value, currency))
    return None if value is None else str(value)


def compare(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, other_id: uuid.UUID | None
) -> Comparison:
    """Two versions of one quote side by side (this one and `other_id`, or the version it was
    revised from): the lines, taxes and totals, schedule, validity and terms that differ."""
    after = get_quote(session, ctx, quote_id=quote_id)
    before_id = other_id or after.revised_from_id
    if before_id is None:
        raise NotFoundError(f"{name_of(after)} is the first version: nothing to compare with.")
    before = get_quote(session, ctx, quote_id=before_id)
    if before.reference != after.reference:
        raise NotFoundError("That is not a version of this quote.")
    if before.version > after.version:
        before, after = after, before
    changes: list[Change] = []

    def keyed_lines(quote: Quote) -> dict[str, dict[str, Any]]:
        return {
            str(ln.get("item_id") or f"{ln.get('day')}|{ln['kind']}|{ln['title']}"): ln
            for ln in quote.lines
        }

    old, new = keyed_lines(before), keyed_lines(after)
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was is not None and now is not None and was["amount"] == now["amount"]:
            continue
        ref = now or was
        assert ref is not None
        label = (f"Day {ref['day']}: " if ref.get("day") else "") + str(ref["title"])
        changes.append(
            Change(
                what="line",
                key=key,
                label=label,
                before=None if was is None else was["amount"],
                after=None if now is None else now["amount"],
            )
        )
    old_tax = {t["name"]: t["amount"] for t in before.taxes}
    new_tax = {t["name"]: t["amount"] for t in after.taxes}
    changes.extend(
        Change(what="tax", key=name, label=name, before=old_tax.get(name), after=new_tax.get(name))
        for name in sorted(old_tax.keys() | new_tax.keys())
        if old_tax.get(name) != new_tax.get(name)
    )
    for name, label in (
        ("subtotal", "Subtotal"),
        ("tax_total", "Taxes"),
        ("total", "Total"),
        ("per_person", "Per person"),
        ("currency", "Currency"),
    ):
        if getattr(before, name) != getattr(after, name):
            changes.append(
                Change(
                    what="total",
                    key=name,
                    label=label,
                    before=_text(getattr(before, name), before.currency),
                    after=_text(getattr(after, name), after.currency),
                )
            )
    if before.valid_until != after.valid_until:
        changes.append(
            Change(
                what="validity",
                key="valid_until",
                label="Valid until",
                before=before.valid_until.isoformat(),
                after=after.valid_until.isoformat(),
            )
        )
    if before.schedule != after.schedule:
        changes.append(
            Change(
                what="schedule",
                key="schedule",
                label="Payment schedule",
                before=_schedule_text(before),
                after=_schedule_text(after),
            )
        )
    for name, label in (
        ("inclusions", "Inclusions"),
        ("exclusions", "Exclusions"),
        ("terms", "Terms"),
    ):
        if getattr(before, name) != getattr(after, name):
            changes.append(
                Change(
                    what="terms",
                    key=name,
                    label=label,
                    before=getattr(before, name),
                    after=getattr(after, name),
                )
            )
    return Comparison(before=to_public(before), after=to_public(after), changes=changes)


def _schedule_text(quote: Quote) -> str:
    return "; ".join(
        f"{PAYMENT_LABELS.get(p['kind'], p['kind'])} {p['amount']} {quote.currency} "
        f"on {p['due_on']}"
        for p in quote.schedule
    )


# ---- expiry --------------------------------------------------------------------------------------


def expire_due(session: Session, ctx: TenantContext, *, on: date | None = None) -> int:
    """Expire the agency's versions waiting for the customer whose validity has passed (in
    the agency's timezone), note it on each quote and its query, and tell each agent who made
    them, one email per agent."""
    on = on or agency_today(session, ctx)
    due = list(
        session.exec(
            select(Quote).where(
                col(Quote.state).in_([s.value for s in machine.OPEN]),
                col(Quote.valid_until) < on,
            )
        ).all()
    )
    if not due:
        return 0
    now = utcnow()
    expired: list[Quote] = []
    for quote in due:
        try:
            _move(session, quote, QuoteState.EXPIRED, row_version=None, values={"expired_at": now})
        except ConflictError:
            continue  # answered or revised meanwhile
        _event(
            session,
            ctx,
            quote,
            "expired",
            f"{name_of(quote)} expired: it was valid until {quote.valid_until.isoformat()}.",
            on_query=True,
            by_system=True,
        )
        expired.append(quote)
    by_agent: dict[uuid.UUID, list[Quote]] = {}
    for quote in expired:
        if quote.created_by is not None:
            by_agent.setdefault(quote.created_by, []).append(quote)
    mails: list[Mail] = []
    for user_id, mine in by_agent.items():
        agent = session.get(User, user_id)
        if agent is None:
            continue
        listing = "\n".join(f"- {name_of(q)}: {q.title}" for q in mine)
        mails.append(
            Mail(
                kind="quote_expired",
                to_email=agent.email,
                to_name=agent.name,
                subject=(
                    f"{name_of(mine[0])} has expired"
                    if len(mine) == 1
                    else f"{len(mine)} of your quotes have expired"
                ),
                text_body=f"Past their validity without an answer:\n{listing}\n",
                agency_id=ctx.tenant_id,
            )
        )
    queue_emails(session, mails)
    session.flush()
    return len(expired)


def sweep() -> dict[str, int]:
    """For every active agency, in its own scope: expire the quotes past their validity. Run
    by the job worker."""
    with session_scope() as session:
        agencies = session.exec(
            select(Tenant.id).where(col(Tenant.status) == TenantStatus.ACTIVE.value)
        ).all()
    expired = reminded = 0
    for tenant_id in agencies:
        ctx = TenantContext(tenant_id, None, Role.OWNER)  # the system, acting for the agency
        with tenant_scope(ctx) as session:
            expired += expire_due(session, ctx)
        with tenant_scope(ctx) as session:
            reminded += links.remind_due(session, ctx, on=agency_today(session, ctx))
    return {"agencies": len(agencies), "expired": expired, "reminded": reminded}

"""Customers and travellers: create with duplicate detection (same email or phone), search and
page, change with optimistic locking, merge a duplicate (its queries, travellers and timeline
move over, it is kept marked as merged). Phones are stored in E.164."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import phonenumbers
import sqlalchemy as sa
from sqlmodel import Session, col, select

from travelcrm.audit import services as audit
from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.pagination import PageParams, keyset_page
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.versions import advance_version
from travelcrm.customers.models import Customer, Traveller
from travelcrm.customers.schemas import (
    CustomerCreate,
    CustomerFilter,
    CustomerListItem,
    CustomerPublic,
    CustomerUpdate,
    DuplicateMatch,
    TravellerIn,
    TravellerPublic,
)
from travelcrm.db import scoped_rows
from travelcrm.tenants.services import own_tenant
from travelcrm.timeline import services as timeline
from travelcrm.timeline.models import SubjectType
from travelcrm.timeline.schemas import TimelineItem


class DuplicateCustomerError(ConflictError):
    code = "duplicate_customer"


# ---- values ------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    return " ".join(name.lower().split())


def normalize_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def normalize_phone(raw: str | None, *, region: str | None, field: str = "phone") -> str | None:
    """E.164 (`+919812345678`), read in `region` when it has no country code; a number that
    cannot exist is refused naming the field."""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        hint = "" if raw.strip().startswith("+") else " (add the country code, e.g. +91)"
        raise ValidationFailedError(
            f"{raw!r} is not a valid phone number{hint}.",
            errors=[FieldError(field, f"not a valid phone number{hint}", "invalid_phone")],
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phone_region(session: Session, ctx: TenantContext) -> str:
    return own_tenant(session, ctx).country


def to_public(customer: Customer) -> CustomerPublic:
    return CustomerPublic.model_validate(customer, from_attributes=True)


# ---- duplicates --------------------------------------------------------------------------------


def find_duplicates(
    session: Session,
    ctx: TenantContext,
    *,
    email: str | None,
    phones: list[str],
    exclude: uuid.UUID | None = None,
) -> list[DuplicateMatch]:
    """Live customers with this email or one of these phones (merged ones are not offered)."""
    require(ctx, Action.CUSTOMERS_VIEW)
    conditions = []
    if email:
        conditions.append(col(Customer.email) == email)
    if phones:
        conditions += [col(Customer.phone).in_(phones), col(Customer.alt_phone).in_(phones)]
    if not conditions:
        return []
    statement = select(Customer).where(sa.or_(*conditions), col(Customer.merged_into_id).is_(None))
    if exclude is not None:
        statement = statement.where(col(Customer.id) != exclude)
    found = []
    for customer in session.exec(statement.order_by(col(Customer.created_at)).limit(10)):
        matched = []
        if email and customer.email == email:
            matched.append("email")
        if phones and {customer.phone, customer.alt_phone} & set(phones):
            matched.append("phone")
        found.append(
            DuplicateMatch(
                id=customer.id,
                name=customer.name,
                email=customer.email,
                phone=customer.phone,
                matched_on=matched,
            )
        )
    return found


# ---- create, read, change ----------------------------------------------------------------------


def create_customer(session: Session, ctx: TenantContext, *, data: CustomerCreate) -> Customer:
    require(ctx, Action.CUSTOMERS_EDIT)
    region = data.country or _phone_region(session, ctx)
    email = normalize_email(data.email)
    phone = normalize_phone(data.phone, region=region)
    alt_phone = normalize_phone(data.alt_phone, region=region, field="alt_phone")
    if not data.allow_duplicate:
        matches = find_duplicates(
            session, ctx, email=email, phones=[p for p in (phone, alt_phone) if p]
        )
        if matches:
            raise DuplicateCustomerError(
                f"{matches[0].name} already has this "
                f"{' and '.join(matches[0].matched_on)}; open that customer, or create anyway.",
                extra={"matches": [m.model_dump(mode="json") for m in matches]},
            )
    customer = Customer(
        tenant_id=ctx.tenant_id,
        **data.model_dump(exclude={"allow_duplicate", "email", "phone", "alt_phone"}),
        name_key=name_key(data.name),
        email=email,
        phone=phone,
        alt_phone=alt_phone,
        created_by=ctx.user_id,
    )
    session.add(customer)
    session.flush()
    timeline.record(
        session,
        ctx,
        subject_type=SubjectType.CUSTOMER,
        subject_id=customer.id,
        kind="created",
        body=None,
    )
    return customer


def get_customer(session: Session, ctx: TenantContext, *, customer_id: uuid.UUID) -> Customer:
    require(ctx, Action.CUSTOMERS_VIEW)
    customer = session.exec(select(Customer).where(col(Customer.id) == customer_id)).first()
    if customer is None:
        raise NotFoundError("Customer not found.")
    return customer


def _stale(customer: Customer, then: str) -> VersionConflictError:
    return VersionConflictError.at(
        f"Someone else changed this customer since you opened it; {then}.",
        current_row_version=customer.row_version,
    )


def update_customer(
    session: Session, ctx: TenantContext, *, customer_id: uuid.UUID, data: CustomerUpdate
) -> Customer:
    require(ctx, Action.CUSTOMERS_EDIT)
    customer = get_customer(session, ctx, customer_id=customer_id)
    if customer.row_version != data.row_version:
        raise _stale(customer, "reload to see their changes")
    changes = data.model_dump(exclude_unset=True, exclude={"row_version"})
    region = changes.get("country") or customer.country or _phone_region(session, ctx)
    if "email" in changes:
        changes["email"] = normalize_email(changes["email"])
    for field in ("phone", "alt_phone"):
        if field in changes:
            changes[field] = normalize_phone(changes[field], region=region, field=field)
    values = {
        field: value
        for field, value in changes.items()
        if not (value is None and field in ("name", "kind"))
    }
    values["name_key"] = name_key(values.get("name", customer.name))
    values["updated_at"] = utcnow()
    # the version is checked by the statement that writes: of two PATCHes, one lands
    if not advance_version(session, customer, read=data.row_version, values=values):
        raise _stale(customer, "reload to see their changes")
    return customer


@dataclass(frozen=True)
class CustomerPage:
    items: list[CustomerListItem]
    next_cursor: str | None


_LIST_COLUMNS = ("id", "kind", "name", "email", "phone", "city", "country", "tags", "created_at")


def list_customers(
    session: Session, ctx: TenantContext, *, filters: CustomerFilter, page: PageParams
) -> CustomerPage:
    """Newest first; merged duplicates are left out."""
    require(ctx, Action.CUSTOMERS_VIEW)
    table = Customer.__table__  # type: ignore[attr-defined]
    statement = sa.select(*(table.c[name] for name in _LIST_COLUMNS)).where(
        table.c.tenant_id == ctx.tenant_id,  # written in; scoped_rows checks it
        table.c.merged_into_id.is_(None),
    )
    if filters.q:
        text = filters.q.strip()
        digits = "".join(ch for ch in text if ch.isdigit())
        matches = [
            table.c.name_key.contains(name_key(text), autoescape=True),
            table.c.email.startswith(text.lower(), autoescape=True),
        ]
        if len(digits) >= 4:
            matches.append(table.c.phone.contains(digits, autoescape=True))
        statement = statement.where(sa.or_(*matches))
    if filters.country:
        statement = statement.where(table.c.country == filters.country)
    rows: list[Any]
    if filters.tag:
        # JSON arrays differ by backend; a tag is matched on the stored JSON text
        statement = statement.where(
            sa.cast(table.c.tags, sa.Text).contains(f'"{filters.tag}"', autoescape=True)
        )
    rows, next_cursor = keyset_page(
        session,
        statement,  # type: ignore[arg-type]  # plain rows, run by rows_of
        order_by=[table.c.created_at, table.c.id],
        key=lambda r: [as_utc(r.created_at).isoformat(), str(r.id)],
        params=page,
        descending=True,
        convert=[_parse_time, uuid.UUID],
        rows_of=lambda final: scoped_rows(session, final),
    )
    items = [
        CustomerListItem(**{name: getattr(row, name) for name in _LIST_COLUMNS}) for row in rows
    ]
    return CustomerPage(items, next_cursor)


def _parse_time(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


# ---- merge -------------------------------------------------------------------------------------

_FILLABLE = (
    "company",
    "email",
    "phone",
    "alt_phone",
    "address",
    "city",
    "country",
    "nationality",
    "date_of_birth",
    "notes",
)


def merge_customers(
    session: Session,
    ctx: TenantContext,
    *,
    keep_id: uuid.UUID,
    duplicate_id: uuid.UUID,
    row_version: int,
) -> Customer:
    """Merge `duplicate_id` into `keep_id`: queries, travellers and timeline move over, blank
    fields are filled from the duplicate, tags and preferences are combined; the duplicate is
    kept (its id still resolves) and marked merged."""
    require(ctx, Action.CUSTOMERS_MERGE)
    if keep_id == duplicate_id:
        raise ValidationFailedError(
            "A customer cannot be merged into itself.",
            errors=[FieldError("duplicate_id", "the same customer", "same")],
        )
    keep = get_customer(session, ctx, customer_id=keep_id)
    duplicate = get_customer(session, ctx, customer_id=duplicate_id)
    if keep.row_version != row_version:
        raise _stale(keep, "reload and merge again")
    if keep.merged_into_id or duplicate.merged_into_id:
        raise ConflictError("One of these customers was already merged into another.")
    # Both rows are taken at the versions read, in one order (two merges of the same pair in
    # opposite directions never wait on each other), before anything moves.
    read = {keep.id: row_version, duplicate.id: duplicate.row_version}
    for customer in sorted((keep, duplicate), key=lambda c: c.id):
        if not advance_version(session, customer, read=read[customer.id]):
            raise _stale(customer, "reload and merge again")
    before = {f: getattr(keep, f) for f in _FILLABLE}
    for field in _FILLABLE:
        if getattr(keep, field) in (None, "") and getattr(duplicate, field) not in (None, ""):
            value = getattr(duplicate, field)
            if field in ("email", "phone", "alt_phone"):
                setattr(duplicate, field, None)  # the contact details move, not copy
            setattr(keep, field, value)
    keep.tags = list(dict.fromkeys([*keep.tags, *duplicate.tags]))
    keep.preferences = {**duplicate.preferences, **keep.preferences}
    from travelcrm.queries import services as queries  # queries build on customers

    moved_queries = queries.move_to_customer(
        session, ctx, from_customer_id=duplicate.id, to_customer_id=keep.id
    )
    for traveller in session.exec(
        select(Traveller).where(col(Traveller.customer_id) == duplicate.id)
    ):
        traveller.customer_id = keep.id
        session.add(traveller)
    timeline.move_subject(
        session, subject_type=SubjectType.CUSTOMER, from_id=duplicate.id, to_id=keep.id
    )
    duplicate.merged_into_id = keep.id
    duplicate.updated_at = utcnow()
    keep.updated_at = utcnow()
    session.add_all([keep, duplicate])
    session.flush()
    timeline.record(
        session,
        ctx,
        subject_type=SubjectType.CUSTOMER,
        subject_id=keep.id,
        kind="merged",
        body=f"Merged {duplicate.name} into this customer ({moved_queries} queries moved).",
        data={"duplicate_id": str(duplicate.id)},
    )
    audit.record(
        session,
        ctx,
        action="customers.merged",
        target_type="customer",
        target_id=str(keep.id),
        before={k: str(v) if v is not None else None for k, v in before.items()},
        after={"duplicate_id": str(duplicate.id), "queries_moved": moved_queries},
    )
    return keep


# ---- travellers --------------------------------------------------------------------------------


def list_travellers(
    session: Session, ctx: TenantContext, *, customer_id: uuid.UUID
) -> list[TravellerPublic]:
    get_customer(session, ctx, customer_id=customer_id)
    found = session.exec(
        select(Traveller)
        .where(col(Traveller.customer_id) == customer_id)
        .order_by(col(Traveller.created_at))
    )
    return [TravellerPublic.model_validate(t, from_attributes=True) for t in found]


def add_traveller(
    session: Session, ctx: TenantContext, *, customer_id: uuid.UUID, data: TravellerIn
) -> Traveller:
    require(ctx, Action.CUSTOMERS_EDIT)
    get_customer(session, ctx, customer_id=customer_id)
    if data.date_of_birth and data.date_of_birth > utcnow().date():
        raise ValidationFailedError(
            "The date of birth is in the future.",
            errors=[FieldError("date_of_birth", "in the future", "future")],
        )
    traveller = Traveller(tenant_id=ctx.tenant_id, customer_id=customer_id, **data.model_dump())
    session.add(traveller)
    session.flush()
    return traveller


def remove_traveller(
    session: Session, ctx: TenantContext, *, customer_id: uuid.UUID, traveller_id: uuid.UUID
) -> None:
    require(ctx, Action.CUSTOMERS_EDIT)
    traveller = session.exec(
        select(Traveller).where(
            col(Traveller.id) == traveller_id, col(Traveller.customer_id) == customer_id
        )
    ).first()
    if traveller is None:
        raise NotFoundError("Traveller not found.")
    session.delete(traveller)
    session.flush()


# ---- timeline ----------------------------------------------------------------------------------


def customer_timeline(
    session: Session, ctx: TenantContext, *, customer_id: uuid.UUID
) -> list[TimelineItem]:
    """The customer's timeline, newest first (for those who may see the customer)."""
    get_customer(session, ctx, customer_id=customer_id)
    return timeline.entries(session, subject_type=SubjectType.CUSTOMER, subject_id=customer_id)

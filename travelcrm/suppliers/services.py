"""Suppliers, their contacts, the services they sell, and their bank details.

Every function takes the session (in the agency's scope) and the caller's `TenantContext`,
checks the permission table, and writes an audit event for each change. Another agency's ids
are "not found". Updates of a supplier name the `row_version` they read: a stale one is a
conflict, never a silent overwrite. Bank details are stored encrypted (`core.crypto`) and only
ever shown masked; revealing them is allowed to `suppliers.bank.view` and audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from sqlalchemy import ColumnElement, String, and_, bindparam, cast, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from travelcrm.audit import services as audit
from travelcrm.core import crypto
from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.pagination import PageParams, keyset_page
from travelcrm.core.permissions import Action, can, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.versions import advance_version
from travelcrm.db import hold_row, scoped_connection, scoped_rows
from travelcrm.rates import services as rates
from travelcrm.suppliers.models import (
    ServiceContent,
    ServicePhoto,
    Supplier,
    SupplierContact,
    SupplierService,
    SupplierStatus,
)
from travelcrm.suppliers.schemas import (
    BankDetailsIn,
    BankDetailsPublic,
    ContactIn,
    ContactPublic,
    ContactUpdate,
    PhotoPublic,
    RateListSummary,
    ServiceBlurb,
    ServiceChoice,
    ServiceIn,
    ServicePublic,
    ServiceUpdate,
    SortKey,
    SupplierCreate,
    SupplierFilter,
    SupplierListItem,
    SupplierPublic,
    SupplierUpdate,
    check_meal_plan,
    first_line,
    photo_url,
)

TARGET = "supplier"
NOT_FOUND = "Supplier not found."
MASK = "••••"


# ---- errors -----------------------------------------------------------------------------------


class SupplierArchivedError(ConflictError):
    code = "supplier_archived"
    title = "Supplier archived"


class ServiceInUseError(ConflictError):
    code = "service_in_use"
    title = "Service in use"


# ---- helpers ----------------------------------------------------------------------------------


def _supplier(session: Session, supplier_id: uuid.UUID) -> Supplier:
    """The scope's supplier; any other id (another agency's too) is not found."""
    supplier = session.exec(select(Supplier).where(col(Supplier.id) == supplier_id)).first()
    if supplier is None:
        raise NotFoundError(NOT_FOUND)
    return supplier


def _editable(session: Session, supplier_id: uuid.UUID, *, hold: bool = False) -> Supplier:
    """The supplier, refused when archived; `hold` keeps its row's write lock until the unit of
    work ends (changes to its contacts read the others first: one at a time per supplier)."""
    if hold:
        hold_row(session, Supplier, supplier_id)
    supplier = _supplier(session, supplier_id)
    if supplier.status == SupplierStatus.ARCHIVED.value:
        raise SupplierArchivedError(
            f"{supplier.name} is archived; restore it before changing it.",
            extra={"supplier_id": str(supplier.id)},
        )
    return supplier


def _audit(
    session: Session,
    ctx: TenantContext,
    supplier_id: uuid.UUID,
    action: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        ctx,
        action=action,
        target_type=TARGET,
        target_id=str(supplier_id),
        before=before,
        after=after,
    )


def _changed(row: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes that differ from the row's values."""
    return {k: v for k, v in changes.items() if getattr(row, k) != v}


def _set(session: Session, row: Any, changed: dict[str, Any]) -> dict[str, Any]:
    """Write the changed fields on the row; what they were before."""
    before = {k: getattr(row, k) for k in changed}
    for key, value in changed.items():
        setattr(row, key, value)
    session.add(row)
    return before


def _audit_child(
    session: Session,
    ctx: TenantContext,
    supplier_id: uuid.UUID,
    what: str,
    name: str,
    before: dict[str, Any],
    changed: dict[str, Any],
) -> None:
    """A contact's or service's change in the supplier's log, named before and after."""
    _audit(
        session,
        ctx,
        supplier_id,
        f"supplier.{what}_updated",
        before={what: before.get("name", name), **before},
        after={what: name, **changed},
    )


def _plain(value: Any) -> Any:
    """A value as the audit log stores it (Decimals as plain strings, lists copied)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list):
        return list(value)
    return value


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, Decimal) or isinstance(right, Decimal):
        if left is None or right is None:
            return left is right
        return Decimal(left) == Decimal(right)
    return bool(left == right)


def _check_tax_ids(gstin: str | None, pan: str | None) -> None:
    """A GSTIN carries the PAN in characters 3-12: both given must agree."""
    if gstin and pan and gstin[2:12] != pan:
        raise ValidationFailedError(
            "The GSTIN does not contain the PAN.",
            errors=[
                FieldError(
                    "gstin", f"characters 3-12 must be the PAN ({pan})", "gstin_pan_mismatch"
                )
            ],
        )


def _percent(value: Decimal | None) -> Decimal | None:
    """One representation whatever the database returned ("12.50", not "12.5000")."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def can_see_bank(ctx: TenantContext) -> bool:
    return can(ctx.role, Action.SUPPLIER_BANK_VIEW)


def to_public(supplier: Supplier, ctx: TenantContext) -> SupplierPublic:
    """The supplier as the caller may see it: the bank hint only with suppliers.bank.view."""
    return SupplierPublic(
        id=supplier.id,
        name=supplier.name,
        kind=supplier.kind,
        status=supplier.status,
        city=supplier.city,
        region=supplier.region,
        country=supplier.country,
        address=supplier.address,
        legal_name=supplier.legal_name,
        gstin=supplier.gstin,
        pan=supplier.pan,
        tax_id=supplier.tax_id,
        email=supplier.email,
        phone=supplier.phone,
        website=supplier.website,
        tags=list(supplier.tags or []),
        default_currency=supplier.default_currency,
        payment_terms=supplier.payment_terms,
        payment_due_days=supplier.payment_due_days,
        default_commission_pct=_percent(supplier.default_commission_pct),
        notes=supplier.notes,
        has_bank_details=supplier.bank_details_encrypted is not None,
        bank_hint=supplier.bank_hint if can_see_bank(ctx) else None,
        row_version=supplier.row_version,
        created_at=as_utc(supplier.created_at),
        updated_at=as_utc(supplier.updated_at) if supplier.updated_at else None,
    )


def to_list_item(supplier: Supplier) -> SupplierListItem:
    return SupplierListItem(
        id=supplier.id,
        name=supplier.name,
        kind=supplier.kind,
        status=supplier.status,
        city=supplier.city,
        region=supplier.region,
        country=supplier.country,
        tags=list(supplier.tags or []),
        default_currency=supplier.default_currency,
        email=supplier.email,
        phone=supplier.phone,
        created_at=as_utc(supplier.created_at),
        updated_at=as_utc(supplier.updated_at) if supplier.updated_at else None,
    )


# ---- suppliers --------------------------------------------------------------------------------


def create_supplier(session: Session, ctx: TenantContext, *, data: SupplierCreate) -> Supplier:
    require(ctx, Action.SUPPLIERS_EDIT)
    _check_tax_ids(data.gstin, data.pan)
    values = data.model_dump()
    values["kind"] = data.kind.value
    supplier = Supplier(tenant_id=ctx.tenant_id, **values)
    session.add(supplier)
    session.flush()
    session.refresh(supplier)  # as the database keeps it (the ETag of a later read matches)
    _audit(
        session,
        ctx,
        supplier.id,
        "supplier.created",
        after={k: _plain(v) for k, v in values.items() if v not in (None, [], "")},
    )
    return supplier


def get_supplier(session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID) -> Supplier:
    require(ctx, Action.SUPPLIERS_VIEW)
    return _supplier(session, supplier_id)


@dataclass(frozen=True)
class SupplierPage:
    items: list[Supplier]
    total: int
    next_cursor: str | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _conditions(filters: SupplierFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    status = filters.status
    if status is None:
        conditions.append(col(Supplier.status) != SupplierStatus.ARCHIVED.value)
    elif status != "all":
        conditions.append(col(Supplier.status) == status)
    if filters.kind:
        conditions.append(col(Supplier.kind) == filters.kind.value)
    if filters.country:
        conditions.append(col(Supplier.country) == filters.country.strip().upper())
    if filters.city and filters.city.strip():
        pattern = _like(filters.city.strip())
        conditions.append(
            or_(
                func.lower(col(Supplier.city)).like(pattern, escape="\\"),
                func.lower(col(Supplier.region)).like(pattern, escape="\\"),
            )
        )
    if filters.tag and filters.tag.strip():
        # tags are stored as a JSON list of lower-case words: match the quoted word
        word = filters.tag.strip().lower().replace('"', "")
        conditions.append(cast(col(Supplier.tags), String).like(_like(f'"{word}"'), escape="\\"))
    if filters.q and filters.q.strip():
        pattern = _like(filters.q.strip())
        searched = (
            col(Supplier.name),
            col(Supplier.city),
            col(Supplier.region),
            col(Supplier.legal_name),
            col(Supplier.email),
        )
        conditions.append(or_(*(func.lower(c).like(pattern, escape="\\") for c in searched)))
    return conditions


def _ordering(sort: SortKey) -> tuple[list[Any], bool, list[Any]]:
    """(order_by columns, descending, cursor converters) for a sort key; ties break by id."""
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name == "city":
        return [func.coalesce(col(Supplier.city), ""), col(Supplier.id)], descending, [str]
    if name == "created":
        return [col(Supplier.created_at), col(Supplier.id)], descending, [_parse_time]
    if name == "updated":
        expression = func.coalesce(col(Supplier.updated_at), col(Supplier.created_at))
        return [expression, col(Supplier.id)], descending, [_parse_time]
    return [func.lower(col(Supplier.name)), col(Supplier.id)], descending, [str]


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _sort_value(supplier: Supplier, sort: SortKey) -> Any:
    name = sort.lstrip("-")
    if name == "city":
        return supplier.city or ""
    if name == "created":
        return as_utc(supplier.created_at).isoformat()
    if name == "updated":
        return as_utc(supplier.updated_at or supplier.created_at).isoformat()
    return supplier.name.lower()


def list_suppliers(
    session: Session,
    ctx: TenantContext,
    *,
    filters: SupplierFilter,
    sort: SortKey = "name",
    limit: int = 25,
    offset: int = 0,
    cursor: str | None = None,
) -> SupplierPage:
    """Filtered and sorted; paged by offset (page numbers) or by an opaque cursor. `total`
    counts every match (for "1-25 of 143")."""
    require(ctx, Action.SUPPLIERS_VIEW)
    conditions = _conditions(filters)
    statement = select(Supplier).where(*conditions)
    total = session.exec(select(func.count(col(Supplier.id))).where(*conditions)).one()
    order_by, descending, converters = _ordering(sort)
    if cursor is not None or offset == 0:
        rows, next_cursor = keyset_page(
            session,
            statement,
            order_by=order_by,
            key=lambda s: [_sort_value(s, sort), str(s.id)],
            params=PageParams(limit=limit, cursor=cursor),
            convert=[*converters, uuid.UUID],
            descending=descending,
        )
        return SupplierPage(items=rows, total=int(total), next_cursor=next_cursor)
    ordering = [c.desc() for c in order_by] if descending else order_by
    rows = list(session.exec(statement.order_by(*ordering).offset(offset).limit(limit)).all())
    return SupplierPage(items=rows, total=int(total))


def _apply(
    session: Session, supplier: Supplier, changes: dict[str, Any], *, expected_version: int
) -> None:
    """Write `changes` only if the row still has `expected_version` (one atomic UPDATE)."""
    if supplier.row_version != expected_version:
        raise _conflict(supplier)
    values = {**changes, "updated_at": utcnow()}
    if not advance_version(session, supplier, read=expected_version, values=values):
        raise _conflict(supplier)
    session.refresh(supplier)  # the stored form of what was written (enums, decimals)


def _conflict(supplier: Supplier) -> VersionConflictError:
    return VersionConflictError.at(
        f"{supplier.name} was changed by someone else after you opened it. "
        "Reload to see their changes, then apply yours again.",
        current_row_version=supplier.row_version,
    )


REQUIRED_ON_UPDATE = ("name", "kind", "status", "country", "default_currency", "tags")


def update_supplier(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    data: SupplierUpdate,
    expected_version: int,
) -> Supplier:
    """Change the given fields; the audit log keeps before/after of what changed."""
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    for name in REQUIRED_ON_UPDATE:
        if name in changes and changes[name] is None:
            raise ValidationFailedError(
                f"{name} cannot be emptied.",
                errors=[FieldError(name, "cannot be null", "required")],
            )
    if "kind" in changes:
        changes["kind"] = str(changes["kind"])
    _check_tax_ids(changes.get("gstin", supplier.gstin), changes.get("pan", supplier.pan))
    changed = {k: v for k, v in changes.items() if not _same(getattr(supplier, k), v)}
    if supplier.row_version != expected_version:
        raise _conflict(supplier)
    if not changed:
        return supplier
    before = {k: _plain(getattr(supplier, k)) for k in changed}
    _apply(session, supplier, changed, expected_version=expected_version)
    _audit(
        session,
        ctx,
        supplier.id,
        "supplier.updated",
        before=before,
        after={k: _plain(v) for k, v in changed.items()},
    )
    return supplier


def set_status(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    status: Literal["active", "inactive"],
    expected_version: int | None = None,
) -> Supplier:
    """Activate or deactivate; activating an archived supplier restores it."""
    require(ctx, Action.SUPPLIERS_EDIT)
    if status not in ("active", "inactive"):
        raise ValidationFailedError(
            "A supplier is archived by deleting it.",
            errors=[FieldError("status", "use active or inactive", "invalid_status")],
        )
    supplier = _supplier(session, supplier_id)
    if supplier.status == status:
        return supplier
    before = supplier.status
    version = supplier.row_version if expected_version is None else expected_version
    _apply(session, supplier, {"status": status}, expected_version=version)
    action = "supplier.restored" if before == SupplierStatus.ARCHIVED.value else "supplier.updated"
    _audit(session, ctx, supplier.id, action, before={"status": before}, after={"status": status})
    return supplier


@dataclass(frozen=True)
class DeleteOutcome:
    outcome: Literal["deleted", "archived"]
    message: str
    supplier: Supplier | None  # the archived supplier; None when deleted


def _rate_list_count(session: Session, supplier_id: uuid.UUID) -> int:
    return rates.rate_list_count(session, supplier_id=supplier_id)


def _service_ids(session: Session, supplier_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.exec(
            select(SupplierService.id).where(col(SupplierService.supplier_id) == supplier_id)
        ).all()
    )


def _rate_line_counts(session: Session, service_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    return rates.rate_line_counts(session, service_ids=service_ids)


def delete_supplier(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID
) -> DeleteOutcome:
    """Delete a supplier nobody uses; one that rate lists (or their lines) use is archived
    instead, so their history keeps its supplier."""
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _supplier(session, supplier_id)
    lists = _rate_list_count(session, supplier.id)
    lines = sum(_rate_line_counts(session, _service_ids(session, supplier.id)).values())
    if lists or lines:
        if supplier.status != SupplierStatus.ARCHIVED.value:
            before = supplier.status
            _apply(
                session,
                supplier,
                {"status": SupplierStatus.ARCHIVED.value},
                expected_version=supplier.row_version,
            )
            _audit(
                session,
                ctx,
                supplier.id,
                "supplier.archived",
                before={"status": before},
                after={"status": SupplierStatus.ARCHIVED.value, "rate_lists": lists},
            )
        used = f"{lists} rate list{'s' if lists != 1 else ''}" if lists else "rate lines"
        return DeleteOutcome(
            outcome="archived",
            message=f"{supplier.name} is used by {used}, so it was archived instead of deleted.",
            supplier=supplier,
        )
    name = supplier.name
    session.delete(supplier)
    session.flush()
    _audit(session, ctx, supplier_id, "supplier.deleted", before={"name": name})
    return DeleteOutcome(outcome="deleted", message=f"{name} was deleted.", supplier=None)


def tag_options(session: Session, ctx: TenantContext) -> list[str]:
    """Every tag the agency's suppliers carry (for the list's filter)."""
    require(ctx, Action.SUPPLIERS_VIEW)
    tags: set[str] = set()
    for row in session.exec(select(Supplier.tags)).all():
        tags.update(row or [])
    return sorted(tags)


def country_options(session: Session, ctx: TenantContext) -> list[str]:
    require(ctx, Action.SUPPLIERS_VIEW)
    return list(
        session.exec(select(Supplier.country).distinct().order_by(col(Supplier.country))).all()
    )


def rate_lists_of(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID
) -> list[RateListSummary]:
    """The supplier's rate lists (names and markets), for its page."""
    require(ctx, Action.SUPPLIERS_VIEW)
    supplier = _supplier(session, supplier_id)
    rows = rates.rate_lists_of_supplier(session, supplier_id=supplier.id)
    return [
        RateListSummary(
            id=r.id,
            name=r.name,
            market=r.market,
            agent_group=r.agent_group,
            is_archived=r.is_archived,
        )
        for r in rows
    ]


# ---- contacts ---------------------------------------------------------------------------------


def contact_public(contact: SupplierContact) -> ContactPublic:
    return ContactPublic.model_validate(contact, from_attributes=True)


def list_contacts(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID
) -> list[SupplierContact]:
    require(ctx, Action.SUPPLIERS_VIEW)
    supplier = _supplier(session, supplier_id)
    return list(
        session.exec(
            select(SupplierContact)
            .where(col(SupplierContact.supplier_id) == supplier.id)
            .order_by(col(SupplierContact.is_primary).desc(), col(SupplierContact.name))
        ).all()
    )


_Child = TypeVar("_Child", SupplierContact, SupplierService)


def _child(
    session: Session, model: type[_Child], supplier_id: uuid.UUID, row_id: uuid.UUID, what: str
) -> _Child:
    """The supplier's contact or service `row_id`; any other id is not found."""
    row = session.exec(
        select(model).where(col(model.id) == row_id, col(model.supplier_id) == supplier_id)
    ).first()
    if row is None:
        raise NotFoundError(f"{what} not found.")
    return row


def _contact(session: Session, supplier_id: uuid.UUID, contact_id: uuid.UUID) -> SupplierContact:
    return _child(session, SupplierContact, supplier_id, contact_id, "Contact")


def _clear_primary(session: Session, supplier_id: uuid.UUID, keep: uuid.UUID) -> None:
    for other in session.exec(
        select(SupplierContact).where(
            col(SupplierContact.supplier_id) == supplier_id,
            col(SupplierContact.is_primary).is_(True),
            col(SupplierContact.id) != keep,
        )
    ).all():
        other.is_primary = False
        session.add(other)


def _contact_audit(contact: SupplierContact) -> dict[str, Any]:
    return {
        "contact": contact.name,
        "role": contact.role,
        "email": contact.email,
        "phone": contact.phone,
        "is_primary": contact.is_primary,
    }


def add_contact(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID, data: ContactIn
) -> SupplierContact:
    """Add a contact; the first one, or one marked primary, becomes the primary contact."""
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id, hold=True)
    has_primary = (
        session.exec(
            select(SupplierContact.id).where(
                col(SupplierContact.supplier_id) == supplier.id,
                col(SupplierContact.is_primary).is_(True),
            )
        ).first()
        is not None
    )
    contact = SupplierContact(
        tenant_id=ctx.tenant_id,
        supplier_id=supplier.id,
        **data.model_dump(exclude={"is_primary"}),
        is_primary=data.is_primary or not has_primary,
    )
    session.add(contact)
    session.flush()
    if contact.is_primary:
        _clear_primary(session, supplier.id, contact.id)
        session.flush()
    _audit(session, ctx, supplier.id, "supplier.contact_added", after=_contact_audit(contact))
    return contact


def update_contact(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    contact_id: uuid.UUID,
    data: ContactUpdate,
) -> SupplierContact:
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id, hold=True)
    contact = _contact(session, supplier.id, contact_id)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise ValidationFailedError(
            "A contact needs a name.", errors=[FieldError("name", "cannot be null", "required")]
        )
    if "is_primary" in changes and changes["is_primary"] is not True:
        raise ValidationFailedError(
            "Make another contact primary instead.",
            errors=[FieldError("is_primary", "only true is accepted", "invalid")],
        )
    changed = _changed(contact, changes)
    if not changed:
        return contact
    before = _set(session, contact, changed)
    if changed.get("is_primary"):
        _clear_primary(session, supplier.id, contact.id)
    session.flush()
    _audit_child(session, ctx, supplier.id, "contact", contact.name, before, changed)
    return contact


def delete_contact(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID, contact_id: uuid.UUID
) -> None:
    """Remove a contact; when it was the primary one, the next contact (by name) takes over."""
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id, hold=True)
    contact = _contact(session, supplier.id, contact_id)
    was_primary = contact.is_primary
    snapshot = _contact_audit(contact)
    session.delete(contact)
    session.flush()
    if was_primary:
        heir = session.exec(
            select(SupplierContact)
            .where(col(SupplierContact.supplier_id) == supplier.id)
            .order_by(col(SupplierContact.name))
        ).first()
        if heir is not None:
            heir.is_primary = True
            session.add(heir)
            session.flush()
    _audit(session, ctx, supplier.id, "supplier.contact_removed", before=snapshot)


# ---- services ---------------------------------------------------------------------------------


def service_public(service: SupplierService, rate_lines: int = 0) -> ServicePublic:
    return ServicePublic(
        id=service.id,
        supplier_id=service.supplier_id,
        kind=service.kind,
        name=service.name,
        code=service.code,
        meal_plan=service.meal_plan,
        max_occupancy=service.max_occupancy,
        is_active=service.is_active,
        rate_line_count=rate_lines,
    )


def list_services(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID
) -> list[ServicePublic]:
    require(ctx, Action.SUPPLIERS_VIEW)
    supplier = _supplier(session, supplier_id)
    services = list(
        session.exec(
            select(SupplierService)
            .where(col(SupplierService.supplier_id) == supplier.id)
            .order_by(
                col(SupplierService.kind),
                col(SupplierService.name),
                col(SupplierService.meal_plan),
            )
        ).all()
    )
    counts = _rate_line_counts(session, [s.id for s in services])
    return [service_public(s, counts.get(s.id, 0)) for s in services]


def search_services(
    session: Session,
    ctx: TenantContext,
    *,
    q: str = "",
    limit: int = 50,
    destination: str = "",
    kinds: Iterable[str] = (),
    on_sale_from: date | None = None,
) -> list[ServiceChoice]:
    """The agency's active services of active suppliers whose name (or supplier's name)
    contains `q`, by supplier then name: what an itinerary's "Add service" offers. Narrowed
    to a `destination` (the supplier's city, region or country code), to service `kinds`,
    and with `on_sale_from` to services priced in a published rate list still valid on or
    after that day, each with its lowest net ("from"). One query (two with the prices) for
    any size of catalogue."""
    require(ctx, Action.SUPPLIERS_VIEW)
    svc, sup = SupplierService.__table__, Supplier.__table__  # type: ignore[attr-defined]
    statement = (
        sa_select(
            svc.c.id,
            svc.c.name,
            svc.c.kind,
            sup.c.name.label("supplier_name"),
            sup.c.city,
            sup.c.country,
        )
        .join_from(
            svc, sup, and_(sup.c.tenant_id == svc.c.tenant_id, sup.c.id == svc.c.supplier_id)
        )
        .where(svc.c.is_active.is_(True), sup.c.status == SupplierStatus.ACTIVE.value)
        .order_by(sup.c.name, svc.c.name)
        .limit(max(1, min(limit, 200)))
    )
    text = q.strip()[:100].casefold()
    if text:
        pattern = f"%{text}%"
        statement = statement.where(
            or_(func.lower(svc.c.name).like(pattern), func.lower(sup.c.name).like(pattern))
        )
    place = destination.strip()[:100].casefold()
    if place:
        pattern = f"%{place}%"
        statement = statement.where(
            or_(
                func.lower(sup.c.city).like(pattern),
                func.lower(sup.c.region).like(pattern),
                func.lower(sup.c.country) == place,
            )
        )
    wanted_kinds = sorted({str(kind) for kind in kinds})
    if wanted_kinds:
        statement = statement.where(svc.c.kind.in_(wanted_kinds))
    if on_sale_from is not None:
        # a correlated EXISTS, which scoped_rows refuses: the agency is bound here instead
        connection, tenant_id = scoped_connection(session)
        statement = statement.where(
            svc.c.tenant_id == tenant_id,
            sup.c.tenant_id == tenant_id,
            rates.on_sale_clause(svc, on_sale_from),
        )
        rows = list(connection.execute(statement).all())
    else:
        rows = scoped_rows(session, statement)
    prices = (
        rates.from_prices(session, service_ids=[row.id for row in rows], on=on_sale_from)
        if on_sale_from is not None
        else {}
    )
    return [
        ServiceChoice(
            id=row.id,
            name=row.name,
            supplier_name=row.supplier_name,
            kind=row.kind,
            city=row.city,
            country=row.country,
            from_net=prices[row.id][0] if row.id in prices else None,
            from_currency=prices[row.id][1] if row.id in prices else None,
        )
        for row in rows
    ]


def _service(session: Session, supplier_id: uuid.UUID, service_id: uuid.UUID) -> SupplierService:
    return _child(session, SupplierService, supplier_id, service_id, "Service")


def _check_unique_service(
    session: Session,
    supplier_id: uuid.UUID,
    name: str,
    meal_plan: str | None,
    *,
    except_id: uuid.UUID | None = None,
) -> None:
    statement = select(SupplierService).where(
        col(SupplierService.supplier_id) == supplier_id,
        func.lower(col(SupplierService.name)) == name.lower(),
    )
    statement = statement.where(
        col(SupplierService.meal_plan).is_(None)
        if meal_plan is None
        else col(SupplierService.meal_plan) == meal_plan
    )
    if except_id is not None:
        statement = statement.where(col(SupplierService.id) != except_id)
    if session.exec(statement).first() is not None:
        label = f"{name} ({meal_plan})" if meal_plan else name
        raise ConflictError(
            f"This supplier already has {label}.",
            errors=[FieldError("name", "already exists for this supplier", "taken")],
        )


def _service_audit(service: SupplierService) -> dict[str, Any]:
    return {
        "service": service.name,
        "kind": service.kind,
        "code": service.code,
        "meal_plan": service.meal_plan,
        "max_occupancy": service.max_occupancy,
        "is_active": service.is_active,
    }


def add_service(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID, data: ServiceIn
) -> SupplierService:
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id)
    meal_plan = data.meal_plan.value if data.meal_plan else None
    _check_unique_service(session, supplier.id, data.name, meal_plan)
    service = SupplierService(
        tenant_id=ctx.tenant_id,
        supplier_id=supplier.id,
        kind=data.kind.value,
        name=data.name,
        code=data.code,
        meal_plan=meal_plan,
        max_occupancy=data.max_occupancy,
        is_active=data.is_active,
    )
    session.add(service)
    try:
        session.flush()
    except IntegrityError:  # a concurrent twin won the unique key
        raise ConflictError(
            f"This supplier already has {data.name}.",
            errors=[FieldError("name", "already exists for this supplier", "taken")],
        ) from None
    _audit(session, ctx, supplier.id, "supplier.service_added", after=_service_audit(service))
    return service


def update_service(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    data: ServiceUpdate,
) -> SupplierService:
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id)
    service = _service(session, supplier.id, service_id)
    changes = data.model_dump(exclude_unset=True)
    for name in ("kind", "name", "is_active"):
        if name in changes and changes[name] is None:
            raise ValidationFailedError(
                f"{name} cannot be emptied.",
                errors=[FieldError(name, "cannot be null", "required")],
            )
    for name in ("kind", "meal_plan"):
        if changes.get(name) is not None:
            changes[name] = str(changes[name].value)
    kind = changes.get("kind", service.kind)
    meal_plan = changes.get("meal_plan", service.meal_plan)
    if kind != "room" and "kind" in changes and "meal_plan" not in changes:
        meal_plan = changes["meal_plan"] = None  # no longer a room: the meal plan goes
    try:
        check_meal_plan(kind, meal_plan)
    except ValueError as exc:
        raise ValidationFailedError(
            str(exc)[:1].upper() + str(exc)[1:] + ".",
            errors=[FieldError("meal_plan", str(exc), "invalid_meal_plan")],
        ) from None
    changed = _changed(service, changes)
    if not changed:
        return service
    if "name" in changed or "meal_plan" in changed:
        _check_unique_service(
            session,
            supplier.id,
            changed.get("name", service.name),
            meal_plan,
            except_id=service.id,
        )
    before = _set(session, service, changed)
    session.flush()
    _audit_child(session, ctx, supplier.id, "service", service.name, before, changed)
    return service


def delete_service(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID, service_id: uuid.UUID
) -> None:
    """Delete a service no rate line prices; a priced one is refused (deactivate it instead)."""
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id)
    service = _service(session, supplier.id, service_id)
    used = _rate_line_counts(session, [service.id]).get(service.id, 0)
    if used:
        raise ServiceInUseError(
            f"{service.name} is priced by {used} rate line{'s' if used != 1 else ''}; "
            "deactivate it instead of deleting it.",
            extra={"rate_lines": used},
        )
    snapshot = _service_audit(service)
    session.delete(service)
    session.flush()
    _audit(session, ctx, supplier.id, "supplier.service_removed", before=snapshot)


# ---- bank details -----------------------------------------------------------------------------


def _aad(supplier: Supplier) -> str:
    """Binds the ciphertext to its row: copied elsewhere it does not decrypt."""
    return f"{supplier.tenant_id}:{supplier.id}"


def bank_hint(data: BankDetailsIn | BankDetailsPublic) -> str:
    return f"{data.bank_name[:40]} {MASK}{data.account_number[-4:]}"


def set_bank_details(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    data: BankDetailsIn,
    expected_version: int | None = None,
) -> Supplier:
    """Store the details encrypted; the audit log gets the masked hint, never the numbers."""
    require(ctx, Action.SUPPLIER_BANK_VIEW)
    supplier = _editable(session, supplier_id)
    before = supplier.bank_hint
    hint = bank_hint(data)
    version = supplier.row_version if expected_version is None else expected_version
    payload = data.model_dump(exclude_none=True)
    _apply(
        session,
        supplier,
        {
            "bank_details_encrypted": crypto.encrypt_json(payload, context=_aad(supplier)),
            "bank_hint": hint,
        },
        expected_version=version,
    )
    _audit(
        session,
        ctx,
        supplier.id,
        "supplier.bank_details_changed",
        before={"bank": before},
        after={"bank": hint},
    )
    return supplier


def clear_bank_details(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    expected_version: int | None = None,
) -> Supplier:
    require(ctx, Action.SUPPLIER_BANK_VIEW)
    supplier = _editable(session, supplier_id)
    if supplier.bank_details_encrypted is None:
        return supplier
    before = supplier.bank_hint
    version = supplier.row_version if expected_version is None else expected_version
    _apply(
        session,
        supplier,
        {"bank_details_encrypted": None, "bank_hint": None},
        expected_version=version,
    )
    _audit(
        session,
        ctx,
        supplier.id,
        "supplier.bank_details_cleared",
        before={"bank": before},
        after={"bank": None},
    )
    return supplier


class BankDetailsUnreadableError(DomainError):
    code = "bank_details_unreadable"
    status = 409
    title = "Bank details cannot be read"


@dataclass(frozen=True)
class Rotation:
    rotated: int  # sealed again with the encrypting key
    unreadable: int  # no listed key opens them: left as they are (their key must be listed)


def rotate_bank_details(session: Session) -> Rotation:
    """Seal again, with the encrypting key (the first of DATA_KEYS), the scope's agency's
    supplier bank details sealed with an older key. Run by `manage rotate-keys` for each
    agency, with the old keys still listed so their values can be read; a value no listed key
    opens is counted and left unchanged, never lost."""
    rotated = unreadable = 0
    sealed = session.exec(
        select(Supplier).where(col(Supplier.bank_details_encrypted).is_not(None))
    ).all()
    for supplier in sealed:
        value = supplier.bank_details_encrypted
        if value is None or not crypto.needs_rotation(value):
            continue
        try:
            data = crypto.decrypt_json(value, context=_aad(supplier))
        except crypto.DecryptionError:
            unreadable += 1
            continue
        supplier.bank_details_encrypted = crypto.encrypt_json(data, context=_aad(supplier))
        session.add(supplier)
        rotated += 1
    session.flush()
    return Rotation(rotated=rotated, unreadable=unreadable)


def reveal_bank_details(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    ip: str | None = None,
    user_agent: str | None = None,
) -> BankDetailsPublic:
    """The full details, for people allowed to see them; every reveal is in the audit log."""
    require(ctx, Action.SUPPLIER_BANK_VIEW)
    supplier = _supplier(session, supplier_id)
    if supplier.bank_details_encrypted is None:
        raise NotFoundError(f"{supplier.name} has no bank details on file.")
    try:
        data = crypto.decrypt_json(supplier.bank_details_encrypted, context=_aad(supplier))
    except crypto.DecryptionError:
        raise BankDetailsUnreadableError(
            "The stored bank details cannot be decrypted (the key changed?); enter them again."
        ) from None
    audit.record(
        session,
        ctx,
        action="supplier.bank_revealed",
        target_type=TARGET,
        target_id=str(supplier.id),
        after={"bank": supplier.bank_hint},
        ip=ip,
        user_agent=user_agent,
    )
    details = BankDetailsPublic.model_validate({**data, "hint": supplier.bank_hint or ""})
    return details


@dataclass(frozen=True)
class ServiceFacts:
    """What an itinerary needs to know of a supplier's service: its name and kind, whose it
    is and where (for markup rules and the pricing sheet)."""

    id: uuid.UUID
    name: str
    kind: str
    meal_plan: str | None
    max_occupancy: int | None
    supplier_id: uuid.UUID
    supplier_name: str
    supplier_kind: str
    city: str | None
    country: str | None


def describe_services(
    session: Session, ctx: TenantContext, *, service_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, ServiceFacts]:
    """The agency's services among `service_ids`, by id (another agency's are simply absent)."""
    require(ctx, Action.SUPPLIERS_VIEW)
    wanted = set(service_ids)
    if not wanted:
        return {}
    # one statement built once (a sheet asks on every price); it binds the agency itself, in
    # both tables' filters, and on PostgreSQL RLS backs it up
    connection, tenant_id = scoped_connection(session)
    rows = connection.execute(_DESCRIBE, {"tenant_id": tenant_id, "ids": list(wanted)})
    return {row[0]: ServiceFacts(*tuple(row)) for row in rows}


def _describe_statement() -> Any:
    svc, sup = SupplierService.__table__, Supplier.__table__  # type: ignore[attr-defined]
    return (
        sa_select(
            svc.c.id,
            svc.c.name,
            svc.c.kind,
            svc.c.meal_plan,
            svc.c.max_occupancy,
            sup.c.id,
            sup.c.name,
            sup.c.kind,
            sup.c.city,
            sup.c.country,
        )
        .join_from(
            svc, sup, and_(sup.c.tenant_id == svc.c.tenant_id, sup.c.id == svc.c.supplier_id)
        )
        .where(
            svc.c.tenant_id == bindparam("tenant_id"),
            sup.c.tenant_id == bindparam("tenant_id"),
            svc.c.id.in_(bindparam("ids", expanding=True)),
        )
    )


_DESCRIBE = _describe_statement()


def content_for(
    session: Session, ctx: TenantContext, *, service_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, ServiceBlurb]:
    """What an itinerary, a PDF or a proposal shows of each of `service_ids`: its description
    (and first line), highlights and photos, cover first, with their addresses; one query
    that reads no photo bytes. Services without content have an empty blurb; another
    agency's are simply absent."""
    require(ctx, Action.SUPPLIERS_VIEW)
    wanted = set(service_ids)
    if not wanted:
        return {}
    # Outer joins: the scope's filter would add `tenant_id = ...` of the joined tables to WHERE
    # (dropping the services without content), so this statement binds the agency itself, in
    # each ON clause; on PostgreSQL RLS backs it up.
    connection, tenant_id = scoped_connection(session)
    svc = SupplierService.__table__  # type: ignore[attr-defined]
    text = ServiceContent.__table__  # type: ignore[attr-defined]
    photo = ServicePhoto.__table__  # type: ignore[attr-defined]
    statement = (
        sa_select(
            svc.c.id,
            svc.c.supplier_id,
            text.c.description,
            text.c.highlights,
            photo.c.id,
            photo.c.position,
            photo.c.is_cover,
            photo.c.caption,
            photo.c.alt_text,
            photo.c.width,
            photo.c.height,
            photo.c.sha256,
            photo.c.thumb_sha256,
        )
        .select_from(
            svc.outerjoin(
                text, and_(text.c.tenant_id == tenant_id, text.c.service_id == svc.c.id)
            ).outerjoin(photo, and_(photo.c.tenant_id == tenant_id, photo.c.service_id == svc.c.id))
        )
        .where(svc.c.tenant_id == tenant_id, svc.c.id.in_(wanted))
        .order_by(svc.c.id, photo.c.position)
    )
    found: dict[uuid.UUID, ServiceBlurb] = {}
    for row in connection.execute(statement):
        (service_id, supplier_id, description, highlights, photo_id) = row[:5]
        blurb = found.get(service_id)
        if blurb is None:
            words = description or ""
            blurb = found[service_id] = ServiceBlurb.model_construct(
                service_id=service_id,
                description=words,
                first_line=first_line(words),
                highlights=list(highlights or []),
                cover_url=None,
                cover_thumb_url=None,
                cover_alt="",
                photos=[],
            )
        if photo_id is None:
            continue
        _, _, _, _, _, position, is_cover, caption, alt, width, height, sha, thumb_sha = row
        shown = PhotoPublic.model_construct(  # the database's own values: no re-validation
            id=photo_id,
            position=position,
            is_cover=is_cover,
            caption=caption,
            alt_text=alt,
            width=width,
            height=height,
            url=photo_url(supplier_id, service_id, photo_id, "large", sha),
            thumb_url=photo_url(supplier_id, service_id, photo_id, "thumb", thumb_sha),
        )
        if is_cover:
            blurb.cover_url, blurb.cover_thumb_url = shown.url, shown.thumb_url
            blurb.cover_alt = alt or caption
        blurb.photos.append(shown)
    for blurb in found.values():
        blurb.photos.sort(key=lambda p: p.position)
    return found

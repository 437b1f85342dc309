"""What a supplier can sell on a date besides its prices: blackouts and stop-sales (the whole
supplier or one service) and allotments per date with their release days. Each change voids
the agency's cached prices once it commits."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlmodel import Session, col, select

from travelcrm.audit import services as audit
from travelcrm.core.errors import (
    FieldError,
    NotFoundError,
    ValidationFailedError,
)
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import save_rows
from travelcrm.rates.models import (
    Allotment,
    SupplierRestriction,
)
from travelcrm.rates.pricing import forget_prices
from travelcrm.rates.schemas import (
    AllotmentIn,
    RestrictionIn,
)
from travelcrm.rates.services import check_dates, find
from travelcrm.suppliers.models import Supplier, SupplierService

# ---- blackouts, stop-sales, allotments -----------------------------------------------------------


def add_restriction(
    session: Session, ctx: TenantContext, *, data: RestrictionIn
) -> SupplierRestriction:
    require(ctx, Action.RATES_EDIT)
    supplier = find(session, Supplier, data.supplier_id, "Supplier")
    if data.service_id is not None:
        service = find(session, SupplierService, data.service_id, "Service")
        if service.supplier_id != supplier.id:
            raise NotFoundError("Service not found for this supplier.")
    check_dates(data.starts_on, data.ends_on, start_field="starts_on", end_field="ends_on")
    row = SupplierRestriction(
        tenant_id=ctx.tenant_id,
        supplier_id=supplier.id,
        service_id=data.service_id,
        kind=data.kind.value,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        reason=data.reason,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        ctx,
        action=f"rates.{data.kind.value}_added",
        target_type="supplier",
        target_id=str(supplier.id),
        after={"from": str(data.starts_on), "to": str(data.ends_on), "reason": data.reason},
    )
    forget_prices(session, ctx.tenant_id)
    return row


def list_restrictions(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID
) -> list[SupplierRestriction]:
    require(ctx, Action.RATES_VIEW)
    find(session, Supplier, supplier_id, "Supplier")
    return list(
        session.exec(
            select(SupplierRestriction)
            .where(col(SupplierRestriction.supplier_id) == supplier_id)
            .order_by(col(SupplierRestriction.starts_on))
        ).all()
    )


def delete_restriction(session: Session, ctx: TenantContext, *, restriction_id: uuid.UUID) -> None:
    require(ctx, Action.RATES_EDIT)
    row = find(session, SupplierRestriction, restriction_id, "Restriction")
    session.delete(row)
    session.flush()
    forget_prices(session, ctx.tenant_id)


def set_allotment(session: Session, ctx: TenantContext, *, data: AllotmentIn) -> int:
    """Units held per date over a range (upsert); returns the number of dates set."""
    require(ctx, Action.RATES_EDIT)
    find(session, SupplierService, data.service_id, "Service")
    check_dates(data.starts_on, data.ends_on, start_field="starts_on", end_field="ends_on")
    days = (data.ends_on - data.starts_on).days + 1
    if days > 731:
        raise ValidationFailedError(
            "Set allotments for at most two years at a time.",
            errors=[FieldError("ends_on", "more than 731 days after starts_on", "too_long")],
        )
    # one upsert for the range: dates set before are updated, new ones made (two saves of
    # overlapping ranges at once both land instead of one failing on the unique key)
    save_rows(
        session,
        [
            Allotment(
                tenant_id=ctx.tenant_id,
                service_id=data.service_id,
                on_date=data.starts_on + timedelta(days=offset),
                units=data.units,
                release_days=data.release_days,
            )
            for offset in range(days)
        ],
        key=["tenant_id", "service_id", "on_date"],
        update=["units", "release_days"],
    )
    forget_prices(session, ctx.tenant_id)
    return days


def list_allotments(
    session: Session, ctx: TenantContext, *, service_id: uuid.UUID, month: date
) -> list[Allotment]:
    require(ctx, Action.RATES_VIEW)
    find(session, SupplierService, service_id, "Service")
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return list(
        session.exec(
            select(Allotment)
            .where(
                col(Allotment.service_id) == service_id,
                col(Allotment.on_date) >= first,
                col(Allotment.on_date) < following,
            )
            .order_by(col(Allotment.on_date))
        ).all()
    )

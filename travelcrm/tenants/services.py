"""Agencies: create and list. Accounts, roles and branding join in phase 1."""

from __future__ import annotations

from sqlmodel import Session, select

from travelcrm.core.errors import ConflictError, FieldError
from travelcrm.tenants.models import Tenant
from travelcrm.tenants.schemas import TenantCreate


def create_tenant(session: Session, *, data: TenantCreate) -> Tenant:
    if session.exec(select(Tenant).where(Tenant.slug == data.slug)).first() is not None:
        raise ConflictError(
            f"An agency with the address '{data.slug}' already exists.",
            errors=[FieldError("slug", "already taken", "taken")],
        )
    tenant = Tenant(**data.model_dump())
    session.add(tenant)
    session.flush()
    return tenant


def list_tenants(session: Session) -> list[Tenant]:
    return list(session.exec(select(Tenant).order_by(Tenant.name)).all())

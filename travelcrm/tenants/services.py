"""Agencies: create and list. Accounts, roles and branding join in phase 1."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, select

from travelcrm.audit import services as audit
from travelcrm.core.clock import utcnow
from travelcrm.core.errors import ConflictError, FieldError, NotFoundError, ValidationFailedError
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.tenants.models import Tenant
from travelcrm.tenants.schemas import TenantCreate, TenantSettings, TenantSettingsUpdate

# Tax ids by country: India's GSTIN (15 characters) and the US EIN (NN-NNNNNNN).
TAX_ID_RULES = {
    "IN": (
        re.compile(r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$"),
        "GSTIN, e.g. 27AAPFU0939F1ZV",
    ),
    "US": (re.compile(r"^\d{2}-\d{7}$"), "EIN, e.g. 12-3456789"),
}


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


def own_tenant(session: Session, ctx: TenantContext) -> Tenant:
    """The caller's agency (any staff role may see its name, timezone and currency)."""
    tenant = session.get(Tenant, ctx.tenant_id)
    if tenant is None:
        raise NotFoundError("Agency not found.")
    return tenant


def settings_of(tenant: Tenant) -> TenantSettings:
    return TenantSettings.model_validate(tenant, from_attributes=True)


def get_tenant_settings(session: Session, ctx: TenantContext) -> TenantSettings:
    require(ctx, Action.TENANT_SETTINGS_VIEW)
    return settings_of(own_tenant(session, ctx))


def update_tenant_settings(
    session: Session, ctx: TenantContext, *, data: TenantSettingsUpdate
) -> TenantSettings:
    """Change the caller's agency settings; the audit log keeps before/after of what changed."""
    require(ctx, Action.TENANT_SETTINGS_EDIT)
    tenant = own_tenant(session, ctx)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if changes.get("default_currency"):
        changes["default_currency"] = changes["default_currency"].upper()
    if changes.get("tax_id"):
        tax_id = changes["tax_id"].strip().upper()
        rule = TAX_ID_RULES.get(tenant.country)
        if rule is not None and not rule[0].match(tax_id):
            raise ValidationFailedError(
                f"The tax id is not a valid {rule[1].split(',')[0]} for {tenant.country}.",
                errors=[FieldError("tax_id", f"expected a {rule[1]}", "invalid_tax_id")],
            )
        changes["tax_id"] = tax_id
    for required in (
        "name",
        "invoice_prefix",
        "primary_color",
        "default_currency",
        "timezone",
        "locale",
    ):
        if required in changes and changes[required] is None:
            raise ValidationFailedError(
                f"{required} cannot be emptied.",
                errors=[FieldError(required, "cannot be null", "required")],
            )
    before = {k: getattr(tenant, k) for k in changes if getattr(tenant, k) != changes[k]}
    after = {k: changes[k] for k in before}
    if before:
        for key, value in after.items():
            setattr(tenant, key, value)
        tenant.updated_at = utcnow()
        session.add(tenant)
        session.flush()
        audit.record(
            session,
            ctx,
            action="tenant.settings_changed",
            target_type="tenant",
            target_id=str(tenant.id),
            before=before,
            after=after,
        )
    return settings_of(tenant)

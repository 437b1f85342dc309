"""Agencies: create and list. Accounts, roles and branding join in phase 1."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from sqlmodel import Session, col, select

from travelcrm.audit import services as audit
from travelcrm.core.clock import utcnow
from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
)
from travelcrm.core.images import process_logo
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists, save_row
from travelcrm.tenants.models import BrandAsset, Tenant, TenantStatus
from travelcrm.tenants.schemas import (
    AgencyBrand,
    TenantCreate,
    TenantSettings,
    TenantSettingsUpdate,
)

# Tax ids by country: India's GSTIN (15 characters) and the US EIN (NN-NNNNNNN).
TAX_ID_RULES = {
    "IN": (
        re.compile(r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$"),
        "GSTIN, e.g. 27AAPFU0939F1ZV",
    ),
    "US": (re.compile(r"^\d{2}-\d{7}$"), "EIN, e.g. 12-3456789"),
}


def create_tenant(session: Session, *, data: TenantCreate) -> Tenant:
    """A new agency under its address (slug). One statement claims the address, so of two
    sign-ups for the same one at once, one gets it and the other is told it is taken."""
    tenant = Tenant(**data.model_dump())
    if not add_unless_exists(session, tenant, key=["slug"]):
        raise ConflictError(
            f"An agency with the address '{data.slug}' already exists.",
            errors=[FieldError("slug", "already taken", "taken")],
        )
    stored = session.get(Tenant, tenant.id)
    assert stored is not None  # inserted by this unit of work just now
    return stored


def agency_ids(session: Session, *, active_only: bool = True) -> list[uuid.UUID]:
    """Every agency's id (the active ones unless told otherwise), for jobs that act for each
    agency in its own scope."""
    statement = select(Tenant.id)
    if active_only:
        statement = statement.where(col(Tenant.status) == TenantStatus.ACTIVE.value)
    return list(session.exec(statement).all())


def own_tenant(session: Session, ctx: TenantContext) -> Tenant:
    """The caller's agency (any staff role may see its name, timezone and currency)."""
    tenant = session.get(Tenant, ctx.tenant_id)
    if tenant is None:
        raise NotFoundError("Agency not found.")
    return tenant


# an agency's timezone by agency, read at most once a minute per process: the price lookup
# needs the agency's "today" before it may answer from its cache, and a cached answer should
# not wait for a database round trip (a change is seen here at once, elsewhere within a minute)
TIMEZONE_SECONDS = 60.0
_timezones: dict[uuid.UUID, tuple[str, float]] = {}


def agency_timezone(session: Session, ctx: TenantContext) -> str:
    """The caller's agency's IANA timezone, from a per-process memory of a minute."""
    now = time.monotonic()
    known = _timezones.get(ctx.tenant_id)
    if known is not None and now - known[1] < TIMEZONE_SECONDS:
        return known[0]
    timezone = own_tenant(session, ctx).timezone
    _timezones[ctx.tenant_id] = (timezone, now)
    return timezone


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
        _timezones.pop(tenant.id, None)
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


# ---- the agency's address (before sign-in) and its logo ----------------------------------------


class AgencySuspendedError(DomainError):
    code = "agency_suspended"
    status = 403
    title = "Agency suspended"


def agency_by_slug(session: Session, *, slug: str) -> Tenant:
    """The agency at /t/<slug>/ or <slug>.BASE_DOMAIN; unknown or suspended ones are named."""
    tenant = session.exec(select(Tenant).where(Tenant.slug == slug.strip().lower())).first()
    if tenant is None:
        raise NotFoundError(f"There is no agency at the address '{slug[:63]}'.")
    if tenant.status != TenantStatus.ACTIVE.value:
        raise AgencySuspendedError(
            f"{tenant.name} is suspended on TravelCRM. Contact the agency for help."
        )
    return tenant


def slug_from_host(host: str | None, base_domain: str | None) -> str | None:
    """`acme` from `acme.example.com[:port]` when BASE_DOMAIN is example.com; else None."""
    if not host or not base_domain:
        return None
    name = host.split(":", 1)[0].strip().lower().rstrip(".")
    suffix = f".{base_domain}"
    if not name.endswith(suffix):
        return None
    label = name[: -len(suffix)]
    return label if label and "." not in label and label != "www" else None


def set_logo(
    session: Session, ctx: TenantContext, *, data: bytes, filename: str | None = None
) -> BrandAsset:
    require(ctx, Action.TENANT_SETTINGS_EDIT)
    image = process_logo(data, filename=filename)
    logo = select(BrandAsset).where(col(BrandAsset.kind) == "logo")
    had_logo = session.exec(logo).first() is not None
    # the agency's one logo row: an upsert, so two first uploads at once both land
    save_row(
        session,
        BrandAsset(
            tenant_id=ctx.tenant_id,
            kind="logo",
            content=image.content,
            content_type=image.content_type,
            sha256=image.sha256,
            width=image.width,
            height=image.height,
            updated_at=utcnow(),
        ),
        key=["tenant_id", "kind"],
        update=["content", "content_type", "sha256", "width", "height", "updated_at"],
    )
    asset = session.exec(logo.execution_options(populate_existing=True)).one()
    audit.record(
        session,
        ctx,
        action="tenant.logo_changed",
        target_type="tenant",
        target_id=str(ctx.tenant_id),
        before={"logo": "replaced" if had_logo else None},
        after={"logo": image.sha256[:12], "size": f"{image.width}x{image.height}"},
    )
    return asset


def remove_logo(session: Session, ctx: TenantContext) -> None:
    require(ctx, Action.TENANT_SETTINGS_EDIT)
    asset = session.exec(select(BrandAsset).where(col(BrandAsset.kind) == "logo")).first()
    if asset is not None:
        session.delete(asset)
        session.flush()
        audit.record(
            session,
            ctx,
            action="tenant.logo_changed",
            target_type="tenant",
            target_id=str(ctx.tenant_id),
            before={"logo": asset.sha256[:12]},
            after={"logo": None},
        )


def logo_of(session: Session) -> BrandAsset | None:
    """The scope's agency logo (branding is public: the login page shows it)."""
    return session.exec(select(BrandAsset).where(col(BrandAsset.kind) == "logo")).first()


def brand_of(session: Session, tenant: Tenant) -> AgencyBrand:
    """Public branding; `session` must be in the agency's scope (the logo is tenant-owned)."""
    logo = logo_of(session)
    return AgencyBrand(
        slug=tenant.slug,
        name=tenant.name,
        primary_color=tenant.primary_color,
        logo_url=f"/api/agencies/{tenant.slug}/logo?v={logo.sha256[:12]}" if logo else None,
    )

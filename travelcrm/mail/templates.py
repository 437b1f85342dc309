"""The agency's email templates: the four standard kinds made on first use from the
defaults, the agency's own kinds added, each checked before it is saved (unknown variables
named at their field), changed at the version read, and previewed with sample values."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from travelcrm.core.clock import utcnow
from travelcrm.core.errors import (
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists
from travelcrm.core.versions import advance_version
from travelcrm.mail import templating
from travelcrm.mail.models import EmailTemplate, PdfMode, TemplateKind
from travelcrm.mail.schemas import (
    PreviewIn,
    PreviewPublic,
    TemplateIn,
    TemplatePublic,
    TemplateUpdate,
    VariablePublic,
)

STANDARD = frozenset(kind.value for kind in TemplateKind)


def ensure_defaults(session: Session, ctx: TenantContext) -> None:
    """The standard templates the agency has not got yet, from the defaults (race-free)."""
    have = set(
        session.exec(select(EmailTemplate.kind).where(col(EmailTemplate.kind).in_(STANDARD))).all()
    )
    for kind in TemplateKind:
        if kind.value in have:
            continue
        default = templating.DEFAULTS[kind]
        row = EmailTemplate(
            tenant_id=ctx.tenant_id,
            kind=kind.value,
            name=templating.NAMES[kind],
            subject=default.subject,
            html_body=default.html_body,
            text_body=default.text_body,
            pdf_mode=PdfMode.ATTACH.value,
        )
        add_unless_exists(session, row, key=["tenant_id", "kind"])


def to_public(row: EmailTemplate) -> TemplatePublic:
    return TemplatePublic(
        id=row.id,
        kind=row.kind,
        name=row.name,
        subject=row.subject,
        html_body=row.html_body,
        text_body=row.text_body,
        pdf_mode=PdfMode(row.pdf_mode),
        standard=row.kind in STANDARD,
        variables=[
            VariablePublic(name=name, label=label, sample=sample)
            for name, (label, sample) in templating.declared(row.kind).items()
        ],
        row_version=row.row_version,
        updated_at=row.updated_at,
    )


def list_templates(session: Session, ctx: TenantContext) -> list[EmailTemplate]:
    """Standard kinds first (in their order), then the agency's own by name."""
    require(ctx, Action.MAIL_LOG)
    ensure_defaults(session, ctx)
    rows = list(session.exec(select(EmailTemplate)).all())
    order = {kind.value: i for i, kind in enumerate(TemplateKind)}
    return sorted(rows, key=lambda r: (order.get(r.kind, len(order)), r.name.lower()))


def _template(session: Session, template_id: uuid.UUID) -> EmailTemplate:
    found = session.exec(
        select(EmailTemplate)
        .where(col(EmailTemplate.id) == template_id)
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFoundError("Email template not found.")
    return found


def get_template(session: Session, ctx: TenantContext, *, template_id: uuid.UUID) -> EmailTemplate:
    require(ctx, Action.MAIL_LOG)
    return _template(session, template_id)


_CACHE = "travelcrm.mail.templates"


def template_for(session: Session, ctx: TenantContext, *, kind: str) -> EmailTemplate:
    """The agency's template of `kind` (the standard ones made on first use); read once per
    unit of work (a job sending many emails reads it once)."""
    cached: dict[str, EmailTemplate] = session.info.setdefault(_CACHE, {})
    if kind in cached:
        return cached[kind]
    found = session.exec(select(EmailTemplate).where(col(EmailTemplate.kind) == kind)).first()
    if found is None and kind in STANDARD:
        ensure_defaults(session, ctx)
        found = session.exec(select(EmailTemplate).where(col(EmailTemplate.kind) == kind)).first()
    if found is None:
        raise NotFoundError(
            f"There is no email template for “{kind}”.",
            errors=[FieldError("kind", "No template of this kind.", "not_found")],
        )
    cached[kind] = found
    return found


def _refuse(checked: templating.Checked) -> None:
    if not checked.ok:
        raise ValidationFailedError(
            "The template cannot be saved as it is.", errors=checked.problems
        )


def add_template(session: Session, ctx: TenantContext, *, data: TemplateIn) -> EmailTemplate:
    require(ctx, Action.MAIL_TEMPLATES)
    if data.kind in STANDARD:
        raise ValidationFailedError(
            "Every agency has this kind already: change it instead.",
            errors=[FieldError("kind", "This kind exists: change its template.", "duplicate")],
        )
    _refuse(templating.check(data.kind, data.model_dump()))
    row = EmailTemplate(
        tenant_id=ctx.tenant_id,
        kind=data.kind,
        name=data.name,
        subject=data.subject,
        html_body=data.html_body,
        text_body=data.text_body,
        pdf_mode=data.pdf_mode.value,
    )
    if not add_unless_exists(session, row, key=["tenant_id", "kind"]):
        raise ValidationFailedError(
            "A template of this kind exists.",
            errors=[FieldError("kind", "Another template has this kind.", "duplicate")],
        )
    return _template(session, row.id)


def update_template(
    session: Session,
    ctx: TenantContext,
    *,
    template_id: uuid.UUID,
    row_version: int,
    data: TemplateUpdate,
) -> EmailTemplate:
    require(ctx, Action.MAIL_TEMPLATES)
    row = _template(session, template_id)
    values: dict[str, Any] = {
        k: (v.value if hasattr(v, "value") else v)
        for k, v in data.model_dump(exclude_unset=True).items()
        if v is not None
    }
    merged = {name: values.get(name, getattr(row, name)) for name in templating.FIELDS}
    _refuse(templating.check(row.kind, merged))
    values["updated_at"] = utcnow()
    session.info.pop(_CACHE, None)
    if not advance_version(session, row, read=row_version, values=values):
        raise VersionConflictError.at(
            "Someone changed this template meanwhile. Reload it and try again.",
            current_row_version=row.row_version,
        )
    return row


def check_template(
    session: Session, ctx: TenantContext, *, template_id: uuid.UUID, data: PreviewIn
) -> list[FieldError]:
    """The problems saving these texts would meet (for the page, as the user types)."""
    row = get_template(session, ctx, template_id=template_id)
    merged = {
        name: getattr(data, name) if getattr(data, name) is not None else getattr(row, name)
        for name in templating.FIELDS
    }
    return templating.check(row.kind, merged).problems


def preview(
    session: Session, ctx: TenantContext, *, template_id: uuid.UUID, data: PreviewIn
) -> PreviewPublic:
    """The template (or the unsaved texts given) rendered with the kind's sample values."""
    row = get_template(session, ctx, template_id=template_id)
    merged = {
        name: getattr(data, name) if getattr(data, name) is not None else getattr(row, name)
        for name in templating.FIELDS
    }
    _refuse(templating.check(row.kind, merged))
    sample = templating.sample_values(row.kind)
    shown = templating.render(values=sample, **merged)
    return PreviewPublic(
        subject=shown.subject, html_body=shown.html_body, text_body=shown.text_body, sample=sample
    )

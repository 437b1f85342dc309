"""The content library: per supplier service a description (plain text or light markdown),
short highlights, and ordered photos with one cover, a caption and alt text each.

Photos are re-encoded on upload (`core.images.process_photo`: a 1600px JPEG and a 400px
thumbnail, no metadata) and stored in the database like the people's pictures. Changes to one
service's photos hold the service's row first, so two uploads at once get distinct positions
and a service never has two covers (a partial unique index backs that up). Every change is in
the supplier's audit log; another agency's ids are "not found". Reading content for many
services at once (an itinerary, a proposal) is `services.content_for`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from travelcrm.core.clock import utcnow
from travelcrm.core.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.images import process_photo
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import hold_row
from travelcrm.suppliers.models import ServiceContent, ServicePhoto, SupplierService
from travelcrm.suppliers.schemas import (
    PHOTOS_LIMIT,
    ContentIn,
    PhotoPublic,
    PhotoSize,
    PhotoUpdate,
    ServiceContentPublic,
    photo_url,
)
from travelcrm.suppliers.services import _audit, _editable, _service, _supplier

PHOTO_NOT_FOUND = "Photo not found."


class TooManyPhotosError(ConflictError):
    code = "too_many_photos"
    title = "Too many photos"


# ---- reading ----------------------------------------------------------------------------------


def _photos(session: Session, service_id: uuid.UUID) -> list[ServicePhoto]:
    """The service's photos in order, without their bytes."""
    return list(
        session.exec(
            select(ServicePhoto)
            .where(col(ServicePhoto.service_id) == service_id)
            .options(defer(ServicePhoto.content), defer(ServicePhoto.thumb))  # type: ignore[arg-type]
            .order_by(col(ServicePhoto.position), col(ServicePhoto.created_at))
        ).all()
    )


def _text(session: Session, service_id: uuid.UUID) -> ServiceContent | None:
    return session.exec(
        select(ServiceContent).where(col(ServiceContent.service_id) == service_id)
    ).first()


def photo_public(photo: ServicePhoto, supplier_id: uuid.UUID) -> PhotoPublic:
    return PhotoPublic(
        id=photo.id,
        position=photo.position,
        is_cover=photo.is_cover,
        caption=photo.caption,
        alt_text=photo.alt_text,
        width=photo.width,
        height=photo.height,
        url=photo_url(supplier_id, photo.service_id, photo.id, "large", photo.sha256),
        thumb_url=photo_url(supplier_id, photo.service_id, photo.id, "thumb", photo.thumb_sha256),
    )


def _public(session: Session, service: SupplierService) -> ServiceContentPublic:
    text = _text(session, service.id)
    return ServiceContentPublic(
        service_id=service.id,
        supplier_id=service.supplier_id,
        service_name=service.name,
        description=text.description if text else "",
        highlights=list(text.highlights) if text else [],
        row_version=text.row_version if text else 0,
        photos=[photo_public(p, service.supplier_id) for p in _photos(session, service.id)],
    )


def get_content(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID, service_id: uuid.UUID
) -> ServiceContentPublic:
    require(ctx, Action.SUPPLIERS_VIEW)
    supplier = _supplier(session, supplier_id)
    return _public(session, _service(session, supplier.id, service_id))


def photo_bytes(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    photo_id: uuid.UUID,
    size: PhotoSize,
) -> tuple[bytes, str, str]:
    """A photo's bytes, media type and hash (the large JPEG or the thumbnail)."""
    require(ctx, Action.SUPPLIERS_VIEW)
    column = ServicePhoto.content if size == "large" else ServicePhoto.thumb
    digest = ServicePhoto.sha256 if size == "large" else ServicePhoto.thumb_sha256
    row = session.exec(
        select(column, ServicePhoto.content_type, digest)
        .join(
            SupplierService,
            (col(SupplierService.tenant_id) == col(ServicePhoto.tenant_id))
            & (col(SupplierService.id) == col(ServicePhoto.service_id)),
        )
        .where(
            col(ServicePhoto.id) == photo_id,
            col(ServicePhoto.service_id) == service_id,
            col(SupplierService.supplier_id) == supplier_id,
        )
    ).first()
    if row is None:
        raise NotFoundError(PHOTO_NOT_FOUND)
    content, content_type, sha256 = row
    return content, content_type, sha256


# ---- the description --------------------------------------------------------------------------


def set_content(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    data: ContentIn,
    expected_version: int | None = None,
) -> ServiceContentPublic:
    """Write the description and highlights as a whole. With `expected_version` (what the
    caller read; 0 for none yet) a change made meanwhile is a conflict, never overwritten."""
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id)
    service = _service(session, supplier.id, service_id)
    hold_row(session, SupplierService, service.id)
    text = _text(session, service.id)
    current = text.row_version if text else 0
    if expected_version is not None and expected_version != current:
        raise VersionConflictError(
            f"The description of {service.name} was changed meanwhile; reload it and apply "
            "your change again.",
            extra={"current_version": current},
        )
    before = {"description": text.description, "highlights": list(text.highlights)} if text else {}
    after = {"description": data.description, "highlights": list(data.highlights)}
    if text is None:
        text = ServiceContent(
            tenant_id=ctx.tenant_id,
            service_id=service.id,
            description=data.description,
            highlights=list(data.highlights),
        )
    elif before == after:
        return _public(session, service)
    else:
        text.description, text.highlights = data.description, list(data.highlights)
        text.row_version += 1
        text.updated_at = utcnow()
    session.add(text)
    session.flush()
    _audit(
        session,
        ctx,
        supplier.id,
        "supplier.service_content_updated",
        before={"service": service.name, **_short(before)},
        after={"service": service.name, **_short(after)},
    )
    return _public(session, service)


def _short(values: dict[str, Any]) -> dict[str, Any]:
    """The audit log keeps the highlights and the description's length, not its whole text."""
    if "description" in values:
        values = {**values, "description": f"{len(values['description'])} characters"}
    return values


# ---- photos -----------------------------------------------------------------------------------


def _photo_audit(photo: ServicePhoto) -> dict[str, Any]:
    return _photo_audit_of({"caption": photo.caption, "position": photo.position})


def _photo_audit_of(values: dict[str, Any]) -> dict[str, Any]:
    return {"photo": values["caption"] or f"photo {values['position']}"}


def add_photo(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    data: bytes,
    filename: str | None = None,
    caption: str = "",
    alt_text: str = "",
) -> PhotoPublic:
    """Add a photo at the end (the first one is the cover). Refused, in words at `photo`,
    when the file is too large, not an image, damaged... or the service has its limit."""
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id)
    service = _service(session, supplier.id, service_id)
    processed = process_photo(data, filename=filename)  # before the lock: it takes a while
    hold_row(session, SupplierService, service.id)
    photos = _photos(session, service.id)
    if len(photos) >= PHOTOS_LIMIT:
        raise TooManyPhotosError(
            f"{service.name} has {PHOTOS_LIMIT} photos, the most a service can have; delete one "
            "first.",
            errors=[FieldError("photo", f"at most {PHOTOS_LIMIT} photos", "too_many_photos")],
        )
    photo = ServicePhoto(
        tenant_id=ctx.tenant_id,
        service_id=service.id,
        position=len(photos) + 1,
        is_cover=not any(p.is_cover for p in photos),
        caption=caption,
        alt_text=alt_text,
        content_type=processed.large.content_type,
        width=processed.large.width,
        height=processed.large.height,
        sha256=processed.large.sha256,
        content=processed.large.content,
        thumb_width=processed.thumb.width,
        thumb_height=processed.thumb.height,
        thumb_sha256=processed.thumb.sha256,
        thumb=processed.thumb.content,
    )
    session.add(photo)
    session.flush()
    _audit(
        session,
        ctx,
        supplier.id,
        "supplier.service_photo_added",
        after={"service": service.name, **_photo_audit(photo), "cover": photo.is_cover},
    )
    return photo_public(photo, supplier.id)


def _editable_photos(
    session: Session, ctx: TenantContext, supplier_id: uuid.UUID, service_id: uuid.UUID
) -> tuple[uuid.UUID, SupplierService, list[ServicePhoto]]:
    require(ctx, Action.SUPPLIERS_EDIT)
    supplier = _editable(session, supplier_id)
    service = _service(session, supplier.id, service_id)
    hold_row(session, SupplierService, service.id)
    return supplier.id, service, _photos(session, service.id)


def _one(photos: list[ServicePhoto], photo_id: uuid.UUID) -> ServicePhoto:
    photo = next((p for p in photos if p.id == photo_id), None)
    if photo is None:
        raise NotFoundError(PHOTO_NOT_FOUND)
    return photo


def _renumber(session: Session, ordered: list[ServicePhoto]) -> None:
    for position, photo in enumerate(ordered, start=1):
        if photo.position != position:
            photo.position = position
            session.add(photo)


def _make_cover(session: Session, photos: list[ServicePhoto], cover: ServicePhoto) -> None:
    """One cover: the old one loses it first (flushed), so the unique index never sees two."""
    for photo in photos:
        if photo.is_cover and photo.id != cover.id:
            photo.is_cover = False
            session.add(photo)
    session.flush()
    cover.is_cover = True
    session.add(cover)


def reorder_photos(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    photo_ids: list[uuid.UUID],
) -> ServiceContentPublic:
    """Put the service's photos in the order of `photo_ids` (each of them exactly once)."""
    owner, service, photos = _editable_photos(session, ctx, supplier_id, service_id)
    if len(photo_ids) != len(photos) or {p.id for p in photos} != set(photo_ids):
        raise ValidationFailedError(
            "Name each of the service's photos once, in their new order; reload and try again.",
            errors=[FieldError("photo_ids", "not the service's photos", "invalid_order")],
        )
    by_id = {p.id: p for p in photos}
    _renumber(session, [by_id[i] for i in photo_ids])
    session.flush()
    _audit(
        session,
        ctx,
        owner,
        "supplier.service_photos_reordered",
        after={"service": service.name, "photos": len(photos)},
    )
    return _public(session, service)


def set_cover(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    photo_id: uuid.UUID,
) -> ServiceContentPublic:
    return update_photo(
        session,
        ctx,
        supplier_id=supplier_id,
        service_id=service_id,
        photo_id=photo_id,
        data=PhotoUpdate(is_cover=True),
    )


def update_photo(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    photo_id: uuid.UUID,
    data: PhotoUpdate,
) -> ServiceContentPublic:
    """Change a photo's caption or alt text, move it to `position` (the others shift), or
    make it the cover."""
    owner, service, photos = _editable_photos(session, ctx, supplier_id, service_id)
    photo = _one(photos, photo_id)
    before = {"caption": photo.caption, "alt_text": photo.alt_text, "position": photo.position}
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if "caption" in changes:
        photo.caption = changes["caption"]
    if "alt_text" in changes:
        photo.alt_text = changes["alt_text"]
    session.add(photo)
    if "position" in changes:
        rest = [p for p in photos if p.id != photo.id]
        rest.insert(min(changes["position"], len(photos)) - 1, photo)
        _renumber(session, rest)
    if changes.get("is_cover") and not photo.is_cover:
        _make_cover(session, photos, photo)
    session.flush()
    after = {"caption": photo.caption, "alt_text": photo.alt_text, "position": photo.position}
    changed = {k: v for k, v in after.items() if before[k] != v}
    if "is_cover" in changes:
        changed["cover"] = True
    if changed:
        _audit(
            session,
            ctx,
            owner,
            "supplier.service_photo_updated",
            before={
                "service": service.name,
                "photo": before["caption"] or f"photo {before['position']}",
            },
            after={"service": service.name, **changed},
        )
    return _public(session, service)


def delete_photo(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    photo_id: uuid.UUID,
) -> ServiceContentPublic:
    """Delete a photo; the others close up, and the first becomes the cover if it was."""
    owner, service, photos = _editable_photos(session, ctx, supplier_id, service_id)
    photo = _one(photos, photo_id)
    snapshot = _photo_audit(photo)
    session.delete(photo)
    session.flush()
    rest = [p for p in photos if p.id != photo.id]
    _renumber(session, rest)
    if photo.is_cover and rest:
        _make_cover(session, rest, rest[0])
    session.flush()
    _audit(
        session,
        ctx,
        owner,
        "supplier.service_photo_removed",
        before={"service": service.name, **snapshot},
    )
    return _public(session, service)

"""Customer documents, stored and reused: a PDF is rendered once per (kind, subject, version,
checksum of what it was made from) and kept; asking again returns the stored bytes. The row is
made with one `INSERT ... ON CONFLICT DO NOTHING`, so two requests at once store one row (both
may render; the second's render is dropped and both answer the stored one)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from travelcrm.core.clock import utcnow
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists
from travelcrm.documents import render
from travelcrm.documents.itinerary import itinerary_proposal
from travelcrm.documents.models import Document
from travelcrm.documents.proposal import Branding, DocumentKind, Picture, Proposal

PDF = "application/pdf"


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: uuid.UUID
    kind: str
    subject_id: uuid.UUID
    version: int
    checksum: str
    filename: str
    content_type: str
    content: bytes
    sha256: str
    size: int
    pages: int
    created_at: datetime
    rendered: bool  # this call rendered it (False: the stored one was reused)


def _picture_digest(picture: Picture | None) -> str | None:
    return hashlib.sha256(picture.content).hexdigest() if picture is not None else None


def _brand_facts(brand: Branding) -> dict[str, Any]:
    return {
        "name": brand.name,
        "color": brand.primary_color,
        "logo": _picture_digest(brand.logo),
        "locale": brand.locale,
        "timezone": brand.timezone,
        "legal_name": brand.legal_name,
        "address": brand.address,
        "tax_id": brand.tax_id,
    }


def source_checksum(*, subject_checksum: str, proposal: Proposal) -> str:
    """SHA-256 of everything a document shows beyond its subject's own checksum: the layout,
    the agency's branding, who it is prepared for and its pictures. Any change renders anew."""
    facts = {
        "layout": render.LAYOUT_VERSION,
        "subject": subject_checksum,
        "brand": _brand_facts(proposal.brand),
        "prepared_for": proposal.prepared_for,
        "cover": _picture_digest(proposal.cover_photo),
        "photos": [[_picture_digest(p) for p in day.photos] for day in proposal.days],
    }
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


_UNSAFE = re.compile(r"[^\w\s.,()&+-]", re.UNICODE)


def filename_of(proposal: Proposal) -> str:
    """ "IT-1042 v2 - Kerala hills and backwaters.pdf": readable, no path or control chars."""
    title = unicodedata.normalize("NFC", proposal.title)
    title = " ".join(_UNSAFE.sub(" ", title).split())[:80].strip(" .")
    stem = f"{proposal.reference} v{proposal.version}" + (f" - {title}" if title else "")
    return f"{stem}.pdf"


def _stored(row: Document, *, rendered: bool) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        kind=row.kind,
        subject_id=row.subject_id,
        version=row.version,
        checksum=row.checksum,
        filename=row.filename,
        content_type=row.content_type,
        content=row.content,
        sha256=row.sha256,
        size=row.size,
        pages=row.pages,
        created_at=row.created_at,
        rendered=rendered,
    )


def _find(
    session: Session, *, kind: str, subject_id: uuid.UUID, version: int, checksum: str
) -> Document | None:
    statement = select(Document).where(
        col(Document.kind) == kind,
        col(Document.subject_id) == subject_id,
        col(Document.version) == version,
        col(Document.checksum) == checksum,
    )
    return session.exec(statement.execution_options(populate_existing=True)).first()


def stored_pdf(
    session: Session,
    ctx: TenantContext,
    *,
    kind: DocumentKind,
    subject_id: uuid.UUID,
    proposal: Proposal,
    checksum: str,
) -> StoredDocument:
    """The stored PDF of `proposal` for (kind, subject, its version, `checksum`), rendered and
    stored when there is none. The caller has checked the caller may see the subject."""
    version = proposal.version
    found = _find(
        session, kind=kind.value, subject_id=subject_id, version=version, checksum=checksum
    )
    if found is not None:
        return _stored(found, rendered=False)
    pdf = render.to_pdf(proposal)
    row = Document(
        tenant_id=ctx.tenant_id,
        checksum=checksum,
        filename=filename_of(proposal),
        content_type=PDF,
        content=pdf.content,
        sha256=hashlib.sha256(pdf.content).hexdigest(),
        size=len(pdf.content),
        pages=pdf.pages,
        created_by=ctx.user_id,
        created_at=utcnow(),
        kind=kind.value,
        subject_id=subject_id,
        version=version,
    )
    inserted = add_unless_exists(
        session, row, key=["tenant_id", "kind", "subject_id", "version", "checksum"]
    )
    stored = _find(
        session, kind=kind.value, subject_id=subject_id, version=version, checksum=checksum
    )
    if stored is None:  # pragma: no cover - the insert or the other request's row is there
        raise RuntimeError("the document row vanished")
    return _stored(stored, rendered=inserted)


def itinerary_pdf(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, version: int | None = None
) -> StoredDocument:
    """The branded PDF of a frozen itinerary version (the latest unless `version`), stored and
    reused per version and checksum. "Not found" for a version never frozen or another
    agency's itinerary."""
    proposal, snapshot = itinerary_proposal(
        session, ctx, itinerary_id=itinerary_id, version=version
    )
    return stored_pdf(
        session,
        ctx,
        kind=DocumentKind.ITINERARY,
        subject_id=snapshot.itinerary_id,
        proposal=proposal,
        checksum=source_checksum(subject_checksum=snapshot.checksum, proposal=proposal),
    )

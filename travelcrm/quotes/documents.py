"""A quote version as the customer's branded PDF: the frozen itinerary's days (with the
content library's descriptions and photos), the quote's lines grouped as it chose (by day, by
service type, or one package price), its taxes by rule, totals, per person, the payment
schedule (due dates as the agency's calendar days), inclusions, exclusions and terms as copied
into the quote, its validity, number and version. Stored and reused per version and checksum
through `documents.services` (quotes import documents, never the other way)."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from travelcrm.core.errors import DomainError, NotFoundError
from travelcrm.core.money import round_money
from travelcrm.core.tenancy import TenantContext
from travelcrm.documents import services as documents
from travelcrm.documents.itinerary import branding, proposal_of
from travelcrm.documents.proposal import (
    Day,
    DocumentKind,
    Instalment,
    PerPerson,
    Picture,
    PriceGroup,
    PriceLine,
    PriceStyle,
    Proposal,
    TaxLine,
)
from travelcrm.documents.services import StoredDocument
from travelcrm.itineraries import services as itineraries
from travelcrm.quotes import services as quotes
from travelcrm.quotes.models import Quote
from travelcrm.quotes.schemas import Grouping
from travelcrm.suppliers import content as supplier_content
from travelcrm.suppliers import services as suppliers

PHOTOS_PER_DAY = 2
_STYLES = {
    Grouping.DAY.value: PriceStyle.BY_DAY,
    Grouping.TYPE.value: PriceStyle.BY_TYPE,
    Grouping.PACKAGE.value: PriceStyle.PACKAGE,
}


def _version_of(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, version: int | None
) -> Quote:
    """The quote `quote_id`, or its version `version` (same number); "not found" otherwise."""
    quote = quotes.get_quote(session, ctx, quote_id=quote_id)
    if version is None or version == quote.version:
        return quote
    for other in quotes.versions(session, ctx, quote_id=quote_id):
        if other.version == version:
            return other
    raise NotFoundError("Quote not found.")


def _paragraphs(text: str) -> tuple[str, ...]:
    """Terms as paragraphs: blank lines part them, single line breaks are kept as spaces."""
    blocks = [" ".join(b.split()) for b in text.replace("\r\n", "\n").split("\n\n")]
    return tuple(b for b in blocks if b)


def _entries(text: str) -> tuple[str, ...]:
    """Inclusions/exclusions: one a line, list marks dropped."""
    out = []
    for raw in text.splitlines():
        entry = raw.strip().lstrip("-*•").strip()
        if entry:
            out.append(entry)
    return tuple(out)


def _groups(quote: Quote) -> tuple[tuple[PriceGroup, ...], tuple[PriceLine, ...]]:
    """The counted lines as the quote groups them, and the optional ones (priced apart)."""
    if quote.grouping == Grouping.PACKAGE.value:
        package = PriceLine("Package price", round_money(quote.subtotal, quote.currency))
        return (PriceGroup("Package price", (package,)),), ()
    groups: list[PriceGroup] = []
    optional: list[PriceLine] = []
    for group in quotes.groups_of(quote):
        counted: list[PriceLine] = []
        for line in group.lines:
            # under a day's heading its lines need no "Day 2"; by type they do
            by_day = quote.grouping == Grouping.DAY.value
            where = f"Day {line.day}" if line.day and (line.optional or not by_day) else ""
            entry = PriceLine(line.title, line.amount or Decimal(0), where)
            (optional if line.optional else counted).append(entry)
        if counted:
            groups.append(PriceGroup(group.label, tuple(counted), group.amount))
    return tuple(groups), tuple(optional)


def _schedule(quote: Quote) -> tuple[Instalment, ...]:
    return tuple(
        Instalment(
            label=quotes.PAYMENT_LABELS.get(str(p["kind"]), str(p["kind"]).title()),
            amount=round_money(Decimal(str(p["amount"])), quote.currency),
            due=None if p.get("on_acceptance") else date.fromisoformat(str(p["due_on"])),
        )
        for p in quote.schedule
    )


def _per_person(quote: Quote) -> tuple[PerPerson, ...]:
    paying = max(quote.paying_pax, 1)
    people = "paying traveller" if paying == 1 else "paying travellers"
    out = [PerPerson(f"Per person ({paying} {people})", quote.per_person)]
    if quote.taxes:
        before = round_money(quote.subtotal / paying, quote.currency)
        out.append(PerPerson("Per person, before taxes", before))
    return tuple(out)


def _library(
    session: Session, ctx: TenantContext, trip: dict[str, Any]
) -> tuple[dict[str, str], dict[str, tuple[Picture, ...]], Picture | None]:
    """From the content library: per itinerary item id its service's first line, per day id up
    to two photos (pre-sized thumbnails), and the cover: the first stay's cover photo (its
    large JPEG). A role that may not read the library gets a document without them."""
    items = [i for i in trip.get("items", []) if i.get("service_id")]
    if not items:
        return {}, {}, None
    try:
        blurbs = suppliers.content_for(
            session, ctx, service_ids=[uuid.UUID(str(i["service_id"])) for i in items]
        )
    except DomainError:
        return {}, {}, None

    def picture(blurb: Any, photo: Any, size: str) -> Picture:
        data, _, _ = supplier_content.photo_bytes(
            session,
            ctx,
            supplier_id=_supplier_of(photo),
            service_id=blurb.service_id,
            photo_id=photo.id,
            size=size,  # type: ignore[arg-type]
        )
        return Picture(data, photo.caption or photo.alt_text)

    words: dict[str, str] = {}
    photos: dict[str, tuple[Picture, ...]] = {}
    cover: Picture | None = None
    for item in items:
        blurb = blurbs.get(uuid.UUID(str(item["service_id"])))
        if blurb is None:
            continue
        if blurb.first_line:
            words[str(item["id"])] = blurb.first_line
        day_id = str(item["day_id"])
        room = PHOTOS_PER_DAY - len(photos.get(day_id, ()))
        taken = tuple(picture(blurb, p, "thumb") for p in blurb.photos[: max(room, 0)])
        photos[day_id] = photos.get(day_id, ()) + taken
        if cover is None and item.get("kind") == "stay" and blurb.photos:
            cover = picture(blurb, blurb.photos[0], "large")
    return words, photos, cover


def _supplier_of(photo: Any) -> uuid.UUID:
    """The supplier in the photo's address (`/api/suppliers/{supplier}/services/...`)."""
    parts = str(photo.url).split("/")
    return uuid.UUID(parts[parts.index("suppliers") + 1])


def quote_proposal(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, version: int | None = None
) -> tuple[Proposal, Quote]:
    """The proposal of a quote version: "not found" for another agency's quote or a version
    it does not have."""
    quote = _version_of(session, ctx, quote_id=quote_id, version=version)
    snapshot = itineraries.snapshot(
        session, ctx, itinerary_id=quote.itinerary_id, version=quote.itinerary_version
    )
    brand = branding(session, ctx)
    base = proposal_of(snapshot, brand, prepared_for=quote.customer_name or "")
    trip: dict[str, Any] = snapshot.payload["itinerary"]  # type: ignore[assignment]
    words, photos, cover = _library(session, ctx, trip)
    items_by_day: dict[str, list[str]] = {}
    for item in trip.get("items", []):
        items_by_day.setdefault(str(item["day_id"]), []).append(str(item["id"]))
    days: list[Day] = []
    for day, shown in zip(base.days, trip.get("days", []), strict=True):
        item_ids = items_by_day.get(str(shown["id"]), [])
        services = tuple(
            dataclasses.replace(s, description=s.description or words.get(item_id, ""))
            for s, item_id in zip(day.services, item_ids, strict=True)
        )
        pictures = photos.get(str(shown["id"]), ()) or day.photos
        days.append(dataclasses.replace(day, services=services, photos=pictures))
    groups, optional = _groups(quote)
    proposal = dataclasses.replace(
        base,
        kind=DocumentKind.QUOTE,
        title=quote.title,
        reference=quote.reference,
        version=quote.version,
        currency=quote.currency,
        start=quote.start_date,
        end=quote.end_date,
        days=tuple(days),
        subtotal=round_money(quote.subtotal, quote.currency),
        total=round_money(quote.total, quote.currency),
        price_style=_STYLES.get(quote.grouping, PriceStyle.BY_DAY),
        price_groups=groups,
        optional_lines=optional,
        taxes=tuple(
            TaxLine(
                name=str(t["name"]),
                amount=round_money(Decimal(str(t["amount"])), quote.currency),
                rate_pct=None if t.get("rate_pct") is None else Decimal(str(t["rate_pct"])),
            )
            for t in quote.taxes
        ),
        per_person=_per_person(quote),
        schedule=_schedule(quote),
        inclusions=_entries(quote.inclusions) or base.inclusions,
        exclusions=_entries(quote.exclusions) or base.exclusions,
        terms=_paragraphs(quote.terms),
        cover_photo=cover,
        prepared_at=quote.sent_at or quote.created_at,
        valid_until=quote.valid_until,
        checksum=quote.checksum,
    )
    return proposal, quote


def _quote_checksum(quote: Quote) -> str:
    """What the quote adds to its frozen snapshot: anything a draft's edit can change."""
    facts = "|".join(
        str(v)
        for v in (
            quote.checksum,
            quote.row_version,
            quote.grouping,
            quote.valid_until,
            quote.schedule,
            quote.inclusions,
            quote.exclusions,
            quote.terms,
            quote.customer_name,
            quote.sent_at,
        )
    )
    return hashlib.sha256(facts.encode()).hexdigest()


def stored_quote_pdf(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, version: int | None = None
) -> StoredDocument:
    """The stored PDF of a quote version, rendered on first ask and reused after."""
    proposal, quote = quote_proposal(session, ctx, quote_id=quote_id, version=version)
    return documents.stored_pdf(
        session,
        ctx,
        kind=DocumentKind.QUOTE,
        subject_id=quote.id,
        proposal=proposal,
        checksum=documents.source_checksum(
            subject_checksum=_quote_checksum(quote), proposal=proposal
        ),
    )


def quote_pdf(
    session: Session, ctx: TenantContext, *, quote_id: uuid.UUID, version: int | None = None
) -> tuple[bytes, str]:
    """The branded PDF of a quote version (this one unless `version` of the same number) and
    its readable file name: "SH-Q-2026-0001 v2 - Goa by the sea.pdf"."""
    found = stored_quote_pdf(session, ctx, quote_id=quote_id, version=version)
    return found.content, found.filename

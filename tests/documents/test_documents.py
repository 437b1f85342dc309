"""The itinerary PDF through the services, on SQLite and PostgreSQL: made from a frozen
version's snapshot with the agency's branding, every figure of its pricing sheet where the
customer reads it; stored once per version and checksum and reused; a new version, a new
colour or logo makes a new one; two requests at once store one row; another agency's
itinerary is "not found"."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import col, func, select

from tests.concurrency import at_once
from tests.documents.samples import logo
from tests.rates.factories import Contract, agency_context, make_contract
from travelcrm.core.errors import NotFoundError
from travelcrm.core.locale import DASH, date_text, money_text
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.documents import services as documents
from travelcrm.documents.models import Document
from travelcrm.itineraries import pricing_data
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import DayIn, ItemIn, ItineraryCreate, ItineraryUpdate, Party
from travelcrm.tenants import services as tenants
from travelcrm.tenants.schemas import TenantSettingsUpdate

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

ON = date(2027, 3, 1)


def _trip(contract: Contract) -> uuid.UUID:
    """Four days in Goa for two adults and a child of 8: a 3-night stay from the rates, an
    optional cruise priced by hand, a note; GST on the package."""
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        pricing_data.seed_tax_table(session, ctx, country="IN")
        made = itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(
                title="Goa in October",
                start_date=date(2027, 9, 29),
                days=4,
                destination="Goa",
                party=Party(adults=2, child_ages=[8], children_with_bed=1),
            ),
        )
        shown = itineraries.to_public(session, made)
        itineraries.update_itinerary(
            session,
            ctx,
            itinerary_id=made.id,
            row_version=shown.row_version,
            data=ItineraryUpdate(gst_scheme="package"),
        )
        first, second = shown.days[0].id, shown.days[1].id
        itineraries.update_day(
            session,
            ctx,
            itinerary_id=made.id,
            day_id=first,
            data=DayIn(title="Arrival in Goa", notes="Met at the airport & driven to the resort."),
        )
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=made.id,
            day_id=first,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=3),
        )
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=made.id,
            day_id=second,
            data=ItemIn(
                kind="activity",
                title="Sunset cruise",
                manual_net=Decimal("2500"),
                manual_currency="INR",
                optional=True,
            ),
        )
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=made.id,
            day_id=second,
            data=ItemIn(kind="note", description="A free afternoon on the beach."),
        )
        return made.id


def _freeze(ctx: TenantContext, itinerary_id: uuid.UUID) -> dict[str, Any]:
    with tenant_scope(ctx) as session:
        current = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        snapshot = itineraries.freeze(
            session, ctx, itinerary_id=itinerary_id, row_version=current.row_version, on=ON
        )
        return dict(snapshot.payload)


def _pdf(ctx: TenantContext, itinerary_id: uuid.UUID, version: int | None = None) -> Any:
    with tenant_scope(ctx) as session:
        return documents.itinerary_pdf(session, ctx, itinerary_id=itinerary_id, version=version)


def _text(content: bytes) -> list[str]:
    return [
        " ".join(p.extract_text().replace("\u00a0", " ").split())
        for p in PdfReader(io.BytesIO(content)).pages
    ]


def _rows(ctx: TenantContext) -> int:
    with tenant_scope(ctx) as session:
        return session.exec(select(func.count()).select_from(Document)).one()


@pytest.fixture
def contract() -> Contract:
    return make_contract()


@pytest.fixture
def frozen(contract: Contract) -> tuple[TenantContext, uuid.UUID, dict[str, Any]]:
    itinerary_id = _trip(contract)
    return contract.ctx, itinerary_id, _freeze(contract.ctx, itinerary_id)


def test_the_pdf_shows_every_figure_of_the_frozen_sheet(frozen) -> None:
    ctx, itinerary_id, payload = frozen
    sheet = payload["sheet"]
    stored = _pdf(ctx, itinerary_id)
    assert stored.rendered and stored.version == 1 and stored.content.startswith(b"%PDF-")
    assert stored.filename == f"{payload['itinerary']['reference']} v1 - Goa in October.pdf"
    pages = _text(stored.content)
    assert stored.pages == len(pages)
    text = " ".join(pages)

    def money(value: Any) -> str:
        return money_text(Decimal(str(value)), "INR", locale="en-IN").replace("\u00a0", " ")

    # the figures, from the snapshot, in Indian English
    stay = next(line for line in sheet["lines"] if not line["optional"])
    cruise = next(line for line in sheet["lines"] if line["optional"])
    total = Decimal(sheet["total_with_taxes"])
    assert Decimal(sheet["total"]["gross"]) == Decimal(stay["gross"])  # one counted line
    assert sheet["taxes"] and total > Decimal(sheet["total"]["gross"])
    assert f"Subtotal {money(sheet['total']['gross'])}" in text
    for tax in sheet["taxes"]:
        rate = f" ({Decimal(tax['rate_pct']).normalize():f} %)" if tax["rate_pct"] else ""
        assert f"{tax['name']}{rate} {money(tax['amount'])}" in text
    assert f"Total {money(total)}" in text
    per_person = (total / sheet["paying_pax"]).quantize(Decimal("0.01"))
    assert sheet["paying_pax"] == 3
    assert f"Per person (3 paying travellers) {money(per_person)}" in text
    assert f"Per person, before taxes {money(sheet['per_person'])}" in text
    assert f"Sunset cruise Day 2 {money(cruise['gross'])}" in text  # optional: not in the total
    assert money(total) in pages[0]  # on the cover too
    # dates in the agency's locale, the trip's facts, the days and their services
    assert f"29 Sept 2027 {DASH} 2 Oct 2027 (4 days, 3 nights)" in pages[0]
    assert "2 adults, 1 child (8)" in pages[0] and "Goa in October" in pages[0]
    assert "Day 1 Wed, 29 Sept 2027" in text and "Arrival in Goa" in text
    assert "Met at the airport & driven to the resort." in text
    assert "3 nights, 1 double room" in text and "A free afternoon on the beach." in text
    frozen_on = date_text(date(2027, 3, 1), locale="en-IN")
    assert f"version 1, frozen on {frozen_on}" in text
    # the running footer: page x of y after the cover
    for number, page in enumerate(pages[1:], 2):
        assert f"Page {number} of {len(pages)}" in page
    # never the agency's own figures
    assert "Margin" not in text and money(stay["net"]) not in text


def test_stored_once_and_reused(frozen) -> None:
    ctx, itinerary_id, _payload = frozen
    first = _pdf(ctx, itinerary_id)
    again = _pdf(ctx, itinerary_id, version=1)
    assert first.rendered and not again.rendered
    assert (again.id, again.sha256, again.content) == (first.id, first.sha256, first.content)
    assert _rows(ctx) == 1


def test_a_new_version_or_new_branding_makes_a_new_document(frozen) -> None:
    ctx, itinerary_id, _payload = frozen
    first = _pdf(ctx, itinerary_id)
    with tenant_scope(ctx) as session:
        tenants.update_tenant_settings(
            session, ctx, data=TenantSettingsUpdate(primary_color="#7048E8")
        )
    recoloured = _pdf(ctx, itinerary_id)
    assert recoloured.rendered and recoloured.checksum != first.checksum
    with tenant_scope(ctx) as session:
        tenants.set_logo(session, ctx, data=logo())
    with_logo = _pdf(ctx, itinerary_id)
    assert with_logo.rendered and with_logo.checksum not in {first.checksum, recoloured.checksum}
    # unfrozen and frozen again: version 2, its own document; version 1's stays as it was
    with tenant_scope(ctx) as session:
        current = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        itineraries.unfreeze(
            session, ctx, itinerary_id=itinerary_id, row_version=current.row_version
        )
    _freeze(ctx, itinerary_id)
    latest = _pdf(ctx, itinerary_id)
    assert (
        latest.version == 2
        and latest.rendered
        and latest.filename.endswith("v2 - Goa in October.pdf")
    )
    assert "Version 2" in _text(latest.content)[0]
    old = _pdf(ctx, itinerary_id, version=1)
    assert not old.rendered and old.id == with_logo.id
    assert _rows(ctx) == 4


def test_two_requests_at_once_store_one_document(frozen) -> None:
    ctx, itinerary_id, _payload = frozen
    outcomes = at_once([lambda: _pdf(ctx, itinerary_id), lambda: _pdf(ctx, itinerary_id)])
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert outcomes[0].id == outcomes[1].id and outcomes[0].content == outcomes[1].content
    assert sorted(o.rendered for o in outcomes) == [False, True]  # one stored, one reused
    assert _rows(ctx) == 1


def test_another_agency_and_unfrozen_versions_are_not_found(frozen, contract) -> None:
    ctx, itinerary_id, _payload = frozen
    other = agency_context()
    with pytest.raises(NotFoundError):
        _pdf(other, itinerary_id)
    with pytest.raises(NotFoundError):
        _pdf(ctx, itinerary_id, version=2)  # never frozen
    draft = _trip(contract)
    with pytest.raises(NotFoundError):
        _pdf(ctx, draft)
    assert _rows(other) == 0 and _rows(ctx) == 0
    mine = _pdf(ctx, itinerary_id)
    with tenant_scope(other) as session:  # nor is the stored document reachable by its id
        found = session.exec(select(Document).where(col(Document.id) == mine.id)).first()
        assert found is None

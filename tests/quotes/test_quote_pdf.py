"""The quote PDF on the run's database (SQLite, or PostgreSQL with RLS): every figure of a quote
version read back from the PDF's text (lines as grouped, subtotal, each tax by rule, total, per
person, each payment of the schedule with its due date), the agency's inclusions, exclusions and
terms as copied into the quote, validity, number and version, day pages with the content
library's words and photos; stored once per version and checksum and reused; another agency's
quote and a version it does not have are "not found"; over REST with its ETag and file name."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal
from urllib.parse import quote as urlquote

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.api.agency import ApiAgency
from tests.documents.test_documents import _freeze, _trip
from tests.quotes.factories import make_quote, shown
from tests.rates.factories import Contract, make_contract
from travelcrm.core.errors import NotFoundError
from travelcrm.core.locale import date_text, money_text
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.customers.schemas import CustomerCreate
from travelcrm.db import tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItemIn
from travelcrm.quotes import documents
from travelcrm.quotes import services as quotes
from travelcrm.quotes.models import Quote
from travelcrm.quotes.schemas import Grouping, QuoteSettingsIn, QuoteUpdate
from travelcrm.suppliers import content
from travelcrm.suppliers.schemas import ContentIn

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

LOCALE = "en-IN"
TERMS = "Prices hold until the date of validity.\n\nCancellations 30 days out are free."
DESCRIPTION = "A quiet resort on Candolim beach.\n\nWith a pool and a spa."


def _jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (1800, 1200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", quality=85)
    return out.getvalue()


def _settings(ctx: TenantContext, **changes: object) -> None:
    with tenant_scope(ctx) as session:
        current = quotes.quote_settings(session, ctx)
        data = QuoteSettingsIn.model_validate(
            {
                "inclusions": "Breakfast daily\n- Airport transfers",
                "exclusions": "Flights\nVisa fees",
                "terms": TERMS,
                "deposit_value": "20",
                "instalments": 1,
                **changes,
            }
        )
        quotes.update_settings(session, ctx, data=data, row_version=current.row_version)


def _library(contract: Contract) -> None:
    """The hotel room's description and two photos (the first is the cover)."""
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        content.set_content(
            session,
            ctx,
            supplier_id=contract.supplier_id,
            service_id=contract.room_id,
            data=ContentIn(description=DESCRIPTION, highlights=["Sea view"]),
        )
    for colour, caption in (((200, 40, 40), "The pool"), ((40, 60, 200), "The beach")):
        with tenant_scope(ctx) as session:
            content.add_photo(
                session,
                ctx,
                supplier_id=contract.supplier_id,
                service_id=contract.room_id,
                data=_jpeg(colour),
                caption=caption,
            )


def _quoted(
    grouping: Grouping = Grouping.DAY, ctx: TenantContext | None = None
) -> tuple[Contract, uuid.UUID]:
    contract = make_contract(ctx)
    _library(contract)
    _settings(contract.ctx)
    itinerary_id = _trip(contract)
    with tenant_scope(contract.ctx) as session:  # a second counted group (day 2, transfers)
        trip = itineraries.to_public(
            session, itineraries.get_itinerary(session, contract.ctx, itinerary_id=itinerary_id)
        )
        itineraries.add_item(
            session,
            contract.ctx,
            itinerary_id=itinerary_id,
            day_id=trip.days[1].id,
            data=ItemIn(
                kind="transfer",
                title="Resort to Old Goa",
                manual_net=Decimal("1800"),
                manual_currency="INR",
            ),
        )
    _freeze(contract.ctx, itinerary_id)
    return contract, make_quote(contract.ctx, itinerary_id, grouping=grouping)


def _pdf(ctx: TenantContext, quote_id: uuid.UUID, version: int | None = None):
    with tenant_scope(ctx) as session:
        return documents.stored_quote_pdf(session, ctx, quote_id=quote_id, version=version)


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(p.extract_text().replace("\u00a0", " ").split()) for p in pages)


def _money(amount: Decimal) -> str:
    return " ".join(money_text(amount, "INR", locale=LOCALE).replace("\u00a0", " ").split())


def _images(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def test_every_figure_of_the_quote_is_in_its_pdf() -> None:
    contract, quote_id = _quoted()
    ctx = contract.ctx
    quote = shown(ctx, quote_id)
    with tenant_scope(ctx) as session:
        data, filename = documents.quote_pdf(session, ctx, quote_id=quote_id)
    text = _text(data)
    assert filename == f"{quote.reference} v1 - {quote.title}.pdf"
    assert data.startswith(b"%PDF") and quote.reference in text and "Version 1" in text
    assert "Quotation" in text and quote.title in text
    assert quote.taxes, "GST on the package"
    for group in quote.groups:
        for line in group.lines:
            assert line.title in text, line
            assert line.amount is not None and _money(line.amount) in text
    assert f"Subtotal {_money(quote.subtotal)}" in text
    for tax in quote.taxes:
        assert tax.name in text and _money(tax.amount) in text
    assert f"Total {_money(quote.total)}" in text
    paying = "paying traveller" if quote.paying_pax == 1 else "paying travellers"
    assert f"Per person ({quote.paying_pax} {paying}) {_money(quote.per_person)}" in text
    assert len(quote.schedule) == 3  # deposit, one instalment, balance
    assert sum((p.amount for p in quote.schedule), Decimal(0)) == quote.total
    for payment in quote.schedule:
        due = "On acceptance" if payment.on_acceptance else date_text(payment.due_on, locale=LOCALE)
        assert f"{due} {_money(payment.amount)}" in text, (due, payment)
    assert quote.schedule[-1].due_on == date(2027, 8, 30)  # 30 days before 29 Sep
    assert f"Valid until {date_text(quote.valid_until, locale=LOCALE)}" in text
    for words in ("Breakfast daily", "Airport transfers", "Flights", "Visa fees"):
        assert words in text
    assert "Prices hold until the date of validity." in text
    assert "Cancellations 30 days out are free." in text
    assert "A quiet resort on Candolim beach." in text  # the content library's first line
    assert "Sunset cruise" in text and _money(Decimal("2500")) in text  # optional, apart
    assert _images(data) >= 3, "the cover and the day's two photos"


def test_grouped_by_type_or_as_one_package_price() -> None:
    contract, quote_id = _quoted(Grouping.TYPE)
    ctx = contract.ctx
    quote = shown(ctx, quote_id)
    text = _text(_pdf(ctx, quote_id).content)
    counted = [g for g in quote.groups if any(not line.optional for line in g.lines)]
    assert len(counted) == 2
    for group in counted:
        assert group.label in text
        assert f"{group.label}, total {_money(group.amount)}" in text
    with tenant_scope(ctx) as session:
        row_version = quotes.get_quote(session, ctx, quote_id=quote_id).row_version
        quotes.update_quote(
            session,
            ctx,
            quote_id=quote_id,
            row_version=row_version,
            data=QuoteUpdate(grouping=Grouping.PACKAGE),
        )
    package = _pdf(ctx, quote_id)
    assert package.rendered, "a changed draft renders anew"
    text = _text(package.content)
    assert f"Package price {_money(quote.subtotal)}" in text
    assert "Accommodation" not in text and f"Total {_money(quote.total)}" in text


def test_stored_once_per_version_and_reused() -> None:
    contract, quote_id = _quoted()
    ctx = contract.ctx
    first = _pdf(ctx, quote_id)
    again = _pdf(ctx, quote_id)
    assert first.rendered and not again.rendered
    assert again.content == first.content and again.id == first.id
    with tenant_scope(ctx) as session:
        row_version = quotes.get_quote(session, ctx, quote_id=quote_id).row_version
        quotes.update_quote(
            session,
            ctx,
            quote_id=quote_id,
            row_version=row_version,
            data=QuoteUpdate(terms="Only these terms."),
        )
    changed = _pdf(ctx, quote_id)
    assert changed.rendered and changed.id != first.id
    text = _text(changed.content)
    assert "Only these terms." in text and "Cancellations 30 days out" not in text
    with tenant_scope(ctx) as session:  # a customer to send it to (the trip has no query)
        customer = customers.create_customer(
            session, ctx, data=CustomerCreate(name="Asha Rao", email="asha@example.com")
        )
        row = session.get(Quote, (ctx.tenant_id, quote_id))
        assert row is not None
        row.customer_id = customer.id
        session.add(row)
    with tenant_scope(ctx) as session:
        row_version = quotes.get_quote(session, ctx, quote_id=quote_id).row_version
        quotes.send_quote(session, ctx, quote_id=quote_id, row_version=row_version)
    with tenant_scope(ctx) as session:
        row_version = quotes.get_quote(session, ctx, quote_id=quote_id).row_version
        v2 = quotes.revise_quote(session, ctx, quote_id=quote_id, row_version=row_version).id
    assert "Version 2" in _text(_pdf(ctx, v2).content)
    assert "Version 1" in _text(_pdf(ctx, v2, version=1).content)
    with pytest.raises(NotFoundError):
        _pdf(ctx, quote_id, version=7)


def test_another_agency_gets_not_found() -> None:
    _, quote_id = _quoted()
    other = make_contract().ctx
    with pytest.raises(NotFoundError):
        _pdf(other, quote_id)


def test_download_over_rest_with_etag_and_file_name() -> None:
    agency = ApiAgency()
    contract, quote_id = _quoted(ctx=agency.ctx())
    client = agency.owner
    quote = shown(contract.ctx, quote_id)
    response = client.get(f"/api/quotes/{quote_id}/pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    name = f"{quote.reference} v1 - {quote.title}.pdf"
    assert urlquote(name, safe="") in response.headers["content-disposition"]
    assert _money(quote.total) in _text(response.content)
    etag = response.headers["etag"]
    assert (
        client.get(f"/api/quotes/{quote_id}/pdf", headers={"If-None-Match": etag}).status_code
        == 304
    )
    assert client.get(f"/api/quotes/{quote_id}/pdf?version=3").status_code == 404
    assert ApiAgency().owner.get(f"/api/quotes/{quote_id}/pdf").status_code == 404
    finance = agency.client_for(Role.FINANCE)
    assert finance.get(f"/api/quotes/{quote_id}/pdf").status_code == 200

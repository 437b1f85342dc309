"""The quote page's "Download PDF": the signed-in agent gets this version's PDF under its
readable file name; on another agency's quote the same button says "not found"."""

from __future__ import annotations

import base64

import pytest

from tests.quotes.factories import frozen_trip, make_quote
from tests.rates.factories import agency_context
from tests.ui.harness import said, signed_in_token, specs
from tests.ui.test_quotes_pages import _email, _page
from travelcrm.db import tenant_scope
from travelcrm.quotes import services as quotes
from travelcrm.ui.events import plain
from travelcrm.ui.pages.quotes.state import QuoteState

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


def test_download_the_pdf_from_the_quote_page() -> None:
    trip = frozen_trip()
    quote_id = make_quote(trip.ctx, trip.itinerary_id)
    with tenant_scope(trip.ctx) as session:
        quote = quotes.get_quote(session, trip.ctx, quote_id=quote_id)
        name = f"{quote.reference} v1 - {quote.title}.pdf"
    page = _page(signed_in_token(_email(trip.ctx)), quote_id)
    assert page.found
    answer = plain(QuoteState.download_pdf)(page)
    text = said(answer)
    assert name in text, text
    assert [s.handler.fn.__qualname__ for s in specs(answer)] == ["_download"]
    url = next(str(arg) for _n, arg in specs(answer)[0].args if "base64," in str(arg))
    pdf = base64.b64decode(url.split("base64,", 1)[1].strip('"'))
    assert pdf.startswith(b"%PDF")

    theirs = _page(signed_in_token(_email(agency_context())), quote_id)
    assert "Quote not found." in said(plain(QuoteState.download_pdf)(theirs))

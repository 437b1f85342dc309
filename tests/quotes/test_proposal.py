"""The proposal page on SQLite and PostgreSQL: the link in the "quote sent" email opens the
page (its token stored only as a hash), reading it changes nothing, its beacon marks the quote
viewed, accepting records every field with the SHA-256 of the document shown and a total
recomputed on the server, once (two clicks, two tabs at once), declining, and the pages for a
link expired, revoked, replaced or mistyped; nothing of another quote, agency or staff route is
reachable with the token."""

from __future__ import annotations

import hashlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from tests.quotes.factories import frozen_trip, make_quote, query_status, shown
from tests.rates.factories import agency_context
from travelcrm.api.app import create_api
from travelcrm.db import tenant_scope
from travelcrm.mail.models import EmailMessageRow
from travelcrm.quotes import links, proposal
from travelcrm.quotes import services as quotes
from travelcrm.quotes.models import QuoteAcceptance, QuoteEvent, QuoteLink

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

URL = re.compile(r"https?://[^\s\"<>]+/api/public/quotes/([A-Za-z0-9_-]+)")
AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"


@pytest.fixture
def web() -> TestClient:
    return TestClient(
        create_api(),
        raise_server_exceptions=True,
        headers={"User-Agent": AGENT, "Accept": "text/html"},
    )


def _send(ctx, quote_id):
    with tenant_scope(ctx) as session:
        version = quotes.get_quote(session, ctx, quote_id=quote_id).row_version
        return quotes.send_quote(session, ctx, quote_id=quote_id, row_version=version)


def _mail(ctx, send_key: str) -> list[EmailMessageRow]:
    with tenant_scope(ctx) as session:
        return list(
            session.exec(
                select(EmailMessageRow).where(col(EmailMessageRow.send_key) == send_key)
            ).all()
        )


def _sent(ctx=None, **quote):
    """A quote sent to its customer; (ctx, quote id, query id, the token from the email)."""
    trip = frozen_trip(ctx)
    quote_id = make_quote(trip.ctx, trip.itinerary_id, **quote)
    _send(trip.ctx, quote_id)
    [message] = _mail(trip.ctx, f"quote-sent:{quote_id}")
    token = URL.search(message.text_body).group(1)  # type: ignore[union-attr]
    return trip.ctx, quote_id, trip.query_id, token


def _form(web: TestClient, token: str) -> tuple[str, dict[str, str]]:
    page = web.get(f"/api/public/quotes/{token}")
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    sha = re.search(r'name="document_sha256" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    extras = re.findall(r'name="optional_items" value="([^"]+)"', page.text)
    return page.text, {"csrf": csrf, "document_sha256": sha, "extras": ",".join(extras)}


def _accept(web, token, form, **fields):
    data = {
        "csrf": form["csrf"],
        "document_sha256": form["document_sha256"],
        "name": "Rahul Mehta",
        "email": "rahul@example.com",
        "consent": "yes",
        **fields,
    }
    return web.post(f"/api/public/quotes/{token}/accept", data=data, follow_redirects=False)


def _state(ctx, quote_id) -> str:
    return shown(ctx, quote_id).state.value


def test_the_email_carries_a_link_that_opens_the_page_and_only_its_hash_is_kept(web) -> None:
    ctx, quote_id, _query, token = _sent()
    [message] = _mail(ctx, f"quote-sent:{quote_id}")
    assert message.kind == "quote_sent" and message.to_email.startswith("rahul.")
    assert "54,500.00" in message.text_body  # the total in the agency's money format
    assert "15 Mar 2027" in message.text_body  # valid until, the agency's calendar
    with tenant_scope(ctx) as session:
        [link] = session.exec(select(QuoteLink)).all()
        assert link.quote_id == quote_id
        secret = links.decode(token).secret
        assert link.secret_sha256 == hashlib.sha256(secret).hexdigest()
        stored = " ".join(str(v) for v in link.model_dump().values())
        assert token not in stored and secret.hex() not in stored
    page = web.get(f"/api/public/quotes/{token}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    assert "Sea Breeze Resort, 2 nights" in page.text and "Day 1" in page.text
    assert "₹54,500.00" in page.text and "Spice plantation tour" in page.text
    assert "Accept the proposal" in page.text


def test_a_second_send_of_the_same_version_sends_once() -> None:
    ctx, quote_id, _query, _token = _sent()
    with tenant_scope(ctx) as session:
        quote = quotes.get_quote(session, ctx, quote_id=quote_id)
        links.send_quote_email(session, ctx, quote=quote)
    assert len(_mail(ctx, f"quote-sent:{quote_id}")) == 1


def test_sending_without_a_customer_email_says_so() -> None:
    trip = frozen_trip()
    quote_id = make_quote(trip.ctx, trip.itinerary_id)
    with tenant_scope(trip.ctx) as session:
        quote = quotes.get_quote(session, trip.ctx, quote_id=quote_id)
        from travelcrm.customers.models import Customer

        customer = session.get(Customer, (trip.ctx.tenant_id, quote.customer_id))
        customer.email = None
        session.add(customer)
    with pytest.raises(quotes.ValidationFailedError) as refused:
        _send(trip.ctx, quote_id)
    assert refused.value.errors[0].field == "customer_email"
    assert _state(trip.ctx, quote_id) == "draft"


def test_opening_the_link_changes_nothing_and_the_beacon_marks_it_viewed(web) -> None:
    ctx, quote_id, _query, token = _sent()
    for _ in range(3):  # a mail scanner, a preview, the customer
        assert web.get(f"/api/public/quotes/{token}").status_code == 200
    assert _state(ctx, quote_id) == "sent"
    with tenant_scope(ctx) as session:
        events = session.exec(select(QuoteEvent.kind).where(QuoteEvent.quote_id == quote_id)).all()
    assert "viewed" not in events
    _page, form = _form(web, token)
    bad = web.post(f"/api/public/quotes/{token}/viewed", data={"csrf": "forged"})
    assert bad.status_code == 404 and _state(ctx, quote_id) == "sent"
    good = web.post(f"/api/public/quotes/{token}/viewed", data={"csrf": form["csrf"]})
    assert good.status_code == 204 and _state(ctx, quote_id) == "viewed"
    again = web.post(f"/api/public/quotes/{token}/viewed", data={"csrf": form["csrf"]})
    assert again.status_code == 204 and _state(ctx, quote_id) == "viewed"


def test_accept_records_every_field_the_document_and_recomputes_the_extras(web) -> None:
    ctx, quote_id, query_id, token = _sent()
    page, form = _form(web, token)
    [extra] = form["extras"].split(",")
    answer = _accept(web, token, form, optional_items=[extra])
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/api/public/quotes/{token}"
    assert _state(ctx, quote_id) == "accepted"
    assert query_status(ctx, query_id) == "won"
    with tenant_scope(ctx) as session:
        [row] = session.exec(select(QuoteAcceptance)).all()
        quote = quotes.get_quote(session, ctx, quote_id=quote_id)
    assert row.decision == "accepted" and row.name == "Rahul Mehta" and row.consent
    assert row.email == "rahul@example.com" and row.user_agent == AGENT and row.ip
    assert row.version == quote.version and row.quote_id == quote_id
    assert row.optional_items == [extra]
    assert row.total == D("54500") + D("2500")  # the extra's price, from the version
    assert row.decided_at is not None
    assert row.document_sha256 == form["document_sha256"]
    assert hashlib.sha256(row.document.encode()).hexdigest() == row.document_sha256
    assert row.document in page  # the exact document the customer read
    mail = _mail(ctx, f"quote-accepted:{quote_id}")
    assert len(mail) == 1 and mail[0].to_email == "rahul@example.com"
    after = web.get(f"/api/public/quotes/{token}")
    assert "Accepted by Rahul Mehta" in after.text and "Accept the proposal" not in after.text
    assert "with Spice plantation tour: ₹57,000.00 in all" in after.text


def test_the_browser_figure_is_never_trusted(web) -> None:
    ctx, quote_id, _query, token = _sent()
    _page, form = _form(web, token)
    refused = _accept(web, token, form, optional_items=["not-an-extra"], total="1.00")
    assert refused.status_code == 422
    assert "Choose among the extras on this page." in refused.text
    assert _state(ctx, quote_id) == "sent"
    changed = _accept(web, token, {**form, "document_sha256": "0" * 64})
    assert changed.status_code == 409 and "changed while you were reading" in changed.text
    assert _state(ctx, quote_id) == "sent"


def test_accept_asks_for_the_name_and_the_consent_at_their_fields(web) -> None:
    ctx, quote_id, _query, token = _sent()
    _page, form = _form(web, token)
    refused = _accept(web, token, form, name="  ", consent="", email="not an address")
    assert refused.status_code == 422
    for words in ("Type your full name.", "Tick the box", "This is not an email address."):
        assert words in refused.text
    assert _state(ctx, quote_id) == "sent"


def test_two_clicks_and_two_tabs_at_once_make_one_acceptance(web) -> None:
    ctx, quote_id, _query, token = _sent()
    _page, form = _form(web, token)

    app = create_api()
    clients = [TestClient(app, headers={"User-Agent": AGENT}) for _ in range(3)]

    with ThreadPoolExecutor(max_workers=3) as pool:
        codes = list(pool.map(lambda c: _accept(c, token, form).status_code, clients))
    assert codes == [303, 303, 303]
    assert _accept(web, token, form).status_code == 303  # a late double-click
    with tenant_scope(ctx) as session:
        assert len(session.exec(select(QuoteAcceptance)).all()) == 1
        kinds = session.exec(select(QuoteEvent.kind).where(QuoteEvent.quote_id == quote_id)).all()
    assert kinds.count("accepted") == 1 and kinds.count("answered") == 1
    assert len(_mail(ctx, f"quote-accepted:{quote_id}")) == 1


def test_decline_with_a_reason(web) -> None:
    ctx, quote_id, query_id, token = _sent()
    _page, form = _form(web, token)
    answer = web.post(
        f"/api/public/quotes/{token}/decline",
        data={"csrf": form["csrf"], "reason": "We chose Kerala instead"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert _state(ctx, quote_id) == "declined"
    assert shown(ctx, quote_id).decline_reason == "We chose Kerala instead"
    assert query_status(ctx, query_id) == "quoted"
    late = _accept(web, token, form)
    assert late.status_code == 409 and "You declined this proposal" in late.text
    assert _state(ctx, quote_id) == "declined"


def test_a_revoked_link_an_expired_one_and_a_superseded_version_are_refused(
    web, frozen_clock
) -> None:
    ctx, quote_id, _query, token = _sent()
    _page, form = _form(web, token)
    with tenant_scope(ctx) as session:
        assert links.revoke_links(session, ctx, quote_id=quote_id) == 1
    page = web.get(f"/api/public/quotes/{token}")
    assert "This link is no longer active" in page.text and "Accept the proposal" not in page.text
    assert _accept(web, token, form).status_code == 409
    assert _state(ctx, quote_id) == "sent"

    ctx, quote_id, _query, token = _sent(ctx)
    _page, form = _form(web, token)
    with tenant_scope(ctx) as session:
        version = quotes.get_quote(session, ctx, quote_id=quote_id).row_version
        quotes.revise_quote(session, ctx, quote_id=quote_id, row_version=version)
    page = web.get(f"/api/public/quotes/{token}")
    assert "There is a newer version of this proposal" in page.text
    assert _accept(web, token, form).status_code == 409

    ctx, quote_id, _query, token = _sent(ctx)
    _page, form = _form(web, token)
    frozen_clock.advance(timedelta(days=15))  # past "valid until", before the job ran
    page = web.get(f"/api/public/quotes/{token}")
    assert "This proposal has expired" in page.text and "Accept the proposal" not in page.text
    assert _accept(web, token, form).status_code == 409
    assert _state(ctx, quote_id) == "sent"


def test_wrong_tokens_and_other_agencies_find_nothing(web) -> None:
    ctx, quote_id, _query, token = _sent()
    other_ctx, other_quote, _q, other_token = _sent(agency_context())
    parts = links.decode(token)
    other = links.decode(other_token)
    forged = [
        token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),  # the secret changed
        links.encode(links.Token(other.tenant_id, parts.link_id, parts.secret)),  # moved agency
        links.encode(links.Token(parts.tenant_id, other.link_id, other.secret)),  # moved link
        "x",
        "A" * 75,
        "%%%",
    ]
    for bad in forged:
        page = web.get(f"/api/public/quotes/{bad}")
        assert page.status_code == 404, bad
        assert "This link is not valid" in page.text
        assert "Sea Breeze" not in page.text
    # the token opens nothing else: staff routes, other quotes' ids
    for path in (
        f"/api/quotes/{quote_id}",
        f"/api/quotes/{other_quote}",
        f"/api/public/quotes/{token}/../../quotes/{quote_id}",
    ):
        assert web.get(path, headers={"Authorization": f"Bearer {token}"}).status_code in (
            401,
            404,
        )
    assert web.get(f"/api/public/quotes/{token}/photos/{other_quote}").status_code == 404
    page = web.get(f"/api/public/quotes/{token}").text
    assert str(quote_id) not in page and str(other_quote) not in page
    assert str(ctx.tenant_id) not in page and "/api/quotes" not in page
    assert _state(other_ctx, other_quote) == "sent"


def test_the_reminder_goes_once_per_version_before_expiry(web, frozen_clock) -> None:
    ctx, quote_id, _query, _token = _sent()
    with tenant_scope(ctx) as session:
        assert links.remind_due(session, ctx, on=quotes.agency_today(session, ctx)) == 0
    frozen_clock.advance(timedelta(days=11))  # 12 March: 3 days left
    for _ in range(2):
        with tenant_scope(ctx) as session:
            links.remind_due(session, ctx, on=quotes.agency_today(session, ctx))
    [message] = _mail(ctx, f"quote-reminder:{quote_id}")
    assert message.kind == "quote_reminder" and "3 days" in message.text_body
    token = URL.search(message.text_body).group(1)  # type: ignore[union-attr]
    assert web.get(f"/api/public/quotes/{token}").status_code == 200


def test_posts_are_rate_limited(web) -> None:
    _ctx, _quote_id, _query, token = _sent()
    codes = [
        web.post(f"/api/public/quotes/{token}/viewed", data={"csrf": "x"}).status_code
        for _ in range(60)
    ]
    assert codes[0] == 404 and codes[-1] == 429


def test_the_page_shows_the_agencys_locale_and_no_stranger_markup(web) -> None:
    ctx, quote_id, _query, token = _sent()
    with tenant_scope(ctx) as session:
        quote = quotes.get_quote(session, ctx, quote_id=quote_id)
        quote.title = '<script>alert("x")</script> Goa'
        session.add(quote)
    page = web.get(f"/api/public/quotes/{token}").text
    if os.environ.get("PROPOSAL_HTML"):  # a look at the page: PROPOSAL_HTML=/tmp/p.html
        Path(os.environ["PROPOSAL_HTML"]).write_text(page)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page
    assert proposal.Status.OPEN == "open"


def test_the_quote_email_attaches_its_pdf_and_its_pdf_link_opens_it_until_withdrawn(web) -> None:
    import base64

    from pypdf import PdfReader

    ctx, quote_id, _query, token = _sent()
    [message] = _mail(ctx, f"quote-sent:{quote_id}")
    [attached] = message.attachments  # the standard template attaches the PDF
    data = base64.b64decode(attached["data"])
    assert attached["content_type"] == "application/pdf" and attached["filename"].endswith(".pdf")
    with tenant_scope(ctx) as session:
        number = quotes.get_quote(session, ctx, quote_id=quote_id).reference
    assert number in attached["filename"]
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(data)).pages)
    assert number in text

    linked = web.get(f"/api/public/quotes/{token}/pdf")
    assert linked.status_code == 200 and linked.content == data  # the stored copy, reused
    assert linked.headers["content-type"] == "application/pdf"
    assert linked.headers["referrer-policy"] == "no-referrer"
    again = web.get(
        f"/api/public/quotes/{token}/pdf", headers={"If-None-Match": linked.headers["etag"]}
    )
    assert again.status_code == 304
    assert web.get(f"/api/public/quotes/{token[:-2]}xx/pdf").status_code == 404

    with tenant_scope(ctx) as session:
        links.revoke_links(session, ctx, quote_id=quote_id)
    assert web.get(f"/api/public/quotes/{token}/pdf").status_code == 404

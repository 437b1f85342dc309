"""The customer's proposal page in a real browser: staff send a quote, the "quote sent" email
arrives at the SMTP sink with its link, the customer opens it on a phone (390x844), ticks the
optional extra (the total changes on the page), accepts with name and consent; the staff quote
page then shows the quote accepted online and the query won. Screenshots: proposal-phone,
proposal-phone-extra, proposal-accepted-phone, proposal-desktop, quote-accepted-online."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import backend_url
from tests.e2e.test_quotes import TIMEOUT, _owner, _settle, _toast, _url
from tests.quotes.factories import frozen_trip, make_quote
from travelcrm.customers import services as customers
from travelcrm.db import tenant_scope
from travelcrm.quotes import services as quotes

PHONE = {"width": 390, "height": 844}
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def test_the_customer_accepts_the_emailed_proposal_on_a_phone(
    page, browser, harness, mail_sink, shot
) -> None:
    ctx = _owner()
    trip = frozen_trip(ctx)
    quote_id = make_quote(ctx, trip.itinerary_id)
    with tenant_scope(ctx) as session:
        quote = quotes.get_quote(session, ctx, quote_id=quote_id)
        email = customers.get_customer(session, ctx, customer_id=quote.customer_id).email

    # staff send it from the quote page
    page.goto(_url(harness, f"/quotes/{quote_id}"))
    expect(page.get_by_test_id("quote-state")).to_have_text("Draft", timeout=TIMEOUT)
    page.get_by_test_id("send").click()
    page.get_by_test_id("send-action").click()
    _toast(page, "Sent")
    expect(page.get_by_test_id("revoke-links")).to_be_visible(timeout=TIMEOUT)

    # the email's link, opened on the customer's phone
    [message] = mail_sink.wait_for(email)
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^\s]+(/api/public/quotes/[A-Za-z0-9_-]+)", text)
    assert found, text
    link = backend_url(harness) + found.group(1)
    phone = browser.new_context(viewport=PHONE, user_agent=IPHONE, is_mobile=True)
    customer = phone.new_page()
    customer.goto(link)
    expect(customer.get_by_role("heading", name="Your trip, day by day")).to_be_visible()
    total = customer.locator("#grand")
    before = total.inner_text()
    assert re.match(r"^₹[\d,]+\.\d{2}$", before), before
    width = customer.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the proposal is wider than a phone: {width}px"
    shot(customer, "proposal-phone")
    customer.get_by_text("Spice plantation tour").last.click()  # the extra's checkbox label
    expect(total).not_to_have_text(before)
    after = total.inner_text()
    amount = lambda s: float(re.sub(r"[^\d.]", "", s))  # noqa: E731
    assert amount(after) > amount(before)
    shot(customer, "proposal-phone-extra")

    # accept: a name and the consent
    customer.locator("#name").fill("Rahul Mehta")
    customer.locator("#consent").check()
    customer.get_by_role("button", name="Accept the proposal").click()
    expect(customer.get_by_text("Accepted by Rahul Mehta")).to_be_visible(timeout=TIMEOUT)
    shot(customer, "proposal-accepted-phone")
    phone.close()

    # the staff page: accepted online, the query won
    page.goto(_url(harness, f"/quotes/{quote_id}"))
    expect(page.get_by_test_id("quote-state")).to_have_text("Accepted", timeout=TIMEOUT)
    expect(page.get_by_text("Accepted online by")).to_be_visible()
    expect(page.get_by_test_id("revoke-links")).to_have_count(0)
    _settle(page)
    shot(page, "quote-accepted-online")
    page.get_by_test_id("quote-query").click()
    expect(page.get_by_test_id("page-title").locator("xpath=..")).to_contain_text(
        "Won", timeout=TIMEOUT
    )

    # the page on a desktop, answered
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    shown = desk.new_page()
    shown.goto(link)
    expect(shown.get_by_text("Thank you, your trip is confirmed")).to_be_visible()
    shot(shown, "proposal-desktop")
    desk.close()

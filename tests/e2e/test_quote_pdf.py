"""The quote PDF and the quote settings in a real browser: "Download PDF" on a quote's page
gives a file under its readable name with the quote's total inside; the settings page (reached
from the Quotes list) shows a percent deposit over 100 at its field, then saves. Screenshots:
quote-settings (desktop 1440x900) and quote-settings-phone (390x844)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.test_quotes import TIMEOUT, _owner, _settle, _toast, _url
from tests.quotes.factories import frozen_trip, make_quote, shown


def test_download_the_quote_pdf(page: Page, harness: Any) -> None:
    ctx = _owner()
    trip = frozen_trip(ctx)
    quote = shown(ctx, make_quote(ctx, trip.itinerary_id))
    page.goto(_url(harness, f"/quotes/{quote.id}"))
    expect(page.get_by_test_id("quote-state")).to_have_text("Draft", timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_test_id("download-pdf").click()
    pdf = download.value
    assert pdf.suggested_filename == f"{quote.reference} v1 - {quote.title}.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(pdf.path()).pages).replace("\u00a0", " ")
    total = f"{quote.total:.2f}"  # the grouping is the agency's locale's
    assert re.search(rf"Total \S*{re.escape(total)}", text.replace(",", "")), text
    assert f"{quote.reference} · Version 1" in text


def test_quote_settings_a_problem_at_its_field_then_saved(page: Page, harness: Any, shot) -> None:
    page.goto(_url(harness, "/quotes"))
    page.get_by_test_id("quote-settings-link").click()
    expect(page).to_have_url(re.compile(r"/quotes/settings$"), timeout=TIMEOUT)
    expect(page.get_by_test_id("page-title")).to_have_text("Quote settings")
    deposit = page.locator("#quote-deposit_value")
    expect(deposit).not_to_have_value("", timeout=TIMEOUT)
    deposit.fill("150")
    page.get_by_test_id("section-payment-save").click()
    expect(page.get_by_test_id("error-quote-deposit_value")).to_contain_text("100", timeout=TIMEOUT)
    deposit.fill("30")
    expect(page.get_by_test_id("error-quote-deposit_value")).to_have_count(0)
    page.get_by_test_id("section-payment-save").click()
    _toast(page, "Payment schedule saved.")
    page.reload()
    expect(page.locator("#quote-deposit_value")).to_have_value("30", timeout=TIMEOUT)
    _settle(page)
    shot(page, "quote-settings")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    shot(page, "quote-settings-phone")

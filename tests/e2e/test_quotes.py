"""Quotes in a real browser: "Create quote" on a frozen itinerary opens the draft (lines by
day, the total and the schedule in the agency's money), Send locks it and the query is
quoted, Record acceptance and the query shows won. Screenshots: quote-page (desktop
1440x900), quote-page-phone (390x844), quote-accepted and quotes-list."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.quotes.factories import frozen_trip
from travelcrm.accounts.models import User
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope
from travelcrm.demo import DEMO_LOGINS
from travelcrm.tenants.models import Tenant

TIMEOUT = 20_000
SLUG, OWNER_EMAIL = DEMO_LOGINS[0][0], DEMO_LOGINS[0][1]


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def _toast(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(
        timeout=TIMEOUT
    )


def _settle(page: Page) -> None:
    page.mouse.move(0, 0)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=TIMEOUT)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)


def _owner() -> TenantContext:
    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == SLUG)).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    return TenantContext(tenant.id, owner.id, Role.OWNER)


def test_freeze_create_send_and_accept_a_quote(page, harness, shot) -> None:
    trip = frozen_trip(_owner())

    # the frozen itinerary offers "Create quote"
    page.goto(_url(harness, f"/itineraries/{trip.itinerary_id}"))
    expect(page.get_by_test_id("frozen")).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("create-quote").click()
    expect(page).to_have_url(re.compile(r"/quotes/[0-9a-f-]{36}$"), timeout=TIMEOUT)
    expect(page.get_by_test_id("page-title")).to_have_text(re.compile(r"-Q-\d{4}-\d{4} v1$"))
    expect(page.get_by_test_id("quote-state")).to_have_text("Draft")
    groups = page.get_by_test_id("quote-group")
    expect(groups).to_have_count(3)
    expect(groups.first).to_contain_text("Day 1: Arrival in Goa")
    expect(groups.first).to_contain_text(re.compile(r"₹\d{2},\d{3}\.00"))  # the agency's markup
    total = page.get_by_test_id("quote-total")
    expect(total).to_have_text(re.compile(r"^₹[\d,]+\.\d{2}$"))
    total_text = total.inner_text()
    expect(page.get_by_test_id("quote-payment")).to_have_count(2)

    # the terms: a problem at its field, then saved
    page.locator("#terms-valid_until").fill("")
    page.locator("#terms-terms").fill("Pay the balance by bank transfer.")
    page.get_by_test_id("save-terms").click()
    expect(page.get_by_test_id("error-terms-valid_until")).to_be_visible(timeout=TIMEOUT)
    page.locator("#terms-valid_until").fill("2030-01-31")
    page.get_by_test_id("save-terms").click()
    _toast(page, "Saved")
    expect(page.get_by_test_id("error-terms-valid_until")).to_have_count(0)
    _settle(page)
    shot(page, "quote-page")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("quote-total")).to_be_visible()
    page.wait_for_timeout(400)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the quote page is wider than a phone: {width}px"
    shot(page, "quote-page-phone")
    page.set_viewport_size({"width": 1440, "height": 900})

    # Send: locked, the query quoted
    page.get_by_test_id("send").click()
    page.get_by_test_id("send-action").click()
    _toast(page, "Sent")
    expect(page.get_by_test_id("quote-state")).to_have_text("Sent")
    expect(page.get_by_test_id("quote-locked")).to_be_visible()
    expect(page.get_by_test_id("quote-terms")).to_have_text("Pay the balance by bank transfer.")

    # Record acceptance: the query is won
    page.get_by_test_id("accept").click()
    page.get_by_test_id("accept-action").click()
    _toast(page, "Acceptance recorded")
    expect(page.get_by_test_id("quote-state")).to_have_text("Accepted")
    _settle(page)
    shot(page, "quote-accepted")
    page.get_by_test_id("quote-query").click()
    expect(page.get_by_test_id("page-title")).to_have_text(re.compile(r"^Q-"), timeout=TIMEOUT)
    expect(page.get_by_test_id("page-title").locator("xpath=..")).to_contain_text("Won")

    # the list: the quote accepted, its total in rupees
    page.goto(_url(harness, "/quotes"))
    row = page.get_by_test_id("quote-row").filter(has_text="Accepted").first
    expect(row).to_contain_text(total_text, timeout=TIMEOUT)
    _settle(page)
    shot(page, "quotes-list")

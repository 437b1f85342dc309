"""Browser: screens in the user's words, and errors that stay where they happened.

- a customer's country is picked by its name (typed in any case, suggested as it is typed) and
  shown by name; a name that is no country is refused at its field in words;
- an error toast does not follow the person to the next page, while a success toast before a
  redirect does;
- the audit log says what happened as a sentence and names the record, with no action codes
  or ids.
Screenshots at 1440x900 and on a phone (390x844)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.test_rates import TIMEOUT, _owner_context, _url
from travelcrm.db import tenant_scope
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.models import SupplierKind
from travelcrm.suppliers.schemas import SupplierCreate

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
ERROR_TOAST = "[data-sonner-toast][data-type='error']"


def test_country_by_name_and_an_error_toast_stays_on_its_page(
    page: Page, harness: Any, shot: Any
) -> None:
    name = f"Words Test {secrets.token_hex(3)}"
    page.set_viewport_size(DESKTOP)
    page.goto(_url(harness, "/customers"))
    expect(page.get_by_test_id("page-title")).to_have_text("Customers", timeout=TIMEOUT)
    page.get_by_test_id("new-customer").click()
    page.locator("#new-name").fill(name)
    country = page.locator("#new-country")
    expect(country).to_have_attribute("list", "new-country-choices")
    assert page.locator("#new-country-choices option[value='United Arab Emirates']").count() == 1
    country.fill("Narnia")
    page.get_by_test_id("save-new-customer").click()
    expect(page.get_by_test_id("error-new-country")).to_have_text(
        re.compile("Choose a country from the list"), timeout=TIMEOUT
    )
    expect(page.locator(ERROR_TOAST)).to_have_count(1, timeout=TIMEOUT)
    shot(page, "customer-country-desktop")

    # the error toast stays behind when the person moves on (its own time is 4 s)
    page.keyboard.press("Escape")
    page.get_by_test_id("nav-suppliers").first.click()
    expect(page.get_by_test_id("page-title")).to_have_text("Suppliers", timeout=TIMEOUT)
    expect(page.locator(ERROR_TOAST)).to_have_count(0, timeout=1_500)

    # a country typed by name in any case is kept, and shown by name
    page.goto(_url(harness, "/customers"))
    page.set_viewport_size(PHONE)
    page.get_by_test_id("new-customer").click()
    page.locator("#new-name").fill(name)
    page.locator("#new-country").fill("india")
    shot(page, "customer-country-phone")
    page.get_by_test_id("save-new-customer").click()
    expect(page.get_by_test_id("page-title")).to_have_text(name, timeout=TIMEOUT)
    # the success toast said before the redirect follows (only errors stay behind)
    expect(page.locator("[data-sonner-toast]").filter(has_text=f"{name} added.")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    expect(page.get_by_test_id("customer-facts")).to_contain_text("India")
    page.get_by_test_id("edit-customer").click()
    expect(page.locator("#edit-country")).to_have_value("India", timeout=TIMEOUT)
    page.locator("#edit-country").fill("united arab emirates")
    page.get_by_test_id("save-customer").click()
    expect(page.get_by_test_id("customer-facts")).to_contain_text(
        "United Arab Emirates", timeout=TIMEOUT
    )


def test_the_audit_log_says_what_happened_in_words(page: Page, harness: Any, shot: Any) -> None:
    ctx = _owner_context()
    name = f"Audit Words Lodge {secrets.token_hex(3)}"
    with tenant_scope(ctx) as session:
        suppliers.create_supplier(
            session,
            ctx,
            data=SupplierCreate(
                name=name, kind=SupplierKind.HOTEL, country="IN", default_currency="INR"
            ),
        )
    page.set_viewport_size(DESKTOP)
    page.goto(_url(harness, "/audit"))
    rows = page.get_by_test_id("event-row")
    row = rows.filter(has_text=name).first
    expect(row).to_contain_text("Added a supplier", timeout=TIMEOUT)
    body = page.get_by_test_id("events").inner_text()
    assert "supplier.created" not in body and "auth.sign_in" not in body
    assert not re.search(r"\b(supplier|user|customer) [0-9a-f]{8}\b", body)
    row.get_by_test_id("event-toggle").click()
    details = page.get_by_test_id("event-details").first
    expect(details).to_contain_text("Name")
    expect(details).to_contain_text(name)
    assert "default_currency" not in details.inner_text()
    page.mouse.move(0, 0)
    shot(page, "audit-words-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "audit-words-phone")


def test_a_timezone_and_a_currency_are_found_by_typing_part_of_their_names(
    page: Page, harness: Any, shot: Any
) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(_url(harness, "/settings"))
    timezone = page.get_by_test_id("choice-timezone")
    expect(timezone).to_have_value("(UTC+05:30) Kolkata, India", timeout=TIMEOUT)
    kept = page.locator("input[type=hidden][name=timezone]")
    expect(kept).to_have_value("Asia/Kolkata")
    # the list offers what matches any part of the name
    options = page.locator("#timezone-choices option")
    assert options.count() > 300
    assert page.locator("#timezone-choices option[value*='Dubai']").count() == 1
    # part of a name changes nothing; a whole entry picks its code
    timezone.click()
    timezone.press_sequentially("Dub")
    page.wait_for_timeout(300)
    expect(kept).to_have_value("Asia/Kolkata")
    timezone.fill("(UTC+04:00) Dubai, United Arab Emirates")
    expect(kept).to_have_value("Asia/Dubai", timeout=TIMEOUT)
    currency = page.get_by_test_id("choice-default_currency")
    expect(currency).to_have_value("Indian Rupee (INR)")
    currency.fill("Euro (EUR)")
    expect(page.locator("input[type=hidden][name=default_currency]")).to_have_value(
        "EUR", timeout=TIMEOUT
    )
    page.mouse.move(0, 0)
    shot(page, "settings-choices-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "settings-choices-phone")
    # nothing saved: a fresh page shows the agency's own
    page.goto(_url(harness, "/settings"))
    expect(page.get_by_test_id("choice-timezone")).to_have_value(
        "(UTC+05:30) Kolkata, India", timeout=TIMEOUT
    )

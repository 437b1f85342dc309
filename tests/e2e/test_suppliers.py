"""Suppliers in a real browser: create one, add a contact, a room and bank details, find it by
search and filters; two tabs saving the same supplier (the second sees a conflict); delete or
archive; what an agent sees. Screenshots: suppliers-list, supplier-detail, supplier-services,
supplier-conflict."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import backend_url
from travelcrm.demo import DEMO_LOGINS, DEMO_STAFF

TIMEOUT = 20_000
OWNER_EMAIL = DEMO_LOGINS[0][1]
AGENT = next((e, p) for _s, e, _n, p, role in DEMO_STAFF if role.value == "agent")


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def _toast(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(
        timeout=TIMEOUT
    )


def _choose(page: Page, test_id: str, option: str) -> None:
    page.get_by_test_id(test_id).click()
    page.get_by_role("option", name=option, exact=True).click()


def _settle(page: Page) -> None:
    """Before a screenshot: no toasts over the content, no hover, scrolled to the top. The
    pointer leaves first: a toast under it (the last click's button) pauses its timer."""
    page.mouse.move(0, 0)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=TIMEOUT)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(200)


def _context(browser: Any, harness: Any, email: str, password: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    response = context.request.post(
        f"{backend_url(harness)}/api/auth/login", data={"email": email, "password": password}
    )
    assert response.status == 200, response.text()
    return context


@pytest.fixture
def agent_tab(browser, harness) -> Iterator[Page]:
    context = _context(browser, harness, *AGENT)
    yield context.new_page()
    context.close()


def _sunrise_owner() -> Any:
    from sqlmodel import select

    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    return TenantContext(tenant.id, owner.id, Role.OWNER)


def _throwaway(name: str, *, with_rate_list: bool = False) -> uuid.UUID:
    """A supplier made for one test (changing demo suppliers would leak into other tests)."""
    from travelcrm.db import tenant_scope
    from travelcrm.rates.models import RateList
    from travelcrm.suppliers import services
    from travelcrm.suppliers.schemas import SupplierCreate

    ctx = _sunrise_owner()
    with tenant_scope(ctx) as session:
        supplier = services.create_supplier(
            session,
            ctx,
            data=SupplierCreate(
                name=name,
                kind="transport",
                city="Kochi",
                region="Kerala",
                country="IN",
                default_currency="INR",
                phone="+91 484 000 0000",
            ),
        )
        if with_rate_list:
            session.add(
                RateList(
                    tenant_id=ctx.tenant_id,
                    supplier_id=supplier.id,
                    name=f"Transfers {date.today().year}",
                )
            )
        return supplier.id


def test_create_a_supplier_with_contact_room_and_bank_then_find_it(page, harness, shot) -> None:
    page.goto(_url(harness, "/suppliers"))
    expect(page.get_by_test_id("page-title")).to_have_text("Suppliers", timeout=TIMEOUT)
    rows = page.get_by_test_id("supplier-row")
    expect(rows.filter(has_text="Sea Breeze Beach Resort")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Blue Horizon")).to_have_count(0)
    expect(page.get_by_text("Sunset Bay Hotel Miami")).to_have_count(0)  # another agency's
    expect(page.get_by_test_id("pager-label")).to_have_text(re.compile(r"^1-\d+ of \d+$"))
    _settle(page)
    shot(page, "suppliers-list")

    # Sorting: the Bali suppliers by name, then the other way round.
    _choose(page, "filter-country", "Indonesia")
    expect(rows).to_have_count(2, timeout=TIMEOUT)
    expect(rows.first).to_contain_text("Bali Ubud Discovery Tours")
    page.get_by_test_id("sort-name").click()
    expect(rows.first).to_contain_text("Ubud Jungle Villas", timeout=TIMEOUT)
    page.get_by_test_id("sort-name").click()
    expect(rows.first).to_contain_text("Bali Ubud Discovery Tours", timeout=TIMEOUT)
    page.get_by_test_id("clear-filters").click()
    expect(page.get_by_test_id("pager-label")).to_have_text(
        re.compile(r"^1-\d+ of (\d+)$"), timeout=TIMEOUT
    )

    # New supplier: a field error first, then created and opened.
    name = f"Coral Reef Resort {secrets.token_hex(2)}"
    page.get_by_test_id("new-supplier").click()
    page.locator("#new-name").fill(name)
    page.locator("#new-city").fill("Havelock Island")
    page.locator("#new-region").fill("Andaman")
    page.locator("#new-country").fill("Atlantis")
    page.locator("#new-default_currency").fill("indian rupee")
    page.locator("#new-tags").fill("beach, diving")
    page.get_by_test_id("save-new-supplier").click()
    expect(page.get_by_test_id("error-new-country")).to_contain_text(
        "Choose a country from the list", timeout=TIMEOUT
    )
    page.locator("#new-country").fill("India")
    page.get_by_test_id("save-new-supplier").click()
    expect(page.get_by_test_id("page-title")).to_have_text(name, timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"/suppliers/[0-9a-f-]{36}$"))

    # A contact (the first one is primary).
    page.get_by_test_id("tab-contacts").click()
    expect(page.get_by_test_id("contacts-empty")).to_be_visible()
    page.get_by_test_id("add-contact").click()
    page.locator("#contact-name").fill("Ritu Das")
    page.locator("#contact-role").fill("reservations")
    page.locator("#contact-email").fill("ritu@coralreef.example")
    page.get_by_test_id("save-contact").click()
    _toast(page, "Contact saved.")
    contact = page.get_by_test_id("contact-row").filter(has_text="Ritu Das")
    expect(contact).to_contain_text("Primary", timeout=TIMEOUT)

    # A room on a meal plan (a hotel's services start as rooms).
    page.get_by_test_id("tab-services").click()
    page.get_by_test_id("add-service").click()
    _choose(page, "service-meal-plan", "MAP · breakfast + one meal")
    page.locator("#service-name").fill("Deluxe Sea View")
    page.locator("#service-occupancy").fill("3")
    page.get_by_test_id("save-service").click()
    _toast(page, "Deluxe Sea View saved.")
    room = page.get_by_test_id("service-row").filter(has_text="Deluxe Sea View")
    expect(room).to_contain_text("MAP", timeout=TIMEOUT)
    expect(room).to_contain_text("Room")

    # Bank details: stored, shown masked, revealed on demand.
    page.get_by_test_id("tab-bank").click()
    page.get_by_test_id("add-bank").click()
    page.locator("#bank-account_holder").fill("Coral Reef Hospitality Pvt Ltd")
    page.locator("#bank-bank_name").fill("Axis Bank")
    page.locator("#bank-account_number").fill("917020012349876")
    page.locator("#bank-ifsc").fill("utib0000123")
    page.get_by_test_id("save-bank").click()
    _toast(page, "Bank details saved")
    expect(page.get_by_test_id("bank-hint")).to_have_text("Axis Bank ••••9876", timeout=TIMEOUT)
    expect(page.get_by_text("917020012349876")).to_have_count(0)
    page.get_by_test_id("reveal-bank").click()
    expect(page.get_by_test_id("bank-revealed")).to_contain_text("917020012349876")
    expect(page.get_by_test_id("bank-revealed")).to_contain_text("UTIB0000123")
    page.get_by_test_id("hide-bank").click()
    expect(page.get_by_test_id("bank-revealed")).to_have_count(0)

    # The overview: a field error from the schema, then a save.
    page.get_by_test_id("tab-overview").click()
    page.locator("#gstin").fill("35AAGCC1234")
    page.get_by_test_id("save-supplier").click()
    expect(page.get_by_test_id("error-gstin")).to_contain_text("15-character", timeout=TIMEOUT)
    page.locator("#gstin").fill("35AAGCC1234D1ZK")
    page.locator("#pan").fill("AAGCC1234D")
    page.locator("#default_commission_pct").fill("12.5")
    page.get_by_test_id("save-supplier").click()
    _toast(page, "Supplier saved.")
    expect(page.get_by_test_id("error-gstin")).to_have_count(0)
    expect(page.locator("#default_commission_pct")).to_have_value("12.5")
    # the country and the currency by name, kept as they were
    expect(page.locator("#country")).to_have_value("India")
    expect(page.locator("#default_currency")).to_have_value("Indian Rupee (INR)")

    # Back on the list: search, tag and type filters find it (or not).
    page.get_by_test_id("back-to-suppliers").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Suppliers", timeout=TIMEOUT)
    page.get_by_test_id("supplier-search").fill("coral reef")
    expect(rows).to_have_count(1, timeout=TIMEOUT)
    expect(rows.first).to_contain_text(name)
    expect(page.get_by_test_id("pager-label")).to_have_text("1-1 of 1")
    page.get_by_test_id("supplier-search").fill("havelock")  # the city
    expect(rows.first).to_contain_text(name, timeout=TIMEOUT)
    page.get_by_test_id("clear-filters").click()
    expect(rows.filter(has_text="Sea Breeze Beach Resort")).to_be_visible(timeout=TIMEOUT)
    _choose(page, "filter-tag", "diving")
    expect(rows).to_have_count(1, timeout=TIMEOUT)
    _choose(page, "filter-kind", "Transport")
    expect(page.get_by_test_id("suppliers-empty")).to_contain_text("No suppliers match")
    page.get_by_test_id("clear-filters").click()
    _choose(page, "filter-country", "United Arab Emirates")
    expect(rows).to_have_count(3, timeout=TIMEOUT)  # the Dubai ones
    _choose(page, "filter-status", "Inactive")
    expect(rows).to_have_count(0, timeout=TIMEOUT)
    _choose(page, "filter-country", "All countries")
    expect(rows.filter(has_text="Old Town Travels")).to_be_visible(timeout=TIMEOUT)
    expect(rows.filter(has_text="Sea Breeze Beach Resort")).to_have_count(0)


def test_a_demo_supplier_reads_well(page, harness, shot) -> None:
    page.goto(_url(harness, "/suppliers"))
    page.get_by_test_id("supplier-link").filter(has_text="Sea Breeze Beach Resort").click()
    expect(page.get_by_test_id("page-title")).to_have_text(
        "Sea Breeze Beach Resort", timeout=TIMEOUT
    )
    expect(page.locator("#gstin")).to_have_value("30AADCS4821K1Z7")
    expect(page.get_by_test_id("tab-services")).to_contain_text("6")
    _settle(page)
    shot(page, "supplier-detail")
    page.get_by_test_id("tab-services").click()
    rooms = page.get_by_test_id("service-row")
    expect(rooms).to_have_count(6, timeout=TIMEOUT)
    expect(rooms.filter(has_text="Suite").filter(has_text="MAP")).to_have_count(1)
    page.get_by_test_id("tab-bank").click()
    expect(page.get_by_test_id("bank-hint")).to_have_text("HDFC Bank ••••4321")
    page.get_by_test_id("tab-contacts").click()
    expect(page.get_by_test_id("contact-row").filter(has_text="Anita Fernandes")).to_contain_text(
        "Primary"
    )
    page.get_by_test_id("tab-services").click()
    _settle(page)
    shot(page, "supplier-services")


def test_two_tabs_saving_the_same_supplier_conflict(browser, harness, shot) -> None:
    name = f"Backwater Cabs {secrets.token_hex(2)}"
    supplier_id = _throwaway(name)
    context = _context(browser, harness, OWNER_EMAIL, DEMO_LOGINS[0][3])
    first, second = context.new_page(), context.new_page()
    try:
        for tab in (first, second):
            tab.goto(_url(harness, f"/suppliers/{supplier_id}"))
            expect(tab.get_by_test_id("page-title")).to_have_text(name, timeout=TIMEOUT)
        first.locator("#phone").fill("+91 484 111 2222")
        first.get_by_test_id("save-supplier").click()
        _toast(first, "Supplier saved.")

        second.locator("#city").fill("Alappuzha")
        second.get_by_test_id("save-supplier").click()
        conflict = second.get_by_test_id("version-conflict")
        expect(conflict).to_contain_text("changed by someone else", timeout=TIMEOUT)
        expect(second.locator("#city")).to_have_value("Alappuzha")  # the typing is kept
        second.mouse.move(0, 0)
        second.evaluate("window.scrollTo(0, 0)")
        shot(second, "supplier-conflict")

        second.get_by_test_id("reload-supplier").click()
        expect(conflict).to_have_count(0, timeout=TIMEOUT)
        expect(second.locator("#phone")).to_have_value("+91 484 111 2222")
        expect(second.locator("#city")).to_have_value("Kochi")
        second.locator("#city").fill("Alappuzha")
        second.get_by_test_id("save-supplier").click()
        _toast(second, "Supplier saved.")
        expect(second.locator("#city")).to_have_value("Alappuzha")
    finally:
        context.close()


def test_delete_archives_a_supplier_rate_lists_use(page, harness) -> None:
    used = f"Used Transfers {secrets.token_hex(2)}"
    used_id = _throwaway(used, with_rate_list=True)
    page.goto(_url(harness, f"/suppliers/{used_id}"))
    expect(page.get_by_test_id("page-title")).to_have_text(used, timeout=TIMEOUT)
    page.get_by_test_id("tab-rates").click()
    expect(page.get_by_test_id("rate-list-row")).to_contain_text("Transfers")
    page.get_by_test_id("delete-supplier").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Delete {used}?")
    page.get_by_test_id("confirm-action").click()
    _toast(page, "archived instead of deleted")
    expect(page.get_by_test_id("archived-notice")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("save-supplier")).to_have_count(0)
    page.get_by_test_id("activate-supplier").click()  # Restore
    _toast(page, "is active now")
    expect(page.get_by_test_id("archived-notice")).to_have_count(0, timeout=TIMEOUT)

    unused = f"Unused Transfers {secrets.token_hex(2)}"
    unused_id = _throwaway(unused)
    page.goto(_url(harness, f"/suppliers/{unused_id}"))
    expect(page.get_by_test_id("page-title")).to_have_text(unused, timeout=TIMEOUT)
    page.get_by_test_id("delete-supplier").click()
    page.get_by_test_id("confirm-action").click()
    _toast(page, f"{unused} was deleted.")
    expect(page).to_have_url(_url(harness, "/suppliers"), timeout=TIMEOUT)
    page.goto(_url(harness, f"/suppliers/{unused_id}"))
    expect(page.get_by_test_id("supplier-not-found")).to_be_visible(timeout=TIMEOUT)


def test_an_agent_reads_suppliers_without_changing_them(agent_tab, harness) -> None:
    page = agent_tab
    page.goto(_url(harness, "/suppliers"))
    expect(page.get_by_test_id("read-only")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("nav-suppliers")).to_be_visible()
    expect(page.get_by_test_id("new-supplier")).to_have_count(0)
    page.get_by_test_id("supplier-link").filter(has_text="Sea Breeze Beach Resort").click()
    expect(page.get_by_test_id("page-title")).to_have_text(
        "Sea Breeze Beach Resort", timeout=TIMEOUT
    )
    expect(page.locator("#name")).not_to_be_editable()
    expect(page.get_by_test_id("save-supplier")).to_have_count(0)
    expect(page.get_by_test_id("delete-supplier")).to_have_count(0)
    page.get_by_test_id("tab-bank").click()
    expect(page.get_by_test_id("bank-hint")).to_have_text("On file")
    expect(page.get_by_test_id("reveal-bank")).to_have_count(0)
    page.get_by_test_id("tab-services").click()
    expect(page.get_by_test_id("service-row").first).to_be_visible()
    expect(page.get_by_test_id("add-service")).to_have_count(0)

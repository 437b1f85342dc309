"""The itinerary builder in a real browser: a blank trip from the list's "New itinerary", a
priced hotel stay picked by name from the agency's services, Price (the sheet in its fixed
columns, the total), freeze for a quote (edits off, said in words). Screenshots: itinerary-sheet
(desktop 1440x900) and itinerary-sheet-phone (390x844)."""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlmodel import select

from tests.queries.factories import trip
from tests.rates.factories import make_contract
from travelcrm.accounts.models import User
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.demo import DEMO_LOGINS
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItineraryCreate, Party
from travelcrm.queries import services as queries
from travelcrm.suppliers.models import Supplier
from travelcrm.tenants.models import Tenant
from travelcrm.ui.pages.itineraries.page import SHEET_COLUMNS
from travelcrm.ui.pages.itineraries.state import service_label

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


def _hotel(tag: str) -> str:
    """A hotel of the demo agency with published 2027-28 rates (double 9,000 a night in
    October); the label its room is picked by."""
    ctx = _owner()
    contract = make_contract(ctx)
    name = f"Sea Breeze Resort {tag}"
    with tenant_scope(ctx) as session:
        supplier = session.get(Supplier, (ctx.tenant_id, contract.supplier_id))
        assert supplier is not None
        supplier.name = name
        session.add(supplier)
    return service_label("Deluxe Sea View", name)


def _pick(page: Page, text: str, name: str, place: str = "") -> None:
    """In "Add service": search (the server answers after a pause in typing) and pick."""
    if place:
        page.get_by_test_id("service-place").fill(place)
    page.get_by_test_id("service-search").fill(text)
    found = page.get_by_test_id("service-option").filter(has_text=name)
    expect(found).to_have_count(1, timeout=TIMEOUT)
    found.click()
    expect(page.get_by_test_id("dialog-item")).to_contain_text(f"Picked: {name}")


def test_build_price_and_freeze_an_itinerary(page, harness, shot) -> None:
    tag = secrets.token_hex(2)
    room = _hotel(tag)
    trip = f"Goa in October {tag}"

    # a blank trip: the dialog names what is missing, then opens the builder
    page.goto(_url(harness, "/itineraries"))
    expect(page.get_by_test_id("page-title")).to_have_text("Itineraries", timeout=TIMEOUT)
    page.get_by_test_id("new-itinerary").click()
    page.get_by_test_id("save-new-itinerary").click()
    expect(page.get_by_test_id("error-new-start_date")).to_be_visible(timeout=TIMEOUT)
    page.locator("#new-title").fill(trip)
    page.locator("#new-start_date").fill("2027-10-05")
    page.locator("#new-days").fill("3")
    page.get_by_test_id("save-new-itinerary").click()
    expect(page).to_have_url(re.compile(r"/itineraries/[0-9a-f-]{36}$"), timeout=TIMEOUT)
    expect(page.get_by_test_id("page-title")).to_have_text(re.compile(r"^IT-\d+$"))
    expect(page.get_by_test_id("trip-title")).to_have_text(trip)
    days = page.get_by_test_id("day")
    expect(days).to_have_count(3)
    expect(days.nth(0).get_by_test_id("day-date")).to_have_text("5 Oct 2027")

    # day 1's title and where the night is spent
    days.nth(0).get_by_test_id("edit-day").click()
    page.locator("#day-title").fill("Arrive in Goa")
    page.locator("#day-overnight").fill("Candolim")
    page.get_by_test_id("save-day").click()
    _toast(page, "Day 1, 5 Oct 2027 saved.")
    expect(days.nth(0)).to_contain_text("Arrive in Goa · Overnight in Candolim")

    # a 2-night stay on day 1, found by name on the server and picked
    days.nth(0).get_by_test_id("add-service").click()
    _pick(page, room.split(" · ")[1], "Deluxe Sea View")
    page.locator("#item-nights").fill("2")
    page.get_by_test_id("save-item").click()
    _toast(page, "Added to Day 1")
    item = days.nth(0).get_by_test_id("item")
    expect(item).to_contain_text("Deluxe Sea View")
    expect(item).to_contain_text("2 nights")

    # Price: the sheet's columns, the stay's gross on its day, the total
    page.get_by_test_id("price").click()
    sheet = page.get_by_test_id("pricing-sheet")
    expect(sheet).to_be_visible(timeout=TIMEOUT)
    headers = sheet.locator("thead th")
    expect(headers).to_have_text([label for label, _align in SHEET_COLUMNS])
    total = page.get_by_test_id("sheet-total")
    expect(total).to_contain_text("Total")
    expect(total).to_contain_text("18,000.00")  # 2 nights x 9,000 net, in the selling currency
    expect(page.get_by_test_id("unpriced")).to_have_count(0)
    expect(item.get_by_test_id("item-problem")).to_have_count(0)
    expect(page.get_by_test_id("total-with-taxes")).not_to_be_empty()
    _settle(page)
    shot(page, "itinerary-sheet")
    page.set_viewport_size({"width": 390, "height": 844})
    # on a phone the sheet's lines are cards, each figure under its column's name
    expect(page.get_by_test_id("pricing-sheet")).not_to_be_visible()
    cards = page.get_by_test_id("sheet-card")
    expect(cards.last).to_contain_text("Net in selling currency")
    expect(cards.last).to_contain_text("18,000.00")
    page.wait_for_timeout(400)
    shot(page, "itinerary-sheet-phone")
    page.set_viewport_size({"width": 1440, "height": 900})

    # price options: the stay's sell price locked by hand, said on its line and in the total
    item.get_by_test_id("item-options").click()
    page.locator("#options-sell_override").fill("22,500")
    page.get_by_test_id("save-options").click()
    _toast(page, "price options saved")
    expect(total).to_contain_text("22,500.00")
    expect(page.get_by_test_id("pricing-sheet")).to_contain_text("price locked")

    # freeze for a quote: said in words, edits off
    page.get_by_test_id("freeze").click()
    page.get_by_test_id("freeze-action").click()
    frozen = page.get_by_test_id("frozen")
    expect(frozen).to_contain_text("Frozen for a quote on", timeout=TIMEOUT)
    expect(page.get_by_test_id("add-service")).to_have_count(0)
    expect(page.get_by_test_id("unfreeze")).to_contain_text("Unfreeze (makes version 2)")
    expect(page.get_by_test_id("sheet-total")).to_contain_text("18,000.00")
    _settle(page)
    shot(page, "itinerary-frozen")

    # the frozen version's branded PDF: a download with a readable name, the locked price in it
    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_test_id("download-pdf").click()
    pdf = download.value
    assert re.fullmatch(rf"IT-\d+ v1 - Goa in October {tag}\.pdf", pdf.suggested_filename)
    pages = PdfReader(pdf.path()).pages
    text = " ".join(p.extract_text() for p in pages).replace("\u00a0", " ")
    assert trip in text and "Arrive in Goa" in text
    assert re.search(r"Total \S*22,500\.00", text), text  # the locked sell price
    assert f"Page 2 of {len(pages)}" in text

    # the list shows it frozen
    page.get_by_test_id("back-to-itineraries").click()
    row = page.get_by_test_id("itinerary-row").filter(has_text=trip)
    expect(row).to_contain_text("Frozen for quote", timeout=TIMEOUT)
    expect(row).to_contain_text("5 Oct 2027")
    _settle(page)
    shot(page, "itineraries-list")


def test_edit_a_stay_drag_a_service_and_search_by_destination(page, harness, shot) -> None:
    tag = secrets.token_hex(2)
    room = _hotel(tag)
    hotel = room.split(" · ")[1]
    ctx = _owner()
    with tenant_scope(ctx) as session:
        itinerary = itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(
                title=f"Goa drag {tag}", start_date=date(2027, 10, 5), days=3, party=Party()
            ),
        )
    page.goto(_url(harness, f"/itineraries/{itinerary.id}"))
    days = page.get_by_test_id("day")
    expect(days).to_have_count(3, timeout=TIMEOUT)

    # search by destination (server side) and the hotel's name; supplier, place, "from" price
    days.nth(0).get_by_test_id("add-service").click()
    page.get_by_test_id("service-place").fill("Goa")
    page.get_by_test_id("service-search").fill(tag)
    option = page.get_by_test_id("service-option").filter(has_text=hotel)
    expect(option).to_have_count(1, timeout=TIMEOUT)
    expect(option).to_contain_text("Deluxe Sea View")
    expect(option).to_contain_text("Goa, India")
    expect(option).to_contain_text("from ₹5,000.00")
    page.get_by_test_id("service-place").fill("Munnar")
    expect(page.get_by_test_id("service-results")).to_contain_text(
        "Nothing on sale matches", timeout=TIMEOUT
    )
    page.get_by_test_id("service-place").fill("Goa")
    option.click()
    page.locator("#item-nights").fill("2")
    page.wait_for_timeout(300)
    shot(page, "itinerary-search")
    page.get_by_test_id("save-item").click()
    _toast(page, "Added to Day 1")

    # edit the stay: 0 nights is said at its field, then 3 nights: shown on each night
    stay = days.nth(0).get_by_test_id("item").filter(has_text="Deluxe Sea View")
    stay.get_by_test_id("edit-item").click()
    expect(page.locator("#edit-double")).to_have_value("1", timeout=TIMEOUT)
    page.locator("#edit-nights").fill("0")
    page.get_by_test_id("save-edit").click()
    expect(page.get_by_test_id("error-edit-nights")).to_be_visible(timeout=TIMEOUT)
    page.locator("#edit-nights").fill("3")
    page.wait_for_timeout(300)
    shot(page, "itinerary-edit-stay")
    page.get_by_test_id("save-edit").click()
    _toast(page, "saved")
    expect(stay).to_contain_text("3 nights")
    expect(days.nth(1).get_by_test_id("staying")).to_contain_text("Night 2 of 3")
    expect(days.nth(2).get_by_test_id("staying")).to_contain_text("Night 3 of 3")

    # a note on day 1, dragged to day 3
    days.nth(0).get_by_test_id("add-service").click()
    page.get_by_test_id("item-kind").select_option("note")
    page.locator("#item-title").fill("Dinner at the shack")
    page.get_by_test_id("save-item").click()
    _toast(page, "Added to Day 1")
    _settle(page)
    note = days.nth(0).get_by_test_id("item").filter(has_text="Dinner at the shack")
    note.locator("[draggable='true']").drag_to(days.nth(2).get_by_test_id("day-drop"))
    _toast(page, "Moved to Day 3")
    expect(days.nth(2).get_by_test_id("item")).to_contain_text("Dinner at the shack")
    expect(days.nth(0).get_by_test_id("item")).to_have_count(1)
    page.get_by_test_id("price").click()
    expect(page.get_by_test_id("sheet-total")).to_be_visible(timeout=TIMEOUT)
    _settle(page)
    shot(page, "itinerary-builder")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    shot(page, "itinerary-builder-phone")
    page.set_viewport_size({"width": 1440, "height": 900})

    # the list: its last total and margin
    page.goto(_url(harness, "/itineraries"))
    row = page.get_by_test_id("itinerary-row").filter(has_text=f"Goa drag {tag}")
    expect(row.get_by_test_id("itinerary-total")).to_contain_text("₹", timeout=TIMEOUT)
    expect(row.get_by_test_id("itinerary-margin")).to_contain_text("%")
    _settle(page)
    shot(page, "itineraries-list-totals")


def test_build_an_itinerary_from_a_query(page, harness, shot) -> None:
    ctx = _owner()
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(
            session, ctx, data=trip(start_date=date(2027, 11, 2), end_date=date(2027, 11, 5))
        )
    page.goto(_url(harness, f"/queries/{query.id}"))
    expect(page.get_by_test_id("page-title")).to_have_text(re.compile(r"^Q-"), timeout=TIMEOUT)
    page.get_by_test_id("build-itinerary").click()
    expect(page).to_have_url(re.compile(r"/itineraries/[0-9a-f-]{36}$"), timeout=TIMEOUT)
    expect(page.get_by_test_id("day")).to_have_count(4)
    expect(page.get_by_test_id("day").first.get_by_test_id("day-date")).to_have_text("2 Nov 2027")
    page.get_by_test_id("itinerary-query").click()
    expect(page.get_by_test_id("query-itinerary")).to_have_count(1, timeout=TIMEOUT)
    expect(page.get_by_test_id("query-itinerary")).to_contain_text("Draft")
    _settle(page)
    shot(page, "query-itineraries")

"""The content library in a real browser: on a supplier's service, "Description and photos" —
the text and highlights saved, photos dropped in (a GIF refused by name, the pictures kept with
their thumbnails), the cover chosen; the services list shows the cover; the itinerary builder
shows the cover thumbnail and the description's first line on the service's row. Screenshots:
service-content (desktop), service-content-phone (390x844), supplier-services-covers,
itinerary-item-content (desktop and phone)."""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from tests.rates.factories import make_contract
from travelcrm.accounts.models import User
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.demo import DEMO_LOGINS
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItemIn, ItineraryCreate, Party
from travelcrm.suppliers.models import Supplier
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
    page.wait_for_timeout(400)


def _loaded(image: Locator) -> None:
    """The picture really arrived (the browser decoded it), not a broken image."""
    expect(image).to_be_visible(timeout=TIMEOUT)
    image.evaluate(
        "img => img.complete && img.naturalWidth > 0 || new Promise((ok, no) => "
        "{ img.onload = ok; img.onerror = () => no(new Error('image failed')); })"
    )
    assert image.evaluate("img => img.naturalWidth") > 0


def _owner() -> TenantContext:
    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == SLUG)).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    return TenantContext(tenant.id, owner.id, Role.OWNER)


def _setup(tag: str) -> tuple[str, str]:
    """A hotel of the demo agency (its room priced) and a trip with a 2-night stay in it."""
    ctx = _owner()
    contract = make_contract(ctx)
    with tenant_scope(ctx) as session:
        supplier = session.get(Supplier, (ctx.tenant_id, contract.supplier_id))
        assert supplier is not None
        supplier.name = f"Sea Breeze Resort {tag}"
        session.add(supplier)
        trip = itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(
                title=f"Goa with photos {tag}",
                start_date=date(2027, 10, 5),
                days=2,
                party=Party(adults=2),
            ),
        )
        day = itineraries.to_public(session, trip).days[0].id
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip.id,
            day_id=day,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
    return str(contract.supplier_id), str(trip.id)


def _pictures(folder: Path) -> list[str]:
    """Two photos a phone might take (a JPEG larger than the kept size, a PNG) and a GIF."""
    beach = Image.new("RGB", (2400, 1600), (40, 120, 190))
    beach.paste((235, 210, 160), (0, 1000, 2400, 1600))
    beach.paste((250, 230, 120), (1700, 200, 1900, 400))
    pool = Image.new("RGB", (1200, 900), (30, 170, 200))
    pool.paste((240, 240, 235), (0, 0, 1200, 250))
    paths = [folder / "beach.jpg", folder / "pool.png", folder / "cat.gif"]
    beach.save(paths[0], quality=88)
    pool.save(paths[1])
    Image.new("RGB", (64, 64), (200, 0, 0)).save(paths[2])
    return [str(p) for p in paths]


def test_describe_a_service_with_photos_and_see_them_on_the_itinerary(
    page: Page, harness: Any, shot: Any, tmp_path: Path
) -> None:
    tag = secrets.token_hex(2)
    supplier_id, trip_id = _setup(tag)

    page.goto(_url(harness, f"/suppliers/{supplier_id}"))
    expect(page.get_by_test_id("page-title")).to_have_text(
        f"Sea Breeze Resort {tag}", timeout=TIMEOUT
    )
    page.get_by_test_id("tab-services").click()
    row = page.get_by_test_id("service-row").filter(has_text="Deluxe Sea View")
    row.get_by_test_id("open-content").click()
    dialog = page.get_by_test_id("dialog-content")
    expect(dialog).to_be_visible(timeout=TIMEOUT)
    expect(dialog).to_contain_text("Deluxe Sea View")
    expect(dialog.get_by_test_id("no-photos")).to_be_visible()

    # the words: a too-long highlight is said at its field, then saved
    dialog.get_by_test_id("content-description").fill(
        "Sea-facing rooms with a private balcony, two minutes from Candolim beach.\n\n"
        "Breakfast is served by the pool."
    )
    dialog.get_by_test_id("content-highlights").fill("Sea view\n" + "Very long " * 10)
    dialog.get_by_test_id("save-content").click()
    expect(dialog.get_by_test_id("error-content-highlights")).to_contain_text(
        "line 2 is longer", timeout=TIMEOUT
    )
    dialog.get_by_test_id("content-highlights").fill("Sea view\nPrivate balcony")
    dialog.get_by_test_id("save-content").click()
    _toast(page, "Description saved.")
    expect(dialog.get_by_test_id("error-content-highlights")).to_have_count(0)

    # three files dropped at once: the GIF is refused by name, the two photos kept
    dialog.get_by_test_id("photo-upload").locator("input[type=file]").set_input_files(
        _pictures(tmp_path)
    )
    cards = dialog.get_by_test_id("photo-card")
    expect(cards).to_have_count(2, timeout=TIMEOUT)
    expect(dialog.get_by_test_id("upload-error")).to_contain_text(
        "is not a PNG, JPEG or WebP image"
    )
    expect(cards.nth(0).get_by_test_id("photo-cover")).to_be_visible()
    expect(cards.nth(0)).to_contain_text("1600 x 1067")
    for n in range(2):
        _loaded(cards.nth(n).get_by_test_id("photo-thumb"))

    # the second one becomes the cover and moves first; a caption
    cards.nth(1).get_by_test_id("photo-make-cover").click()
    _toast(page, "Cover chosen.")
    expect(cards.nth(1).get_by_test_id("photo-cover")).to_be_visible()
    cards.nth(1).get_by_test_id("photo-earlier").click()
    expect(cards.nth(0).get_by_test_id("photo-cover")).to_be_visible(timeout=TIMEOUT)
    expect(cards.nth(0)).to_contain_text("1200 x 900")
    caption = cards.nth(0).get_by_test_id("photo-caption")
    caption.fill("The pool at noon")
    caption.press("Tab")
    _toast(page, "Caption saved.")
    _settle(page)
    shot(page, "service-content")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    expect(cards.nth(0)).to_be_visible()
    shot(page, "service-content-phone")
    page.set_viewport_size({"width": 1400, "height": 900})

    # closed: the services list shows the cover
    dialog.get_by_test_id("close-content").click()
    expect(dialog).to_have_count(0, timeout=TIMEOUT)
    _loaded(row.get_by_test_id("service-cover"))
    expect(row.get_by_test_id("open-content")).to_contain_text("2 photos")
    _settle(page)
    shot(page, "supplier-services-covers")

    # the itinerary's row: the cover thumbnail and the description's first line
    page.goto(_url(harness, f"/itineraries/{trip_id}"))
    item = page.get_by_test_id("item").filter(has_text="Deluxe Sea View")
    expect(item).to_be_visible(timeout=TIMEOUT)
    _loaded(item.get_by_test_id("item-cover"))
    expect(item.get_by_test_id("item-blurb")).to_have_text(
        "Sea-facing rooms with a private balcony, two minutes from Candolim beach."
    )
    _settle(page)
    shot(page, "itinerary-item-content")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    _loaded(item.get_by_test_id("item-cover"))
    shot(page, "itinerary-item-content-phone")

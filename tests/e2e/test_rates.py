"""Rate lists in a real browser: a contract built through the pages (two seasons, lines), the
grid's cell edits (a refused negative price, a saved one, undo; several typed quickly, one
right after a filter, one over someone else's change: each saved or named with why, the grid
never moved), a bulk +10% previewed then applied, publishing, a second version with a changed
price, the diff between them, a blackout, a stop-sale (its reason in full) and an allotment in
the calendar, the price check, and a season of a third draft deleted.

Screenshots: rates-list, rate-list-new, rate-terms-refused, rate-season-overlap, rate-grid,
rate-grid-edits, rate-grid-stale, rate-bulk-preview, rate-publish-confirm-gaps, rate-diff,
rate-calendar."""

from __future__ import annotations

import re
import secrets
import uuid
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlmodel import col, select

from tests.rates.factories import make_supplier
from travelcrm.accounts.models import User
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.demo import DEMO_LOGINS
from travelcrm.rates import lines as rate_lines
from travelcrm.rates.models import RateLine, RateList, RateListVersion
from travelcrm.rates.schemas import LinePatch
from travelcrm.tenants.models import Tenant
from travelcrm.ui.components.grid import HEADER_HEIGHT, ROW_HEIGHT
from travelcrm.ui.components.money import DASH
from travelcrm.ui.pages.rates.cells import GRID_COLUMNS
from travelcrm.ui.pages.rates.rows import grid_columns

TIMEOUT = 20_000
SLUG, OWNER_EMAIL, _NAME, _PASSWORD = DEMO_LOGINS[0]


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def _toast(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(
        timeout=TIMEOUT
    )


def _owner_context() -> TenantContext:
    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == SLUG)).one()
        user = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
        return TenantContext(tenant.id, user.id, Role.OWNER)


@pytest.fixture
def supplier() -> tuple[TenantContext, str]:
    """A hotel of the demo agency with a room (Deluxe Sea View, CP) and a cruise."""
    ctx = _owner_context()
    name = f"Sea Breeze Resort {secrets.token_hex(2)}"
    make_supplier(ctx, name=name)
    return ctx, name


def _pick(
    page: Page, trigger_test_id: str, option: str | re.Pattern[str], scope: Any = None
) -> None:
    (scope or page).get_by_test_id(trigger_test_id).click()
    page.get_by_role("option", name=option).first.click()


def _nets(ctx: TenantContext, rate_list_id: Any, number: int) -> list[Decimal]:
    return [line.net for line in _lines(ctx, rate_list_id, number)]


def _lines(ctx: TenantContext, rate_list_id: Any, number: int) -> list[RateLine]:
    with tenant_scope(ctx) as session:
        version = session.exec(
            select(RateListVersion).where(
                RateListVersion.rate_list_id == rate_list_id, RateListVersion.number == number
            )
        ).one()
        return list(
            session.exec(
                select(RateLine)
                .where(RateLine.version_id == version.id)
                .order_by(col(RateLine.position))
            ).all()
        )


# the grid's columns as the page lays them out for the fixture's supplier (its services'
# and the contract's seasons' names set the widths of their columns)
COLUMNS = grid_columns(
    True,
    "INR",
    {"service": ["Deluxe Sea View (CP)", "Dolphin cruise"], "season": ["Lean", "Peak"]},
)


def _cell(page: Page, field: str, row: int) -> tuple[float, float]:
    """Where a cell of the grid is on screen (Glide draws on a canvas)."""
    box = _grid_box(page)
    x = box["x"]
    for column in COLUMNS:
        if column["id"] == field:
            x += column["width"] / 2
            return x, box["y"] + HEADER_HEIGHT + row * ROW_HEIGHT + ROW_HEIGHT / 2
        x += column["width"]
    raise AssertionError(field)


def _grid_box(page: Page) -> dict[str, float]:
    box = page.get_by_test_id("rate-grid").locator("canvas").first.bounding_box()
    assert box is not None
    return dict(box)


def _shown(page: Page, field: str, row: int) -> Any:
    """A cell's text in the grid's accessible table (what the canvas draws)."""
    column = 1 + [name for name, *_rest in GRID_COLUMNS].index(field)
    return page.get_by_test_id(f"glide-cell-{column}-{row}")


def _type_in_cell(page: Page, field: str, row: int, text: str, *, away: bool = False) -> None:
    """Open a cell's editor and type into it; Enter saves it (or, `away`, a click outside).

    The grid may still be re-laying out (rows arriving, a dialog closing) when the test
    gets here, so the cell's place is measured again before each double-click.
    """
    editor = page.locator("#portal textarea").first
    page.get_by_test_id("rate-grid").scroll_into_view_if_needed()
    for _attempt in range(5):
        x, y = _cell(page, field, row)
        page.mouse.dblclick(x, y)
        try:
            editor.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    expect(editor).to_be_visible(timeout=TIMEOUT)
    editor.fill(text)
    if away:
        page.get_by_test_id("page-title").click()
    else:
        editor.press("Enter")


def _add_line(
    page: Page, service: str, season: str, occupancy: str, net: str, **extra: str
) -> None:
    dialog = page.get_by_role("dialog")
    _pick(page, "add-service", re.compile(service), dialog)
    _pick(page, "add-season", season, dialog)
    if "basis" in extra:
        _pick(page, "add-basis", extra["basis"], dialog)
    _pick(page, "add-occupancy", occupancy, dialog)
    dialog.get_by_test_id("add-net").fill(net)
    dialog.get_by_test_id("add-sell").fill(extra.get("sell", ""))
    dialog.get_by_test_id("add-markup_pct").fill(extra.get("markup", ""))
    dialog.get_by_test_id("save-add-line").click()
    expect(dialog.get_by_test_id("add-notice")).to_contain_text(
        re.compile(f"{season} · {occupancy} · adult · 1-99 pax, net {net[0]},{net[1:]}.00"),
        timeout=TIMEOUT,
    )


def _quiet(page: Page) -> None:
    """Before a screenshot: the toasts gone and the page at its top (sticky bars stay put)."""
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=TIMEOUT)
    page.evaluate("window.scrollTo(0, 0)")


def _add_season(page: Page, name: str, start: str, end: str) -> None:
    page.get_by_test_id("season-add").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("season-name").fill(name)
    dialog.get_by_test_id("season-start").fill(start)
    dialog.get_by_test_id("season-end").fill(end)
    dialog.get_by_test_id("save-season").click()


def _confirm_gaps(page: Page) -> None:
    boxes = page.get_by_test_id("issue-confirm")
    expect(boxes.first).to_be_visible(timeout=TIMEOUT)
    for box in boxes.all():
        box.click()
    expect(page.get_by_test_id("publish-to-confirm")).to_have_count(0)
    expect(page.get_by_test_id("publish-confirm")).to_be_enabled()


def test_a_rate_list_from_first_draft_to_a_second_published_version(
    page: Page, harness: Any, shot: Any, supplier: tuple[TenantContext, str]
) -> None:
    ctx, supplier_name = supplier
    list_name = f"{supplier_name} 2027-28"
    page.set_viewport_size({"width": 1440, "height": 900})

    # ---- a new list through the dialog -------------------------------------------------
    page.goto(_url(harness, "/rates"))
    expect(page.get_by_test_id("page-title")).to_have_text("Rate lists", timeout=TIMEOUT)
    page.get_by_test_id("new-rate-list").click()
    dialog = page.get_by_role("dialog")
    _pick(page, "supplier-select", re.compile(re.escape(supplier_name)), dialog)
    dialog.locator("input[name=name]").fill(list_name)
    dialog.locator("input[name=valid_from]").fill("2027-04-01")
    dialog.locator("input[name=valid_to]").fill("2028-03-31")
    dialog.locator("textarea[name=terms]").fill("30: free\n7: 1 night")
    dialog.locator("input[name=no_show]").fill("100")
    _quiet(page)
    shot(page, "rate-list-new")
    dialog.get_by_test_id("save-rate-list").click()
    expect(page).to_have_url(re.compile(r"/rates/[0-9a-f-]{36}"), timeout=TIMEOUT)
    rate_list_id = uuid.UUID(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.get_by_test_id("page-title")).to_have_text(list_name, timeout=TIMEOUT)
    expect(page.get_by_test_id("version-terms")).to_have_text(
        "30+ days: free · 7-29 days: 1 night · no-show 100%"
    )
    expect(page.get_by_test_id("version-validity")).to_have_text(f"1 Apr 2027 {DASH} 31 Mar 2028")
    expect(page.get_by_test_id("version-status")).to_have_text("draft")

    # ---- the terms dialog: a tier it cannot read is refused at its box, then saved --------
    page.get_by_test_id("edit-terms").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("textarea[name=terms]").fill("a month before: nothing")
    dialog.get_by_test_id("save-terms").click()
    expect(dialog).to_contain_text("30: 0%", timeout=TIMEOUT)  # the box says how to write one
    page.wait_for_timeout(1000)
    expect(dialog.get_by_text("write it as")).to_be_visible()  # and keeps saying it
    shot(page, "rate-terms-refused")
    dialog.locator("textarea[name=terms]").fill("30: free\n7: 1 night")
    dialog.locator("input[name=no_show]").fill("50")
    dialog.get_by_test_id("save-terms").click()
    _toast(page, "Terms saved.")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("version-terms")).to_have_text(
        "30+ days: free · 7-29 days: 1 night · no-show 50%"
    )

    # ---- two seasons; an overlapping third is refused with both ranges ----------------
    page.get_by_test_id("tab-seasons").click()
    _add_season(page, "Lean", "2027-04-01", "2027-09-30")
    _toast(page, "Season Lean saved.")
    _add_season(page, "Peak", "2027-10-01", "2028-03-31")
    _toast(page, "Season Peak saved.")
    _add_season(page, "Diwali", "2027-10-25", "2027-11-05")
    expect(page.get_by_test_id("range-error")).to_have_text(
        "Overlaps Peak (1 Oct 2027 to 31 Mar 2028).", timeout=TIMEOUT
    )
    _quiet(page)
    shot(page, "rate-season-overlap")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("season-row")).to_have_count(2)

    # ---- lines through the add form --------------------------------------------------
    page.get_by_test_id("tab-lines").click()
    page.get_by_test_id("add-line-open").click()
    _add_line(page, "Deluxe Sea View", "Lean", "double", "6000", markup="20")
    _add_line(page, "Deluxe Sea View", "Peak", "double", "9000", markup="20")
    _add_line(page, "Deluxe Sea View", "Lean", "single", "5000", markup="20")
    _add_line(page, "Deluxe Sea View", "Peak", "single", "8000", markup="20")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("lines-pager-label")).to_have_text("1-4 of 4", timeout=TIMEOUT)

    # ---- the grid: a negative price is refused and reverted, a good one saved, undo ----
    _type_in_cell(page, "net", 0, "-500")
    expect(page.get_by_test_id("cell-error")).to_contain_text(
        "Row 1, Net: cannot be negative", timeout=TIMEOUT
    )
    assert _nets(ctx, rate_list_id, 1)[0] == Decimal("6000")
    expect(_shown(page, "net", 0)).to_have_text("6,000.00")  # the cell kept its value
    _type_in_cell(page, "net", 0, "6,500")
    expect(page.get_by_test_id("cell-notice")).to_contain_text(
        "6,000.00 → 6,500.00", timeout=TIMEOUT
    )
    assert _nets(ctx, rate_list_id, 1)[0] == Decimal("6500")
    expect(_shown(page, "effective_sell", 0)).to_have_text("7,800.00")
    _quiet(page)
    shot(page, "rate-grid")
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("cell-notice")).to_contain_text("Undone", timeout=TIMEOUT)
    assert _nets(ctx, rate_list_id, 1)[0] == Decimal("6000")

    # ---- bulk +10%: preview old -> new, then apply --------------------------------------
    page.get_by_test_id("bulk-open").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("bulk-value").fill("10")
    dialog.get_by_test_id("bulk-preview-run").click()
    expect(dialog.get_by_test_id("bulk-count")).to_contain_text(
        "4 line(s) will change", timeout=TIMEOUT
    )
    expect(dialog.get_by_test_id("bulk-row").first).to_contain_text("6,000.00")
    expect(dialog.get_by_test_id("bulk-row").first).to_contain_text("6,600.00")
    _quiet(page)
    shot(page, "rate-bulk-preview")
    dialog.get_by_test_id("bulk-apply").click()
    _toast(page, "Changed 4 lines.")
    assert _nets(ctx, rate_list_id, 1) == [
        Decimal("6600"),
        Decimal("9900"),
        Decimal("5500"),
        Decimal("8800"),
    ]

    # ---- several edits typed quickly: each is saved or named with why, the grid stays put ----
    _quick_edits(page, shot, ctx, rate_list_id)

    # ---- publish v1 (the coverage check first) -----------------------------------------
    page.get_by_test_id("publish-open").click()
    expect(page.get_by_test_id("coverage")).to_be_visible(timeout=TIMEOUT)
    # each gap the check asks about is ticked before "Publish" is allowed
    expect(page.get_by_test_id("publish-confirm")).to_be_disabled()
    expect(page.get_by_test_id("publish-to-confirm")).to_be_visible()
    _quiet(page)
    shot(page, "rate-publish-confirm-gaps")
    _confirm_gaps(page)
    page.get_by_test_id("publish-confirm").click()
    _toast(page, "v1 is published")
    expect(page.get_by_test_id("version-status")).to_have_text("published")
    expect(page.get_by_test_id("read-only")).to_be_visible()

    # ---- v2: a new draft with one changed price, published ----------------------------
    page.get_by_test_id("new-draft").click()
    _toast(page, "Draft v2 started")
    expect(page.get_by_test_id("version-status")).to_have_text("draft")
    _type_in_cell(page, "net", 0, "7000")
    expect(page.get_by_test_id("cell-notice")).to_contain_text(
        "6,600.00 → 7,000.00", timeout=TIMEOUT
    )
    page.get_by_test_id("publish-open").click()
    expect(page.get_by_test_id("coverage")).to_be_visible(timeout=TIMEOUT)
    _confirm_gaps(page)
    page.get_by_test_id("publish-confirm").click()
    _toast(page, "v2 is published")

    # ---- the diff between them ---------------------------------------------------------
    page.get_by_test_id("compare-open").click()
    page.get_by_test_id("compare-item").filter(has_text="v1").click()
    expect(page.get_by_test_id("diff-title")).to_have_text("Changes from v1 to v2", timeout=TIMEOUT)
    changed = page.locator("[data-testid=diff-row][data-change=changed]")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("6,600.00")
    expect(changed).to_contain_text("7,000.00")
    _quiet(page)
    shot(page, "rate-diff")

    # ---- a blackout, a stop-sale and an allotment in the calendar ---------------------
    page.get_by_test_id("tab-restrictions").click()
    form = page.get_by_test_id("restriction-add").locator("xpath=ancestor::form")
    form.get_by_test_id("restriction-from").fill("2027-12-31")
    form.get_by_test_id("restriction-to").fill("2027-12-31")
    form.locator("input[name=reason]").fill("New Year gala")
    form.get_by_test_id("restriction-add").click()
    _toast(page, "Blackout added.")
    _pick(page, "restriction-kind", "Stop-sale", form)
    form.get_by_test_id("restriction-from").fill("2027-12-24")
    form.get_by_test_id("restriction-to").fill("2027-12-25")
    form.locator("input[name=reason]").fill("Closed for the owner's family wedding")
    form.get_by_test_id("restriction-add").click()
    _toast(page, "Stop-sale added.")
    page.get_by_test_id("allot-from").fill("2027-12-01")
    page.get_by_test_id("allot-to").fill("2027-12-31")
    page.get_by_test_id("allot-units").fill("10")
    page.get_by_test_id("allot-save").click()
    _toast(page, "Allotment set for 31 days.")
    day = page.locator("[data-testid=cal-day][data-date='2027-12-31']")
    expect(day).to_have_attribute("data-tone", "blackout", timeout=TIMEOUT)
    stop_sale = page.locator("[data-testid=cal-day][data-date='2027-12-24']")
    expect(stop_sale).to_have_attribute("data-tone", "stop_sale")
    # the whole reason shows in the day, wrapped (not cut off)
    note = stop_sale.get_by_text("Stop-sale: Closed for the owner's family wedding")
    expect(note).to_be_visible()
    assert note.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
    expect(page.locator("[data-testid=cal-day][data-date='2027-12-10']")).to_contain_text(
        "0 / 10 used"
    )
    _quiet(page)
    shot(page, "rate-calendar")

    # ---- the price check: a night in the blackout is refused in words, May is priced ---
    page.get_by_test_id("tab-price").click()
    _pick(page, "pc-service", re.compile("Deluxe Sea View"))
    page.get_by_test_id("pc-check-in").fill("2027-12-30")
    page.get_by_test_id("pc-nights").fill("2")
    page.get_by_test_id("pc-run").click()
    expect(page.get_by_test_id("quote-refused")).to_contain_text("Blackout", timeout=TIMEOUT)
    expect(page.get_by_test_id("quote-refused")).to_contain_text("New Year gala")
    page.get_by_test_id("pc-check-in").fill("2027-05-01")
    page.get_by_test_id("pc-run").click()
    expect(page.get_by_test_id("quote-night")).to_have_count(2, timeout=TIMEOUT)
    expect(page.get_by_test_id("quote")).to_contain_text("₹8,400.00")  # 7,000 + 20%

    # ---- the list page shows it published -------------------------------------------
    page.goto(_url(harness, "/rates"))
    row = page.get_by_test_id("rate-list-row").filter(has_text=list_name)
    expect(row).to_contain_text("v2 published", timeout=TIMEOUT)
    expect(row).to_contain_text(f"1 Apr 2027 {DASH} 31 Mar 2028")
    _quiet(page)
    shot(page, "rates-list")
    with tenant_scope(ctx) as session:
        statuses = [
            v.status
            for v in session.exec(
                select(RateListVersion)
                .join(RateList, col(RateList.id) == col(RateListVersion.rate_list_id))
                .where(RateList.name == list_name)
                .order_by(col(RateListVersion.number))
            ).all()
        ]
    assert statuses == ["superseded", "published"]

    # ---- a third draft: a season deleted with its lines, after "are you sure?" ------------
    page.goto(_url(harness, f"/rates/{rate_list_id}"))
    page.get_by_test_id("new-draft").click()
    _toast(page, "Draft v3 started")
    page.get_by_test_id("tab-seasons").click()
    page.get_by_test_id("season-row").filter(has_text="Peak").get_by_test_id(
        "season-delete"
    ).click()
    confirm = page.get_by_test_id("dialog-delete-season")
    expect(confirm).to_contain_text("Delete season Peak?", timeout=TIMEOUT)
    confirm.get_by_test_id("delete-season-action").click()
    _toast(page, "Season deleted with its 2 lines.")
    expect(page.get_by_test_id("season-row")).to_have_count(1)
    expect(page.get_by_test_id("dialog-delete-season")).to_have_count(0)


def _quick_edits(page: Page, shot: Any, ctx: TenantContext, rate_list_id: Any) -> None:
    """Edits typed one after the other without waiting for the page (Enter, a click away, a
    refused one, one right after a filter changed, one over someone else's change): each ends
    saved or with its row, column and reason on screen, and nothing moves the grid."""
    before = _lines(ctx, rate_list_id, 1)  # 6,600 / 9,900 / 5,500 / 8,800 net, 20% markup
    top = _grid_box(page)["y"]
    _type_in_cell(page, "markup_pct", 1, "25")
    _type_in_cell(page, "net", 2, "-1")
    _type_in_cell(page, "min_nights", 1, "3", away=True)
    _type_in_cell(page, "sell", 3, "9,999")  # the line sells at its markup
    _type_in_cell(page, "weekdays", 2, "Mon-Fri")
    refused = page.get_by_test_id("cell-error")
    expect(refused).to_contain_text("Row 3, Net: cannot be negative", timeout=TIMEOUT)
    expect(refused).to_contain_text("Row 4, Sell: give a sell price or a markup, not both")
    expect(page.get_by_test_id("cell-notice")).to_contain_text(
        f"Row 3, Weekdays: Every day → Mon{DASH}Fri", timeout=TIMEOUT
    )
    expect(_shown(page, "min_nights", 1)).to_have_text("3")
    after = _lines(ctx, rate_list_id, 1)
    assert after[1].markup_pct == Decimal("25") and after[1].min_nights == 3
    assert after[2].net == before[2].net and after[2].weekdays == 0b0011111
    assert after[3].sell is None
    assert _grid_box(page)["y"] == top  # the messages came in the space kept for them
    _quiet(page)
    shot(page, "rate-grid-edits")

    # a filter, and at once an edit: it goes to the line it was typed on, and says so
    _pick(page, "filter-season", "Peak")
    _type_in_cell(page, "net", 1, "8,888")
    notice = page.get_by_test_id("cell-notice")
    expect(notice).to_contain_text("→ 8,888.00", timeout=TIMEOUT)
    expect(page.get_by_test_id("lines-pager-label")).to_have_text("1-2 of 2")
    changed = [
        (old, new)
        for old, new in zip(before, _lines(ctx, rate_list_id, 1), strict=True)
        if new.net != old.net
    ]
    assert [new.net for _old, new in changed] == [Decimal("8888")]
    ((old, _new),) = changed
    assert old.season_id != before[0].season_id  # a Peak line, the grid's row 1 or 2
    expect(notice).to_contain_text(re.compile(r"Net: [0-9,]+\.00 → 8,888\.00"))
    page.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_test_id("lines-pager-label")).to_have_text("1-4 of 4", timeout=TIMEOUT)

    # someone else saves first: the edit says so, the banner floats over the page
    with tenant_scope(ctx) as session:
        line = session.exec(select(RateLine).where(RateLine.id == before[3].id)).one()
        version = session.exec(
            select(RateListVersion).where(RateListVersion.id == line.version_id)
        ).one()
        rate_lines.update_line(
            session,
            ctx,
            line_id=line.id,
            data=LinePatch(row_version=version.row_version, min_nights=2),
        )
    top = _grid_box(page)["y"]
    _type_in_cell(page, "net", 3, "8,900")
    expect(refused).to_contain_text(
        "Row 4, Net: not saved, changed by someone else", timeout=TIMEOUT
    )
    expect(page.get_by_test_id("stale")).to_be_visible()
    assert _grid_box(page)["y"] == top
    shot(page, "rate-grid-stale")
    page.get_by_test_id("stale-reload").click()
    expect(page.get_by_test_id("stale")).to_have_count(0, timeout=TIMEOUT)
    expect(_shown(page, "min_nights", 3)).to_have_text("2")
    _type_in_cell(page, "net", 3, "8,900")
    expect(page.get_by_test_id("cell-notice")).to_contain_text(
        re.compile(r"Row 4, Net: [0-9,]+\.00 → 8,900\.00"), timeout=TIMEOUT
    )
    _type_in_cell(page, "net", 3, "8,800")  # back as it was
    expect(page.get_by_test_id("cell-notice")).to_contain_text(
        "8,900.00 → 8,800.00", timeout=TIMEOUT
    )

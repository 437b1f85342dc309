"""Browser: the query settings save one section at a time. An edited section says "Unsaved
changes" and has its own Save; saving it leaves the other sections' edits as they are; leaving
the page with unsaved changes asks first. Screenshots at 1440x900 and on a phone (390x844)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Dialog, Page, expect

from tests.e2e.test_queries import TIMEOUT, _demo_query_settings_kept, _settle, _toast, _url

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_each_section_saves_on_its_own_and_leaving_unsaved_asks_first(
    page: Page, harness: Any, shot: Any
) -> None:
    page.set_viewport_size(DESKTOP)
    with _demo_query_settings_kept():
        page.goto(_url(harness, "/queries/settings"))
        expect(page.get_by_test_id("page-title")).to_have_text("Query settings", timeout=TIMEOUT)
        low = page.get_by_test_id("sla-first_response-low")
        expect(low).not_to_have_value("", timeout=TIMEOUT)
        saved_low = low.input_value()
        for name in ("assignment", "hours", "sla", "reasons", "agents"):
            expect(page.get_by_test_id(f"section-{name}-unsaved")).to_have_count(0)
            expect(page.get_by_test_id(f"section-{name}-save")).to_be_disabled()

        # two sections edited: each says so, the others do not
        page.get_by_test_id("rule-least_loaded").click()
        low.fill("100")
        expect(page.get_by_test_id("section-assignment-unsaved")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_test_id("section-sla-unsaved")).to_be_visible()
        expect(page.get_by_test_id("section-hours-unsaved")).to_have_count(0)
        expect(page.get_by_test_id("section-hours-save")).to_be_disabled()
        page.mouse.move(0, 0)
        shot(page, "query-settings-unsaved-desktop")
        page.set_viewport_size(PHONE)
        shot(page, "query-settings-unsaved-phone")
        page.set_viewport_size(DESKTOP)

        # one section saved: the other keeps its edit, still marked
        page.get_by_test_id("section-assignment-save").click()
        _toast(page, "Assignment saved.")
        expect(page.get_by_test_id("section-assignment-unsaved")).to_have_count(0)
        expect(page.get_by_test_id("section-sla-unsaved")).to_be_visible()
        expect(low).to_have_value("100")

        # leaving asks first: "stay" keeps the page and the edit
        asked: list[str] = []

        def stay(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", stay)
        page.get_by_test_id("nav-customers").first.click()
        page.wait_for_timeout(500)
        assert asked and "unsaved changes" in asked[0]
        expect(page.get_by_test_id("page-title")).to_have_text("Query settings")
        expect(low).to_have_value("100")

        # "leave" goes, and the edit is gone; the saved section stayed saved
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_test_id("nav-customers").first.click()
        expect(page.get_by_test_id("page-title")).to_have_text("Customers", timeout=TIMEOUT)
        page.goto(_url(harness, "/queries/settings"))
        expect(page.get_by_test_id("rule-least_loaded")).to_have_attribute(
            "data-state", "checked", timeout=TIMEOUT
        )
        expect(page.get_by_test_id("sla-first_response-low")).to_have_value(saved_low)
        expect(page.get_by_test_id("section-sla-unsaved")).to_have_count(0)
        _settle(page)
        shot(page, "query-settings-saved-desktop")

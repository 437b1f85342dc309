"""Home per role in a real browser, on the demo data: the owner's team charts, SLA breaches and
setup checklist; the agent's own queries by urgency, each opening its query. Screenshots at
1440x900 and on a phone (390x844)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import expect

from tests.e2e.conftest import backend_url
from travelcrm.demo import DEMO_LOGINS, DEMO_STAFF

TIMEOUT = 20_000
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
OWNER = DEMO_LOGINS[0][1], DEMO_LOGINS[0][3]
AGENT = next((e, p) for _s, e, _n, p, role in DEMO_STAFF if role.value == "agent")


def _url(harness, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


@contextmanager
def _signed_in(browser, harness, who: tuple[str, str], viewport: dict[str, int]) -> Iterator:
    context = browser.new_context(viewport=viewport)
    response = context.request.post(
        f"{backend_url(harness)}/api/auth/login", data={"email": who[0], "password": who[1]}
    )
    assert response.status == 200, response.text()
    try:
        yield context.new_page()
    finally:
        context.close()


@contextmanager
def _settings_never_saved() -> Iterator[None]:
    """The demo agency as a new one whose settings were never saved (other tests may have
    saved them), as it was again afterwards."""
    from sqlmodel import select

    from travelcrm.db import system_scope
    from travelcrm.tenants.models import Tenant

    def mark(value):  # type: ignore[no-untyped-def]
        with system_scope() as session:
            tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
            before, tenant.updated_at = tenant.updated_at, value
            session.add(tenant)
            return before

    saved = mark(None)
    try:
        yield
    finally:
        mark(saved)


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)


def test_the_owners_home_shows_the_team_and_the_setup_left(browser, harness, shot) -> None:
    with _settings_never_saved():
        for name, viewport in (("home-owner", DESKTOP), ("home-owner-phone", PHONE)):
            with _signed_in(browser, harness, OWNER, viewport) as page:
                page.goto(_url(harness, "/"))
                team = page.get_by_test_id("home-team")
                expect(team).to_be_visible(timeout=TIMEOUT)
                for chart in ("chart-pipeline", "chart-workload", "chart-outcomes"):
                    bars = page.get_by_test_id(chart).locator(".recharts-bar-rectangle")
                    expect(bars.first).to_be_visible(timeout=TIMEOUT)
                expect(page.get_by_test_id("chart-pipeline")).to_contain_text("Assigned")
                expect(page.get_by_test_id("chart-workload")).to_contain_text("Kavya Nair")
                expect(page.get_by_test_id("open-total")).to_contain_text(re.compile(r"\d"))
                expect(page.get_by_test_id("won-30")).to_contain_text("% won")
                checklist = page.get_by_test_id("setup-checklist")
                expect(checklist).to_be_visible()
                expect(checklist).to_contain_text("4 of 5 done")
                expect(page.get_by_test_id("setup-settings")).to_have_attribute("data-done", "no")
                for step in ("people", "supplier", "rates", "enquiry"):
                    expect(page.get_by_test_id(f"setup-{step}")).to_have_attribute(
                        "data-done", "yes"
                    )
                expect(page.get_by_test_id("enquiry-url")).to_contain_text(
                    "/api/public/sunrise-holidays/enquiries"
                )
                expect(page.get_by_test_id("home-desk")).to_have_count(0)
                expect(page.get_by_test_id("home-status")).to_contain_text(
                    "All checks pass", timeout=TIMEOUT
                )
                _settle(page)
                shot(page, name)


def test_an_agents_home_lists_their_queries_by_urgency(browser, harness, shot) -> None:
    for name, viewport in (("home-agent-phone", PHONE), ("home-agent", DESKTOP)):
        with _signed_in(browser, harness, AGENT, viewport) as page:
            page.goto(_url(harness, "/"))
            desk = page.get_by_test_id("desk")
            expect(desk).to_be_visible(timeout=TIMEOUT)
            expect(page.get_by_test_id("desk-open")).to_contain_text(re.compile(r"[1-9]"))
            rows = desk.get_by_test_id("home-query")
            expect(rows.first).to_contain_text(re.compile(r"Q-\d+"))
            for absent in ("home-team", "setup-checklist", "home-status"):
                expect(page.get_by_test_id(absent)).to_have_count(0)
            _settle(page)
            shot(page, name)
            if viewport is DESKTOP:
                reference = rows.first.locator("text=/^Q-\\d+$/").first.inner_text()
                rows.first.click()
                expect(page).to_have_url(re.compile(r"/queries/[0-9a-f-]{36}$"), timeout=TIMEOUT)
                expect(page.get_by_text(reference).first).to_be_visible(timeout=TIMEOUT)

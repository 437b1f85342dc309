"""The staff shell in a real browser: pages render, navigation works, System shows live checks."""

from __future__ import annotations

import json
import os
import re
import urllib.request

from playwright.sync_api import expect

from tests.e2e.conftest import backend_url

TIMEOUT = 20_000
POSTGRES = os.environ.get("TEST_BACKEND") == "postgres"
DATABASE_KIND = "postgresql" if POSTGRES else "sqlite"
EXPECTED_CHECKS = (  # the PostgreSQL run keeps page state in Redis too (reflex_redis)
    ["database", "migrations", "redis", "reflex_redis", "worker"]
    if POSTGRES
    else ["database", "migrations", "worker"]
)


def _url(harness, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def test_home_renders_the_shell_and_only_the_viewers_agency(page, harness, shot) -> None:
    page.goto(_url(harness, "/"))
    expect(
        page.get_by_role("heading", name=re.compile(r"^Good (morning|afternoon|evening), Priya$"))
    ).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("nav-home")).to_be_visible()
    expect(page.get_by_test_id("nav-system")).to_be_visible()
    facts = page.get_by_test_id("agency-facts")
    expect(facts).to_contain_text("Sunrise Holidays", timeout=TIMEOUT)
    expect(facts).to_contain_text("Kolkata, India")  # the timezone by name
    expect(page.get_by_text("Blue Horizon Tours")).to_have_count(0)  # never another agency
    expect(page.get_by_test_id("home-status")).to_contain_text("All checks pass", timeout=TIMEOUT)
    shot(page, "home")


# Watches the page from its first byte: a status that says "Not ready"/"Failing" or a menu with
# Home but not the pages the owner may open would be a false alarm, however briefly shown.
FALSE_STATE_WATCH = """
window.__falseStates = [];
const look = () => {
  const text = document.body ? document.body.textContent || "" : "";
  const status = text.match(/Not ready|Failing:/);
  if (status) window.__falseStates.push("status: " + status[0]);
  const home = document.querySelector('[data-testid="nav-home"]');
  const suppliers = document.querySelector('[data-testid="nav-suppliers"]');
  if (home && !suppliers) window.__falseStates.push("a menu with only some pages");
};
new MutationObserver(look).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_a_reload_never_shows_a_false_status_or_a_short_menu(page, harness, shot) -> None:
    page.add_init_script(FALSE_STATE_WATCH)
    for _ in range(3):
        page.goto(_url(harness, "/"))
        expect(page.get_by_test_id("home-status")).to_contain_text(
            "All checks pass", timeout=TIMEOUT
        )
        expect(page.get_by_test_id("nav-suppliers")).to_be_visible()
        assert page.evaluate("window.__falseStates") == []
        page.reload()
        expect(page.get_by_test_id("home-status")).to_contain_text(
            "All checks pass", timeout=TIMEOUT
        )
        assert page.evaluate("window.__falseStates") == []


def test_navigation_to_system_shows_live_checks(page, harness, shot) -> None:
    page.goto(_url(harness, "/"))
    expect(page.get_by_test_id("nav-system")).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("nav-system").click()
    expect(page).to_have_url(_url(harness, "/system"), timeout=TIMEOUT)
    expect(page.get_by_role("heading", name="About / System")).to_be_visible()
    checks = page.get_by_test_id("check-row")
    expect(checks).to_have_count(len(EXPECTED_CHECKS), timeout=TIMEOUT)
    for name in EXPECTED_CHECKS:
        expect(checks.filter(has_text=name).first).to_contain_text("OK")
    expect(page.get_by_test_id("card-database")).to_contain_text(DATABASE_KIND)
    expect(page.get_by_test_id("card-database")).to_contain_text("(at head)")
    expect(page.get_by_test_id("card-worker")).to_contain_text("fresh")
    # The page matches the API's own readiness report.
    with urllib.request.urlopen(f"{backend_url(harness)}/api/ready", timeout=10) as response:
        report = json.load(response)["data"]
    assert report["ready"] is True
    assert [c["name"] for c in report["checks"]] == EXPECTED_CHECKS
    shot(page, f"system-{DATABASE_KIND}")


def test_refresh_updates_the_check_time(page, harness) -> None:
    page.goto(_url(harness, "/system"))
    expect(page.get_by_test_id("check-row")).to_have_count(len(EXPECTED_CHECKS), timeout=TIMEOUT)
    before = page.get_by_text("last run at").inner_text()
    page.wait_for_timeout(1100)
    page.get_by_test_id("refresh").click()
    expect(page.get_by_text("last run at")).not_to_have_text(before, timeout=TIMEOUT)


def test_dark_mode_toggle(page, harness, shot) -> None:
    page.goto(_url(harness, "/system"))
    expect(page.get_by_test_id("check-row")).to_have_count(len(EXPECTED_CHECKS), timeout=TIMEOUT)
    html = page.locator("html")
    was_dark = "dark" in (html.get_attribute("class") or "")
    page.get_by_test_id("color-mode").click()
    dark = re.compile(r"\bdark\b")
    if was_dark:
        expect(html).not_to_have_class(dark, timeout=TIMEOUT)
    else:
        expect(html).to_have_class(dark, timeout=TIMEOUT)
    shot(page, "system-toggled")


def test_unknown_page_shows_the_404_page(page, harness, shot) -> None:
    page.goto(_url(harness, "/no/such/page"))
    expect(page.get_by_test_id("not-found")).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("link", name="Back to Home").click()
    expect(page.get_by_test_id("agency-facts")).to_be_visible(timeout=TIMEOUT)
    shot(page, "not-found")


def test_signed_out_visitors_go_to_the_login_page(anonymous_page, harness, shot) -> None:
    page = anonymous_page
    page.goto(_url(harness, "/system"))
    expect(page).to_have_url(re.compile(r"/login\?next=/system$"), timeout=TIMEOUT)
    expect(page.get_by_test_id("sign-in")).to_be_visible()
    shot(page, "login")


def test_login_page_names_the_problem(anonymous_page, harness, shot) -> None:
    page = anonymous_page
    page.goto(_url(harness, "/login?error=locked_out&email=owner%40sunrise-holidays.example"))
    expect(page.get_by_test_id("login-error")).to_contain_text(
        "Too many failed attempts", timeout=TIMEOUT
    )
    expect(page.locator("#email")).to_have_value("owner@sunrise-holidays.example")
    shot(page, "login-locked")


def test_shell_shows_who_is_signed_in(page, harness) -> None:
    page.goto(_url(harness, "/"))
    expect(page.get_by_test_id("agency-badge")).to_have_text("Sunrise Holidays", timeout=TIMEOUT)
    expect(page.get_by_test_id("user-menu")).to_contain_text("Priya Sharma")

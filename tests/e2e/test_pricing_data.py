"""Browser: the agency's pricing data. Settings saved one section at a time; a markup rule added
after its dialog names the field that is wrong, then tried in "Which rule would apply?"; the tax
table as timelines; a bank's file of exchange rates with one bad row (named by row and column,
nothing saved), fixed, saved and drawn as a line. Screenshots at 1440x900 and on a phone
(390x844) of every page. The demo agency is shared: what the test adds is removed after."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.test_queries import OWNER_EMAIL, TIMEOUT, _settle, _toast, _url

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@contextmanager
def _demo_pricing_kept(rule_name: str) -> Iterator[None]:
    """The demo agency's pricing settings as they were, the test's rule and rates gone, however
    the block ended."""
    from sqlmodel import select

    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.itineraries import pricing_data
    from travelcrm.itineraries.schemas import PricingSettingsIn
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    ctx = TenantContext(tenant.id, owner.id, Role.OWNER)
    fields = set(PricingSettingsIn.model_fields)
    with tenant_scope(ctx) as session:
        row = pricing_data.get_settings(session, ctx)
        before = PricingSettingsIn.model_validate({f: getattr(row, f) for f in fields})
    try:
        yield
    finally:
        with tenant_scope(ctx) as session:
            row = pricing_data.get_settings(session, ctx)
            pricing_data.save_settings(session, ctx, data=before, row_version=row.row_version)
            for rule in pricing_data.list_markup_rules(session, ctx):
                if rule.name == rule_name:
                    pricing_data.delete_markup_rule(session, ctx, rule_id=rule.id)
            for rate in pricing_data.fx_series(session, ctx, base="CHF", quote="INR"):
                if rate.source == "File bank-rates-fixed.csv":
                    pricing_data.delete_fx_rate(session, ctx, rate_id=rate.id)


def _both(page: Page, shot: Any, name: str) -> None:
    _settle(page)
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(400)
    shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(200)


def test_settings_a_rule_the_tax_table_and_a_bank_file(
    page: Page, harness: Any, shot: Any, tmp_path: Path
) -> None:
    page.set_viewport_size(DESKTOP)
    rule = f"Swiss stays {secrets.token_hex(2)}"
    with _demo_pricing_kept(rule):
        # ---- settings: one section saved -----------------------------------------------------
        page.goto(_url(harness, "/settings"))
        page.get_by_test_id("pricing-link").click()
        expect(page.get_by_test_id("page-title")).to_have_text("Pricing", timeout=TIMEOUT)
        step = page.locator("#pricing-rounding_step")
        expect(step).not_to_have_value("", timeout=TIMEOUT)
        expect(page.get_by_test_id("section-rounding-save")).to_be_disabled()
        step.fill("fifty")
        expect(page.get_by_test_id("section-rounding-unsaved")).to_be_visible(timeout=TIMEOUT)
        page.get_by_test_id("section-rounding-save").click()
        expect(page.get_by_test_id("error-pricing-rounding_step")).to_have_text(
            "A number", timeout=TIMEOUT
        )
        step.fill("50")
        page.get_by_test_id("section-rounding-save").click()
        _toast(page, "Rounding saved.")
        expect(page.get_by_test_id("section-rounding-unsaved")).to_have_count(0)
        _both(page, shot, "pricing-settings")

        # ---- a markup rule: the wrong field named first ----------------------------------------
        page.get_by_test_id("pricing-tab-markups").click()
        expect(page.get_by_test_id("page-title")).to_have_text("Markup rules", timeout=TIMEOUT)
        page.get_by_test_id("add-rule").click()
        dialog = page.get_by_test_id("dialog-rule")
        expect(dialog).to_be_visible(timeout=TIMEOUT)
        dialog.locator("#rule-name").fill(rule)
        dialog.locator("#rule-value").fill("twelve")
        dialog.locator("#rule-service_type").select_option("stay")
        dialog.locator("#rule-destination").fill("Zermatt")
        dialog.get_by_test_id("save-rule").click()
        expect(dialog.get_by_test_id("error-rule-value")).to_have_text("A number", timeout=TIMEOUT)
        shot(page, "pricing-rule-error-desktop")
        dialog.locator("#rule-value").fill("12")
        dialog.get_by_test_id("save-rule").click()
        _toast(page, "added.")
        expect(dialog).to_have_count(0, timeout=TIMEOUT)
        row = page.get_by_test_id("rule-row").filter(has_text=rule)
        expect(row).to_contain_text("Hotel stay · Zermatt")
        expect(row).to_contain_text("+12 %")
        page.locator("#trial-destination").fill("zermatt")
        page.get_by_test_id("try-rules").click()
        expect(page.get_by_test_id("trial-summary")).to_contain_text(rule, timeout=TIMEOUT)
        _both(page, shot, "pricing-markups")

        # ---- the tax table --------------------------------------------------------------------
        page.get_by_test_id("pricing-tab-taxes").click()
        expect(page.get_by_test_id("page-title")).to_have_text("Tax table", timeout=TIMEOUT)
        seed = page.get_by_test_id("seed-taxes")
        if seed.count() > 0:
            seed.click()
            _toast(page, "starting rows")
        expect(page.get_by_test_id("tax-group").first).to_be_visible(timeout=TIMEOUT)
        _both(page, shot, "pricing-taxes")

        # ---- a bank's file: one bad row, fixed, saved, drawn -----------------------------------
        page.get_by_test_id("pricing-tab-fx").click()
        expect(page.get_by_test_id("page-title")).to_have_text("Exchange rates", timeout=TIMEOUT)
        bad = tmp_path / "bank-rates.csv"
        bad.write_text(
            "Date,Currency,TT Selling\n"
            "2031-01-01,CHF,70.10\n2031-01-02,CHF,seventy\n2031-01-03,CHF,70.45\n"
            "2031-01-04,CHF,70.30\n"
        )
        page.locator("[data-testid=fx-drop] input[type=file]").set_input_files(str(bad))
        page.get_by_test_id("fx-check").click()
        problem = page.get_by_test_id("fx-problem")
        expect(problem).to_contain_text("Row 3, Rate:", timeout=TIMEOUT)
        expect(problem).to_contain_text("“seventy” is not a number.")
        expect(page.get_by_test_id("fx-save-file")).to_be_disabled()
        shot(page, "pricing-fx-problem-desktop")
        fixed = tmp_path / "bank-rates-fixed.csv"
        fixed.write_text(bad.read_text().replace("seventy", "70.22"))
        page.locator("[data-testid=fx-drop] input[type=file]").set_input_files(str(fixed))
        expect(page.get_by_test_id("fx-drop")).to_contain_text("bank-rates-fixed.csv")
        page.get_by_test_id("fx-check").click()
        expect(page.get_by_test_id("fx-problems")).to_have_count(0, timeout=TIMEOUT)
        expect(page.get_by_test_id("fx-save-file")).to_be_enabled()
        page.get_by_test_id("fx-save-file").click()
        _toast(page, "4 rates from bank-rates-fixed.csv saved.")
        expect(page.get_by_test_id("fx-pair")).to_have_value("CHF/INR", timeout=TIMEOUT)
        expect(page.locator("[data-testid=fx-chart] .recharts-line path").first).to_be_visible(
            timeout=TIMEOUT
        )
        expect(
            page.get_by_test_id("fx-rate-row").filter(has_text="1 CHF = 70.3 INR")
        ).to_have_count(1)
        _both(page, shot, "pricing-fx")

"""The pricing-data pages' handlers called straight, as a websocket event would call them: the
signed-out go to sign-in and an agent is refused; settings saved per section (a wrong value at
its field, the others untouched); a markup rule whose problems all show at their fields, then
added, tried ("which rule would apply") and removed; the India tax table loaded and shown as
timelines, the 2 % TCS row corrected; a bank's file with a bad row named, nothing saved, the
fixed file saved and charted; another agency sees none of it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import reflex as rx

from tests.accounts.test_accounts import _verified
from tests.api.test_users_api import _staff
from tests.ui.harness import bare_state, said, signed_in_token, specs
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.itineraries import pricing_data
from travelcrm.ui.events import plain
from travelcrm.ui.pages.pricing.fx_state import FxRatesState
from travelcrm.ui.pages.pricing.markups_state import MarkupRulesState
from travelcrm.ui.pages.pricing.settings_state import PricingSettingsState
from travelcrm.ui.pages.pricing.taxes_state import TaxTableState, parse_slabs

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


def _agency() -> tuple[TenantContext, str]:
    result = _verified()
    return TenantContext(result.tenant.id, result.user.id, Role.OWNER), result.user.email


def _page(cls: type, token: str, path: str) -> Any:
    state = bare_state(cls, token, path)
    plain(cls.load)(state)  # type: ignore[attr-defined]
    return state


def _redirect(result: Any) -> str:
    for spec in specs(result):
        if spec.handler.fn.__qualname__ == "_redirect":
            return str(spec.args[0][1]._var_value)
    return ""


def test_signed_out_go_to_sign_in_and_agents_are_refused() -> None:
    for cls, path in (
        (PricingSettingsState, "/pricing"),
        (MarkupRulesState, "/pricing/markups"),
        (TaxTableState, "/pricing/taxes"),
        (FxRatesState, "/pricing/fx"),
    ):
        state = bare_state(cls, "", path)
        assert _redirect(plain(cls.load)(state)).startswith("/login")
    ctx, _email = _agency()
    agent = signed_in_token(_staff(ctx.tenant_id, Role.AGENT))
    page = _page(MarkupRulesState, agent, "/pricing/markups")
    assert page.loaded and not page.allowed and page.rules == []
    form = {"name": "Sneaky", "kind": "percent", "value": "50"}
    assert "cannot" in said(plain(MarkupRulesState.submit)(page, form)).lower()
    with tenant_scope(ctx) as session:
        assert pricing_data.list_markup_rules(session, ctx) == []
    settings = _page(PricingSettingsState, agent, "/pricing")
    assert not settings.allowed and settings.values == {}


def test_settings_save_per_section_with_each_problem_at_its_field() -> None:
    ctx, email = _agency()
    page = _page(PricingSettingsState, signed_in_token(email), "/pricing")
    assert page.allowed and page.values["markup_policy"] == "most_specific"
    assert page.values["fx_buffer_pct"] == "2" and page.currency == "Indian Rupee (INR)"
    plain(PricingSettingsState.set_value)(page, "rounding_step", "abc")
    plain(PricingSettingsState.set_value)(page, "commission_pct", "7.5")
    assert page.unsaved == ["rounding", "commission"]
    assert "need attention" in said(plain(PricingSettingsState.save)(page, "rounding"))
    assert page.errors == {"rounding_step": "A number"}
    plain(PricingSettingsState.set_value)(page, "rounding_step", "100")
    plain(PricingSettingsState.set_value)(page, "rounding_level", "person")
    plain(PricingSettingsState.set_value)(page, "rounding_level", "nonsense")  # ignored
    assert "Rounding saved." in said(plain(PricingSettingsState.save)(page, "rounding"))
    assert page.errors == {} and page.unsaved == ["commission"]  # its edit is kept, unsaved
    assert page.values["commission_pct"] == "7.5"
    with tenant_scope(ctx) as session:
        row = pricing_data.get_settings(session, ctx)
    assert (str(row.rounding_step.normalize()), row.rounding_level) == ("1E+2", "person")
    assert row.commission_pct == 0  # not saved with the other section
    plain(PricingSettingsState.set_value)(page, "markup_policy", "stack")
    plain(PricingSettingsState.discard)(page, "markups")
    assert page.values["markup_policy"] == "most_specific"
    assert "Agent commission saved." in said(plain(PricingSettingsState.save)(page, "commission"))
    assert page.unsaved == [] and not page.dirty


def test_a_rule_with_problems_then_added_tried_and_removed() -> None:
    _ctx, email = _agency()
    token = signed_in_token(email)
    page = _page(MarkupRulesState, token, "/pricing/markups")
    plain(MarkupRulesState.start_new)(page)
    assert page.edit_open and page.form["kind"] == "percent"
    bad = {
        "name": " ",
        "kind": "percent",
        "value": "ten",
        "travel_from": "2027-10-01",
        "travel_to": "2027-09-01",
        "position": "0",
    }
    assert "need attention" in said(plain(MarkupRulesState.submit)(page, bad))
    assert set(page.errors) == {"name", "value"} and page.edit_open
    bad_period = {**bad, "name": "Goa stays", "value": "15"}
    plain(MarkupRulesState.submit)(page, bad_period)
    assert page.errors == {"travel_to": "The travel period ends before it starts."}
    good = {
        **bad_period,
        "travel_to": "2028-03-31",
        "service_type": "stay",
        "destination": "Goa",
        "is_active": "on",
    }
    assert "Goa stays\\u201d added." in said(plain(MarkupRulesState.submit)(page, good))
    assert not page.edit_open and page.errors == {}
    plain(MarkupRulesState.submit)(
        page, {"name": "Everything", "kind": "amount", "value": "500", "is_active": "on"}
    )
    plain(MarkupRulesState.start_new)(page)
    plain(MarkupRulesState.submit)(
        page, {"name": "Everything", "kind": "amount", "value": "1", "is_active": "on"}
    )
    assert page.errors == {"name": "Another rule has this name."}
    page.edit_open = False
    rows = {r.name: r for r in page.rules}
    assert rows["Goa stays"].value == "+15 %"
    assert rows["Goa stays"].scope == "Hotel stay · Goa · travel 1 Oct 2027 to 31 Mar 2028"
    assert rows["Goa stays"].specificity == "Names 3 things"
    assert rows["Everything"].value == "+₹500.00 per line"
    assert rows["Everything"].scope == "Every line"

    for key, value in (("destination", "goa"), ("travel_date", "2027-12-20")):
        plain(MarkupRulesState.set_trial)(page, key, value)
    plain(MarkupRulesState.try_rules)(page)
    assert page.trial_summary == (
        "“Goa stays” (most specific wins): a net of ₹10,000.00 sells at ₹11,500.00."
    )
    assert [(v.name, v.verdict) for v in page.verdicts] == [
        ("Goa stays", "Applies"),
        ("Everything", "Matches, but another rule names more of the line (or comes first)"),
    ]
    plain(MarkupRulesState.set_trial)(page, "travel_date", "2027-06-01")
    plain(MarkupRulesState.try_rules)(page)
    assert (page.verdicts[0].name, page.verdicts[0].chosen) == ("Everything", True)
    assert page.verdicts[1].verdict == "Not this line: made for travel outside its period"

    plain(MarkupRulesState.start_edit)(page, rows["Goa stays"].id)
    assert page.form["destination"] == "Goa" and page.form["value"] == "15"
    plain(MarkupRulesState.submit)(page, {**good, "value": "18"})
    assert {r.name: r.value for r in page.rules}["Goa stays"] == "+18 %"

    plain(MarkupRulesState.ask_remove)(page, rows["Everything"].id)
    assert page.remove_open and page.remove_name == "Everything"
    assert "Everything\\u201d removed." in said(plain(MarkupRulesState.remove)(page))
    assert [r.name for r in page.rules] == ["Goa stays"]
    # the tester answered again for the rules as they are now
    assert page.trial_summary.startswith("No rule matches")

    # another agency's page shows none of it, and their ids are "not found" here
    _other, other_email = _agency()
    theirs = _page(MarkupRulesState, signed_in_token(other_email), "/pricing/markups")
    assert theirs.rules == []
    assert "no longer there" in said(plain(MarkupRulesState.start_edit)(theirs, page.rules[0].id))


def test_the_india_table_loaded_as_timelines_and_a_row_corrected() -> None:
    ctx, email = _agency()
    page = _page(TaxTableState, signed_in_token(email), "/pricing/taxes")
    assert page.groups == [] and page.can_seed and page.country_name == "India"
    assert "7 starting rows of India's table loaded." in said(plain(TaxTableState.seed)(page))
    assert not page.can_seed
    plain(TaxTableState.set_on)(page, "2026-04-01")
    titles = [(g.name, g.now) for g in page.groups]
    assert titles == [
        ("GST on tour package", "5 % on the price; CGST + SGST in your state, IGST otherwise"),
        (
            "GST on service fee",
            "18 % on the agency's margin; CGST + SGST in your state, IGST otherwise",
        ),
        (
            "GST on accommodation",
            "5 % up to 7,500.00; 18 % above (by each night's tariff); CGST + SGST in your state, "
            "IGST otherwise",
        ),
        ("TCS on overseas package", "2 % on the price"),
    ]
    tcs = page.groups[3]
    assert [(p.starts, p.ends, p.applies) for p in tcs.periods] == [
        ("1 Apr 2026", "", True),
        ("1 Apr 2025", "31 Mar 2026", False),
        ("1 Oct 2023", "31 Mar 2025", False),
    ]
    assert tcs.periods[1].rule == "5 % up to 10,00,000.00; 20 % above (of the customer's year)"
    plain(TaxTableState.start_correct)(page, tcs.periods[0].id)
    assert page.form["rate_pct"] == "2" and page.form["valid_from"] == "2026-04-01"
    form = {**page.form, "rate_pct": "abc", "slabs": "up to ten: 5"}
    assert "need attention" in said(plain(TaxTableState.submit)(page, form))
    assert list(page.errors) == ["slabs"]
    form = {**page.form, "rate_pct": "abc", "slabs": ""}
    plain(TaxTableState.submit)(page, form)
    assert page.errors == {"rate_pct": "A number"}
    form["rate_pct"] = "1.5"
    assert "corrected" in said(plain(TaxTableState.submit)(page, form))
    assert page.groups[3].now == "1.5 % on the price"
    plain(TaxTableState.start_new)(page, "tcs", "TCS on overseas package")
    plain(TaxTableState.submit)(page, {**page.form, "valid_from": "2026-04-01", "rate_pct": "1"})
    assert page.errors == {"valid_from": "A row of this tax starts that day."}
    plain(TaxTableState.submit)(page, {**page.form, "valid_from": "2027-04-01", "rate_pct": "1"})
    assert [p.starts for p in page.groups[3].periods][:2] == ["1 Apr 2027", "1 Apr 2026"]
    assert page.groups[3].periods[1].ends == "31 Mar 2027"
    with tenant_scope(ctx) as session:
        assert len(pricing_data.list_tax_rules(session, ctx)) == 8  # nothing removed


def test_slabs_are_read_from_lines() -> None:
    assert parse_slabs("up to 7,500: 12\nabove: 18 %\n") == [
        {"up_to": "7500", "rate_pct": "12"},
        {"up_to": None, "rate_pct": "18"},
    ]
    with pytest.raises(ValueError, match="write each slab"):
        parse_slabs("twelve percent")


def _upload(state: Any, path: Path) -> Any:
    with path.open("rb") as handle:
        return asyncio.run(
            plain(FxRatesState.upload)(state, [rx.UploadFile(file=handle, path=Path(path.name))])
        )


def test_a_bank_file_with_a_bad_row_then_fixed_saved_and_charted(tmp_path: Path) -> None:
    ctx, email = _agency()
    page = _page(FxRatesState, signed_in_token(email), "/pricing/fx")
    assert page.rates == [] and page.pairs == [] and page.form["quote"] == "INR"
    bad = tmp_path / "hdfc-rates.csv"
    bad.write_text(
        "Date,Currency,TT Selling\n01/12/2026,USD,83.6\n02/12/2026,USD,abc\n03/12/2026,USD,84.1\n"
    )
    assert "1 problem(s) in the file" in said(_upload(page, bad))
    assert [(p.row, p.column, p.message) for p in page.problems] == [
        (3, "Rate", "“abc” is not a number.")
    ]
    assert page.file_name == "hdfc-rates.csv" and page.good_rows == 2
    assert [(r.row, r.day, r.ok) for r in page.preview] == [
        (2, "1 Dec 2026", True),
        (3, "2 Dec 2026", False),
        (4, "3 Dec 2026", True),
    ]
    assert page.columns == "Date from “Date”, currency from “Currency”, rate from “TT Selling”"
    assert not page.can_save_file
    assert "Fix every problem" in said(plain(FxRatesState.save_file)(page))
    with tenant_scope(ctx) as session:
        assert pricing_data.list_fx_rates(session, ctx) == []

    bad.write_text(bad.read_text().replace("abc", "83.9"))
    assert "3 rates read: all fine" in said(_upload(page, bad))
    assert page.problems == [] and page.can_save_file
    assert "3 rates from hdfc-rates.csv saved." in said(plain(FxRatesState.save_file)(page))
    assert page.preview == [] and page.pairs == ["USD/INR"] and page.pair == "USD/INR"
    assert [(p["day"], p["text"]) for p in page.series] == [
        ("1 Dec 2026", "83.6"),
        ("2 Dec 2026", "83.9"),
        ("3 Dec 2026", "84.1"),
    ]
    assert page.rates[0].rate == "1 USD = 84.1 INR"
    assert page.rates[0].source == "File hdfc-rates.csv"

    not_rates = tmp_path / "notes.csv"
    not_rates.write_text("hello,world\n1,2\n")
    _upload(page, not_rates)
    assert page.file_error.startswith("Name the columns Date") and page.preview == []

    # one by hand: each problem at its field, then saved under its pair
    form = {"base": "Euro", "quote": "INR", "valid_on": "", "rate": "-2"}
    assert "need attention" in said(plain(FxRatesState.add_rate)(page, form))
    assert set(page.errors) == {"valid_on", "rate"}
    form = {
        "base": "Euro (EUR)",
        "quote": "Indian Rupee (INR)",
        "valid_on": "2026-12-01",
        "rate": "90.25",
    }
    assert "1 EUR = 90.25 INR on 1 Dec 2026 saved." in said(
        plain(FxRatesState.add_rate)(page, form)
    )
    assert page.pairs == ["EUR/INR", "USD/INR"] and page.pair == "EUR/INR"
    plain(FxRatesState.pick_pair)(page, "USD/INR")
    assert len(page.series) == 3

    _other, other_email = _agency()
    theirs = _page(FxRatesState, signed_in_token(other_email), "/pricing/fx")
    assert theirs.rates == [] and theirs.pairs == [] and theirs.series == []

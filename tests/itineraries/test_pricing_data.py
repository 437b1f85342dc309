"""The agency's pricing data through its services, on SQLite and PostgreSQL: which markup rule
would price a line (the sheet's own maths, with the reason every other rule does not), the tax
table as a timeline per tax (the seeded India rows, a dated correction), and exchange rates
imported from a bank's file: every bad row named with its field, nothing saved until the whole
file is right, the same day replaced, another agency seeing none of it."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.rates.factories import agency_context, make_contract
from travelcrm.core.errors import PermissionDeniedError, ValidationFailedError
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.itineraries import maths, pricing_data
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import (
    ItemIn,
    ItineraryCreate,
    MarkupRuleIn,
    Party,
    PricingSettingsIn,
    TaxRuleIn,
)

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

OCT_5 = date(2027, 10, 5)  # the test contract's peak season
STAY_IN_GOA = maths.LineFacts(
    market="all", destination="Goa", service_type="stay", travel_date=date(2027, 10, 5)
)


def _rules(ctx: TenantContext) -> None:
    with tenant_scope(ctx) as session:
        for data in (
            {"name": "Everything", "kind": "percent", "value": "5"},
            {"name": "Stays", "kind": "percent", "value": "10", "service_type": "stay"},
            {
                "name": "Goa stays in season",
                "kind": "percent",
                "value": "20",
                "service_type": "stay",
                "destination": "goa",
                "travel_from": "2027-10-01",
                "travel_to": "2028-03-31",
            },
            {"name": "Kerala", "kind": "amount", "value": "500", "destination": "Kerala"},
            {
                "name": "Summer",
                "kind": "percent",
                "value": "3",
                "travel_from": "2027-04-01",
                "travel_to": "2027-06-30",
            },
        ):
            pricing_data.add_markup_rule(session, ctx, data=MarkupRuleIn.model_validate(data))


def _policy(ctx: TenantContext, policy: str) -> None:
    with tenant_scope(ctx) as session:
        row = pricing_data.get_settings(session, ctx)
        pricing_data.save_settings(
            session,
            ctx,
            data=PricingSettingsIn(markup_policy=maths.MarkupPolicy(policy)),
            row_version=row.row_version,
        )


def test_the_most_specific_rule_wins_and_every_other_says_why_not() -> None:
    ctx = agency_context()
    _rules(ctx)
    with tenant_scope(ctx) as session:
        trial = pricing_data.try_markup(session, ctx, facts=STAY_IN_GOA)
    assert trial.policy is maths.MarkupPolicy.MOST_SPECIFIC
    assert [v.rule.name for v in trial.chosen] == ["Goa stays in season"]
    assert trial.example_gross == D("12000.00")  # 10,000 net + 20 %
    why = {v.rule.name: (v.mismatch, v.specificity) for v in trial.verdicts}
    assert why == {
        "Goa stays in season": (None, 3),
        "Stays": (None, 1),
        "Everything": (None, 0),
        "Kerala": ("destination", 1),
        "Summer": ("travel_period", 1),
    }
    with tenant_scope(ctx) as session:
        transfer = pricing_data.try_markup(
            session,
            ctx,
            facts=maths.LineFacts(service_type="transfer", travel_date=date(2027, 5, 1)),
        )
    # in May a transfer matches Everything and Summer: Summer names more, so it wins
    assert [v.rule.name for v in transfer.chosen] == ["Summer"]
    assert transfer.example_gross == D("10300.00")


def test_stacked_rules_multiply_broadest_first_as_the_sheet_does() -> None:
    ctx = agency_context()
    _rules(ctx)
    _policy(ctx, "stack")
    with tenant_scope(ctx) as session:
        trial = pricing_data.try_markup(session, ctx, facts=STAY_IN_GOA)
    assert [v.rule.name for v in trial.chosen] == ["Everything", "Stays", "Goa stays in season"]
    rules = [pricing_data.as_maths_rule(v.rule) for v in trial.chosen]
    assert trial.example_gross == maths.apply_markups(D(10000), rules, "INR")
    assert trial.example_gross == D("13860.00")  # 10,000 x 1.05 x 1.10 x 1.20


def test_no_rule_matches_and_the_gross_is_the_net() -> None:
    ctx = agency_context()
    with tenant_scope(ctx) as session:
        trial = pricing_data.try_markup(session, ctx, facts=STAY_IN_GOA)
    assert trial.chosen == [] and trial.example_gross == D("10000.00")


def test_the_seeded_india_table_as_timelines_and_a_dated_correction() -> None:
    ctx = agency_context()
    with tenant_scope(ctx) as session:
        assert pricing_data.seed_tax_table(session, ctx, country="IN") == 7
        timelines = pricing_data.tax_timelines(pricing_data.list_tax_rules(session, ctx))
    by_kind = {t.kind: t for t in timelines}
    assert [t.kind for t in timelines] == ["gst_package", "gst_service", "hotel_slab", "tcs"]
    tcs = by_kind["tcs"]
    assert [(p.row.valid_from, p.until) for p in tcs.periods] == [
        (date(2023, 10, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), None),
    ]
    in_force = tcs.in_force(date(2026, 4, 1))
    assert in_force is not None and in_force.row.rate_pct == D(2)
    march = tcs.in_force(date(2026, 3, 31))
    assert march is not None and march.row.slabs[0]["up_to"] == "1000000"
    assert tcs.in_force(date(2020, 1, 1)) is None
    # the agency corrects the 2 % row, then adds a later one: the earlier rows stay
    row = in_force.row
    with tenant_scope(ctx) as session:
        pricing_data.update_tax_rule(
            session,
            ctx,
            rule_id=row.id,
            row_version=row.row_version,
            data=TaxRuleIn(
                name=row.name,
                kind=maths.TaxKind.TCS,
                country="IN",
                valid_from=row.valid_from,
                rate_pct=D("2.5"),
            ),
        )
        pricing_data.add_tax_rule(
            session,
            ctx,
            data=TaxRuleIn(
                name=row.name,
                kind=maths.TaxKind.TCS,
                country="IN",
                valid_from=date(2027, 4, 1),
                rate_pct=D(1),
            ),
        )
        tcs = {
            t.kind: t for t in pricing_data.tax_timelines(pricing_data.list_tax_rules(session, ctx))
        }["tcs"]
    assert [(p.row.rate_pct, p.until) for p in tcs.periods[2:]] == [
        (D("2.5"), date(2027, 3, 31)),
        (D(1), None),
    ]
    assert len(tcs.periods) == 4


def _csv(folder: Path, text: str) -> Path:
    path = folder / "rates.csv"
    path.write_text(text)
    return path


BANK_CSV = (
    "Daily reference rates\n"
    "Date,Currency,TT Buying,TT Selling\n"
    "01/12/2026,USD,83.10,83.60\n"
    "2026-12-01,AED,22.60,22.75\n"
    "02/12/2026,USD,83.05,abc\n"
    "31/13/2026,EUR,90.1,90.5\n"
    "03/12/2026,XXX,1,2\n"
    "2026-12-01,USD,83.1,83.7\n"
    "\n"
)


def test_a_bank_file_is_read_row_by_row_and_every_problem_is_named() -> None:
    found = pricing_data.read_fx_rows(
        [line.split(",") for line in BANK_CSV.splitlines()], quote="INR", source="File x.csv"
    )
    assert found.columns == {"valid_on": "Date", "base": "Currency", "rate": "TT Selling"}
    assert [(p.row, p.field) for p in found.problems] == [
        (5, "rate"),
        (6, "valid_on"),
        (7, "base"),
        (8, "valid_on"),
    ]
    messages = [p.message for p in found.problems]
    assert messages[0] == "“abc” is not a number."
    assert "“31/13/2026” is not a date" in messages[1]
    assert "“XXX” is not a currency code" in messages[2]
    assert messages[3] == "USD in INR on 2026-12-01 is also on row 3."
    assert [(r.base, r.quote, r.valid_on, r.rate) for r in found.valid] == [
        ("USD", "INR", date(2026, 12, 1), D("83.60")),
        ("AED", "INR", date(2026, 12, 1), D("22.75")),
    ]
    assert found.errors()[0].field == "rows.5.rate"


def test_pairs_and_quote_columns_and_files_without_a_header() -> None:
    found = pricing_data.read_fx_rows(
        [["Pair", "Value date", "Mid"], ["EUR/USD", "01-Dec-2026", 1.0851], ["GBPINR", "", ""]],
        quote="INR",
        source="x",
    )
    assert found.valid[0].base == "EUR" and found.valid[0].quote == "USD"
    assert found.valid[0].rate == D("1.0851")
    assert [(p.row, p.field, p.message) for p in found.problems] == [
        (3, "valid_on", "the date is missing."),
        (3, "rate", "the rate is missing."),
    ]
    with pytest.raises(ValidationFailedError) as refused:
        pricing_data.read_fx_rows([["When", "Value"], ["x", "1"]], quote="INR", source="x")
    assert refused.value.errors[0].field == "file"
    same = pricing_data.read_fx_rows(
        [["Date", "Base", "Quote", "Rate"], ["2026-12-01", "INR", "INR", "1"]],
        quote=None,
        source="",
    )
    assert [(p.field, p.message) for p in same.problems] == [
        ("quote", "a rate of INR in INR means nothing.")
    ]


def _xlsx(folder: Path, name: str, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path = folder / f"{name}.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def test_an_import_saves_every_row_or_none(tmp_path: Path) -> None:
    ctx = agency_context()
    other = agency_context()
    bad = _xlsx(
        tmp_path,
        "bad",
        [
            ["Date", "Currency", "Rate"],
            [date(2026, 12, 1), "USD", 83.6],
            [date(2026, 12, 2), "USD", -1],
        ],
    )
    with tenant_scope(ctx) as session, pytest.raises(ValidationFailedError) as refused:
        pricing_data.import_fx_file(session, ctx, path=bad, filename="bank.xlsx")
    assert [e.field for e in refused.value.errors] == ["rows.3.rate"]
    with tenant_scope(ctx) as session:
        assert pricing_data.list_fx_rates(session, ctx) == []
        preview = pricing_data.import_fx_file(
            session, ctx, path=bad, filename="bank.xlsx", dry_run=True
        )
        assert len(preview.valid) == 1 and len(preview.problems) == 1
        assert pricing_data.list_fx_rates(session, ctx) == []
    good = _xlsx(
        tmp_path,
        "good",
        [
            ["Date", "Currency", "Rate"],
            [date(2026, 12, 1), "USD", 83.6],
            [date(2026, 12, 2), "USD", 83.9],
            [date(2026, 11, 30), "USD", 83.2],
        ],
    )
    with tenant_scope(ctx) as session:
        pricing_data.import_fx_file(session, ctx, path=good, filename="bank.xlsx")
    again = _xlsx(
        tmp_path, "again", [["Date", "Currency", "Rate"], [date(2026, 12, 2), "USD", 84.0]]
    )
    with tenant_scope(ctx) as session:
        pricing_data.import_fx_file(session, ctx, path=again, filename="bank.xlsx")
        series = pricing_data.fx_series(session, ctx, base="USD", quote="INR")
        assert [(r.valid_on.day, r.rate) for r in series] == [
            (30, D("83.2")),
            (1, D("83.6")),
            (2, D("84")),
        ]
        assert series[0].source == "File bank.xlsx"
        assert pricing_data.fx_pairs(session, ctx) == [("USD", "INR")]
    with tenant_scope(other) as session:
        assert pricing_data.fx_series(session, other, base="USD", quote="INR") == []
        assert pricing_data.fx_pairs(session, other) == []


def test_an_agent_cannot_import_rates(tmp_path: Path) -> None:
    owner = agency_context()
    agent = TenantContext(owner.tenant_id, owner.user_id, Role.AGENT)
    path = _csv(tmp_path, "Date,Currency,Rate\n2026-12-01,USD,83\n")
    with tenant_scope(agent) as session, pytest.raises(PermissionDeniedError):
        pricing_data.import_fx_file(session, agent, path=path, filename="x.csv")


CURRENCIES = ("USD", "EUR", "AED", "GBP", "SGD", "THB")


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
            st.sampled_from(CURRENCIES),
            st.decimals(min_value=D("0.000001"), max_value=D("100000"), places=6, allow_nan=False),
            st.sampled_from(("iso", "day_first", "month_name")),
        ),
        min_size=1,
        max_size=20,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_every_rate_written_in_a_bank_file_is_read_back_exactly(
    rows: list[tuple[date, str, D, str]],
) -> None:
    """Whatever the date style a bank writes, each row comes back as the same day, pair and
    rate (no float on the way), in the file's order."""
    styles = {"iso": "%Y-%m-%d", "day_first": "%d/%m/%Y", "month_name": "%d-%b-%Y"}
    cells: list[list[object]] = [["Value date", "CCY", "Mid rate"]]
    cells += [[day.strftime(styles[style]), ccy, f"{rate:,f}"] for day, ccy, rate, style in rows]
    found = pricing_data.read_fx_rows(cells, quote="INR", source="x")
    assert found.problems == []
    assert [(r.valid_on, r.base, r.quote, r.rate) for r in found.valid] == [
        (day, ccy, "INR", rate) for day, ccy, rate, _style in rows
    ]


@pytest.mark.parametrize("policy", ["most_specific", "stack"])
def test_the_tester_picks_the_rules_the_pricing_sheet_prices_with(policy: str) -> None:
    """A priced stay at a Goa hotel and the tester asked about the same line agree on the
    rules, and the sheet's gross is those rules applied to its net."""
    contract = make_contract()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        for data in (
            {"name": "Everything 5", "kind": "percent", "value": "5"},
            {
                "name": "Goa hotels 12",
                "kind": "percent",
                "value": "12",
                "destination": "Goa",
                "supplier_type": "hotel",
            },
            {"name": "Kerala 20", "kind": "percent", "value": "20", "destination": "Kerala"},
            {"name": "Activities 30", "kind": "percent", "value": "30", "service_type": "activity"},
            {"name": "Stays plus 250", "kind": "amount", "value": "250", "service_type": "stay"},
        ):
            pricing_data.add_markup_rule(session, ctx, data=MarkupRuleIn.model_validate(data))
    _policy(ctx, policy)
    with tenant_scope(ctx) as session:
        trip = itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(title="Goa", start_date=OCT_5, days=2, party=Party(adults=2)),
        )
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip.id,
            day_id=itineraries.to_public(session, trip).days[0].id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=1),
        )
    with tenant_scope(ctx) as session:
        sheet = itineraries.calculate_price(session, ctx, itinerary_id=trip.id, on=OCT_5)
        trial = pricing_data.try_markup(
            session,
            ctx,
            facts=maths.LineFacts(
                market="all",
                destination="Goa",
                supplier_type="hotel",
                service_type="stay",
                travel_date=OCT_5,
            ),
        )
    (line,) = sheet.lines
    chosen = [v.rule.name for v in trial.chosen]
    expected = (
        ["Goa hotels 12"]
        if policy == "most_specific"
        else ["Everything 5", "Stays plus 250", "Goa hotels 12"]  # broadest first
    )
    assert chosen == expected
    assert line.rules == chosen
    rules = [pricing_data.as_maths_rule(v.rule) for v in trial.chosen]
    assert line.gross == maths.apply_markups(line.net_sell, rules, "INR")

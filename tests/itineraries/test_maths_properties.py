"""Properties of the pricing sheet's arithmetic, over currencies (0, 2 and 3 minor digits),
FX, markups, commissions, overrides and every rounding policy."""

from __future__ import annotations

import ast
import inspect
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from travelcrm.core.money import round_money
from travelcrm.itineraries import maths
from travelcrm.itineraries.maths import (
    CommissionMode,
    Fx,
    GstScheme,
    LineFacts,
    MarkupKind,
    MarkupPolicy,
    MarkupRule,
    Rounding,
    RoundingDirection,
    RoundingLevel,
    SheetLine,
    Slab,
    TaxFacts,
    TaxKind,
    TaxRule,
    choose_markups,
    free_places,
    in_force,
    margin_pct_from_markup,
    markup_pct_from_margin,
    minor_unit,
    price_line,
    price_sheet,
    sell_from_margin,
    sell_from_markup,
    spread,
    tax_lines,
    tiered,
)

CURRENCIES = st.sampled_from(["INR", "USD", "JPY", "KWD", "AED", "KRW", "OMR"])


def amounts(low: str = "0", high: str = "500000", places: int = 3) -> st.SearchStrategy[D]:
    return st.decimals(
        min_value=D(low), max_value=D(high), places=places, allow_nan=False, allow_infinity=False
    )


percents = amounts("0", "200", 2)
commissions = amounts("0", "30", 2)
rates = amounts("0.01", "400", 4).filter(lambda r: r > 0)


def is_minor(value: D, currency: str) -> bool:
    return value == round_money(value, currency)


@st.composite
def sheet_lines(draw: st.DrawFn, sell: str, key: str) -> SheetLine:
    buy = draw(CURRENCIES)
    fx = Fx(
        buy, sell, rate=D(1) if buy == sell else draw(rates), buffer_pct=draw(amounts("0", "5", 2))
    )
    markups = tuple(
        MarkupRule(f"r{i}", f"rule {i}", kind, draw(amounts("0", "50", 2)))
        for i, kind in enumerate(draw(st.lists(st.sampled_from(list(MarkupKind)), max_size=3)))
    )
    override = draw(st.sampled_from(["none", "sell", "margin"]))
    return SheetLine(
        key=key,
        label=key,
        net=draw(amounts("0", "200000", 3)),
        fx=fx,
        day=draw(st.integers(1, 14)),
        service_type=draw(st.sampled_from(["hotel", "transport", "activity"])),
        markups=markups,
        commission_pct=draw(commissions),
        commission_mode=draw(st.sampled_from(list(CommissionMode))),
        sell_override=draw(amounts("0", "300000", 2)) if override == "sell" else None,
        margin_override_pct=draw(amounts("0", "60", 2)) if override == "margin" else None,
        optional=draw(st.booleans()),
        supplement=draw(st.booleans()),
        list_sell=draw(st.none() | amounts("0", "250000", 3)),
    )


@st.composite
def sheets(draw: st.DrawFn) -> tuple[list[SheetLine], str, int, Rounding]:
    sell = draw(CURRENCIES)
    lines = [draw(sheet_lines(sell, f"l{i}")) for i in range(draw(st.integers(1, 8)))]
    rounding = Rounding(
        step=draw(st.sampled_from([D(0), D(1), D(10), D(100), D("0.05")])),
        level=draw(st.sampled_from(list(RoundingLevel))),
        direction=draw(st.sampled_from(list(RoundingDirection))),
    )
    return lines, sell, draw(st.integers(1, 45)), rounding


@given(amounts("0", "1000000", 2), percents)
def test_a_markup_and_its_margin_give_the_same_sell_price(cost: D, markup: D) -> None:
    margin = margin_pct_from_markup(markup)
    assert abs(markup_pct_from_margin(margin) - markup) < D("1e-20")
    # S = C(1 + m) = C / (1 - g), to the minor unit
    assert abs(sell_from_markup(cost, markup, "INR") - sell_from_margin(cost, margin, "INR")) <= D(
        "0.01"
    )


@given(sheet_lines("INR", "x") | sheet_lines("JPY", "x") | sheet_lines("KWD", "x"))
def test_a_lines_columns_add_up(line: SheetLine) -> None:
    item = price_line(line)
    currency = item.currency
    on_top = item.commission if line.commission_mode is CommissionMode.ON_TOP else D(0)
    assert item.gross == item.net_sell + item.markup + on_top
    assert item.agent_net == item.gross - item.commission
    assert item.margin == item.agent_net - item.net_sell
    for value in (
        item.net_sell,
        item.markup,
        item.gross,
        item.commission,
        item.agent_net,
        item.margin,
    ):
        assert isinstance(value, D) and is_minor(value, currency)
    c = line.commission_pct / 100
    if line.commission_mode is CommissionMode.INCLUDED:
        assert item.commission == round_money(item.gross * c, currency)
    else:  # on top of what the agency keeps, within a minor unit
        assert abs(item.commission - item.agent_net * c) <= minor_unit(currency)
    if line.sell_override is not None:
        assert item.gross == round_money(line.sell_override, currency)
    elif line.margin_override_pct is not None and item.agent_net:
        # the locked margin holds on the agency's price, within the rounding of two steps
        wanted = item.agent_net * line.margin_override_pct / 100
        assert abs(item.margin - wanted) <= 3 * minor_unit(currency) * (
            1 + line.margin_override_pct
        )


@given(sheets())
def test_the_totals_are_the_sum_of_the_lines_after_rounding(case: tuple) -> None:
    lines, currency, pax, rounding = case
    sheet = price_sheet(lines, currency=currency, paying_pax=pax, rounding=rounding)
    counted = [line for line in sheet.lines if not line.optional]
    for name in ("net_sell", "markup", "gross", "commission", "agent_net", "margin"):
        total = sum((getattr(line, name) for line in counted), D(0))
        assert getattr(sheet.total, name) == total
        assert sum((getattr(t, name) for t in sheet.by_day.values()), D(0)) == total
        assert sum((getattr(t, name) for t in sheet.by_type.values()), D(0)) == total
    for line in sheet.lines:  # margin and commission from the rounded gross
        assert line.agent_net == line.gross - line.commission
        assert line.margin == line.agent_net - line.net_sell
    # per person x pax = total, within the rounding of the per-person figure
    assert abs(sheet.per_person * pax - sheet.total.gross) <= pax * minor_unit(currency) / 2
    step = rounding.step if rounding.step > 0 else minor_unit(currency)
    overridden = any(line.sell_override is not None for line in lines if not line.optional)
    if rounding.level is RoundingLevel.PERSON and counted:
        assert (sheet.total.gross / pax) % step == 0
    if rounding.level is RoundingLevel.TOTAL and counted:
        assert sheet.total.gross % step == 0
    if rounding.level is RoundingLevel.LINE and not overridden:
        assert all(line.gross % step == 0 for line in counted)


@given(
    amounts("-100000", "100000", 2), st.lists(amounts("0", "100000", 2), min_size=1, max_size=12)
)
def test_a_spread_adds_up_to_the_minor_unit(amount: D, weights: list[D]) -> None:
    shares = spread(amount, weights, "INR")
    assert sum(shares, D(0)) == amount
    total = sum(weights, D(0))
    for share, weight in zip(shares, weights, strict=True):
        exact = amount * weight / total if total else amount / len(weights)
        assert abs(share - exact) < D("0.01")


@given(CURRENCIES, CURRENCIES, amounts("0", "100000", 3), rates)
def test_fx_there_and_back_within_a_minor_unit(buy: str, sell: str, amount: D, rate: D) -> None:
    # towards a currency whose smallest unit is worth no more than the buying one's
    assume(rate * minor_unit(buy) >= minor_unit(sell))
    fx = Fx(buy, sell, rate=rate)
    start = round_money(amount, buy)
    assert abs(fx.back(fx.convert(start)) - start) <= minor_unit(buy)


@given(amounts("0", "5000000", 2), amounts("1", "40", 1), st.booleans())
def test_central_and_state_gst_are_equal_halves_of_the_gst(
    gross: D, rate: D, in_state: bool
) -> None:
    rule = TaxRule("g", "GST", TaxKind.GST_PACKAGE, date(2017, 7, 1), rate, split_in_state=True)
    lines = tax_lines(
        [rule],
        TaxFacts(
            on=date(2026, 1, 1),
            currency="INR",
            gross=gross,
            margin=D(0),
            scheme=GstScheme.PACKAGE,
            in_state=in_state,
        ),
    )
    gst = sum((line.amount for line in lines), D(0))
    assert abs(gst - gross * rate / 100) <= D("0.01")
    if in_state:
        cgst, sgst = lines
        assert cgst.amount == sgst.amount and cgst.rate_pct == sgst.rate_pct == rate / 2
    else:
        (igst,) = lines
        assert igst.amount == round_money(gross * rate / 100, "INR")


@given(amounts("0", "3000000", 2), amounts("0", "3000000", 2), amounts("0", "2000000", 2))
def test_a_years_slabs_do_not_care_how_the_bills_are_split(a: D, b: D, already: D) -> None:
    slabs = (Slab(D(1_000_000), D(5)), Slab(None, D(20)))
    assert tiered(a + b, slabs, already) == tiered(a, slabs, already) + tiered(
        b, slabs, already + a
    )
    assert tiered(a, slabs) <= tiered(a + b, slabs)
    if a <= 1_000_000:
        assert tiered(a, slabs) == a * D("0.05")


@given(
    st.lists(st.dates(date(2017, 1, 1), date(2030, 12, 31)), min_size=1, max_size=6, unique=True),
    st.dates(date(2016, 1, 1), date(2031, 12, 31)),
)
def test_the_row_in_force_is_the_latest_started(starts: list[date], on: date) -> None:
    rules = [TaxRule(f"t{i}", "TCS", TaxKind.TCS, start) for i, start in enumerate(starts)]
    chosen = in_force(rules, TaxKind.TCS, on)
    started = [start for start in starts if start <= on]
    assert (chosen.valid_from if chosen else None) == (max(started) if started else None)


@given(st.integers(1, 500), st.integers(1, 40))
def test_free_places_are_earned_by_the_paying(travellers: int, per: int) -> None:
    free = free_places(travellers, per)
    assert free * per <= travellers - free
    assert (free + 1) * per > travellers - free - 1


def test_the_most_specific_rule_wins_and_stacking_compounds() -> None:
    broad = MarkupRule("a", "All", MarkupKind.PERCENT, D(10))
    hotels = MarkupRule("b", "Hotels", MarkupKind.PERCENT, D(15), service_type="hotel")
    goa_hotels = MarkupRule(
        "c", "Goa hotels", MarkupKind.PERCENT, D(20), service_type="hotel", destination="Goa"
    )
    peak = MarkupRule(
        "d",
        "Peak",
        MarkupKind.AMOUNT,
        D(500),
        travel_from=date(2026, 12, 20),
        travel_to=date(2027, 1, 5),
    )
    rules = [broad, hotels, goa_hotels, peak]
    goa = LineFacts(destination="goa", service_type="Hotel", travel_date=date(2026, 12, 24))
    assert choose_markups(rules, goa, MarkupPolicy.MOST_SPECIFIC) == (goa_hotels,)
    assert choose_markups(rules, LineFacts(service_type="hotel"), MarkupPolicy.MOST_SPECIFIC) == (
        hotels,
    )
    assert choose_markups(rules, LineFacts(), MarkupPolicy.MOST_SPECIFIC) == (broad,)
    stacked = choose_markups(rules, goa, MarkupPolicy.STACK)
    assert stacked == (broad, hotels, peak, goa_hotels)
    line = SheetLine("x", "x", D(10000), Fx.same("INR"), markups=stacked, list_sell=D(11000))
    # 10,000 x 1.10 x 1.15 x 1.20 + 500
    assert price_line(line).gross == D("15680.00")
    january = LineFacts(travel_date=date(2027, 1, 6))
    assert choose_markups([peak], january, MarkupPolicy.STACK) == ()
    assert choose_markups([peak], LineFacts(), MarkupPolicy.STACK) == ()
    # no rule applies: the contract's own sell price, converted
    contract = SheetLine("y", "y", D(100), Fx("USD", "INR", D(83)), list_sell=D(120))
    assert price_line(contract).gross == D("9960.00")


def test_an_overridden_line_keeps_its_price_through_rounding() -> None:
    locked = SheetLine("a", "a", D(1000), Fx.same("INR"), sell_override=D("1234.56"))
    free = SheetLine(
        "b",
        "b",
        D(1000),
        Fx.same("INR"),
        markups=(MarkupRule("m", "m", MarkupKind.PERCENT, D(10)),),
    )
    for level in RoundingLevel:
        sheet = price_sheet(
            [locked, free], currency="INR", paying_pax=2, rounding=Rounding(D(100), level)
        )
        assert sheet.lines[0].gross == D("1234.56")


def test_the_maths_has_no_float() -> None:
    tree = ast.parse(inspect.getsource(maths))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    floats = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, float)
    ]
    assert "float" not in names and not floats


def test_a_sheet_without_paying_travellers_is_refused() -> None:
    line = SheetLine("a", "a", D(1), Fx.same("INR"))
    with pytest.raises(ValueError, match="paying traveller"):
        price_sheet([line], currency="INR", paying_pax=0)

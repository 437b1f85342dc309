"""Property tests of the price lookup's rules: season boundaries, pax breaks, age bands and
weekdays. The first three run against one published contract in the database; the weekday rule
runs on the pure night-pricing function with generated lines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rates.factories import (
    Contract,
    add_service,
    agency_context,
    line_in,
    make_contract,
    make_list,
    make_supplier,
)
from travelcrm.core.money import minor_units, round_money
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import pricing
from travelcrm.rates import rules as rate_rules
from travelcrm.rates.models import AgeBand, RateLine
from travelcrm.rates.schemas import LineIn, PriceQuery, weekdays_mask

FIRST, LAST = date(2027, 4, 1), date(2028, 3, 31)
PEAK_STARTS = date(2027, 10, 1)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def contract(migrated_engine) -> Contract:
    return make_contract()


def _quote(contract: Contract, **kwargs) -> pricing.PriceQuote:
    service = kwargs.pop("service_id", contract.room_id)
    with tenant_scope(contract.ctx) as session:
        return pricing.quote_price(
            session, contract.ctx, PriceQuery(service_id=service, **kwargs), use_cache=False
        )


@SETTINGS
@given(day=st.dates(min_value=FIRST - timedelta(days=30), max_value=LAST + timedelta(days=30)))
def test_the_season_of_the_night_sets_the_price(contract: Contract, day: date) -> None:
    if not FIRST <= day <= LAST:
        with pytest.raises(pricing.NoPriceError) as info:
            _quote(contract, check_in=day)
        assert info.value.reason == "no_rate_list"
        return
    quote = _quote(contract, check_in=day)
    assert quote.total_net == (Decimal(9000) if day >= PEAK_STARTS else Decimal(6000))


@SETTINGS
@given(adults=st.integers(min_value=1, max_value=30))
def test_the_pax_break_of_the_group_sets_the_price(contract: Contract, adults: int) -> None:
    kwargs = {"service_id": contract.tour_id, "check_in": date(2027, 6, 15), "adults": adults}
    if adults > 20:
        with pytest.raises(pricing.NoPriceError) as info:
            _quote(contract, **kwargs)
        assert info.value.reason == "no_rate"
        return
    each = Decimal(2000) if adults <= 4 else Decimal(1800)
    assert _quote(contract, **kwargs).total_net == each * adults


@SETTINGS
@given(age=st.integers(min_value=0, max_value=17))
def test_the_age_band_of_a_child_sets_their_price(contract: Contract, age: int) -> None:
    quote = _quote(
        contract,
        service_id=contract.tour_id,
        check_in=date(2027, 6, 15),
        adults=1,
        child_ages=[age],
    )
    child = quote.total_net - Decimal(2000)
    if age <= 1:
        assert child == 0  # infants travel free: the contract does not price them
    elif age <= 11:
        assert child == Decimal(1000)
    else:
        assert child == Decimal(2000)  # 12 and over pay as adults


@settings(max_examples=200, deadline=None)
@given(
    days=st.sets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), min_size=1),
    night=st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)),
)
def test_a_line_applies_only_on_its_weekdays(days: set[str], night: date) -> None:
    version, season = uuid.uuid4(), uuid.uuid4()
    line = RateLine(
        tenant_id=uuid.uuid4(),
        version_id=version,
        service_id=uuid.uuid4(),
        season_id=season,
        basis="per_room",
        occupancy="double",
        net=Decimal(100),
        weekdays=weekdays_mask(sorted(days)),
    )
    query = PriceQuery(service_id=line.service_id, check_in=night)
    bands = [
        AgeBand(tenant_id=line.tenant_id, version_id=version, kind="adult", age_min=12, age_max=120)
    ]
    weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][night.weekday()]
    if weekday in days:
        price = pricing._night_price(
            night,
            pricing._SeasonLines([line]),
            season_name="Any",
            query=query,
            bands=bands,
            currency="INR",
        )
        assert price.net == Decimal("100.00")
    else:
        with pytest.raises(pricing.NoPriceError) as info:
            pricing._night_price(
                night,
                pricing._SeasonLines([line]),
                season_name="Any",
                query=query,
                bands=bands,
                currency="INR",
            )
        assert info.value.reason == "no_rate"


# ---- amounts over currencies and pricing bases ----------------------------------------------

CURRENCIES = ["INR", "USD", "JPY", "KWD", "EUR"]
BASES = ["per_person", "per_room", "per_vehicle", "per_group"]
# any price a contract may hold (at most 4 decimals), and markups of 0% to 150%
PRICES = st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False)
MARKUPS = st.decimals(min_value=0, max_value=150, places=2, allow_nan=False)


def _minor_digits(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(-exponent, 0)


def _line(basis: str, net: Decimal, markup: Decimal | None, sell: Decimal | None) -> RateLine:
    return RateLine(
        tenant_id=uuid.uuid4(),
        version_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        season_id=uuid.uuid4(),
        basis=basis,
        occupancy="double" if basis == "per_room" else "any",
        pax_max=500,
        net=net,
        markup_pct=markup,
        sell=sell,
    )


def _night(line: RateLine, currency: str, **query) -> pricing.NightPrice:
    return pricing._night_price(
        date(2027, 6, 15),
        pricing._SeasonLines([line]),
        season_name="Any",
        query=PriceQuery(service_id=line.service_id, check_in=date(2027, 6, 15), **query),
        bands=[],
        currency=currency,
    )


@settings(max_examples=300, deadline=None)
@given(
    currency=st.sampled_from(CURRENCIES),
    basis=st.sampled_from(BASES),
    net=PRICES,
    markup=MARKUPS,
    units=st.integers(min_value=1, max_value=40),
)
def test_a_night_s_amounts_are_in_minor_units_and_scale_with_what_the_basis_counts(
    currency: str, basis: str, net: Decimal, markup: Decimal, units: int
) -> None:
    line = _line(basis, net, markup, None)
    one = _night(line, currency, rooms=1, adults=1)
    many = _night(line, currency, rooms=units, adults=units)
    digits = minor_units(currency)
    for amount in (one.net, one.sell, many.net, many.sell):
        assert _minor_digits(amount) == digits and amount >= 0
    assert one.sell >= one.net  # a markup of 0% or more never sells below net
    assert one.net == round_money(net, currency)
    if basis in ("per_room", "per_person"):  # rooms, or people, times the price of one
        assert (many.net, many.sell) == (one.net * units, one.sell * units)
    else:  # one vehicle or group price, whatever the party's size
        assert (many.net, many.sell) == (one.net, one.sell)


@settings(max_examples=200, deadline=None)
@given(
    currency=st.sampled_from(CURRENCIES),
    net=PRICES,
    markup=st.decimals(min_value=-100, max_value=150, places=4, allow_nan=False),
)
def test_a_sell_price_from_a_markup_is_the_exact_markup_rounded_once(
    currency: str, net: Decimal, markup: Decimal
) -> None:
    line = _line("per_person", net, markup, None)
    exact = net * (1 + markup / 100)
    sell = rate_rules.effective_sell(line, currency)
    assert _minor_digits(sell) == minor_units(currency)
    half_unit = Decimal(1).scaleb(-minor_units(currency)) / 2
    assert abs(sell - exact) <= half_unit
    if markup >= 0:
        assert sell >= round_money(net, currency)
    else:
        assert sell <= round_money(net, currency)


@settings(max_examples=200, deadline=None)
@given(
    currency=st.sampled_from(CURRENCIES),
    value=st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False),
    step=st.sampled_from([None, Decimal("0.05"), Decimal("0.5"), Decimal(1), Decimal(10)]),
)
def test_a_bulk_change_rounds_to_its_step_within_the_currency_s_minor_units(
    currency: str, value: Decimal, step: Decimal | None
) -> None:
    rounded = rate_lines._round_to(value, step, currency)
    digits = minor_units(currency)
    assert _minor_digits(rounded) == digits
    unit = Decimal(1).scaleb(-digits)
    if step is not None and step % unit == 0:  # a step the currency can write: kept exactly
        assert rounded % step == 0
        assert abs(rounded - value) <= step / 2
    else:
        assert abs(rounded - value) <= max(step or 0, unit)


@dataclass
class _Priced:
    ctx: TenantContext
    services: dict[tuple[str, str], uuid.UUID]  # (currency, basis) -> service


@pytest.fixture(scope="module")
def priced(migrated_engine) -> _Priced:
    """One supplier per currency, each with a service per basis priced in two seasons at
    fractional nets (a markup on the lean season's, a sell price on the peak's)."""
    ctx = agency_context()
    services: dict[tuple[str, str], uuid.UUID] = {}
    for currency in CURRENCIES:
        supplier_id, room_id, tour_id = make_supplier(ctx, f"Hotel paid in {currency}")
        ids = {
            "per_room": room_id,
            "per_person": tour_id,
            "per_vehicle": add_service(ctx, supplier_id, kind="transfer", name="Transfer"),
            "per_group": add_service(ctx, supplier_id, kind="guide", name="Guide"),
        }
        services |= {(currency, basis): ids[basis] for basis in BASES}

        def lines(seasons: dict[str, uuid.UUID], ids=ids) -> list[LineIn]:
            out = []
            for basis, service in ids.items():
                for season, net in (("Lean", Decimal("1234.5678")), ("Peak", Decimal("987.6505"))):
                    out.append(
                        line_in(
                            service,
                            seasons[season],
                            basis,
                            occupancy="double" if basis == "per_room" else "any",
                            net=net,
                            markup_pct=Decimal("12.5") if season == "Lean" else None,
                            sell=Decimal("1111.1155") if season == "Peak" else None,
                        )
                    )
            return out

        make_list(
            ctx,
            supplier_id,
            name=f"Year in {currency}",
            currency=currency,
            seasons=(("Lean", FIRST, PEAK_STARTS - timedelta(days=1)), ("Peak", PEAK_STARTS, LAST)),
            lines=lines,
        )
    return _Priced(ctx, services)


@SETTINGS
@given(
    currency=st.sampled_from(CURRENCIES),
    basis=st.sampled_from(BASES),
    check_in=st.dates(min_value=FIRST, max_value=LAST - timedelta(days=10)),
    nights=st.integers(min_value=1, max_value=10),
    rooms=st.integers(min_value=1, max_value=4),
    adults=st.integers(min_value=1, max_value=6),
)
def test_a_quote_s_totals_are_the_sums_of_its_nights_in_minor_units(
    priced: _Priced,
    currency: str,
    basis: str,
    check_in: date,
    nights: int,
    rooms: int,
    adults: int,
) -> None:
    service = priced.services[(currency, basis)]
    query = {"check_in": check_in, "nights": nights, "adults": adults}
    with tenant_scope(priced.ctx) as session:
        quote = pricing.quote_price(
            session, priced.ctx, PriceQuery(service_id=service, rooms=rooms, **query)
        )
        single = pricing.quote_price(
            session, priced.ctx, PriceQuery(service_id=service, rooms=1, **query)
        )
    assert quote.currency == currency and len(quote.nights) == nights
    assert quote.total_net == sum((n.net for n in quote.nights), Decimal(0))
    assert quote.total_sell == sum((n.sell for n in quote.nights), Decimal(0))
    digits = minor_units(currency)
    for night in quote.nights:
        assert _minor_digits(night.net) == digits and _minor_digits(night.sell) == digits
        assert night.sell >= night.net
    assert _minor_digits(quote.total_net) == digits
    assert _minor_digits(quote.total_sell) == digits
    # rooms multiply a per-room price; the other bases do not count rooms
    factor = rooms if basis == "per_room" else 1
    assert (quote.total_net, quote.total_sell) == (
        single.total_net * factor,
        single.total_sell * factor,
    )

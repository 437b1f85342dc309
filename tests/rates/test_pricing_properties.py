"""Property tests of the price lookup's rules: season boundaries, pax breaks, age bands and
weekdays. The first three run against one published contract in the database; the weekday rule
runs on the pure night-pricing function with generated lines."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rates.factories import Contract, make_contract
from travelcrm.db import tenant_scope
from travelcrm.rates import services as rates
from travelcrm.rates.models import AgeBand, RateLine
from travelcrm.rates.schemas import PriceQuery, weekdays_mask

FIRST, LAST = date(2027, 4, 1), date(2028, 3, 31)
PEAK_STARTS = date(2027, 10, 1)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def contract(migrated_engine) -> Contract:
    return make_contract()


def _quote(contract: Contract, **kwargs) -> rates.PriceQuote:
    service = kwargs.pop("service_id", contract.room_id)
    with tenant_scope(contract.ctx) as session:
        return rates.quote_price(
            session, contract.ctx, PriceQuery(service_id=service, **kwargs), use_cache=False
        )


@SETTINGS
@given(day=st.dates(min_value=FIRST - timedelta(days=30), max_value=LAST + timedelta(days=30)))
def test_the_season_of_the_night_sets_the_price(contract: Contract, day: date) -> None:
    if not FIRST <= day <= LAST:
        with pytest.raises(rates.NoPriceError) as info:
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
        with pytest.raises(rates.NoPriceError) as info:
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
        price = rates._night_price(
            night,
            rates._SeasonLines([line]),
            season_name="Any",
            query=query,
            bands=bands,
            currency="INR",
        )
        assert price.net == Decimal("100.00")
    else:
        with pytest.raises(rates.NoPriceError) as info:
            rates._night_price(
                night,
                rates._SeasonLines([line]),
                season_name="Any",
                query=query,
                bands=bands,
                currency="INR",
            )
        assert info.value.reason == "no_rate"

"""The batch lookup (`quote_prices`) answers every query as `quote_price` does on its own:
the same quote, or the same reason for none, in order, cold and then from the cache, with
queries asked twice in a batch, on a contract with a stop-sale and an allotment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rates.factories import Contract, make_contract
from travelcrm.core import cache
from travelcrm.core.errors import NotFoundError
from travelcrm.core.ids import new_id
from travelcrm.db import tenant_scope
from travelcrm.rates import availability, pricing
from travelcrm.rates.models import Occupancy
from travelcrm.rates.schemas import PriceQuery, RestrictionIn

FIRST, LAST = date(2027, 4, 1), date(2028, 3, 31)
STOP_SALE = (date(2027, 8, 10), date(2027, 8, 14))
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


@pytest.fixture(scope="module")
def contract(migrated_engine) -> Contract:
    made = make_contract()
    with tenant_scope(made.ctx) as session:
        availability.add_restriction(
            session,
            made.ctx,
            data=RestrictionIn(
                supplier_id=made.supplier_id,
                service_id=made.room_id,
                kind="stop_sale",
                starts_on=STOP_SALE[0],
                ends_on=STOP_SALE[1],
            ),
        )
    return made


@st.composite
def queries(draw: Any, contract: Contract) -> dict[str, Any]:
    """A query of the room (per room: occupancies with and without a price) or the tour (per
    person, pax breaks up to 20, children by age band), inside the lists' validity or near
    its edges, through the stop-sale or not, with an unknown supplement now and then."""
    children = draw(st.lists(st.integers(min_value=0, max_value=17), max_size=3))
    return {
        "service_id": draw(st.sampled_from([contract.room_id, contract.tour_id])),
        "check_in": draw(
            st.dates(min_value=FIRST - timedelta(days=5), max_value=LAST + timedelta(days=2))
            | st.dates(min_value=date(2027, 8, 5), max_value=date(2027, 8, 16))
            | st.dates(min_value=date(2027, 9, 26), max_value=date(2027, 10, 3))
        ),
        "nights": draw(st.integers(min_value=1, max_value=6)),
        "occupancy": draw(
            st.sampled_from([Occupancy.DOUBLE, Occupancy.SINGLE, Occupancy.TRIPLE, Occupancy.ANY])
        ),
        "rooms": draw(st.integers(min_value=1, max_value=3)),
        "adults": draw(st.integers(min_value=1, max_value=24)),
        "child_ages": children,
        "children_with_bed": draw(st.integers(min_value=0, max_value=len(children))),
        "supplements": draw(st.sampled_from([[], [], [], ["Gala dinner"]])),
    }


def _alone(session: Any, contract: Contract, query: PriceQuery) -> dict[str, Any]:
    """What `quote_price` says of one query, uncached, as data to compare."""
    try:
        return pricing.quote_price(session, contract.ctx, query, use_cache=False).to_json()
    except pricing.NoPriceError as exc:
        return {"no_price": exc.reason, "detail": exc.detail, "extra": exc.extra}


def _batched(answer: pricing.Quoted) -> dict[str, Any]:
    if answer.error is not None:
        exc = answer.error
        return {"no_price": exc.reason, "detail": exc.detail, "extra": exc.extra}
    assert answer.quote is not None and answer.data is not None
    assert answer.data == answer.quote.to_json()  # the JSON form is the quote's own
    return answer.quote.to_json()


@SETTINGS
@given(data=st.data())
def test_a_batch_answers_each_query_as_quote_price_does_alone(
    contract: Contract, data: st.DataObject
) -> None:
    asked = [
        PriceQuery(**data.draw(queries(contract)))
        for _ in range(data.draw(st.integers(min_value=1, max_value=8)))
    ]
    asked += data.draw(st.lists(st.sampled_from(asked), max_size=3))  # some asked twice
    cache.bump(f"{pricing.CACHE_NAMESPACE}:{contract.ctx.tenant_id}")  # cold
    with tenant_scope(contract.ctx) as session:
        alone = [_alone(session, contract, query) for query in asked]
        cold = [_batched(a) for a in pricing.quote_prices(session, contract.ctx, asked)]
        warm = [_batched(a) for a in pricing.quote_prices(session, contract.ctx, asked)]
        uncached = pricing.quote_prices(session, contract.ctx, asked, use_cache=False)
    assert cold == alone
    assert warm == alone
    assert [_batched(a) for a in uncached] == alone


def test_the_worked_answers_of_a_batch(contract: Contract) -> None:
    """A priced double, a stay that meets the stop-sale and a room with no price, in one
    batch: each answer where its query was."""
    double = PriceQuery(service_id=contract.room_id, check_in=date(2027, 6, 1), nights=2)
    stopped = double.model_copy(update={"check_in": date(2027, 8, 12)})
    triple = double.model_copy(update={"occupancy": Occupancy.TRIPLE})
    with tenant_scope(contract.ctx) as session:
        first, second, third, again = pricing.quote_prices(
            session, contract.ctx, [double, stopped, triple, double]
        )
    assert first.quote is not None and str(first.quote.total_net) == "12000.00"
    assert second.error is not None and second.error.reason == "stop_sale"
    assert second.error.extra["night"] == "2027-08-12"
    assert third.error is not None and third.error.reason == "no_rate"
    assert again.quote == first.quote


def test_a_batch_is_refused_a_service_it_does_not_know(contract: Contract) -> None:
    unknown = PriceQuery(service_id=new_id(), check_in=date(2027, 6, 1))
    with tenant_scope(contract.ctx) as session:
        with pytest.raises(NotFoundError):
            pricing.quote_prices(session, contract.ctx, [unknown])
        assert pricing.quote_prices(session, contract.ctx, []) == []

"""Pricing an itinerary looks up all its items in one batch (`rates.pricing.quote_prices`).
On varied itineraries (stays across the season boundary and through a stop-sale, rooms and
extra beds, tours by pax break and age band, items estimated from last year, prices entered
by hand) each item keeps exactly what the per-line path gives:
`quote_price` for each of its lookups in turn, the first without a price ending it (or last
year's rate for an estimate)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rates.factories import Contract, make_contract
from travelcrm.db import tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItemIn, ItineraryCreate, Party
from travelcrm.rates import availability, pricing
from travelcrm.rates.schemas import RestrictionIn

ON = date(2027, 3, 1)

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
                starts_on=date(2027, 8, 10),
                ends_on=date(2027, 8, 12),
            ),
        )
    return made


def _item(contract: Contract) -> st.SearchStrategy[dict[str, Any]]:
    stay = st.fixed_dictionaries(
        {
            "kind": st.just("stay"),
            "service_id": st.just(contract.room_id),
            "nights": st.integers(min_value=1, max_value=4),
            "rooms": st.sampled_from(
                [
                    [],
                    [{"occupancy": "double", "rooms": 1}],
                    [{"occupancy": "double", "rooms": 1}, {"occupancy": "single", "rooms": 1}],
                    [{"occupancy": "triple", "rooms": 1}],  # no price for a triple
                ]
            ),
            "children_with_bed": st.sampled_from([None, 0, 1]),
            "estimate": st.booleans(),
        }
    )
    tour = st.fixed_dictionaries(
        {
            "kind": st.just("activity"),
            "service_id": st.just(contract.tour_id),
            "pax": st.sampled_from([None, None, 3, 12, 25]),  # 25: past the last pax break
            "estimate": st.booleans(),
            "supplements": st.sampled_from([[], [], ["Gala dinner"]]),
        }
    )
    by_hand = st.fixed_dictionaries(
        {
            "kind": st.just("flight"),
            "manual_net": st.sampled_from([Decimal("4999.50"), Decimal(12000)]),
            "manual_currency": st.just("INR"),
        }
    )
    return st.one_of(stay, stay, tour, tour, by_hand)


def _per_line(session: Any, ctx: Any, item: Any, asked: list[Any]) -> dict[str, Any]:
    """The per-line path: `quote_price` for each lookup in turn."""
    if not asked:
        return {"net": item.manual_net, "currency": item.manual_currency, "quotes": []}
    net, currency, quotes, estimate = Decimal(0), "", [], False
    for query in asked:
        try:
            quote = pricing.quote_price(session, ctx, query)
        except pricing.NoPriceError as exc:
            if not item.estimate:
                return {"reason": exc.reason, "detail": exc.detail}
            try:
                quote = pricing.quote_price(
                    session,
                    ctx,
                    query.model_copy(update={"check_in": query.check_in - timedelta(weeks=52)}),
                )
            except pricing.NoPriceError:
                return {"reason": exc.reason}
            estimate = True
        if currency and quote.currency != currency:
            return {"reason": "mixed_currencies"}
        currency = quote.currency
        net += quote.total_net
        quotes.append({"query": query.model_dump(mode="json"), "quote": quote.to_json()})
    return {"net": net, "currency": currency, "quotes": quotes, "estimate": estimate}


def _kept(item: Any) -> dict[str, Any]:
    """What the batch path kept on the item."""
    if item.price is None:
        found = {"reason": item.problem["reason"]}
        return found
    return {
        "net": Decimal(item.price["net"]),
        "currency": item.price["currency"],
        "quotes": item.price["quotes"],
        "estimate": item.price["estimate"],
    }


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.sampled_from(
        [date(2027, 6, 1), date(2027, 8, 8), date(2027, 9, 28), date(2028, 3, 30)]
    ),
    adults=st.integers(min_value=1, max_value=5),
    child_ages=st.lists(st.integers(min_value=0, max_value=15), max_size=2),
    data=st.data(),
)
def test_the_batch_keeps_what_the_per_line_path_gives(
    contract: Contract, start: date, adults: int, child_ages: list[int], data: st.DataObject
) -> None:
    ctx = contract.ctx
    items = data.draw(st.lists(st.tuples(st.integers(0, 2), _item(contract)), max_size=6))
    with tenant_scope(ctx) as session:
        made = itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(
                title="Batch",
                start_date=start,
                days=3,
                party=Party(
                    adults=adults, child_ages=child_ages, children_with_bed=len(child_ages)
                ),
            ),
        )
        shown = itineraries.to_public(session, made)
        for day, item in items:
            itineraries.add_item(
                session, ctx, itinerary_id=made.id, day_id=shown.days[day].id, data=ItemIn(**item)
            )
        itinerary_id = made.id
    with tenant_scope(ctx) as session:
        sheet = itineraries.calculate_price(session, ctx, itinerary_id=itinerary_id, on=ON)
    with tenant_scope(ctx) as session:
        itinerary = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        days = {d.id: d.position for d in itineraries._days(session, itinerary_id)}
        kept = itineraries._items(session, itinerary_id)
        assert len(kept) == len(items)
        lines = {line.item_id: line for line in sheet.lines}
        for item in kept:
            check_in = itinerary.start_date + timedelta(days=days[item.day_id] - 1)
            try:
                asked = itineraries._queries_of(
                    itinerary,
                    item,
                    check_in,
                    adults=itinerary.adults,
                    child_ages=itinerary.child_ages,
                )
            except itineraries._Unpriceable as exc:
                assert _kept(item) == {"reason": exc.reason}
                continue
            expected = _per_line(session, ctx, item, asked)
            got = _kept(item)
            if "reason" in expected:
                assert got["reason"] == expected["reason"]
                assert item.id not in lines
                continue
            if not asked:  # by hand: nothing looked up
                assert (got["net"], got["currency"], got["quotes"]) == (
                    expected["net"],
                    expected["currency"],
                    [],
                )
            else:
                assert got == expected
            assert lines[item.id].net == expected["net"]
    assert {u.item_id for u in sheet.unpriced} == {i.id for i in kept if i.price is None}
    assert all(isinstance(u.item_id, uuid.UUID) for u in sheet.unpriced)

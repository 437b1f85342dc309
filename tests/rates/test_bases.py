"""What operators price transport and activities by: per km, per hour, per transfer one way or
return, per vehicle per day (vehicles from the party and the seats of the line or the service),
per group; and supplements on top of the base price (mandatory, or optional when asked). Each
test runs on the run's database with the app clock frozen (`frozen_clock`)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rates.factories import MAY_1, agency_context, line_in, make_list, make_supplier
from tests.rates.factories import quote as _quote
from tests.rates.factories import refusal as _refusal
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.money import round_money
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import pricing
from travelcrm.rates import services as rates
from travelcrm.rates.models import RateLine
from travelcrm.rates.schemas import LineIn, PriceQuery
from travelcrm.suppliers.models import SupplierService


def _service(
    ctx: TenantContext, supplier_id: uuid.UUID, name: str, *, seats: int | None = None
) -> uuid.UUID:
    with tenant_scope(ctx) as session:
        service = SupplierService(
            tenant_id=ctx.tenant_id,
            supplier_id=supplier_id,
            kind="vehicle",
            name=name,
            max_occupancy=seats,
        )
        session.add(service)
        session.flush()
        return service.id


def _net(ctx: TenantContext, service_id: uuid.UUID, **kwargs) -> Decimal:
    return _quote(ctx, service_id, **kwargs).total_net


def test_vehicles_needed_follow_from_the_party_and_the_seats_of_the_line_or_the_service(
    migrated_engine, frozen_clock
) -> None:
    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx, "Rajasthan Cabs")
    innova = _service(ctx, supplier_id, "Innova", seats=6)
    tempo = _service(ctx, supplier_id, "Tempo Traveller", seats=6)
    bus = _service(ctx, supplier_id, "Coach")  # no seats known: one vehicle

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        year = seasons["All year"]
        return [
            LineIn(service_id=innova, season_id=year, basis="per_vehicle", net=Decimal(3600)),
            LineIn(
                service_id=tempo,
                season_id=year,
                basis="per_vehicle",
                capacity=12,  # the line's seats win over the service's
                net=Decimal(5000),
            ),
            LineIn(service_id=bus, season_id=year, basis="per_vehicle", net=Decimal(9000)),
        ]

    make_list(ctx, supplier_id, name="Cabs 2027", lines=lines)

    assert _net(ctx, innova, adults=6) == Decimal("3600.00")
    assert _net(ctx, innova, adults=7) == Decimal("7200.00")  # 7 people in 6 seats: 2 cars
    assert _net(ctx, innova, adults=5, child_ages=[8, 1]) == Decimal("7200.00")  # children sit
    assert _net(ctx, innova, adults=13, nights=2) == Decimal("21600.00")  # 3 cars, 2 days
    assert _net(ctx, tempo, adults=12) == Decimal("5000.00")
    assert _net(ctx, tempo, adults=13) == Decimal("10000.00")
    assert _net(ctx, bus, adults=40) == Decimal("9000.00")
    part = _quote(ctx, innova, adults=7).nights[0].parts[0]
    assert (part.what, part.basis, part.units, part.quantity) == (
        "Innova",
        "per_vehicle",
        2,
        Decimal(1),
    )


def test_a_day_priced_per_km_is_distance_times_rate_times_vehicles(
    migrated_engine, frozen_clock
) -> None:
    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx, "Rajasthan Cabs")
    sedan = _service(ctx, supplier_id, "Sedan", seats=4)

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        year = seasons["All year"]
        return [
            line_in(sedan, year, "per_km", net=Decimal(14), markup_pct=Decimal(20)),
            LineIn(service_id=sedan, season_id=year, basis="per_vehicle", net=Decimal(2800)),
        ]

    make_list(ctx, supplier_id, name="Cabs 2027", lines=lines)

    quote = _quote(ctx, sedan, adults=2, km=300)
    assert (quote.total_net, quote.total_sell) == (Decimal("4200.00"), Decimal("5040.00"))
    part = quote.nights[0].parts[0]
    assert (part.quantity, part.unit_net, part.units, part.net) == (
        Decimal(300),
        Decimal("14.00"),
        1,
        Decimal("4200.00"),
    )
    assert _net(ctx, sedan, adults=5, km=300) == Decimal("8400.00")  # two sedans
    assert _net(ctx, sedan, adults=2, km=250, nights=3) == Decimal("10500.00")  # 250 km a day
    # without a distance the same car is hired by the day; asked per km, the distance is needed
    assert _net(ctx, sedan, adults=2) == Decimal("2800.00")
    refusal = _refusal(ctx, sedan, adults=2, basis="per_km")
    assert refusal.reason == "quantity_missing"
    assert refusal.detail == "A price per km needs the distance of the day."
    assert _net(ctx, sedan, adults=2, km=300, basis="per_vehicle") == Decimal("2800.00")


def test_hours_and_transfers_one_way_or_return(migrated_engine, frozen_clock) -> None:
    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx, "Jaipur Wheels")
    car = _service(ctx, supplier_id, "Car at disposal", seats=4)
    airport = _service(ctx, supplier_id, "Airport transfer", seats=4)
    boat = _service(ctx, supplier_id, "Speedboat", seats=8)

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        year = seasons["All year"]
        return [
            LineIn(service_id=car, season_id=year, basis="per_hour", net=Decimal("450.50")),
            LineIn(service_id=airport, season_id=year, basis="per_transfer", net=Decimal(1500)),
            LineIn(
                service_id=airport, season_id=year, basis="per_return_transfer", net=Decimal(2700)
            ),
            LineIn(service_id=boat, season_id=year, basis="per_hour", net=Decimal(3000)),
        ]

    make_list(ctx, supplier_id, name="Wheels 2027", lines=lines)

    assert _net(ctx, car, adults=2, hours=Decimal("2.5")) == Decimal("1126.25")
    assert _net(ctx, car, adults=6, hours=Decimal(4)) == Decimal("3604.00")  # two cars
    hours = _refusal(ctx, car, adults=2)
    assert (hours.reason, hours.detail) == (
        "quantity_missing",
        "A price per hour needs the hours of the day.",
    )
    assert _net(ctx, boat, adults=8, hours=Decimal(1)) == Decimal("3000.00")
    # one way unless asked for a return; legs (or returns) a day multiply
    assert _net(ctx, airport, adults=3) == Decimal("1500.00")
    assert _net(ctx, airport, adults=3, transfers=2) == Decimal("3000.00")
    assert _net(ctx, airport, adults=3, basis="per_return_transfer") == Decimal("2700.00")
    assert _net(ctx, airport, adults=5, basis="per_return_transfer") == Decimal("5400.00")
    assert _refusal(ctx, airport, adults=3, basis="per_km", km=10).reason == "no_rate"


def test_supplements_come_on_top_with_their_own_basis_optional_ones_when_asked(
    migrated_engine, frozen_clock
) -> None:
    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx, "Rajasthan Cabs")
    innova = _service(ctx, supplier_id, "Innova", seats=6)

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        year = seasons["All year"]
        common = {"service_id": innova, "season_id": year}
        return [
            LineIn(**common, basis="per_km", net=Decimal(18)),
            LineIn(**common, basis="per_vehicle", supplement="Driver allowance", net=400),
            LineIn(
                **common, basis="per_vehicle", supplement="Night driving", optional=True, net=300
            ),
            LineIn(**common, basis="per_transfer", supplement="Toll", net=Decimal(250)),
            LineIn(**common, basis="per_group", supplement="Guide fee", optional=True, net=1000),
            LineIn(
                **common,
                basis="per_vehicle",
                supplement="Weekend parking",
                weekdays=["sat", "sun"],
                net=Decimal(100),
            ),
        ]

    make_list(ctx, supplier_id, name="Cabs 2027", lines=lines)

    # 7 people: 2 Innovas x 300 km x 18, plus per car the allowance, a toll and Saturday parking
    quote = _quote(ctx, innova, adults=7, km=300)
    assert quote.total_net == Decimal(10800 + 2 * 400 + 2 * 250 + 2 * 100)
    assert [(p.what, p.units, p.net) for p in quote.nights[0].parts] == [
        ("Innova", 2, Decimal("10800.00")),
        ("Driver allowance", 2, Decimal("800.00")),
        ("Toll", 2, Decimal("500.00")),
        ("Weekend parking", 2, Decimal("200.00")),
    ]
    # Sunday's parking, Monday none; asked by name in any case, optional ones are added
    two_days = _quote(ctx, innova, adults=2, km=100, nights=3, supplements=["night DRIVING"])
    assert [n.net for n in two_days.nights] == [
        Decimal(1800 + 400 + 250 + 100 + 300),
        Decimal(1800 + 400 + 250 + 100 + 300),
        Decimal(1800 + 400 + 250 + 300),
    ]
    guided = _quote(ctx, innova, adults=7, km=300, supplements=["Guide fee"])
    assert guided.total_net == quote.total_net + 1000  # once for the group
    refusal = _refusal(ctx, innova, adults=2, km=100, supplements=["Snacks"])
    assert (refusal.reason, refusal.detail) == ("no_rate", "No price for Snacks in All year.")


def test_shared_per_person_and_private_per_car_rows_of_one_activity(
    migrated_engine, frozen_clock
) -> None:
    """An activity sheet's "Shared (per person)" and "Private (per car, up to 6)" rows: the
    private row has no child price (none is stored, not a 0); in the car a child is a seat."""
    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx, "Ranthambore Safaris")
    safari = _service(ctx, supplier_id, "Jeep safari")
    walk = _service(ctx, supplier_id, "Village walk")

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        year = seasons["All year"]
        return [
            LineIn(service_id=safari, season_id=year, basis="per_person", net=Decimal(1200)),
            line_in(safari, year, "per_person", age_band="child_without_bed", net=Decimal(800)),
            line_in(safari, year, "per_vehicle", capacity=6, net=Decimal(6000)),
            LineIn(service_id=walk, season_id=year, basis="per_person", net=Decimal(500)),
        ]

    priced = make_list(ctx, supplier_id, name="Safaris 2027", lines=lines)
    with tenant_scope(ctx) as session:
        stored = rate_lines.list_lines(session, ctx, version_id=priced.version_id).lines
    assert sorted((ln.basis, ln.age_band) for ln in stored if ln.service_id == safari) == [
        ("per_person", "adult"),
        ("per_person", "child_without_bed"),
        ("per_vehicle", "adult"),
    ]

    party = {"adults": 2, "child_ages": [8]}
    assert _net(ctx, safari, **party) == Decimal("3200.00")  # shared: the list's first way
    assert _net(ctx, safari, basis="per_person", **party) == Decimal("3200.00")
    assert _net(ctx, safari, basis="per_vehicle", **party) == Decimal("6000.00")
    assert _net(ctx, safari, basis="per_vehicle", adults=6, child_ages=[8]) == Decimal("12000.00")
    # a per-person price with no child price leaves the child unpriced
    assert _refusal(ctx, walk, **party).reason == "age_not_priced"


def test_a_capacity_is_for_vehicle_prices_and_only_a_supplement_is_optional(
    migrated_engine, frozen_clock
) -> None:
    ctx = agency_context()
    supplier_id, _room, tour = make_supplier(ctx, "Goa Tours")
    with pytest.raises(ValidationFailedError) as info:
        make_list(
            ctx,
            supplier_id,
            name="Tours 2027",
            lines=lambda seasons: [
                line_in(tour, seasons["All year"], "per_person", capacity=6, net=Decimal(100)),
                line_in(tour, seasons["All year"], "per_group", optional=True, net=Decimal(100)),
            ],
        )
    assert [(e.field, e.row) for e in info.value.errors] == [("capacity", 1), ("optional", 2)]


def test_a_quote_with_parts_survives_the_cache_and_older_cached_quotes_still_read() -> None:
    line_id = uuid.uuid4()
    part = pricing.PricePart(
        what="Innova",
        basis="per_km",
        quantity=Decimal(300),
        units=2,
        unit_net=Decimal("18.00"),
        net=Decimal("10800.00"),
        sell=Decimal("12960.00"),
        line_id=line_id,
    )
    quote = pricing.PriceQuote(
        service_id=uuid.uuid4(),
        currency="INR",
        rate_list_id=uuid.uuid4(),
        version_id=uuid.uuid4(),
        nights=[pricing.NightPrice(MAY_1, part.net, part.sell, [line_id], [part])],
        total_net=part.net,
        total_sell=part.sell,
        cancellation_tiers=[],
    )
    assert pricing.PriceQuote.from_json(quote.to_json()) == quote
    older = quote.to_json()
    del older["nights"][0]["parts"]
    assert pricing.PriceQuote.from_json(older).nights[0].parts == []


def _km_line(net: Decimal, capacity: int) -> RateLine:
    return RateLine(
        tenant_id=uuid.uuid4(),
        version_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        season_id=uuid.uuid4(),
        basis="per_km",
        capacity=capacity,
        pax_max=999,
        net=net,
        markup_pct=Decimal(15),
    )


@settings(max_examples=200, deadline=None)
@given(
    currency=st.sampled_from(["INR", "USD", "JPY", "KWD"]),
    net=st.decimals(min_value=0, max_value=10**4, places=4, allow_nan=False),
    km=st.integers(min_value=1, max_value=5000),
    capacity=st.integers(min_value=1, max_value=12),
    people=st.integers(min_value=1, max_value=120),
)
def test_a_price_per_km_scales_with_the_distance_and_the_vehicles(
    currency: str, net: Decimal, km: int, capacity: int, people: int
) -> None:
    line = _km_line(net, capacity)

    def night(distance: int, adults: int) -> pricing.NightPrice:
        return pricing._night_price(
            MAY_1,
            pricing._SeasonLines([line]),
            season_name="Any",
            query=PriceQuery(
                service_id=line.service_id, check_in=MAY_1, adults=adults, km=distance
            ),
            bands=[],
            currency=currency,
        )

    one_km = night(1, 1)
    priced = night(km, people)
    vehicles = -(-people // capacity)
    assert priced.parts[0].units == vehicles
    assert priced.net == one_km.net * km * vehicles == round_money(net, currency) * km * vehicles
    assert priced.sell == one_km.sell * km * vehicles


def test_a_cab_list_is_not_missing_rooms_or_children_and_its_draft_keeps_seats_and_supplements(
    migrated_engine, frozen_clock
) -> None:
    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx, "Rajasthan Cabs")
    sedan = _service(ctx, supplier_id, "Sedan", seats=4)

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        common = {"service_id": sedan, "season_id": seasons["All year"]}
        return [
            LineIn(**common, basis="per_km", capacity=3, net=Decimal(14)),
            LineIn(
                **common,
                basis="per_person",
                supplement="Monument fees",
                optional=True,
                net=Decimal(500),
            ),
        ]

    priced = make_list(ctx, supplier_id, name="Cabs 2027", lines=lines, publish=False)
    with tenant_scope(ctx) as session:
        issues = rates.coverage(session, ctx, version_id=priced.version_id)
        mine = [i for i in issues if i.service_id == sedan]
        assert [(i.severity, i.code) for i in mine] == []
        version = rates.get_version(session, ctx, priced.version_id)
        rates.publish(
            session,
            ctx,
            version_id=priced.version_id,
            row_version=version.row_version,
            acknowledged=[i.key for i in issues if i.severity == "confirm"],
        )
        draft = rates.new_draft(session, ctx, version_id=priced.version_id)
        copied = rate_lines.list_lines(session, ctx, version_id=draft.id, service_id=sedan).lines
    assert [(ln.basis, ln.capacity, ln.supplement, ln.optional) for ln in copied] == [
        ("per_km", 3, None, False),
        ("per_person", None, "Monument fees", True),
    ]

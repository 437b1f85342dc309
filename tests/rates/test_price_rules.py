"""The price lookup's rules where several things could answer: which of several published lists
prices a stay (market, then publication), vehicles and groups, children without a bed, seasons
that leave a gap, currencies' minor units, and allotments released by the agency's own date.
Each test runs on the run's database with the app clock frozen (`frozen_clock`)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.rates.factories import (
    Contract,
    add_service,
    agency_context,
    line_in,
    make_contract,
    make_list,
    make_supplier,
    publish_accepting_gaps,
)
from tests.rates.factories import (
    quote as _quote,
)
from tests.rates.factories import (
    refusal as _refusal,
)
from travelcrm.core.clock import FrozenClock
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import availability
from travelcrm.rates import services as rates
from travelcrm.rates.models import Market
from travelcrm.rates.schemas import AllotmentIn, LineIn
from travelcrm.tenants import services as tenants
from travelcrm.tenants.schemas import TenantSettingsUpdate


def _double(room_id: uuid.UUID, net: int):
    return lambda seasons: [
        line_in(
            room_id,
            seasons["All year"],
            "per_room",
            occupancy="double",
            net=Decimal(net),
            markup_pct=Decimal(10),
        )
    ]


def _publish(ctx: TenantContext, version_id: uuid.UUID) -> None:
    with tenant_scope(ctx) as session:
        lock = rates.get_version(session, ctx, version_id).row_version
        publish_accepting_gaps(session, ctx, version_id, lock)


# ---- which list prices a stay -------------------------------------------------------------


def test_a_list_for_the_asked_market_wins_over_one_for_all_markets(
    migrated_engine, frozen_clock: FrozenClock
) -> None:
    ctx = agency_context()
    supplier_id, room_id, _tour = make_supplier(ctx)
    make_list(
        ctx,
        supplier_id,
        name="Taj Inbound 2027",
        market=Market.INBOUND,
        lines=_double(room_id, 7000),
    )
    inbound_published = frozen_clock.now
    frozen_clock.advance(timedelta(days=3))  # the all-markets list is the newer one
    everyone = make_list(ctx, supplier_id, name="Taj 2027", lines=_double(room_id, 6000))

    inbound = _quote(ctx, room_id, market="inbound")
    assert inbound.total_net == Decimal("7000.00")
    assert (inbound.rate_list_name, inbound.market) == ("Taj Inbound 2027", "inbound")
    assert inbound.published_at == inbound_published
    # a domestic or an unspecified buyer gets the all-markets list, never the inbound one
    for market in ("domestic", "all"):
        quote = _quote(ctx, room_id, market=market)
        assert (quote.total_net, quote.rate_list_id) == (Decimal("6000.00"), everyone.rate_list_id)
        assert (quote.rate_list_name, quote.market) == ("Taj 2027", "all")
    # what the cache keeps says the same
    again = _quote(ctx, room_id, market="inbound")
    assert (again.rate_list_name, again.market, again.published_at) == (
        "Taj Inbound 2027",
        "inbound",
        inbound_published,
    )


def test_of_two_lists_for_one_market_the_most_recently_published_wins(
    migrated_engine, frozen_clock: FrozenClock
) -> None:
    ctx = agency_context()
    supplier_id, room_id, _tour = make_supplier(ctx)
    first = make_list(ctx, supplier_id, name="Early", lines=_double(room_id, 6000), publish=False)
    second = make_list(ctx, supplier_id, name="Late", lines=_double(room_id, 6500), publish=False)
    _publish(ctx, second.version_id)  # the list made second is published first
    frozen_clock.advance(timedelta(hours=1))
    _publish(ctx, first.version_id)
    quote = _quote(ctx, room_id)
    assert (quote.rate_list_name, quote.total_net) == ("Early", Decimal("6000.00"))
    frozen_clock.advance(timedelta(hours=1))
    # a new version of the other list, published later, takes over
    with tenant_scope(ctx) as session:
        draft = rates.new_draft(session, ctx, version_id=second.version_id)
    _publish(ctx, draft.id)
    quote = _quote(ctx, room_id)
    assert (quote.rate_list_name, quote.total_net) == ("Late", Decimal("6500.00"))
    assert quote.published_at == frozen_clock.now


def test_each_night_takes_the_first_list_covering_it_in_one_currency_only(
    migrated_engine, frozen_clock: FrozenClock
) -> None:
    ctx = agency_context()
    supplier_id, room_id, _tour = make_supplier(ctx)
    spring = (("All year", date(2027, 4, 1), date(2027, 6, 30)),)
    make_list(ctx, supplier_id, name="Taj 2027", lines=_double(room_id, 6000))
    make_list(
        ctx,
        supplier_id,
        name="Taj Inbound spring",
        market=Market.INBOUND,
        seasons=spring,
        lines=_double(room_id, 7000),
    )
    usd = make_list(
        ctx,
        supplier_id,
        name="Taj USD spring",
        market=Market.DOMESTIC,
        currency="USD",
        seasons=spring,
        lines=_double(room_id, 80),
    )
    # the inbound list ends on 30 June: its nights, then the all-markets list's
    quote = _quote(ctx, room_id, market="inbound", check_in=date(2027, 6, 29), nights=3)
    assert [n.net for n in quote.nights] == [Decimal(7000), Decimal(7000), Decimal(6000)]
    assert (quote.rate_list_name, quote.total_net) == ("Taj Inbound spring", Decimal(20000))
    # a dollar list's nights and a rupee list's nights are not added up
    mixed = _refusal(ctx, room_id, market="domestic", check_in=date(2027, 6, 30), nights=2)
    assert (mixed.reason, mixed.extra["night"]) == ("mixed_currencies", "2027-07-01")
    assert mixed.detail == (
        "'Taj USD spring' prices 2027-06-30 in USD but 'Taj 2027' prices 2027-07-01 in INR; "
        "quote the nights separately."
    )
    inside = _quote(ctx, room_id, market="domestic", check_in=date(2027, 6, 29), nights=2)
    assert (inside.currency, inside.total_net, inside.rate_list_id) == (
        "USD",
        Decimal("160.00"),
        usd.rate_list_id,
    )


# ---- vehicles and groups ------------------------------------------------------------------


def test_a_vehicle_is_chosen_by_the_party_size_and_a_group_pays_one_price(
    migrated_engine,
) -> None:
    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx)
    transfer = add_service(ctx, supplier_id, kind="transfer", name="Airport transfer")
    guide = add_service(ctx, supplier_id, kind="guide", name="Old Goa walk")

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        year = seasons["All year"]
        return [
            line_in(
                transfer,
                year,
                "per_vehicle",
                pax_min=1,
                pax_max=3,
                net=Decimal(2500),
                sell=Decimal(3000),
            ),
            line_in(
                transfer,
                year,
                "per_vehicle",
                pax_min=4,
                pax_max=10,
                net=Decimal(4000),
                markup_pct=Decimal(25),
            ),
            line_in(
                guide,
                year,
                "per_group",
                pax_min=1,
                pax_max=15,
                net=Decimal(3000),
                markup_pct=Decimal(20),
            ),
        ]

    make_list(ctx, supplier_id, name="Goa ground 2027", lines=lines)

    def price(service: uuid.UUID, **kwargs) -> tuple[Decimal, Decimal]:
        quote = _quote(ctx, service, **kwargs)
        return quote.total_net, quote.total_sell

    assert price(transfer, adults=2) == (Decimal("2500.00"), Decimal("3000.00"))
    assert price(transfer, adults=2, child_ages=[5]) == (Decimal("2500.00"), Decimal("3000.00"))
    assert price(transfer, adults=2, child_ages=[5, 1]) == (Decimal("4000.00"), Decimal("5000.00"))
    assert price(transfer, adults=10) == (Decimal("4000.00"), Decimal("5000.00"))
    assert price(transfer, adults=2, nights=3) == (Decimal("7500.00"), Decimal("9000.00"))
    assert _refusal(ctx, transfer, adults=11).reason == "no_rate"
    for adults in (1, 6, 15):  # one price for the group, whatever its size
        assert price(guide, adults=adults) == (Decimal("3000.00"), Decimal("3600.00"))
    assert _refusal(ctx, guide, adults=16).reason == "no_rate"


# ---- seasons --------------------------------------------------------------------------------


def test_a_night_between_seasons_is_refused_as_no_season(migrated_engine) -> None:
    ctx = agency_context()
    contract = make_contract(
        ctx,
        lean=(date(2027, 4, 1), date(2027, 9, 30)),
        peak=(date(2027, 10, 15), date(2028, 3, 31)),
    )
    refusal = _refusal(ctx, contract.room_id, check_in=date(2027, 10, 5))
    assert refusal.reason == "no_season"
    assert refusal.extra["night"] == "2027-10-05"
    # a stay reaching into the gap is refused on its first uncovered night
    across = _refusal(ctx, contract.room_id, check_in=date(2027, 9, 30), nights=3)
    assert (across.reason, across.extra["night"]) == ("no_season", "2027-10-01")
    assert _quote(ctx, contract.room_id, check_in=date(2027, 10, 15)).total_net == Decimal(9000)


# ---- children -------------------------------------------------------------------------------


def test_a_child_without_a_bed_in_a_room_with_no_price_for_them_is_refused(
    migrated_engine,
) -> None:
    contract = make_contract()  # the room prices an extra bed (6-11), nothing for sharing
    ctx, room = contract.ctx, contract.room_id
    refusal = _refusal(ctx, room, child_ages=[5])  # was 6,000: the child went free
    assert refusal.reason == "age_not_priced"
    assert refusal.detail == "No price for a child of 5 without a bed in Lean."
    assert refusal.extra["night"] == "2027-05-01"
    # 8 and 4 sharing, no bed asked: both are named
    both = _refusal(ctx, room, child_ages=[4, 8])
    assert both.detail == "No price for children of 8 and 4 without a bed in Lean."
    # an infant shares free (the list does not price infants); a bed is priced as before
    assert _quote(ctx, room, child_ages=[1]).total_net == Decimal("6000.00")
    assert _quote(ctx, room, child_ages=[8], children_with_bed=1).total_net == Decimal("7500.00")
    # a per-person price with no line for the child's band names the age too
    tour = _refusal(ctx, contract.tour_id, adults=1, child_ages=[8], children_with_bed=1)
    assert tour.reason == "age_not_priced"
    assert tour.detail == "No price for a child of 8 in Lean."


def test_a_child_without_a_bed_pays_the_list_s_price_for_their_band(migrated_engine) -> None:
    ctx = agency_context()
    supplier_id, room, _tour = make_supplier(ctx)
    bed_style = add_service(ctx, supplier_id, kind="room", name="Garden room")
    free = add_service(ctx, supplier_id, kind="room", name="Family room")

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        year = seasons["All year"]
        double = {"basis": "per_room", "occupancy": "double", "net": Decimal(6000)}
        return [
            LineIn(service_id=room, season_id=year, **double),
            line_in(
                room,
                year,
                "per_room",
                occupancy="extra_bed",
                age_band="child_with_bed",
                net=Decimal(1500),
            ),
            line_in(
                room,
                year,
                "per_person",
                age_band="child_without_bed",
                net=Decimal(750),
                sell=Decimal(900),
            ),
            line_in(room, year, "per_person", age_band="infant", net=Decimal(200)),
            LineIn(service_id=bed_style, season_id=year, **double),
            line_in(
                bed_style,
                year,
                "per_room",
                occupancy="extra_bed",
                age_band="child_without_bed",
                net=Decimal(500),
            ),
            LineIn(service_id=free, season_id=year, **double),
            line_in(free, year, "per_person", age_band="child_without_bed", net=Decimal(0)),
        ]

    make_list(ctx, supplier_id, name="Sea Breeze family 2027", lines=lines)
    shared = _quote(ctx, room, child_ages=[5])
    assert (shared.total_net, shared.total_sell) == (Decimal("6750.00"), Decimal("6900.00"))
    assert len(shared.nights[0].line_ids) == 2
    # one of two children gets the bed asked for (the elder), the other shares
    family = _quote(ctx, room, child_ages=[4, 7], children_with_bed=1)
    assert family.total_net == Decimal("8250.00")  # 6,000 + 1,500 + 750
    assert _quote(ctx, room, child_ages=[1]).total_net == Decimal("6200.00")  # priced infant
    assert _quote(ctx, bed_style, child_ages=[5], nights=2).total_net == Decimal("13000.00")
    assert _quote(ctx, free, child_ages=[5, 3]).total_net == Decimal("6000.00")  # says 0


# ---- currencies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "net", "rooms", "total_net", "total_sell"),
    [
        # 10,000.5 rounds to 10,001 a room; +10% of the exact net is 11,000.55 -> 11,001
        ("JPY", "10000.5", 3, "30003", "33003"),
        ("KRW", "99999.4999", 1, "99999", "109999"),
        # 45.1235 -> 45.124 a room; +10% is 49.63585 -> 49.636
        ("KWD", "45.1235", 2, "90.248", "99.272"),
        ("OMR", "0.0005", 1, "0.001", "0.001"),
        ("USD", "99.995", 2, "200.00", "219.98"),
    ],
)
def test_amounts_have_the_currency_s_minor_units(
    migrated_engine, currency: str, net: str, rooms: int, total_net: str, total_sell: str
) -> None:
    ctx = agency_context()
    supplier_id, room_id, _tour = make_supplier(ctx)

    def lines(seasons: dict[str, uuid.UUID]) -> list[LineIn]:
        return [
            line_in(
                room_id,
                seasons["All year"],
                "per_room",
                occupancy="double",
                net=Decimal(net),
                markup_pct=Decimal(10),
            ),
        ]

    make_list(ctx, supplier_id, name=f"Rooms in {currency}", currency=currency, lines=lines)
    quote = _quote(ctx, room_id, rooms=rooms)
    assert quote.currency == currency
    # the same digits as written: 30003, not 30003.00
    assert (str(quote.total_net), str(quote.total_sell)) == (total_net, total_sell)


# ---- allotments and the clock ---------------------------------------------------------------


def _allot(contract: Contract, night: date, *, units: int, release_days: int) -> None:
    with tenant_scope(contract.ctx) as session:
        availability.set_allotment(
            session,
            contract.ctx,
            data=AllotmentIn(
                service_id=contract.room_id,
                starts_on=night,
                ends_on=night,
                units=units,
                release_days=release_days,
            ),
        )


def test_an_allotment_is_released_by_the_agency_s_own_date(
    migrated_engine, frozen_clock: FrozenClock
) -> None:
    contract = make_contract()
    ctx, night = contract.ctx, date(2027, 11, 10)
    with tenant_scope(ctx) as session:
        tenants.update_tenant_settings(
            session, ctx, data=TenantSettingsUpdate(timezone="Asia/Kolkata")
        )
    _allot(contract, night, units=2, release_days=7)
    _allot(contract, date(2027, 11, 1), units=1, release_days=0)
    frozen_clock.move_to(datetime(2027, 11, 3, 18, 0, tzinfo=UTC))  # 23:30 on the 3rd in Kolkata
    assert _quote(ctx, contract.room_id, check_in=night).total_net == Decimal("9000.00")
    assert _quote(ctx, contract.room_id, check_in=night, rooms=2).total_net == Decimal(18000)
    frozen_clock.advance(timedelta(hours=1))  # still the 3rd in UTC, the 4th in Kolkata
    released = _refusal(ctx, contract.room_id, check_in=night)  # not the cached answer
    assert released.reason == "allotment_exhausted"
    assert released.detail == (
        "No allotment for Deluxe Sea View on 2027-11-10 (released 7 days before arrival)."
    )
    with tenant_scope(ctx) as session:
        tenants.update_tenant_settings(session, ctx, data=TenantSettingsUpdate(timezone="UTC"))
    assert _quote(ctx, contract.room_id, check_in=night).total_net == Decimal("9000.00")
    # a night already past is released whatever the allotment's notice
    assert _refusal(ctx, contract.room_id, check_in=date(2027, 11, 1)).detail == (
        "No allotment for Deluxe Sea View on 2027-11-01 (the night is past)."
    )
    frozen_clock.move_to(datetime(2027, 10, 31, 12, 0, tzinfo=UTC))
    assert _quote(ctx, contract.room_id, check_in=date(2027, 11, 1)).total_net == Decimal(9000)

"""What the itinerary builder's pages ask of the services: services found on the server by
name, place and kind among those on sale in a published rate list (with a "from" price), and
every itinerary's last total and margin for the list, read without pricing anything again."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest

from tests.rates.factories import add_supplier, agency_context, make_contract
from travelcrm.db import tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItemIn, ItineraryCreate, Party
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.models import SupplierService

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

OCT_5 = date(2027, 10, 5)
TODAY = date(2027, 3, 1)  # the frozen clock's day


def _munnar_room(ctx) -> uuid.UUID:  # type: ignore[no-untyped-def]
    """A hotel in Munnar whose room has no published rate list."""
    with tenant_scope(ctx) as session:
        supplier = add_supplier(session, ctx, "Tea Hills Lodge", city="Munnar")
        room = SupplierService(
            tenant_id=ctx.tenant_id, supplier_id=supplier.id, kind="room", name="Valley View"
        )
        session.add(room)
        session.flush()
        return room.id


def test_search_narrows_by_place_and_kind_to_services_on_sale_with_their_from_price() -> None:
    contract = make_contract()
    ctx = contract.ctx
    _munnar_room(ctx)
    with tenant_scope(ctx) as session:
        every_room = suppliers.search_services(session, ctx, kinds=["room"])
        on_sale = suppliers.search_services(session, ctx, kinds=["room"], on_sale_from=TODAY)
        in_goa = suppliers.search_services(
            session, ctx, destination="goa", kinds=["ticket"], on_sale_from=TODAY
        )
        in_munnar = suppliers.search_services(
            session, ctx, destination="Munnar", on_sale_from=TODAY
        )
        by_country = suppliers.search_services(session, ctx, destination="in", kinds=["room"])
        after_the_contract = suppliers.search_services(
            session, ctx, kinds=["room"], on_sale_from=date(2028, 4, 1)
        )
    assert sorted(s.name for s in every_room) == ["Deluxe Sea View", "Valley View"]
    assert [s.name for s in by_country] == ["Deluxe Sea View", "Valley View"]
    (room,) = on_sale  # the Munnar room has no published rates
    assert (room.name, room.city, room.country) == ("Deluxe Sea View", "Goa", "IN")
    # the lowest adult or room net of the list (single, lean season), never the extra bed
    assert (room.from_net, room.from_currency) == (D(5000), "INR")
    assert [(s.name, s.from_net) for s in in_goa] == [("Dolphin cruise", D(1800))]
    assert in_munnar == [] and after_the_contract == []
    assert every_room[0].from_net is None  # not asked: no prices read


def test_unpublished_rates_and_another_agencys_services_are_not_offered() -> None:
    draft = make_contract(publish=False)
    other = make_contract()
    with tenant_scope(draft.ctx) as session:
        offered = suppliers.search_services(session, draft.ctx, on_sale_from=TODAY)
        everything = suppliers.search_services(session, draft.ctx, q="sea")
    assert offered == []
    assert {s.id for s in everything} == {draft.room_id, draft.tour_id}
    assert other.room_id not in {s.id for s in everything}


def test_the_list_reads_each_itinerarys_last_total_without_pricing_again() -> None:
    contract = make_contract()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        priced = itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(title="Goa", start_date=OCT_5, days=3, party=Party(adults=2)),
        )
        never = itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(title="Later", start_date=OCT_5, days=2, party=Party(adults=2)),
        )
        day = itineraries.to_public(session, priced).days[0]
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=priced.id,
            day_id=day.id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
        flight = itineraries.add_item(
            session,
            ctx,
            itinerary_id=priced.id,
            day_id=day.id,
            data=ItemIn(kind="flight", manual_net=D(4500), manual_currency="INR"),
        )
        sheet = itineraries.calculate_price(session, ctx, itinerary_id=priced.id)
        assert sheet.total.gross == D("26100")  # 2 x 10,800 sell + 4,500 at no markup
        found = itineraries.last_totals(session, ctx, itineraries=[priced, never])
        assert set(found) == {priced.id}
        total = found[priced.id]
        assert (total.gross, total.margin, total.currency, total.unpriced) == (
            sheet.total.gross,
            sheet.total.margin,
            "INR",
            0,
        )
        # a dry run keeps nothing; the kept total stays the last one priced
        itineraries.update_item(
            session,
            ctx,
            itinerary_id=priced.id,
            item_id=flight.id,
            data=ItemIn(kind="flight", manual_net=D(6000), manual_currency="INR"),
        )
        itineraries.calculate_price(session, ctx, itinerary_id=priced.id, dry_run=True)
        again = itineraries.last_totals(session, ctx, itineraries=[priced])
        assert again[priced.id].gross == D("26100")
        itineraries.calculate_price(session, ctx, itinerary_id=priced.id)
        now = itineraries.last_totals(session, ctx, itineraries=[priced])
        assert now[priced.id].gross == D("27600")
        # the first priced item changed: its kept total goes with its price, until priced again
        stay_id = sheet.lines[0].item_id
        itineraries.update_item(
            session,
            ctx,
            itinerary_id=priced.id,
            item_id=stay_id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=3),
        )
        assert itineraries.last_totals(session, ctx, itineraries=[priced]) == {}
        itineraries.update_item(
            session,
            ctx,
            itinerary_id=priced.id,
            item_id=stay_id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
        itineraries.calculate_price(session, ctx, itinerary_id=priced.id)
        # frozen: the snapshot's total
        itineraries.freeze(session, ctx, itinerary_id=priced.id, row_version=priced.row_version)
        frozen = itineraries.get_itinerary(session, ctx, itinerary_id=priced.id)
        kept = itineraries.last_totals(session, ctx, itineraries=[frozen])
        assert kept[priced.id].gross == D("27600")

    # another agency sees none of it
    theirs = agency_context()
    with tenant_scope(theirs) as session:
        assert itineraries.last_totals(session, theirs, itineraries=[priced]) == {}

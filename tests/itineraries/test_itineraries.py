"""Itineraries through the services, on SQLite and PostgreSQL: made from a query, days that
move their dates, items priced from published rates night by night, the pricing sheet, what
does not fit, and a frozen version nothing reprices."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from tests.queries.factories import trip
from tests.rates.factories import Contract, agency_context, make_contract
from travelcrm.core.errors import ConflictError, NotFoundError, ValidationFailedError
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.models import FxRate, MarkupRuleRow
from travelcrm.itineraries.schemas import (
    CopyIn,
    DayIn,
    ItemIn,
    ItineraryCreate,
    ItineraryUpdate,
    Party,
)
from travelcrm.queries import services as queries
from travelcrm.rates import availability
from travelcrm.rates.schemas import RestrictionIn

SEP_29 = date(2027, 9, 29)  # two lean nights, then the peak season from 1 October
ON = date(2027, 3, 1)

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


def _query(ctx: TenantContext) -> uuid.UUID:
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(
            session,
            ctx,
            data=trip(start_date=SEP_29, end_date=date(2027, 10, 3), child_ages=[8], budget=90000),
        )
        return query.id


def _new(ctx: TenantContext, **data: Any) -> uuid.UUID:
    with tenant_scope(ctx) as session:
        return itineraries.create_itinerary(session, ctx, data=ItineraryCreate(**data)).id


def _public(ctx: TenantContext, itinerary_id: uuid.UUID):
    with tenant_scope(ctx) as session:
        return itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        )


def _add(ctx: TenantContext, itinerary_id: uuid.UUID, day: int, **item: Any) -> uuid.UUID:
    shown = _public(ctx, itinerary_id)
    with tenant_scope(ctx) as session:
        return itineraries.add_item(
            session,
            ctx,
            itinerary_id=itinerary_id,
            day_id=shown.days[day - 1].id,
            data=ItemIn(**item),
        ).id


def _sheet(ctx: TenantContext, itinerary_id: uuid.UUID, **kw: Any):
    with tenant_scope(ctx) as session:
        return itineraries.calculate_price(session, ctx, itinerary_id=itinerary_id, on=ON, **kw)


@pytest.fixture
def contract() -> Contract:
    return make_contract()


@pytest.fixture
def family(contract: Contract) -> tuple[Contract, uuid.UUID]:
    """The Goa family's itinerary from their query, with the 3-night stay on day 1."""
    ctx = contract.ctx
    itinerary_id = _new(ctx, query_id=_query(ctx))
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        )
        itineraries.update_itinerary(
            session,
            ctx,
            itinerary_id=itinerary_id,
            row_version=shown.row_version,
            data=ItineraryUpdate(party=Party(adults=2, child_ages=[8], children_with_bed=1)),
        )
    _add(ctx, itinerary_id, 1, kind="stay", service_id=contract.room_id, nights=3)
    return contract, itinerary_id


def test_an_itinerary_from_a_query_carries_its_trip_and_the_first_is_the_one_to_quote(
    contract: Contract,
) -> None:
    ctx = contract.ctx
    query_id = _query(ctx)
    first = _public(ctx, _new(ctx, query_id=query_id))
    assert (first.start_date, first.end_date) == (SEP_29, date(2027, 10, 3))
    assert len(first.days) == 5 and first.days[4].date == date(2027, 10, 3)
    assert (first.adults, first.child_ages, first.sell_currency) == (2, [8], "INR")
    assert first.budget == D(90000) and first.destination == "Goa"
    assert first.is_primary and first.reference == f"IT-{first.number}"
    second = _public(ctx, _new(ctx, query_id=query_id))
    assert not second.is_primary and second.number == first.number + 1
    with tenant_scope(ctx) as session:
        itineraries.mark_primary(session, ctx, itinerary_id=second.id)
    assert not _public(ctx, first.id).is_primary and _public(ctx, second.id).is_primary
    with pytest.raises(ValidationFailedError) as refused:
        _new(ctx)  # blank: needs a start date and a name, both said at once
    assert {e.field for e in refused.value.errors} == {"start_date", "title"}


def test_inserting_or_removing_a_day_moves_the_later_dates(contract: Contract) -> None:
    ctx = contract.ctx
    itinerary_id = _new(ctx, title="Goa", start_date=SEP_29, days=3)
    _add(ctx, itinerary_id, 3, kind="note", description="Fly home")
    with tenant_scope(ctx) as session:
        itineraries.add_day(
            session, ctx, itinerary_id=itinerary_id, data=DayIn(title="Old Goa"), position=2
        )
    shown = _public(ctx, itinerary_id)
    assert [(d.title, d.date) for d in shown.days] == [
        ("", SEP_29),
        ("Old Goa", date(2027, 9, 30)),
        ("", date(2027, 10, 1)),
        ("", date(2027, 10, 2)),
    ]
    assert shown.items[0].day_id == shown.days[3].id  # the note moved with its day
    with tenant_scope(ctx) as session:
        itineraries.remove_day(session, ctx, itinerary_id=itinerary_id, day_id=shown.days[0].id)
        itineraries.move_day(
            session, ctx, itinerary_id=itinerary_id, day_id=shown.days[3].id, position=1
        )
    shown = _public(ctx, itinerary_id)
    assert [(d.title, d.date) for d in shown.days] == [
        ("", SEP_29),
        ("Old Goa", date(2027, 9, 30)),
        ("", date(2027, 10, 1)),
    ]
    assert shown.items[0].day_id == shown.days[0].id


def test_a_stay_across_a_season_boundary_is_priced_night_by_night(family) -> None:
    contract, itinerary_id = family
    sheet = _sheet(contract.ctx, itinerary_id)
    (line,) = sheet.lines
    # double: 6,000 + 6,000 (lean) + 9,000 (peak); the child's extra bed 3 x 1,500
    assert line.net == D("25500.00") and line.buy_currency == "INR"
    # no markup rule of the agency: the contract's sell (7,200 + 7,200 + 10,800 + 3 x 1,800)
    assert line.gross == D("30600.00") and line.rules == ["The rate list's sell price"]
    assert sheet.total.margin == D("5100.00")
    assert sheet.paying_pax == 3 and sheet.per_person == D("10200.00")
    assert line.rate_lines  # the lines used travel with the sheet
    with tenant_scope(contract.ctx) as session:
        session.add(
            MarkupRuleRow(
                tenant_id=contract.ctx.tenant_id,
                name="Stays 10 %",
                kind="percent",
                value=D(10),
                service_type="stay",
            )
        )
    sheet = _sheet(contract.ctx, itinerary_id)
    assert sheet.lines[0].gross == D("28050.00") and sheet.lines[0].rules == ["Stays 10 %"]


def test_what_cannot_be_priced_says_why_and_may_be_estimated_from_last_year(family) -> None:
    contract, itinerary_id = family
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        )
        itineraries.update_itinerary(
            session,
            ctx,
            itinerary_id=itinerary_id,
            row_version=shown.row_version,
            data=ItineraryUpdate(start_date=date(2028, 5, 2)),
        )
    sheet = _sheet(ctx, itinerary_id)
    assert not sheet.lines and [u.reason for u in sheet.unpriced] == ["no_rate_list"]
    assert "outside_validity" in {c.code for c in sheet.conflicts}
    stay = _public(ctx, itinerary_id).items[0]
    assert stay.problem and stay.problem["reason"] == "no_rate_list"
    with tenant_scope(ctx) as session:
        itineraries.update_item(
            session,
            ctx,
            itinerary_id=itinerary_id,
            item_id=stay.id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=3, estimate=True),
        )
    sheet = _sheet(ctx, itinerary_id)
    # a year before, same weekdays (4 May 2027 on): three lean nights
    assert sheet.lines[0].estimate and sheet.lines[0].net == D("22500.00")


def test_a_flight_bought_in_dollars_is_converted_at_the_agencys_rate_plus_buffer(family) -> None:
    contract, itinerary_id = family
    ctx = contract.ctx
    _add(
        ctx,
        itinerary_id,
        1,
        kind="flight",
        title="Mumbai - Goa",
        manual_net="100",
        manual_currency="USD",
    )
    sheet = _sheet(ctx, itinerary_id)
    assert [u.reason for u in sheet.unpriced] == ["no_fx"]  # said, never guessed
    with tenant_scope(ctx) as session:
        session.add(
            FxRate(
                tenant_id=ctx.tenant_id,
                base="USD",
                quote="INR",
                valid_on=date(2027, 2, 1),
                rate=D("83.5"),
            )
        )
    sheet = _sheet(ctx, itinerary_id)
    flight = next(line for line in sheet.lines if line.kind == "flight")
    # 100 x 83.5 x 1.02 (the agency's default buffer of 2 %)
    assert (flight.fx_rate, flight.fx_buffer_pct, flight.net_sell) == (
        D("83.5"),
        D(2),
        D("8517.00"),
    )


def test_a_locked_sell_price_survives_other_changes(family) -> None:
    contract, itinerary_id = family
    ctx = contract.ctx
    stay = _public(ctx, itinerary_id).items[0]
    with tenant_scope(ctx) as session:
        itineraries.update_item(
            session,
            ctx,
            itinerary_id=itinerary_id,
            item_id=stay.id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=3, sell_override="32000"),
        )
        itineraries.update_item(
            session,
            ctx,
            itinerary_id=itinerary_id,
            item_id=stay.id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
    sheet = _sheet(ctx, itinerary_id)
    assert sheet.lines[0].gross == D("32000.00") and sheet.lines[0].overridden
    assert sheet.lines[0].net == D("15000.00")  # two lean nights + two extra beds


def test_a_frozen_version_never_reprices_and_says_what_changed(family) -> None:
    contract, itinerary_id = family
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        version = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id).row_version
        snap = itineraries.freeze(
            session, ctx, itinerary_id=itinerary_id, row_version=version, on=ON
        )
        assert snap.checksum == itineraries.checksum_of(snap.payload) and len(snap.checksum) == 64
    with tenant_scope(ctx) as session:  # a stop-sale on the hotel after the freeze
        availability.add_restriction(
            session,
            ctx,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                kind="stop_sale",
                starts_on=date(2027, 9, 1),
                ends_on=date(2027, 10, 31),
            ),
        )
    frozen = _sheet(ctx, itinerary_id)
    assert frozen.lines[0].gross == D("30600.00") and not frozen.unpriced
    with tenant_scope(ctx) as session:
        since = itineraries.rates_since_frozen(session, ctx, itinerary_id=itinerary_id)
        assert since.changed and since.lines[0].frozen_net == D("25500.00")
        assert since.lines[0].current_net is None
        with pytest.raises(ConflictError):
            itineraries.add_day(session, ctx, itinerary_id=itinerary_id, data=DayIn())
        with pytest.raises(ConflictError):
            itineraries.delete_itinerary(session, ctx, itinerary_id=itinerary_id)
        current = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        itineraries.unfreeze(
            session, ctx, itinerary_id=itinerary_id, row_version=current.row_version
        )
    shown = _public(ctx, itinerary_id)
    assert (shown.version, shown.status) == (2, "draft")
    with tenant_scope(ctx) as session:
        assert itineraries.verify(session, ctx, itinerary_id=itinerary_id, version=1)
        with pytest.raises(ValidationFailedError) as refused:  # the stop-sale now bites
            itineraries.freeze(
                session, ctx, itinerary_id=itinerary_id, row_version=shown.row_version, on=ON
            )
        assert refused.value.errors[0].code == "stop_sale"


def test_conflicts_on_the_page(family) -> None:
    contract, itinerary_id = family
    ctx = contract.ctx
    _add(ctx, itinerary_id, 2, kind="stay", service_id=contract.room_id, nights=1)  # overlaps
    _add(
        ctx,
        itinerary_id,
        5,
        kind="transfer",
        title="Airport drop",
        manual_net="1500",
        manual_currency="INR",
    )
    codes = [(c.code, c.day) for c in _sheet(ctx, itinerary_id).conflicts]
    assert ("overlapping_stays", 2) in codes
    assert ("no_bed", 4) in codes  # the stay ends after night 3
    assert ("empty_day", 4) in codes  # checked out, nothing planned
    assert ("empty_day", 3) not in codes  # a day in the middle of a stay
    assert ("transfer_without_stay", 5) in codes


def test_another_agencys_itinerary_is_not_found(family) -> None:
    _contract, itinerary_id = family
    stranger = agency_context()
    with tenant_scope(stranger) as session:
        with pytest.raises(NotFoundError):
            itineraries.get_itinerary(session, stranger, itinerary_id=itinerary_id)
        with pytest.raises(NotFoundError):
            itineraries.copy_itinerary(session, stranger, itinerary_id=itinerary_id, data=CopyIn())


def test_a_copy_is_a_new_draft_with_the_same_days_and_items(family) -> None:
    contract, itinerary_id = family
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        copy = itineraries.copy_itinerary(
            session, ctx, itinerary_id=itinerary_id, data=CopyIn(start_date=date(2027, 11, 10))
        )
        copy_id = copy.id
    shown = _public(ctx, copy_id)
    assert shown.copied_from_id == itinerary_id and shown.status == "draft"
    assert len(shown.days) == 5 and len(shown.items) == 1 and not shown.is_primary
    assert _sheet(ctx, copy_id).lines[0].net == D("31500.00")  # three peak nights + beds


def test_a_group_sees_its_price_per_person_at_each_group_size(contract: Contract) -> None:
    ctx = contract.ctx
    itinerary_id = _new(
        ctx,
        title="School trip",
        start_date=date(2027, 5, 3),
        days=2,
        party={"adults": 16, "free_place_every": 15},
    )
    # the cruise: 2,500 a person sold (1-4), 2,200 from 5 to 20 (its pax breaks)
    _add(ctx, itinerary_id, 1, kind="activity", service_id=contract.tour_id)
    _add(ctx, itinerary_id, 2, kind="note", description="Home")
    with tenant_scope(ctx) as session:
        sheet = itineraries.calculate_price(
            session, ctx, itinerary_id=itinerary_id, on=ON, dry_run=True, group_sizes=[4, 10, 21]
        )
    # 16 travellers: 1 free place, 15 paying share 16 x 2,200
    assert (sheet.paying_pax, sheet.free_places) == (15, 1)
    assert sheet.total.gross == D("35200.00") and sheet.per_person == D("2346.67")
    # 4 pay the 1-4 break; 10 the 5-20 one; 21 has no price (the list stops at 20): left out
    assert sheet.per_group_size == {"4": D("2500.00"), "10": D("2200.00")}


def test_a_frozen_price_bought_abroad_shows_its_margin_at_risk(family) -> None:
    contract, itinerary_id = family
    ctx = contract.ctx
    _add(
        ctx,
        itinerary_id,
        1,
        kind="other",
        title="Dubai add-on",
        manual_net="1000",
        manual_currency="AED",
    )
    with tenant_scope(ctx) as session:
        session.add(
            FxRate(
                tenant_id=ctx.tenant_id,
                base="AED",
                quote="INR",
                valid_on=date(2027, 2, 1),
                rate=D("22.85"),
            )
        )
    with tenant_scope(ctx) as session:
        version = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id).row_version
        itineraries.freeze(session, ctx, itinerary_id=itinerary_id, row_version=version, on=ON)
    with tenant_scope(ctx) as session:  # inside the 2 % buffer: nothing at risk
        session.add(
            FxRate(
                tenant_id=ctx.tenant_id,
                base="AED",
                quote="INR",
                valid_on=date(2027, 2, 20),
                rate=D("23.2"),
            )
        )
    with tenant_scope(ctx) as session:
        assert itineraries.rates_since_frozen(session, ctx, itinerary_id=itinerary_id).fx == []
        session.add(
            FxRate(
                tenant_id=ctx.tenant_id,
                base="AED",
                quote="INR",
                valid_on=date(2027, 2, 25),
                rate=D("23.5"),
            )
        )
    with tenant_scope(ctx) as session:
        since = itineraries.rates_since_frozen(session, ctx, itinerary_id=itinerary_id)
    # 1,000 AED cost 23,500.00 today against 23,307.00 priced (22.85 + 2 %)
    (risk,) = since.fx
    assert since.changed and (risk.buy, risk.at_risk) == ("AED", D("193.00"))

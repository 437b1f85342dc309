"""The itineraries pages' handlers called straight, as a websocket event would call them: the
signed-out go to sign-in, another agency's itinerary is "not found" whatever its id, and the
agent's path: a blank trip from the "New itinerary" dialog (every field's problem at once), a
priced stay added from the agency's services, the sheet in its fixed columns, freeze (edits
off, the date in words), unfreeze as the next version; a query's "Build itinerary"."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from reflex.istate.data import RouterData

from tests.accounts.test_accounts import _verified
from tests.queries.factories import trip
from tests.rates.factories import make_contract
from tests.ui.harness import said, signed_in_token, specs
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItemIn, ItineraryCreate, Party
from travelcrm.queries import services as queries
from travelcrm.rates import availability
from travelcrm.rates.schemas import RestrictionIn
from travelcrm.suppliers import services as suppliers
from travelcrm.ui.events import plain
from travelcrm.ui.pages.itineraries.list_state import ItinerariesState
from travelcrm.ui.pages.itineraries.state import NOT_LISTED, ItineraryState, service_label
from travelcrm.ui.pages.queries.state import QueryState

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

OCT_5 = date(2027, 10, 5)  # the contract's peak season: a double room 9,000 net a night


def _state(cls: type, token: str, path: str, params: dict[str, str] | None = None) -> Any:
    state = cls(_reflex_internal_init=True)
    route = path
    for name, value in (params or {}).items():
        route = route.replace(value, f"[{name}]")
    state.router = RouterData.from_router_data(
        {
            "headers": {
                "cookie": f"{SESSION_COOKIE}={token}" if token else "",
                "origin": "http://x",
            },
            "pathname": route,
            "asPath": path,
            "query": params or {},
        }
    )
    return state


def _redirect(result: Any) -> str:
    for spec in specs(result):
        if spec.handler.fn.__qualname__ == "_redirect":
            return str(spec.args[0][1]._var_value)
    return ""


def _agency() -> tuple[TenantContext, str]:
    result = _verified()
    return TenantContext(result.tenant.id, result.user.id, Role.OWNER), result.user.email


def _trip(ctx: TenantContext, title: str = "Goa in October") -> uuid.UUID:
    with tenant_scope(ctx) as session:
        return itineraries.create_itinerary(
            session,
            ctx,
            data=ItineraryCreate(title=title, start_date=OCT_5, days=3, party=Party(adults=2)),
        ).id


def _builder(token: str, itinerary_id: object) -> Any:
    page = _state(ItineraryState, token, f"/itineraries/{itinerary_id}", {"id": str(itinerary_id)})
    plain(ItineraryState.load)(page)
    return page


def test_signed_out_visitors_go_to_sign_in() -> None:
    listing = _state(ItinerariesState, "", "/itineraries")
    assert _redirect(plain(ItinerariesState.load)(listing)).startswith("/login")
    some_id = str(uuid.uuid4())
    page = _state(ItineraryState, "", f"/itineraries/{some_id}", {"id": some_id})
    assert _redirect(plain(ItineraryState.load)(page)).startswith("/login")
    assert not page.found and page.days == []


def test_another_agencys_itinerary_is_not_found_and_nothing_of_it_shows() -> None:
    _mine, my_email = _agency()
    theirs, _ = _agency()
    their_trip = _trip(theirs, "Zanzibar secret")
    token = signed_in_token(my_email)

    page = _builder(token, their_trip)
    assert page.loaded and page.allowed and not page.found
    assert (page.reference, page.title, page.days, page.sheet) == ("", "", [], [])
    answers = [
        said(plain(ItineraryState.price)(page)),
        said(plain(ItineraryState.add_day)(page)),
        said(plain(ItineraryState.freeze)(page)),
        said(plain(ItineraryState.unfreeze)(page)),
    ]
    assert all("Itinerary not found." in a for a in answers), answers
    assert "Zanzibar" not in repr(page.dict())

    listing = _state(ItinerariesState, token, "/itineraries")
    plain(ItinerariesState.load)(listing)
    assert listing.rows == []
    with tenant_scope(theirs) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, theirs, itinerary_id=their_trip)
        )
    assert len(shown.days) == 3 and shown.status.value == "draft"


def test_the_new_itinerary_dialog_says_every_problem_at_once_then_opens_the_trip() -> None:
    _ctx, email = _agency()
    token = signed_in_token(email)
    listing = _state(ItinerariesState, token, "/itineraries")
    plain(ItinerariesState.load)(listing)
    assert listing.can_create and listing.rows == []

    bad = {"title": " ", "start_date": "", "days": "0", "adults": "2", "child_ages": "8, ten"}
    assert "need attention" in said(plain(ItinerariesState.create)(listing, bad))
    assert set(listing.create_errors) == {"title", "start_date", "days", "child_ages"}

    good = {
        "title": "Kerala family week",
        "start_date": "2027-10-05",
        "days": "4",
        "adults": "2",
        "child_ages": "8",
    }
    result = plain(ItinerariesState.create)(listing, good)
    assert listing.create_errors == {} and "Kerala family week created." in said(result)
    href = _redirect(result)
    assert href.startswith("/itineraries/")
    plain(ItinerariesState.load)(listing)
    (row,) = listing.rows
    assert (row.title, row.travellers, row.status) == (
        "Kerala family week",
        "2 adults, 1 child (8)",
        "Draft",
    )
    assert row.reference.startswith("IT-") and row.dates.startswith("5 Oct")
    assert row.dates.endswith("8 Oct 2027")


def test_an_agent_adds_a_priced_stay_prices_freezes_and_unfreezes() -> None:
    contract = make_contract()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        from travelcrm.accounts.models import User

        email = session.get(User, ctx.user_id).email  # type: ignore[union-attr]
    trip_id = _trip(ctx)
    token = signed_in_token(email)
    page = _builder(token, trip_id)
    assert page.found and page.can_edit and not page.frozen
    assert [d.label for d in page.days] == ["Day 1", "Day 2", "Day 3"]
    assert page.days[0].date == "5 Oct 2027" and page.days[2].date == "7 Oct 2027"
    assert {f.label: f.value for f in page.facts}["Status"] == "Draft"

    # day 1's title and overnight
    plain(ItineraryState.open_day)(page, page.days[0].day_id)
    assert page.day_open and page.day_form == {"title": "", "overnight": "", "notes": ""}
    plain(ItineraryState.save_day)(page, {"title": "x" * 201, "overnight": "Goa"})
    assert "title" in page.day_errors and page.day_open
    result = plain(ItineraryState.save_day)(
        page, {"title": "Arrive in Goa", "overnight": "Candolim"}
    )
    assert "Day 1, 5 Oct 2027 saved." in said(result) and not page.day_open
    assert (page.days[0].title, page.days[0].overnight) == ("Arrive in Goa", "Candolim")

    # "Add service" on day 1: the agency's services by name, then a 2-night stay
    plain(ItineraryState.open_item)(page, page.days[0].day_id)
    label = service_label("Deluxe Sea View", "Sea Breeze Resort")
    assert page.item_open and label in [o.label for o in page.service_options]
    assert str(contract.room_id) not in repr([o.label for o in page.service_options])
    plain(ItineraryState.add_item)(page, {"service": "Nowhere Inn", "nights": "2"})
    assert page.item_errors == {"service": "Pick a service from the list."} and page.item_open
    result = plain(ItineraryState.add_item)(page, {"service": label, "nights": "2"})
    assert "Added to Day 1" in said(result) and not page.item_open
    (stay,) = page.days[0].services
    assert (stay.kind, stay.nights, stay.problem) == ("Hotel stay", "2 nights", "Not priced yet")

    # a flight by hand on day 3, then moved above nothing (it is alone) and a note above it
    plain(ItineraryState.open_item)(page, page.days[2].day_id)
    plain(ItineraryState.set_item_kind)(page, "flight")
    plain(ItineraryState.add_item)(page, {"title": "Goa to Pune", "manual_net": "-5"})
    assert "manual_net" in page.item_errors
    plain(ItineraryState.add_item)(page, {"title": "Goa to Pune", "manual_net": "4500"})
    assert [i.title for i in page.days[2].services] == ["Goa to Pune"]
    plain(ItineraryState.open_item)(page, page.days[2].day_id)
    plain(ItineraryState.set_item_kind)(page, "note")
    plain(ItineraryState.add_item)(page, {"title": "Check out by 11"})
    plain(ItineraryState.move_up)(page, page.days[2].services[1].item_id)
    assert [i.title for i in page.days[2].services] == ["Check out by 11", "Goa to Pune"]

    # Price: the sheet, day by day, then the total
    assert "Priced" in said(plain(ItineraryState.price)(page))
    tones = [r.tone for r in page.sheet]
    assert tones == ["line", "day", "line", "day", "total"]
    total = page.sheet[-1]
    assert total.label == "Total" and total.net_sell == "₹22,500.00"  # 2 x 9,000 + 4,500
    stay_line = page.sheet[0]
    assert (stay_line.net, stay_line.fx, stay_line.net_sell) == ("₹18,000.00", "—", "₹18,000.00")
    assert stay_line.detail == "Hotel stay, The rate list's sell price"  # what priced it
    assert page.days[0].services[0].price == stay_line.gross
    assert page.unpriced == [] and page.per_person != ""
    assert {c.words for c in page.conflicts} <= {"Empty day", "Travellers without a bed"}
    assert [row["type"] for row in page.chart] == ["Hotel stay", "Flight"]

    # freeze: edits off, the day in words, the sheet kept
    plain(ItineraryState.set_freeze_open)(page, True)
    result = plain(ItineraryState.freeze)(page)
    assert "Frozen for a quote" in said(result)
    assert page.frozen and not page.freeze_open
    assert page.frozen_text == "Frozen for a quote on 1 Mar 2027"  # the frozen clock's day
    assert page.sheet[-1].net_sell == "₹22,500.00" and page.changes == []
    assert {f.label: f.value for f in page.facts}["Status"] == "Frozen for quote"
    assert "frozen" in said(plain(ItineraryState.add_day)(page)).lower()

    # a stop-sale after the freeze: said, never applied
    with tenant_scope(ctx) as session:
        availability.add_restriction(
            session,
            ctx,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                kind="stop_sale",
                starts_on=OCT_5,
                ends_on=date(2027, 10, 6),
            ),
        )
    page = _builder(token, trip_id)
    assert page.frozen and page.sheet[-1].net_sell == "₹22,500.00"
    (change,) = page.changes
    assert (change.words, change.title) == ("No longer priced", stay.title)
    assert "5 Oct 2027" in change.detail and "2027-10-05" not in change.detail

    # unfreeze: the next version, editable again
    assert "version 2" in said(plain(ItineraryState.unfreeze)(page))
    assert not page.frozen and page.version == 2
    plain(ItineraryState.remove_day)(page, page.days[1].day_id)
    assert [d.date for d in page.days] == ["5 Oct 2027", "6 Oct 2027"]
    assert [i.title for i in page.days[1].services] == ["Check out by 11", "Goa to Pune"]
    assert "Day 2 added" in said(plain(ItineraryState.insert_day)(page, page.days[0].day_id))
    assert [d.date for d in page.days] == ["5 Oct 2027", "6 Oct 2027", "7 Oct 2027"]
    assert page.days[1].services == [] and len(page.days[2].services) == 2


def test_a_stop_sale_is_said_in_words_on_the_item_and_in_the_sheet() -> None:
    contract = make_contract()
    ctx = contract.ctx
    trip_id = _trip(ctx)
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=trip_id)
        )
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip_id,
            day_id=shown.days[0].id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
        availability.add_restriction(
            session,
            ctx,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                service_id=contract.room_id,
                kind="stop_sale",
                starts_on=OCT_5,
                ends_on=OCT_5,
            ),
        )
        from travelcrm.accounts.models import User

        email = session.get(User, ctx.user_id).email  # type: ignore[union-attr]
    page = _builder(signed_in_token(email), trip_id)
    plain(ItineraryState.price)(page)
    (problem,) = page.unpriced
    assert problem.words == "Stop-sale on these dates" and problem.detail == "5 Oct 2027"
    assert page.days[0].services[0].problem == "Stop-sale on these dates"
    assert "Stop-sale" in {c.words for c in page.conflicts}
    assert "Every item needs a price" in said(plain(ItineraryState.freeze)(page))
    assert not page.frozen


def test_build_itinerary_on_a_query_opens_it_and_lists_it() -> None:
    ctx, email = _agency()
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(
            session, ctx, data=trip(start_date=OCT_5, end_date=date(2027, 10, 8))
        )
    token = signed_in_token(email)
    page = _state(QueryState, token, f"/queries/{query.id}", {"id": str(query.id)})
    plain(QueryState.load)(page)
    assert page.found and page.can_build and page.itineraries == []
    result = plain(QueryState.build_itinerary)(page)
    href = _redirect(result)
    assert href.startswith("/itineraries/")
    plain(QueryState.load)(page)
    (row,) = page.itineraries
    assert (
        row.href == href
        and row.status == "Draft"
        and row.dates == "5 Oct 2027 \N{EN DASH} 8 Oct 2027"
    )


def test_services_are_found_by_their_name_or_their_suppliers() -> None:
    contract = make_contract()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        names = [s.name for s in suppliers.search_services(session, ctx, q="sea breeze")]
        cruise = suppliers.search_services(session, ctx, q="CRUISE")
    assert sorted(names) == ["Deluxe Sea View", "Dolphin cruise"]
    assert [(s.name, s.supplier_name) for s in cruise] == [("Dolphin cruise", "Sea Breeze Resort")]


def test_finance_sees_and_prices_a_trip_but_changes_nothing() -> None:
    from sqlmodel import select

    from tests.accounts.test_accounts import PASSWORD
    from travelcrm.accounts import services as accounts
    from travelcrm.db import system_scope
    from travelcrm.itineraries.models import ItineraryItem

    contract = make_contract()
    ctx = contract.ctx
    trip_id = _trip(ctx)
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=trip_id)
        )
        itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip_id,
            day_id=shown.days[0].id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
    email = f"finance.{uuid.uuid4().hex[:6]}@example.com"
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=ctx.tenant_id,
            email=email,
            name="Farah Finance",
            password=PASSWORD,
            role=Role.FINANCE,
            verified=True,
        )
    page = _builder(signed_in_token(email), trip_id)
    assert page.found and not page.can_edit
    plain(ItineraryState.price)(page)
    assert page.sheet[-1].net_sell == "₹18,000.00"
    assert page.days[0].services[0].price == page.sheet[0].gross
    with tenant_scope(ctx) as session:  # priced for the page only: nothing kept
        (item,) = session.exec(select(ItineraryItem)).all()
        assert item.price is None and item.priced_at is None
    before = [d.day_id for d in page.days]
    assert "role" in said(plain(ItineraryState.add_day)(page)).lower()
    assert "role" in said(plain(ItineraryState.open_item)(page, before[0])).lower()
    plain(ItineraryState.freeze)(page)
    assert [d.day_id for d in page.days] == before and not page.frozen


def test_price_options_lock_a_price_mark_an_estimate_or_make_a_service_optional() -> None:
    contract = make_contract()
    ctx = contract.ctx
    trip_id = _trip(ctx)
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=trip_id)
        )
        item = itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip_id,
            day_id=shown.days[0].id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
        item_id = str(item.id)
        from travelcrm.accounts.models import User

        email = session.get(User, ctx.user_id).email  # type: ignore[union-attr]
    page = _builder(signed_in_token(email), trip_id)
    plain(ItineraryState.price)(page)
    assert page.sheet[-1].gross == "₹21,600.00"  # the contract's sell: 2 x 10,800
    plain(ItineraryState.open_options)(page, item_id)
    assert page.options_open and page.options_form["sell_override"] == ""
    # both locks at once: said at the field, nothing saved
    result = plain(ItineraryState.save_options)(
        page, {"sell_override": "25,000", "margin_override_pct": "12"}
    )
    assert "margin_override_pct" in page.options_errors and page.options_open
    assert page.sheet[-1].gross == "₹21,600.00"
    # the sell price locked: kept in the sheet, and said so on its line
    result = plain(ItineraryState.save_options)(page, {"sell_override": "25,000", "optional": ""})
    assert "price options saved" in said(result) and not page.options_open
    assert page.sheet[-1].gross == "₹25,000.00" and "price locked" in page.sheet[0].detail
    plain(ItineraryState.open_options)(page, item_id)
    assert page.options_form["sell_override"] == "25000"
    # unlocked and optional: shown, not in the total
    plain(ItineraryState.save_options)(page, {"sell_override": "", "optional": "on"})
    assert "not in the total" in page.sheet[0].detail
    assert page.sheet[-1].gross == "₹0.00"
    assert "That service is no longer" in said(plain(ItineraryState.open_options)(page, "x"))


def _posted(form: dict[str, str], **changes: str) -> dict[str, str]:
    """The edit dialog's form as the browser posts it: its fields, not what the page keeps."""
    return {k: v for k, v in form.items() if k not in ("was_day_id", "party")} | changes


def _with_stay(nights: int = 2) -> tuple[Any, str, uuid.UUID, str]:
    """A 3-day trip with a stay on day 1, its page open (priced), and the stay's id."""
    contract = make_contract()
    ctx = contract.ctx
    trip_id = _trip(ctx)
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=trip_id)
        )
        stay = itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip_id,
            day_id=shown.days[0].id,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=nights),
        )
        from travelcrm.accounts.models import User

        email = session.get(User, ctx.user_id).email  # type: ignore[union-attr]
    return contract, signed_in_token(email), trip_id, str(stay.id)


def test_editing_a_stay_says_every_problem_at_once_and_saves_all_or_nothing() -> None:
    _contract, token, trip_id, stay_id = _with_stay()
    page = _builder(token, trip_id)
    # the stay shows on the night it covers after its check-in day
    assert page.days[1].staying == ["Night 2 of 2 · Sea Breeze Resort: Deluxe Sea View"]
    assert page.days[0].staying == [] and page.days[2].staying == []

    plain(ItineraryState.open_edit)(page, stay_id)
    form = page.edit_form
    assert page.edit_open and page.edit_kind == "stay"
    assert (form["nights"], form["double"], form["single"], form["day_id"]) == (
        "2",
        "1",  # suggested from the party: 2 adults in a double
        "0",
        page.days[0].day_id,
    )
    assert [d.label for d in page.edit_days] == [
        "Day 1 · 5 Oct 2027",
        "Day 2 · 6 Oct 2027",
        "Day 3 · 7 Oct 2027",
    ]
    # three problems, each at its field, in one pass; nothing saved
    result = plain(ItineraryState.save_edit)(
        page,
        {**form, "nights": "0", "single": "two", "day_id": "not-a-day", "double": "1"},
    )
    assert "need attention" in said(result) and page.edit_open
    assert page.edit_errors == {
        "nights": "From 1 to 60 nights.",
        "single": "Write a number from 0 to 100.",
        "day_id": "Pick one of the itinerary's days.",
    }
    assert page.days[0].services[0].nights == "2 nights"
    # no room at all is said at the rooms
    plain(ItineraryState.save_edit)(page, {**form, "double": "0", "single": ""})
    assert page.edit_errors == {"double": "A stay needs at least one room."}

    # 3 nights from day 2 in a double and a single: moved and changed together
    result = plain(ItineraryState.save_edit)(
        page,
        {**form, "nights": "3", "single": "1", "double": "1", "day_id": page.days[1].day_id},
    )
    assert "saved" in said(result) and not page.edit_open and page.edit_errors == {}
    assert page.days[0].services == []
    (moved,) = page.days[1].services
    assert (moved.nights, moved.detail) == ("3 nights", "1 single, 1 double")
    assert page.days[2].staying == ["Night 2 of 3 · Sea Breeze Resort: Deluxe Sea View"]
    plain(ItineraryState.open_edit)(page, stay_id)
    assert (page.edit_form["single"], page.edit_form["double"]) == ("1", "1")
    assert page.edit_form["day_id"] == page.days[1].day_id
    assert "no longer" in said(plain(ItineraryState.open_edit)(page, str(uuid.uuid4())))


def test_editing_a_flight_and_a_transfer_asks_their_own_fields() -> None:
    contract, token, trip_id, _stay = _with_stay()
    page = _builder(token, trip_id)
    day_3 = page.days[2].day_id
    plain(ItineraryState.open_item)(page, day_3)
    plain(ItineraryState.set_item_kind)(page, "flight")
    assert page.service_options == []  # flights are priced by hand: nothing to search
    plain(ItineraryState.add_item)(page, {"title": "Goa to Pune", "manual_net": "4500"})
    flight = page.days[2].services[0].item_id
    plain(ItineraryState.open_edit)(page, flight)
    assert page.edit_form["manual_net"] == "4500" and page.edit_currency == "INR"
    plain(ItineraryState.set_edit_currency)(page, "aed")
    result = plain(ItineraryState.save_edit)(
        page, _posted(page.edit_form, manual_net="1,250.50", optional="on")
    )
    assert "saved" in said(result), page.edit_errors
    plain(ItineraryState.open_edit)(page, flight)
    assert (page.edit_form["manual_net"], page.edit_currency) == ("1250.5", "AED")
    assert page.edit_form["optional"] == "on" and page.days[2].services[0].optional
    plain(ItineraryState.save_edit)(page, {**page.edit_form, "manual_net": "-3"})
    assert "manual_net" in page.edit_errors and page.edit_open

    # a transfer by hand: from and to make its title; one without the other is said
    plain(ItineraryState.set_edit_open)(page, False)
    plain(ItineraryState.open_item)(page, day_3)
    plain(ItineraryState.set_item_kind)(page, "other")
    plain(ItineraryState.add_item)(page, {"title": "Taxi", "manual_net": "900"})
    taxi = page.days[2].services[1].item_id
    # edited on its own day, a service keeps its place
    plain(ItineraryState.open_edit)(page, flight)
    plain(ItineraryState.save_edit)(page, _posted(page.edit_form, title="Goa to Mumbai"))
    assert [i.title for i in page.days[2].services] == ["Goa to Mumbai", "Taxi"]
    plain(ItineraryState.open_edit)(page, taxi)
    plain(ItineraryState.save_edit)(page, _posted(page.edit_form, title="Taxi to the airport"))
    assert page.days[2].services[1].title == "Taxi to the airport"

    # a transfer: from and to make its title (one without the other is said), its people
    with tenant_scope(contract.ctx) as session:
        transfer = itineraries.add_item(
            session,
            contract.ctx,
            itinerary_id=trip_id,
            day_id=uuid.UUID(day_3),
            data=ItemIn(kind="transfer", manual_net=D(2000), manual_currency="INR"),
        )
    page = _builder(token, trip_id)
    plain(ItineraryState.open_edit)(page, str(transfer.id))
    assert (page.edit_kind, page.edit_form["from"], page.edit_form["pax"]) == ("transfer", "", "")
    plain(ItineraryState.save_edit)(page, _posted(page.edit_form, **{"from": "Airport"}))
    assert page.edit_errors == {"to": "Say where it goes to."}
    plain(ItineraryState.save_edit)(
        page, _posted(page.edit_form, **{"from": "Airport", "to": "Candolim", "pax": "0"})
    )
    assert set(page.edit_errors) == {"pax"}
    plain(ItineraryState.save_edit)(
        page, _posted(page.edit_form, **{"from": "Airport", "to": "Candolim", "pax": "5"})
    )
    assert page.days[2].services[2].title == "Airport → Candolim"
    assert page.days[2].services[2].detail == "5 people"
    plain(ItineraryState.open_edit)(page, str(transfer.id))
    assert (page.edit_form["from"], page.edit_form["to"], page.edit_form["pax"]) == (
        "Airport",
        "Candolim",
        "5",
    )


def test_services_are_dragged_within_a_day_and_to_another_and_days_too() -> None:
    _contract, token, trip_id, stay_id = _with_stay(nights=1)
    page = _builder(token, trip_id)
    for title in ("Check in at 2", "Dinner on the beach"):
        plain(ItineraryState.open_item)(page, page.days[0].day_id)
        plain(ItineraryState.set_item_kind)(page, "note")
        plain(ItineraryState.add_item)(page, {"title": title})
    titles = [i.title for i in page.days[0].services]
    assert titles == ["Sea Breeze Resort: Deluxe Sea View", "Check in at 2", "Dinner on the beach"]
    dinner = page.days[0].services[2].item_id
    # dropped on the stay: it takes the stay's place
    plain(ItineraryState.drop_on_item)(page, stay_id, dinner)
    assert page.days[0].services[0].title == "Dinner on the beach"
    # dropped on day 3: the end of day 3
    result = plain(ItineraryState.drop_on_day)(page, page.days[2].day_id, stay_id)
    assert "Moved to Day 3" in said(result)
    assert [i.title for i in page.days[2].services] == ["Sea Breeze Resort: Deluxe Sea View"]
    assert len(page.days[0].services) == 2
    # dragging day 3 onto day 1: it becomes day 1 and the dates follow the new order
    moved_day = page.days[2].day_id
    result = plain(ItineraryState.drop_on_day)(page, page.days[0].day_id, page.days[2].drag_id)
    assert "dates follow" in said(result)
    assert page.days[0].day_id == moved_day and page.days[0].date == "5 Oct 2027"
    assert [i.title for i in page.days[0].services] == ["Sea Breeze Resort: Deluxe Sea View"]
    # the keyboard's way: day 1 one later
    plain(ItineraryState.move_day_down)(page, moved_day)
    assert page.days[1].day_id == moved_day and page.days[1].date == "6 Oct 2027"
    assert plain(ItineraryState.move_day_up)(page, page.days[0].day_id) is None  # already first
    assert NOT_LISTED in said(plain(ItineraryState.drop_on_day)(page, "nope", stay_id))
    assert NOT_LISTED in said(plain(ItineraryState.drop_on_item)(page, stay_id, "nope"))


def test_alternatives_show_side_by_side_with_their_prices_and_the_chosen_one_totalled() -> None:
    contract, token, trip_id, stay_id = _with_stay()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=trip_id)
        )
        other = itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip_id,
            day_id=shown.days[0].id,
            data=ItemIn(
                kind="stay",
                title="Beach huts",
                manual_net=D(15000),
                manual_currency="INR",
                alternative_group="hotel",
            ),
        )
    page = _builder(token, trip_id)
    plain(ItineraryState.open_edit)(page, stay_id)
    plain(ItineraryState.save_edit)(page, {**page.edit_form, "alternative_group": "Hotel"})
    plain(ItineraryState.price)(page)
    (group,) = page.days[0].choices
    assert [(o.label, o.title, o.price, o.chosen) for o in group.options] == [
        ("Option A", "Sea Breeze Resort: Deluxe Sea View", "₹21,600.00", True),
        ("Option B", "Beach huts", "₹15,000.00", False),
    ]
    assert group.chosen == "Option A in the total: ₹21,600.00"
    assert page.sheet[-1].gross == "₹21,600.00"
    assert page.days[0].services[1].option == "Option B of Hotel"
    result = plain(ItineraryState.choose_option)(page, str(other.id))
    assert "Beach huts is now the one in the total" in said(result)
    (group,) = page.days[0].choices
    assert group.options[0].title == "Beach huts" and group.options[0].chosen
    assert page.sheet[-1].gross == "₹15,000.00"


def test_add_service_searches_on_the_server_by_name_place_and_kind() -> None:
    contract, token, trip_id, _stay = _with_stay()
    with tenant_scope(contract.ctx) as session:
        from tests.rates.factories import add_supplier
        from travelcrm.suppliers.models import SupplierService

        lodge = add_supplier(session, contract.ctx, "Tea Hills Lodge", city="Munnar")
        session.add(
            SupplierService(
                tenant_id=contract.ctx.tenant_id,
                supplier_id=lodge.id,
                kind="room",
                name="Valley View",
            )
        )
    page = _builder(token, trip_id)
    plain(ItineraryState.open_item)(page, page.days[1].day_id)
    (room,) = page.service_options  # rooms on sale only: the lodge has no published rates
    assert (room.name, room.supplier, room.place, room.kind, room.from_price) == (
        "Deluxe Sea View",
        "Sea Breeze Resort",
        "Goa, India",
        "Room",
        "from ₹5,000.00",
    )
    plain(ItineraryState.search_place)(page, "munnar")
    assert page.service_options == []
    plain(ItineraryState.search_place)(page, "Goa")
    plain(ItineraryState.set_item_kind)(page, "activity")
    assert [o.name for o in page.service_options] == ["Dolphin cruise"]
    plain(ItineraryState.search_services)(page, "zzz")
    assert page.service_options == []
    plain(ItineraryState.search_services)(page, "dolph")
    plain(ItineraryState.pick_service)(page, "Made up · Nobody")
    assert page.item_service == ""
    plain(ItineraryState.pick_service)(page, page.service_options[0].label)
    assert page.item_service == "Dolphin cruise · Sea Breeze Resort"
    result = plain(ItineraryState.add_item)(page, {"title": ""})
    assert "Added to Day 2" in said(result)
    assert page.days[1].services[0].title == "Sea Breeze Resort: Dolphin cruise"
    assert str(contract.tour_id) not in repr([o.label for o in page.service_options])


def test_the_list_shows_each_itinerarys_last_total_and_margin() -> None:
    _contract, token, trip_id, _stay = _with_stay()
    listing = _state(ItinerariesState, token, "/itineraries")
    plain(ItinerariesState.load)(listing)
    (row,) = listing.rows
    assert (row.total, row.margin) == ("", "")
    page = _builder(token, trip_id)
    plain(ItineraryState.price)(page)
    plain(ItinerariesState.load)(listing)
    (row,) = listing.rows
    # 2 nights at the contract's sell (10,800) over its net (9,000): 3,600 margin
    assert (row.total, row.margin, row.partial) == ("₹21,600.00", "₹3,600.00 (16.7 %)", False)


def test_the_vehicles_a_party_fills_are_said_in_words() -> None:
    from travelcrm.ui.pages.itineraries.state import vehicles_text

    assert vehicles_text(5, 4) == "2 vehicles: 5 people, 4 seats each"
    assert vehicles_text(4, 4) == "1 vehicle: 4 people, 4 seats each"
    assert vehicles_text(1, None) == "1 vehicle for 1 person"

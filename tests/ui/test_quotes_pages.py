"""The quote pages' handlers called straight, as a websocket event would call them: the
signed-out go to sign-in, another agency's quote is "not found" whatever its id, and the
agent's path: "Create quote" on a frozen itinerary, the quote in the agency's money and dates,
the draft's terms with each problem at its field, Send, Record acceptance (the query is won),
Revise and the versions side by side, and the list filtered by state."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from reflex.istate.data import RouterData

from tests.quotes.factories import frozen_trip, make_quote, query_status
from tests.rates.factories import agency_context
from tests.ui.harness import said, signed_in_token, specs
from travelcrm.accounts.models import User
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.ui.events import plain
from travelcrm.ui.pages.quotes.list_state import CreateQuoteState, QuotesState
from travelcrm.ui.pages.quotes.state import QuoteState

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


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


def _email(ctx: TenantContext) -> str:
    with tenant_scope(ctx) as session:
        return session.get(User, ctx.user_id).email  # type: ignore[union-attr]


def _page(token: str, quote_id: object) -> Any:
    page = _state(QuoteState, token, f"/quotes/{quote_id}", {"id": str(quote_id)})
    plain(QuoteState.load)(page)
    return page


def test_signed_out_visitors_go_to_sign_in() -> None:
    listing = _state(QuotesState, "", "/quotes")
    assert _redirect(plain(QuotesState.load)(listing)).startswith("/login")
    some_id = str(uuid.uuid4())
    page = _state(QuoteState, "", f"/quotes/{some_id}", {"id": some_id})
    assert _redirect(plain(QuoteState.load)(page)).startswith("/login")
    assert not page.found and page.groups == []


def test_another_agencys_quote_is_not_found_and_nothing_of_it_shows() -> None:
    theirs = frozen_trip()
    their_quote = make_quote(theirs.ctx, theirs.itinerary_id)
    mine = agency_context()
    token = signed_in_token(_email(mine))
    page = _page(token, their_quote)
    assert page.loaded and page.allowed and not page.found
    assert (page.reference, page.groups, page.total) == ("", [], "")
    answers = [
        said(plain(QuoteState.send)(page)),
        said(plain(QuoteState.accept)(page)),
        said(plain(QuoteState.revise)(page)),
        said(plain(QuoteState.save_terms)(page, {"terms": "mine"})),
    ]
    assert all("Quote not found." in a for a in answers), answers
    assert "Rahul" not in repr(page.dict())
    creating = _state(CreateQuoteState, token, "/itineraries/x")
    assert "not found" in said(
        plain(CreateQuoteState.create_from)(creating, str(theirs.itinerary_id))
    )
    listing = _state(QuotesState, token, "/quotes")
    plain(QuotesState.load)(listing)
    assert listing.rows == []


def test_an_agent_makes_sends_and_records_acceptance_then_revises() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    token = signed_in_token(_email(ctx))
    creating = _state(CreateQuoteState, token, f"/itineraries/{trip.itinerary_id}")
    plain(CreateQuoteState.check)(creating)
    assert creating.can_create
    result = plain(CreateQuoteState.create_from)(creating, str(trip.itinerary_id))
    href = _redirect(result)
    assert href.startswith("/quotes/") and "made as a draft" in said(result)
    quote_id = href.rsplit("/", 1)[1]

    page = _page(token, quote_id)
    assert page.found and page.draft and page.can_edit and page.state_text == "Draft"
    assert page.reference.endswith("-Q-2027-0001") and page.version == 1
    assert [g.label for g in page.groups] == ["Day 1: Arrival in Goa", "Day 2", "Day 3"]
    assert page.groups[0].amount == "₹42,000.00"
    assert page.groups[2].lines[1].optional and page.groups[2].lines[1].amount == "₹2,500.00"
    assert (page.total, page.per_person) == ("₹54,500.00", "₹18,166.67")
    facts = {f.label: f.value for f in page.facts}
    assert facts["Valid until"] == "15 Mar 2027" and facts["Customer"] == "Rahul Mehta"
    assert facts["Trip"].startswith("10 Jun") and facts["Trip"].endswith("12 Jun 2027")
    assert [(p.label, p.due, p.amount) for p in page.payments] == [
        ("Deposit, on acceptance", "On acceptance", "₹13,625.00"),
        ("Balance", "11 May 2027", "₹40,875.00"),
    ]

    # the draft's terms: every problem at its field in one pass, then saved
    bad = {
        **page.terms_form,
        "valid_until": "",
        "deposit_value": "lots",
        "instalments": "40",
        "grouping": "by colour",
    }
    assert "need attention" in said(plain(QuoteState.save_terms)(page, bad))
    assert set(page.terms_errors) == {"valid_until", "deposit_value", "instalments", "grouping"}
    past = {**page.terms_form, "valid_until": "2027-02-01"}
    plain(QuoteState.save_terms)(page, past)
    assert set(page.terms_errors) == {"valid_until"}
    good = {
        **page.terms_form,
        "grouping": "package",
        "instalments": "1",
        "terms": "Pay by bank transfer.",
    }
    assert "Saved" in said(plain(QuoteState.save_terms)(page, good))
    assert page.terms_errors == {} and page.package and len(page.payments) == 3
    assert page.groups[0].lines[0].amount == ""  # one package price: no breakdown

    # Send: locked, the query quoted
    plain(QuoteState.set_send_open)(page, True)
    assert "Sent" in said(plain(QuoteState.send)(page))
    assert page.state_text == "Sent" and not page.draft and page.waiting and not page.send_open
    assert query_status(ctx, trip.query_id) == "quoted"
    assert page.terms == "Pay by bank transfer."
    refused = plain(QuoteState.save_terms)(page, {**good, "terms": "after sending"})
    assert "can no longer change" in said(refused)

    # Revise: v2 as a draft, beside v1
    result = plain(QuoteState.revise)(page)
    v2_href = _redirect(result)
    assert v2_href.startswith("/quotes/") and v2_href != href
    v2 = _page(token, v2_href.rsplit("/", 1)[1])
    assert v2.version == 2 and v2.draft and v2.compared_with == "v1"
    assert [(v.label, v.state, v.current) for v in v2.versions] == [
        ("v1", "Superseded", False),
        ("v2", "Draft", True),
    ]
    plain(QuoteState.save_terms)(v2, {**v2.terms_form, "exclusions": "Visa fees"})
    assert [(c.label, c.before, c.after) for c in v2.changes] == [("Exclusions", "—", "Visa fees")]
    plain(QuoteState.send)(v2)
    assert "acceptance recorded" in said(plain(QuoteState.accept)(v2)).lower()
    assert v2.state_text == "Accepted" and not v2.revisable
    assert query_status(ctx, trip.query_id) == "won"

    listing = _state(QuotesState, token, "/quotes")
    plain(QuotesState.load)(listing)
    assert [(r.reference.rsplit(" ", 1)[1], r.state) for r in listing.rows] == [
        ("v2", "Accepted"),
        ("v1", "Superseded"),
    ]
    assert listing.rows[0].total == "₹54,500.00" and listing.rows[0].customer == "Rahul Mehta"
    plain(QuotesState.set_state_filter)(listing, "superseded")
    assert [r.state for r in listing.rows] == ["Superseded"]
    plain(QuotesState.set_state_filter)(listing, "nonsense")
    assert listing.state_filter == "" and len(listing.rows) == 2


def test_a_declined_quote_keeps_the_customers_words() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    token = signed_in_token(_email(ctx))
    quote_id = make_quote(ctx, trip.itinerary_id)
    page = _page(token, quote_id)
    plain(QuoteState.send)(page)
    plain(QuoteState.set_decline_open)(page, True)
    assert "Decline recorded" in said(plain(QuoteState.decline)(page, {"reason": "Too dear"}))
    assert page.state_text == "Declined" and not page.decline_open and page.revisable
    assert {f.label: f.value for f in page.facts}["Why declined"] == "Too dear"

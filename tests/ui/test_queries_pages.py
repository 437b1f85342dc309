"""The query, customer and query-settings pages' handlers called straight — as a crafted
websocket event would call them — with another agency's ids, by an agent on the managers'
handlers, and from a browser whose session ended. Nothing changes; another agency's ids are
"not found" and nothing of theirs reaches the page's state; the signed-out go to the login page.

The handlers run on real state objects, against the run's database, with the session cookie in
the router data exactly as the websocket connection carries it."""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from reflex.istate.data import RouterData
from sqlmodel import select

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.queries.factories import trip
from tests.ui.harness import said as _said
from tests.ui.harness import signed_in_token as _signed_in
from tests.ui.harness import specs as _specs
from travelcrm.accounts import services as accounts
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.errors import FieldError, ValidationFailedError
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.customers.models import Customer, Traveller
from travelcrm.customers.schemas import CustomerCreate, TravellerIn
from travelcrm.db import system_scope, tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries.models import AgentProfile, LostReason, Query, QuerySettings
from travelcrm.queries.schemas import QuerySettingsIn
from travelcrm.timeline.models import TimelineEvent
from travelcrm.ui.events import plain
from travelcrm.ui.pages.customers.list_state import CustomersState
from travelcrm.ui.pages.customers.state import CustomerState, TravellerRow
from travelcrm.ui.pages.queries.board_state import BoardState
from travelcrm.ui.pages.queries.list_state import QueriesState
from travelcrm.ui.pages.queries.new_state import NewQueryState
from travelcrm.ui.pages.queries.settings_state import (
    AgentRow,
    QuerySettingsState,
    clock_text,
    holiday,
    schema_messages,
    service_messages,
    targets_of,
)
from travelcrm.ui.pages.queries.state import QueryState
from travelcrm.ui.pages.queries.workload_state import WorkloadState

# ---- plumbing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    owner: TenantContext
    email: str
    slug: str


@dataclass(frozen=True)
class Data:
    """One agency's customer (with a traveller and a duplicate) and a pending query."""

    customer_id: uuid.UUID
    duplicate_id: uuid.UUID
    traveller_id: uuid.UUID
    query_id: uuid.UUID
    name: str


def _agency() -> Agency:
    result = _verified()
    owner = TenantContext(result.tenant.id, result.user.id, Role.OWNER)
    return Agency(owner, result.user.email, result.tenant.slug)


def _colleague(agency: Agency, role: Role, name: str) -> tuple[str, TenantContext]:
    email = f"{role.value}.{secrets.token_hex(3)}.{agency.slug}@example.com"
    with system_scope() as session:
        user = accounts.add_member(
            session,
            tenant_id=agency.owner.tenant_id,
            email=email,
            name=name,
            password=PASSWORD,
            role=role,
            verified=True,
        )
        return email, TenantContext(agency.owner.tenant_id, user.id, role)


def _data(ctx: TenantContext, name: str) -> Data:
    email = f"{name.split()[0].lower()}.{secrets.token_hex(3)}@example.com"
    with tenant_scope(ctx) as session:
        customer = customers.create_customer(
            session, ctx, data=CustomerCreate(name=name, email=email, city="Pune")
        )
        duplicate = customers.create_customer(
            session,
            ctx,
            data=CustomerCreate(name=f"{name} (2)", email=email, allow_duplicate=True),
        )
        traveller = customers.add_traveller(
            session, ctx, customer_id=customer.id, data=TravellerIn(name=f"{name} junior")
        )
        query, _created = queries.create_query(
            session, ctx, data=trip(contact=None, customer_id=customer.id)
        )
        return Data(customer.id, duplicate.id, traveller.id, query.id, name)


def _snapshot(ctx: TenantContext) -> dict[str, Any]:
    """Everything of an agency the handlers here could touch."""
    with tenant_scope(ctx) as session:
        return {
            "queries": sorted(
                (str(q.id), q.status, str(q.assigned_to), q.row_version, q.lost_reason)
                for q in session.exec(select(Query))
            ),
            "events": len(session.exec(select(TimelineEvent)).all()),
            "customers": sorted(
                (str(c.id), c.name, c.city, c.row_version, str(c.merged_into_id))
                for c in session.exec(select(Customer))
            ),
            "travellers": sorted(
                (str(t.id), str(t.customer_id)) for t in session.exec(select(Traveller))
            ),
            "reasons": sorted((r.label, r.is_active) for r in session.exec(select(LostReason))),
            "settings": [
                (
                    s.assignment_rule,
                    s.agents_see_all,
                    s.working_days,
                    s.opens,
                    s.closes,
                    s.holidays,
                    s.first_response_hours,
                    s.follow_up_hours,
                )
                for s in session.exec(select(QuerySettings))
            ],
            "profiles": sorted(
                (str(p.user_id), p.skills, p.workload_cap, p.on_leave_until)
                for p in session.exec(select(AgentProfile))
            ),
        }


def _state(
    cls: type,
    token: str,
    path: str,
    *,
    route: str | None = None,
    params: dict[str, str] | None = None,
    query: str = "",
) -> Any:
    state = cls(_reflex_internal_init=True)
    state.router = RouterData.from_router_data(
        {
            "headers": {
                "cookie": f"{SESSION_COOKIE}={token}" if token else "",
                "origin": "http://x",
            },
            "pathname": route or path,
            "asPath": path + (f"?{query}" if query else ""),
            "query": params or {},
        }
    )
    return state


def _redirect(result: Any) -> str:
    for spec in _specs(result):
        if spec.handler.fn.__qualname__ == "_redirect":
            return str(spec.args[0][1]._var_value)
    return ""


def _no_leak(state: Any, *needles: object, sent: tuple[str, ...] = ()) -> None:
    """None of another agency's names or ids in any of the page state's variables (but those
    in `sent`: what the caller itself gave, e.g. the id in the address, or a state set up by
    the test)."""
    cls = type(state)
    backend = [n for n in cls.__annotations__ if n.startswith("_") and not n.startswith("__")]
    names = [n for n in (*cls.base_vars, *backend) if n != "router" and n not in sent]
    text = repr({name: getattr(state, name) for name in names})
    for needle in needles:
        assert str(needle) not in text, f"{needle} leaked into {cls.__name__}"


def _theirs(data: Data, *more: object) -> tuple[object, ...]:
    return (
        data.name,
        data.customer_id,
        data.duplicate_id,
        data.traveller_id,
        data.query_id,
        *more,
    )


# ---- another agency's ids -----------------------------------------------------------------------


def test_query_pages_answer_not_found_for_another_agencys_ids(migrated_engine) -> None:
    mine, theirs = _agency(), _agency()
    tag = secrets.token_hex(3)
    my_data = _data(mine.owner, f"Mira {tag}")
    their_data = _data(theirs.owner, f"Zara {tag}")
    _email, their_agent = _colleague(theirs, Role.AGENT, f"Theo {tag}")
    leaks = _theirs(their_data, f"Theo {tag}", their_agent.user_id)
    before, mine_before = _snapshot(theirs.owner), _snapshot(mine.owner)
    token = _signed_in(mine.email)

    # their query by its address: not found, nothing of it on the page
    page = _state(
        QueryState,
        token,
        f"/queries/{their_data.query_id}",
        route="/queries/[id]",
        params={"id": str(their_data.query_id)},
    )
    plain(QueryState.load)(page)
    assert page.loaded and page.allowed and not page.found
    assert (page.reference, page.title, page.timeline, page.colleagues) == ("", "", [], [])
    # every handler of the page, at their id (and their version: only the agency refuses)
    page.version = 1
    plain(QueryState.tick)(page)
    said = [
        _said(plain(QueryState.move)(page, "assigned")),
        _said(plain(QueryState.move)(page, "won")),
        _said(plain(QueryState.reassign)(page, str(their_agent.user_id))),
        _said(plain(QueryState.reassign)(page, str(mine.owner.user_id))),
        _said(plain(QueryState.add_note)(page, {"body": "Sent three Goa options."})),
    ]
    assert all("Query not found." in s for s in said), said
    plain(QueryState.move)(page, "lost")  # asks why, with my agency's reasons
    plain(QueryState.set_lost_reason)(page, "Price too high")
    assert "Query not found." in _said(plain(QueryState.confirm_lost)(page))
    plain(QueryState.move)(page, "cancelled")
    assert "Query not found." in _said(plain(QueryState.confirm_cancel)(page))
    assert not page.found
    _no_leak(page, *leaks, sent=("query_id",))

    # my query: their agent is no colleague of mine
    mine_page = _state(
        QueryState,
        token,
        f"/queries/{my_data.query_id}",
        route="/queries/[id]",
        params={"id": str(my_data.query_id)},
    )
    plain(QueryState.load)(mine_page)
    assert mine_page.found and mine_page.can_assign
    said_reassign = _said(plain(QueryState.reassign)(mine_page, str(their_agent.user_id)))
    assert "No such colleague in this agency." in said_reassign
    _no_leak(mine_page, *leaks)

    # the board: their query is no card of mine, by drop or by a state that says it is
    board = _state(BoardState, token, "/queries/board")
    plain(BoardState.load)(board)
    assert plain(BoardState.move)(board, "quoted", str(their_data.query_id)) is None
    board._lost_query = str(their_data.query_id)
    board.reasons, board.lost_reason = ["Price too high"], "Price too high"
    assert "no longer on the board" in _said(plain(BoardState.confirm_lost)(board))
    mine_card = board.cards["pending"][0]
    board.cards["pending"] = [dataclasses.replace(mine_card, query_id=str(their_data.query_id))]
    assert "Query not found." in _said(
        plain(BoardState.move)(board, "assigned", str(their_data.query_id))
    )
    _no_leak(board, *leaks, sent=("_lost_query",))

    # the list: their queries are not found by any filter or search
    listing = _state(QueriesState, token, "/queries")
    plain(QueriesState.load)(listing)
    plain(QueriesState.set_view)(listing, "all")
    assert [r.href for r in listing.rows] == [f"/queries/{my_data.query_id}"]
    plain(QueriesState.set_q)(listing, "Zara")
    assert listing.rows == []
    plain(QueriesState.set_status)(listing, "pending")
    plain(QueriesState.clear_filters)(listing)
    listing._next_cursor = "forged"
    plain(QueriesState.next_page)(listing)
    _no_leak(listing, *leaks)

    # a new query: their customer is neither offered nor taken
    new = _state(
        NewQueryState,
        token,
        "/queries/new",
        query=f"customer={their_data.customer_id}",
    )
    plain(NewQueryState.load)(new)
    assert new.allowed and new.customer_id == "" and new.customer_name == ""
    plain(NewQueryState.search_customers)(new, "Zara")
    assert new.matches == []
    plain(NewQueryState.pick_customer)(new, str(their_data.customer_id))
    assert new.customer_id == ""
    _no_leak(new, *leaks)
    new.customer_id, new.customer_name = str(their_data.customer_id), "Zara"
    year = date.today().year + 1
    form = {
        "destinations": "Goa",
        "start_date": f"{year}-02-10",
        "end_date": f"{year}-02-15",
        "adults": "2",
    }
    assert "Customer not found." in _said(plain(NewQueryState.save)(new, form))

    # the workload: my agency's agents only
    workload = _state(WorkloadState, token, "/queries/workload")
    plain(WorkloadState.load)(workload)
    plain(WorkloadState.refresh)(workload)
    assert workload.allowed
    _no_leak(workload, *leaks)

    assert _snapshot(theirs.owner) == before
    assert _snapshot(mine.owner)["queries"] == mine_before["queries"]


def test_customer_pages_answer_not_found_for_another_agencys_ids(migrated_engine) -> None:
    mine, theirs = _agency(), _agency()
    tag = secrets.token_hex(3)
    my_data = _data(mine.owner, f"Mira {tag}")
    their_data = _data(theirs.owner, f"Zara {tag}")
    leaks = _theirs(their_data, f"Zara {tag} junior")
    before, mine_before = _snapshot(theirs.owner), _snapshot(mine.owner)
    token = _signed_in(mine.email)

    # their customer by its address: not found, nothing of them on the page
    page = _state(
        CustomerState,
        token,
        f"/customers/{their_data.customer_id}",
        route="/customers/[id]",
        params={"id": str(their_data.customer_id)},
    )
    plain(CustomerState.load)(page)
    assert page.loaded and page.allowed and not page.found
    assert (page.name, page.facts, page.travellers, page.queries) == ("", [], [], [])
    page.version = 1
    said = [
        _said(plain(CustomerState.save)(page, {"name": "Hijacked", "city": "Goa"})),
        _said(plain(CustomerState.add_traveller)(page, {"name": "Intruder"})),
        _said(plain(CustomerState.set_merge_open)(page, True)),
        _said(plain(CustomerState.set_merge_q)(page, "Zara")),
    ]
    assert all("Customer not found." in s for s in said), said
    assert not page.merge_open and page.candidates == []
    assert "not in this list" in _said(
        plain(CustomerState.remove_traveller)(page, str(their_data.traveller_id))
    )
    page.travellers = [TravellerRow(str(their_data.traveller_id), "Zara junior", "", "", "")]
    assert "not found" in _said(
        plain(CustomerState.remove_traveller)(page, str(their_data.traveller_id))
    )
    page.merge_pick = str(their_data.duplicate_id)
    assert "Customer not found." in _said(plain(CustomerState.merge)(page))
    _no_leak(page, *leaks, sent=("customer_id", "travellers", "merge_pick"))

    # my customer: their customers are no duplicates, their traveller is not mine to remove
    mine_page = _state(
        CustomerState,
        token,
        f"/customers/{my_data.customer_id}",
        route="/customers/[id]",
        params={"id": str(my_data.customer_id)},
    )
    plain(CustomerState.load)(mine_page)
    assert mine_page.found and mine_page.can_merge
    plain(CustomerState.set_merge_open)(mine_page, True)
    assert [c.customer_id for c in mine_page.candidates] == [str(my_data.duplicate_id)]
    plain(CustomerState.set_merge_q)(mine_page, "Zara")
    plain(CustomerState.pick_duplicate)(mine_page, str(their_data.customer_id))
    assert mine_page.merge_pick == ""
    mine_page.merge_pick = str(their_data.customer_id)
    assert "Customer not found." in _said(plain(CustomerState.merge)(mine_page))
    mine_page.travellers = [
        *mine_page.travellers,
        TravellerRow(str(their_data.traveller_id), "Zara junior", "", "", ""),
    ]
    assert "Traveller not found." in _said(
        plain(CustomerState.remove_traveller)(mine_page, str(their_data.traveller_id))
    )
    _no_leak(mine_page, *leaks, sent=("merge_pick",))

    # the list: searching finds none of theirs
    listing = _state(CustomersState, token, "/customers")
    plain(CustomersState.load)(listing)
    assert {r.customer_id for r in listing.rows} == {
        str(my_data.customer_id),
        str(my_data.duplicate_id),
    }
    plain(CustomersState.set_q)(listing, "Zara")
    assert listing.rows == []
    listing._next_cursor = "forged"
    plain(CustomersState.next_page)(listing)
    _no_leak(listing, *leaks)

    assert _snapshot(theirs.owner) == before
    after = _snapshot(mine.owner)
    assert (after["customers"], after["travellers"]) == (
        mine_before["customers"],
        mine_before["travellers"],
    )


def test_settings_handlers_refuse_another_agencys_agent(migrated_engine) -> None:
    mine, theirs = _agency(), _agency()
    tag = secrets.token_hex(3)
    manager_email, _manager = _colleague(mine, Role.MANAGER, f"Manu {tag}")
    _email, their_agent = _colleague(theirs, Role.AGENT, f"Theo {tag}")
    before = _snapshot(theirs.owner)
    page = _state(QuerySettingsState, _signed_in(manager_email), "/queries/settings")
    plain(QuerySettingsState.load)(page)
    assert page.allowed and page.agents == []
    page.agents = [
        AgentRow(str(their_agent.user_id), "Theo", False, False, "goa", "3", "", ""),
    ]
    said = _said(plain(QuerySettingsState.save)(page, "agents"))
    assert "No such colleague in this agency." in said
    assert _snapshot(theirs.owner) == before
    with tenant_scope(mine.owner) as session:
        assert session.exec(select(AgentProfile)).all() == []


# ---- an agent on the managers' handlers ---------------------------------------------------------


def test_an_agent_is_refused_the_managers_handlers(migrated_engine) -> None:
    agency = _agency()
    tag = secrets.token_hex(3)
    data = _data(agency.owner, f"Mira {tag}")
    agent_email, _agent = _colleague(agency, Role.AGENT, f"Kavya {tag}")
    _email, colleague = _colleague(agency, Role.AGENT, f"Cara {tag}")
    with tenant_scope(agency.owner) as session:
        queries.query_settings(session, agency.owner)  # the defaults, saved
    before = _snapshot(agency.owner)
    token = _signed_in(agent_email)
    refused = "Your role (agent) does not allow"

    # reassigning an (unassigned, so visible) query
    page = _state(
        QueryState,
        token,
        f"/queries/{data.query_id}",
        route="/queries/[id]",
        params={"id": str(data.query_id)},
    )
    plain(QueryState.load)(page)
    assert page.found and not page.can_assign
    assert refused in _said(plain(QueryState.reassign)(page, str(colleague.user_id)))

    # merging a duplicate customer
    customer = _state(
        CustomerState,
        token,
        f"/customers/{data.customer_id}",
        route="/customers/[id]",
        params={"id": str(data.customer_id)},
    )
    plain(CustomerState.load)(customer)
    assert customer.found and not customer.can_merge
    customer.merge_pick, customer.merge_pick_name = str(data.duplicate_id), "Mira (2)"
    assert refused in _said(plain(CustomerState.merge)(customer))

    # the workload page
    workload = _state(WorkloadState, token, "/queries/workload")
    plain(WorkloadState.load)(workload)
    assert not workload.allowed and workload.agents == []
    plain(WorkloadState.refresh)(workload)
    assert workload.agents == []

    # the settings page: nothing shown, and a state that believes it may save is refused
    settings = _state(QuerySettingsState, token, "/queries/settings")
    plain(QuerySettingsState.load)(settings)
    assert settings.loaded and not settings.allowed
    assert (settings.reasons, settings.agents, settings.holidays) == ([], [], [])
    settings.allowed = True
    settings.rule, settings.working_days = "skill", [0, 1, 2, 3, 4, 5]
    settings.opens, settings.closes = "08:00", "20:00"
    settings.first_response = targets_of({})
    settings.follow_up = targets_of({})
    assert refused in _said(plain(QuerySettingsState.save)(settings, "assignment"))
    plain(QuerySettingsState.add_reason)(settings, {"reason": "Too far"})
    assert refused in _said(plain(QuerySettingsState.save)(settings, "reasons"))
    settings.agents = [
        AgentRow(str(colleague.user_id), "Cara", True, False, "goa", "1", "2030-01-01", "")
    ]
    assert refused in _said(plain(QuerySettingsState.save)(settings, "agents"))
    plain(QuerySettingsState.discard)(settings, "hours")
    assert settings.reasons == []

    assert _snapshot(agency.owner) == before


# ---- a manager on the settings page -------------------------------------------------------------


def test_the_settings_page_shows_saves_and_names_what_is_wrong(migrated_engine) -> None:
    agency = _agency()
    tag = secrets.token_hex(3)
    manager_email, _manager = _colleague(agency, Role.MANAGER, f"Manu {tag}")
    _email, agent = _colleague(agency, Role.AGENT, f"Kavya {tag}")
    token = _signed_in(manager_email)
    page = _state(QuerySettingsState, token, "/queries/settings")
    plain(QuerySettingsState.load)(page)
    assert page.allowed and not page.dirty
    assert (page.rule, page.working_days, page.opens, page.closes) == (
        "round_robin",
        [0, 1, 2, 3, 4],
        "09:00",
        "18:00",
    )
    assert page.first_response == {"urgent": "1", "high": "4", "normal": "24", "low": "48"}
    assert "Price too high" in page.reasons and page.timezone == "Asia/Kolkata"
    assert [(a.name, a.cap, a.skills) for a in page.agents] == [(f"Kavya {tag}", "25", "")]

    # edits stay on the page until saved; holidays are checked as they are added
    plain(QuerySettingsState.set_rule)(page, "skill")
    plain(QuerySettingsState.set_rule)(page, "by_magic")
    plain(QuerySettingsState.toggle_day)(page, 5)
    plain(QuerySettingsState.toggle_day)(page, 9)
    plain(QuerySettingsState.set_agents_see_all)(page, True)
    plain(QuerySettingsState.add_holiday)(page)
    assert page.errors["holidays"] == "Choose the date to add."
    for day in ("2027-12-25", "2027-01-26", "2027-12-25"):
        plain(QuerySettingsState.set_new_holiday)(page, day)
        plain(QuerySettingsState.add_holiday)(page)
    assert page.errors["holidays"] == "Sat, 25 Dec 2027 is a holiday already."
    assert [h.day for h in page.holidays] == ["2027-01-26", "2027-12-25"]
    plain(QuerySettingsState.set_target)(page, "first_response", "low", "0.5")
    assert page.dirty and page.rule == "skill" and page.working_days == [0, 1, 2, 3, 4, 5]
    assert page.unsaved == ["assignment", "hours", "sla"]

    # the service's check: a lower priority may not have a shorter target
    assert "need attention" in _said(plain(QuerySettingsState.save)(page, "sla"))
    assert page.errors["first_response"].startswith("The low target (30m) is shorter than")
    plain(QuerySettingsState.set_target)(page, "first_response", "low", "abc")
    plain(QuerySettingsState.set_opens)(page, "9am")
    plain(QuerySettingsState.save)(page, "hours")
    plain(QuerySettingsState.save)(page, "sla")
    assert page.errors["first_response.low"] == "Give hours above 0 and at most 720."
    assert page.errors["opens"] == "Use a time as HH:MM, e.g. 09:00."
    plain(QuerySettingsState.set_opens)(page, "18:00")
    plain(QuerySettingsState.set_closes)(page, "09:00")
    plain(QuerySettingsState.set_target)(page, "first_response", "low", "72")
    plain(QuerySettingsState.save)(page, "hours")
    assert page.errors == {
        "hours": "Opening must be before closing (closing at 00:00 is midnight)."
    }
    plain(QuerySettingsState.set_opens)(page, "08:30")
    plain(QuerySettingsState.set_closes)(page, "00:00")
    # a section saves alone: the others keep their edits, still unsaved
    assert "Business hours saved." in _said(plain(QuerySettingsState.save)(page, "hours"))
    assert page.errors == {} and page.unsaved == ["assignment", "sla"]
    assert page.rule == "skill" and page.first_response["low"] == "72"
    fresh = _state(QuerySettingsState, token, "/queries/settings")
    plain(QuerySettingsState.load)(fresh)
    assert (fresh.opens, fresh.rule, fresh.first_response["low"]) == ("08:30", "round_robin", "48")
    assert "SLA targets saved." in _said(plain(QuerySettingsState.save)(page, "sla"))
    assert "Assignment saved." in _said(plain(QuerySettingsState.save)(page, "assignment"))
    assert page.errors == {} and not page.dirty

    # a fresh page reads it all back
    again = _state(QuerySettingsState, token, "/queries/settings")
    plain(QuerySettingsState.load)(again)
    assert (again.rule, again.agents_see_all, again.working_days) == (
        "skill",
        True,
        [0, 1, 2, 3, 4, 5],
    )
    assert (again.opens, again.closes) == ("08:30", "00:00")
    assert [h.label for h in again.holidays] == ["Tue, 26 Jan 2027", "Sat, 25 Dec 2027"]
    assert again.first_response["low"] == "72"
    plain(QuerySettingsState.remove_holiday)(again, "2027-01-26")
    plain(QuerySettingsState.set_rule)(again, "least_loaded")
    assert again.unsaved == ["assignment", "hours"]
    plain(QuerySettingsState.discard)(again, "hours")
    assert len(again.holidays) == 2 and again.unsaved == ["assignment"]
    assert again.rule == "least_loaded"

    # lost reasons: listed as new until the section is saved, tidied, not twice
    plain(QuerySettingsState.add_reason)(page, {"reason": "   "})
    assert page.reason_error.startswith("Write the reason")
    plain(QuerySettingsState.add_reason)(page, {"reason": "  Chose a   cheaper package"})
    assert page.new_reasons == ["Chose a cheaper package"] and page.unsaved == ["reasons"]
    assert "Chose a cheaper package" not in page.reasons
    plain(QuerySettingsState.add_reason)(page, {"reason": "Chose a cheaper package"})
    assert page.reason_error == "That reason is on the list already."
    plain(QuerySettingsState.add_reason)(page, {"reason": "x" * 121})
    assert page.reason_error == "At most 120 characters."
    said = _said(plain(QuerySettingsState.save)(page, "reasons"))
    assert "added to the lost reasons" in said and "Chose a cheaper package" in page.reasons
    assert page.new_reasons == [] and not page.dirty

    # an agent's profile, row by row
    user_id = str(agent.user_id)
    plain(QuerySettingsState.set_agent_field)(page, user_id, "cap", "0")
    assert page.unsaved == ["agents"]
    plain(QuerySettingsState.save)(page, "agents")
    assert page.agents[0].error == "The workload cap is a whole number from 1 to 500."
    plain(QuerySettingsState.set_agent_field)(page, user_id, "skills", "Goa, Kerala, goa, Hindi")
    plain(QuerySettingsState.set_agent_field)(page, user_id, "cap", "12")
    plain(QuerySettingsState.set_agent_field)(page, user_id, "leave_until", "2030-01-31")
    plain(QuerySettingsState.set_agent_field)(page, user_id, "name", "Renamed")
    assert page.agents[0].error == "" and page.agents[0].name == f"Kavya {tag}"
    assert f"Kavya {tag}'s profile saved." in _said(plain(QuerySettingsState.save)(page, "agents"))
    assert (page.agents[0].skills, page.agents[0].cap, page.agents[0].leave_until) == (
        "goa, kerala, hindi",
        "12",
        "2030-01-31",
    )
    assert page.agents[0].on_leave and not page.dirty
    page.agents = [*page.agents, AgentRow("not-an-id", "Nobody", False, False, "", "3", "", "")]
    assert "not in this list" in _said(plain(QuerySettingsState.save)(page, "agents"))


def test_the_settings_words() -> None:
    assert targets_of({"urgent": 0.5}) == {
        "urgent": "0.5",
        "high": "4",
        "normal": "24",
        "low": "48",
    }
    assert clock_text("24:00") == "00:00" and clock_text("18:30") == "18:30"
    assert holiday(date(2026, 10, 2)).label == "Fri, 2 Oct 2026"
    with pytest.raises(ValidationError) as info:
        QuerySettingsIn.model_validate(
            {
                "assignment_rule": "skill",
                "working_days": [],
                "opens": "9",
                "closes": "18:00",
                "holidays": ["someday"],
                "first_response_hours": {"urgent": "0"},
            }
        )
    assert schema_messages(info.value) == {
        "working_days": "Choose at least one working day.",
        "opens": "Use a time as HH:MM, e.g. 09:00.",
        "holidays": "At most 100 holidays, each a date.",
        "first_response.urgent": "Give hours above 0 and at most 720.",
        "first_response": "Urgent: give hours above 0, at most 720.",
    }
    problem = ValidationFailedError(
        "These settings do not work: follow-up: missing a target for low.",
        errors=[FieldError("settings", "follow-up: missing a target for low")],
    )
    assert service_messages(problem) == {"follow_up": "Missing a target for low."}
    odd = ValidationFailedError("These settings do not work: unknown timezone 'Mars/Base'.")
    assert service_messages(odd) == {
        "settings": "These settings do not work: unknown timezone 'Mars/Base'."
    }


# ---- signed out, or the session ended -----------------------------------------------------------

HANDLERS: list[tuple[type, str, tuple[Any, ...]]] = [
    (QueriesState, "load", ()),
    (QueriesState, "set_view", ("all",)),
    (QueriesState, "set_q", ("goa",)),
    (QueriesState, "set_status", ("pending",)),
    (QueriesState, "set_sort", ("urgency",)),
    (QueriesState, "clear_filters", ()),
    (QueriesState, "next_page", ()),
    (QueriesState, "previous_page", ()),
    (QueryState, "load", ()),
    (QueryState, "tick", ()),
    (QueryState, "move", ("won",)),
    (QueryState, "confirm_lost", ()),
    (QueryState, "confirm_cancel", ()),
    (QueryState, "reassign", ("{user}",)),
    (QueryState, "add_note", ({"body": "hello"},)),
    (BoardState, "load", ()),
    (BoardState, "move", ("won", "{query}")),
    (BoardState, "confirm_lost", ()),
    (NewQueryState, "load", ()),
    (NewQueryState, "search_customers", ("Mira",)),
    (NewQueryState, "save", ({"destinations": "Goa"},)),
    (WorkloadState, "load", ()),
    (WorkloadState, "refresh", ()),
    (CustomersState, "load", ()),
    (CustomersState, "set_q", ("Mira",)),
    (CustomersState, "next_page", ()),
    (CustomersState, "previous_page", ()),
    (CustomersState, "create", ({"name": "Someone New"},)),
    (CustomerState, "load", ()),
    (CustomerState, "save", ({"name": "Renamed"},)),
    (CustomerState, "add_traveller", ({"name": "Anika"},)),
    (CustomerState, "remove_traveller", ("{traveller}",)),
    (CustomerState, "set_merge_open", (True,)),
    (CustomerState, "set_merge_q", ("Mira",)),
    (CustomerState, "merge", ()),
    (QuerySettingsState, "load", ()),
    (QuerySettingsState, "discard", ("hours",)),
    (QuerySettingsState, "save", ("assignment",)),
    (QuerySettingsState, "save", ("reasons",)),
    (QuerySettingsState, "save", ("agents",)),
]


@pytest.fixture(scope="module")
def ended(migrated_engine) -> tuple[Agency, Data, str]:
    """An agency with data, and the owner's session token after signing out."""
    agency = _agency()
    data = _data(agency.owner, f"Mira {secrets.token_hex(3)}")
    token = _signed_in(agency.email)
    with system_scope() as session:
        accounts.sign_out(session, raw_token=token)
    return agency, data, token


@pytest.mark.parametrize("how", ["signed-out", "ended"])
@pytest.mark.parametrize(
    ("cls", "name", "args"), HANDLERS, ids=[f"{c.__name__}.{n}" for c, n, _a in HANDLERS]
)
def test_signed_out_or_ended_sessions_go_to_login(
    ended: tuple[Agency, Data, str], how: str, cls: type, name: str, args: tuple[Any, ...]
) -> None:
    agency, data, token = ended
    before = _snapshot(agency.owner)
    ids = {
        "{user}": str(agency.owner.user_id),
        "{query}": str(data.query_id),
        "{traveller}": str(data.traveller_id),
    }
    subject = data.customer_id if cls is CustomerState else data.query_id
    state = _state(
        cls,
        token if how == "ended" else "",
        "/work",
        params={"id": str(subject)},
    )
    # as if the page had been open with data before the session ended
    if cls in (CustomerState, NewQueryState):
        state.customer_id = str(data.customer_id)
    if cls is QueryState:
        state.query_id, state.version, state.lost_reason = str(data.query_id), 1, "x"
    if cls is CustomerState:
        state.version, state.merge_pick = 1, str(data.duplicate_id)
        state.travellers = [TravellerRow(str(data.traveller_id), "Mira junior", "", "", "")]
    if cls is QuerySettingsState:
        state.agents = [AgentRow(ids["{user}"], "Priya", True, False, "", "5", "", "")]
    if cls in (QueriesState, CustomersState):
        state._next_cursor, state._cursors = "next", [None, "second"]
    real = [ids.get(a, a) if isinstance(a, str) else a for a in args]
    result = plain(getattr(cls, name))(state, *real)
    assert _redirect(result) == "/login?next=/work"
    assert _snapshot(agency.owner) == before


# ---- a page at a time ---------------------------------------------------------------------------


def test_lists_turn_pages_sending_only_the_page_on_screen(migrated_engine) -> None:
    """30 customers: page 1 has 25, page 2 the other 5 (none twice), back again is page 1;
    a filter starts over at page 1."""
    agency = _agency()
    with tenant_scope(agency.owner) as session:
        for i in range(30):
            customers.create_customer(
                session, agency.owner, data=CustomerCreate(name=f"Pager Person {i:02d}")
            )
    listing = _state(CustomersState, _signed_in(agency.email), "/customers")
    plain(CustomersState.load)(listing)
    first = [r.name for r in listing.rows]
    assert len(first) == 25 and listing.page_number == 1
    assert listing.has_more and not listing.has_previous
    assert plain(CustomersState.previous_page)(listing) is None  # nothing before the first
    assert [r.name for r in listing.rows] == first

    plain(CustomersState.next_page)(listing)
    second = [r.name for r in listing.rows]
    assert listing.page_number == 2 and listing.has_previous and not listing.has_more
    assert len(second) == 5 and not set(first) & set(second)
    assert {*first, *second} == {f"Pager Person {i:02d}" for i in range(30)}
    assert plain(CustomersState.next_page)(listing) is None  # nothing after the last
    assert listing.page_number == 2

    plain(CustomersState.previous_page)(listing)
    assert [r.name for r in listing.rows] == first and listing.page_number == 1

    plain(CustomersState.next_page)(listing)
    plain(CustomersState.set_q)(listing, "Pager Person 0")
    assert listing.page_number == 1 and not listing.has_previous
    assert sorted(r.name for r in listing.rows) == [f"Pager Person 0{i}" for i in range(10)]


def test_a_new_query_names_every_problem_in_one_submit(migrated_engine) -> None:
    """An unreadable child's age and dates in the wrong order, in one submit: both are named
    (the age used to hide the dates until the next try), and nothing is created."""
    agency = _agency()
    token = _signed_in(agency.email)
    new = _state(NewQueryState, token, "/queries/new")
    plain(NewQueryState.load)(new)
    new.new_customer, new.children = True, 1
    year = date.today().year + 1
    form = {
        "destinations": "Goa",
        "start_date": f"{year}-02-15",
        "end_date": f"{year}-02-10",
        "adults": "2",
        "child_age_0": "ten",
        "budget": "90000",
        "contact_name": "Asha Rao",
        "contact_email": "asha@example.com",
    }
    said = _said(plain(NewQueryState.save)(new, form))
    assert said
    assert "child_ages" in new.errors
    assert "end_date" in new.errors and "before" in new.errors["end_date"]
    assert "budget_currency" in new.errors
    with tenant_scope(agency.owner) as session:
        assert session.exec(select(Query)).all() == []

"""The agent's loop on the queries pages, through their states: the list's view in the address
(read back on load, written on every change), urgency order, travel dates in the agency's
locale; the query page's one SLA clock, the customer's phone and email, @mention suggestions,
and the "counts as a reply" box only for calls and emails, cleared after a save."""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from reflex.istate.data import RouterData

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.queries.factories import trip
from tests.ui.harness import signed_in_token, specs
from travelcrm.accounts import services as accounts
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.locale import use_locale
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries.schemas import ContactIn
from travelcrm.queries.sla import BusinessCalendar, SlaStatus, sla_status
from travelcrm.timeline.schemas import NoteIn
from travelcrm.ui.events import plain
from travelcrm.ui.pages.queries.list_state import ListView, QueriesState, view_from
from travelcrm.ui.pages.queries.state import QueryState
from travelcrm.ui.pages.queries.text import (
    mention_choices,
    sla_clock,
    travel_text,
    typed_mention,
    with_mention,
)

# ---- words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "same_month", "two_months"),
    [
        ("en-IN", "10\u201316 Feb 2027", "27 Feb\u2009\u2013\u20095 Mar 2027"),
        ("en-US", "Feb 10\u2009\u2013\u200916, 2027", "Feb 27\u2009\u2013\u2009Mar 5, 2027"),
    ],
    ids=["en-IN", "en-US"],
)
def test_a_list_writes_travel_dates_short(locale: str, same_month: str, two_months: str) -> None:
    use_locale(locale)
    try:
        assert travel_text(date(2027, 2, 10), date(2027, 2, 16), None, 6, short=True) == same_month
        assert travel_text(date(2027, 2, 27), date(2027, 3, 5), None, 6, short=True) == two_months
        one_day = travel_text(date(2027, 2, 10), date(2027, 2, 10), None, None, short=True)
        assert one_day == travel_text(date(2027, 2, 10), None, None, None)
    finally:
        use_locale(None)


@pytest.mark.parametrize(
    ("locale", "dates", "month"),
    [
        ("en-IN", "10 Feb 2027 \u2013 16 Feb 2027", "Mar 2027, 4 nights"),
        ("en-US", "Feb 10, 2027 \u2013 Feb 16, 2027", "Mar 2027, 4 nights"),
        ("de-DE", "10.02.2027 \u2013 16.02.2027", "M\u00e4rz 2027, 4 nights"),
    ],
    ids=["en-IN", "en-US", "de-DE"],
)
def test_travel_dates_are_written_in_the_agencys_locale(
    locale: str, dates: str, month: str
) -> None:
    use_locale(locale)
    try:
        assert travel_text(date(2027, 2, 10), date(2027, 2, 16), None, 6) == dates
        assert travel_text(None, None, "2027-03", 4) == month
        assert travel_text(None, None, "2027-03", None) == month.split(",")[0]
        assert travel_text(None, None, None, None) == ""
    finally:
        use_locale(None)


CALENDAR = BusinessCalendar(timezone="Asia/Kolkata")  # Mon-Fri 09:00-18:00


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in December 2026 in Kolkata, as UTC (the 7th is a Monday)."""
    return datetime(2026, 12, day, hour, minute) - timedelta(hours=5, minutes=30)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def test_the_sla_clock_says_time_left_and_due_time_from_the_same_instant() -> None:
    use_locale("en-IN")
    due = _utc(_at(8, 10))  # Tuesday 10:00
    during = _utc(_at(8, 9, 15))  # Tuesday 09:15: 45 minutes, in working hours
    label, when = sla_clock(sla_status(CALENDAR, due, during), during, "Asia/Kolkata")
    assert label == "45m left"
    assert when == "due Tue, 8 Dec 2026, 10:00\u202fAM"
    # Monday 17:00: one working hour today and one tomorrow; 17 hours on the clock
    evening = _utc(_at(7, 17))
    label, when = sla_clock(sla_status(CALENDAR, due, evening), evening, "Asia/Kolkata")
    assert label == "2h left in working hours"
    assert when == "due Tue, 8 Dec 2026, 10:00\u202fAM"  # the same due time
    # the same instant in another timezone is another wall-clock time
    _label, elsewhere = sla_clock(sla_status(CALENDAR, due, evening), evening, "Europe/London")
    assert elsewhere == "due Tue, 8 Dec 2026, 4:30\u202fAM"
    late = _utc(_at(8, 11))
    label, when = sla_clock(sla_status(CALENDAR, due, late), late, "Asia/Kolkata")
    assert label == "breached 1h ago"
    assert when.startswith("was due Tue, 8 Dec 2026")


def test_a_clock_at_its_due_instant_is_not_called_paused() -> None:
    due = _utc(_at(8, 12))
    status = SlaStatus(due, False, timedelta(minutes=30), timedelta(0))
    label, _when = sla_clock(status, due - timedelta(minutes=30), "Asia/Kolkata")
    assert label == "30m left"


PEOPLE = ["Aadil Khan", "Anika Rao", "Meera Iyer", "Ravi Menon"]


@pytest.mark.parametrize(
    ("body", "typed", "choices"),
    [
        ("Please @", "", PEOPLE),
        ("Please @a", "a", ["Aadil Khan", "Anika Rao"]),
        ("@ra", "ra", ["Anika Rao", "Ravi Menon"]),
        ("Ask @Meera I", "Meera I", ["Meera Iyer"]),
        ("Ask @Meera Iyer", "Meera Iyer", []),  # written in full
        ("Ask @Meera Iyer about it", "Meera Iyer about it", []),  # moved on
        ("mail me at meera@example", None, []),  # an address, not a mention
        ("Ask @Meera\nthen", None, []),
        ("No mention", None, []),
    ],
    ids=lambda v: repr(v)[:20],
)
def test_mention_suggestions_follow_what_is_typed_after_an_at(
    body: str, typed: str | None, choices: list[str]
) -> None:
    assert typed_mention(body) == typed
    assert mention_choices(body, PEOPLE) == choices


def test_a_chosen_suggestion_completes_the_mention_with_the_whole_name() -> None:
    assert with_mention("Ask @mee", "Meera Iyer") == "Ask @Meera Iyer "
    assert with_mention("Ask @", "Ravi Menon") == "Ask @Ravi Menon "
    assert with_mention("Ask", "Ravi Menon") == "Ask @Ravi Menon "


def test_the_lists_view_is_its_address_and_back() -> None:
    chosen = ListView(view="breaching", status="pending", q="goa trip", sort="urgency")
    address = chosen.address()
    assert address == "/queries?view=breaching&status=pending&q=goa+trip&sort=urgency"
    assert ListView(view="all").address() == "/queries?view=all"
    params = {"view": "breaching", "status": "pending", "q": "goa trip", "sort": "urgency"}
    assert view_from(params, ListView(view="my_open")) == chosen
    # what an address gets wrong: the saved filter and order from the fallback, any status
    odd = view_from({"view": "mine", "status": "paid", "sort": "random"}, ListView("my_open"))
    assert odd == ListView(view="my_open", status="any", q="", sort="newest")


# ---- the states ---------------------------------------------------------------------------------


def _state(cls: type, token: str, path: str, query: dict[str, str] | None = None) -> Any:
    state = cls(_reflex_internal_init=True)
    state.router = RouterData.from_router_data(
        {
            "headers": {"cookie": f"{SESSION_COOKIE}={token}", "origin": "http://x"},
            "pathname": "/queries/[id]" if path.count("/") > 1 else path,
            # the address as the browser has it (its query string is what the page reads)
            "asPath": path if path.count("/") > 1 or not query else f"{path}?{urlencode(query)}",
            "query": query or {},
        }
    )
    return state


def _addresses(result: Any) -> list[str]:
    """The addresses a handler's scripts put in the address bar (history.replaceState)."""
    args = [str(arg) for spec in specs(result) for _name, arg in spec.args]
    scripts = [code for code in (json.loads(a) for a in args if a.startswith('"')) if code]
    return [
        json.loads(re.search(r"replaceState\(window\.history\.state, '', (\".*\")\)", code)[1])
        for code in scripts
        if "replaceState" in code
    ]


@pytest.fixture(scope="module")
def agency(migrated_engine) -> tuple[TenantContext, str, dict[str, Any]]:
    """An agency (owner signed in) with a colleague and two queries: one with dates and the
    customer's phone and email, one by month."""
    result = _verified()
    owner = TenantContext(result.tenant.id, result.user.id, Role.OWNER)
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=owner.tenant_id,
            email=f"ravi.{secrets.token_hex(3)}@example.com",
            name="Ravi Menon",
            password=PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
    year = date.today().year + 1
    with tenant_scope(owner) as session:
        dated, _ = queries.create_query(
            session,
            owner,
            data=trip(
                contact=ContactIn(
                    name="Leela Nair", email="leela@example.com", phone="+919812345678"
                )
            ),
        )
        by_month, _ = queries.create_query(
            session,
            owner,
            data=trip(start_date=None, end_date=None, travel_month=f"{year}-03", nights=4),
        )
        ids = {"dated": dated.id, "by_month": by_month.id, "year": year}
    return owner, signed_in_token(result.user.email), ids


def test_the_list_reads_its_view_from_the_address_and_writes_every_change_back(
    agency: tuple[TenantContext, str, dict[str, Any]],
) -> None:
    _owner, token, ids = agency
    listing = _state(
        QueriesState, token, "/queries", {"view": "all", "sort": "urgency", "q": "Leela"}
    )
    result = plain(QueriesState.load)(listing)
    assert (listing.view, listing.sort, listing.q, listing.status) == (
        "all",
        "urgency",
        "Leela",
        "any",
    )
    assert [r.href for r in listing.rows] == [f"/queries/{ids['dated']}"]
    assert _addresses(result) == ["/queries?view=all&q=Leela&sort=urgency"]

    result = plain(QueriesState.clear_filters)(listing)
    assert len(listing.rows) == 2
    assert _addresses(result) == ["/queries?view=all&sort=urgency"]
    result = plain(QueriesState.set_sort)(listing, "newest")
    assert _addresses(result) == ["/queries?view=all"]
    assert listing.rows[0].href == f"/queries/{ids['by_month']}"  # the newest

    # a plain /queries later (the menu): the view chosen before, written into the address
    listing.sort = "urgency"
    listing.router = _state(QueriesState, token, "/queries").router
    result = plain(QueriesState.load)(listing)
    assert listing.sort == "urgency"
    assert _addresses(result) == ["/queries?view=all&sort=urgency"]


def test_list_rows_show_the_travel_dates(
    agency: tuple[TenantContext, str, dict[str, Any]],
) -> None:
    _owner, token, ids = agency
    listing = _state(QueriesState, token, "/queries", {"view": "all"})
    plain(QueriesState.load)(listing)
    travel = {r.href: r.travel for r in listing.rows}
    year = ids["year"]
    assert travel[f"/queries/{ids['dated']}"] == f"10\u201315 Feb {year}"  # as short as it goes
    assert travel[f"/queries/{ids['by_month']}"] == f"Mar {year}, 4 nights"


def test_the_query_page_links_the_customer_and_shows_one_clock(
    agency: tuple[TenantContext, str, dict[str, Any]],
) -> None:
    _owner, token, ids = agency
    page = _state(QueryState, token, f"/queries/{ids['dated']}", {"id": str(ids["dated"])})
    plain(QueryState.load)(page)
    assert page.found
    assert page.customer_phone == "+91 98123 45678"
    assert page.customer_tel == "tel:+919812345678"
    assert page.customer_email == "leela@example.com"
    assert " left" in page.sla or page.sla.startswith("breached")
    assert page.sla_due.startswith(("due ", "was due "))
    assert "Reply due" not in [d.label for d in page.details]  # one clock, in the header
    assert any(d.label == "When" and "\u2013" in d.value for d in page.details)


def test_the_reply_box_is_for_calls_and_emails_and_cleared_after_a_save(
    agency: tuple[TenantContext, str, dict[str, Any]],
) -> None:
    owner, token, ids = agency
    page = _state(QueryState, token, f"/queries/{ids['dated']}", {"id": str(ids["dated"])})
    plain(QueryState.load)(page)
    assert page.note_kind == "note" and not page.counts_as_reply
    plain(QueryState.set_counts_as_reply)(page, True)
    assert not page.counts_as_reply  # a note is never the reply
    plain(QueryState.set_note_kind)(page, "call")
    assert page.counts_as_reply  # a call usually is
    plain(QueryState.set_note_kind)(page, "note")
    assert not page.counts_as_reply
    plain(QueryState.set_note_kind)(page, "email")
    plain(QueryState.set_note_body)(page, "Sent the Goa options")
    key = page.note_key
    said = plain(QueryState.add_note)(page, {"body": "Sent the Goa options"})
    assert "the reply clock starts again" in " ".join(str(a) for s in specs(said) for a in s.args)
    assert (page.note_kind, page.note_body, page.counts_as_reply) == ("note", "", False)
    assert page.note_key == key + 1
    assert page.timeline[0].kind == "email"
    with tenant_scope(owner) as session:
        query = queries.get_query(session, owner, query_id=ids["dated"])
        assert query.first_response_at is not None


def test_mention_suggestions_offer_the_agencys_people(
    agency: tuple[TenantContext, str, dict[str, Any]],
) -> None:
    _owner, token, ids = agency
    page = _state(QueryState, token, f"/queries/{ids['by_month']}", {"id": str(ids["by_month"])})
    plain(QueryState.load)(page)
    plain(QueryState.set_note_body)(page, "Can you take this, @ra")
    assert page.mention_choices == ["Ravi Menon"]
    plain(QueryState.pick_mention)(page, "Ravi Menon")
    assert page.note_body == "Can you take this, @Ravi Menon "
    assert page.mention_choices == []
    assert plain(QueryState.pick_mention)(page, "Someone Else") is None  # only the agency's
    assert page.note_body == "Can you take this, @Ravi Menon "
    with tenant_scope(_owner) as session:
        event = queries.add_note(
            session, _owner, query_id=ids["by_month"], data=NoteIn(body=page.note_body)
        )
    assert len(event.data["mentions"]) == 1

"""Quotes through the services, on SQLite and PostgreSQL: made from a frozen itinerary
(numbered per agency and year, lines grouped as chosen, taxes by rule, totals, schedule,
validity and the agency's terms), a sent version nothing changes, the query moved to quoted
and won through its machine, revisions and their comparison, the expiry job, numbering at
once, and another agency's ids "not found"."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from tasks.quotes import quotes_expire
from tests.quotes.factories import (
    add_items,
    freeze,
    frozen_trip,
    make_quote,
    query_status,
    shown,
)
from tests.race import race
from tests.rates.factories import agency_context
from travelcrm.core.errors import NotFoundError, ValidationFailedError, VersionConflictError
from travelcrm.core.pagination import PageParams
from travelcrm.db import get_engine, tenant_scope
from travelcrm.itineraries import pricing_data
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItineraryCreate, ItineraryUpdate
from travelcrm.mail.models import OutboxMessage
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryStatus
from travelcrm.quotes import machine
from travelcrm.quotes import services as quotes
from travelcrm.quotes.machine import QuoteState
from travelcrm.quotes.schemas import Grouping, QuoteCreate, QuoteSettingsIn, QuoteUpdate

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

TODAY = date(2027, 3, 1)  # the frozen clock's day in Asia/Kolkata


def _send(ctx, quote_id):
    with tenant_scope(ctx) as session:
        version = quotes.get_quote(session, ctx, quote_id=quote_id).row_version
        return quotes.send_quote(session, ctx, quote_id=quote_id, row_version=version)


def _version(ctx, quote_id) -> int:
    return shown(ctx, quote_id).row_version


def test_the_machine_written_out() -> None:
    S = QuoteState
    assert {s: set(n) for s, n in machine.TRANSITIONS.items()} == {
        S.DRAFT: {S.SENT},
        S.SENT: {S.VIEWED, S.ACCEPTED, S.DECLINED, S.EXPIRED, S.SUPERSEDED},
        S.VIEWED: {S.ACCEPTED, S.DECLINED, S.EXPIRED, S.SUPERSEDED},
        S.ACCEPTED: set(),
        S.DECLINED: set(),
        S.EXPIRED: set(),
        S.SUPERSEDED: set(),
    }
    assert {S.ACCEPTED, S.DECLINED, S.EXPIRED, S.SUPERSEDED} == machine.FINAL


def test_a_quote_from_a_frozen_itinerary_copies_its_figures_and_the_agency_defaults() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    with tenant_scope(ctx) as session:
        settings = quotes.quote_settings(session, ctx)
        quotes.update_settings(
            session,
            ctx,
            row_version=settings.row_version,
            data=QuoteSettingsIn(
                reference_prefix="SUN",
                validity_days=10,
                deposit_value=D(20),
                balance_days_before=45,
                inclusions="Breakfast daily",
                exclusions="Flights",
                terms="Cancellation: 30 days before, no charge.",
            ),
        )
    quote = shown(ctx, make_quote(ctx, trip.itinerary_id))
    with tenant_scope(ctx) as session:
        frozen = itineraries.snapshot(session, ctx, itinerary_id=trip.itinerary_id)
    assert quote.reference == "SUN-Q-2027-0001" and quote.version == 1
    assert quote.state is QuoteState.DRAFT and quote.checksum == frozen.checksum
    assert (quote.query_id, quote.customer_name) == (trip.query_id, "Rahul Mehta")
    assert [g.label for g in quote.groups] == ["Day 1: Arrival in Goa", "Day 2", "Day 3"]
    assert [g.amount for g in quote.groups] == [D("42000"), D("9000"), D("3500")]
    spice = quote.groups[2].lines[1]
    assert (spice.title, spice.optional, spice.amount) == ("Spice plantation tour", True, D(2500))
    assert quote.subtotal == D("54500") and quote.total == D("54500")  # the optional not counted
    assert quote.paying_pax == 3 and quote.per_person == D("18166.67")
    assert quote.valid_until == TODAY + timedelta(days=10)
    assert (quote.inclusions, quote.exclusions) == ("Breakfast daily", "Flights")
    assert quote.terms.startswith("Cancellation")
    assert [(p.kind, p.due_on, p.amount) for p in quote.schedule] == [
        ("deposit", TODAY, D("10900.00")),
        ("balance", date(2027, 4, 26), D("43600.00")),  # 45 days before 10 June
    ]
    second = shown(ctx, make_quote(ctx, trip.itinerary_id, grouping=Grouping.TYPE))
    assert second.reference == "SUN-Q-2027-0002"
    assert [(g.label, g.amount) for g in second.groups] == [
        ("Activities", D("3500")),
        ("Accommodation", D("42000")),
        ("Transfers", D("9000")),
    ]
    package = shown(ctx, make_quote(ctx, trip.itinerary_id, grouping=Grouping.PACKAGE))
    assert len(package.groups) == 1 and package.groups[0].amount == D("54500")
    assert all(line.amount is None for line in package.groups[0].lines)  # one price, no breakdown


def test_taxes_by_rule_come_with_the_frozen_version() -> None:
    ctx = agency_context()
    trip = frozen_trip(ctx)
    with tenant_scope(ctx) as session:  # unfreeze, bill it as a package with GST, freeze again
        current = itineraries.get_itinerary(session, ctx, itinerary_id=trip.itinerary_id)
        itineraries.unfreeze(
            session, ctx, itinerary_id=trip.itinerary_id, row_version=current.row_version
        )
        current = itineraries.get_itinerary(session, ctx, itinerary_id=trip.itinerary_id)
        itineraries.update_itinerary(
            session,
            ctx,
            itinerary_id=trip.itinerary_id,
            row_version=current.row_version,
            data=ItineraryUpdate(gst_scheme="package", customer_in_state=True),
        )
        pricing_data.seed_tax_table(session, ctx, country="IN")
    assert freeze(ctx, trip.itinerary_id) == 2
    quote = shown(ctx, make_quote(ctx, trip.itinerary_id))
    assert quote.itinerary_version == 2
    assert quote.taxes, "the agency's GST rules apply to a package"
    assert sum((t.amount for t in quote.taxes), D(0)) == quote.tax_total > 0
    assert quote.total == quote.subtotal + quote.tax_total
    assert {t.rule_id for t in quote.taxes} and all(t.name for t in quote.taxes)
    assert sum((p.amount for p in quote.schedule), D(0)) == quote.total


def test_only_a_frozen_itinerary_makes_a_quote_and_validity_is_not_in_the_past() -> None:
    ctx = agency_context()
    with tenant_scope(ctx) as session:
        draft = itineraries.create_itinerary(
            session, ctx, data=ItineraryCreate(title="Blank", start_date=date(2027, 5, 1))
        )
    with pytest.raises(NotFoundError):
        make_quote(ctx, draft.id)
    trip = frozen_trip(ctx)
    with pytest.raises(ValidationFailedError) as refused:
        make_quote(ctx, trip.itinerary_id, valid_until=TODAY - timedelta(days=1))
    assert refused.value.errors[0].field == "valid_until"


def test_a_draft_changes_and_a_sent_version_never_does() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    quote_id = make_quote(ctx, trip.itinerary_id)
    with tenant_scope(ctx) as session:
        quotes.update_quote(
            session,
            ctx,
            quote_id=quote_id,
            row_version=1,
            data=QuoteUpdate(
                deposit_kind="amount",
                deposit_value=D("5000"),
                instalments=1,
                terms="Pay by bank transfer.",
            ),
        )
    changed = shown(ctx, quote_id)
    assert changed.terms == "Pay by bank transfer." and changed.row_version == 2
    assert [p.amount for p in changed.schedule] == [D("5000.00"), D("24750.00"), D("24750.00")]
    with tenant_scope(ctx) as session, pytest.raises(VersionConflictError):
        quotes.update_quote(
            session, ctx, quote_id=quote_id, row_version=1, data=QuoteUpdate(terms="stale")
        )
    with tenant_scope(ctx) as session, pytest.raises(ValidationFailedError) as refused:
        quotes.update_quote(
            session,
            ctx,
            quote_id=quote_id,
            row_version=2,
            data=QuoteUpdate(deposit_kind="percent", deposit_value=D(150)),
        )
    assert refused.value.errors[0].field == "deposit_value"
    _send(ctx, quote_id)
    sent = shown(ctx, quote_id)
    assert sent.state is QuoteState.SENT and sent.sent_at is not None
    with tenant_scope(ctx) as session, pytest.raises(quotes.QuoteLockedError) as locked:
        quotes.update_quote(
            session,
            ctx,
            quote_id=quote_id,
            row_version=sent.row_version,
            data=QuoteUpdate(terms="sneaky"),
        )
    assert "can no longer change" in locked.value.detail and locked.value.status == 409
    with tenant_scope(ctx) as session, pytest.raises(quotes.QuoteLockedError):
        quotes.delete_quote(session, ctx, quote_id=quote_id)
    assert shown(ctx, quote_id).terms == "Pay by bank transfer."
    draft = make_quote(ctx, trip.itinerary_id)
    with tenant_scope(ctx) as session:
        quotes.delete_quote(session, ctx, quote_id=draft)
    with pytest.raises(NotFoundError):
        shown(ctx, draft)


def test_sending_makes_the_query_quoted_and_acceptance_makes_it_won() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    assert query_status(ctx, trip.query_id) in ("pending", "assigned")
    quote_id = make_quote(ctx, trip.itinerary_id)
    _send(ctx, quote_id)
    assert query_status(ctx, trip.query_id) == "quoted"
    with tenant_scope(ctx) as session:
        quotes.mark_viewed(session, ctx, quote_id=quote_id)
        quotes.mark_viewed(session, ctx, quote_id=quote_id)  # again: nothing more
    viewed = shown(ctx, quote_id)
    assert viewed.state is QuoteState.VIEWED and viewed.viewed_at is not None
    with tenant_scope(ctx) as session:
        quotes.accept_quote(session, ctx, quote_id=quote_id, row_version=viewed.row_version)
    assert shown(ctx, quote_id).state is QuoteState.ACCEPTED
    assert query_status(ctx, trip.query_id) == "won"
    with tenant_scope(ctx) as session:
        noted = queries.query_timeline(session, ctx, query_id=trip.query_id)
        kinds = [e.body for e in noted if e.kind == "quote"]
        history = [e.kind for e in quotes.events(session, ctx, quote_id=quote_id)]
    assert any("accepted" in (b or "") for b in kinds) and any("sent" in (b or "") for b in kinds)
    assert history == ["created", "sent", "viewed", "accepted"]
    with tenant_scope(ctx) as session, pytest.raises(quotes.QuoteStateError):
        quotes.decline_quote(
            session, ctx, quote_id=quote_id, row_version=shown(ctx, quote_id).row_version
        )


def test_a_draft_cannot_be_accepted_and_a_decline_keeps_its_reason() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    quote_id = make_quote(ctx, trip.itinerary_id)
    with tenant_scope(ctx) as session, pytest.raises(quotes.QuoteStateError) as refused:
        quotes.accept_quote(session, ctx, quote_id=quote_id, row_version=1)
    assert refused.value.extra["allowed"] == ["sent"]
    _send(ctx, quote_id)
    with tenant_scope(ctx) as session:
        quotes.decline_quote(
            session,
            ctx,
            quote_id=quote_id,
            row_version=_version(ctx, quote_id),
            reason="  Found a cheaper package ",
        )
    declined = shown(ctx, quote_id)
    assert declined.state is QuoteState.DECLINED
    assert declined.decline_reason == "Found a cheaper package"
    assert query_status(ctx, trip.query_id) == "quoted"


def test_two_people_sending_at_once_one_wins() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    quote_id = make_quote(ctx, trip.itinerary_id)

    def send():
        with tenant_scope(ctx) as session:
            return quotes.send_quote(session, ctx, quote_id=quote_id, row_version=1).state

    results = race(get_engine(), "quotes", send, send)
    assert sorted(type(r).__name__ for r in results) == ["VersionConflictError", "str"]
    assert shown(ctx, quote_id).row_version == 2


def test_revise_supersedes_and_compares_side_by_side() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    v1 = make_quote(ctx, trip.itinerary_id)
    _send(ctx, v1)
    with tenant_scope(ctx) as session:
        v2 = quotes.revise_quote(session, ctx, quote_id=v1, row_version=_version(ctx, v1)).id
    first, second = shown(ctx, v1), shown(ctx, v2)
    assert first.state is QuoteState.SUPERSEDED and second.state is QuoteState.DRAFT
    assert (second.reference, second.version) == (first.reference, 2)
    assert second.total == first.total and second.revised_from_id == v1
    with tenant_scope(ctx) as session:  # a newer freeze of the itinerary, with one more line
        current = itineraries.get_itinerary(session, ctx, itinerary_id=trip.itinerary_id)
        itineraries.unfreeze(
            session, ctx, itinerary_id=trip.itinerary_id, row_version=current.row_version
        )
    add_items(ctx, trip.itinerary_id, prices=("6000",), first=3)
    freeze(ctx, trip.itinerary_id)
    _send(ctx, v2)
    with tenant_scope(ctx) as session:
        v3 = quotes.revise_quote(
            session, ctx, quote_id=v2, row_version=_version(ctx, v2), from_latest_freeze=True
        ).id
        quotes.update_quote(
            session,
            ctx,
            quote_id=v3,
            row_version=1,
            data=QuoteUpdate(terms="New terms", instalments=2),
        )
    third = shown(ctx, v3)
    assert third.version == 3 and third.itinerary_version == 2
    assert third.subtotal == D("60500") and third.checksum != second.checksum
    with tenant_scope(ctx) as session:
        compared = quotes.compare(session, ctx, quote_id=v3, other_id=None)
        listed = [q.version for q in quotes.versions(session, ctx, quote_id=v1)]
    assert listed == [1, 2, 3]
    assert (compared.before.version, compared.after.version) == (2, 3)
    what = {(c.what, c.label): (c.before, c.after) for c in compared.changes}
    assert what[("line", "Day 1: Sea Breeze Resort, 2 nights (3)")] == (None, "6000.00")
    assert what[("total", "Total")] == ("54500.00", "60500.00")
    assert what[("terms", "Terms")] == ("", "New terms")
    assert ("schedule", "Payment schedule") in what
    assert not any(
        c.what == "line" and c.label.endswith("Dolphin cruise") for c in compared.changes
    )
    with tenant_scope(ctx) as session, pytest.raises(quotes.QuoteStateError):
        quotes.revise_quote(session, ctx, quote_id=v1, row_version=_version(ctx, v1))
    with tenant_scope(ctx) as session, pytest.raises(quotes.QuoteStateError):
        quotes.revise_quote(session, ctx, quote_id=v3, row_version=_version(ctx, v3))  # a draft


def test_the_expiry_job_expires_past_validity_and_tells_the_agent(frozen_clock) -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    waiting = make_quote(ctx, trip.itinerary_id, valid_until=TODAY + timedelta(days=3))
    later = make_quote(ctx, trip.itinerary_id, valid_until=TODAY + timedelta(days=30))
    draft = make_quote(ctx, trip.itinerary_id, valid_until=TODAY + timedelta(days=3))
    _send(ctx, waiting)
    _send(ctx, later)
    with tenant_scope(ctx) as session:
        assert quotes.expire_due(session, ctx) == 0  # still valid today
    frozen_clock.advance(timedelta(days=4))
    done = quotes_expire.call_local()  # the hourly job, as the worker runs it
    assert done["expired"] >= 1
    assert shown(ctx, waiting).state is QuoteState.EXPIRED
    assert shown(ctx, later).state is QuoteState.SENT
    assert shown(ctx, draft).state is QuoteState.DRAFT  # a draft was never offered
    expired = shown(ctx, waiting)
    with tenant_scope(ctx) as session:
        noted = [e.body or "" for e in queries.query_timeline(session, ctx, query_id=trip.query_id)]
        mails = session.exec(  # the agent who made it is told
            __import__("sqlmodel")
            .select(OutboxMessage)
            .where(OutboxMessage.kind == "quote_expired", OutboxMessage.agency_id == ctx.tenant_id)
        ).all()
        with pytest.raises(quotes.QuoteStateError):  # an expired quote is not accepted
            quotes.accept_quote(session, ctx, quote_id=waiting, row_version=expired.row_version)
    assert any("expired" in body for body in noted)
    assert len(mails) == 1 and f"{expired.reference} v1" in mails[0].subject


def test_numbers_taken_at_once_are_all_different() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda _: make_quote(ctx, trip.itinerary_id), range(8)))
    numbers = sorted(int(shown(ctx, i).reference.rsplit("-", 1)[1]) for i in ids)
    assert numbers == list(range(1, 9))


def test_another_agency_gets_not_found_and_lists_only_its_own() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    quote_id = make_quote(ctx, trip.itinerary_id)
    other = agency_context()
    with tenant_scope(other) as session:
        with pytest.raises(NotFoundError):
            quotes.get_quote(session, other, quote_id=quote_id)
        with pytest.raises(NotFoundError):
            quotes.send_quote(session, other, quote_id=quote_id, row_version=1)
        with pytest.raises(NotFoundError):
            quotes.create_quote(
                session,
                other,
                data=QuoteCreate(itinerary_id=trip.itinerary_id),
            )
        assert quotes.list_quotes(session, other, page=PageParams(50, None)).items == []
    _send(ctx, make_quote(ctx, trip.itinerary_id))
    with tenant_scope(ctx) as session:
        everything = quotes.list_quotes(session, ctx, page=PageParams(1, None))
        assert everything.next_cursor is not None
        rest = quotes.list_quotes(session, ctx, page=PageParams(1, everything.next_cursor))
        sent = quotes.list_quotes(session, ctx, page=PageParams(50, None), states=[QuoteState.SENT])
    assert {everything.items[0].id, rest.items[0].id} >= {quote_id}
    assert len(sent.items) == 1 and sent.items[0].state is QuoteState.SENT


def test_a_declined_version_is_revised_and_stays_declined() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    v1 = make_quote(ctx, trip.itinerary_id)
    _send(ctx, v1)
    with tenant_scope(ctx) as session:
        quotes.decline_quote(session, ctx, quote_id=v1, row_version=_version(ctx, v1))
    with tenant_scope(ctx) as session:
        v2 = quotes.revise_quote(session, ctx, quote_id=v1, row_version=_version(ctx, v1)).id
    assert shown(ctx, v1).state is QuoteState.DECLINED
    assert (shown(ctx, v2).version, shown(ctx, v2).state) == (2, QuoteState.DRAFT)


def test_a_lost_query_must_be_reopened_before_its_quote_is_sent() -> None:
    trip = frozen_trip()
    ctx = trip.ctx
    quote_id = make_quote(ctx, trip.itinerary_id)
    with tenant_scope(ctx) as session:
        query = queries.get_query(session, ctx, query_id=trip.query_id)
        queries.transition(
            session,
            ctx,
            query_id=query.id,
            to=QueryStatus.LOST,
            row_version=query.row_version,
            reason=queries.lost_reasons(session, ctx)[0],
        )
    with pytest.raises(quotes.QuoteStateError) as refused:
        _send(ctx, quote_id)
    assert "reopen" in refused.value.detail
    assert shown(ctx, quote_id).state is QuoteState.DRAFT  # nothing of the send was kept
    assert query_status(ctx, trip.query_id) == "lost"

"""Quote benchmark, each figure beside a baseline measured in the same run, on PostgreSQL with
row-level security (a fresh scratch database, dropped after):

- make a quote from the frozen version of a 14-day itinerary with 5 services a day (70
  lines): snapshot read, figures copied, schedule, the agency's number, p50/p95; baseline:
  reading that snapshot through the itineraries service alone;
- send a draft (state, schedule, event, the query moved to quoted), p95; baseline: the same
  snapshot read;
- the quote page's read (the version, its groups by day, its versions and the comparison
  with the version it was revised from), p95; baseline: the same snapshot read.

Run: `.venv/bin/python -m tests.bench.bench_quotes` (about half a minute).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from tests.bench.common import owner_agency, percentile, scratch_database

RUNS = int(os.environ.get("BENCH_RUNS", "200"))


def _timed(fn: Callable[[], Any], runs: int = RUNS) -> list[float]:
    fn()  # warm
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _row(label: str, ms: list[float], base: list[float]) -> None:
    ratio = percentile(ms, 95, inclusive=True) / percentile(base, 95, inclusive=True)
    print(
        f"  {label:<52} p50 {statistics.median(ms):7.2f} ms  "
        f"p95 {percentile(ms, 95, inclusive=True):7.2f} ms  {ratio:5.1f}x baseline",
        flush=True,
    )


def run() -> None:
    from tests.queries.factories import trip
    from travelcrm.db import tenant_scope
    from travelcrm.itineraries import services as itineraries
    from travelcrm.itineraries.schemas import ItemIn, ItineraryCreate
    from travelcrm.queries import services as queries
    from travelcrm.quotes import services as quotes
    from travelcrm.quotes.schemas import QuoteCreate

    ctx, _user = owner_agency("quotes", "Bench Quotes")
    start = date(2027, 6, 1)
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(
            session, ctx, data=trip(start_date=start, end_date=date(2027, 6, 14))
        )
        itinerary = itineraries.create_itinerary(
            session, ctx, data=ItineraryCreate(query_id=query.id)
        )
        shown = itineraries.to_public(session, itinerary)
        for day in shown.days:
            for n, kind in enumerate(("stay", "transfer", "activity", "guide", "meal")):
                itineraries.add_item(
                    session,
                    ctx,
                    itinerary_id=itinerary.id,
                    day_id=day.id,
                    data=ItemIn(
                        kind=kind,  # type: ignore[arg-type]
                        title=f"Service {day.position}.{n}",
                        manual_net=Decimal(1000 + 137 * n + day.position),
                        manual_currency="INR",
                    ),
                )
    with tenant_scope(ctx) as session:
        current = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary.id)
        itineraries.freeze(session, ctx, itinerary_id=itinerary.id, row_version=current.row_version)

    def read_snapshot() -> None:
        with tenant_scope(ctx) as session:
            itineraries.snapshot(session, ctx, itinerary_id=itinerary.id)

    made: list[Any] = []

    def make() -> None:
        with tenant_scope(ctx) as session:
            made.append(
                quotes.create_quote(session, ctx, data=QuoteCreate(itinerary_id=itinerary.id))
            )

    baseline = _timed(read_snapshot)
    print(f"  70-line frozen itinerary, {RUNS} runs each, PostgreSQL with RLS", flush=True)
    _row("make a quote from the frozen version", _timed(make), baseline)
    drafts = list(made)

    def send() -> None:
        quote = drafts.pop()
        with tenant_scope(ctx) as session:
            quotes.send_quote(session, ctx, quote_id=quote.id, row_version=quote.row_version)

    _row("send a draft (query quoted)", _timed(send, min(RUNS, len(drafts) - 2)), baseline)
    with tenant_scope(ctx) as session:
        sent = quotes.get_quote(session, ctx, quote_id=made[-1].id)
        revised = quotes.revise_quote(session, ctx, quote_id=sent.id, row_version=sent.row_version)

    def page_read() -> None:
        with tenant_scope(ctx) as session:
            quote = quotes.get_quote(session, ctx, quote_id=revised.id)
            quotes.to_public(quote)
            quotes.versions(session, ctx, quote_id=quote.id)
            quotes.compare(session, ctx, quote_id=quote.id, other_id=None)

    _row("the quote page's read (groups, versions, compare)", _timed(page_read), baseline)
    print(
        f"  {'baseline: read the frozen snapshot':<52} p50 {statistics.median(baseline):7.2f} ms"
        f"  p95 {percentile(baseline, 95, inclusive=True):7.2f} ms",
        flush=True,
    )


def main() -> None:
    print("Quotes (issue 23)", flush=True)
    with scratch_database("travelcrm_bench_quotes", redis=False):
        run()


if __name__ == "__main__":
    main()

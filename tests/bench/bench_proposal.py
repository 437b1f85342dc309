"""Proposal page benchmark, over HTTP against the API app served by uvicorn (one worker, in a
thread of this process), on PostgreSQL with row-level security (a fresh scratch database,
dropped after):

- the customer's first load of the proposal page (`GET /api/public/quotes/{token}`: the link
  checked, the version read, the document rendered in the agency's branding and hashed) for a
  14-day trip with 5 services a day and an optional extra, p50/p95 over warm requests;
  target p95 <= 300 ms;
- baseline in the same run: `GET /api/health` from the same app (routing, middleware, JSON,
  no I/O).

Run: `.venv/bin/python -m tests.bench.bench_proposal` (about half a minute).
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import threading
import time
from datetime import date
from decimal import Decimal

import httpx

from tests.bench.common import owner_agency, percentile, scratch_database

RUNS = max(200, int(os.environ.get("BENCH_RUNS", "300")))
TARGET_P95_MS = 300.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _timed(client: httpx.Client, path: str) -> list[float]:
    for _ in range(20):  # warm
        assert client.get(path).status_code == 200
    out = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return out


def _token() -> str:
    from sqlmodel import col, select

    from tests.queries.factories import trip
    from travelcrm.db import tenant_scope
    from travelcrm.itineraries import services as itineraries
    from travelcrm.itineraries.schemas import ItemIn, ItineraryCreate
    from travelcrm.mail.models import EmailMessageRow
    from travelcrm.queries import services as queries
    from travelcrm.quotes import services as quotes
    from travelcrm.quotes.schemas import QuoteCreate

    ctx, _user = owner_agency("proposal", "Bench Proposals")
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
                        optional=(n == 4 and day.position == 3),
                    ),
                )
    with tenant_scope(ctx) as session:
        current = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary.id)
        itineraries.freeze(session, ctx, itinerary_id=itinerary.id, row_version=current.row_version)
    with tenant_scope(ctx) as session:
        quote = quotes.create_quote(session, ctx, data=QuoteCreate(itinerary_id=itinerary.id))
        quotes.send_quote(session, ctx, quote_id=quote.id, row_version=quote.row_version)
        quote_id = quote.id
    with tenant_scope(ctx) as session:
        body = session.exec(
            select(EmailMessageRow.text_body).where(
                col(EmailMessageRow.send_key) == f"quote-sent:{quote_id}"
            )
        ).one()
    found = re.search(r"/api/public/quotes/([A-Za-z0-9_-]+)", body)
    assert found is not None
    return found.group(1)


def run() -> None:
    import uvicorn

    from travelcrm.api.app import create_api

    token = _token()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_api(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            page = client.get(f"/api/public/quotes/{token}")
            assert "Accept the proposal" in page.text
            size = len(page.content)
            baseline = _timed(client, "/api/health")
            loads = _timed(client, f"/api/public/quotes/{token}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    p95 = percentile(loads, 95, inclusive=True)
    base95 = percentile(baseline, 95, inclusive=True)
    print(
        f"  14 days x 5 services, {RUNS} warm requests each, over HTTP, PostgreSQL with RLS",
        flush=True,
    )
    print(
        f"  {'proposal page first load (' + str(size // 1024) + ' KB HTML)':<44} "
        f"p50 {statistics.median(loads):7.2f} ms  p95 {p95:7.2f} ms  "
        f"{p95 / base95:5.1f}x baseline  (target p95 <= {TARGET_P95_MS:.0f} ms: "
        f"{'met' if p95 <= TARGET_P95_MS else 'MISSED'})",
        flush=True,
    )
    print(
        f"  {'baseline: GET /api/health':<44} p50 {statistics.median(baseline):7.2f} ms  "
        f"p95 {base95:7.2f} ms",
        flush=True,
    )


def main() -> None:
    print("Proposal page (issue 23)", flush=True)
    with scratch_database("travelcrm_bench_proposal", redis=False):
        run()


if __name__ == "__main__":
    main()

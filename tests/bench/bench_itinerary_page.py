"""The pricing sheet page's recalculation in the browser (issue 22's figure: <= 100 ms): the
itinerary page's "Price" event (`ItineraryState.price`: the sheet priced again from today's
rates, each item keeping its price, and the page's rows rebuilt) timed over the socket as a
browser sends it, from emit until the page's delta arrives, warm, beside a trivial event of
the same page measured in the same run and the same tab (`set_freeze_open`: the Reflex round
trip with no work).

The app runs as `bench_load.py` runs it (`python -m travelcrm.manage web` on a migrated
database with the demo data, the frontend built once for PORT, 3000 by default), in the
shapes of BENCH_SHAPES (production: PostgreSQL + RLS, Redis, two workers; embedded: SQLite,
one worker). The page is a 14-day trip with 5 services a day made through the REST API from
the demo agency's published services (a stay with an alternative stay abroad, transfers at
home and abroad, a desert safari): 70 items in INR and AED. A real Chromium visit records the
page's CONNECT packet (`reflex_events.py`); then one tab sends the two events in turn,
BENCH_PAGE_ROUNDS times (250) after 10 unmeasured rounds.

Run: `.venv/bin/python -m tests.bench.bench_itinerary_page` (BENCH_REDIS_URL and
BENCH_REFLEX_REDIS_URL name the Redis databases the production shape flushes, as in
`bench_load.py`).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from contextlib import ExitStack
from datetime import date
from typing import Any

import httpx

from tests.bench import bench_load as load
from tests.bench.loadkit import port_free
from tests.bench.reflex_events import PageEvent, pct, sample

ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", "250"))
STATE = "reflex___state____state.travelcrm___ui___pages___itineraries___state____itinerary_state"
DAYS, START = 14, date(2027, 2, 8)  # inside the demo lists' validity
# (kind, the demo service's name, what else the item says)
PER_DAY: list[tuple[str, str, dict[str, Any]]] = [
    ("stay", "Deluxe Sea View", {"nights": 1, "alternative_group": "Hotel"}),
    ("stay", "Deluxe City View", {"nights": 1, "alternative_group": "Hotel"}),
    ("transfer", "Sedan (Swift Dzire)", {}),
    ("transfer", "Lexus ES sedan", {}),
    ("activity", "Evening desert safari with BBQ dinner", {}),
]


def _named(services: dict[str, str], name: str) -> str:
    """The service an item's title names (a title is the service's name and its supplier's)."""
    found = [service for title, service in services.items() if name in title]
    if not found:
        raise RuntimeError(f"no demo itinerary has {name!r} among {sorted(services)}")
    return found[0]


def _trip(base: str) -> str:
    """The 14-day trip, made through the API from the demo itineraries' services: its id."""
    headers = {"Authorization": f"Bearer {load._token(base)}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        services: dict[str, str] = {}
        for listed in client.get("/api/itineraries").raise_for_status().json()["data"]:
            shown = client.get(f"/api/itineraries/{listed['id']}").raise_for_status().json()
            for item in shown["data"]["items"]:
                if item["service_id"]:
                    services[item["title"]] = item["service_id"]
        made = client.post(
            "/api/itineraries",
            json={"title": "Goa and Dubai, 14 days", "start_date": START.isoformat(), "days": DAYS},
        ).raise_for_status()
        trip = made.json()["data"]
        for day in trip["days"]:
            for kind, name, extra in PER_DAY:
                added = client.post(
                    f"/api/itineraries/{trip['id']}/days/{day['id']}/items",
                    json={"kind": kind, "service_id": _named(services, name), **extra},
                )
                if added.status_code != 201:
                    raise RuntimeError(f"{name} not added: {added.status_code} {added.text}")
        sheet = client.post(f"/api/itineraries/{trip['id']}/calculate-price", json={})
        priced = sheet.raise_for_status().json()["data"]
        print(
            f"  the page: {len(priced['lines'])} priced lines over {DAYS} days, "
            f"{len(priced['unpriced'])} without a price",
            flush=True,
        )
        return str(trip["id"])


def _row(label: str, seconds: list[float], base: list[float] | None, target: str) -> None:
    ms = [s * 1000 for s in seconds]
    p95 = pct(ms, 0.95)
    ratio = f"{p95 / pct([b * 1000 for b in base], 0.95):5.1f}x" if base else "      "
    print(
        f"  {label:<52} p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  {ratio}  "
        f"({len(ms)} events)  {target}",
        flush=True,
    )


def measure(base: str) -> None:
    from travelcrm.demo import DEMO_LOGINS

    trip = _trip(base)
    path = f"/itineraries/{trip}"
    price = PageEvent(path, "item", STATE, "price")
    shown = PageEvent(path, "item", STATE, "set_freeze_open", {"value": True})
    hidden = PageEvent(path, "item", STATE, "set_freeze_open", {"value": False})
    _slug, email, _name, password = DEMO_LOGINS[0]
    seconds = sample(
        base, email=email, password=password, page_events=[price, shown, hidden], rounds=ROUNDS
    )
    baseline = seconds["set_freeze_open"]
    _row("a trivial event of the page (baseline)", baseline, None, "")
    _row("Price: the sheet recalculated, 70 items", seconds["price"], baseline, "target <= 100 ms")


def main() -> None:
    if not port_free(load.APP_PORT):
        raise SystemExit(f"port {load.APP_PORT} is in use: set PORT to a free one")
    started = time.monotonic()
    with ExitStack() as stack:
        for shape in load._shapes(stack):
            print(f"\n{shape.title}: preparing (migrations, demo data)...", flush=True)
            with load._app(shape):
                measure(f"http://127.0.0.1:{load.APP_PORT}")
            if shape.name == "production":
                load._flush_redis()
    print(f"bench_itinerary_page: {time.monotonic() - started:.0f} s in all", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Reflex's event path under many tabs, measured as a browser uses it (socket.io on `/_event`).

One real Chromium visit to the queries list records what the page sends when it connects (the
`hydrate_and_load` event rides in the socket.io CONNECT packet, with the compiled state's hashes
and schema). Then `tabs` python-socketio clients, each with its own tab token and the signed-in
cookie, connect with that packet (the hydrate figure: connect until the page reports hydrated,
its on_load done) and send the list's `load` event `events` times each, one after the other per
tab, all tabs at once (the event figure: emit until the list's delta arrives). Afterwards the
Redis memory the idle tabs' page state takes is read from Redis (MEMORY USAGE of their keys).

Used by `bench_load.py`; on its own: `python -m tests.bench.reflex_events URL [TABS] [EVENTS]`
against a running app with the demo data (no Redis figure without REFLEX_REDIS_URL).

The page and event are a `PageEvent` (the queries list's `load` unless told): `sample` times
other pages' events one after the other in one tab, several events interleaved so each is
measured beside the others under the same load (`bench_itinerary_page.py`: the pricing
sheet's recalculation beside a trivial event of the same page).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

LIST_PATH = "/queries/"
LIST_STATE = (
    "reflex___state____state.travelcrm___ui___pages___queries___list_state____queries_state"
)
ROOT_STATE = "reflex___state____state"


@dataclass(frozen=True)
class PageEvent:
    """An event of a page: the page's path (as visited), a test id shown once it has loaded,
    the state's full name, the handler and its arguments; `answered` names the state whose
    delta means the event is done (the state itself unless told)."""

    path: str
    ready: str
    state: str
    event: str
    payload: dict[str, Any] = field(default_factory=dict)
    answered: str = ""

    @property
    def done_when(self) -> str:
        return self.answered or self.state


QUERIES_LOAD = PageEvent(LIST_PATH, "query-row", LIST_STATE, "load")


@dataclass
class EventFigures:
    tabs: int
    events: int
    seconds: float
    event_s: list[float] = field(default_factory=list)
    event_bytes: list[int] = field(default_factory=list)
    hydrate_s: list[float] = field(default_factory=list)
    errors: int = 0
    redis_bytes_per_tab: float | None = None
    tokens: list[str] = field(default_factory=list)
    app_cpu_ms: float | None = None  # CPU time per event (hydrates counted): the app's processes
    db_cpu_ms: float | None = None  # and PostgreSQL's backends

    @property
    def per_second(self) -> float:
        return len(self.event_s) / self.seconds if self.seconds else 0.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def signed_in_cookie(base: str, email: str, password: str) -> str:
    import httpx

    with httpx.Client() as client:
        response = client.post(
            f"{base}/api/auth/login", json={"email": email, "password": password}
        )
        response.raise_for_status()
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def record_connect_packet(
    base: str, cookie: str, page_event: PageEvent = QUERIES_LOAD
) -> dict[str, Any]:
    """What the page sends in its socket.io CONNECT packet, from a real browser visit (the
    queries list unless told)."""
    from playwright.sync_api import sync_playwright

    sent: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"]
        )
        context = browser.new_context()
        name, _, value = cookie.partition("=")
        context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framesent", lambda f: sent.append(f if isinstance(f, str) else f.decode())
            ),
        )
        page.goto(base + page_event.path)
        page.get_by_test_id(page_event.ready).first.wait_for(timeout=60_000)
        browser.close()
    prefix = "40/_event,"
    packet = next(f for f in sent if f.startswith(prefix))
    return dict(json.loads(packet[len(prefix) :]))


async def _connected(
    base: str, cookie: str, boot: dict[str, Any], token: str
) -> tuple[Any, asyncio.Queue[dict[str, Any]]]:
    """A tab: a socket.io client connected with the page's CONNECT packet, and the queue its
    state updates arrive in (hydration not awaited)."""
    import socketio

    client = socketio.AsyncClient(reconnection=False)
    updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    @client.on("event", namespace="/_event")
    async def on_event(update: dict[str, Any]) -> None:
        await updates.put(update)

    await client.connect(
        f"{base}?token={token}",
        namespaces=["/_event"],
        socketio_path="/_event",
        transports=["websocket"],
        headers={"Cookie": cookie},
        auth=boot,
        wait_timeout=30,
    )
    return client, updates


async def _hydrated(updates: asyncio.Queue[dict[str, Any]]) -> None:
    while True:  # hydrated, and the page's on_load done: the root state says so
        update = await asyncio.wait_for(updates.get(), 30)
        if update.get("delta", {}).get(ROOT_STATE, {}).get("is_hydrated_rx_state_") is True:
            return


async def _answered(
    client: Any, updates: asyncio.Queue[dict[str, Any]], page_event: PageEvent, router: Any
) -> tuple[float, int]:
    """Send the event; (seconds until its state's delta arrived, bytes received)."""
    started = time.perf_counter()
    await client.emit(
        "event",
        {
            "name": f"{page_event.state}.{page_event.event}",
            "payload": page_event.payload,
            "router_data": router,
        },
        namespace="/_event",
    )
    size = 0
    while True:
        update = await asyncio.wait_for(updates.get(), 30)
        size += len(json.dumps(update, separators=(",", ":")))
        if page_event.done_when in update.get("delta", {}):
            return time.perf_counter() - started, size


async def _sample(
    base: str,
    cookie: str,
    boot: dict[str, Any],
    router: dict[str, Any],
    page_events: list[PageEvent],
    rounds: int,
    warm: int,
) -> dict[str, list[float]]:
    client, updates = await _connected(base, cookie, boot, str(uuid.uuid4()))
    try:
        await _hydrated(updates)
        seconds: dict[str, list[float]] = {e.event: [] for e in page_events}
        for index in range(warm + rounds):
            for page_event in page_events:
                took, _ = await _answered(client, updates, page_event, router)
                if index >= warm:
                    seconds[page_event.event].append(took)
        return seconds
    finally:
        await client.disconnect()


def sample(
    base: str,
    *,
    email: str,
    password: str,
    page_events: list[PageEvent],
    rounds: int = 250,
    warm: int = 10,
) -> dict[str, list[float]]:
    """One tab on the first event's page (its CONNECT packet from a real Chromium visit) sends
    each of `page_events` in turn, `warm` rounds unmeasured then `rounds` measured, one event
    at a time: the seconds from emit until its state's delta arrived, by event name."""
    cookie = signed_in_cookie(base, email, password)
    boot = record_connect_packet(base, cookie, page_events[0])
    path = page_events[0].path
    router = {"pathname": path, "asPath": path}
    return asyncio.run(_sample(base, cookie, boot, router, page_events, rounds, warm))


async def _tab(
    base: str, cookie: str, boot: dict[str, Any], events: int, figures: EventFigures
) -> Any:
    started = time.perf_counter()
    token = str(uuid.uuid4())
    figures.tokens.append(token)
    client, updates = await _connected(base, cookie, boot, token)
    await _hydrated(updates)
    figures.hydrate_s.append(time.perf_counter() - started)
    router = {"pathname": LIST_PATH, "asPath": LIST_PATH}
    for _ in range(events):
        took, size = await _answered(client, updates, QUERIES_LOAD, router)
        figures.event_s.append(took)
        figures.event_bytes.append(size)
    return client


async def _run(
    base: str, cookie: str, boot: dict[str, Any], tabs: int, events: int
) -> EventFigures:
    figures = EventFigures(tabs=tabs, events=events, seconds=0.0)
    started = time.perf_counter()
    results = await asyncio.gather(
        *(_tab(base, cookie, boot, events, figures) for _ in range(tabs)), return_exceptions=True
    )
    figures.seconds = time.perf_counter() - started
    figures.errors = sum(1 for r in results if isinstance(r, BaseException))
    for client in results:
        if not isinstance(client, BaseException):
            await client.disconnect()
    return figures


def measure(
    base: str,
    *,
    email: str,
    password: str,
    tabs: int = 50,
    events: int = 10,
    redis_url: str | None = None,
    app_pids: list[int] | None = None,
    database: str | None = None,
) -> EventFigures:
    """The figures; with `app_pids` (and `database`, PostgreSQL's) also the CPU time an event
    cost the app's processes (and the database's backends)."""
    from tests.bench.loadkit import cpu_seconds, postgres_backends

    cookie = signed_in_cookie(base, email, password)
    boot = record_connect_packet(base, cookie)
    asyncio.run(_run(base, cookie, boot, 2, 3))  # warm: imports, pools, caches
    app_before = cpu_seconds(app_pids or [])
    db_before = cpu_seconds(postgres_backends(database)) if database else {}
    figures = asyncio.run(_run(base, cookie, boot, tabs, events))
    handled = max(len(figures.event_s) + len(figures.hydrate_s), 1)
    if app_pids:
        app_after = cpu_seconds(app_pids)
        used = sum(t - app_before.get(p, 0.0) for p, t in app_after.items())
        figures.app_cpu_ms = 1000 * used / handled
    if database:
        db_after = cpu_seconds(postgres_backends(database))
        figures.db_cpu_ms = 1000 * sum(t - db_before.get(p, 0.0) for p, t in db_after.items())
        figures.db_cpu_ms /= handled
    figures.redis_bytes_per_tab = _redis_bytes_per_tab(redis_url, figures.tokens)
    return figures


def _redis_bytes_per_tab(url: str | None, tokens: list[str]) -> float | None:
    """What the tabs' page states take in Redis (`MEMORY USAGE` of each of their keys, the
    keys' own overhead included), per tab. (Redis's `used_memory` before and after moves with
    its buffers and allocator by more than a tab takes.)"""
    if not url or not tokens:
        return None
    import redis

    client = redis.Redis.from_url(url)
    try:
        used = 0
        for token in tokens:
            for key in client.scan_iter(match=f"{token}_*", count=1000):
                used += int(client.memory_usage(key) or 0)
        return used / len(tokens)
    finally:
        client.close()


def describe(figures: EventFigures) -> list[str]:
    ms = 1000
    lines = [
        f"{figures.tabs} tabs x {figures.events} list load events: "
        f"{figures.per_second:.0f} events/s, p50 {pct(figures.event_s, 0.5) * ms:.0f} ms, "
        f"p95 {pct(figures.event_s, 0.95) * ms:.0f} ms, "
        f"{statistics.median(figures.event_bytes or [0]) / 1024:.1f} KB an event, "
        f"{figures.errors} tabs failed",
        f"page hydrate (connect to on_load done): p50 {pct(figures.hydrate_s, 0.5) * ms:.0f} ms, "
        f"p95 {pct(figures.hydrate_s, 0.95) * ms:.0f} ms",
    ]
    if figures.redis_bytes_per_tab is not None:
        lines.append(f"Redis memory per idle tab: {figures.redis_bytes_per_tab / 1024:.1f} KB")
    if figures.app_cpu_ms is not None:
        db = f", database {figures.db_cpu_ms:.2f} ms" if figures.db_cpu_ms is not None else ""
        lines.append(f"CPU an event (hydrates counted): app {figures.app_cpu_ms:.2f} ms{db}")
    return lines


def main() -> None:
    from travelcrm.demo import DEMO_LOGINS

    base = sys.argv[1].rstrip("/")
    tabs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    events = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    _slug, email, _name, password = DEMO_LOGINS[0]
    from travelcrm.settings import get_settings

    figures = measure(
        base,
        email=email,
        password=password,
        tabs=tabs,
        events=events,
        redis_url=get_settings().reflex_redis_url,
    )
    print("\n".join(describe(figures)))


if __name__ == "__main__":
    main()

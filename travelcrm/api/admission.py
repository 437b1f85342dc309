"""Admission control for /api: a web process handles at most `WEB_MAX_INFLIGHT` API requests at
once; the next ones queue, first come first served, for at most `WEB_QUEUE_TIMEOUT` seconds and
are then answered 503 `server_busy` with `Retry-After`. An overloaded process so answers every
request within about half a second (a 200 or a 503), instead of letting requests pile up on the
database pool until they time out after seconds. A request that clearly would not get its turn
within that wait anyway (the queue ahead of it, at the pace admitted requests have been
finishing, would take twice the wait) is answered 503 at once rather than after the wait: under
overload most 503s come in milliseconds, and the places in the queue go to requests that may
be served.

`/api/health` (no I/O) and `/api/ready` (cached, single-flight) are never queued: a load
balancer's probes must answer while the process is busy, and neither holds a database
connection for long. Everything else under /api takes a turn, including the idempotency check.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque

from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from travelcrm.api.problems import busy_response
from travelcrm.settings import get_settings

logger = logging.getLogger("travelcrm.api.admission")

EXEMPT_PATHS = frozenset({"/api/health", "/api/ready"})
# worker threads beyond the admitted requests (each uses one at a time): readiness checks and
# the odd sync dependency, so an admitted request never waits for a thread while it holds a
# database connection
THREAD_HEADROOM = 8
# a request expected to wait more than this many queue waits is answered 503 at once
HOPELESS_FACTOR = 2.0


class Gate:
    """At most `limit` holders at once; the others wait in arrival order, each at most its own
    timeout. A leaving holder hands its place straight to the longest waiter."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)  # (a waiter leaves the queue as it is served or gives up)

    async def enter(self, timeout: float) -> bool:
        """True once a place is held (call `leave` after); False when none came within
        `timeout` seconds."""
        if self.active < self.limit and not self.waiting:
            self.active += 1
            return True
        if timeout <= 0:
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait({waiter}, timeout=timeout)
        except asyncio.CancelledError:  # the client went away while queued
            if waiter.done() and not waiter.cancelled():
                self.leave()  # the place was handed over just now: pass it on
            else:
                waiter.cancel()
            raise
        finally:
            if not waiter.done():
                waiter.cancel()
            self._forget(waiter)
        return not waiter.cancelled()

    def leave(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the place moves on; `active` stays
                return
        self.active -= 1

    def _forget(self, waiter: asyncio.Future[None]) -> None:
        with contextlib.suppress(ValueError):
            self._waiters.remove(waiter)


class AdmissionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int | None = None,
        queue_timeout: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        settings = get_settings()
        self.app = app
        self.gate = Gate(limit or settings.api_max_inflight)
        self.queue_timeout = settings.web_queue_timeout if queue_timeout is None else queue_timeout
        self.retry_after = retry_after or settings.web_retry_after_seconds
        self._sized_loop: asyncio.AbstractEventLoop | None = None
        self._turned_away = 0
        self._logged_at = -1.0
        self._service_s: float | None = None  # how long an admitted request takes (EWMA)
        self._served: list[float] = []  # the first ones, averaged to start the EWMA

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api") or path in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        self._size_threadpool()
        if self._hopeless() or not await self.gate.enter(self.queue_timeout):
            self._note_turned_away()
            response = busy_response(
                instance=path,
                retry_after=self.retry_after,
                detail="The server is busy; try again in a moment.",
            )
            await response(scope, receive, send)
            return
        started = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.leave()
            self._note_served(time.monotonic() - started)

    def _hopeless(self) -> bool:
        """Whether a request arriving now would clearly queue longer than the queue wait
        (twice as long: the pace is an estimate, and one at the border may still make it):
        the requests waiting ahead of it, served `limit` at a time at the recent pace."""
        gate = self.gate
        if self._service_s is None or (gate.active < gate.limit and not gate.waiting):
            return False
        expected_wait = (gate.waiting + 1) * self._service_s / gate.limit
        return expected_wait > HOPELESS_FACTOR * self.queue_timeout

    def _note_served(self, seconds: float) -> None:
        """The pace of admitted requests: a moving average, started from the mean of the first
        `limit` (so no single cold first request sets it)."""
        previous = self._service_s
        if previous is not None:
            self._service_s = previous + 0.1 * (seconds - previous)
            return
        self._served.append(seconds)
        if len(self._served) >= self.gate.limit:
            self._service_s = sum(self._served) / len(self._served)
            self._served.clear()

    def _note_turned_away(self) -> None:
        """One warning a second at most, with the count (an overload turns away hundreds)."""
        self._turned_away += 1
        now = time.monotonic()
        if now - self._logged_at >= 1.0:
            logger.warning(
                "busy: %d API requests turned away (503) since the last note; %d in flight, "
                "%d queued",
                self._turned_away,
                self.gate.active,
                self.gate.waiting,
            )
            self._turned_away, self._logged_at = 0, now

    def _size_threadpool(self) -> None:
        """Starlette runs sync routes and `run_in_threadpool` on anyio's default limiter (40
        threads per event loop); make sure every admitted request can have its thread."""
        loop = asyncio.get_running_loop()
        if self._sized_loop is loop:
            return
        self._sized_loop = loop
        limiter = to_thread.current_default_thread_limiter()
        needed = self.gate.limit + THREAD_HEADROOM
        if limiter.total_tokens < needed:
            limiter.total_tokens = needed

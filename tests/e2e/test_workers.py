"""The production shape under a worker failure: two web workers share page state through Redis,
so a tab whose worker dies reconnects to the other (or its replacement) and carries on with what
it had on screen. PostgreSQL run only (the embedded default has one worker, state in memory)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.e2e.conftest import PRODUCTION_SHAPE, WEB_WORKERS

TIMEOUT = 30_000

pytestmark = pytest.mark.skipif(
    not PRODUCTION_SHAPE, reason="the embedded default runs one web worker, page state in memory"
)


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


class TabSocket:
    """The tab's websocket as the browser sees it: each (re)connection, and whether its
    hydrate has arrived. After a kill, the tab's checks must wait for the reconnection: run
    before it, they see the old page (and a search typed then lands in whatever state the tab
    reconnects to, hiding a lost one)."""

    HYDRATED = '"is_hydrated_rx_state_":true'

    def __init__(self, page: Page) -> None:
        self.page = page
        self.sockets: list[WebSocket] = []
        self.hydrated: list[WebSocket] = []
        page.on("websocket", self._opened)

    def _opened(self, socket: WebSocket) -> None:
        self.sockets.append(socket)

        def received(payload: str | bytes) -> None:
            if isinstance(payload, str) and self.HYDRATED in payload:
                self.hydrated.append(socket)

        socket.on("framereceived", received)

    def _wait(self, done: Any, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(100)  # lets Playwright deliver the socket's events
        return True

    def current(self) -> WebSocket:
        assert self._wait(lambda: self.sockets and self.sockets[-1] in self.hydrated, 30)
        return self.sockets[-1]

    def reconnected(self, before: WebSocket) -> bool:
        """False if the socket stays open (another worker held it); True once the tab has
        reconnected and hydrated again."""
        if not self._wait(before.is_closed, 5):
            return False
        assert self._wait(lambda: self.sockets[-1] is not before, 30), "the tab did not reconnect"
        self.current()
        return True


def test_a_tab_keeps_working_when_its_web_worker_is_stopped(page: Page, harness: Any) -> None:
    assert len(harness.worker_pids()) == WEB_WORKERS
    tab = TabSocket(page)
    page.goto(_url(harness, "/queries"))
    rows = page.get_by_test_id("query-row")
    expect(rows.first).to_be_visible(timeout=TIMEOUT)
    search = page.get_by_test_id("query-search")
    search.fill("Goa")
    # the search has reached the server (and its state is in Redis) once no other row is shown;
    # the first row alone may match before the search is sent
    expect(rows.filter(has_not_text="Goa")).to_have_count(0, timeout=TIMEOUT)
    expect(rows.first).to_contain_text("Goa", timeout=TIMEOUT)
    shown = rows.count()
    token = page.evaluate("() => window.sessionStorage.getItem('token')")

    # every worker in turn is killed (one of them holds this tab's connection); the server
    # replaces it and the tab, reconnected, still has its search and its rows
    reconnections = 0
    for pid in list(harness.worker_pids()):
        socket = tab.current()
        os.kill(pid, signal.SIGKILL)
        harness.wait_replaced(pid)
        reconnections += tab.reconnected(socket)
        expect(search).to_have_value("Goa", timeout=TIMEOUT)
        expect(rows).to_have_count(shown, timeout=TIMEOUT)
        # and it still works: a new event is answered
        search.fill("Goa ")
        search.fill("Goa")
        expect(rows.first).to_contain_text("Goa", timeout=TIMEOUT)
        # the same tab, not a new one: a new token would mean a fresh, empty page state
        assert page.evaluate("() => window.sessionStorage.getItem('token')") == token
        time.sleep(6)  # Granian stops respawning a worker that died within 5.5 s of another
    assert reconnections >= 1  # the tab's own worker was among them (and maybe its next one)

    page.reload()  # a reload hydrates from the shared state as well
    expect(search).to_have_value("Goa", timeout=TIMEOUT)
    expect(rows.first).to_contain_text("Goa", timeout=TIMEOUT)

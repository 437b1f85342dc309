"""The production shape under a worker failure: two web workers share page state through Redis,
so a tab whose worker dies reconnects to the other (or its replacement) and carries on with what
it had on screen. PostgreSQL run only (the embedded default has one worker, state in memory)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PRODUCTION_SHAPE, WEB_WORKERS

TIMEOUT = 30_000

pytestmark = pytest.mark.skipif(
    not PRODUCTION_SHAPE, reason="the embedded default runs one web worker, page state in memory"
)


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def test_a_tab_keeps_working_when_its_web_worker_is_stopped(page: Page, harness: Any) -> None:
    assert len(harness.worker_pids()) == WEB_WORKERS
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
    for pid in list(harness.worker_pids()):
        os.kill(pid, signal.SIGKILL)
        harness.wait_replaced(pid)
        expect(search).to_have_value("Goa", timeout=TIMEOUT)
        expect(rows).to_have_count(shown, timeout=TIMEOUT)
        # and it still works: a new event is answered
        search.fill("Goa ")
        search.fill("Goa")
        expect(rows.first).to_contain_text("Goa", timeout=TIMEOUT)
        # the same tab, not a new one: a new token would mean a fresh, empty page state
        assert page.evaluate("() => window.sessionStorage.getItem('token')") == token
        time.sleep(6)  # Granian stops respawning a worker that died within 5.5 s of another

    page.reload()  # a reload hydrates from the shared state as well
    expect(search).to_have_value("Goa", timeout=TIMEOUT)
    expect(rows.first).to_contain_text("Goa", timeout=TIMEOUT)

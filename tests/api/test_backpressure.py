"""Backpressure, not 500s: a server that cannot take a request now says so at once (503
`server_busy` with `Retry-After`), whether no database connection came free, a lock was held too
long, or more requests arrived than the process admits. On SQLite and PostgreSQL, against a
real HTTP server (uvicorn in a thread) and the run's real database; nothing is mocked."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_envelope_and_problems import assert_problem
from tests.conftest import BACKEND
from travelcrm.api.app import create_api
from travelcrm.db import get_engine, make_engine
from travelcrm.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CLIENT_TIMEOUT = 8.0  # the old code hung here for the pool's or the lock's 10-30 s


@contextmanager
def live(app: FastAPI) -> Iterator[str]:
    """The app on a real HTTP server on a free local port; yields its base URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        ws="none",
        proxy_headers=False,  # the app handles them itself (FORWARDED_ALLOW_IPS)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    try:
        _warm(url)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _warm(url: str) -> None:
    """One request through every layer first: the first one builds the middleware stack and
    imports what the routes need (seconds on a busy machine), which no figure should count."""
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/api/health")
        client.get("/api/no-such-route")


@contextmanager
def live_process(**env: str) -> Iterator[str]:
    """The API on uvicorn in its own process (its own interpreter, as in production), with the
    run's settings plus `env`; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "travelcrm.api.app:create_api",
        "--host=127.0.0.1",
        f"--port={port}",
        "--log-level=warning",
        "--lifespan=off",
        "--no-proxy-headers",
        "--backlog=2048",
    ]
    environment = {**os.environ, **{key.upper(): value for key, value in env.items()}}
    process = subprocess.Popen(command, env=environment, cwd=PROJECT_ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the API server stopped"
            try:
                httpx.get(f"{url}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the API server did not start"
                time.sleep(0.1)
        _warm(url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def assert_busy(response: httpx.Response) -> dict[str, Any]:
    body = assert_problem(response, 503, "server_busy")
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 5
    assert body["retry_after_seconds"] == int(retry_after)
    assert "busy" in body["detail"] and "Traceback" not in response.text
    return body


def _timed(call: Any) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


# ---- no connection free within DB_POOL_TIMEOUT -------------------------------------------------


def test_no_free_database_connection_is_a_quick_503_with_retry_after(
    migrated_engine, settings_env
) -> None:
    agency = _verified()
    settings_env(db_pool_size="1", db_max_overflow="0", db_pool_timeout="0.2")
    with live(create_api()) as url, httpx.Client(base_url=url, timeout=CLIENT_TIMEOUT) as client:
        brand = f"/api/agencies/{agency.tenant.slug}"
        assert client.get(brand).status_code == 200
        held = get_engine().connect()  # the pool's only connection, taken by someone else
        try:
            held.execute(text("SELECT 1"))
            response, took = _timed(lambda: client.get(brand))
            assert_busy(response)
            assert took < 1.0, f"the 503 took {took:.2f} s"
            login, _ = _timed(
                lambda: client.post(
                    "/api/auth/login", json={"email": agency.user.email, "password": PASSWORD}
                )
            )
            assert_busy(login)  # a handler running in the threadpool, same answer
            assert client.get("/api/health").status_code == 200  # no database, never queued
        finally:
            held.close()
        assert client.get(brand).status_code == 200  # free again: served


# ---- a lock held longer than DB_LOCK_TIMEOUT -------------------------------------------------


@contextmanager
def _database_locked() -> Iterator[None]:
    """Another process's long transaction: on SQLite a writer holding the write lock; on
    PostgreSQL the owner holding an exclusive lock on the users table."""
    url = get_settings().database_url
    if BACKEND == "postgres":
        owner = make_engine(get_settings(), app_role=False)
        connection = owner.connect()
        try:
            connection.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
            yield
        finally:
            connection.rollback()
            connection.close()
            owner.dispose()
        return
    raw = sqlite3.connect(make_url(url).database or "", isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        yield
    finally:
        raw.execute("ROLLBACK")
        raw.close()


def test_a_locked_database_is_a_503_with_retry_after_not_a_500(
    migrated_engine, settings_env
) -> None:
    agency = _verified()
    settings_env(db_lock_timeout="0.3")
    sign_in = {"email": agency.user.email, "password": PASSWORD}
    with live(create_api()) as url, httpx.Client(base_url=url, timeout=CLIENT_TIMEOUT) as client:
        assert client.post("/api/auth/login", json=sign_in).status_code == 200  # warm
        with _database_locked():
            response, took = _timed(lambda: client.post("/api/auth/login", json=sign_in))
            assert_busy(response)
            assert took < 2.0, f"the 503 took {took:.2f} s"
        assert client.post("/api/auth/login", json=sign_in).status_code == 200  # free again


# ---- admission control: more requests than the process takes at once ------------------------


def _slow_router(seconds: float, inside: list[int]) -> APIRouter:
    router = APIRouter(prefix="/api/test-slow")

    @router.get("")
    async def slow() -> dict[str, Any]:
        inside.append(1)
        try:
            await asyncio.sleep(seconds)
            return {"data": {"in_flight": len(inside)}}
        finally:
            inside.pop()

    return router


async def _get(url: str, path: str, timeout: float) -> httpx.Response:
    """One GET on its own connection, in plain asyncio: a client this light measures the server
    (httpx's pool costs more than the server's answer with hundreds of connections open)."""
    address = httpx.URL(url)
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(address.host, address.port), timeout
    )
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {address.host}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(line.split(": ", 1)) for line in lines]
    return httpx.Response(int(status_line.split()[1]), headers=headers, content=body)


async def _burst(
    url: str, count: int, path: str = "/api/test-slow", *, timeout: float = CLIENT_TIMEOUT
) -> list[tuple[int, float, Any]]:
    """`count` GETs at once, each on its own connection: (status, seconds, response) each."""

    async def one() -> tuple[int, float, Any]:
        started = time.monotonic()
        response = await _get(url, path, timeout)
        return response.status_code, time.monotonic() - started, response

    return list(await asyncio.gather(*(one() for _ in range(count))))


def test_requests_beyond_the_inflight_limit_get_503_within_the_queue_wait(settings_env) -> None:
    settings_env(web_max_inflight="4", web_queue_timeout="0.3", web_retry_after_seconds="2")
    inside: list[int] = []
    with live(create_api([_slow_router(1.5, inside)])) as url:
        results = asyncio.run(_burst(url, 16))
        statuses = sorted(status for status, _, _ in results)
        assert statuses == [200] * 4 + [503] * 12, statuses
        busy = [(took, response) for status, took, response in results if status == 503]
        for took, response in busy:
            assert assert_busy(response)["retry_after_seconds"] == 2
            assert 0.25 <= took < 1.0, f"a 503 took {took:.2f} s (queue wait 0.3 s)"
        served = [response.json()["data"]["in_flight"] for s, _, response in results if s == 200]
        assert max(served) <= 4  # never more at once than admitted


def test_a_request_that_would_not_get_its_turn_in_time_is_told_at_once(settings_env) -> None:
    """Once the pace of admitted requests is known, a request with more queued ahead of it
    than could be served within the queue wait gets its 503 at once, not after the wait; the
    queue keeps the places that will be served."""
    settings_env(web_max_inflight="2", web_queue_timeout="1.0", web_retry_after_seconds="1")
    inside: list[int] = []
    with live(create_api([_slow_router(0.3, inside)])) as url:
        paced = asyncio.run(_burst(url, 2))  # two served: about 0.3 s a request
        assert [status for status, _, _ in paced] == [200, 200]
        results = asyncio.run(_burst(url, 40))
    assert {status for status, _, _ in results} == {200, 503}
    busy = sorted(took for status, took, response in results if status == 503)
    for status, _, response in results:
        if status == 503:
            assert assert_busy(response)["retry_after_seconds"] == 1
    # two run, about six more get their turn within the second; from about the fourteenth in
    # line the wait would be over two seconds: those are told at once
    assert len(busy) >= 20, busy
    assert busy[len(busy) // 2] < 0.5, f"503s after {busy} s: told at once, not after 1 s"
    assert max(response.json()["data"]["in_flight"] for s, _, response in results if s == 200) <= 2


def test_a_short_queue_is_served_in_turn_and_probes_skip_it(settings_env) -> None:
    settings_env(web_max_inflight="2", web_queue_timeout="2")
    inside: list[int] = []
    with live(create_api([_slow_router(0.3, inside)])) as url:

        async def scenario() -> tuple[list[tuple[int, float, Any]], list[int]]:
            burst = asyncio.create_task(_burst(url, 6))
            await asyncio.sleep(0.1)  # the slow requests hold both places, four queue
            async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT) as client:
                probes = [(await client.get("/api/health")).status_code for _ in range(3)]
            return await burst, probes

        results, probes = asyncio.run(scenario())
        assert [status for status, _, _ in results] == [200] * 6  # each got its turn
        assert probes == [200, 200, 200]
        assert max(response.json()["data"]["in_flight"] for _, _, response in results) <= 2


def test_overload_at_400_connections_answers_200_or_503_never_500(migrated_engine) -> None:
    """The issue's overload case on the real stack: an API process with the default settings,
    400 connections at once on a route that reads the database. Only 200, or 503 with
    Retry-After (the old code answered 500 after waiting 30 s for a connection). The figures
    are printed, not asserted: one client process on a shared machine measures itself as much
    as the server (the timed figure is `tests/bench`'s)."""
    agency = _verified()
    with live_process() as url:
        started = time.monotonic()
        results = asyncio.run(_burst(url, 400, f"/api/agencies/{agency.tenant.slug}", timeout=120))
        wall = time.monotonic() - started
    statuses = sorted({status for status, _, _ in results})
    assert set(statuses) <= {200, 503}, statuses
    busy = sorted(took for status, took, _ in results if status == 503)
    for status, _, response in results:
        if status == 503:
            assert_busy(response)
    p99 = busy[min(len(busy) - 1, int(len(busy) * 0.99))] if busy else 0.0
    print(  # noqa: T201  (the figures, for whoever runs with -s)
        f"\n400 at once: {400 - len(busy)} x 200, {len(busy)} x 503 (p99 {p99:.2f} s), "
        f"all answered in {wall:.2f} s"
    )


@pytest.mark.parametrize(
    ("value", "ok"), [("127.0.0.1", True), ("10.0.0.0/8, ::1", True), ("*", True), ("proxy", False)]
)
def test_forwarded_allow_ips_takes_addresses_networks_or_any(value: str, ok: bool) -> None:
    from travelcrm.settings import SettingsError, load_settings

    if ok:
        assert load_settings(forwarded_allow_ips=value).forwarded_allow_ips == value
    else:
        with pytest.raises(SettingsError, match="FORWARDED_ALLOW_IPS"):
            load_settings(forwarded_allow_ips=value)


def test_the_client_address_comes_from_a_trusted_proxy_only(settings_env) -> None:
    seen: list[str | None] = []
    router = APIRouter(prefix="/api/test-client")

    @router.get("")
    async def client_address(request: Request) -> dict[str, Any]:
        seen.append(request.client.host if request.client else None)
        return {"data": {}}

    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    with live(create_api([router])) as url:
        httpx.get(f"{url}/api/test-client", headers=forwarded, timeout=CLIENT_TIMEOUT)
    settings_env(forwarded_allow_ips="127.0.0.1")
    with live(create_api([router])) as url:
        httpx.get(f"{url}/api/test-client", headers=forwarded, timeout=CLIENT_TIMEOUT)
    assert seen == ["127.0.0.1", "203.0.113.7"]

"""Many people at once, against the running app: 20 requests at the same moment at every route
that creates rows (and at the edits guarded by a version), on SQLite and on PostgreSQL + Redis.

The app runs as its own server process (Granian serving `create_api()`, every domain router)
on a free local port, on this run's database. Whatever the route, no request may fail because
another ran beside it: no 5xx, every number unique, and of 20 edits made at one version
exactly one lands (the others get 409).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.test_accounts import PASSWORD, _verified

N = 20
ROOT = Path(__file__).resolve().parents[2]
SHEET = ROOT / "tests" / "fixtures" / "rate_sheets" / "hotel_kerala_cp1252.csv"
NEXT_YEAR = date.today().year + 1

Request = tuple[str, str, dict[str, Any]]  # method, path, httpx keyword arguments


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Live:
    base: str
    log: Path
    slug: str = ""
    headers: dict[str, str] | None = None

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("headers", self.headers)
        return httpx.request(method, self.base + path, timeout=60, **kwargs)

    def made(self, method: str, path: str, **kwargs: Any) -> Any:
        """The data of a request that must succeed (the setup of a burst)."""
        response = self.call(method, path, **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()["data"]

    def burst(self, make: Callable[[int], Request]) -> list[httpx.Response]:
        """N requests sent at the same moment, each on its own connection."""
        requests = [make(i) for i in range(N)]
        logged = self.log.stat().st_size

        async def send() -> list[httpx.Response]:
            limits = httpx.Limits(max_connections=N, max_keepalive_connections=N)
            async with httpx.AsyncClient(base_url=self.base, timeout=60, limits=limits) as client:
                return await asyncio.gather(
                    *(
                        client.request(method, path, **{"headers": self.headers, **kwargs})
                        for method, path, kwargs in requests
                    )
                )

        responses = asyncio.run(send())
        failed = [r for r in responses if r.status_code >= 500]
        with self.log.open("rb") as log:
            log.seek(logged)
            server_log = log.read().decode(errors="replace")[-3000:]
        assert not failed, (
            f"{len(failed)} of {N} answered 5xx: "
            f"{[(r.status_code, r.text[:300]) for r in failed[:3]]}\n--- server log ---\n"
            f"{server_log}"
        )
        return responses


@pytest.fixture(scope="module")
def server(migrated_engine) -> Iterator[Live]:
    """The app as its own process on this run's database (and Redis in the PostgreSQL run)."""
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="travelcrm-live-", suffix=".log")[1])
    # jobs are queued for a worker, as in production (none runs here: mail waits in the queue)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", "HUEY_IMMEDIATE": "false"}
    # Twenty at once is a busy moment, not an overload: the process admits them all (its line
    # waits as long as they take on a loaded test machine). Overload is test_backpressure's.
    env |= {"WEB_MAX_INFLIGHT": str(N), "WEB_QUEUE_TIMEOUT": "30", "DB_POOL_TIMEOUT": "30"}
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    command += ["--log-level", "warning", "travelcrm.api.app:create_api"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    live = Live(base=f"http://127.0.0.1:{port}", log=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(live.base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield live
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _agency(server: Live) -> Live:
    """A new agency, its owner working through an API token."""
    signup = _verified()
    pair = httpx.post(
        server.base + "/api/auth/token",
        json={"email": signup.user.email, "password": PASSWORD},
        timeout=60,
    )
    assert pair.status_code == 200, pair.text
    token = pair.json()["data"]["access_token"]
    return Live(
        base=server.base,
        log=server.log,
        slug=signup.tenant.slug,
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture(scope="module")
def live(server: Live) -> Live:
    return _agency(server)


def _statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def _all(responses: list[httpx.Response], status: int) -> list[dict[str, Any]]:
    assert _statuses(responses) == {status: N}, [r.text[:200] for r in responses]
    return [r.json()["data"] for r in responses]


def _unique(values: list[Any]) -> None:
    assert len(set(values)) == len(values), Counter(values).most_common(3)


def _one_of(responses: list[httpx.Response], won: int, lost: int, code: str) -> dict[str, Any]:
    """Exactly one landed; every other one was told why, with `code`."""
    assert _statuses(responses) == {won: 1, lost: N - 1}, [r.text[:200] for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == lost} == {code}
    winner: dict[str, Any] = next(r for r in responses if r.status_code == won).json()["data"]
    return winner


def _trip(i: int, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contact": {
            "name": f"Rahul Mehta {i}",
            "email": f"r{i}.{uuid.uuid4().hex[:6]}@example.com",
        },
        "destinations": ["Goa"],
        "start_date": f"{NEXT_YEAR}-02-10",
        "end_date": f"{NEXT_YEAR}-02-15",
        "adults": 2,
    }
    return {**body, **changes}


def _email(message_id: str) -> bytes:
    return (
        "From: Meera Nair <meera.nair@example.com>\r\nTo: sales@agency.example\r\n"
        f"Subject: Kerala holiday\r\nMessage-ID: <{message_id}>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n2 adults, Kerala in June.\r\n"
    ).encode()


# ---- people and agencies -----------------------------------------------------------------------


def test_sign_ups_at_once(server: Live) -> None:
    tag = uuid.uuid4().hex[:6]

    def signup(i: int, slug: str) -> Request:
        body = {
            "agency": {
                "slug": slug,
                "name": f"Sunrise Holidays {i}",
                "country": "IN",
                "default_currency": "INR",
                "timezone": "Asia/Kolkata",
            },
            "owner_name": "Asha Menon",
            "owner_email": f"asha.{tag}.{i}@example.com",
            "password": PASSWORD,
        }
        return "POST", "/api/auth/register", {"json": body}

    made = _all(server.burst(lambda i: signup(i, f"sunrise-{tag}-{i}")), 201)
    _unique([m["tenant_id"] for m in made])
    # the same address twenty times: one agency gets it, the others are told it is taken
    _one_of(server.burst(lambda i: signup(i + N, f"taken-{tag}")), 201, 409, "conflict")


def test_tokens_sign_ins_and_one_refresh_token_at_once(live: Live) -> None:
    email = live.made("GET", "/api/auth/me")["email"]
    credentials = {"json": {"email": email, "password": PASSWORD}}
    # token requests and sign-ins of one account from one address count against its
    # brute-force allowance until they succeed: of twenty at once some may get 429 with
    # Retry-After (never a 5xx), and the account stays open afterwards
    issued = live.burst(lambda i: ("POST", "/api/auth/token", credentials))
    assert set(_statuses(issued)) <= {200, 429}, [r.text[:200] for r in issued]
    assert all(r.headers.get("retry-after") for r in issued if r.status_code == 429)
    pairs = [r.json()["data"] for r in issued if r.status_code == 200]
    assert pairs
    _unique([p["refresh_token"] for p in pairs])
    live.made("POST", "/api/auth/token", json=credentials["json"])
    signed_in = live.burst(lambda i: ("POST", "/api/auth/login", credentials))
    assert set(_statuses(signed_in)) <= {200, 429}, [r.text[:200] for r in signed_in]
    assert _statuses(signed_in)[200] >= 1
    assert all(r.headers.get("retry-after") for r in signed_in if r.status_code == 429)
    live.made("POST", "/api/auth/login", json=credentials["json"])  # not locked afterwards
    # one refresh token sent twenty times at once: it rotates once, the rest are refused
    used = {"json": {"refresh_token": pairs[0]["refresh_token"]}}
    responses = live.burst(lambda i: ("POST", "/api/auth/refresh", used))
    assert _statuses(responses)[200] <= 1 and set(_statuses(responses)) <= {200, 401}


def test_invitations_at_once(live: Live) -> None:
    tag = uuid.uuid4().hex[:6]

    def invite(email: str) -> Request:
        return (
            "POST",
            "/api/invitations",
            {"json": {"email": email, "name": "Ravi", "role": "agent"}},
        )

    _all(live.burst(lambda i: invite(f"ravi.{tag}.{i}@example.com")), 201)
    # the same person invited twenty times at once: one membership, fresh links
    live.burst(lambda i: invite(f"same.{tag}@example.com"))
    members = [m for m in live.made("GET", "/api/users") if m["email"] == f"same.{tag}@example.com"]
    assert len(members) == 1


# ---- customers ---------------------------------------------------------------------------------


def test_customers_travellers_and_one_version_at_once(live: Live) -> None:
    def customer(i: int) -> Request:
        body = {"name": f"Anita Rao {i}", "email": f"anita.{uuid.uuid4().hex[:8]}@example.com"}
        return "POST", "/api/customers", {"json": body}

    made = _all(live.burst(customer), 201)
    _unique([c["id"] for c in made])
    cid = made[0]["id"]
    travellers = _all(
        live.burst(
            lambda i: ("POST", f"/api/customers/{cid}/travellers", {"json": {"name": f"Kid {i}"}})
        ),
        201,
    )
    _unique([t["id"] for t in travellers])
    # twenty edits at the version they all read: one lands
    won = _one_of(
        live.burst(
            lambda i: (
                "PATCH",
                f"/api/customers/{cid}",
                {"json": {"row_version": 1, "city": f"City {i}"}},
            )
        ),
        200,
        409,
        "version_conflict",
    )
    assert won["row_version"] == 2
    assert live.made("GET", f"/api/customers/{cid}")["city"] == won["city"]


# ---- suppliers and rates -----------------------------------------------------------------------


def _supplier(live: Live, name: str) -> str:
    body = {"name": name, "kind": "hotel", "country": "IN", "default_currency": "INR"}
    return str(live.made("POST", "/api/suppliers", json=body)["id"])


def test_suppliers_contacts_and_services_at_once(live: Live) -> None:
    tag = uuid.uuid4().hex[:6]
    suppliers = _all(
        live.burst(
            lambda i: (
                "POST",
                "/api/suppliers",
                {
                    "json": {
                        "name": f"Sea Breeze {tag} {i}",
                        "kind": "hotel",
                        "country": "IN",
                        "default_currency": "INR",
                    }
                },
            )
        ),
        201,
    )
    sid = suppliers[0]["id"]
    _all(
        live.burst(
            lambda i: ("POST", f"/api/suppliers/{sid}/contacts", {"json": {"name": f"Rahul {i}"}})
        ),
        201,
    )
    _all(
        live.burst(
            lambda i: (
                "POST",
                f"/api/suppliers/{sid}/services",
                {"json": {"kind": "guide", "name": f"Guide {i}"}},
            )
        ),
        201,
    )
    contacts = live.made("GET", f"/api/suppliers/{sid}/contacts")
    assert len(contacts) == N
    assert sum(c["is_primary"] for c in contacts) == 1  # the first one, and only one


def _rate_list(live: Live, supplier_id: str, name: str) -> dict[str, Any]:
    body = {
        "supplier_id": supplier_id,
        "name": name,
        "currency": "INR",
        "valid_from": f"{NEXT_YEAR}-04-01",
        "valid_to": f"{NEXT_YEAR}-12-31",
    }
    return live.made("POST", "/api/rate-lists", json=body)


def test_rate_lists_seasons_lines_drafts_and_restrictions_at_once(live: Live) -> None:
    sid = _supplier(live, f"Palm Grove {uuid.uuid4().hex[:6]}")
    room = live.made(
        "POST",
        f"/api/suppliers/{sid}/services",
        json={"kind": "room", "name": "Deluxe", "meal_plan": "CP", "max_occupancy": 2},
    )
    lists = _all(
        live.burst(
            lambda i: (
                "POST",
                "/api/rate-lists",
                {
                    "json": {
                        "supplier_id": sid,
                        "name": f"Palm Grove {i}",
                        "currency": "INR",
                        "valid_from": f"{NEXT_YEAR}-04-01",
                        "valid_to": f"{NEXT_YEAR}-12-31",
                    }
                },
            )
        ),
        201,
    )
    _unique([v["rate_list_id"] for v in lists])
    version = lists[0]
    vid, lock = version["id"], version["row_version"]
    start = date(NEXT_YEAR, 4, 1)

    def season(i: int) -> Request:
        day = (start + timedelta(days=i)).isoformat()
        body = {"row_version": lock, "name": f"Day {i}", "starts_on": day, "ends_on": day}
        return "POST", f"/api/rate-versions/{vid}/seasons", {"json": body}

    # twenty edits of one draft at the lock they all read: one lands
    won = _one_of(live.burst(season), 201, 409, "version_conflict")
    lock += 1
    line = {
        "service_id": room["id"],
        "season_id": won["id"],
        "basis": "per_room",
        "occupancy": "double",
    }
    _one_of(
        live.burst(
            lambda i: (
                "POST",
                f"/api/rate-versions/{vid}/lines",
                {"json": {"row_version": lock, "lines": [{**line, "net": str(4000 + i)}]}},
            )
        ),
        201,
        409,
        "version_conflict",
    )
    lock += 1
    coverage = live.made("GET", f"/api/rate-versions/{vid}/coverage")
    confirm = sorted(i["key"] for i in coverage if i["severity"] == "confirm")
    live.made(
        "POST",
        f"/api/rate-versions/{vid}/publish",
        json={"row_version": lock, "acknowledged": confirm},
    )
    # twenty "start a new draft" at once: one draft, the others told where it is
    _one_of(
        live.burst(lambda i: ("POST", f"/api/rate-versions/{vid}/drafts", {})), 201, 409, "conflict"
    )

    def restriction(i: int) -> Request:
        day = (start + timedelta(days=i)).isoformat()
        body = {"supplier_id": sid, "kind": "stop_sale", "starts_on": day, "ends_on": day}
        return "POST", "/api/restrictions", {"json": body}

    _all(live.burst(restriction), 201)


def test_rate_sheet_uploads_at_once(live: Live) -> None:
    sid = _supplier(live, f"Backwater Stays {uuid.uuid4().hex[:6]}")
    list_id = _rate_list(live, sid, "Backwater Stays")["rate_list_id"]
    content = SHEET.read_bytes()
    responses = live.burst(
        lambda i: (
            "POST",
            f"/api/rate-lists/{list_id}/imports",
            {"files": {"file": (SHEET.name, content, "text/csv")}},
        )
    )
    assert set(_statuses(responses)) <= {200, 201, 202}, [r.text[:200] for r in responses]


# ---- queries -----------------------------------------------------------------------------------


def _references(live: Live) -> list[str]:
    found: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = live.call("GET", "/api/queries", params=params).json()
        found += [q["reference"] for q in page["data"]]
        cursor = page["meta"].get("next_cursor")
        if not cursor:
            return found


def test_queries_at_once_get_numbers_of_their_own(live: Live) -> None:
    made = _all(live.burst(lambda i: ("POST", "/api/queries", {"json": _trip(i)})), 201)
    _unique([q["reference"] for q in made])
    # one integration retrying one enquiry twenty times at once: one query
    ref = f"web-{uuid.uuid4().hex[:8]}"
    same = live.burst(lambda i: ("POST", "/api/queries", {"json": _trip(0, external_ref=ref)}))
    assert set(_statuses(same)) <= {200, 201}, [r.text[:200] for r in same]
    assert len({r.json()["data"]["id"] for r in same}) == 1
    _unique(_references(live))


def test_enquiry_emails_at_once(live: Live) -> None:
    eml = {"Content-Type": "message/rfc822", **(live.headers or {})}
    tag = uuid.uuid4().hex[:8]
    made = _all(
        live.burst(
            lambda i: (
                "POST",
                "/api/queries/inbound-email",
                {"content": _email(f"{tag}-{i}@mail.example.com"), "headers": eml},
            )
        ),
        201,
    )
    _unique([q["reference"] for q in made])
    # the mail server delivers one message twenty times at once: one query
    same = live.burst(
        lambda i: (
            "POST",
            "/api/queries/inbound-email",
            {"content": _email(f"{tag}@mail.example.com"), "headers": eml},
        )
    )
    assert set(_statuses(same)) <= {200, 201}, [r.text[:200] for r in same]
    assert len({r.json()["data"]["id"] for r in same}) == 1


def test_portal_enquiries_at_once(live: Live) -> None:
    def form(i: int) -> Request:
        data = {
            "name": f"Zara Khan {i}",
            "email": f"zara.{i}.{uuid.uuid4().hex[:6]}@example.com",
            "destination": "Ladakh",
            "travel_month": f"{NEXT_YEAR}-07",
            "nights": "6",
        }
        return "POST", f"/api/public/{live.slug}/enquiries", {"data": data, "headers": {}}

    responses = live.burst(form)
    # a few per address, then 429 with Retry-After: never a failure
    assert set(_statuses(responses)) <= {202, 429}, [r.text[:200] for r in responses]
    assert _statuses(responses)[202] >= 1
    _unique(_references(live))


def test_first_lost_reasons_notes_and_moves_at_once(server: Live) -> None:
    fresh = _agency(server)  # its list of lost reasons is not made yet
    responses = fresh.burst(
        lambda i: ("POST", "/api/queries/lost-reasons", {"json": {"label": f"Went quiet {i}"}})
    )
    assert _statuses(responses) == {200: N}, [r.text[:200] for r in responses]
    reasons = fresh.made("GET", "/api/queries/lost-reasons")
    assert all(f"Went quiet {i}" in reasons for i in range(N))
    query = fresh.made("POST", "/api/queries", json=_trip(0))
    qid = query["id"]
    notes = _all(
        fresh.burst(
            lambda i: ("POST", f"/api/queries/{qid}/notes", {"json": {"body": f"Call back {i}"}})
        ),
        201,
    )
    _unique([n["id"] for n in notes])
    # twenty moves at the version they all read: one lands
    version = query["row_version"]
    move = {"json": {"to": "assigned", "row_version": version}}
    won = _one_of(
        fresh.burst(lambda i: ("POST", f"/api/queries/{qid}/transition", move)),
        200,
        409,
        "version_conflict",
    )
    assert won["row_version"] == version + 1

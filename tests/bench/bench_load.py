"""Load benchmark (issue 19): many people at once against the running app, in two shapes.

- production: PostgreSQL (a fresh database: migrations + demo data), Redis (cache, queue and
  Reflex state), `WEB_WORKERS=2` (Granian workers), started as `python -m travelcrm.manage web`;
- embedded: `make run`'s default, SQLite in a fresh DATA_DIR, no Redis, one worker.

Each prints, beside a bare Starlette + Granian JSON app measured in the same run with the same
number of workers (the framework's floor on this machine): req/s, p50/p95/p99 and the answers
that were not 2xx, by status, for

- `GET /api/queries?limit=25` as a bearer (RLS on PostgreSQL), 100 concurrent;
  target (production) >= 1,000 req/s, p95 <= 300 ms, no errors;
- `POST /api/price-quotes` for a service of a published demo rate list (the same body each
  time: the cached lookup), 100 concurrent; target >= 1,000 req/s, p95 <= 100 ms;
- `GET /api/health`, 100 concurrent; target >= 8,000 req/s;
- overload: `GET /api/queries` at 400 concurrent: every status counted; allowed only 200, or
  503 with `Retry-After` answered within 1 s (p99); never a 500;
- the Reflex event path (50 tabs over socket.io): `reflex_figures`, a slot filled separately;

then a profile of one request path (py-spy sampling the worker while one client sends the
queries list one request at a time): where a request's wall time goes, in ms per request,
split into waiting on the database and the rest.

Beside each load, the CPU time per request it cost the app's processes and PostgreSQL's
backends: on a shared machine the figure the neighbours' load moves least. After seeding,
the database is ANALYZEd (as autovacuum would have done by then; it is off here).

Loads are ApacheBench (C, keep-alive) for throughput, and aiohttp (asyncio, four client
processes) for the overload, where each answer's status, latency and Retry-After is kept.
Every load is bounded in requests and seconds and goes to 127.0.0.1 only. Each throughput load
runs BENCH_ROUNDS times (3) and the median round (by req/s) is printed: this 2-core machine is
shared, the figures are noisy.

Run: `make bench` or `.venv/bin/python -m tests.bench.bench_load` (the frontend is built
first if it never was; PostgreSQL and Redis must be running). `BENCH_SHAPES=production` or
`embedded` runs one shape; `BENCH_ONLY=reflex,list` (any of health, list, quotes, profile,
reflex, overload) runs only those parts (the baseline always); `BENCH_REDIS_URL` and
`BENCH_REFLEX_REDIS_URL` name the two Redis databases it flushes (12 and 11 by default).
Figures, not timed assertions.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import sqlalchemy as sa

from tests.bench.loadkit import (
    PROJECT_ROOT,
    Answers,
    Figures,
    ab,
    baseline_server,
    http_load,
    port_free,
    stop,
    wait_http,
    with_cpu,
)

ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
REFLEX_REDIS_URL = os.environ.get("BENCH_REFLEX_REDIS_URL", "redis://127.0.0.1:6379/11")
APP_PORT = int(os.environ.get("PORT", "3000"))  # the port the frontend was built for
BASELINE_PORT = int(os.environ.get("BENCH_BASELINE_PORT", "3998"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SHAPES = os.environ.get("BENCH_SHAPES", "production,embedded").split(",")
PARTS = ("health", "list", "quotes", "profile", "reflex", "overload")
ONLY = [p for p in os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",") if p]

CONCURRENCY = 100
OVERLOAD = 400
HEALTH_REQUESTS = 20_000
LIST_REQUESTS = 4_000
QUOTE_REQUESTS = 4_000
OVERLOAD_REQUESTS = 4_000
LOAD_SECONDS = 30  # the most any one load may take
PROFILE_REQUESTS = 300
PROFILE_RATE = 1000  # samples per second asked of py-spy

OWNER_EMAIL = "owner@sunrise-holidays.example"
OWNER_PASSWORD = "Sunrise-Demo-2026"


@dataclass(frozen=True)
class Shape:
    name: str
    title: str
    workers: int
    env: dict[str, str]
    targets: bool
    database: str | None = None  # PostgreSQL's database name


# ---- the app ----------------------------------------------------------------------------------


def _manage(env: dict[str, str], *args: str, timeout: float = 600) -> None:
    subprocess.run(
        [sys.executable, "-m", "travelcrm.manage", *args],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=timeout,
    )


@contextmanager
def _postgres_database() -> Iterator[str]:
    name = f"travelcrm_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _flush_redis() -> None:
    import redis

    for url in (REDIS_URL, REFLEX_REDIS_URL):
        client = redis.Redis.from_url(url)
        client.flushdb()
        client.close()


def _base_env(data_dir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATA_DIR": data_dir,
        "DATABASE_URL": "",
        "PORT": str(APP_PORT),
        "LOG_LEVEL": "INFO",  # production's default: one access line per request
        "LOG_FORMAT": "json",
        "REFLEX_DIR": str(PROJECT_ROOT / ".reflex"),
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    for name in ("REDIS_URL", "REFLEX_REDIS_URL", "HUEY_IMMEDIATE", "GRANIAN_WORKERS"):
        env.pop(name, None)
    return env


@contextmanager
def _app(shape: Shape) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m travelcrm.manage web` on a migrated, seeded database; its log in DATA_DIR."""
    env = shape.env
    _manage(env, "migrate")
    _manage(env, "seed")
    if env["DATABASE_URL"]:
        # what autovacuum would have done by now (it is off on this machine's PostgreSQL)
        owner = sa.create_engine(env["DATABASE_URL"])
        with owner.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        owner.dispose()
    if not (PROJECT_ROOT / ".web" / "build" / "client" / "index.html").exists():
        print("  building the frontend once (about two minutes)...", flush=True)
        _manage(env, "build")
    log = (Path(env["DATA_DIR"]) / "web.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "travelcrm.manage", "web", "--host", "127.0.0.1"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_http(f"http://127.0.0.1:{APP_PORT}/api/health", 120)
        yield process
    finally:
        stop(process, signal.SIGINT)
        log.close()


def _workers(process: subprocess.Popen[bytes]) -> list[int]:
    """The web workers' pids (Granian's worker processes: the leaves of the process tree)."""
    children = psutil.Process(process.pid).children(recursive=True)
    return [
        c.pid
        for c in children
        if not c.children() and "resource_tracker" not in " ".join(c.cmdline())
    ]


def _token(base: str) -> str:
    response = httpx.post(
        f"{base}/api/auth/token",
        json={"email": OWNER_EMAIL, "password": OWNER_PASSWORD},
        timeout=120,
    )
    response.raise_for_status()
    token: str = response.json()["data"]["access_token"]
    return token


def _quote_body(base: str, headers: dict[str, str]) -> bytes:
    """A price query that a published demo rate list answers (200), as JSON."""
    import json

    lists = httpx.get(f"{base}/api/rate-lists", headers=headers, timeout=30).json()["data"]
    start = date.today() + timedelta(days=21)
    for rate_list in lists:
        for version in rate_list["versions"]:
            if version["status"] != "published":
                continue
            check_in = max(start, date.fromisoformat(version["valid_from"]))
            if check_in + timedelta(days=2) > date.fromisoformat(version["valid_to"]):
                continue
            lines = httpx.get(
                f"{base}/api/rate-versions/{version['id']}/lines",
                params={"per_page": 200},
                headers=headers,
                timeout=30,
            ).json()["data"]
            for service_id in dict.fromkeys(line["service_id"] for line in lines):
                body = {"service_id": service_id, "check_in": check_in.isoformat(), "nights": 2}
                answer = httpx.post(
                    f"{base}/api/price-quotes", json=body, headers=headers, timeout=30
                )
                if answer.status_code == 200:
                    return json.dumps(body).encode()
    raise RuntimeError("no published demo rate list answers a price query")


# ---- loads ------------------------------------------------------------------------------------


def _median_round(run: Callable[[], Figures], pids: list[int], database: str | None) -> Figures:
    """The median of ROUNDS runs (by req/s), with the CPU time per request it cost."""
    rounds = sorted((with_cpu(run, pids, database) for _ in range(ROUNDS)), key=lambda f: f.rps)
    return rounds[len(rounds) // 2]


@dataclass
class Results:
    shape: Shape
    baseline: Figures
    health: Figures | None
    queries: Figures | None
    quotes: Figures | None
    overload: Answers | None
    reflex: dict[str, str] | None
    profile: list[tuple[str, float, float]] | None
    profile_latency_ms: float


def _measure(shape: Shape) -> Results:
    base = f"http://127.0.0.1:{APP_PORT}"

    def load(url: str, requests: int, **options: Any) -> Callable[[], Figures]:
        return lambda: ab(
            url, requests=requests, concurrency=CONCURRENCY, seconds=LOAD_SECONDS, **options
        )

    with baseline_server(BASELINE_PORT, workers=shape.workers) as server:
        pids = [server.pid, *(c.pid for c in psutil.Process(server.pid).children(True))]
        baseline = _median_round(
            load(f"http://127.0.0.1:{BASELINE_PORT}/", HEALTH_REQUESTS), pids, None
        )
    results = Results(shape, baseline, None, None, None, None, None, None, 0.0)
    with _app(shape) as app:
        pids = [app.pid, *(c.pid for c in psutil.Process(app.pid).children(True))]

        def bearer() -> list[str]:  # a fresh token for each load: each lasts 15 minutes
            return [f"Authorization: Bearer {_token(base)}"]

        list_url = f"{base}/api/queries?limit=25"
        if "health" in ONLY:
            print("  health...", flush=True)
            results.health = _median_round(
                load(f"{base}/api/health", HEALTH_REQUESTS), pids, shape.database
            )
        if "list" in ONLY:
            print("  queries list...", flush=True)
            results.queries = _median_round(
                load(list_url, LIST_REQUESTS, headers=bearer()), pids, shape.database
            )
        if "quotes" in ONLY:
            print("  price quotes...", flush=True)
            quote = _quote_body(base, {"Authorization": f"Bearer {_token(base)}"})
            results.quotes = _median_round(
                load(f"{base}/api/price-quotes", QUOTE_REQUESTS, headers=bearer(), body=quote),
                pids,
                shape.database,
            )
        if "profile" in ONLY:
            print("  profile...", flush=True)
            results.profile, results.profile_latency_ms = _profile(app, list_url, bearer()[0])
        if "reflex" in ONLY:
            print("  Reflex events...", flush=True)
            results.reflex = reflex_figures(base, shape, pids)
        if "overload" in ONLY:
            print("  overload...", flush=True)  # last: the server works off what was left queued
            results.overload = http_load(
                list_url,
                requests=OVERLOAD_REQUESTS,
                concurrency=OVERLOAD,
                seconds=LOAD_SECONDS,
                headers={"Authorization": f"Bearer {_token(base)}"},
            )
    return results


# ---- the Reflex event path (slot) -----------------------------------------------------------


def reflex_figures(base: str, shape: Shape, pids: list[int]) -> dict[str, str] | None:
    """The Reflex event path (issue 19, section 3), measured by `tests/bench/reflex_events.py`:
    50 tabs, each with its own tab token and the signed-in cookie, connect with the packet a
    real Chromium visit to the queries list sent (hydrate: connect until the page says it is
    hydrated and its on_load ran) and send the list's `load` event 10 times each, all tabs at
    once; events/s and p95 (targets >= 300/s, <= 100 ms), hydrate p95 (<= 150 ms), the bytes
    of an event (<= 10 KB for 25 rows), the Redis memory per idle tab (<= 50 KB) and the CPU
    time an event cost the app and the database (on a shared machine the steadiest figure)."""
    from tests.bench.reflex_events import describe, measure, pct
    from travelcrm.demo import DEMO_LOGINS

    _slug, email, _name, password = DEMO_LOGINS[0]
    figures = measure(
        base,
        email=email,
        password=password,
        tabs=50,
        events=10,
        redis_url=shape.env.get("REFLEX_REDIS_URL"),
        app_pids=pids,
        database=shape.database,
    )
    ms = 1000
    out = {
        "events/s (50 tabs x 10 list loads)": f"{figures.per_second:.0f}"
        + ("   target >= 300" if shape.targets else ""),
        "event p95": f"{pct(figures.event_s, 0.95) * ms:.0f} ms"
        + ("   target <= 100 ms" if shape.targets else ""),
        "hydrate p95": f"{pct(figures.hydrate_s, 0.95) * ms:.0f} ms"
        + ("   target <= 150 ms" if shape.targets else ""),
        "summary": " | ".join(describe(figures)),
    }
    if figures.redis_bytes_per_tab is not None:
        out["Redis memory per idle tab"] = f"{figures.redis_bytes_per_tab / 1024:.1f} KB" + (
            "   target <= 50 KB" if shape.targets else ""
        )
    return out


# ---- profile ----------------------------------------------------------------------------------

# Where a sample of the request path is counted: the first rule that matches, a rule being
# (bucket, function names, file prefixes). "Sticky" rules are tried on the whole stack first
# (everything under the bearer check is the bearer check); the others from the leaf up.
_STICKY: list[tuple[str, set[str], tuple[str, ...]]] = [
    (  # the unit of work's first round trip, whichever statement opens it
        "tenant scope: BEGIN + set_config, commit",
        {"_pg_checkout", "_begin_scoped", "commit"},
        (),
    ),
    (
        "identity: bearer token, user + membership",
        {
            "current_person",
            "_from_bearer",
            "current_identity",
            "verify_access_token",
            "token_holder",
            "check_in",
        },
        ("travelcrm/accounts/tokens.py", "joserfc/"),
    ),
    ("logging (access log)", set(), ("logging/", "travelcrm/core/logging.py")),
]
_FROM_LEAF: list[tuple[str, set[str], tuple[str, ...]]] = [
    (
        "serialisation (models, validation, JSON)",
        {
            "serialize_response",
            "jsonable_encoder",
            "render",
            "envelope",
            "_prepare_response_content",
            "model_validate",
            "json_response",
        },
        ("pydantic/", "pydantic_core/", "json/", "travelcrm/api/envelope.py"),
    ),
    (
        "tenant scope: BEGIN + set_config, commit",
        {
            "tenant_session",
            "_unit_of_work",
            "_pg_checkout",
            "_begin_scoped",
            "_set_tenant_for_transaction",
            "tenant_scope",
        },
        (),
    ),
    (
        "the query (service, SQL, rows)",
        set(),
        (
            "travelcrm/queries/",
            "travelcrm/rates/",
            "travelcrm/db.py",
            "travelcrm/api/pagination.py",
        ),
    ),
    (
        "FastAPI: parameters, dependencies",
        {"solve_dependencies", "request_params_to_args", "_solve_generator", "get_request_handler"},
        ("fastapi/dependencies/",),
    ),
    ("threadpool hand-offs", set(), ("anyio/", "concurrent/", "threading.py", "queue.py")),
    (
        "middleware (ours, Starlette's, Reflex's)",
        set(),
        (
            "travelcrm/api/middleware.py",
            "travelcrm/api/idempotency.py",
            "starlette/middleware/",
            "reflex/app.py",
            "starlette/_exception_handler.py",
            "fastapi/middleware/",
        ),
    ),
    ("routing", set(), ("starlette/routing.py", "fastapi/routing.py", "fastapi/applications.py")),
]
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:]*):\d+\)$")
_IDLE_LEAVES = ("Queue.get", "Condition.wait")
_DB_WAIT = ("psycopg/", "sqlite3")
_REQUEST_PATH = ("starlette/", "fastapi/", "travelcrm/", "sqlalchemy/", "psycopg/", "pydantic")
_NOT_REQUEST_PATH = ("travelcrm/manage.py",)


def _bucket(frames: list[tuple[str, str]]) -> str:
    for label, functions, files in _STICKY:
        if any(f.split(".")[-1] in functions or p.startswith(files) for f, p in frames):
            return label
    for function, path in reversed(frames):
        for label, functions, files in _FROM_LEAF:
            if function.split(".")[-1] in functions or (files and path.startswith(files)):
                return label
    return "server, event loop, other"


def _classify(raw: str) -> tuple[Counter[str], Counter[str]]:
    """py-spy's raw (collapsed) stacks -> samples per bucket, and those waiting on the DB."""
    total: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = []
        for frame in stack.split(";"):
            match = _FRAME.match(frame)
            if match:
                frames.append((match["function"], match["file"]))
        if not frames or not any(
            p.startswith(_REQUEST_PATH) and not p.startswith(_NOT_REQUEST_PATH) for _, p in frames
        ):
            continue  # a thread with nothing of a request on it (the idle event loop too)
        leaf_function, leaf_file = frames[-1]
        if (
            leaf_function.startswith(_IDLE_LEAVES)
            and leaf_file in ("threading.py", "queue.py")
            and not any(p.startswith("sqlalchemy/") for _, p in frames)
        ):
            continue  # an idle threadpool worker (a wait for a pooled connection is kept)
        label = _bucket(frames)
        total[label] += int(count)
        if leaf_file.startswith(_DB_WAIT) or leaf_function in ("_begin_scoped",):
            waiting[label] += int(count)
    return total, waiting


def _profile(
    app: subprocess.Popen[bytes], url: str, bearer: str
) -> tuple[list[tuple[str, float, float]], float]:
    """py-spy samples every web worker while one client sends the list request after
    request; returns (bucket, ms per request, of which waiting on the database) and the mean
    latency the client saw."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        return [("py-spy is not installed: `make install` (dev extra)", 0.0, 0.0)], 0.0
    folder = Path(tempfile.mkdtemp(prefix="travelcrm-bench-spy-"))
    spies = []
    for pid in _workers(app):
        command = [spy, "record", "--pid", str(pid), "--rate", str(PROFILE_RATE)]
        command += ["--format", "raw", "--idle", "--nonblocking"]
        command += ["--output", str(folder / f"{pid}.txt")]
        spies.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    started = time.monotonic()
    time.sleep(1.0)
    try:
        figures = ab(url, requests=PROFILE_REQUESTS, concurrency=1, headers=[bearer], warm=20)
    finally:
        for process in spies:
            process.send_signal(signal.SIGINT)
        window_ms = (time.monotonic() - started) * 1000
        for process in spies:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    # py-spy falls behind its rate on a busy machine (it reads every thread's stack): the
    # worker's main thread is in every snapshot, so its count tells how many were taken
    requests = PROFILE_REQUESTS + 20  # the warm-up requests were sampled too
    ms: Counter[str] = Counter()
    waited: Counter[str] = Counter()
    for out in folder.glob("*.txt"):
        raw = out.read_text()
        snapshots = sum(
            int(line.rpartition(" ")[2])
            for line in raw.splitlines()
            if line.startswith("_run_module_as_main ")
        )
        if not snapshots:
            continue
        t, w = _classify(raw)
        for label, samples in t.items():
            ms[label] += samples * window_ms / snapshots / requests
            waited[label] += w[label] * window_ms / snapshots / requests
    shutil.rmtree(folder, ignore_errors=True)
    if not ms:
        return [("py-spy took no samples (ptrace not permitted?)", 0.0, 0.0)], 0.0
    rows = [(label, value, waited[label]) for label, value in ms.most_common()]
    latency = figures.p50 if figures.requests else 0.0
    return rows, latency


# ---- report -----------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _errors(figures: Figures) -> str:
    return ", ".join(f"{k}: {v}" for k, v in figures.errors.items()) or "none"


def _report(results: Results) -> None:
    shape = results.shape
    rule = "-" * 100
    print(rule)
    print(f"TravelCRM load benchmark: {shape.title} ({os.cpu_count()} cores)")
    print(
        f"ApacheBench keep-alive, {CONCURRENCY} concurrent, median of {ROUNDS} rounds; "
        f"overload: aiohttp, {OVERLOAD} concurrent"
    )
    print(rule)
    head = f"{'figure':<31}{'req/s':>7}{'p50':>6}{'p95':>6}{'p99':>6}{'CPU ms app/db':>15}"
    print(head + f"  {'not 2xx':<10}" + ("target" if shape.targets else ""))

    def row(label: str, f: Figures, target: str) -> None:
        cpu = f"{f.app_cpu_ms or 0:.2f}" + (f"/{f.db_cpu_ms:.2f}" if f.db_cpu_ms else "")
        line = f"{label:<31}{f.rps:>7.0f}{f.p50:>6.0f}{f.p95:>6.0f}{f.p99:>6.0f}{cpu:>15}  "
        print(line + f"{_errors(f):<10}" + (target if shape.targets else ""))

    row(f"bare Starlette, {shape.workers} worker(s)", results.baseline, "")
    for label, figures, target in (
        ("GET /api/health", results.health, ">= 8,000/s"),
        ("GET /api/queries?limit=25", results.queries, ">= 1,000/s, p95 <= 300"),
        ("POST /api/price-quotes", results.quotes, ">= 1,000/s, p95 <= 100"),
    ):
        if figures is not None:
            row(label, figures, target)
    o = results.overload
    if o is not None:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(o.statuses.items()))
        print(
            f"overload GET /api/queries x{OVERLOAD}: {o.total} answers in {o.seconds:.1f} s "
            f"({o.rps:.0f}/s): {statuses}"
        )
        print(
            f"  p99 of the 503s {_ms(o.percentile('503', 99))} ms (target <= 1000), "
            f"503s without Retry-After {o.without_retry_after}, "
            f"p50/p99 of the 200s {_ms(o.percentile('200', 50))}/"
            f"{_ms(o.percentile('200', 99))} ms"
            + ("; allowed: 200, 503 + Retry-After" if shape.targets else "")
        )
    if results.reflex is None:
        print("Reflex events (50 tabs over socket.io): not measured")
    else:
        for label, value in results.reflex.items():
            print(f"Reflex {label}: {value}")
    if results.profile is None:
        return
    print(rule)
    print(
        f"Where one GET /api/queries?limit=25 spends its time (py-spy, {PROFILE_REQUESTS} "
        f"requests one at a time; client p50 {results.profile_latency_ms:.1f} ms):"
    )
    print(f"  {'':<48}{'ms/request':>11}{'of which DB wait':>18}")
    for label, ms, waited in results.profile:
        print(f"  {label:<48}{ms:>11.2f}{waited:>18.2f}")
    accounted = sum(ms for _, ms, _ in results.profile)
    print(f"  {'sampled at work in all':<48}{accounted:>11.2f}")
    rest = max(results.profile_latency_ms - accounted, 0.0)
    print(f"  {'the rest of the client p50: hand-offs, run queue':<48}{rest:>11.2f}")
    print(rule)


def _shapes(stack: Any) -> Iterator[Shape]:
    if "production" in SHAPES:
        url = stack.enter_context(_postgres_database())
        data_dir = tempfile.mkdtemp(prefix="travelcrm-load-pg-")
        _flush_redis()
        env = _base_env(data_dir) | {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "REFLEX_REDIS_URL": REFLEX_REDIS_URL,
            "WEB_WORKERS": "2",
            "GRANIAN_WORKERS": "2",
        }
        yield Shape(
            "production",
            "production shape: PostgreSQL + RLS, Redis, WEB_WORKERS=2",
            2,
            env,
            True,
            url.rsplit("/", 1)[1],
        )
    if "embedded" in SHAPES:
        data_dir = tempfile.mkdtemp(prefix="travelcrm-load-sqlite-")
        env = _base_env(data_dir) | {"WEB_WORKERS": "1", "GRANIAN_WORKERS": "1"}
        yield Shape("embedded", "embedded default: SQLite, one worker, no Redis", 1, env, False)


def main() -> None:
    from contextlib import ExitStack

    # a stopped bench still drops its database and stops the app it started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not port_free(APP_PORT):
        raise SystemExit(f"port {APP_PORT} is in use: set PORT to a free one")
    started = time.monotonic()
    with ExitStack() as stack:
        for shape in _shapes(stack):
            print(f"[{shape.name}] preparing (migrations, demo data) and measuring...", flush=True)
            results = _measure(shape)
            if shape.name == "production":
                _flush_redis()
            _report(results)
    print(f"bench_load: {time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    main()

"""Foundation benchmark: start-up time, /api/health and /api/ready latency, resident memory.

Run with `make bench` (the frontend must be built once: `make run` does it). Each figure is
printed beside a baseline measured in the same run: a bare Starlette app served by the same
server (Granian) on the same machine, answering a constant JSON body.

Targets (issue 3): start to ready <= 15 s; p95 <= 10 ms (health), <= 30 ms (ready) at 2,000
requests, 20 concurrent; resident memory of backend + worker <= 400 MB.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time

import psutil

from tests.bench.loadkit import (
    PROJECT_ROOT,
    Figures,
    ab,
    baseline_server,
    stop,
    tree_rss_mb,
    wait_http,
)

REQUESTS = 2000
CONCURRENCY = 20
APP_PORT = int(os.environ.get("PORT", "3000"))
BASELINE_PORT = 3999


def _load(url: str) -> Figures:
    """ApacheBench (C, keep-alive): REQUESTS requests at CONCURRENCY; percentiles in ms."""
    figures = ab(url, requests=REQUESTS, concurrency=CONCURRENCY)
    if figures.errors:
        raise RuntimeError(f"{url}: answers other than 2xx: {figures.errors}")
    return figures


def _baseline() -> tuple[float, Figures, float]:
    """A constant-JSON Starlette app on the same server (Granian, one worker, uvloop)."""
    started = time.monotonic()
    with baseline_server(BASELINE_PORT) as process:
        ready = time.monotonic() - started
        figures = _load(f"http://127.0.0.1:{BASELINE_PORT}/")
        return ready, figures, tree_rss_mb(process.pid, exclude_root=False)


def _start_app(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], float]:
    """`make run` once installed is `python -m travelcrm.manage run`: time it to ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "travelcrm.manage", "run", "--host", "127.0.0.1"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, wait_http(f"http://127.0.0.1:{APP_PORT}/api/ready", 120)


def _row(label: str, value: float, base: float | str = "", target: str = "") -> None:
    base_text = f"{base:.2f}" if isinstance(base, float) else base
    print(f"{label:<48}{value:>10.2f}{base_text:>10}{target:>10}")


def main() -> None:
    env = {
        **os.environ,
        "DATA_DIR": tempfile.mkdtemp(prefix="travelcrm-bench-"),
        "DATABASE_URL": "",
        "PORT": str(APP_PORT),
        "LOG_LEVEL": "WARNING",
    }
    for name in ("REDIS_URL", "REFLEX_REDIS_URL", "READY_CACHE_SECONDS"):
        env.pop(name, None)

    base_start, base, base_rss = _baseline()

    app, fresh_start = _start_app(env)  # fresh database: migrations and demo data included
    stop(app, signal.SIGINT)  # what Ctrl-C sends
    app, second_start = _start_app(env)
    try:
        health = _load(f"http://127.0.0.1:{APP_PORT}/api/health")
        ready = _load(f"http://127.0.0.1:{APP_PORT}/api/ready")
        time.sleep(1)
        app_rss = tree_rss_mb(app.pid, exclude_root=True)
        launcher_rss = psutil.Process(app.pid).memory_info().rss / 2**20
    finally:
        stop(app, signal.SIGINT)
    app, _ = _start_app({**env, "READY_CACHE_SECONDS": "0"})
    try:
        ready_uncached = _load(f"http://127.0.0.1:{APP_PORT}/api/ready")
    finally:
        stop(app, signal.SIGINT)

    rule = "-" * 78
    print(rule)
    print(f"TravelCRM foundation benchmark ({os.cpu_count()} cores; SQLite + SqliteHuey)")
    print(f"load: ApacheBench, {REQUESTS} requests, {CONCURRENCY} concurrent, keep-alive")
    print(rule)
    print(f"{'figure':<48}{'TravelCRM':>10}{'baseline':>10}{'target':>10}")
    _row("start to /api/ready 200, fresh database (s)", fresh_start, base_start, "<= 15")
    _row("start to /api/ready 200, second start (s)", second_start, base_start, "<= 15")
    for label, figures, target in (
        ("/api/health", health, "<= 10"),
        ("/api/ready (1 s result cache, default)", ready, "<= 30"),
        ("/api/ready (READY_CACHE_SECONDS=0)", ready_uncached, "<= 30"),
    ):
        _row(f"{label} p50 (ms)", figures.p50, base.p50)
        _row(f"{label} p95 (ms)", figures.p95, base.p95, target)
        _row(f"{label} req/s", figures.rps, base.rps)
    _row("resident memory, web + worker (MB)", app_rss, base_rss, "<= 400")
    _row("resident memory, launcher (MB, not counted)", launcher_rss)
    print(rule)
    print("baseline: a bare Starlette app on Granian answering constant JSON, same run")


if __name__ == "__main__":
    main()

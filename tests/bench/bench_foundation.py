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
import textwrap
import time
from pathlib import Path

import httpx
import psutil

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 2000
CONCURRENCY = 20
APP_PORT = int(os.environ.get("PORT", "3000"))
BASELINE_PORT = 3999

BASELINE_APP = textwrap.dedent(
    """
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def ok(request):
        return JSONResponse({"data": {"status": "ok"}, "meta": {}})

    app = Starlette(routes=[Route("/", ok)])
    """
)


def _wait_http(url: str, timeout: float, expect: int = 200) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if httpx.get(url, timeout=2).status_code == expect:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer {expect} within {timeout}s")


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _tree_rss_mb(pid: int, *, exclude_root: bool) -> float:
    root = psutil.Process(pid)
    processes = root.children(recursive=True) + ([] if exclude_root else [root])
    return sum(p.memory_info().rss for p in processes if p.is_running()) / 2**20


def _load(url: str) -> dict[str, float]:
    """ApacheBench (C, keep-alive): REQUESTS requests at CONCURRENCY; percentiles in ms."""
    csv = Path(tempfile.mkstemp(suffix=".csv")[1])
    warm = ["ab", "-q", "-k", "-n", "200", "-c", str(CONCURRENCY), url]
    subprocess.run(warm, check=True, capture_output=True)
    out = subprocess.run(
        ["ab", "-q", "-k", "-n", str(REQUESTS), "-c", str(CONCURRENCY), "-e", str(csv), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    percent = {}
    for row in csv.read_text().splitlines()[1:]:
        pct, ms = row.split(",")
        percent[int(float(pct))] = float(ms)
    figures = {"p50": percent[50], "p95": percent[95]}
    for line in out.splitlines():
        if line.startswith("Requests per second:"):
            figures["rps"] = float(line.split()[3])
        if line.startswith("Non-2xx responses:"):
            raise RuntimeError(f"{url}: {line}")
    return figures


def _baseline() -> tuple[float, dict[str, float], float]:
    """A constant-JSON Starlette app on the same server (Granian, one worker, uvloop)."""
    folder = Path(tempfile.mkdtemp(prefix="travelcrm-bench-base-"))
    (folder / "bench_baseline_app.py").write_text(BASELINE_APP)
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1"]
    command += ["--port", str(BASELINE_PORT), "--workers", "1", "--log-level", "warning"]
    process = subprocess.Popen(
        [*command, "bench_baseline_app:app"], cwd=folder, start_new_session=True
    )
    try:
        started = _wait_http(f"http://127.0.0.1:{BASELINE_PORT}/", 30)
        figures = _load(f"http://127.0.0.1:{BASELINE_PORT}/")
        return started, figures, _tree_rss_mb(process.pid, exclude_root=False)
    finally:
        _stop(process)


def _start_app(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], float]:
    """`make run` once installed is `python -m travelcrm.manage run`: time it to ready."""
    process = subprocess.Popen(
        [sys.executable, "-m", "travelcrm.manage", "run", "--host", "127.0.0.1"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, _wait_http(f"http://127.0.0.1:{APP_PORT}/api/ready", 120)


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
    _stop(app, signal.SIGINT)  # what Ctrl-C sends
    app, second_start = _start_app(env)
    try:
        health = _load(f"http://127.0.0.1:{APP_PORT}/api/health")
        ready = _load(f"http://127.0.0.1:{APP_PORT}/api/ready")
        time.sleep(1)
        app_rss = _tree_rss_mb(app.pid, exclude_root=True)
        launcher_rss = psutil.Process(app.pid).memory_info().rss / 2**20
    finally:
        _stop(app, signal.SIGINT)
    app, _ = _start_app({**env, "READY_CACHE_SECONDS": "0"})
    try:
        ready_uncached = _load(f"http://127.0.0.1:{APP_PORT}/api/ready")
    finally:
        _stop(app, signal.SIGINT)

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
        _row(f"{label} p50 (ms)", figures["p50"], base["p50"])
        _row(f"{label} p95 (ms)", figures["p95"], base["p95"], target)
        _row(f"{label} req/s", figures["rps"], base["rps"])
    _row("resident memory, web + worker (MB)", app_rss, base_rss, "<= 400")
    _row("resident memory, launcher (MB, not counted)", launcher_rss)
    print(rule)
    print("baseline: a bare Starlette app on Granian answering constant JSON, same run")


if __name__ == "__main__":
    main()

"""What the HTTP benchmarks share: starting a server and waiting for it, the bare Starlette +
Granian baseline, ApacheBench runs with percentiles and a count of the statuses answered, and
an asyncio (aiohttp, several client processes) run that keeps each response's status, latency
and `Retry-After`.

Every load is bounded in requests and in seconds, and goes to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

PROJECT_ROOT = Path(__file__).resolve().parents[2]

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

_STATUS_LINE = re.compile(rb"^HTTP/\d\.\d (\d{3})", re.MULTILINE)


def wait_http(url: str, timeout: float, expect: int = 200) -> float:
    """Seconds until `url` answers `expect` (polled every 50 ms, at most `timeout`)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if httpx.get(url, timeout=2).status_code == expect:
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer {expect} within {timeout}s")


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a process started with `start_new_session=True`, and its whole group."""
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def tree_rss_mb(pid: int, *, exclude_root: bool) -> float:
    root = psutil.Process(pid)
    processes = root.children(recursive=True) + ([] if exclude_root else [root])
    return sum(p.memory_info().rss for p in processes if p.is_running()) / 2**20


def port_free(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5)
    except httpx.ConnectError:
        return True
    except httpx.HTTPError:
        return False
    return False


@contextmanager
def baseline_server(port: int, *, workers: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """A constant-JSON Starlette app on the same server as the app (Granian, uvloop)."""
    folder = Path(tempfile.mkdtemp(prefix="travelcrm-bench-base-"))
    (folder / "bench_baseline_app.py").write_text(BASELINE_APP)
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    process = subprocess.Popen(
        [*command, "bench_baseline_app:app"], cwd=folder, start_new_session=True
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/", 30)
        yield process
    finally:
        stop(process)


@dataclass
class Figures:
    """One load: throughput, latency percentiles (ms) and what was answered."""

    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    statuses: Counter[str] = field(default_factory=Counter)
    failed: int = 0  # ab: connect, receive, length or exception failures
    app_cpu_ms: float | None = None  # CPU time per request: the server's processes
    db_cpu_ms: float | None = None  # and the database server's (PostgreSQL backends)

    @property
    def errors(self) -> dict[str, int]:
        """Everything but 2xx, by status; `failed` (ab's transport failures) as well."""
        wrong = {s: n for s, n in sorted(self.statuses.items()) if not s.startswith("2")}
        if self.failed:
            wrong["failed"] = self.failed
        return wrong


def ab(
    url: str,
    *,
    requests: int,
    concurrency: int,
    seconds: int = 60,
    headers: Sequence[str] = (),
    body: bytes | None = None,
    content_type: str = "application/json",
    warm: int = 200,
) -> Figures:
    """ApacheBench (C, keep-alive): at most `requests` requests or `seconds`, `concurrency` at
    once, after `warm` untimed ones. Each response's status line is counted (ab's `-v 2` log)."""
    args = ["ab", "-q", "-k", "-s", "30", "-c", str(concurrency)]
    for header in headers:
        args += ["-H", header]
    if body is not None:
        body_file = Path(tempfile.mkstemp(suffix=".json")[1])
        body_file.write_bytes(body)
        args += ["-p", str(body_file), "-T", content_type]
    if warm:
        warm_run = [*args, "-n", str(max(warm, concurrency)), url]
        subprocess.run(warm_run, check=True, capture_output=True, timeout=seconds + 60)
    csv = Path(tempfile.mkstemp(suffix=".csv")[1])
    run = [*args, "-v", "2", "-t", str(seconds), "-n", str(requests), "-e", str(csv), url]
    out = subprocess.run(run, check=True, capture_output=True, timeout=seconds + 60).stdout
    percent = {}
    for row in csv.read_text().splitlines()[1:]:
        pct, ms = row.split(",")
        percent[int(float(pct))] = float(ms)
    csv.unlink()
    statuses = Counter(m.decode() for m in _STATUS_LINE.findall(out))
    rps = failed = complete = 0.0
    for line in out.decode(errors="replace").splitlines():
        if line.startswith("Requests per second:"):
            rps = float(line.split()[3])
        elif line.startswith("Failed requests:"):
            failed = int(line.split()[2])
        elif line.startswith("Complete requests:"):
            complete = int(line.split()[2])
    return Figures(
        rps=rps,
        p50=percent[50],
        p95=percent[95],
        p99=percent[99],
        requests=int(complete),
        statuses=statuses,
        failed=int(failed),
    )


@dataclass
class Answers:
    """Per-response record of an asyncio load: status (or the client error's name), latency."""

    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    latency_ms: dict[str, list[float]] = field(default_factory=dict)
    without_retry_after: int = 0  # 503s that did not say when to come back

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def rps(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    def percentile(self, status: str, q: int) -> float | None:
        values = self.latency_ms.get(status, [])
        if len(values) < 2:
            return values[0] if values else None
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def http_load(
    url: str,
    *,
    requests: int,
    concurrency: int,
    seconds: float = 60,
    headers: dict[str, str] | None = None,
    processes: int = 4,
) -> Answers:
    """GETs on `concurrency` keep-alive connections (aiohttp on uvloop), at most `requests` in
    all and no new one after `seconds`; every answer's status and latency is kept. The
    connections are shared out among `processes` client processes: one Python process cannot
    keep hundreds of connections busy on this machine, and its own queueing would be counted
    as the server's latency."""
    from concurrent.futures import ProcessPoolExecutor

    processes = max(1, min(processes, concurrency))
    share = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    asked = [requests // processes + (i < requests % processes) for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        parts = list(
            pool.map(
                _load_in_process,
                [url] * processes,
                asked,
                share,
                [seconds] * processes,
                [headers or {}] * processes,
            )
        )
    answers = Answers()
    for part in parts:
        answers.seconds = max(answers.seconds, part.seconds)
        answers.statuses.update(part.statuses)
        answers.without_retry_after += part.without_retry_after
        for status, values in part.latency_ms.items():
            answers.latency_ms.setdefault(status, []).extend(values)
    return answers


def _load_in_process(
    url: str, requests: int, concurrency: int, seconds: float, headers: dict[str, str]
) -> Answers:
    import uvloop

    return uvloop.run(_aiohttp_load(url, requests, concurrency, seconds, headers))


async def _aiohttp_load(
    url: str, requests: int, concurrency: int, seconds: float, headers: dict[str, str]
) -> Answers:
    import aiohttp

    answers = Answers()
    left = requests
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers=headers
    ) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def user() -> None:
            nonlocal left
            while left > 0 and time.perf_counter() < deadline:
                left -= 1
                sent = time.perf_counter()
                try:
                    async with client.get(url) as response:
                        await response.read()
                        status = str(response.status)
                        if status == "503" and "retry-after" not in response.headers:
                            answers.without_retry_after += 1
                except (aiohttp.ClientError, TimeoutError) as exc:
                    status = type(exc).__name__
                answers.statuses[status] += 1
                elapsed = (time.perf_counter() - sent) * 1000
                answers.latency_ms.setdefault(status, []).append(elapsed)

        await asyncio.gather(*(user() for _ in range(concurrency)))
        answers.seconds = time.perf_counter() - start
    return answers


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (all its threads) still running."""
    found = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        found[pid] = times.user + times.system
    return found


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving connections to `database` (local server)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or ())
        if process.info["name"] == "postgres" and f" {database} " in f"{cmdline} ":
            found.append(process.pid)
    return found


def with_cpu(run: Callable[[], Figures], app_pids: list[int], database: str | None) -> Figures:
    """Run a load and note the CPU time per request it cost the app and the database: on a
    shared machine the one figure that the neighbours' load does not move much."""
    app_before = cpu_seconds(app_pids)
    db_before = cpu_seconds(postgres_backends(database)) if database else {}
    figures = run()
    app_after = cpu_seconds(app_pids)
    requests = max(figures.requests, 1)
    figures.app_cpu_ms = 1000 * sum(app_after[p] - app_before.get(p, 0) for p in app_after)
    figures.app_cpu_ms /= requests
    if database:
        db_after = cpu_seconds(postgres_backends(database))
        used = sum(t - db_before.get(p, 0.0) for p, t in db_after.items())
        figures.db_cpu_ms = 1000 * used / requests
    return figures

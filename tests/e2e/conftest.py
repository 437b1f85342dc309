"""Browser tests: the app, a real job worker, and Playwright driving Debian's chromium.
Screenshots land in test-artifacts/screenshots/.

On SQLite the app runs in Reflex's production harness (AppHarnessProd, one process, page state in
memory), as `make run` does. On PostgreSQL it runs the production shape as its own process:
`manage web` with two web workers and Reflex's page state in Redis (the in-process harness does
not shut down with the Redis state manager in Reflex 0.10.1)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# A real worker (not immediate mode) so the System page shows a live heartbeat.
os.environ["HUEY_IMMEDIATE"] = "false"
# On the PostgreSQL run the queue is RedisHuey, page state is in Redis, two web workers.
PRODUCTION_SHAPE = os.environ.get("TEST_BACKEND", "sqlite") == "postgres"
WEB_WORKERS = 2

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
COPY = ("travelcrm", "tasks", "alembic", "assets", "reflex.lock", "rxconfig.py", "pyproject.toml")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[object]:
    """A real SMTP server for the whole run: the app's mail job delivers to it, tests read it."""
    from tests.conftest import SmtpSink
    from travelcrm.settings import get_settings

    sink = SmtpSink()
    os.environ["SMTP_URL"] = sink.start()
    get_settings.cache_clear()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def job_worker() -> Iterator[None]:
    """The browser tests start their own consumer (`worker`, with periodic jobs and a mail
    sink) instead of the suite's (tests/conftest.py)."""
    yield


@pytest.fixture(scope="session")
def worker(migrated_engine, mail_sink) -> Iterator[None]:
    from tasks.registry import huey
    from travelcrm.db import system_scope
    from travelcrm.demo import SEEDERS
    from travelcrm.system.services import apply_demo_seeds

    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
    consumer = huey.create_consumer(
        workers=1, worker_type="thread", periodic=True, check_worker_health=False
    )
    consumer.start()
    yield
    consumer.stop(graceful=True)


class AppProcess:
    """The app as production runs it: `manage build`, then `manage web` on one port with
    `WEB_WORKERS` Granian workers sharing page state through Redis (`REFLEX_REDIS_URL`)."""

    def __init__(self, root: Path, *, workers: int) -> None:
        self.root = root
        self.workers = workers
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.frontend_url = f"http://127.0.0.1:{self.port}"
        self.backend_url = self.frontend_url
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "WEB_WORKERS": str(workers),
            "REFLEX_REDIS_URL": os.environ["REDIS_URL"],
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = root / "web.log"

    def _manage(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "travelcrm.manage", *args]

    def start(self) -> None:
        from travelcrm.manage import reflex_env
        from travelcrm.settings import get_settings

        self.env = {**reflex_env(get_settings()), **self.env}
        self.env["REFLEX_FRONTEND_PORT"] = self.env["REFLEX_BACKEND_PORT"] = str(self.port)
        subprocess.run(self._manage("build"), cwd=self.root, env=self.env, check=True)
        with self.log.open("wb") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                self._manage("web", "--host", "127.0.0.1"),
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.backend_url}/api/health", timeout=2) as r:
                    if r.status == 200 and len(self.worker_pids()) >= self.workers:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        raise AssertionError(f"the app did not start:\n{self.log.read_text()[-4000:]}")

    def worker_pids(self) -> list[int]:
        """The Granian worker processes (children of the server process)."""
        import psutil

        assert self.process is not None
        server = psutil.Process(self.process.pid)
        alive = []
        for child in server.children(recursive=True):
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    alive.append(child.pid)
            except psutil.NoSuchProcess:
                pass
        return alive

    def wait_replaced(self, pid: int, timeout: float = 60.0) -> None:
        """After a worker died: it is gone and the server has started another in its place."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if pid not in pids and len(pids) >= self.workers:
                self.wait_ready()
                return
            time.sleep(0.25)
        raise AssertionError(f"worker {pid} was not replaced:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _app_copy(tmp_path_factory) -> Path:
    # A copy: the app builds .web for its own port, which must not touch the real one.
    root = tmp_path_factory.mktemp("app") / "travelcrm"
    root.mkdir()
    for name in COPY:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, root / name)
    return root


@pytest.fixture(scope="session")
def harness(worker, tmp_path_factory) -> Iterator[object]:
    root = _app_copy(tmp_path_factory)
    if PRODUCTION_SHAPE:
        app = AppProcess(root, workers=WEB_WORKERS)
        try:
            app.start()
            yield app
        finally:
            app.stop()
        return
    from reflex.testing import AppHarnessProd

    with AppHarnessProd.create(root=root, app_name="travelcrm") as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    # every assertion waits as long as the tests' own TIMEOUT (Playwright's default is 5 s, which
    # a loaded CI machine sometimes needs more than for a page's state to arrive)
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def backend_url(harness) -> str:
    if isinstance(harness, AppProcess):
        return harness.backend_url
    host, port = harness.backend.servers[0].sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"


def forward_api(page, harness) -> None:
    """Send the page's /api requests to the backend port, as `make run`'s single port does.

    Cookies do not depend on the port, so the session cookie the API sets works for both."""
    backend = backend_url(harness)
    frontend = harness.frontend_url.rstrip("/")

    def forward(route) -> None:
        # fetched and answered here (not re-routed), so redirects resolve on the page's origin
        response = route.fetch(url=route.request.url.replace(frontend, backend, 1), max_redirects=0)
        route.fulfill(response=response)

    page.route(f"{frontend}/api/**", forward)


@pytest.fixture
def anonymous_page(browser, harness) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser, harness) -> Iterator[object]:
    """A tab signed in as the demo owner of Sunrise Holidays.

    The harness serves the frontend and the backend on two ports, so the sign-in goes to the
    backend's API directly (the cookie is per host, so the page's websocket carries it). The
    login form's own post is covered in tests/api; `make run` serves both on one port.
    """
    from travelcrm.demo import DEMO_LOGINS

    _slug, email, _name, password = DEMO_LOGINS[0]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    response = context.request.post(
        f"{backend_url(harness)}/api/auth/login", data={"email": email, "password": password}
    )
    assert response.status == 200, response.text()
    yield context.new_page()
    context.close()


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000, "screenshot looks empty"
        return path

    return take

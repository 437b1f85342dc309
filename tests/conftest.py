"""Test setup: a fresh database per run, on SQLite (default) or PostgreSQL + Redis.

Pick with TEST_BACKEND=sqlite|postgres. PostgreSQL comes from TEST_POSTGRES_URL (default: the
local server, trust auth), Redis from TEST_REDIS_URL. No mocks of our own database or queue.

The queue: on SQLite jobs run at once, inline after the request's commit (Huey's immediate
mode); on PostgreSQL they go through RedisHuey to a real consumer started for the run, as in
production, so a test that needs a job's effect waits for it (`wait_for`).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

BACKEND = os.environ.get("TEST_BACKEND", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
RUN_ID = secrets.token_hex(4)

_data_dir = Path(tempfile.mkdtemp(prefix=f"travelcrm-test-{RUN_ID}-"))


def _pg_database_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


def _create_pg_database(name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _drop_pg_database(name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


# The environment is set before any travelcrm module reads its settings.
os.environ["APP_ENV"] = "test"
os.environ["DATA_DIR"] = str(_data_dir)
# the PostgreSQL + Redis run goes through the real queue (RedisHuey and a consumer, see
# `job_worker`); the SQLite run keeps jobs inline
os.environ["HUEY_IMMEDIATE"] = "false" if BACKEND == "postgres" else "true"
os.environ["READY_CACHE_SECONDS"] = "0"
os.environ["ARGON2_MEMORY_KIB"] = (
    "1024"  # fast hashes in tests; the benchmark measures the real ones
)
os.environ["ARGON2_TIME_COST"] = "1"
os.environ["ARGON2_PARALLELISM"] = "1"  # readiness tests change the world between calls
os.environ["HUEY_NAME"] = f"travelcrm-test-{RUN_ID}"
os.environ.pop("REFLEX_REDIS_URL", None)
if BACKEND == "postgres":
    PG_DB_NAME = f"travelcrm_test_{RUN_ID}"
    _create_pg_database(PG_DB_NAME)
    os.environ["DATABASE_URL"] = _pg_database_url(PG_DB_NAME)
    os.environ["REDIS_URL"] = REDIS_URL
else:
    PG_DB_NAME = ""
    os.environ["DATABASE_URL"] = f"sqlite:///{_data_dir / 'test.db'}"
    os.environ.pop("REDIS_URL", None)


def pytest_report_header(config: pytest.Config) -> list[str]:
    seed = config.getoption("hypothesis_seed", default=None)
    return [
        f"travelcrm backend: {BACKEND} (database {os.environ['DATABASE_URL']})",
        f"hypothesis seed: {seed}" if seed is not None else "hypothesis seed: random (per run)",
    ]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import gc
    import warnings

    from travelcrm.db import reset_engine

    with warnings.catch_warnings():  # connections of replaced pools, collected as the run ends
        warnings.simplefilter("ignore", ResourceWarning)
        reset_engine()
        _close_stray_connections()
        if PG_DB_NAME:
            _drop_pg_database(PG_DB_NAME)
        gc.collect()


def _close_stray_connections() -> None:
    """At the end of the run, close the PostgreSQL connections still open in pools that tests
    replaced (a settings change resets the engine while the job consumer's threads may still
    hold one of the old pool's connections), before the database is dropped and before they
    are collected with a ResourceWarning."""
    import gc

    try:
        import psycopg
    except ImportError:
        return
    gc.collect()
    for item in gc.get_objects():
        if isinstance(item, psycopg.Connection) and not item.closed:
            item.close()


@pytest.fixture(scope="session")
def migrated_engine():
    """The run's database, migrated to head once."""
    from travelcrm.db import get_engine, upgrade_to_head

    upgrade_to_head()  # as the owner; the app engine works as the RLS-bound role
    return get_engine()


# the consumer of the run's queue, when there is one, and the jobs its threads are running
_queue: dict[str, Any] = {"huey": None, "running": 0, "started": 0}
_queue_lock = threading.Lock()


@pytest.fixture(scope="session", autouse=True)
def job_worker(request: pytest.FixtureRequest) -> Iterator[None]:
    """A real job consumer for the whole run when the queue is not immediate (the PostgreSQL
    run: RedisHuey), in this process like the app's own worker threads. Periodic jobs stay
    off (the minutely ones would act on every test's agency): a test that needs the
    heartbeat beats as the worker does (`tasks.system.beat`)."""
    from travelcrm.settings import get_settings

    if get_settings().huey_immediate:
        yield
        return
    request.getfixturevalue("migrated_engine")
    from tasks.registry import huey

    @huey.pre_execute(name="tests-running")
    def _started(_task: Any) -> None:
        with _queue_lock:
            _queue["running"] += 1

    @huey.post_execute(name="tests-finished")
    def _finished(_task: Any, _value: Any, _exc: BaseException | None) -> None:
        with _queue_lock:
            _queue["running"] -= 1

    @huey.on_startup(name="tests-started")  # after the worker's own start-up heartbeat
    def _thread_started() -> None:
        with _queue_lock:
            _queue["started"] += 1

    workers = 2
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", periodic=False, check_worker_health=False
    )
    consumer.start()
    # the threads' start-up work done first: a test that resets the engine meanwhile would
    # leave that work's connection to a pool nobody closes
    wait_for(lambda: _queue["started"] >= workers, timeout=30, what="the consumer's start")
    _queue["huey"] = huey
    try:
        yield
    finally:
        settle_jobs()
        _queue["huey"] = None
        consumer.stop(graceful=True)


def settle_jobs(timeout: float = 60.0) -> None:
    """Wait until the run's queue has nothing waiting and nothing running: the jobs the test
    caused have done their work (a retry scheduled for later is not waited for). At once on
    SQLite's immediate queue."""
    huey = _queue["huey"]
    if huey is None:
        return
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2:  # twice, a moment apart: a job just taken off the queue shows as running
        with _queue_lock:
            running = _queue["running"]
        if running == 0 and huey.pending_count() == 0:
            quiet += 1
            if quiet < 2:
                time.sleep(0.005)
            continue
        quiet = 0
        if time.monotonic() > deadline:
            raise AssertionError(f"the job queue did not settle within {timeout:.0f} s")
        time.sleep(0.02)


@pytest.fixture(autouse=True)
def _jobs_settle_after_each_test() -> Iterator[None]:
    """A test's jobs finish before the next test starts (and before its settings are reset),
    so no job of one test runs in another's world."""
    yield
    settle_jobs()


def wait_for(check: Callable[[], Any], *, timeout: float = 60.0, what: str = "the job") -> Any:
    """Poll `check()` until it returns something truthy (a queued job's effect) and return it;
    on SQLite's immediate queue the first call already sees it."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.05)


@pytest.fixture
def session(migrated_engine) -> Iterator:
    from sqlmodel import Session

    with Session(migrated_engine, expire_on_commit=False) as db_session:
        yield db_session
        db_session.rollback()


FROZEN_AT = "2027-03-01T12:00:00+00:00"  # noon UTC: 1 March from UTC-11 to UTC+11


@pytest.fixture
def frozen_clock() -> Iterator:
    """The app clock stopped at `FROZEN_AT` (before the 2027-28 contracts the rate tests price)
    for one test; move it with `.advance(timedelta(...))`. Tests never depend on today's date."""
    from datetime import datetime

    from travelcrm.core.clock import frozen

    with frozen(datetime.fromisoformat(FROZEN_AT)) as clock:
        yield clock


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database of the run's kind (for migration tests); dropped afterwards."""
    name = f"travelcrm_mig_{secrets.token_hex(4)}"
    if BACKEND == "postgres":
        _create_pg_database(name)
        yield _pg_database_url(name)
        _drop_pg_database(name)
    else:
        path = _data_dir / f"{name}.db"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch):
    """Change settings through the environment for one test; caches are reset around it."""
    from travelcrm.db import reset_engine
    from travelcrm.settings import get_settings

    def apply(**values: str) -> None:
        settle_jobs()  # no job still works with the engine about to be replaced
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), value)
        get_settings.cache_clear()
        reset_engine()

    yield apply
    settle_jobs()
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_engine()


class SmtpSink:
    """A real SMTP server on a free local port that keeps what it receives (aiosmtpd)."""

    def __init__(self, refuse_with: str | None = None) -> None:
        from email import message_from_bytes, policy

        self.messages: list = []
        self.refuse_with = refuse_with
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if sink.refuse_with:
                    return sink.refuse_with
                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        import socket

        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> str:
        self.controller.start()
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, address: str, count: int = 1, *, wait: float = 15.0) -> list:
        """The messages to `address` once there are at least `count` (a queued job sends)."""
        deadline = time.monotonic() + wait
        while len(self.to(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} message(s) to {address} did not arrive")
            time.sleep(0.05)
        return self.to(address)

    def link(self, address: str, path: str, *, wait: float = 15.0) -> str:
        """The token of the newest link to `path` mailed to `address` (waits for a queued job)."""
        import re

        deadline = time.monotonic() + wait
        while True:
            for message in reversed(self.to(address)):
                text = message.get_body(preferencelist=("plain",)).get_content()
                pattern = rf"https?://[^\s]+{re.escape(path)}\?token=([A-Za-z0-9_-]+)"
                found = re.search(pattern, text)
                if found:
                    return found.group(1)
            if time.monotonic() > deadline:
                raise AssertionError(f"no {path} link mailed to {address}")
            time.sleep(0.2)


@pytest.fixture
def smtp_sink(settings_env) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    settings_env(smtp_url=sink.start())
    yield sink
    sink.stop()

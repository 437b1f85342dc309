"""Test setup: a fresh database per run, on SQLite (default) or PostgreSQL + Redis.

Pick with TEST_BACKEND=sqlite|postgres. PostgreSQL comes from TEST_POSTGRES_URL (default: the
local server, trust auth), Redis from TEST_REDIS_URL. No mocks of our own database or queue.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

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
os.environ["HUEY_IMMEDIATE"] = "true"
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


def pytest_report_header(config: pytest.Config) -> str:
    return f"travelcrm backend: {BACKEND} (database {os.environ['DATABASE_URL']})"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from travelcrm.db import reset_engine

    reset_engine()
    if PG_DB_NAME:
        _drop_pg_database(PG_DB_NAME)


@pytest.fixture(scope="session")
def migrated_engine():
    """The run's database, migrated to head once."""
    from travelcrm.db import get_engine, upgrade_to_head

    upgrade_to_head()  # as the owner; the app engine works as the RLS-bound role
    return get_engine()


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
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), value)
        get_settings.cache_clear()
        reset_engine()

    yield apply
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

    def link(self, address: str, path: str, *, wait: float = 15.0) -> str:
        """The token of the newest link to `path` mailed to `address` (waits for a queued job)."""
        import re
        import time

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

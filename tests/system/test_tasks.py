"""Huey on the run's real queue (SqliteHuey, or RedisHuey with PostgreSQL): retries with
backoff, dead letters, correlation ids, the heartbeat job. A real consumer runs in threads."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator

import pytest
from huey.api import Huey
from huey.exceptions import TaskException
from sqlmodel import Session, select

from tasks.queue import make_huey, task
from travelcrm.core.context import request_id_var
from travelcrm.core.errors import ExternalServiceError
from travelcrm.db import get_engine
from travelcrm.settings import load_settings
from travelcrm.system.models import DeadLetter, WorkerHeartbeat


@pytest.fixture
def queue(migrated_engine) -> Iterator[Huey]:
    settings = load_settings(
        huey_immediate=False,
        huey_name=f"test-{secrets.token_hex(4)}",
        redis_url=os.environ.get("REDIS_URL"),
    )
    huey = make_huey(settings)
    assert settings.queue_kind == ("redis" if os.environ.get("REDIS_URL") else "sqlite")
    consumer = huey.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=False,
        check_worker_health=False,
        scheduler_interval=1,
    )
    consumer.start()
    try:
        yield huey
    finally:
        consumer.stop(graceful=True)
        huey.flush()


def _letters(task_name: str) -> list[DeadLetter]:
    with Session(get_engine()) as session:
        return list(session.exec(select(DeadLetter).where(DeadLetter.task_name == task_name)))


def _letters_once_written(task_name: str, timeout: float = 10) -> list[DeadLetter]:
    """A failed task's dead letters. Huey stores the failure (what `.get()` raises) before its
    post-execute hook writes the letter, so the caller may look a moment too soon."""
    deadline = time.monotonic() + timeout
    while not (letters := _letters(task_name)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return letters


def test_task_that_fails_twice_then_succeeds(queue: Huey) -> None:
    attempts: list[str | None] = []
    name = f"flaky_{secrets.token_hex(3)}"

    def flaky(value: int) -> int:
        attempts.append(request_id_var.get())
        if len(attempts) < 3:
            raise ConnectionError("supplier API timed out")
        return value * 2

    flaky.__name__ = name
    wrapped = task(queue, retries=3, retry_delay=0.1, retry_backoff=2)(flaky)
    result = wrapped(21)
    assert result.get(blocking=True, timeout=20) == 42
    assert len(attempts) == 3
    assert all(a is not None and a.startswith("task-") for a in attempts)
    assert _letters(name) == []


def test_task_that_fails_for_good_lands_in_dead_letters(queue: Huey) -> None:
    name = f"doomed_{secrets.token_hex(3)}"
    calls: list[int] = []

    def doomed(booking_ref: str) -> None:
        calls.append(1)
        raise ValueError(f"cannot send voucher for {booking_ref}")

    doomed.__name__ = name
    wrapped = task(queue, retries=2, retry_delay=0.1, retry_backoff=1)(doomed)
    result = wrapped("BK-1042")
    with pytest.raises(TaskException):
        result.get(blocking=True, timeout=20)
    assert len(calls) == 3
    letters = _letters_once_written(name)
    assert len(letters) == 1
    letter = letters[0]
    assert letter.attempts == 3
    assert letter.error_type == "ValueError"
    assert "BK-1042" in letter.error_message and "BK-1042" in letter.args_json
    assert "Traceback" in letter.traceback
    assert letter.correlation_id == f"task-{result.id}"


def test_permanent_external_error_skips_retries(queue: Huey) -> None:
    name = f"permanent_{secrets.token_hex(3)}"
    calls: list[int] = []

    def permanent() -> None:
        calls.append(1)
        raise ExternalServiceError("mailbox does not exist", permanent=True)

    permanent.__name__ = name
    wrapped = task(queue, retries=5, retry_delay=0.1)(permanent)
    with pytest.raises(TaskException):
        wrapped().get(blocking=True, timeout=20)
    assert len(calls) == 1
    (letter,) = _letters_once_written(name)
    assert letter.error_type == "ExternalServiceError"
    assert letter.attempts == 1


def test_heartbeat_job_records_the_worker(migrated_engine) -> None:
    from tasks import system

    system.heartbeat.call_local()
    with Session(get_engine()) as session:
        beats = session.exec(select(WorkerHeartbeat)).all()
    assert any(b.worker.endswith("/" + load_settings().huey_name) for b in beats)


def test_default_queue_kind_follows_settings(tmp_path) -> None:
    sqlite_huey = make_huey(
        load_settings(huey_immediate=False, redis_url=None, data_dir=str(tmp_path))
    )
    assert type(sqlite_huey).__name__ == "SqliteHuey"
    assert (tmp_path / "huey.db").exists()
    redis_huey = make_huey(
        load_settings(huey_immediate=False, redis_url="redis://127.0.0.1:6379/15")
    )
    assert type(redis_huey).__name__ == "RedisHuey"

"""/api/ready and /api/version against real databases and Redis, healthy and broken."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, delete

from tests.api.test_envelope_and_problems import assert_problem
from travelcrm.api.app import create_api
from travelcrm.core.clock import utcnow
from travelcrm.db import get_engine, head_revision
from travelcrm.settings import get_settings
from travelcrm.system.models import WorkerHeartbeat
from travelcrm.system.services import record_heartbeat

BACKEND = os.environ.get("TEST_BACKEND", "sqlite")


@pytest.fixture
def api(migrated_engine) -> TestClient:
    return TestClient(create_api(), raise_server_exceptions=False)


def _beat(age: timedelta) -> None:
    with Session(get_engine()) as session:
        session.exec(delete(WorkerHeartbeat))  # type: ignore[call-overload]
        record_heartbeat(
            session, worker="test/worker", queue_kind="sqlite", pid=1, started_at=utcnow()
        )
        beat = session.get(WorkerHeartbeat, "test/worker")
        assert beat is not None
        beat.beat_at = utcnow() - age
        session.add(beat)
        session.commit()


def _checks(body: dict) -> dict[str, dict]:
    return {check["name"]: check for check in body["checks"]}


def test_health_does_no_io(api: TestClient, settings_env) -> None:
    settings_env(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert api.get("/api/health").status_code == 200


def test_ready_when_everything_answers(api: TestClient) -> None:
    if not get_settings().huey_immediate:  # a real consumer (the PostgreSQL run): it beats
        from tasks.system import beat

        beat()
    response = api.get("/api/ready")
    assert response.status_code == 200, response.text
    checks = _checks(response.json()["data"])
    assert checks["database"]["ok"] and checks["migrations"]["ok"] and checks["worker"]["ok"]
    if BACKEND == "postgres":
        assert checks["redis"]["ok"] and checks["redis"]["detail"] == "PONG"
    else:
        assert "redis" not in checks


def test_ready_with_a_fresh_worker_heartbeat(api: TestClient, settings_env) -> None:
    settings_env(huey_immediate="false")
    _beat(timedelta(seconds=5))
    response = api.get("/api/ready")
    assert response.status_code == 200, response.text
    assert "last heartbeat 5s ago" in _checks(response.json()["data"])["worker"]["detail"]


def test_stale_worker_makes_ready_fail(api: TestClient, settings_env) -> None:
    settings_env(huey_immediate="false", worker_stale_after_seconds="60")
    _beat(timedelta(minutes=10))
    body = assert_problem(api.get("/api/ready"), 503, "not_ready")
    assert "worker" in body["detail"]
    assert "stale after 60s" in _checks(body)["worker"]["detail"]
    assert [e["field"] for e in body["errors"]] == ["worker"]


def test_missing_worker_makes_ready_fail(api: TestClient, settings_env) -> None:
    settings_env(huey_immediate="false")
    with Session(get_engine()) as session:
        session.exec(delete(WorkerHeartbeat))  # type: ignore[call-overload]
        session.commit()
    body = assert_problem(api.get("/api/ready"), 503, "not_ready")
    assert "no job worker" in _checks(body)["worker"]["detail"]


def test_database_down_makes_ready_fail(api: TestClient, settings_env, tmp_path) -> None:
    if BACKEND == "postgres":
        settings_env(database_url="postgresql+psycopg://postgres@127.0.0.1:1/travelcrm")
    else:
        blocker = tmp_path / "not-a-dir"
        blocker.write_text("")
        settings_env(database_url=f"sqlite:///{blocker}/db.sqlite")
    body = assert_problem(api.get("/api/ready"), 503, "not_ready")
    checks = _checks(body)
    assert not checks["database"]["ok"]
    assert not checks["migrations"]["ok"]
    assert "database" in body["detail"]


def test_redis_down_makes_ready_fail(api: TestClient, settings_env) -> None:
    settings_env(redis_url="redis://127.0.0.1:1/0")
    body = assert_problem(api.get("/api/ready"), 503, "not_ready")
    assert not _checks(body)["redis"]["ok"]
    assert "redis" in body["detail"]
    assert _checks(body)["database"]["ok"]


def test_migrations_behind_makes_ready_fail(api: TestClient, settings_env, fresh_database) -> None:
    settings_env(database_url=fresh_database)
    body = assert_problem(api.get("/api/ready"), 503, "not_ready")
    checks = _checks(body)
    assert checks["database"]["ok"]
    assert not checks["migrations"]["ok"]
    assert f"code expects {head_revision()}" in checks["migrations"]["detail"]


def test_version_reports_schema_and_build(api: TestClient) -> None:
    data = api.get("/api/version").json()["data"]
    assert data["version"] == "0.1.0"
    assert data["migration_revision"] == data["migration_head"] == head_revision()
    assert {"git_commit", "build_time"} <= data.keys()


def test_readiness_is_cached_for_the_configured_seconds(api: TestClient, settings_env) -> None:
    settings_env(ready_cache_seconds="30", huey_immediate="false")
    _beat(timedelta(seconds=1))
    assert api.get("/api/ready").status_code == 200
    with Session(get_engine()) as session:
        session.exec(delete(WorkerHeartbeat))  # type: ignore[call-overload]
        session.commit()
    assert api.get("/api/ready").status_code == 200  # still the cached report
    settings_env(ready_cache_seconds="0", huey_immediate="false")
    assert api.get("/api/ready").status_code == 503  # uncached: the missing worker shows

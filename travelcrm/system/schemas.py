"""What the system endpoints and the System page show."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    name: str
    ok: bool
    detail: str
    latency_ms: float | None = None


class Readiness(BaseModel):
    ready: bool
    checks: list[Check]

    @property
    def failing(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


class VersionInfo(BaseModel):
    version: str
    git_commit: str | None
    build_time: str | None
    migration_revision: str | None
    migration_head: str | None


class WorkerStatus(BaseModel):
    worker: str
    queue_kind: str
    pid: int
    started_at: datetime
    beat_at: datetime
    age_seconds: float
    stale: bool


class SystemOverview(BaseModel):
    """Everything the About / System page shows, gathered in one call."""

    version: VersionInfo
    database_kind: str
    database_url: str
    queue_kind: str
    app_env: str
    workers: list[WorkerStatus]
    dead_letters: int
    readiness: Readiness

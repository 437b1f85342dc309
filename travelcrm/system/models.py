"""Operational records: worker heartbeats, dead letters, demo-seed markers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from travelcrm.core.ids import new_id
from travelcrm.core.sqltypes import utc_datetime


class WorkerHeartbeat(SQLModel, table=True):
    """One row per job worker (host + queue); `beat_at` moves every minute while it runs."""

    __tablename__ = "worker_heartbeats"

    worker: str = Field(primary_key=True, max_length=200)
    queue_kind: str = Field(max_length=20)
    pid: int
    version: str = Field(max_length=40)
    started_at: datetime = utc_datetime()
    beat_at: datetime = utc_datetime(index=True)


class DeadLetter(SQLModel, table=True):
    """A task that failed for good (retries exhausted or a permanent error)."""

    __tablename__ = "dead_letters"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    task_name: str = Field(max_length=200, index=True)
    task_id: str = Field(max_length=64)
    args_json: str = Field(sa_type=Text)
    error_type: str = Field(max_length=200)
    error_message: str = Field(sa_type=Text)
    traceback: str = Field(sa_type=Text)
    attempts: int
    correlation_id: str | None = Field(default=None, max_length=128)
    failed_at: datetime = utc_datetime(default_now=True, index=True)
    requeued_at: datetime | None = utc_datetime(nullable=True)


class DemoSeed(SQLModel, table=True):
    """Marks a demo-data seeder as applied, so `make run` seeds each one once."""

    __tablename__ = "demo_seeds"

    name: str = Field(primary_key=True, max_length=100)
    applied_at: datetime = utc_datetime(default_now=True)

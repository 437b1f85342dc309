"""System services: readiness, version, worker heartbeats, dead letters and demo seeds.

Plain functions over a session or an engine; the REST API, the System page and the Huey
tasks all call these.
"""

from __future__ import annotations

import functools
import json
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import redis
from sqlalchemy import Engine, func, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from travelcrm import __version__
from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.upsert import insert_for
from travelcrm.db import current_revision, head_revision
from travelcrm.settings import PROJECT_ROOT, Settings
from travelcrm.system.models import DeadLetter, DemoSeed, WorkerHeartbeat
from travelcrm.system.schemas import Check, Readiness, SystemOverview, VersionInfo, WorkerStatus

BUILD_INFO_FILE = "build-info.json"


# ---- heartbeats -------------------------------------------------------------------------


def record_heartbeat(
    session: Session, *, worker: str, queue_kind: str, pid: int, started_at: datetime
) -> None:
    """Upsert the worker's row (several worker threads may beat at the same moment)."""
    values = {
        "worker": worker,
        "queue_kind": queue_kind,
        "pid": pid,
        "version": __version__,
        "started_at": started_at,
        "beat_at": utcnow(),
    }
    statement = insert_for(session, WorkerHeartbeat).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["worker"], set_={k: v for k, v in values.items() if k != "worker"}
    )
    session.exec(statement)


def worker_statuses(session: Session, *, stale_after_seconds: int) -> list[WorkerStatus]:
    now = utcnow()
    rows = session.exec(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc())).all()  # type: ignore[attr-defined]
    statuses = []
    for row in rows:
        age = (now - as_utc(row.beat_at)).total_seconds()
        statuses.append(
            WorkerStatus(
                worker=row.worker,
                queue_kind=row.queue_kind,
                pid=row.pid,
                started_at=as_utc(row.started_at),
                beat_at=as_utc(row.beat_at),
                age_seconds=round(age, 1),
                stale=age > stale_after_seconds,
            )
        )
    return statuses


# ---- dead letters -----------------------------------------------------------------------


def record_dead_letter(
    session: Session,
    *,
    task_name: str,
    task_id: str,
    args: Sequence[Any],
    kwargs: dict[str, Any],
    error: BaseException,
    traceback: str,
    attempts: int,
    correlation_id: str | None,
) -> DeadLetter:
    letter = DeadLetter(
        task_name=task_name,
        task_id=task_id,
        args_json=json.dumps({"args": list(args), "kwargs": kwargs}, default=repr),
        error_type=type(error).__name__,
        error_message=str(error)[:10_000],
        traceback=traceback[-50_000:],
        attempts=attempts,
        correlation_id=correlation_id,
    )
    session.add(letter)
    session.flush()
    return letter


def list_dead_letters(session: Session, *, limit: int = 50) -> list[DeadLetter]:
    statement = select(DeadLetter).order_by(DeadLetter.failed_at.desc()).limit(limit)  # type: ignore[attr-defined]
    return list(session.exec(statement).all())


def count_dead_letters(session: Session) -> int:
    return session.exec(select(func.count()).select_from(DeadLetter)).one()


# ---- demo data --------------------------------------------------------------------------

Seeder = Callable[[Session], None]


def apply_demo_seeds(session: Session, seeders: Sequence[tuple[str, Seeder]]) -> list[str]:
    """Run each named seeder once per database; returns the names applied now."""
    applied = set(session.exec(select(DemoSeed.name)).all())
    ran = []
    for name, seeder in seeders:
        if name in applied:
            continue
        seeder(session)
        session.add(DemoSeed(name=name))
        session.flush()
        ran.append(name)
    return ran


# ---- version and readiness --------------------------------------------------------------


@lru_cache(maxsize=1)
def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _build_file(settings: Settings) -> dict[str, Any]:
    path = settings.data_dir / BUILD_INFO_FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_build_info(settings: Settings) -> None:
    """Called by the launcher after it builds the frontend."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    info = {"git_commit": _git_commit(), "build_time": utcnow().isoformat(timespec="seconds")}
    (settings.data_dir / BUILD_INFO_FILE).write_text(json.dumps(info))


def version_info(settings: Settings, *, current_revision: str | None) -> VersionInfo:
    built = _build_file(settings)
    return VersionInfo(
        version=__version__,
        git_commit=settings.git_commit or built.get("git_commit") or _git_commit(),
        build_time=settings.build_time or built.get("build_time"),
        migration_revision=current_revision,
        migration_head=head_revision(),
    )


@lru_cache(maxsize=8)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


def _ping_redis(url: str) -> tuple[bool, str]:
    return bool(_redis_client(url).ping()), "PONG"


def _timed(check: Callable[[], tuple[bool, str]], name: str) -> Check:
    start = time.perf_counter()
    try:
        ok, detail = check()
    except Exception as exc:
        ok, detail = False, f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    return Check(
        name=name, ok=ok, detail=detail, latency_ms=round((time.perf_counter() - start) * 1000, 2)
    )


def check_readiness(settings: Settings, engine: Engine) -> Readiness:
    """Database reachable, migrations at head, Redis answering, worker heartbeat fresh."""
    state: dict[str, Any] = {}

    def database() -> tuple[bool, str]:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            for key, sql in (
                ("revision", "SELECT version_num FROM alembic_version"),
                ("beat_at", "SELECT max(beat_at) FROM worker_heartbeats"),
            ):
                try:
                    state[key] = connection.execute(text(sql)).scalar()
                except DBAPIError:  # table missing: migrations not applied yet
                    connection.rollback()
                    state[key] = None
        return True, f"{settings.database_kind} reachable"

    checks = [_timed(database, "database")]
    db_ok = checks[0].ok

    def migrations() -> tuple[bool, str]:
        head, current = head_revision(), state.get("revision")
        if not db_ok:
            return False, "unknown: database unreachable"
        if current != head:
            return False, f"database at {current or 'no revision'}, code expects {head}"
        return True, f"at head {head}"

    checks.append(_timed(migrations, "migrations"))

    for name, url in (("redis", settings.redis_url), ("reflex_redis", settings.reflex_redis_url)):
        if url:
            checks.append(_timed(functools.partial(_ping_redis, url), name))

    def worker() -> tuple[bool, str]:
        if settings.huey_immediate:
            return True, "immediate mode: tasks run inline, no worker needed"
        if not db_ok:
            return False, "unknown: database unreachable"
        beat = state.get("beat_at")
        if beat is None:
            return False, "no job worker has reported a heartbeat yet"
        if isinstance(beat, str):  # SQLite returns text for aggregate results
            beat = datetime.fromisoformat(beat)
        age = (utcnow() - as_utc(beat)).total_seconds()
        if age > settings.worker_stale_after_seconds:
            return False, (
                f"last heartbeat {age:.0f}s ago (stale after "
                f"{settings.worker_stale_after_seconds}s)"
            )
        return True, f"last heartbeat {age:.0f}s ago"

    checks.append(_timed(worker, "worker"))
    return Readiness(ready=all(check.ok for check in checks), checks=checks)


_ready_cache: weakref.WeakKeyDictionary[Engine, tuple[float, Readiness]] = (
    weakref.WeakKeyDictionary()
)
_ready_lock = threading.Lock()


def cached_readiness(settings: Settings, engine: Engine) -> Readiness:
    """`check_readiness`, reused for READY_CACHE_SECONDS so probe storms do not hit the database.

    Single-flight: while one caller runs the checks, the others wait for its result.
    """
    ttl = settings.ready_cache_seconds
    if ttl <= 0:
        return check_readiness(settings, engine)
    cached = _ready_cache.get(engine)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    with _ready_lock:
        cached = _ready_cache.get(engine)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        report = check_readiness(settings, engine)
        _ready_cache[engine] = (time.monotonic() + ttl, report)
        return report


def system_overview(settings: Settings, engine: Engine) -> SystemOverview:
    readiness = check_readiness(settings, engine)
    workers: list[WorkerStatus] = []
    dead = 0
    revision = None
    if readiness.checks[0].ok:
        revision = current_revision(engine)
    if revision is not None:
        with Session(engine) as session:
            workers = worker_statuses(
                session, stale_after_seconds=settings.worker_stale_after_seconds
            )
            dead = count_dead_letters(session)
    return SystemOverview(
        version=version_info(settings, current_revision=revision),
        database_kind=settings.database_kind,
        database_url=settings.safe_database_url,
        queue_kind=settings.queue_kind,
        app_env=settings.app_env,
        workers=workers,
        dead_letters=dead,
        readiness=readiness,
    )

"""System page state: one flat state, loaded from the system services."""

from __future__ import annotations

import logging

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import utcnow
from travelcrm.core.permissions import Action, can
from travelcrm.db import get_engine
from travelcrm.settings import get_settings
from travelcrm.system import services
from travelcrm.ui.events import event
from travelcrm.ui.session import identify, login_url

logger = logging.getLogger("travelcrm.ui.system")


def _ago(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    return f"{seconds / 3600:.1f} h ago"


class SystemState(rx.State):
    loaded: bool = False
    allowed: bool = True
    ready: bool = False
    version: str = ""
    git_commit: str = ""
    build_time: str = ""
    app_env: str = ""
    database_kind: str = ""
    database_url: str = ""
    migration_revision: str = ""
    migration_head: str = ""
    migrations_at_head: bool = False
    queue_kind: str = ""
    worker_summary: str = ""
    worker_ok: bool = False
    dead_letters: int = 0
    checked_at: str = ""
    checks: list[dict[str, str]] = []
    latency_chart: list[dict[str, str | float]] = []
    workers: list[dict[str, str]] = []

    @event
    def refresh(self) -> EventSpec | None:
        viewer = identify(self.router.headers.cookie)
        if viewer is None:
            return rx.redirect(login_url(self.router.url.path))
        self.allowed = can(viewer.context.role, Action.SYSTEM_VIEW)
        if not self.allowed:
            self.loaded = True
            return None
        overview = services.system_overview(get_settings(), get_engine())
        version = overview.version
        self.ready = overview.readiness.ready
        self.version = version.version
        self.git_commit = version.git_commit or "unknown"
        self.build_time = version.build_time or "not recorded"
        self.app_env = overview.app_env
        self.database_kind = overview.database_kind
        self.database_url = overview.database_url
        self.migration_revision = version.migration_revision or "none"
        self.migration_head = version.migration_head or "none"
        self.migrations_at_head = version.migration_revision == version.migration_head
        self.queue_kind = overview.queue_kind
        self.dead_letters = overview.dead_letters
        self.checks = [
            {
                "name": check.name,
                "ok": "yes" if check.ok else "no",
                "detail": check.detail,
                "latency": f"{check.latency_ms:.1f} ms" if check.latency_ms is not None else "",
            }
            for check in overview.readiness.checks
        ]
        self.latency_chart = [
            {"name": check.name, "ms": check.latency_ms or 0.0}
            for check in overview.readiness.checks
        ]
        self.workers = [
            {
                "worker": w.worker,
                "queue": w.queue_kind,
                "pid": str(w.pid),
                "started": w.started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "beat": _ago(w.age_seconds),
                "stale": "yes" if w.stale else "no",
            }
            for w in overview.workers
        ]
        worker_check = next(c for c in overview.readiness.checks if c.name == "worker")
        self.worker_ok = worker_check.ok
        self.worker_summary = _ago(overview.workers[0].age_seconds) if overview.workers else "never"
        self.checked_at = utcnow().strftime("%H:%M:%S UTC")
        self.loaded = True
        return None

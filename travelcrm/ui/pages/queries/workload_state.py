"""Workload state (managers): per agent their open queries against their cap, how many breach
their SLA, the oldest one waiting, and whether they are online; and how many queries wait for
an agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.queries import services as queries
from travelcrm.queries.schemas import QueryFilter, WorkloadRow
from travelcrm.queries.sla import format_duration
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.events import event
from travelcrm.ui.record import GatedPage
from travelcrm.ui.session import Viewer

WAITING_LIMIT = 100


@dataclass
class AgentLine:
    user_id: str
    name: str
    online: bool
    on_leave: bool
    open_queries: int
    cap: int
    load_pct: int  # of the cap, for the bar (at most 100)
    tone: str  # the bar: "red" at the cap, "amber" from 80 %, else "teal"
    breaching: int
    oldest: str  # "3d 4h" waiting
    oldest_at: str  # the time, for the tooltip


def waited(since: datetime | None, now: datetime) -> str:
    if since is None:
        return ""
    return format_duration(max(now - as_utc(since), timedelta(0)))


def agent_line(row: WorkloadRow, timezone: str, now: datetime) -> AgentLine:
    cap = max(row.workload_cap, 1)
    pct = min(round(100 * row.open_queries / cap), 100)
    return AgentLine(
        user_id=str(row.user_id),
        name=row.name,
        online=row.online,
        on_leave=row.on_leave,
        open_queries=row.open_queries,
        cap=row.workload_cap,
        load_pct=pct,
        tone="red" if row.open_queries >= cap else "amber" if pct >= 80 else "teal",
        breaching=row.breaching,
        oldest=waited(row.oldest_waiting_at, now),
        oldest_at=local_time(row.oldest_waiting_at, timezone),
    )


class WorkloadState(GatedPage, rx.State):
    agents: list[AgentLine] = []
    chart: list[dict[str, str | int]] = []
    online: int = 0
    open_total: int = 0
    breaching_total: int = 0
    waiting: str = "0"

    @rx.var
    def chart_height(self) -> int:
        return max(160, 40 * len(self.chart) + 70)

    def _fill(self, viewer: Viewer) -> EventSpec | None:
        now = utcnow()

        def work(session: Session, ctx: TenantContext) -> tuple[Any, Any]:
            rows = queries.workload(session, ctx, now=now)
            unassigned = queries.list_queries(
                session,
                ctx,
                filters=QueryFilter(view="unassigned"),
                page=PageParams(limit=WAITING_LIMIT, cursor=None),
                now=now,
            )
            return rows, unassigned

        found, failed = self._run(work)
        if found is None:
            return failed
        rows, unassigned = found
        self.agents = [agent_line(r, viewer.agency_timezone, now) for r in rows]
        self.chart = [
            {
                "name": r.name,
                "open": r.open_queries,
                "breaching": r.breaching,
                "cap": r.workload_cap,
            }
            for r in rows
        ]
        self.online = sum(1 for r in rows if r.online)
        self.open_total = sum(r.open_queries for r in rows)
        self.breaching_total = sum(r.breaching for r in rows)
        count = len(unassigned.items)
        self.waiting = f"{count}+" if unassigned.next_cursor else str(count)
        return None

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUERIES_ASSIGN)
        if viewer is None:
            return self._signed_out()
        result = self._fill(viewer) if self.allowed else None
        self.loaded = True
        return result

    @event
    def refresh(self, _value: object = None) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        return self._fill(viewer) if self.allowed else None

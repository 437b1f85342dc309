"""Home page state: where each role's day starts. An agent's own queries by urgency; a
manager's pipeline, SLA breaches, load per agent and won/lost (owners and admins too); the
setup checklist for an agency's owner until it is done; the system status for owners and
admins. Until `loaded` the page shows placeholders, never a state it has not read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import to_local, utcnow
from travelcrm.core.locale import (
    country_name,
    currency_label,
    datetime_text,
    locale_label,
    timezone_label,
)
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, get_engine
from travelcrm.queries import services as queries
from travelcrm.queries import stats
from travelcrm.queries.schemas import QueryListItem
from travelcrm.settings import get_settings
from travelcrm.system import services as system_services
from travelcrm.tenants.models import Tenant
from travelcrm.tenants.services import own_tenant
from travelcrm.tenants.setup import SetupProgress, setup_progress
from travelcrm.ui import routes
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage
from travelcrm.ui.pages.home import text
from travelcrm.ui.pages.home.text import SetupStep
from travelcrm.ui.pages.queries.text import QueryListRow, query_list_row, short_sla

ROLE_WORDS = {"owner": "Owner", "admin": "Admin", "manager": "Manager", "agent": "Agent"}


@dataclass
class _Team:
    pipeline: list[stats.StatusCount]
    breaches: stats.Breaches
    loads: list[stats.AgentLoad]
    outcomes: list[stats.DayOutcome]
    sla: dict[Any, str]


@dataclass
class _Desk:
    desk: stats.Desk
    sla: dict[Any, str]


@dataclass
class _Home:
    tenant: Tenant
    team: _Team | None
    desk: _Desk | None
    setup: SetupProgress | None


def _team(session: Session, ctx: TenantContext) -> _Team:
    now = utcnow()
    found = stats.breaches(session, ctx, now=now, limit=6)
    return _Team(
        stats.pipeline(session, ctx),
        found,
        stats.load_per_agent(session, ctx, now=now),
        stats.outcomes(session, ctx, now=now),
        queries.sla_labels(session, ctx, found.items, now=now),
    )


def _desk(session: Session, ctx: TenantContext) -> _Desk:
    now = utcnow()
    found = stats.desk(session, ctx, now=now)
    labels = queries.sla_labels(session, ctx, [*found.queue, *found.due_today], now=now)
    return _Desk(found, labels)


def _read(session: Session, ctx: TenantContext) -> _Home:
    tenant = own_tenant(session, ctx)
    team = can(ctx.role, Action.QUERIES_ASSIGN)
    desk = not team and can(ctx.role, Action.QUERIES_EDIT)
    owns = can(ctx.role, Action.TENANT_SETTINGS_EDIT)
    return _Home(
        tenant,
        _team(session, ctx) if team else None,
        _desk(session, ctx) if desk else None,
        setup_progress(session, ctx) if owns else None,
    )


def _rows(items: list[QueryListItem], sla: dict[Any, str], timezone: str) -> list[QueryListRow]:
    """Rows in words, the SLA clock short ("2h left", "35m late") to fit a phone."""
    return [query_list_row(item, short_sla(sla.get(item.id, "")), timezone) for item in items]


class HomeState(StaffPage, rx.State):
    loaded: bool = False  # until then the cards show placeholders, never a status
    shows_status: bool = False  # the installation's health is for owners and admins
    ready: bool = False
    failing: str = ""
    greeting: str = "Welcome to TravelCRM"
    agency: dict[str, str] = {}
    # an agent's desk
    shows_desk: bool = False
    desk_open: int = 0
    desk_breaching: int = 0
    desk_due_today: int = 0
    desk_rows: list[QueryListRow] = []
    today_rows: list[QueryListRow] = []
    # the team (managers, owners, admins)
    shows_team: bool = False
    open_total: int = 0
    breach_count: int = 0
    breach_rows: list[QueryListRow] = []
    pipeline_chart: list[dict[str, Any]] = []
    load_chart: list[dict[str, Any]] = []
    outcome_chart: list[dict[str, Any]] = []
    won_30: int = 0
    lost_30: int = 0
    win_rate: str = ""
    # the setup checklist (owners and admins, until every step is done)
    shows_setup: bool = False
    setup_steps: list[SetupStep] = []
    setup_done: int = 0
    enquiry_url: str = ""

    @event
    def load(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        home, problem = self._run(_read)
        if home is None:
            return problem
        self.shows_status = can(viewer.context.role, Action.SYSTEM_VIEW)
        if self.shows_status:
            readiness = system_services.cached_readiness(get_settings(), get_engine())
            self.ready = readiness.ready
            self.failing = ", ".join(check.name for check in readiness.failing)
        tenant = home.tenant
        local = to_local(utcnow(), tenant.timezone)
        self.greeting = text.greeting(viewer.user_name.split()[0], local)
        self.agency = {
            "name": tenant.name,
            "slug": tenant.slug,
            "country": country_name(tenant.country),
            "currency": currency_label(tenant.default_currency),
            "timezone": timezone_label(tenant.timezone),
            "local_time": datetime_text(utcnow(), tenant.timezone),
            "locale": locale_label(tenant.locale),
            "role": ROLE_WORDS.get(viewer.context.role.value, viewer.context.role.value.title()),
        }
        self._show_desk(home.desk, tenant.timezone)
        self._show_team(home.team, tenant.timezone)
        self._show_setup(home.setup)
        self.loaded = True
        return None

    def _show_desk(self, found: _Desk | None, timezone: str) -> None:
        self.shows_desk = found is not None
        if found is None:
            return
        desk = found.desk
        self.desk_open, self.desk_breaching = desk.open_count, desk.breaching_count
        self.desk_due_today = desk.due_today_count
        self.desk_rows = _rows(desk.queue, found.sla, timezone)
        self.today_rows = _rows(desk.due_today, found.sla, timezone)

    def _show_team(self, team: _Team | None, timezone: str) -> None:
        self.shows_team = team is not None
        if team is None:
            return
        self.open_total = sum(c.count for c in team.pipeline)
        self.breach_count = team.breaches.count
        self.breach_rows = _rows(team.breaches.items, team.sla, timezone)
        self.pipeline_chart = text.pipeline_chart(team.pipeline)
        self.load_chart = text.load_chart(team.loads)
        self.outcome_chart = text.outcome_chart(team.outcomes)
        self.won_30 = sum(d.won for d in team.outcomes)
        self.lost_30 = sum(d.lost for d in team.outcomes)
        self.win_rate = text.win_rate(self.won_30, self.lost_30)

    def _show_setup(self, progress: SetupProgress | None) -> None:
        self.shows_setup = progress is not None and not progress.complete
        if progress is None:
            return
        self.enquiry_url = get_settings().link_base + routes.enquiry_form(progress.slug)
        self.setup_steps = text.setup_steps(progress)
        self.setup_done = sum(progress.steps_done)

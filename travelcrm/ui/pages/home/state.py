"""Home page state: the signed-in person's own agency and the system status."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import to_local, utcnow
from travelcrm.core.permissions import Action, can
from travelcrm.db import Session, get_engine
from travelcrm.settings import get_settings
from travelcrm.system import services as system_services
from travelcrm.tenants.services import own_tenant
from travelcrm.ui.events import event
from travelcrm.ui.session import identify, login_url


class HomeState(rx.State):
    loaded: bool = False  # until then the cards show placeholders, never a status
    shows_status: bool = False  # the installation's health is for owners and admins
    ready: bool = False
    failing: str = ""
    greeting: str = "Welcome to TravelCRM"
    agency: dict[str, str] = {}

    @event
    def load(self) -> EventSpec | None:
        viewer = identify(self.router.headers.cookie)
        if viewer is None:
            return rx.redirect(login_url(self.router.url.path))
        engine = get_engine()
        self.shows_status = can(viewer.context.role, Action.SYSTEM_VIEW)
        if self.shows_status:
            readiness = system_services.cached_readiness(get_settings(), engine)
            self.ready = readiness.ready
            self.failing = ", ".join(check.name for check in readiness.failing)
        with Session(engine) as session:
            tenant = own_tenant(session, viewer.context)
        local = to_local(utcnow(), tenant.timezone)
        part = "morning" if local.hour < 12 else "afternoon" if local.hour < 17 else "evening"
        self.greeting = f"Good {part}, {viewer.user_name.split()[0]}"
        self.agency = {
            "name": tenant.name,
            "slug": tenant.slug,
            "country": tenant.country,
            "currency": tenant.default_currency,
            "timezone": tenant.timezone,
            "local_time": local.strftime("%a %d %b, %H:%M"),
            "locale": tenant.locale,
            "role": viewer.context.role.value,
        }
        self.loaded = True
        return None

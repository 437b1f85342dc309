"""Home page state."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from travelcrm.core.clock import to_local, utcnow
from travelcrm.db import get_engine
from travelcrm.settings import get_settings
from travelcrm.system import services as system_services
from travelcrm.tenants import services as tenant_services
from travelcrm.ui.session import identify, login_url


class HomeState(rx.State):
    loaded: bool = False
    ready: bool = False
    failing: str = ""
    agencies: list[dict[str, str]] = []
    version: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        if identify(self.router.headers.cookie) is None:
            return rx.redirect(login_url(self.router.url.path))
        settings = get_settings()
        engine = get_engine()
        readiness = system_services.check_readiness(settings, engine)
        self.ready = readiness.ready
        self.failing = ", ".join(check.name for check in readiness.failing)
        now = utcnow()
        agencies = []
        if readiness.checks[0].ok:
            with Session(engine) as session:
                for tenant in tenant_services.list_tenants(session):
                    local = to_local(now, tenant.timezone)
                    agencies.append(
                        {
                            "name": tenant.name,
                            "slug": tenant.slug,
                            "country": tenant.country,
                            "currency": tenant.default_currency,
                            "timezone": tenant.timezone,
                            "local_time": local.strftime("%a %d %b, %H:%M"),
                            "locale": tenant.locale,
                        }
                    )
        self.agencies = agencies
        self.version = system_services.version_info(settings, current_revision=None).version
        self.loaded = True
        return None

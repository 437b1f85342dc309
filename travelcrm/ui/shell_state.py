"""The staff shell's state: who is signed in, which pages they may open, and the agency's
branding, for the sidebar and top bar. Checked on every page load (and again after the agency
settings change); without a valid session the browser goes to the login page."""

from __future__ import annotations

import re
import uuid

import reflex as rx
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.core.permissions import Role
from travelcrm.db import enter_tenant, system_scope
from travelcrm.tenants import services as tenants
from travelcrm.ui import routes
from travelcrm.ui.events import event
from travelcrm.ui.session import identify, login_url, signed_in_without_agency

DEFAULT_BRAND_COLOR = "#12A594"
_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def brand_color(value: str | None) -> str:
    """The agency's colour if it is a plain #RRGGBB (it goes into a style), else the default."""
    return value if value and _HEX_COLOR.match(value) else DEFAULT_BRAND_COLOR


def routes_for(role: Role | None) -> list[str]:
    return [item.route for item in routes.nav_for(role)]


class ShellState(rx.State):
    user_name: str = ""
    agency_name: str = ""
    role: str = ""
    brand_color: str = DEFAULT_BRAND_COLOR
    logo_url: str = ""
    agency_count: int = 1  # more than one: the menu offers "Switch agency"
    # Until the check has run, only the pages every signed-in person may open — and the menu
    # shows placeholders, not that short list (`checked`), so a reload never flashes a wrong menu.
    nav_routes: list[str] = routes_for(None)
    checked: bool = False

    @event
    def check(self) -> EventSpec | None:
        cookie = self.router.headers.cookie
        viewer = identify(cookie)
        if viewer is None:
            if signed_in_without_agency(cookie):
                return rx.redirect(f"{routes.CHOOSE_AGENCY}?next={self.router.url.path}")
            return rx.redirect(login_url(self.router.url.path))
        self.user_name = viewer.user_name
        self.agency_name = viewer.agency_name
        self.role = viewer.context.role.value
        self.brand_color = brand_color(viewer.agency_color)
        self.nav_routes = routes_for(viewer.context.role)
        self.checked = True
        with system_scope() as session:
            self.agency_count = len(
                accounts.my_agencies(session, user_id=viewer.context.user_id or uuid.UUID(int=0))
            )
            enter_tenant(session, viewer.context.tenant_id)
            logo = tenants.logo_of(session)
        self.logo_url = (
            f"{routes.API_AGENCIES}/{viewer.agency_slug}/logo?v={logo.sha256[:12]}" if logo else ""
        )
        return None

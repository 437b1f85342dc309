"""Every URL of the app, once. Pages and links use these constants, never string routes."""

from __future__ import annotations

from dataclasses import dataclass

HOME = "/"
SYSTEM = "/system"
LOGIN = "/login"
NOT_FOUND = "404"

API_DOCS = "/api/docs"
API_READY = "/api/ready"
API_LOGIN_FORM = "/api/auth/login-form"
API_LOGOUT_FORM = "/api/auth/logout-form"


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str
    icon: str


# The sidebar: only pages that exist.
NAV: tuple[NavItem, ...] = (
    NavItem("Home", HOME, "layout-dashboard"),
    NavItem("System", SYSTEM, "activity"),
)

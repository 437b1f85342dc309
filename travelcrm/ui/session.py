"""The signed-in person for Reflex pages, read on the server from the HttpOnly cookie that the
websocket connection carries. Page states call `identify` in every handler that touches data."""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

from travelcrm.accounts import services as accounts
from travelcrm.api.auth import SESSION_COOKIE
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope
from travelcrm.tenants.services import own_tenant


@dataclass(frozen=True)
class Viewer:
    context: TenantContext
    user_name: str
    email: str
    agency_name: str


def _token(cookie_header: str) -> str | None:
    try:
        jar = SimpleCookie(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def identify(cookie_header: str) -> Viewer | None:
    """None when there is no valid session (expired, revoked, deactivated, no agency)."""
    token = _token(cookie_header)
    if not token:
        return None
    try:
        with system_scope() as session:
            _auth, user, ctx = accounts.resolve_session(session, raw_token=token)
            if ctx is None:
                return None
            tenant = own_tenant(session, ctx)
            return Viewer(
                context=ctx, user_name=user.name, email=user.email, agency_name=tenant.name
            )
    except accounts.SessionExpiredError:
        return None


def login_url(current_path: str | None) -> str:
    """Where a signed-out visitor goes: the login page, then back to where they were."""
    path = current_path or "/"
    return f"/login?next={quote(path.rstrip('/') or '/')}"

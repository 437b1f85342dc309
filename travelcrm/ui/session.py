"""The signed-in person for Reflex pages, read on the server from the HttpOnly cookie that the
websocket connection carries. Page states call `identify` in every handler that touches data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

from travelcrm.accounts import services as accounts
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.locale import use_locale
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope
from travelcrm.tenants.services import own_tenant


@dataclass(frozen=True)
class Viewer:
    context: TenantContext
    user_name: str
    email: str
    agency_name: str
    session_id: uuid.UUID  # this browser's sign-in (the "This device" row on My sessions)
    agency_timezone: str  # times on pages are shown in it
    agency_color: str  # the agency's primary colour (#RRGGBB), for the shell's brand mark
    agency_slug: str = ""
    agency_locale: str = "en-IN"  # amounts and dates on pages are written in it


def _token(cookie_header: str) -> str | None:
    try:
        jar = SimpleCookie(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def identify(cookie_header: str) -> Viewer | None:
    """None when there is no valid session (expired, revoked, deactivated, no agency).

    What the event formats afterwards speaks the agency's locale (amounts, dates): every
    handler starts by asking who is looking, so the locale is set for it here, once."""
    token = _token(cookie_header)
    if not token:
        return None
    try:
        with system_scope() as session:
            auth, user, ctx = accounts.resolve_session(session, raw_token=token)
            if ctx is None:
                return None
            tenant = own_tenant(session, ctx)
            use_locale(tenant.locale)
            return Viewer(
                context=ctx,
                user_name=user.name,
                email=user.email,
                agency_name=tenant.name,
                session_id=auth.id,
                agency_timezone=tenant.timezone,
                agency_color=tenant.primary_color,
                agency_slug=tenant.slug,
                agency_locale=tenant.locale,
            )
    except accounts.SessionExpiredError:
        return None


def login_url(current_path: str | None) -> str:
    """Where a signed-out visitor goes: the login page, then back to where they were."""
    path = current_path or "/"
    return f"/login?next={quote(path.rstrip('/') or '/')}"


def client_of(router: object) -> tuple[str | None, str | None]:
    """(IP, user agent) of the browser behind a Reflex event, for the audit log and throttles."""
    session = getattr(router, "session", None)
    headers = getattr(router, "headers", None)
    ip = getattr(session, "client_ip", "") or None
    agent = getattr(headers, "user_agent", "") or None
    return ip, agent


def signed_in_without_agency(cookie_header: str) -> bool:
    """A valid session whose person works in several agencies and has not picked one yet."""
    token = _token(cookie_header)
    if not token:
        return False
    try:
        with system_scope() as session:
            _auth, _user, ctx = accounts.resolve_session(session, raw_token=token)
            return ctx is None
    except accounts.SessionExpiredError:
        return False


def session_token(cookie_header: str) -> str | None:
    return _token(cookie_header)

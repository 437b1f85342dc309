"""The signed-in person for Reflex pages, read on the server from the HttpOnly cookie that the
websocket connection carries. Page states call `identify` in every handler that touches data."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import quote

from travelcrm.accounts import services as accounts
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.locale import use_locale
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import after_each_unit_of_work, system_scope, tenant_scope
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


# The agency each sign-in (by its cookie's hash) last worked in, per process: only a hint
# for where to look first (`session_in_agency` checks it against the database every time).
_AGENCY_HINTS: OrderedDict[str, uuid.UUID] = OrderedDict()
_HINTS_KEPT = 10_000
_hints_lock = threading.Lock()

# The viewer an event handler already identified, until a unit of work commits or rolls back
# (after which the sign-in, the person or the agency may have changed): `_admit` and the
# `_run` that follows it in one handler ask the database once. Only inside `event_scope()`
# (set for each handler `@event` runs in a thread); elsewhere every call asks.
_event_viewer: ContextVar[dict[str, Viewer | None] | None] = ContextVar(
    "travelcrm_event_viewer", default=None
)


@contextmanager
def event_scope() -> Iterator[None]:
    """One event handler's run: `identify` remembers its answer until a unit of work ends."""
    token = _event_viewer.set({})
    try:
        yield
    finally:
        _event_viewer.reset(token)


def _forget_viewer() -> None:
    remembered = _event_viewer.get()
    if remembered:
        remembered.clear()


after_each_unit_of_work(_forget_viewer)


def identify(cookie_header: str) -> Viewer | None:
    """None when there is no valid session (expired, revoked, deactivated, no agency).

    What the event formats afterwards speaks the agency's locale (amounts, dates): every
    handler starts by asking who is looking, so the locale is set for it here, once."""
    token = _token(cookie_header)
    if not token:
        return None
    remembered = _event_viewer.get()
    if remembered is not None and token in remembered:
        viewer = remembered[token]
        if viewer is not None:
            use_locale(viewer.agency_locale)
        return viewer
    viewer = _identify(token)
    if remembered is not None:
        remembered[token] = viewer
    return viewer


def _identify(token: str) -> Viewer | None:
    key = hashlib.sha256(token.encode()).hexdigest()
    hint = _AGENCY_HINTS.get(key)
    try:
        if hint is not None:  # one statement in the agency it worked in last time
            with tenant_scope(TenantContext(hint, None, Role.AGENT)) as session:
                found = accounts.session_in_agency(session, raw_token=token)
            if found is not None:
                use_locale(found.agency_locale)
                return Viewer(
                    context=found.context,
                    user_name=found.user_name,
                    email=found.email,
                    agency_name=found.agency_name,
                    session_id=found.session_id,
                    agency_timezone=found.agency_timezone,
                    agency_color=found.agency_color,
                    agency_slug=found.agency_slug,
                    agency_locale=found.agency_locale,
                )
        with system_scope() as session:
            auth, user, ctx = accounts.resolve_session(session, raw_token=token)
            if ctx is None:
                return None
            tenant = own_tenant(session, ctx)
            use_locale(tenant.locale)
            viewer = Viewer(
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
        _remember_agency(key, ctx.tenant_id)
        return viewer
    except accounts.SessionExpiredError:
        _AGENCY_HINTS.pop(key, None)
        return None


def _remember_agency(key: str, tenant_id: uuid.UUID) -> None:
    with _hints_lock:
        _AGENCY_HINTS[key] = tenant_id
        _AGENCY_HINTS.move_to_end(key)
        while len(_AGENCY_HINTS) > _HINTS_KEPT:
            _AGENCY_HINTS.popitem(last=False)


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

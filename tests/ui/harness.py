"""Page states built the way the app builds them, for tests that call handlers straight: a
signed-in session's cookie, the state with its router data, and what a handler's toasts said."""

from __future__ import annotations

import uuid
from typing import Any

from reflex.event import EventSpec
from reflex.istate.data import RouterData
from reflex.state import State

from tests.accounts.test_accounts import PASSWORD
from travelcrm.accounts import services as accounts
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.db import system_scope


def signed_in(email: str, password: str = PASSWORD) -> tuple[str, uuid.UUID]:
    """A fresh sign-in of `email`: its session cookie's token and the session's id."""
    with system_scope() as session:
        result = accounts.sign_in(session, email=email, password=password, ip="198.51.100.9")
        assert result.session is not None
        return result.session_token, result.session.id


def signed_in_token(email: str) -> str:
    """A fresh sign-in of `email` (the demo password): its session cookie's token."""
    return signed_in(email)[0]


def bare_state(cls: type, token: str, path: str = "/") -> Any:
    """The page's state on its own, its router carrying the session cookie and the path."""
    state = cls(_reflex_internal_init=True)
    state.router = RouterData.from_router_data(
        {"headers": {"cookie": f"{SESSION_COOKIE}={token}", "origin": "http://x"}, "pathname": path}
    )
    return state


def tree_state(cls: type, token: str, path: str, params: dict[str, str] | None = None) -> Any:
    """The page's state in a state tree as the app builds it: under the root state, which
    holds the router (so the tabs' substates see the same cookie and route)."""
    root = State(_reflex_internal_init=True)
    state = root.get_substate(cls.get_full_name().split("."))  # type: ignore[attr-defined]
    # the route's pattern ("/suppliers/[id]") and the address the browser is on
    route, address = path, path
    for name, value in (params or {}).items():
        route = route.replace(value, f"[{name}]")
        address = address.replace(f"[{name}]", value)
    root.router = RouterData.from_router_data(
        {
            "headers": {"cookie": f"{SESSION_COOKIE}={token}", "origin": "http://x"},
            "pathname": route,
            "asPath": address,
            "query": params or {},
        }
    )
    return state


def specs(result: Any) -> list[EventSpec]:
    """A handler's answer as a list of event specs (none, one or several)."""
    if result is None:
        return []
    return [s for s in (result if isinstance(result, list) else [result]) if s is not None]


def said(result: Any) -> str:
    """What the handler's toasts say (their text sits in the spec's arguments)."""
    return " ".join(str(arg) for spec in specs(result) for _name, arg in spec.args)

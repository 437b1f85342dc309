"""Who and what the current unit of work is for: request/event/task ids, tenant and user.

Held in context variables so every log line can carry them, whichever entry point
(HTTP request, Reflex event, Huey task) started the work.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
tenant_id_var: ContextVar[str | None] = ContextVar("tenant_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("user_id", default=None)

REQUEST_ID_MAX_LENGTH = 128
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-/+=@]*$")


def new_request_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex}"


def valid_request_id(value: str | None) -> bool:
    """An incoming X-Request-ID is kept only if it is short, printable and safe to log."""
    return (
        value is not None
        and 0 < len(value) <= REQUEST_ID_MAX_LENGTH
        and _REQUEST_ID_RE.match(value) is not None
    )


@contextmanager
def bound(
    *, request_id: str | None = None, tenant_id: str | None = None, user_id: str | None = None
) -> Iterator[None]:
    """Bind ids for the duration of a block, restoring the previous values afterwards."""
    tokens = []
    if request_id is not None:
        tokens.append((request_id_var, request_id_var.set(request_id)))
    if tenant_id is not None:
        tokens.append((tenant_id_var, tenant_id_var.set(tenant_id)))
    if user_id is not None:
        tokens.append((user_id_var, user_id_var.set(user_id)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)

"""Errors from services, turned into what a form shows: one summary and a message per field;
and the errors no handler expects, turned into a toast (`backend_exception_handler`)."""

from __future__ import annotations

import logging
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.app import default_backend_exception_handler
from reflex.event import EventSpec
from reflex.vars import Var
from reflex_base.event import run_script
from reflex_components_sonner.toast import toast_ref

from travelcrm.core.errors import DomainError
from travelcrm.db import is_busy_error

logger = logging.getLogger("travelcrm.ui.events")

BUSY_MESSAGE = "The server is busy; try again in a moment."


def _sentence(message: str) -> str:
    message = message.removeprefix("Value error, ")
    return message[:1].upper() + message[1:]


def _plain(error: dict[str, Any]) -> str:
    """Pydantic's complaint in a person's words ("Required", "At least 12 characters")."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    empty = error.get("input") in ("", None, [])
    if kind == "missing" or (kind in ("string_too_short", "too_short") and empty):
        return "Required"
    if kind == "string_too_short":
        return f"At least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"At most {ctx.get('max_length')} characters"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "Give at least one"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return f"{'At least' if kind == 'too_short' else 'At most'} {bound}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": "At least",
            "greater_than": "More than",
            "less_than_equal": "At most",
            "less_than": "Less than",
        }
        limit = next(iter(ctx.values()), "")
        return f"{words[kind]} {limit}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return "A whole number"
    if kind in ("decimal_parsing", "float_parsing", "decimal_type", "float_type"):
        return "A number"
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return "Too large"
    if kind == "decimal_max_places":
        return f"At most {ctx.get('decimal_places')} decimal places"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "A date"
    if kind in ("enum", "literal_error"):
        return "Choose one of the options"
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        return "Not an email address"
    if kind == "uuid_parsing":
        return "Not found"
    return _sentence(str(error.get("msg", "is not valid")))


def form_errors(exc: Exception) -> tuple[str, dict[str, str]]:
    """(summary, {field: message}) for a pydantic ValidationError or a DomainError.

    Nested fields are named by their last part (`agency.slug` -> `slug`)."""
    if isinstance(exc, ValidationError):
        fields: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
            name = loc[-1] if loc else "form"
            fields.setdefault(name, _plain(dict(error)))
        return "Some fields need attention.", fields
    if isinstance(exc, DomainError):
        fields = {}
        for problem in exc.errors:
            fields.setdefault(problem.field.rsplit(".", 1)[-1], _sentence(problem.message))
        return exc.detail, fields
    raise exc


def backend_exception_handler(exception: Exception) -> EventSpec:
    """What a page shows when an event handler fails. A database too busy to take the work now
    (no connection free within DB_POOL_TIMEOUT, a lock held past DB_LOCK_TIMEOUT) is not a bug:
    the person is told the server is busy and nothing else changes; the handler already gave
    up after that bounded wait, so the page never hangs. Anything else: Reflex's own handler
    (logged with its stack trace; in production the toast names no internals)."""
    if is_busy_error(exception):
        logger.warning("database busy in a page event: %s", type(exception).__name__)
        return rx.toast.warning(BUSY_MESSAGE, id="server-busy", position="top-center")
    return default_backend_exception_handler(exception)


def leave_errors_behind() -> EventSpec:
    """Dismisses the error toasts still on screen: first in every page's `on_load`, so an
    error raised on one page does not follow the person to the next (success and info
    toasts, such as "Customer added." before a redirect, stay)."""
    dismiss: Var[Any] = Var(
        _js_expr=(
            f"{toast_ref}?.getToasts?.().filter((t) => t.type === 'error')"
            f".forEach((t) => {toast_ref}.dismiss(t.id))"
        ),
        _var_data=toast_ref._get_all_var_data(),
    )
    return run_script(dismiss)

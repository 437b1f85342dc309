"""Errors from services, turned into what a form shows: one summary and a message per field."""

from __future__ import annotations

from pydantic import ValidationError

from travelcrm.core.errors import DomainError


def _sentence(message: str) -> str:
    message = message.removeprefix("Value error, ")
    return message[:1].upper() + message[1:]


def form_errors(exc: Exception) -> tuple[str, dict[str, str]]:
    """(summary, {field: message}) for a pydantic ValidationError or a DomainError.

    Nested fields are named by their last part (`agency.slug` -> `slug`)."""
    if isinstance(exc, ValidationError):
        fields: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
            name = loc[-1] if loc else "form"
            fields.setdefault(name, _sentence(error.get("msg", "is not valid")))
        return "Some fields need attention.", fields
    if isinstance(exc, DomainError):
        fields = {}
        for problem in exc.errors:
            fields.setdefault(problem.field.rsplit(".", 1)[-1], _sentence(problem.message))
        return exc.detail, fields
    raise exc

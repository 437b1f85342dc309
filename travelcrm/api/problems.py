"""Exception handlers: every error leaves the API as application/problem+json."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from travelcrm.api.envelope import PROBLEM_MEDIA_TYPE, problem_body
from travelcrm.core.errors import DomainError
from travelcrm.db import is_busy_error
from travelcrm.settings import get_settings

logger = logging.getLogger("travelcrm.api")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    428: "precondition_required",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",  # (a busy server says `server_busy`, see `busy_response`)
}


def problem_response(
    *,
    status: int,
    code: str | None = None,
    detail: str,
    title: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = problem_body(
        status=status,
        code=code or _HTTP_CODES.get(status, "error"),
        title=title or HTTPStatus(status).phrase,
        detail=detail,
        instance=instance,
        errors=errors,
        **extra,
    )
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


BUSY_DETAIL = "The database is busy; try again in a moment."


def busy_response(
    *, instance: str | None, retry_after: int | None = None, detail: str = BUSY_DETAIL
) -> JSONResponse:
    """503 `server_busy` with `Retry-After`: nothing went wrong with the request, the server
    could not take it now (overload, no database connection free in time, a lock held too
    long); the same request may be sent again after the given seconds."""
    seconds = retry_after or get_settings().web_retry_after_seconds
    return problem_response(
        status=503,
        code="server_busy",
        title="Server busy",
        detail=detail,
        instance=instance,
        headers={"Retry-After": str(seconds)},
        retry_after_seconds=seconds,
    )


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        where, rest = parts[0], parts[1:]
        return ".".join(rest) if rest and where == "body" else ".".join([where, *rest])
    return ".".join(parts)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _field_name(err.get("loc", ())),
            "message": err.get("msg", ""),
            "code": err.get("type", "invalid"),
        }
        for err in exc.errors()
    ]
    names = ", ".join(sorted({e["field"] for e in errors})) or "request"
    return problem_response(
        status=422,
        code="validation_failed",
        title="Validation failed",
        detail=f"The request has invalid fields: {names}.",
        instance=request.url.path,
        errors=errors,
    )


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404:
        detail = f"No API resource at {request.method} {request.url.path}."
        if isinstance(exc.detail, str) and exc.detail not in {"Not Found", ""}:
            detail = exc.detail
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    else:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    return problem_response(
        status=status,
        detail=detail,
        instance=request.url.path,
        headers=dict(exc.headers or {}),
    )


async def _domain_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    extra = dict(exc.extra)
    headers = extra.pop("headers", None)
    if exc.status == 429 and "retry_after_seconds" in extra:  # every lockout says when to retry
        headers = {**(headers or {}), "Retry-After": str(int(extra["retry_after_seconds"]))}
    return problem_response(
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        instance=request.url.path,
        errors=[error.as_dict() for error in exc.errors],
        headers=headers,
        **extra,
    )


async def _database_handler(request: Request, exc: Exception) -> JSONResponse:
    """A database that cannot take the work now is a 503 to retry, never a 500; any other
    database error goes on to the 500 handler."""
    if not is_busy_error(exc):
        raise exc
    logger.warning(
        "database busy in %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    return busy_response(instance=request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PoolTimeoutError, _database_handler)
    app.add_exception_handler(DBAPIError, _database_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(DomainError, _domain_handler)

"""Exception handlers: every error leaves the API as application/problem+json."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from travelcrm.api.envelope import PROBLEM_MEDIA_TYPE, problem_body
from travelcrm.core.errors import DomainError

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
    503: "unavailable",
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


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(DomainError, _domain_handler)

"""Request context: an id for every request (accepted from X-Request-ID when valid), echoed in
the response and bound for logging; unhandled errors become a 500 problem, never a stack trace
(and a database too busy to take the work a 503 with Retry-After)."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from travelcrm.api.problems import busy_response, problem_response
from travelcrm.core.context import bound, new_request_id, valid_request_id
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.jsondepth import check_depth
from travelcrm.db import is_busy_error

logger = logging.getLogger("travelcrm.api")
access_logger = logging.getLogger("travelcrm.access")

REQUEST_ID_HEADER = "x-request-id"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api"):
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, REQUEST_ID_HEADER.encode())
        request_id = incoming if incoming and valid_request_id(incoming) else new_request_id()
        status_holder = {"status": 500, "started": False}
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k != REQUEST_ID_HEADER.encode()
                ]
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        with bound(request_id=request_id):
            if incoming is not None and incoming != request_id:
                logger.warning("X-Request-ID refused (invalid or over 128 chars); using a new id")
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                busy = is_busy_error(exc)  # (e.g. in a middleware, outside the route handlers)
                if busy:
                    logger.warning(
                        "database busy in %s %s: %s",
                        scope["method"],
                        scope["path"],
                        type(exc).__name__,
                    )
                else:
                    logger.exception("unhandled error in %s %s", scope["method"], scope["path"])
                if status_holder["started"]:
                    raise
                response = (
                    busy_response(instance=scope["path"])
                    if busy
                    else problem_response(
                        status=500,
                        code="internal_error",
                        detail="Something went wrong on our side; quote the request id to support.",
                        instance=scope["path"],
                    )
                )
                await response(scope, receive, send_with_id)
            finally:
                access_logger.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status_holder["status"],
                    extra={
                        "http_status": status_holder["status"],
                        "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                    },
                )


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class JsonDepthMiddleware:
    """A JSON request body nested deeper than `MAX_JSON_DEPTH` is answered with a 422 problem
    before any handler parses it (Python's `json` recurses per level: a thousand `[` would
    otherwise end as a RecursionError). The body is read here and handed on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not scope["path"].startswith("/api")
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or not _is_json(_header(scope, b"content-type"))
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            check_depth(body, field="body")
        except ValidationFailedError as exc:
            response = problem_response(
                status=exc.status,
                code=exc.code,
                title=exc.title,
                detail=exc.detail,
                instance=scope["path"],
                errors=[error.as_dict() for error in exc.errors],
            )
            await response(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class ForwardedHeadersMiddleware:
    """Behind a reverse proxy: the client address and scheme come from `X-Forwarded-For` and
    `X-Forwarded-Proto`, believed only from the addresses in `FORWARDED_ALLOW_IPS` (addresses or
    networks, or "*"), for the API and the pages' websocket alike (sign-in throttles, the audit
    log and "My sessions" see the visitor, not the proxy). Granian's own parser does the work."""

    def __init__(self, app: ASGIApp, *, trusted: str) -> None:
        from granian.utils.proxies import wrap_asgi_with_proxy_headers

        self.app = app
        self._wrapped = wrap_asgi_with_proxy_headers(app, trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._wrapped(scope, receive, send)

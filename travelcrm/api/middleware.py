"""Request context: an id for every request (accepted from X-Request-ID when valid), echoed in
the response and bound for logging; unhandled errors become a 500 problem, never a stack trace."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from travelcrm.api.problems import problem_response
from travelcrm.core.context import bound, new_request_id, valid_request_id

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
            except Exception:
                logger.exception("unhandled error in %s %s", scope["method"], scope["path"])
                if status_holder["started"]:
                    raise
                response = problem_response(
                    status=500,
                    code="internal_error",
                    detail="Something went wrong on our side; quote the request id to support.",
                    instance=scope["path"],
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

"""Idempotency-Key on POST/PUT/PATCH/DELETE.

- Same caller, key and body within the TTL (24 h): the stored response is replayed with
  `Idempotent-Replayed: true`; the handler does not run again.
- Same key with a different request: 422 problem `idempotency_key_reused`.
- A second request while the first still runs: 409 problem `idempotency_in_progress`.
- Server errors (5xx) and crashes are not stored, so the client can retry with the same key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import anyio
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from travelcrm.api.problems import problem_response
from travelcrm.core import idempotency as store
from travelcrm.core.idempotency import Stored
from travelcrm.db import get_engine

logger = logging.getLogger("travelcrm.api.idempotency")

HEADER = b"idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 255
# Response headers worth replaying; others (date, server, request id) are per-delivery.
_KEPT_HEADERS = frozenset({b"content-type", b"etag", b"location", b"content-language"})
# Credentials that identify the caller, so one caller's key never replays another's response.
_CALLER_HEADERS = (b"authorization", b"cookie", b"x-api-key")


@dataclass
class _Capture:
    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(ch) <= 126 for ch in key)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, engine: Engine | None = None) -> None:
        self.app = app
        self._engine = engine

    @property
    def engine(self) -> Engine:
        return self._engine or get_engine()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in METHODS
            or not scope["path"].startswith("/api")
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        if not _valid_key(key):
            response = problem_response(
                status=400,
                code="invalid_idempotency_key",
                detail=f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} visible ASCII characters.",
                instance=scope["path"],
                errors=[{"field": "Idempotency-Key", "message": "invalid key", "code": "invalid"}],
            )
            await response(scope, receive, send)
            return

        body = await _read_body(receive)
        caller = b"|".join(headers.get(name, b"") for name in _CALLER_HEADERS)
        method, path = scope["method"].encode(), scope["path"].encode()
        scope_hash = _sha(_sha(caller).encode(), method, path, raw_key)
        request_hash = _sha(
            method, path, scope.get("query_string", b""), headers.get(b"content-type", b""), body
        )

        outcome = await anyio.to_thread.run_sync(store.claim, self.engine, scope_hash, request_hash)
        if isinstance(outcome, Stored):
            await _replay(outcome, send)
            return
        if outcome == "reused":
            response = problem_response(
                status=422,
                code="idempotency_key_reused",
                detail="This Idempotency-Key was used with a different request; use a new key.",
                instance=scope["path"],
                errors=[
                    {
                        "field": "Idempotency-Key",
                        "message": "reused with another body",
                        "code": "reused",
                    }
                ],
            )
            await response(scope, receive, send)
            return
        if outcome == "in_progress":
            response = problem_response(
                status=409,
                code="idempotency_in_progress",
                detail="A request with this Idempotency-Key is still running; retry shortly.",
                instance=scope["path"],
                headers={"Retry-After": "1"},
            )
            await response(scope, receive, send)
            return

        captured = _Capture()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured.status = message["status"]
                captured.headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                captured.body.extend(message.get("body", b""))
            await send(message)

        sent = False

        async def replay_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            await anyio.to_thread.run_sync(store.release, self.engine, scope_hash)
            raise
        status = captured.status
        if status is not None and status < 500:
            stored = Stored(
                status=status,
                headers=[(k, v) for k, v in captured.headers if k.lower() in _KEPT_HEADERS],
                body=bytes(captured.body),
            )
            await anyio.to_thread.run_sync(store.complete, self.engine, scope_hash, stored)
        else:
            await anyio.to_thread.run_sync(store.release, self.engine, scope_hash)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _replay(stored: Stored, send: Send) -> None:
    headers = [*stored.headers, (REPLAYED_HEADER.lower().encode(), b"true")]
    headers.append((b"content-length", str(len(stored.body)).encode()))
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})

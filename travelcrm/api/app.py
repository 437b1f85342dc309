"""The FastAPI app mounted into Reflex's backend under /api."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.routing import Match, Mount

from travelcrm import __version__
from travelcrm.accounts.api import invitations_router, users_router
from travelcrm.accounts.api import router as auth_router
from travelcrm.api.admission import AdmissionMiddleware
from travelcrm.api.idempotency import IdempotencyMiddleware
from travelcrm.api.middleware import (
    ForwardedHeadersMiddleware,
    JsonDepthMiddleware,
    RequestContextMiddleware,
)
from travelcrm.api.openapi import build_openapi, operation_id
from travelcrm.api.problems import install_problem_handlers, problem_response
from travelcrm.audit.api import router as audit_router
from travelcrm.customers.api import router as customers_router
from travelcrm.documents.api import router as documents_router
from travelcrm.itineraries.api import pricing_router
from travelcrm.itineraries.api import router as itineraries_router
from travelcrm.mail.api import emails_router, templates_router, tracking_router
from travelcrm.queries.api import public_router as enquiries_router
from travelcrm.queries.api import router as queries_router
from travelcrm.quotes.api import public_router as proposals_router
from travelcrm.quotes.api import router as quotes_router
from travelcrm.rates.api import router as rates_router
from travelcrm.ratesheets.api import router as ratesheets_router
from travelcrm.settings import get_settings
from travelcrm.suppliers.api import router as suppliers_router
from travelcrm.system.api import router as system_router
from travelcrm.tenants.api import public_router as agencies_router
from travelcrm.tenants.api import router as tenant_router

API_PREFIX = "/api"
CATCH_ALL = f"{API_PREFIX}/{{path:path}}"
DESCRIPTION = """
TravelCRM REST API for integrations, webhooks and the customer portal.

Conventions on every route:
* Success bodies are `{"data": ..., "meta": {...}}`; errors are RFC 9457
  `application/problem+json` with a stable `code`, a human `detail`, per-field `errors[]`
  and the `request_id`.
* Send `X-Request-ID` (up to 128 characters) to trace a call; it is echoed back.
* Writes accept `Idempotency-Key`: a retry with the same key and body within 24 hours replays
  the first response (`Idempotent-Replayed: true`).
* Lists use `limit` and an opaque `cursor`; the next page's cursor is `meta.next_cursor`.
* Single resources carry an `ETag`; send it back as `If-Match` on updates (412 when stale).
* JSON nested more than 64 levels deep is refused (422, `too_deep`) before it is parsed.
* A busy server answers 503 `server_busy` with `Retry-After` (seconds): send the same request
  again after that (with its `Idempotency-Key` for writes). It never means the request was wrong.
"""

# The most called first: FastAPI tries routes in this order, each against its pattern, so a
# call to the last router paid for matching the hundred routes before it (~0.3 ms). No two
# routers share a path, except rates and rate sheets (both under /api/rate-lists: keep theirs).
ROUTERS: tuple[APIRouter, ...] = (
    system_router,
    queries_router,
    rates_router,
    ratesheets_router,
    customers_router,
    suppliers_router,
    auth_router,
    users_router,
    invitations_router,
    audit_router,
    tenant_router,
    agencies_router,
    enquiries_router,
    itineraries_router,
    pricing_router,
    quotes_router,
    documents_router,
    templates_router,
    emails_router,
    tracking_router,
    proposals_router,
)


def _methods_for_path(api: FastAPI, request: Request) -> list[str]:
    """Methods other routes accept on this path (so a wrong method is 405, not 404)."""
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        for route in api.routes:
            # Mounts (docs assets, the Reflex app and its frontend) match every method.
            if isinstance(route, Mount) or getattr(route, "path", None) == CATCH_ALL:
                continue
            if route.matches(scope)[0] == Match.FULL:
                allowed.append(method)
                break
    return allowed


def create_api(extra_routers: Sequence[APIRouter] = ()) -> FastAPI:
    api = FastAPIOffline(
        title="TravelCRM API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=f"{API_PREFIX}/redoc",
        static_url=f"{API_PREFIX}/docs-assets",
        swagger_ui_oauth2_redirect_url=f"{API_PREFIX}/docs/oauth2-redirect",
        generate_unique_id_function=operation_id,
    )
    install_problem_handlers(api)
    for router in (*ROUTERS, *extra_routers):
        api.include_router(router)

    @api.api_route(
        CATCH_ALL,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        include_in_schema=False,
    )
    async def unknown_route(request: Request, path: str) -> JSONResponse:
        allowed = _methods_for_path(api, request)
        if allowed:
            return problem_response(
                status=405,
                detail=f"{request.method} is not allowed on {request.url.path}; "
                f"use {', '.join(allowed)}.",
                instance=request.url.path,
                headers={"Allow": ", ".join(allowed)},
            )
        return problem_response(
            status=404,
            detail=f"No API resource at {request.method} {request.url.path}.",
            instance=request.url.path,
        )

    def openapi() -> dict[str, Any]:
        if not api.openapi_schema:
            api.openapi_schema = build_openapi(api)
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]

    # Outermost last: the client address is taken from a trusted proxy's headers first; request
    # context wraps everything, so a 503 or a replay carries a request id too; admission control
    # turns extra requests away before their body is read; a JSON body nested too deep is
    # refused before idempotency or a handler parses it.
    api.add_middleware(IdempotencyMiddleware)
    api.add_middleware(JsonDepthMiddleware)
    api.add_middleware(AdmissionMiddleware)
    api.add_middleware(RequestContextMiddleware)
    trusted = get_settings().forwarded_allow_ips
    if trusted:
        api.add_middleware(ForwardedHeadersMiddleware, trusted=trusted)
    return api

"""The customer's proposal page, the first customer-facing route (no sign-in; the link is the
key): `GET /api/public/quotes/{token}` answers HTML only (the staff API has the figures as
JSON), built on the server in the agency's branding; it reads and changes nothing. Its script
posts the `viewed` beacon after load; the forms post `accept` and `decline` with a token bound
to the link, and are answered with a redirect back to the page (or the page again with the
messages at their fields). POSTs are counted per link and address like the public enquiry
form (then 429). Photos of the day's services come through the link too, never through the
staff routes. The token in the address is kept out of referrers and caches.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from travelcrm.core.errors import NotFoundError, ValidationFailedError
from travelcrm.core.throttle import LockedOutError, Throttle
from travelcrm.db import system_scope, tenant_scope
from travelcrm.quotes import links, proposal

public_router = APIRouter(prefix=links.PUBLIC_PATH, tags=["public"])

THROTTLE_SCALE = 4  # a page load's beacon, a few tries at the form
_HEADERS = {
    "Cache-Control": "no-store, private",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def _headers(nonce: str = "") -> dict[str, str]:
    script = f"'nonce-{nonce}'" if nonce else "'none'"
    policy = (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
        f"script-src {script}; connect-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return {**_HEADERS, "Content-Security-Policy": policy}


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _not_found() -> HTMLResponse:
    html = proposal.message_html(
        "This link is not valid",
        "Check that the whole link from your email was opened, or ask your travel agent for "
        "a new one.",
    )
    return HTMLResponse(html, status_code=404, headers=_headers())


def _count(request: Request, token: str) -> HTMLResponse | None:
    """Count this POST against the link and the sender's address; a page when over."""
    with system_scope() as session:
        try:
            Throttle(session, "proposal", token[:43], _ip(request), scale=THROTTLE_SCALE).attempt()
        except LockedOutError as exc:
            minutes = max(1, -(-exc.retry_after // 60))
            html = proposal.message_html(
                "Too many tries",
                f"Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again.",
            )
            headers = {**_headers(), "Retry-After": str(exc.retry_after)}
            return HTMLResponse(html, status_code=429, headers=headers)
    return None


def _page(
    token: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
    notice: str = "",
) -> HTMLResponse:
    try:
        parts = links.decode(token)
    except NotFoundError:
        return _not_found()
    nonce = secrets.token_urlsafe(16)
    with tenant_scope(proposal.agency(parts.tenant_id)) as session:
        try:
            opened = proposal.open_proposal(session, token)
        except NotFoundError:
            return _not_found()
        html = proposal.page_html(
            opened, token, nonce=nonce, errors=errors, values=values, notice=notice
        )
        session.rollback()  # a read: nothing to keep
    return HTMLResponse(html, status_code=status_code, headers=_headers(nonce))


@public_router.get(
    "/{token}",
    response_class=HTMLResponse,
    responses={404: {"description": "Not a valid link (an HTML page says so)"}},
    summary="The customer's proposal page (HTML; reading it changes nothing)",
)
def proposal_page(token: str) -> HTMLResponse:
    return _page(token)


@public_router.post(
    "/{token}/viewed",
    status_code=204,
    responses={404: {"description": "Not a valid link"}, 429: {"description": "Too many"}},
    summary="The page's beacon after load: the version is marked viewed (once)",
)
def proposal_viewed(
    token: str, request: Request, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    try:
        parts = links.decode(token)
    except NotFoundError:
        return Response(status_code=404, headers=_HEADERS)
    refused = _count(request, token)
    if refused is not None:
        return Response(status_code=429, headers=_HEADERS)
    try:
        with tenant_scope(proposal.agency(parts.tenant_id)) as session:
            proposal.mark_viewed(session, token, csrf=csrf)
    except NotFoundError:
        return Response(status_code=404, headers=_HEADERS)
    return Response(status_code=204, headers=_HEADERS)


def _answered(token: str) -> RedirectResponse:
    return RedirectResponse(f"{links.PUBLIC_PATH}/{token}", status_code=303, headers=_HEADERS)


@public_router.post(
    "/{token}/accept",
    status_code=303,
    response_class=HTMLResponse,
    responses={
        404: {"description": "Not a valid link"},
        409: {"description": "Answered, expired, withdrawn or replaced (a page says which)"},
        422: {"description": "The page again with the messages at their fields"},
        429: {"description": "Too many tries"},
    },
    summary="The customer accepts: name, email, consent and the extras ticked; back to the page",
)
def proposal_accept(
    token: str,
    request: Request,
    csrf: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    consent: Annotated[str, Form(max_length=10)] = "",
    document_sha256: Annotated[str, Form(max_length=64)] = "",
    optional_items: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        parts = links.decode(token)
    except NotFoundError:
        return _not_found()
    refused = _count(request, token)
    if refused is not None:
        return refused
    chosen = [i[:40] for i in (optional_items or [])[:100]]
    values = {"name": name, "email": email, "consent": bool(consent), "optional_items": chosen}
    try:
        with tenant_scope(proposal.agency(parts.tenant_id)) as session:
            proposal.accept(
                session,
                token,
                csrf=csrf,
                name=name,
                email=email,
                consent=bool(consent),
                optional_items=chosen,
                document_sha256=document_sha256,
                ip=_ip(request),
                user_agent=request.headers.get("user-agent"),
            )
    except ValidationFailedError as exc:
        errors = {e.field: e.message for e in exc.errors}
        return _page(token, status_code=422, errors=errors, values=values)
    except proposal.ProposalChangedError as exc:
        return _page(token, status_code=409, values=values, notice=exc.detail)
    except proposal.ProposalClosedError:
        return _page(token, status_code=409)
    except NotFoundError:
        return _not_found()
    return _answered(token)


@public_router.post(
    "/{token}/decline",
    status_code=303,
    response_class=HTMLResponse,
    responses={
        404: {"description": "Not a valid link"},
        409: {"description": "Answered, expired, withdrawn or replaced (a page says which)"},
        429: {"description": "Too many tries"},
    },
    summary="The customer declines, with a reason if they like; back to the page",
)
def proposal_decline(
    token: str,
    request: Request,
    csrf: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        parts = links.decode(token)
    except NotFoundError:
        return _not_found()
    refused = _count(request, token)
    if refused is not None:
        return refused
    try:
        with tenant_scope(proposal.agency(parts.tenant_id)) as session:
            proposal.decline(
                session,
                token,
                csrf=csrf,
                reason=reason,
                ip=_ip(request),
                user_agent=request.headers.get("user-agent"),
            )
    except proposal.ProposalClosedError:
        return _page(token, status_code=409)
    except NotFoundError:
        return _not_found()
    return _answered(token)


@public_router.get(
    "/{token}/photos/{photo_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 404: {"description": "Not shown here"}},
    summary="A photo the proposal shows (a service of this version), through the link",
)
def proposal_photo(token: str, photo_id: uuid.UUID) -> Response:
    try:
        parts = links.decode(token)
        with tenant_scope(proposal.agency(parts.tenant_id)) as session:
            data, media_type, _digest = proposal.photo(session, token, photo_id=photo_id)
            session.rollback()
    except NotFoundError:
        return Response(status_code=404, headers=_HEADERS)
    return Response(
        data, media_type=media_type, headers={**_HEADERS, "Cache-Control": "private, max-age=3600"}
    )

"""Quotes over REST: make one from a frozen itinerary version, list and read them, change or
delete a draft, send it (the query becomes quoted), record the customer's answer (accepted:
the query is won), revise it into the next version and compare versions side by side. Every
route works in the caller's agency; another agency's ids answer 404."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, json_envelope, problem_responses
from travelcrm.api.etag import (
    check_if_match,
    created_response,
    download,
    resource_response,
)
from travelcrm.api.pagination import Paging
from travelcrm.core.errors import NotFoundError, ValidationFailedError
from travelcrm.core.throttle import LockedOutError, Throttle
from travelcrm.db import system_scope, tenant_scope
from travelcrm.quotes import documents, links, proposal, services
from travelcrm.quotes.machine import QuoteState
from travelcrm.quotes.schemas import (
    Comparison,
    DeclineIn,
    QuoteCreate,
    QuoteListItem,
    QuotePatch,
    QuoteRowVersionIn,
    QuoteSettingsIn,
    QuoteSettingsPatch,
    QuoteSettingsPublic,
    QuoteUpdate,
    QuoteVersionPublic,
    ReviseIn,
)

router = APIRouter(prefix="/api/quotes", tags=["quotes"])


def _shown(session: Any, identity: Any, quote_id: uuid.UUID) -> QuoteVersionPublic:
    return services.to_public(services.get_quote(session, identity.context, quote_id=quote_id))


# ---- the agency's quote settings (before /{quote_id}: "settings" is no quote's id) -------------


@router.get(
    "/settings",
    response_model=Envelope[QuoteSettingsPublic],
    responses=READ,
    summary="The agency's quote defaults: validity, grouping, deposit, balance days before "
    "travel, instalments, inclusions, exclusions, terms and reference prefix, with its ETag",
)
def read_settings(request: Request, identity: Who, session: Db) -> Response:
    return resource_response(request, services.read_settings(session, identity.context))


@router.put(
    "/settings",
    response_model=Envelope[QuoteSettingsPublic],
    responses=problem_responses(401, 403, 409, 412, 422),
    summary="Replace the quote defaults at the `row_version` you read (409 when changed "
    "meanwhile; If-Match checked when sent); new quotes copy them",
)
def save_settings(
    body: QuoteSettingsPatch, request: Request, identity: Who, session: Db
) -> Response:
    check_if_match(request, services.read_settings(session, identity.context))
    data = QuoteSettingsIn.model_validate(body.model_dump(exclude={"row_version"}))
    services.update_settings(session, identity.context, data=data, row_version=body.row_version)
    return resource_response(request, services.read_settings(session, identity.context))


@router.get(
    "",
    response_model=Envelope[list[QuoteListItem]],
    responses=problem_responses(401, 403, 422),
    summary="Quote versions, newest first; by `state` (repeat for several), `query_id` or "
    "`itinerary_id`; paged with `cursor`",
)
def list_quotes(
    identity: Who,
    session: Db,
    page: Paging,
    state: Annotated[
        list[QuoteState] | None, Query(description="Repeat for several: ?state=a&state=b")
    ] = None,
    query_id: uuid.UUID | None = None,
    itinerary_id: uuid.UUID | None = None,
) -> Response:
    found = services.list_quotes(
        session,
        identity.context,
        page=page,
        states=list(dict.fromkeys(state or [])),
        query_id=query_id,
        itinerary_id=itinerary_id,
    )
    return json_envelope(found.items, next_cursor=found.next_cursor, limit=page.limit)


@router.post(
    "",
    status_code=201,
    response_model=Envelope[QuoteVersionPublic],
    responses=WRITE,
    summary="A draft quote from a frozen itinerary version (its latest frozen one unless "
    "`itinerary_version`): lines, taxes and totals as frozen, the agency's defaults for the "
    "rest (404 when the itinerary was never frozen)",
)
def create_quote(body: QuoteCreate, request: Request, identity: Who, session: Db) -> Response:
    quote = services.create_quote(session, identity.context, data=body)
    return created_response(request, services.to_public(quote), location=f"/api/quotes/{quote.id}")


@router.get(
    "/{quote_id}",
    response_model=Envelope[QuoteVersionPublic],
    responses=READ,
    summary="A quote version: lines grouped as chosen, taxes by rule, totals, per person, the "
    "payment schedule and terms, with its ETag",
)
def read_quote(quote_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    return resource_response(request, _shown(session, identity, quote_id))


@router.patch(
    "/{quote_id}",
    response_model=Envelope[QuoteVersionPublic],
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    summary="Change a draft at the `row_version` you read (409 once sent or changed meanwhile)",
)
def update_quote(
    quote_id: uuid.UUID, body: QuotePatch, request: Request, identity: Who, session: Db
) -> Response:
    check_if_match(request, _shown(session, identity, quote_id))
    changes = QuoteUpdate.model_validate(
        body.model_dump(exclude={"row_version"}, exclude_unset=True)
    )
    services.update_quote(
        session, identity.context, quote_id=quote_id, row_version=body.row_version, data=changes
    )
    return resource_response(request, _shown(session, identity, quote_id))


@router.delete(
    "/{quote_id}",
    status_code=204,
    responses=WRITE,
    summary="Delete a draft (a sent version is kept: 409)",
)
def delete_quote(quote_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    check_if_match(request, _shown(session, identity, quote_id))
    services.delete_quote(session, identity.context, quote_id=quote_id)
    return Response(status_code=204)


@router.post(
    "/{quote_id}/send-email",
    response_model=Envelope[QuoteVersionPublic],
    responses=WRITE,
    summary="Send a draft to the customer: it can no longer change and its query becomes quoted",
)
def send_quote(
    quote_id: uuid.UUID, body: QuoteRowVersionIn, request: Request, identity: Who, session: Db
) -> Response:
    services.send_quote(session, identity.context, quote_id=quote_id, row_version=body.row_version)
    return resource_response(request, _shown(session, identity, quote_id))


@router.post(
    "/{quote_id}/approve",
    response_model=Envelope[QuoteVersionPublic],
    responses=WRITE,
    summary="Record the customer's acceptance of a sent version: its query is won",
)
def approve_quote(
    quote_id: uuid.UUID, body: QuoteRowVersionIn, request: Request, identity: Who, session: Db
) -> Response:
    services.accept_quote(
        session, identity.context, quote_id=quote_id, row_version=body.row_version
    )
    return resource_response(request, _shown(session, identity, quote_id))


@router.post(
    "/{quote_id}/reject",
    response_model=Envelope[QuoteVersionPublic],
    responses=WRITE,
    summary="Record that the customer declined a sent version (with their reason)",
)
def reject_quote(
    quote_id: uuid.UUID, body: DeclineIn, request: Request, identity: Who, session: Db
) -> Response:
    services.decline_quote(
        session,
        identity.context,
        quote_id=quote_id,
        row_version=body.row_version,
        reason=body.reason,
    )
    return resource_response(request, _shown(session, identity, quote_id))


@router.post(
    "/{quote_id}/revise",
    status_code=201,
    response_model=Envelope[QuoteVersionPublic],
    responses=WRITE,
    summary="The next version as a draft, from this one or from a newer freeze of the "
    "itinerary; a version waiting for the customer is superseded",
)
def revise_quote(
    quote_id: uuid.UUID, body: ReviseIn, request: Request, identity: Who, session: Db
) -> Response:
    revision = services.revise_quote(
        session,
        identity.context,
        quote_id=quote_id,
        row_version=body.row_version,
        from_latest_freeze=body.from_latest_freeze,
        itinerary_version=body.itinerary_version,
    )
    return created_response(
        request, services.to_public(revision), location=f"/api/quotes/{revision.id}"
    )


@router.get(
    "/{quote_id}/versions",
    response_model=Envelope[list[QuoteVersionPublic]],
    responses=READ,
    summary="Every version of this quote, the first first",
)
def quote_versions(quote_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    found = services.versions(session, identity.context, quote_id=quote_id)
    return envelope([services.to_public(q) for q in found])


@router.get(
    "/{quote_id}/compare",
    response_model=Envelope[Comparison],
    responses=READ,
    summary="This version beside another (`other_id`, else the one it was revised from): "
    "the lines, taxes, totals, schedule, validity and terms that differ",
)
def compare_quote(
    quote_id: uuid.UUID, identity: Who, session: Db, other_id: uuid.UUID | None = None
) -> dict[str, Any]:
    return envelope(
        services.compare(session, identity.context, quote_id=quote_id, other_id=other_id)
    )


@router.get(
    "/{quote_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **READ},
    summary="The branded PDF of this quote version (or `version` N of its number): cover, "
    "day pages, prices as grouped, taxes, per person, payment schedule and terms; stored "
    "once per version and reused (ETag)",
)
def quote_pdf(
    quote_id: uuid.UUID,
    request: Request,
    identity: Who,
    session: Db,
    version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> Response:
    found = documents.stored_quote_pdf(
        session, identity.context, quote_id=quote_id, version=version
    )
    return download(
        request,
        found.content,
        media_type=found.content_type,
        digest=found.checksum,
        filename=found.filename,
    )


# ---- the customer's proposal page -------------------------------------------------------------
# The customer's proposal page, the first customer-facing route (no sign-in; the link is the
# key): `GET /api/public/quotes/{token}` answers HTML only (the staff API has the figures as
# JSON), built on the server in the agency's branding; it reads and changes nothing. Its script
# posts the `viewed` beacon after load; the forms post `accept` and `decline` with a token bound
# to the link, and are answered with a redirect back to the page (or the page again with the
# messages at their fields). POSTs are counted per link and address like the public enquiry
# form (then 429). Photos of the day's services come through the link too, never through the
# staff routes. The token in the address is kept out of referrers and caches.

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


def _not_found(request: Request) -> HTMLResponse:
    if "text/html" not in request.headers.get("accept", ""):  # not a browser: a problem
        raise NotFoundError("This proposal link is not valid.")
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
    request: Request,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None,
    notice: str = "",
) -> HTMLResponse:
    try:
        parts = links.decode(token)
    except NotFoundError:
        return _not_found(request)
    nonce = secrets.token_urlsafe(16)
    with tenant_scope(proposal.agency(parts.tenant_id)) as session:
        try:
            opened = proposal.open_proposal(session, token)
        except NotFoundError:
            return _not_found(request)
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
def proposal_page(token: str, request: Request) -> HTMLResponse:
    return _page(token, request)


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
        raise NotFoundError("This proposal link is not valid.") from None
    refused = _count(request, token)
    if refused is not None:
        return Response(status_code=429, headers=_HEADERS)
    try:
        with tenant_scope(proposal.agency(parts.tenant_id)) as session:
            proposal.mark_viewed(session, token, csrf=csrf)
    except NotFoundError:
        raise NotFoundError("This proposal link is not valid.") from None
    return Response(status_code=204, headers=_HEADERS)


def _answered(token: str) -> RedirectResponse:
    return RedirectResponse(f"{links.PUBLIC_PATH}/{token}", status_code=303, headers=_HEADERS)


@public_router.post(
    "/{token}/accept",
    status_code=303,
    response_class=HTMLResponse,
    responses={
        409: {"description": "Answered, expired, withdrawn or replaced (a page says which)"},
        422: {"description": "The page again with the messages at their fields"},
    },
    summary="The customer accepts: name, email, consent and the extras ticked; back to the page",
    description="Answered with HTML: 303 back to the page; the page again with 422 (messages at "
    "their fields) or 409 (answered, expired, withdrawn, replaced); 404 for a link that is not "
    "valid; 429 after too many tries from one address.",
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
        return _not_found(request)
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
        return _page(token, request, status_code=422, errors=errors, values=values)
    except proposal.ProposalChangedError as exc:
        return _page(token, request, status_code=409, values=values, notice=exc.detail)
    except proposal.ProposalClosedError:
        return _page(token, request, status_code=409)
    except NotFoundError:
        return _not_found(request)
    return _answered(token)


@public_router.post(
    "/{token}/decline",
    status_code=303,
    response_class=HTMLResponse,
    responses={
        409: {"description": "Answered, expired, withdrawn or replaced (a page says which)"},
    },
    summary="The customer declines, with a reason if they like; back to the page",
    description="Answered with HTML: 303 back to the page; 409 when it can no longer be "
    "answered; 404 for a link that is not valid; 429 after too many tries from one address.",
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
        return _not_found(request)
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
        return _page(token, request, status_code=409)
    except NotFoundError:
        return _not_found(request)
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
        raise NotFoundError("This proposal link is not valid.") from None
    return Response(
        data, media_type=media_type, headers={**_HEADERS, "Cache-Control": "private, max-age=3600"}
    )


@public_router.get(
    "/{token}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}},
        404: {"description": "Not a valid link, or one withdrawn"},
    },
    summary="The branded PDF of the version the link shows (the email's PDF link)",
)
def proposal_pdf(token: str, request: Request) -> Response:
    try:
        parts = links.decode(token)
        acting = proposal.agency(parts.tenant_id)
        with tenant_scope(acting) as session:
            opened = proposal.open_proposal(session, token, document=False)
            if opened.status == proposal.Status.REVOKED:
                raise NotFoundError("This proposal link is not valid.")
            found = documents.stored_quote_pdf(session, acting, quote_id=opened.quote.id)
    except NotFoundError:
        raise NotFoundError("This proposal link is not valid.") from None
    response = download(
        request,
        found.content,
        media_type=found.content_type,
        digest=found.checksum,
        filename=found.filename,
    )
    response.headers.update({k: v for k, v in _HEADERS.items() if k != "Cache-Control"})
    return response

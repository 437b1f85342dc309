"""Quotes over REST: make one from a frozen itinerary version, list and read them, change or
delete a draft, send it (the query becomes quoted), record the customer's answer (accepted:
the query is won), revise it into the next version and compare versions side by side. Every
route works in the caller's agency; another agency's ids answer 404."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, json_envelope, problem_responses
from travelcrm.api.etag import (
    check_if_match,
    created_response,
    download,
    resource_response,
)
from travelcrm.api.pagination import Paging
from travelcrm.quotes import documents, services
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

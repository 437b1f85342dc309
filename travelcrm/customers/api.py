"""Customers over REST: search and page, create (409 with the matches when the email or phone is
already known), read with an ETag, change at the version read (409 when someone changed it
meanwhile), merge a duplicate, travellers, the timeline and possible duplicates. Every route
works in the caller's agency; another agency's ids answer 404."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, problem_responses
from travelcrm.api.etag import check_if_match, created_response, resource_response
from travelcrm.api.pagination import Paging
from travelcrm.api.routes import IfMatch
from travelcrm.core.fields import Country, Tag, Text100
from travelcrm.customers import services
from travelcrm.customers.schemas import (
    CustomerCreate,
    CustomerFilter,
    CustomerListItem,
    CustomerPublic,
    CustomerUpdate,
    DuplicateMatch,
    MergeIn,
    TravellerIn,
    TravellerPublic,
)
from travelcrm.timeline.schemas import TimelineItem

router = APIRouter(prefix="/api/customers", tags=["customers"])


# ---- customers --------------------------------------------------------------------------------


@router.get(
    "",
    response_model=Envelope[list[CustomerListItem]],
    responses=problem_responses(401, 403, 422),
    summary="Customers, newest first: search by name, email or phone; filter by tag or country",
)
def list_customers(
    identity: Who,
    session: Db,
    page: Paging,
    q: Annotated[
        Text100 | None,
        Query(description="Any part of the name, the start of the email, or 4+ phone digits"),
    ] = None,
    tag: Tag | None = None,
    country: Country | None = None,
) -> dict[str, Any]:
    filters = CustomerFilter(q=q, tag=tag, country=country)
    found = services.list_customers(session, identity.context, filters=filters, page=page)
    return envelope(found.items, next_cursor=found.next_cursor, limit=page.limit)


@router.post(
    "",
    status_code=201,
    response_model=Envelope[CustomerPublic],
    responses=problem_responses(401, 403, 409, 422),
    summary="Create a customer (409 `duplicate_customer` lists the matches in `matches`; "
    "send `allow_duplicate: true` to create anyway)",
)
def create_customer(body: CustomerCreate, request: Request, identity: Who, session: Db) -> Response:
    customer = services.create_customer(session, identity.context, data=body)
    return created_response(
        request, services.to_public(customer), location=f"/api/customers/{customer.id}"
    )


@router.get(
    "/{customer_id}",
    response_model=Envelope[CustomerPublic],
    responses=READ,
    summary="A customer, with its ETag (a merged one shows `merged_into_id`)",
)
def read_customer(customer_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    customer = services.get_customer(session, identity.context, customer_id=customer_id)
    return resource_response(request, services.to_public(customer))


@router.patch(
    "/{customer_id}",
    response_model=Envelope[CustomerPublic],
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    summary="Change a customer at the `row_version` you read (409 `version_conflict` when "
    "someone changed it meanwhile)",
)
def update_customer(
    customer_id: uuid.UUID,
    body: CustomerUpdate,
    request: Request,
    identity: Who,
    session: Db,
    if_match: IfMatch = None,
) -> Response:
    current = services.get_customer(session, identity.context, customer_id=customer_id)
    check_if_match(request, services.to_public(current))
    customer = services.update_customer(
        session, identity.context, customer_id=customer_id, data=body
    )
    return resource_response(request, services.to_public(customer))


@router.post(
    "/{customer_id}/merge",
    response_model=Envelope[CustomerPublic],
    responses=WRITE,
    summary="Merge `duplicate_id` into this customer: its queries, travellers and timeline "
    "move over; it is kept, marked merged (managers)",
)
def merge_customer(
    customer_id: uuid.UUID, body: MergeIn, request: Request, identity: Who, session: Db
) -> Response:
    customer = services.merge_customers(
        session,
        identity.context,
        keep_id=customer_id,
        duplicate_id=body.duplicate_id,
        row_version=body.row_version,
    )
    return resource_response(request, services.to_public(customer))


@router.get(
    "/{customer_id}/duplicates",
    response_model=Envelope[list[DuplicateMatch]],
    responses=READ,
    summary="Other customers with this customer's email or phone (merge candidates)",
)
def customer_duplicates(customer_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    customer = services.get_customer(session, identity.context, customer_id=customer_id)
    matches = services.find_duplicates(
        session,
        identity.context,
        email=customer.email,
        phones=[p for p in (customer.phone, customer.alt_phone) if p],
        exclude=customer.id,
    )
    return envelope(matches)


@router.get(
    "/{customer_id}/timeline",
    response_model=Envelope[list[TimelineItem]],
    responses=READ,
    summary="The customer's timeline, newest first (notes, merges)",
)
def customer_timeline(customer_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(services.customer_timeline(session, identity.context, customer_id=customer_id))


# ---- travellers -------------------------------------------------------------------------------


@router.get(
    "/{customer_id}/travellers",
    response_model=Envelope[list[TravellerPublic]],
    responses=READ,
    summary="The people who travel with this customer",
)
def list_travellers(customer_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(services.list_travellers(session, identity.context, customer_id=customer_id))


@router.post(
    "/{customer_id}/travellers",
    status_code=201,
    response_model=Envelope[TravellerPublic],
    responses=WRITE,
    summary="Add a traveller (a date of birth cannot be in the future)",
)
def add_traveller(
    customer_id: uuid.UUID, body: TravellerIn, identity: Who, session: Db
) -> dict[str, Any]:
    traveller = services.add_traveller(
        session, identity.context, customer_id=customer_id, data=body
    )
    return envelope(TravellerPublic.model_validate(traveller, from_attributes=True))


@router.delete(
    "/{customer_id}/travellers/{traveller_id}",
    status_code=204,
    responses=READ,
    summary="Remove a traveller",
)
def remove_traveller(
    customer_id: uuid.UUID, traveller_id: uuid.UUID, identity: Who, session: Db
) -> Response:
    services.remove_traveller(
        session, identity.context, customer_id=customer_id, traveller_id=traveller_id
    )
    return Response(status_code=204)

"""Queries over REST: capture (idempotent on `external_ref`), the list with filters and saved
views, read, move through the pipeline at the version read, assign, notes, the timeline, the
workload, the agency's query settings and lost reasons, agents' assignment profiles; inbound
email (the raw .eml as the body) and the public enquiry form of an agency's portal page.

Every route works in the caller's agency: another agency's ids answer 404, and so does a
colleague's query an agent may not see.

Captures answer 201 with the new query, or 200 with the same body when the `external_ref` (for
an email: its Message-ID) was already used on that channel, so a retry never makes a second
query.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic import ValidationError as PydanticValidationError

from travelcrm.api.auth import (
    Db,
    TenantWork,
    Who,
    tenant_work,
)
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, json_envelope, problem_responses
from travelcrm.api.etag import created_response, resource_response
from travelcrm.api.pagination import Paging
from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
)
from travelcrm.core.fields import HAS_TEXT, Email, Name, Phone, Text100, Text5000
from travelcrm.core.permissions import Action, Role, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.text import clean_text
from travelcrm.core.throttle import LockedOutError, Throttle
from travelcrm.db import system_scope, tenant_scope
from travelcrm.queries import services
from travelcrm.queries.inbound import (
    MAX_EMAIL_BYTES,
)
from travelcrm.queries.machine import QueryChannel, QueryStatus
from travelcrm.queries.models import QuerySettings
from travelcrm.queries.schemas import (
    AgentProfileIn,
    AssignIn,
    ContactIn,
    Month,
    QueryCreate,
    QueryFilter,
    QueryListItem,
    QueryPublic,
    QuerySettingsIn,
    QuerySort,
    TransitionIn,
    WorkloadRow,
)
from travelcrm.queries.sla import Priority
from travelcrm.tenants.services import AgencySuspendedError, agency_by_slug
from travelcrm.timeline import services as timeline
from travelcrm.timeline.schemas import NoteIn, TimelineItem

router = APIRouter(prefix="/api", tags=["queries"])
public_router = APIRouter(prefix="/api/public", tags=["public"])

SAME_QUERY: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The `external_ref` was already used: the earlier query",
        "model": Envelope[QueryPublic],
    }
}
EMAIL_MEDIA_TYPES = ("message/rfc822", "application/octet-stream")  # the raw .eml either way
SLUG = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


def _trimmed(value: str) -> str:
    return value.strip(" \t\r\n")


def _single_spaced(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("give some words")
    return value


Destination = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=HAS_TEXT),
    AfterValidator(clean_text),
    AfterValidator(_trimmed),
]
ReasonLabel = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=HAS_TEXT),
    AfterValidator(clean_text),
    AfterValidator(_single_spaced),
]


Nights = Annotated[int, Field(ge=1, le=90)]
Honeypot = Annotated[str, Field(max_length=500)]


def _form_schema(kind: Any) -> WithJsonSchema:
    """An optional form field is documented as its value alone (a form has no null), and
    validated as optional, so a refusal names the field as sent."""
    return WithJsonSchema(TypeAdapter(kind).json_schema())


class LostReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: ReasonLabel


class AgentProfilePublic(BaseModel):
    user_id: uuid.UUID
    skills: list[str]
    workload_cap: int
    on_leave_until: date | None


class PortalEnquiry(BaseModel):
    """The enquiry form of an agency's portal page. Give an email or a phone, and the dates or
    a month (with nights). `website` is a honeypot: people leave it empty (it is hidden)."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    email: Annotated[Email | None, _form_schema(Email)] = None
    phone: Annotated[Phone | None, _form_schema(Phone)] = None
    destination: Destination
    start_date: Annotated[date | None, _form_schema(date)] = None
    end_date: Annotated[date | None, _form_schema(date)] = None
    travel_month: Annotated[Month | None, _form_schema(Month)] = None
    nights: Annotated[Nights | None, _form_schema(Nights)] = None
    travellers: int = Field(default=1, ge=1, le=99)
    message: Annotated[Text5000 | None, _form_schema(Text5000)] = None
    website: Annotated[Honeypot | None, _form_schema(Honeypot)] = None


class EnquiryReceived(BaseModel):
    received: bool
    message: str


class EnquiryRateLimitedError(DomainError):
    code = "rate_limited"
    status = 429
    title = "Too many enquiries"


class UnsupportedEmailTypeError(DomainError):
    code = "unsupported_media_type"
    status = 415
    title = "Unsupported media type"


class ExternalRefTakenError(ConflictError):
    code = "external_ref_taken"


# ---- helpers ----------------------------------------------------------------------------------


def _captured(request: Request, query: QueryPublic, created: bool) -> Response:
    """201 with Location for a new query; 200 with the same body for an earlier one."""
    return created_response(
        request, query, location=f"/api/queries/{query.id}", status_code=201 if created else 200
    )


def _capture(
    ctx: TenantContext, data: QueryCreate, channel: QueryChannel
) -> tuple[QueryPublic, bool]:
    """Create the query in its own unit of work. Two deliveries of the same `external_ref` at
    once: the service takes the query number first, so the second waits for the first and then
    finds its query (and answers it, 200)."""
    with tenant_scope(ctx) as session:
        query, created = services.create_query(session, ctx, data=data, channel=channel)
        if not created:
            try:  # an earlier query the caller may not see is not shown to them
                services.get_query(session, ctx, query_id=query.id)
            except NotFoundError:
                raise ExternalRefTakenError(
                    "This external_ref was already used for a query you cannot see.",
                    errors=[FieldError("external_ref", "already used", "taken")],
                ) from None
        return services.to_public(session, ctx, query), created


def _rename(error: ValidationFailedError, names: Mapping[str, str]) -> ValidationFailedError:
    """The same refusal, with its fields named as the caller sent them."""
    errors = [
        FieldError(names.get(e.field, e.field), e.message, e.code, e.row) for e in error.errors
    ]
    if not errors:
        return error
    detail = "The enquiry has problems: " + "; ".join(f"{e.field} {e.message}" for e in errors)
    return ValidationFailedError(detail + ".", errors=errors, extra=error.extra)


def _from_pydantic(exc: PydanticValidationError) -> ValidationFailedError:
    errors = [
        FieldError(".".join(str(p) for p in err["loc"]) or "body", err["msg"], err["type"])
        for err in exc.errors()
    ]
    names = ", ".join(sorted({e.field for e in errors}))
    return ValidationFailedError(f"The request has invalid fields: {names}.", errors=errors)


# ---- capture and list -------------------------------------------------------------------------


@router.post(
    "/queries",
    status_code=201,
    response_model=Envelope[QueryPublic],
    responses={**SAME_QUERY, **problem_responses(401, 403, 404, 409, 422)},
    summary="Capture a query (channel `api`): 201 when created, 200 with the earlier query "
    "when this `external_ref` was already used",
)
def create_query(body: QueryCreate, request: Request, identity: Who) -> Response:
    query, created = _capture(identity.context, body, QueryChannel.API)
    return _captured(request, query, created)


@router.get(
    "/queries",
    response_model=Envelope[list[QueryListItem]],
    responses=problem_responses(401, 403, 422),
    summary="Queries, newest first or by urgency, filtered (agents see their own and "
    "unassigned ones unless the agency lets them see all)",
)
async def list_queries(
    work: Annotated[TenantWork, Depends(tenant_work)],
    page: Paging,
    status: Annotated[
        list[QueryStatus] | None, Query(description="Repeat for several: ?status=a&status=b")
    ] = None,
    assigned: Annotated[
        Literal["me", "unassigned"] | uuid.UUID | None,
        Query(description='"me", "unassigned" or a member\'s user id'),
    ] = None,
    source: QueryChannel | None = None,
    priority: Priority | None = None,
    breaching: Annotated[bool, Query(description="Only those past their reply time")] = False,
    open_only: bool = False,
    customer_id: uuid.UUID | None = None,
    q: Annotated[
        Text100 | None, Query(description="In the title or the customer's name, or Q-1042")
    ] = None,
    view: Annotated[
        Literal["my_open", "breaching", "unassigned"] | None,
        Query(description="A saved filter"),
    ] = None,
    sort: Annotated[
        QuerySort,
        Query(description='"newest" first, or by "urgency": the reply due soonest first'),
    ] = "newest",
) -> Response:
    filters = QueryFilter(
        status=list(dict.fromkeys(status or [])),
        assigned=assigned,
        source=source,
        priority=priority,
        breaching=breaching,
        open_only=open_only,
        customer_id=customer_id,
        q=q,
        view=view,
    )
    found = await work.run(
        lambda session, ctx: services.list_queries(
            session, ctx, filters=filters, page=page, sort=sort
        )
    )
    return json_envelope(found.items, next_cursor=found.next_cursor, limit=page.limit)


# ---- inbound email ----------------------------------------------------------------------------

_EMAIL_BODY = {
    "requestBody": {
        "required": True,
        "description": f"The raw email (.eml), up to {MAX_EMAIL_BYTES // (1024 * 1024)} MB",
        "content": {
            media_type: {"schema": {"type": "string", "format": "binary"}}
            for media_type in EMAIL_MEDIA_TYPES
        },
    }
}


async def _read_email(request: Request) -> bytes:
    """The body, refused by its Content-Length before it is read, and by counting while it is
    read when the length is not given."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type not in EMAIL_MEDIA_TYPES:
        raise UnsupportedEmailTypeError(
            f"Send the raw email as the body with Content-Type {EMAIL_MEDIA_TYPES[0]}."
        )
    limit = f"{MAX_EMAIL_BYTES // (1024 * 1024)} MB"
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_EMAIL_BYTES:
        raise services.EmailTooLargeError(f"The email is over the {limit} limit.")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_EMAIL_BYTES:
            raise services.EmailTooLargeError(f"The email is over the {limit} limit.")
    return bytes(raw)


@router.post(
    "/queries/inbound-email",
    status_code=201,
    response_model=Envelope[QueryPublic],
    responses={**SAME_QUERY, **problem_responses(401, 403, 413, 415, 422)},
    openapi_extra=_EMAIL_BODY,
    summary="A query from an enquiry email (the raw .eml as the body, message/rfc822, up to "
    "10 MB): 201, or 200 with the earlier query when this Message-ID was already received",
)
async def inbound_email(request: Request, identity: Who) -> Response:
    require(identity.context, Action.QUERIES_EDIT)
    raw = await _read_email(request)

    def run() -> tuple[QueryPublic, bool]:
        try:
            data = services.query_from_email(raw)
        except PydanticValidationError as exc:
            raise _from_pydantic(exc) from None
        return _capture(identity.context, data, QueryChannel.EMAIL)

    query, created = await run_in_threadpool(run)
    return _captured(request, query, created)


# ---- workload, settings, lost reasons ---------------------------------------------------------


@router.get(
    "/queries/workload",
    response_model=Envelope[list[WorkloadRow]],
    responses=problem_responses(401, 403),
    summary="Per agent: open queries, how many breach their SLA, the oldest waiting (managers)",
)
def workload(identity: Who, session: Db) -> dict[str, Any]:
    return envelope(services.workload(session, identity.context))


def _settings_public(settings: QuerySettings) -> QuerySettingsIn:
    return QuerySettingsIn.model_validate(
        {
            "assignment_rule": settings.assignment_rule,
            "agents_see_all": settings.agents_see_all,
            "working_days": settings.working_days,
            "opens": settings.opens,
            "closes": settings.closes,
            "holidays": settings.holidays,
            "first_response_hours": settings.first_response_hours,
            "follow_up_hours": settings.follow_up_hours,
        }
    )


@router.get(
    "/queries/settings",
    response_model=Envelope[QuerySettingsIn],
    responses=problem_responses(401, 403),
    summary="The agency's query rules: assignment, visibility, business hours, SLA targets "
    "(managers; empty targets mean the defaults)",
)
def read_settings(identity: Who, session: Db) -> dict[str, Any]:
    require(identity.context, Action.QUERIES_SETTINGS)
    return envelope(_settings_public(services.query_settings(session, identity.context)))


@router.put(
    "/queries/settings",
    response_model=Envelope[QuerySettingsIn],
    responses=problem_responses(401, 403, 422),
    summary="Replace the agency's query rules (managers)",
)
def update_settings(body: QuerySettingsIn, identity: Who, session: Db) -> dict[str, Any]:
    settings = services.update_settings(session, identity.context, data=body)
    return envelope(_settings_public(settings))


@router.get(
    "/queries/lost-reasons",
    response_model=Envelope[list[str]],
    responses=problem_responses(401, 403),
    summary="The agency's reasons a query can be lost for (moving to `lost` needs one)",
)
def list_lost_reasons(identity: Who, session: Db) -> dict[str, Any]:
    require(identity.context, Action.QUERIES_VIEW)
    return envelope(services.lost_reasons(session, identity.context))


@router.post(
    "/queries/lost-reasons",
    response_model=Envelope[list[str]],
    responses=problem_responses(401, 403, 422),
    summary="Add a lost reason (a retired one is brought back); answers the list (managers)",
)
def add_lost_reason(body: LostReasonIn, identity: Who, session: Db) -> dict[str, Any]:
    services.add_lost_reason(session, identity.context, label=body.label)
    return envelope(services.lost_reasons(session, identity.context))


@router.put(
    "/agents/{user_id}/profile",
    response_model=Envelope[AgentProfilePublic],
    responses=WRITE,
    summary="An agent's assignment profile: skills, workload cap, leave (managers)",
)
def put_agent_profile(
    user_id: uuid.UUID, body: AgentProfileIn, identity: Who, session: Db
) -> dict[str, Any]:
    profile = services.set_agent_profile(session, identity.context, user_id=user_id, data=body)
    return envelope(
        AgentProfilePublic(
            user_id=profile.user_id,
            skills=profile.skills,
            workload_cap=profile.workload_cap,
            on_leave_until=profile.on_leave_until,
        )
    )


# ---- one query --------------------------------------------------------------------------------


@router.get(
    "/queries/{query_id:uuid}",
    response_model=Envelope[QueryPublic],
    responses=READ,
    summary="A query, with its SLA clock and the statuses it may move to (`allowed_next`)",
)
def read_query(query_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    query = services.get_query(session, identity.context, query_id=query_id)
    return resource_response(request, services.to_public(session, identity.context, query))


@router.post(
    "/queries/{query_id:uuid}/transition",
    response_model=Envelope[QueryPublic],
    responses=WRITE,
    summary="Move the query at the `row_version` you read (409 `transition_not_allowed` lists "
    "`allowed`; 409 `version_conflict` when someone moved it meanwhile)",
)
def transition(
    query_id: uuid.UUID, body: TransitionIn, request: Request, identity: Who, session: Db
) -> Response:
    query = services.transition(
        session,
        identity.context,
        query_id=query_id,
        to=body.to,
        row_version=body.row_version,
        reason=body.reason,
    )
    return resource_response(request, services.to_public(session, identity.context, query))


@router.post(
    "/queries/{query_id:uuid}/assign",
    response_model=Envelope[QueryPublic],
    responses=WRITE,
    summary="Give the query to a colleague (managers)",
)
def assign(
    query_id: uuid.UUID, body: AssignIn, request: Request, identity: Who, session: Db
) -> Response:
    query = services.reassign(
        session,
        identity.context,
        query_id=query_id,
        user_id=body.user_id,
        row_version=body.row_version,
    )
    return resource_response(request, services.to_public(session, identity.context, query))


@router.post(
    "/queries/{query_id:uuid}/notes",
    status_code=201,
    response_model=Envelope[TimelineItem],
    responses=WRITE,
    summary="A note, or a logged call or email (`@Name` tells that colleague; "
    "`counts_as_reply` answers the SLA)",
)
def add_note(query_id: uuid.UUID, body: NoteIn, identity: Who, session: Db) -> dict[str, Any]:
    event = services.add_note(session, identity.context, query_id=query_id, data=body)
    return envelope(timeline.item(event, identity.user.name))


@router.get(
    "/queries/{query_id:uuid}/timeline",
    response_model=Envelope[list[TimelineItem]],
    responses=READ,
    summary="The query's timeline, newest first: notes, calls, status changes, assignments",
)
def query_timeline(query_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(services.query_timeline(session, identity.context, query_id=query_id))


# ---- the public enquiry form ------------------------------------------------------------------

_FORM_FIELDS = {
    "adults": "travellers",
    "contact": "email",
    "contact.email": "email",
    "contact.phone": "phone",
    "destinations": "destination",
    "notes": "message",
}


def _portal_agency(slug: str, ip: str | None) -> uuid.UUID:
    """The agency behind the portal page (unknown and suspended ones alike: 404), after
    counting the enquiry against the sender's address (a few per window, then 429)."""
    with system_scope() as session:
        try:
            tenant = agency_by_slug(session, slug=slug)
        except (NotFoundError, AgencySuspendedError):
            raise NotFoundError("There is no agency taking enquiries at this address.") from None
        try:  # every enquiry counts, before anything else is done with it
            Throttle(session, "enquiry", slug, ip).attempt()
        except LockedOutError as exc:
            minutes = max(1, -(-exc.retry_after // 60))
            raise EnquiryRateLimitedError(
                f"Too many enquiries from your address; try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                extra={"retry_after_seconds": exc.retry_after},
            ) from None
        return tenant.id


def _portal_query(form: PortalEnquiry) -> QueryCreate:
    try:
        return QueryCreate(
            contact=ContactIn(name=form.name, email=form.email, phone=form.phone),
            destinations=[form.destination],
            start_date=form.start_date,
            end_date=form.end_date,
            travel_month=form.travel_month,
            nights=form.nights,
            adults=form.travellers,
            notes=form.message,
        )
    except PydanticValidationError as exc:
        raise _rename(_from_pydantic(exc), _FORM_FIELDS) from None


@public_router.post(
    "/{agency_slug}/enquiries",
    status_code=202,
    response_model=Envelope[EnquiryReceived],
    responses=problem_responses(404, 422, 429),
    summary="Send an enquiry to an agency from its portal page (no sign-in; a few per address "
    "per window, then 429 with Retry-After)",
)
def submit_enquiry(
    agency_slug: SLUG, form: Annotated[PortalEnquiry, Form()], request: Request
) -> JSONResponse:
    tenant_id = _portal_agency(agency_slug, request.client.host if request.client else None)
    received = EnquiryReceived(
        received=True, message="Thank you! The agency will get back to you soon."
    )
    if form.website:  # the honeypot: a bot filled the hidden field; it is told nothing
        return JSONResponse(envelope(received.model_dump()), status_code=202)
    ctx = TenantContext(tenant_id, None, Role.OWNER)  # the system, acting for the agency
    try:
        _capture(ctx, _portal_query(form), QueryChannel.PORTAL)
    except ValidationFailedError as exc:
        raise _rename(exc, _FORM_FIELDS) from None
    return JSONResponse(envelope(received.model_dump()), status_code=202)

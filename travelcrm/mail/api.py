"""The agency's email over REST: templates (list, add, change at the version read, preview
with sample values), the emails sent (the queue, every message, the delivery log), the
suppressed addresses (list, clear); and the public tracking routes the emails themselves
call (the open pixel, the signed click redirect). Another agency's ids answer 404."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, problem_responses
from travelcrm.api.etag import check_if_match, created_response, resource_response
from travelcrm.api.pagination import Paging
from travelcrm.core.errors import NotFoundError
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.mail import sending, templates, tracking
from travelcrm.mail.models import EmailEvent, EmailMessageRow, EmailSuppression
from travelcrm.mail.schemas import (
    EmailEventPublic,
    EmailPublic,
    PreviewIn,
    PreviewPublic,
    SuppressionPublic,
    TemplateIn,
    TemplatePatch,
    TemplatePublic,
    TemplateUpdate,
)

templates_router = APIRouter(prefix="/api/email-templates", tags=["email"])
emails_router = APIRouter(prefix="/api/emails", tags=["email"])
tracking_router = APIRouter(prefix="/api/public/mail", tags=["public"])


def email_public(row: EmailMessageRow) -> EmailPublic:
    return EmailPublic.model_validate(row.model_dump())


def event_public(row: EmailEvent) -> EmailEventPublic:
    return EmailEventPublic.model_validate({**row.model_dump(), "message_id": row.message_ref})


def suppression_public(row: EmailSuppression) -> SuppressionPublic:
    return SuppressionPublic.model_validate(row.model_dump())


# ---- templates -----------------------------------------------------------------------------------


@templates_router.get(
    "",
    response_model=Envelope[list[TemplatePublic]],
    responses=problem_responses(401, 403),
    summary="The agency's email templates: the standard kinds first, then its own",
)
def list_templates(identity: Who, session: Db) -> dict[str, Any]:
    rows = templates.list_templates(session, identity.context)
    return envelope([templates.to_public(row) for row in rows])


@templates_router.post(
    "",
    status_code=201,
    response_model=Envelope[TemplatePublic],
    responses=WRITE,
    summary="A template of the agency's own kind (unknown variables refused, each named)",
)
def add_template(body: TemplateIn, request: Request, identity: Who, session: Db) -> Response:
    row = templates.add_template(session, identity.context, data=body)
    return created_response(
        request, templates.to_public(row), location=f"/api/email-templates/{row.id}"
    )


@templates_router.get(
    "/{template_id}",
    response_model=Envelope[TemplatePublic],
    responses=READ,
    summary="A template with its variables and ETag",
)
def read_template(template_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    row = templates.get_template(session, identity.context, template_id=template_id)
    return resource_response(request, templates.to_public(row))


@templates_router.patch(
    "/{template_id}",
    response_model=Envelope[TemplatePublic],
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    summary="Change a template at the `row_version` you read (unknown variables refused, "
    "each named at its field with the closest known one)",
)
def update_template(
    template_id: uuid.UUID, body: TemplatePatch, request: Request, identity: Who, session: Db
) -> Response:
    current = templates.get_template(session, identity.context, template_id=template_id)
    check_if_match(request, templates.to_public(current))
    changes = TemplateUpdate.model_validate(
        body.model_dump(exclude={"row_version"}, exclude_unset=True)
    )
    row = templates.update_template(
        session,
        identity.context,
        template_id=template_id,
        row_version=body.row_version,
        data=changes,
    )
    return resource_response(request, templates.to_public(row))


@templates_router.post(
    "/{template_id}/preview",
    response_model=Envelope[PreviewPublic],
    responses=problem_responses(401, 403, 404, 422),
    summary="The template (or unsaved texts) rendered with sample values; nothing is saved",
)
def preview_template(
    template_id: uuid.UUID, body: PreviewIn, identity: Who, session: Db
) -> dict[str, Any]:
    shown = templates.preview(session, identity.context, template_id=template_id, data=body)
    return envelope(shown)


# ---- emails, the delivery log, suppressions ------------------------------------------------------


@emails_router.get(
    "",
    response_model=Envelope[list[EmailPublic]],
    responses=problem_responses(401, 403, 422),
    summary="The agency's emails, newest first",
)
def list_emails(identity: Who, session: Db, paging: Paging) -> dict[str, Any]:
    rows, next_cursor = sending.list_messages(session, identity.context, params=paging)
    return envelope([email_public(r) for r in rows], next_cursor=next_cursor, limit=paging.limit)


@emails_router.get(
    "/queue",
    response_model=Envelope[list[EmailPublic]],
    responses=problem_responses(401, 403, 422),
    summary="Emails waiting to be sent or being sent, newest first",
)
def email_queue(identity: Who, session: Db, paging: Paging) -> dict[str, Any]:
    rows, next_cursor = sending.list_messages(
        session, identity.context, params=paging, states=sending.QUEUE_STATES
    )
    return envelope([email_public(r) for r in rows], next_cursor=next_cursor, limit=paging.limit)


@emails_router.get(
    "/logs",
    response_model=Envelope[list[EmailEventPublic]],
    responses=problem_responses(401, 403, 404, 422),
    summary="The delivery log (queued, sent, failed, bounced, opened, clicked) with the "
    "server's answers, newest first; of one email with `message_id`",
)
def email_logs(
    identity: Who,
    session: Db,
    message_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> dict[str, Any]:
    rows = sending.list_events(session, identity.context, message_id=message_id, limit=limit)
    return envelope([event_public(r) for r in rows], limit=limit)


@emails_router.get(
    "/suppressions",
    response_model=Envelope[list[SuppressionPublic]],
    responses=problem_responses(401, 403),
    summary="Addresses not mailed (their server refused them for good) until cleared",
)
def list_suppressions(identity: Who, session: Db) -> dict[str, Any]:
    rows = sending.list_suppressions(session, identity.context)
    return envelope([suppression_public(r) for r in rows])


@emails_router.delete(
    "/suppressions/{suppression_id}",
    status_code=204,
    responses=WRITE,
    summary="Clear a suppressed address: mail may go to it again",
)
def clear_suppression(suppression_id: uuid.UUID, identity: Who, session: Db) -> Response:
    sending.clear_suppression(session, identity.context, suppression_id=suppression_id)
    return Response(status_code=204)


@emails_router.get(
    "/{message_id}",
    response_model=Envelope[EmailPublic],
    responses=READ,
    summary="One email: its state, Message-ID, tries and the server's last answer",
)
def read_email(message_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    row = sending.get_message(session, identity.context, message_id=message_id)
    return resource_response(request, email_public(row))


# ---- public tracking -----------------------------------------------------------------------------

_NO_STORE = {"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"}


def _agency(tenant_id: uuid.UUID) -> TenantContext:
    return TenantContext(tenant_id, None, Role.CUSTOMER)  # the reader: no staff rights


@tracking_router.get(
    "/open/{token}.gif",
    responses={200: {"content": {"image/gif": {}}, "description": "A transparent pixel"}},
    summary="The open pixel of an email (a privacy proxy's prefetch is logged, not counted)",
)
def open_pixel(token: str, request: Request) -> Response:
    try:
        tenant_id, message_id = tracking.read_token(token, purpose="open")
    except tracking.BadTokenError:
        tenant_id = None
    if tenant_id is not None:
        with tenant_scope(_agency(tenant_id)) as session:
            sending.record_open(
                session, message_id=message_id, user_agent=request.headers.get("user-agent")
            )
    return Response(tracking.PIXEL, media_type="image/gif", headers=_NO_STORE)


@tracking_router.get(
    "/click/{token}",
    status_code=302,
    responses=problem_responses(404),
    summary="A tracked link: on to the target when it is one of that email's links, else 404",
)
def click(token: str, request: Request, u: Annotated[str, Query(max_length=2000)]) -> Response:
    try:
        tenant_id, message_id = tracking.read_token(token, purpose="click", extra=u)
    except tracking.BadTokenError:
        raise NotFoundError("This link is not valid.") from None
    with tenant_scope(_agency(tenant_id)) as session:
        target = sending.record_click(
            session, message_id=message_id, url=u, user_agent=request.headers.get("user-agent")
        )
    if target is None:
        raise NotFoundError("This link is not valid.")
    return RedirectResponse(target, status_code=302, headers=_NO_STORE)

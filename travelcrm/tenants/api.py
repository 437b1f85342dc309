"""The caller's agency settings and branding (ETag on read, If-Match on update)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlmodel import Session

from travelcrm.api.auth import Identity, current_identity, tenant_session
from travelcrm.api.envelope import Envelope, problem_responses
from travelcrm.api.etag import check_if_match, resource_response
from travelcrm.tenants import services
from travelcrm.tenants.schemas import TenantSettings, TenantSettingsUpdate

router = APIRouter(prefix="/api/tenant", tags=["tenant"])


@router.get(
    "/settings",
    response_model=Envelope[TenantSettings],
    responses=problem_responses(401, 403),
    summary="The agency's settings and branding",
)
def read_settings(
    request: Request,
    identity: Annotated[Identity, Depends(current_identity)],
    session: Annotated[Session, Depends(tenant_session)],
) -> Response:
    current = services.get_tenant_settings(session, identity.context)
    return resource_response(request, current.model_dump(mode="json"))


@router.patch(
    "/settings",
    response_model=Envelope[TenantSettings],
    responses=problem_responses(401, 403, 412, 422),
    summary="Change settings (send the ETag you read as If-Match)",
)
def update_settings(
    body: TenantSettingsUpdate,
    request: Request,
    identity: Annotated[Identity, Depends(current_identity)],
    session: Annotated[Session, Depends(tenant_session)],
) -> Response:
    current = services.get_tenant_settings(session, identity.context)
    check_if_match(request, current.model_dump(mode="json"))
    updated = services.update_tenant_settings(session, identity.context, data=body)
    return resource_response(request, updated.model_dump(mode="json"))

"""The caller's agency settings and branding (ETag on read, If-Match on update)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.api.etag import check_if_match, conditional_bytes, resource_response
from travelcrm.core.errors import NotFoundError
from travelcrm.db import enter_tenant, system_scope, tenant_scope
from travelcrm.tenants import services
from travelcrm.tenants.schemas import AgencyBrand, TenantSettings, TenantSettingsUpdate

UPLOAD_LIMIT = 5 * 1024 * 1024

router = APIRouter(prefix="/api/tenant", tags=["tenant"])


@router.get(
    "/settings",
    response_model=Envelope[TenantSettings],
    responses=problem_responses(401, 403),
    summary="The agency's settings and branding",
)
def read_settings(
    request: Request,
    identity: Who,
    session: Db,
) -> Response:
    current = services.get_tenant_settings(session, identity.context)
    return resource_response(request, current)


@router.patch(
    "/settings",
    response_model=Envelope[TenantSettings],
    responses=problem_responses(401, 403, 412, 422),
    summary="Change settings (send the ETag you read as If-Match)",
)
def update_settings(
    body: TenantSettingsUpdate,
    request: Request,
    identity: Who,
    session: Db,
) -> Response:
    current = services.get_tenant_settings(session, identity.context)
    check_if_match(request, current)
    updated = services.update_tenant_settings(session, identity.context, data=body)
    return resource_response(request, updated)


@router.put(
    "/logo",
    response_model=Envelope[AgencyBrand],
    responses=problem_responses(401, 403, 422),
    summary="Upload the agency logo: PNG, JPEG or WebP up to 5 MB (fit to 400x160, no metadata)",
)
async def put_logo(
    file: UploadFile,
    identity: Who,
) -> dict[str, Any]:
    data = await file.read(UPLOAD_LIMIT + 1)

    def run() -> AgencyBrand:
        with tenant_scope(identity.context) as session:
            services.set_logo(session, identity.context, data=data, filename=file.filename)
            return services.brand_of(session, services.own_tenant(session, identity.context))

    return envelope(await run_in_threadpool(run))


@router.delete("/logo", status_code=204, responses=problem_responses(401, 403))
def delete_logo(
    identity: Who,
    session: Db,
) -> Response:
    services.remove_logo(session, identity.context)
    return Response(status_code=204)


public_router = APIRouter(prefix="/api/agencies", tags=["agencies"])
SLUG = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


@public_router.get(
    "/{slug}",
    response_model=Envelope[AgencyBrand],
    responses=problem_responses(403, 404),
    summary="An agency's public branding (name, colour, logo) for its sign-in page",
)
def agency_brand(slug: SLUG) -> dict[str, Any]:
    with system_scope() as session:
        tenant = services.agency_by_slug(session, slug=slug)
        enter_tenant(session, tenant.id)
        return envelope(services.brand_of(session, tenant))


@public_router.get(
    "/{slug}/logo",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **problem_responses(403, 404)},
    summary="An agency's logo",
)
def agency_logo(slug: SLUG, request: Request) -> Response:
    with system_scope() as session:
        tenant = services.agency_by_slug(session, slug=slug)
        enter_tenant(session, tenant.id)
        logo = services.logo_of(session)
        if logo is None:
            raise NotFoundError(f"{tenant.name} has no logo.")
        return conditional_bytes(
            request,
            logo.content,
            media_type=logo.content_type,
            digest=logo.sha256,
            cache_control="public, max-age=300",
        )

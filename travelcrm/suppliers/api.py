"""Suppliers over REST: list (search, filters, sort, pages), create, read with an ETag, update
with If-Match (required), delete-or-archive, contacts, services, their content (description,
highlights, photos) and bank details."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from travelcrm.api.auth import Db, Identity, TenantWork, Who, tenant_work
from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.api.etag import (
    check_if_match,
    conditional_bytes,
    created_response,
    resource_response,
)
from travelcrm.api.routes import IfMatch, RequiredIfMatch, client_of, one_value_each
from travelcrm.core.errors import DomainError, FieldError
from travelcrm.core.images import PHOTO_MAX_UPLOAD_BYTES
from travelcrm.core.permissions import Action, require
from travelcrm.core.text import CleanStr
from travelcrm.db import Session
from travelcrm.settings import get_settings
from travelcrm.suppliers import content, services
from travelcrm.suppliers.models import SupplierKind
from travelcrm.suppliers.schemas import (
    BankDetailsIn,
    BankDetailsPublic,
    BankHint,
    Caption,
    ContactIn,
    ContactPublic,
    ContactUpdate,
    ContentIn,
    FilterStatus,
    PhotoPublic,
    PhotoSize,
    PhotoUpdate,
    RateListSummary,
    ServiceContentPublic,
    ServiceIn,
    ServicePublic,
    ServiceUpdate,
    SortKey,
    SupplierCreate,
    SupplierDeleted,
    SupplierFilter,
    SupplierListItem,
    SupplierPublic,
    SupplierStatusIn,
    SupplierUpdate,
)

router = APIRouter(prefix="/api/suppliers", tags=["suppliers"])


class PreconditionRequiredError(DomainError):
    code = "precondition_required"
    status = 428
    title = "Precondition required"


def _current(session: Session, identity: Identity, supplier_id: uuid.UUID) -> SupplierPublic:
    supplier = services.get_supplier(session, identity.context, supplier_id=supplier_id)
    return services.to_public(supplier, identity.context)


def _require_if_match(request: Request, current: SupplierPublic) -> None:
    if not request.headers.get("if-match"):
        raise PreconditionRequiredError(
            "Send the supplier's ETag (from GET) as If-Match, so a change made meanwhile by "
            "someone else is not overwritten.",
            errors=[FieldError("If-Match", "required", "missing")],
        )
    check_if_match(request, current)


# ---- suppliers --------------------------------------------------------------------------------


_LIST_PARAMETERS = (
    "q",
    "kind",
    "country",
    "city",
    "status",
    "tag",
    "sort",
    "page",
    "limit",
    "cursor",
)


@router.get(
    "",
    response_model=Envelope[list[SupplierListItem]],
    responses=problem_responses(401, 403, 422),
    summary="Suppliers: search, filter, sort; `page` numbers or the `cursor` (meta.total counts)",
)
def list_suppliers(
    request: Request,
    identity: Who,
    session: Db,
    q: Annotated[
        CleanStr | None,
        Query(max_length=100, description="Name, city, region, legal name or email contain it"),
    ] = None,
    kind: SupplierKind | None = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    city: Annotated[
        CleanStr | None, Query(max_length=100, description="City or region contain it")
    ] = None,
    status: Annotated[
        FilterStatus | None,
        Query(description="Default: active and inactive (archived only when asked)"),
    ] = None,
    tag: Annotated[CleanStr | None, Query(max_length=30)] = None,
    sort: SortKey = "name",
    page: Annotated[int | None, Query(ge=1, le=100_000, description="1-based page number")] = None,
    limit: Annotated[int | None, Query(ge=1, description="Page size (capped)")] = None,
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next_cursor` of the previous page")
    ] = None,
) -> dict[str, Any]:
    one_value_each(request, _LIST_PARAMETERS)
    settings = get_settings()
    size = min(limit or settings.api_page_limit_default, settings.api_page_limit_max)
    filters = SupplierFilter(q=q, kind=kind, country=country, city=city, status=status, tag=tag)
    offset = (page - 1) * size if page and not cursor else 0
    result = services.list_suppliers(
        session,
        identity.context,
        filters=filters,
        sort=sort,
        limit=size,
        offset=offset,
        cursor=cursor,
    )
    meta: dict[str, Any] = {"total": result.total, "limit": size}
    if page and not cursor:
        meta["page"] = page
        meta["pages"] = max(1, -(-result.total // size))
    else:
        meta["next_cursor"] = result.next_cursor
    return envelope([services.to_list_item(s) for s in result.items], **meta)


@router.post(
    "",
    status_code=201,
    response_model=Envelope[SupplierPublic],
    responses=problem_responses(401, 403, 422),
    summary="Create a supplier",
)
def create_supplier(body: SupplierCreate, request: Request, identity: Who, session: Db) -> Response:
    supplier = services.create_supplier(session, identity.context, data=body)
    return created_response(
        request,
        services.to_public(supplier, identity.context),
        location=f"/api/suppliers/{supplier.id}",
    )


@router.get(
    "/{supplier_id}",
    response_model=Envelope[SupplierPublic],
    responses=problem_responses(401, 403, 404),
    summary="A supplier, with its ETag (bank details only as a masked hint)",
)
def read_supplier(supplier_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    return resource_response(request, _current(session, identity, supplier_id))


@router.patch(
    "/{supplier_id}",
    response_model=Envelope[SupplierPublic],
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
    summary="Change a supplier (If-Match required: 412 when stale, 428 when missing)",
)
def update_supplier(
    supplier_id: uuid.UUID,
    body: SupplierUpdate,
    request: Request,
    identity: Who,
    session: Db,
    if_match: RequiredIfMatch = None,
) -> Response:
    require(identity.context, Action.SUPPLIERS_EDIT)  # a refusal before the precondition
    current = _current(session, identity, supplier_id)
    _require_if_match(request, current)
    supplier = services.update_supplier(
        session,
        identity.context,
        supplier_id=supplier_id,
        data=body,
        expected_version=current.row_version,
    )
    return resource_response(request, services.to_public(supplier, identity.context))


@router.post(
    "/{supplier_id}/status",
    response_model=Envelope[SupplierPublic],
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    summary="Activate or deactivate (activating an archived supplier restores it)",
)
def set_status(
    supplier_id: uuid.UUID,
    body: SupplierStatusIn,
    request: Request,
    identity: Who,
    session: Db,
    if_match: IfMatch = None,
) -> Response:
    current = _current(session, identity, supplier_id)
    check_if_match(request, current)
    supplier = services.set_status(
        session,
        identity.context,
        supplier_id=supplier_id,
        status=body.status,
        expected_version=current.row_version,
    )
    return resource_response(request, services.to_public(supplier, identity.context))


@router.delete(
    "/{supplier_id}",
    response_model=Envelope[SupplierDeleted],
    responses={
        204: {"description": "Deleted (nothing used it)"},
        **problem_responses(401, 403, 404),
    },
    summary="Delete a supplier; one that rate lists use is archived instead (200 says so)",
)
def delete_supplier(supplier_id: uuid.UUID, identity: Who, session: Db) -> Any:
    outcome = services.delete_supplier(session, identity.context, supplier_id=supplier_id)
    if outcome.outcome == "deleted":
        return Response(status_code=204)
    assert outcome.supplier is not None
    return envelope(
        SupplierDeleted(
            outcome=outcome.outcome,
            message=outcome.message,
            supplier=services.to_public(outcome.supplier, identity.context),
        )
    )


@router.get(
    "/{supplier_id}/rate-lists",
    response_model=Envelope[list[RateListSummary]],
    responses=problem_responses(401, 403, 404),
    summary="The supplier's rate lists (names and markets)",
)
def supplier_rate_lists(supplier_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(services.rate_lists_of(session, identity.context, supplier_id=supplier_id))


# ---- contacts ---------------------------------------------------------------------------------


@router.get(
    "/{supplier_id}/contacts",
    response_model=Envelope[list[ContactPublic]],
    responses=problem_responses(401, 403, 404),
    summary="The supplier's contacts, primary first",
)
def list_contacts(supplier_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    rows = services.list_contacts(session, identity.context, supplier_id=supplier_id)
    return envelope([services.contact_public(c) for c in rows])


@router.post(
    "/{supplier_id}/contacts",
    status_code=201,
    response_model=Envelope[ContactPublic],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Add a contact (the first one is primary)",
)
def add_contact(
    supplier_id: uuid.UUID, body: ContactIn, identity: Who, session: Db
) -> dict[str, Any]:
    contact = services.add_contact(session, identity.context, supplier_id=supplier_id, data=body)
    return envelope(services.contact_public(contact))


@router.patch(
    "/{supplier_id}/contacts/{contact_id}",
    response_model=Envelope[ContactPublic],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Change a contact, or make it the primary one",
)
def update_contact(
    supplier_id: uuid.UUID,
    contact_id: uuid.UUID,
    body: ContactUpdate,
    identity: Who,
    session: Db,
) -> dict[str, Any]:
    contact = services.update_contact(
        session, identity.context, supplier_id=supplier_id, contact_id=contact_id, data=body
    )
    return envelope(services.contact_public(contact))


@router.delete(
    "/{supplier_id}/contacts/{contact_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409),
    summary="Remove a contact",
)
def delete_contact(
    supplier_id: uuid.UUID, contact_id: uuid.UUID, identity: Who, session: Db
) -> Response:
    services.delete_contact(
        session, identity.context, supplier_id=supplier_id, contact_id=contact_id
    )
    return Response(status_code=204)


# ---- services ---------------------------------------------------------------------------------


@router.get(
    "/{supplier_id}/services",
    response_model=Envelope[list[ServicePublic]],
    responses=problem_responses(401, 403, 404),
    summary="What the supplier sells (rooms with meal plans, vehicles, tickets...)",
)
def list_services(supplier_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(services.list_services(session, identity.context, supplier_id=supplier_id))


@router.post(
    "/{supplier_id}/services",
    status_code=201,
    response_model=Envelope[ServicePublic],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Add a service (rooms need a meal plan; other kinds have none)",
)
def add_service(
    supplier_id: uuid.UUID, body: ServiceIn, identity: Who, session: Db
) -> dict[str, Any]:
    service = services.add_service(session, identity.context, supplier_id=supplier_id, data=body)
    return envelope(services.service_public(service))


@router.patch(
    "/{supplier_id}/services/{service_id}",
    response_model=Envelope[ServicePublic],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Change a service",
)
def update_service(
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    body: ServiceUpdate,
    identity: Who,
    session: Db,
) -> dict[str, Any]:
    service = services.update_service(
        session, identity.context, supplier_id=supplier_id, service_id=service_id, data=body
    )
    return envelope(services.service_public(service))


@router.delete(
    "/{supplier_id}/services/{service_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409),
    summary="Delete a service (409 service_in_use while rate lines price it)",
)
def delete_service(
    supplier_id: uuid.UUID, service_id: uuid.UUID, identity: Who, session: Db
) -> Response:
    services.delete_service(
        session, identity.context, supplier_id=supplier_id, service_id=service_id
    )
    return Response(status_code=204)


# ---- content: description, highlights, photos -------------------------------------------------

CONTENT = "/{supplier_id}/services/{service_id}/content"
PHOTOS = "/{supplier_id}/services/{service_id}/photos"
# A photo's bytes never change (a new upload is a new photo) and its address carries their
# hash: browsers keep it for a year without asking again. Private: it needs the caller's agency.
PHOTO_CACHE = "private, max-age=31536000, immutable"


@router.get(
    CONTENT,
    response_model=Envelope[ServiceContentPublic],
    responses=problem_responses(401, 403, 404),
    summary="A service's description, highlights and photos (in order; one is the cover)",
)
def read_content(
    supplier_id: uuid.UUID, service_id: uuid.UUID, request: Request, identity: Who, session: Db
) -> Response:
    shown = content.get_content(
        session, identity.context, supplier_id=supplier_id, service_id=service_id
    )
    return resource_response(request, shown)


@router.put(
    CONTENT,
    response_model=Envelope[ServiceContentPublic],
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    summary="Write the description (plain text or light markdown) and highlights as a whole",
)
def write_content(
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    body: ContentIn,
    request: Request,
    identity: Who,
    session: Db,
    if_match: IfMatch = None,
) -> Response:
    current = content.get_content(
        session, identity.context, supplier_id=supplier_id, service_id=service_id
    )
    check_if_match(request, current)
    shown = content.set_content(
        session,
        identity.context,
        supplier_id=supplier_id,
        service_id=service_id,
        data=body,
        expected_version=current.row_version if if_match else None,
    )
    return resource_response(request, shown)


@router.post(
    PHOTOS,
    status_code=201,
    response_model=Envelope[PhotoPublic],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Upload a photo: PNG, JPEG or WebP up to 10 MB (stored as a 1600px JPEG and a "
    "400px thumbnail, no metadata); the first photo is the cover",
)
async def upload_photo(
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    file: UploadFile,
    work: Annotated[TenantWork, Depends(tenant_work)],
    caption: Annotated[Caption, Form()] = "",
    alt_text: Annotated[Caption, Form(description="What a screen reader says")] = "",
) -> Response:
    data = await file.read(PHOTO_MAX_UPLOAD_BYTES + 1)  # one byte more tells "too large"
    photo = await work.run(
        lambda session, ctx: content.add_photo(
            session,
            ctx,
            supplier_id=supplier_id,
            service_id=service_id,
            data=data,
            filename=file.filename,
            caption=caption,
            alt_text=alt_text,
        )
    )
    return JSONResponse(
        jsonable_encoder(envelope(photo)),
        status_code=201,
        headers={"Location": f"/api/suppliers/{supplier_id}/services/{service_id}/content"},
    )


@router.patch(
    PHOTOS + "/{photo_id}",
    response_model=Envelope[ServiceContentPublic],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Change a photo's caption or alt text, move it (`position`, 1 = first) or make it "
    "the cover",
)
def change_photo(
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    photo_id: uuid.UUID,
    body: PhotoUpdate,
    identity: Who,
    session: Db,
) -> dict[str, Any]:
    shown = content.update_photo(
        session,
        identity.context,
        supplier_id=supplier_id,
        service_id=service_id,
        photo_id=photo_id,
        data=body,
    )
    return envelope(shown)


@router.delete(
    PHOTOS + "/{photo_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409),
    summary="Delete a photo (the next one becomes the cover if it was)",
)
def delete_photo(
    supplier_id: uuid.UUID, service_id: uuid.UUID, photo_id: uuid.UUID, identity: Who, session: Db
) -> Response:
    content.delete_photo(
        session, identity.context, supplier_id=supplier_id, service_id=service_id, photo_id=photo_id
    )
    return Response(status_code=204)


@router.get(
    PHOTOS + "/{photo_id}/{size}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, **problem_responses(401, 403, 404, 422)},
    summary="A photo's bytes: `large` (1600px) or `thumb` (400px), cached for good",
)
def photo_file(
    supplier_id: uuid.UUID,
    service_id: uuid.UUID,
    photo_id: uuid.UUID,
    size: PhotoSize,
    request: Request,
    identity: Who,
    session: Db,
) -> Response:
    data, media_type, digest = content.photo_bytes(
        session,
        identity.context,
        supplier_id=supplier_id,
        service_id=service_id,
        photo_id=photo_id,
        size=size,
    )
    return conditional_bytes(
        request, data, media_type=media_type, digest=digest, cache_control=PHOTO_CACHE
    )


# ---- bank details -----------------------------------------------------------------------------


@router.put(
    "/{supplier_id}/bank-details",
    response_model=Envelope[BankHint],
    responses=problem_responses(401, 403, 404, 409, 422),
    summary="Set the bank details (stored encrypted; answered masked)",
)
def put_bank_details(
    supplier_id: uuid.UUID, body: BankDetailsIn, identity: Who, session: Db
) -> dict[str, Any]:
    supplier = services.set_bank_details(
        session, identity.context, supplier_id=supplier_id, data=body
    )
    return envelope(BankHint(has_bank_details=True, bank_hint=supplier.bank_hint))


@router.delete(
    "/{supplier_id}/bank-details",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409),
    summary="Remove the bank details",
)
def delete_bank_details(supplier_id: uuid.UUID, identity: Who, session: Db) -> Response:
    services.clear_bank_details(session, identity.context, supplier_id=supplier_id)
    return Response(status_code=204)


@router.post(
    "/{supplier_id}/bank-details/reveal",
    response_model=Envelope[BankDetailsPublic],
    responses=problem_responses(401, 403, 404, 409),
    summary="The full bank details (suppliers.bank.view; every reveal is audited)",
)
def reveal_bank_details(
    supplier_id: uuid.UUID, request: Request, identity: Who, session: Db
) -> JSONResponse:
    ip, agent = client_of(request)
    details = services.reveal_bank_details(
        session, identity.context, supplier_id=supplier_id, ip=ip, user_agent=agent
    )
    return JSONResponse(
        envelope(details.model_dump(mode="json")), headers={"Cache-Control": "no-store"}
    )

"""Customer documents over REST: the branded PDF of a frozen itinerary version (stored and
reused per version and checksum). Another agency's itinerary answers 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import READ
from travelcrm.api.etag import download
from travelcrm.documents import services

router = APIRouter(prefix="/api/itineraries", tags=["itineraries"])


@router.get(
    "/{itinerary_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **READ},
    summary="The branded PDF of a frozen version (the latest unless `version`): cover, day "
    "pages, price summary and terms; stored once per version and reused (ETag)",
)
def itinerary_pdf(
    itinerary_id: uuid.UUID,
    request: Request,
    identity: Who,
    session: Db,
    version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> Response:
    found = services.itinerary_pdf(
        session, identity.context, itinerary_id=itinerary_id, version=version
    )
    return download(
        request,
        found.content,
        media_type=found.content_type,
        digest=found.checksum,
        filename=found.filename,
    )

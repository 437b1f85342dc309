"""ETags on single resources and If-Match on updates (412 when the client's copy is stale)."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from travelcrm.api.envelope import envelope
from travelcrm.core.errors import FieldError, PreconditionFailedError


def compute_etag(representation: Any) -> str:
    """A strong ETag from the resource's JSON representation (stable key order)."""
    canonical = json.dumps(jsonable_encoder(representation), sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _json(data: Any) -> Any:
    """A resource as JSON data: a pydantic model dumped in JSON mode, anything else as is."""
    return data.model_dump(mode="json") if isinstance(data, BaseModel) else data


def _etags(header: str) -> list[str]:
    return [part.strip().removeprefix("W/") for part in header.split(",") if part.strip()]


def resource_response(request: Request, data: Any, *, status_code: int = 200) -> Response:
    """The enveloped resource (JSON data or a pydantic model) with its ETag; 304 when
    If-None-Match already has it."""
    data = _json(data)
    etag = compute_etag(data)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and (if_none_match.strip() == "*" or etag in _etags(if_none_match)):
        return Response(status_code=304, headers={"ETag": etag})
    return JSONResponse(
        jsonable_encoder(envelope(data)), status_code=status_code, headers={"ETag": etag}
    )


def created_response(
    request: Request, data: Any, *, location: str, status_code: int = 201
) -> Response:
    """`resource_response` for a resource made (or found again) at `location`: 201 (or the
    status given) with a Location header."""
    response = resource_response(request, data, status_code=status_code)
    response.headers["Location"] = location
    return response


def conditional_bytes(
    request: Request, content: bytes, *, media_type: str, digest: str, cache_control: str
) -> Response:
    """A file (a picture, a logo) with an ETag from its digest; 304 when If-None-Match has it."""
    etag = '"' + digest[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and (if_none_match.strip() == "*" or etag in _etags(if_none_match)):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the readable UTF-8 one (RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(
    request: Request, content: bytes, *, media_type: str, digest: str, filename: str
) -> Response:
    """A stored document to save (a PDF): ETag from its digest, 304 when unchanged, never
    cached without asking again, saved under its readable name."""
    response = conditional_bytes(
        request, content, media_type=media_type, digest=digest, cache_control="private, no-cache"
    )
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def check_if_match(request: Request, current: Any) -> None:
    """Refuse an update made against a stale copy (`current`: JSON data or a pydantic model).
    Without If-Match the update proceeds."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return
    current_etag = compute_etag(_json(current))
    if current_etag not in _etags(header):
        raise PreconditionFailedError(
            "The resource changed since you read it; fetch it again and reapply your change.",
            errors=[FieldError("If-Match", "stale ETag", "stale_etag")],
            extra={"current_etag": current_etag},
        )

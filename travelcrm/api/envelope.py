"""Response shapes: success bodies are {"data": ..., "meta": {...}}; errors are RFC 9457."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json
from starlette.responses import Response

from travelcrm.core.context import request_id_var

T = TypeVar("T")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://travelcrm.app/problems/"


def _unset(value: object) -> bool:
    return value is None


class Meta(BaseModel):
    """Every success body's `meta`; on a list, its paging (the same fields on every list)."""

    model_config = ConfigDict(extra="allow")

    request_id: str | None = Field(default=None, description="The request's id (X-Request-ID)")
    next_cursor: str | None = Field(
        default=None, description="Opaque; pass as ?cursor= for the next page (null: last page)"
    )
    limit: int | None = Field(default=None, description="The page size used")
    # counts only where a list has them (left out otherwise)
    total: int | None = Field(
        default=None,
        description="Rows matching the filters, on lists that count them",
        exclude_if=_unset,
    )
    page: int | None = Field(
        default=None, description="The 1-based page, on numbered pages", exclude_if=_unset
    )
    pages: int | None = Field(
        default=None, description="How many pages, on numbered pages", exclude_if=_unset
    )


class Envelope(BaseModel, Generic[T]):
    data: T
    meta: Meta


def envelope(data: Any, **meta: Any) -> dict[str, Any]:
    """Build a success body; the request id is added from the current context."""
    return {"data": data, "meta": {"request_id": request_id_var.get(), **meta}}


def json_envelope(data: Any, *, status_code: int = 200, **meta: Any) -> Response:
    """The success body as a finished JSON response, serialised once (pydantic-core, each
    model by its own serializer). For hot routes whose `data` already is the documented
    response model(s): FastAPI sends a returned Response as it is, so it does not validate
    the models a second time against `response_model` (which still documents the route)."""
    body = {"data": data, "meta": Meta(request_id=request_id_var.get(), **meta)}
    return Response(to_json(body), status_code=status_code, media_type="application/json")


class ProblemFieldError(BaseModel):
    field: str
    message: str
    code: str = "invalid"
    row: int | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, with our stable `code`, per-field `errors` and `request_id`."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemFieldError] = Field(default_factory=list)


def problem_body(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + code.replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": instance,
        "request_id": request_id_var.get(),
        "errors": errors or [],
        **extra,
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting problem+json for the given statuses."""
    return {status: {"description": "Problem details (RFC 9457)"} for status in statuses}


# what reading one resource and changing one can answer besides success
READ = problem_responses(401, 403, 404)
WRITE = problem_responses(401, 403, 404, 409, 422)

from __future__ import annotations

import threading
import uuid
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, Request, Response
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import BaseModel, ConfigDict, Field

from travelcrm.api.app import create_api
from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.api.etag import check_if_match, resource_response
from travelcrm.api.pagination import page_params
from travelcrm.core.errors import NotFoundError
from travelcrm.core.pagination import PageParams, decode_cursor, encode_cursor


class WidgetIn(BaseModel):
    model_config = ConfigDict(strict=True)

    name: str = Field(min_length=1, max_length=50)
    price: float = Field(ge=0)


class WidgetPatch(BaseModel):
    model_config = ConfigDict(strict=True)

    name: str | None = Field(default=None, min_length=1, max_length=50)
    price: float | None = Field(default=None, ge=0)


class Widget(WidgetIn):
    id: int


class WidgetStore:
    """The test router's storage: a plain dict (this router exists only in the tests)."""

    def __init__(self) -> None:
        self.rows: dict[int, Widget] = {}
        self.creates = 0
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()


def make_widget_router(store: WidgetStore, *, with_failing_route: bool = True) -> APIRouter:
    router = APIRouter(prefix="/api/test-widgets", tags=["test"])

    @router.post("", status_code=201, response_model=Envelope[Widget])
    def create(body: WidgetIn, response: Response) -> dict[str, Any]:
        store.entered.set()
        store.gate.wait(timeout=10)
        store.creates += 1
        widget = Widget(id=len(store.rows) + 1, **body.model_dump())
        store.rows[widget.id] = widget
        response.headers["Location"] = f"/api/test-widgets/{widget.id}"
        return envelope(widget)

    if with_failing_route:

        @router.post("/explode")
        def explode() -> None:
            store.creates += 1
            raise RuntimeError("boom")

    @router.get("", response_model=Envelope[list[Widget]])
    def listing(params: Annotated[PageParams, Depends(page_params)]) -> dict[str, Any]:
        after = decode_cursor(params.cursor)[0] if params.cursor else 0
        rows = [w for i, w in sorted(store.rows.items()) if i > after]
        page = rows[: params.limit]
        next_cursor = encode_cursor([page[-1].id]) if len(rows) > params.limit else None
        return envelope(page, next_cursor=next_cursor, limit=params.limit)

    @router.get("/{widget_id}", responses=problem_responses(404))
    def read(widget_id: int, request: Request) -> Response:
        widget = store.rows.get(widget_id)
        if widget is None:
            raise NotFoundError(f"Widget {widget_id} not found.")
        return resource_response(request, widget.model_dump())

    @router.patch("/{widget_id}", responses=problem_responses(404, 412))
    def update(widget_id: int, body: WidgetPatch, request: Request) -> Response:
        widget = store.rows.get(widget_id)
        if widget is None:
            raise NotFoundError(f"Widget {widget_id} not found.")
        check_if_match(request, widget.model_dump())
        updated = widget.model_copy(update=body.model_dump(exclude_none=True))
        store.rows[widget_id] = updated
        return resource_response(request, updated.model_dump())

    return router


@pytest.fixture
def store() -> WidgetStore:
    return WidgetStore()


@pytest.fixture
def client(migrated_engine, store: WidgetStore) -> TestClient:
    app = create_api(extra_routers=[make_widget_router(store)])
    return TestClient(app, raise_server_exceptions=False)


def fresh_idempotency_key(case: Any) -> None:
    """Give a generated request its own Idempotency-Key. A key names one request: the few keys
    hypothesis draws are shared by cases, and a key sent again with another body is refused
    (422 `idempotency_key_reused`) by contract, not by a fault of the operation."""
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex


def fuzzed(max_examples: int, **options: Any) -> Any:
    """Hypothesis settings for a schemathesis run: `max_examples` cases, no deadline, and no
    complaint about the function-scoped fixtures or a slow case."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        **options,
    )

"""Health, readiness and version: what load balancers, deploy scripts and people check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.api.problems import problem_response
from travelcrm.db import current_revision, get_engine
from travelcrm.settings import get_settings
from travelcrm.system import services
from travelcrm.system.schemas import Health, Readiness, VersionInfo

router = APIRouter(prefix="/api", tags=["system"])


@router.get("/health", response_model=Envelope[Health], summary="Process is alive (no I/O)")
async def health() -> JSONResponse:
    # Built by hand: the hottest route skips response-model validation (the shape is fixed).
    return JSONResponse(envelope({"status": "ok"}))


@router.get(
    "/ready",
    response_model=Envelope[Readiness],
    responses=problem_responses(503),
    summary="Ready to serve: database, migrations, Redis and job worker",
)
async def ready() -> Any:
    report = await run_in_threadpool(services.cached_readiness, get_settings(), get_engine())
    if report.ready:
        return envelope(report)
    failing = ", ".join(f"{c.name} ({c.detail})" for c in report.failing)
    response: JSONResponse = problem_response(
        status=503,
        code="not_ready",
        title="Not ready",
        detail=f"Failing checks: {failing}.",
        instance="/api/ready",
        errors=[
            {"field": c.name, "message": c.detail, "code": "check_failed"} for c in report.failing
        ],
        checks=[c.model_dump() for c in report.checks],
    )
    return response


@router.get("/version", response_model=Envelope[VersionInfo], summary="Build and schema version")
async def version() -> dict[str, Any]:
    def read() -> VersionInfo:
        settings = get_settings()
        try:
            revision = current_revision(get_engine())
        except Exception:
            revision = None
        return services.version_info(settings, current_revision=revision)

    return envelope(await run_in_threadpool(read))

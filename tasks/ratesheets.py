"""Rate sheet jobs: run a large import on the worker (progress is written to the import)."""

from __future__ import annotations

import uuid

from tasks.queue import huey, task
from travelcrm.core.jobs import register
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.ratesheets import services


@task(huey, retries=0)
def run_rate_import(tenant_id: str, user_id: str, role: str, import_id: str) -> str:
    ctx = TenantContext(uuid.UUID(tenant_id), uuid.UUID(user_id), Role(role))
    return services.run_queued(ctx, import_id=uuid.UUID(import_id))


register(services.JOB_NAME, run_rate_import)

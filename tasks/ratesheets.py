"""Rate sheet jobs: run a large import on the worker (progress is written to the import), and
each hour remove the uploads no import needs any more."""

from __future__ import annotations

import logging
import uuid

from huey import crontab

from tasks.queue import huey, task
from travelcrm.core.jobs import register
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.ratesheets import retention, services

logger = logging.getLogger("travelcrm.tasks.ratesheets")


@task(huey, retries=0)
def run_rate_import(tenant_id: str, user_id: str, role: str, import_id: str) -> str:
    ctx = TenantContext(uuid.UUID(tenant_id), uuid.UUID(user_id), Role(role))
    return services.run_queued(ctx, import_id=uuid.UUID(import_id))


register(services.JOB_NAME, run_rate_import)


@huey.periodic_task(crontab(minute="41"), name="forget_old_uploads")
def forget_old_uploads() -> dict[str, int]:
    done = retention.forget_all_uploads()
    if done.files:
        logger.info("removed %d uploaded rate sheets (%d bytes)", done.files, done.bytes)
    return {"files": done.files, "bytes": done.bytes}

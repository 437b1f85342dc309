"""System jobs: the worker heartbeat and housekeeping."""

from __future__ import annotations

import logging
import os
from datetime import datetime

from huey import crontab

from tasks.queue import huey, worker_name
from travelcrm.core.clock import utcnow
from travelcrm.core.idempotency import purge_expired
from travelcrm.db import session_scope
from travelcrm.settings import get_settings
from travelcrm.system import services

logger = logging.getLogger("travelcrm.tasks.system")
_started_at: datetime = utcnow()


def beat() -> None:
    settings = get_settings()
    with session_scope() as session:
        services.record_heartbeat(
            session,
            worker=worker_name(settings),
            queue_kind=settings.queue_kind,
            pid=os.getpid(),
            started_at=_started_at,
        )


@huey.on_startup(name="travelcrm-heartbeat-on-start")
def heartbeat_on_start() -> None:
    beat()
    logger.info("job worker thread started (%s queue)", get_settings().queue_kind)


@huey.periodic_task(crontab(minute="*"), name="heartbeat")
def heartbeat() -> None:
    beat()


@huey.periodic_task(crontab(minute="17"), name="purge_idempotency_records")
def purge_idempotency_records() -> None:
    with session_scope() as session:
        removed = purge_expired(session)
    logger.info("purged %d expired idempotency records", removed)

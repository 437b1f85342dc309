"""Query jobs: each minute, waiting queries go to agents who came online and overdue replies
are flagged (the assignee told at once, the managers an hour later)."""

from __future__ import annotations

import logging

from huey import crontab

from tasks.queue import huey
from travelcrm.queries import services

logger = logging.getLogger("travelcrm.tasks.queries")


@huey.periodic_task(crontab(minute="*"), name="queries_sweep")
def queries_sweep() -> dict[str, int]:
    done = services.sweep()
    if done["assigned"] or done["breached"]:
        logger.info("queries sweep: %(assigned)d assigned, %(breached)d newly breached", done)
    return done

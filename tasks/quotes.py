"""Quote jobs: each hour, quotes past their validity without an answer expire, and the
agents who made them are told."""

from __future__ import annotations

import logging

from huey import crontab

from tasks.queue import huey
from travelcrm.quotes import services

logger = logging.getLogger("travelcrm.tasks.quotes")


@huey.periodic_task(crontab(minute="7"), name="quotes_expire")
def quotes_expire() -> dict[str, int]:
    done = services.sweep()
    if done["expired"]:
        logger.info("quotes: %(expired)d expired", done)
    return done

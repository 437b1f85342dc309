"""Mail jobs: deliver one outbox message; every 5 minutes, queue again what got stuck."""

from __future__ import annotations

import logging
import uuid

from huey import crontab

from tasks.queue import huey, task
from travelcrm.core.jobs import register
from travelcrm.db import session_scope
from travelcrm.mail import services
from travelcrm.settings import get_settings

logger = logging.getLogger("travelcrm.tasks.mail")


@task(huey, retries=6, retry_delay=30)
def send_email(message_id: str) -> str:
    with session_scope() as session:
        message = services.deliver(
            session, message_id=uuid.UUID(message_id), settings=get_settings()
        )
        return message.status


@task(huey, retries=0)
def send_emails(message_ids: list[str]) -> int:
    """A batch of queued messages (a job's notifications); one that fails for a reason that may
    pass is handed to `send_email` with its own retries."""
    sent = 0
    for message_id in message_ids:
        try:
            with session_scope() as session:
                services.deliver(session, message_id=uuid.UUID(message_id), settings=get_settings())
            sent += 1
        except services.MailDeliveryError as exc:
            if not exc.permanent:
                send_email.schedule(args=(message_id,), delay=30)
            logger.warning("could not send %s: %s", message_id, exc.detail)
    return sent


@huey.periodic_task(crontab(minute="*/5"), name="requeue_stuck_mail")
def requeue_stuck_mail() -> None:
    with session_scope() as session:
        count = services.requeue_stuck(session)
    if count:
        logger.warning("queued %d stuck outbox messages again", count)


register("send_email", send_email)
register("send_emails", send_emails)

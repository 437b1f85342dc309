"""Mail jobs: deliver one outbox message, or one of an agency's emails; every 5 minutes, queue
again what got stuck."""

from __future__ import annotations

import logging
import uuid

from huey import crontab

from tasks.queue import huey, task
from travelcrm.core.jobs import register
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import session_scope, tenant_scope
from travelcrm.mail import sending, services
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


# ---- the agency's email (templates, exactly once) --------------------------------------------


@task(huey, retries=sending.MAX_TRIES - 1, retry_delay=30, retry_backoff=2)
def send_agency_email(tenant_id: str, message_id: str) -> str:
    """One try at one of an agency's emails: 3 retries, 30 s, 60 s and 120 s after the
    failures that may pass; then the message is failed and the job dead-lettered."""
    ctx = TenantContext(uuid.UUID(tenant_id), None, Role.AGENT)
    return sending.deliver(
        ctx, message_id=uuid.UUID(message_id), settings=get_settings(), scope=tenant_scope
    )


@huey.periodic_task(crontab(minute="*/5"), name="release_stuck_agency_mail")
def release_stuck_agency_mail() -> None:
    again = sending.release_all_stuck()
    if again:
        logger.warning("queued %d stuck agency emails again", again)


register(sending.JOB, send_agency_email)

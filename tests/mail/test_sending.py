"""The agency's email, sent exactly once, against real SMTP servers (aiosmtpd) that misbehave:
one message per send key; a connection dropped after DATA (the server has the message, the
answer is lost) is never sent again; two workers at once send once; a refusal that may pass
is retried with backoff through a real queue, then the message fails and the job is
dead-lettered; a 5xx suppresses the address until it is cleared. Every step is in the
delivery log with the server's answer."""

from __future__ import annotations

import os
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from huey.api import Huey
from huey.exceptions import TaskException
from sqlmodel import Session, select

from tasks.queue import make_huey, task
from tests.conftest import settle_jobs, wait_for
from tests.mail.smtp import ScriptedSmtp
from tests.rates.factories import agency_context
from travelcrm.core.clock import utcnow
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.jobs import _PENDING
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import get_engine, tenant_scope
from travelcrm.mail import sending, templates, templating
from travelcrm.mail.models import (
    EmailEvent,
    EmailMessageRow,
    EmailState,
    EmailTemplate,
    TemplateKind,
)
from travelcrm.mail.schemas import TemplateUpdate
from travelcrm.mail.services import Attachment, send_templated
from travelcrm.settings import get_settings, load_settings
from travelcrm.system.models import DeadLetter

pytestmark = pytest.mark.usefixtures("migrated_engine")

VALUES = templating.sample_values(TemplateKind.QUOTE_SENT)
PDF = Attachment("SUN-Q-2026-0042.pdf", "application/pdf", b"%PDF-1.7\n% a quote\n%%EOF\n")


@pytest.fixture
def smtp(settings_env) -> Iterator[Callable[..., ScriptedSmtp]]:
    servers: list[ScriptedSmtp] = []

    def start(**behaviour: object) -> ScriptedSmtp:
        server = ScriptedSmtp(**behaviour)  # type: ignore[arg-type]
        settings_env(smtp_url=server.start())
        servers.append(server)
        return server

    yield start
    settle_jobs()
    for server in servers:
        server.stop()


def _send(
    ctx: TenantContext,
    key: str,
    *,
    to: str = "priya@example.com",
    queue: bool = True,
    attachments: tuple[Attachment, ...] = (PDF,),
) -> uuid.UUID:
    """send_templated in its own transaction; `queue=False`: as if the queue were down when it
    committed (the job is not handed over), for tests that run the delivery themselves."""
    with tenant_scope(ctx) as session:
        message_id = send_templated(
            session,
            ctx,
            kind=TemplateKind.QUOTE_SENT,
            to_email=to,
            to_name="Priya Sharma",
            variables=VALUES,
            send_key=key,
            attachments=attachments,
            related_type="quote",
            related_id=uuid.UUID(int=42),
        )
        if not queue:
            session.info.pop(_PENDING, None)
        return message_id


def _message(ctx: TenantContext, message_id: uuid.UUID) -> EmailMessageRow:
    with tenant_scope(ctx) as session:
        row = session.exec(select(EmailMessageRow).where(EmailMessageRow.id == message_id)).one()
        session.expunge(row)
        return row


def _events(ctx: TenantContext, message_id: uuid.UUID) -> list[tuple[str, str | None]]:
    with tenant_scope(ctx) as session:
        rows = session.exec(
            select(EmailEvent)
            .where(EmailEvent.message_ref == message_id)
            .order_by(EmailEvent.at, EmailEvent.id)
        ).all()
        return [(r.event, r.detail) for r in rows]


def _state_is(ctx: TenantContext, message_id: uuid.UUID, *states: str) -> Callable[[], bool]:
    return lambda: _message(ctx, message_id).state in states


def _deliver(ctx: TenantContext, message_id: uuid.UUID) -> str:
    return sending.deliver(ctx, message_id=message_id, settings=get_settings(), scope=tenant_scope)


def test_one_message_per_send_key_with_its_message_id_and_log(smtp) -> None:
    ctx = agency_context()
    server = smtp()
    key = f"quote-42-v1-sent-{secrets.token_hex(3)}"
    first = _send(ctx, key)
    second = _send(ctx, key)  # a retry of the request, a double click: the same message
    assert first == second
    wait_for(_state_is(ctx, first, EmailState.SENT), what="the email")
    settle_jobs()
    (received,) = server.messages
    row = _message(ctx, first)
    assert received["Message-ID"] == row.message_id and row.message_id.endswith("@travelcrm.mail>")
    assert received["Subject"] == "Your quote SUN-Q-2026-0042: Kerala backwaters, 6 nights"
    assert received["To"] == "Priya Sharma <priya@example.com>"
    (pdf,) = list(received.iter_attachments())
    assert pdf.get_filename() == "SUN-Q-2026-0042.pdf" and pdf.get_content() == PDF.data
    html_part = received.get_body(preferencelist=("html",)).get_content()
    assert "/api/public/mail/open/" in html_part and "/api/public/mail/click/" in html_part
    assert row.links == ["https://example.com/p/sample"]
    assert row.attempts == 1 and row.last_answer == "250 2.0.0 Ok: queued as T3ST"
    assert _events(ctx, first) == [("queued", None), ("sent", "250 2.0.0 Ok: queued as T3ST")]
    with tenant_scope(ctx) as session:
        assert len(session.exec(select(EmailMessageRow.id)).all()) == 1


def test_a_connection_dropped_after_data_is_never_sent_twice(smtp) -> None:
    ctx = agency_context()
    server = smtp(drop_after_data=True)
    message_id = _send(ctx, "drop-1")
    wait_for(_state_is(ctx, message_id, EmailState.UNCONFIRMED), what="the try")
    settle_jobs()
    assert len(server.messages) == 1  # the server has it; the answer never came
    # a second job for it, the periodic sweep long after: nothing goes out again
    assert _deliver(ctx, message_id) == EmailState.UNCONFIRMED
    with tenant_scope(ctx) as session:
        assert sending.release_stuck(session, ctx, now=utcnow() + timedelta(hours=2)) == []
    settle_jobs()
    time.sleep(0.3)
    assert server.bodies_seen == 1 and len(server.messages) == 1
    row = _message(ctx, message_id)
    assert row.handed_over_at is not None and row.attempts == 1
    assert row.last_answer is not None and "not sent again" in row.last_answer
    assert [e for e, _ in _events(ctx, message_id)] == ["queued", "failed"]


def test_two_workers_at_once_send_it_once(smtp) -> None:
    ctx = agency_context()
    server = smtp()
    message_id = _send(ctx, "race-1", queue=False)
    results: list[str] = []
    barrier = threading.Barrier(3)

    def work() -> None:
        barrier.wait()
        results.append(_deliver(ctx, message_id))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.messages) == 1
    assert EmailState.SENT in results
    assert _message(ctx, message_id).attempts == 1


def test_a_worker_that_died_before_the_body_is_queued_again(smtp) -> None:
    ctx = agency_context()
    server = smtp()
    message_id = _send(ctx, "stuck-1", queue=False)
    with tenant_scope(ctx) as session:
        assert sending._claim(session, message_id)  # taken, then the worker died
    with tenant_scope(ctx) as session:
        assert sending.release_stuck(session, ctx) == []  # not old enough yet
    assert sending.release_all_stuck(now=utcnow() + timedelta(minutes=11)) >= 1
    wait_for(_state_is(ctx, message_id, EmailState.SENT), what="the email")
    assert len(server.messages) == 1


@pytest.fixture
def queue(migrated_engine) -> Iterator[Huey]:
    """A queue of its own with a real consumer (SqliteHuey, or RedisHuey on the PostgreSQL
    run), so retries run after short delays."""
    settings = load_settings(
        huey_immediate=False,
        huey_name=f"test-mail-{secrets.token_hex(4)}",
        redis_url=os.environ.get("REDIS_URL"),
    )
    huey = make_huey(settings)
    consumer = huey.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=False,
        check_worker_health=False,
        scheduler_interval=0.1,
    )
    consumer.start()
    try:
        yield huey
    finally:
        consumer.stop(graceful=True)
        huey.flush()


def _job(queue: Huey, name: str, delay: float) -> Callable[..., object]:
    def run(tenant_id: str, message_id: str) -> str:
        ctx = TenantContext(uuid.UUID(tenant_id), None, sending_role())
        return sending.deliver(
            ctx, message_id=uuid.UUID(message_id), settings=get_settings(), scope=tenant_scope
        )

    run.__name__ = name
    return task(queue, retries=sending.MAX_TRIES - 1, retry_delay=delay, retry_backoff=2)(run)


def sending_role():  # the role the real job uses
    from travelcrm.core.permissions import Role

    return Role.AGENT


def test_the_real_job_retries_three_times_with_backoff() -> None:
    from tasks.mail import send_agency_email

    task_class = send_agency_email.task_class
    assert task_class.default_retries == 3
    assert task_class.default_retry_delay == 30 and task_class.default_retry_backoff == 2


def test_refusals_that_may_pass_are_retried_with_backoff_then_sent(smtp, queue) -> None:
    ctx = agency_context()
    server = smtp(replies=["451 4.3.0 Try again later", "421 4.7.0 Busy"])
    message_id = _send(ctx, "flaky-1", queue=False)
    started = time.monotonic()
    result = _job(queue, f"mail_flaky_{secrets.token_hex(3)}", 0.3)(
        str(ctx.tenant_id), str(message_id)
    )
    assert result.get(blocking=True, timeout=30) == EmailState.SENT  # type: ignore[attr-defined]
    assert time.monotonic() - started >= 0.3 + 0.6  # waited 0.3 s, then twice that
    assert len(server.messages) == 1 and server.bodies_seen == 3
    row = _message(ctx, message_id)
    assert row.attempts == 3 and row.state == EmailState.SENT
    assert _events(ctx, message_id) == [
        ("queued", None),
        ("failed", "451 4.3.0 Try again later (try 1 of 4)"),
        ("failed", "421 4.7.0 Busy (try 2 of 4)"),
        ("sent", "250 2.0.0 Ok: queued as T3ST"),
    ]


def test_after_three_retries_the_message_fails_and_the_job_is_dead_lettered(smtp, queue) -> None:
    ctx = agency_context()
    server = smtp(replies=["451 4.3.0 Try again later"] * 10)
    message_id = _send(ctx, "doomed-1", queue=False)
    name = f"mail_doomed_{secrets.token_hex(3)}"
    result = _job(queue, name, 0.05)(str(ctx.tenant_id), str(message_id))
    with pytest.raises(TaskException):
        result.get(blocking=True, timeout=30)  # type: ignore[attr-defined]
    assert server.bodies_seen == 4 and server.messages == []
    row = _message(ctx, message_id)
    assert row.state == EmailState.FAILED and row.attempts == 4
    events = _events(ctx, message_id)
    assert events[-1] == ("failed", "451 4.3.0 Try again later (gave up after 4 tries)")
    assert [e for e, _ in events].count("failed") == 4

    def letters() -> list[DeadLetter]:
        with Session(get_engine()) as session:
            return list(session.exec(select(DeadLetter).where(DeadLetter.task_name == name)))

    (letter,) = wait_for(letters, timeout=10, what="the dead letter")
    assert letter.attempts == 4 and str(message_id) in letter.args_json


def test_a_5xx_suppresses_the_address_until_someone_clears_it(smtp) -> None:
    ctx = agency_context()
    server = smtp(refuse_rcpt="550 5.1.1 <priya@example.com>: Recipient address rejected")
    first = _send(ctx, "bounce-1")
    wait_for(_state_is(ctx, first, EmailState.FAILED), what="the refusal")
    settle_jobs()
    assert [e for e, _ in _events(ctx, first)] == ["queued", "bounced", "suppressed"]
    assert _message(ctx, first).last_answer == (
        "550 5.1.1 <priya@example.com>: Recipient address rejected"
    )
    with tenant_scope(ctx) as session:
        (suppressed,) = sending.list_suppressions(session, ctx)
        assert suppressed.email == "priya@example.com"
        assert suppressed.reason.startswith("550 5.1.1")
    server.refuse_rcpt = None
    second = _send(ctx, "bounce-2", to="Priya@Example.com")
    wait_for(_state_is(ctx, second, EmailState.SUPPRESSED), what="the suppression")
    assert server.messages == []
    with tenant_scope(ctx) as session:
        sending.clear_suppression(session, ctx, suppression_id=suppressed.id)
    third = _send(ctx, "bounce-3")
    wait_for(_state_is(ctx, third, EmailState.SENT), what="the email")
    assert len(server.messages) == 1
    assert [e for e, _ in _events(ctx, first)][-1] == "unsuppressed"


def test_a_5xx_for_the_message_body_also_suppresses(smtp) -> None:
    ctx = agency_context()
    server = smtp(replies=["554 5.7.1 Message rejected"])
    message_id = _send(ctx, "bounce-body")
    wait_for(_state_is(ctx, message_id, EmailState.FAILED), what="the refusal")
    with tenant_scope(ctx) as session:
        assert sending.is_suppressed(session, email="priya@example.com")
    assert server.messages == [] and _message(ctx, message_id).attempts == 1


def test_linked_pdf_mode_attaches_nothing_and_missing_values_store_nothing(smtp) -> None:
    ctx = agency_context()
    server = smtp()
    with tenant_scope(ctx) as session:
        row = templates.template_for(session, ctx, kind=TemplateKind.QUOTE_SENT)
        templates.update_template(
            session,
            ctx,
            template_id=row.id,
            row_version=row.row_version,
            data=TemplateUpdate(
                pdf_mode="link",
                text_body="Dear {{ customer_name }}, your quote: {{ pdf_url }}",
            ),
        )
    message_id = _send(ctx, "linked-1")
    wait_for(_state_is(ctx, message_id, EmailState.SENT), what="the email")
    (received,) = server.messages
    assert list(received.iter_attachments()) == []
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Priya Sharma, your quote: https://example.com/p/sample.pdf" in text
    with tenant_scope(ctx) as session:
        with pytest.raises(ValidationFailedError) as missing:
            send_templated(
                session,
                ctx,
                kind=TemplateKind.QUOTE_SENT,
                to_email="priya@example.com",
                to_name=None,
                variables={"customer_name": "Priya"},
                send_key="linked-2",
            )
        assert missing.value.errors[0].field == "variables"
        with pytest.raises(ValidationFailedError):
            send_templated(
                session,
                ctx,
                kind=TemplateKind.QUOTE_SENT,
                to_email="Priya <priya@example.com>\r\nBcc: x@example.com",
                to_name=None,
                variables=VALUES,
                send_key="linked-3",
            )
    with tenant_scope(ctx) as session:
        assert len(session.exec(select(EmailMessageRow.id)).all()) == 1
        assert session.exec(select(EmailTemplate.pdf_mode)).all().count("link") == 1


def test_a_worker_that_died_after_handing_over_is_never_sent_again(smtp) -> None:
    ctx = agency_context()
    server = smtp()
    message_id = _send(ctx, "stuck-2", queue=False)
    with tenant_scope(ctx) as session:
        assert sending._claim(session, message_id)
        row = session.exec(select(EmailMessageRow).where(EmailMessageRow.id == message_id)).one()
        row.handed_over_at = utcnow()  # the body went; then the worker died
        session.add(row)
    assert sending.release_all_stuck(now=utcnow() + timedelta(minutes=11)) == 0
    settle_jobs()
    assert _message(ctx, message_id).state == EmailState.UNCONFIRMED
    assert _deliver(ctx, message_id) == EmailState.UNCONFIRMED
    assert server.bodies_seen == 0 and server.messages == []
    assert _events(ctx, message_id)[-1] == (
        "failed",
        "The worker stopped after handing the message over.",
    )

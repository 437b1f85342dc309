"""Agency email benchmark (issue 23's figure), beside a baseline measured in the same run, on
PostgreSQL with row-level security and RedisHuey with the app's job worker (its own process), to a
local SMTP server (aiosmtpd) that counts every Message-ID it receives:

- 1,000 emails queued with `send_templated` (rendered from the agency's template, CSS inlined,
  links signed; the time printed), then delivered by the app's job worker (its own process,
  started once they are queued): each claimed, handed over and logged in its own transactions,
  on its own SMTP connection; target <= 30 s from the worker's start to the last delivered,
  zero duplicates, zero missing;
- baseline: the same 1,000 messages sent by a bare smtplib loop on one connection (no
  database, no queue, no log).

Run: `make bench` or `.venv/bin/python -m tests.bench.bench_mail` (a fresh PostgreSQL database
and Redis db `BENCH_MAIL_REDIS_URL`, default 6, flushed after; under a minute).
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from typing import Any

from tests.bench.common import log, owner_agency, scratch_database

COUNT = int(os.environ.get("BENCH_MAIL_COUNT", "1000"))
WORKERS = int(os.environ.get("BENCH_MAIL_WORKERS", "8"))
REDIS_URL = os.environ.get("BENCH_MAIL_REDIS_URL", "redis://127.0.0.1:6379/6")
TARGET_S = 30.0
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


class CountingSmtp:
    """An aiosmtpd server that counts the Message-IDs it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.seen: Counter[str] = Counter()
        self.first_at: float | None = None
        self.lock = threading.Lock()
        server = self

        class Handler:
            async def handle_DATA(self, _smtp: Any, _session: Any, envelope: Any) -> str:
                found = MESSAGE_ID.search(envelope.content)  # cheap: the server is not measured
                with server.lock:
                    server.seen[found.group(1).decode() if found else "?"] += 1
                    server.first_at = server.first_at or time.perf_counter()
                return "250 2.0.0 Ok"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(
            Handler(), hostname="127.0.0.1", port=self.port, server_kwargs={"data_size_limit": 0}
        )

    def start(self) -> str:
        self.controller.start()
        return f"smtp://127.0.0.1:{self.port}"

    def total(self) -> int:
        with self.lock:
            return sum(self.seen.values())


def _values(i: int) -> dict[str, str]:
    from travelcrm.mail import templating
    from travelcrm.mail.models import TemplateKind

    return templating.sample_values(TemplateKind.QUOTE_SENT) | {
        "customer_name": f"Traveller {i}",
        "quote_number": f"SUN-Q-2026-{i:04d}",
    }


def _baseline(server: CountingSmtp, ctx: Any) -> float:
    """The same rendered messages through one smtplib connection."""
    from email.message import EmailMessage

    from travelcrm.db import tenant_scope
    from travelcrm.mail import templates, templating
    from travelcrm.mail.models import TemplateKind

    with tenant_scope(ctx) as session:
        row = templates.template_for(session, ctx, kind=TemplateKind.QUOTE_SENT)
        texts = (row.subject, row.html_body, row.text_body)
    emails = []
    for i in range(COUNT):
        shown = templating.render(
            subject=texts[0], html_body=texts[1], text_body=texts[2], values=_values(i)
        )
        email = EmailMessage()
        email["From"] = "quotes@sunrise.example"
        email["To"] = f"traveller{i}@example.com"
        email["Subject"] = shown.subject
        email["Message-ID"] = f"<baseline-{i}@bench>"
        email.set_content(shown.text_body)
        email.add_alternative(shown.html_body, subtype="html")
        emails.append(email)
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", server.port) as client:
        for email in emails:
            client.send_message(email)
    return time.perf_counter() - started


def main() -> None:
    with scratch_database("travelcrm_bench_mail", redis=True):
        server = CountingSmtp()
        os.environ.update(
            {
                "REDIS_URL": REDIS_URL,
                "HUEY_IMMEDIATE": "false",
                "HUEY_NAME": f"bench-mail-{secrets.token_hex(3)}",
                "SMTP_URL": server.start(),
                "MAIL_FROM": "Sunrise Holidays <quotes@sunrise.example>",
            }
        )
        ctx, _user = owner_agency("mail", "Bench Mail Tours")
        from tasks.registry import huey
        from travelcrm.db import tenant_scope
        from travelcrm.mail import sending
        from travelcrm.mail.models import EmailState, TemplateKind

        huey.flush()
        baseline = _baseline(server, ctx)
        log(f"baseline: {COUNT} messages on one smtplib connection in {baseline:.2f} s")
        server.seen.clear()
        server.first_at = None

        started = time.perf_counter()
        for batch in range(0, COUNT, 100):
            with tenant_scope(ctx) as session:
                for i in range(batch, min(batch + 100, COUNT)):
                    sending.send_templated(
                        session,
                        ctx,
                        kind=TemplateKind.QUOTE_SENT,
                        to_email=f"traveller{i}@example.com",
                        to_name=f"Traveller {i}",
                        variables=_values(i),
                        send_key=f"bench-{i}",
                    )
        queued = time.perf_counter() - started
        log(f"queued {COUNT} in {queued:.2f} s ({queued / COUNT * 1000:.1f} ms each)")
        # then the app's job worker, in its own process as in production (`manage worker`)
        started = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "-m", "travelcrm.manage", "worker", "--threads", str(WORKERS)],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 180
            while server.total() < COUNT and time.monotonic() < deadline:
                time.sleep(0.02)
            delivered_s = time.perf_counter() - started
            from_first = time.perf_counter() - (server.first_at or started)
            time.sleep(1.0)  # anything sent twice would arrive now
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            huey.flush()
        from sqlmodel import func, select

        from travelcrm.mail.models import EmailMessageRow

        with tenant_scope(ctx) as session:
            states = dict(
                session.exec(
                    select(EmailMessageRow.state, func.count()).group_by(EmailMessageRow.state)
                ).all()
            )
        duplicates = sum(n - 1 for n in server.seen.values() if n > 1)
        received = server.total()
        ok = (
            received == COUNT
            and duplicates == 0
            and states.get(EmailState.SENT.value) == COUNT
            and delivered_s <= TARGET_S
        )
        print(
            f"  {COUNT} queued emails delivered: {delivered_s:6.2f} s from the worker's start "
            f"({from_first:.2f} s from the first delivery) vs baseline {baseline:6.2f} s "
            f"({delivered_s / baseline:5.1f}x); "
            f"received {received}, duplicates {duplicates}, states {states}; "
            f"target <= {TARGET_S:.0f} s, 0 duplicates: {'met' if ok else 'MISSED'}",
            flush=True,
        )
        server.controller.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()

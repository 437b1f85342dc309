"""SMTP servers that misbehave on purpose (aiosmtpd, on a free local port): refuse a
recipient, answer DATA with a scripted list of replies, or take the message and then drop
the connection before answering (the case that must not send twice)."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from typing import Any

from aiosmtpd.controller import Controller


class ScriptedSmtp:
    """Keeps every message it accepts. `replies`: the answers to the next DATA bodies in
    turn ("451 ..." or "550 ..."; None accepts), then it accepts. `refuse_rcpt`: the answer
    to RCPT TO. `drop_after_data`: store the message, then close the connection without a
    reply."""

    def __init__(
        self,
        *,
        replies: list[str | None] | None = None,
        refuse_rcpt: str | None = None,
        drop_after_data: bool = False,
    ) -> None:
        self.messages: list[Any] = []
        self.bodies_seen = 0
        self.replies = list(replies or [])
        self.refuse_rcpt = refuse_rcpt
        self.drop_after_data = drop_after_data
        self.lock = threading.Lock()
        server = self

        class Handler:
            async def handle_RCPT(self, _server, session, envelope, address, _options):
                if server.refuse_rcpt:
                    return server.refuse_rcpt
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, smtp, _session, envelope):
                with server.lock:
                    server.bodies_seen += 1
                    reply = server.replies.pop(0) if server.replies else None
                if reply is not None:
                    return reply
                with server.lock:
                    server.messages.append(
                        message_from_bytes(envelope.content, policy=policy.default)
                    )
                if server.drop_after_data:
                    smtp.transport.abort()  # the message is in; the answer never leaves
                    return "250 OK (never heard)"
                return "250 2.0.0 Ok: queued as T3ST"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> str:
        self.controller.start()
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, *, wait: float = 20.0) -> list[Any]:
        deadline = time.monotonic() + wait
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} message(s) did not arrive ({len(self.messages)})")
            time.sleep(0.05)
        return self.messages

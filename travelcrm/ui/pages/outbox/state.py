"""Dev outbox page state: the mail the app wrote, for a developer without an SMTP server.

Only when APP_ENV=dev. Elsewhere every handler returns before reading a message, so no mail
(and no one-time link in it) ever reaches the browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import reflex as rx

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.db import Session, system_scope
from travelcrm.mail import services as mail
from travelcrm.mail.models import OutboxMessage
from travelcrm.settings import get_settings
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id

LIMIT = 50
_URL = re.compile(r"https?://[^\s<>\"'`]+")
_TRAILING = ".,;:!?'\"]}>"


def outbox_enabled() -> bool:
    return get_settings().app_env == "dev"


@dataclass
class TextPart:
    text: str
    href: str = ""  # set: the text is a link


def _trim_url(url: str) -> str:
    """Drop the punctuation that ends a sentence, and a ")" that closes text around the URL."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def link_parts(text: str) -> list[TextPart]:
    """Plain text cut into pieces, the http(s) URLs marked as links (no other scheme is)."""
    parts: list[TextPart] = []
    position = 0
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if "://" not in url or url.endswith("://"):
            continue
        start = match.start()
        if start > position:
            parts.append(TextPart(text[position:start]))
        parts.append(TextPart(url, url))
        position = start + len(url)
    if position < len(text):
        parts.append(TextPart(text[position:]))
    return parts


def ago(seconds: float) -> str:
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min ago"
    if seconds < 86_400:
        return f"{seconds // 3600:.0f} h ago"
    return f"{seconds // 86_400:.0f} d ago"


@dataclass
class MessageRow:
    message_id: str
    when: str
    ago: str
    recipient: str
    subject: str
    kind: str
    status: str


def message_row(message: OutboxMessage) -> MessageRow:
    to = f"{message.to_name} <{message.to_email}>" if message.to_name else message.to_email
    return MessageRow(
        message_id=str(message.id),
        when=local_time(as_utc(message.created_at), "UTC", "%d %b %Y, %H:%M:%S UTC"),
        ago=ago(mail.age_seconds(message)),
        recipient=to,
        subject=message.subject,
        kind=message.kind,
        status=message.status,
    )


@dataclass
class OutboxView:
    """What the page shows: the list, and the open message with its links marked."""

    messages: list[MessageRow]
    selected_id: str = ""
    selected: dict[str, str] = field(default_factory=dict)
    body: list[TextPart] = field(default_factory=list)


def open_view(message: OutboxMessage | None) -> OutboxView:
    if message is None:
        return OutboxView(messages=[])
    row = message_row(message)
    return OutboxView(
        messages=[],
        selected_id=row.message_id,
        selected={
            "subject": row.subject,
            "to": row.recipient,
            "kind": row.kind,
            "status": row.status,
            "when": row.when,
            "attempts": str(message.attempts),
            "error": message.last_error or "",
            "html": "yes" if message.html_body else "",
        },
        body=link_parts(message.text_body),
    )


def outbox_view(session: Session, *, selected_id: str = "", pick_newest: bool) -> OutboxView:
    """The newest messages; the one that was open stays open (else the newest, if asked)."""
    rows = mail.list_outbox(session, limit=LIMIT)
    wanted = parse_id(selected_id)
    current = mail.get_message(session, message_id=wanted) if wanted else None
    if current is None and pick_newest and rows:
        current = rows[0]
    view = open_view(current)
    view.messages = [message_row(row) for row in rows]
    return view


class OutboxState(rx.State):
    loaded: bool = False
    enabled: bool = False
    messages: list[MessageRow] = []
    selected_id: str = ""
    selected: dict[str, str] = {}
    body: list[TextPart] = []
    refreshed_at: str = ""

    def _apply(self, view: OutboxView, *, keep_list: bool = False) -> None:
        if not keep_list:
            self.messages = view.messages
        self.selected_id, self.selected, self.body = view.selected_id, view.selected, view.body

    def _reload(self, *, pick_newest: bool) -> None:
        with system_scope() as session:
            view = outbox_view(session, selected_id=self.selected_id, pick_newest=pick_newest)
        self._apply(view)
        self.refreshed_at = local_time(utcnow(), "UTC", "%H:%M:%S UTC")

    @event
    def load(self) -> None:
        self.enabled = outbox_enabled()
        self.loaded = True
        if not self.enabled:  # nothing about the mail reaches the browser
            self._apply(OutboxView(messages=[]))
            return
        self._reload(pick_newest=True)

    @event
    def refresh(self) -> None:
        if not outbox_enabled():
            self.enabled = False
            self._apply(OutboxView(messages=[]))
            return
        self._reload(pick_newest=False)

    @event
    def open_message(self, message_id: str) -> None:
        wanted = parse_id(message_id)
        if not outbox_enabled() or wanted is None:
            return
        with system_scope() as session:
            self._apply(open_view(mail.get_message(session, message_id=wanted)), keep_list=True)

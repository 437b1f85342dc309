"""Email log page state: the agency's emails newest first (when, to whom, what, its state in
words and the mail server's last answer, in the agency's timezone), the chosen one's delivery
log, and the blocked addresses with Clear."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import as_utc
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.mail import sending
from travelcrm.mail.models import EmailMessageRow
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.mail.text import CLEARED, event_words, state_color, state_words
from travelcrm.ui.record import GatedPage

LIMIT = 100


@dataclass
class MessageLine:
    message_id: str
    when: str
    recipient: str
    subject: str
    state: str  # in words
    color: str
    answer: str
    opens: int
    clicks: int


@dataclass
class LogLine:
    when: str
    what: str
    detail: str


@dataclass
class BlockedLine:
    suppression_id: str
    email: str
    reason: str
    since: str


def message_line(row: EmailMessageRow, timezone: str) -> MessageLine:
    return MessageLine(
        message_id=str(row.id),
        when=local_time(as_utc(row.created_at), timezone),
        recipient=f"{row.to_name} <{row.to_email}>" if row.to_name else row.to_email,
        subject=row.subject,
        state=state_words(row.state),
        color=state_color(row.state),
        answer=row.last_answer or "",
        opens=row.opens,
        clicks=row.clicks,
    )


@dataclass
class LogView:
    messages: list[MessageLine]
    blocked: list[BlockedLine]
    events: list[LogLine]
    selected_id: str


def log_view(
    session: Session, ctx: TenantContext, *, timezone: str, selected: uuid.UUID | None
) -> LogView:
    rows, _ = sending.list_messages(session, ctx, params=PageParams(limit=LIMIT, cursor=None))
    chosen = selected if selected in {r.id for r in rows} else (rows[0].id if rows else None)
    events = sending.list_events(session, ctx, message_id=chosen, limit=100) if chosen else []
    return LogView(
        messages=[message_line(r, timezone) for r in rows],
        blocked=[
            BlockedLine(
                suppression_id=str(s.id),
                email=s.email,
                reason=s.reason,
                since=local_time(as_utc(s.created_at), timezone),
            )
            for s in sending.list_suppressions(session, ctx)
        ],
        events=[
            LogLine(
                when=local_time(as_utc(e.at), timezone, seconds=True),
                what=event_words(e.event, prefetch=e.prefetch),
                detail=e.detail or e.url or "",
            )
            for e in events
        ],
        selected_id=str(chosen) if chosen else "",
    )


class EmailLogState(GatedPage, rx.State):
    can_clear: bool = False
    messages: list[MessageLine] = []
    blocked: list[BlockedLine] = []
    events: list[LogLine] = []
    selected_id: str = ""

    def _reload(self, selected: uuid.UUID | None) -> EventSpec | None:
        view, failed = self._run(
            lambda session, ctx: log_view(session, ctx, timezone=self._timezone, selected=selected)
        )
        if view is not None:
            self.messages, self.blocked, self.events = view.messages, view.blocked, view.events
            self.selected_id = view.selected_id
        return failed

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.MAIL_LOG)
        if viewer is None:
            return self._signed_out()
        self.can_clear = can(viewer.context.role, Action.MAIL_TEMPLATES)
        failed = self._reload(parse_id(self.selected_id)) if self.allowed else None
        self.loaded = True
        return failed

    @event
    def refresh(self) -> EventSpec | None:
        return self._reload(parse_id(self.selected_id))

    @event
    def choose(self, message_id: str) -> EventSpec | None:
        wanted = parse_id(message_id)
        return None if wanted is None else self._reload(wanted)

    @event
    def clear(self, suppression_id: str) -> EventSpec | None:
        wanted = parse_id(suppression_id)
        line = next((b for b in self.blocked if b.suppression_id == suppression_id), None)
        if wanted is None or line is None:
            return None
        _, failed = self._run(
            lambda session, ctx: sending.clear_suppression(session, ctx, suppression_id=wanted),
            may=Action.MAIL_TEMPLATES,
        )
        if failed is not None:
            return failed
        self._reload(parse_id(self.selected_id))
        return rx.toast.success(CLEARED.format(email=line.email))

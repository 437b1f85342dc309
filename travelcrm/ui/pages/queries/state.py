"""A query's page state: the header (status, SLA clock, assignee), the moves its status allows
(at the version this page read: a change made meanwhile elsewhere is a conflict, never
overwritten), reassignment for managers, the details, and the timeline with its note / call
form.

Every handler identifies the viewer again and calls the query services in the viewer's agency:
an id from another agency, or a query an agent may not see, is "not found"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.locale import datetime_text
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItineraryCreate
from travelcrm.queries import services as queries
from travelcrm.queries.machine import OPEN_STATUSES, QueryStatus
from travelcrm.queries.schemas import QueryPublic
from travelcrm.queries.sla import sla_status
from travelcrm.timeline import services as timeline
from travelcrm.timeline.schemas import NoteIn
from travelcrm.ui import routes
from travelcrm.ui.components.money import format_money
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.customers.text import readable_phone
from travelcrm.ui.pages.itineraries.list_state import ItineraryRow, itinerary_rows
from travelcrm.ui.pages.queries.lost import AsksWhyLost
from travelcrm.ui.pages.queries.text import (
    PRIORITY_LABELS,
    STATUS_WORDS,
    Option,
    TimelineRow,
    mention_choices,
    nights_text,
    sla_clock,
    sla_tone,
    timeline_row,
    travel_text,
    with_mention,
)
from travelcrm.ui.record import RecordPage

NOTE_KINDS = ("note", "call", "email")
OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES)
# the buttons, the usual next step first
MOVE_ORDER = (
    QueryStatus.WON,
    QueryStatus.QUOTED,
    QueryStatus.ASSIGNED,
    QueryStatus.PENDING,
    QueryStatus.ON_HOLD,
    QueryStatus.LOST,
    QueryStatus.CANCELLED,
)
SOURCE_LABELS = {"staff": "Staff", "portal": "Customer portal", "api": "API", "email": "Email"}


@dataclass
class Detail:
    label: str
    value: str


@dataclass
class Move:
    target: str
    label: str  # the button: "Mark quoted", "Put on hold", "Unassign"...
    icon: str
    tone: str  # a colour scheme


def move_of(current: str, to: QueryStatus) -> Move:
    """The button for a move, in words that fit where the query is."""
    words = {
        QueryStatus.PENDING: (
            ("Submit", "send")
            if current == QueryStatus.DRAFT.value
            else ("Reopen", "rotate-ccw")
            if current == QueryStatus.LOST.value
            else ("Unassign", "user-minus")
        ),
        QueryStatus.ASSIGNED: (
            ("Resume", "play") if current == QueryStatus.ON_HOLD.value else ("Take it", "hand")
        ),
        QueryStatus.QUOTED: ("Mark quoted", "file-check"),
        QueryStatus.ON_HOLD: ("Put on hold", "pause"),
        QueryStatus.WON: ("Won", "trophy"),
        QueryStatus.LOST: ("Lost", "thumbs-down"),
        QueryStatus.CANCELLED: ("Cancel query", "ban"),
    }
    if current == QueryStatus.QUOTED.value and to is QueryStatus.ASSIGNED:
        words[QueryStatus.ASSIGNED] = ("Back to working", "undo-2")
    if current == QueryStatus.ON_HOLD.value and to is QueryStatus.QUOTED:
        words[QueryStatus.QUOTED] = ("Resume as quoted", "play")
    label, icon = words[to]
    tone = {
        QueryStatus.WON: "green",
        QueryStatus.LOST: "red",
        QueryStatus.CANCELLED: "red",
        QueryStatus.ON_HOLD: "orange",
    }.get(to, "teal")
    return Move(target=to.value, label=label, icon=icon, tone=tone)


def details_of(query: QueryPublic, timezone: str) -> list[Detail]:
    """The trip in words, only what is known (the reply's due time is the SLA clock's, in
    the header: one clock)."""
    when = travel_text(query.start_date, query.end_date, query.travel_month, query.nights)
    if query.start_date and query.nights:
        when += f" ({nights_text(query.nights)})"
    who = f"{query.adults} adult{'s' if query.adults != 1 else ''}"
    if query.children:
        ages = ", ".join(str(a) for a in query.child_ages)
        who += f", {query.children} child{'ren' if query.children != 1 else ''} ({ages})"
    budget = (
        format_money(query.budget, query.budget_currency)
        if query.budget is not None and query.budget_currency
        else ""
    )
    rows = [
        ("Destinations", ", ".join(query.destinations)),
        ("When", when),
        ("Travellers", who),
        ("Budget", budget),
        ("Hotel", query.hotel_category or ""),
        ("Interests", ", ".join(query.interests)),
        ("Language", query.language or ""),
        ("Priority", PRIORITY_LABELS.get(query.priority.value, query.priority.value)),
        ("Source", SOURCE_LABELS.get(query.source.value, query.source.value)),
        ("External ref", query.external_ref or ""),
        ("Received", datetime_text(query.created_at, timezone)),
        ("Lost because", query.lost_reason or ""),
    ]
    return [Detail(label, value) for label, value in rows if value]


class QueryState(AsksWhyLost, RecordPage, rx.State):
    can_edit: bool = False
    can_assign: bool = False
    query_id: str = ""
    # the header
    reference: str = ""
    title: str = ""
    status: str = ""
    status_label: str = ""
    priority: str = ""
    sla: str = ""  # "2h 10m left", "breached 35m ago"; "" when no reply is owed
    sla_due: str = ""  # "due Tue, 8 Dec 2026, 10:00 AM": the same instant as `sla`
    sla_tone: str = ""
    assignee: str = ""
    customer_name: str = ""
    customer_href: str = ""
    customer_phone: str = ""  # "+91 98123 45678"
    customer_tel: str = ""  # "tel:+919812345678"
    customer_email: str = ""
    version: int = 0
    moves: list[Move] = []
    details: list[Detail] = []
    notes: str = ""
    timeline: list[TimelineRow] = []
    # the trips built for it
    can_build: bool = False
    see_itineraries: bool = False
    itineraries: list[ItineraryRow] = []
    # reassign (managers)
    colleagues: list[Option] = []
    assignee_id: str = ""
    # the note / call form
    note_kind: str = "note"
    note_body: str = ""
    counts_as_reply: bool = False  # calls and emails only
    note_error: str = ""
    note_key: int = 0
    mention_choices: list[str] = []  # the colleagues an "@..." being typed may mean
    _people: list[str] = []  # the names a note may mention
    # lost: the reason; cancel: a confirmation
    cancel_open: bool = False

    @rx.var
    def is_open(self) -> bool:
        """Still being worked on: it can be reassigned."""
        return self.status in OPEN_VALUES

    @rx.var
    def reaches_customer(self) -> bool:
        """A call or an email, which may be the reply the customer waits for (a note is not)."""
        return self.note_kind in ("call", "email")

    # ---- plumbing -------------------------------------------------------------------------------

    def _record_id(self) -> uuid.UUID | None:
        return parse_id(self.query_id)

    def _missing(self) -> str:
        return "Query not found."

    def _read(self, session: Session, ctx: TenantContext, query_id: uuid.UUID) -> None:
        query = queries.get_query(session, ctx, query_id=query_id)
        public = queries.to_public(session, ctx, query)
        events = queries.query_timeline(session, ctx, query_id=query.id)
        people = queries.colleagues(session, ctx)
        names = {str(user_id): name for user_id, name in people}
        self.reference, self.title = public.reference, public.title
        self.status = public.status.value
        self.status_label = STATUS_WORDS.get(self.status, self.status)
        self.priority = public.priority.value
        self._clock(session, ctx, public)
        self.assignee = public.assigned_to_name or ""
        self.assignee_id = str(public.assigned_to or "")
        self.customer_name = public.customer_name
        self.customer_href = routes.customer(public.customer_id)
        self.customer_phone = readable_phone(public.customer_phone)
        self.customer_tel = f"tel:{public.customer_phone}" if public.customer_phone else ""
        self.customer_email = public.customer_email or ""
        self.version = public.row_version
        self.moves = [
            move_of(self.status, to) for to in MOVE_ORDER if to in set(public.allowed_next)
        ]
        self.details = details_of(public, self._timezone)
        self.notes = public.notes or ""
        self.timeline = [timeline_row(e, names, self._timezone) for e in events]
        self.colleagues = [Option(str(user_id), name) for user_id, name in people]
        self._people = timeline.mention_names(session)
        self.itineraries = (
            itinerary_rows(session, ctx, query_id=query.id)
            if can(ctx.role, Action.ITINERARIES_VIEW)
            else []
        )

    def _clock(
        self, session: Session, ctx: TenantContext, public: QueryPublic, now: datetime | None = None
    ) -> None:
        """The one SLA clock: the time left and the due time, both from the reply's due time
        (none when no reply is owed)."""
        self.sla = self.sla_due = self.sla_tone = ""
        if not public.sla_label or public.response_due_at is None:
            return
        now = now or utcnow()
        calendar = queries.rules(session, ctx).calendar
        status = sla_status(calendar, as_utc(public.response_due_at), now)
        self.sla, self.sla_due = sla_clock(status, now, self._timezone)
        self.sla_tone = sla_tone(status.breached, public.response_due_at, now)

    # ---- loading --------------------------------------------------------------------------------

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUERIES_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_edit = can(role, Action.QUERIES_EDIT)
        self.can_assign = can(role, Action.QUERIES_ASSIGN)
        self.can_build = can(role, Action.ITINERARIES_EDIT)
        self.see_itineraries = can(role, Action.ITINERARIES_VIEW)
        self.lost_open = self.cancel_open = False
        self._clear_note()
        self.note_error = ""
        self.query_id = self._page_arg("id")[:64]
        self._loaded()
        return None

    @event
    def tick(self, _value: Any = None) -> EventSpec | None:
        """The SLA clock, read again (each minute while the page is open); a query reassigned
        away from an agent who may not see it now is "not found" then."""
        if self._viewer() is None:
            return self._signed_out()
        if self.found:
            self._refresh()
        return None

    # ---- moves ----------------------------------------------------------------------------------

    def _transition(self, to: QueryStatus, reason: str | None = None) -> EventSpec | None:
        """Refused (the toast names the allowed moves), stale or gone: the page as it is now."""
        return self._change(
            lambda session, ctx, query_id: queries.transition(
                session, ctx, query_id=query_id, to=to, row_version=self.version, reason=reason
            ),
            done=f"{self.reference} is {STATUS_WORDS[to.value].lower()} now.",
        )

    @event
    def move(self, to: str) -> EventSpec | None:
        if to not in STATUS_WORDS:
            return None
        if to == QueryStatus.LOST.value:
            return self._ask_why_lost()
        if to == QueryStatus.CANCELLED.value:
            self.cancel_open = True
            return None
        return self._transition(QueryStatus(to))

    @event
    def confirm_lost(self, _form: dict[str, Any] | None = None) -> EventSpec | None:
        reason = self._why_lost()
        if not isinstance(reason, str):
            return reason
        return self._transition(QueryStatus.LOST, reason)

    @event
    def set_cancel_open(self, value: bool) -> None:
        self.cancel_open = bool(value)

    @event
    def confirm_cancel(self) -> EventSpec | None:
        self.cancel_open = False
        return self._transition(QueryStatus.CANCELLED)

    @event
    def reassign(self, user_id: str) -> EventSpec | None:
        target = parse_id(user_id)
        if target is None or user_id == self.assignee_id:
            return None
        name = next((c.label for c in self.colleagues if c.value == user_id), "them")
        return self._change(
            lambda session, ctx, query_id: queries.reassign(
                session, ctx, query_id=query_id, user_id=target, row_version=self.version
            ),
            done=f"{self.reference} is with {name} now.",
        )

    # ---- notes and calls ------------------------------------------------------------------------

    @event
    def set_note_kind(self, value: str | list[str]) -> None:
        kind = value if isinstance(value, str) else ""
        self.note_kind = kind if kind in NOTE_KINDS else "note"
        # a call or an email is usually the reply the customer waits for; a note never is
        self.counts_as_reply = self.note_kind in ("call", "email")

    @event
    def set_counts_as_reply(self, value: bool) -> None:
        self.counts_as_reply = bool(value) and self.note_kind in ("call", "email")

    @event
    def set_note_body(self, value: str) -> None:
        """As the note is typed: who an "@..." at its end may mean."""
        self.note_body = str(value)[:5000]
        self.mention_choices = mention_choices(self.note_body, self._people)

    @event
    def pick_mention(self, name: str) -> EventSpec | None:
        """A suggested colleague chosen: their whole name completes the "@...", and the
        cursor goes back to the end of the note."""
        if name not in self._people:
            return None
        self.note_body = with_mention(self.note_body, name)[:5000]
        self.mention_choices = []
        return rx.call_script(
            "setTimeout(() => { const el = document.getElementById('note-body');"
            " if (el) { el.focus(); el.setSelectionRange(el.value.length, el.value.length); }"
            " }, 50)"
        )

    @event
    def add_note(self, form: dict[str, Any]) -> EventSpec | None:
        self.note_error = ""
        body = str(form.get("body") or self.note_body or "").strip()
        kind = self.note_kind if self.note_kind in NOTE_KINDS else "note"
        try:
            data = NoteIn.model_validate(
                {
                    "kind": kind,
                    "body": body,
                    "counts_as_reply": self.counts_as_reply and kind != "note",
                }
            )
        except ValidationError:
            self.note_error = "Write what was said (up to 5,000 characters)."
            return None
        said = {"note": "Note added.", "call": "Call logged.", "email": "Email logged."}
        if data.counts_as_reply:
            said = {k: f"{v[:-1]}: the reply clock starts again." for k, v in said.items()}
        return self._change(
            lambda session, ctx, query_id: queries.add_note(
                session, ctx, query_id=query_id, data=data
            ),
            done=said[data.kind],
            then=self._clear_note,
        )

    def _clear_note(self) -> None:
        """An empty note form for the next one: a note again, the reply box cleared."""
        self.note_key += 1
        self.note_kind, self.note_body, self.counts_as_reply = "note", "", False
        self.mention_choices = []

    # ---- itineraries ----------------------------------------------------------------------------

    @event
    def build_itinerary(self) -> EventSpec | list[EventSpec] | None:
        """A new itinerary from this query (its travellers, dates and budget), opened."""
        created, failed = self._on_record(
            lambda session, ctx, query_id: (
                itineraries.create_itinerary(
                    session, ctx, data=ItineraryCreate(query_id=query_id)
                ).id
            )
        )
        if created is None:
            return failed
        return [
            rx.toast.success("Itinerary built from the query."),
            rx.redirect(routes.itinerary(created)),
        ]

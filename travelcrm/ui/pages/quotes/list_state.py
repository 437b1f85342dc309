"""Quotes list state: the agency's quote versions newest first (number and version, trip,
customer, total in the agency's money words, valid until, state in words), filtered by state;
and "Create quote" on a frozen itinerary."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Action, can
from travelcrm.quotes import services as quotes
from travelcrm.quotes.machine import QuoteState
from travelcrm.quotes.schemas import QuoteCreate, QuoteListItem
from travelcrm.ui import routes
from travelcrm.ui.components.money import format_date, format_money
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.quotes.text import state_color, state_words
from travelcrm.ui.record import FormPage

LIST_LIMIT = 100


@dataclass
class QuoteRow:
    quote_id: str
    href: str
    reference: str  # "SH-Q-2026-0001 v2"
    title: str
    customer: str
    total: str
    valid_until: str
    state: str  # in words
    color: str


def quote_row(item: QuoteListItem) -> QuoteRow:
    return QuoteRow(
        quote_id=str(item.id),
        href=routes.quote(item.id),
        reference=f"{item.reference} v{item.version}",
        title=item.title,
        customer=item.customer_name or "—",
        total=format_money(item.total, item.currency),
        valid_until=format_date(item.valid_until),
        state=state_words(item.state.value),
        color=state_color(item.state.value),
    )


class QuotesState(FormPage, rx.State):
    rows: list[QuoteRow] = []
    state_filter: str = ""
    more: bool = False
    can_configure: bool = False  # may open the quote settings

    def _read(self) -> EventSpec | None:
        states = [QuoteState(self.state_filter)] if self.state_filter else []
        found, failed = self._run(
            lambda session, ctx: quotes.list_quotes(
                session, ctx, page=PageParams(LIST_LIMIT, None), states=states
            )
        )
        self.rows = [quote_row(i) for i in found.items] if found else []
        self.more = bool(found and found.next_cursor)
        return failed

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUOTES_VIEW)
        if viewer is None:
            return self._signed_out()
        self.can_configure = can(viewer.context.role, Action.PRICING_SETTINGS)
        failed = self._read() if self.allowed else None
        self.loaded = True
        return failed

    @event
    def set_state_filter(self, value: str) -> EventSpec | None:
        self.state_filter = value if value in {s.value for s in QuoteState} else ""
        return self._read()


class CreateQuoteState(FormPage, rx.State):
    """ "Create quote" on a frozen itinerary: a draft from its frozen version, then its page."""

    can_create: bool = False

    @event
    def check(self) -> None:
        viewer = self._viewer()
        self.can_create = viewer is not None and can(viewer.context.role, Action.QUOTES_EDIT)

    @event
    def create_from(self, itinerary_id: str) -> EventSpec | list[EventSpec]:
        target = parse_id(itinerary_id)
        if target is None:
            return rx.toast.error("Itinerary not found.")
        made, failed = self._run(
            lambda session, ctx: quotes.create_quote(
                session, ctx, data=QuoteCreate(itinerary_id=target)
            ),
            may=Action.QUOTES_EDIT,
        )
        if made is None:
            return failed or []
        return [
            rx.toast.success(f"{quotes.name_of(made)} made as a draft."),
            rx.redirect(routes.quote(made.id)),
        ]

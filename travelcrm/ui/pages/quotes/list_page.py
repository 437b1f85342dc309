"""Quotes: the agency's quote versions, newest first, filtered by state; and the "Create
quote" button a frozen itinerary shows."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import page_body, page_header, section
from travelcrm.ui.components.fields import short_select
from travelcrm.ui.components.tables import empty_state, gated_by, listing
from travelcrm.ui.pages.quotes.list_state import CreateQuoteState, QuoteRow, QuotesState
from travelcrm.ui.pages.quotes.text import STATE_CHOICES
from travelcrm.ui.template import staff_page

S = QuotesState


def state_badge(words: Any, color: Any, test_id: str = "quote-state") -> rx.Component:
    return rx.badge(
        words, color_scheme=color, variant="soft", white_space="nowrap", data_testid=test_id
    )


def quote_line(row: ObjectVar[QuoteRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                rx.text(row.reference, weight="bold", white_space="nowrap"),
                href=row.href,
                underline="hover",
                data_testid="quote-link",
            )
        ),
        rx.table.cell(rx.text(row.title, size="2")),
        rx.table.cell(rx.text(row.customer, size="2")),
        rx.table.cell(rx.text(row.total, size="2", white_space="nowrap"), text_align="right"),
        rx.table.cell(rx.text(row.valid_until, size="2", white_space="nowrap")),
        rx.table.cell(state_badge(row.state, row.color)),
        align="center",
        data_testid="quote-row",
    )


QUOTE_COLUMNS = [
    ("Quote", "left"),
    ("Trip", "left"),
    ("Customer", "left"),
    ("Total", "right"),
    ("Valid until", "left"),
    ("State", "left"),
]


def create_quote_button(itinerary_id: Any) -> rx.Component:
    """On a frozen itinerary: a draft quote from its frozen version (for those who may)."""
    return rx.fragment(
        rx.cond(
            CreateQuoteState.can_create,
            action_button(
                "file-plus",
                "Create quote",
                on_click=CreateQuoteState.create_from(itinerary_id),  # type: ignore[operator]
                test_id="create-quote",
                variant="solid",
            ),
        ),
        rx.box(on_mount=CreateQuoteState.check, display="none"),
    )


def _filter() -> rx.Component:
    return rx.hstack(
        rx.text("State", size="2", weight="medium", as_="label", html_for="quote-state-filter"),
        short_select(
            "quote-state-filter",
            STATE_CHOICES,
            value=S.state_filter,
            on_change=S.set_state_filter,
            data_testid="quote-state-filter",
        ),
        align="center",
        spacing="2",
    )


def _list() -> rx.Component:
    return page_body(
        page_header(
            "Quotes",
            "What customers are offered, made from frozen itineraries.",
            rx.cond(
                S.can_configure,
                rx.link(
                    rx.button(rx.icon("settings", size=14), "Quote settings", variant="soft"),
                    href=routes.QUOTE_SETTINGS,
                    data_testid="quote-settings-link",
                ),
            ),
        ),
        section(
            "Quotes",
            listing(
                S.rows,
                QUOTE_COLUMNS,
                quote_line,
                test_id="quotes",
                empty=empty_state(
                    "file-text",
                    "No quotes here",
                    "Freeze an itinerary for a quote, then press “Create quote” on it.",
                    test_id="quotes-empty",
                ),
            ),
            rx.cond(
                S.more,
                rx.text(
                    "Showing the newest 100; filter by state to see others.",
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            action=_filter(),
        ),
    )


@staff_page(route=routes.QUOTES, title="Quotes", on_load=QuotesState.load)
def quotes_page() -> rx.Component:
    return gated_by(S, _list())

"""Itineraries: the agency's trips, newest first, and "New itinerary" (a blank trip; one from
a query starts on the query's page)."""

from __future__ import annotations

from functools import partial
from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import dialog_of, opens
from travelcrm.ui.components.cards import page_body, page_header, section
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import field_row, text_field
from travelcrm.ui.components.tables import empty_state, gated_by, listing
from travelcrm.ui.pages.itineraries.list_state import ItinerariesState, ItineraryRow
from travelcrm.ui.template import staff_page

S = ItinerariesState


def status_chip(status: Any, frozen: Any) -> rx.Component:
    """ "Draft" (gray) or "Frozen for quote" (blue, a lock)."""
    return rx.badge(
        rx.cond(frozen, rx.icon("lock", size=12), rx.icon("pencil-ruler", size=12)),
        status,
        color_scheme=rx.cond(frozen, "blue", "gray"),
        variant="soft",
        white_space="nowrap",
    )


def itinerary_line(row: ObjectVar[ItineraryRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                rx.text(row.reference, weight="bold", white_space="nowrap"),
                href=row.href,
                underline="hover",
                data_testid="itinerary-link",
            )
        ),
        rx.table.cell(rx.text(row.title, size="2")),
        rx.table.cell(rx.text(row.dates, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.travellers, size="2")),
        rx.table.cell(status_chip(row.status, row.frozen)),
        rx.table.cell(
            rx.cond(
                row.total != "",
                rx.vstack(
                    rx.text(row.total, size="2", weight="medium", white_space="nowrap"),
                    rx.cond(
                        row.partial,
                        rx.text("some items unpriced", size="1", color=rx.color("amber", 11)),
                    ),
                    spacing="0",
                    align="end",
                ),
                rx.text("Not priced", size="1", color=rx.color("gray", 10)),
            ),
            text_align="right",
            data_testid="itinerary-total",
        ),
        rx.table.cell(
            rx.text(row.margin, size="2", white_space="nowrap"),
            text_align="right",
            data_testid="itinerary-margin",
        ),
        align="center",
        data_testid="itinerary-row",
    )


ITINERARY_COLUMNS = [
    ("Itinerary", "left"),
    ("Trip", "left"),
    ("Dates", "left"),
    ("Travellers", "left"),
    ("Status", "left"),
    ("Total", "right"),
    ("Margin", "right"),
]

_new_field = partial(text_field, prefix="new", errors=S.create_errors, size="2")


def create_dialog() -> rx.Component:
    return rx.fragment(
        opens("plus", "New itinerary", S, "create", test_id="new-itinerary"),
        form_dialog(
            "New itinerary",
            _new_field("Name", "title", required=True, placeholder="Kerala family week"),
            field_row(
                _new_field("First day", "start_date", type="date", required=True),
                _new_field("Number of days", "days", type="number", default_value="5", min=1),
                _new_field("Adults", "adults", type="number", default_value="2", min=1),
                _new_field("Children's ages", "child_ages", "e.g. 8, 12; blank for none"),
            ),
            **dialog_of(S, "create", S.create),
            submit_label="Create",
            test_id="new-itinerary",
            description="A blank trip. To carry a query's travellers and dates over, use "
            "“Build itinerary” on the query.",
            key=S.create_key,  # type: ignore[arg-type]
            max_width="560px",
        ),
    )


def _list() -> rx.Component:
    return page_body(
        page_header(
            "Itineraries",
            "Trips built day by day, priced from your published rates.",
            rx.cond(S.can_create, create_dialog()),
        ),
        section(
            "Itineraries",
            listing(
                S.rows,
                ITINERARY_COLUMNS,
                itinerary_line,
                test_id="itineraries",
                empty=empty_state(
                    "route",
                    "No itineraries yet",
                    "Build one from a query, or start a blank one here.",
                    test_id="itineraries-empty",
                ),
            ),
        ),
    )


@staff_page(route=routes.ITINERARIES, title="Itineraries", on_load=ItinerariesState.load)
def itineraries_page() -> rx.Component:
    return gated_by(S, _list())

"""The price check tab: what a quote would get from this supplier's published lists."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.components.cards import section
from travelcrm.ui.components.tables import data_table
from travelcrm.ui.pages.rates.price_check_state import RatePriceCheckState
from travelcrm.ui.pages.rates.rows import BASIS_OPTIONS, OCCUPANCY_OPTIONS, PC_ANY_BASIS, NightRow
from travelcrm.ui.pages.rates.widgets import MUTED, input_field, opts, select_field

S = RatePriceCheckState


def _total(amount: Any) -> rx.Component:
    return rx.table.cell(rx.text(amount, weight="bold"), text_align="right")


def _night(row: ObjectVar[NightRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(row.night, size="2"),
            rx.cond(
                row.parts != "",
                rx.text(row.parts, size="1", color=MUTED, data_testid="quote-parts"),
            ),
        ),
        rx.table.cell(rx.text(row.net, size="2"), text_align="right"),
        rx.table.cell(rx.text(row.sell, size="2", weight="medium"), text_align="right"),
        data_testid="quote-night",
    )


def price_tab() -> rx.Component:
    errors = S.quote_errors

    def small(label: str, name: str, default: str, placeholder: str = "") -> rx.Component:
        return input_field(
            label, name, errors, test_id=f"pc-{name}", default=default, placeholder=placeholder
        )

    return section(
        "Price check",
        rx.text(
            "What a quote would get from the published versions of this supplier (drafts are "
            "not on sale).",
            size="2",
            color=MUTED,
        ),
        rx.form(
            rx.vstack(
                rx.grid(
                    select_field(
                        "Service",
                        S.services,
                        "service_id",
                        errors,
                        placeholder="Service",
                        on_change=S.set_pc_service,
                        test_id="pc-service",
                    ),
                    input_field("Check-in", "check_in", errors, test_id="pc-check-in", type="date"),
                    small("Nights", "nights", "1"),
                    select_field(
                        "Occupancy",
                        opts(OCCUPANCY_OPTIONS),
                        "occupancy",
                        errors,
                        default_value="double",
                    ),
                    small("Rooms", "rooms", "1"),
                    small("Adults", "adults", "2"),
                    small("Child ages", "child_ages", "", "e.g. 8, 4"),
                    small("With a bed", "children_with_bed", "0"),
                    columns=rx.breakpoints(
                        initial="1", md="220px 150px 64px 120px 64px 64px 100px 84px"
                    ),
                    spacing="3",
                    align="start",
                    width="100%",
                ),
                rx.grid(
                    select_field(
                        "Priced",
                        opts(BASIS_OPTIONS),
                        "basis",
                        errors,
                        first=(PC_ANY_BASIS, "As the list sells it"),
                        default_value=PC_ANY_BASIS,
                        test_id="pc-basis",
                    ),
                    rx.cond(S.pc_vehicle, small("Km per day", "km", "", "e.g. 300")),
                    rx.cond(S.pc_vehicle, small("Hours per day", "hours", "", "e.g. 4")),
                    rx.cond(S.pc_vehicle, small("Transfers per day", "transfers", "1")),
                    small("Supplements", "supplements", "", "e.g. Night driving"),
                    columns=rx.breakpoints(initial="1", md="200px 100px 100px 120px 220px"),
                    spacing="3",
                    align="start",
                    width="100%",
                ),
                rx.button("Check price", type="submit", data_testid="pc-run"),
                spacing="3",
                align="start",
                width="100%",
            ),
            on_submit=S.check_price,
            reset_on_submit=False,
        ),
        rx.cond(
            S.quote_error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("ban")),
                rx.callout.text(rx.text(S.quote_reason, weight="bold"), S.quote_error),
                color_scheme="red",
                width="100%",
                data_testid="quote-refused",
            ),
        ),
        rx.cond(
            S.quote_rows.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                data_table(
                    [("Night", "left"), ("Net", "right"), ("Sell", "right")],
                    rx.table.body(
                        rx.foreach(S.quote_rows, _night),
                        rx.table.row(
                            rx.table.cell(rx.text("Total", weight="bold")),
                            _total(S.quote_total_net),
                            _total(S.quote_total_sell),
                        ),
                    ),
                    test_id="quote",
                ),
                rx.text(S.quote_source, size="2", data_testid="quote-source"),
                rx.text(S.quote_note, size="1", color=MUTED),
                spacing="2",
                width="100%",
            ),
        ),
    )

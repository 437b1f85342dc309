"""Rate lists: the agency's supplier contracts with their published version, and the
"New rate list" dialog."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.rates.models import Market
from travelcrm.ui import routes
from travelcrm.ui.components.cards import page_header, section
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import data_table, empty_state, gated
from travelcrm.ui.pages.rates.list_state import MARKETS, RateListRow, RateListsState
from travelcrm.ui.template import staff_page

COLUMNS = [
    ("Rate list", "left"),
    ("Supplier", "left"),
    ("Market", "left"),
    ("Published", "left"),
    ("Validity", "left"),
    ("", "right"),
]
CURRENCIES = ("INR", "USD", "EUR", "GBP", "AED", "SGD", "THB", "AUD", "LKR", "NPR", "MVR", "IDR")


def _row(row: ObjectVar[RateListRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                rx.text(row.name, weight="medium"),
                href=row.href,
                underline="hover",
                data_testid="rate-list-link",
            )
        ),
        rx.table.cell(rx.text(row.supplier, size="2")),
        rx.table.cell(rx.badge(row.market, variant="soft", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                row.published != "",
                rx.badge(
                    rx.icon("circle-check", size=12),
                    f"{row.published} published",
                    color_scheme="green",
                    variant="soft",
                ),
                rx.text("Not published", size="2", color=rx.color("gray", 10)),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.text(row.validity, size="2", white_space="nowrap"),
                rx.cond(row.currency != "", rx.code(row.currency, size="1")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(
            rx.cond(
                row.draft != "",
                rx.badge(rx.icon("pencil", size=12), row.draft, color_scheme="amber"),
            ),
            text_align="right",
        ),
        align="center",
        data_testid="rate-list-row",
    )


def _create_dialog() -> rx.Component:
    errors = RateListsState.create_errors
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("plus", size=16), "New rate list", data_testid="new-rate-list")
        ),
        rx.dialog.content(
            rx.dialog.title("New rate list"),
            rx.dialog.description(
                "A contract with one supplier. It starts as draft version 1 with the usual age "
                "bands; add seasons and prices, then publish.",
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    field(
                        "Supplier",
                        option_select(
                            RateListsState.suppliers,
                            name="supplier_id",
                            placeholder="Choose a supplier",
                            test_id="supplier-select",
                        ),
                        error=errors.get("supplier_id", ""),
                        hint=rx.cond(
                            RateListsState.suppliers.length() == 0,  # type: ignore[attr-defined]
                            "Add suppliers first: this agency has none yet.",
                            "",
                        ),
                        test_id="supplier_id",
                    ),
                    field(
                        "Name",
                        rx.input(
                            name="name",
                            id="rl-name",
                            placeholder="e.g. Sea Breeze 2027-28",
                            width="100%",
                        ),
                        error=errors.get("name", ""),
                        html_for="rl-name",
                        test_id="name",
                    ),
                    rx.grid(
                        field(
                            "Market",
                            option_select(
                                MARKETS,
                                value=RateListsState.market,
                                on_change=RateListsState.set_market,
                                test_id="market-select",
                            ),
                            error=errors.get("market", ""),
                        ),
                        field(
                            "Currency",
                            rx.input(
                                name="currency",
                                id="rl-currency",
                                default_value="INR",
                                max_length=3,
                                custom_attrs={"list": "rl-currencies"},
                                width="100%",
                            ),
                            error=errors.get("currency", ""),
                            html_for="rl-currency",
                            test_id="currency",
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    rx.cond(
                        RateListsState.market == Market.AGENT_GROUP.value,
                        field(
                            "Agent group",
                            rx.input(name="agent_group", id="rl-group", width="100%"),
                            error=errors.get("agent_group", ""),
                            html_for="rl-group",
                            test_id="agent_group",
                        ),
                    ),
                    rx.grid(
                        field(
                            "Valid from",
                            rx.input(name="valid_from", id="rl-from", type="date", width="100%"),
                            error=errors.get("valid_from", ""),
                            html_for="rl-from",
                            test_id="valid_from",
                        ),
                        field(
                            "Valid to",
                            rx.input(name="valid_to", id="rl-to", type="date", width="100%"),
                            error=errors.get("valid_to", ""),
                            html_for="rl-to",
                            test_id="valid_to",
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    rx.grid(
                        field(
                            "Cancellation terms",
                            rx.text_area(
                                name="terms",
                                id="rl-terms",
                                placeholder="30: free\n7: 1 night",
                                rows="3",
                                width="100%",
                            ),
                            error=errors.get("terms", ""),
                            hint="One tier a line: days before arrival: charge",
                            html_for="rl-terms",
                            test_id="terms",
                        ),
                        field(
                            "No-show charge %",
                            rx.input(
                                name="no_show", id="rl-noshow", placeholder="100", width="100%"
                            ),
                            error=errors.get("no_show", ""),
                            html_for="rl-noshow",
                            test_id="no_show",
                        ),
                        columns="2fr 1fr",
                        spacing="3",
                        width="100%",
                    ),
                    rx.el.datalist(
                        *[rx.el.option(value=c) for c in CURRENCIES], id="rl-currencies"
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Create", type="submit", data_testid="create-rate-list"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=RateListsState.create,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=RateListsState.create_open,
        on_open_change=RateListsState.set_create_open,
    )


def _search() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q",
                placeholder="Search rate lists by name",
                default_value=RateListsState.query,
                width="320px",
                data_testid="rate-search",
            ),
            rx.button("Search", type="submit", variant="soft"),
            rx.cond(
                RateListsState.query != "",
                rx.button(
                    "Clear",
                    type="button",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=RateListsState.clear_search,
                ),
            ),
            spacing="2",
            align="center",
        ),
        on_submit=RateListsState.search,
        reset_on_submit=False,
    )


def _content() -> rx.Component:
    return rx.vstack(
        page_header(
            "Rate lists",
            "Supplier contracts: seasons, prices, versions and what is on sale.",
            rx.cond(RateListsState.can_edit, _create_dialog()),
        ),
        section(
            "All rate lists",
            _search(),
            rx.cond(
                RateListsState.rows.length() > 0,  # type: ignore[attr-defined]
                data_table(
                    COLUMNS,
                    rx.table.body(rx.foreach(RateListsState.rows, _row)),
                    test_id="rate-lists",
                ),
                empty_state(
                    "tags",
                    rx.cond(RateListsState.query != "", "Nothing matches", "No rate lists yet"),
                    rx.cond(
                        RateListsState.query != "",
                        "Try another name, or clear the search.",
                        "Create one for a supplier to start pricing its services.",
                    ),
                    test_id="rate-lists-empty",
                ),
            ),
            action=rx.text(RateListsState.summary, size="2", color=rx.color("gray", 11)),
        ),
        spacing="5",
        width="100%",
    )


@staff_page(route=routes.RATES, title="Rate lists", on_load=RateListsState.load)
def rate_lists_page() -> rx.Component:
    return gated(
        loaded=RateListsState.loaded,
        allowed=RateListsState.allowed,
        role=RateListsState.role,
        content=_content(),
    )

"""Rate lists: the agency's supplier contracts with their published version, and the
"New rate list" dialog."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.rates.models import Market
from travelcrm.ui import routes
from travelcrm.ui.components.cards import page_header, section
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import data_table, empty_state, gated
from travelcrm.ui.pages.rates.list_state import MARKETS, RateListRow, RateListsState
from travelcrm.ui.pages.rates.widgets import CURRENCY_OPTIONS
from travelcrm.ui.template import staff_page

S = RateListsState

COLUMNS = [
    ("Rate list", "left"),
    ("Supplier", "left"),
    ("Market", "left"),
    ("Published", "left"),
    ("Validity", "left"),
    ("", "right"),
]


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


def _labelled(
    label: str,
    name: str,
    control: rx.Component,
    hint: rx.Var[str] | str = "",
    error_key: str | None = None,
) -> rx.Component:
    """A control of the dialog with its label (tied to it) and its message."""
    return field(
        label,
        control,
        error=S.create_errors.get(error_key or name, ""),
        hint=hint,
        html_for=f"rl-{name}",
        test_id=name,
    )


def _text(label: str, name: str, **props: Any) -> rx.Component:
    return _labelled(label, name, rx.input(name=name, id=f"rl-{name}", width="100%", **props))


def _create_dialog() -> rx.Component:
    return rx.fragment(
        rx.button(
            rx.icon("plus", size=16),
            "New rate list",
            on_click=S.set_create_open(True),  # type: ignore[operator]
            data_testid="new-rate-list",
        ),
        form_dialog(
            "New rate list",
            _labelled(
                "Supplier",
                "supplier_id",
                option_select(
                    S.suppliers,
                    name="supplier_id",
                    placeholder="Choose a supplier",
                    test_id="supplier-select",
                ),
                hint=rx.cond(
                    S.suppliers.length() == 0,  # type: ignore[attr-defined]
                    "Add suppliers first: this agency has none yet.",
                    "",
                ),
            ),
            _text("Name", "name", placeholder="e.g. Sea Breeze 2027-28"),
            rx.grid(
                field(
                    "Market",
                    option_select(
                        MARKETS,
                        value=S.market,
                        on_change=S.set_market,
                        test_id="market-select",
                    ),
                    error=S.create_errors.get("market", ""),
                ),
                field(
                    "Currency",
                    option_select(
                        CURRENCY_OPTIONS, name="currency", default_value="INR", test_id="currency"
                    ),
                    error=S.create_errors.get("currency", ""),
                ),
                columns="2fr 3fr",
                spacing="3",
                width="100%",
            ),
            rx.cond(S.market == Market.AGENT_GROUP.value, _text("Agent group", "agent_group")),
            rx.grid(
                _text("Valid from", "valid_from", type="date"),
                _text("Valid to", "valid_to", type="date"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.grid(
                _labelled(
                    "Cancellation terms",
                    "terms",
                    rx.text_area(
                        name="terms",
                        id="rl-terms",
                        placeholder="30: free\n7: 1 night",
                        rows="3",
                        width="100%",
                    ),
                    hint="One tier a line: days before arrival: charge",
                ),
                _text("No-show charge %", "no_show", placeholder="100"),
                columns="2fr 1fr",
                spacing="3",
                width="100%",
            ),
            open=S.create_open,
            on_open_change=S.set_create_open,
            on_submit=S.create,
            submit_label="Create",
            test_id="rate-list",
            description="A contract with one supplier. It starts as draft version 1 with the "
            "usual age bands; add seasons and prices, then publish.",
            max_width="560px",
        ),
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

"""Customers: the people and companies the agency sells to, found by name, email or phone; the
"New customer" dialog warns about customers who already have the email or phone."""

from __future__ import annotations

from functools import partial
from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import dialog_of, opens
from travelcrm.ui.components.cards import muted, page_body, page_header, section
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import country_field, field_row, search_box, text_field
from travelcrm.ui.components.pager import pager
from travelcrm.ui.components.tables import data_table, empty_state, gated_by
from travelcrm.ui.pages.customers.list_state import CustomerRow, CustomersState, DuplicateRow
from travelcrm.ui.template import staff_page

S = CustomersState


def _row(row: ObjectVar[CustomerRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row.kind == "company",
                    rx.icon("building-2", size=14, color=rx.color("gray", 10)),
                    rx.icon("user-round", size=14, color=rx.color("gray", 10)),
                ),
                rx.link(
                    rx.text(row.name, weight="medium"),
                    href=row.href,
                    underline="hover",
                    color=rx.color("gray", 12),
                    data_testid="customer-link",
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(rx.text(row.email, size="2")),
        rx.table.cell(rx.text(row.phone, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.place, size="2")),
        rx.table.cell(
            rx.flex(
                rx.foreach(
                    row.tags,
                    lambda t: rx.badge(t, variant="outline", color_scheme="gray", size="1"),
                ),
                wrap="wrap",
                gap="4px",
            )
        ),
        rx.table.cell(rx.text(row.created, size="2", white_space="nowrap")),
        align="center",
        data_testid="customer-row",
    )


_create_field = partial(text_field, prefix="new", errors=S.create_errors, size="2")


def duplicate_line(
    row: ObjectVar[DuplicateRow], action: rx.Component, **props: Any
) -> rx.Component:
    """A customer who may be the same person: name, email or phone, what matched, `action`."""
    return rx.hstack(
        rx.vstack(
            rx.text(row.name, size="2", weight="bold"),
            muted(row.detail, size="1"),
            spacing="0",
            align="start",
            min_width="0",
        ),
        rx.cond(
            row.matched != "",
            rx.badge(row.matched, color_scheme="amber", variant="soft", size="1"),
        ),
        rx.spacer(),
        action,
        align="center",
        width="100%",
        **props,
    )


def _duplicate(row: ObjectVar[DuplicateRow]) -> rx.Component:
    return duplicate_line(
        row,
        rx.link(
            rx.button("Open", size="1", variant="soft", type="button"),
            href=row.href,
            data_testid="open-duplicate",
        ),
        data_testid="duplicate",
    )


def _duplicates() -> rx.Component:
    return rx.cond(
        S.duplicates.length() > 0,  # type: ignore[attr-defined]
        rx.callout.root(
            rx.callout.icon(rx.icon("users-round")),
            rx.callout.text(
                "Already a customer? These have the same email or phone.", weight="medium"
            ),
            rx.vstack(rx.foreach(S.duplicates, _duplicate), spacing="2", width="100%"),
            rx.button(
                "Create anyway",
                type="button",
                size="1",
                variant="outline",
                color_scheme="amber",
                on_click=S.create_anyway,
                width="fit-content",
                data_testid="create-anyway",
            ),
            color_scheme="amber",
            width="100%",
            data_testid="duplicates",
        ),
    )


def create_dialog() -> rx.Component:
    return rx.fragment(
        opens("user-plus", "New customer", S, "create", test_id="new-customer"),
        form_dialog(
            "New customer",
            _create_field("Name", "name", required=True, placeholder="Priya Sharma"),
            field_row(
                _create_field("Email", "email", type="email"),
                _create_field("Phone", "phone", placeholder="+91 98123 45678"),
                _create_field("City", "city"),
                country_field("Country", "country", prefix="new", errors=S.create_errors, size="2"),
            ),
            _create_field("Company", "company", "For business travellers"),
            _create_field("Tags", "tags", "Comma-separated, e.g. vip, family"),
            _duplicates(),
            **dialog_of(S, "create", S.create),
            submit_label="Add customer",
            test_id="new-customer",
            description="Phones are stored with their country code; one without it is read as "
            "the agency's country.",
            max_width="560px",
        ),
    )


def _list() -> rx.Component:
    return page_body(
        page_header(
            "Customers",
            "The people and companies you sell to, with their travellers and queries.",
            rx.cond(S.can_create, create_dialog()),
        ),
        section(
            "Customers",
            search_box(
                "Name, email or phone",
                S.q,
                S.set_q,
                "customer-search",
                width=["100%", "100%", "340px"],
            ),
            rx.cond(
                S.rows.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(
                    data_table(
                        [
                            ("Name", "left"),
                            ("Email", "left"),
                            ("Phone", "left"),
                            ("City", "left"),
                            ("Tags", "left"),
                            ("Added", "left"),
                        ],
                        rx.table.body(rx.foreach(S.rows, _row)),
                        test_id="customers",
                    ),
                    pager(S),
                    spacing="3",
                    width="100%",
                ),
                empty_state(
                    "contact",
                    "No customers here",
                    rx.cond(
                        S.q != "",
                        "Nobody matches this name, email or phone.",
                        "Customers are added with their first query, or here.",
                    ),
                    test_id="customers-empty",
                ),
            ),
        ),
    )


@staff_page(route=routes.CUSTOMERS, title="Customers", on_load=CustomersState.load)
def customers_page() -> rx.Component:
    return gated_by(S, _list())

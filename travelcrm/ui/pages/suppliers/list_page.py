"""Suppliers: hotels, transport, activities, guides, restaurants... Search, filters, sortable
columns and server-side pages, and the "New supplier" dialog (for those who may edit)."""

from __future__ import annotations

from functools import partial
from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, dialog_of, opens
from travelcrm.ui.components.cards import muted, page_body, page_header, section
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import (
    country_field,
    currency_field,
    field,
    field_row,
    search_box,
    text_field,
)
from travelcrm.ui.components.grid import option_select, pager
from travelcrm.ui.components.tables import empty_state, gated_by, no_matches
from travelcrm.ui.pages.suppliers.list_state import SupplierRow, SuppliersState
from travelcrm.ui.pages.suppliers.text import (
    KIND_ICONS,
    KIND_LABELS,
    STATUS_COLORS,
)
from travelcrm.ui.template import staff_page

S = SuppliersState


def kind_badge(kind: rx.Var[str] | str, label: rx.Var[str] | str) -> rx.Component:
    return rx.badge(
        rx.match(
            kind,
            *[(k, rx.icon(icon, size=12)) for k, icon in KIND_ICONS.items()],
            rx.icon("package", size=12),
        ),
        label,
        variant="soft",
        color_scheme="gray",
        size="1",
    )


def status_badge(status: rx.Var[str] | str) -> rx.Component:
    return rx.match(
        status,
        *[
            (value, rx.badge(value.title(), color_scheme=color, variant="soft", size="1"))
            for value, color in STATUS_COLORS.items()
        ],
        rx.badge(status, variant="soft", size="1"),
    )


def _sort_header(label: str, column: str, align: str = "left") -> rx.Component:
    arrow = rx.cond(
        S.sort == column,
        rx.icon("arrow-up", size=13),
        rx.cond(
            S.sort == "-" + column,
            rx.icon("arrow-down", size=13),
            rx.icon("arrow-up-down", size=13, color=rx.color("gray", 8)),
        ),
    )
    return rx.table.column_header_cell(
        rx.button(
            label,
            arrow,
            variant="ghost",
            color_scheme="gray",
            size="1",
            on_click=S.sort_by(column),  # type: ignore[operator]
            style={"font_weight": "600", "color": rx.color("gray", 12), "margin": "0 -8px"},
            data_testid=f"sort-{column}",
        ),
        text_align=align,
        white_space="nowrap",
        aria_sort=rx.cond(
            S.sort == column, "ascending", rx.cond(S.sort == "-" + column, "descending", "none")
        ),
    )


def _plain_header(label: str, align: str = "left") -> rx.Component:
    return rx.table.column_header_cell(label, text_align=align, white_space="nowrap")


def _row(row: ObjectVar[SupplierRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(
                    rx.text(row.name, weight="medium"),
                    href=row.href,
                    underline="hover",
                    color=rx.color("gray", 12),
                    data_testid="supplier-link",
                ),
                muted(row.contact, size="1", shade=10),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(kind_badge(row.kind, row.kind_label)),
        rx.table.cell(
            rx.hstack(
                rx.text(row.destination, size="2"),
                muted(row.country, size="1"),
                spacing="2",
                align="center",
                white_space="nowrap",
            )
        ),
        rx.table.cell(
            rx.flex(
                rx.foreach(
                    row.tags,
                    lambda t: rx.badge(t, variant="outline", color_scheme="gray", size="1"),
                ),
                wrap="wrap",
                gap="4px",
                max_width="220px",
            )
        ),
        rx.table.cell(rx.code(row.currency, size="1", variant="ghost")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.updated, size="2", white_space="nowrap")),
        align="center",
        opacity=rx.cond(row.status == "active", "1", "0.72"),
        data_testid="supplier-row",
    )


def _table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    _sort_header("Supplier", "name"),
                    _plain_header("Type"),
                    _sort_header("Destination", "city"),
                    _plain_header("Tags"),
                    _plain_header("Currency"),
                    _plain_header("Status"),
                    _sort_header("Updated", "updated"),
                )
            ),
            rx.table.body(rx.foreach(S.rows, _row)),
            variant="surface",
            size="2",
            width="100%",
            data_testid="suppliers",
        ),
        width="100%",
        overflow_x="auto",
    )


def _filter(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        muted(label, size="1", weight="medium"),
        control,
        spacing="1",
        width="100%",
    )


def _choice(label: str, name: str, options: Any, value: Any) -> rx.Component:
    return _filter(
        label,
        option_select(
            options,
            value=value,
            on_change=lambda choice: S.set_filter(name, choice),  # type: ignore[operator]
            test_id=f"filter-{name}",
        ),
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.grid(
            _filter(
                "Search",
                search_box("Name, city, legal name or email", S.q, S.set_q, "supplier-search"),
            ),
            _choice("Type", "kind", S.kind_options, S.kind),
            _choice("Country", "country", S.country_options, S.country),
            _choice("Status", "status", S.status_options, S.status),
            _choice("Tag", "tag", S.tag_options, S.tag),
            action_button(
                "x",
                "Clear",
                on_click=S.clear_filters,
                test_id="clear-filters",
                color_scheme="gray",
                disabled=~S.filtered,
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="3", lg="2fr 1fr 1fr 1fr 1fr auto"),
            spacing="3",
            width="100%",
            align_items="end",
        ),
        size="2",
        width="100%",
    )


_create_field = partial(text_field, prefix="new", errors=S.create_errors, size="2")


def _create_dialog() -> rx.Component:
    return rx.fragment(
        opens("plus", "New supplier", S, "create", test_id="new-supplier"),
        form_dialog(
            "New supplier",
            _create_field("Name", "name", required=True, placeholder="Sea Breeze Resort"),
            field(
                "Type",
                option_select(
                    [(k, v) for k, v in KIND_LABELS.items()],
                    value=S.create_kind,
                    on_change=S.set_create_kind,
                    test_id="new-kind",
                ),
                error=S.create_errors.get("kind", ""),
            ),
            field_row(
                _create_field("City", "city", placeholder="Candolim"),
                _create_field("Region / state", "region", placeholder="Goa"),
                country_field(
                    "Country", "country", prefix="new", errors=S.create_errors, required=True
                ),
                currency_field(
                    "Currency",
                    "default_currency",
                    prefix="new",
                    errors=S.create_errors,
                    required=True,
                ),
                _create_field("Email", "email", type="email"),
                _create_field("Phone", "phone"),
            ),
            _create_field("Tags", "tags", "Comma-separated, e.g. beach, family", placeholder=""),
            **dialog_of(S, "create", S.create),
            submit_label="Add supplier",
            test_id="new-supplier",
            description="The essentials; business details, contacts, services and bank details "
            "follow on the supplier's page.",
            max_width="560px",
        ),
    )


def _list() -> rx.Component:
    return page_body(
        page_header(
            "Suppliers",
            "Hotels, transport, activities, guides and restaurants your agency books.",
            rx.cond(S.can_edit, _create_dialog()),
        ),
        rx.cond(
            ~S.can_edit,
            rx.callout(
                "You can look suppliers up; operators, managers, admins and owners change them.",
                icon="eye",
                color_scheme="blue",
                width="100%",
                data_testid="read-only",
            ),
        ),
        _filters(),
        section(
            "All suppliers",
            rx.cond(
                S.rows.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(
                    _table(),
                    rx.hstack(
                        muted(S.sort_label, shade=10),
                        rx.spacer(),
                        pager(
                            label=S.label,
                            page=S.page,
                            pages=S.pages,
                            on_prev=S.prev_page,
                            on_next=S.next_page,
                        ),
                        width="100%",
                        align="center",
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    S.filtered,
                    no_matches(
                        "No suppliers match",
                        "Nothing fits this search and these filters. Clear them to see all.",
                        S.clear_filters,
                        "suppliers-empty",
                    ),
                    empty_state(
                        "building-2",
                        "No suppliers yet",
                        "Add the hotels, transport and activities you book, with their contacts "
                        "and services.",
                        test_id="suppliers-empty",
                    ),
                ),
            ),
            action=muted(S.count_label, data_testid="total"),
        ),
    )


@staff_page(route=routes.SUPPLIERS, title="Suppliers", on_load=SuppliersState.load)
def suppliers_page() -> rx.Component:
    return gated_by(S, _list())

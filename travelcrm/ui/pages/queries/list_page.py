"""Queries: travel enquiries, newest or most urgent first, behind saved filters ("My open",
"Breaching SLA", "Unassigned", "All"), with a search and a status filter (all of it in the
page's address); the board and "New query" are a click away. On a phone each query is a card
with its status and SLA clock up top instead of a table to scroll sideways."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted, page_body, page_header, section
from travelcrm.ui.components.fields import search_box
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.pager import pager
from travelcrm.ui.components.tables import data_table, empty_state, gated_by, no_matches
from travelcrm.ui.pages.queries.list_state import SORT_OPTIONS, QueriesState
from travelcrm.ui.pages.queries.parts import priority_badge, sla_chip, status_badge
from travelcrm.ui.pages.queries.text import QueryListRow
from travelcrm.ui.template import staff_page

S = QueriesState

VIEW_LABELS = (
    ("my_open", "My open"),
    ("breaching", "Breaching SLA"),
    ("unassigned", "Unassigned"),
    ("all", "All"),
)


def list_or_board(current: str) -> rx.Component:
    """The two ways to see queries, as a switch at the top of both pages."""

    def choice(label: str, icon: str, href: str, key: str) -> rx.Component:
        active = key == current
        return rx.link(
            rx.button(
                rx.icon(icon, size=14),
                label,
                variant="solid" if active else "soft",
                color_scheme="teal" if active else "gray",
                size="2",
            ),
            href=href,
            data_testid=f"switch-{key}",
        )

    return rx.hstack(
        choice("List", "list", routes.QUERIES, "list"),
        choice("Board", "kanban", routes.QUERY_BOARD, "board"),
        spacing="1",
    )


def new_query_button() -> rx.Component:
    return rx.link(
        rx.button(rx.icon("plus", size=16), "New query", size="2"),
        href=routes.QUERY_NEW,
        data_testid="new-query",
    )


def _row(row: ObjectVar[QueryListRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.link(
                    rx.text(row.reference, weight="bold", white_space="nowrap"),
                    href=row.href,
                    underline="hover",
                    data_testid="query-link",
                ),
                rx.link(
                    rx.text(row.title, size="1"),
                    href=row.href,
                    underline="none",
                    color=rx.color("gray", 11),
                ),
                spacing="0",
                align="start",
            ),
            min_width="180px",
            max_width="300px",
        ),
        rx.table.cell(
            rx.link(
                row.customer_name,
                href=row.customer_href,
                size="2",
                underline="hover",
                color=rx.color("gray", 12),
            )
        ),
        rx.table.cell(_travel(row.travel)),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(priority_badge(row.priority)),
        rx.table.cell(
            rx.cond(
                row.assignee != "",
                rx.text(row.assignee, size="2", white_space="nowrap"),
                muted("Unassigned", shade=10),
            )
        ),
        rx.table.cell(sla_chip(row.sla, row.sla_tone)),
        rx.table.cell(rx.text(row.created, size="2", white_space="nowrap")),
        align="center",
        data_testid="query-row",
    )


def _travel(text: rx.Var[str]) -> rx.Component:
    return rx.cond(
        text != "",
        rx.text(text, size="2", white_space="nowrap", data_testid="query-travel"),
        muted("Dates not set", shade=10, size="2", white_space="nowrap"),
    )


def _card(row: ObjectVar[QueryListRow]) -> rx.Component:
    """A query on a phone: reference, status and SLA clock first, then what and who."""
    return rx.link(
        rx.vstack(
            rx.hstack(
                rx.text(row.reference, weight="bold", size="2", white_space="nowrap"),
                status_badge(row.status),
                rx.spacer(),
                sla_chip(row.sla, row.sla_tone, test_id="card-sla"),
                spacing="2",
                align="center",
                width="100%",
            ),
            rx.text(
                row.title,
                size="2",
                weight="medium",
                color=rx.color("gray", 12),
                overflow="hidden",
                text_overflow="ellipsis",
                white_space="nowrap",
                width="100%",
            ),
            rx.hstack(
                rx.icon("user-round", size=13),
                rx.text(row.customer_name, size="1", white_space="nowrap"),
                rx.text("·", size="1"),
                rx.icon("calendar", size=13),
                rx.text(
                    rx.cond(row.travel != "", row.travel, "Dates not set"),
                    size="1",
                    white_space="nowrap",
                    overflow="hidden",
                    text_overflow="ellipsis",
                ),
                spacing="1",
                align="center",
                color=rx.color("gray", 11),
                width="100%",
                overflow="hidden",
            ),
            rx.hstack(
                priority_badge(row.priority),
                rx.cond(
                    row.assignee != "",
                    rx.text(row.assignee, size="1", color=rx.color("gray", 11)),
                    muted("Unassigned", shade=10, size="1"),
                ),
                spacing="2",
                align="center",
            ),
            spacing="1",
            width="100%",
            padding="10px 12px",
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="10px",
            background=rx.color("gray", 1),
        ),
        href=row.href,
        underline="none",
        width="100%",
        data_testid="query-card",
    )


def _filters() -> rx.Component:
    """The saved filters (a select on a phone, where four tabs do not fit), the search and
    the status; below them, right above the list, its order."""
    return rx.vstack(
        rx.flex(
            rx.box(
                rx.segmented_control.root(
                    *[
                        rx.segmented_control.item(label, value=value, data_testid=f"view-{value}")
                        for value, label in VIEW_LABELS
                    ],
                    value=S.view,
                    on_change=S.set_view,
                    size="2",
                ),
                display=["none", "block"],
            ),
            rx.box(
                option_select(VIEW_LABELS, value=S.view, on_change=S.set_view, test_id="view"),
                display=["block", "none"],
                width="100%",
            ),
            rx.spacer(display=["none", "block"]),
            search_box(
                "Reference, title or customer",
                S.q,
                S.set_q,
                "query-search",
                width=["100%", "100%", "260px"],
            ),
            rx.box(
                option_select(
                    S.status_options,
                    value=S.status,
                    on_change=S.set_status,
                    test_id="filter-status",
                ),
                width=["100%", "100%", "180px"],
            ),
            gap="12px",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.flex(
            muted("Order", size="2", shade=11, display=["none", "none", "block"]),
            rx.box(
                option_select(SORT_OPTIONS, value=S.sort, on_change=S.set_sort, test_id="sort"),
                width=["100%", "100%", "190px"],
            ),
            gap="8px",
            align="center",
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _table() -> rx.Component:
    """The table from a tablet up; cards on a phone (both from the same rows)."""
    return rx.vstack(
        rx.vstack(
            rx.foreach(S.rows, _card),
            spacing="2",
            width="100%",
            display=["flex", "flex", "none"],
            data_testid="query-cards",
        ),
        rx.box(
            data_table(
                [
                    ("Query", "left"),
                    ("Customer", "left"),
                    ("Travel", "left"),
                    ("Status", "left"),
                    ("Priority", "left"),
                    ("Assignee", "left"),
                    ("SLA", "left"),
                    ("Created", "left"),
                ],
                rx.table.body(rx.foreach(S.rows, _row)),
                test_id="queries",
            ),
            display=["none", "none", "block"],
            width="100%",
        ),
        pager(S),
        spacing="3",
        width="100%",
    )


def _list() -> rx.Component:
    return page_body(
        page_header(
            "Queries",
            "Travel enquiries from staff, the portal, the API and email, with their SLA clocks.",
            list_or_board("list"),
            rx.cond(S.can_create, new_query_button()),
        ),
        section(
            "Queries",
            _filters(),
            rx.cond(
                S.rows.length() > 0,  # type: ignore[attr-defined]
                _table(),
                rx.cond(
                    S.filtered,
                    no_matches(
                        "No queries match",
                        "Nothing fits this search and status. Clear them to see the rest.",
                        S.clear_filters,
                        "queries-empty",
                    ),
                    empty_state(
                        "inbox",
                        "Nothing here",
                        rx.match(
                            S.view,
                            ("my_open", "No open queries are assigned to you."),
                            ("breaching", "No query is past its SLA. Well done."),
                            ("unassigned", "Every pending query has someone on it."),
                            "No queries yet. New ones arrive from the portal, the API and email, "
                            "or add one yourself.",
                        ),
                        test_id="queries-empty",
                    ),
                ),
            ),
        ),
    )


@staff_page(route=routes.QUERIES, title="Queries", on_load=QueriesState.load)
def queries_page() -> rx.Component:
    return gated_by(S, _list())

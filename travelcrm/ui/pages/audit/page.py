"""Audit log: who did what and when in this agency, with before/after values."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import muted, page_body, page_header, section
from travelcrm.ui.components.pager import pager
from travelcrm.ui.components.tables import data_table, empty_state, gated_by
from travelcrm.ui.pages.audit.state import AuditState, Change, EventRow, Option
from travelcrm.ui.template import staff_page

COLUMNS = [
    ("", "left"),
    ("When", "left"),
    ("Who", "left"),
    ("Action", "left"),
    ("Target", "left"),
    ("IP", "left"),
]


def _select(
    label: str,
    value: rx.Var[str] | str,
    options: rx.Var[list[Option]] | list[Option],
    on_change: Any,
    test_id: str,
) -> rx.Component:
    return rx.vstack(
        muted(label, size="1", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"filter-{test_id}"),
            rx.select.content(
                rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value))
            ),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
        width="100%",
    )


def _date(label: str, value: rx.Var[str] | str, on_change: Any, test_id: str) -> rx.Component:
    return rx.vstack(
        muted(label, size="1", weight="medium"),
        rx.input(
            type="date",
            value=value,
            on_change=on_change,
            size="2",
            width="100%",
            data_testid=f"filter-{test_id}",
        ),
        spacing="1",
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.grid(
            _select(
                "Action",
                AuditState.action,
                AuditState.action_options,
                AuditState.set_action,
                "action",
            ),
            _select(
                "Who", AuditState.actor, AuditState.people_options, AuditState.set_actor, "actor"
            ),
            _select(
                "Target",
                AuditState.target,
                AuditState.target_options,
                AuditState.set_target,
                "target",
            ),
            _date("From", AuditState.since, AuditState.set_since, "since"),
            _date("To", AuditState.until, AuditState.set_until, "until"),
            action_button(
                "x",
                "Clear",
                on_click=AuditState.clear_filters,
                test_id="clear-filters",
                color_scheme="gray",
                disabled=~AuditState.filtered,
                align_self="end",
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="3", lg="6"),
            spacing="3",
            width="100%",
            align_items="end",
        ),
        size="2",
        width="100%",
    )


def _change(change: ObjectVar[Change]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(change.field, size="2", weight="medium")),
        rx.table.cell(
            rx.text(change.before, color=rx.color("red", 11), size="2", word_break="break-word")
        ),
        rx.table.cell(
            rx.text(change.after, color=rx.color("green", 11), size="2", word_break="break-word")
        ),
    )


def _details(row: ObjectVar[EventRow], test_id: str = "event-details") -> rx.Component:
    return rx.vstack(
        rx.cond(
            row.changes.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Field"),
                        rx.table.column_header_cell("Before"),
                        rx.table.column_header_cell("After"),
                    )
                ),
                rx.table.body(rx.foreach(row.changes, _change)),
                size="1",
                variant="ghost",
                width="100%",
                max_width="720px",
            ),
            muted("No values were recorded for this event.", shade=10),
        ),
        rx.hstack(
            rx.cond(
                row.device != "",
                rx.text(
                    "Device: ",
                    rx.text(
                        row.device, as_="span", color=rx.color("gray", 12), title=row.user_agent
                    ),
                    size="1",
                ),
            ),
            rx.cond(
                row.request_id != "",
                rx.text("Request: ", rx.code(row.request_id, size="1", variant="ghost"), size="1"),
            ),
            spacing="5",
            wrap="wrap",
            color=rx.color("gray", 10),
        ),
        spacing="2",
        padding=["8px 0", "8px 4px 8px 40px"],
        width="100%",
        data_testid=test_id,
    )


def _event(row: ObjectVar[EventRow]) -> rx.Component:
    is_open = AuditState.open_ids.contains(row.event_id)  # type: ignore[attr-defined]
    return rx.fragment(
        rx.table.row(
            rx.table.cell(
                rx.icon_button(
                    rx.cond(
                        is_open, rx.icon("chevron-down", size=14), rx.icon("chevron-right", size=14)
                    ),
                    on_click=AuditState.toggle(row.event_id),  # type: ignore[operator]
                    variant="ghost",
                    size="1",
                    aria_label="Show details",
                    data_testid="event-toggle",
                ),
                width="36px",
            ),
            rx.table.cell(rx.text(row.when, white_space="nowrap", size="2")),
            rx.table.cell(rx.text(row.who, weight="medium", white_space="nowrap")),
            rx.table.cell(
                rx.hstack(
                    rx.badge(
                        row.label,
                        color_scheme=rx.match(row.tone, ("red", "red"), "gray"),
                        variant="soft",
                    ),
                    spacing="2",
                    align="center",
                    white_space="nowrap",
                )
            ),
            rx.table.cell(rx.text(row.target, size="2")),
            rx.table.cell(rx.code(row.ip, size="1", variant="ghost")),
            align="center",
            data_testid="event-row",
        ),
        rx.cond(
            is_open,
            rx.table.row(
                rx.table.cell(_details(row), col_span=6),
                background=rx.color("gray", 2),
            ),
        ),
    )


def _event_card(row: ObjectVar[EventRow]) -> rx.Component:
    """An event on a phone: what happened, to what, who and when; tap for the details."""
    is_open = AuditState.open_ids.contains(row.event_id)  # type: ignore[attr-defined]
    return rx.vstack(
        rx.hstack(
            rx.badge(
                row.label, color_scheme=rx.match(row.tone, ("red", "red"), "gray"), variant="soft"
            ),
            rx.spacer(),
            rx.icon_button(
                rx.cond(
                    is_open, rx.icon("chevron-down", size=14), rx.icon("chevron-right", size=14)
                ),
                on_click=AuditState.toggle(row.event_id),  # type: ignore[operator]
                variant="ghost",
                size="1",
                aria_label="Show details",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(row.target != "", rx.text(row.target, size="2", weight="medium")),
        muted(row.who, " · ", row.when, size="1"),
        rx.cond(is_open, _details(row, test_id="event-card-details")),
        spacing="1",
        width="100%",
        padding="10px 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="event-card",
    )


def _log() -> rx.Component:
    return page_body(
        page_header(
            "Audit log",
            "Who did what in this agency, and when. Times are the agency's: "
            + AuditState.timezone
            + ".",
        ),
        _filters(),
        section(
            "Events",
            rx.cond(
                AuditState.events.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(
                    rx.box(
                        data_table(
                            COLUMNS,
                            rx.table.body(rx.foreach(AuditState.events, _event)),
                            test_id="events",
                        ),
                        display=["none", "block"],
                        width="100%",
                    ),
                    # on a phone: one event under the other, nothing to scroll sideways
                    rx.box(
                        rx.foreach(AuditState.events, _event_card),
                        display=["block", "none"],
                        width="100%",
                        data_testid="event-cards",
                    ),
                    muted(
                        "Newest first, ",
                        AuditState.events.length(),  # type: ignore[attr-defined]
                        " events on this page",
                        shade=10,
                    ),
                    pager(AuditState),
                    spacing="3",
                    width="100%",
                ),
                empty_state(
                    "search-x",
                    "No events match",
                    rx.cond(
                        AuditState.filtered,
                        "Nothing in the log fits these filters. Widen the dates or clear them.",
                        "Nothing has been recorded for this agency yet.",
                    ),
                    rx.cond(
                        AuditState.filtered,
                        rx.button(
                            "Clear filters", variant="soft", on_click=AuditState.clear_filters
                        ),
                    ),
                    test_id="audit-empty",
                ),
            ),
        ),
    )


@staff_page(route=routes.AUDIT, title="Audit log", on_load=AuditState.load)
def audit_page() -> rx.Component:
    return gated_by(AuditState, _log())

"""Pieces the query and customer pages share: status and priority badges, the SLA chip and the
activity timeline."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import icon_tile, muted
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.tables import empty_state
from travelcrm.ui.pages.queries.text import (
    PRIORITY_COLORS,
    PRIORITY_LABELS,
    STATUS_COLORS,
    STATUS_WORDS,
    TimelineRow,
)

TIMELINE_ICONS = {
    "note": ("sticky-note", "amber"),
    "call": ("phone-call", "green"),
    "email": ("mail", "blue"),
    "status": ("arrow-right-left", "violet"),
    "assignment": ("user-check", "cyan"),
    "sla": ("alarm-clock", "red"),
    "created": ("circle-plus", "gray"),
    "merged": ("git-merge", "orange"),
}


def status_badge(status: rx.Var[str] | str, size: str = "1") -> rx.Component:
    return rx.match(
        status,
        *[
            (value, rx.badge(STATUS_WORDS[value], color_scheme=color, variant="soft", size=size))
            for value, color in STATUS_COLORS.items()
        ],
        rx.badge(status, variant="soft", size=size),
    )


def priority_badge(priority: rx.Var[str] | str) -> rx.Component:
    return rx.match(
        priority,
        *[
            (
                value,
                rx.badge(
                    *([rx.icon("flame", size=11)] if value in ("urgent", "high") else []),
                    PRIORITY_LABELS[value],
                    color_scheme=PRIORITY_COLORS[value],
                    variant="soft" if value in ("urgent", "high") else "outline",
                    size="1",
                ),
            )
            for value in PRIORITY_LABELS
        ],
        rx.badge(priority, variant="outline", size="1"),
    )


def sla_chip(
    label: rx.Var[str] | str, tone: rx.Var[str] | str, *, size: str = "1", test_id: str = "sla"
) -> rx.Component:
    """ "2h 10m left" (grey; amber within the hour) or "breached 35m ago" (red)."""
    return rx.cond(
        rx.Var.create(label) != "",
        rx.badge(
            rx.cond(
                rx.Var.create(tone) == "red",
                rx.icon("alarm-clock", size=12),
                rx.icon("timer", size=12),
            ),
            label,
            color_scheme=rx.match(tone, ("red", "red"), ("amber", "amber"), "gray"),
            variant=rx.cond(rx.Var.create(tone) == "red", "solid", "soft"),
            size=size,
            white_space="nowrap",
            data_testid=test_id,
        ),
        rx.text("—", size="1", color=rx.color("gray", 9)),
    )


def _timeline_icon(kind: rx.Var[str]) -> rx.Component:
    def tile(icon: str, color: str) -> rx.Component:
        return icon_tile(icon, size=28, color=color, round_=True)

    return rx.match(
        kind,
        *[(k, tile(icon, color)) for k, (icon, color) in TIMELINE_ICONS.items()],
        tile("circle-dot", "gray"),
    )


def timeline_entry(row: ObjectVar[TimelineRow]) -> rx.Component:
    return rx.hstack(
        _timeline_icon(row.kind),
        rx.vstack(
            rx.hstack(
                rx.text(row.title, size="2", weight="bold"),
                rx.text("·", size="1", color=rx.color("gray", 9)),
                muted(row.actor, size="1"),
                rx.spacer(),
                muted(row.when, size="1", shade=10, white_space="nowrap"),
                spacing="2",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                row.body != "",
                rx.text(row.body, size="2", white_space="pre-wrap", color=rx.color("gray", 12)),
            ),
            spacing="1",
            align="start",
            width="100%",
            min_width="0",
        ),
        spacing="3",
        align="start",
        width="100%",
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="timeline-entry",
    )


def timeline(rows: rx.Var[list[TimelineRow]] | list[TimelineRow]) -> rx.Component:
    items = rx.Var.create(rows)
    return rx.cond(
        items.length() > 0,  # type: ignore[attr-defined]
        rx.vstack(rx.foreach(items, timeline_entry), spacing="0", width="100%"),
        muted("Nothing yet.", shade=10),
    )


def lost_dialog(
    reference: rx.Var[str] | str,
    *,
    reasons: rx.Var[list[str]] | list[str],
    reason: rx.Var[str] | str,
    on_reason: Any,
    open: rx.Var[bool] | bool,
    on_open_change: Any,
    on_confirm: Any,
) -> rx.Component:
    """ "Why was it lost?": the agency's reasons to choose one of, then Mark as lost
    (`save-lost`); the query page and the board ask it the same way."""
    return form_dialog(
        rx.text("Why was ", reference, " lost?", as_="span"),
        rx.radio_group.root(
            rx.vstack(
                rx.foreach(
                    reasons,
                    lambda r: rx.text(
                        rx.flex(rx.radio_group.item(value=r), r, spacing="2"),
                        as_="label",
                        size="2",
                    ),
                ),
                spacing="2",
            ),
            value=reason,
            on_change=on_reason,
            data_testid="lost-reasons",
        ),
        open=open,
        on_open_change=on_open_change,
        on_submit=on_confirm,
        submit_label="Mark as lost",
        test_id="lost",
        description="The reason goes on the query's timeline and into the won/lost reports.",
        max_width="440px",
    )


def no_agents(test_id: str) -> rx.Component:
    """Where a list of agents would be: none yet, and the way to the Users page to invite one."""
    return empty_state(
        "users-round",
        "No agents yet",
        "Invite colleagues with the agent role on the Users page; queries are assigned to them.",
        rx.link(rx.button("Open Users", variant="soft"), href=routes.USERS),
        test_id=test_id,
    )

"""The queries board: a column per status (Pending, Assigned, Quoted, On hold, Won, Lost); cards
move by drag and drop, or with their "Move to" menu (keyboard users, touch screens)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted, page_body, page_header
from travelcrm.ui.components.dnd import draggable, drop_zone
from travelcrm.ui.components.tables import gated_by
from travelcrm.ui.pages.queries.board_state import BoardState
from travelcrm.ui.pages.queries.list_page import list_or_board, new_query_button
from travelcrm.ui.pages.queries.parts import lost_dialog, sla_chip
from travelcrm.ui.pages.queries.text import BOARD_COLUMNS, STATUS_COLORS, STATUS_WORDS, QueryRow
from travelcrm.ui.template import staff_page

S = BoardState

_MOVE_LABELS = {**STATUS_WORDS, "cancelled": "Cancelled"}


def _move_menu(card: ObjectVar[QueryRow]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=14),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Move to",
                data_testid="card-menu",
            )
        ),
        rx.menu.content(
            muted("Move to", size="1", shade=10, padding="4px 8px"),
            rx.foreach(
                card.moves,
                lambda to: rx.menu.item(
                    rx.match(to, *_MOVE_LABELS.items(), to),
                    on_click=S.move(to, card.query_id),  # type: ignore[operator]
                    color=rx.cond(to == "cancelled", rx.color("red", 11), "inherit"),
                    data_testid=f"move-{to}",
                ),
            ),
            size="1",
        ),
    )


def _priority_flag(priority: rx.Var[str]) -> rx.Component:
    """Urgent and high as a small flame (cards are narrow); normal and low say nothing."""
    return rx.match(
        priority,
        *[
            (
                value,
                rx.tooltip(
                    rx.icon("flame", size=14, color=rx.color(color, 10), aria_label=label),
                    content=f"{label} priority",
                ),
            )
            for value, label, color in (("urgent", "Urgent", "red"), ("high", "High", "orange"))
        ],
        rx.fragment(),
    )


def _card(card: ObjectVar[QueryRow]) -> rx.Component:
    return draggable(
        rx.vstack(
            rx.hstack(
                rx.link(
                    rx.text(card.reference, size="2", weight="bold", white_space="nowrap"),
                    href=card.href,
                    underline="hover",
                    draggable=False,
                    data_testid="card-link",
                ),
                _priority_flag(card.priority),
                rx.spacer(),
                rx.cond(S.can_move & (card.moves.length() > 0), _move_menu(card)),
                spacing="2",
                align="center",
                width="100%",
            ),
            rx.text(card.customer_name, size="2", weight="medium", trim="both"),
            muted(
                card.title,
                size="1",
                style={
                    "display": "-webkit-box",
                    "-webkit-line-clamp": "2",
                    "-webkit-box-orient": "vertical",
                    "overflow": "hidden",
                },
            ),
            rx.hstack(
                rx.cond(
                    card.assignee != "",
                    rx.hstack(
                        rx.icon("user-round", size=12),
                        rx.text(card.assignee, size="1", trim="both"),
                        spacing="1",
                        align="center",
                        color=rx.color("gray", 11),
                        min_width="0",
                    ),
                    rx.text("Unassigned", size="1", color=rx.color("amber", 11)),
                ),
                rx.spacer(),
                rx.cond(
                    card.sla != "",
                    rx.tooltip(
                        rx.box(sla_chip(card.sla_short, card.sla_tone, test_id="card-sla")),
                        content=card.sla,
                    ),
                ),
                spacing="2",
                align="center",
                width="100%",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        item_id=card.query_id,
        padding="10px",
        border_radius="8px",
        background=rx.color("gray", 1),
        border=rx.cond(
            card.sla_tone == "red",
            f"1px solid {rx.color('red', 7)}",
            f"1px solid {rx.color('gray', 5)}",
        ),
        box_shadow="0 1px 2px rgba(0, 0, 0, 0.05)",
        cursor=rx.cond(S.can_move, "grab", "default"),
        width="100%",
        _hover={"border_color": rx.color("accent", 8)},
        data_testid="board-card",
    )


def _column(status: str) -> rx.Component:
    color = STATUS_COLORS[status]
    cards = S.cards[status]
    return rx.vstack(
        rx.hstack(
            rx.box(width="8px", height="8px", border_radius="50%", background=rx.color(color, 9)),
            rx.text(STATUS_WORDS[status], size="2", weight="bold"),
            rx.badge(
                cards.length().to_string() + rx.cond(S.more[status], "+", ""),  # type: ignore[attr-defined]
                variant="soft",
                color_scheme="gray",
                size="1",
                radius="full",
            ),
            spacing="2",
            align="center",
            padding_x="4px",
        ),
        drop_zone(
            rx.vstack(
                rx.foreach(cards, _card),
                rx.cond(
                    cards.length() == 0,  # type: ignore[attr-defined]
                    rx.center(
                        rx.text("Drop here", size="1", color=rx.color("gray", 9)),
                        height="64px",
                        width="100%",
                        border=f"1px dashed {rx.color('gray', 6)}",
                        border_radius="8px",
                    ),
                ),
                rx.cond(
                    S.more[status],
                    rx.link(
                        "Older ones are in the list",
                        href=routes.QUERIES,
                        size="1",
                        color=rx.color("gray", 10),
                        underline="always",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            on_drop=S.move(status),  # type: ignore[operator]
            padding="8px",
            border_radius="10px",
            min_height="60vh",
            width="100%",
            background=rx.color(color, 2),
            border=f"1px solid {rx.color(color, 4)}",
            style={
                "transition": "background 120ms, outline-color 120ms",
                "outline": "2px dashed transparent",
                "outline_offset": "-2px",
                "&[data-over='true']": {
                    "background": rx.color(color, 4),
                    "outline_color": rx.color(color, 9),
                },
            },
            data_testid=f"column-{status}",
        ),
        spacing="2",
        width="100%",
        min_width="0",
    )


def _lost_dialog() -> rx.Component:
    return lost_dialog(
        S.lost_reference,
        reasons=S.reasons,
        reason=S.lost_reason,
        on_reason=S.set_lost_reason,
        open=S.lost_open,
        on_open_change=S.set_lost_open,
        on_confirm=S.confirm_lost,
    )


def _board() -> rx.Component:
    return page_body(
        page_header(
            "Query board",
            "Drag a card to another column to move the query on; cancelled queries are in the "
            "list.",
            list_or_board("board"),
            rx.cond(S.can_create, new_query_button()),
        ),
        rx.box(
            rx.grid(
                *[_column(status.value) for status in BOARD_COLUMNS],
                grid_template_columns=f"repeat({len(BOARD_COLUMNS)}, minmax(160px, 1fr))",
                gap="10px",
                width="100%",
                min_width=f"{len(BOARD_COLUMNS) * 170}px",
                align_items="start",
            ),
            width="100%",
            overflow_x="auto",
            padding_bottom="8px",
            data_testid="board",
        ),
        _lost_dialog(),
    )


@staff_page(
    route=routes.QUERY_BOARD,
    title="Query board",
    on_load=BoardState.load,
    nav_route=routes.QUERIES,
)
def board_page() -> rx.Component:
    return gated_by(S, _board())

"""Tables and what pages show instead of one: an empty state, a loading state, a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.components.cards import icon_tile


def data_table(
    columns: list[tuple[str, str]], body: rx.Component, *, test_id: str | None = None
) -> rx.Component:
    """A table with a header row; `columns` are (label, text-align). Wide tables scroll
    sideways inside their card instead of pushing the page wider."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(label, text_align=align, white_space="nowrap")
                        for label, align in columns
                    ]
                )
            ),
            body,
            variant="surface",
            size="2",
            width="100%",
            data_testid=test_id,
        ),
        width="100%",
        overflow_x="auto",
    )


def listing(
    items: Any,
    columns: list[tuple[str, str]],
    row: Callable[[Any], rx.Component],
    *,
    empty: rx.Component,
    test_id: str | None = None,
) -> rx.Component:
    """`data_table` of `items` (one `row(item)` each), or `empty` when there are none."""
    return rx.cond(
        items.length() > 0,
        data_table(columns, rx.table.body(rx.foreach(items, row)), test_id=test_id),
        empty,
    )


def empty_state(
    icon: str,
    title: str,
    text: rx.Var[str] | str,
    *actions: rx.Component,
    test_id: str | None = None,
) -> rx.Component:
    return rx.center(
        rx.vstack(
            icon_tile(icon, size=52),
            rx.text(title, size="4", weight="bold"),
            rx.text(text, size="2", color=rx.color("gray", 11), text_align="center"),
            *actions,
            spacing="2",
            align="center",
            max_width="420px",
        ),
        width="100%",
        padding="40px 16px",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="12px",
        data_testid=test_id,
    )


def loading(label: str = "Loading") -> rx.Component:
    return rx.center(
        rx.hstack(
            rx.spinner(size="3"),
            rx.text(label, color=rx.color("gray", 11)),
            spacing="3",
            align="center",
        ),
        padding="48px",
        width="100%",
    )


def no_access(role: rx.Var[str] | str) -> rx.Component:
    """Inside the shell, for a page the viewer's role may not open (never a crash)."""
    return rx.center(
        rx.vstack(
            icon_tile("lock", size=52, color="amber"),
            rx.text("Your role (", role, ") cannot see this page.", size="5", weight="bold"),
            rx.text(
                "It is for other roles in your agency. Ask an owner or admin if you need it.",
                size="2",
                color=rx.color("gray", 11),
                text_align="center",
            ),
            rx.link(
                rx.button(rx.icon("house", size=16), "Back to Home", variant="soft"),
                href=routes.HOME,
            ),
            spacing="3",
            align="center",
            max_width="460px",
        ),
        width="100%",
        min_height="50vh",
        data_testid="no-access",
    )


def gated(
    *,
    loaded: rx.Var[bool] | bool,
    allowed: rx.Var[bool] | bool,
    role: rx.Var[str] | str,
    content: rx.Component,
) -> rx.Component:
    """A page body that waits for its first load, then shows `content` or the refusal."""
    return rx.cond(loaded, rx.cond(allowed, content, no_access(role)), loading())


def gated_by(state: Any, content: rx.Component) -> rx.Component:
    """`gated` by the state's `loaded`, `allowed` and `role`."""
    return gated(loaded=state.loaded, allowed=state.allowed, role=state.role, content=content)


def record_page(
    state: Any,
    content: rx.Component,
    *,
    what: str,
    text: str,
    back: str,
    plural: str = "",
) -> rx.Component:
    """A record's page body: `gated` by the state's `loaded`, `allowed` and `role`, then
    `content` when the state `found` the record, else "<What> not found", `text` and a way
    back to the list at `back` (test id `<what>-not-found`)."""
    missing = empty_state(
        "search-x",
        f"{what.capitalize()} not found",
        text,
        rx.link(rx.button(f"Back to {plural or what + 's'}", variant="soft"), href=back),
        test_id=f"{what}-not-found",
    )
    return gated_by(state, rx.cond(state.found, content, missing))


def no_matches(title: str, text: str, on_clear: Any, test_id: str) -> rx.Component:
    """The empty state of a filtered list: nothing fits, and a button clearing the filters."""
    return empty_state(
        "search-x",
        title,
        text,
        rx.button("Clear filters", variant="soft", on_click=on_clear),
        test_id=test_id,
    )

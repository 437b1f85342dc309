"""Cards, badges and small display pieces shared by pages."""

from __future__ import annotations

from typing import Any

import reflex as rx


def icon_tile(
    icon: str | rx.Component,
    *,
    size: int = 40,
    icon_size: int | None = None,
    color: str = "accent",
    round_: bool = False,
    **props: Any,
) -> rx.Component:
    """An icon on a tinted tile (a circle when `round_`): at the start of a card, a header,
    an empty state. `icon` is a Lucide name, or a component choosing one (rx.match)."""
    return rx.center(
        rx.icon(icon, size=icon_size or size // 2) if isinstance(icon, str) else icon,
        width=f"{size}px",
        height=f"{size}px",
        border_radius="50%" if round_ else f"{size * 10 // 37}px",
        background=rx.color(color, 3),
        color=rx.color(color, 11),
        flex_shrink="0",
        **props,
    )


def back_link(label: str, href: Any, test_id: str | None = None) -> rx.Component:
    """The "← Suppliers" link above a record's header, back to its list."""
    return rx.link(
        rx.hstack(rx.icon("arrow-left", size=14), label, spacing="1", align="center"),
        href=href,
        size="2",
        color=rx.color("gray", 11),
        underline="hover",
        data_testid=test_id,
    )


def _badge(icon: str, label: str, color_scheme: str) -> rx.Component:
    return rx.badge(
        rx.icon(icon, size=14), label, color_scheme=color_scheme, variant="soft", size="2"
    )


def status_badge(
    ok: rx.Var[bool] | bool, ok_label: str = "OK", bad_label: str = "Failing"
) -> rx.Component:
    return rx.cond(
        ok, _badge("circle-check", ok_label, "green"), _badge("circle-alert", bad_label, "red")
    )


def stat_card(
    *,
    icon: str,
    label: str,
    value: rx.Var[str] | str,
    hint: rx.Var[str] | str = "",
    test_id: str | None = None,
) -> rx.Component:
    return rx.card(
        rx.hstack(
            icon_tile(icon),
            rx.vstack(
                rx.text(label, size="2", color=rx.color("gray", 11), weight="medium"),
                rx.text(value, size="5", weight="bold", trim="both"),
                rx.text(hint, size="1", color=rx.color("gray", 10)),
                spacing="1",
                align="start",
                min_width="0",
            ),
            spacing="3",
            align="start",
        ),
        size="2",
        width="100%",
        data_testid=test_id,
    )


def stat_grid(
    *cards: tuple[str, str, rx.Var[str] | str, rx.Var[str] | str, str], columns: rx.Var | str
) -> rx.Component:
    """A row of `stat_card`s, each (icon, label, value, hint, test id)."""
    return rx.grid(
        *[
            stat_card(icon=icon, label=label, value=value, hint=hint, test_id=test_id)
            for icon, label, value, hint, test_id in cards
        ],
        columns=columns,
        spacing="4",
        width="100%",
    )


def titled_card(
    title: str,
    subtitle: rx.Var[str] | str,
    *children: rx.Component,
    action: rx.Component | None = None,
    test_id: str | None = None,
) -> rx.Component:
    """A card with a small title, a line under it, an optional link on the right, and its
    content (a chart, a list) below."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(title, size="3", weight="bold"),
                    rx.text(subtitle, size="1", color=rx.color("gray", 10)),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                action if action is not None else rx.fragment(),
                align="start",
                width="100%",
            ),
            *children,
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        min_width="0",
        data_testid=test_id,
    )


def section(
    title: str, *children: rx.Component, action: rx.Component | None = None
) -> rx.Component:
    header = rx.hstack(
        rx.heading(title, size="4", weight="bold"),
        rx.spacer(),
        action if action is not None else rx.fragment(),
        align="center",
        width="100%",
        wrap="wrap",
        spacing="2",
    )
    return rx.card(rx.vstack(header, *children, spacing="3", width="100%"), size="3", width="100%")


def page_header(
    title: rx.Var[str] | str, subtitle: rx.Var[str] | str, *actions: rx.Component
) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading(title, size="7", weight="bold", data_testid="page-title"),
            rx.text(subtitle, color=rx.color("gray", 11), size="3"),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        *actions,
        align="center",
        width="100%",
        wrap="wrap",
        spacing="3",
    )


def brand_mark(
    size: int = 34, *, color: rx.Var[str] | str | None = None, test_id: str | None = None
) -> rx.Component:
    """The logo tile (sidebar, sign-in page, settings preview). Inside the staff shell it takes
    the agency's primary colour (the `--brand-color` the shell sets); `color` overrides it."""
    return rx.center(
        rx.icon("plane", size=round(size * 0.58), color="white"),
        width=f"{size}px",
        height=f"{size}px",
        border_radius=f"{round(size / 4)}px",
        background=color if color is not None else "var(--brand-color, var(--accent-9))",
        flex_shrink="0",
        data_testid=test_id,
    )


def muted(
    *text: rx.Component | rx.Var[Any] | str, size: str = "2", shade: int = 11, **props: Any
) -> rx.Component:
    """Secondary text in gray: what a section is for, a hint under a control, a count."""
    return rx.text(*text, size=size, color=rx.color("gray", shade), **props)


def page_body(header: rx.Component, *children: rx.Component) -> rx.Component:
    """A page's column: its `page_header`, then its sections, one under the other."""
    return rx.vstack(header, *children, spacing="5", width="100%")


def error_callout(message: rx.Var[str] | str, test_id: str, **props: Any) -> rx.Component:
    """A problem the page could not put at a field: red, with the alert icon."""
    return rx.callout(
        message, icon="circle-alert", color_scheme="red", data_testid=test_id, **props
    )


def side_by_side(*columns: rx.Component, widths: str) -> rx.Component:
    """A page's columns of sections, side by side from a large screen on (`widths` such as
    "2fr 3fr"), one under the other before; each column as tall as its content."""
    return rx.grid(
        *columns,
        columns=rx.breakpoints(initial="1", lg=widths),
        spacing="4",
        width="100%",
        align_items="start",
    )


def stacked(*sections: rx.Component) -> rx.Component:
    """Sections one under the other: a column of `side_by_side`."""
    return rx.vstack(*sections, spacing="4", width="100%")


def _fact(row: Any) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(row.label, min_width="110px"), rx.data_list.value(row.value)
    )


def facts(rows: Any, test_id: str) -> rx.Component:
    """A record's facts, each a label and its value (rows with `label` and `value`)."""
    return rx.data_list.root(rx.foreach(rows, _fact), size="2", data_testid=test_id)

"""Buttons pages repeat: a labelled button with its icon (`action_button`), a row's small
icon-only button with its label as a tooltip (`row_button`) and the cell holding a row's
buttons (`row_actions`)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def action_button(
    icon: str,
    label: rx.Var[str] | str,
    *,
    on_click: Any = None,
    test_id: str | None = None,
    variant: str = "soft",
    **props: Any,
) -> rx.Component:
    """An icon and a label: Delete, Reveal, Add contact..."""
    return rx.button(
        rx.icon(icon, size=14),
        label,
        variant=variant,
        on_click=on_click,
        data_testid=test_id,
        **props,
    )


def row_button(icon: str, label: str, on_click: Any, test_id: str, **props: Any) -> rx.Component:
    """A table row's action: the icon, its label as a tooltip (and for screen readers)."""
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=14),
            on_click=on_click,
            variant="ghost",
            size="1",
            aria_label=label,
            data_testid=test_id,
            **props,
        ),
        content=label,
    )


def row_actions(*buttons: rx.Component, when: rx.Var[bool] | bool = True) -> rx.Component:
    """A table row's last cell: its buttons at the right (only `when` the viewer may use them)."""
    return rx.table.cell(
        rx.cond(when, rx.hstack(*buttons, spacing="3", justify="end")),
        text_align="right",
    )

"""A labelled form field with its hint and its error message underneath."""

from __future__ import annotations

import reflex as rx


def field(
    label: str,
    control: rx.Component,
    *,
    error: rx.Var[str] | str,
    hint: rx.Var[str] | str = "",
    html_for: str | None = None,
    test_id: str | None = None,
) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=html_for),
        control,
        rx.cond(
            rx.Var.create(error) != "",
            rx.text(
                rx.icon("circle-alert", size=12, display="inline", margin_right="4px"),
                error,
                size="1",
                color=rx.color("red", 11),
                data_testid=f"error-{test_id}" if test_id else None,
            ),
            rx.text(hint, size="1", color=rx.color("gray", 10)),
        ),
        spacing="1",
        width="100%",
        align="start",
        data_testid=f"field-{test_id}" if test_id else None,
    )


def datalist(list_id: str, values: tuple[str, ...]) -> rx.Component:
    """Suggestions for an input with `list=list_id` (codes people type often)."""
    return rx.el.datalist(*[rx.el.option(value=v) for v in values], id=list_id)

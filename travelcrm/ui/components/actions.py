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


def add_button(state: Any, icon: str, label: str, *, on_click: Any, test_id: str) -> rx.Component:
    """A section's button adding a row, shown only when `state.editable` (the viewer may edit)."""
    return rx.cond(
        state.editable,
        action_button(icon, label, on_click=on_click, test_id=test_id, variant="solid", size="2"),
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


def dialog_of(state: Any, name: str, submit: Any = None) -> dict[str, Any]:
    """The `open`, `on_open_change` (and `on_submit`) of a dialog its state keeps as
    `<name>_open` and `set_<name>_open`: `form_dialog(..., **dialog_of(S, "new", S.create))`."""
    bound = {
        "open": getattr(state, f"{name}_open"),
        "on_open_change": getattr(state, f"set_{name}_open"),
    }
    if submit is not None:
        bound["on_submit"] = submit
    return bound


def opens(
    icon: str, label: str, state: Any, name: str, *, test_id: str, **props: Any
) -> rx.Component:
    """The button opening the state's `<name>` dialog (see `dialog_of`)."""
    props.setdefault("variant", "solid")
    return action_button(
        icon, label, on_click=getattr(state, f"set_{name}_open")(True), test_id=test_id, **props
    )


def edit_and_remove(on_edit: Any, on_remove: Any, what: str, remove: str = "Remove") -> list[Any]:
    """A row's Edit (`edit-<what>`) and remove (`delete-<what>`, red) buttons."""
    return [
        row_button("pencil", "Edit", on_edit, f"edit-{what}"),
        row_button("trash-2", remove, on_remove, f"delete-{what}", color_scheme="red"),
    ]

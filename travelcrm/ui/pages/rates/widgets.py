"""The small pieces the rate list page's tabs share: a form's text and select fields (each
showing its own error), a row of fields, a one-line message, a labelled fact."""

from __future__ import annotations

from typing import Any

import reflex as rx

from travelcrm.core.locale import currency_options
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.grid import option_select

MUTED = rx.color("gray", 11)
CURRENCY_OPTIONS = currency_options()  # the currency selects' (value, label) pairs


def opts(options: list[Any]) -> list[tuple[str, str]]:
    """Fixed `Option`s as a select's (value, label) pairs."""
    return [(o.value, o.label) for o in options]


def input_field(
    label: str,
    name: str,
    errors: Any,
    *,
    test_id: str | None = None,
    default: str | rx.Var[str] | None = None,
    error_key: str | None = None,
    **props: Any,
) -> rx.Component:
    """A labelled input named `name`, its message from `errors[name]` (or `errors[error_key]`)
    under it."""
    if default is not None:
        props["default_value"] = default
    return field(
        label,
        rx.input(name=name, width="100%", data_testid=test_id, **props),
        error=errors.get(error_key or name, ""),
    )


def select_field(
    label: str,
    options: Any,
    name: str,
    errors: Any,
    **props: Any,
) -> rx.Component:
    """A labelled select named `name` (see `option_select`), its message under it."""
    return field(
        label,
        option_select(options, name=name, **props),
        error=errors.get(name, ""),
    )


def fields_row(*children: rx.Component, columns: Any, **props: Any) -> rx.Component:
    """Fields side by side."""
    return rx.grid(*children, columns=columns, spacing="3", width="100%", **props)


def message(
    text: Any, *, tone: str = "red", test_id: str | None = None, when: Any = None
) -> rx.Component:
    """A one-line callout (red: what went wrong; green: what was done), shown while `text` is
    not empty (or while `when`)."""
    icon = "circle-check" if tone == "green" else "circle-alert"
    return rx.cond(
        (text != "") if when is None else when,
        rx.callout(text, icon=icon, color_scheme=tone, size="1", width="100%", data_testid=test_id),
    )


def fact(label: str, value: Any, test_id: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=MUTED),
        rx.text(value, size="2", weight="medium", data_testid=test_id),
        spacing="1",
        align="start",
        min_width="0",
    )


def spinning(running: Any, icon: str) -> rx.Component:
    """A button's icon, a spinner while its work runs."""
    return rx.cond(running, rx.spinner(size="1"), rx.icon(icon, size=14))

"""A labelled form field with its hint and its error message underneath; a field the form
cannot go without is marked in its label ("Name *")."""

from __future__ import annotations

from typing import Any

import reflex as rx

from travelcrm.core.locale import (
    country_code,
    country_options,
    currency_code,
    currency_options,
)


def _required(control: rx.Component) -> bool:
    """The control says `required=True` (an input, a select, a text area)."""
    value = getattr(control, "required", None)
    return value is not None and str(value) == "true"


def field_error(message: rx.Var[str] | str, test_id: str | None) -> rx.Component:
    """A field's problem in red, after the alert icon (test id `error-<test_id>`)."""
    return rx.text(
        rx.icon("circle-alert", size=12, display="inline", margin_right="4px"),
        message,
        size="1",
        color=rx.color("red", 11),
        data_testid=f"error-{test_id}" if test_id else None,
    )


def field(
    label: str,
    control: rx.Component,
    *,
    error: rx.Var[str] | str,
    hint: rx.Var[str] | str = "",
    html_for: str | None = None,
    test_id: str | None = None,
    required: bool = False,
) -> rx.Component:
    mark = (
        rx.text.span(" *", color=rx.color("red", 10), aria_hidden="true", title="Required")
        if required or _required(control)
        else rx.fragment()
    )
    return rx.vstack(
        rx.text(label, mark, as_="label", size="2", weight="medium", html_for=html_for),
        control,
        rx.cond(
            rx.Var.create(error) != "",
            field_error(error, test_id),
            rx.text(hint, size="1", color=rx.color("gray", 10)),
        ),
        spacing="1",
        width="100%",
        align="start",
        data_testid=f"field-{test_id}" if test_id else None,
    )


def named_field(
    label: str,
    name: str,
    control: rx.Component,
    hint: rx.Var[str] | str = "",
    *,
    errors: Any,
    required: bool = False,
) -> rx.Component:
    """`field` for the control named `name` (its label's target and test id), with the
    message `errors` (a state's dict var) holds for it."""
    return field(
        label,
        control,
        error=errors.get(name, ""),
        hint=hint,
        html_for=name,
        test_id=name,
        required=required,
    )


def datalist(list_id: str, values: tuple[str, ...]) -> rx.Component:
    """Suggestions for an input with `list=list_id` (codes people type often)."""
    return rx.el.datalist(*[rx.el.option(value=v) for v in values], id=list_id)


def text_field(
    label: str,
    name: str,
    hint: rx.Var[str] | str = "",
    *,
    prefix: str,
    errors: Any,
    values: Any = None,
    input_id: str | None = None,
    **props: Any,
) -> rx.Component:
    """A form's text input `name`, labelled, with its hint or its message from `errors` (the
    form's dict var of messages) underneath; showing `values[name]` when given (the form's dict
    var of values). Its id and test id are `<prefix>-<name>` unless `input_id` says."""
    input_id = input_id or f"{prefix}-{name}"
    if values is not None:
        props["default_value"] = values[name]
    return field(
        label,
        rx.input(id=input_id, name=name, width="100%", **props),
        error=errors.get(name, ""),
        hint=hint,
        html_for=input_id,
        test_id=input_id,
    )


def _by_name(
    label: str,
    name: str,
    hint: str,
    choices: list[tuple[str, str]],
    *,
    prefix: str,
    errors: Any,
    values: Any = None,
    **props: Any,
) -> rx.Component:
    """A choice made by its name in a text box: typing any part of the name ("emir", "rupee")
    lists the entries that match (the browser's suggestions). The form sends the name;
    `with_codes` turns it into the code the services keep."""
    options = f"{prefix}-{name}-choices"
    return rx.fragment(
        text_field(
            label,
            name,
            hint,
            prefix=prefix,
            errors=errors,
            values=values,
            auto_complete="off",
            custom_attrs={"list": options},
            **props,
        ),
        rx.el.datalist(*[rx.el.option(value=shown) for _c, shown in choices], id=options),
    )


def country_field(label: str, name: str, **props: Any) -> rx.Component:
    """A country picked by its name ("India"); see `_by_name`."""
    return _by_name(label, name, "Type to find it, e.g. India", country_options(), **props)


def currency_field(label: str, name: str, **props: Any) -> rx.Component:
    """A currency picked by its name ("Indian Rupee (INR)"); see `_by_name`."""
    hint = "Type to find it, e.g. rupee"
    return _by_name(label, name, hint, currency_options(), **props)


def with_codes(
    form: dict[str, Any], *, countries: tuple[str, ...] = (), currencies: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The form with its countries and currencies (by name, label or code) as their codes;
    text that names none is left as typed, for the schema to refuse at its field."""
    coded = dict(form)
    for names, code_of in ((countries, country_code), (currencies, currency_code)):
        for name in names:
            text = coded.get(name)
            if isinstance(text, str) and text.strip():
                coded[name] = code_of(text) or text
    return coded


def field_row(*fields: rx.Component, columns: str = "2", spacing: str = "3") -> rx.Component:
    """Fields side by side in a form (one under the other on a phone)."""
    return rx.grid(
        *fields, columns=rx.breakpoints(initial="1", sm=columns), spacing=spacing, width="100%"
    )


def search_box(
    placeholder: str,
    value: Any,
    on_change: Any,
    test_id: str,
    *,
    width: Any = "100%",
    debounce: int = 350,
) -> rx.Component:
    """A search input with the magnifier inside; it answers after a short pause in typing."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=15)),
        placeholder=placeholder,
        value=value,
        on_change=on_change,
        debounce_timeout=debounce,
        size="2",
        width=width,
        data_testid=test_id,
    )


SELECT_STYLE = {
    "width": "100%",
    "height": "36px",
    "border_radius": "var(--radius-2)",
    "padding": "0 8px",
    "border": "1px solid var(--gray-7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
    "font_size": "var(--font-size-2)",
}


def label_of(name: str) -> str:
    """ "default_currency" -> "Default currency" (what a control is called, for screen readers)."""
    return name.replace("_", " ").capitalize()


def choice_select(
    name: str, choices: list[tuple[str, str]], *, value: Any, on_change: Any, **props: Any
) -> rx.Component:
    """A choice people make by name (a currency, a timezone, a language), never by typing its
    code, and found by typing any part of it ("kolk", "rupee"): a text box listing the entries
    that match as it is typed. Picking one calls `on_change` with its code ("INR",
    "Asia/Kolkata", "en-IN"); a form posts the code (a hidden input named `name`). A value
    saved before (or over the API) that the list does not offer is shown as it is, and stays
    until another is picked."""
    style = {**SELECT_STYLE, **props.pop("style", {})}
    by_label = rx.Var.create({label: code for code, label in choices})
    by_code = rx.Var.create(dict(choices))
    shown = rx.cond(by_code.contains(value), by_code[value], value)
    options = f"{name}-choices"
    return rx.fragment(
        # the form's value (a form reads its fields by name and by id: the code, not the name)
        rx.el.input(type="hidden", id=name, name=name, value=value),
        rx.el.input(
            id=f"{name}-search",
            aria_label=label_of(name),
            key=value,
            default_value=shown,
            list=options,
            auto_complete="off",
            placeholder="Type to search",
            # only a whole entry of the list changes the choice (typing part of one does not)
            on_change=lambda text: on_change(
                rx.cond(by_label.contains(text), by_label[text], value)
            ),
            # the whole name selected on entry: the first key typed starts a new search
            on_focus=rx.call_script("document.activeElement?.select?.()"),
            style=style,
            data_testid=props.pop("data_testid", f"choice-{name}"),
            **props,
        ),
        rx.el.datalist(*[rx.el.option(value=label) for _code, label in choices], id=options),
    )


def short_select(
    name: str, choices: list[tuple[str, str]], *, value: Any, on_change: Any, **props: Any
) -> rx.Component:
    """A choice among a few entries (kinds, statuses) shown by their words: the browser's own
    select, which posts the code. For long lists (countries, currencies) use `choice_select`."""
    return rx.el.select(
        *[rx.el.option(label, value=code) for code, label in choices],
        id=name,
        name=name,
        value=value,
        on_change=on_change,
        style={**SELECT_STYLE, **props.pop("style", {})},
        **props,
    )

"""The two dialogs every page uses: a form in a dialog (`form_dialog`) and "are you sure?"
(`confirm_dialog`). One look, one set of test ids, one place to change them."""

from __future__ import annotations

from typing import Any

import reflex as rx

from travelcrm.ui.components.forms import form


def _buttons(*, cancel: rx.Component, action: rx.Component) -> rx.Component:
    return rx.hstack(cancel, action, spacing="3", justify="end", width="100%", margin_top="8px")


def form_dialog(
    title: rx.Var[str] | str,
    *fields: rx.Component,
    open: rx.Var[bool] | bool,
    on_open_change: Any,
    on_submit: Any,
    submit_label: rx.Var[str] | str = "Save",
    test_id: str,
    description: rx.Var[str] | str | None = None,
    summary: rx.Var[str] | None = None,
    busy: rx.Var[bool] | bool = False,
    max_width: str = "520px",
    key: rx.Var[Any] | None = None,
) -> rx.Component:
    """A dialog holding a form: its fields (each showing its own error), an optional summary
    of what is wrong above them, Cancel and the submit button (`save-<test_id>`). `key`
    re-mounts the form so its inputs show fresh default values when the row edited changes."""
    body: list[rx.Component] = []
    if description is not None:
        body.append(rx.text(description, size="2", color=rx.color("gray", 11)))
    if summary is not None:
        body.append(
            rx.cond(
                summary != "",
                rx.callout(
                    summary, icon="circle-alert", color_scheme="red", size="1", width="100%"
                ),
            )
        )
    form_props: dict[str, Any] = {"key": key} if key is not None else {}
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            form(
                rx.vstack(
                    *body,
                    *fields,
                    _buttons(
                        cancel=rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        action=rx.button(
                            submit_label,
                            type="submit",
                            loading=busy,
                            data_testid=f"save-{test_id}",
                        ),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
                **form_props,
            ),
            max_width=max_width,
            data_testid=f"dialog-{test_id}",
        ),
        open=open,
        on_open_change=on_open_change,
    )


def confirm_dialog(
    title: rx.Var[str] | str,
    text: rx.Var[str] | str,
    *,
    open: rx.Var[bool] | bool,
    on_open_change: Any,
    on_confirm: Any,
    action_label: rx.Var[str] | str,
    test_id: str = "confirm",
    danger: bool = True,
    busy: rx.Var[bool] | bool = False,
    extra: rx.Component | None = None,
) -> rx.Component:
    """ "Are you sure?": what will happen in words, Cancel, and the action (`<test_id>-action`),
    red when it removes something."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text, size="2"),
            extra if extra is not None else rx.fragment(),
            _buttons(
                cancel=rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray")
                ),
                action=rx.alert_dialog.action(
                    rx.button(
                        action_label,
                        color_scheme="red" if danger else None,
                        loading=busy,
                        on_click=on_confirm,
                        data_testid=f"{test_id}-action",
                    )
                ),
            ),
            max_width="480px",
            data_testid=f"dialog-{test_id}",
        ),
        open=open,
        on_open_change=on_open_change,
    )

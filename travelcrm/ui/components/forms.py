"""Form helpers."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.constants import EventTriggers


def native_form(*children: rx.Component, action: str, **props: object) -> rx.Component:
    """An HTML form that the browser itself posts to `action` (an API route that answers with a
    redirect). Used where the server must set an HttpOnly cookie: Reflex forms otherwise always
    prevent the browser's submit and send the data over the websocket."""
    form = rx.el.form(*children, action=action, method="post", **props)
    form.event_triggers.pop(EventTriggers.ON_SUBMIT, None)
    return form


def form(*children: rx.Component, **props: object) -> rx.Component:
    """A form the page checks: the browser's own checks are off (they stop at the first empty
    field, one bubble at a time), so every problem comes back at its field in one pass from the
    server. Required fields keep `required` for assistive technology and are marked by `field`."""
    return rx.form(*children, no_validate=True, **props)


def discard_and_save(on_discard: Any, save_label: str, test_id: str, **props: Any) -> rx.Component:
    """A form's last row: "Discard changes" (back to what is saved) and its submit button."""
    return rx.hstack(
        rx.button(
            "Discard changes",
            type="button",
            variant="soft",
            color_scheme="gray",
            on_click=on_discard,
        ),
        rx.button(rx.icon("save", size=16), save_label, type="submit", data_testid=test_id),
        spacing="3",
        **props,
    )

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


def section_save(
    unsaved: rx.Var[bool], on_save: Any, on_discard: Any, test_id: str
) -> rx.Component:
    """A section's own save, at its title: "Unsaved changes" and Discard while the section
    differs from what is saved, and its Save button (idle until then)."""
    return rx.hstack(
        rx.cond(
            unsaved,
            rx.hstack(
                rx.badge(
                    rx.icon("circle-dot", size=12),
                    "Unsaved changes",
                    color_scheme="amber",
                    variant="soft",
                    data_testid=f"{test_id}-unsaved",
                ),
                rx.button(
                    "Discard",
                    type="button",
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=on_discard,
                    data_testid=f"{test_id}-discard",
                ),
                spacing="2",
                align="center",
            ),
        ),
        rx.button(
            rx.icon("save", size=14),
            "Save",
            type="button",
            size="2",
            variant=rx.cond(unsaved, "solid", "soft"),
            disabled=~unsaved,
            on_click=on_save,
            data_testid=f"{test_id}-save",
        ),
        spacing="3",
        align="center",
        wrap="wrap",
        justify="end",
    )


UNSAVED_WARNING = "You have unsaved changes on this page. Leave without saving them?"
# One listener per tab: before a reload or close (the browser's own question), and before a
# link inside the app is followed (ours), while any element marks unsaved changes.
_GUARD = f"""
if (!window.__unsavedGuard) {{
  window.__unsavedGuard = true;
  const pending = () => document.querySelector('[data-unsaved="true"]') !== null;
  window.addEventListener('beforeunload', (e) => {{
    if (pending()) {{ e.preventDefault(); e.returnValue = ''; }}
  }});
  document.addEventListener('click', (e) => {{
    const link = e.target.closest && e.target.closest('a[href]');
    if (!link || !pending() || link.target === '_blank') return;
    if (!window.confirm({UNSAVED_WARNING!r})) {{ e.preventDefault(); e.stopPropagation(); }}
  }}, true);
}}
"""


def unsaved_guard(dirty: rx.Var[bool]) -> rx.Component:
    """Warns before leaving the page (a link, a reload, closing the tab) while `dirty`."""
    return rx.box(
        display="none",
        custom_attrs={"data-unsaved": rx.cond(dirty, "true", "false")},
        data_testid="unsaved-guard",
        on_mount=rx.call_script(_GUARD),
    )

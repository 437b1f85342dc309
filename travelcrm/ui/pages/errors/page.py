"""The 404 page, inside the same shell so people can find their way back."""

from __future__ import annotations

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.template import shell


def not_found_page() -> rx.Component:
    return shell(
        rx.center(
            rx.vstack(
                rx.icon("map-pin-off", size=48, color=rx.color("accent", 9)),
                rx.heading("Page not found", size="8"),
                rx.text(
                    "This page does not exist or has moved. Check the address, or go back home.",
                    color=rx.color("gray", 11),
                    size="3",
                    text_align="center",
                ),
                rx.link(
                    rx.button(rx.icon("house", size=16), "Back to Home", size="3"), href=routes.HOME
                ),
                spacing="4",
                align="center",
                max_width="460px",
                data_testid="not-found",
            ),
            min_height="60vh",
            width="100%",
        ),
        title="Not found",
        active_route="",
    )

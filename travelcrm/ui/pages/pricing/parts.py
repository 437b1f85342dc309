"""What the four pricing-data pages share: their tabs (links to each other) and header."""

from __future__ import annotations

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.components.cards import page_header

TABS: tuple[tuple[str, str, str], ...] = (
    ("Settings", routes.PRICING, "sliders-horizontal"),
    ("Markup rules", routes.PRICING_MARKUPS, "percent"),
    ("Tax table", routes.PRICING_TAXES, "landmark"),
    ("Exchange rates", routes.PRICING_FX, "arrow-left-right"),
)


def tabs(current: str) -> rx.Component:
    """Links to the pricing pages, the current one marked."""
    return rx.hstack(
        *[
            rx.link(
                rx.button(
                    rx.icon(icon, size=14),
                    label,
                    variant="solid" if route == current else "soft",
                    color_scheme=None if route == current else "gray",
                    size="2",
                ),
                href=route,
                aria_current="page" if route == current else None,
                data_testid=f"pricing-tab-{route.rsplit('/', 1)[-1]}",
            )
            for label, route, icon in TABS
        ],
        spacing="2",
        wrap="wrap",
        width="100%",
    )


def header(title: str, subtitle: str, current: str, *actions: rx.Component) -> rx.Component:
    return rx.vstack(
        page_header(title, subtitle, *actions),
        tabs(current),
        spacing="3",
        width="100%",
    )

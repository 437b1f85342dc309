"""The staff shell (sidebar, top bar, content, light/dark) as a page decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from travelcrm import __version__
from travelcrm.ui import routes
from travelcrm.ui.components.cards import brand_mark
from travelcrm.ui.components.forms import native_form
from travelcrm.ui.shell_state import ShellState

SIDEBAR_WIDTH = "240px"


def _nav_link(item: routes.NavItem, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(item.icon, size=18),
            rx.text(item.label, size="3", weight="medium"),
            spacing="3",
            align="center",
            padding_x="12px",
            padding_y="8px",
            border_radius="8px",
            width="100%",
            background=rx.color("accent", 4) if active else "transparent",
            color=rx.color("accent", 12) if active else rx.color("gray", 12),
            _hover={"background": rx.color("accent", 3)},
        ),
        href=item.route,
        underline="none",
        width="100%",
        data_testid=f"nav-{item.label.lower()}",
    )


def sidebar(active_route: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            brand_mark(34),
            rx.vstack(
                rx.text("TravelCRM", size="4", weight="bold", trim="both"),
                rx.text("Agency back office", size="1", color=rx.color("gray", 10)),
                spacing="0",
            ),
            spacing="3",
            align="center",
            padding_x="12px",
            padding_bottom="16px",
        ),
        rx.text("Workspace", size="1", weight="bold", color=rx.color("gray", 10), padding_x="12px"),
        *[_nav_link(item, item.route == active_route) for item in routes.NAV],
        rx.spacer(),
        rx.divider(),
        rx.link(
            rx.hstack(
                rx.icon("book-open", size=16),
                rx.text("API docs", size="2"),
                spacing="2",
                align="center",
                padding_x="12px",
                padding_y="6px",
            ),
            href=routes.API_DOCS,
            is_external=True,
            underline="none",
            color=rx.color("gray", 11),
        ),
        rx.text(f"v{__version__}", size="1", color=rx.color("gray", 9), padding_x="12px"),
        spacing="1",
        padding="20px 12px",
        height="100vh",
        width=SIDEBAR_WIDTH,
        position="sticky",
        top="0",
        flex_shrink="0",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        display=["none", "none", "flex"],
    )


def mobile_nav() -> rx.Component:
    """The sidebar's links as a menu on narrow screens."""
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(rx.icon("menu", size=18), variant="ghost", aria_label="Menu")
            ),
            rx.menu.content(
                *[
                    rx.menu.item(
                        rx.link(item.label, href=item.route, underline="none", width="100%")
                    )
                    for item in routes.NAV
                ],
                rx.menu.separator(),
                rx.menu.item(rx.link("API docs", href=routes.API_DOCS, is_external=True)),
            ),
        ),
        display=["block", "block", "none"],
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=18),
                rx.text(ShellState.user_name, display=["none", "inline"]),
                rx.icon("chevron-down", size=14),
                variant="ghost",
                size="2",
                data_testid="user-menu",
            )
        ),
        rx.menu.content(
            rx.box(
                rx.text(ShellState.agency_name, size="2", weight="bold"),
                rx.text(ShellState.role, size="1", color=rx.color("gray", 10)),
                padding="6px 12px",
            ),
            rx.menu.separator(),
            native_form(
                rx.button(
                    rx.icon("log-out", size=14),
                    "Sign out",
                    type="submit",
                    variant="ghost",
                    width="100%",
                    justify="start",
                    data_testid="sign-out",
                ),
                action=routes.API_LOGOUT_FORM,
            ),
        ),
    )


def topbar(title: str) -> rx.Component:
    return rx.hstack(
        mobile_nav(),
        rx.heading(title, size="4", weight="medium", color=rx.color("gray", 11)),
        rx.spacer(),
        rx.cond(
            ShellState.user_name != "",
            rx.hstack(
                rx.badge(
                    ShellState.agency_name, variant="soft", size="2", data_testid="agency-badge"
                ),
                user_menu(),
                align="center",
                spacing="3",
            ),
        ),
        rx.color_mode.button(size="2", variant="ghost", data_testid="color-mode"),
        align="center",
        width="100%",
        height="56px",
        padding_x=["16px", "16px", "28px"],
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


def shell(content: rx.Component, *, title: str, active_route: str) -> rx.Component:
    return rx.hstack(
        sidebar(active_route),
        rx.vstack(
            topbar(title),
            rx.box(content, padding=["16px", "20px", "28px"], width="100%", max_width="1200px"),
            spacing="0",
            width="100%",
            min_height="100vh",
            background=rx.color("gray", 1),
        ),
        spacing="0",
        width="100%",
        align="start",
        background=rx.color("gray", 2),
    )


def staff_page(
    *, route: str, title: str, on_load: Any = None
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a page inside the staff shell: `@staff_page(route=routes.HOME, title="Home")`."""

    def decorate(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            return shell(content(), title=title, active_route=route)

        page.__name__ = content.__name__
        # Every staff page first checks the session (back to login without one).
        loads = [ShellState.check] + ([on_load] if on_load is not None else [])
        return rx.page(route=route, title=f"{title} · TravelCRM", on_load=loads)(page)

    return decorate

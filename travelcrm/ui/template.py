"""The staff shell (sidebar, top bar, content, light/dark) as a page decorator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from travelcrm import __version__
from travelcrm.ui import routes
from travelcrm.ui.components.cards import brand_mark, muted
from travelcrm.ui.components.forms import native_form
from travelcrm.ui.errors import leave_errors_behind
from travelcrm.ui.shell_state import ShellState

SIDEBAR_WIDTH = "240px"

# The agency's primary colour (Settings), set on the shell as `--brand-color`, and light tints of
# it for backgrounds (readable with the normal text colour whatever the colour is).
BRAND = "var(--brand-color, var(--accent-9))"
BRAND_TINT = f"color-mix(in srgb, {BRAND} 16%, transparent)"
BRAND_HOVER = f"color-mix(in srgb, {BRAND} 9%, transparent)"


def _test_id(item: routes.NavItem) -> str:
    return "nav-" + (item.route.strip("/").replace("/", "-") or "home")


def _when_allowed(item: routes.NavItem, component: rx.Component) -> rx.Component:
    """Show a nav entry only to roles that may open the page (ShellState.nav_routes)."""
    if item.action is None:
        return component
    return rx.cond(ShellState.nav_routes.contains(item.route), component)  # type: ignore[attr-defined]


def _when_checked(item: routes.NavItem, component: rx.Component) -> rx.Component:
    """The phone menu's entries, once the session check has said which pages are open."""
    return rx.cond(ShellState.checked, _when_allowed(item, component))


def _nav_link(item: routes.NavItem, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(item.icon, size=18, **({"color": BRAND} if active else {})),
            rx.text(item.label, size="3", weight="medium"),
            spacing="3",
            align="center",
            padding_x="12px",
            padding_y="8px",
            border_radius="8px",
            width="100%",
            background=BRAND_TINT if active else "transparent",
            color=rx.color("gray", 12),
            box_shadow=f"inset 3px 0 0 {BRAND}" if active else "none",
            _hover={"background": BRAND_TINT if active else BRAND_HOVER},
        ),
        href=item.route,
        underline="none",
        width="100%",
        data_testid=_test_id(item),
    )


def _nav_placeholders() -> rx.Component:
    """While the session check runs: grey bars where the entries will be (never a short menu
    that looks like missing permissions)."""
    return rx.vstack(
        *[rx.skeleton(height="36px", width="100%", loading=True) for _ in range(6)],
        spacing="2",
        width="100%",
        data_testid="nav-loading",
    )


def sidebar(active_route: str) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(
                ShellState.logo_url != "",
                rx.image(
                    src=ShellState.logo_url,
                    max_height="34px",
                    max_width="120px",
                    alt="logo",
                    data_testid="brand-logo",
                ),
                brand_mark(34, test_id="brand-mark"),
            ),
            rx.vstack(
                rx.text(
                    rx.cond(ShellState.agency_name != "", ShellState.agency_name, "TravelCRM"),
                    size="2",
                    weight="bold",
                    trim="both",
                    data_testid="brand-name",
                ),
                muted("TravelCRM back office", size="1", shade=10),
                spacing="1",
                min_width="0",
            ),
            spacing="3",
            align="center",
            padding_x="12px",
            padding_bottom="16px",
        ),
        muted("Workspace", size="1", shade=10, weight="bold", padding_x="12px"),
        rx.cond(
            ShellState.checked,
            rx.vstack(
                *[
                    _when_allowed(item, _nav_link(item, item.route == active_route))
                    for item in routes.NAV
                ],
                spacing="1",
                width="100%",
            ),
            _nav_placeholders(),
        ),
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
                    _when_checked(
                        item,
                        rx.menu.item(
                            rx.link(item.label, href=item.route, underline="none", width="100%"),
                            data_testid="mobile-" + _test_id(item),
                        ),
                    )
                    for item in routes.NAV
                ],
                rx.menu.separator(),
                rx.menu.item(rx.link("API docs", href=routes.API_DOCS, is_external=True)),
            ),
        ),
        display=["block", "block", "none"],
    )


def _menu_link(icon: str, label: str, href: str, test_id: str | None = None) -> rx.Component:
    """An item of the user menu that opens a page."""
    return rx.menu.item(
        rx.link(
            rx.hstack(rx.icon(icon, size=14), label),
            href=href,
            underline="none",
            color="inherit",
            width="100%",
        ),
        data_testid=test_id,
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
                muted(ShellState.role, size="1", shade=10),
                padding="6px 12px",
            ),
            rx.menu.separator(),
            _menu_link("user-round", "Profile", routes.PROFILE, "menu-profile"),
            _menu_link("monitor-smartphone", "My sessions", routes.SESSIONS),
            rx.cond(
                ShellState.agency_count > 1,
                _menu_link(
                    "arrow-left-right", "Switch agency", routes.CHOOSE_AGENCY, "menu-switch-agency"
                ),
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
                    ShellState.agency_name,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    background=BRAND_TINT,
                    color=rx.color("gray", 12),
                    data_testid="agency-badge",
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
        box_shadow=f"inset 0 3px 0 {BRAND}",
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
            min_width="0",  # a flex child: without it wide tables widen the page
            min_height="100vh",
            background=rx.color("gray", 1),
        ),
        spacing="0",
        width="100%",
        align="start",
        background=rx.color("gray", 2),
        # The agency's primary colour (Settings), read by the brand mark and the accents.
        style={"--brand-color": ShellState.brand_color},
        data_testid="shell",
    )


def staff_page(
    *, route: str, title: str, on_load: Any = None, nav_route: str | None = None
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    # `on_load`: one handler or a list, run after the session check
    """Register a page inside the staff shell: `@staff_page(route=routes.HOME, title="Home")`.
    `nav_route`: the sidebar entry to light when it is not the page's own (a query's page
    lights "Queries")."""

    def decorate(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def page() -> rx.Component:
            return shell(content(), title=title, active_route=nav_route or route)

        page.__name__ = content.__name__
        # Every staff page first checks the session (back to login without one).
        extra = on_load if isinstance(on_load, list) else [on_load] if on_load is not None else []
        # an error toast of the page before does not follow the person here
        loads = [leave_errors_behind(), ShellState.check, *extra]
        return rx.page(route=route, title=f"{title} · TravelCRM", on_load=loads)(page)

    return decorate

"""The frame of the signed-out pages: a centred card with the brand (or the agency's own)."""

from __future__ import annotations

import reflex as rx

from travelcrm.ui.components.cards import brand_mark, muted


def auth_card(
    *children: rx.Component,
    title: str | rx.Var[str],
    subtitle: str | rx.Var[str] = "",
    max_width: str = "440px",
    logo: rx.Component | None = None,
) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                logo
                or rx.hstack(
                    brand_mark(40), rx.heading("TravelCRM", size="6"), spacing="3", align="center"
                ),
                rx.heading(title, size="5", margin_top="4px"),
                rx.cond(
                    rx.Var.create(subtitle) != "",
                    muted(subtitle),
                ),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width=max_width,
        ),
        min_height="100vh",
        padding="24px",
        background=rx.color("gray", 2),
    )


def notice(
    message: rx.Var[str] | str,
    *,
    tone: str = "red",
    icon: str = "circle-alert",
    test_id: str = "notice",
) -> rx.Component:
    return rx.cond(
        rx.Var.create(message) != "",
        rx.callout(message, icon=icon, color_scheme=tone, width="100%", data_testid=test_id),
    )


def text_input(name: str, *, kind: str = "text", **props: object) -> rx.Component:
    return rx.input(id=name, name=name, type=kind, size="3", width="100%", **props)


def footer_links(*links: tuple[str, str]) -> rx.Component:
    return rx.hstack(
        *[rx.link(label, href=href, size="2") for label, href in links],
        justify="between",
        width="100%",
    )

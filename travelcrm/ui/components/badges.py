"""Badges that several pages use."""

from __future__ import annotations

import reflex as rx

from travelcrm.core.permissions import Role

ROLE_COLORS: dict[str, str] = {
    Role.OWNER.value: "violet",
    Role.ADMIN.value: "indigo",
    Role.MANAGER.value: "cyan",
    Role.AGENT.value: "green",
    Role.OPERATOR.value: "orange",
    Role.FINANCE.value: "amber",
    Role.CUSTOMER.value: "gray",
}


def role_badge(role: rx.Var[str]) -> rx.Component:
    return rx.match(
        role,
        *[
            (value, rx.badge(value, color_scheme=color, variant="soft", size="2"))
            for value, color in ROLE_COLORS.items()
        ],
        rx.badge(role, variant="soft", size="2"),
    )


def yes_no_badge(
    value: rx.Var[bool], yes: str, no: str, *, yes_color: str = "green", no_color: str = "gray"
) -> rx.Component:
    return rx.cond(
        value,
        rx.badge(rx.icon("check", size=12), yes, color_scheme=yes_color, variant="soft"),
        rx.badge(no, color_scheme=no_color, variant="outline"),
    )

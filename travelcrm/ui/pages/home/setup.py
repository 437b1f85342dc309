"""The setup checklist on an owner's Home: each step ticked when done, with a link to do it;
gone once every step is done."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.pages.home.state import HomeState as S
from travelcrm.ui.pages.home.text import SetupStep


def _step(step: ObjectVar[SetupStep]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            step.done,
            rx.icon("circle-check", size=22, color=rx.color("green", 10), flex_shrink="0"),
            rx.icon("circle", size=22, color=rx.color("gray", 8), flex_shrink="0"),
        ),
        rx.vstack(
            rx.text(
                step.title,
                size="2",
                weight="bold",
                color=rx.cond(step.done, rx.color("gray", 10), rx.color("gray", 12)),
                text_decoration=rx.cond(step.done, "line-through", "none"),
            ),
            rx.text(step.hint, size="1", color=rx.color("gray", 10), word_break="break-word"),
            spacing="0",
            align="start",
            min_width="0",
            flex="1",
        ),
        rx.link(
            rx.button(step.action, size="1", variant=rx.cond(step.done, "ghost", "soft")),
            href=step.href,
            flex_shrink="0",
        ),
        align="center",
        spacing="3",
        width="100%",
        padding="10px 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="setup-" + step.key.to(str),
        data_done=rx.cond(step.done, "yes", "no"),
    )


def checklist() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text("Set up your agency", size="4", weight="bold"),
                    rx.text(
                        "A few steps before your team works here every day.",
                        size="2",
                        color=rx.color("gray", 11),
                    ),
                    spacing="1",
                    align="start",
                ),
                rx.spacer(),
                rx.badge(
                    rx.Var.create(S.setup_done).to_string() + " of 5 done",
                    color_scheme="teal",
                    variant="soft",
                    size="2",
                    white_space="nowrap",
                ),
                align="start",
                width="100%",
            ),
            rx.progress(value=S.setup_done * 20, width="100%"),
            rx.vstack(rx.foreach(S.setup_steps, _step), spacing="0", width="100%"),
            rx.hstack(
                rx.text("Your enquiry form's address:", size="1", color=rx.color("gray", 11)),
                rx.code(S.enquiry_url, size="1", word_break="break-all"),
                rx.icon_button(
                    rx.icon("copy", size=14),
                    size="1",
                    variant="ghost",
                    on_click=[rx.set_clipboard(S.enquiry_url), rx.toast.success("Copied")],
                    aria_label="Copy the address",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
                data_testid="enquiry-url",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        data_testid="setup-checklist",
    )

"""Email log: every email the agency sent, its state and the mail server's answer, the chosen
one's delivery log (sent, refused, opened, clicked), and the addresses blocked after a
refusal, with Clear."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, row_actions, row_button
from travelcrm.ui.components.cards import muted, page_body, page_header, section, side_by_side
from travelcrm.ui.components.tables import empty_state, gated_by, listing
from travelcrm.ui.pages.mail.log_state import BlockedLine, EmailLogState, LogLine, MessageLine
from travelcrm.ui.template import staff_page

S = EmailLogState


def _message(row: ObjectVar[MessageLine]) -> rx.Component:
    chosen = S.selected_id == row.message_id
    return rx.table.row(
        rx.table.cell(rx.text(row.when, size="2", white_space="nowrap")),
        rx.table.cell(
            rx.vstack(
                rx.text(row.subject, size="2", weight="medium"),
                muted(row.recipient, size="1", word_break="break-all"),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.badge(row.state, color_scheme=row.color, variant="soft", white_space="nowrap"),
                muted(row.answer, size="1", word_break="break-word"),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(
            rx.text(row.opens.to_string(), " / ", row.clicks.to_string(), size="2"),
            text_align="right",
        ),
        on_click=S.choose(row.message_id),  # type: ignore[operator]
        cursor="pointer",
        background=rx.cond(chosen, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("accent", 2)},
        data_testid="email-row",
    )


def _messages() -> rx.Component:
    return section(
        "Emails",
        listing(
            S.messages,
            [("Queued", "left"), ("Email", "left"), ("State", "left"), ("Opens / clicks", "right")],
            _message,
            empty=empty_state(
                "mail",
                "No emails yet",
                "Quotes, reminders and payment requests you send appear here with what the mail "
                "server answered.",
                test_id="emails-empty",
            ),
            test_id="emails",
        ),
        action=action_button("refresh-cw", "Refresh", on_click=S.refresh, test_id="refresh-emails"),
    )


def _log_line(line: ObjectVar[LogLine]) -> rx.Component:
    return rx.hstack(
        rx.icon("dot", size=18, color=rx.color("accent", 9), flex_shrink="0"),
        rx.vstack(
            rx.hstack(
                rx.text(line.what, size="2", weight="medium"),
                muted(line.when, size="1"),
                spacing="2",
                wrap="wrap",
                align="baseline",
            ),
            muted(line.detail, size="1", word_break="break-all"),
            spacing="0",
            align="start",
        ),
        align="start",
        spacing="1",
        width="100%",
        data_testid="log-line",
    )


def _log() -> rx.Component:
    return section(
        "Delivery log",
        rx.cond(
            S.events.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(rx.foreach(S.events, _log_line), spacing="2", width="100%"),
            muted("Choose an email to see what happened to it."),
        ),
    )


def _blocked(line: ObjectVar[BlockedLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(line.email, size="2", word_break="break-all")),
        rx.table.cell(
            rx.vstack(
                muted(line.reason, size="1", word_break="break-word"),
                muted(line.since, size="1", shade=10),
                spacing="0",
            )
        ),
        row_actions(
            row_button(
                "eraser",
                "Clear: mail may go to this address again",
                S.clear(line.suppression_id),  # type: ignore[operator]
                "clear-suppression",
            ),
            when=S.can_clear,
        ),
        data_testid="blocked-row",
    )


def _suppressions() -> rx.Component:
    return section(
        "Blocked addresses",
        muted(
            "A mail server refused these for good; nothing is sent to them until you clear them.",
            size="1",
        ),
        listing(
            S.blocked,
            [("Address", "left"), ("Why", "left"), ("", "right")],
            _blocked,
            empty=muted("None: every address can receive your emails.", data_testid="no-blocked"),
            test_id="blocked",
        ),
    )


def _page() -> rx.Component:
    return page_body(
        page_header(
            "Email log",
            "Every email your agency sent, what the mail server answered, and who opened it.",
            rx.link(
                rx.button(rx.icon("file-pen-line", size=14), "Email templates", variant="soft"),
                href=routes.EMAIL_TEMPLATES,
            ),
        ),
        side_by_side(
            _messages(),
            rx.vstack(_log(), _suppressions(), spacing="4", width="100%"),
            widths="3fr 2fr",
        ),
    )


@staff_page(route=routes.EMAIL_LOG, title="Email log", on_load=EmailLogState.load)
def email_log_page() -> rx.Component:
    return gated_by(S, _page())

"""Dev outbox: the mail the app wrote (sign-up verification, resets, invitations), read in the
browser while developing. No sign-in: a brand-new sign-up has no account to sign in with yet.
Only when APP_ENV=dev; elsewhere the page says so and shows no mail."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import brand_mark, icon_tile, muted
from travelcrm.ui.components.tables import empty_state, listing, loading
from travelcrm.ui.pages.outbox.state import LIMIT, MessageRow, OutboxState, TextPart

REFRESH_MS = 4_000

STATUS_COLORS = {"queued": "amber", "captured": "blue", "sent": "green", "failed": "red"}
STATUS_LABELS = {"captured": "kept here"}


def status_badge(status: rx.Var[str] | str) -> rx.Component:
    return rx.match(
        status,
        *[
            (
                value,
                rx.badge(
                    STATUS_LABELS.get(value, value), color_scheme=color, variant="soft", size="1"
                ),
            )
            for value, color in STATUS_COLORS.items()
        ],
        rx.badge(status, variant="soft", size="1"),
    )


def _topbar() -> rx.Component:
    return rx.hstack(
        brand_mark(30),
        rx.text("TravelCRM", weight="bold", size="3"),
        rx.badge("Developer tools", color_scheme="orange", variant="soft", size="2"),
        rx.spacer(),
        rx.link("Back office", href=routes.HOME, size="2"),
        rx.color_mode.button(size="2", variant="ghost"),
        align="center",
        spacing="3",
        width="100%",
        height="56px",
        padding_x=["16px", "16px", "28px"],
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background=rx.color("gray", 1),
    )


def _message_row(row: ObjectVar[MessageRow]) -> rx.Component:
    chosen = OutboxState.selected_id == row.message_id
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.ago, size="2", weight="medium", white_space="nowrap"),
                muted(row.when, size="1", shade=10, white_space="nowrap"),
                spacing="0",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row.subject, size="2", weight="medium"),
                muted(row.recipient, size="1", word_break="break-all"),
                spacing="0",
            )
        ),
        rx.table.cell(rx.code(row.kind, size="1", variant="ghost")),
        rx.table.cell(status_badge(row.status)),
        on_click=OutboxState.open_message(row.message_id),  # type: ignore[operator]
        cursor="pointer",
        background=rx.cond(chosen, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("accent", 2)},
        data_testid="outbox-row",
    )


def _messages() -> rx.Component:
    return listing(
        OutboxState.messages,
        [("When", "left"), ("Message", "left"), ("Kind", "left"), ("Status", "left")],
        _message_row,
        empty=empty_state(
            "inbox",
            "No mail yet",
            "Sign up a new agency, ask for a password reset or invite a colleague: the email "
            "appears here within seconds.",
            rx.link(rx.button("Sign up an agency", variant="soft"), href=routes.SIGNUP),
            test_id="outbox-empty",
        ),
        test_id="outbox-table",
    )


def _part(part: ObjectVar[TextPart]) -> rx.Component:
    return rx.cond(
        part.href != "",
        rx.link(part.text, href=part.href, is_external=True, word_break="break-all"),
        rx.text.span(part.text),
    )


def _fact(label: str, value: rx.Component | rx.Var[str] | str) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label, min_width="64px"), rx.data_list.value(value))


def _detail() -> rx.Component:
    chosen = OutboxState.selected
    return rx.cond(
        OutboxState.selected_id != "",
        rx.card(
            rx.vstack(
                rx.heading(chosen["subject"], size="4", data_testid="outbox-subject"),
                rx.data_list.root(
                    _fact("To", rx.text(chosen["to"], word_break="break-all")),
                    _fact("Written", chosen["when"]),
                    _fact("Kind", rx.code(chosen["kind"])),
                    _fact(
                        "Status",
                        rx.hstack(
                            status_badge(chosen["status"]),
                            rx.text("attempts: ", chosen["attempts"], size="1"),
                            spacing="2",
                            align="center",
                        ),
                    ),
                    size="1",
                ),
                rx.cond(
                    chosen["error"] != "",
                    rx.callout(
                        chosen["error"], icon="triangle-alert", color_scheme="red", size="1"
                    ),
                ),
                rx.divider(),
                rx.box(
                    rx.foreach(OutboxState.body, _part),
                    white_space="pre-wrap",
                    font_family="var(--code-font-family)",
                    font_size="13px",
                    line_height="1.6",
                    padding="14px",
                    border_radius="8px",
                    background=rx.color("gray", 2),
                    border=f"1px solid {rx.color('gray', 5)}",
                    width="100%",
                    overflow_wrap="anywhere",
                    data_testid="outbox-body",
                ),
                rx.cond(
                    chosen["html"] != "",
                    muted(
                        "The message also has an HTML part with the same text and link; "
                        "only the plain text is shown here.",
                        size="1",
                        shade=10,
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            data_testid="outbox-message",
        ),
        rx.card(
            rx.center(
                rx.text("Pick a message to read it.", color=rx.color("gray", 10)),
                padding="40px",
            ),
            width="100%",
        ),
    )


def _outbox() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading("Outbox", size="7", weight="bold"),
                rx.text(
                    "The newest ",
                    str(LIMIT),
                    " emails the app has written, newest first.",
                    color=rx.color("gray", 11),
                ),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            muted("Refreshes every few seconds · ", OutboxState.refreshed_at, size="1", shade=10),
            rx.button(
                rx.icon("refresh-cw", size=16),
                "Refresh",
                on_click=OutboxState.refresh,
                variant="soft",
                data_testid="outbox-refresh",
            ),
            align="center",
            spacing="3",
            width="100%",
            wrap="wrap",
        ),
        rx.callout(
            "Development only: mail is not sent, it is kept here. Anyone who can open this "
            "page can read it, which is why it exists only when APP_ENV=dev.",
            icon="flask-conical",
            color_scheme="orange",
            width="100%",
            data_testid="outbox-dev-notice",
        ),
        rx.grid(
            rx.box(_messages(), min_width="0"),
            rx.box(_detail(), min_width="0"),
            grid_template_columns=rx.breakpoints(initial="1fr", lg="minmax(0, 1fr) minmax(0, 1fr)"),
            gap="16px",
            width="100%",
            align_items="start",
        ),
        rx.moment(
            interval=REFRESH_MS,
            on_change=OutboxState.refresh.temporal,  # type: ignore[attr-defined]
            display="none",
        ),
        spacing="4",
        width="100%",
    )


def _not_here() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                icon_tile("mail-x", size=52, color="amber"),
                rx.heading(
                    "The outbox page exists only in development", size="5", text_align="center"
                ),
                muted(
                    "Here mail goes out through the configured SMTP server and is not shown "
                    "in the browser. Developers running the app with APP_ENV=dev read it on "
                    "this page.",
                    text_align="center",
                ),
                rx.link(
                    rx.button(rx.icon("house", size=16), "Back to the back office", variant="soft"),
                    href=routes.HOME,
                ),
                spacing="3",
                align="center",
                max_width="480px",
                padding="12px",
            ),
            size="3",
        ),
        width="100%",
        min_height="60vh",
        data_testid="outbox-not-here",
    )


@rx.page(
    route=routes.DEV_OUTBOX, title="Outbox (development) · TravelCRM", on_load=OutboxState.load
)
def outbox_page() -> rx.Component:
    return rx.vstack(
        _topbar(),
        rx.box(
            rx.cond(
                OutboxState.loaded,
                rx.cond(OutboxState.enabled, _outbox(), _not_here()),
                loading(),
            ),
            padding=["16px", "20px", "28px"],
            width="100%",
            max_width="1280px",
            margin_x="auto",
        ),
        spacing="0",
        width="100%",
        min_height="100vh",
        background=rx.color("gray", 1),
    )

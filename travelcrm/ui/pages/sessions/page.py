"""My sessions: every browser signed in as me, and signing the others out."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import icon_tile, page_body, page_header, section
from travelcrm.ui.components.tables import empty_state, listing, loading
from travelcrm.ui.pages.sessions.state import SessionRow, SessionsState
from travelcrm.ui.template import staff_page

COLUMNS = [
    ("Device", "left"),
    ("IP address", "left"),
    ("Signed in", "left"),
    ("Last active", "left"),
    ("", "right"),
]


def _device_icon(kind: rx.Var[str]) -> rx.Component:
    return icon_tile(
        rx.match(
            kind,
            ("mobile", rx.icon("smartphone", size=18)),
            ("tablet", rx.icon("tablet", size=18)),
            ("desktop", rx.icon("monitor", size=18)),
            rx.icon("globe", size=18),
        ),
        size=36,
    )


def _session(row: ObjectVar[SessionRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                _device_icon(row.kind),
                rx.vstack(
                    rx.hstack(
                        rx.text(row.device, weight="medium", white_space="nowrap"),
                        rx.cond(
                            row.current,
                            rx.badge(
                                "This device",
                                color_scheme="green",
                                variant="soft",
                                data_testid="this-device",
                            ),
                        ),
                        spacing="2",
                        align="center",
                    ),
                    rx.text(
                        row.user_agent,
                        size="1",
                        color=rx.color("gray", 10),
                        max_width="420px",
                        overflow="hidden",
                        text_overflow="ellipsis",
                        white_space="nowrap",
                        title=row.user_agent,
                    ),
                    spacing="0",
                    align="start",
                    min_width="0",
                ),
                spacing="3",
                align="center",
            )
        ),
        rx.table.cell(rx.code(row.ip, variant="ghost", size="2")),
        rx.table.cell(rx.text(row.started, white_space="nowrap", size="2")),
        rx.table.cell(rx.text(row.last_seen, white_space="nowrap", size="2")),
        rx.table.cell(
            rx.cond(
                row.current,
                rx.text("Current", size="1", color=rx.color("gray", 10)),
                action_button(
                    "log-out",
                    "Sign out",
                    on_click=SessionsState.sign_out(row.session_id),  # type: ignore[operator]
                    test_id="end-session",
                    color_scheme="red",
                    size="1",
                ),
            ),
            text_align="right",
        ),
        align="center",
        data_testid="session-row",
    )


def _sessions() -> rx.Component:
    return page_body(
        page_header(
            "My sessions",
            "Where you are signed in. Sign out any device you do not recognise.",
            rx.button(
                rx.icon("shield-off", size=16),
                "Sign out all other sessions",
                on_click=SessionsState.sign_out_others,
                disabled=SessionsState.others == 0,
                color_scheme="red",
                variant="soft",
                data_testid="end-other-sessions",
            ),
        ),
        section(
            "Active sessions",
            listing(
                SessionsState.sessions,
                COLUMNS,
                _session,
                empty=empty_state(
                    "monitor-off", "No active sessions", "Sign in again to see this list."
                ),
                test_id="sessions",
            ),
            rx.text(
                "Times are in the agency's timezone (",
                SessionsState.timezone,
                "). A device you sign out here is sent to the sign-in page on its next click.",
                size="2",
                color=rx.color("gray", 10),
            ),
        ),
    )


@staff_page(route=routes.SESSIONS, title="My sessions", on_load=SessionsState.load)
def sessions_page() -> rx.Component:
    return rx.cond(SessionsState.loaded, _sessions(), loading())

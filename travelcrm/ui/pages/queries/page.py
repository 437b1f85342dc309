"""A query: reference, status, SLA clock and assignee up top with the moves its status allows
(and reassignment for managers), the trip's details, and the activity timeline with a form to
add a note or log a call or email."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import back_link, facts, muted, section, side_by_side, stacked
from travelcrm.ui.components.dialogs import confirm_dialog
from travelcrm.ui.components.forms import form
from travelcrm.ui.components.tables import record_page
from travelcrm.ui.pages.itineraries.list_page import status_chip
from travelcrm.ui.pages.itineraries.list_state import ItineraryRow
from travelcrm.ui.pages.queries.parts import (
    lost_dialog,
    priority_badge,
    sla_chip,
    status_badge,
    timeline,
)
from travelcrm.ui.pages.queries.state import Move, QueryState
from travelcrm.ui.template import staff_page

S = QueryState


# ---- header ------------------------------------------------------------------------------------


def _move_button(move: ObjectVar[Move], index: rx.Var[int]) -> rx.Component:
    return rx.button(
        rx.match(
            move.icon,
            *[
                (name, rx.icon(name, size=14))
                for name in (
                    "send",
                    "rotate-ccw",
                    "user-minus",
                    "play",
                    "hand",
                    "file-check",
                    "pause",
                    "trophy",
                    "thumbs-down",
                    "ban",
                    "undo-2",
                )
            ],
            rx.icon("arrow-right", size=14),
        ),
        move.label,
        variant=rx.cond(index == 0, "solid", "soft"),  # the usual next step
        color_scheme=rx.match(
            move.tone,
            ("green", "green"),
            ("red", "red"),
            ("orange", "orange"),
            "teal",
        ),
        size="2",
        on_click=S.move(move.target),  # type: ignore[operator]
        data_testid=f"move-{move.target}",
    )


def _reassign() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="Reassign to…", data_testid="reassign"),
        rx.select.content(
            rx.select.group(
                rx.select.label("Reassign to"),
                rx.foreach(S.colleagues, lambda c: rx.select.item(c.label, value=c.value)),
            )
        ),
        value=S.assignee_id,
        on_change=S.reassign,
        size="2",
    )


def _fact(icon: str, label: str, content: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon(icon, size=13),
            rx.text(label, size="1", weight="medium"),
            spacing="1",
            align="center",
            color=rx.color("gray", 10),
        ),
        content,
        spacing="1",
        align="start",
        min_width="0",
    )


def _contact_link(icon: str, label: rx.Var[str] | str, href: Any, test_id: str) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=13),
            rx.text(label, size="2", white_space="nowrap"),
            spacing="1",
            align="center",
        ),
        href=href,
        underline="hover",
        data_testid=test_id,
    )


def _contact() -> rx.Component:
    """The customer's phone and email, a tap away (a call on a phone, a new email)."""
    return rx.flex(
        rx.cond(
            S.customer_phone != "",
            _contact_link("phone", S.customer_phone, S.customer_tel, "customer-phone"),
        ),
        rx.cond(
            S.customer_email != "",
            _contact_link("mail", S.customer_email, "mailto:" + S.customer_email, "customer-email"),
        ),
        rx.cond(
            (S.customer_phone == "") & (S.customer_email == ""),
            muted("No phone or email on file", size="1", shade=10),
        ),
        gap="4px 14px",
        wrap="wrap",
    )


def _header() -> rx.Component:
    return rx.vstack(
        back_link("Queries", routes.QUERIES, "back-to-queries"),
        rx.hstack(
            rx.heading(S.reference, size="7", weight="bold", data_testid="page-title"),
            status_badge(S.status, size="2"),
            priority_badge(S.priority),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.text(S.title, size="3", color=rx.color("gray", 11)),
        rx.card(
            rx.flex(
                _fact(
                    "user-round",
                    "Customer",
                    rx.vstack(
                        rx.link(
                            S.customer_name,
                            href=S.customer_href,
                            weight="medium",
                            size="3",
                            data_testid="query-customer",
                        ),
                        _contact(),
                        spacing="1",
                        align="start",
                    ),
                ),
                _fact(
                    "timer",
                    "Reply SLA",
                    rx.cond(
                        S.sla != "",
                        rx.vstack(
                            sla_chip(S.sla, S.sla_tone, size="2", test_id="sla-clock"),
                            muted(S.sla_due, size="1", shade=11, data_testid="sla-due"),
                            spacing="1",
                            align="start",
                        ),
                        muted("No reply owed", shade=10, data_testid="sla-clock"),
                    ),
                ),
                _fact(
                    "user-check",
                    "Assignee",
                    rx.cond(
                        S.can_assign & S.is_open,
                        _reassign(),
                        rx.text(
                            rx.cond(S.assignee != "", S.assignee, "Unassigned"),
                            size="3",
                            weight="medium",
                        ),
                    ),
                ),
                rx.spacer(),
                rx.cond(
                    S.can_edit & (S.moves.length() > 0),  # type: ignore[attr-defined]
                    rx.flex(rx.foreach(S.moves, _move_button), gap="8px", wrap="wrap"),
                ),
                gap="28px",
                wrap="wrap",
                align="center",
                width="100%",
            ),
            size="2",
            width="100%",
            data_testid="query-header",
        ),
        spacing="2",
        width="100%",
    )


# ---- details and timeline ----------------------------------------------------------------------


def _details() -> rx.Component:
    return section(
        "Trip",
        facts(S.details, "query-details"),
        rx.cond(
            S.notes != "",
            rx.box(
                muted("Notes from the enquiry", size="1", shade=10, weight="bold"),
                rx.text(S.notes, size="2", white_space="pre-wrap"),
                padding="10px 12px",
                border_radius="8px",
                background=rx.color("gray", 2),
                width="100%",
            ),
        ),
    )


def _mention_choices() -> rx.Component:
    """Colleagues an "@..." being typed may mean; a click writes their whole name."""
    return rx.cond(
        S.mention_choices.length() > 0,  # type: ignore[attr-defined]
        rx.flex(
            muted("Mention", size="1", shade=10),
            rx.foreach(
                S.mention_choices,
                lambda name: rx.button(
                    rx.icon("at-sign", size=12),
                    name,
                    type="button",
                    variant="soft",
                    size="1",
                    on_click=S.pick_mention(name),  # type: ignore[operator]
                    data_testid="mention-choice",
                ),
            ),
            gap="6px",
            wrap="wrap",
            align="center",
            width="100%",
            role="listbox",
            aria_label="Colleagues to mention",
            data_testid="mention-choices",
        ),
    )


def _note_form() -> rx.Component:
    return form(
        rx.vstack(
            rx.segmented_control.root(
                rx.segmented_control.item(
                    rx.hstack(rx.icon("sticky-note", size=13), "Note", spacing="1", align="center"),
                    value="note",
                    data_testid="note-kind-note",
                ),
                rx.segmented_control.item(
                    rx.hstack(rx.icon("phone-call", size=13), "Call", spacing="1", align="center"),
                    value="call",
                    data_testid="note-kind-call",
                ),
                rx.segmented_control.item(
                    rx.hstack(rx.icon("mail", size=13), "Email", spacing="1", align="center"),
                    value="email",
                    data_testid="note-kind-email",
                ),
                value=S.note_kind,
                on_change=S.set_note_kind,
                size="1",
            ),
            rx.text_area(
                name="body",
                id="note-body",
                value=S.note_body,
                on_change=S.set_note_body,
                debounce_timeout=150,
                placeholder=rx.match(
                    S.note_kind,
                    ("call", "What was said on the call"),
                    ("email", "What the email said"),
                    "A note for colleagues; type @ to tell one of them",
                ),
                rows="3",
                width="100%",
                resize="vertical",
                data_testid="note-body",
            ),
            _mention_choices(),
            rx.cond(
                S.note_error != "",
                rx.text(S.note_error, size="1", color=rx.color("red", 11)),
            ),
            rx.hstack(
                rx.cond(
                    S.reaches_customer,
                    rx.text(
                        rx.flex(
                            rx.checkbox(
                                checked=S.counts_as_reply,
                                on_change=S.set_counts_as_reply,
                                data_testid="counts-as-reply",
                            ),
                            "Counts as a reply to the customer (restarts the SLA clock)",
                            spacing="2",
                            align="center",
                        ),
                        as_="label",
                        size="2",
                    ),
                ),
                rx.spacer(),
                rx.button(
                    rx.match(S.note_kind, ("call", "Log call"), ("email", "Log email"), "Add note"),
                    type="submit",
                    size="2",
                    data_testid="add-note",
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        key=S.note_key,
        on_submit=S.add_note,
        # cleared by remounting (`note_key`): a DOM reset would also untick the Radix checkbox
        reset_on_submit=False,
        width="100%",
        padding="12px",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="10px",
        background=rx.color("gray", 2),
    )


def _activity() -> rx.Component:
    return section(
        "Activity",
        rx.cond(S.can_edit, _note_form()),
        rx.box(timeline(S.timeline), width="100%", data_testid="timeline"),
    )


# ---- dialogs -----------------------------------------------------------------------------------


def _lost_dialog() -> rx.Component:
    return lost_dialog(
        S.reference,
        reasons=S.reasons,
        reason=S.lost_reason,
        on_reason=S.set_lost_reason,
        open=S.lost_open,
        on_open_change=S.set_lost_open,
        on_confirm=S.confirm_lost,
    )


def _cancel_dialog() -> rx.Component:
    return confirm_dialog(
        rx.text("Cancel ", S.reference, "?", as_="span"),
        "For duplicates, spam and tests: a cancelled query is closed for good "
        "(a customer who went elsewhere is lost, not cancelled).",
        open=S.cancel_open,
        on_open_change=S.set_cancel_open,
        on_confirm=S.confirm_cancel,
        action_label="Cancel query",
        test_id="confirm-cancel",
    )


# ---- itineraries -------------------------------------------------------------------------------


def _trip(row: ObjectVar[ItineraryRow]) -> rx.Component:
    return rx.hstack(
        rx.link(
            rx.text(row.reference, weight="bold", white_space="nowrap"),
            href=row.href,
            underline="hover",
            data_testid="query-itinerary-link",
        ),
        rx.vstack(
            rx.text(row.title, size="2"),
            muted(row.dates, size="1"),
            spacing="0",
            align="start",
            min_width="0",
        ),
        rx.spacer(),
        status_chip(row.status, row.frozen),
        align="center",
        width="100%",
        data_testid="query-itinerary",
    )


def _itineraries() -> rx.Component:
    return section(
        "Itineraries",
        rx.cond(
            S.itineraries.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(rx.foreach(S.itineraries, _trip), spacing="2", width="100%"),
            muted("No itinerary for this query yet.", shade=10),
        ),
        action=rx.cond(
            S.can_build,
            action_button(
                "route",
                "Build itinerary",
                on_click=S.build_itinerary,
                test_id="build-itinerary",
                size="1",
            ),
        ),
    )


# ---- the page ----------------------------------------------------------------------------------


def _query() -> rx.Component:
    return rx.vstack(
        _header(),
        side_by_side(
            stacked(_details(), rx.cond(S.see_itineraries, _itineraries())),
            _activity(),
            widths="2fr 3fr",
        ),
        _lost_dialog(),
        _cancel_dialog(),
        # the SLA clock is read again each minute while the page is open
        rx.moment(interval=60_000, on_change=S.tick, display="none"),
        spacing="4",
        width="100%",
    )


@staff_page(route=routes.QUERY, title="Query", on_load=QueryState.load, nav_route=routes.QUERIES)
def query_page() -> rx.Component:
    return record_page(
        S,
        _query(),
        what="query",
        text="It may be assigned to someone else, or the link is not for this agency.",
        back=routes.QUERIES,
        plural="queries",
    )

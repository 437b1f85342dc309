"""Users: the agency's members, their roles, and deactivation (owners and admins)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.core.permissions import PERMISSIONS, Action, Role
from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, dialog_of, opens
from travelcrm.ui.components.badges import role_badge, yes_no_badge
from travelcrm.ui.components.cards import muted, page_body, page_header, section
from travelcrm.ui.components.dialogs import confirm_dialog, form_dialog
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.tables import data_table, empty_state, gated_by, listing
from travelcrm.ui.pages.users.state import MemberRow, UsersState
from travelcrm.ui.template import staff_page

COLUMNS = [
    ("Person", "left"),
    ("Role", "left"),
    ("Status", "left"),
    ("Email", "left"),
    ("Joined", "left"),
    ("", "right"),
]


def _person(row: ObjectVar[MemberRow]) -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=row.initials, size="2", radius="full", variant="soft"),
        rx.vstack(
            rx.hstack(
                rx.text(row.name, weight="medium", white_space="nowrap"),
                rx.cond(row.is_you, rx.badge("You", variant="outline", size="1")),
                spacing="2",
                align="center",
            ),
            muted(row.email, size="1"),
            spacing="0",
            align="start",
        ),
        spacing="3",
        align="center",
    )


def _role(row: ObjectVar[MemberRow]) -> rx.Component:
    return rx.cond(
        row.can_change_role,
        rx.select(
            UsersState.role_options,
            value=row.role,
            on_change=lambda value: UsersState.change_role(row.member_id, value),  # type: ignore[operator]
            size="2",
            variant="soft",
            data_testid="role-select",
        ),
        role_badge(row.role),
    )


def _actions(row: ObjectVar[MemberRow]) -> rx.Component:
    return rx.cond(
        row.can_deactivate,
        action_button(
            "user-x",
            "Deactivate",
            on_click=UsersState.ask_deactivate(row.member_id, row.name),  # type: ignore[operator]
            test_id="deactivate",
            color_scheme="red",
            size="1",
        ),
    )


def _invite_dialog() -> rx.Component:
    errors = UsersState.invite_errors
    return rx.fragment(
        opens("user-plus", "Invite", UsersState, "invite", test_id="invite-open"),
        form_dialog(
            "Invite someone",
            field(
                "Name",
                rx.input(id="invite-name", name="name", size="3", width="100%", required=True),
                error=errors.get("name", ""),
                html_for="invite-name",
            ),
            field(
                "Email",
                rx.input(
                    id="invite-email",
                    name="email",
                    type="email",
                    size="3",
                    width="100%",
                    required=True,
                ),
                error=errors.get("email", ""),
                html_for="invite-email",
            ),
            field(
                "Role",
                rx.select(
                    UsersState.role_options,
                    value=UsersState.invite_role,
                    on_change=UsersState.set_invite_role,
                    size="3",
                    width="100%",
                ),
                error=errors.get("role", ""),
            ),
            **dialog_of(UsersState, "invite", UsersState.invite),
            submit_label="Send invitation",
            test_id="invite",
            description="They get an email with a link to set their password and join "
            "(valid 7 days).",
            max_width="460px",
        ),
    )


def _member_row(row: ObjectVar[MemberRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(_person(row)),
        rx.table.cell(_role(row)),
        rx.table.cell(
            rx.cond(
                row.active,
                rx.cond(
                    row.pending,
                    rx.badge("Invited", color_scheme="blue", variant="soft"),
                    rx.badge("Active", color_scheme="green", variant="soft"),
                ),
                rx.badge("Deactivated", color_scheme="gray", variant="outline"),
            )
        ),
        rx.table.cell(yes_no_badge(row.verified, "Verified", "Not verified", no_color="amber")),
        rx.table.cell(rx.text(row.joined, white_space="nowrap", size="2")),
        rx.table.cell(_actions(row), text_align="right"),
        align="center",
        opacity=rx.cond(row.active, "1", "0.6"),
        data_testid="member-row",
        data_email=row.email,
    )


# The permission table in words (what everyone has, like their own sessions, is left out).
ACTION_WORDS: dict[Action, str] = {
    Action.USERS_VIEW: "See the people of the agency",
    Action.USERS_INVITE: "Invite people",
    Action.USERS_CHANGE_ROLE: "Change roles",
    Action.USERS_DEACTIVATE: "Deactivate people",
    Action.TENANT_SETTINGS_VIEW: "Read the agency's settings",
    Action.TENANT_SETTINGS_EDIT: "Change the agency's settings",
    Action.AUDIT_READ: "Read the audit log",
    Action.SUPPLIERS_VIEW: "See suppliers",
    Action.SUPPLIERS_EDIT: "Add and change suppliers",
    Action.SUPPLIER_BANK_VIEW: "See and change suppliers' bank details",
    Action.RATES_VIEW: "See rate lists and prices",
    Action.RATES_EDIT: "Edit draft rate lists",
    Action.RATES_PUBLISH: "Publish rate lists",
    Action.SYSTEM_VIEW: "See the system page",
    Action.CUSTOMERS_VIEW: "See customers",
    Action.CUSTOMERS_EDIT: "Add and change customers",
    Action.CUSTOMERS_MERGE: "Merge duplicate customers",
    Action.QUERIES_VIEW: "See their own and unassigned queries",
    Action.QUERIES_EDIT: "Create queries and move them on",
    Action.QUERIES_VIEW_ALL: "See every query",
    Action.QUERIES_ASSIGN: "Assign queries; the workload page",
    Action.QUERIES_SETTINGS: "Query settings (hours, SLA, rules)",
    Action.ITINERARIES_VIEW: "See trips and their prices",
    Action.ITINERARIES_EDIT: "Build, price and freeze trips",
    Action.PRICING_SETTINGS: "Markups, taxes and exchange rates",
    Action.QUOTES_VIEW: "See quotes and their versions",
    Action.QUOTES_EDIT: "Make, send and revise quotes",
    Action.MAIL_LOG: "See the emails sent and what the server answered",
    Action.MAIL_TEMPLATES: "Change email templates; unblock addresses",
}
STAFF = [role for role in Role if role is not Role.CUSTOMER]
EVERYONE = frozenset.intersection(*(PERMISSIONS[role] for role in STAFF))
SHOWN_ACTIONS = [action for action in Action if action not in EVERYONE]


def _roles_table() -> rx.Component:
    """Rows: what differs between the roles, in words; columns: the staff roles (a table that
    fits the page, however many permissions there are). Built from PERMISSIONS."""

    def mark(allowed: bool) -> rx.Component:
        if allowed:
            return rx.icon("check", size=16, color=rx.color("green", 10), aria_label="yes")
        return rx.icon("minus", size=14, color=rx.color("gray", 8), aria_label="no")

    body = rx.table.body(
        *[
            rx.table.row(
                rx.table.cell(rx.text(ACTION_WORDS[action], size="2")),
                *[
                    rx.table.cell(mark(action in PERMISSIONS[role]), text_align="center")
                    for role in STAFF
                ],
                align="center",
            )
            for action in SHOWN_ACTIONS
        ]
    )
    columns = [("May", "left")] + [(role.value.capitalize(), "center") for role in STAFF]
    return data_table(columns, body, test_id="roles-table")


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(
        "Deactivate " + UsersState.confirm_name + "?",
        "They are signed out everywhere at once and can no longer open this agency's "
        "back office. Their past work and audit history stay.",
        open=UsersState.confirm_open,
        on_open_change=UsersState.set_confirm_open,
        on_confirm=UsersState.deactivate,
        action_label="Deactivate",
        test_id="confirm-deactivate",
    )


def _members() -> rx.Component:
    return page_body(
        page_header(
            "Users",
            "Who works in this agency's back office, and in which role.",
            rx.cond(UsersState.can_invite, _invite_dialog()),
        ),
        section(
            "Members",
            listing(
                UsersState.members,
                COLUMNS,
                _member_row,
                empty=empty_state("users", "No members yet", "People you add appear here."),
                test_id="members",
            ),
            action=muted(UsersState.summary),
        ),
        section(
            "What each role may do",
            muted(
                "Everyone manages their own profile and sessions. Only owners make or unmake "
                "owners, and an agency always keeps at least one. Deactivated people are signed "
                "out at once.",
            ),
            _roles_table(),
        ),
        _confirm_dialog(),
    )


@staff_page(route=routes.USERS, title="Users", on_load=UsersState.load)
def users_page() -> rx.Component:
    return gated_by(UsersState, _members())

"""A customer: details (edited against the version this page read), travellers, their queries
and the timeline; "New query" for them, and merging a duplicate into them (managers)."""

from __future__ import annotations

from functools import partial

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, dialog_of, opens, row_actions, row_button
from travelcrm.ui.components.cards import (
    back_link,
    facts,
    icon_tile,
    muted,
    section,
    side_by_side,
    stacked,
)
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import (
    country_field,
    field,
    field_row,
    search_box,
    text_field,
)
from travelcrm.ui.components.tables import listing, record_page
from travelcrm.ui.pages.customers.list_page import duplicate_line
from travelcrm.ui.pages.customers.list_state import DuplicateRow
from travelcrm.ui.pages.customers.state import CustomerState, TravellerRow
from travelcrm.ui.pages.queries.parts import sla_chip, status_badge, timeline
from travelcrm.ui.pages.queries.text import QueryRow
from travelcrm.ui.template import staff_page

S = CustomerState


# ---- header ------------------------------------------------------------------------------------


def _header() -> rx.Component:
    return rx.vstack(
        back_link("Customers", routes.CUSTOMERS),
        rx.hstack(
            icon_tile(
                rx.cond(
                    S.kind == "company",
                    rx.icon("building-2", size=24),
                    rx.icon("user-round", size=24),
                ),
                size=52,
            ),
            rx.vstack(
                rx.heading(S.name, size="7", weight="bold", data_testid="page-title"),
                rx.flex(
                    rx.foreach(
                        S.tags,
                        lambda t: rx.badge(t, variant="soft", color_scheme="gray", size="1"),
                    ),
                    gap="4px",
                    wrap="wrap",
                ),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.hstack(
                rx.cond(S.can_edit, _edit_dialog()),
                rx.cond(S.can_merge, _merge_dialog()),
                rx.cond(
                    S.can_query,
                    rx.link(
                        rx.button(rx.icon("plus", size=16), "New query"),
                        href=S.new_query_href,
                        data_testid="new-query-for-customer",
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="4",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            S.merged_into != "",
            rx.callout(
                rx.text(
                    "This customer was merged into another one. ",
                    rx.link("Open that customer", href=S.merged_into),
                    ".",
                ),
                icon="git-merge",
                color_scheme="amber",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


# ---- details -----------------------------------------------------------------------------------


def _details() -> rx.Component:
    return section(
        "Details",
        rx.cond(
            S.facts.length() > 0,  # type: ignore[attr-defined]
            facts(S.facts, "customer-facts"),
            muted("No contact details yet.", shade=10),
        ),
        rx.cond(
            S.notes != "",
            muted(S.notes, white_space="pre-wrap"),
        ),
    )


_edit_input = partial(text_field, prefix="edit", errors=S.errors, values=S.form)
_edit_country = partial(country_field, prefix="edit", errors=S.errors, values=S.form)


def _edit_dialog() -> rx.Component:
    return rx.fragment(
        opens(
            "pencil",
            "Edit",
            S,
            "edit",
            test_id="edit-customer",
            color_scheme="gray",
            variant="soft",
        ),
        form_dialog(
            "Edit customer",
            _edit_input("Name", "name", required=True),
            field_row(
                _edit_input("Email", "email", type="email"),
                _edit_input("Phone", "phone"),
                _edit_input("Other phone", "alt_phone"),
                _edit_input("Company", "company"),
                _edit_input("City", "city"),
                _edit_country("Country", "country"),
                _edit_country("Nationality", "nationality"),
                _edit_input("Tags", "tags", "Comma-separated"),
            ),
            _edit_input("Address", "address"),
            field(
                "Notes",
                rx.text_area(name="notes", default_value=S.form["notes"], rows="3", width="100%"),
                error=S.errors.get("notes", ""),
            ),
            **dialog_of(S, "edit", S.save),
            test_id="customer",
            max_width="600px",
        ),
    )


# ---- travellers --------------------------------------------------------------------------------


def _traveller(row: ObjectVar[TravellerRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.name, weight="medium", white_space="nowrap")),
        rx.table.cell(rx.text(row.relation, size="2")),
        rx.table.cell(rx.text(row.born, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.nationality, size="2")),
        row_actions(
            row_button(
                "trash-2",
                "Remove",
                S.remove_traveller(row.traveller_id),  # type: ignore[operator]
                "remove-traveller",
                color_scheme="red",
            ),
            when=S.can_edit,
        ),
        align="center",
        data_testid="traveller-row",
    )


_traveller_input = partial(text_field, prefix="traveller", errors=S.traveller_errors)


def _traveller_dialog() -> rx.Component:
    text = _traveller_input
    return form_dialog(
        "Add a traveller",
        text("Name", "name", required=True),
        field_row(
            text("Relation", "relation", "spouse, child, parent, colleague"),
            text("Date of birth", "date_of_birth", type="date"),
            country_field(
                "Nationality", "nationality", prefix="traveller", errors=S.traveller_errors
            ),
            columns="3",
        ),
        text("Notes", "notes", "Passport, diet, mobility..."),
        **dialog_of(S, "traveller", S.add_traveller),
        submit_label="Add traveller",
        test_id="traveller",
        max_width="560px",
    )


def _travellers() -> rx.Component:
    return section(
        "Travellers",
        listing(
            S.travellers,
            [
                ("Name", "left"),
                ("Relation", "left"),
                ("Born", "left"),
                ("Nationality", "left"),
                ("", "right"),
            ],
            _traveller,
            test_id="travellers",
            empty=muted("Family members or colleagues who travel with them.", shade=10),
        ),
        _traveller_dialog(),
        action=rx.cond(
            S.can_edit,
            action_button(
                "plus",
                "Add",
                on_click=S.set_traveller_open(True),  # type: ignore[operator]
                test_id="add-traveller",
                size="1",
            ),
        ),
    )


# ---- queries and timeline ----------------------------------------------------------------------


def _query(row: ObjectVar[QueryRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(rx.text(row.reference, weight="bold"), href=row.href, underline="hover")
        ),
        rx.table.cell(rx.text(row.title, size="2")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.assignee, size="2", white_space="nowrap")),
        rx.table.cell(sla_chip(row.sla, row.sla_tone)),
        rx.table.cell(rx.text(row.created, size="2", white_space="nowrap")),
        align="center",
        data_testid="customer-query",
    )


def _queries() -> rx.Component:
    return section(
        "Queries",
        listing(
            S.queries,
            [
                ("Query", "left"),
                ("Trip", "left"),
                ("Status", "left"),
                ("Assignee", "left"),
                ("SLA", "left"),
                ("Created", "left"),
            ],
            _query,
            test_id="customer-queries",
            empty=muted("No queries yet.", shade=10),
        ),
    )


# ---- merge -------------------------------------------------------------------------------------


def _candidate(row: ObjectVar[DuplicateRow]) -> rx.Component:
    chosen = S.merge_pick == row.customer_id
    return duplicate_line(
        row,
        rx.button(
            rx.cond(chosen, "Chosen", "Choose"),
            size="1",
            variant=rx.cond(chosen, "solid", "soft"),
            on_click=S.pick_duplicate(row.customer_id),  # type: ignore[operator]
            data_testid="pick-duplicate",
        ),
        padding="6px 8px",
        border_radius="8px",
        background=rx.cond(chosen, rx.color("accent", 3), "transparent"),
        data_testid="merge-candidate",
    )


def _merge_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            action_button(
                "git-merge", "Merge duplicate", test_id="merge-customer", color_scheme="gray"
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Merge a duplicate into ", S.name),
            rx.dialog.description(
                "The duplicate's queries, travellers and timeline move here, blank details are "
                "filled from it, and it is kept marked as merged.",
                size="2",
                margin_bottom="12px",
            ),
            rx.vstack(
                search_box(
                    "Find another customer by name, email or phone",
                    S.merge_q,
                    S.set_merge_q,
                    "merge-search",
                    debounce=300,
                ),
                rx.cond(
                    S.candidates.length() > 0,  # type: ignore[attr-defined]
                    rx.vstack(rx.foreach(S.candidates, _candidate), spacing="1", width="100%"),
                    muted("No customer shares this email or phone; search by name.", shade=10),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button(
                        "Merge into ",
                        S.name,
                        color_scheme="orange",
                        disabled=S.merge_pick == "",
                        on_click=S.merge,
                        data_testid="confirm-merge",
                    ),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="560px",
        ),
        open=S.merge_open,
        on_open_change=S.set_merge_open,
    )


# ---- the page ----------------------------------------------------------------------------------


def _customer() -> rx.Component:
    return rx.vstack(
        _header(),
        side_by_side(
            stacked(_details(), _travellers()),
            stacked(_queries(), section("Timeline", rx.box(timeline(S.timeline), width="100%"))),
            widths="2fr 3fr",
        ),
        spacing="4",
        width="100%",
    )


@staff_page(
    route=routes.CUSTOMER, title="Customer", on_load=CustomerState.load, nav_route=routes.CUSTOMERS
)
def customer_page() -> rx.Component:
    return record_page(
        S,
        _customer(),
        what="customer",
        text="The link may be for another agency.",
        back=routes.CUSTOMERS,
    )

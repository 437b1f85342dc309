"""The supplier page's Contacts tab: who takes reservations, who sends invoices; the primary
one is who bookings go to."""

from __future__ import annotations

from functools import partial

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.components.actions import (
    add_button,
    dialog_of,
    edit_and_remove,
    row_actions,
    row_button,
)
from travelcrm.ui.components.cards import section
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import field_row, text_field
from travelcrm.ui.components.tables import empty_state, listing
from travelcrm.ui.pages.suppliers.contacts_state import ContactsState
from travelcrm.ui.pages.suppliers.rows import ContactRow

S = ContactsState


def _contact_row(row: ObjectVar[ContactRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.text(row.name, weight="medium"),
                rx.cond(
                    row.is_primary,
                    rx.badge(rx.icon("star", size=11), "Primary", color_scheme="amber", size="1"),
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(rx.text(row.role, size="2")),
        rx.table.cell(
            rx.cond(row.email != "", rx.link(row.email, href=f"mailto:{row.email}", size="2"))
        ),
        rx.table.cell(rx.text(row.phone, size="2", white_space="nowrap")),
        row_actions(
            rx.cond(
                ~row.is_primary,
                row_button(
                    "star",
                    "Make primary",
                    S.make_primary(row.contact_id),  # type: ignore[operator]
                    "make-primary",
                ),
            ),
            *edit_and_remove(
                S.open_contact(row.contact_id),  # type: ignore[operator]
                S.ask("contact", row.contact_id, row.name),  # type: ignore[operator]
                "contact",
            ),
            when=S.editable,
        ),
        align="center",
        data_testid="contact-row",
    )


_text = partial(
    text_field, prefix="contact", errors=S.contact_errors, values=S.contact_form, size="2"
)


def _contact_dialog() -> rx.Component:
    return form_dialog(
        rx.cond(S.contact_edit_id == "", "Add a contact", "Edit contact"),
        _text("Name", "name", required=True),
        _text("Role", "role", placeholder="reservations, accounts, sales..."),
        field_row(
            _text("Email", "email", type="email"),
            _text("Phone", "phone"),
        ),
        rx.text(
            rx.hstack(
                rx.checkbox(
                    checked=S.contact_primary,
                    on_change=S.set_contact_primary,
                    data_testid="contact-primary",
                ),
                "Primary contact (the one bookings go to)",
                spacing="2",
                align="center",
            ),
            as_="label",
            size="2",
        ),
        **dialog_of(S, "contact", S.save_contact),
        submit_label="Save contact",
        test_id="contact",
    )


def contacts() -> rx.Component:
    return section(
        "Contacts",
        listing(
            S.contacts,
            [
                ("Name", "left"),
                ("Role", "left"),
                ("Email", "left"),
                ("Phone", "left"),
                ("", "right"),
            ],
            _contact_row,
            test_id="contacts",
            empty=empty_state(
                "contact",
                "No contacts yet",
                "Who takes reservations, who sends invoices: add them here.",
                test_id="contacts-empty",
            ),
        ),
        _contact_dialog(),
        action=add_button(
            S,
            "user-plus",
            "Add contact",
            on_click=S.open_contact(""),  # type: ignore[operator]
            test_id="add-contact",
        ),
    )

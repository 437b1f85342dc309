"""The supplier page's Contacts tab: the contact dialog (add or edit), the primary contact and
removing one. A substate of `SupplierState`: the list itself is the page's `contacts`."""

from __future__ import annotations

from typing import Any

from reflex.event import EventSpec

from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.schemas import ContactIn, ContactUpdate
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.suppliers.state import SupplierState
from travelcrm.ui.pages.suppliers.text import clean_form

CONTACT_FIELDS = ("name", "role", "email", "phone")
NOT_LISTED = "That contact is not in this list; reload the page."


class ContactsState(SupplierState):
    contact_open: bool = False
    contact_edit_id: str = ""
    contact_form: dict[str, str] = {}
    contact_primary: bool = False
    contact_errors: dict[str, str] = {}

    @event
    def open_contact(self, contact_id: str) -> None:
        """The contact dialog: empty for a new one ("" id), filled to edit one of this list."""
        row = self._edit_row(
            self.contacts, contact_id, key="contact_id", form="contact", fields=CONTACT_FIELDS
        )
        self.contact_primary = row.is_primary if row else not self.contacts

    @event
    def set_contact_open(self, value: bool) -> None:
        self.contact_open, self.contact_errors = value, {}

    @event
    def set_contact_primary(self, value: bool) -> None:
        self.contact_primary = bool(value)

    @event
    def save_contact(self, form_data: dict[str, Any]) -> EventSpec | None:
        values = clean_form(form_data, CONTACT_FIELDS)
        if self.contact_primary:  # a contact stops being primary only when another becomes it
            values["is_primary"] = True
        return self._save_row(
            values,
            editing=parse_id(self.contact_edit_id),
            add=(ContactIn, suppliers.add_contact),
            update=(ContactUpdate, suppliers.update_contact),
            id_name="contact_id",
            errors="contact_errors",
            dialog="contact_open",
            done="Contact saved.",
        )

    @event
    def make_primary(self, contact_id: str) -> EventSpec | None:
        return self._change_row(
            contact_id,
            lambda session, ctx, supplier_id, target: suppliers.update_contact(
                session,
                ctx,
                supplier_id=supplier_id,
                contact_id=target,
                data=ContactUpdate(is_primary=True),
            ),
            done="Primary contact changed.",
            missing=NOT_LISTED,
        )

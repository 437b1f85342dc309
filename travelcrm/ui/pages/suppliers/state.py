"""Supplier page state, the part every tab shares: who may do what, the header, the overview
form (saved against the version this page read, so a change made meanwhile in another tab is a
conflict, never overwritten), the status, the lists the tabs show and count, and the one
"are you sure?" dialog. Each tab's own dialogs and handlers are a substate of this one
(`contacts_state`, `services_state`, `bank_state`).

Every handler identifies the viewer again and calls the supplier services in the viewer's
agency scope: ids from another agency are "not found", whatever the browser sends."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from pydantic import BaseModel, ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import ConflictError, ValidationFailedError, VersionConflictError
from travelcrm.core.locale import country_name
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.models import Supplier
from travelcrm.suppliers.schemas import SupplierUpdate
from travelcrm.ui import routes
from travelcrm.ui.components.fields import with_codes
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.suppliers.list_state import place_of
from travelcrm.ui.pages.suppliers.rows import (
    OVERVIEW_FIELDS,
    BankLine,
    ContactRow,
    RateListRow,
    ServiceRow,
    contact_row,
    overview_values,
    rate_list_rows,
    service_row,
)
from travelcrm.ui.pages.suppliers.text import KIND_LABELS, clean_form, field_messages
from travelcrm.ui.record import NEEDS_ATTENTION, RecordPage

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# the rows the "are you sure?" dialog removes: the service that removes one, and what is said
REMOVALS: dict[str, tuple[Callable[..., Any], str]] = {
    "contact": (suppliers.delete_contact, "Contact removed."),
    "service": (suppliers.delete_service, "Service deleted."),
}
TABS = ("overview", "contacts", "services", "bank", "rates")
# what the "are you sure?" dialog says before each removal: (title, text); {} is the label
CONFIRM_TEXTS = {
    "supplier": (
        "Delete {}?",
        "If rate lists use it, it is archived instead, so their history keeps it; "
        "otherwise it is deleted with its contacts and services.",
    ),
    "contact": ("Remove {}?", "The contact is removed from this supplier."),
    "service": (
        "Delete {}?",
        "A service that rate lines price cannot be deleted; deactivate it instead.",
    ),
    "bank": (
        "Remove the bank details?",
        "The stored account details are erased; the audit log keeps the masked number.",
    ),
}


class SupplierState(RecordPage, rx.State):
    can_edit: bool = False
    can_bank: bool = False
    supplier_id: str = ""
    # the header
    name: str = ""
    kind: str = ""
    kind_label: str = ""
    status: str = ""
    destination: str = ""
    updated: str = ""
    # the overview form: `version` is what this page read; saves send it back
    version: int = 0
    form: dict[str, str] = {}
    form_key: int = 0  # changes to re-mount the form's inputs with `form`
    errors: dict[str, str] = {}
    conflict: str = ""
    tab: str = "overview"
    # what the tabs list (and their badges count)
    contacts: list[ContactRow] = []
    services: list[ServiceRow] = []
    rate_lists: list[RateListRow] = []
    has_bank: bool = False
    bank_hint: str = ""
    revealed: list[BankLine] = []  # here, so opening another supplier hides them
    # the one confirmation dialog: which removal (`confirm_what`) of which row
    confirm_open: bool = False
    confirm_what: str = ""
    confirm_target: str = ""
    confirm_title: str = ""
    confirm_text: str = ""
    _saved: dict[str, Any] = {}

    @rx.var
    def archived(self) -> bool:
        return self.status == "archived"

    @rx.var
    def editable(self) -> bool:
        return self.can_edit and self.status != "archived"

    # ---- plumbing -------------------------------------------------------------------------------

    def _record_id(self) -> uuid.UUID | None:
        return parse_id(self.supplier_id)

    def _missing(self) -> str:
        return "Supplier not found."

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        return field_messages(exc)

    def _conflict(self, exc: VersionConflictError) -> EventSpec:
        """The overview shows the conflict (and keeps what was typed) until reloaded."""
        self.conflict, self._stale = exc.detail, True
        return rx.toast.error("Not saved: someone else changed this supplier.")

    def _save_row(
        self,
        values: dict[str, Any],
        *,
        editing: uuid.UUID | None,
        add: tuple[type[BaseModel], Callable[..., Any]],
        update: tuple[type[BaseModel], Callable[..., Any]],
        id_name: str,
        errors: str,
        dialog: str,
        done: str,
        whole: str = "form",
    ) -> EventSpec | None:
        """A row's dialog saved: `add` (schema, service) for a new row (`editing` None),
        `update` for the row `editing` (the service's `id_name` argument). The dialog closes
        when it is saved; invalid input keeps it open with a message per field."""
        schema, service = add if editing is None else update
        row = {} if editing is None else {id_name: editing}

        def work(session: Session, ctx: TenantContext, supplier_id: uuid.UUID, data: Any) -> Any:
            try:
                return service(session, ctx, supplier_id=supplier_id, data=data, **row)
            except ConflictError as exc:  # "already exists": said under the field it is about
                if not exc.errors or isinstance(exc, VersionConflictError):
                    raise
                raise ValidationFailedError(exc.detail, errors=exc.errors) from exc

        return self._submit(
            schema, values, work, done=done, errors=errors, dialog=dialog, whole=whole
        )

    def _edit_row(
        self, rows: list[Any], row_id: str, *, key: str, form: str, fields: tuple[str, ...]
    ) -> Any:
        """Open a tab's row dialog (its vars named `<form>_open`, `_form`, `_edit_id`,
        `_errors`): the row of `rows` whose `key` is `row_id` to edit, or a new one (None)."""
        row = next((r for r in rows if getattr(r, key) == row_id), None)
        setattr(self, f"{form}_edit_id", getattr(row, key) if row else "")
        setattr(self, f"{form}_form", {name: getattr(row, name) if row else "" for name in fields})
        setattr(self, f"{form}_errors", {})
        setattr(self, f"{form}_open", True)
        return row

    def _read(self, session: Session, ctx: TenantContext, supplier_id: uuid.UUID) -> None:
        supplier = suppliers.get_supplier(session, ctx, supplier_id=supplier_id)
        self._show(supplier, ctx)
        self.contacts = [
            contact_row(c) for c in suppliers.list_contacts(session, ctx, supplier_id=supplier_id)
        ]
        listed = suppliers.list_services(session, ctx, supplier_id=supplier_id)
        blurbs = suppliers.content_for(session, ctx, service_ids=[s.id for s in listed])
        self.services = [service_row(s, blurbs.get(s.id)) for s in listed]
        self.rate_lists = rate_list_rows(session, ctx, supplier_id)

    def _show(self, supplier: Supplier, ctx: TenantContext) -> None:
        self.name = supplier.name
        self.kind = supplier.kind
        self.kind_label = KIND_LABELS.get(supplier.kind, supplier.kind)
        self.status = supplier.status
        self.destination = place_of(supplier.city, supplier.region, country_name(supplier.country))
        self.updated = local_time(supplier.updated_at or supplier.created_at, self._timezone)
        self.version = supplier.row_version
        self.form = overview_values(supplier)
        self._saved = clean_form(
            with_codes(self.form, countries=("country",), currencies=("default_currency",)),
            OVERVIEW_FIELDS,
        )
        self.form_key += 1
        self.errors, self.conflict = {}, ""
        self.has_bank = supplier.bank_details_encrypted is not None
        self.bank_hint = suppliers.to_public(supplier, ctx).bank_hint or ""

    # ---- loading --------------------------------------------------------------------------------

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.SUPPLIERS_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_edit = can(role, Action.SUPPLIERS_EDIT)
        self.can_bank = can(role, Action.SUPPLIER_BANK_VIEW)
        self.tab, self.revealed, self.confirm_open = "overview", [], False
        self.supplier_id = self._page_arg("id")[:64]
        self._loaded()
        return None

    @event
    def reload(self) -> EventSpec | None:
        return self._refresh() or rx.toast.info("Showing the latest saved version.")

    @event
    def set_tab(self, value: str) -> None:
        if value in TABS:
            self.tab = value

    # ---- overview -------------------------------------------------------------------------------

    @event
    def discard(self) -> None:
        self.form_key += 1
        self.errors, self.conflict = {}, ""

    @event
    def save(self, form_data: dict[str, Any]) -> EventSpec | None:
        try:
            expected = int(str(form_data.get("row_version", self.version)))
        except ValueError:
            expected = self.version
        values = clean_form(
            with_codes(form_data, countries=("country",), currencies=("default_currency",)),
            OVERVIEW_FIELDS,
        )
        changes = {k: v for k, v in values.items() if v != self._saved.get(k)}
        self.errors = {}
        if not changes:
            return rx.toast.info("Nothing changed.")
        data = self._parse(SupplierUpdate, changes, errors="errors")
        if data is None:
            return rx.toast.error(NEEDS_ATTENTION)
        _, failed = self._on_record(
            lambda session, ctx, supplier_id: suppliers.update_supplier(
                session, ctx, supplier_id=supplier_id, data=data, expected_version=expected
            ),
            errors="errors",
        )
        if failed is not None or self.errors:
            return failed
        self._refresh()
        return rx.toast.success("Supplier saved.")

    @event
    def set_status(self, status: str) -> EventSpec | None:
        if status not in ("active", "inactive"):
            return rx.toast.error("A supplier is archived by deleting it.")
        return self._change(
            lambda session, ctx, supplier_id: suppliers.set_status(
                session,
                ctx,
                supplier_id=supplier_id,
                status="active" if status == "active" else "inactive",
                expected_version=self.version,
            ),
            done=f"{self.name} is {status} now.",
        )

    # ---- the confirmation dialog ----------------------------------------------------------------

    @event
    def ask(self, what: str, target: str, label: str) -> None:
        """Open the "are you sure?" dialog for removing `what` (its tab's handler confirms)."""
        if what not in CONFIRM_TEXTS:
            return
        title, text = CONFIRM_TEXTS[what]
        self.confirm_what, self.confirm_target = what, target
        self.confirm_title, self.confirm_text = title.format(label or self.name), text
        self.confirm_open = True

    @event
    def set_confirm_open(self, value: bool) -> None:
        self.confirm_open = value

    @event
    def confirm(self) -> EventSpec | list[EventSpec] | None:
        """The dialog's yes: remove what it asked about (`confirm_what`, `confirm_target`)."""
        what, target = self.confirm_what, self.confirm_target
        self.confirm_open, self.confirm_what = False, ""
        if what == "supplier":
            return self._delete_supplier()
        if what == "bank":
            self.revealed = []
            return self._change(
                lambda session, ctx, supplier_id: suppliers.clear_bank_details(
                    session, ctx, supplier_id=supplier_id
                ),
                done="Bank details removed.",
            )
        if what not in REMOVALS:
            return None
        remove, done = REMOVALS[what]
        return self._change_row(
            target,
            lambda session, ctx, supplier_id, row_id: remove(
                session, ctx, supplier_id=supplier_id, **{f"{what}_id": row_id}
            ),
            done=done,
            missing=f"That {what} is not in this list; reload the page.",
        )

    def _delete_supplier(self) -> EventSpec | list[EventSpec] | None:
        outcome, failed = self._on_record(
            lambda session, ctx, supplier_id: suppliers.delete_supplier(
                session, ctx, supplier_id=supplier_id
            )
        )
        if outcome is None:
            self._refresh()
            return failed
        if outcome.outcome == "deleted":
            return [rx.toast.success(outcome.message), rx.redirect(routes.SUPPLIERS)]
        self._refresh()
        return rx.toast.info(outcome.message)

"""Supplier page state: the overview form (saved against the version this page read, so a
change made meanwhile in another tab is a conflict, never overwritten), contacts, services, bank
details (masked; revealed on demand, audited) and the supplier's rate lists.

Every handler identifies the viewer again and calls the supplier services in the viewer's
agency scope: ids from another agency are "not found", whatever the browser sends."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    ValidationFailedError,
)
from travelcrm.core.permissions import Action, can
from travelcrm.db import Session, tenant_scope
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.models import Supplier, SupplierContact
from travelcrm.suppliers.schemas import (
    BankDetailsIn,
    ContactIn,
    ContactUpdate,
    ServiceIn,
    ServicePublic,
    ServiceUpdate,
    SupplierUpdate,
)
from travelcrm.ui import routes
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage
from travelcrm.ui.pages.suppliers.list_state import place_of
from travelcrm.ui.pages.suppliers.text import (
    DEFAULT_SERVICE,
    KIND_LABELS,
    MEAL_PLAN_LABELS,
    SERVICE_LABELS,
    as_text,
    clean_form,
    field_messages,
)
from travelcrm.ui.session import Viewer, client_of

T = TypeVar("T")

OVERVIEW_FIELDS = (
    "name",
    "kind",
    "city",
    "region",
    "country",
    "address",
    "legal_name",
    "gstin",
    "pan",
    "tax_id",
    "email",
    "phone",
    "website",
    "tags",
    "default_currency",
    "payment_terms",
    "payment_due_days",
    "default_commission_pct",
    "notes",
)
CONTACT_FIELDS = ("name", "role", "email", "phone")
SERVICE_FIELDS = ("name", "code", "max_occupancy")
BANK_FIELDS = ("account_holder", "bank_name", "account_number", "ifsc", "swift", "iban", "branch")
TABS = ("overview", "contacts", "services", "bank", "rates")
NO_PLAN = "none"


@dataclass
class ContactRow:
    contact_id: str
    name: str
    role: str
    email: str
    phone: str
    is_primary: bool


@dataclass
class ServiceRow:
    service_id: str
    kind: str
    kind_label: str
    name: str
    code: str
    meal_plan: str
    meal_label: str
    max_occupancy: str
    is_active: bool
    rate_lines: int


@dataclass
class RateListRow:
    rate_list_id: str
    name: str
    market: str
    agent_group: str
    href: str
    archived: bool


@dataclass
class BankLine:
    label: str
    value: str


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def overview_values(supplier: Supplier) -> dict[str, str]:
    values = {name: as_text(getattr(supplier, name)) for name in OVERVIEW_FIELDS}
    pct = supplier.default_commission_pct
    values["default_commission_pct"] = "" if pct is None else format(Decimal(pct).normalize(), "f")
    return values


def contact_row(contact: SupplierContact) -> ContactRow:
    return ContactRow(
        contact_id=str(contact.id),
        name=contact.name,
        role=contact.role or "",
        email=contact.email or "",
        phone=contact.phone or "",
        is_primary=contact.is_primary,
    )


def service_row(service: ServicePublic) -> ServiceRow:
    return ServiceRow(
        service_id=str(service.id),
        kind=service.kind,
        kind_label=SERVICE_LABELS.get(service.kind, service.kind),
        name=service.name,
        code=service.code or "",
        meal_plan=service.meal_plan or "",
        meal_label=MEAL_PLAN_LABELS.get(service.meal_plan or "", ""),
        max_occupancy=str(service.max_occupancy or ""),
        is_active=service.is_active,
        rate_lines=service.rate_line_count,
    )


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


class SupplierState(StaffPage, rx.State):
    loaded: bool = False
    allowed: bool = False
    found: bool = False
    role: str = ""
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
    # contacts
    contacts: list[ContactRow] = []
    contact_open: bool = False
    contact_edit_id: str = ""
    contact_form: dict[str, str] = {}
    contact_primary: bool = False
    contact_errors: dict[str, str] = {}
    # services
    services: list[ServiceRow] = []
    service_open: bool = False
    service_edit_id: str = ""
    service_form: dict[str, str] = {}
    service_kind: str = "room"
    service_meal_plan: str = "CP"
    service_errors: dict[str, str] = {}
    # bank details
    has_bank: bool = False
    bank_hint: str = ""
    revealed: list[BankLine] = []
    bank_open: bool = False
    bank_errors: dict[str, str] = {}
    # rate lists
    rate_lists: list[RateListRow] = []
    # the one confirmation dialog (delete supplier, contact, service, bank details)
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

    @rx.var
    def is_room(self) -> bool:
        return self.service_kind == "room"

    # ---- plumbing -------------------------------------------------------------------------------

    def _call(self, viewer: Viewer, work: Callable[[Session, uuid.UUID], T]) -> T:
        """Run `work(session, supplier_id)` in the viewer's agency (NotFound for a bad id)."""
        supplier_id = _uuid(self.supplier_id)
        if supplier_id is None:
            raise NotFoundError("Supplier not found.")
        with tenant_scope(viewer.context) as session:
            return work(session, supplier_id)

    def _fill(self, viewer: Viewer) -> None:
        ctx = viewer.context

        def read(session: Session, supplier_id: uuid.UUID) -> None:
            supplier = suppliers.get_supplier(session, ctx, supplier_id=supplier_id)
            self._show(supplier, viewer)
            self.contacts = [
                contact_row(c)
                for c in suppliers.list_contacts(session, ctx, supplier_id=supplier_id)
            ]
            self.services = [
                service_row(s)
                for s in suppliers.list_services(session, ctx, supplier_id=supplier_id)
            ]
            self.rate_lists = [
                RateListRow(
                    rate_list_id=str(r.id),
                    name=r.name,
                    market=r.market.replace("_", " "),
                    agent_group=r.agent_group or "",
                    href=routes.rate_list(r.id),
                    archived=r.is_archived,
                )
                for r in suppliers.rate_lists_of(session, ctx, supplier_id=supplier_id)
            ]

        self._call(viewer, read)

    def _show(self, supplier: Supplier, viewer: Viewer) -> None:
        self.name = supplier.name
        self.kind = supplier.kind
        self.kind_label = KIND_LABELS.get(supplier.kind, supplier.kind)
        self.status = supplier.status
        self.destination = place_of(supplier.city, supplier.region, supplier.country)
        self.updated = local_time(
            supplier.updated_at or supplier.created_at, viewer.agency_timezone
        )
        self.version = supplier.row_version
        self.form = overview_values(supplier)
        self._saved = clean_form(self.form, OVERVIEW_FIELDS)
        self.form_key += 1
        self.errors, self.conflict = {}, ""
        self.has_bank = supplier.bank_details_encrypted is not None
        public = suppliers.to_public(supplier, viewer.context)
        self.bank_hint = public.bank_hint or ""

    def _refresh(self, viewer: Viewer) -> EventSpec | None:
        try:
            self._fill(viewer)
        except NotFoundError:
            self.found = False
        return None

    def _fail(self, viewer: Viewer, exc: DomainError) -> EventSpec:
        """A refusal: say why, and show the page as it is now."""
        self._refresh(viewer)
        return rx.toast.error(exc.detail)

    # ---- loading --------------------------------------------------------------------------------

    @event
    def load(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.role = role.value
        self.allowed = can(role, Action.SUPPLIERS_VIEW)
        self.can_edit = can(role, Action.SUPPLIERS_EDIT)
        self.can_bank = can(role, Action.SUPPLIER_BANK_VIEW)
        self.supplier_id = self._page_arg("id")[:64]
        self.tab, self.revealed = "overview", []
        self.contact_open = self.service_open = self.bank_open = self.confirm_open = False
        self.found = False
        if self.allowed:
            try:
                self._fill(viewer)
                self.found = True
            except NotFoundError:
                self.found = False
        self.loaded = True
        return None

    @event
    def reload(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        self._refresh(viewer)
        return rx.toast.info("Showing the latest saved version.")

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
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        try:
            expected = int(str(form_data.get("row_version", self.version)))
        except ValueError:
            expected = self.version
        values = clean_form(form_data, OVERVIEW_FIELDS)
        changes = {k: v for k, v in values.items() if v != self._saved.get(k)}
        self.errors = {}
        if not changes:
            return rx.toast.info("Nothing changed.")
        try:
            data = SupplierUpdate.model_validate(changes)
        except ValidationError as exc:
            self.errors = field_messages(exc)
            return rx.toast.error("Some fields need attention.")
        try:
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.update_supplier(
                    session,
                    viewer.context,
                    supplier_id=supplier_id,
                    data=data,
                    expected_version=expected,
                ),
            )
        except suppliers.VersionConflictError as exc:
            self.conflict = exc.detail
            return rx.toast.error("Not saved: someone else changed this supplier.")
        except ValidationFailedError as exc:
            self.errors = {e.field: _sentence(e.message) for e in exc.errors}
            return rx.toast.error(exc.detail)
        except DomainError as exc:
            return rx.toast.error(exc.detail)
        self._refresh(viewer)
        return rx.toast.success("Supplier saved.")

    @event
    def set_status(self, status: str) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        if status not in ("active", "inactive"):
            return rx.toast.error("A supplier is archived by deleting it.")
        try:
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.set_status(
                    session,
                    viewer.context,
                    supplier_id=supplier_id,
                    status="active" if status == "active" else "inactive",
                    expected_version=self.version,
                ),
            )
        except suppliers.VersionConflictError as exc:
            self.conflict = exc.detail
            return rx.toast.error("Not changed: someone else changed this supplier.")
        except DomainError as exc:
            return self._fail(viewer, exc)
        self._refresh(viewer)
        return rx.toast.success(f"{self.name} is {status} now.")

    # ---- the confirmation dialog ----------------------------------------------------------------

    @event
    def ask(self, what: str, target: str, label: str) -> None:
        texts = {
            "supplier": (
                f"Delete {self.name}?",
                "If rate lists use it, it is archived instead, so their history keeps it; "
                "otherwise it is deleted with its contacts and services.",
            ),
            "contact": (f"Remove {label}?", "The contact is removed from this supplier."),
            "service": (
                f"Delete {label}?",
                "A service that rate lines price cannot be deleted; deactivate it instead.",
            ),
            "bank": (
                "Remove the bank details?",
                "The stored account details are erased; the audit log keeps the masked number.",
            ),
        }
        if what not in texts:
            return
        self.confirm_what, self.confirm_target = what, target
        self.confirm_title, self.confirm_text = texts[what]
        self.confirm_open = True

    @event
    def set_confirm_open(self, value: bool) -> None:
        self.confirm_open = value

    @event
    def confirm(self) -> EventSpec | list[EventSpec] | None:
        self.confirm_open = False
        what, target = self.confirm_what, self.confirm_target
        if what == "supplier":
            return self._delete_supplier()
        if what == "contact":
            return self._delete_contact(target)
        if what == "service":
            return self._delete_service(target)
        if what == "bank":
            return self._clear_bank()
        return None

    def _delete_supplier(self) -> EventSpec | list[EventSpec] | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        try:
            outcome = self._call(
                viewer,
                lambda session, supplier_id: suppliers.delete_supplier(
                    session, viewer.context, supplier_id=supplier_id
                ),
            )
        except DomainError as exc:
            return self._fail(viewer, exc)
        if outcome.outcome == "deleted":
            return [rx.toast.success(outcome.message), rx.redirect(routes.SUPPLIERS)]
        self._refresh(viewer)
        return rx.toast.info(outcome.message)

    # ---- contacts -------------------------------------------------------------------------------

    @event
    def open_contact(self, contact_id: str) -> None:
        """The contact dialog: empty for a new one ("" id), filled to edit one of this list."""
        row = next((c for c in self.contacts if c.contact_id == contact_id), None)
        self.contact_edit_id = row.contact_id if row else ""
        self.contact_form = {
            "name": row.name if row else "",
            "role": row.role if row else "",
            "email": row.email if row else "",
            "phone": row.phone if row else "",
        }
        self.contact_primary = row.is_primary if row else not self.contacts
        self.contact_errors = {}
        self.contact_open = True

    @event
    def set_contact_open(self, value: bool) -> None:
        self.contact_open, self.contact_errors = value, {}

    @event
    def set_contact_primary(self, value: bool) -> None:
        self.contact_primary = bool(value)

    @event
    def save_contact(self, form_data: dict[str, Any]) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        values = clean_form(form_data, CONTACT_FIELDS)
        self.contact_errors = {}
        editing = _uuid(self.contact_edit_id) if self.contact_edit_id else None
        try:
            if editing is None:
                created = ContactIn.model_validate({**values, "is_primary": self.contact_primary})
                self._call(
                    viewer,
                    lambda session, supplier_id: suppliers.add_contact(
                        session, viewer.context, supplier_id=supplier_id, data=created
                    ),
                )
            else:
                changes = dict(values)
                if self.contact_primary:
                    changes["is_primary"] = True
                update = ContactUpdate.model_validate(changes)
                self._call(
                    viewer,
                    lambda session, supplier_id: suppliers.update_contact(
                        session,
                        viewer.context,
                        supplier_id=supplier_id,
                        contact_id=editing,
                        data=update,
                    ),
                )
        except ValidationError as exc:
            self.contact_errors = field_messages(exc)
            return rx.toast.error("Some fields need attention.")
        except ValidationFailedError as exc:
            self.contact_errors = {e.field: _sentence(e.message) for e in exc.errors}
            return rx.toast.error(exc.detail)
        except DomainError as exc:
            self.contact_open = False
            return self._fail(viewer, exc)
        self.contact_open = False
        self._refresh(viewer)
        return rx.toast.success("Contact saved.")

    @event
    def make_primary(self, contact_id: str) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        target = _uuid(contact_id)
        if target is None:
            return rx.toast.error("That contact is not in this list; reload the page.")
        try:
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.update_contact(
                    session,
                    viewer.context,
                    supplier_id=supplier_id,
                    contact_id=target,
                    data=ContactUpdate(is_primary=True),
                ),
            )
        except DomainError as exc:
            return self._fail(viewer, exc)
        self._refresh(viewer)
        return rx.toast.success("Primary contact changed.")

    def _delete_contact(self, contact_id: str) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        target = _uuid(contact_id)
        if target is None:
            return rx.toast.error("That contact is not in this list; reload the page.")
        try:
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.delete_contact(
                    session, viewer.context, supplier_id=supplier_id, contact_id=target
                ),
            )
        except DomainError as exc:
            return self._fail(viewer, exc)
        self._refresh(viewer)
        return rx.toast.success("Contact removed.")

    # ---- services -------------------------------------------------------------------------------

    @event
    def open_service(self, service_id: str) -> None:
        row = next((s for s in self.services if s.service_id == service_id), None)
        self.service_edit_id = row.service_id if row else ""
        self.service_form = {
            "name": row.name if row else "",
            "code": row.code if row else "",
            "max_occupancy": row.max_occupancy if row else "",
        }
        self.service_kind = row.kind if row else DEFAULT_SERVICE.get(self.kind, "other")
        self.service_meal_plan = (row.meal_plan if row else "") or (
            "CP" if self.service_kind == "room" else NO_PLAN
        )
        self.service_errors = {}
        self.service_open = True

    @event
    def set_service_open(self, value: bool) -> None:
        self.service_open, self.service_errors = value, {}

    @event
    def set_service_kind(self, value: str) -> None:
        if value in SERVICE_LABELS:
            self.service_kind = value
            if value == "room" and self.service_meal_plan == NO_PLAN:
                self.service_meal_plan = "CP"

    @event
    def set_service_meal_plan(self, value: str) -> None:
        if value in MEAL_PLAN_LABELS:
            self.service_meal_plan = value

    @event
    def save_service(self, form_data: dict[str, Any]) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        values = clean_form(form_data, SERVICE_FIELDS)
        values["kind"] = self.service_kind
        values["meal_plan"] = self.service_meal_plan if self.service_kind == "room" else None
        self.service_errors = {}
        editing = _uuid(self.service_edit_id) if self.service_edit_id else None
        try:
            if editing is None:
                created = ServiceIn.model_validate(values)
                self._call(
                    viewer,
                    lambda session, supplier_id: suppliers.add_service(
                        session, viewer.context, supplier_id=supplier_id, data=created
                    ),
                )
            else:
                update = ServiceUpdate.model_validate(values)
                self._call(
                    viewer,
                    lambda session, supplier_id: suppliers.update_service(
                        session,
                        viewer.context,
                        supplier_id=supplier_id,
                        service_id=editing,
                        data=update,
                    ),
                )
        except ValidationError as exc:
            self.service_errors = field_messages(exc)
            if "form" in self.service_errors:  # the meal-plan rule is about the whole form
                self.service_errors["meal_plan"] = self.service_errors.pop("form")
            return rx.toast.error("Some fields need attention.")
        except (ValidationFailedError, ConflictError) as exc:
            self.service_errors = {e.field: _sentence(e.message) for e in exc.errors}
            return rx.toast.error(exc.detail)
        except DomainError as exc:
            self.service_open = False
            return self._fail(viewer, exc)
        self.service_open = False
        self._refresh(viewer)
        return rx.toast.success(f"{values.get('name') or 'Service'} saved.")

    @event
    def toggle_service(self, service_id: str) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        target = _uuid(service_id)
        row = next((s for s in self.services if s.service_id == service_id), None)
        if target is None or row is None:
            return rx.toast.error("That service is not in this list; reload the page.")
        try:
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.update_service(
                    session,
                    viewer.context,
                    supplier_id=supplier_id,
                    service_id=target,
                    data=ServiceUpdate(is_active=not row.is_active),
                ),
            )
        except DomainError as exc:
            return self._fail(viewer, exc)
        self._refresh(viewer)
        return rx.toast.success(f"{row.name} is {'inactive' if row.is_active else 'active'}.")

    def _delete_service(self, service_id: str) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        target = _uuid(service_id)
        if target is None:
            return rx.toast.error("That service is not in this list; reload the page.")
        try:
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.delete_service(
                    session, viewer.context, supplier_id=supplier_id, service_id=target
                ),
            )
        except DomainError as exc:
            return self._fail(viewer, exc)
        self._refresh(viewer)
        return rx.toast.success("Service deleted.")

    # ---- bank details ---------------------------------------------------------------------------

    @event
    def set_bank_open(self, value: bool) -> None:
        self.bank_open, self.bank_errors = value, {}

    @event
    def save_bank(self, form_data: dict[str, Any]) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        values = clean_form(form_data, BANK_FIELDS)
        self.bank_errors = {}
        try:
            data = BankDetailsIn.model_validate({k: v for k, v in values.items() if v is not None})
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.set_bank_details(
                    session, viewer.context, supplier_id=supplier_id, data=data
                ),
            )
        except ValidationError as exc:
            self.bank_errors = field_messages(exc)
            if "form" in self.bank_errors:
                self.bank_errors["ifsc"] = self.bank_errors.pop("form")
            return rx.toast.error("Some fields need attention.")
        except DomainError as exc:
            self.bank_open = False
            return self._fail(viewer, exc)
        self.bank_open, self.revealed = False, []
        self._refresh(viewer)
        return rx.toast.success("Bank details saved (stored encrypted).")

    @event
    def reveal(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        ip, agent = client_of(self.router)
        try:
            details = self._call(
                viewer,
                lambda session, supplier_id: suppliers.reveal_bank_details(
                    session, viewer.context, supplier_id=supplier_id, ip=ip, user_agent=agent
                ),
            )
        except DomainError as exc:
            return rx.toast.error(exc.detail)
        self.revealed = [
            BankLine(label, value)
            for label, value in (
                ("Account holder", details.account_holder),
                ("Bank", details.bank_name),
                ("Account number", details.account_number),
                ("IFSC", details.ifsc or ""),
                ("SWIFT / BIC", details.swift or ""),
                ("IBAN", details.iban or ""),
                ("Branch", details.branch or ""),
            )
            if value
        ]
        return None

    @event
    def hide(self) -> None:
        self.revealed = []

    def _clear_bank(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        try:
            self._call(
                viewer,
                lambda session, supplier_id: suppliers.clear_bank_details(
                    session, viewer.context, supplier_id=supplier_id
                ),
            )
        except DomainError as exc:
            return self._fail(viewer, exc)
        self.revealed = []
        self._refresh(viewer)
        return rx.toast.success("Bank details removed.")

"""Customers list state: search by name, email or phone, newest first, a page of 25 at a time; the
"New customer" dialog, which shows the customers that already have this email or phone
(open one of them, or create anyway)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.locale import country_name
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.customers.schemas import CustomerCreate, CustomerFilter, CustomerListItem
from travelcrm.customers.services import DuplicateCustomerError
from travelcrm.db import Session
from travelcrm.ui import routes
from travelcrm.ui.components.fields import with_codes
from travelcrm.ui.components.formats import local_date
from travelcrm.ui.components.pager import Paged
from travelcrm.ui.events import event
from travelcrm.ui.pages.customers.text import readable_phone
from travelcrm.ui.pages.suppliers.list_state import place_of
from travelcrm.ui.pages.suppliers.text import clean_form, field_messages
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage
from travelcrm.ui.session import Viewer

PAGE_SIZE = 25
CREATE_FIELDS = ("name", "company", "email", "phone", "city", "country", "tags")


@dataclass
class CustomerRow:
    customer_id: str
    href: str
    name: str
    kind: str
    email: str
    phone: str
    place: str
    tags: list[str]
    created: str


@dataclass
class DuplicateRow:
    customer_id: str
    href: str
    name: str
    detail: str  # "priya@example.com · +919812345678"
    matched: str  # "Same email and phone" ("" for a customer found by name)


def customer_row(item: CustomerListItem, timezone: str) -> CustomerRow:
    return CustomerRow(
        customer_id=str(item.id),
        href=routes.customer(item.id),
        name=item.name,
        kind=item.kind,
        email=item.email or "",
        phone=readable_phone(item.phone),
        place=place_of(item.city, country_name(item.country)),
        tags=list(item.tags),
        created=local_date(item.created_at, timezone),
    )


def duplicate_rows(matches: list[dict[str, Any]]) -> list[DuplicateRow]:
    """The matches a `DuplicateCustomerError` carries, for the dialog."""
    rows = []
    for match in matches:
        on = [str(m) for m in match.get("matched_on") or []]
        rows.append(
            DuplicateRow(
                customer_id=str(match.get("id", "")),
                href=routes.customer(match.get("id", "")),
                name=str(match.get("name", "")),
                detail=" · ".join(
                    v for v in (match.get("email"), readable_phone(match.get("phone"))) if v
                ),
                matched=("Same " + " and ".join(on)) if on else "",
            )
        )
    return rows


def customer_input(form: dict[str, Any]) -> dict[str, Any]:
    values = clean_form(with_codes(form, countries=("country",)), CREATE_FIELDS)
    if values.get("email"):
        values["email"] = str(values["email"]).lower()
    values.setdefault("tags", [])
    return {k: v for k, v in values.items() if v is not None}


class CustomersState(Paged, FormPage, rx.State):
    can_create: bool = False
    q: str = ""
    rows: list[CustomerRow] = []
    # the "New customer" dialog
    create_open: bool = False
    create_errors: dict[str, str] = {}
    duplicates: list[DuplicateRow] = []
    create_key: int = 0
    _pending: dict[str, Any] = {}

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        return field_messages(exc)

    def _fetch(self, viewer: Viewer) -> EventSpec | None:
        page, failed = self._run(
            lambda session, ctx: customers.list_customers(
                session,
                ctx,
                filters=CustomerFilter(q=self.q.strip()[:100] or None),
                page=PageParams(limit=PAGE_SIZE, cursor=self._page_cursor()),
            )
        )
        if page is None:
            return failed
        self.rows = [customer_row(c, viewer.agency_timezone) for c in page.items]
        self._turned(page.next_cursor)
        return None

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.CUSTOMERS_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_create = can(role, Action.CUSTOMERS_EDIT)
        self.create_open = False
        self._first_page()
        result = self._fetch(viewer) if self.allowed else None
        self.loaded = True
        return result

    @event
    def set_q(self, value: str) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        self.q = str(value)[:100]
        self._first_page()
        return self._fetch(viewer)

    # ---- new customer ---------------------------------------------------------------------------

    @event
    def set_create_open(self, value: bool) -> None:
        self.create_open = bool(value)
        self.create_errors, self.duplicates, self._pending = {}, [], {}
        self.create_key += 1

    def _create(self, values: dict[str, Any], *, anyway: bool) -> EventSpec | list[EventSpec]:
        self.create_errors = {}
        data = self._parse(
            CustomerCreate, {**values, "allow_duplicate": anyway}, errors="create_errors"
        )
        if data is None:
            return rx.toast.error(NEEDS_ATTENTION)

        def work(session: Session, ctx: TenantContext) -> uuid.UUID | DuplicateCustomerError:
            try:
                return customers.create_customer(session, ctx, data=data).id
            except DuplicateCustomerError as exc:  # raised before anything is written
                return exc

        created, failed = self._run(work, errors="create_errors")
        if isinstance(created, DuplicateCustomerError):
            self._pending = values
            self.duplicates = duplicate_rows(list(created.extra.get("matches") or []))
            return rx.toast.warning(created.detail)
        if created is None:
            return failed or []
        self.create_open, self.duplicates, self._pending = False, [], {}
        return [rx.toast.success(f"{data.name} added."), rx.redirect(routes.customer(created))]

    @event
    def create(self, form: dict[str, Any]) -> EventSpec | list[EventSpec]:
        self.duplicates = []
        return self._create(customer_input(form), anyway=False)

    @event
    def create_anyway(self) -> EventSpec | list[EventSpec] | None:
        if not self._pending:
            return None
        return self._create(self._pending, anyway=True)

"""Suppliers list state: search (debounced in the browser), filters, sortable columns, pages
from the server ("1-25 of 143"), and the "New supplier" dialog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.locale import country_name
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.models import Supplier
from travelcrm.suppliers.schemas import SortKey, SupplierCreate, SupplierFilter
from travelcrm.ui import routes
from travelcrm.ui.components.fields import with_codes
from travelcrm.ui.components.formats import local_date
from travelcrm.ui.events import event
from travelcrm.ui.pages.suppliers.text import (
    KIND_LABELS,
    Option,
    clean_form,
    field_messages,
)
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage
from travelcrm.ui.session import Viewer

PAGE_SIZE = 25
ANY = "any"  # a select's "no filter" value (Radix selects cannot hold "")
STATUS_FILTERS = [
    Option(ANY, "Active and inactive"),
    Option("active", "Active"),
    Option("inactive", "Inactive"),
    Option("archived", "Archived"),
    Option("all", "Everything"),
]
FILTERS = ("kind", "country", "status", "tag")
STATUS_VALUES = {"active", "inactive", "archived", "all"}
SORTS = {"name", "-name", "city", "-city", "created", "-created", "updated", "-updated"}
CREATE_FIELDS = (
    "name",
    "city",
    "region",
    "country",
    "default_currency",
    "email",
    "phone",
    "tags",
)


@dataclass
class SupplierRow:
    supplier_id: str
    href: str
    name: str
    kind: str
    kind_label: str
    destination: str
    country: str
    tags: list[str]
    currency: str
    status: str
    contact: str
    updated: str


def supplier_row(supplier: Supplier, timezone: str) -> SupplierRow:
    place = place_of(supplier.city, supplier.region)
    return SupplierRow(
        supplier_id=str(supplier.id),
        href=routes.supplier(supplier.id),
        name=supplier.name,
        kind=supplier.kind,
        kind_label=KIND_LABELS.get(supplier.kind, supplier.kind),
        destination=place,
        country=country_name(supplier.country),
        tags=list(supplier.tags or []),
        currency=supplier.default_currency,
        status=supplier.status,
        contact=supplier.email or supplier.phone or "",
        updated=local_date(supplier.updated_at or supplier.created_at, timezone),
    )


def place_of(*parts: str | None) -> str:
    """ "Candolim, Goa"; a region named like its city is said once ("Dubai")."""
    seen: list[str] = []
    for part in parts:
        if part and part.casefold() not in (p.casefold() for p in seen):
            seen.append(part)
    return ", ".join(seen)


def range_label(page: int, size: int, total: int) -> str:
    """ "1-25 of 143" (or "No suppliers")."""
    if total == 0:
        return "No suppliers"
    first = (page - 1) * size + 1
    last = min(page * size, total)
    return f"{first}-{last} of {total:,}"


class SuppliersState(FormPage, rx.State):
    can_edit: bool = False
    rows: list[SupplierRow] = []
    # filters, sort and page
    q: str = ""
    kind: str = ANY
    country: str = ANY
    status: str = ANY
    tag: str = ANY
    sort: str = "name"
    page: int = 1
    pages: int = 1
    total: int = 0
    label: str = ""
    count_label: str = ""
    kind_options: list[Option] = []
    country_options: list[Option] = []
    tag_options: list[Option] = []
    status_options: list[Option] = STATUS_FILTERS
    # the "New supplier" dialog
    create_open: bool = False
    create_kind: str = "hotel"
    create_errors: dict[str, str] = {}

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        return field_messages(exc)

    @rx.var
    def filtered(self) -> bool:
        return (self.q.strip(), self.kind, self.country, self.status, self.tag) != (
            "",
            ANY,
            ANY,
            ANY,
            ANY,
        )

    @rx.var
    def sort_label(self) -> str:
        descending = self.sort.startswith("-")
        column = self.sort.lstrip("-")
        if column == "updated":
            return f"Sorted by last change, {'newest' if descending else 'oldest'} first"
        words = "destination" if column == "city" else "name"
        return f"Sorted by {words}, {'Z-A' if descending else 'A-Z'}"

    def _filters(self) -> SupplierFilter:
        return SupplierFilter.model_validate(
            {
                "q": self.q.strip()[:100] or None,
                "kind": self.kind if self.kind in KIND_LABELS else None,
                "country": None if self.country == ANY else self.country[:2],
                "status": self.status if self.status in STATUS_VALUES else None,
                "tag": None if self.tag == ANY else self.tag[:30],
            }
        )

    def _fetch(self, viewer: Viewer) -> EventSpec | None:
        sort = cast(SortKey, self.sort if self.sort in SORTS else "name")

        def work(session: Session, ctx: TenantContext) -> suppliers.SupplierPage:
            found = suppliers.list_suppliers(
                session,
                ctx,
                filters=self._filters(),
                sort=sort,
                limit=PAGE_SIZE,
                offset=(self.page - 1) * PAGE_SIZE,
            )
            if not found.items and self.page > 1:  # the page emptied (filters, deletes)
                self.page = 1
                found = suppliers.list_suppliers(
                    session, ctx, filters=self._filters(), sort=sort, limit=PAGE_SIZE
                )
            return found

        result, failed = self._run(work)
        if result is None:
            return failed
        self.rows = [supplier_row(s, viewer.agency_timezone) for s in result.items]
        self.total = result.total
        self.pages = max(1, -(-result.total // PAGE_SIZE))
        self.label = range_label(self.page, PAGE_SIZE, result.total)
        self.count_label = f"{result.total:,} supplier{'' if result.total == 1 else 's'}"
        return None

    def _load_choices(self, viewer: Viewer) -> None:
        with tenant_scope(viewer.context) as session:
            tags = suppliers.tag_options(session, viewer.context)
            countries = suppliers.country_options(session, viewer.context)
        self.kind_options = [
            Option(ANY, "All types"),
            *[Option(k, v) for k, v in KIND_LABELS.items()],
        ]
        named = sorted((country_name(c), c) for c in countries)
        self.country_options = [Option(ANY, "All countries"), *[Option(c, n) for n, c in named]]
        self.tag_options = [Option(ANY, "All tags"), *[Option(t, t) for t in tags]]

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.SUPPLIERS_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_edit = can(role, Action.SUPPLIERS_EDIT)
        result = None
        if self.allowed:
            self._load_choices(viewer)
            result = self._fetch(viewer)
        self.loaded = True
        return result

    def _refilter(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        self.page = 1
        return self._fetch(viewer)

    @event
    def set_q(self, value: str) -> EventSpec | None:
        self.q = str(value)[:100]
        return self._refilter()

    @event
    def set_filter(self, name: str, value: str) -> EventSpec | None:
        """One of the list's filters (`FILTERS`) changed."""
        if name in FILTERS:
            setattr(self, name, str(value)[:100])
        return self._refilter()

    @event
    def clear_filters(self) -> EventSpec | None:
        self.q, self.kind, self.country, self.status, self.tag = "", ANY, ANY, ANY, ANY
        return self._refilter()

    @event
    def sort_by(self, column: str) -> EventSpec | None:
        """A column header: first click sorts ascending, the next descending."""
        if column not in {"name", "city", "updated"}:
            return None
        self.sort = f"-{column}" if self.sort == column else column
        return self._refilter()

    def _go(self, page: int) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        self.page = min(max(1, page), self.pages)
        return self._fetch(viewer)

    @event
    def prev_page(self) -> EventSpec | None:
        return self._go(self.page - 1)

    @event
    def next_page(self) -> EventSpec | None:
        return self._go(self.page + 1)

    # ---- new supplier ---------------------------------------------------------------------

    @event
    def set_create_open(self, value: bool) -> None:
        self.create_open, self.create_errors = value, {}

    @event
    def set_create_kind(self, value: str) -> None:
        if value in KIND_LABELS:
            self.create_kind = value

    @event
    def create(self, form: dict[str, Any]) -> EventSpec | list[EventSpec] | None:
        self.create_errors = {}
        values = clean_form(
            with_codes(form, countries=("country",), currencies=("default_currency",)),
            CREATE_FIELDS,
        )
        values["kind"] = self.create_kind
        values.setdefault("tags", [])
        data = self._parse(SupplierCreate, values, errors="create_errors")
        if data is None:
            return rx.toast.error(NEEDS_ATTENTION)
        created, failed = self._run(
            lambda session, ctx: suppliers.create_supplier(session, ctx, data=data).id,
            errors="create_errors",
        )
        if created is None:
            return failed
        self.create_open = False
        return [
            rx.toast.success(f"{data.name} added. Add its contacts and services next."),
            rx.redirect(routes.supplier(created)),
        ]

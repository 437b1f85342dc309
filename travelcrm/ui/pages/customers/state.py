"""A customer's page state: details (changed against the version this page read), travellers,
their queries, the timeline, and merging a duplicate into this customer (managers).

Every handler identifies the viewer again and calls the customer and query services in the
viewer's agency: ids from another agency are "not found", whatever the browser sends."""

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
from travelcrm.customers.models import Customer
from travelcrm.customers.schemas import (
    CustomerFilter,
    CustomerUpdate,
    TravellerIn,
    TravellerPublic,
)
from travelcrm.db import Session
from travelcrm.queries.schemas import QueryFilter
from travelcrm.ui import routes
from travelcrm.ui.components.fields import with_codes
from travelcrm.ui.components.formats import local_date
from travelcrm.ui.components.money import format_date
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.customers.list_state import DuplicateRow, duplicate_rows
from travelcrm.ui.pages.customers.text import readable_phone
from travelcrm.ui.pages.queries.text import (
    QueryRow,
    TimelineRow,
    labelled_queries,
    query_row,
    timeline_row,
)
from travelcrm.ui.pages.suppliers.text import as_text, clean_form, field_messages
from travelcrm.ui.record import RecordPage

EDIT_FIELDS = (
    "name",
    "company",
    "email",
    "phone",
    "alt_phone",
    "address",
    "city",
    "country",
    "nationality",
    "tags",
    "notes",
)
COUNTRY_FIELDS = ("country", "nationality")
TRAVELLER_FIELDS = ("name", "relation", "date_of_birth", "nationality", "notes")
QUERY_LIMIT = 50
NOT_LISTED = "That traveller is not in this list; reload the page."


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class TravellerRow:
    traveller_id: str
    name: str
    relation: str
    born: str
    nationality: str


def traveller_row(traveller: TravellerPublic) -> TravellerRow:
    return TravellerRow(
        traveller_id=str(traveller.id),
        name=traveller.name,
        relation=traveller.relation or "",
        born=format_date(traveller.date_of_birth),
        nationality=country_name(traveller.nationality),
    )


def facts_of(customer: Customer, timezone: str) -> list[Fact]:
    rows = [
        ("Email", customer.email or ""),
        ("Phone", readable_phone(customer.phone)),
        ("Other phone", readable_phone(customer.alt_phone)),
        ("Company", customer.company or ""),
        ("Address", customer.address or ""),
        ("City", ", ".join(p for p in (customer.city, country_name(customer.country)) if p)),
        ("Nationality", customer.nationality or ""),
        ("Born", format_date(customer.date_of_birth)),
        ("Customer since", local_date(customer.created_at, timezone)),
    ]
    return [Fact(label, value) for label, value in rows if value]


class CustomerState(RecordPage, rx.State):
    can_edit: bool = False
    can_merge: bool = False
    can_query: bool = False
    customer_id: str = ""
    name: str = ""
    kind: str = "person"
    tags: list[str] = []
    notes: str = ""
    facts: list[Fact] = []
    merged_into: str = ""  # the customer this one was merged into (its page)
    new_query_href: str = ""
    version: int = 0
    travellers: list[TravellerRow] = []
    queries: list[QueryRow] = []
    timeline: list[TimelineRow] = []
    # edit
    edit_open: bool = False
    edit_key: int = 0
    form: dict[str, str] = {}
    errors: dict[str, str] = {}
    # travellers
    traveller_open: bool = False
    traveller_errors: dict[str, str] = {}
    # merge
    merge_open: bool = False
    merge_q: str = ""
    candidates: list[DuplicateRow] = []
    merge_pick: str = ""
    merge_pick_name: str = ""

    # ---- plumbing -------------------------------------------------------------------------------

    def _record_id(self) -> uuid.UUID | None:
        return parse_id(self.customer_id)

    def _missing(self) -> str:
        return "Customer not found."

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        return field_messages(exc)

    def _read(self, session: Session, ctx: TenantContext, customer_id: uuid.UUID) -> None:
        tz = self._timezone
        customer = customers.get_customer(session, ctx, customer_id=customer_id)
        travellers = customers.list_travellers(session, ctx, customer_id=customer.id)
        events = customers.customer_timeline(session, ctx, customer_id=customer.id)
        rows = []
        if can(ctx.role, Action.QUERIES_VIEW):
            items, _more = labelled_queries(
                session, ctx, filters=QueryFilter(customer_id=customer.id), limit=QUERY_LIMIT
            )
            rows = [query_row(i, label, tz) for i, label in items]
        self.name, self.kind = customer.name, customer.kind
        self.tags, self.notes = list(customer.tags), customer.notes or ""
        self.facts = facts_of(customer, tz)
        self.merged_into = (
            routes.customer(customer.merged_into_id) if customer.merged_into_id else ""
        )
        self.version = customer.row_version
        self.form = {name: as_text(getattr(customer, name)) for name in EDIT_FIELDS}
        # countries by name, as the form shows and sends them
        for name in COUNTRY_FIELDS:
            self.form[name] = country_name(self.form[name])
        self.new_query_href = routes.new_query_for(self.customer_id)
        self.travellers = [traveller_row(t) for t in travellers]
        self.queries = rows
        self.timeline = [timeline_row(e, {}, tz) for e in events]

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.CUSTOMERS_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_edit = can(role, Action.CUSTOMERS_EDIT)
        self.can_merge = can(role, Action.CUSTOMERS_MERGE)
        self.can_query = can(role, Action.QUERIES_EDIT)
        self.edit_open = self.traveller_open = self.merge_open = False
        self.customer_id = self._page_arg("id")[:64]
        self._loaded()
        return None

    # ---- details --------------------------------------------------------------------------------

    @event
    def set_edit_open(self, value: bool) -> None:
        self.edit_open, self.errors = bool(value), {}
        self.edit_key += 1

    @event
    def save(self, form: dict[str, Any]) -> EventSpec | None:
        values = clean_form(with_codes(form, countries=COUNTRY_FIELDS), EDIT_FIELDS)
        saved = clean_form(with_codes(self.form, countries=COUNTRY_FIELDS), EDIT_FIELDS)
        changes = {k: v for k, v in values.items() if v != saved.get(k)}
        if "name" in changes and not changes["name"]:
            changes["name"] = ""  # the schema says the name is required
        self.errors = {}
        if not changes:
            self.edit_open = False
            return rx.toast.info("Nothing changed.")
        return self._submit(
            CustomerUpdate,
            {**changes, "row_version": self.version},
            lambda session, ctx, customer_id, data: customers.update_customer(
                session, ctx, customer_id=customer_id, data=data
            ),
            done="Customer saved.",
            errors="errors",
            dialog="edit_open",
        )

    # ---- travellers -----------------------------------------------------------------------------

    @event
    def set_traveller_open(self, value: bool) -> None:
        self.traveller_open, self.traveller_errors = bool(value), {}

    @event
    def add_traveller(self, form: dict[str, Any]) -> EventSpec | None:
        coded = with_codes(form, countries=("nationality",))
        values = {k: v for k, v in clean_form(coded, TRAVELLER_FIELDS).items() if v is not None}
        if values.get("nationality"):
            values["nationality"] = str(values["nationality"]).upper()
        return self._submit(
            TravellerIn,
            values,
            lambda session, ctx, customer_id, data: customers.add_traveller(
                session, ctx, customer_id=customer_id, data=data
            ),
            done=f"{values.get('name') or 'The traveller'} added.",
            errors="traveller_errors",
            dialog="traveller_open",
        )

    @event
    def remove_traveller(self, traveller_id: str) -> EventSpec | None:
        row = next((t for t in self.travellers if t.traveller_id == traveller_id), None)
        if row is None:
            return rx.toast.error(NOT_LISTED)
        return self._change_row(
            traveller_id,
            lambda session, ctx, customer_id, target: customers.remove_traveller(
                session, ctx, customer_id=customer_id, traveller_id=target
            ),
            done=f"{row.name} removed.",
            missing=NOT_LISTED,
        )

    # ---- merge ----------------------------------------------------------------------------------

    def _candidates(self, session: Session, ctx: TenantContext, this: uuid.UUID) -> None:
        """Customers with this one's email or phone first; then those matching the search."""
        customer = customers.get_customer(session, ctx, customer_id=this)
        phones = [p for p in (customer.phone, customer.alt_phone) if p]
        matches = customers.find_duplicates(
            session, ctx, email=customer.email, phones=phones, exclude=this
        )
        found = [m.model_dump(mode="json") for m in matches]
        text = self.merge_q.strip()
        if len(text) >= 2:
            page = customers.list_customers(
                session,
                ctx,
                filters=CustomerFilter(q=text[:100]),
                page=PageParams(limit=10, cursor=None),
            )
            seen = {m["id"] for m in found} | {str(this)}
            found += [
                {
                    "id": str(c.id),
                    "name": c.name,
                    "email": c.email,
                    "phone": c.phone,
                    "matched_on": [],
                }
                for c in page.items
                if str(c.id) not in seen
            ]
        self.candidates = duplicate_rows(found)

    @event
    def set_merge_open(self, value: bool) -> EventSpec | None:
        self.merge_open = bool(value)
        self.merge_q, self.merge_pick, self.merge_pick_name, self.candidates = "", "", "", []
        if not self.merge_open:
            return None
        _, failed = self._on_record(self._candidates)
        self.merge_open = failed is None
        return failed

    @event
    def set_merge_q(self, value: str) -> EventSpec | None:
        self.merge_q = str(value)[:100]
        return self._on_record(self._candidates)[1]

    @event
    def pick_duplicate(self, customer_id: str) -> None:
        row = next((c for c in self.candidates if c.customer_id == customer_id), None)
        if row is not None:
            self.merge_pick, self.merge_pick_name = row.customer_id, row.name

    @event
    def merge(self) -> EventSpec | None:
        duplicate = parse_id(self.merge_pick)
        if duplicate is None:
            return rx.toast.error("Choose the duplicate to merge into this customer.")
        return self._change(
            lambda session, ctx, customer_id: customers.merge_customers(
                session, ctx, keep_id=customer_id, duplicate_id=duplicate, row_version=self.version
            ),
            done=f"{self.merge_pick_name} merged into {self.name}.",
            dialog="merge_open",
        )

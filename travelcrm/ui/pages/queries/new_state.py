"""New query state: the customer (found by name, email or phone, or a new one), the trip (dates,
or a month and nights), travellers with one age per child, budget, preferences; saved as a
draft or submitted (then assigned at once when an agent is free). Problems show on their
fields, all at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import FieldError, NotFoundError, ValidationFailedError
from travelcrm.core.locale import currency_label
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.customers.schemas import CustomerFilter
from travelcrm.db import Session, tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries.schemas import QueryCreate, QueryPublic
from travelcrm.tenants.services import own_tenant
from travelcrm.ui import routes
from travelcrm.ui.components.fields import with_codes
from travelcrm.ui.errors import form_errors
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.customers.text import readable_phone
from travelcrm.ui.pages.queries.text import query_field, query_input
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage

MAX_CHILDREN = 10
MATCHES = 8


@dataclass
class CustomerOption:
    customer_id: str
    name: str
    detail: str  # "priya@example.com · +919812345678 · Mumbai"


def customer_option(item: Any) -> CustomerOption:
    detail = " · ".join(p for p in (item.email, readable_phone(item.phone), item.city) if p)
    return CustomerOption(customer_id=str(item.id), name=item.name, detail=detail)


def schema_messages(exc: ValidationError) -> dict[str, str]:
    """Pydantic's complaints, one per form control ("child_ages.1" shows at "child_ages")."""
    messages: dict[str, str] = {}
    for error in exc.errors():
        loc = ".".join(str(p) for p in error.get("loc", ()))
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        field = query_field(loc or "form")
        if field == "child_ages":
            message = "give each child's age in years (0-17)"
        messages.setdefault(field, message[:1].upper() + message[1:])
    return messages


def _create(session: Session, ctx: TenantContext, data: QueryCreate) -> QueryPublic:
    """The query created; the service's field errors named as the form's controls."""
    try:
        query, _created = queries.create_query(session, ctx, data=data)
    except ValidationFailedError as exc:
        errors = [FieldError(query_field(e.field), e.message, e.code) for e in exc.errors]
        raise ValidationFailedError(exc.detail, errors=errors) from exc
    return queries.to_public(session, ctx, query)


class NewQueryState(FormPage, rx.State):
    form_key: int = 0
    # the customer: one found, or a new one typed in
    new_customer: bool = False
    customer_id: str = ""
    customer_name: str = ""
    customer_detail: str = ""
    customer_q: str = ""
    matches: list[CustomerOption] = []
    # the trip
    by_month: bool = False
    children: int = 0
    currency: str = "Indian Rupee (INR)"  # the agency's, by name
    errors: dict[str, str] = {}
    _submit: bool = True

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        return schema_messages(exc)

    @rx.var
    def child_slots(self) -> list[int]:
        return list(range(self.children))

    def _choose(self, option: CustomerOption) -> None:
        self.customer_id, self.customer_name = option.customer_id, option.name
        self.customer_detail = option.detail
        self.customer_q, self.matches = "", []
        self.new_customer = False
        self.errors.pop("customer", None)

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUERIES_EDIT)
        if viewer is None:
            return self._signed_out()
        self.form_key += 1
        self.new_customer, self.by_month, self.children, self.errors = False, False, 0, {}
        self.customer_id = self.customer_name = self.customer_detail = self.customer_q = ""
        self.matches = []
        if self.allowed:
            wanted = parse_id(self.router.url.query_parameters.get("customer", ""))
            try:
                with tenant_scope(viewer.context) as session:
                    self.currency = currency_label(
                        own_tenant(session, viewer.context).default_currency
                    )
                    if wanted is not None:
                        found = customers.get_customer(session, viewer.context, customer_id=wanted)
                        self._choose(customer_option(found))
            except NotFoundError:
                pass  # a stale link: choose the customer by hand
        self.loaded = True
        return None

    # ---- the customer ---------------------------------------------------------------------------

    @event
    def search_customers(self, value: str) -> EventSpec | None:
        self.customer_q = str(value)[:100]
        text = self.customer_q.strip()
        if len(text) < 2:
            self.matches = []
            return None
        page, failed = self._run(
            lambda session, ctx: customers.list_customers(
                session,
                ctx,
                filters=CustomerFilter(q=text),
                page=PageParams(limit=MATCHES, cursor=None),
            )
        )
        if page is None:
            return failed
        self.matches = [customer_option(c) for c in page.items]
        return None

    @event
    def pick_customer(self, customer_id: str) -> None:
        option = next((m for m in self.matches if m.customer_id == customer_id), None)
        if option is not None:
            self._choose(option)

    @event
    def clear_customer(self) -> None:
        self.customer_id = self.customer_name = self.customer_detail = ""

    @event
    def set_new_customer(self, value: bool) -> None:
        self.new_customer = bool(value)
        self.errors.pop("customer", None)

    # ---- the trip -------------------------------------------------------------------------------

    @event
    def set_dates_mode(self, value: str | list[str]) -> None:
        self.by_month = (value if isinstance(value, str) else "") == "month"

    @event
    def set_children(self, value: str) -> None:
        text = str(value).strip()
        self.children = min(int(text), MAX_CHILDREN) if text.isdigit() else 0

    @event
    def set_submit(self, value: bool) -> None:
        """Which button sent the form (its click comes before the submit)."""
        self._submit = bool(value)

    def _trip_problems_too(self, values: dict[str, Any]) -> None:
        """With some fields unreadable, the rest is still checked as the service would (dates
        against the agency's today, travellers, ages, budget), so one submit names every problem;
        the unreadable fields keep their own messages."""
        try:
            QueryCreate.model_validate(values)
            return
        except ValidationError as exc:
            unread = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
        readable = {k: v for k, v in values.items() if k not in unread}
        if "destinations" in unread:  # required, and already named: any stand-in will do
            readable["destinations"] = ["-"]
        try:
            partial = QueryCreate.model_validate(readable)
        except ValidationError:
            return
        problems, _failed = self._run(
            lambda session, ctx: queries.trip_problems(session, ctx, partial)
        )
        mapped = [FieldError(query_field(p.field), p.message, p.code) for p in problems or []]
        if mapped:
            _summary, more = form_errors(ValidationFailedError("", errors=mapped))
            self.errors = {**more, **self.errors}

    @event
    def save(self, form: dict[str, Any]) -> EventSpec | list[EventSpec] | None:
        self.errors = {}
        if not self.new_customer and not self.customer_id:
            self.errors = {"customer": "Find the customer, or add a new one."}
            return rx.toast.error("Who is asking? Choose the customer first.")
        values = query_input(
            with_codes(form, currencies=("budget_currency",)),
            customer_id=self.customer_id,
            new_customer=self.new_customer,
            by_month=self.by_month,
            children=self.children,
            submit=self._submit,
        )
        data = self._parse(QueryCreate, values, errors="errors")
        if data is None:
            self._trip_problems_too(values)
            return rx.toast.error(NEEDS_ATTENTION)
        public, failed = self._run(
            lambda session, ctx: _create(session, ctx, data), errors="errors"
        )
        if public is None:
            return failed
        if not data.submit:
            said = f"{public.reference} saved as a draft."
        elif public.assigned_to_name:
            said = f"{public.reference} submitted and assigned to {public.assigned_to_name}."
        else:
            said = f"{public.reference} submitted; it waits for a free agent."
        return [rx.toast.success(said), rx.redirect(routes.query(public.id))]

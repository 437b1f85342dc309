"""Itineraries list state: the agency's trips newest first (reference, name, dates,
travellers, status in words) and the "New itinerary" dialog (a blank trip: its name, first day,
number of days and the party), every field's problem said in one pass."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

import reflex as rx
from babel.numbers import format_decimal
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from reflex.event import EventSpec

from travelcrm.core.locale import current_locale
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.models import Itinerary
from travelcrm.itineraries.schemas import ItineraryCreate, LastTotal, Party
from travelcrm.ui import routes
from travelcrm.ui.components.money import format_money, format_range
from travelcrm.ui.events import event
from travelcrm.ui.pages.itineraries.text import child_ages_of, status_words, travellers_text
from travelcrm.ui.pages.suppliers.text import field_messages
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage

LIST_LIMIT = 100
NEW_FIELDS = ("title", "start_date", "days", "adults", "child_ages")


def _blank_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _ages(value: Any) -> Any:
    if isinstance(value, str):
        ages = child_ages_of(value)
        if ages is None:
            raise ValueError("Write the children's ages as numbers, e.g. 8, 12")
        return ages
    return value


class NewItineraryForm(BaseModel):
    """What the dialog asks; every field checked at once."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    title: Annotated[str, Field(min_length=1, max_length=200)]
    start_date: Annotated[date, BeforeValidator(_blank_none)]
    days: Annotated[int, BeforeValidator(_blank_none), Field(ge=1, le=120)]
    adults: Annotated[int, BeforeValidator(_blank_none), Field(ge=1, le=500)]
    child_ages: Annotated[list[Annotated[int, Field(ge=0, le=17)]], BeforeValidator(_ages)] = []

    def create(self) -> ItineraryCreate:
        return ItineraryCreate(
            title=self.title,
            start_date=self.start_date,
            days=self.days,
            party=Party(adults=self.adults, child_ages=self.child_ages),
        )


@dataclass
class ItineraryRow:
    itinerary_id: str
    href: str
    reference: str
    title: str
    dates: str
    travellers: str
    status: str  # in words
    frozen: bool
    total: str = ""  # its gross when last priced, in its selling currency ("" never priced)
    margin: str = ""  # "₹3,000.00 (12.5 %)"
    partial: bool = False  # some items had no price then


def margin_text(total: LastTotal) -> str:
    """The margin and its share of the gross: "₹3,000.00 (12.5 %)"."""
    text = format_money(total.margin, total.currency)
    if total.gross:
        share = (total.margin * 100 / total.gross).quantize(Decimal("0.1"))
        text += f" ({format_decimal(share, locale=current_locale())} %)"
    return text


def itinerary_row(itinerary: Itinerary, days: int, total: LastTotal | None = None) -> ItineraryRow:
    end = itinerary.start_date + timedelta(days=max(days, 1) - 1)
    return ItineraryRow(
        itinerary_id=str(itinerary.id),
        href=routes.itinerary(itinerary.id),
        reference=itineraries.reference(itinerary.number),
        title=itinerary.title,
        dates=format_range(itinerary.start_date, end),
        travellers=travellers_text(itinerary.adults, list(itinerary.child_ages)),
        status=status_words(itinerary.status),
        frozen=itinerary.status == "frozen",
        total=format_money(total.gross, total.currency) if total else "",
        margin=margin_text(total) if total else "",
        partial=bool(total and total.unpriced),
    )


def itinerary_rows(
    session: Session, ctx: TenantContext, *, query_id: uuid.UUID | None = None
) -> list[ItineraryRow]:
    """The agency's itineraries (or a query's), newest first, as the lists show them."""
    found = itineraries.list_itineraries(session, ctx, query_id=query_id, limit=LIST_LIMIT)
    counts = itineraries.day_counts(session, [i.id for i in found])
    totals = itineraries.last_totals(session, ctx, itineraries=found)
    return [itinerary_row(i, counts.get(i.id, 1), totals.get(i.id)) for i in found]


class ItinerariesState(FormPage, rx.State):
    can_create: bool = False
    rows: list[ItineraryRow] = []
    # the "New itinerary" dialog
    create_open: bool = False
    create_errors: dict[str, str] = {}
    create_key: int = 0

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        messages = field_messages(exc)
        if "child_ages" in messages:
            messages["child_ages"] = "Write the children's ages as numbers 0-17, e.g. 8, 12."
        return messages

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.ITINERARIES_VIEW)
        if viewer is None:
            return self._signed_out()
        self.can_create = can(viewer.context.role, Action.ITINERARIES_EDIT)
        self.create_open = False
        failed = None
        if self.allowed:
            rows, failed = self._run(itinerary_rows)
            self.rows = rows or []
        self.loaded = True
        return failed

    @event
    def set_create_open(self, value: bool) -> None:
        self.create_open = bool(value)
        self.create_errors = {}
        self.create_key += 1

    @event
    def create(self, form: dict[str, Any]) -> EventSpec | list[EventSpec]:
        self.create_errors = {}
        values = {name: form.get(name, "") for name in NEW_FIELDS}
        data = self._parse(NewItineraryForm, values, errors="create_errors")
        if data is None:
            return rx.toast.error(NEEDS_ATTENTION)
        created, failed = self._run(
            lambda session, ctx: itineraries.create_itinerary(session, ctx, data=data.create()).id,
            may=Action.ITINERARIES_EDIT,
            errors="create_errors",
        )
        if created is None:
            return failed or []
        self.create_open = False
        return [rx.toast.success(f"{data.title} created."), rx.redirect(routes.itinerary(created))]

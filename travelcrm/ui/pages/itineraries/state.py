"""An itinerary's builder state: the trip's facts, its days in order with their services
(each with its price or why it has none), adding, removing and moving services and days, the
pricing sheet in its fixed columns, freezing a version for a quote and unfreezing it as the next
version, and what changed in the rates since it was frozen.

Every handler identifies the viewer again and calls the itinerary services in the viewer's
agency: an id from another agency is "not found"."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.clock import to_local
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.locale import currency_label, decimal_comma
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.models import ItemKind, ItineraryStatus
from travelcrm.itineraries.schemas import (
    DayIn,
    ItemIn,
    ItemPublic,
    ItineraryPublic,
    PricingSheet,
    RatesSinceFrozen,
    TotalsOut,
)
from travelcrm.rates import parsers
from travelcrm.suppliers import services as suppliers
from travelcrm.ui import routes
from travelcrm.ui.components.money import format_date, format_money, format_range
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.itineraries.content import item_content
from travelcrm.ui.pages.itineraries.text import (
    MANUAL_KINDS,
    conflict_words,
    kind_words,
    plural,
    reason_words,
    status_words,
    travellers_text,
)
from travelcrm.ui.pages.suppliers.text import field_messages
from travelcrm.ui.record import RecordPage

NOT_LISTED = "That is not in this itinerary any more; reload the page."
ITEM_FIELDS = ("service", "title", "nights", "km", "manual_net")
SERVICE_LIMIT = 200


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class ItemRow:
    item_id: str
    title: str
    kind: str  # in words
    nights: str  # "3 nights" ("" when not a stay)
    price: str  # its gross in the sheet, or ""
    problem: str  # why it has no price, in words, or ""
    first: bool
    last: bool


@dataclass
class DayRow:
    day_id: str
    label: str  # "Day 2"
    date: str  # in the agency's locale
    title: str
    overnight: str
    notes: str
    services: list[ItemRow]


@dataclass
class SheetRow:
    tone: str  # line | day | total
    label: str
    detail: str
    net: str
    fx: str
    net_sell: str
    markup: str
    gross: str
    commission: str
    agent_net: str
    margin: str


@dataclass
class Problem:
    title: str
    words: str  # the reason or the conflict in words
    detail: str


@dataclass
class ServiceOption:
    label: str  # "Deluxe Sea View · Sea Breeze Resort"


ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def readable_dates(text: str) -> str:
    """A service's sentence with its dates in the agency's locale ("5 Oct 2027", not
    "2027-10-05")."""

    def local(match: re.Match[str]) -> str:
        try:
            return format_date(date.fromisoformat(match.group(1)))
        except ValueError:
            return match.group(1)

    return ISO_DAY.sub(local, text)


def service_label(name: str, supplier_name: str) -> str:
    return f"{name} · {supplier_name}"


def _fx_text(rate: Decimal, buffer: Decimal, buy: str, sell: str) -> str:
    if buy == sell:
        return "—"
    text = f"{rate.normalize():f}"
    return f"{text} + {buffer.normalize():f}% buffer" if buffer else text


def _total_row(tone: str, label: str, detail: str, totals: TotalsOut, currency: str) -> SheetRow:
    def money(value: Decimal) -> str:
        return format_money(value, currency)

    return SheetRow(
        tone=tone,
        label=label,
        detail=detail,
        net="",
        fx="",
        net_sell=money(totals.net_sell),
        markup=money(totals.markup),
        gross=money(totals.gross),
        commission=money(totals.commission),
        agent_net=money(totals.agent_net),
        margin=money(totals.margin),
    )


def sheet_rows(sheet: PricingSheet, dates: dict[int, date]) -> list[SheetRow]:
    """The sheet's lines day by day, each day closed by its total row, then the total."""
    cur = sheet.currency
    rows: list[SheetRow] = []
    days = sorted({line.day or 0 for line in sheet.lines})
    for day in days:
        for line in (x for x in sheet.lines if (x.day or 0) == day):
            notes = [kind_words(line.kind)]
            if line.optional:
                notes.append("optional, not in the total")
            if line.estimate:
                notes.append("estimate from last season")
            if line.overridden:
                notes.append("price locked")
            elif line.rules:  # which markup priced it, in the agency's own words
                notes.append(" + ".join(line.rules))
            rows.append(
                SheetRow(
                    tone="line",
                    label=line.title,
                    detail=", ".join(notes),
                    net=format_money(line.net, line.buy_currency),
                    fx=_fx_text(line.fx_rate, line.fx_buffer_pct, line.buy_currency, cur),
                    net_sell=format_money(line.net_sell, cur),
                    markup=format_money(line.markup, cur),
                    gross=format_money(line.gross, cur),
                    commission=format_money(line.commission, cur),
                    agent_net=format_money(line.agent_net, cur),
                    margin=format_money(line.margin, cur),
                )
            )
        totals = sheet.by_day.get(str(day))
        if totals is not None and day:
            rows.append(_total_row("day", f"Day {day}", format_date(dates.get(day)), totals, cur))
    rows.append(_total_row("total", "Total", plural(len(sheet.lines), "line"), sheet.total, cur))
    return rows


def chart_rows(sheet: PricingSheet) -> list[dict[str, Any]]:
    """Gross and margin by type of service, in whole units of the selling currency."""
    return [
        {"type": kind_words(kind), "Cost": int(t.gross - t.margin), "Margin": int(t.margin)}
        for kind, t in sorted(sheet.by_type.items(), key=lambda kv: -kv[1].gross)
    ]


def facts_of(shown: ItineraryPublic) -> list[Fact]:
    rows = [
        ("Dates", format_range(shown.start_date, shown.end_date)),
        ("Days", str(len(shown.days))),
        ("Travellers", travellers_text(shown.adults, shown.child_ages)),
        ("Selling currency", shown.sell_currency),
        ("Status", status_words(shown.status.value)),
        ("Version", str(shown.version)),
    ]
    if shown.budget is not None and shown.budget_currency:
        rows.append(("Budget", format_money(shown.budget, shown.budget_currency)))
    return [Fact(label, value) for label, value in rows]


def item_row(item: ItemPublic, sheet: PricingSheet | None, first: bool, last: bool) -> ItemRow:
    price, problem = "", ""
    if item.kind is not ItemKind.NOTE:
        line = next((x for x in sheet.lines if x.item_id == item.id), None) if sheet else None
        unpriced = (
            next((u for u in sheet.unpriced if u.item_id == item.id), None) if sheet else None
        )
        if line is not None and sheet is not None:
            price = format_money(line.gross, sheet.currency)
        elif unpriced is not None:
            problem = reason_words(unpriced.reason)
        elif item.problem:
            problem = reason_words(str(item.problem.get("reason", "")))
        else:
            problem = "Not priced yet"
    return ItemRow(
        item_id=str(item.id),
        title=item.title,
        kind=kind_words(item.kind.value),
        nights=plural(item.nights, "night") if item.kind is ItemKind.STAY else "",
        price=price,
        problem=problem,
        first=first,
        last=last,
    )


def day_rows(shown: ItineraryPublic, sheet: PricingSheet | None) -> list[DayRow]:
    rows = []
    for day in shown.days:
        items = [item for item in shown.items if item.day_id == day.id]
        rows.append(
            DayRow(
                day_id=str(day.id),
                label=f"Day {day.position}",
                date=format_date(day.date),
                title=day.title,
                overnight=day.overnight or "",
                notes=day.notes or "",
                services=[
                    item_row(item, sheet, i == 0, i == len(items) - 1)
                    for i, item in enumerate(items)
                ],
            )
        )
    return rows


def number_text(value: Any) -> str:
    """A stored amount as a person would type it again: "25000.0000" -> "25000"."""
    if value in (None, ""):
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def decimal_text(value: Any) -> str | None:
    """A typed amount or percentage as the agency writes numbers ("32,000", "12,5 %" with a
    decimal comma) as plain decimal text; None when empty; as typed when it is no number (the
    form then says so at its field)."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return str(parsers.parse_percent(text, decimal_comma=decimal_comma()))
    except ValueError:
        return text


def item_input(
    form: dict[str, Any], kind: str, currency: str, service_id: uuid.UUID | None
) -> dict[str, Any]:
    """The "Add service" form as an item: blanks left out, the net's currency when typed."""
    values: dict[str, Any] = {"kind": kind}
    for name in ("title", "nights", "km", "manual_net"):
        text = str(form.get(name, "") or "").strip()
        if text:
            values[name] = text
    if service_id is not None:
        values["service_id"] = service_id
    if kind != ItemKind.STAY.value:
        values.pop("nights", None)
    if kind != ItemKind.TRANSPORT.value:
        values.pop("km", None)
    if kind in MANUAL_KINDS:
        values.pop("service_id", None)
        values["manual_currency"] = currency
    else:
        values.pop("manual_net", None)
    return values


class ItineraryState(RecordPage, rx.State):
    can_edit: bool = False
    itinerary_id: str = ""
    reference: str = ""
    title: str = ""
    frozen: bool = False
    version: int = 1
    row_version: int = 0
    currency: str = ""
    frozen_text: str = ""  # "Frozen for a quote on 7 Dec 2026"
    query_href: str = ""
    facts: list[Fact] = []
    days: list[DayRow] = []
    # per item id: its service's cover thumbnail and first line of description (content.py)
    item_thumbs: dict[str, str] = {}
    item_lines: dict[str, str] = {}
    # the pricing sheet
    sheet_shown: bool = False
    sheet: list[SheetRow] = []
    per_person: str = ""
    twin_share: str = ""
    taxes: list[Fact] = []
    total_with_taxes: str = ""
    unpriced: list[Problem] = []
    conflicts: list[Problem] = []
    chart: list[dict[str, Any]] = []
    changes: list[Problem] = []  # rates changed since frozen
    # "Add service"
    item_open: bool = False
    item_key: int = 0
    item_day_id: str = ""
    item_day_label: str = ""
    item_kind: str = ItemKind.STAY.value
    item_currency: str = ""
    item_errors: dict[str, str] = {}
    service_options: list[ServiceOption] = []
    _service_ids: dict[str, str] = {}
    # "Edit day"
    day_open: bool = False
    day_key: int = 0
    day_label: str = ""
    day_form: dict[str, str] = {}
    day_errors: dict[str, str] = {}
    _day_target: str = ""
    # "Price options" of one service: estimate, a locked price or margin, optional
    options_open: bool = False
    options_key: int = 0
    options_title: str = ""
    options_form: dict[str, str] = {}
    options_errors: dict[str, str] = {}
    _options_target: str = ""
    _items_read: dict[str, dict[str, Any]] = {}
    # confirmations
    freeze_open: bool = False
    unfreeze_open: bool = False

    # ---- plumbing -------------------------------------------------------------------------------

    def _record_id(self) -> uuid.UUID | None:
        return parse_id(self.itinerary_id)

    def _missing(self) -> str:
        return "Itinerary not found."

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        return field_messages(exc)

    def _read(self, session: Session, ctx: TenantContext, itinerary_id: uuid.UUID) -> None:
        itinerary = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        shown = itineraries.to_public(session, itinerary)
        self.frozen = shown.status is ItineraryStatus.FROZEN
        sheet: PricingSheet | None = None
        if self.frozen:  # the frozen sheet: nothing reprices it
            sheet = itineraries.calculate_price(session, ctx, itinerary_id=itinerary.id)
            self.sheet_shown = True
        elif self.sheet_shown:  # shown before this change: priced again
            sheet = itineraries.calculate_price(
                session, ctx, itinerary_id=itinerary.id, dry_run=not self.can_edit
            )
        self._items_read = {
            str(item.id): item.model_dump(
                mode="json", exclude={"id", "day_id", "position", "problem"}
            )
            for item in shown.items
        }
        self.reference, self.title = shown.reference, shown.title
        self.version, self.row_version = shown.version, shown.row_version
        self.currency = shown.sell_currency
        self.item_currency = self.item_currency or shown.sell_currency
        self.query_href = routes.query(shown.query_id) if shown.query_id else ""
        self.facts = facts_of(shown)
        self.days = day_rows(shown, sheet)
        self.item_thumbs, self.item_lines = item_content(session, ctx, shown.items)
        self.frozen_text = (
            f"Frozen for a quote on {format_date(to_local(shown.frozen_at, self._timezone).date())}"
            if self.frozen and shown.frozen_at
            else ""
        )
        self.changes = []
        if self.frozen:
            self.changes = self._changes(
                itineraries.rates_since_frozen(session, ctx, itinerary_id=itinerary.id)
            )
        self._show_sheet(sheet, {d.position: d.date for d in shown.days})

    def _changes(self, found: RatesSinceFrozen) -> list[Problem]:
        out = []
        for line in found.lines:
            if line.current_net is None:
                out.append(Problem(line.title, "No longer priced", readable_dates(line.detail)))
            else:
                cur = line.currency or self.currency
                was = format_money(line.frozen_net, cur) if line.frozen_net else ""
                out.append(
                    Problem(
                        line.title,
                        "Rate changed",
                        f"Net was {was}, now {format_money(line.current_net, cur)}",
                    )
                )
        out.extend(
            Problem(
                f"{currency_label(risk.buy)} to {currency_label(risk.sell)}",
                "Exchange rate moved past the buffer",
                f"Now {risk.today_rate.normalize():f}, priced at "
                f"{risk.frozen_rate.normalize():f} + {risk.buffer_pct.normalize():f} %: "
                f"{format_money(risk.at_risk, risk.sell)} of the margin at risk",
            )
            for risk in found.fx
        )
        return out

    def _show_sheet(self, sheet: PricingSheet | None, dates: dict[int, date]) -> None:
        if sheet is None:
            self.sheet, self.unpriced, self.conflicts, self.taxes, self.chart = [], [], [], [], []
            self.per_person = self.twin_share = self.total_with_taxes = ""
            return
        cur = sheet.currency
        self.sheet = sheet_rows(sheet, dates)
        self.per_person = format_money(sheet.per_person, cur)
        self.twin_share = format_money(sheet.twin_share_per_person, cur)
        self.taxes = [Fact(t.name, format_money(t.amount, cur)) for t in sheet.taxes]
        self.total_with_taxes = format_money(sheet.total_with_taxes, cur)
        nights = {u.item_id: u.nights for u in sheet.unpriced}
        self.unpriced = [
            Problem(
                u.title,
                reason_words(u.reason),
                ", ".join(format_date(n) for n in nights.get(u.item_id, [])),
            )
            for u in sheet.unpriced
        ]
        self.conflicts = [Problem("", conflict_words(c.code), c.detail) for c in sheet.conflicts]
        self.chart = chart_rows(sheet)

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.ITINERARIES_VIEW)
        if viewer is None:
            return self._signed_out()
        self.can_edit = can(viewer.context.role, Action.ITINERARIES_EDIT)
        self.item_open = self.freeze_open = self.unfreeze_open = self.day_open = False
        page_id = self._page_arg("id")[:64]
        if page_id != self.itinerary_id:
            self.sheet_shown = False
            self.item_currency = ""
        self.itinerary_id = page_id
        self._loaded()
        return None

    # ---- pricing --------------------------------------------------------------------------------

    @event
    def price(self) -> EventSpec | None:
        self.sheet_shown = True
        failed = self._refresh()
        if failed is not None:
            return failed
        if self.unpriced:
            return rx.toast.warning(
                f"Priced; {plural(len(self.unpriced), 'item')} without a price."
            )
        return rx.toast.success("Priced from today's published rates.")

    # ---- days -----------------------------------------------------------------------------------

    @event
    def add_day(self) -> EventSpec | None:
        return self._change(
            lambda session, ctx, itinerary_id: itineraries.add_day(
                session, ctx, itinerary_id=itinerary_id, data=DayIn()
            ),
            done="Day added at the end.",
        )

    @event
    def insert_day(self, day_id: str) -> EventSpec | None:
        """A blank day after this one; the later days move a day on."""
        at = next((n for n, d in enumerate(self.days) if d.day_id == day_id), None)
        if at is None:
            return rx.toast.error(NOT_LISTED)
        return self._change(
            lambda session, ctx, itinerary_id: itineraries.add_day(
                session, ctx, itinerary_id=itinerary_id, data=DayIn(), position=at + 2
            ),
            done=f"Day {at + 2} added; the later days moved a day on.",
        )

    @event
    def open_day(self, day_id: str) -> EventSpec | None:
        day = self._day(day_id)
        if day is None:
            return rx.toast.error(NOT_LISTED)
        self._day_target, self.day_label = day.day_id, f"{day.label}, {day.date}"
        self.day_form = {"title": day.title, "overnight": day.overnight, "notes": day.notes}
        self.day_errors = {}
        self.day_key += 1
        self.day_open = True
        return None

    @event
    def set_day_open(self, value: bool) -> None:
        self.day_open, self.day_errors = bool(value), {}

    @event
    def save_day(self, form: dict[str, Any]) -> EventSpec | None:
        target = parse_id(self._day_target)
        if target is None or self._day(self._day_target) is None:
            self.day_open = False
            return rx.toast.error(NOT_LISTED)
        values: dict[str, Any] = {"title": str(form.get("title", "") or "").strip()}
        for name in ("overnight", "notes"):
            text = str(form.get(name, "") or "").strip()
            values[name] = text or None
        return self._submit(
            DayIn,
            values,
            lambda session, ctx, itinerary_id, data: itineraries.update_day(
                session, ctx, itinerary_id=itinerary_id, day_id=target, data=data
            ),
            done=f"{self.day_label} saved.",
            errors="day_errors",
            dialog="day_open",
        )

    def _day(self, day_id: str) -> DayRow | None:
        return next((d for d in self.days if d.day_id == day_id), None)

    @event
    def remove_day(self, day_id: str) -> EventSpec | None:
        day = self._day(day_id)
        if day is None:
            return rx.toast.error(NOT_LISTED)
        return self._change_row(
            day_id,
            lambda session, ctx, itinerary_id, target: itineraries.remove_day(
                session, ctx, itinerary_id=itinerary_id, day_id=target
            ),
            done=f"{day.label} removed; the later days moved a day earlier.",
            missing=NOT_LISTED,
        )

    # ---- items ----------------------------------------------------------------------------------

    def _item(self, item_id: str) -> ItemRow | None:
        return next((i for d in self.days for i in d.services if i.item_id == item_id), None)

    @event
    def remove_item(self, item_id: str) -> EventSpec | None:
        item = self._item(item_id)
        if item is None:
            return rx.toast.error(NOT_LISTED)
        return self._change_row(
            item_id,
            lambda session, ctx, itinerary_id, target: itineraries.remove_item(
                session, ctx, itinerary_id=itinerary_id, item_id=target
            ),
            done=f"{item.title} removed.",
            missing=NOT_LISTED,
        )

    def _move(self, item_id: str, step: int) -> EventSpec | None:
        day = next((d for d in self.days if any(i.item_id == item_id for i in d.services)), None)
        if day is None:
            return rx.toast.error(NOT_LISTED)
        index = next(n for n, i in enumerate(day.services) if i.item_id == item_id)
        to = index + step
        if not 0 <= to < len(day.services):
            return None
        return self._change_row(
            item_id,
            lambda session, ctx, itinerary_id, target: itineraries.move_item(
                session, ctx, itinerary_id=itinerary_id, item_id=target, position=to + 1
            ),
            done="Moved.",
            missing=NOT_LISTED,
        )

    @event
    def move_up(self, item_id: str) -> EventSpec | None:
        return self._move(item_id, -1)

    @event
    def move_down(self, item_id: str) -> EventSpec | None:
        return self._move(item_id, 1)

    @event
    def open_item(self, day_id: str) -> EventSpec | None:
        day = self._day(day_id)
        if day is None:
            return rx.toast.error(NOT_LISTED)
        found, failed = self._run(
            lambda session, ctx: suppliers.search_services(session, ctx, limit=SERVICE_LIMIT),
            may=Action.ITINERARIES_EDIT,
        )
        if found is None:
            return failed
        labels = {service_label(s.name, s.supplier_name): str(s.id) for s in found}
        self.service_options = [ServiceOption(label) for label in labels]
        self._service_ids = labels
        self.item_day_id, self.item_day_label = day.day_id, f"{day.label}, {day.date}"
        self.item_kind, self.item_errors = ItemKind.STAY.value, {}
        self.item_currency = self.item_currency or self.currency
        self.item_key += 1
        self.item_open = True
        return None

    @event
    def set_item_open(self, value: bool) -> None:
        self.item_open, self.item_errors = bool(value), {}

    @event
    def set_item_kind(self, value: str) -> None:
        self.item_kind = value if value in {k.value for k in ItemKind} else ItemKind.OTHER.value
        self.item_errors = {}

    @event
    def set_item_currency(self, value: str) -> None:
        self.item_currency = str(value)[:3].upper()

    @event
    def add_item(self, form: dict[str, Any]) -> EventSpec | None:
        self.item_errors = {}
        label = str(form.get("service", "") or "").strip()
        service_id = None
        if label and self.item_kind not in MANUAL_KINDS:
            service_id = parse_id(self._service_ids.get(label))
            if service_id is None:
                self.item_errors = {"service": "Pick a service from the list."}
                return rx.toast.error("Some fields need attention.")
        values = item_input(form, self.item_kind, self.item_currency, service_id)
        day_id = parse_id(self.item_day_id)
        if day_id is None:
            return rx.toast.error(NOT_LISTED)
        result = self._submit(
            ItemIn,
            values,
            lambda session, ctx, itinerary_id, data: itineraries.add_item(
                session, ctx, itinerary_id=itinerary_id, day_id=day_id, data=data
            ),
            done=f"Added to {self.item_day_label}.",
            errors="item_errors",
            dialog="item_open",
        )
        errors = dict(self.item_errors)
        if "service_id" in errors:
            errors["service"] = errors.pop("service_id")
        if "manual_net" in errors and self.item_kind not in MANUAL_KINDS:
            errors["service"] = "Pick a service to price it."
            errors.pop("manual_net")
        if "manual_currency" in errors:
            errors["manual_net"] = errors.pop("manual_currency")
        self.item_errors = errors
        return result

    # ---- a service's price options --------------------------------------------------------------

    @event
    def open_options(self, item_id: str) -> EventSpec | None:
        item = self._items_read.get(item_id)
        if item is None:
            return rx.toast.error("That service is no longer on the itinerary.")
        self._options_target, self.options_title = item_id, str(item["title"])
        self.options_form = {
            "estimate": "on" if item["estimate"] else "",
            "optional": "on" if item["optional"] else "",
            "sell_override": number_text(item["sell_override"]),
            "margin_override_pct": number_text(item["margin_override_pct"]),
        }
        self.options_errors = {}
        self.options_key += 1
        self.options_open = True
        return None

    @event
    def set_options_open(self, value: bool) -> None:
        self.options_open, self.options_errors = bool(value), {}

    @event
    def save_options(self, form: dict[str, Any]) -> EventSpec | None:
        item = self._items_read.get(self._options_target)
        target = parse_id(self._options_target)
        if item is None or target is None:
            self.options_open = False
            return rx.toast.error("That service is no longer on the itinerary.")
        values = {
            **item,
            "estimate": bool(form.get("estimate")),
            "optional": bool(form.get("optional")),
            # an empty box unlocks: naming the field is what changes a lock
            "sell_override": decimal_text(form.get("sell_override")),
            "margin_override_pct": decimal_text(form.get("margin_override_pct")),
        }
        self.options_form = {k: str(form.get(k, "") or "") for k in self.options_form}
        return self._submit(
            ItemIn,
            values,
            lambda session, ctx, itinerary_id, data: itineraries.update_item(
                session, ctx, itinerary_id=itinerary_id, item_id=target, data=data
            ),
            done=f"{self.options_title}: price options saved.",
            errors="options_errors",
            dialog="options_open",
        )

    # ---- freezing -------------------------------------------------------------------------------

    @event
    def set_freeze_open(self, value: bool) -> None:
        self.freeze_open = bool(value)

    @event
    def set_unfreeze_open(self, value: bool) -> None:
        self.unfreeze_open = bool(value)

    @event
    def freeze(self) -> EventSpec | None:
        read = self.row_version
        self.sheet_shown = True

        def work(session: Session, ctx: TenantContext, itinerary_id: uuid.UUID) -> Any:
            try:
                return itineraries.freeze(session, ctx, itinerary_id=itinerary_id, row_version=read)
            except ValidationFailedError as exc:  # said once; the sheet lists each item
                raise ValidationFailedError(
                    f"{exc.detail} See what could not be priced, under the sheet."
                ) from None

        return self._change(
            work, done="Frozen for a quote: nothing reprices this version.", dialog="freeze_open"
        )

    @event
    def unfreeze(self) -> EventSpec | None:
        read, next_version = self.row_version, self.version + 1
        return self._change(
            lambda session, ctx, itinerary_id: itineraries.unfreeze(
                session, ctx, itinerary_id=itinerary_id, row_version=read
            ),
            done=f"Unfrozen as version {next_version}; the frozen version is kept.",
            dialog="unfreeze_open",
        )

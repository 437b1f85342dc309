"""An itinerary's builder state: the trip's facts, its days in order with their services
(each with its price or why it has none), adding, removing and moving services and days, the
pricing sheet in its fixed columns, freezing a version for a quote and unfreezing it as the next
version, and what changed in the rates since it was frozen.

Every handler identifies the viewer again and calls the itinerary services in the viewer's
agency: an id from another agency is "not found"."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.clock import to_local
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.locale import country_name, currency_label, decimal_comma
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.documents import services as documents
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.models import ItemKind, ItineraryStatus
from travelcrm.itineraries.schemas import (
    DayIn,
    ItemIn,
    ItemPublic,
    ItineraryPublic,
    PricingSheet,
    RatesSinceFrozen,
    SheetLineOut,
    TotalsOut,
)
from travelcrm.rates import parsers
from travelcrm.rates.pricing import vehicles_needed
from travelcrm.suppliers import services as suppliers
from travelcrm.ui import routes
from travelcrm.ui.components.money import format_date, format_money, format_range
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.itineraries.content import item_content
from travelcrm.ui.pages.itineraries.text import (
    ITEM_FIELD_WORDS,
    MANUAL_KINDS,
    PAX_KINDS,
    ROOM_FIELDS,
    SERVICE_KIND_WORDS,
    SERVICE_KINDS,
    VEHICLE_KINDS,
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
DAY_MOVED = "Day moved; the dates follow the new order."
DAY_DRAG = "day:"  # what a dragged day carries, before its id (a service carries its id)
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
    option: str = ""  # "Option B of Hotel" when one of a day's alternatives
    optional: bool = False  # shown, not in the total
    detail: str = ""  # a stay's rooms ("1 double, 1 single"), or the people on it


@dataclass
class Choice:
    """One of a day's alternatives ("hotel A or B") beside the others."""

    item_id: str
    label: str  # "Option A"
    title: str
    price: str  # its gross in the sheet, or ""
    chosen: bool  # the one in the total


@dataclass
class ChoiceGroup:
    name: str  # the agent's name for the choice ("Hotel")
    chosen: str  # "Option A in the total: ₹18,000.00"
    options: list[Choice]


@dataclass
class DayRow:
    day_id: str
    label: str  # "Day 2"
    date: str  # in the agency's locale
    title: str
    overnight: str
    notes: str
    services: list[ItemRow]
    staying: list[str] = field(default_factory=list)  # "Night 2 of 3 · Sea Breeze Resort"
    choices: list[ChoiceGroup] = field(default_factory=list)
    first: bool = False
    last: bool = False
    drag_id: str = ""  # what dragging the day carries: "day:<its id>"


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
    name: str = ""
    supplier: str = ""
    place: str = ""  # "Goa, India"
    kind: str = ""  # in words
    from_price: str = ""  # "from ₹6,000.00" (its lowest published net), or ""


@dataclass
class DayChoice:
    day_id: str
    label: str  # "Day 2 · 6 Oct 2027"


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


def _line_of(sheet: PricingSheet | None, item_id: uuid.UUID) -> SheetLineOut | None:
    return next((x for x in sheet.lines if x.item_id == item_id), None) if sheet else None


def item_row(item: ItemPublic, sheet: PricingSheet | None, first: bool, last: bool) -> ItemRow:
    price, problem = "", ""
    if item.kind is not ItemKind.NOTE:
        line = _line_of(sheet, item.id)
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
        optional=item.optional,
        detail=item_detail(item),
    )


ROOM_WORDS = {"single": "single", "double": "double", "triple": "triple", "quad": "quad"}


def item_detail(item: ItemPublic) -> str:
    """What the service is for, in a few words: a stay's rooms, or how many people."""
    if item.kind is ItemKind.STAY:
        parts = [
            plural(entry.rooms, ROOM_WORDS[entry.occupancy.value])
            if entry.occupancy.value in ROOM_WORDS
            else plural(entry.rooms, "extra bed")
            for entry in item.rooms
        ]
        return ", ".join(parts)
    if item.pax:
        return plural(item.pax, "person", "people")
    return ""


def choice_groups(
    items: list[ItemPublic], rows: list[ItemRow], sheet: PricingSheet | None
) -> list[ChoiceGroup]:
    """A day's alternatives by group, in the day's order: the first of a group is the one in
    the total (as the sheet prices it), the others are shown beside it with their price."""
    groups: dict[str, list[tuple[ItemPublic, ItemRow]]] = {}
    names: dict[str, str] = {}
    for item, row in zip(items, rows, strict=True):
        if item.alternative_group and item.kind is not ItemKind.NOTE:
            key = item.alternative_group.strip().casefold()
            names.setdefault(key, item.alternative_group.strip())
            groups.setdefault(key, []).append((item, row))
    out = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        options = []
        for n, (item, row) in enumerate(members):
            label = f"Option {chr(ord('A') + n) if n < 26 else n + 1}"
            row.option = f"{label} of {names[key]}"
            options.append(Choice(row.item_id, label, item.title, row.price, n == 0))
        first = options[0]
        chosen = f"{first.label} in the total" + (f": {first.price}" if first.price else "")
        out.append(ChoiceGroup(names[key], chosen, options))
    return out


def day_rows(shown: ItineraryPublic, sheet: PricingSheet | None) -> list[DayRow]:
    rows = []
    staying: dict[int, list[str]] = {}
    for item in shown.items:  # a stay shows on every day it covers, not only its check-in day
        if item.kind is ItemKind.STAY and item.nights > 1:
            start = next((d.position for d in shown.days if d.id == item.day_id), 0)
            for night in range(2, item.nights + 1):
                staying.setdefault(start + night - 1, []).append(
                    f"Night {night} of {item.nights} · {item.title}"
                )
    for n, day in enumerate(shown.days):
        items = [item for item in shown.items if item.day_id == day.id]
        services = [
            item_row(item, sheet, i == 0, i == len(items) - 1) for i, item in enumerate(items)
        ]
        rows.append(
            DayRow(
                day_id=str(day.id),
                label=f"Day {day.position}",
                date=format_date(day.date),
                title=day.title,
                overnight=day.overnight or "",
                notes=day.notes or "",
                services=services,
                staying=staying.get(day.position, []),
                choices=choice_groups(items, services, sheet),
                first=n == 0,
                last=n == len(shown.days) - 1,
                drag_id=f"{DAY_DRAG}{day.id}",
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


ARROW = " → "


def vehicles_text(people: int, seats: int | None) -> str:
    """ "2 vehicles: 5 people, 4 seats each" (what pricing will count)."""
    count = vehicles_needed(people, seats)
    if not seats:
        return f"{plural(count, 'vehicle')} for {plural(people, 'person', 'people')}"
    return f"{plural(count, 'vehicle')}: {plural(people, 'person', 'people')}, {seats} seats each"


def edit_form_of(
    item: dict[str, Any], day_id: str, adults: int, child_ages: list[int]
) -> dict[str, str]:
    """A service's own fields as the edit dialog shows them (its rooms one box per kind of
    room, prefilled from the party's suggested rooms when it has none)."""
    title = str(item.get("title") or "")
    start, _, end = title.partition(ARROW)
    form = {
        "day_id": day_id,
        "was_day_id": day_id,
        "title": title,
        "from": start if end else "",
        "to": end,
        "nights": str(item.get("nights") or 1),
        "km": str(item.get("km") or ""),
        "hours": number_text(item.get("hours")),
        "pax": str(item.get("pax") or ""),
        "manual_net": number_text(item.get("manual_net")),
        "description": str(item.get("description") or ""),
        "optional": "on" if item.get("optional") else "",
        "alternative_group": str(item.get("alternative_group") or ""),
        "children_with_bed": str(item.get("children_with_bed") or 0),
        "party": travellers_text(adults, child_ages),
    }
    rooms = {name: 0 for name, _label in ROOM_FIELDS}
    for entry in item.get("rooms") or []:
        occupancy = str(entry.get("occupancy"))
        if occupancy in rooms:
            rooms[occupancy] += int(entry.get("rooms") or 0)
    if not any(rooms.values()) and item.get("kind") == ItemKind.STAY.value:
        for entry in itineraries.suggest_rooms(adults, child_ages):  # the services' rule
            if entry.occupancy.value in rooms:
                rooms[entry.occupancy.value] += entry.rooms
    form.update({name: str(count) for name, count in rooms.items()})
    return form


def _count(text: str, most: int) -> int | None:
    text = text.strip()
    if not text:
        return 0
    return int(text) if text.isdigit() and int(text) <= most else None


def edit_values(
    item: dict[str, Any], form: dict[str, Any], currency: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The edit dialog's form as the item's new values (the rest as they were), with the
    problems the form itself can see, each at its field."""
    kind = str(item["kind"])
    text = {k: str(v or "").strip() for k, v in form.items()}
    values: dict[str, Any] = {
        **item,
        "title": text.get("title") or None,
        "description": text.get("description") or None,
        "optional": bool(form.get("optional")),
        "alternative_group": text.get("alternative_group") or None,
    }
    errors: dict[str, str] = {}
    if kind == ItemKind.STAY.value:
        values["nights"] = text.get("nights") or None
        rooms = []
        for name, _label in ROOM_FIELDS:
            count = _count(text.get(name, ""), 100)
            if count is None:
                errors[name] = "Write a number from 0 to 100."
            elif count:
                rooms.append({"occupancy": name, "rooms": count})
        if not rooms and not errors:
            errors["double"] = "A stay needs at least one room."
        values["rooms"] = rooms
        values["children_with_bed"] = text.get("children_with_bed") or 0
    if kind in VEHICLE_KINDS:
        start, end = text.get("from", ""), text.get("to", "")
        if start and not end:
            errors["to"] = "Say where it goes to."
        elif end and not start:
            errors["from"] = "Say where it starts."
        elif start and end:
            values["title"] = f"{start}{ARROW}{end}"
        values["km"] = text.get("km") or None
        values["hours"] = decimal_text(text.get("hours")) if kind == "transport" else None
    if kind in PAX_KINDS:
        values["pax"] = text.get("pax") or None
    if kind in MANUAL_KINDS:
        values["manual_net"] = decimal_text(text.get("manual_net"))
        values["manual_currency"] = currency or None
    return values, errors


def edit_messages(messages: dict[str, str]) -> dict[str, str]:
    """The services' field names as the dialog's fields."""
    out = dict(messages)
    if "manual_currency" in out:
        out.setdefault("manual_net", out.pop("manual_currency"))
    if "rooms" in out:
        out.setdefault("double", out.pop("rooms"))
    for name in list(out):
        if name.startswith("rooms"):
            out.setdefault("double", out.pop(name))
    if "service_id" in out:
        out.setdefault("title", out.pop("service_id"))
    if "description" in out and "title" not in out:
        out["title"] = out.pop("description")
    return out


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
    service_query: str = ""  # "Find a service": its name or supplier's
    service_place: str = ""  # ... and where
    item_service: str = ""  # the one picked (its label)
    _service_ids: dict[str, str] = {}
    # "Edit service": its own fields by kind
    edit_open: bool = False
    edit_key: int = 0
    edit_title: str = ""
    edit_kind: str = ""
    edit_form: dict[str, str] = {}
    edit_errors: dict[str, str] = {}
    edit_days: list[DayChoice] = []
    edit_currency: str = ""
    edit_vehicles: str = ""  # "2 vehicles: 5 people, 4 seats each"
    _edit_target: str = ""
    _party: int = 0
    _adults: int = 0
    _child_ages: list[int] = []
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
        messages = field_messages(exc)
        return {name: ITEM_FIELD_WORDS.get(name, text) for name, text in messages.items()}

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
        self._party = shown.adults + len(shown.child_ages)
        self._adults, self._child_ages = shown.adults, list(shown.child_ages)
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
        self.edit_open = False
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
        self.item_day_id, self.item_day_label = day.day_id, f"{day.label}, {day.date}"
        self.item_kind, self.item_errors = ItemKind.STAY.value, {}
        self.service_query = self.service_place = self.item_service = ""
        self.item_currency = self.item_currency or self.currency
        failed = self._search()
        if failed is not None:
            return failed
        self.item_key += 1
        self.item_open = True
        return None

    def _search(self) -> EventSpec | None:
        """The services of the kind asked for, on sale in a published rate list, matching
        what is typed (name or supplier, and place): a page of them, never the catalogue."""
        kinds = SERVICE_KINDS.get(self.item_kind, ())
        if not kinds:
            self.service_options, self._service_ids = [], {}
            return None
        q, place = self.service_query, self.service_place
        found, failed = self._run(
            lambda session, ctx: suppliers.search_services(
                session,
                ctx,
                q=q,
                destination=place,
                kinds=kinds,
                on_sale_from=itineraries.pricing_day(session, ctx),
                limit=SERVICE_LIMIT,
            ),
            may=Action.ITINERARIES_EDIT,
        )
        if found is None:
            return failed
        self.service_options = [
            ServiceOption(
                label=service_label(s.name, s.supplier_name),
                name=s.name,
                supplier=s.supplier_name,
                place=", ".join(x for x in (s.city, country_name(s.country)) if x),
                kind=SERVICE_KIND_WORDS.get(s.kind.value, ""),
                from_price=(
                    f"from {format_money(s.from_net, s.from_currency)}"
                    if s.from_net is not None and s.from_currency
                    else ""
                ),
            )
            for s in found
        ]
        self._service_ids = {
            o.label: str(s.id) for o, s in zip(self.service_options, found, strict=True)
        }
        return None

    @event
    def search_services(self, text: str) -> EventSpec | None:
        self.service_query = str(text or "")[:100]
        return self._search()

    @event
    def search_place(self, text: str) -> EventSpec | None:
        self.service_place = str(text or "")[:100]
        return self._search()

    @event
    def pick_service(self, label: str) -> None:
        self._pick(label)

    def _pick(self, label: str) -> None:
        if label in self._service_ids:
            self.item_service = label
            self.item_errors = {k: v for k, v in self.item_errors.items() if k != "service"}

    @event
    def set_item_open(self, value: bool) -> None:
        self.item_open, self.item_errors = bool(value), {}

    @event
    def set_item_kind(self, value: str) -> EventSpec | None:
        self.item_kind = value if value in {k.value for k in ItemKind} else ItemKind.OTHER.value
        self.item_errors = {}
        self.item_service = ""
        return self._search()

    @event
    def set_item_currency(self, value: str) -> None:
        self.item_currency = str(value)[:3].upper()

    @event
    def add_item(self, form: dict[str, Any]) -> EventSpec | None:
        self.item_errors = {}
        label = str(form.get("service", "") or self.item_service or "").strip()
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
    def download_pdf(self) -> Any:
        """The frozen version's branded PDF, as a file."""
        version = self.version
        found, problem = self._on_record(
            lambda session, ctx, itinerary_id: documents.itinerary_pdf(
                session, ctx, itinerary_id=itinerary_id, version=version
            )
        )
        if found is None:
            return problem
        return rx.download(data=found.content, filename=found.filename)

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

    # ---- editing a service ----------------------------------------------------------------------

    @event
    def open_edit(self, item_id: str) -> EventSpec | None:
        item = self._items_read.get(item_id)
        day = next((d for d in self.days if any(i.item_id == item_id for i in d.services)), None)
        if item is None or day is None:
            return rx.toast.error("That service is no longer on the itinerary.")
        kind = str(item["kind"])
        self._edit_target, self.edit_kind = item_id, kind
        self.edit_title = f"{kind_words(kind)}: {item['title']}"
        self.edit_days = [DayChoice(d.day_id, f"{d.label} · {d.date}") for d in self.days]
        self.edit_form = edit_form_of(item, day.day_id, self._adults, self._child_ages)
        self.edit_currency = str(item.get("manual_currency") or self.currency)
        self.edit_vehicles = ""
        if kind in VEHICLE_KINDS and item.get("service_id"):
            service_id = uuid.UUID(str(item["service_id"]))
            facts, _failed = self._run(
                lambda session, ctx: suppliers.describe_services(
                    session, ctx, service_ids=[service_id]
                )
            )
            seats = facts[service_id].max_occupancy if facts and service_id in facts else None
            self.edit_vehicles = vehicles_text(int(item.get("pax") or self._party), seats)
        self.edit_errors = {}
        self.edit_key += 1
        self.edit_open = True
        return None

    @event
    def set_edit_open(self, value: bool) -> None:
        self.edit_open, self.edit_errors = bool(value), {}

    @event
    def set_edit_currency(self, value: str) -> None:
        self.edit_currency = str(value)[:3].upper()

    @event
    def save_edit(self, form: dict[str, Any]) -> EventSpec | None:
        item = self._items_read.get(self._edit_target)
        target = parse_id(self._edit_target)
        if item is None or target is None:
            self.edit_open = False
            return rx.toast.error("That service is no longer on the itinerary.")
        kept = {k: self.edit_form.get(k, "") for k in ("was_day_id", "party")}
        self.edit_form = {
            **{k: str(form.get(k, "") or "") for k in {*self.edit_form, *form}},
            **kept,  # not posted: what the dialog opened with
        }
        values, errors = edit_values(item, form, self.edit_currency)
        day_id = parse_id(str(form.get("day_id", "") or ""))
        if day_id is None or self._day(str(day_id)) is None:
            errors["day_id"] = "Pick one of the itinerary's days."
        try:
            data = ItemIn.model_validate(values)
        except ValidationError as exc:
            errors = {**edit_messages(self._messages(exc)), **errors}
        if errors:
            self.edit_errors = errors
            return rx.toast.error("Some fields need attention.")
        assert day_id is not None
        moved = str(day_id) != self.edit_form.get("was_day_id", "")
        target_day = self._day(str(day_id))
        at_end = len(target_day.services) + 1 if target_day else 1

        def work(session: Session, ctx: TenantContext, itinerary_id: uuid.UUID) -> None:
            itineraries.update_item(
                session, ctx, itinerary_id=itinerary_id, item_id=target, data=data
            )
            if moved:  # the same transaction: both saved or neither
                itineraries.move_item(
                    session,
                    ctx,
                    itinerary_id=itinerary_id,
                    item_id=target,
                    day_id=day_id,
                    position=at_end,
                )

        self.edit_errors = {}
        result = self._change(
            work,
            done=f"{self.edit_title.split(': ', 1)[-1]} saved.",
            errors="edit_errors",
            dialog="edit_open",
        )
        if self.edit_errors:
            self.edit_errors = edit_messages(self.edit_errors)
        return result

    # ---- dragging days and services -------------------------------------------------------------

    def _day_of(self, item_id: str) -> DayRow | None:
        return next((d for d in self.days if any(i.item_id == item_id for i in d.services)), None)

    def _move_day(self, day_id: str, position: int, done: str) -> EventSpec | None:
        if self._day(day_id) is None:
            return rx.toast.error(NOT_LISTED)
        return self._change_row(
            day_id,
            lambda session, ctx, itinerary_id, target: itineraries.move_day(
                session, ctx, itinerary_id=itinerary_id, day_id=target, position=position
            ),
            done=done,
            missing=NOT_LISTED,
        )

    def _day_step(self, day_id: str, step: int) -> EventSpec | None:
        at = next((n for n, d in enumerate(self.days) if d.day_id == day_id), None)
        if at is None:
            return rx.toast.error(NOT_LISTED)
        to = at + step
        if not 0 <= to < len(self.days):
            return None
        return self._move_day(day_id, to + 1, DAY_MOVED)

    @event
    def move_day_up(self, day_id: str) -> EventSpec | None:
        return self._day_step(day_id, -1)

    @event
    def move_day_down(self, day_id: str) -> EventSpec | None:
        return self._day_step(day_id, 1)

    def _item_to(self, item_id: str, day: DayRow, position: int) -> EventSpec | None:
        if self._item(item_id) is None:
            return rx.toast.error(NOT_LISTED)
        target_day = parse_id(day.day_id)
        return self._change_row(
            item_id,
            lambda session, ctx, itinerary_id, target: itineraries.move_item(
                session,
                ctx,
                itinerary_id=itinerary_id,
                item_id=target,
                day_id=target_day,
                position=position,
            ),
            done=f"Moved to {day.label}.",
            missing=NOT_LISTED,
        )

    @event
    def drop_on_day(self, day_id: str, dragged: str) -> EventSpec | None:
        return self._drop_on_day(day_id, dragged)

    def _drop_on_day(self, day_id: str, dragged: str) -> EventSpec | None:
        """Something dropped on a day: a day takes its place (the dates follow), a service
        goes to the end of that day."""
        day = self._day(day_id)
        if day is None:
            return rx.toast.error(NOT_LISTED)
        dragged = str(dragged or "")
        if dragged.startswith(DAY_DRAG):
            moving = dragged.removeprefix(DAY_DRAG)
            if moving == day_id:
                return None
            return self._move_day(moving, self.days.index(day) + 1, DAY_MOVED)
        if self._day_of(dragged) is day:
            return self._item_to(dragged, day, len(day.services))
        return self._item_to(dragged, day, len(day.services) + 1)

    @event
    def drop_on_item(self, item_id: str, dragged: str) -> EventSpec | None:
        """A service dropped on another: it takes that one's place (on that one's day)."""
        day = self._day_of(item_id)
        if day is None:
            return rx.toast.error(NOT_LISTED)
        dragged = str(dragged or "")
        if dragged.startswith(DAY_DRAG):
            return self._drop_on_day(day.day_id, dragged)
        if dragged == item_id:
            return None
        at = next(n for n, i in enumerate(day.services) if i.item_id == item_id)
        return self._item_to(dragged, day, at + 1)

    @event
    def choose_option(self, item_id: str) -> EventSpec | None:
        """One of a day's alternatives becomes the one in the total (first of its group)."""
        day = self._day_of(item_id)
        group = (
            next((g for g in day.choices if any(o.item_id == item_id for o in g.options)), None)
            if day
            else None
        )
        if day is None or group is None:
            return rx.toast.error(NOT_LISTED)
        first = group.options[0].item_id
        if first == item_id:
            return None
        at = next(n for n, i in enumerate(day.services) if i.item_id == first)
        title = next(o.title for o in group.options if o.item_id == item_id)
        return self._change_row(
            item_id,
            lambda session, ctx, itinerary_id, target: itineraries.move_item(
                session, ctx, itinerary_id=itinerary_id, item_id=target, position=at + 1
            ),
            done=f"{title} is now the one in the total.",
            missing=NOT_LISTED,
        )

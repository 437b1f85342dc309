"""A frozen itinerary as a proposal: its snapshot (days, services, the pricing sheet frozen with
it) and the agency's branding. Only what the customer reads: sell prices (gross) and taxes,
never nets, markups or margins."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from travelcrm.core.clock import to_local
from travelcrm.core.errors import DomainError
from travelcrm.core.locale import DASH, date_text
from travelcrm.core.money import round_money
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.documents.proposal import (
    Branding,
    Day,
    DocumentKind,
    PerPerson,
    Picture,
    PriceGroup,
    PriceLine,
    PriceStyle,
    Proposal,
    Service,
    TaxLine,
    Travellers,
)
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import SnapshotPublic
from travelcrm.tenants import services as tenants

KIND_WORDS = {
    "stay": "Stay",
    "transfer": "Transfer",
    "transport": "Transport",
    "activity": "Activity",
    "guide": "Guide",
    "meal": "Meal",
    "flight": "Flight",
    "other": "Service",
    "note": "Note",
}
ROOM_WORDS = {
    "single": ("single room", "single rooms"),
    "double": ("double room", "double rooms"),
    "triple": ("triple room", "triple rooms"),
    "quad": ("quad room", "quad rooms"),
}


def branding(session: Session, ctx: TenantContext) -> Branding:
    """The caller's agency as its documents show it: name, colour, logo, locale, timezone."""
    tenant = tenants.own_tenant(session, ctx)
    logo = tenants.logo_of(session)
    return Branding(
        name=tenant.name,
        primary_color=tenant.primary_color,
        logo=Picture(logo.content, tenant.name) if logo is not None else None,
        locale=tenant.locale,
        timezone=tenant.timezone,
        legal_name=tenant.legal_name,
        address=tenant.address,
        tax_id=tenant.tax_id,
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _detail(item: dict[str, Any]) -> str:
    """ "3 nights, 1 double room" for a stay; "2 days" of transport; nothing else."""
    kind, nights = item.get("kind"), int(item.get("nights") or 1)
    if kind == "stay":
        parts = [_plural(nights, "night", "nights")]
        for entry in item.get("rooms") or []:
            words = ROOM_WORDS.get(str(entry.get("occupancy")))
            if words:
                parts.append(_plural(int(entry.get("rooms") or 1), *words))
        return ", ".join(parts)
    if kind == "transport" and nights > 1:
        return _plural(nights, "day", "days")
    return ""


def _customer_name(session: Session, ctx: TenantContext, customer_id: Any) -> str:
    if not customer_id:
        return ""
    try:
        found = customers.get_customer(session, ctx, customer_id=uuid.UUID(str(customer_id)))
    except (DomainError, ValueError):  # a role that may not see customers: no name on it
        return ""
    return found.name


def proposal_of(snapshot: SnapshotPublic, brand: Branding, *, prepared_for: str = "") -> Proposal:
    """The proposal of a frozen version: days and services from its itinerary, the price
    summary from the pricing sheet frozen with it (lines by day, taxes by rule, per person)."""
    payload: dict[str, Any] = snapshot.payload
    trip: dict[str, Any] = payload["itinerary"]
    sheet: dict[str, Any] = payload["sheet"]
    currency = str(sheet["currency"])
    items_by_day: dict[str, list[dict[str, Any]]] = {}
    for item in trip.get("items", []):
        items_by_day.setdefault(str(item["day_id"]), []).append(item)
    days = tuple(
        Day(
            number=int(day["position"]),
            date=date.fromisoformat(day["date"]),
            title=day.get("title") or "",
            description=day.get("notes") or "",
            overnight=day.get("overnight") or "",
            services=tuple(
                Service(
                    kind=KIND_WORDS.get(str(item["kind"]), "Service"),
                    # a note is its text: "Note" as its title too would say it twice
                    title="" if item["kind"] == "note" else item["title"],
                    description=item.get("description") or "",
                    detail=_detail(item),
                    optional=bool(item.get("optional")),
                )
                for item in items_by_day.get(str(day["id"]), [])
            ),
        )
        for day in trip.get("days", [])
    )
    titles = {day.number: day.title for day in days}
    details = {str(item["id"]): _detail(item) for item in trip.get("items", [])}
    counted: dict[int | None, list[PriceLine]] = {}
    optional: list[PriceLine] = []
    for line in sheet["lines"]:
        day_number = line.get("day")
        entry = PriceLine(
            label=line["title"],
            amount=Decimal(str(line["gross"])),
            detail=details.get(str(line["item_id"]), ""),
        )
        if line.get("optional"):
            where = f"Day {day_number}" if day_number else ""
            optional.append(PriceLine(entry.label, entry.amount, where))
        else:
            counted.setdefault(day_number, []).append(entry)
    by_day: dict[str, Any] = sheet.get("by_day", {})
    groups = tuple(
        PriceGroup(
            title=(
                f"Day {number}" + (f" {DASH} {titles[number]}" if titles.get(number) else "")
                if number is not None
                else "Whole trip"
            ),
            lines=tuple(lines),
            total=Decimal(str(by_day[str(number)]["gross"])) if str(number) in by_day else None,
        )
        for number, lines in sorted(counted.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
    )
    subtotal = Decimal(str(sheet["total"]["gross"]))
    total = Decimal(str(sheet["total_with_taxes"]))
    paying = int(sheet.get("paying_pax") or 1)
    taxes = tuple(
        TaxLine(
            name=tax["name"],
            amount=Decimal(str(tax["amount"])),
            rate_pct=Decimal(str(tax["rate_pct"])) if tax.get("rate_pct") is not None else None,
        )
        for tax in sheet.get("taxes", [])
    )
    per_person = [
        PerPerson(
            f"Per person ({_plural(paying, 'paying traveller', 'paying travellers')})",
            round_money(total / paying, currency),
        )
    ]
    if taxes:
        per_person.append(PerPerson("Per person, before taxes", Decimal(str(sheet["per_person"]))))
    twin = Decimal(str(sheet.get("twin_share_per_person", sheet["per_person"])))
    if twin != Decimal(str(sheet["per_person"])):
        per_person.append(PerPerson("Per person sharing a twin room, before taxes", twin))
    free = int(sheet.get("free_places") or 0)
    notes = (
        (f"Includes {_plural(free, 'free place', 'free places')} for the group.",) if free else ()
    )
    included = tuple(
        f"{KIND_WORDS.get(str(i['kind']), 'Service')}: {i['title']}"
        for i in trip.get("items", [])
        if not i.get("optional") and i.get("kind") != "note"
    )
    excluded = tuple(f"{line.label} (optional, priced separately)" for line in optional)
    frozen_on = date_text(to_local(snapshot.frozen_at, brand.timezone).date(), locale=brand.locale)
    return Proposal(
        kind=DocumentKind.ITINERARY,
        brand=brand,
        title=trip["title"],
        reference=trip["reference"],
        version=snapshot.version,
        currency=currency,
        start=date.fromisoformat(trip["start_date"]),
        end=date.fromisoformat(trip["end_date"]),
        travellers=Travellers(
            adults=int(trip.get("adults") or 0),
            child_ages=tuple(int(age) for age in trip.get("child_ages") or ()),
        ),
        days=days,
        subtotal=subtotal,
        total=total,
        price_style=PriceStyle.BY_DAY,
        price_groups=groups,
        optional_lines=tuple(optional),
        taxes=taxes,
        per_person=tuple(per_person),
        inclusions=included,
        exclusions=excluded,
        terms=(
            f"The prices are those of version {snapshot.version}, frozen on {frozen_on}, "
            "and do not change with later rates. Services are subject to availability "
            "when booked.",
        ),
        destination=trip.get("destination") or "",
        prepared_for=prepared_for,
        prepared_at=snapshot.frozen_at,
        checksum=snapshot.checksum,
        notes=notes,
    )


def itinerary_proposal(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, version: int | None = None
) -> tuple[Proposal, SnapshotPublic]:
    """The proposal of a frozen version (the latest unless `version`); "not found" for a
    version never frozen or another agency's itinerary."""
    snapshot = itineraries.snapshot(session, ctx, itinerary_id=itinerary_id, version=version)
    trip: dict[str, Any] = snapshot.payload["itinerary"]  # type: ignore[assignment]
    name = _customer_name(session, ctx, trip.get("customer_id"))
    return proposal_of(snapshot, branding(session, ctx), prepared_for=name), snapshot

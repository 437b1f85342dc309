"""Itineraries: build a trip day by day from a query, a past trip or nothing; price every
item from the agency's published rates (`rates.pricing.quote_price`), put the figures in the
pricing sheet's fixed columns (`maths`), flag what does not fit, and freeze a version for a
quote with a checksum, after which nothing reprices it silently."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from pydantic import ValidationError
from sqlalchemy import JSON, Text, bindparam, cast, func, insert, literal, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from travelcrm.core.clock import today, utcnow
from travelcrm.core.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.permissions import Action, require
from travelcrm.core.sequences import next_number
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.versions import advance_version
from travelcrm.db import scoped_connection, scoped_rows
from travelcrm.itineraries import maths
from travelcrm.itineraries.models import FxRate as FxRateRow
from travelcrm.itineraries.models import (
    ItemKind,
    Itinerary,
    ItineraryDay,
    ItineraryItem,
    ItinerarySnapshot,
    ItineraryStatus,
    MarkupRuleRow,
    PricingSettings,
    TaxRuleRow,
)
from travelcrm.itineraries.pricing_data import as_maths_rule
from travelcrm.itineraries.schemas import (
    Conflict,
    CopyIn,
    DayIn,
    DayPublic,
    FxRisk,
    ItemIn,
    ItemPublic,
    ItineraryCreate,
    ItineraryPublic,
    ItineraryUpdate,
    LastTotal,
    LineChange,
    Party,
    PricingSheet,
    RatesSinceFrozen,
    RoomsIn,
    SheetLineOut,
    SnapshotPublic,
    TaxLineOut,
    TotalsOut,
    Unpriced,
)
from travelcrm.queries import services as queries
from travelcrm.rates import pricing
from travelcrm.rates.models import Occupancy
from travelcrm.rates.schemas import PriceQuery
from travelcrm.suppliers import services as suppliers
from travelcrm.tenants.services import agency_timezone, own_tenant

SERIES = "itinerary"
MAX_DAYS = 120
OCCUPANTS = {
    Occupancy.SINGLE.value: 1,
    Occupancy.DOUBLE.value: 2,
    Occupancy.TRIPLE.value: 3,
    Occupancy.QUAD.value: 4,
}
_OCCUPANCY = {occupancy.value: occupancy for occupancy in Occupancy}
_WORDS = {
    ItemKind.STAY.value: "Stay",
    ItemKind.TRANSFER.value: "Transfer",
    ItemKind.TRANSPORT.value: "Transport",
    ItemKind.ACTIVITY.value: "Activity",
    ItemKind.GUIDE.value: "Guide",
    ItemKind.MEAL.value: "Meal",
    ItemKind.FLIGHT.value: "Flight",
    ItemKind.OTHER.value: "Other",
    ItemKind.NOTE.value: "Note",
}


def reference(number: int) -> str:
    return f"IT-{number}"


# ---- rooming -------------------------------------------------------------------------------------


def suggest_rooms(adults: int, child_ages: Sequence[int] = ()) -> list[RoomsIn]:
    """A room mix for the party: adults two to a double, an odd one in a single; children
    sleep in their parents' rooms (on extra beds when they need a bed)."""
    del child_ages  # children share: extra beds are priced from `children_with_bed`
    rooms: list[RoomsIn] = []
    if adults >= 2:
        rooms.append(RoomsIn(occupancy=Occupancy.DOUBLE, rooms=adults // 2))
    if adults % 2:
        rooms.append(RoomsIn(occupancy=Occupancy.SINGLE, rooms=1))
    return rooms


def beds_of(rooms: Iterable[RoomsIn | dict[str, Any]]) -> int:
    total = 0
    for entry in rooms:
        data = entry if isinstance(entry, dict) else entry.model_dump(mode="json")
        total += OCCUPANTS.get(str(data["occupancy"]), 0) * int(data["rooms"])
    return total


# ---- reading -------------------------------------------------------------------------------------


def _itinerary(session: Session, itinerary_id: uuid.UUID) -> Itinerary:
    found = session.exec(select(Itinerary).where(col(Itinerary.id) == itinerary_id)).first()
    if found is None:
        raise NotFoundError("Itinerary not found.")
    return found


def get_itinerary(session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID) -> Itinerary:
    require(ctx, Action.ITINERARIES_VIEW)
    return _itinerary(session, itinerary_id)


def _days(session: Session, itinerary_id: uuid.UUID) -> list[ItineraryDay]:
    return list(
        session.exec(
            select(ItineraryDay)
            .where(col(ItineraryDay.itinerary_id) == itinerary_id)
            .order_by(col(ItineraryDay.position))
        ).all()
    )


def _items(
    session: Session, itinerary_id: uuid.UUID, *, with_prices: bool = True
) -> list[ItineraryItem]:
    """The items; `with_prices=False` leaves each item's kept price unread (pricing writes a
    new one and never needs the old: it is the largest column)."""
    statement = (
        select(ItineraryItem)
        .where(col(ItineraryItem.itinerary_id) == itinerary_id)
        .order_by(col(ItineraryItem.position))
    )
    if not with_prices:
        statement = statement.options(defer(ItineraryItem.price))  # type: ignore[arg-type]
    return list(session.exec(statement).all())


_ITEMS = ItineraryItem.__table__  # type: ignore[attr-defined]
# what pricing reads of an item: no kept price, no description, nothing every row repeats
_PRICED_COLUMNS = [
    c
    for c in _ITEMS.c
    if c.name not in ("price", "problem", "priced_at", "description", "tenant_id", "itinerary_id")
]
_DAYS = ItineraryDay.__table__  # type: ignore[attr-defined]
_SHOWN_COLUMNS = [c for c in _ITEMS.c if c.name not in ("price", "priced_at")]


# What pricing reads, as statements built once (their compiled form is cached, as the price
# lookup's are) and run on the unit of work's connection, each binding the agency itself (on
# PostgreSQL RLS backs it up): building and filtering a statement per call cost more than the
# queries.
_TENANT: Any = bindparam("tenant_id")
_ITINERARY: Any = bindparam("itinerary_id")
_READ_DAYS = (
    sa_select(_DAYS.c.id, _DAYS.c.position)
    .where(_DAYS.c.tenant_id == _TENANT, _DAYS.c.itinerary_id == _ITINERARY)
    .order_by(_DAYS.c.position)
)
_READ_ITEMS = sa_select(*_PRICED_COLUMNS).where(
    _ITEMS.c.tenant_id == _TENANT, _ITEMS.c.itinerary_id == _ITINERARY
)
_SETTINGS = PricingSettings.__table__  # type: ignore[attr-defined]
_READ_SETTINGS = (
    sa_select(
        _SETTINGS.c.markup_policy,
        _SETTINGS.c.rounding_step,
        _SETTINGS.c.rounding_level,
        _SETTINGS.c.rounding_direction,
    )
    .where(_SETTINGS.c.tenant_id == _TENANT)
    .limit(1)
)


# an agency that never changed its pricing settings prices by the defaults
_DEFAULT_SETTINGS = SimpleNamespace(
    **{
        column.name: PricingSettings.model_fields[column.name].default
        for column in _READ_SETTINGS.selected_columns
    }
)


def _read(session: Session, statement: Any, **params: Any) -> list[Any]:
    """Plain rows of one of the statements above, for the unit of work's agency."""
    connection, tenant_id = scoped_connection(session)
    return list(connection.execute(statement, {"tenant_id": tenant_id, **params}).all())


_SHOW_DAYS = (
    sa_select(_DAYS)
    .where(_DAYS.c.tenant_id == _TENANT, _DAYS.c.itinerary_id == _ITINERARY)
    .order_by(_DAYS.c.position)
)
_SHOW_ITEMS = sa_select(*_SHOWN_COLUMNS).where(
    _ITEMS.c.tenant_id == _TENANT, _ITEMS.c.itinerary_id == _ITINERARY
)


def _day_rows(session: Session, itinerary_id: uuid.UUID) -> list[Any]:
    """The days' ids and positions as plain rows, in order: what pricing reads of them."""
    return _read(session, _READ_DAYS, itinerary_id=itinerary_id)


def _item_rows(session: Session, itinerary_id: uuid.UUID) -> list[Any]:
    """The items as plain rows (no ORM objects, no kept prices): what pricing reads."""
    return _read(session, _READ_ITEMS, itinerary_id=itinerary_id)


def _keep_prices(
    session: Session, itinerary: Itinerary, writes: list[dict[str, Any]], now: datetime
) -> None:
    """Each item's new price (or why it has none), in one statement for all of them."""
    statement = (
        update(_ITEMS)
        .where(
            _ITEMS.c.tenant_id == itinerary.tenant_id,
            _ITEMS.c.id == bindparam("row_id"),
        )
        .values(price=bindparam("price"), problem=bindparam("problem"), priced_at=now)
    )
    session.connection().execute(statement, writes)
    for row in list(session.identity_map.values()):
        if isinstance(row, ItineraryItem):
            session.expire(row)  # loaded before: read the new price when asked


def _day_date(itinerary: Itinerary, day: ItineraryDay) -> date:
    return itinerary.start_date + timedelta(days=day.position - 1)


def to_public(session: Session, itinerary: Itinerary, *, full: bool = True) -> ItineraryPublic:
    """The itinerary as shown, its days and items read as plain rows (no ORM objects; the
    items' kept prices, the largest column and not shown here, left unread)."""
    days: list[Any] = []
    items: list[Any] = []
    if full:
        session.flush()  # plain rows: what this unit of work added or changed is written first
        days = _read(session, _SHOW_DAYS, itinerary_id=itinerary.id)
        items = _read(session, _SHOW_ITEMS, itinerary_id=itinerary.id)
    order = {day.id: day.position for day in days}
    items.sort(key=lambda item: (order.get(item.day_id, 0), item.position))
    count = len(days) or 1
    return ItineraryPublic(
        id=itinerary.id,
        number=itinerary.number,
        reference=reference(itinerary.number),
        version=itinerary.version,
        status=ItineraryStatus(itinerary.status),
        title=itinerary.title,
        query_id=itinerary.query_id,
        customer_id=itinerary.customer_id,
        copied_from_id=itinerary.copied_from_id,
        is_primary=itinerary.is_primary,
        start_date=itinerary.start_date,
        end_date=itinerary.start_date + timedelta(days=count - 1),
        adults=itinerary.adults,
        child_ages=list(itinerary.child_ages),
        children_with_bed=itinerary.children_with_bed,
        free_place_every=itinerary.free_place_every,
        market=itinerary.market,
        destination=itinerary.destination,
        sell_currency=itinerary.sell_currency,
        fx_buffer_pct=itinerary.fx_buffer_pct,
        commission_pct=itinerary.commission_pct,
        commission_mode=maths.CommissionMode(itinerary.commission_mode),
        gst_scheme=maths.GstScheme(itinerary.gst_scheme),
        customer_in_state=itinerary.customer_in_state,
        overseas=itinerary.overseas,
        budget=itinerary.budget,
        budget_currency=itinerary.budget_currency,
        notes=itinerary.notes,
        checksum=itinerary.checksum,
        frozen_at=itinerary.frozen_at,
        row_version=itinerary.row_version,
        created_at=itinerary.created_at,
        days=[
            DayPublic(
                id=day.id,
                position=day.position,
                date=_day_date(itinerary, day),
                title=day.title,
                notes=day.notes,
                overnight=day.overnight,
            )
            for day in days
        ],
        items=[_item_public(item) for item in items],
    )


def _item_public(item: ItineraryItem) -> ItemPublic:
    return ItemPublic(
        id=item.id,
        day_id=item.day_id,
        position=item.position,
        kind=ItemKind(item.kind),
        title=item.title,
        service_id=item.service_id,
        description=item.description,
        nights=item.nights,
        rooms=[RoomsIn.model_validate(entry) for entry in item.rooms],
        children_with_bed=item.children_with_bed,
        pax=item.pax,
        basis=item.basis,
        km=item.km,
        hours=item.hours,
        transfers=item.transfers,
        supplements=list(item.supplements),
        manual_net=item.manual_net,
        manual_currency=item.manual_currency,
        estimate=item.estimate,
        sell_override=item.sell_override,
        margin_override_pct=item.margin_override_pct,
        optional=item.optional,
        alternative_group=item.alternative_group,
        problem=item.problem,
    )


def list_itineraries(
    session: Session, ctx: TenantContext, *, query_id: uuid.UUID | None = None, limit: int = 50
) -> list[Itinerary]:
    require(ctx, Action.ITINERARIES_VIEW)
    statement = select(Itinerary).order_by(col(Itinerary.created_at).desc()).limit(limit)
    if query_id is not None:
        statement = statement.where(col(Itinerary.query_id) == query_id)
    return list(session.exec(statement).all())


def day_counts(session: Session, itinerary_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many days each itinerary has (for lists showing their dates), in one query."""
    if not itinerary_ids:
        return {}
    rows = session.exec(
        select(col(ItineraryDay.itinerary_id), func.count())
        .where(col(ItineraryDay.itinerary_id).in_(list(itinerary_ids)))
        .group_by(col(ItineraryDay.itinerary_id))
    ).all()
    return {itinerary_id: int(count) for itinerary_id, count in rows}


# ---- creating ------------------------------------------------------------------------------------


def pricing_settings(session: Session, ctx: TenantContext) -> PricingSettings:
    """The agency's pricing settings (defaults until it changes them)."""
    found = session.exec(select(PricingSettings)).first()
    return found or PricingSettings(tenant_id=ctx.tenant_id)


def _agency_currency(session: Session, ctx: TenantContext) -> str:
    return own_tenant(session, ctx).default_currency


def create_itinerary(session: Session, ctx: TenantContext, *, data: ItineraryCreate) -> Itinerary:
    """A new draft: from a query (travellers, dates, budget, destination and customer carried
    over; the first of a query is the one to quote) or blank with a start date."""
    require(ctx, Action.ITINERARIES_EDIT)
    settings = pricing_settings(session, ctx)
    start = data.start_date
    days = data.days
    party = data.party
    title = data.title
    destination = data.destination
    query = None
    if data.query_id is not None:
        # held: two itineraries made at once for one query cannot both be its first
        query = queries.hold_query(session, ctx, query_id=data.query_id)
        start = start or query.start_date
        if days is None and query.nights:
            days = query.nights + 1
        if days is None and query.start_date and query.end_date:
            days = (query.end_date - query.start_date).days + 1
        if party is None:
            party = Party(adults=query.adults, child_ages=list(query.child_ages))
        title = title or query.title
        destination = destination or (query.destinations[0] if query.destinations else None)
    problems: list[FieldError] = []
    if start is None:
        problems.append(FieldError("start_date", "Give the first day of the trip.", "required"))
    if not title:
        problems.append(FieldError("title", "Give the trip a name.", "required"))
    if problems:
        raise ValidationFailedError("The itinerary needs a few things.", errors=problems)
    assert start is not None and title is not None
    party = party or Party()
    currency = data.sell_currency or (
        query.budget_currency if query and query.budget_currency else None
    )
    itinerary = Itinerary(
        tenant_id=ctx.tenant_id,
        number=next_number(session, ctx, SERIES),
        query_id=query.id if query else None,
        customer_id=query.customer_id if query else None,
        title=title,
        start_date=start,
        adults=party.adults,
        child_ages=list(party.child_ages),
        children_with_bed=party.children_with_bed,
        free_place_every=party.free_place_every,
        market=data.market.value,
        destination=destination,
        sell_currency=currency or _agency_currency(session, ctx),
        fx_buffer_pct=settings.fx_buffer_pct,
        commission_pct=settings.commission_pct,
        commission_mode=settings.commission_mode,
        budget=query.budget if query else None,
        budget_currency=query.budget_currency if query else None,
        created_by=ctx.user_id,
    )
    if query is not None:
        first = not list_itineraries(session, ctx, query_id=query.id, limit=1)
        itinerary.is_primary = first if data.primary is None else data.primary
        if itinerary.is_primary and not first:
            _clear_primary(session, query.id)
    session.add(itinerary)
    session.flush()
    for position in range(1, min(days or 1, MAX_DAYS) + 1):
        session.add(
            ItineraryDay(tenant_id=ctx.tenant_id, itinerary_id=itinerary.id, position=position)
        )
    session.flush()
    return itinerary


def _clear_primary(session: Session, query_id: uuid.UUID) -> None:
    session.exec(
        update(Itinerary)
        .where(col(Itinerary.query_id) == query_id, col(Itinerary.is_primary))
        .values(is_primary=False)
        .execution_options(synchronize_session="fetch")
    )


def mark_primary(session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID) -> Itinerary:
    """This itinerary is the one to quote for its query."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _itinerary(session, itinerary_id)
    if itinerary.query_id is None:
        raise ConflictError("Only an itinerary made for a query can be its one to quote.")
    queries.hold_query(session, ctx, query_id=itinerary.query_id)  # one switch at a time
    _clear_primary(session, itinerary.query_id)
    session.flush()
    itinerary.is_primary = True
    session.add(itinerary)
    session.flush()
    return itinerary


def copy_itinerary(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, data: CopyIn
) -> Itinerary:
    """A new draft with the same days and items (prices looked up again when priced)."""
    require(ctx, Action.ITINERARIES_EDIT)
    source = _itinerary(session, itinerary_id)
    query_id = data.query_id if data.query_id is not None else source.query_id
    if data.query_id is not None:
        queries.get_query(session, ctx, query_id=data.query_id)
    copy = Itinerary(
        **{
            name: getattr(source, name)
            for name in Itinerary.model_fields
            if name
            not in {
                "id",
                "number",
                "version",
                "status",
                "is_primary",
                "frozen_at",
                "frozen_by",
                "checksum",
                "row_version",
                "created_by",
                "created_at",
                "updated_at",
                "copied_from_id",
                "query_id",
                "title",
                "start_date",
            }
        },
        number=next_number(session, ctx, SERIES),
        copied_from_id=source.id,
        query_id=query_id,
        title=data.title or f"{source.title} (copy)",
        start_date=data.start_date or source.start_date,
        created_by=ctx.user_id,
    )
    copy.child_ages = list(source.child_ages)
    session.add(copy)
    session.flush()
    day_ids: dict[uuid.UUID, uuid.UUID] = {}
    for day in _days(session, source.id):
        new = ItineraryDay(
            tenant_id=ctx.tenant_id,
            itinerary_id=copy.id,
            position=day.position,
            title=day.title,
            notes=day.notes,
            overnight=day.overnight,
        )
        session.add(new)
        day_ids[day.id] = new.id
    session.flush()
    for item in _items(session, source.id):
        values = item.model_dump(
            exclude={"id", "itinerary_id", "day_id", "price", "problem", "priced_at"}
        )
        session.add(ItineraryItem(**values, itinerary_id=copy.id, day_id=day_ids[item.day_id]))
    session.flush()
    return copy


# ---- changing ------------------------------------------------------------------------------------


def _draft(session: Session, itinerary_id: uuid.UUID) -> Itinerary:
    itinerary = _itinerary(session, itinerary_id)
    if itinerary.status != ItineraryStatus.DRAFT.value:
        raise ConflictError(
            f"Version {itinerary.version} is frozen for a quote. Unfreeze it to change it "
            f"(that makes version {itinerary.version + 1}).",
            extra={"reason": "frozen"},
        )
    return itinerary


def _touch(session: Session, itinerary: Itinerary) -> None:
    """Days and items changed: the itinerary moves on a version (so an open sheet knows)."""
    session.exec(
        update(Itinerary)
        .where(col(Itinerary.id) == itinerary.id)
        .values(row_version=Itinerary.row_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(itinerary)


def _stale(itinerary: Itinerary) -> ConflictError:
    return VersionConflictError.at(
        "Someone changed this itinerary meanwhile. Reload it and make your change again.",
        current_row_version=itinerary.row_version,
    )


def update_itinerary(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    row_version: int,
    data: ItineraryUpdate,
) -> Itinerary:
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    values: dict[str, Any] = {}
    for name, value in data.model_dump(exclude_unset=True).items():
        if name == "party":
            if data.party is None:
                continue
            values.update(
                adults=data.party.adults,
                child_ages=list(data.party.child_ages),
                children_with_bed=data.party.children_with_bed,
                free_place_every=data.party.free_place_every,
            )
        elif value is not None or name in {"notes", "destination"}:
            values[name] = value.value if hasattr(value, "value") else value
    values["updated_at"] = utcnow()
    if not advance_version(session, itinerary, read=row_version, values=values):
        raise _stale(itinerary)
    return itinerary


def delete_itinerary(session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID) -> None:
    """Drafts only: a frozen version may be quoted already."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _itinerary(session, itinerary_id)
    if itinerary.status != ItineraryStatus.DRAFT.value or itinerary.frozen_at is not None:
        raise ConflictError("Only a draft that was never frozen can be deleted.")
    for item in _items(session, itinerary.id):
        session.delete(item)
    for day in _days(session, itinerary.id):
        session.delete(day)
    session.flush()
    session.delete(itinerary)
    session.flush()


def _renumber(rows: Sequence[Any]) -> None:
    for position, row in enumerate(rows, start=1):
        row.position = position


def add_day(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    data: DayIn,
    position: int | None = None,
) -> ItineraryDay:
    """A day at `position` (the end when not given); the days after it move a date on."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    days = _days(session, itinerary.id)
    if len(days) >= MAX_DAYS:
        raise ValidationFailedError(f"An itinerary has at most {MAX_DAYS} days.")
    at = len(days) + 1 if position is None else max(1, min(position, len(days) + 1))
    day = ItineraryDay(
        tenant_id=ctx.tenant_id, itinerary_id=itinerary.id, position=at, **data.model_dump()
    )
    _place(session, days, day, at)
    _touch(session, itinerary)
    return day


def _child(session: Session, model: Any, itinerary: Itinerary, row_id: uuid.UUID, what: str) -> Any:
    """A day or an item of this itinerary (of another one, or another agency's: not found)."""
    found = session.exec(
        select(model).where(model.id == row_id, model.itinerary_id == itinerary.id)
    ).first()
    if found is None:
        raise NotFoundError(f"{what} not found.")
    return found


def _day(session: Session, itinerary: Itinerary, day_id: uuid.UUID) -> ItineraryDay:
    day: ItineraryDay = _child(session, ItineraryDay, itinerary, day_id, "Day")
    return day


def _place(session: Session, rows: list[Any], row: Any, position: int) -> None:
    """Put `row` at `position` (1-based, kept within the list) and number them all again."""
    rows.insert(max(0, min(position - 1, len(rows))), row)
    _renumber(rows)
    session.add_all(rows)


def update_day(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, day_id: uuid.UUID, data: DayIn
) -> ItineraryDay:
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    day = _day(session, itinerary, day_id)
    for name, value in data.model_dump().items():
        setattr(day, name, value)
    session.add(day)
    _touch(session, itinerary)
    return day


def remove_day(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, day_id: uuid.UUID
) -> None:
    """The day and its items go; the days after it move a date back."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    day = _day(session, itinerary, day_id)
    days = [d for d in _days(session, itinerary.id) if d.id != day.id]
    if not days:
        raise ConflictError("An itinerary keeps at least one day.")
    for item in _items(session, itinerary.id):
        if item.day_id == day.id:
            session.delete(item)
    session.flush()
    session.delete(day)
    session.flush()
    _renumber(days)
    session.add_all(days)
    _touch(session, itinerary)


def move_day(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    day_id: uuid.UUID,
    position: int,
) -> list[ItineraryDay]:
    """Drag a day (with its items) to `position`; the dates follow the new order."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    day = _day(session, itinerary, day_id)
    days = [d for d in _days(session, itinerary.id) if d.id != day.id]
    _place(session, days, day, position)
    _touch(session, itinerary)
    return days


def _item(session: Session, itinerary: Itinerary, item_id: uuid.UUID) -> ItineraryItem:
    item: ItineraryItem = _child(session, ItineraryItem, itinerary, item_id, "Item")
    return item


def _day_items(session: Session, day_id: uuid.UUID) -> list[ItineraryItem]:
    return list(
        session.exec(
            select(ItineraryItem)
            .where(col(ItineraryItem.day_id) == day_id)
            .order_by(col(ItineraryItem.position))
        ).all()
    )


def _item_values(
    session: Session, ctx: TenantContext, itinerary: Itinerary, data: ItemIn
) -> dict[str, Any]:
    problems: list[FieldError] = []
    title = data.title
    if data.service_id is not None:
        facts = suppliers.describe_services(session, ctx, service_ids=[data.service_id])
        service = facts.get(data.service_id)
        if service is None:
            problems.append(FieldError("service_id", "No such service.", "not_found"))
        elif not title:
            title = f"{service.supplier_name}: {service.name}"
    if data.kind is not ItemKind.NOTE and data.service_id is None and data.manual_net is None:
        problems.append(
            FieldError("manual_net", "Pick a service to price it, or enter its net.", "required")
        )
    if data.manual_net is not None and data.manual_currency is None:
        problems.append(
            FieldError("manual_currency", "Say which currency the net is in.", "required")
        )
    if data.sell_override is not None and data.margin_override_pct is not None:
        problems.append(
            FieldError(
                "margin_override_pct", "Lock the sell price or the margin, not both.", "conflict"
            )
        )
    if data.kind is ItemKind.NOTE and not (title or data.description):
        problems.append(FieldError("description", "Write the note.", "required"))
    if problems:
        raise ValidationFailedError("The item cannot be saved as it is.", errors=problems)
    values = data.model_dump(mode="python")
    values["kind"] = data.kind.value
    values["title"] = title or _WORDS[data.kind.value]
    values["rooms"] = [entry.model_dump(mode="json") for entry in data.rooms]
    if data.kind is ItemKind.STAY and not values["rooms"]:
        values["rooms"] = [
            entry.model_dump(mode="json") for entry in suggest_rooms(itinerary.adults)
        ]
    if data.children_with_bed is None:
        values["children_with_bed"] = (
            itinerary.children_with_bed if data.kind is ItemKind.STAY else 0
        )
    values["basis"] = data.basis.value if data.basis else None
    return values


def add_item(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    day_id: uuid.UUID,
    data: ItemIn,
    position: int | None = None,
) -> ItineraryItem:
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    day = _day(session, itinerary, day_id)
    items = _day_items(session, day.id)
    item = ItineraryItem(
        tenant_id=ctx.tenant_id,
        itinerary_id=itinerary.id,
        day_id=day.id,
        position=0,
        **_item_values(session, ctx, itinerary, data),
    )
    _place(session, items, item, len(items) + 1 if position is None else position)
    _touch(session, itinerary)
    return item


def update_item(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    item_id: uuid.UUID,
    data: ItemIn,
) -> ItineraryItem:
    """Change an item. A locked sell price or margin stays locked whatever else changes."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    item = _item(session, itinerary, item_id)
    values = _item_values(session, ctx, itinerary, data)
    locks = {"sell_override", "margin_override_pct"}
    for name, value in values.items():
        if name in locks and name not in data.model_fields_set:
            continue  # a lock is only changed by naming it
        setattr(item, name, value)
    item.price = None
    item.problem = None
    session.add(item)
    _touch(session, itinerary)
    return item


def remove_item(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, item_id: uuid.UUID
) -> None:
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    item = _item(session, itinerary, item_id)
    rest = [other for other in _day_items(session, item.day_id) if other.id != item.id]
    session.delete(item)
    session.flush()
    _renumber(rest)
    session.add_all(rest)
    _touch(session, itinerary)


def move_item(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    item_id: uuid.UUID,
    position: int,
    day_id: uuid.UUID | None = None,
) -> ItineraryItem:
    """Drag an item to `position` on its day or on another day."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    item = _item(session, itinerary, item_id)
    target = (
        _day(session, itinerary, day_id)
        if day_id is not None
        else _day(session, itinerary, item.day_id)
    )
    if target.id != item.day_id:
        left = [other for other in _day_items(session, item.day_id) if other.id != item.id]
        _renumber(left)
        session.add_all(left)
        item.day_id = target.id
    items = [other for other in _day_items(session, target.id) if other.id != item.id]
    _place(session, items, item, position)
    _touch(session, itinerary)
    return item


# ---- pricing -------------------------------------------------------------------------------------


class _Unpriceable(Exception):
    def __init__(self, reason: str, detail: str, nights: Sequence[date] = ()) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.nights = reason, detail, list(nights)


@dataclass
class _Priced:
    net: Decimal
    currency: str
    list_sell: Decimal | None
    line_ids: list[uuid.UUID]
    quotes: list[dict[str, Any]]
    estimate: bool = False


def _queries_for(
    itinerary: Itinerary,
    item: ItineraryItem,
    check_in: date,
    adults: int,
    child_ages: Sequence[int],
) -> list[PriceQuery]:
    assert item.service_id is not None
    common: dict[str, Any] = {
        "service_id": item.service_id,
        "check_in": check_in,
        "nights": item.nights,
        "market": itinerary.market,
        "supplements": list(item.supplements),
    }
    if item.kind != ItemKind.STAY.value:
        people = item.pax or adults
        return [
            PriceQuery(
                **common,
                occupancy=Occupancy.ANY,
                adults=people if item.pax else adults,
                child_ages=[] if item.pax else list(child_ages),
                basis=item.basis,
                km=item.km,
                hours=item.hours,
                transfers=item.transfers,
            )
        ]
    out: list[PriceQuery] = []
    left = adults
    for index, entry in enumerate(
        item.rooms or [e.model_dump(mode="json") for e in suggest_rooms(adults)]
    ):
        occupancy = _OCCUPANCY[entry["occupancy"]]
        in_rooms = OCCUPANTS.get(occupancy.value, 1) * int(entry["rooms"])
        people = max(0, min(left, in_rooms))
        left -= people
        out.append(
            PriceQuery(
                **common,
                occupancy=occupancy,
                rooms=int(entry["rooms"]),
                adults=people,
                child_ages=list(child_ages) if index == 0 else [],
                children_with_bed=item.children_with_bed if index == 0 else 0,
                basis=item.basis,
            )
        )
    return out


def _queries_of(
    itinerary: Itinerary,
    item: Any,
    check_in: date,
    *,
    adults: int,
    child_ages: Sequence[int],
) -> list[PriceQuery]:
    """The lookups an item is priced by (none when its net is entered by hand), or
    `_Unpriceable` when it cannot be asked (no service and no net, a party of nobody)."""
    if item.service_id is None or item.manual_net is not None:
        if item.manual_net is None or not item.manual_currency:
            raise _Unpriceable("no_price_entered", "Enter the net of this item, or pick a service.")
        return []
    try:
        return _queries_for(itinerary, item, check_in, adults, child_ages)
    except ValidationError as exc:  # a party or item the lookup cannot take (e.g. 0 people)
        first = exc.errors()[0]
        raise _Unpriceable(
            "invalid", f"{first['msg']} ({'.'.join(map(str, first['loc']))})."
        ) from None


def _priced(
    session: Session,
    ctx: TenantContext,
    item: Any,
    asked: Sequence[PriceQuery],
    answers: Sequence[pricing.Quoted],
    *,
    keep_quotes: bool = True,
) -> _Priced:
    """An item's price from the answers to its lookups (`pricing.quote_prices`, in the order
    `_queries_of` asked them); a lookup without a price ends it, unless the item may be
    estimated from last season's rate. `keep_quotes=False`: the lookups and their answers
    are not kept with it (a sheet only shown needs the totals)."""
    if not asked:
        return _Priced(item.manual_net, item.manual_currency, None, [], [])
    net = Decimal(0)
    sell = Decimal(0)
    currency = ""
    line_ids: list[uuid.UUID] = []
    quotes: list[dict[str, Any]] = []
    estimate = False
    for query, answer in zip(asked, answers, strict=True):
        if answer.error is not None:
            exc = answer.error
            if not item.estimate:
                night = exc.extra.get("night")
                raise _Unpriceable(
                    exc.reason, exc.detail, [date.fromisoformat(night)] if night else []
                )
            # last season's rate, same weekdays a year before
            earlier = query.model_copy(update={"check_in": query.check_in - timedelta(weeks=52)})
            answer = pricing.quote_prices(session, ctx, [earlier])[0]
            if answer.error is not None:
                raise _Unpriceable(
                    exc.reason, f"{exc.detail} No rate a year before either, to estimate from."
                )
            estimate = True
        quote, data = answer.quote, answer.data
        assert quote is not None and data is not None
        if currency and quote.currency != currency:
            raise _Unpriceable(
                "mixed_currencies", "The rooms of this stay are priced in different currencies."
            )
        currency = quote.currency
        net += quote.total_net
        sell += quote.total_sell
        line_ids += [line for night in quote.nights for line in night.line_ids]
        if keep_quotes:
            quotes.append({"query": query.model_dump(mode="json"), "quote": data})
    return _Priced(net, currency, sell, sorted(set(line_ids)), quotes, estimate)


def fx_rate(session: Session, *, buy: str, sell: str, on: date) -> tuple[Decimal, date] | None:
    """The agency's rate for one `buy` in `sell` on `on` (the latest entered on or before it;
    the inverse of the opposite pair when only that is known), with the day it is from."""
    if buy == sell:
        return Decimal(1), on
    for base, quote, inverse in ((buy, sell, False), (sell, buy, True)):
        row = session.exec(
            select(FxRateRow)
            .where(
                col(FxRateRow.base) == base,
                col(FxRateRow.quote) == quote,
                col(FxRateRow.valid_on) <= on,
            )
            .order_by(col(FxRateRow.valid_on).desc())
            .limit(1)
        ).first()
        if row is not None:
            rate = (Decimal(1) / row.rate).quantize(Decimal("1e-12")) if inverse else row.rate
            return rate, row.valid_on
    return None


_MARKUPS = MarkupRuleRow.__table__  # type: ignore[attr-defined]
_MARKUP_COLUMNS = [
    _MARKUPS.c[name]
    for name in (
        "id",
        "name",
        "kind",
        "value",
        "market",
        "destination",
        "supplier_type",
        "service_type",
        "travel_from",
        "travel_to",
    )
]


_READ_MARKUPS = (
    sa_select(*_MARKUP_COLUMNS)
    .where(_MARKUPS.c.tenant_id == _TENANT, _MARKUPS.c.is_active)
    .order_by(_MARKUPS.c.position, _MARKUPS.c.created_at)
)


def _markup_rules(session: Session) -> list[maths.MarkupRule]:
    # the same rule objects the pricing pages' "which rule would apply" tester builds
    return [as_maths_rule(row) for row in _read(session, _READ_MARKUPS)]


def _tax_rules(session: Session) -> list[maths.TaxRule]:
    return [
        maths.TaxRule(
            id=str(row.id),
            name=row.name,
            kind=maths.TaxKind(row.kind),
            valid_from=row.valid_from,
            rate_pct=row.rate_pct,
            base=maths.TaxBase(row.base),
            slabs=tuple(
                maths.Slab(
                    Decimal(s["up_to"]) if s.get("up_to") is not None else None,
                    Decimal(s["rate_pct"]),
                )
                for s in row.slabs
            ),
            split_in_state=row.split_in_state,
        )
        for row in session.exec(select(TaxRuleRow)).all()
    ]


@dataclass
class _Work:
    """Everything one calculation read, for the sheet and for a frozen snapshot."""

    sheet: PricingSheet
    priced: dict[uuid.UUID, _Priced]
    fx: dict[str, dict[str, str]]
    markup_rules: list[maths.MarkupRule]


def _party(adults: int, child_ages: Sequence[int], free_every: int | None) -> tuple[int, int]:
    travellers = adults + len(child_ages)
    free = maths.free_places(travellers, free_every or 0)
    return max(1, travellers - free), free


def _calculate(
    session: Session,
    ctx: TenantContext,
    itinerary: Itinerary,
    *,
    on: date,
    store: bool,
    group: int | None = None,
) -> _Work:
    """Price every item and build the sheet. `group`: as if that many adults travelled (the
    per-person price at another group size), nothing kept."""
    adults = itinerary.adults if group is None else group
    child_ages: list[int] = list(itinerary.child_ages) if group is None else []
    store = store and group is None
    session.flush()  # plain rows below: what this unit of work changed is written first
    days = _day_rows(session, itinerary.id)
    by_day = {day.id: day for day in days}
    items = sorted(
        _item_rows(session, itinerary.id), key=lambda i: (by_day[i.day_id].position, i.position)
    )
    writes: list[dict[str, Any]] = []
    agency_settings = _read(session, _READ_SETTINGS)  # what pricing needs; else the defaults
    settings: Any = agency_settings[0] if agency_settings else _DEFAULT_SETTINGS
    rules = _markup_rules(session)
    policy = maths.MarkupPolicy(settings.markup_policy)
    facts = suppliers.describe_services(
        session, ctx, service_ids=[i.service_id for i in items if i.service_id is not None]
    )
    sheet_lines: list[maths.SheetLine] = []
    extra: dict[str, tuple[ItineraryItem, _Priced | None]] = {}
    unpriced: list[Unpriced] = []
    fx_used: dict[str, dict[str, str]] = {}
    priced_items: dict[uuid.UUID, _Priced] = {}
    seen_groups: set[tuple[uuid.UUID, str]] = set()
    now = utcnow()
    asked: dict[uuid.UUID, list[PriceQuery] | _Unpriceable] = {}
    for item in items:
        if item.kind == ItemKind.NOTE.value:
            continue
        try:
            asked[item.id] = _queries_of(
                itinerary,
                item,
                _day_date(itinerary, by_day[item.day_id]),
                adults=adults,
                child_ages=child_ages,
            )
        except _Unpriceable as exc:
            asked[item.id] = exc
    # every item's lookups in one batch (a few round trips, however many items)
    answers = iter(
        pricing.quote_prices(
            session, ctx, [q for found in asked.values() if isinstance(found, list) for q in found]
        )
    )
    fx_rates: dict[str, tuple[Decimal, date] | None] = {}  # read once per buying currency
    for item in items:
        if item.kind == ItemKind.NOTE.value:
            continue
        day = by_day[item.day_id]
        check_in = _day_date(itinerary, day)
        try:
            wanted = asked[item.id]
            if isinstance(wanted, _Unpriceable):
                raise wanted
            priced = _priced(
                session, ctx, item, wanted, [next(answers) for _ in wanted], keep_quotes=store
            )
        except _Unpriceable as exc:
            unpriced.append(
                Unpriced(
                    item_id=item.id,
                    title=item.title,
                    reason=exc.reason,
                    detail=exc.detail,
                    nights=exc.nights,
                )
            )
            writes.append(
                {
                    "row_id": item.id,
                    "price": None,
                    "problem": {
                        "reason": exc.reason,
                        "detail": exc.detail,
                        "nights": [n.isoformat() for n in exc.nights],
                    },
                }
            )
            continue
        if priced.currency not in fx_rates:
            fx_rates[priced.currency] = fx_rate(
                session, buy=priced.currency, sell=itinerary.sell_currency, on=on
            )
        found = fx_rates[priced.currency]
        if found is None:
            detail = (
                f"No exchange rate from {priced.currency} to {itinerary.sell_currency} on or "
                f"before {on.isoformat()}: enter one in the pricing settings."
            )
            unpriced.append(
                Unpriced(item_id=item.id, title=item.title, reason="no_fx", detail=detail)
            )
            continue
        rate, rate_day = found
        if priced.currency != itinerary.sell_currency:
            fx_used[f"{priced.currency}/{itinerary.sell_currency}"] = {
                "rate": str(rate),
                "valid_on": rate_day.isoformat(),
                "buffer_pct": str(itinerary.fx_buffer_pct),
            }
        service = facts.get(item.service_id) if item.service_id else None
        line_facts = maths.LineFacts(
            market=itinerary.market,
            destination=(service.city if service and service.city else itinerary.destination),
            supplier_type=service.supplier_kind if service else None,
            service_type=item.kind,
            travel_date=check_in,
        )
        alternative = False
        if item.alternative_group:
            choice = (item.day_id, item.alternative_group.casefold())
            alternative = choice in seen_groups
            seen_groups.add(choice)
        sheet_lines.append(
            maths.SheetLine(
                key=str(item.id),
                label=item.title,
                net=priced.net,
                fx=maths.Fx(
                    priced.currency,
                    itinerary.sell_currency,
                    rate,
                    itinerary.fx_buffer_pct
                    if priced.currency != itinerary.sell_currency
                    else Decimal(0),
                ),
                day=day.position,
                service_type=item.kind,
                markups=maths.choose_markups(rules, line_facts, policy),
                commission_pct=itinerary.commission_pct,
                commission_mode=maths.CommissionMode(itinerary.commission_mode),
                sell_override=item.sell_override,
                margin_override_pct=item.margin_override_pct,
                optional=item.optional or alternative,
                list_sell=priced.list_sell,
            )
        )
        extra[str(item.id)] = (item, priced)
        priced_items[item.id] = priced
        if store:
            writes.append(
                {
                    "row_id": item.id,
                    "problem": None,
                    "price": {
                        "net": str(priced.net),
                        "currency": priced.currency,
                        "estimate": priced.estimate,
                        "line_ids": [str(i) for i in priced.line_ids],
                        "quotes": priced.quotes,
                    },
                }
            )
    if store and writes:
        _keep_prices(session, itinerary, writes, now)
    paying, free = _party(adults, child_ages, itinerary.free_place_every)
    rounding = maths.Rounding(
        step=settings.rounding_step,
        level=maths.RoundingLevel(settings.rounding_level),
        direction=maths.RoundingDirection(settings.rounding_direction),
    )
    result = maths.price_sheet(
        sheet_lines, currency=itinerary.sell_currency, paying_pax=paying, rounding=rounding
    )
    taxes = _taxes(session, itinerary, result, on)
    sheet = PricingSheet(
        itinerary_id=itinerary.id,
        version=itinerary.version,
        currency=itinerary.sell_currency,
        priced_on=on,
        lines=[_line_out(line, *extra[line.key]) for line in result.lines],
        total=_totals(result.total),
        by_day={str(day): _totals(t) for day, t in result.by_day.items()},
        by_type={kind: _totals(t) for kind, t in result.by_type.items()},
        taxes=[
            TaxLineOut(
                rule_id=t.rule_id,
                name=t.name,
                kind=t.kind,
                base=t.base,
                rate_pct=t.rate_pct,
                amount=t.amount,
                collected=t.collected,
            )
            for t in taxes
        ],
        total_with_taxes=result.total.gross + sum((t.amount for t in taxes), Decimal(0)),
        paying_pax=paying,
        free_places=free,
        per_person=result.per_person,
        twin_share_per_person=result.twin_share_per_person,
        rounding_adjustment=result.rounding_adjustment,
        unpriced=unpriced,
        # another group size only asks the price per person: what does not fit is the trip's
        conflicts=_conflicts(itinerary, days, items, unpriced) if group is None else [],
    )
    return _Work(sheet, priced_items, fx_used, list(rules))


def _taxes(
    session: Session, itinerary: Itinerary, result: maths.Sheet, on: date
) -> list[maths.TaxLine]:
    scheme = maths.GstScheme(itinerary.gst_scheme)
    if scheme is maths.GstScheme.NONE and not itinerary.overseas:
        return []
    rules = _tax_rules(session)
    return maths.tax_lines(
        rules,
        maths.TaxFacts(
            on=on,
            currency=itinerary.sell_currency,
            gross=result.total.gross,
            margin=result.total.margin,
            scheme=scheme,
            in_state=itinerary.customer_in_state,
            overseas=itinerary.overseas,
            nightly_tariffs=tuple(
                line.gross
                for line in result.lines
                if line.service_type == ItemKind.STAY.value and not line.optional
            ),
        ),
    )


def _totals(totals: maths.Totals) -> TotalsOut:
    # trusted amounts the maths worked out (Decimals every one): built, not validated again
    return TotalsOut.model_construct(
        net_sell=totals.net_sell,
        markup=totals.markup,
        gross=totals.gross,
        commission=totals.commission,
        agent_net=totals.agent_net,
        margin=totals.margin,
    )


def _line_out(line: maths.PricedLine, item: ItineraryItem, priced: _Priced | None) -> SheetLineOut:
    # every field given, each already of its type (a row's UUID, the maths' Decimals): built
    # without validating again, as the sheet's 70+ lines would otherwise be on every price
    return SheetLineOut.model_construct(
        item_id=item.id,
        day=line.day,
        kind=item.kind,
        title=item.title,
        optional=line.optional,
        estimate=bool(priced and priced.estimate),
        overridden=line.overridden,
        net=line.net,
        buy_currency=line.buy_currency,
        fx_rate=line.fx_rate,
        fx_buffer_pct=line.fx_buffer_pct,
        net_sell=line.net_sell,
        markup=line.markup,
        gross=line.gross,
        commission=line.commission,
        agent_net=line.agent_net,
        margin=line.margin,
        rules=list(line.rule_names)
        or (
            ["The rate list's sell price"]
            if priced and priced.list_sell is not None and not line.overridden
            else []
        ),
        rate_lines=priced.line_ids if priced else [],
    )


def _conflicts(
    itinerary: Itinerary,
    days: Sequence[ItineraryDay],
    items: Sequence[ItineraryItem],
    unpriced: Sequence[Unpriced],
) -> list[Conflict]:
    """What does not fit: overlapping stays, dates a rate list does not cover, a stop-sale or
    allotment on the dates, a transfer far from any stay, an empty day, beds short."""
    out: list[Conflict] = []
    by_day = {day.id: day for day in days}
    stays = [
        (by_day[item.day_id].position, by_day[item.day_id].position + item.nights, item)
        for item in items
        if item.kind == ItemKind.STAY.value and not item.optional
    ]
    seen_groups: set[tuple[uuid.UUID, str]] = set()
    counted = []
    for start, end, item in stays:
        if item.alternative_group:
            key = (item.day_id, item.alternative_group.casefold())
            if key in seen_groups:
                continue
            seen_groups.add(key)
        counted.append((start, end, item))
    for i, (start, end, item) in enumerate(counted):
        for other_start, other_end, other in counted[i + 1 :]:
            if start < other_end and other_start < end:
                out.append(
                    Conflict(
                        code="overlapping_stays",
                        detail=f"{item.title} and {other.title} are booked for the same night.",
                        day=max(start, other_start),
                        item_id=other.id,
                    )
                )
    for problem in unpriced:
        if problem.reason in ("no_rate_list", "no_season"):
            out.append(
                Conflict(
                    code="outside_validity",
                    detail=f"{problem.title}: {problem.detail}",
                    item_id=problem.item_id,
                )
            )
        elif problem.reason in ("stop_sale", "blackout", "allotment_exhausted"):
            out.append(
                Conflict(
                    code=problem.reason,
                    detail=f"{problem.title}: {problem.detail}",
                    item_id=problem.item_id,
                )
            )
    planned = {item.day_id for item in items}
    out.extend(
        Conflict(
            code="empty_day",
            detail=f"Day {day.position} has nothing planned.",
            day=day.position,
        )
        for day in days
        if day.id not in planned
        and not any(start < day.position < end for start, end, _ in counted)
    )
    for item in items:
        if item.kind != ItemKind.TRANSFER.value:
            continue
        position = by_day[item.day_id].position
        if not any(start <= position <= end for start, end, _ in counted):
            out.append(
                Conflict(
                    code="transfer_without_stay",
                    detail=f"{item.title} on day {position} has no stay that day "
                    "or the night before.",
                    day=position,
                    item_id=item.id,
                )
            )
    nights = len(days) - 1
    travellers = itinerary.adults + len(itinerary.child_ages)
    children_sharing = len(itinerary.child_ages) - itinerary.children_with_bed
    for night in range(1, nights + 1):
        covering = [item for start, end, item in counted if start <= night < end]
        if not covering:
            out.append(
                Conflict(
                    code="no_bed",
                    detail=f"Nobody has a bed on the night after day {night}.",
                    day=night,
                )
            )
            continue
        beds = sum(beds_of(item.rooms) + item.children_with_bed for item in covering)
        if beds + children_sharing < travellers:
            short = travellers - beds - children_sharing
            out.append(
                Conflict(
                    code="no_bed",
                    detail=f"{short} of the travellers have no bed on the night after day {night}.",
                    day=night,
                )
            )
    return out


def pricing_day(session: Session, ctx: TenantContext) -> date:
    return today(agency_timezone(session, ctx))


def calculate_price(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    dry_run: bool = False,
    on: date | None = None,
    group_sizes: Sequence[int] = (),
) -> PricingSheet:
    """The pricing sheet. A draft is priced from today's published rates (and each item keeps
    its price or why it has none, unless `dry_run`); a frozen version answers its snapshot's
    sheet: nothing reprices it. `group_sizes` adds the price per paying person at each of
    those group sizes (adults; free places as the itinerary gives them), for groups whose
    contracts have pax breaks."""
    require(ctx, Action.ITINERARIES_VIEW)
    itinerary = _itinerary(session, itinerary_id)
    if itinerary.status == ItineraryStatus.FROZEN.value:
        snapshot = _snapshot(session, itinerary.id, itinerary.version)
        return PricingSheet.model_validate(snapshot.payload["sheet"])
    if not dry_run:
        require(ctx, Action.ITINERARIES_EDIT)
    day = on or pricing_day(session, ctx)
    work = _calculate(session, ctx, itinerary, on=day, store=not dry_run)
    session.flush()
    sheet = work.sheet
    if not dry_run:
        _keep_total(session, itinerary, sheet)
    for size in sorted(set(group_sizes))[:8]:
        other = _calculate(session, ctx, itinerary, on=day, store=False, group=size).sheet
        if not other.unpriced:
            sheet.per_group_size[str(size)] = other.per_person
    return sheet


# ---- freezing ------------------------------------------------------------------------------------


def canonical(payload: dict[str, Any]) -> bytes:
    """The one byte form a snapshot's checksum is taken of: sorted keys, no spaces, every
    value as text (Decimals and dates as their exact strings)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def checksum_of(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def freeze(
    session: Session,
    ctx: TenantContext,
    *,
    itinerary_id: uuid.UUID,
    row_version: int,
    on: date | None = None,
) -> ItinerarySnapshot:
    """Price the draft once more and lock it for a quote: every rate line used, the FX rates,
    markup and tax rules and the sheet go into a snapshot with the SHA-256 of its canonical
    form. Refused while an item has no price."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _draft(session, itinerary_id)
    if itinerary.row_version != row_version:
        raise _stale(itinerary)
    work = _calculate(session, ctx, itinerary, on=on or pricing_day(session, ctx), store=True)
    if work.sheet.unpriced:
        raise ValidationFailedError(
            "Every item needs a price before the itinerary can be frozen.",
            errors=[
                FieldError(f"items.{u.item_id}", f"{u.title}: {u.detail}", u.reason)
                for u in work.sheet.unpriced
            ],
        )
    public = to_public(session, itinerary)
    payload: dict[str, Any] = {
        "itinerary": public.model_dump(
            mode="json",
            exclude={"row_version", "status", "checksum", "frozen_at", "is_primary", "created_at"},
        ),
        "prices": {
            str(item_id): {
                "net": str(p.net),
                "currency": p.currency,
                "quotes": p.quotes,
                "line_ids": [str(i) for i in p.line_ids],
            }
            for item_id, p in work.priced.items()
        },
        "fx": work.fx,
        "markup_rules": [
            {"id": r.id, "name": r.name, "kind": r.kind.value, "value": str(r.value)}
            for r in work.markup_rules
        ],
        "tax_rules": sorted(line.rule_id for line in work.sheet.taxes),
        "sheet": work.sheet.model_dump(mode="json"),
    }
    text = canonical(payload)  # serialised once: for the checksum and as the stored payload
    digest = hashlib.sha256(text).hexdigest()
    now = utcnow()
    snapshot = ItinerarySnapshot(
        tenant_id=ctx.tenant_id,
        itinerary_id=itinerary.id,
        version=itinerary.version,
        checksum=digest,
        payload=payload,
        frozen_by=ctx.user_id,
        frozen_at=now,
    )
    _insert_snapshot(session, snapshot, text.decode())
    values = {
        "status": ItineraryStatus.FROZEN.value,
        "frozen_at": now,
        "frozen_by": ctx.user_id,
        "checksum": digest,
        "updated_at": now,
    }
    if not advance_version(session, itinerary, read=row_version, values=values):
        raise _stale(itinerary)
    session.flush()
    return snapshot


_SNAPSHOTS = ItinerarySnapshot.__table__  # type: ignore[attr-defined]


def _insert_snapshot(session: Session, snapshot: ItinerarySnapshot, payload: str) -> None:
    """One INSERT of the snapshot with its payload as the canonical JSON text already made for
    the checksum (the ORM would serialise the payload a second time). The row reads back as
    the same payload. The object stays out of the session: a snapshot is never changed."""
    connection = session.connection()
    text: Any = literal(payload, Text)
    if connection.dialect.name == "postgresql":
        text = cast(text, JSON)  # SQLite keeps JSON as text; PostgreSQL's json wants a cast
    connection.execute(
        insert(_SNAPSHOTS).values(
            tenant_id=snapshot.tenant_id,
            id=snapshot.id,
            itinerary_id=snapshot.itinerary_id,
            version=snapshot.version,
            checksum=snapshot.checksum,
            payload=text,
            frozen_by=snapshot.frozen_by,
            frozen_at=snapshot.frozen_at,
        )
    )


def unfreeze(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, row_version: int
) -> Itinerary:
    """Back to a draft as the next version; the frozen one stays as it was."""
    require(ctx, Action.ITINERARIES_EDIT)
    itinerary = _itinerary(session, itinerary_id)
    if itinerary.status != ItineraryStatus.FROZEN.value:
        raise ConflictError("This itinerary is not frozen.")
    values = {
        "status": ItineraryStatus.DRAFT.value,
        "version": itinerary.version + 1,
        "checksum": None,
        "updated_at": utcnow(),
    }
    if not advance_version(session, itinerary, read=row_version, values=values):
        raise _stale(itinerary)
    return itinerary


def _snapshot(session: Session, itinerary_id: uuid.UUID, version: int) -> ItinerarySnapshot:
    found = session.exec(
        select(ItinerarySnapshot).where(
            col(ItinerarySnapshot.itinerary_id) == itinerary_id,
            col(ItinerarySnapshot.version) == version,
        )
    ).first()
    if found is None:
        raise NotFoundError("That version was never frozen.")
    return found


def snapshot(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, version: int | None = None
) -> SnapshotPublic:
    """A frozen version (the latest frozen one unless `version`), with its checksum."""
    require(ctx, Action.ITINERARIES_VIEW)
    itinerary = _itinerary(session, itinerary_id)
    if version is None:
        latest = session.exec(
            select(ItinerarySnapshot)
            .where(col(ItinerarySnapshot.itinerary_id) == itinerary.id)
            .order_by(col(ItinerarySnapshot.version).desc())
            .limit(1)
        ).first()
        if latest is None:
            raise NotFoundError("This itinerary was never frozen.")
        found = latest
    else:
        found = _snapshot(session, itinerary.id, version)
    return SnapshotPublic(
        itinerary_id=itinerary.id,
        version=found.version,
        checksum=found.checksum,
        frozen_at=found.frozen_at,
        payload=found.payload,
    )


def rates_since_frozen(
    session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID
) -> RatesSinceFrozen:
    """What today's published rates would say of the frozen version, line by line: the
    difference is shown, never applied."""
    require(ctx, Action.ITINERARIES_VIEW)
    frozen = snapshot(session, ctx, itinerary_id=itinerary_id)
    shown: Any = frozen.payload["itinerary"]
    prices: Any = frozen.payload["prices"]
    titles = {item["id"]: item["title"] for item in shown["items"]}
    changes: list[LineChange] = []
    # every lookup of the frozen version asked again in one batch, answered in order
    answers = iter(
        pricing.quote_prices(
            session,
            ctx,
            [
                PriceQuery.model_validate(entry["query"])
                for price in prices.values()
                for entry in price["quotes"]
            ],
        )
    )
    for item_id, price in prices.items():
        if not price["quotes"]:
            continue  # priced by hand
        was = Decimal(price["net"])
        now_net = Decimal(0)
        problem = ""
        for answer in [next(answers) for _ in price["quotes"]]:
            if answer.error is not None:
                problem = answer.error.detail
                break
            assert answer.quote is not None
            now_net += answer.quote.total_net
        if problem:
            changes.append(
                LineChange(
                    item_id=uuid.UUID(item_id),
                    title=titles.get(item_id, ""),
                    frozen_net=was,
                    current_net=None,
                    detail=problem,
                    currency=price["currency"],
                )
            )
        elif now_net != was:
            changes.append(
                LineChange(
                    item_id=uuid.UUID(item_id),
                    title=titles.get(item_id, ""),
                    frozen_net=was,
                    current_net=now_net,
                    detail=f"{now_net - was:+} {price['currency']}",
                    currency=price["currency"],
                )
            )
    risks = _fx_risks(session, ctx, frozen.payload)
    return RatesSinceFrozen(changed=bool(changes or risks), lines=changes, fx=risks)


def _fx_risks(session: Session, ctx: TenantContext, payload: dict[str, Any]) -> list[FxRisk]:
    """Each buying currency of the frozen version whose rate today is past its buffer."""
    prices: Any = payload["prices"]
    rates: Any = payload.get("fx", {})
    today_day = pricing_day(session, ctx)
    out: list[FxRisk] = []
    for pair, used in sorted(rates.items()):
        buy, sell = pair.split("/")
        found = fx_rate(session, buy=buy, sell=sell, on=today_day)
        if found is None:
            continue
        net = sum((Decimal(p["net"]) for p in prices.values() if p["currency"] == buy), Decimal(0))
        fx = maths.Fx(buy, sell, Decimal(used["rate"]), Decimal(used["buffer_pct"]))
        at_risk = maths.margin_at_risk(net, fx, found[0])
        if at_risk > 0:
            out.append(
                FxRisk(
                    buy=buy,
                    sell=sell,
                    frozen_rate=fx.rate,
                    buffer_pct=fx.buffer_pct,
                    today_rate=found[0],
                    at_risk=at_risk,
                )
            )
    return out


def verify(session: Session, ctx: TenantContext, *, itinerary_id: uuid.UUID, version: int) -> bool:
    """The stored snapshot still matches its checksum."""
    found = snapshot(session, ctx, itinerary_id=itinerary_id, version=version)
    return checksum_of(found.payload) == found.checksum


# ---- the last price, for lists ------------------------------------------------------------------


def _keep_total(session: Session, itinerary: Itinerary, sheet: PricingSheet) -> None:
    """The sheet's total kept beside the first priced item's price (one row: rewriting every
    item's price would cost PostgreSQL a JSON round trip per item), so a list shows every
    itinerary's last price without pricing any of them again. Changing or removing that item
    drops the kept total with its price: the list then says "Not priced" until priced again."""
    if not sheet.lines:
        return
    anchor = sheet.lines[0].item_id
    total = {
        "gross": str(sheet.total.gross),
        "margin": str(sheet.total.margin),
        "currency": sheet.currency,
        "unpriced": len(sheet.unpriced),
    }
    price = _ITEMS.c.price
    if session.get_bind().dialect.name == "postgresql":
        kept = bindparam("total", value=total, type_=JSONB)  # bound as a JSON object
        value: Any = cast(cast(price, JSONB).op("||")(func.jsonb_build_object("total", kept)), JSON)
    else:
        value = func.json_set(price, "$.total", func.json(json.dumps(total)))
    session.connection().execute(
        update(_ITEMS)
        .where(
            _ITEMS.c.tenant_id == itinerary.tenant_id,
            _ITEMS.c.itinerary_id == itinerary.id,
            _ITEMS.c.id == anchor,
        )
        .values(price=value)
    )


def last_totals(
    session: Session, ctx: TenantContext, *, itineraries: Sequence[Itinerary]
) -> dict[uuid.UUID, LastTotal]:
    """Each itinerary's gross and margin when it was last priced (a frozen one's from its
    snapshot); never priced ones are absent. Two queries whatever the number of itineraries,
    nothing priced again."""
    require(ctx, Action.ITINERARIES_VIEW)
    drafts = [i.id for i in itineraries if i.status != ItineraryStatus.FROZEN.value]
    frozen = {i.id: i.version for i in itineraries if i.status == ItineraryStatus.FROZEN.value}
    found: dict[uuid.UUID, LastTotal] = {}
    if drafts:
        total = _ITEMS.c.price
        rows: list[Any] = scoped_rows(
            session,
            sa_select(
                _ITEMS.c.itinerary_id,
                _ITEMS.c.priced_at,
                total[("total", "gross")].as_string(),
                total[("total", "margin")].as_string(),
                total[("total", "currency")].as_string(),
                total[("total", "unpriced")].as_string(),
            )
            .where(_ITEMS.c.itinerary_id.in_(drafts), _ITEMS.c.priced_at.is_not(None))
            .distinct(),
        )
        latest: dict[uuid.UUID, Any] = {}
        for row in rows:
            if row[2] is None:
                continue
            seen = latest.get(row[0])
            if seen is None or row[1] > seen[1]:
                latest[row[0]] = row
        for itinerary_id, row in latest.items():
            found[itinerary_id] = LastTotal(
                gross=Decimal(row[2]), margin=Decimal(row[3]), currency=row[4], unpriced=row[5]
            )
    if frozen:
        snap = ItinerarySnapshot.__table__  # type: ignore[attr-defined]
        sheet = snap.c.payload
        snapshots: list[Any] = scoped_rows(
            session,
            sa_select(
                snap.c.itinerary_id,
                snap.c.version,
                sheet[("sheet", "total", "gross")].as_string(),
                sheet[("sheet", "total", "margin")].as_string(),
                sheet[("sheet", "currency")].as_string(),
            ).where(snap.c.itinerary_id.in_(list(frozen))),
        )
        for row in snapshots:
            if frozen.get(row[0]) == row[1] and row[2] is not None:
                found[row[0]] = LastTotal(
                    gross=Decimal(row[2]), margin=Decimal(row[3]), currency=row[4], unpriced=0
                )
    return found

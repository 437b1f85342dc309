"""Builders for quote tests: an agency with a query and a frozen itinerary priced by hand
(no rate lists needed), and a quote made from it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tests.queries.factories import trip
from tests.rates.factories import agency_context
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import DayIn, ItemIn, ItineraryCreate
from travelcrm.queries import services as queries
from travelcrm.quotes import services as quotes
from travelcrm.quotes.schemas import QuoteCreate

START = date(2027, 6, 10)  # three months after the tests' frozen clock (1 March 2027)


@dataclass(frozen=True)
class Trip:
    ctx: TenantContext
    query_id: uuid.UUID
    itinerary_id: uuid.UUID


def frozen_trip(
    ctx: TenantContext | None = None,
    *,
    start: date = START,
    prices: tuple[str, ...] = ("42000", "9000", "3500"),
    optional: str | None = "2500",
) -> Trip:
    """A query for three days in Goa, its itinerary priced by hand (a stay on day 1, a
    transfer and an activity on the following days, an optional extra) and frozen."""
    ctx = ctx or agency_context()
    with tenant_scope(ctx) as session:
        query, _ = queries.create_query(
            session,
            ctx,
            data=trip(start_date=start, end_date=date.fromordinal(start.toordinal() + 2)),
        )
        query_id = query.id
    with tenant_scope(ctx) as session:
        itinerary = itineraries.create_itinerary(
            session, ctx, data=ItineraryCreate(query_id=query_id)
        )
        itinerary_id = itinerary.id
    add_items(ctx, itinerary_id, prices=prices, optional=optional)
    freeze(ctx, itinerary_id)
    return Trip(ctx, query_id, itinerary_id)


def add_items(
    ctx: TenantContext,
    itinerary_id: uuid.UUID,
    *,
    prices: tuple[str, ...],
    optional: str | None = None,
    first: int = 0,
) -> None:
    kinds = ("stay", "transfer", "activity")
    titles = ("Sea Breeze Resort, 2 nights", "Airport to resort", "Dolphin cruise")
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id)
        )
        itineraries.update_day(
            session,
            ctx,
            itinerary_id=itinerary_id,
            day_id=shown.days[0].id,
            data=DayIn(title="Arrival in Goa"),
        )
        for i, price in enumerate(prices, start=first):
            itineraries.add_item(
                session,
                ctx,
                itinerary_id=itinerary_id,
                day_id=shown.days[i % len(shown.days)].id,
                data=ItemIn(
                    kind=kinds[i % 3],  # type: ignore[arg-type]
                    title=titles[i % 3] + ("" if i < 3 else f" ({i})"),
                    manual_net=Decimal(price),
                    manual_currency="INR",
                ),
            )
        if optional:
            itineraries.add_item(
                session,
                ctx,
                itinerary_id=itinerary_id,
                day_id=shown.days[-1].id,
                data=ItemIn(
                    kind="activity",  # type: ignore[arg-type]
                    title="Spice plantation tour",
                    manual_net=Decimal(optional),
                    manual_currency="INR",
                    optional=True,
                ),
            )


def freeze(ctx: TenantContext, itinerary_id: uuid.UUID) -> int:
    with tenant_scope(ctx) as session:
        row_version = itineraries.get_itinerary(session, ctx, itinerary_id=itinerary_id).row_version
        return itineraries.freeze(
            session, ctx, itinerary_id=itinerary_id, row_version=row_version
        ).version


def make_quote(ctx: TenantContext, itinerary_id: uuid.UUID, **data: Any) -> uuid.UUID:
    with tenant_scope(ctx) as session:
        return quotes.create_quote(
            session, ctx, data=QuoteCreate(itinerary_id=itinerary_id, **data)
        ).id


def shown(ctx: TenantContext, quote_id: uuid.UUID):
    with tenant_scope(ctx) as session:
        return quotes.to_public(quotes.get_quote(session, ctx, quote_id=quote_id))


def query_status(ctx: TenantContext, query_id: uuid.UUID) -> str:
    with tenant_scope(ctx) as session:
        return queries.get_query(session, ctx, query_id=query_id).status

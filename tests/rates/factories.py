"""Builders for rate tests: an agency with a supplier, its services and a rate list."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pytest

from tests.accounts.test_accounts import _verified
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import pricing
from travelcrm.rates import services as rates
from travelcrm.rates.models import Market
from travelcrm.rates.schemas import BulkChange, LineIn, PriceQuery, RateListCreate, SeasonIn
from travelcrm.suppliers.models import Supplier, SupplierService


@dataclass
class Contract:
    ctx: TenantContext
    supplier_id: uuid.UUID
    room_id: uuid.UUID  # a hotel room category (per-room prices)
    tour_id: uuid.UUID  # an activity (per-person prices)
    rate_list_id: uuid.UUID
    version_id: uuid.UUID
    peak_id: uuid.UUID
    lean_id: uuid.UUID

    def lock(self) -> int:
        with tenant_scope(self.ctx) as session:
            return rates.get_version(session, self.ctx, self.version_id).row_version

    def raise_rooms(
        self, session: Any, version_id: uuid.UUID, row_version: int, **change: Any
    ) -> Any:
        """Raise every room price of a version by 10% (`change` overrides: `dry_run=False` to
        apply, not only preview; `round_to`...)."""
        return rate_lines.bulk_change(
            session,
            self.ctx,
            version_id=version_id,
            change=BulkChange(
                row_version=row_version,
                selection={"service_id": self.room_id},
                field="net",
                operation="percent",
                value=Decimal(10),
                **change,
            ),
        )

    def add_lines(self, session: Any, lines: list[LineIn]) -> Any:
        """Add lines to the contract's version, at the row version it has now."""
        row_version = rates.get_version(session, self.ctx, self.version_id).row_version
        return rate_lines.add_lines(
            session, self.ctx, version_id=self.version_id, row_version=row_version, lines=lines
        )


def line_in(service_id: uuid.UUID, season_id: uuid.UUID, basis: str, **fields: Any) -> LineIn:
    """A rate line of a service in a season, priced by `basis` (the other fields as LineIn's)."""
    return LineIn(service_id=service_id, season_id=season_id, basis=basis, **fields)


def agency_context(role: Role = Role.OWNER) -> TenantContext:
    agency = _verified()
    return TenantContext(agency.tenant.id, agency.user.id, role)


def add_supplier(
    session: Any,
    ctx: TenantContext,
    name: str,
    *,
    kind: str = "hotel",
    country: str = "IN",
    city: str = "Goa",
    currency: str = "INR",
) -> Supplier:
    """A supplier row (flushed: its id is known)."""
    supplier = Supplier(
        tenant_id=ctx.tenant_id,
        name=name,
        kind=kind,
        country=country,
        city=city,
        default_currency=currency,
    )
    session.add(supplier)
    session.flush()
    return supplier


def make_supplier(
    ctx: TenantContext, name: str = "Sea Breeze Resort"
) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    with tenant_scope(ctx) as session:
        supplier = add_supplier(session, ctx, name)
        room = SupplierService(
            tenant_id=ctx.tenant_id,
            supplier_id=supplier.id,
            kind="room",
            name="Deluxe Sea View",
            meal_plan="CP",
            max_occupancy=3,
        )
        tour = SupplierService(
            tenant_id=ctx.tenant_id, supplier_id=supplier.id, kind="ticket", name="Dolphin cruise"
        )
        session.add_all([room, tour])
        session.flush()
        return supplier.id, room.id, tour.id


def make_contract(
    ctx: TenantContext | None = None,
    *,
    lean: tuple[date, date] = (date(2027, 4, 1), date(2027, 9, 30)),
    peak: tuple[date, date] = (date(2027, 10, 1), date(2028, 3, 31)),
    publish: bool = True,
) -> Contract:
    """A hotel contract for 2027-04-01..2028-03-31: double room 6,000 (lean) / 9,000 (peak) net
    with 20% markup, single 5,000 / 8,000, extra bed for a child 1,500; a cruise per person
    (adult 2,000, child without bed 1,000) with pax breaks 1-4 and 5-20."""
    ctx = ctx or agency_context()
    supplier_id, room_id, tour_id = make_supplier(ctx)
    with tenant_scope(ctx) as session:
        rate_list, version = rates.create_rate_list(
            session,
            ctx,
            data=RateListCreate(
                supplier_id=supplier_id,
                name="Sea Breeze 2027-28",
                currency="INR",
                valid_from=lean[0],
                valid_to=peak[1],
                cancellation_tiers=[
                    {"days_before": 30, "charge_pct": "0"},
                    {"days_before": 7, "charge_nights": 1},
                ],  # type: ignore[list-item]
            ),
        )
        lean_season = rates.add_season(
            session,
            ctx,
            version_id=version.id,
            row_version=version.row_version,
            data=SeasonIn(name="Lean", starts_on=lean[0], ends_on=lean[1]),
        )
        peak_season = rates.add_season(
            session,
            ctx,
            version_id=version.id,
            row_version=version.row_version,
            data=SeasonIn(name="Peak", starts_on=peak[0], ends_on=peak[1]),
        )
        lines = []
        for season, up in ((lean_season, 0), (peak_season, 3000)):
            room = partial(line_in, room_id, season.id, "per_room")
            tour = partial(line_in, tour_id, season.id, "per_person")
            child = "child_without_bed"
            lines += [
                room(occupancy="double", net=Decimal(6000 + up), markup_pct=Decimal(20)),
                room(occupancy="single", net=Decimal(5000 + up), markup_pct=Decimal(20)),
                room(
                    occupancy="extra_bed",
                    age_band="child_with_bed",
                    net=Decimal(1500),
                    sell=Decimal(1800),
                ),
                tour(pax_min=1, pax_max=4, net=Decimal(2000), sell=Decimal(2500)),
                tour(pax_min=5, pax_max=20, net=Decimal(1800), sell=Decimal(2200)),
                tour(pax_min=1, pax_max=4, age_band=child, net=Decimal(1000), sell=Decimal(1200)),
                tour(pax_min=5, pax_max=20, age_band=child, net=Decimal(900), sell=Decimal(1100)),
            ]
        rate_lines.add_lines(
            session, ctx, version_id=version.id, row_version=version.row_version, lines=lines
        )
        if publish:
            publish_accepting_gaps(session, ctx, version.id, version.row_version)
        return Contract(
            ctx,
            supplier_id,
            room_id,
            tour_id,
            rate_list.id,
            version.id,
            peak_season.id,
            lean_season.id,
        )


def publish_accepting_gaps(
    session: Any, ctx: TenantContext, version_id: uuid.UUID, row_version: int
) -> Any:
    """Publish as an operator who reads the coverage check and confirms each gap it asks
    about (unpriced dates, single rooms, children): what a publish needs besides no errors."""
    gaps = rates.coverage(session, ctx, version_id=version_id)
    return rates.publish(
        session,
        ctx,
        version_id=version_id,
        row_version=row_version,
        acknowledged=[i.key for i in gaps if i.severity == "confirm"],
    )


@dataclass
class PriceList:
    rate_list_id: uuid.UUID
    version_id: uuid.UUID
    season_ids: dict[str, uuid.UUID]


def add_service(ctx: TenantContext, supplier_id: uuid.UUID, *, kind: str, name: str) -> uuid.UUID:
    with tenant_scope(ctx) as session:
        service = SupplierService(
            tenant_id=ctx.tenant_id, supplier_id=supplier_id, kind=kind, name=name
        )
        session.add(service)
        session.flush()
        return service.id


def make_list(
    ctx: TenantContext,
    supplier_id: uuid.UUID,
    *,
    name: str,
    lines: Callable[[dict[str, uuid.UUID]], list[LineIn]],
    market: Market = Market.ALL,
    currency: str = "INR",
    seasons: Sequence[tuple[str, date, date]] = (
        ("All year", date(2027, 4, 1), date(2028, 3, 31)),
    ),
    publish: bool = True,
) -> PriceList:
    """A rate list of `supplier_id` valid over its seasons, with `lines(season ids by name)`."""
    with tenant_scope(ctx) as session:
        rate_list, version = rates.create_rate_list(
            session,
            ctx,
            data=RateListCreate(
                supplier_id=supplier_id,
                name=name,
                market=market,
                currency=currency,
                valid_from=min(s[1] for s in seasons),
                valid_to=max(s[2] for s in seasons),
            ),
        )
        season_ids = {
            season_name: rates.add_season(
                session,
                ctx,
                version_id=version.id,
                row_version=version.row_version,
                data=SeasonIn(name=season_name, starts_on=start, ends_on=end),
            ).id
            for season_name, start, end in seasons
        }
        rate_lines.add_lines(
            session,
            ctx,
            version_id=version.id,
            row_version=version.row_version,
            lines=lines(season_ids),
        )
        if publish:
            publish_accepting_gaps(session, ctx, version.id, version.row_version)
        return PriceList(rate_list.id, version.id, season_ids)


MAY_1 = date(2027, 5, 1)  # a Saturday


def quote(ctx: TenantContext, service_id: uuid.UUID, **kwargs: Any) -> pricing.PriceQuote:
    """The price of a stay of `service_id` (checking in on 1 May 2027 unless told)."""
    with tenant_scope(ctx) as session:
        return pricing.quote_price(
            session, ctx, PriceQuery(service_id=service_id, **{"check_in": MAY_1, **kwargs})
        )


def refusal(ctx: TenantContext, service_id: uuid.UUID, **kwargs: Any) -> pricing.NoPriceError:
    """Why the stay `quote` would price has no price (it must have none)."""
    with pytest.raises(pricing.NoPriceError) as info:
        quote(ctx, service_id, **kwargs)
    return info.value

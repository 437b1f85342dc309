"""The rules of a rate line, one home for the grid, the REST API and the sheet import: a
line's values and their checks, what makes two lines the same line, pax breaks that must
follow on, and the effective sell price. Plain functions of values: no session."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from travelcrm.core.errors import (
    FieldError,
)
from travelcrm.core.money import round_money
from travelcrm.rates.models import (
    ALL_WEEKDAYS,
    VEHICLE_BASES,
    AgeBandKind,
    Occupancy,
    PricingBasis,
    RateLine,
    Season,
)
from travelcrm.suppliers.models import SupplierService

# ---- rate lines ----------------------------------------------------------------------------------


def unit_net(line: RateLine | LineValues, currency: str) -> Decimal:
    """The net of one unit (room, person, vehicle) in the currency's minor units: a stay of
    several units costs this times their number, as the sell price does."""
    return round_money(line.net, currency)


def effective_sell(line: RateLine | LineValues, currency: str) -> Decimal:
    """The sell price: the one given, else net plus markup, else net (no markup)."""
    if line.sell is not None:
        return round_money(line.sell, currency)
    if line.markup_pct is not None:
        return round_money(line.net * (1 + line.markup_pct / 100), currency)
    return round_money(line.net, currency)


@dataclass
class LineValues:
    """A line's values while being checked (a new line, or an existing one with a patch)."""

    service_id: uuid.UUID
    season_id: uuid.UUID
    basis: str
    occupancy: str
    age_band: str
    pax_min: int
    pax_max: int
    net: Decimal
    sell: Decimal | None
    markup_pct: Decimal | None
    weekdays: int
    min_nights: int
    capacity: int | None = None
    supplement: str | None = None
    optional: bool = False


def line_errors(
    values: LineValues,
    *,
    services: dict[uuid.UUID, SupplierService],
    seasons: dict[uuid.UUID, Season],
    bands: set[str],
    row: int | None = None,
) -> list[FieldError]:
    errors = []
    if values.service_id not in services:
        errors.append(FieldError("service_id", "is not a service of this supplier", "unknown", row))
    if values.season_id not in seasons:
        errors.append(FieldError("season_id", "is not a season of this version", "unknown", row))
    if values.pax_max < values.pax_min:
        errors.append(
            FieldError("pax_max", f"is below pax_min ({values.pax_min})", "pax_reversed", row)
        )
    if values.basis == PricingBasis.PER_ROOM.value and values.occupancy == Occupancy.ANY.value:
        errors.append(
            FieldError("occupancy", "a per-room price needs an occupancy", "occupancy", row)
        )
    if (
        values.basis != PricingBasis.PER_PERSON.value
        and values.age_band != AgeBandKind.ADULT.value
        and values.occupancy != Occupancy.EXTRA_BED.value
    ):
        errors.append(
            FieldError("age_band", "age bands apply to per-person prices", "age_band", row)
        )
    if values.age_band not in bands:
        errors.append(
            FieldError("age_band", f"{values.age_band} has no age limits in this list", "band", row)
        )
    if values.sell is not None and values.markup_pct is not None:
        errors.append(
            FieldError("markup_pct", "give a sell price or a markup, not both", "both", row)
        )
    if values.weekdays & ALL_WEEKDAYS == 0:
        errors.append(FieldError("weekdays", "at least one weekday", "weekdays", row))
    if values.capacity is not None and values.basis not in VEHICLE_BASES:
        errors.append(
            FieldError(
                "capacity",
                "seats apply to prices per vehicle (per day, km, hour or transfer)",
                "capacity",
                row,
            )
        )
    if values.optional and not values.supplement:
        errors.append(FieldError("optional", "only a supplement can be optional", "optional", row))
    return errors


def line_key(
    line: RateLine, services: dict[uuid.UUID, SupplierService], seasons: dict[uuid.UUID, Season]
) -> str:
    service = services.get(line.service_id)
    season = seasons.get(line.season_id)
    return (
        f"{service.name if service else line.service_id} · {season.name if season else '?'} · "
        + (f"{line.supplement} · " if line.supplement else "")
        + f"{line.basis}/{line.occupancy}/{line.age_band} · {line.pax_min}-{line.pax_max} pax"
        + ("" if line.weekdays == ALL_WEEKDAYS else f" · days {line.weekdays:07b}")
    )


def pax_gap_errors(lines: Iterable[Any]) -> list[FieldError]:
    """Pax breaks of the same price key must follow on (1-2 then 3-5, not 1-2 then 4-6)."""
    groups: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    for line in lines:
        key = (line.service_id, line.season_id, line.basis, line.occupancy, line.age_band)
        groups[(*key, line.supplement, line.weekdays)].append((line.pax_min, line.pax_max))
    errors = []
    for ranges in groups.values():
        ranges.sort()
        for (low_a, high_a), (low_b, high_b) in pairwise(ranges):
            if low_b > high_a + 1:
                errors.append(
                    FieldError(
                        "pax_min",
                        f"pax break {low_a}-{high_a} is followed by {low_b}-{high_b}: "
                        f"{high_a + 1}-{low_b - 1} people have no price",
                        "pax_gap",
                    )
                )
            elif low_b <= high_a:
                errors.append(
                    FieldError(
                        "pax_min",
                        f"pax breaks {low_a}-{high_a} and {low_b}-{high_b} overlap",
                        "pax_overlap",
                    )
                )
    return errors

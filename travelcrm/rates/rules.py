"""The rules of a rate line, one home for the grid, the REST API and the sheet import: a
line's values and their checks, what makes two lines the same line, pax breaks that must
follow on, and the effective sell price. Plain functions of values: no session."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any, NamedTuple

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


class LineProblem(NamedTuple):
    """What is wrong with one of a line's values: the line's `field`, a `reason` to show beside
    it and a stable `code`. The grid and the API put it on the field; the import on the column
    the value came from."""

    field: str
    reason: str
    code: str


def term_problems(
    basis: str, occupancy: str, age_band: str, bands: Collection[str]
) -> list[LineProblem]:
    """A line's basis, occupancy and age band together: a room's price names its occupancy, an
    age band is for prices per person (or an extra bed), and the list gives that band's ages."""
    found = []
    if basis == PricingBasis.PER_ROOM.value and occupancy == Occupancy.ANY.value:
        found.append(
            LineProblem(
                "occupancy",
                "a per-room price needs its occupancy (single, double ...)",
                "occupancy",
            )
        )
    if (
        basis != PricingBasis.PER_PERSON.value
        and age_band != AgeBandKind.ADULT.value
        and occupancy != Occupancy.EXTRA_BED.value
    ):
        found.append(
            LineProblem(
                "age_band",
                "age bands are for prices per person or for an extra bed",
                "age_band",
            )
        )
    if age_band not in bands:
        found.append(
            LineProblem(
                "age_band", f"the list has no age limits for {age_band.replace('_', ' ')}", "band"
            )
        )
    return found


def value_problems(
    *,
    basis: str,
    pax_min: int,
    pax_max: int,
    sell: Decimal | None,
    markup_pct: Decimal | None,
    weekdays: int,
    capacity: int | None = None,
    supplement: str | None = None,
    optional: bool = False,
) -> list[LineProblem]:
    """The rest of a line's values: a pax break in order, a sell price or a markup (not both),
    a weekday at least, seats only on a price per vehicle, optional only for a supplement."""
    found = []
    if pax_max < pax_min:
        found.append(
            LineProblem(
                "pax_max", f"the pax break is reversed ({pax_min} is more than {pax_max})", "pax"
            )
        )
    if sell is not None and markup_pct is not None:
        found.append(LineProblem("markup_pct", "give a sell price or a markup, not both", "both"))
    if weekdays & ALL_WEEKDAYS == 0:
        found.append(LineProblem("weekdays", "name at least one weekday", "weekdays"))
    if capacity is not None and basis not in VEHICLE_BASES:
        found.append(
            LineProblem(
                "capacity",
                "seats apply to prices per vehicle (per day, km, hour or transfer)",
                "capacity",
            )
        )
    if optional and not supplement:
        found.append(LineProblem("optional", "only a supplement can be optional", "optional"))
    return found


def line_errors(
    values: LineValues,
    *,
    services: dict[uuid.UUID, SupplierService],
    seasons: dict[uuid.UUID, Season],
    bands: set[str],
    row: int | None = None,
) -> list[FieldError]:
    """Every problem of a line of the grid or the API, each on its field (and `row`)."""
    errors = []
    if values.service_id not in services:
        errors.append(FieldError("service_id", "is not a service of this supplier", "unknown", row))
    if values.season_id not in seasons:
        errors.append(FieldError("season_id", "is not a season of this version", "unknown", row))
    problems = term_problems(values.basis, values.occupancy, values.age_band, bands)
    problems += value_problems(
        basis=values.basis,
        pax_min=values.pax_min,
        pax_max=values.pax_max,
        sell=values.sell,
        markup_pct=values.markup_pct,
        weekdays=values.weekdays,
        capacity=values.capacity,
        supplement=values.supplement,
        optional=values.optional,
    )
    errors += [FieldError(p.field, p.reason, p.code, row) for p in problems]
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


class PaxClash(NamedTuple):
    """Two pax breaks of one price that do not follow on: `kind` "gap" (`missing` people have
    no price) or "overlap"; `first` and `second` say where each break came from."""

    kind: str
    first: tuple[int, int, Any]
    second: tuple[int, int, Any]
    missing: tuple[int, int] | None


def pax_clashes(ranges: Iterable[tuple[int, int, Any]]) -> list[PaxClash]:
    """Pax breaks (low, high, where) of the same price must follow on: 1-2 then 3-5, not 1-2
    then 4-6 (3 people have no price) nor 1-4 then 3-6 (3 and 4 have two)."""
    found = []
    for a, b in pairwise(sorted(ranges, key=lambda r: (r[0], r[1]))):
        if b[0] > a[1] + 1:
            found.append(PaxClash("gap", a, b, (a[1] + 1, b[0] - 1)))
        elif b[0] <= a[1]:
            found.append(PaxClash("overlap", a, b, None))
    return found


def pax_gap_errors(lines: Iterable[Any]) -> list[FieldError]:
    """The grid's and the API's words for `pax_clashes` among a version's lines."""
    groups: dict[tuple[Any, ...], list[tuple[int, int, Any]]] = defaultdict(list)
    for line in lines:
        key = (line.service_id, line.season_id, line.basis, line.occupancy, line.age_band)
        groups[(*key, line.supplement, line.weekdays)].append((line.pax_min, line.pax_max, None))
    errors = []
    for ranges in groups.values():
        for clash in pax_clashes(ranges):
            a, b = f"{clash.first[0]}-{clash.first[1]}", f"{clash.second[0]}-{clash.second[1]}"
            if clash.missing is not None:
                low, high = clash.missing
                errors.append(
                    FieldError(
                        "pax_min",
                        f"pax break {a} is followed by {b}: {low}-{high} people have no price",
                        "pax_gap",
                    )
                )
            else:
                errors.append(
                    FieldError("pax_min", f"pax breaks {a} and {b} overlap", "pax_overlap")
                )
    return errors

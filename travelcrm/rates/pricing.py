"""The price lookup the itinerary calls: net and sell per night (or day) of a service from
published versions only, the lines used and a breakdown of each night, or `NoPriceError`
naming why; cached per agency until something that prices it changes."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session

from travelcrm.core import cache
from travelcrm.core.clock import as_utc, today, utcnow
from travelcrm.core.errors import (
    DomainError,
    NotFoundError,
)
from travelcrm.core.money import round_money
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import scoped_connection
from travelcrm.rates.models import (
    BASIS_WORDS,
    VEHICLE_BASES,
    AgeBand,
    AgeBandKind,
    Allotment,
    Market,
    Occupancy,
    PricingBasis,
    RateLine,
    RateList,
    RateListVersion,
    RestrictionKind,
    Season,
    SeasonRange,
    SupplierRestriction,
    VersionStatus,
)
from travelcrm.rates.rules import effective_sell, unit_net
from travelcrm.rates.schemas import (
    PriceQuery,
)
from travelcrm.suppliers.models import SupplierService
from travelcrm.tenants.services import agency_timezone

# Core tables for the hot paths (price lookup, bulk change) that skip the ORM layer
_svc = SupplierService.__table__  # type: ignore[attr-defined]
_rst = SupplierRestriction.__table__  # type: ignore[attr-defined]
_ver = RateListVersion.__table__  # type: ignore[attr-defined]
_lst = RateList.__table__  # type: ignore[attr-defined]
_ssn = Season.__table__  # type: ignore[attr-defined]
_rng = SeasonRange.__table__  # type: ignore[attr-defined]
_lin = RateLine.__table__  # type: ignore[attr-defined]
_bnd = AgeBand.__table__  # type: ignore[attr-defined]
_alt = Allotment.__table__  # type: ignore[attr-defined]

CACHE_NAMESPACE = "rates"


def forget_prices(session: Session, tenant_id: uuid.UUID) -> None:
    """Published prices, restrictions or allotments changed: the agency's cached lookups are
    void once this transaction commits (voided before, a lookup landing in between would
    cache the old rows as current)."""
    cache.bump_after_commit(session, f"{CACHE_NAMESPACE}:{tenant_id}")


# ---- the price lookup ----------------------------------------------------------------------------


class NoPriceError(DomainError):
    """No price for this request; `reason` says why in a word (stop_sale, blackout,
    no_rate_list, no_season, min_nights, no_rate, age_not_priced, allotment_exhausted,
    mixed_currencies, quantity_missing)."""

    code = "no_price"
    status = 422
    title = "No price"

    @property
    def reason(self) -> str:
        return str(self.extra.get("reason", ""))


def _no_price(reason: str, detail: str, night: date | None = None) -> NoPriceError:
    extra: dict[str, Any] = {"reason": reason}
    if night is not None:
        extra["night"] = night.isoformat()
    return NoPriceError(detail, extra=extra)


@dataclass(frozen=True)
class PricePart:
    """One line's share of a night: `unit_net` x `quantity` (km, hours or legs per vehicle;
    1 for a day or a night) x `units` (vehicles, rooms or people; 1 for a group)."""

    what: str  # the service, a supplement's name, a room or an age band
    basis: str
    quantity: Decimal
    units: int
    unit_net: Decimal
    net: Decimal
    sell: Decimal
    line_id: uuid.UUID

    def to_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "basis": self.basis,
            "quantity": str(self.quantity),
            "units": self.units,
            "unit_net": str(self.unit_net),
            "net": str(self.net),
            "sell": str(self.sell),
            "line_id": str(self.line_id),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PricePart:
        return cls(
            what=data["what"],
            basis=data["basis"],
            quantity=Decimal(data["quantity"]),
            units=int(data["units"]),
            unit_net=Decimal(data["unit_net"]),
            net=Decimal(data["net"]),
            sell=Decimal(data["sell"]),
            line_id=uuid.UUID(data["line_id"]),
        )


@dataclass(frozen=True)
class NightPrice:
    night: date
    net: Decimal
    sell: Decimal
    line_ids: list[uuid.UUID]
    parts: list[PricePart] = field(default_factory=list)


@dataclass(frozen=True)
class PriceQuote:
    service_id: uuid.UUID
    currency: str
    rate_list_id: uuid.UUID
    version_id: uuid.UUID
    nights: list[NightPrice]
    total_net: Decimal
    total_sell: Decimal
    cancellation_tiers: list[dict[str, Any]]
    # which list priced it (of several covering the stay: see `_rank`), in its own words
    rate_list_name: str = ""
    market: str = Market.ALL.value
    published_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "service_id": str(self.service_id),
            "currency": self.currency,
            "rate_list_id": str(self.rate_list_id),
            "version_id": str(self.version_id),
            "rate_list_name": self.rate_list_name,
            "market": self.market,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "nights": [
                {
                    "night": n.night.isoformat(),
                    "net": str(n.net),
                    "sell": str(n.sell),
                    "line_ids": [str(i) for i in n.line_ids],
                    "parts": [p.to_json() for p in n.parts],
                }
                for n in self.nights
            ],
            "total_net": str(self.total_net),
            "total_sell": str(self.total_sell),
            "cancellation_tiers": self.cancellation_tiers,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PriceQuote:
        return cls(
            service_id=uuid.UUID(data["service_id"]),
            currency=data["currency"],
            rate_list_id=uuid.UUID(data["rate_list_id"]),
            version_id=uuid.UUID(data["version_id"]),
            nights=[
                NightPrice(
                    night=date.fromisoformat(n["night"]),
                    net=Decimal(n["net"]),
                    sell=Decimal(n["sell"]),
                    line_ids=[uuid.UUID(i) for i in n["line_ids"]],
                    parts=[PricePart.from_json(p) for p in n.get("parts", [])],
                )
                for n in data["nights"]
            ],
            total_net=Decimal(data["total_net"]),
            total_sell=Decimal(data["total_sell"]),
            cancellation_tiers=data["cancellation_tiers"],
            rate_list_name=data.get("rate_list_name", ""),
            market=data.get("market", Market.ALL.value),
            published_at=(
                datetime.fromisoformat(data["published_at"]) if data.get("published_at") else None
            ),
        )


def _band_of(age: int, bands: Sequence[Any], with_bed: bool) -> str | None:
    """The age band a child falls in (a bed asked for picks child_with_bed when it fits)."""
    kinds = {b.kind: b for b in bands}
    order = (
        [AgeBandKind.INFANT, AgeBandKind.CHILD_WITH_BED, AgeBandKind.CHILD_WITHOUT_BED]
        if with_bed
        else [AgeBandKind.INFANT, AgeBandKind.CHILD_WITHOUT_BED, AgeBandKind.CHILD_WITH_BED]
    )
    for kind in order:
        band = kinds.get(kind.value)
        if band is not None and band.age_min <= age <= band.age_max:
            return kind.value
    adult = kinds.get(AgeBandKind.ADULT.value)
    if adult is not None and age >= adult.age_min:
        return AgeBandKind.ADULT.value
    return None


class _SeasonLines:
    """A season's lines grouped the ways a night is priced (each group built once per stay)."""

    def __init__(self, lines: Iterable[Any] = ()) -> None:
        self.lines: list[Any] = list(lines)
        self._groups: dict[tuple[str, str], list[Any]] = {}
        self._bases: set[str] | None = None

    def add(self, line: Any) -> None:
        self.lines.append(line)
        self._groups.clear()
        self._bases = None

    @property
    def bases(self) -> set[str]:
        """The bases of the base prices (supplements come on top of one of them)."""
        if self._bases is None:
            self._bases = {ln.basis for ln in self.lines if not ln.supplement}
        return self._bases

    def group(self, kind: str, value: str) -> list[Any]:
        """Base prices: `room`: per-room lines of an occupancy; `bed`: extra beds of an age
        band; `person`: per-person lines of an age band; `basis`: the lines of a basis.
        `supplement`: the lines of a supplement, by its name."""
        key = (kind, value)
        found = self._groups.get(key)
        if found is None:
            if kind == "supplement":
                found = [ln for ln in self.lines if ln.supplement == value]
            else:
                base = [ln for ln in self.lines if not ln.supplement]
                if kind == "room":
                    found = [ln for ln in base if ln.basis == "per_room" and ln.occupancy == value]
                elif kind == "bed":
                    found = [
                        ln
                        for ln in base
                        if ln.occupancy == Occupancy.EXTRA_BED.value and ln.age_band == value
                    ]
                elif kind == "basis":
                    found = [ln for ln in base if ln.basis == value]
                else:
                    found = [ln for ln in base if ln.basis == "per_person" and ln.age_band == value]
            self._groups[key] = found
        return found

    def supplements(self) -> list[str]:
        """The supplements' names in the operator's order."""
        return list(dict.fromkeys(ln.supplement for ln in self.lines if ln.supplement))


# without `basis` in the query, the first of these the service is priced by; a distance or
# hours given pick the price per km or per hour over the price per day
_BASIS_ORDER = (
    PricingBasis.PER_ROOM.value,
    PricingBasis.PER_PERSON.value,
    PricingBasis.PER_VEHICLE.value,
    PricingBasis.PER_TRANSFER.value,
    PricingBasis.PER_RETURN_TRANSFER.value,
    PricingBasis.PER_KM.value,
    PricingBasis.PER_HOUR.value,
    PricingBasis.PER_GROUP.value,
)


def _basis_for(bases: set[str], query: PriceQuery) -> str | None:
    if query.basis is not None:
        return query.basis.value
    if not bases & {PricingBasis.PER_ROOM.value, PricingBasis.PER_PERSON.value}:
        if query.km is not None and PricingBasis.PER_KM.value in bases:
            return PricingBasis.PER_KM.value
        if query.hours is not None and PricingBasis.PER_HOUR.value in bases:
            return PricingBasis.PER_HOUR.value
    return next((b for b in _BASIS_ORDER if b in bases), None)


def vehicles_needed(people: int, capacity: int | None) -> int:
    """Vehicles a party fills: ceil(people / seats); with no seats known, one."""
    if not capacity:
        return 1
    return max(1, -(-people // capacity))


def _quantity(basis: str, query: PriceQuery, night: date) -> Decimal:
    """What one vehicle is priced by in a day: km, hours, legs; 1 for the other bases."""
    if basis == PricingBasis.PER_KM.value:
        if query.km is None:
            raise _no_price(
                "quantity_missing", "A price per km needs the distance of the day.", night
            )
        return Decimal(query.km)
    if basis == PricingBasis.PER_HOUR.value:
        if query.hours is None:
            raise _no_price(
                "quantity_missing", "A price per hour needs the hours of the day.", night
            )
        return query.hours
    if basis in (PricingBasis.PER_TRANSFER.value, PricingBasis.PER_RETURN_TRANSFER.value):
        return Decimal(query.transfers)
    return Decimal(1)


def _night_price(
    night: date,
    lines: _SeasonLines,
    *,
    season_name: str,
    query: PriceQuery,
    bands: Sequence[Any],
    currency: str,
    service_name: str = "",
    seats: int | None = None,
) -> NightPrice:
    """Price one night (or day) from the lines of its season (weekday and min-nights already
    checked): the base price by one basis, then the supplements that apply. `seats` is the
    service's seats per vehicle, for vehicle lines without a capacity of their own."""
    people: dict[str, int] = defaultdict(int)
    people[AgeBandKind.ADULT.value] += query.adults
    ages: dict[str, list[int]] = defaultdict(list)  # the children's ages in each band
    beds_left = query.children_with_bed
    for age in sorted(query.child_ages, reverse=True):
        band = _band_of(age, bands, with_bed=beds_left > 0)
        if band is None:
            raise _no_price(
                "age_not_priced", f"No age band of this list covers a child of {age}.", night
            )
        if band == AgeBandKind.CHILD_WITH_BED.value:
            beds_left -= 1
        people[band] += 1
        ages[band].append(age)
    total_pax = sum(people.values())
    what_service = service_name or "the vehicle or group"

    def unpriced(band: str, how: str) -> NoPriceError:
        who = " and ".join(str(a) for a in ages[band])
        children = "a child" if len(ages[band]) == 1 else "children"
        return _no_price(
            "age_not_priced", f"No price for {children} of {who}{how} in {season_name}.", night
        )

    def fits(candidates: list[Any]) -> list[Any]:
        return [
            ln
            for ln in candidates
            if ln.weekdays & (1 << night.weekday())
            and ln.min_nights <= query.nights
            and ln.pax_min <= total_pax <= ln.pax_max
        ]

    def pick(candidates: list[Any], what: str) -> Any:
        if not candidates:
            raise _no_price("no_rate", f"No price for {what} in {season_name}.", night)
        on_day = [ln for ln in candidates if ln.weekdays & (1 << night.weekday())]
        if not on_day:
            raise _no_price("no_rate", f"No price for {what} on {night:%A} {night}.", night)
        staying = [ln for ln in on_day if ln.min_nights <= query.nights]
        if not staying:
            needed = min(ln.min_nights for ln in on_day)
            raise _no_price(
                "min_nights",
                f"{season_name} needs at least {needed} nights for {what}; this stay has "
                f"{query.nights}.",
                night,
            )
        fitting = [ln for ln in staying if ln.pax_min <= total_pax <= ln.pax_max]
        if not fitting:
            raise _no_price(
                "no_rate", f"No price for {what} for {total_pax} people on {night}.", night
            )
        return fitting[0]

    parts: list[PricePart] = []

    def add(line: Any, what: str, units: int, quantity: Decimal = Decimal(1)) -> None:
        unit = unit_net(line, currency)
        parts.append(
            PricePart(
                what=what,
                basis=line.basis,
                quantity=quantity,
                units=units,
                unit_net=unit,
                net=round_money(unit * quantity * units, currency),
                sell=round_money(effective_sell(line, currency) * quantity * units, currency),
                line_id=line.id,
            )
        )

    def vehicle_units(line: Any, fallback: int | None) -> int:
        return vehicles_needed(total_pax, line.capacity or fallback or seats)

    basis = _basis_for(lines.bases, query)
    base_capacity: int | None = None
    if basis == PricingBasis.PER_ROOM.value:
        room = pick(lines.group("room", query.occupancy.value), f"a {query.occupancy.value} room")
        add(room, f"{query.occupancy.value} room", query.rooms)
        for band in (AgeBandKind.CHILD_WITH_BED.value,):
            if people.get(band):
                bed = pick(lines.group("bed", band), "an extra bed for a child")
                add(bed, "extra bed", people[band])
        # a child without a bed shares the room: priced by the list's line for their band (as
        # an extra-bed or a per-person line), free only if an infant the list does not price
        for band in (AgeBandKind.CHILD_WITHOUT_BED.value, AgeBandKind.INFANT.value):
            if not people.get(band):
                continue
            candidates = lines.group("bed", band) or lines.group("person", band)
            if not candidates:
                if band == AgeBandKind.INFANT.value:
                    continue  # infants stay free unless the contract prices them
                raise unpriced(band, " without a bed")
            line = pick(candidates, f"a {band.replace('_', ' ')}")
            add(line, band.replace("_", " "), people[band])
    elif basis == PricingBasis.PER_PERSON.value:
        for band, count in people.items():
            if not count:
                continue
            candidates = lines.group("person", band)
            if not candidates and band == AgeBandKind.INFANT.value:
                continue  # infants travel free unless the contract prices them
            if not candidates and ages.get(band) and band != AgeBandKind.ADULT.value:
                raise unpriced(band, "")
            line = pick(candidates, f"{band.replace('_', ' ')}")
            add(line, band.replace("_", " "), count)
    elif basis is None:
        pick([], what_service)
    else:
        words = BASIS_WORDS.get(basis, basis).lower()
        line = pick(lines.group("basis", basis), f"{what_service} ({words})")
        if basis in VEHICLE_BASES:
            base_capacity = line.capacity or seats
            add(line, what_service, vehicle_units(line, None), _quantity(basis, query, night))
        else:  # a group: one price for the party its pax break allows
            add(line, what_service, 1)
    # supplements, each with its own basis: mandatory ones whenever a line of theirs fits the
    # night and the party, optional ones only when asked for by name
    asked = {name.casefold(): name for name in query.supplements}
    offered = lines.supplements()
    unknown = set(asked) - {name.casefold() for name in offered}
    if unknown:
        name = asked[sorted(unknown)[0]]
        raise _no_price("no_rate", f"No price for {name} in {season_name}.", night)
    for name in offered:
        candidates = lines.group("supplement", name)
        if all(ln.optional for ln in candidates) and name.casefold() not in asked:
            continue
        fitting = fits(candidates)
        if not fitting:
            continue
        line = fitting[0]
        if line.basis in VEHICLE_BASES:
            units = vehicle_units(line, base_capacity)
            add(line, name, units, _quantity(line.basis, query, night))
        elif line.basis == PricingBasis.PER_ROOM.value:
            add(line, name, query.rooms)
        elif line.basis == PricingBasis.PER_PERSON.value:
            add(line, name, total_pax - people.get(AgeBandKind.INFANT.value, 0))
        else:
            add(line, name, 1)
    net = sum((p.net for p in parts), Decimal(0))
    sell = sum((p.sell for p in parts), Decimal(0))
    return NightPrice(
        night,
        round_money(net, currency),
        round_money(sell, currency),
        [p.line_id for p in parts],
        parts,
    )


def _quote_key(query: PriceQuery, on: date) -> str:
    return ":".join(
        [
            "3",  # the cached answer's layout (3: with each night's parts; 2: list's name)
            str(query.service_id),
            query.check_in.isoformat(),
            str(query.nights),
            query.occupancy.value,
            str(query.rooms),
            str(query.adults),
            ",".join(map(str, sorted(query.child_ages))),
            str(query.children_with_bed),
            query.market.value,
            query.basis.value if query.basis else "",
            str(query.km or ""),
            str(query.hours or ""),
            str(query.transfers),
            ",".join(sorted(name.casefold() for name in query.supplements)),
            on.isoformat(),  # the agency's today: allotments release by days before arrival
        ]
    )


def quote_price(
    session: Session, ctx: TenantContext, query: PriceQuery, *, use_cache: bool = True
) -> PriceQuote:
    """Net and sell per night for a service, from published versions only, with the lines
    used; or `NoPriceError` naming why (stop-sale, blackout, no season, min nights not met,
    no rate, allotment exhausted). Cached per agency until a publish, restriction or allotment
    change commits (and at most CACHE_TTL_SECONDS)."""
    import json

    require(ctx, Action.RATES_VIEW)
    on = today(agency_timezone(session, ctx))
    namespace = f"{CACHE_NAMESPACE}:{ctx.tenant_id}"
    key = _quote_key(query, on)
    generation: str | None = None
    # Read before any query of the lookup (see core.cache); skipped in a session that changed
    # prices and has not committed: it sees rows that no one else may be answered from yet.
    if use_cache and not cache.pending(session, namespace):
        generation, hit = cache.lookup(namespace, key)
        if hit is not None:
            data = json.loads(hit)
            if "error" in data:
                raise NoPriceError(data["error"]["detail"], extra=data["error"]["extra"])
            return PriceQuote.from_json(data)
    try:
        quote = _quote(session, query, on=on)
    except NoPriceError as exc:
        payload = {"error": {"detail": exc.detail, "extra": exc.extra}}
        cache.store(namespace, key, generation, json.dumps(payload))
        raise
    cache.store(namespace, key, generation, json.dumps(quote.to_json()))
    return quote


# Decoded cached answers by their text: a warm batch reads the same entries again and again,
# and turning one back into a quote (dates, Decimals, ids) costs more than finding it. The text
# is the whole answer, so one text always decodes to the same quote. Shared: never changed.
_DECODED: dict[str, tuple[PriceQuote | None, dict[str, Any]]] = {}
_DECODED_MAX = 8192


def _decoded(text: str) -> tuple[PriceQuote | None, dict[str, Any]]:
    """(the quote, or None for a cached "no price"; the answer's JSON) of a cached entry."""
    import json

    found = _DECODED.get(text)
    if found is None:
        data = json.loads(text)
        found = (None if "error" in data else PriceQuote.from_json(data), data)
        if len(_DECODED) >= _DECODED_MAX:
            _DECODED.clear()
        _DECODED[text] = found
    return found


@dataclass(frozen=True)
class Quoted:
    """One answer of `quote_prices`: the quote and its JSON form (`PriceQuote.to_json()`), or
    the `NoPriceError` that `quote_price` would have raised. Shared with later answers of the
    same lookup: read them, never change them."""

    quote: PriceQuote | None
    data: dict[str, Any] | None
    error: NoPriceError | None = None


def quote_prices(
    session: Session, ctx: TenantContext, queries: Sequence[PriceQuery], *, use_cache: bool = True
) -> list[Quoted]:
    """`quote_price` of each query, in order, in one go: the agency's day and the cache's
    generation read once, every cached answer found in one round trip (one MGET with Redis),
    only the lookups not cached run their queries. Each answer is what `quote_price` would
    have given for its query (the same quote, or the same reason for none); any other error
    (a service not found) is raised as `quote_price` raises it."""
    import json

    require(ctx, Action.RATES_VIEW)
    if not queries:
        return []
    on = today(agency_timezone(session, ctx))
    namespace = f"{CACHE_NAMESPACE}:{ctx.tenant_id}"
    keys = [_quote_key(query, on) for query in queries]
    generation: str | None = None
    hits: list[str | None] = [None] * len(keys)
    if use_cache and not cache.pending(session, namespace):
        generation, hits = cache.lookup_many(namespace, keys)
    out: list[Quoted] = []
    looked_up: dict[str, Quoted] = {}  # a lookup asked twice in the batch runs once
    for query, key, hit in zip(queries, keys, hits, strict=True):
        answer = looked_up.get(key)
        if answer is not None:
            out.append(answer)
            continue
        if hit is not None:
            quote, data = _decoded(hit)
            if quote is None:
                error = NoPriceError(data["error"]["detail"], extra=dict(data["error"]["extra"]))
                answer = Quoted(None, None, error)
            else:
                answer = Quoted(quote, data)
        else:
            try:
                quote = _quote(session, query, on=on)
            except NoPriceError as exc:
                payload = {"error": {"detail": exc.detail, "extra": exc.extra}}
                cache.store(namespace, key, generation, json.dumps(payload))
                answer = Quoted(None, None, exc)
            else:
                data = quote.to_json()
                cache.store(namespace, key, generation, json.dumps(data))
                answer = Quoted(quote, data)
        looked_up[key] = answer
        out.append(answer)
    return out


# The lookup's statements, built once (their compiled form is cached) and run on the unit of
# work's connection: the ORM layer cost more than the queries themselves. Each binds tenant_id.
_T: Any = bindparam("tenant_id")
_FIRST: Any = bindparam("first")
_LAST: Any = bindparam("last")

# the service, with the blackouts and stop-sales (its own or its supplier's) touching the stay
# and its allotments on the stay's dates: one round trip; the rows are restrictions x allotments
# (a handful: any restriction ends the lookup, allotments are one per night at most)
_LOOKUP_SERVICE = (
    sa_select(
        _svc.c.supplier_id,
        _svc.c.name,
        _svc.c.max_occupancy,
        _rst.c.kind,
        _rst.c.starts_on,
        _rst.c.ends_on,
        _rst.c.reason,
        _alt.c.on_date,
        _alt.c.units,
        _alt.c.used,
        _alt.c.release_days,
    )
    .select_from(
        _svc.outerjoin(
            _rst,
            and_(
                _rst.c.tenant_id == _svc.c.tenant_id,
                _rst.c.supplier_id == _svc.c.supplier_id,
                or_(_rst.c.service_id.is_(None), _rst.c.service_id == _svc.c.id),
                _rst.c.starts_on <= _LAST,
                _rst.c.ends_on >= _FIRST,
            ),
        ).outerjoin(
            _alt,
            and_(
                _alt.c.tenant_id == _svc.c.tenant_id,
                _alt.c.service_id == _svc.c.id,
                _alt.c.on_date >= _FIRST,
                _alt.c.on_date <= _LAST,
            ),
        )
    )
    .where(_svc.c.tenant_id == _T, _svc.c.id == bindparam("service_id"))
)

# the supplier's published versions valid during the stay, each with its seasons in the stay
_LOOKUP_VERSIONS = (
    sa_select(
        _ver.c.id,
        _ver.c.rate_list_id,
        _ver.c.currency,
        _ver.c.valid_from,
        _ver.c.valid_to,
        _ver.c.published_at,
        _ver.c.cancellation_tiers,
        _lst.c.market,
        _lst.c.name.label("rate_list_name"),
        _ssn.c.id.label("season_id"),
        _ssn.c.name.label("season_name"),
        _rng.c.starts_on,
        _rng.c.ends_on,
    )
    .select_from(
        _ver.join(
            _lst, and_(_lst.c.tenant_id == _ver.c.tenant_id, _lst.c.id == _ver.c.rate_list_id)
        )
        .outerjoin(
            _rng,
            and_(
                _rng.c.tenant_id == _ver.c.tenant_id,
                _rng.c.version_id == _ver.c.id,
                _rng.c.starts_on <= _LAST,
                _rng.c.ends_on >= _FIRST,
            ),
        )
        .outerjoin(_ssn, and_(_ssn.c.tenant_id == _rng.c.tenant_id, _ssn.c.id == _rng.c.season_id))
    )
    .where(
        _ver.c.tenant_id == _T,
        _ver.c.supplier_id == bindparam("supplier_id"),
        _ver.c.status == VersionStatus.PUBLISHED.value,
        _ver.c.valid_from <= _LAST,
        _ver.c.valid_to >= _FIRST,
        _lst.c.market.in_(bindparam("markets", expanding=True)),
        _lst.c.is_archived.is_(False),
    )
)

# only what can price this stay: its seasons, and the asked occupancy (plus extra beds and the
# bases without occupancy); plain rows: thousands of lines per service exist
_LOOKUP_LINES = sa_select(
    _lin.c.id,
    _lin.c.version_id,
    _lin.c.season_id,
    _lin.c.basis,
    _lin.c.occupancy,
    _lin.c.age_band,
    _lin.c.pax_min,
    _lin.c.pax_max,
    _lin.c.net,
    _lin.c.sell,
    _lin.c.markup_pct,
    _lin.c.weekdays,
    _lin.c.min_nights,
    _lin.c.capacity,
    _lin.c.supplement,
    _lin.c.optional,
).where(
    _lin.c.tenant_id == _T,
    _lin.c.version_id.in_(bindparam("version_ids", expanding=True)),
    _lin.c.service_id == bindparam("service_id"),
    _lin.c.season_id.in_(bindparam("season_ids", expanding=True)),
    _lin.c.occupancy.in_(bindparam("occupancies", expanding=True)),
)

_LOOKUP_BANDS = sa_select(_bnd.c.version_id, _bnd.c.kind, _bnd.c.age_min, _bnd.c.age_max).where(
    _bnd.c.tenant_id == _T, _bnd.c.version_id.in_(bindparam("version_ids", expanding=True))
)


class _Restriction(NamedTuple):
    kind: str
    starts_on: date
    ends_on: date
    reason: str | None


@dataclass(frozen=True)
class _Candidate:
    """A published version that may price the stay, with its seasons in the stay."""

    id: uuid.UUID
    rate_list_id: uuid.UUID
    currency: str
    valid_from: date
    valid_to: date
    published_at: datetime | None
    cancellation_tiers: list[dict[str, Any]]
    market: str
    rate_list_name: str
    seasons: list[Any] = field(default_factory=list)


def _rank(candidates: Iterable[_Candidate], market: str) -> list[_Candidate]:
    """Of the lists covering a night, the first prices it: a list of the asked market before
    one for all markets, then the most recently published."""
    return sorted(
        candidates,
        key=lambda c: (c.market != market, -as_utc(c.published_at or utcnow()).timestamp()),
    )


def _quote(session: Session, query: PriceQuery, *, on: date) -> PriceQuote:
    """The lookup itself; `on` is the agency's date (allotments release before arrival)."""
    connection, tenant_id = scoped_connection(session)
    nights = [query.check_in + timedelta(days=i) for i in range(query.nights)]
    first, last = nights[0], nights[-1]
    window = {"tenant_id": tenant_id, "first": first, "last": last}
    service_rows = connection.execute(
        _LOOKUP_SERVICE, {**window, "service_id": query.service_id}
    ).all()
    if not service_rows:
        raise NotFoundError("Service not found.")
    supplier_id, service_name = service_rows[0].supplier_id, service_rows[0].name
    seats = service_rows[0].max_occupancy
    restrictions = {
        (r.kind, r.starts_on, r.ends_on, r.reason) for r in service_rows if r.kind is not None
    }
    allotments = {r.on_date: r for r in service_rows if r.on_date is not None}
    for restriction in sorted(
        (_Restriction(*r) for r in restrictions),
        key=lambda r: (r.kind != RestrictionKind.STOP_SALE.value, r.starts_on),
    ):
        night = max(first, restriction.starts_on)
        word = "stop-sale" if restriction.kind == RestrictionKind.STOP_SALE.value else "blackout"
        reason = f" ({restriction.reason})" if restriction.reason else ""
        raise _no_price(
            restriction.kind,
            f"{service_name} is under a {word} from {restriction.starts_on} to "
            f"{restriction.ends_on}{reason}.",
            night,
        )
    markets = [query.market.value] if query.market.value == "all" else [query.market.value, "all"]
    by_version: dict[uuid.UUID, _Candidate] = {}
    for row in connection.execute(
        _LOOKUP_VERSIONS, {**window, "supplier_id": supplier_id, "markets": markets}
    ):
        candidate = by_version.get(row.id)
        if candidate is None:
            candidate = by_version[row.id] = _Candidate(
                row.id,
                row.rate_list_id,
                row.currency,
                row.valid_from,
                row.valid_to,
                row.published_at,
                row.cancellation_tiers,
                row.market,
                row.rate_list_name,
            )
        if row.season_id is not None:
            candidate.seasons.append(row)
    if not by_version:
        raise _no_price(
            "no_rate_list", f"No published rate list of this supplier covers {first}.", first
        )
    version_ids = list(by_version)
    # a season's ranges in the stay are a row each: its id once
    season_ids = list({s.season_id: None for c in by_version.values() for s in c.seasons})
    lines_by_season: dict[tuple[uuid.UUID, uuid.UUID], _SeasonLines] = defaultdict(_SeasonLines)
    if season_ids:
        occupancies = [query.occupancy.value, Occupancy.EXTRA_BED.value, Occupancy.ANY.value]
        for row in connection.execute(
            _LOOKUP_LINES,
            {
                "tenant_id": tenant_id,
                "version_ids": version_ids,
                "service_id": query.service_id,
                "season_ids": season_ids,
                "occupancies": occupancies,
            },
        ):
            lines_by_season[(row.version_id, row.season_id)].add(row)
    bands_by_version: dict[uuid.UUID, list[Any]] = defaultdict(list)
    if query.child_ages:  # adults are adults; the bands only place children
        for band in connection.execute(
            _LOOKUP_BANDS, {"tenant_id": tenant_id, "version_ids": version_ids}
        ):
            bands_by_version[band.version_id].append(band)
    ranked = _rank(by_version.values(), query.market.value)
    priced: list[NightPrice] = []
    chosen: _Candidate | None = None
    for night in nights:
        version = next((c for c in ranked if c.valid_from <= night <= c.valid_to), None)
        if version is None:
            raise _no_price("no_rate_list", f"No published rate list covers {night}.", night)
        if chosen is None:
            chosen = version
        elif version.currency != chosen.currency:  # a total of rupees and dollars means nothing
            raise _no_price(
                "mixed_currencies",
                f"'{chosen.rate_list_name}' prices {first} in {chosen.currency} but "
                f"'{version.rate_list_name}' prices {night} in {version.currency}; quote the "
                "nights separately.",
                night,
            )
        season = next((s for s in version.seasons if s.starts_on <= night <= s.ends_on), None)
        if season is None:
            raise _no_price("no_season", f"No season of the rate list covers {night}.", night)
        in_season = lines_by_season[(version.id, season.season_id)]
        allotment = allotments.get(night)
        if allotment is not None:
            needed_units = query.rooms
            released = (night - on).days < allotment.release_days
            if released or allotment.units - allotment.used < needed_units:
                if night < on:
                    why = "the night is past"
                elif released:
                    why = f"released {allotment.release_days} days before arrival"
                else:
                    why = f"{max(allotment.units - allotment.used, 0)} left"
                raise _no_price(
                    "allotment_exhausted",
                    f"No allotment for {service_name} on {night} ({why}).",
                    night,
                )
        priced.append(
            _night_price(
                night,
                in_season,
                season_name=season.season_name,
                query=query,
                bands=bands_by_version[version.id],
                currency=version.currency,
                service_name=service_name,
                seats=seats,
            )
        )
    assert chosen is not None
    return PriceQuote(
        service_id=query.service_id,
        currency=chosen.currency,
        rate_list_id=chosen.rate_list_id,
        version_id=chosen.id,
        nights=priced,
        total_net=sum((n.net for n in priced), Decimal(0)),
        total_sell=sum((n.sell for n in priced), Decimal(0)),
        cancellation_tiers=list(chosen.cancellation_tiers),
        rate_list_name=chosen.rate_list_name,
        market=chosen.market,
        published_at=as_utc(chosen.published_at) if chosen.published_at else None,
    )

"""Rate lists as operators price them: drafts and published versions, seasons, age bands, rate
lines with their checks, bulk changes with a preview, the diff between versions, the coverage
check before publishing, blackouts, stop-sales and allotments.

Every function takes a session in the caller's agency scope (`tenant_scope`) and its context;
edits to a draft name the `lock_version` they read, so two operators never overwrite each other.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any, NamedTuple

from sqlalchemy import Numeric, Uuid, and_, any_, bindparam, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, col, delete, select

from travelcrm.audit import services as audit
from travelcrm.core import cache
from travelcrm.core.clock import as_utc, today, utcnow
from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
)
from travelcrm.core.money import round_money
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import scoped_connection
from travelcrm.rates.models import (
    ALL_WEEKDAYS,
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
    RatePriceWords,
    RestrictionKind,
    Season,
    SeasonRange,
    SupplierRestriction,
    VersionStatus,
)
from travelcrm.rates.pricewords import (
    PriceWord,
    PriceWords,
    clean_words,
    default_price_words,
    no_price_reason,
    price_word,
    word_key,
)
from travelcrm.rates.schemas import (
    AgeBandIn,
    AllotmentIn,
    BulkChange,
    LineIn,
    LinePatch,
    LineSelection,
    PriceQuery,
    PriceWordsIn,
    PriceWordsPublic,
    RateListCreate,
    RestrictionIn,
    SeasonIn,
    VersionUpdate,
    weekdays_mask,
)
from travelcrm.suppliers.models import Supplier, SupplierService, SupplierStatus
from travelcrm.tenants.services import own_tenant

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

DEFAULT_AGE_BANDS = (
    (AgeBandKind.ADULT, 12, 120),
    (AgeBandKind.CHILD_WITH_BED, 6, 11),
    (AgeBandKind.CHILD_WITHOUT_BED, 2, 11),
    (AgeBandKind.INFANT, 0, 1),
)
EDITABLE = {VersionStatus.DRAFT.value}
CACHE_NAMESPACE = "rates"


# ---- errors -------------------------------------------------------------------------------------


class StaleVersionError(ConflictError):
    code = "stale_version"
    title = "Someone else changed this first"


class NotEditableError(ConflictError):
    code = "version_not_editable"
    title = "This version is read-only"


class PublishRefusedError(ValidationFailedError):
    code = "publish_refused"
    title = "The list has errors"


# ---- lookups (tenant-scoped: another agency's id is simply not found) --------------------------


def _get(session: Session, model: Any, item_id: uuid.UUID, what: str) -> Any:
    row = session.exec(select(model).where(col(model.id) == item_id)).first()
    if row is None:
        raise NotFoundError(f"{what} not found.")
    return row


def get_rate_list(session: Session, ctx: TenantContext, rate_list_id: uuid.UUID) -> RateList:
    require(ctx, Action.RATES_VIEW)
    return _get(session, RateList, rate_list_id, "Rate list")


def get_version(session: Session, ctx: TenantContext, version_id: uuid.UUID) -> RateListVersion:
    require(ctx, Action.RATES_VIEW)
    return _get(session, RateListVersion, version_id, "Rate list version")


def _draft(session: Session, ctx: TenantContext, version_id: uuid.UUID) -> RateListVersion:
    require(ctx, Action.RATES_EDIT)
    version = _get(session, RateListVersion, version_id, "Rate list version")
    if version.status not in EDITABLE:
        raise NotEditableError(
            f"Version {version.number} is {version.status} and read-only; "
            "start a new draft from it to make changes."
        )
    return version


def _check_lock(version: RateListVersion, lock_version: int) -> None:
    if version.lock_version != lock_version:
        raise StaleVersionError(
            f"This draft was changed by someone else since you opened it (you have edit "
            f"{lock_version}, it is now at {version.lock_version}). Reload to see their "
            "changes, then try again.",
            extra={"current_lock_version": version.lock_version},
        )


def _touch(session: Session, version: RateListVersion) -> None:
    version.lock_version += 1
    session.add(version)


def _check_dates(start: date, end: date, *, start_field: str, end_field: str) -> None:
    if end < start:
        raise ValidationFailedError(
            f"The end ({end}) is before the start ({start}).",
            errors=[
                FieldError(end_field, f"is before {start_field} ({start})", "end_before_start")
            ],
        )


# ---- rate lists and versions ------------------------------------------------------------------


def create_rate_list(
    session: Session, ctx: TenantContext, *, data: RateListCreate
) -> tuple[RateList, RateListVersion]:
    """A new contract with its first (draft) version and the usual age bands."""
    require(ctx, Action.RATES_EDIT)
    supplier = _get(session, Supplier, data.supplier_id, "Supplier")
    if supplier.status == SupplierStatus.ARCHIVED.value:
        raise ValidationFailedError(
            f"{supplier.name} is archived; restore it before adding rate lists.",
            errors=[FieldError("supplier_id", "is archived", "archived")],
        )
    _check_dates(data.valid_from, data.valid_to, start_field="valid_from", end_field="valid_to")
    if data.market == "agent_group" and not data.agent_group:
        raise ValidationFailedError(
            "Name the agent group this list is for.",
            errors=[
                FieldError("agent_group", "is required for the agent_group market", "required")
            ],
        )
    rate_list = RateList(
        tenant_id=ctx.tenant_id,
        supplier_id=supplier.id,
        name=data.name.strip(),
        market=data.market.value,
        agent_group=data.agent_group if data.market == "agent_group" else None,
    )
    session.add(rate_list)
    session.flush()
    version = RateListVersion(
        tenant_id=ctx.tenant_id,
        rate_list_id=rate_list.id,
        number=1,
        currency=data.currency.upper(),
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        cancellation_tiers=[
            t.model_dump(mode="json", exclude_none=True) for t in data.cancellation_tiers
        ],
        no_show_charge_pct=data.no_show_charge_pct,
        supplier_id=supplier.id,
        destination_country=supplier.country,
        destination_city=supplier.city,
        notes=data.notes,
        created_by=ctx.user_id,
    )
    session.add(version)
    session.flush()
    for kind, low, high in DEFAULT_AGE_BANDS:
        session.add(
            AgeBand(
                tenant_id=ctx.tenant_id,
                version_id=version.id,
                kind=kind.value,
                age_min=low,
                age_max=high,
            )
        )
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.list_created",
        target_type="rate_list",
        target_id=str(rate_list.id),
        after={"name": rate_list.name, "supplier": supplier.name, "currency": version.currency},
    )
    return rate_list, version


def list_rate_lists(
    session: Session,
    ctx: TenantContext,
    *,
    supplier_id: uuid.UUID | None = None,
    q: str | None = None,
) -> list[tuple[RateList, list[RateListVersion]]]:
    require(ctx, Action.RATES_VIEW)
    statement = select(RateList).order_by(col(RateList.name))
    if supplier_id is not None:
        statement = statement.where(col(RateList.supplier_id) == supplier_id)
    if q:
        statement = statement.where(func.lower(col(RateList.name)).contains(q.strip().lower()))
    lists = list(session.exec(statement.limit(500)).all())
    versions: dict[uuid.UUID, list[RateListVersion]] = defaultdict(list)
    if lists:
        for version in session.exec(
            select(RateListVersion)
            .where(col(RateListVersion.rate_list_id).in_([r.id for r in lists]))
            .order_by(col(RateListVersion.number).desc())
        ).all():
            versions[version.rate_list_id].append(version)
    return [(r, versions[r.id]) for r in lists]


def supplier_choices(session: Session, ctx: TenantContext) -> list[Supplier]:
    """The agency's suppliers that can take a rate list (not archived), by name."""
    require(ctx, Action.RATES_VIEW)
    return list(
        session.exec(
            select(Supplier)
            .where(col(Supplier.status) != SupplierStatus.ARCHIVED.value)
            .order_by(col(Supplier.name))
            .limit(2000)
        ).all()
    )


def supplier_names(
    session: Session, ctx: TenantContext, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Names of the agency's suppliers among `ids` (others' ids are simply absent)."""
    require(ctx, Action.RATES_VIEW)
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(Supplier.id, Supplier.name).where(col(Supplier.id).in_(wanted)))
    return dict(rows.all())


def services_to_price(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID
) -> list[SupplierService]:
    """The supplier's services by name: what a rate list of it can price."""
    require(ctx, Action.RATES_VIEW)
    return list(
        session.exec(
            select(SupplierService)
            .where(col(SupplierService.supplier_id) == supplier_id)
            .order_by(col(SupplierService.name), col(SupplierService.meal_plan))
        ).all()
    )


def list_versions(
    session: Session, ctx: TenantContext, rate_list_id: uuid.UUID
) -> list[RateListVersion]:
    get_rate_list(session, ctx, rate_list_id)
    return list(
        session.exec(
            select(RateListVersion)
            .where(col(RateListVersion.rate_list_id) == rate_list_id)
            .order_by(col(RateListVersion.number).desc())
        ).all()
    )


def update_version(
    session: Session, ctx: TenantContext, *, version_id: uuid.UUID, data: VersionUpdate
) -> RateListVersion:
    version = _draft(session, ctx, version_id)
    _check_lock(version, data.lock_version)
    changes = data.model_dump(exclude_unset=True, exclude={"lock_version"})
    valid_from = changes.get("valid_from") or version.valid_from
    valid_to = changes.get("valid_to") or version.valid_to
    _check_dates(valid_from, valid_to, start_field="valid_from", end_field="valid_to")
    outside = [
        s for s in _seasons(session, version.id) if s.starts_on < valid_from or s.ends_on > valid_to
    ]
    if outside:
        raise ValidationFailedError(
            f"Season {outside[0].name} ({outside[0].starts_on} to {outside[0].ends_on}) would "
            f"fall outside the validity {valid_from} to {valid_to}.",
            errors=[FieldError("valid_from", "leaves a season outside", "season_outside")],
        )
    for required in ("currency", "valid_from", "valid_to", "cancellation_tiers"):
        if required in changes and changes[required] is None:
            raise ValidationFailedError(
                f"{required} cannot be emptied.",
                errors=[FieldError(required, "cannot be empty", "required")],
            )
    if "cancellation_tiers" in changes:
        changes["cancellation_tiers"] = [
            t.model_dump(mode="json", exclude_none=True) for t in data.cancellation_tiers or []
        ]
    before = {}
    for key, value in changes.items():
        if key == "currency" and value:
            value = value.upper()
        before[key] = getattr(version, key)
        setattr(version, key, value)
    _touch(session, version)
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.version_changed",
        target_type="rate_list_version",
        target_id=str(version.id),
        before={k: str(v) for k, v in before.items()},
        after={k: str(getattr(version, k)) for k in before},
    )
    return version


def new_draft(
    session: Session, ctx: TenantContext, *, version_id: uuid.UUID, empty: bool = False
) -> RateListVersion:
    """A new draft copied from a version (seasons, age bands, lines; with `empty` only its terms
    and age bands, for an import to fill); at most one draft."""
    require(ctx, Action.RATES_EDIT)
    source = _get(session, RateListVersion, version_id, "Rate list version")
    existing = session.exec(
        select(RateListVersion).where(
            col(RateListVersion.rate_list_id) == source.rate_list_id,
            col(RateListVersion.status) == VersionStatus.DRAFT.value,
        )
    ).first()
    if existing is not None:
        raise ConflictError(
            f"Version {existing.number} is already a draft of this list; edit that one.",
            extra={"draft_version_id": str(existing.id)},
        )
    number = (
        session.exec(
            select(func.max(RateListVersion.number)).where(
                col(RateListVersion.rate_list_id) == source.rate_list_id
            )
        ).one()
        or 0
    ) + 1
    draft = RateListVersion(
        tenant_id=ctx.tenant_id,
        rate_list_id=source.rate_list_id,
        number=number,
        currency=source.currency,
        valid_from=source.valid_from,
        valid_to=source.valid_to,
        cancellation_tiers=list(source.cancellation_tiers),
        no_show_charge_pct=source.no_show_charge_pct,
        supplier_id=source.supplier_id,
        destination_country=source.destination_country,
        destination_city=source.destination_city,
        notes=source.notes,
        created_by=ctx.user_id,
    )
    session.add(draft)
    session.flush()
    season_map: dict[uuid.UUID, uuid.UUID] = {}
    ranges_of = {} if empty else _ranges_of(session, source.id)
    for season in [] if empty else _seasons(session, source.id):
        copy = Season(
            tenant_id=ctx.tenant_id,
            version_id=draft.id,
            name=season.name,
            starts_on=season.starts_on,
            ends_on=season.ends_on,
        )
        session.add(copy)
        season_map[season.id] = copy.id
    session.flush()
    session.add_all(
        [
            SeasonRange(
                tenant_id=ctx.tenant_id,
                version_id=draft.id,
                season_id=season_map[season_id],
                starts_on=start,
                ends_on=end,
            )
            for season_id, spans in ranges_of.items()
            for start, end in spans
        ]
    )
    for band in _age_bands(session, source.id):
        session.add(
            AgeBand(
                tenant_id=ctx.tenant_id,
                version_id=draft.id,
                kind=band.kind,
                age_min=band.age_min,
                age_max=band.age_max,
            )
        )
    session.flush()
    lines = (
        []
        if empty
        else session.exec(select(RateLine).where(col(RateLine.version_id) == source.id)).all()
    )
    session.add_all(
        [
            RateLine(
                tenant_id=ctx.tenant_id,
                version_id=draft.id,
                service_id=line.service_id,
                season_id=season_map[line.season_id],
                basis=line.basis,
                occupancy=line.occupancy,
                age_band=line.age_band,
                pax_min=line.pax_min,
                pax_max=line.pax_max,
                net=line.net,
                sell=line.sell,
                markup_pct=line.markup_pct,
                weekdays=line.weekdays,
                min_nights=line.min_nights,
                capacity=line.capacity,
                supplement=line.supplement,
                optional=line.optional,
                position=line.position,
            )
            for line in lines
        ]
    )
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.draft_started",
        target_type="rate_list_version",
        target_id=str(draft.id),
        after={"from_version": source.number, "number": number, "lines": len(lines)},
    )
    return draft


# ---- seasons and age bands -------------------------------------------------------------------


def _seasons(session: Session, version_id: uuid.UUID) -> list[Season]:
    return list(
        session.exec(
            select(Season)
            .where(col(Season.version_id) == version_id)
            .order_by(col(Season.starts_on))
        ).all()
    )


def _age_bands(session: Session, version_id: uuid.UUID) -> list[AgeBand]:
    return list(
        session.exec(
            select(AgeBand)
            .where(col(AgeBand.version_id) == version_id)
            .order_by(col(AgeBand.age_min))
        ).all()
    )


def list_seasons(session: Session, ctx: TenantContext, version_id: uuid.UUID) -> list[Season]:
    get_version(session, ctx, version_id)
    return _seasons(session, version_id)


def _ranges_of(session: Session, version_id: uuid.UUID) -> dict[uuid.UUID, list[tuple[date, date]]]:
    found: dict[uuid.UUID, list[tuple[date, date]]] = defaultdict(list)
    for span in session.exec(
        select(SeasonRange)
        .where(col(SeasonRange.version_id) == version_id)
        .order_by(col(SeasonRange.starts_on))
    ).all():
        found[span.season_id].append((span.starts_on, span.ends_on))
    return dict(found)


def season_ranges(
    session: Session, ctx: TenantContext, version_id: uuid.UUID
) -> dict[uuid.UUID, list[tuple[date, date]]]:
    """Each season's date ranges (first first), by season id."""
    get_version(session, ctx, version_id)
    return _ranges_of(session, version_id)


def season_days(spans: Iterable[tuple[date, date]]) -> set[date]:
    return {
        start + timedelta(days=i) for start, end in spans for i in range((end - start).days + 1)
    }


def list_age_bands(session: Session, ctx: TenantContext, version_id: uuid.UUID) -> list[AgeBand]:
    get_version(session, ctx, version_id)
    return _age_bands(session, version_id)


def _check_season(
    version: RateListVersion,
    data: SeasonIn,
    others: Iterable[tuple[str, list[tuple[date, date]]]],
) -> None:
    """Every problem of the season's ranges at once, each on its range (`row`): reversed,
    outside the list's validity, overlapping one another or another season's range."""
    errors: list[FieldError] = []
    spans = [(r.starts_on, r.ends_on) for r in data.ranges]
    for index, (start, end) in enumerate(spans):
        if end < start:
            errors.append(FieldError("ends_on", "before the start", "end_before_start", index))
            continue
        if start < version.valid_from or end > version.valid_to:
            errors.append(
                FieldError(
                    "starts_on" if start < version.valid_from else "ends_on",
                    f"outside the list's validity ({_span(version.valid_from, version.valid_to)})",
                    "season_outside_validity",
                    index,
                )
            )
        for other_index, (o_start, o_end) in enumerate(spans[:index]):
            if start <= o_end and o_start <= end:
                errors.append(
                    FieldError(
                        "starts_on",
                        f"overlaps this season's dates {_span(o_start, o_end)}"
                        + (f" (dates {other_index + 1})" if len(spans) > 2 else ""),
                        "season_overlap",
                        index,
                    )
                )
        for name, other_spans in others:
            for o_start, o_end in other_spans:
                if start <= o_end and o_start <= end:
                    errors.append(
                        FieldError(
                            "starts_on",
                            f"overlaps {name} ({_span(o_start, o_end)})",
                            "season_overlap",
                            index,
                        )
                    )
    if errors:
        said = "; ".join(
            (f"dates {e.row + 1}: " if len(spans) > 1 and e.row is not None else "") + e.message
            for e in errors
        )
        raise ValidationFailedError(f"Season {data.name}: {said}.", errors=errors)


def _other_seasons(
    session: Session, version_id: uuid.UUID, but: uuid.UUID | None = None
) -> list[tuple[str, list[tuple[date, date]]]]:
    ranges = _ranges_of(session, version_id)
    return [(s.name, ranges.get(s.id, [])) for s in _seasons(session, version_id) if s.id != but]


def _set_ranges(session: Session, season: Season, data: SeasonIn) -> None:
    session.exec(delete(SeasonRange).where(col(SeasonRange.season_id) == season.id))
    session.add_all(
        [
            SeasonRange(
                tenant_id=season.tenant_id,
                version_id=season.version_id,
                season_id=season.id,
                starts_on=r.starts_on,
                ends_on=r.ends_on,
            )
            for r in sorted(data.ranges, key=lambda r: r.starts_on)
        ]
    )


def add_season(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    lock_version: int,
    data: SeasonIn,
) -> Season:
    version = _draft(session, ctx, version_id)
    _check_lock(version, lock_version)
    _check_season(version, data, _other_seasons(session, version.id))
    season = Season(
        tenant_id=ctx.tenant_id,
        version_id=version.id,
        name=data.name.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    session.add(season)
    session.flush()
    _set_ranges(session, season, data)
    _touch(session, version)
    session.flush()
    return season


def update_season(
    session: Session,
    ctx: TenantContext,
    *,
    season_id: uuid.UUID,
    lock_version: int,
    data: SeasonIn,
) -> Season:
    season = _get(session, Season, season_id, "Season")
    version = _draft(session, ctx, season.version_id)
    _check_lock(version, lock_version)
    _check_season(version, data, _other_seasons(session, version.id, but=season.id))
    season.name, season.starts_on, season.ends_on = data.name.strip(), data.starts_on, data.ends_on
    session.add(season)
    _set_ranges(session, season, data)
    _touch(session, version)
    session.flush()
    return season


def delete_season(
    session: Session, ctx: TenantContext, *, season_id: uuid.UUID, lock_version: int
) -> int:
    """Remove a season, its dates and its lines; returns how many lines went with it."""
    season = _get(session, Season, season_id, "Season")
    version = _draft(session, ctx, season.version_id)
    _check_lock(version, lock_version)
    removed = session.exec(delete(RateLine).where(col(RateLine.season_id) == season.id)).rowcount
    session.exec(delete(SeasonRange).where(col(SeasonRange.season_id) == season.id))
    session.delete(season)
    _touch(session, version)
    session.flush()
    return int(removed or 0)


def replace_seasons(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    seasons: Sequence[tuple[str, Sequence[tuple[date, date]]]],
) -> dict[tuple[date, date], uuid.UUID]:
    """An import's seasons for a draft (checked by the import): the draft's lines and seasons
    go, each season is stored with its date ranges; returns each range's season id."""
    version = _draft(session, ctx, version_id)
    connection, tenant_id = scoped_connection(session)
    for table in (RateLine.__table__, SeasonRange.__table__, Season.__table__):  # type: ignore[attr-defined]
        connection.execute(
            table.delete().where(table.c.tenant_id == tenant_id, table.c.version_id == version.id)
        )
    session.expire_all()
    ids: dict[tuple[date, date], uuid.UUID] = {}
    for name, spans in seasons:
        season = Season(
            tenant_id=ctx.tenant_id,
            version_id=version.id,
            name=name[:80],
            starts_on=min(a for a, _b in spans),
            ends_on=max(b for _a, b in spans),
        )
        session.add(season)
        for start, end in spans:
            ids[(start, end)] = season.id
    session.flush()
    session.add_all(
        [
            SeasonRange(
                tenant_id=ctx.tenant_id,
                version_id=version.id,
                season_id=season_id,
                starts_on=start,
                ends_on=end,
            )
            for (start, end), season_id in ids.items()
        ]
    )
    session.flush()
    return ids


def set_age_bands(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    lock_version: int,
    bands: Sequence[AgeBandIn],
) -> list[AgeBand]:
    """Replace the version's age bands. Children with and without a bed may share ages; no other
    bands may overlap."""
    version = _draft(session, ctx, version_id)
    _check_lock(version, lock_version)
    errors = []
    kinds = [b.kind for b in bands]
    if len(set(kinds)) != len(kinds):
        errors.append(FieldError("kind", "each band once", "duplicate_band"))
    for index, band in enumerate(bands):
        if band.age_max < band.age_min:
            errors.append(
                FieldError("age_max", f"{band.kind.value}: below age_min", "ages_reversed", index)
            )
    children = {AgeBandKind.CHILD_WITH_BED, AgeBandKind.CHILD_WITHOUT_BED}
    for i, a in enumerate(bands):
        for b in bands[i + 1 :]:
            if {a.kind, b.kind} == children:
                continue
            if a.age_min <= b.age_max and b.age_min <= a.age_max:
                errors.append(
                    FieldError(
                        "age_min",
                        f"{a.kind.value} ({a.age_min}-{a.age_max}) overlaps "
                        f"{b.kind.value} ({b.age_min}-{b.age_max})",
                        "ages_overlap",
                        i,
                    )
                )
    if errors:
        raise ValidationFailedError(
            "The age bands " + "; ".join(e.message for e in errors) + ".", errors=errors
        )
    session.exec(delete(AgeBand).where(col(AgeBand.version_id) == version.id))
    rows = [
        AgeBand(
            tenant_id=ctx.tenant_id,
            version_id=version.id,
            kind=b.kind.value,
            age_min=b.age_min,
            age_max=b.age_max,
        )
        for b in bands
    ]
    session.add_all(rows)
    _touch(session, version)
    session.flush()
    return rows


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


def _line_errors(
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


def _context_for(
    session: Session, version: RateListVersion
) -> tuple[dict[uuid.UUID, SupplierService], dict[uuid.UUID, Season], set[str]]:
    services = {
        s.id: s
        for s in session.exec(
            select(SupplierService).where(col(SupplierService.supplier_id) == version.supplier_id)
        ).all()
    }
    seasons = {s.id: s for s in _seasons(session, version.id)}
    bands = {b.kind for b in _age_bands(session, version.id)}
    return services, seasons, bands


def _pax_gap_errors(session: Session, version_id: uuid.UUID) -> list[FieldError]:
    """Pax breaks of the same price key must follow on (1-2 then 3-5, not 1-2 then 4-6)."""
    groups: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    for line in session.exec(select(RateLine).where(col(RateLine.version_id) == version_id)):
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


def add_lines(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    lock_version: int,
    lines: Sequence[LineIn],
) -> list[RateLine]:
    """Add lines; all or nothing (errors name the row)."""
    version = _draft(session, ctx, version_id)
    _check_lock(version, lock_version)
    services, seasons, bands = _context_for(session, version)
    errors: list[FieldError] = []
    rows = []
    start = session.exec(
        select(func.coalesce(func.max(RateLine.position), 0)).where(
            col(RateLine.version_id) == version.id
        )
    ).one()
    words = _words_if_needed(session, [p for line in lines for p in (line.net, line.sell)])
    for index, line in enumerate(lines):
        net = _price_of(line.net, "net", words, errors, index + 1)
        sell = _price_of(line.sell, "sell", words, errors, index + 1)
        values = LineValues(
            service_id=line.service_id,
            season_id=line.season_id,
            basis=line.basis.value,
            occupancy=line.occupancy.value,
            age_band=line.age_band.value,
            pax_min=line.pax_min,
            pax_max=line.pax_max,
            net=Decimal(0) if net is None else net,
            sell=sell,
            markup_pct=line.markup_pct,
            weekdays=weekdays_mask(list(line.weekdays)),
            min_nights=line.min_nights,
            capacity=line.capacity,
            supplement=line.supplement,
            optional=line.optional,
        )
        errors += _line_errors(
            values, services=services, seasons=seasons, bands=bands, row=index + 1
        )
        rows.append(
            RateLine(
                tenant_id=ctx.tenant_id,
                version_id=version.id,
                position=start + index + 1,
                **values.__dict__,
            )
        )
    if errors:
        raise ValidationFailedError(_summary(errors), errors=errors)
    session.add_all(rows)
    _touch(session, version)
    session.flush()
    return rows


def _words_if_needed(session: Session, prices: Iterable[Any]) -> PriceWords | None:
    """The agency's price words, read only when a price was given as text."""
    if any(isinstance(price, str) for price in prices):
        return price_words(session)
    return None


def _price_of(
    value: Decimal | str | None,
    field: str,
    words: PriceWords | None,
    errors: list[FieldError],
    row: int | None = None,
) -> Decimal | None:
    """A price given to the grid or the API: an amount, or a price word of the agency ("FOC"
    is 0; "On request" is refused: a line needs its price). A refusal goes to `errors`."""
    if not isinstance(value, str):
        return value
    meaning = price_word(value, words or default_price_words())
    if meaning is PriceWord.ZERO:
        return Decimal(0)
    if meaning is PriceWord.NO_PRICE:
        instead = "leave it empty" if field == "sell" else "delete the line"
        reason = f"{no_price_reason(value)}: this cell needs a price, or {instead}"
        errors.append(FieldError(field, reason, "no_price", row))
    else:
        errors.append(
            FieldError(
                field,
                f"{value.strip()!r} is not a price (write an amount, or a price word such as "
                "FOC for 0)",
                "not_a_price",
                row,
            )
        )
    return None


def _summary(errors: list[FieldError]) -> str:
    first = errors[0]
    where = f"row {first.row}, " if first.row else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}{first.field}: {first.message}{more}."


def update_line(
    session: Session, ctx: TenantContext, *, line_id: uuid.UUID, data: LinePatch
) -> RateLine:
    """Change cells of one line (the grid's inline edit)."""
    line = _get(session, RateLine, line_id, "Rate line")
    version = _draft(session, ctx, line.version_id)
    _check_lock(version, data.lock_version)
    changes = data.model_dump(exclude_unset=True, exclude={"lock_version"})
    if "weekdays" in changes and changes["weekdays"] is not None:
        changes["weekdays"] = weekdays_mask(changes["weekdays"])
    for key in ("basis", "occupancy", "age_band"):
        if changes.get(key) is not None:
            changes[key] = str(getattr(changes[key], "value", changes[key]))
    words = _words_if_needed(session, [changes.get("net"), changes.get("sell")])
    price_errors: list[FieldError] = []
    for key in ("net", "sell"):
        if changes.get(key) is not None:
            changes[key] = _price_of(changes[key], key, words, price_errors)
    if price_errors:
        raise ValidationFailedError(_summary(price_errors), errors=price_errors)
    values = LineValues(**{k: getattr(line, k) for k in LineValues.__dataclass_fields__})
    for key, value in changes.items():
        if value is None and key not in {"sell", "markup_pct", "capacity", "supplement"}:
            raise ValidationFailedError(
                f"{key} cannot be empty.", errors=[FieldError(key, "cannot be empty", "required")]
            )
        setattr(values, key, value)
    services, seasons, bands = _context_for(session, version)
    errors = _line_errors(values, services=services, seasons=seasons, bands=bands)
    if errors:
        raise ValidationFailedError(_summary(errors), errors=errors)
    for key, value in values.__dict__.items():
        setattr(line, key, value)
    session.add(line)
    _touch(session, version)
    session.flush()
    return line


def delete_lines(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    lock_version: int,
    line_ids: Sequence[uuid.UUID],
) -> int:
    version = _draft(session, ctx, version_id)
    _check_lock(version, lock_version)
    removed = int(
        session.exec(
            delete(RateLine).where(
                col(RateLine.version_id) == version.id, col(RateLine.id).in_(list(line_ids))
            )
        ).rowcount
        or 0
    )
    if removed:
        _touch(session, version)
        session.flush()
    return removed


@dataclass(frozen=True)
class LinePage:
    lines: list[RateLine]
    total: int
    page: int
    pages: int


def list_lines(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    service_id: uuid.UUID | None = None,
    season_id: uuid.UUID | None = None,
    line_ids: Sequence[uuid.UUID] | None = None,
    page: int = 1,
    per_page: int = 100,
) -> LinePage:
    """A page of lines in the operator's order (server-side paging for the grid)."""
    get_version(session, ctx, version_id)
    where = [col(RateLine.version_id) == version_id]
    if line_ids is not None:
        where.append(col(RateLine.id).in_(list(line_ids)))
    if service_id is not None:
        where.append(col(RateLine.service_id) == service_id)
    if season_id is not None:
        where.append(col(RateLine.season_id) == season_id)
    total = session.exec(select(func.count()).select_from(RateLine).where(*where)).one()
    per_page = max(1, min(per_page, 1000))
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    lines = session.exec(
        select(RateLine)
        .where(*where)
        .order_by(col(RateLine.position), col(RateLine.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return LinePage(lines=list(lines), total=total, page=page, pages=pages)


# ---- bulk changes ------------------------------------------------------------------------------


def version_lines(session: Session, ctx: TenantContext, *, version_id: uuid.UUID) -> list[Any]:
    """Every line of a version as plain rows in the operator's order (exports, imports' diff):
    tens of thousands, so Core rows on the scoped connection rather than ORM objects."""
    get_version(session, ctx, version_id)
    connection, tenant_id = scoped_connection(session)
    table = _lin
    return list(
        connection.execute(
            sa_select(
                table.c.id,
                table.c.service_id,
                table.c.season_id,
                table.c.basis,
                table.c.occupancy,
                table.c.age_band,
                table.c.pax_min,
                table.c.pax_max,
                table.c.net,
                table.c.sell,
                table.c.markup_pct,
                table.c.weekdays,
                table.c.min_nights,
                table.c.capacity,
                table.c.supplement,
                table.c.optional,
                table.c.position,
            )
            .where(table.c.tenant_id == tenant_id, table.c.version_id == version_id)
            .order_by(table.c.position, table.c.id)
        )
    )


@dataclass(frozen=True)
class BulkPreviewRow:
    line_id: uuid.UUID
    old: Decimal
    new: Decimal


@dataclass(frozen=True)
class BulkResult:
    rows: list[BulkPreviewRow]
    applied: bool
    lock_version: int


def _selected(session: Session, version_id: uuid.UUID, selection: LineSelection) -> list[Any]:
    """The selected lines as plain rows (id, position and prices), in the grid's order: a bulk
    change may touch tens of thousands, so Core rows on the scoped connection, and the ids as
    one array parameter on PostgreSQL (in chunks on SQLite) rather than 20,000 placeholders."""
    nothing = selection.service_id is None and selection.season_id is None
    if not selection.all_lines and not selection.line_ids and nothing:
        raise ValidationFailedError(
            "Select lines, or filter by service or season, before a bulk change.",
            errors=[FieldError("selection", "is empty", "empty_selection")],
        )
    connection, tenant_id = scoped_connection(session)
    table = _lin
    statement = sa_select(
        table.c.id, table.c.position, table.c.net, table.c.sell, table.c.markup_pct
    ).where(table.c.tenant_id == tenant_id, table.c.version_id == version_id)
    if selection.service_id is not None:
        statement = statement.where(table.c.service_id == selection.service_id)
    if selection.season_id is not None:
        statement = statement.where(table.c.season_id == selection.season_id)
    if not selection.line_ids:
        return list(connection.execute(statement.order_by(table.c.position)))
    ids = list(dict.fromkeys(selection.line_ids))
    if connection.dialect.name == "postgresql":
        wanted = bindparam("line_ids", ids, type_=postgresql.ARRAY(Uuid()))
        return list(
            connection.execute(
                statement.where(table.c.id == any_(wanted)).order_by(table.c.position)
            )
        )
    rows: list[Any] = []
    for start in range(0, len(ids), 10_000):  # under SQLite's bound-parameter limit
        chunk = ids[start : start + 10_000]
        rows += connection.execute(statement.where(table.c.id.in_(chunk)))
    return sorted(rows, key=lambda r: r.position)


def _round_to(value: Decimal, step: Decimal | None, currency: str) -> Decimal:
    if step:
        value = (value / step).quantize(Decimal(1), rounding="ROUND_HALF_UP") * step
    return round_money(value, currency)


def _write_prices(
    session: Session, version_id: uuid.UUID, field_name: str, rows: list[BulkPreviewRow]
) -> None:
    """Store the new prices in one statement: on PostgreSQL an UPDATE joined to the (id, price)
    pairs passed as two arrays; elsewhere one executemany. A sell set by hand drops the markup."""
    connection, tenant_id = scoped_connection(session)
    table = _lin
    values: dict[str, Any] = {field_name: bindparam("new_value")}
    if field_name == "sell":
        values["markup_pct"] = None
    if connection.dialect.name == "postgresql":
        pairs = (
            func.unnest(
                bindparam("ids", [r.line_id for r in rows], type_=postgresql.ARRAY(Uuid())),
                bindparam("prices", [r.new for r in rows], type_=postgresql.ARRAY(Numeric(18, 4))),
            )
            .table_valued("line_id", "new_value")
            .render_derived(name="pairs")
        )
        values[field_name] = pairs.c.new_value
        connection.execute(
            sa_update(table)
            .where(
                table.c.tenant_id == tenant_id,
                table.c.version_id == version_id,
                table.c.id == pairs.c.line_id,
            )
            .values(values)
        )
        return
    connection.execute(
        sa_update(table)
        .where(
            table.c.tenant_id == tenant_id,
            table.c.version_id == version_id,
            table.c.id == bindparam("line_id"),
        )
        .values(values),
        [{"line_id": row.line_id, "new_value": row.new} for row in rows],
    )


def bulk_change(
    session: Session, ctx: TenantContext, *, version_id: uuid.UUID, change: BulkChange
) -> BulkResult:
    """Raise/lower by % or an amount, or set a value, optionally rounded to a step; with
    `dry_run` only the preview (old -> new per line), else applied in this transaction."""
    version = _draft(session, ctx, version_id)
    _check_lock(version, change.lock_version)
    lines = _selected(session, version.id, change.selection)
    rows = []
    negative = []
    for line in lines:
        old = getattr(line, change.field)
        base = old if old is not None else effective_sell(line, version.currency)
        if change.operation == "percent":
            new = base * (1 + change.value / 100)
        elif change.operation == "amount":
            new = base + change.value
        else:
            new = change.value
        new = _round_to(new, change.round_to, version.currency)
        if new < 0:
            negative.append(line.position)
        rows.append(BulkPreviewRow(line_id=line.id, old=base, new=new))
    if negative:
        raise ValidationFailedError(
            f"The change would make {len(negative)} price(s) negative (first: line {negative[0]}).",
            errors=[FieldError("value", "makes prices negative", "negative_price")],
        )
    if change.dry_run:  # a preview may show that nothing matches
        return BulkResult(rows=rows, applied=False, lock_version=version.lock_version)
    if not rows:
        raise ValidationFailedError(
            "No line matches this selection: nothing was changed.",
            errors=[FieldError("selection", "matches no line", "no_match")],
        )
    _write_prices(session, version.id, change.field, rows)
    _touch(session, version)
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.bulk_changed",
        target_type="rate_list_version",
        target_id=str(version.id),
        after={
            "lines": len(lines),
            "field": change.field,
            "operation": change.operation,
            "value": str(change.value),
            "round_to": str(change.round_to) if change.round_to else None,
        },
    )
    return BulkResult(rows=rows, applied=True, lock_version=version.lock_version)


# ---- coverage check and publishing -------------------------------------------------------------


@dataclass(frozen=True)
class CoverageIssue:
    """One finding of the coverage check. `severity`: "error" blocks publishing; "confirm"
    blocks it until the operator acknowledges this very issue (by its `key`, recorded in the
    audit log); "warning" is shown and does not block."""

    severity: str
    code: str
    message: str
    service_id: uuid.UUID | None = None
    season_id: uuid.UUID | None = None
    line_ids: list[uuid.UUID] = field(default_factory=list)
    subject: str = ""  # what within the service and season (e.g. "single", "child_with_bed")

    @property
    def key(self) -> str:
        """Stable while the draft's gap stays the same: what an acknowledgement names."""
        return "/".join(
            [self.code, str(self.service_id or ""), str(self.season_id or ""), self.subject]
        )


# what a room a list sells implies must be priced too, in the operator's words
_CHILD_WORDS = {
    AgeBandKind.CHILD_WITH_BED.value: "a child with an extra bed",
    AgeBandKind.CHILD_WITHOUT_BED.value: "a child without a bed",
}


def _ranges(days: list[date]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and day == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def coverage(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    min_markup_pct: Decimal = Decimal(0),
) -> list[CoverageIssue]:
    """What a publish would leave unpriced or underpriced, per service."""
    version = get_version(session, ctx, version_id)
    services, seasons, bands = _context_for(session, version)
    lines = list(session.exec(select(RateLine).where(col(RateLine.version_id) == version.id)).all())
    issues: list[CoverageIssue] = []
    issues += [
        CoverageIssue("error", error.code, error.message)
        for error in _pax_gap_errors(session, version.id)
    ]
    ranges = _ranges_of(session, version.id)
    days_of = {s.id: season_days(ranges.get(s.id, [])) for s in seasons.values()}
    validity = [
        version.valid_from + timedelta(days=i)
        for i in range((version.valid_to - version.valid_from).days + 1)
    ]
    by_service: dict[uuid.UUID, list[RateLine]] = defaultdict(list)
    for line in lines:
        by_service[line.service_id].append(line)
    for service in services.values():
        if not service.is_active:
            continue
        mine = by_service.get(service.id, [])
        if not mine:
            issues.append(
                CoverageIssue("warning", "no_lines", f"{service.name}: no prices.", service.id)
            )
            continue
        covered: set[date] = set()
        for line in mine:
            covered |= days_of.get(line.season_id, set())
        gaps = [d for d in validity if d not in covered]
        if gaps:
            spans = ", ".join(_span(a, b) for a, b in _ranges(gaps)[:5])
            more = " and more" if len(_ranges(gaps)) > 5 else ""
            days = "day" if len(gaps) == 1 else "days"
            issues.append(
                CoverageIssue(
                    "confirm",
                    "dates_uncovered",
                    f"{service.name}: {len(gaps)} {days} of the validity have no price "
                    f"({spans}{more}).",
                    service.id,
                )
            )
        # supplements are surcharges on top: they leave no party unpriced
        issues += _sold_but_unpriced(
            service, [ln for ln in mine if not ln.supplement], seasons, bands
        )
        combos = {(ln.basis, ln.occupancy, ln.age_band, ln.supplement or "") for ln in mine}
        for season_id in {ln.season_id for ln in mine} | set(seasons):
            present = {
                (ln.basis, ln.occupancy, ln.age_band, ln.supplement or "")
                for ln in mine
                if ln.season_id == season_id
            }
            # single rooms and children are asked for above, each to acknowledge
            missing = {
                (b, o, a, extra)
                for b, o, a, extra in combos - present
                if o != Occupancy.SINGLE.value and a not in _CHILD_WORDS
            }
            if missing and season_id in seasons:
                names = ", ".join(
                    sorted(
                        extra or (f"{o}/{a}" if o != Occupancy.ANY.value else BASIS_WORDS[b])
                        for b, o, a, extra in missing
                    )
                )
                issues.append(
                    CoverageIssue(
                        "warning",
                        "combination_missing",
                        f"{service.name}, {seasons[season_id].name}: no price for {names}.",
                        service.id,
                        season_id,
                    )
                )
    below = [ln for ln in lines if effective_sell(ln, version.currency) < ln.net]
    if below:
        issues.append(
            CoverageIssue(
                "error",
                "sell_below_net",
                f"{len(below)} line(s) sell below their net price.",
                line_ids=[ln.id for ln in below],
            )
        )
    if min_markup_pct > 0:
        thin = [
            ln
            for ln in lines
            if ln.net > 0
            and (effective_sell(ln, version.currency) - ln.net) / ln.net * 100 < min_markup_pct
        ]
        if thin:
            issues.append(
                CoverageIssue(
                    "warning",
                    "markup_below_floor",
                    f"{len(thin)} line(s) have a markup under {min_markup_pct}%.",
                    line_ids=[ln.id for ln in thin],
                )
            )
    return issues


def _span(first: date, last: date) -> str:
    if first == last:
        return f"{first:%-d %b %Y}"
    if first.year == last.year:
        return f"{first:%-d %b} to {last:%-d %b %Y}"
    return f"{first:%-d %b %Y} to {last:%-d %b %Y}"


def _sold_but_unpriced(
    service: SupplierService,
    lines: list[RateLine],
    seasons: dict[uuid.UUID, Season],
    bands: set[str],
) -> list[CoverageIssue]:
    """Per season: a room sold for two with no single price, and each child band the list
    defines with no price for a service sold per room or per person. A quote for such a
    party would find no price, so each is acknowledged before publishing."""
    found: list[CoverageIssue] = []
    by_season: dict[uuid.UUID, list[RateLine]] = defaultdict(list)
    for line in lines:
        by_season[line.season_id].append(line)
    for season_id, mine in by_season.items():
        season = seasons.get(season_id)
        if season is None:
            continue
        where = f"{service.name}, {season.name}"
        rooms = {ln.occupancy for ln in mine if ln.basis == PricingBasis.PER_ROOM.value}
        if Occupancy.DOUBLE.value in rooms and Occupancy.SINGLE.value not in rooms:
            found.append(
                CoverageIssue(
                    "confirm",
                    "single_missing",
                    f"{where}: double rooms are priced but single rooms are not.",
                    service.id,
                    season_id,
                    subject=Occupancy.SINGLE.value,
                )
            )
        sold = {ln.basis for ln in mine}
        priced_bands = {ln.age_band for ln in mine}
        child_bands = [band for band in _CHILD_WORDS if band in bands]
        if PricingBasis.PER_ROOM.value in sold:
            # a room's children: an extra bed, or sharing the bed, each its own price
            found.extend(
                CoverageIssue(
                    "confirm",
                    "child_missing",
                    f"{where}: no price for {_CHILD_WORDS[band]}, though the list has that "
                    "age band.",
                    service.id,
                    season_id,
                    subject=band,
                )
                for band in child_bands
                if band not in priced_bands
            )
        elif (
            PricingBasis.PER_PERSON.value in sold
            and child_bands
            and not priced_bands & set(child_bands)  # per person: any child price will do
        ):
            found.append(
                CoverageIssue(
                    "confirm",
                    "child_missing",
                    f"{where}: no price for children, though the list has child age bands.",
                    service.id,
                    season_id,
                    subject="child",
                )
            )
    return found


def publish(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    lock_version: int,
    acknowledged: Collection[str] = (),
) -> RateListVersion:
    """Swap the draft in: the previous published version becomes superseded, in one
    transaction. Refused while the coverage check finds errors, and while any gap it asks to
    confirm (unpriced dates, single rooms, children) is not in `acknowledged` (the issues'
    keys); the acknowledged gaps are written to the audit log with the publication."""
    require(ctx, Action.RATES_PUBLISH)
    version = _draft(session, ctx, version_id)
    _check_lock(version, lock_version)
    if not lines_exist(session, version.id):
        raise PublishRefusedError(
            "A list with no prices cannot be published.",
            errors=[FieldError("lines", "none", "no_lines")],
        )
    found = coverage(session, ctx, version_id=version.id)
    blocking = [i for i in found if i.severity == "error"]
    if blocking:
        raise PublishRefusedError(
            "Fix these before publishing: " + " ".join(i.message for i in blocking[:5]),
            errors=[FieldError("lines", i.message, i.code) for i in blocking],
        )
    to_confirm = [i for i in found if i.severity == "confirm"]
    unconfirmed = [i for i in to_confirm if i.key not in set(acknowledged)]
    if unconfirmed:
        count = len(unconfirmed)
        raise PublishRefusedError(
            f"{count} gap{'s' if count != 1 else ''} in this list must be confirmed before "
            "publishing: " + " ".join(i.message for i in unconfirmed[:5]),
            errors=[FieldError("acknowledged", i.message, "not_acknowledged") for i in unconfirmed],
            extra={"unacknowledged": [i.key for i in unconfirmed]},
        )
    current = session.exec(
        select(RateListVersion).where(
            col(RateListVersion.rate_list_id) == version.rate_list_id,
            col(RateListVersion.status) == VersionStatus.PUBLISHED.value,
        )
    ).all()
    for old in current:
        old.status = VersionStatus.SUPERSEDED.value
        session.add(old)
    version.status = VersionStatus.PUBLISHED.value
    version.published_at, version.published_by = utcnow(), ctx.user_id
    _touch(session, version)
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.published",
        target_type="rate_list_version",
        target_id=str(version.id),
        before={"published": [o.number for o in current]},
        after={
            "published": version.number,
            "acknowledged": [i.message for i in to_confirm],
        },
    )
    forget_prices(session, ctx.tenant_id)
    return version


def lines_exist(session: Session, version_id: uuid.UUID) -> bool:
    return (
        session.exec(select(RateLine.id).where(col(RateLine.version_id) == version_id)).first()
        is not None
    )


def unpublish(session: Session, ctx: TenantContext, *, version_id: uuid.UUID) -> RateListVersion:
    require(ctx, Action.RATES_PUBLISH)
    version = get_version(session, ctx, version_id)
    if version.status != VersionStatus.PUBLISHED.value:
        raise NotEditableError(f"Version {version.number} is not published.")
    version.status = VersionStatus.UNPUBLISHED.value
    _touch(session, version)
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.unpublished",
        target_type="rate_list_version",
        target_id=str(version.id),
    )
    forget_prices(session, ctx.tenant_id)
    return version


# ---- diff ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    change: str  # added, removed, changed
    key: str  # service · season · basis/occupancy/age · pax; or "season · Peak" for its dates
    old_net: Decimal | None
    new_net: Decimal | None
    old_sell: Decimal | None
    new_sell: Decimal | None
    old_ranges: list[tuple[date, date]] | None = None  # a season's dates, before and after
    new_ranges: list[tuple[date, date]] | None = None


def _line_key(
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


def diff(
    session: Session, ctx: TenantContext, *, old_version_id: uuid.UUID, new_version_id: uuid.UUID
) -> list[DiffRow]:
    """Lines added, removed and changed between two versions of the same list (matched by
    service, season name, basis, occupancy, age band, pax break and weekdays)."""
    old = get_version(session, ctx, old_version_id)
    new = get_version(session, ctx, new_version_id)
    if old.rate_list_id != new.rate_list_id:
        raise ValidationFailedError(
            "Both versions must belong to the same rate list.",
            errors=[FieldError("new_version_id", "another list", "different_list")],
        )
    services, _s, _b = _context_for(session, new)

    def keyed(version: RateListVersion) -> dict[str, RateLine]:
        seasons = {s.id: s for s in _seasons(session, version.id)}
        lines = session.exec(select(RateLine).where(col(RateLine.version_id) == version.id)).all()
        return {_line_key(line, services, seasons): line for line in lines}

    before, after = keyed(old), keyed(new)
    rows = _season_changes(session, old, new)
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        a_sell = effective_sell(a, old.currency) if a else None
        b_sell = effective_sell(b, new.currency) if b else None
        if a is None and b is not None:
            rows.append(DiffRow("added", key, None, b.net, None, b_sell))
        elif b is None and a is not None:
            rows.append(DiffRow("removed", key, a.net, None, a_sell, None))
        elif (
            a is not None
            and b is not None
            and (a.net != b.net or a_sell != b_sell or a.min_nights != b.min_nights)
        ):
            rows.append(DiffRow("changed", key, a.net, b.net, a_sell, b_sell))
    return rows


def _season_changes(session: Session, old: RateListVersion, new: RateListVersion) -> list[DiffRow]:
    """Seasons (matched by name) added, removed or given other dates."""

    def dated(version: RateListVersion) -> dict[str, tuple[str, list[tuple[date, date]]]]:
        ranges = _ranges_of(session, version.id)
        return {
            s.name.lower(): (s.name, ranges.get(s.id, [])) for s in _seasons(session, version.id)
        }

    before, after = dated(old), dated(new)
    rows = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        name = (b or a or ("", []))[0]
        if a is None or b is None or a[1] != b[1]:
            change = "added" if a is None else "removed" if b is None else "changed"
            rows.append(
                DiffRow(
                    change,
                    f"season · {name}",
                    None,
                    None,
                    None,
                    None,
                    a[1] if a else None,
                    b[1] if b else None,
                )
            )
    return rows


# ---- blackouts, stop-sales, allotments -----------------------------------------------------------


def add_restriction(
    session: Session, ctx: TenantContext, *, data: RestrictionIn
) -> SupplierRestriction:
    require(ctx, Action.RATES_EDIT)
    supplier = _get(session, Supplier, data.supplier_id, "Supplier")
    if data.service_id is not None:
        service = _get(session, SupplierService, data.service_id, "Service")
        if service.supplier_id != supplier.id:
            raise NotFoundError("Service not found for this supplier.")
    _check_dates(data.starts_on, data.ends_on, start_field="starts_on", end_field="ends_on")
    row = SupplierRestriction(
        tenant_id=ctx.tenant_id,
        supplier_id=supplier.id,
        service_id=data.service_id,
        kind=data.kind.value,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        reason=data.reason,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        ctx,
        action=f"rates.{data.kind.value}_added",
        target_type="supplier",
        target_id=str(supplier.id),
        after={"from": str(data.starts_on), "to": str(data.ends_on), "reason": data.reason},
    )
    forget_prices(session, ctx.tenant_id)
    return row


def list_restrictions(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID
) -> list[SupplierRestriction]:
    require(ctx, Action.RATES_VIEW)
    _get(session, Supplier, supplier_id, "Supplier")
    return list(
        session.exec(
            select(SupplierRestriction)
            .where(col(SupplierRestriction.supplier_id) == supplier_id)
            .order_by(col(SupplierRestriction.starts_on))
        ).all()
    )


def delete_restriction(session: Session, ctx: TenantContext, *, restriction_id: uuid.UUID) -> None:
    require(ctx, Action.RATES_EDIT)
    row = _get(session, SupplierRestriction, restriction_id, "Restriction")
    session.delete(row)
    session.flush()
    forget_prices(session, ctx.tenant_id)


def set_allotment(session: Session, ctx: TenantContext, *, data: AllotmentIn) -> int:
    """Units held per date over a range (upsert); returns the number of dates set."""
    require(ctx, Action.RATES_EDIT)
    _get(session, SupplierService, data.service_id, "Service")
    _check_dates(data.starts_on, data.ends_on, start_field="starts_on", end_field="ends_on")
    days = (data.ends_on - data.starts_on).days + 1
    if days > 731:
        raise ValidationFailedError(
            "Set allotments for at most two years at a time.",
            errors=[FieldError("ends_on", "more than 731 days after starts_on", "too_long")],
        )
    existing = {
        a.on_date: a
        for a in session.exec(
            select(Allotment).where(
                col(Allotment.service_id) == data.service_id,
                col(Allotment.on_date) >= data.starts_on,
                col(Allotment.on_date) <= data.ends_on,
            )
        ).all()
    }
    for offset in range(days):
        day = data.starts_on + timedelta(days=offset)
        row = existing.get(day) or Allotment(
            tenant_id=ctx.tenant_id, service_id=data.service_id, on_date=day, units=0
        )
        row.units, row.release_days = data.units, data.release_days
        session.add(row)
    session.flush()
    forget_prices(session, ctx.tenant_id)
    return days


def list_allotments(
    session: Session, ctx: TenantContext, *, service_id: uuid.UUID, month: date
) -> list[Allotment]:
    require(ctx, Action.RATES_VIEW)
    _get(session, SupplierService, service_id, "Service")
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return list(
        session.exec(
            select(Allotment)
            .where(
                col(Allotment.service_id) == service_id,
                col(Allotment.on_date) >= first,
                col(Allotment.on_date) < following,
            )
            .order_by(col(Allotment.on_date))
        ).all()
    )


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
    on = today(own_tenant(session, ctx).timezone)
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


# ---- price words ------------------------------------------------------------------------------


def price_words(session: Session) -> PriceWords:
    """The words the agency's price cells may hold for 0 and for no price (its own list once
    saved, else the multilingual defaults). Read in the session's agency."""
    found = session.exec(select(RatePriceWords)).first()
    if found is None:
        return default_price_words()
    return PriceWords(tuple(found.zero_words), tuple(found.no_price_words))


def get_price_words(session: Session, ctx: TenantContext) -> PriceWordsPublic:
    require(ctx, Action.RATES_VIEW)
    found = session.exec(select(RatePriceWords)).first()
    words = price_words(session)
    return PriceWordsPublic(
        zero=list(words.zero), no_price=list(words.no_price), is_default=found is None
    )


def update_price_words(
    session: Session, ctx: TenantContext, *, data: PriceWordsIn
) -> PriceWordsPublic:
    """Replace the agency's price words (both lists; `PriceWordsIn` refuses digits). A word may
    not mean both 0 and no price."""
    require(ctx, Action.RATES_EDIT)
    zero, no_price = clean_words(data.zero), clean_words(data.no_price)
    both = {word_key(w) for w in zero} & {word_key(w) for w in no_price}
    errors = [
        FieldError("no_price", f"{w!r} is also in the words for 0; keep it in one list", "both")
        for w in no_price
        if word_key(w) in both
    ]
    if errors:
        raise ValidationFailedError(
            errors[0].message[:1].upper() + errors[0].message[1:] + ".", errors=errors
        )
    before = get_price_words(session, ctx)
    found = session.exec(select(RatePriceWords)).first()
    if found is None:
        found = RatePriceWords(tenant_id=ctx.tenant_id)
    found.zero_words, found.no_price_words = zero, no_price
    found.updated_at = utcnow()
    found.updated_by = ctx.user_id
    session.add(found)
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.price_words_changed",
        target_type="rate_price_words",
        target_id=str(found.id),
        before={"zero": before.zero, "no_price": before.no_price},
        after={"zero": zero, "no_price": no_price},
    )
    return PriceWordsPublic(zero=zero, no_price=no_price, is_default=False)

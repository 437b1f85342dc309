"""Rate lists as operators price them: drafts and published versions, seasons, age bands, rate
lines with their checks, bulk changes with a preview, the diff between versions, the coverage
check before publishing, blackouts, stop-sales and allotments.

Every function takes a session in the caller's agency scope (`tenant_scope`) and its context;
edits to a draft name the `row_version` they read, so two operators never overwrite each other.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from travelcrm.audit import services as audit
from travelcrm.core.clock import utcnow
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
from travelcrm.core.upsert import save_row
from travelcrm.core.versions import advance_version
from travelcrm.db import scoped_connection, scoped_rows
from travelcrm.rates.models import (
    BASIS_WORDS,
    AgeBand,
    AgeBandKind,
    Occupancy,
    PricingBasis,
    RateLine,
    RateList,
    RateListVersion,
    RatePriceWords,
    Season,
    SeasonRange,
    VersionStatus,
)
from travelcrm.rates.pricewords import (
    PriceWords,
    clean_words,
    default_price_words,
    word_key,
)
from travelcrm.rates.pricing import forget_prices
from travelcrm.rates.rules import effective_sell, line_key, pax_gap_errors
from travelcrm.rates.schemas import (
    AgeBandIn,
    PriceWordsIn,
    PriceWordsPublic,
    RateListCreate,
    SeasonIn,
    VersionUpdate,
)
from travelcrm.suppliers.models import Supplier, SupplierService, SupplierStatus

DEFAULT_AGE_BANDS = (
    (AgeBandKind.ADULT, 12, 120),
    (AgeBandKind.CHILD_WITH_BED, 6, 11),
    (AgeBandKind.CHILD_WITHOUT_BED, 2, 11),
    (AgeBandKind.INFANT, 0, 1),
)
EDITABLE = {VersionStatus.DRAFT.value}


# ---- errors -------------------------------------------------------------------------------------


class NotEditableError(ConflictError):
    code = "version_not_editable"
    title = "This version is read-only"


class PublishRefusedError(ValidationFailedError):
    code = "publish_refused"
    title = "The list has errors"


# ---- lookups (tenant-scoped: another agency's id is simply not found) --------------------------


def find(session: Session, model: Any, item_id: uuid.UUID, what: str) -> Any:
    row = session.exec(select(model).where(col(model.id) == item_id)).first()
    if row is None:
        raise NotFoundError(f"{what} not found.")
    return row


def get_rate_list(session: Session, ctx: TenantContext, rate_list_id: uuid.UUID) -> RateList:
    require(ctx, Action.RATES_VIEW)
    return find(session, RateList, rate_list_id, "Rate list")


def get_version(session: Session, ctx: TenantContext, version_id: uuid.UUID) -> RateListVersion:
    require(ctx, Action.RATES_VIEW)
    return find(session, RateListVersion, version_id, "Rate list version")


def editable_draft(session: Session, ctx: TenantContext, version_id: uuid.UUID) -> RateListVersion:
    require(ctx, Action.RATES_EDIT)
    version = find(session, RateListVersion, version_id, "Rate list version")
    if version.status not in EDITABLE:
        raise NotEditableError(
            f"Version {version.number} is {version.status} and read-only; "
            "start a new draft from it to make changes."
        )
    return version


def _stale(version: RateListVersion, row_version: int) -> VersionConflictError:
    return VersionConflictError.at(
        f"This draft was changed by someone else since you opened it (you have edit "
        f"{row_version}, it is now at {version.row_version}). Reload to see their "
        "changes, then try again.",
        current_row_version=version.row_version,
    )


def check_lock(version: RateListVersion, row_version: int) -> None:
    if version.row_version != row_version:
        raise _stale(version, row_version)


def touch(session: Session, version: RateListVersion) -> None:
    """The edit is saved at the lock the caller read (checked by `check_lock`): the lock moves
    on in the statement that checks it, so of two saves at once one lands and the other gets
    a conflict (the version stays held until this transaction ends)."""
    read = version.row_version
    if not advance_version(session, version, read=read):
        raise _stale(version, read)


def check_dates(start: date, end: date, *, start_field: str, end_field: str) -> None:
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
    supplier = find(session, Supplier, data.supplier_id, "Supplier")
    if supplier.status == SupplierStatus.ARCHIVED.value:
        raise ValidationFailedError(
            f"{supplier.name} is archived; restore it before adding rate lists.",
            errors=[FieldError("supplier_id", "is archived", "archived")],
        )
    check_dates(data.valid_from, data.valid_to, start_field="valid_from", end_field="valid_to")
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
        number=_next_version_number(session, ctx, rate_list.id),  # 1
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
    version = editable_draft(session, ctx, version_id)
    check_lock(version, data.row_version)
    changes = data.model_dump(exclude_unset=True, exclude={"row_version"})
    valid_from = changes.get("valid_from") or version.valid_from
    valid_to = changes.get("valid_to") or version.valid_to
    check_dates(valid_from, valid_to, start_field="valid_from", end_field="valid_to")
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
    touch(session, version)
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


def version_series(rate_list_id: uuid.UUID) -> str:
    """The `core.sequences` series of a rate list's version numbers."""
    return f"rate_list_version:{rate_list_id}"


def _next_version_number(session: Session, ctx: TenantContext, rate_list_id: uuid.UUID) -> int:
    """A list's next version number (1, 2, ...), never one it has had. The series starts
    after the list's highest version (versions written before it, by a migration's data or
    an import, keep theirs)."""
    highest = session.exec(
        select(func.max(RateListVersion.number)).where(
            col(RateListVersion.rate_list_id) == rate_list_id
        )
    ).one()
    return next_number(session, ctx, version_series(rate_list_id), start=(highest or 0) + 1)


def new_draft(
    session: Session, ctx: TenantContext, *, version_id: uuid.UUID, empty: bool = False
) -> RateListVersion:
    """A new draft copied from a version (seasons, age bands, lines; with `empty` only its terms
    and age bands, for an import to fill); at most one draft."""
    require(ctx, Action.RATES_EDIT)
    source = find(session, RateListVersion, version_id, "Rate list version")
    # the number first: taking it holds the list's version series until this unit of work
    # ends, so of two new drafts at once the second waits, then sees the first and is refused
    number = _next_version_number(session, ctx, source.rate_list_id)
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
    row_version: int,
    data: SeasonIn,
) -> Season:
    version = editable_draft(session, ctx, version_id)
    check_lock(version, row_version)
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
    touch(session, version)
    session.flush()
    return season


def update_season(
    session: Session,
    ctx: TenantContext,
    *,
    season_id: uuid.UUID,
    row_version: int,
    data: SeasonIn,
) -> Season:
    season = find(session, Season, season_id, "Season")
    version = editable_draft(session, ctx, season.version_id)
    check_lock(version, row_version)
    _check_season(version, data, _other_seasons(session, version.id, but=season.id))
    season.name, season.starts_on, season.ends_on = data.name.strip(), data.starts_on, data.ends_on
    session.add(season)
    _set_ranges(session, season, data)
    touch(session, version)
    session.flush()
    return season


def delete_season(
    session: Session, ctx: TenantContext, *, season_id: uuid.UUID, row_version: int
) -> int:
    """Remove a season, its dates and its lines; returns how many lines went with it."""
    season = find(session, Season, season_id, "Season")
    version = editable_draft(session, ctx, season.version_id)
    check_lock(version, row_version)
    removed = session.exec(delete(RateLine).where(col(RateLine.season_id) == season.id)).rowcount
    session.exec(delete(SeasonRange).where(col(SeasonRange.season_id) == season.id))
    session.delete(season)
    touch(session, version)
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
    version = editable_draft(session, ctx, version_id)
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
    row_version: int,
    bands: Sequence[AgeBandIn],
) -> list[AgeBand]:
    """Replace the version's age bands. Children with and without a bed may share ages; no other
    bands may overlap."""
    version = editable_draft(session, ctx, version_id)
    check_lock(version, row_version)
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
    touch(session, version)
    session.flush()
    return rows


def version_context(
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
    services, seasons, bands = version_context(session, version)
    lines = list(session.exec(select(RateLine).where(col(RateLine.version_id) == version.id)).all())
    issues: list[CoverageIssue] = []
    issues += [CoverageIssue("error", error.code, error.message) for error in pax_gap_errors(lines)]
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
    row_version: int,
    acknowledged: Collection[str] = (),
) -> RateListVersion:
    """Swap the draft in: the previous published version becomes superseded, in one
    transaction. Refused while the coverage check finds errors, and while any gap it asks to
    confirm (unpriced dates, single rooms, children) is not in `acknowledged` (the issues'
    keys); the acknowledged gaps are written to the audit log with the publication."""
    require(ctx, Action.RATES_PUBLISH)
    version = editable_draft(session, ctx, version_id)
    check_lock(version, row_version)
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
    touch(session, version)
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
    touch(session, version)
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
    services, _s, _b = version_context(session, new)

    def keyed(version: RateListVersion) -> dict[str, RateLine]:
        seasons = {s.id: s for s in _seasons(session, version.id)}
        lines = session.exec(select(RateLine).where(col(RateLine.version_id) == version.id)).all()
        return {line_key(line, services, seasons): line for line in lines}

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
    # the agency's one row, made by its first save: an upsert, so two first saves at once
    # both land (the later one wins) instead of one failing on the unique key
    save_row(
        session,
        RatePriceWords(
            tenant_id=ctx.tenant_id,
            zero_words=zero,
            no_price_words=no_price,
            updated_at=utcnow(),
            updated_by=ctx.user_id,
        ),
        key=["tenant_id"],
        update=["zero_words", "no_price_words", "updated_at", "updated_by"],
    )
    found = session.exec(select(RatePriceWords).execution_options(populate_existing=True)).one()
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


# ---- what suppliers ask of their rates ---------------------------------------------------------


def rate_lists_of_supplier(session: Session, *, supplier_id: uuid.UUID) -> list[RateList]:
    """The supplier's rate lists by name (archived ones too)."""
    return list(
        session.exec(
            select(RateList)
            .where(col(RateList.supplier_id) == supplier_id)
            .order_by(col(RateList.name))
        ).all()
    )


def rate_list_count(session: Session, *, supplier_id: uuid.UUID) -> int:
    """How many rate lists the supplier has (any status)."""
    return int(
        session.exec(
            select(func.count(col(RateList.id))).where(col(RateList.supplier_id) == supplier_id)
        ).one()
    )


def rate_line_counts(session: Session, *, service_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Rate lines per service, for the services given (those with none are absent)."""
    if not service_ids:
        return {}
    rows = session.exec(
        select(col(RateLine.service_id), func.count(col(RateLine.id)))
        .where(col(RateLine.service_id).in_(service_ids))
        .group_by(col(RateLine.service_id))
    ).all()
    return {service_id: int(count) for service_id, count in rows}


# ---- what an itinerary's "Add service" asks of the rates ---------------------------------------


def _on_sale(on: date) -> Any:
    """Rate lines of published versions still valid on or after `on` (base prices only)."""
    line, version = RateLine.__table__, RateListVersion.__table__  # type: ignore[attr-defined]
    return line.join(
        version,
        (version.c.tenant_id == line.c.tenant_id) & (version.c.id == line.c.version_id),
    ), (
        (version.c.status == VersionStatus.PUBLISHED.value)
        & (version.c.valid_to >= on)
        & line.c.supplement.is_(None)
    )


def on_sale_clause(service_table: Any, on: date) -> Any:
    """A condition on `service_table` (the suppliers' services table in a caller's select):
    the service has a price in a published rate list still valid on or after `on`. One
    correlated EXISTS, so a search over thousands of services stays one indexed query."""
    line = RateLine.__table__  # type: ignore[attr-defined]
    joined, wanted = _on_sale(on)
    return (
        sa_select(line.c.service_id)
        .select_from(joined)
        .where(
            wanted,
            line.c.tenant_id == service_table.c.tenant_id,
            line.c.service_id == service_table.c.id,
        )
        .exists()
    )


def from_prices(
    session: Session, *, service_ids: Sequence[uuid.UUID], on: date
) -> dict[uuid.UUID, tuple[Decimal, str]]:
    """The lowest base net of each service (for an adult or a room, never an extra bed) in its
    published rate lists still valid on or after `on`, with that list's currency ("from
    ₹6,000"); services without one are absent."""
    if not service_ids:
        return {}
    line, version = RateLine.__table__, RateListVersion.__table__  # type: ignore[attr-defined]
    joined, wanted = _on_sale(on)
    rows: list[Any] = scoped_rows(
        session,
        sa_select(line.c.service_id, version.c.currency, func.min(line.c.net))
        .select_from(joined)
        .where(
            wanted,
            line.c.service_id.in_(list(service_ids)),
            line.c.net > 0,
            line.c.age_band == AgeBandKind.ADULT.value,  # a person's or a room's price
            line.c.occupancy != Occupancy.EXTRA_BED.value,
        )
        .group_by(line.c.service_id, version.c.currency),
    )
    found: dict[uuid.UUID, tuple[Decimal, str]] = {}
    for service_id, currency, net in rows:
        if service_id not in found or Decimal(net) < found[service_id][0]:
            found[service_id] = (Decimal(net), currency)
    return found

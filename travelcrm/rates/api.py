"""Rate lists over REST: lists and versions, seasons, age bands, lines (paged), bulk changes with
`dry_run`, coverage, publish, diff, restrictions, allotments and the price lookup. Every route
works in the caller's agency; another agency's ids answer 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from travelcrm.api.auth import (
    Db,
    Identity,
    TenantWork,
    Who,
    tenant_work,
)
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, json_envelope, problem_responses
from travelcrm.api.etag import check_if_match, resource_response
from travelcrm.api.pagination import Paging
from travelcrm.core.pagination import numbered_page
from travelcrm.db import Session
from travelcrm.rates import availability, pricing
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import rules as rate_rules
from travelcrm.rates import services as rates
from travelcrm.rates.models import RateLine, RateListVersion, Season
from travelcrm.rates.schemas import (
    AgeBandPublic,
    AgeBandsIn,
    AllotmentIn,
    AllotmentPublic,
    BulkChange,
    BulkResultPublic,
    CoverageIssuePublic,
    DateRange,
    DiffRowPublic,
    LineIdsIn,
    LinePatch,
    LinePublic,
    LinesIn,
    PriceQuery,
    PriceWordsIn,
    PriceWordsPublic,
    PublishIn,
    QuotePublic,
    RateListCreate,
    RateListPublic,
    RestrictionIn,
    RestrictionPublic,
    SeasonCreate,
    SeasonIn,
    SeasonPublic,
    VersionDetail,
    VersionPublic,
    VersionUpdate,
    weekday_names,
)

router = APIRouter(prefix="/api", tags=["rates"])


def _line(line: RateLine, currency: str) -> LinePublic:
    return LinePublic(
        id=line.id,
        service_id=line.service_id,
        season_id=line.season_id,
        basis=line.basis,
        occupancy=line.occupancy,
        age_band=line.age_band,
        pax_min=line.pax_min,
        pax_max=line.pax_max,
        net=line.net,
        sell=line.sell,
        markup_pct=line.markup_pct,
        effective_sell=rate_rules.effective_sell(line, currency),
        weekdays=weekday_names(line.weekdays),
        min_nights=line.min_nights,
        capacity=line.capacity,
        supplement=line.supplement,
        optional=line.optional,
    )


def _season(season: Season, spans: list[tuple[date, date]]) -> SeasonPublic:
    return SeasonPublic(
        id=season.id,
        name=season.name,
        starts_on=season.starts_on,
        ends_on=season.ends_on,
        ranges=[DateRange(starts_on=start, ends_on=end) for start, end in spans],
    )


def _season_saved(season: Season, body: SeasonCreate) -> dict[str, Any]:
    """The season just added or changed, with the date ranges sent, in order."""
    return envelope(_season(season, sorted((r.starts_on, r.ends_on) for r in body.ranges)))


def _detail(session: Session, identity: Identity, version: RateListVersion) -> VersionDetail:
    seasons = rates.list_seasons(session, identity.context, version.id)
    ranges = rates.season_ranges(session, identity.context, version.id)
    bands = rates.list_age_bands(session, identity.context, version.id)
    return VersionDetail(
        **VersionPublic.model_validate(version).model_dump(),
        seasons=[_season(s, ranges.get(s.id, [])) for s in seasons],
        age_bands=[AgeBandPublic.model_validate(b) for b in bands],
    )


@router.get("/rate-lists", response_model=Envelope[list[RateListPublic]], responses=READ)
def list_rate_lists(
    identity: Who,
    session: Db,
    supplier_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f]*$")] = None,
) -> dict[str, Any]:
    rows = rates.list_rate_lists(session, identity.context, supplier_id=supplier_id, q=q)
    return envelope(
        [
            RateListPublic(
                **{
                    k: getattr(r, k) for k in ("id", "supplier_id", "name", "market", "agent_group")
                },
                versions=[VersionPublic.model_validate(v) for v in versions],
            )
            for r, versions in rows
        ]
    )


@router.post(
    "/rate-lists",
    status_code=201,
    response_model=Envelope[VersionDetail],
    responses=WRITE,
    summary="A new rate list (contract) with its first draft version",
)
def create_rate_list(body: RateListCreate, identity: Who, session: Db) -> dict[str, Any]:
    _rate_list, version = rates.create_rate_list(session, identity.context, data=body)
    return envelope(_detail(session, identity, version))


@router.get("/rate-lists/{rate_list_id}", response_model=Envelope[RateListPublic], responses=READ)
def get_rate_list(rate_list_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    rate_list = rates.get_rate_list(session, identity.context, rate_list_id)
    versions = rates.list_versions(session, identity.context, rate_list_id)
    return envelope(
        RateListPublic(
            **{
                k: getattr(rate_list, k)
                for k in ("id", "supplier_id", "name", "market", "agent_group")
            },
            versions=[VersionPublic.model_validate(v) for v in versions],
        )
    )


@router.get("/rate-versions/{version_id}", response_model=Envelope[VersionDetail], responses=READ)
def get_version(version_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    version = rates.get_version(session, identity.context, version_id)
    return envelope(_detail(session, identity, version))


@router.patch(
    "/rate-versions/{version_id}", response_model=Envelope[VersionDetail], responses=WRITE
)
def update_version(
    version_id: uuid.UUID, body: VersionUpdate, identity: Who, session: Db
) -> dict[str, Any]:
    version = rates.update_version(session, identity.context, version_id=version_id, data=body)
    return envelope(_detail(session, identity, version))


@router.post(
    "/rate-versions/{version_id}/drafts",
    status_code=201,
    response_model=Envelope[VersionDetail],
    responses=WRITE,
    summary="Start a new draft copied from this version",
)
def new_draft(version_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    draft = rates.new_draft(session, identity.context, version_id=version_id)
    return envelope(_detail(session, identity, draft))


@router.post(
    "/rate-versions/{version_id}/publish",
    response_model=Envelope[VersionDetail],
    responses=WRITE,
    summary="Publish the draft (the previous published version is superseded atomically)",
    description="Refused (422 `publish_refused`) while the coverage check finds errors, or "
    "while a gap of severity `confirm` is not named in `acknowledged`.",
)
def publish(version_id: uuid.UUID, body: PublishIn, identity: Who, session: Db) -> dict[str, Any]:
    version = rates.publish(
        session,
        identity.context,
        version_id=version_id,
        row_version=body.row_version,
        acknowledged=body.acknowledged,
    )
    return envelope(_detail(session, identity, version))


@router.post(
    "/rate-versions/{version_id}/unpublish", response_model=Envelope[VersionDetail], responses=WRITE
)
def unpublish(version_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    version = rates.unpublish(session, identity.context, version_id=version_id)
    return envelope(_detail(session, identity, version))


@router.get(
    "/rate-versions/{version_id}/coverage",
    response_model=Envelope[list[CoverageIssuePublic]],
    responses=READ,
    summary="What publishing would leave unpriced or underpriced (errors block publishing)",
)
def coverage(version_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    issues = rates.coverage(session, identity.context, version_id=version_id)
    return envelope([CoverageIssuePublic.model_validate(i) for i in issues])


@router.get(
    "/rate-versions/{version_id}/diff",
    response_model=Envelope[list[DiffRowPublic]],
    responses=problem_responses(401, 403, 404, 422),
    summary="Lines added, removed and changed since another version of the same list",
)
def diff(version_id: uuid.UUID, against: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    rows = rates.diff(session, identity.context, old_version_id=against, new_version_id=version_id)
    return envelope([DiffRowPublic.model_validate(r) for r in rows])


@router.post(
    "/rate-versions/{version_id}/seasons",
    status_code=201,
    response_model=Envelope[SeasonPublic],
    responses=WRITE,
)
def add_season(
    version_id: uuid.UUID, body: SeasonCreate, identity: Who, session: Db
) -> dict[str, Any]:
    season = rates.add_season(
        session,
        identity.context,
        version_id=version_id,
        row_version=body.row_version,
        data=SeasonIn(name=body.name, ranges=body.ranges),
    )
    return _season_saved(season, body)


@router.patch("/rate-seasons/{season_id}", response_model=Envelope[SeasonPublic], responses=WRITE)
def update_season(
    season_id: uuid.UUID, body: SeasonCreate, identity: Who, session: Db
) -> dict[str, Any]:
    season = rates.update_season(
        session,
        identity.context,
        season_id=season_id,
        row_version=body.row_version,
        data=SeasonIn(name=body.name, ranges=body.ranges),
    )
    return _season_saved(season, body)


@router.delete("/rate-seasons/{season_id}", status_code=204, responses=WRITE)
def delete_season(
    season_id: uuid.UUID,
    row_version: Annotated[int, Query(ge=1)],
    identity: Who,
    session: Db,
) -> Response:
    rates.delete_season(session, identity.context, season_id=season_id, row_version=row_version)
    return Response(status_code=204)


@router.put(
    "/rate-versions/{version_id}/age-bands",
    response_model=Envelope[list[AgeBandPublic]],
    responses=WRITE,
)
def set_age_bands(
    version_id: uuid.UUID, body: AgeBandsIn, identity: Who, session: Db
) -> dict[str, Any]:
    bands = rates.set_age_bands(
        session,
        identity.context,
        version_id=version_id,
        row_version=body.row_version,
        bands=body.bands,
    )
    return envelope([AgeBandPublic.model_validate(b) for b in bands])


@router.get(
    "/rate-versions/{version_id}/lines",
    response_model=Envelope[list[LinePublic]],
    responses=READ,
    summary="A page of lines (filter by service and season), by `limit` and `cursor` like "
    "every list; meta also has total and pages",
)
def list_lines(
    version_id: uuid.UUID,
    identity: Who,
    session: Db,
    params: Paging,
    service_id: uuid.UUID | None = None,
    season_id: uuid.UUID | None = None,
    page: Annotated[
        int | None, Query(ge=1, le=100_000, deprecated=True, description="Use `cursor`")
    ] = None,
    per_page: Annotated[
        int | None, Query(ge=1, le=1000, deprecated=True, description="Use `limit`")
    ] = None,
) -> dict[str, Any]:
    version = rates.get_version(session, identity.context, version_id)
    at = numbered_page(params, page=page, size=per_page)
    result = rate_lines.list_lines(
        session,
        identity.context,
        version_id=version_id,
        service_id=service_id,
        season_id=season_id,
        page=at.number,
        per_page=at.size,
    )
    return envelope(
        [_line(line, version.currency) for line in result.lines],
        next_cursor=at.next_cursor(result.pages) if result.page == at.number else None,
        limit=at.size,
        total=result.total,
        page=result.page,
        pages=result.pages,
    )


@router.post(
    "/rate-versions/{version_id}/lines",
    status_code=201,
    response_model=Envelope[list[LinePublic]],
    responses=WRITE,
    summary="Add lines (all or nothing; errors name the row and field)",
)
def add_lines(version_id: uuid.UUID, body: LinesIn, identity: Who, session: Db) -> dict[str, Any]:
    rows = rate_lines.add_lines(
        session,
        identity.context,
        version_id=version_id,
        row_version=body.row_version,
        lines=body.lines,
    )
    version = rates.get_version(session, identity.context, version_id)
    return envelope([_line(line, version.currency) for line in rows])


@router.post(
    "/rate-versions/{version_id}/lines/delete",
    response_model=Envelope[dict[str, int]],
    responses=WRITE,
)
def delete_lines(
    version_id: uuid.UUID, body: LineIdsIn, identity: Who, session: Db
) -> dict[str, Any]:
    removed = rate_lines.delete_lines(
        session,
        identity.context,
        version_id=version_id,
        row_version=body.row_version,
        line_ids=body.line_ids,
    )
    return envelope({"deleted": removed})


@router.patch("/rate-lines/{line_id}", response_model=Envelope[LinePublic], responses=WRITE)
def update_line(line_id: uuid.UUID, body: LinePatch, identity: Who, session: Db) -> dict[str, Any]:
    line = rate_lines.update_line(session, identity.context, line_id=line_id, data=body)
    version = rates.get_version(session, identity.context, line.version_id)
    return envelope(_line(line, version.currency))


@router.post(
    "/rate-versions/{version_id}/bulk",
    response_model=Envelope[BulkResultPublic],
    responses=WRITE,
    summary="Raise/lower by % or amount, or set; `dry_run` (default) previews old -> new",
)
def bulk(version_id: uuid.UUID, body: BulkChange, identity: Who, session: Db) -> dict[str, Any]:
    result = rate_lines.bulk_change(session, identity.context, version_id=version_id, change=body)
    return envelope(BulkResultPublic.model_validate(result))


@router.get("/restrictions", response_model=Envelope[list[RestrictionPublic]], responses=READ)
def list_restrictions(supplier_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    rows = availability.list_restrictions(session, identity.context, supplier_id=supplier_id)
    return envelope([RestrictionPublic.model_validate(r) for r in rows])


@router.post(
    "/restrictions",
    status_code=201,
    response_model=Envelope[RestrictionPublic],
    responses=WRITE,
    summary="A blackout or stop-sale for a supplier or one of its services",
)
def add_restriction(body: RestrictionIn, identity: Who, session: Db) -> dict[str, Any]:
    row = availability.add_restriction(session, identity.context, data=body)
    return envelope(RestrictionPublic.model_validate(row))


@router.delete("/restrictions/{restriction_id}", status_code=204, responses=WRITE)
def delete_restriction(restriction_id: uuid.UUID, identity: Who, session: Db) -> Response:
    availability.delete_restriction(session, identity.context, restriction_id=restriction_id)
    return Response(status_code=204)


@router.get("/allotments", response_model=Envelope[list[AllotmentPublic]], responses=READ)
def list_allotments(
    service_id: uuid.UUID, month: date, identity: Who, session: Db
) -> dict[str, Any]:
    rows = availability.list_allotments(
        session, identity.context, service_id=service_id, month=month
    )
    return envelope([AllotmentPublic.model_validate(r) for r in rows])


@router.put(
    "/allotments",
    response_model=Envelope[dict[str, int]],
    responses=WRITE,
    summary="Units held per date over a range, released N days before arrival",
)
def set_allotments(body: AllotmentIn, identity: Who, session: Db) -> dict[str, Any]:
    return envelope({"dates": availability.set_allotment(session, identity.context, data=body)})


@router.post(
    "/price-quotes",
    response_model=Envelope[QuotePublic],
    responses=problem_responses(401, 403, 404, 422),
    summary="Net and sell for a service on dates (422 `no_price` names the reason)",
)
async def price_quote(
    body: PriceQuery, work: Annotated[TenantWork, Depends(tenant_work)]
) -> Response:
    quote = await work.run(lambda session, ctx: pricing.quote_price(session, ctx, body))
    return json_envelope(QuotePublic.model_validate(quote))


@router.get(
    "/rate-price-words",
    response_model=Envelope[PriceWordsPublic],
    responses=problem_responses(401, 403),
    summary="The words price cells may hold instead of an amount: for 0 (Complimentary, FOC) "
    "and for no price (On request, N/A); the built-in multilingual ones until changed",
)
def read_price_words(request: Request, identity: Who, session: Db) -> Response:
    current = rates.get_price_words(session, identity.context)
    return resource_response(request, current)


@router.put(
    "/rate-price-words",
    response_model=Envelope[PriceWordsPublic],
    responses=problem_responses(401, 403, 412, 422),
    summary="Replace the agency's price words (both lists; send the ETag you read as If-Match)",
)
def update_price_words(
    body: PriceWordsIn, request: Request, identity: Who, session: Db
) -> Response:
    current = rates.get_price_words(session, identity.context)
    check_if_match(request, current)
    updated = rates.update_price_words(session, identity.context, data=body)
    return resource_response(request, updated)

"""Itineraries over REST: build a trip (days, items, reorder), price it (the pricing sheet,
`dry_run` to preview), freeze a version for a quote and read its snapshot with the checksum,
copy; and the agency's pricing data (settings, markup rules, tax table, FX rates). Every route
works in the caller's agency; another agency's ids answer 404."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import READ, WRITE, Envelope, envelope, problem_responses
from travelcrm.api.etag import check_if_match, created_response, resource_response
from travelcrm.core.errors import FieldError, ValidationFailedError
from travelcrm.core.fields import Country, Currency
from travelcrm.db import tenant_scope
from travelcrm.itineraries import pricing_data, services
from travelcrm.itineraries.schemas import (
    CalculateIn,
    CopyIn,
    DayIn,
    FxImportOut,
    FxImportProblemOut,
    FxImportRowOut,
    FxRateIn,
    FxRatePublic,
    ItemIn,
    ItineraryCreate,
    ItineraryPatch,
    ItineraryPublic,
    ItineraryUpdate,
    MarkupRuleIn,
    MarkupRulePatch,
    MarkupRulePublic,
    MoveIn,
    PricingSettingsIn,
    PricingSettingsPatch,
    PricingSettingsPublic,
    PricingSheet,
    RatesSinceFrozen,
    SnapshotPublic,
    TaxRuleIn,
    TaxRulePatch,
    TaxRulePublic,
    VersionIn,
)

router = APIRouter(prefix="/api/itineraries", tags=["itineraries"])
pricing_router = APIRouter(prefix="/api/pricing", tags=["pricing"])


def _shown(session: Any, identity: Any, itinerary_id: uuid.UUID) -> ItineraryPublic:
    itinerary = services.get_itinerary(session, identity.context, itinerary_id=itinerary_id)
    return services.to_public(session, itinerary)


# ---- itineraries ---------------------------------------------------------------------------------


@router.get(
    "",
    response_model=Envelope[list[ItineraryPublic]],
    responses=problem_responses(401, 403, 422),
    summary="Itineraries, newest first (of one query with `query_id`); days and items not listed",
)
def list_itineraries(
    identity: Who,
    session: Db,
    query_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    found = services.list_itineraries(session, identity.context, query_id=query_id, limit=limit)
    return envelope([services.to_public(session, i, full=False) for i in found])


@router.post(
    "",
    status_code=201,
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="A new draft itinerary: from a query (travellers, dates, budget carried over) or "
    "blank with `start_date` and `title`",
)
def create_itinerary(
    body: ItineraryCreate, request: Request, identity: Who, session: Db
) -> Response:
    itinerary = services.create_itinerary(session, identity.context, data=body)
    return created_response(
        request,
        services.to_public(session, itinerary),
        location=f"/api/itineraries/{itinerary.id}",
    )


@router.get(
    "/{itinerary_id}",
    response_model=Envelope[ItineraryPublic],
    responses=READ,
    summary="An itinerary with its days (dated) and items, with its ETag",
)
def read_itinerary(
    itinerary_id: uuid.UUID, request: Request, identity: Who, session: Db
) -> Response:
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.patch(
    "/{itinerary_id}",
    response_model=Envelope[ItineraryPublic],
    responses=problem_responses(401, 403, 404, 409, 412, 422),
    summary="Change a draft at the `row_version` you read (409 when frozen or changed meanwhile)",
)
def update_itinerary(
    itinerary_id: uuid.UUID, body: ItineraryPatch, request: Request, identity: Who, session: Db
) -> Response:
    check_if_match(request, _shown(session, identity, itinerary_id))
    changes = ItineraryUpdate.model_validate(
        body.model_dump(exclude={"row_version"}, exclude_unset=True)
    )
    services.update_itinerary(
        session,
        identity.context,
        itinerary_id=itinerary_id,
        row_version=body.row_version,
        data=changes,
    )
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.delete(
    "/{itinerary_id}",
    status_code=204,
    responses=WRITE,
    summary="Delete a draft that was never frozen",
)
def delete_itinerary(itinerary_id: uuid.UUID, identity: Who, session: Db) -> Response:
    services.delete_itinerary(session, identity.context, itinerary_id=itinerary_id)
    return Response(status_code=204)


@router.post(
    "/{itinerary_id}/copy",
    status_code=201,
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="A new draft with the same days and items (optionally for another query or date)",
)
def copy_itinerary(
    itinerary_id: uuid.UUID, body: CopyIn, request: Request, identity: Who, session: Db
) -> Response:
    copy = services.copy_itinerary(session, identity.context, itinerary_id=itinerary_id, data=body)
    return created_response(
        request, services.to_public(session, copy), location=f"/api/itineraries/{copy.id}"
    )


@router.post(
    "/{itinerary_id}/primary",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Make this the itinerary to quote for its query",
)
def mark_primary(itinerary_id: uuid.UUID, request: Request, identity: Who, session: Db) -> Response:
    services.mark_primary(session, identity.context, itinerary_id=itinerary_id)
    return resource_response(request, _shown(session, identity, itinerary_id))


# ---- days and items ------------------------------------------------------------------------------


@router.post(
    "/{itinerary_id}/days",
    status_code=201,
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Add a day (at `position`, else at the end): the later days move a date on",
)
def add_day(
    itinerary_id: uuid.UUID,
    body: DayIn,
    request: Request,
    identity: Who,
    session: Db,
    position: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> Response:
    services.add_day(
        session, identity.context, itinerary_id=itinerary_id, data=body, position=position
    )
    return resource_response(request, _shown(session, identity, itinerary_id), status_code=201)


@router.patch(
    "/{itinerary_id}/days/{day_id}",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Change a day's title, notes or overnight place",
)
def update_day(
    itinerary_id: uuid.UUID,
    day_id: uuid.UUID,
    body: DayIn,
    request: Request,
    identity: Who,
    session: Db,
) -> Response:
    services.update_day(
        session, identity.context, itinerary_id=itinerary_id, day_id=day_id, data=body
    )
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.delete(
    "/{itinerary_id}/days/{day_id}",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Remove a day and its items: the later days move a date back",
)
def remove_day(
    itinerary_id: uuid.UUID, day_id: uuid.UUID, request: Request, identity: Who, session: Db
) -> Response:
    services.remove_day(session, identity.context, itinerary_id=itinerary_id, day_id=day_id)
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.post(
    "/{itinerary_id}/days/{day_id}/move",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Move a day (with its items) to `position`; the dates follow the new order",
)
def move_day(
    itinerary_id: uuid.UUID,
    day_id: uuid.UUID,
    body: MoveIn,
    request: Request,
    identity: Who,
    session: Db,
) -> Response:
    services.move_day(
        session,
        identity.context,
        itinerary_id=itinerary_id,
        day_id=day_id,
        position=body.position,
    )
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.post(
    "/{itinerary_id}/days/{day_id}/items",
    status_code=201,
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Add a service, a price entered by hand or a note to a day",
)
def add_item(
    itinerary_id: uuid.UUID,
    day_id: uuid.UUID,
    body: ItemIn,
    request: Request,
    identity: Who,
    session: Db,
    position: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> Response:
    services.add_item(
        session,
        identity.context,
        itinerary_id=itinerary_id,
        day_id=day_id,
        data=body,
        position=position,
    )
    return resource_response(request, _shown(session, identity, itinerary_id), status_code=201)


@router.put(
    "/{itinerary_id}/items/{item_id}",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Replace an item (a locked sell price or margin stays unless named)",
)
def update_item(
    itinerary_id: uuid.UUID,
    item_id: uuid.UUID,
    body: ItemIn,
    request: Request,
    identity: Who,
    session: Db,
) -> Response:
    services.update_item(
        session, identity.context, itinerary_id=itinerary_id, item_id=item_id, data=body
    )
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.delete(
    "/{itinerary_id}/items/{item_id}",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Remove an item",
)
def remove_item(
    itinerary_id: uuid.UUID, item_id: uuid.UUID, request: Request, identity: Who, session: Db
) -> Response:
    services.remove_item(session, identity.context, itinerary_id=itinerary_id, item_id=item_id)
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.post(
    "/{itinerary_id}/items/{item_id}/move",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Move an item to `position` on its day, or on `day_id`",
)
def move_item(
    itinerary_id: uuid.UUID,
    item_id: uuid.UUID,
    body: MoveIn,
    request: Request,
    identity: Who,
    session: Db,
) -> Response:
    services.move_item(
        session,
        identity.context,
        itinerary_id=itinerary_id,
        item_id=item_id,
        position=body.position,
        day_id=body.day_id,
    )
    return resource_response(request, _shown(session, identity, itinerary_id))


# ---- pricing and freezing ------------------------------------------------------------------------


@router.post(
    "/{itinerary_id}/calculate-price",
    response_model=Envelope[PricingSheet],
    responses=WRITE,
    summary="The pricing sheet: net -> FX -> net in the selling currency -> markup -> gross -> "
    "commission -> agent net -> margin, per line, day, service type and in total; what "
    "cannot be priced and why; conflicts. A frozen version answers its snapshot",
)
def calculate_price(
    itinerary_id: uuid.UUID, body: CalculateIn, identity: Who, session: Db
) -> dict[str, Any]:
    sheet = services.calculate_price(
        session,
        identity.context,
        itinerary_id=itinerary_id,
        dry_run=body.dry_run,
        group_sizes=body.group_sizes,
    )
    return envelope(sheet)


@router.post(
    "/{itinerary_id}/freeze",
    response_model=Envelope[SnapshotPublic],
    responses=WRITE,
    summary="Freeze the draft for a quote: a snapshot of every rate line, FX rate and rule used, "
    "with its SHA-256 checksum (422 while an item has no price)",
)
def freeze(itinerary_id: uuid.UUID, body: VersionIn, identity: Who, session: Db) -> dict[str, Any]:
    snapshot = services.freeze(
        session, identity.context, itinerary_id=itinerary_id, row_version=body.row_version
    )
    return envelope(
        services.snapshot(
            session, identity.context, itinerary_id=itinerary_id, version=snapshot.version
        )
    )


@router.post(
    "/{itinerary_id}/unfreeze",
    response_model=Envelope[ItineraryPublic],
    responses=WRITE,
    summary="Back to a draft as the next version (the frozen one is kept)",
)
def unfreeze(
    itinerary_id: uuid.UUID, body: VersionIn, request: Request, identity: Who, session: Db
) -> Response:
    services.unfreeze(
        session, identity.context, itinerary_id=itinerary_id, row_version=body.row_version
    )
    return resource_response(request, _shown(session, identity, itinerary_id))


@router.get(
    "/{itinerary_id}/snapshot",
    response_model=Envelope[SnapshotPublic],
    responses=READ,
    summary="A frozen version (the latest unless `version`) with its checksum",
)
def read_snapshot(
    itinerary_id: uuid.UUID,
    identity: Who,
    session: Db,
    version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> dict[str, Any]:
    return envelope(
        services.snapshot(session, identity.context, itinerary_id=itinerary_id, version=version)
    )


@router.get(
    "/{itinerary_id}/rates-since-frozen",
    response_model=Envelope[RatesSinceFrozen],
    responses=READ,
    summary="What today's published rates say of the frozen version, line by line (not applied)",
)
def rates_since_frozen(itinerary_id: uuid.UUID, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(
        services.rates_since_frozen(session, identity.context, itinerary_id=itinerary_id)
    )


# ---- the agency's pricing data -------------------------------------------------------------------


@pricing_router.get(
    "/settings",
    response_model=Envelope[PricingSettingsPublic],
    responses=READ,
    summary="Markup policy, rounding, FX buffer and commission used when pricing",
)
def read_settings(identity: Who, session: Db) -> dict[str, Any]:
    row = pricing_data.get_settings(session, identity.context)
    return envelope(pricing_data.settings_public(row))


@pricing_router.put(
    "/settings",
    response_model=Envelope[PricingSettingsPublic],
    responses=WRITE,
    summary="Change the pricing settings at the `row_version` you read",
)
def save_settings(body: PricingSettingsPatch, identity: Who, session: Db) -> dict[str, Any]:
    data = PricingSettingsIn.model_validate(body.model_dump(exclude={"row_version"}))
    row = pricing_data.save_settings(
        session, identity.context, data=data, row_version=body.row_version
    )
    return envelope(pricing_data.settings_public(row))


@pricing_router.get(
    "/markup-rules",
    response_model=Envelope[list[MarkupRulePublic]],
    responses=READ,
    summary="The agency's markup rules, in tie-break order",
)
def list_markup_rules(identity: Who, session: Db) -> dict[str, Any]:
    rows = pricing_data.list_markup_rules(session, identity.context)
    return envelope([pricing_data.markup_public(r) for r in rows])


@pricing_router.post(
    "/markup-rules",
    status_code=201,
    response_model=Envelope[MarkupRulePublic],
    responses=WRITE,
    summary="Add a markup rule (a percent or an amount for lines matching what it names)",
)
def add_markup_rule(body: MarkupRuleIn, identity: Who, session: Db) -> dict[str, Any]:
    row = pricing_data.add_markup_rule(session, identity.context, data=body)
    return envelope(pricing_data.markup_public(row))


@pricing_router.put(
    "/markup-rules/{rule_id:uuid}",
    response_model=Envelope[MarkupRulePublic],
    responses=WRITE,
    summary="Change a markup rule at the `row_version` you read",
)
def update_markup_rule(
    rule_id: uuid.UUID, body: MarkupRulePatch, identity: Who, session: Db
) -> dict[str, Any]:
    data = MarkupRuleIn.model_validate(body.model_dump(exclude={"row_version"}))
    row = pricing_data.update_markup_rule(
        session, identity.context, rule_id=rule_id, row_version=body.row_version, data=data
    )
    return envelope(pricing_data.markup_public(row))


@pricing_router.delete(
    "/markup-rules/{rule_id:uuid}", status_code=204, responses=WRITE, summary="Remove a markup rule"
)
def delete_markup_rule(rule_id: uuid.UUID, identity: Who, session: Db) -> Response:
    pricing_data.delete_markup_rule(session, identity.context, rule_id=rule_id)
    return Response(status_code=204)


@pricing_router.get(
    "/tax-rules",
    response_model=Envelope[list[TaxRulePublic]],
    responses=READ,
    summary="The agency's dated tax table",
)
def list_tax_rules(identity: Who, session: Db) -> dict[str, Any]:
    rows = pricing_data.list_tax_rules(session, identity.context)
    return envelope([pricing_data.tax_public(r) for r in rows])


@pricing_router.post(
    "/tax-rules",
    status_code=201,
    response_model=Envelope[TaxRulePublic],
    responses=WRITE,
    summary="Add a dated tax row (it takes over its tax from `valid_from`)",
)
def add_tax_rule(body: TaxRuleIn, identity: Who, session: Db) -> dict[str, Any]:
    row = pricing_data.add_tax_rule(session, identity.context, data=body)
    return envelope(pricing_data.tax_public(row))


@pricing_router.post(
    "/tax-rules/seed",
    response_model=Envelope[list[TaxRulePublic]],
    responses=WRITE,
    summary="Add the starting rows of a country's tax table that the agency lacks",
)
def seed_tax_rules(
    identity: Who, session: Db, country: Annotated[Country, Query()]
) -> dict[str, Any]:
    pricing_data.seed_tax_table(session, identity.context, country=country)
    rows = pricing_data.list_tax_rules(session, identity.context)
    return envelope([pricing_data.tax_public(r) for r in rows])


@pricing_router.put(
    "/tax-rules/{rule_id:uuid}",
    response_model=Envelope[TaxRulePublic],
    responses=WRITE,
    summary="Correct a tax row at the `row_version` you read",
)
def update_tax_rule(
    rule_id: uuid.UUID, body: TaxRulePatch, identity: Who, session: Db
) -> dict[str, Any]:
    data = TaxRuleIn.model_validate(body.model_dump(exclude={"row_version"}))
    row = pricing_data.update_tax_rule(
        session, identity.context, rule_id=rule_id, row_version=body.row_version, data=data
    )
    return envelope(pricing_data.tax_public(row))


@pricing_router.delete(
    "/tax-rules/{rule_id:uuid}", status_code=204, responses=WRITE, summary="Remove a tax row"
)
def delete_tax_rule(rule_id: uuid.UUID, identity: Who, session: Db) -> Response:
    pricing_data.delete_tax_rule(session, identity.context, rule_id=rule_id)
    return Response(status_code=204)


@pricing_router.get(
    "/fx-rates",
    response_model=Envelope[list[FxRatePublic]],
    responses=READ,
    summary="The agency's exchange rates, newest first (of one currency with `base`)",
)
def list_fx_rates(identity: Who, session: Db, base: Currency | None = None) -> dict[str, Any]:
    rows = pricing_data.list_fx_rates(session, identity.context, base=base)
    return envelope([pricing_data.fx_public(r) for r in rows])


@pricing_router.put(
    "/fx-rates",
    response_model=Envelope[FxRatePublic],
    responses=WRITE,
    summary="Enter or correct the rate of a currency pair on a day",
)
def set_fx_rate(body: FxRateIn, identity: Who, session: Db) -> dict[str, Any]:
    return envelope(
        pricing_data.fx_public(pricing_data.set_fx_rate(session, identity.context, data=body))
    )


@pricing_router.delete(
    "/fx-rates/{rate_id:uuid}", status_code=204, responses=WRITE, summary="Remove an exchange rate"
)
def delete_fx_rate(rate_id: uuid.UUID, identity: Who, session: Db) -> Response:
    pricing_data.delete_fx_rate(session, identity.context, rate_id=rate_id)
    return Response(status_code=204)


FX_FILE_LIMIT = 5 * 1024 * 1024


def _fx_import_out(found: pricing_data.FxImport, saved: int) -> FxImportOut:
    return FxImportOut(
        saved=saved,
        columns=found.columns,
        rows=[
            FxImportRowOut(
                row=r.row,
                base=r.base,
                quote=r.quote,
                valid_on=r.valid_on,
                rate=r.rate,
                ok=r.data is not None,
            )
            for r in found.rows
        ],
        problems=[
            FxImportProblemOut(row=p.row, field=p.field, message=p.message) for p in found.problems
        ],
    )


@pricing_router.post(
    "/fx-rates/import",
    response_model=Envelope[FxImportOut],
    responses=WRITE,
    summary="Import dated rates from the bank's CSV, XLSX or XLS (up to 5 MB): all rows or "
    "none; `dry_run` checks without saving. Columns: Date, Currency (or Base/Quote, or a Pair "
    "such as USD/INR) and Rate; without a quote column, rates are in `quote` (default: the "
    "agency's currency)",
)
async def import_fx_rates(
    file: UploadFile,
    identity: Who,
    dry_run: Annotated[bool, Query()] = False,
    quote: Annotated[Currency | None, Query()] = None,
) -> dict[str, Any]:
    data = await file.read(FX_FILE_LIMIT + 1)
    if len(data) > FX_FILE_LIMIT:
        raise ValidationFailedError(
            "The file is over the 5 MB limit.",
            errors=[FieldError("file", "At most 5 MB.", "too_large")],
        )
    name = file.filename or "rates"

    def run() -> FxImportOut:
        with tempfile.NamedTemporaryFile(prefix="travelcrm-fx-") as handle:
            handle.write(data)
            handle.flush()
            with tenant_scope(identity.context) as session:
                found = pricing_data.import_fx_file(
                    session,
                    identity.context,
                    path=Path(handle.name),
                    filename=name,
                    quote=quote,
                    dry_run=dry_run,
                )
                return _fx_import_out(found, 0 if dry_run else len(found.valid))

    return envelope(await run_in_threadpool(run))

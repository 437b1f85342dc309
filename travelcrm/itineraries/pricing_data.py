"""The agency's pricing data: its settings (markup policy, rounding, FX buffer, commission),
markup rules, the dated tax table (seeded for its country, corrected by it) and dated exchange
rates. Itineraries read them when they price; nothing here is a constant in code except the
starting rows of a country's table, which the agency can correct."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from travelcrm.core.clock import utcnow
from travelcrm.core.errors import (
    FieldError,
    NotFoundError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import add_unless_exists, save_row
from travelcrm.core.versions import advance_version
from travelcrm.itineraries.models import FxRate, MarkupRuleRow, PricingSettings, TaxRuleRow
from travelcrm.itineraries.schemas import (
    FxRateIn,
    FxRatePublic,
    MarkupRuleIn,
    MarkupRulePublic,
    PricingSettingsIn,
    PricingSettingsPublic,
    TaxRuleIn,
    TaxRulePublic,
)

# The starting rows of a country's tax table: what the law said when they were written, each
# dated; the agency corrects or adds rows (a new row from a later date takes over).
STARTING_TAX_TABLE: dict[str, list[dict[str, Any]]] = {
    "IN": [
        {
            "name": "GST on tour package",
            "kind": "gst_package",
            "valid_from": "2017-07-01",
            "rate_pct": "5",
            "split_in_state": True,
            "note": "Tour operator billing stay and transport together, without input credit",
        },
        {
            "name": "GST on service fee",
            "kind": "gst_service",
            "valid_from": "2017-07-01",
            "rate_pct": "18",
            "base": "margin",
            "split_in_state": True,
            "note": "Agency's service fee or margin",
        },
        {
            "name": "GST on accommodation",
            "kind": "hotel_slab",
            "valid_from": "2022-07-18",
            "slabs": [{"up_to": "7500", "rate_pct": "12"}, {"up_to": None, "rate_pct": "18"}],
            "split_in_state": True,
            "note": "By each night's tariff",
        },
        {
            "name": "GST on accommodation",
            "kind": "hotel_slab",
            "valid_from": "2025-09-22",
            "slabs": [{"up_to": "7500", "rate_pct": "5"}, {"up_to": None, "rate_pct": "18"}],
            "split_in_state": True,
            "note": "By each night's tariff",
        },
        {
            "name": "TCS on overseas package",
            "kind": "tcs",
            "valid_from": "2023-10-01",
            "slabs": [{"up_to": "700000", "rate_pct": "5"}, {"up_to": None, "rate_pct": "20"}],
            "note": "Per customer and financial year",
        },
        {
            "name": "TCS on overseas package",
            "kind": "tcs",
            "valid_from": "2025-04-01",
            "slabs": [{"up_to": "1000000", "rate_pct": "5"}, {"up_to": None, "rate_pct": "20"}],
            "note": "Per customer and financial year",
        },
        {
            "name": "TCS on overseas package",
            "kind": "tcs",
            "valid_from": "2026-04-01",
            "rate_pct": "2",
            "note": "Flat rate announced from 1 April 2026: check it against the law in force",
        },
    ],
}


# ---- settings ------------------------------------------------------------------------------------


def settings_public(row: PricingSettings) -> PricingSettingsPublic:
    return PricingSettingsPublic.model_validate(
        {**row.model_dump(), "row_version": row.row_version or 1}
    )


def get_settings(session: Session, ctx: TenantContext) -> PricingSettings:
    require(ctx, Action.ITINERARIES_VIEW)
    add_unless_exists(session, PricingSettings(tenant_id=ctx.tenant_id), key=["tenant_id"])
    return session.exec(select(PricingSettings)).one()


def save_settings(
    session: Session, ctx: TenantContext, *, data: PricingSettingsIn, row_version: int
) -> PricingSettings:
    require(ctx, Action.PRICING_SETTINGS)
    row = get_settings(session, ctx)
    values = {k: (v.value if hasattr(v, "value") else v) for k, v in data.model_dump().items()}
    values["updated_at"] = utcnow()
    if not advance_version(session, row, read=row_version, values=values):
        raise VersionConflictError.at(
            "Someone changed the pricing settings meanwhile. Reload them and try again.",
            current_row_version=row.row_version,
        )
    return row


# ---- markup rules --------------------------------------------------------------------------------


def _rule_problems(data: MarkupRuleIn) -> list[FieldError]:
    problems = []
    if data.kind.value == "percent" and data.value > 1000:
        problems.append(FieldError("value", "A markup is at most 1,000 %.", "too_large"))
    if data.travel_from and data.travel_to and data.travel_to < data.travel_from:
        problems.append(
            FieldError("travel_to", "The travel period ends before it starts.", "invalid")
        )
    return problems


def markup_public(row: MarkupRuleRow) -> MarkupRulePublic:
    return MarkupRulePublic.model_validate(row.model_dump())


def list_markup_rules(session: Session, ctx: TenantContext) -> list[MarkupRuleRow]:
    require(ctx, Action.ITINERARIES_VIEW)
    return list(
        session.exec(
            select(MarkupRuleRow).order_by(col(MarkupRuleRow.position), col(MarkupRuleRow.name))
        ).all()
    )


def _rule_values(data: MarkupRuleIn) -> dict[str, Any]:
    values = data.model_dump()
    for name in ("kind", "market", "service_type"):
        if values[name] is not None and hasattr(values[name], "value"):
            values[name] = values[name].value
    return values


def add_markup_rule(session: Session, ctx: TenantContext, *, data: MarkupRuleIn) -> MarkupRuleRow:
    require(ctx, Action.PRICING_SETTINGS)
    problems = _rule_problems(data)
    if problems:
        raise ValidationFailedError("The markup rule cannot be saved as it is.", errors=problems)
    row = MarkupRuleRow(tenant_id=ctx.tenant_id, **_rule_values(data))
    if not add_unless_exists(session, row, key=["tenant_id", "name"]):
        raise ValidationFailedError(
            "A markup rule of that name exists.",
            errors=[FieldError("name", "Another rule has this name.", "duplicate")],
        )
    return _markup(session, row.id)


def _row(session: Session, model: Any, row_id: uuid.UUID, what: str) -> Any:
    found = session.exec(
        select(model).where(model.id == row_id).execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFoundError(f"{what} not found.")
    return found


def _markup(session: Session, rule_id: uuid.UUID) -> MarkupRuleRow:
    row: MarkupRuleRow = _row(session, MarkupRuleRow, rule_id, "Markup rule")
    return row


def update_markup_rule(
    session: Session,
    ctx: TenantContext,
    *,
    rule_id: uuid.UUID,
    row_version: int,
    data: MarkupRuleIn,
) -> MarkupRuleRow:
    require(ctx, Action.PRICING_SETTINGS)
    row = _markup(session, rule_id)
    problems = _rule_problems(data)
    clash = session.exec(
        select(MarkupRuleRow.id).where(
            col(MarkupRuleRow.name) == data.name, col(MarkupRuleRow.id) != rule_id
        )
    ).first()
    if clash is not None:
        problems.append(FieldError("name", "Another rule has this name.", "duplicate"))
    if problems:
        raise ValidationFailedError("The markup rule cannot be saved as it is.", errors=problems)
    if not advance_version(session, row, read=row_version, values=_rule_values(data)):
        raise VersionConflictError.at(
            "Someone changed this rule meanwhile.", current_row_version=row.row_version
        )
    return row


def delete_markup_rule(session: Session, ctx: TenantContext, *, rule_id: uuid.UUID) -> None:
    require(ctx, Action.PRICING_SETTINGS)
    session.delete(_markup(session, rule_id))
    session.flush()


# ---- the tax table -------------------------------------------------------------------------------


def tax_public(row: TaxRuleRow) -> TaxRulePublic:
    return TaxRulePublic.model_validate(row.model_dump())


def list_tax_rules(session: Session, ctx: TenantContext) -> list[TaxRuleRow]:
    require(ctx, Action.ITINERARIES_VIEW)
    return list(
        session.exec(
            select(TaxRuleRow).order_by(
                col(TaxRuleRow.kind), col(TaxRuleRow.name), col(TaxRuleRow.valid_from)
            )
        ).all()
    )


def _tax_values(data: TaxRuleIn) -> dict[str, Any]:
    values = data.model_dump(mode="json")
    values["valid_from"] = data.valid_from
    values["rate_pct"] = data.rate_pct
    return values


def _tax_problems(data: TaxRuleIn) -> list[FieldError]:
    problems = []
    if data.kind.value in ("hotel_slab",) and not data.slabs:
        problems.append(FieldError("slabs", "A tariff slab rule needs its slabs.", "required"))
    limits = [s.up_to for s in data.slabs if s.up_to is not None]
    if len(limits) != len(set(limits)) or sum(s.up_to is None for s in data.slabs) > 1:
        problems.append(FieldError("slabs", "Each slab needs its own upper limit.", "invalid"))
    return problems


def add_tax_rule(session: Session, ctx: TenantContext, *, data: TaxRuleIn) -> TaxRuleRow:
    require(ctx, Action.PRICING_SETTINGS)
    problems = _tax_problems(data)
    if problems:
        raise ValidationFailedError("The tax row cannot be saved as it is.", errors=problems)
    row = TaxRuleRow(tenant_id=ctx.tenant_id, **_tax_values(data))
    if not add_unless_exists(session, row, key=["tenant_id", "kind", "name", "valid_from"]):
        raise ValidationFailedError(
            "That tax already has a row from that date.",
            errors=[FieldError("valid_from", "A row of this tax starts that day.", "duplicate")],
        )
    return _tax(session, row.id)


def _tax(session: Session, rule_id: uuid.UUID) -> TaxRuleRow:
    row: TaxRuleRow = _row(session, TaxRuleRow, rule_id, "Tax row")
    return row


def update_tax_rule(
    session: Session, ctx: TenantContext, *, rule_id: uuid.UUID, row_version: int, data: TaxRuleIn
) -> TaxRuleRow:
    require(ctx, Action.PRICING_SETTINGS)
    row = _tax(session, rule_id)
    problems = _tax_problems(data)
    if problems:
        raise ValidationFailedError("The tax row cannot be saved as it is.", errors=problems)
    clash = session.exec(
        select(TaxRuleRow.id).where(
            col(TaxRuleRow.kind) == data.kind.value,
            col(TaxRuleRow.name) == data.name,
            col(TaxRuleRow.valid_from) == data.valid_from,
            col(TaxRuleRow.id) != rule_id,
        )
    ).first()
    if clash is not None:
        raise ValidationFailedError(
            "That tax already has a row from that date.",
            errors=[FieldError("valid_from", "A row of this tax starts that day.", "duplicate")],
        )
    if not advance_version(session, row, read=row_version, values=_tax_values(data)):
        raise VersionConflictError.at(
            "Someone changed this tax row meanwhile.", current_row_version=row.row_version
        )
    return row


def delete_tax_rule(session: Session, ctx: TenantContext, *, rule_id: uuid.UUID) -> None:
    require(ctx, Action.PRICING_SETTINGS)
    session.delete(_tax(session, rule_id))
    session.flush()


def seed_tax_table(session: Session, ctx: TenantContext, *, country: str) -> int:
    """The starting rows of `country`'s tax table that the agency does not have yet (none for
    a country whose table starts empty, such as the US): how many were added."""
    require(ctx, Action.PRICING_SETTINGS)
    added = 0
    for entry in STARTING_TAX_TABLE.get(country.upper(), []):
        data = TaxRuleIn.model_validate({**entry, "country": country.upper()})
        row = TaxRuleRow(tenant_id=ctx.tenant_id, **_tax_values(data))
        added += add_unless_exists(session, row, key=["tenant_id", "kind", "name", "valid_from"])
    return added


# ---- exchange rates ------------------------------------------------------------------------------


def fx_public(row: FxRate) -> FxRatePublic:
    return FxRatePublic.model_validate(row.model_dump())


def list_fx_rates(
    session: Session, ctx: TenantContext, *, base: str | None = None, limit: int = 200
) -> list[FxRate]:
    require(ctx, Action.ITINERARIES_VIEW)
    statement = select(FxRate).order_by(col(FxRate.valid_on).desc(), col(FxRate.base)).limit(limit)
    if base:
        statement = statement.where(col(FxRate.base) == base.upper())
    return list(session.exec(statement).all())


def set_fx_rate(session: Session, ctx: TenantContext, *, data: FxRateIn) -> FxRate:
    """The rate of one day, entered or corrected (the same pair and day is replaced)."""
    require(ctx, Action.PRICING_SETTINGS)
    if data.base == data.quote:
        raise ValidationFailedError(
            "An exchange rate needs two currencies.",
            errors=[FieldError("quote", "Pick another currency than the first.", "invalid")],
        )
    row = FxRate(tenant_id=ctx.tenant_id, **data.model_dump())
    save_row(
        session, row, key=["tenant_id", "base", "quote", "valid_on"], update=["rate", "source"]
    )
    return session.exec(
        select(FxRate)
        .where(
            col(FxRate.base) == data.base,
            col(FxRate.quote) == data.quote,
            col(FxRate.valid_on) == data.valid_on,
        )
        .execution_options(populate_existing=True)
    ).one()


def delete_fx_rate(session: Session, ctx: TenantContext, *, rate_id: uuid.UUID) -> None:
    require(ctx, Action.PRICING_SETTINGS)
    session.delete(_row(session, FxRate, rate_id, "Exchange rate"))
    session.flush()

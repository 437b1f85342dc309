"""The agency's pricing data: its settings (markup policy, rounding, FX buffer, commission),
markup rules, the dated tax table (seeded for its country, corrected by it) and dated exchange
rates. Itineraries read them when they price; nothing here is a constant in code except the
starting rows of a country's table, which the agency can correct."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
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
from travelcrm.itineraries import maths
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
from travelcrm.ratesheets.reading import read_workbook
from travelcrm.tenants.services import own_tenant

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
            errors=[FieldError("quote", "Pick another currency than the first.", "same_currency")],
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


# ---- which markup rule would apply ---------------------------------------------------------------


def as_maths_rule(row: MarkupRuleRow | Any) -> maths.MarkupRule:
    """A saved rule (an ORM row or a plain row of its columns) as the sheet's maths sees it."""
    return maths.MarkupRule(
        id=str(row.id),
        name=row.name,
        kind=maths.MarkupKind(row.kind),
        value=row.value,
        market=row.market,
        destination=row.destination,
        supplier_type=row.supplier_type,
        service_type=row.service_type,
        travel_from=row.travel_from,
        travel_to=row.travel_to,
    )


def mismatch(rule: maths.MarkupRule, facts: maths.LineFacts) -> str | None:
    """The first criterion of `rule` that `facts` fail ("market", "destination",
    "supplier_type", "service_type", "travel_period"), None when the rule matches."""
    for name in ("market", "destination", "supplier_type", "service_type"):
        wanted, have = getattr(rule, name), getattr(facts, name)
        if wanted is not None and (have is None or wanted.casefold() != have.casefold()):
            return name
    if not rule.matches(facts):
        return "travel_period"
    return None


@dataclass(frozen=True)
class RuleVerdict:
    """One active rule against the line tried: whether it matches (else the criterion that
    fails), how specific it is, and whether it prices the line."""

    rule: MarkupRuleRow
    specificity: int
    mismatch: str | None
    chosen: bool


@dataclass(frozen=True)
class MarkupTrial:
    """What the sheet would do with a line of these facts: the policy, every active rule's
    verdict (the chosen ones first), and the gross of an example net in the selling currency."""

    policy: maths.MarkupPolicy
    verdicts: list[RuleVerdict]
    example_net: Decimal
    example_gross: Decimal
    currency: str

    @property
    def chosen(self) -> list[RuleVerdict]:
        return [v for v in self.verdicts if v.chosen]


def try_markup(
    session: Session,
    ctx: TenantContext,
    *,
    facts: maths.LineFacts,
    example_net: Decimal = Decimal(10000),
    currency: str = "INR",
) -> MarkupTrial:
    """The rule (or rules, when they stack) that would price a line of `facts`, chosen by the
    same maths the pricing sheet uses, in the same order (position, then age)."""
    require(ctx, Action.ITINERARIES_VIEW)
    policy = maths.MarkupPolicy(get_settings(session, ctx).markup_policy)
    rows = list(
        session.exec(
            select(MarkupRuleRow)
            .where(col(MarkupRuleRow.is_active))
            .order_by(col(MarkupRuleRow.position), col(MarkupRuleRow.created_at))
        ).all()
    )
    rules = [as_maths_rule(row) for row in rows]
    chosen = maths.choose_markups(rules, facts, policy)
    chosen_ids = {rule.id for rule in chosen}
    verdicts = [
        RuleVerdict(
            rule=row,
            specificity=rule.specificity,
            mismatch=mismatch(rule, facts),
            chosen=rule.id in chosen_ids,
        )
        for row, rule in zip(rows, rules, strict=True)
    ]
    order = {rule.id: n for n, rule in enumerate(chosen)}
    verdicts.sort(
        key=lambda v: (
            not v.chosen,
            order.get(str(v.rule.id), 0),
            v.mismatch is not None,
            -v.specificity,
        )
    )
    return MarkupTrial(
        policy=policy,
        verdicts=verdicts,
        example_net=example_net,
        example_gross=maths.apply_markups(example_net, chosen, currency),
        currency=currency,
    )


# ---- the tax table over time ---------------------------------------------------------------------


@dataclass(frozen=True)
class TaxPeriod:
    """A row of the tax table and the days it is in force: from its `valid_from` until the
    day before the next row of the same tax (`until` None: still in force)."""

    row: TaxRuleRow
    until: date | None


@dataclass(frozen=True)
class TaxTimeline:
    """One tax (a kind; a custom line by its name) and its rows in date order."""

    kind: str
    name: str
    periods: list[TaxPeriod]

    def in_force(self, on: date) -> TaxPeriod | None:
        for period in self.periods:
            if period.row.valid_from <= on and (period.until is None or on <= period.until):
                return period
        return None


def tax_key(row: TaxRuleRow) -> tuple[str, str]:
    """Which rows follow one another: the sheet takes the latest row of a kind (custom lines:
    of a kind and name), as `maths.in_force` does."""
    return (row.kind, row.name if row.kind == maths.TaxKind.CUSTOM.value else "")


def tax_timelines(rows: list[TaxRuleRow]) -> list[TaxTimeline]:
    """The agency's tax rows grouped per tax, each row with the day it stops applying."""
    groups: dict[tuple[str, str], list[TaxRuleRow]] = {}
    for row in sorted(rows, key=lambda r: r.valid_from):
        groups.setdefault(tax_key(row), []).append(row)
    timelines = []
    for (kind, _name), group in groups.items():
        periods = [
            TaxPeriod(
                row=row,
                until=group[n + 1].valid_from - timedelta(days=1) if n + 1 < len(group) else None,
            )
            for n, row in enumerate(group)
        ]
        timelines.append(TaxTimeline(kind=kind, name=group[-1].name, periods=periods))
    order = [k.value for k in maths.TaxKind]
    timelines.sort(key=lambda t: (order.index(t.kind) if t.kind in order else 99, t.name))
    return timelines


# ---- exchange rates over time, and imported from a bank's file -----------------------------------


def fx_pairs(session: Session, ctx: TenantContext) -> list[tuple[str, str]]:
    """The currency pairs the agency has rates for."""
    require(ctx, Action.ITINERARIES_VIEW)
    return [
        (base, quote)
        for base, quote in session.exec(
            select(FxRate.base, FxRate.quote).distinct().order_by(FxRate.base, FxRate.quote)
        ).all()
    ]


def fx_series(
    session: Session, ctx: TenantContext, *, base: str, quote: str, limit: int = 366
) -> list[FxRate]:
    """A pair's rates, oldest first (the latest `limit` days that have one)."""
    require(ctx, Action.ITINERARIES_VIEW)
    newest = session.exec(
        select(FxRate)
        .where(col(FxRate.base) == base.upper(), col(FxRate.quote) == quote.upper())
        .order_by(col(FxRate.valid_on).desc())
        .limit(limit)
    ).all()
    return list(reversed(newest))


MAX_FX_ROWS = 5000

# a column of the bank's file is known by its header (lower case, spaces for _ and -)
_FX_HEADERS: dict[str, tuple[str, ...]] = {
    "valid_on": ("date", "valid on", "value date", "rate date", "as of", "as on", "day"),
    "pair": ("pair", "currency pair"),
    "base": ("base", "from", "from currency", "currency", "ccy", "currency code", "code"),
    "quote": ("quote", "to", "to currency", "in", "against"),
    "rate": (
        "rate",
        "exchange rate",
        "fx rate",
        "tt selling",
        "tt sell",
        "selling",
        "selling rate",
        "sell",
        "mid",
        "mid rate",
        "reference rate",
        "tt buying",
        "buying",
    ),
}
_FX_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%Y", "%d %b %Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class FxRowProblem:
    """Why row `row` (as numbered in the file: the header is the row above the first rate)
    cannot be saved; `field` is valid_on, base, quote or rate."""

    row: int
    field: str
    message: str


@dataclass(frozen=True)
class FxFileRow:
    row: int
    base: str
    quote: str
    valid_on: str  # as read: ISO when it is a date
    rate: str
    data: FxRateIn | None  # None when the row has a problem


@dataclass(frozen=True)
class FxImport:
    """A bank's file read and checked, nothing saved: each row as read, and every problem."""

    rows: list[FxFileRow]
    problems: list[FxRowProblem]
    columns: dict[str, str]  # what each column of ours was read from ("rate": "TT Selling")

    @property
    def valid(self) -> list[FxRateIn]:
        return [row.data for row in self.rows if row.data is not None]

    def errors(self) -> list[FieldError]:
        return [
            FieldError(f"rows.{p.row}.{p.field}", f"Row {p.row}: {p.message}", "invalid")
            for p in self.problems
        ]


def _header(cell: Any) -> str:
    return " ".join(str(cell or "").strip().lower().replace("_", " ").replace("-", " ").split())


def _find_columns(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """The header row (the first of the first 20 naming a date and a rate) and the column of
    each of ours it names."""
    for number, cells in enumerate(rows[:20]):
        headers = [_header(c) for c in cells]
        found: dict[str, int] = {}
        for ours, names in _FX_HEADERS.items():
            for name in names:  # the first name of the list a column has wins
                if name in headers and headers.index(name) not in found.values():
                    found[ours] = headers.index(name)
                    break
        if "valid_on" in found and "rate" in found:
            return number, found
    raise ValidationFailedError(
        "The file has no header row naming a date and a rate column.",
        errors=[
            FieldError(
                "file",
                "Name the columns Date, Currency (or Base and Quote) and Rate in the first row.",
                "no_header",
            )
        ],
    )


def _fx_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in _FX_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _fx_number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (ArithmeticError, ValueError):
        return None


def _cell(cells: list[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


_FX_FIELD_WORDS = {
    "valid_on": "the date",
    "base": "the currency",
    "quote": "the currency it is priced in",
    "rate": "the rate",
}


def read_fx_rows(rows: list[list[Any]], *, quote: str | None, source: str) -> FxImport:
    """Check a sheet's cells as exchange rates, row by row: a date, a currency (or a pair such
    as USD/INR or USDINR), the currency it is priced in (a column, else `quote`, the agency's
    selling currency) and a rate above 0, each pair and day once."""
    header, columns = _find_columns(rows)
    names = {ours: _shown(rows[header][index]) for ours, index in columns.items()}
    problems: list[FxRowProblem] = []
    out: list[FxFileRow] = []
    seen: dict[tuple[str, str, date], int] = {}
    for offset, cells in enumerate(rows[header + 1 :], start=header + 2):
        if not any(_shown(c) for c in cells):
            continue
        if len(out) >= MAX_FX_ROWS:
            raise ValidationFailedError(
                f"At most {MAX_FX_ROWS:,} rates per file.",
                errors=[FieldError("file", f"At most {MAX_FX_ROWS:,} rates.", "too_large")],
            )
        base_cell, quote_cell = (
            _cell(cells, columns.get("base")),
            _cell(cells, columns.get("quote")),
        )
        pair = _shown(_cell(cells, columns.get("pair"))).upper().replace(" ", "")
        if pair:
            letters = pair.replace("/", "").replace("-", "")
            if len(letters) == 6 and letters.isalpha():
                base_cell, quote_cell = letters[:3], letters[3:]
        base_text = _shown(base_cell).upper()
        quote_text = _shown(quote_cell).upper() or (quote or "").upper()
        raw_date, raw_rate = _cell(cells, columns["valid_on"]), _cell(cells, columns["rate"])
        row_problems: list[FxRowProblem] = []
        day = _fx_date(raw_date)
        if day is None:
            row_problems.append(
                FxRowProblem(
                    offset,
                    "valid_on",
                    "the date is missing."
                    if not _shown(raw_date)
                    else f"“{_shown(raw_date)}” is not a date (write it as 2026-12-01 "
                    "or 01/12/2026).",
                )
            )
        rate = _fx_number(raw_rate)
        if rate is None:
            row_problems.append(
                FxRowProblem(
                    offset,
                    "rate",
                    "the rate is missing."
                    if not _shown(raw_rate)
                    else f"“{_shown(raw_rate)}” is not a number.",
                )
            )
        values = {
            "base": base_text,
            "quote": quote_text,
            "valid_on": day,
            "rate": rate,
            "source": source[:60],
        }
        data: FxRateIn | None = None
        if not row_problems:
            try:
                data = FxRateIn.model_validate(values)
            except ValidationError as exc:
                for error in exc.errors():
                    name = str(error["loc"][0]) if error.get("loc") else "rate"
                    if any(p.field == name for p in row_problems):
                        continue
                    row_problems.append(FxRowProblem(offset, name, _fx_message(name, values)))
        if data is not None and data.base == data.quote:
            row_problems.append(
                FxRowProblem(
                    offset, "quote", f"a rate of {data.base} in {data.base} means nothing."
                )
            )
            data = None
        if data is not None:
            key = (data.base, data.quote, data.valid_on)
            if key in seen:
                row_problems.append(
                    FxRowProblem(
                        offset,
                        "valid_on",
                        f"{data.base} in {data.quote} on {data.valid_on.isoformat()} is also on "
                        f"row {seen[key]}.",
                    )
                )
                data = None
            else:
                seen[key] = offset
        problems.extend(row_problems)
        out.append(
            FxFileRow(
                row=offset,
                base=base_text,
                quote=quote_text,
                valid_on=day.isoformat() if day else _shown(raw_date),
                rate=str(rate) if rate is not None else _shown(raw_rate),
                data=None if row_problems else data,
            )
        )
    if not out:
        raise ValidationFailedError(
            "The file has no rates under its header row.",
            errors=[FieldError("file", "No rates under the header row.", "empty")],
        )
    return FxImport(rows=out, problems=problems, columns=names)


def _fx_message(name: str, values: dict[str, Any]) -> str:
    value = values.get(name)
    if name in ("base", "quote"):
        if not value:
            return f"{_FX_FIELD_WORDS[name]} is missing."
        return f"“{value}” is not a currency code (use three letters such as USD or INR)."
    if name == "rate":
        return "the rate must be above 0 with at most 12 decimals."
    return f"{_FX_FIELD_WORDS.get(name, name)} is not valid."


def read_fx_file(path: Path, filename: str, *, quote: str | None) -> FxImport:
    """A bank's CSV, XLSX or XLS of exchange rates read (safely: `ratesheets.reading`) and
    checked row by row; the first sheet with a header naming a date and a rate is used."""
    book = read_workbook(path, filename)
    refusal: ValidationFailedError | None = None
    for sheet in book.sheets:
        try:
            return read_fx_rows(sheet.rows, quote=quote, source=f"File {filename}")
        except ValidationFailedError as exc:
            refusal = refusal or exc
    raise refusal or ValidationFailedError(
        "The file has no rates.", errors=[FieldError("file", "No rates.", "empty")]
    )


def save_fx_rates(session: Session, ctx: TenantContext, *, rates: list[FxRateIn]) -> int:
    """Every rate saved (a pair's rate of a day already there is replaced), in the caller's
    one transaction: all of them or, on any refusal, none."""
    require(ctx, Action.PRICING_SETTINGS)
    for data in rates:
        if data.base == data.quote:
            raise ValidationFailedError(
                "An exchange rate needs two currencies.",
                errors=[
                    FieldError("quote", "Pick another currency than the first.", "same_currency")
                ],
            )
        save_row(
            session,
            FxRate(tenant_id=ctx.tenant_id, **data.model_dump()),
            key=["tenant_id", "base", "quote", "valid_on"],
            update=["rate", "source"],
        )
    return len(rates)


def import_fx_file(
    session: Session,
    ctx: TenantContext,
    *,
    path: Path,
    filename: str,
    quote: str | None = None,
    dry_run: bool = False,
) -> FxImport:
    """A bank's file of rates checked and, unless `dry_run`, saved: all rows or none. A file
    with any problem raises them all, each naming its row and field."""
    require(ctx, Action.PRICING_SETTINGS)
    found = read_fx_file(path, filename, quote=quote or own_tenant(session, ctx).default_currency)
    if dry_run:
        return found
    if found.problems:
        raise ValidationFailedError(
            f"{len(found.problems)} problem(s) in the file: nothing was saved.",
            errors=found.errors(),
        )
    save_fx_rates(session, ctx, rates=found.valid)
    return found

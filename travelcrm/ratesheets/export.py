"""Export a rate list version as CSV or XLSX, in our own layout (one line per row, importable
as it is) or in the supplier's saved layout (the template's columns, wide columns pivoted back).

XLSX: a styled, frozen header row, dates as dates, prices as numbers in the currency's format,
optionally one sheet per season. Text that a spreadsheet would run as a formula (starting with
= + - @) is written as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlmodel import Session, col, select

from travelcrm.core.errors import NotFoundError, ValidationFailedError
from travelcrm.core.money import minor_units
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.rates.models import BASIS_WORDS, AgeBandKind, Occupancy, RateListVersion
from travelcrm.rates.schemas import weekday_names
from travelcrm.ratesheets import values, xlsx
from travelcrm.ratesheets.models import ImportTemplate
from travelcrm.ratesheets.schemas import PRICE_FIELDS, ImportField, ImportMapping

Format = Literal["xlsx", "csv"]
Layout = Literal["ours", "supplier"]

OUR_COLUMNS = (
    "Service",
    "Meal Plan",
    "Season",
    "Valid From",
    "Valid To",
    "Basis",
    "Occupancy",
    "Age Band",
    "Pax",
    "Net",
    "Sell",
    "Markup %",
    "Min Nights",
    "Days",
    "Currency",
    "Seats",  # per vehicle (vehicle bases); empty: the service's
    "Supplement",  # empty: the base price
    "Optional",  # "Yes": a supplement added only when asked
)
_FORMULA_START = values.FORMULA_START  # (the import takes the apostrophe off again)
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")
_CURRENCY_MARK = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "IDR": "Rp ", "AED": "AED "}


def neutralise(text: str) -> str:
    """User text that would run as a formula gets a leading apostrophe."""
    if text[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    file_name: str
    media_type: str


@dataclass(frozen=True)
class _Line:
    service: str
    meal_plan: str
    season: str
    starts_on: date
    ends_on: date
    basis: str
    occupancy: str
    age_band: str
    pax_min: int
    pax_max: int
    net: Decimal
    sell: Decimal | None
    markup_pct: Decimal | None
    min_nights: int
    days: str
    capacity: int | None = None
    supplement: str | None = None
    optional: bool = False


def _version(
    session: Session, ctx: TenantContext, rate_list_id: uuid.UUID, number: int | None
) -> RateListVersion:
    versions = rates.list_versions(session, ctx, rate_list_id)
    if number is None:
        published = [v for v in versions if v.status == "published"]
        return (published or versions)[0]
    for version in versions:
        if version.number == number:
            return version
    raise NotFoundError(f"This rate list has no version {number}.")


def _lines(session: Session, ctx: TenantContext, version: RateListVersion) -> list[_Line]:
    services = {
        s.id: s for s in rates.services_to_price(session, ctx, supplier_id=version.supplier_id)
    }
    seasons = {s.id: s for s in rates.list_seasons(session, ctx, version.id)}
    ranges = rates.season_ranges(session, ctx, version.id)
    found: list[_Line] = []
    for row in rate_lines.version_lines(session, ctx, version_id=version.id):
        service = services[row.service_id]
        season = seasons[row.season_id]
        days = weekday_names(row.weekdays)
        # a season of several date ranges: a row per range, as suppliers write it (the import
        # merges rows of one season name back into one season)
        found.extend(
            _Line(
                service=service.name,
                meal_plan=service.meal_plan or "",
                season=season.name,
                starts_on=starts_on,
                ends_on=ends_on,
                basis=row.basis,
                occupancy=row.occupancy,
                age_band=row.age_band,
                pax_min=row.pax_min,
                pax_max=row.pax_max,
                net=row.net,
                sell=row.sell,
                markup_pct=row.markup_pct,
                min_nights=row.min_nights,
                days="All" if len(days) == 7 else ", ".join(d.title() for d in days),
                capacity=row.capacity,
                supplement=row.supplement,
                optional=bool(row.optional),
            )
            for starts_on, ends_on in ranges.get(season.id) or [(season.starts_on, season.ends_on)]
        )
    return found


def _pax(line: _Line) -> str:
    return f"{line.pax_min}-{line.pax_max}"


def _words(value: str) -> str:
    return value.replace("_", " ").capitalize()


def _basis(line: _Line) -> str:
    return BASIS_WORDS.get(line.basis, _words(line.basis))


def _occupancy(line: _Line) -> str:
    return "" if line.occupancy == Occupancy.ANY.value else _words(line.occupancy)


def _our_row(line: _Line, currency: str) -> list[Any]:
    return [
        line.service,
        line.meal_plan,
        line.season,
        line.starts_on,
        line.ends_on,
        _basis(line),
        _occupancy(line),
        _words(line.age_band),
        _pax(line),
        line.net,
        line.sell,
        line.markup_pct,
        line.min_nights,
        line.days,
        currency,
        line.capacity,
        line.supplement or "",
        "Yes" if line.optional else "",
    ]


# ---- the supplier's layout (its saved template) ---------------------------------------------


def _matches(line: _Line, fixed: dict[ImportField, str], day_first: bool) -> bool:
    """Does a wide price column (its fixed values) stand for this line?"""
    for name, text in fixed.items():
        try:
            if name == ImportField.OCCUPANCY and values.parse_occupancy(text) != line.occupancy:
                return False
            if name == ImportField.AGE_BAND and values.parse_age_band(text) != line.age_band:
                return False
            if name == ImportField.SEASON and text.strip().lower() != line.season.lower():
                return False
            if name == ImportField.VALID_FROM and (
                values.parse_date(text, day_first=day_first) != line.starts_on
            ):
                return False
            if name == ImportField.VALID_TO and (
                values.parse_date(text, day_first=day_first) != line.ends_on
            ):
                return False
            if name == ImportField.BASIS and values.parse_basis(text) != line.basis:
                return False
        except ValueError:
            return False
    if ImportField.AGE_BAND not in fixed and line.age_band != AgeBandKind.ADULT.value:
        return ImportField.OCCUPANCY in fixed and line.occupancy == Occupancy.EXTRA_BED.value
    return True


def _row_value(line: _Line, name: ImportField) -> Any:
    return {
        ImportField.SERVICE: line.service,
        ImportField.MEAL_PLAN: line.meal_plan,
        ImportField.SEASON: line.season,
        ImportField.VALID_FROM: line.starts_on,
        ImportField.VALID_TO: line.ends_on,
        ImportField.BASIS: _basis(line),
        ImportField.OCCUPANCY: ""
        if line.occupancy == Occupancy.ANY.value
        else _words(line.occupancy),
        ImportField.AGE_BAND: _words(line.age_band),
        ImportField.PAX: _pax(line),
        ImportField.PAX_MIN: line.pax_min,
        ImportField.PAX_MAX: line.pax_max,
        ImportField.MIN_NIGHTS: line.min_nights,
        ImportField.WEEKDAYS: line.days,
    }.get(name, "")


def _price_value(line: _Line, name: ImportField) -> Any:
    return {
        ImportField.NET: line.net,
        ImportField.SELL: line.sell,
        ImportField.MARKUP: line.markup_pct,
    }[name]


def _supplier_rows(
    lines: list[_Line], template: ImportMapping, currency: str
) -> tuple[list[str], list[list[Any]], list[str]]:
    """Rows in the template's layout: row fields keyed, price columns filled from the lines
    their fixed values stand for. Lines no column can hold are returned as notes."""
    columns = sorted(template.columns, key=lambda r: r.column)
    day_first = template.day_first if template.day_first is not None else True
    row_fields = [r for r in columns if r.field not in PRICE_FIELDS and not r.fixed]
    rows: dict[tuple[Any, ...], list[Any]] = {}
    unplaced = []
    for line in lines:
        key = tuple(_row_value(line, r.field) for r in row_fields)
        if ImportField.CURRENCY in {r.field for r in row_fields}:
            key = tuple(currency if v == "" else v for v in key)
        placed = False
        for position, rule in enumerate(columns):
            if rule.field not in PRICE_FIELDS or not _matches(line, rule.fixed, day_first):
                continue
            row = rows.setdefault(
                key,
                [
                    currency
                    if r.field == ImportField.CURRENCY
                    else (_row_value(line, r.field) if r in row_fields else None)
                    for r in columns
                ],
            )
            row[position] = _price_value(line, rule.field)
            placed = True
        if not placed:
            unplaced.append(f"{line.service} · {line.season} · {_words(line.occupancy)}")
    return [r.header for r in columns], list(rows.values()), unplaced


# ---- writing -------------------------------------------------------------------------------------


def _money_format(currency: str) -> str:
    places = minor_units(currency)
    number = "#,##0" + ("." + "0" * places if places else "")
    mark = _CURRENCY_MARK.get(currency, currency + " ")
    return f'"{mark}"{number}'


def _sheet_title(text: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", text).strip() or "Rates"
    return cleaned[:31]


def _csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return neutralise(str(value))


def export_version(
    session: Session,
    ctx: TenantContext,
    *,
    rate_list_id: uuid.UUID,
    version_number: int | None = None,
    file_format: Format = "xlsx",
    layout: Layout = "ours",
    sheet_per_season: bool = False,
) -> ExportFile:
    """A version (the published one by default) as a file to download."""
    require(ctx, Action.RATES_VIEW)
    rate_list = rates.get_rate_list(session, ctx, rate_list_id)
    version = _version(session, ctx, rate_list_id, version_number)
    lines = _lines(session, ctx, version)
    currency = version.currency
    if layout == "supplier":
        found = session.exec(
            select(ImportTemplate).where(col(ImportTemplate.supplier_id) == rate_list.supplier_id)
        ).first()
        if found is None:
            raise ValidationFailedError(
                "This supplier has no saved layout yet: it is saved when a sheet of theirs is "
                "imported. Export in our layout instead."
            )
        template = ImportMapping.model_validate(found.mapping)
        header, rows, _unplaced = _supplier_rows(lines, template, currency)
        groups = [("Rates", rows)]
        price_columns = {
            i
            for i, r in enumerate(sorted(template.columns, key=lambda r: r.column))
            if r.field in (ImportField.NET, ImportField.SELL)
        }
    else:
        header = list(OUR_COLUMNS)
        price_columns = {OUR_COLUMNS.index("Net"), OUR_COLUMNS.index("Sell")}
        if sheet_per_season and file_format == "xlsx":
            by_season: dict[str, list[list[Any]]] = {}
            for line in lines:
                by_season.setdefault(line.season, []).append(_our_row(line, currency))
            groups = list(by_season.items()) or [("Rates", [])]
        else:
            groups = [("Rates", [_our_row(line, currency) for line in lines])]
    stem = re.sub(r"[^A-Za-z0-9]+", "-", rate_list.name).strip("-") or "rates"
    name = f"{stem}-v{version.number}"
    if file_format == "csv":
        rows_out: Iterator[list[Any]] = (row for _title, rows in groups for row in rows)
        return ExportFile(_csv(header, rows_out), f"{name}.csv", "text/csv; charset=utf-8")
    widths = [max(10.0, min(40.0, len(h) + 4.0)) for h in header]
    titles: set[str] = set()
    sheets = []
    for title, rows in groups:
        shown = _sheet_title(title)
        while shown in titles:  # sheet names are unique (31 characters at most)
            shown = shown[:28] + f" {len(titles)}"
        titles.add(shown)
        neutral = ([neutralise(v) if isinstance(v, str) else v for v in row] for row in rows)
        sheets.append(
            xlsx.Sheet(
                title=shown,
                header=[neutralise(h) for h in header],
                rows=neutral,
                money_columns=frozenset(price_columns),
                widths=widths,
            )
        )
    return ExportFile(
        xlsx.write(sheets, money_format=_money_format(currency)),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

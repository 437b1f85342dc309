"""Exporting a rate list version (travelcrm/ratesheets/export.py): formulas in user text never
run, one sheet per season, number and date formats, the supplier's own layout (re-imported with
an empty diff), and versions or lists that can't be seen. Runs on SQLite and PostgreSQL
(TEST_BACKEND)."""

from __future__ import annotations

import csv
import dataclasses
import io
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tests.fixtures.rate_sheets.manifest import MANIFEST, Line, RateSheet, Service, Supplier
from tests.rates.factories import agency_context, line_in, publish_accepting_gaps
from tests.ratesheets.test_import import (
    Target,
    _run,
    _stage,
    _stage_export,
    _stage_path,
    _suggestion,
    _target,
)
from travelcrm.core.errors import NotFoundError, ValidationFailedError
from travelcrm.db import tenant_scope
from travelcrm.rates import services as rates
from travelcrm.ratesheets import export
from travelcrm.ratesheets.models import ImportStatus
from travelcrm.ratesheets.schemas import ImportField, ImportMapping

GOA = "hotel_goa_seasons_wide.xlsx"
BALI = "activities_bali.csv"
# service names a spreadsheet would run as formulas
FORMULAS = ('=HYPERLINK("http://x")', "+cmd", "@SUM(1)", "-2+3")
NET = export.OUR_COLUMNS.index("Net")
MARKUP = export.OUR_COLUMNS.index("Markup %")


def _commit(fx: RateSheet, tmp_path: Path, **changes: Any) -> tuple[Target, ImportMapping]:
    """The fixture imported with its manifest mapping (constants changed by `changes`) into a
    new list, as its first draft version."""
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    if changes:
        mapping = mapping.model_copy(update={"constants": mapping.constants | changes})
    stored = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=False)
    assert stored.status == ImportStatus.COMMITTED.value, stored.report["errors"][:5]
    return target, mapping


def _export(target: Target, **options: Any) -> export.ExportFile:
    with tenant_scope(target.ctx) as session:
        return export.export_version(
            session, target.ctx, rate_list_id=target.rate_list_id, **options
        )


def _book(exported: export.ExportFile) -> openpyxl.Workbook:
    assert exported.file_name.endswith(".xlsx")
    return openpyxl.load_workbook(io.BytesIO(exported.content))


def _csv_rows(exported: export.ExportFile) -> list[list[str]]:
    assert exported.file_name.endswith(".csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    return list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))


def _data(sheet: Worksheet) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=2))


# ---- formulas ----------------------------------------------------------------------------------


def _formula_target(tmp_path: Path) -> Target:
    """A supplier whose activities are named like formulas, imported from a CSV (the "-2+3"
    line has a -5% markup: a plain negative number)."""
    base = MANIFEST[BALI]
    fx = dataclasses.replace(
        base,
        supplier=Supplier("Formula Tours", "activity", "IN", "Panaji", "INR"),
        services=tuple(Service("ticket", name, None) for name in FORMULAS),
        lines=tuple(
            Line(name, None, None, "2027-04-01", "2027-09-30", "any", "adult", 1, 99, "1500")
            for name in FORMULAS
        ),
    )
    target = _target(fx)
    upload = tmp_path / f"formulas-{uuid.uuid4().hex}.csv"
    with upload.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Activity", "Valid From", "Valid To", "Net", "Markup %"])
        for index, name in enumerate(FORMULAS):
            markup = "-5" if name == "-2+3" else "15"
            writer.writerow([name, "2027-04-01", "2027-09-30", 1500 + 100 * index, markup])
    import_id = _stage_path(target, upload, "formulas.csv")
    mapping = ImportMapping.model_validate(
        {
            "header_row": 0,
            "columns": [
                {"column": 0, "header": "Activity", "field": "service"},
                {"column": 1, "header": "Valid From", "field": "valid_from"},
                {"column": 2, "header": "Valid To", "field": "valid_to"},
                {"column": 3, "header": "Net", "field": "net"},
                {"column": 4, "header": "Markup %", "field": "markup_pct"},
            ],
            "constants": {"currency": "INR"},
        }
    )
    stored = _run(target, import_id, mapping, dry_run=False)
    assert stored.status == ImportStatus.COMMITTED.value, stored.report["errors"]
    assert stored.lines == len(FORMULAS)
    return target


def test_text_that_would_run_as_a_formula_is_exported_as_text(
    migrated_engine, tmp_path: Path
) -> None:
    target = _formula_target(tmp_path)

    rows = _csv_rows(_export(target, file_format="csv"))
    assert rows[0] == list(export.OUR_COLUMNS)
    by_service = {row[0]: row for row in rows[1:]}
    assert set(by_service) == {"'" + name for name in FORMULAS}
    # a plain negative number is a number, not a formula: no apostrophe
    assert by_service["'-2+3"][MARKUP] == "-5"
    assert by_service["'+cmd"][MARKUP] == "15"

    book = _book(_export(target, file_format="xlsx"))
    cells = [row[0] for row in _data(book.worksheets[0])]
    assert sorted(c.value for c in cells) == sorted("'" + name for name in FORMULAS)
    for cell in cells:
        assert cell.data_type == "s", (cell.value, cell.data_type)  # a string, never a formula
    markups = {row[0].value: row[MARKUP] for row in _data(book.worksheets[0])}
    assert markups["'-2+3"].data_type == "n" and markups["'-2+3"].value == -5


def test_plain_numbers_written_as_text_are_not_prefixed() -> None:
    for text in ("-15", "-1500.50", "+42", "7", "Deluxe", "2027-04-01"):
        assert export.neutralise(text) == text
    for text in (*FORMULAS, "=1+1", "-A1", "@cmd", "\t=1", "\r=1"):
        assert export.neutralise(text) == "'" + text


# ---- XLSX layout ---------------------------------------------------------------------------


def test_one_sheet_per_season_named_after_it(migrated_engine, tmp_path: Path) -> None:
    fx = MANIFEST[GOA]
    target, _mapping = _commit(fx, tmp_path)
    book = _book(_export(target, file_format="xlsx", sheet_per_season=True))
    seasons = sorted({line.season for line in fx.lines if line.season})
    assert sorted(book.sheetnames) == seasons == ["Festive", "High", "Lean", "Peak"]
    season_column = export.OUR_COLUMNS.index("Season")
    total = 0
    for sheet in book.worksheets:
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert header == list(export.OUR_COLUMNS)
        rows = _data(sheet)
        assert rows, sheet.title
        assert {row[season_column].value for row in rows} == {sheet.title}
        assert len(rows) == sum(1 for line in fx.lines if line.season == sheet.title)
        total += len(rows)
    assert total == fx.expected_lines
    # one sheet without the option; a CSV has no sheets to split into
    assert _book(_export(target, file_format="xlsx")).sheetnames == ["Rates"]
    assert len(_csv_rows(_export(target, file_format="csv", sheet_per_season=True))) == (
        1 + fx.expected_lines
    )


def test_xlsx_formats_prices_dates_and_the_header(migrated_engine, tmp_path: Path) -> None:
    target, _mapping = _commit(MANIFEST[GOA], tmp_path)  # INR
    sheet = _book(_export(target, file_format="xlsx")).worksheets[0]
    assert sheet.freeze_panes == "A2"
    header = next(sheet.iter_rows(max_row=1))
    assert [c.value for c in header] == list(export.OUR_COLUMNS)
    assert all(c.font.b for c in header)
    rows = _data(sheet)
    assert rows
    for row in rows:
        net = row[NET]
        assert net.data_type == "n" and isinstance(net.value, int | float)
        assert net.number_format == '"₹"#,##0.00'  # rupees, 2 decimals
        for cell in (row[export.OUR_COLUMNS.index(c)] for c in ("Valid From", "Valid To")):
            assert cell.is_date and isinstance(cell.value, datetime)  # a date, not text
            assert cell.number_format == "dd-mmm-yyyy"
    first = {line.valid_from for line in MANIFEST[GOA].lines}
    assert {r[export.OUR_COLUMNS.index("Valid From")].value.date().isoformat() for r in rows} == (
        first
    )


@pytest.mark.parametrize(
    ("name", "currency", "money_format"),
    [
        # IDR: the 2 minor units of ISO 4217 / travelcrm.core.money (prices are rounded to them)
        (BALI, "IDR", '"Rp "#,##0.00'),
        (GOA, "JPY", '"JPY "#,##0'),  # no minor units: no decimals; no symbol known: the code
    ],
)
def test_prices_carry_their_currency_format(
    migrated_engine, tmp_path: Path, name: str, currency: str, money_format: str
) -> None:
    fx = MANIFEST[name]
    if fx.supplier.currency != currency:
        fx = dataclasses.replace(fx, supplier=dataclasses.replace(fx.supplier, currency=currency))
    target, _mapping = _commit(fx, tmp_path, **{ImportField.CURRENCY: currency})
    rows = _data(_book(_export(target, file_format="xlsx")).worksheets[0])
    assert len(rows) == fx.expected_lines
    assert {row[NET].number_format for row in rows} == {money_format}
    assert {row[export.OUR_COLUMNS.index("Currency")].value for row in rows} == {currency}


# ---- the supplier's layout ---------------------------------------------------------------------


CLEAN = [name for name, fx in MANIFEST.items() if not fx.errors]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
@pytest.mark.parametrize("name", CLEAN)
def test_supplier_layout_gives_the_templates_headers_and_reimports_with_an_empty_diff(
    migrated_engine, tmp_path: Path, name: str, file_format: str
) -> None:
    """The Goa sheet's wide seasons and occupancies pivoted back, and every other sheet."""
    fx = MANIFEST[name]
    target, mapping = _commit(fx, tmp_path)
    with tenant_scope(target.ctx) as session:
        (version,) = rates.list_versions(session, target.ctx, target.rate_list_id)
        publish_accepting_gaps(session, target.ctx, version.id, version.row_version)
    exported = _export(target, file_format=file_format, layout="supplier")
    expected = [rule.header for rule in sorted(mapping.columns, key=lambda r: r.column)]
    if file_format == "xlsx":
        sheet = _book(exported).worksheets[0]
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        body = len(_data(sheet))
    else:
        header, *rows = _csv_rows(exported)
        body = len(rows)
    assert header == expected
    if name == GOA:  # a row per room and meal plan, its 4 seasons x 4 occupancies side by side
        assert body == len({(line.service, line.meal_plan) for line in fx.lines})

    import_id = _stage_export(target, exported, tmp_path)
    suggested = _suggestion(target, import_id)
    assert [rule.header for rule in suggested.columns] == expected
    assert suggested.constants == mapping.constants
    again = _run(target, import_id, suggested, dry_run=True)
    assert again.report["errors"] == []
    diff = again.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 0), diff["rows"][:5]
    assert diff["unchanged"] == fx.expected_lines


def test_supplier_layout_needs_a_saved_template(migrated_engine) -> None:
    target = _target(MANIFEST[GOA])
    with pytest.raises(ValidationFailedError):
        _export(target, file_format="xlsx", layout="supplier")


# ---- what can't be exported ----------------------------------------------------------------


def test_a_version_that_does_not_exist_is_not_found(migrated_engine, tmp_path: Path) -> None:
    target, _mapping = _commit(MANIFEST[BALI], tmp_path)
    assert _export(target, version_number=1, file_format="csv").file_name.endswith("-v1.csv")
    for number in (2, 0, 99):
        with pytest.raises(NotFoundError):
            _export(target, version_number=number, file_format="xlsx")


def test_another_agencys_list_is_not_found(migrated_engine, tmp_path: Path) -> None:
    target, _mapping = _commit(MANIFEST[BALI], tmp_path)
    stranger = agency_context()
    formats: tuple[export.Format, ...] = ("xlsx", "csv")
    for file_format in formats:
        with tenant_scope(stranger) as session, pytest.raises(NotFoundError):
            export.export_version(
                session,
                stranger,
                rate_list_id=target.rate_list_id,
                file_format=file_format,
            )
    with tenant_scope(stranger) as session, pytest.raises(NotFoundError):
        export.export_version(session, stranger, rate_list_id=uuid.uuid4())


def test_our_layout_writes_bases_in_words_with_seats_and_supplements(migrated_engine) -> None:
    from decimal import Decimal

    from tests.rates.factories import make_list, make_supplier
    from travelcrm.rates.schemas import LineIn
    from travelcrm.suppliers.models import SupplierService

    ctx = agency_context()
    supplier_id, _room, _tour = make_supplier(ctx, "Rajasthan Cabs")
    with tenant_scope(ctx) as session:
        car = SupplierService(
            tenant_id=ctx.tenant_id, supplier_id=supplier_id, kind="vehicle", name="Innova"
        )
        session.add(car)
        session.flush()
        car_id = car.id
    priced = make_list(
        ctx,
        supplier_id,
        name="Cabs 2027",
        lines=lambda seasons: [
            line_in(car_id, seasons["All year"], "per_km", capacity=6, net=Decimal(18)),
            LineIn(
                service_id=car_id,
                season_id=seasons["All year"],
                basis="per_vehicle",
                supplement="=Night driving",  # user text: never a formula
                optional=True,
                net=Decimal(300),
            ),
        ],
    )
    with tenant_scope(ctx) as session:
        exported = export.export_version(
            session, ctx, rate_list_id=priced.rate_list_id, file_format="csv"
        )
    header, *rows = _csv_rows(exported)
    assert header == list(export.OUR_COLUMNS)
    picked = [
        [row[header.index(c)] for c in ("Basis", "Seats", "Supplement", "Optional")] for row in rows
    ]
    assert picked == [
        ["Per vehicle per km", "6", "", ""],
        ["Per vehicle per day", "", "'=Night driving", "Yes"],
    ]

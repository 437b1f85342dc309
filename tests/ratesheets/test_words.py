"""Words in price cells, text rows in and under the table, errors naming every row they are
about, and round trips keeping text as it was (issue 18: 2, 9, 10, 11), through the fixture
sheets (tests/fixtures/rate_sheets): a dry run, then a commit, giving exactly the expected lines
and warnings. Runs on SQLite and PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.fixtures.rate_sheets.manifest import MANIFEST, RateSheet
from tests.rates.factories import add_supplier, agency_context, line_in, publish_accepting_gaps
from tests.ratesheets.test_import import (
    Target,
    _expected,
    _run,
    _stage,
    _stage_export,
    _stored,
    _suggestion,
    _target,
)
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.rates.pricewords import default_price_words
from travelcrm.rates.schemas import PriceWordsIn, RateListCreate, SeasonIn
from travelcrm.ratesheets import export, values
from travelcrm.ratesheets import mapping as sheetmap
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.models import ImportStatus
from travelcrm.ratesheets.reading import read_workbook
from travelcrm.ratesheets.schemas import ImportMapping
from travelcrm.suppliers.models import SupplierService


def _warned(report: dict, code: str) -> set[tuple[int, str]]:  # type: ignore[type-arg]
    return {(w["row"], w["column"]) for w in report["warnings"] if w["code"] == code}


def _import_exactly(fx: RateSheet, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Dry run then commit; both give exactly the fixture's lines, and no error."""
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    mapping = ImportMapping.model_validate(fx.mapping)
    checked = _run(target, import_id, mapping, dry_run=True)
    assert checked.status == ImportStatus.CHECKED.value
    assert checked.report["errors"] == [], checked.report["errors"][:5]
    assert checked.lines == fx.expected_lines
    committed = _run(target, import_id, mapping, dry_run=False)
    assert committed.status == ImportStatus.COMMITTED.value
    assert _stored(target, committed.version_id) == _expected(fx)
    return target, import_id, checked, committed


def test_words_in_price_cells_give_0_or_no_line_with_a_warning(migrated_engine, tmp_path) -> None:
    fx = MANIFEST["hotel_price_words.xlsx"]
    _, _, checked, committed = _import_exactly(fx, tmp_path)
    zero_lines = [line for line in fx.lines if Decimal(line.net) == 0]
    assert len(zero_lines) == 10  # Complimentary, FOC, Incl., Gratis, inclus, Grátis...
    no_price = {(w.row, w.header) for w in fx.warnings}
    assert len(no_price) == 10
    for report in (checked.report, committed.report):
        assert _warned(report, "no_price") == no_price
    reasons = [w["reason"] for w in checked.report["warnings"] if w["code"] == "no_price"]
    assert any(r.startswith("'On request' is not a price") for r in reasons), reasons


def test_the_agencys_own_words_decide_and_a_kept_dry_run_is_checked_again(
    migrated_engine, tmp_path
) -> None:
    fx = MANIFEST["hotel_price_words.xlsx"]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    mapping = ImportMapping.model_validate(fx.mapping)
    assert _run(target, import_id, mapping, dry_run=True).report["errors"] == []
    with tenant_scope(target.ctx) as session:  # "FOC" is no longer a word of this agency
        words = rates.get_price_words(session, target.ctx)
        rates.update_price_words(
            session,
            target.ctx,
            data=PriceWordsIn(
                zero=[w for w in words.zero if w not in ("FOC", "F.O.C.")],
                no_price=words.no_price,
            ),
        )
    refused = _run(target, import_id, mapping, dry_run=False)  # checked again, not kept
    assert refused.status == ImportStatus.REFUSED.value
    errors = {(e["row"], e["column"], e["code"]) for e in refused.report["errors"]}
    rows = {line_row for line_row, _h in _planted_zero(fx, "FOC", "F.O.C.")}
    assert errors == {(row, "Extra Bed", "net") for row in rows}


def _planted_zero(fx: RateSheet, *words: str) -> set[tuple[int, str]]:
    from tests.fixtures.rate_sheets import make

    return {
        (number, "Extra Bed")
        for number, row in make.WORDS.numbered()
        if not isinstance(row, make.Note)
        and isinstance(row[3][2], make.Word)
        and row[3][2].text in words
    }


def _mapping() -> ImportMapping:
    return ImportMapping.model_validate(
        {
            "header_row": 0,
            "columns": [
                {"column": 0, "header": "Room Type", "field": "service"},
                {"column": 1, "header": "Meal Plan", "field": "meal_plan"},
                {"column": 2, "header": "Valid From", "field": "valid_from"},
                {"column": 3, "header": "Valid To", "field": "valid_to"},
                {"column": 4, "header": "Single", "field": "net", "fixed": {"occupancy": "single"}},
                {"column": 5, "header": "Double", "field": "net", "fixed": {"occupancy": "double"}},
            ],
            "constants": {"currency": "INR", "basis": "per_room"},
        }
    )


def test_a_blank_price_cell_is_never_0(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "Room Type,Meal Plan,Valid From,Valid To,Single,Double\n"
        "Deluxe,CP,2027-04-01,2027-09-30,,5000\n"
        "Deluxe,MAP,2027-04-01,2027-09-30,  ,\u00a0\n"
        "Suite,CP,2027-04-01,2027-09-30,Complimentary,\n",
        encoding="utf-8",
    )
    built = sheetmap.build_lines(
        read_workbook(path, "rates.csv").sheets[0], _mapping(), price_words=default_price_words()
    )
    nets = [(line[0], line[1][sheetmap.OCCUPANCY], line[1][sheetmap.NET]) for line in built.lines]
    assert nets == [(2, "double", Decimal(5000)), (4, "single", Decimal(0))]
    assert built.errors == []


# ---- 9. errors about several rows name each row -----------------------------------------------


def test_overlapping_seasons_are_an_error_on_each_row_naming_the_other(
    migrated_engine, tmp_path
) -> None:
    fx = MANIFEST["hotel_overlapping_seasons.xlsx"]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    mapping = ImportMapping.model_validate(fx.mapping)
    checked = _run(target, import_id, mapping, dry_run=True)
    refused = _run(target, import_id, mapping, dry_run=False)
    assert refused.status == ImportStatus.REFUSED.value and refused.version_id is None
    for report in (checked.report, refused.report):
        errors = report["errors"]
        assert {e["code"] for e in errors} == {"season_overlap"}
        assert 0 not in {e["row"] for e in errors}
        assert {e["row"] for e in errors} == {p.row for p in fx.errors}
    # Heritage Room's rows 4 (lean), 5 (Diwali), 6 (peak); the suite's 7 (lean), 8 (peak)
    reasons = {(e["row"], e["reason"]) for e in checked.report["errors"]}
    diwali, lean = "season 20 Sep 2027 - 31 Oct 2027", "season 01 Apr 2027 - 30 Sep 2027"
    assert (4, f"{lean} overlaps {diwali} (row 5)") in reasons
    assert (7, f"{lean} overlaps {diwali} (row 5)") in reasons
    assert (5, f"{diwali} overlaps {lean} (row 4)") in reasons
    assert sum(row == 5 for row, _reason in reasons) == 2  # Diwali overlaps lean and peak
    with tenant_scope(target.ctx) as session:
        failing = sheets.failing_rows_csv(session, target.ctx, import_id=import_id)
    lines = failing.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["4", "5", "6", "7", "8"]


def _line(row: int, low: int, high: int) -> tuple[object, ...]:
    line: list[object] = [None] * len(sheets.RESOLVED_FIELDS)
    for name, value in (
        ("row", row),
        ("service_no", 0),
        ("season_key", "lean"),
        ("basis", "per_person"),
        ("occupancy", "any"),
        ("age_band", "adult"),
        ("weekdays", 127),
        ("pax_min", low),
        ("pax_max", high),
    ):
        line[sheets.RESOLVED_FIELDS.index(name)] = value
    return tuple(line)


def test_pax_breaks_that_overlap_or_leave_a_gap_are_an_error_on_both_rows() -> None:
    errors = sheets._pax_errors([_line(14, 1, 5), _line(15, 4, 8), _line(16, 12, 20)])
    assert [(p.row, p.code, p.reason) for p in errors] == [
        (14, "pax_overlap", "pax break 1-5 overlaps 4-8 (row 15)"),
        (15, "pax_overlap", "pax break 4-8 overlaps 1-5 (row 14)"),
        (15, "pax_gap", "pax break 4-8 is followed by 12-20 (row 16): 9-11 people have no price"),
        (16, "pax_gap", "pax break 4-8 (row 15) is followed by 12-20: 9-11 people have no price"),
    ]


# ---- 10. text rows in or under the table ------------------------------------------------------


def test_text_rows_in_and_under_the_table_are_warnings_never_lines(
    migrated_engine, tmp_path
) -> None:
    fx = MANIFEST["hotel_text_rows.xlsx"]
    _, _, checked, committed = _import_exactly(fx, tmp_path)
    notes = {(w.row, "") for w in fx.warnings}
    assert len(notes) == 5
    for report in (checked.report, committed.report):
        assert _warned(report, "text_row") == notes
    reasons = {w["row"]: w["reason"] for w in checked.report["warnings"]}
    assert reasons[4] == "text, not a rate line: 'Validity: 1 Apr 2027 - 30 Sep 2027'"
    assert reasons[7] == "text, not a rate line: 'Note: MAP includes dinner at the coffee shop'"
    assert reasons[12] == "text, not a rate line: 'Rates are subject to change'"


def test_a_note_in_a_price_column_is_a_warning_and_real_rows_keep_their_errors(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "Room Type,Meal Plan,Valid From,Valid To,Single,Double\n"
        "Deluxe,CP,2027-04-01,2027-09-30,4000,5000\n"
        ",,,,Rates are subject to change,\n"  # 3: a note in a price column
        "Deluxe,MAP,2027-04-01,2027-09-30,call us,6000\n"  # 4: a bad price
        "Suite,CP,2027-04-01,2027-09-30,,\n"  # 5: a real row with no price
        ",CP,2027-04-01,2027-09-30,4000,\n"  # 6: no room type
        "Valid for stays till 30 Sep 2027\n",  # 7: under the table
        encoding="utf-8",
    )
    built = sheetmap.build_lines(
        read_workbook(path, "rates.csv").sheets[0], _mapping(), price_words=default_price_words()
    )
    assert [line[0] for line in built.lines] == [2, 2, 4]  # (row 4: its good double price)
    assert [(p.row, p.column, p.code) for p in built.errors] == [
        (4, "Single", "net"),
        (6, "Room Type", "required"),
    ]
    assert [(p.row, p.code) for p in built.warnings] == [
        (3, "text_row"),
        (5, "no_price"),
        (7, "text_row"),
    ]


# ---- 11. round trips keep text as it was ------------------------------------------------------

NAMES = ("=Sea View Room", "+Plus Suite", "@Home Villa", "-Lake Cottage", "'Tis Cabin", "Plain")


def _list_with_formula_like_names() -> tuple[TenantContext, uuid.UUID]:
    ctx = agency_context()
    with tenant_scope(ctx) as session:
        supplier = add_supplier(session, ctx, "=HYPERLINK Resort")
        services = [
            SupplierService(
                tenant_id=ctx.tenant_id, supplier_id=supplier.id, kind="room", name=name
            )
            for name in NAMES
        ]
        session.add_all(services)
        session.flush()
        rate_list, version = rates.create_rate_list(
            session,
            ctx,
            data=RateListCreate(
                supplier_id=supplier.id,
                name="Round trip",
                currency="INR",
                valid_from=date(2027, 4, 1),
                valid_to=date(2028, 3, 31),
            ),
        )
        seasons = [
            rates.add_season(
                session,
                ctx,
                version_id=version.id,
                row_version=version.row_version,
                data=SeasonIn(name=name, starts_on=start, ends_on=end),
            )
            for name, start, end in (
                ("-Lean-", date(2027, 4, 1), date(2027, 9, 30)),
                ("'Peak'", date(2027, 10, 1), date(2028, 3, 31)),
            )
        ]
        rate_lines.add_lines(
            session,
            ctx,
            version_id=version.id,
            row_version=version.row_version,
            lines=[
                line_in(
                    service.id,
                    season.id,
                    "per_room",
                    occupancy="double",
                    net=Decimal(4000 + 100 * n),
                )
                for n, service in enumerate(services)
                for season in seasons
            ],
        )
        publish_accepting_gaps(session, ctx, version.id, version.row_version)
        return ctx, rate_list.id


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_imported_again_keeps_names_as_they_were(
    migrated_engine, tmp_path: Path, file_format: str
) -> None:
    ctx, rate_list_id = _list_with_formula_like_names()
    with tenant_scope(ctx) as session:
        exported = export.export_version(
            session,
            ctx,
            rate_list_id=rate_list_id,
            file_format=file_format,  # type: ignore[arg-type]
        )
    text = _exported_text(exported.content, file_format)
    assert "'=Sea View Room" in text and "''Tis Cabin" not in text  # neutralised on the way out
    target = Target(ctx, uuid.uuid4(), rate_list_id)
    import_id = _stage_export(target, exported, tmp_path)
    suggested = _suggestion(target, import_id)
    checked = _run(target, import_id, suggested, dry_run=True)
    assert checked.report["errors"] == [], checked.report["errors"][:3]
    diff = checked.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"], diff["unchanged"]) == (0, 0, 0, 12)
    assert {s["name"] for s in checked.report["seasons"]} == {"-Lean-", "'Peak'"}
    committed = _run(target, import_id, suggested, dry_run=False)
    with tenant_scope(ctx) as session:
        names = {s.name for s in rates.list_seasons(session, ctx, committed.version_id)}
    assert names == {"-Lean-", "'Peak'"}


def _exported_text(content: bytes, file_format: str) -> str:
    if file_format == "csv":
        return content.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.values for cell in row)


def test_only_the_exports_apostrophe_is_taken_off() -> None:
    assert [values.unneutralise(t) for t in ("'=A", "'+A", "'-A", "'@A", "'\tA", "'\rA")] == [
        "=A",
        "+A",
        "-A",
        "@A",
        "\tA",
        "\rA",
    ]
    for kept in ("'Tis", "'", "''=A", "=A", "'5", "Rock 'n' roll"):
        assert values.unneutralise(kept) == kept
    for text in (*NAMES, "-5", "=1+1", "\tTab"):
        assert values.unneutralise(export.neutralise(text)) == text


def test_a_sheet_written_like_our_export_gives_the_names_without_its_apostrophes(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST["hotel_exported_names.xlsx"]
    target, _, _, committed = _import_exactly(fx, tmp_path)
    with tenant_scope(target.ctx) as session:
        services = rates.services_to_price(session, target.ctx, supplier_id=target.supplier_id)
        priced = {
            s.name
            for s in services
            for line in rate_lines.version_lines(
                session, target.ctx, version_id=committed.version_id
            )
            if line.service_id == s.id
        }
    assert priced == {"=Sea View Room", "+Plus Suite", "-Lake Cottage", "@Home Villa", "'Tis Cabin"}

"""Importing the suppliers' own sheets (tests/fixtures/rate_sheets): found, mapped, checked,
diffed and stored as a new draft; every planted error reported on its row; export then
re-import gives an empty diff. Runs on SQLite and PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.fixtures.rate_sheets.manifest import MANIFEST, RateSheet
from tests.rates.factories import add_supplier, agency_context, publish_accepting_gaps
from travelcrm.core.errors import ConflictError, NotFoundError, ValidationFailedError
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.rates.schemas import RateListCreate
from travelcrm.ratesheets import export
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.models import ImportStatus
from travelcrm.ratesheets.schemas import ImportField, ImportMapping
from travelcrm.suppliers.models import SupplierService


@dataclass(frozen=True)
class Target:
    ctx: TenantContext
    supplier_id: uuid.UUID
    rate_list_id: uuid.UUID


def _target(fx: RateSheet, ctx: TenantContext | None = None) -> Target:
    """The fixture's supplier with its services, and an empty rate list in its currency."""
    ctx = ctx or agency_context()
    starts = [date.fromisoformat(line.valid_from) for line in fx.lines]
    ends = [date.fromisoformat(line.valid_to) for line in fx.lines]
    with tenant_scope(ctx) as session:
        supplier = add_supplier(
            session,
            ctx,
            fx.supplier.name,
            kind=fx.supplier.kind,
            country=fx.supplier.country,
            city=fx.supplier.city,
            currency=fx.supplier.currency,
        )
        session.add_all(
            SupplierService(
                tenant_id=ctx.tenant_id,
                supplier_id=supplier.id,
                kind=service.kind,
                name=service.name,
                meal_plan=service.meal_plan,
            )
            for service in fx.services
        )
        session.flush()
        rate_list, _version = rates.create_rate_list(
            session,
            ctx,
            data=RateListCreate(
                supplier_id=supplier.id,
                name=f"{fx.supplier.name} contract",
                currency=fx.supplier.currency,
                valid_from=min(starts),
                valid_to=max(ends),
            ),
        )
        return Target(ctx, supplier.id, rate_list.id)


def _stage_path(target: Target, path: Path, file_name: str | None = None) -> uuid.UUID:
    """Stage the file at `path` for the target's rate list, uploaded as `file_name` (else its
    own name): the import's id."""
    with tenant_scope(target.ctx) as session:
        return sheets.stage_file(
            session,
            target.ctx,
            rate_list_id=target.rate_list_id,
            source=path,
            file_name=file_name or path.name,
        ).id


def _stage(target: Target, fx: RateSheet, tmp_path: Path) -> uuid.UUID:
    upload = tmp_path / f"upload-{uuid.uuid4().hex}"
    shutil.copyfile(fx.path, upload)
    return _stage_path(target, upload, fx.file)


def _stage_export(target: Target, exported: Any, tmp_path: Path) -> uuid.UUID:
    """An exported rate list sent back: its file staged for the target's rate list."""
    path = tmp_path / exported.file_name
    path.write_bytes(exported.content)
    return _stage_path(target, path)


def _suggestion(target: Target, import_id: uuid.UUID) -> ImportMapping:
    """The mapping the import page suggests for a staged file."""
    with tenant_scope(target.ctx) as session:
        return sheets.preview(session, target.ctx, import_id=import_id).suggested


def _run(target: Target, import_id: uuid.UUID, mapping: ImportMapping, **flags: Any) -> Any:
    with tenant_scope(target.ctx) as session:
        item = sheets.run(session, target.ctx, import_id=import_id, mapping=mapping, **flags)
        session.expunge(item)
        return item


def _stored(target: Target, version_id: uuid.UUID) -> set[tuple[Any, ...]]:
    with tenant_scope(target.ctx) as session:
        services = {
            s.id: s
            for s in rates.services_to_price(session, target.ctx, supplier_id=target.supplier_id)
        }
        ranges = rates.season_ranges(session, target.ctx, version_id)
        found = set()
        for row in rate_lines.version_lines(session, target.ctx, version_id=version_id):
            service = services[row.service_id]
            # a line of a season of several date ranges prices each: a row of the sheet each
            found.update(
                (
                    service.name,
                    service.meal_plan,
                    start.isoformat(),
                    end.isoformat(),
                    row.occupancy,
                    row.age_band,
                    row.pax_min,
                    row.pax_max,
                    Decimal(row.net).normalize(),
                )
                for start, end in ranges[row.season_id]
            )
        return found


def _expected(fx: RateSheet) -> set[tuple[Any, ...]]:
    return {
        (
            line.service.strip(),
            line.meal_plan,
            line.valid_from,
            line.valid_to,
            line.occupancy,
            line.age_band,
            line.pax_min,
            line.pax_max,
            Decimal(line.net).normalize(),
        )
        for line in fx.lines
    }


CLEAN = [name for name, fx in MANIFEST.items() if not fx.errors]


@pytest.mark.parametrize("name", CLEAN)
def test_each_supplier_sheet_is_found_checked_and_stored(
    migrated_engine, tmp_path: Path, name: str
) -> None:
    fx = MANIFEST[name]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    with tenant_scope(target.ctx) as session:
        shown = sheets.preview(session, target.ctx, import_id=import_id)
    assert shown.header_row == fx.header_row, "the header row is found under titles and blanks"
    mapping = ImportMapping.model_validate(fx.mapping)

    checked = _run(target, import_id, mapping, dry_run=True)
    assert checked.status == ImportStatus.CHECKED.value
    assert checked.report["errors"] == [], checked.report["errors"][:5]
    assert checked.lines == fx.expected_lines
    assert checked.version_id is None  # a dry run stores nothing
    if fx.day_first is not None:
        assert checked.report["date_style"]["day_first"] is fx.day_first
    if fx.decimal_comma is not None:
        assert checked.report["number_style"]["decimal_comma"] is fx.decimal_comma
    assert checked.report["diff"]["added"] == fx.expected_lines  # against an empty v1

    committed = _run(target, import_id, mapping, dry_run=False)
    assert committed.status == ImportStatus.COMMITTED.value
    assert _stored(target, committed.version_id) == _expected(fx)


@pytest.mark.parametrize("name", CLEAN)
def test_the_suggested_mapping_reads_each_sheet_like_the_operator_would(
    migrated_engine, tmp_path: Path, name: str
) -> None:
    """No hand-made mapping: header names, their variants and wide columns are understood."""
    fx = MANIFEST[name]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    with tenant_scope(target.ctx) as session:
        suggested = sheets.preview(session, target.ctx, import_id=import_id).suggested
    # what the operator adds: the constants the file lacks (a value every price column of
    # the sheet shares, like "double" on a sheet titled "double occupancy", is one of them)
    given = ImportMapping.model_validate(fx.mapping)
    constants = dict(given.constants)
    prices = [r for r in given.columns if r.field == ImportField.NET]
    constants |= {
        name: value
        for name, value in prices[0].fixed.items()
        if all(r.fixed.get(name) == value for r in prices)
        and not any(name in r.fixed for r in suggested.columns)
    }
    mapping = suggested.model_copy(update={"constants": constants})
    checked = _run(target, import_id, mapping, dry_run=True)
    assert checked.report["errors"] == [], checked.report["errors"][:5]
    assert checked.lines == fx.expected_lines


def test_planted_errors_are_reported_on_their_rows_and_nothing_is_stored(
    migrated_engine, tmp_path: Path
) -> None:
    fx = next(fx for fx in MANIFEST.values() if fx.errors)
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    mapping = ImportMapping.model_validate(fx.mapping)
    refused = _run(target, import_id, mapping, dry_run=False)
    assert refused.status == ImportStatus.REFUSED.value
    assert refused.version_id is None
    errors = refused.report["errors"]
    warnings = refused.report["warnings"]
    for planted in fx.errors:
        if planted.keyword == "duplicate":  # a repeated row is a warning: the first is kept
            assert any(w["row"] == planted.row and w["code"] == "duplicate" for w in warnings)
            continue
        on_row = [e for e in errors if e["row"] == planted.row]
        assert on_row, f"row {planted.row} ({planted.keyword}) not reported: {errors}"
        if planted.header:
            assert any(e["column"] == planted.header for e in on_row), on_row
        assert any(
            planted.keyword in e["reason"] or planted.keyword == e["code"] for e in on_row
        ), on_row
    assert len(errors) == len([p for p in fx.errors if p.keyword != "duplicate"])  # one each
    reported_rows = {e["row"] for e in errors}
    assert reported_rows == {p.row for p in fx.errors if p.keyword != "duplicate"}
    for planted in fx.warnings:
        assert any(w["row"] == planted.row and planted.keyword in w["reason"] for w in warnings)
    with tenant_scope(target.ctx) as session:
        versions = rates.list_versions(session, target.ctx, target.rate_list_id)
        assert len(versions) == 1  # nothing half-saved
        failing = sheets.failing_rows_csv(session, target.ctx, import_id=import_id)
    text = failing.decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",error")
    assert len(text.splitlines()) == 1 + len(reported_rows)


def _staged_path(target: Target, import_id: uuid.UUID) -> Path:
    with tenant_scope(target.ctx) as session:
        return Path(sheets.get_import(session, target.ctx, import_id=import_id).stored_as)


def test_the_commit_stores_what_its_dry_run_checked_without_reading_the_file_again(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST["transport_rajasthan.xlsx"]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    import_id = _stage(target, fx, tmp_path)
    assert _run(target, import_id, mapping, dry_run=True).status == ImportStatus.CHECKED.value
    staged = _staged_path(target, import_id)
    kept = Path(str(staged) + ".checked")
    assert kept.exists()
    staged.unlink()  # the commit does not need the file: the dry run's lines are kept
    committed = _run(target, import_id, mapping, dry_run=False)
    assert committed.status == ImportStatus.COMMITTED.value
    assert committed.lines == fx.expected_lines
    assert _stored(target, committed.version_id) == _expected(fx)
    assert not kept.exists()


def test_a_kept_dry_run_is_checked_again_when_the_services_changed(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST["transport_rajasthan.xlsx"]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    import_id = _stage(target, fx, tmp_path)
    _run(target, import_id, mapping, dry_run=True)
    renamed = fx.services[0].name
    with tenant_scope(target.ctx) as session:
        for service in rates.services_to_price(session, target.ctx, supplier_id=target.supplier_id):
            if service.name == renamed:
                service.name = renamed + " (old)"
                session.add(service)
    refused = _run(target, import_id, mapping, dry_run=False)
    assert refused.status == ImportStatus.REFUSED.value
    assert any(renamed in e["reason"] for e in refused.report["errors"])


@pytest.mark.parametrize("tamper", ["signature", "mapping"])
def test_a_tampered_kept_dry_run_or_another_mapping_is_checked_again(
    migrated_engine, tmp_path: Path, tamper: str
) -> None:
    fx = MANIFEST["transport_rajasthan.xlsx"]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    import_id = _stage(target, fx, tmp_path)
    _run(target, import_id, mapping, dry_run=True)
    kept = Path(str(_staged_path(target, import_id)) + ".checked")
    if tamper == "signature":
        blob = bytearray(kept.read_bytes())
        blob[-10] ^= 0xFF
        kept.write_bytes(bytes(blob))
    else:  # a mapping that reads no service column cannot reuse the kept lines
        mapping = mapping.model_copy(
            update={"columns": [c for c in mapping.columns if c.field != ImportField.SERVICE]}
        )
    if tamper == "mapping":
        with pytest.raises(ValidationFailedError, match="service"):
            _run(target, import_id, mapping, dry_run=False)
        return
    committed = _run(target, import_id, mapping, dry_run=False)
    assert committed.status == ImportStatus.COMMITTED.value
    assert _stored(target, committed.version_id) == _expected(fx)


def test_commit_makes_a_new_draft_of_a_published_list_and_the_diff_shows_changes(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST["transport_rajasthan.xlsx"]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    first = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=False, replace_draft=True)
    with tenant_scope(target.ctx) as session:
        version = rates.get_version(session, target.ctx, first.version_id)
        publish_accepting_gaps(session, target.ctx, version.id, version.row_version)
    again = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=True)
    diff = again.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 0)
    assert diff["unchanged"] == fx.expected_lines
    # the supplier raises one price by half: a change with its %, and a warning past 30%
    raised = tmp_path / "raised.xlsx"
    book = openpyxl.load_workbook(fx.path)
    sheet = book.worksheets[0]
    column = next(c.column for c in sheet[fx.header_row + 1] if c.value == "Per Day (300 km)")
    cell = sheet.cell(row=fx.header_row + 2, column=column)
    old = Decimal(str(cell.value))
    cell.value = float(old * Decimal("1.5"))
    book.save(raised)
    stored = _run(target, _stage_path(target, raised, "raised.xlsx"), mapping, dry_run=False)
    assert stored.status == ImportStatus.COMMITTED.value
    diff = stored.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 1)
    change = next(r for r in diff["rows"] if r["change"] == "changed")
    assert change["pct"] == "50.0" and change["row"] == fx.header_row + 2
    assert any(
        w["code"] == "price_jump" and w["row"] == change["row"] for w in stored.report["warnings"]
    )
    with tenant_scope(target.ctx) as session:
        draft = rates.get_version(session, target.ctx, stored.version_id)
        assert draft.status == "draft" and draft.number == 2
    # a second commit while that draft exists is a conflict unless it replaces the draft
    with pytest.raises(ConflictError):
        _run(target, _stage(target, fx, tmp_path), mapping, dry_run=False)
    replaced = _run(
        target, _stage(target, fx, tmp_path), mapping, dry_run=False, replace_draft=True
    )
    assert replaced.version_id == stored.version_id


def test_with_a_draft_the_diff_compares_with_the_draft_it_writes_into(
    migrated_engine, tmp_path: Path
) -> None:
    """v1 published, v2 a draft holding a raised price: the same raised sheet again changes
    nothing in v2 (the version a commit replaces), whatever v1 says."""
    fx = MANIFEST["transport_rajasthan.xlsx"]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    first = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=False, replace_draft=True)
    with tenant_scope(target.ctx) as session:
        version = rates.get_version(session, target.ctx, first.version_id)
        publish_accepting_gaps(session, target.ctx, version.id, version.row_version)
    raised = tmp_path / "raised.xlsx"
    book = openpyxl.load_workbook(fx.path)
    sheet = book.worksheets[0]
    column = next(c.column for c in sheet[fx.header_row + 1] if c.value == "Per Day (300 km)")
    cell = sheet.cell(row=fx.header_row + 2, column=column)
    cell.value = float(Decimal(str(cell.value)) * 2)
    book.save(raised)

    def stage_raised() -> uuid.UUID:
        with tenant_scope(target.ctx) as session:
            return sheets.stage_file(
                session,
                target.ctx,
                rate_list_id=target.rate_list_id,
                source=raised,
                file_name="raised.xlsx",
            ).id

    draft = _run(target, stage_raised(), mapping, dry_run=False)
    with tenant_scope(target.ctx) as session:
        assert rates.get_version(session, target.ctx, draft.version_id).number == 2
    again = _run(target, stage_raised(), mapping, dry_run=True)
    diff = again.report["diff"]
    assert diff["against_version"] == 2
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 0)
    # and the first sheet, against that draft, puts the price back: one change
    back = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=True)
    assert back.report["diff"]["against_version"] == 2
    assert back.report["diff"]["changed"] == 1


def test_the_template_is_saved_and_suggested_for_the_next_sheet(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST["hotel_dubai_titles_merged.xlsx"]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    custom = mapping.model_copy(update={"constants": {ImportField.CURRENCY: "AED"}})
    _run(target, _stage(target, fx, tmp_path), custom, dry_run=False)
    next_id = _stage(target, fx, tmp_path)
    with tenant_scope(target.ctx) as session:
        shown = sheets.preview(session, target.ctx, import_id=next_id)
    assert shown.from_template or shown.suggested.constants == custom.constants
    assert shown.suggested.constants == custom.constants


def test_mapping_without_a_service_or_price_is_refused_before_reading(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST["activities_bali.csv"]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    with pytest.raises(ValidationFailedError) as refused:
        _run(target, import_id, ImportMapping(header_row=0, columns=[]), dry_run=True)
    assert "service" in refused.value.detail and "net price" in refused.value.detail


def test_another_agency_cannot_see_or_run_an_import(migrated_engine, tmp_path: Path) -> None:
    fx = MANIFEST["activities_bali.csv"]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    stranger = agency_context()
    with tenant_scope(stranger) as session:
        with pytest.raises(NotFoundError):
            sheets.get_import(session, stranger, import_id=import_id)
        with pytest.raises(NotFoundError):
            sheets.run(
                session,
                stranger,
                import_id=import_id,
                mapping=ImportMapping.model_validate(fx.mapping),
            )


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_reimport_gives_an_empty_diff(
    migrated_engine, tmp_path: Path, file_format: str
) -> None:
    fx = MANIFEST["hotel_goa_seasons_wide.xlsx"]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    stored = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=False)
    with tenant_scope(target.ctx) as session:
        version = rates.get_version(session, target.ctx, stored.version_id)
        publish_accepting_gaps(session, target.ctx, version.id, version.row_version)
        exported = export.export_version(
            session,
            target.ctx,
            rate_list_id=target.rate_list_id,
            file_format=file_format,  # type: ignore[arg-type]
        )
    import_id = _stage_export(target, exported, tmp_path)
    suggested = _suggestion(target, import_id)
    again = _run(target, import_id, suggested, dry_run=True)
    assert again.report["errors"] == []
    diff = again.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 0), diff["rows"][:5]
    assert diff["unchanged"] == fx.expected_lines

"""A season named on several rows with other dates ("Peak" at New Year and again at Easter) is
one season with several date ranges: the import merges the rows, refuses ranges of one season
priced differently, and an export of such a season comes back as it was."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import openpyxl

from tests.fixtures.rate_sheets.manifest import MANIFEST
from tests.ratesheets.test_import import (
    Target,
    _run,
    _stage,
    _stage_path,
    _suggestion,
    _target,
)
from travelcrm.db import tenant_scope
from travelcrm.rates import services as rates
from travelcrm.ratesheets import export
from travelcrm.ratesheets.models import ImportStatus
from travelcrm.ratesheets.schemas import ImportMapping

FILE = "hotel_season_ranges.xlsx"


def _seasons(target: Target, version_id: uuid.UUID) -> dict[str, list[tuple[date, date]]]:
    with tenant_scope(target.ctx) as session:
        ranges = rates.season_ranges(session, target.ctx, version_id)
        return {s.name: ranges[s.id] for s in rates.list_seasons(session, target.ctx, version_id)}


def test_rows_of_one_season_name_with_other_dates_are_one_season_with_those_ranges(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST[FILE]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    checked = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=True)
    assert checked.report["errors"] == [] and checked.report["warnings"] == []
    assert checked.lines == fx.expected_lines == 3 * 5 + 3  # nine rows, eighteen prices
    committed = _run(target, checked.id, mapping, dry_run=False)
    assert committed.status == ImportStatus.COMMITTED.value
    assert _seasons(target, committed.version_id) == {
        "Spring": [(date(2027, 4, 1), date(2027, 6, 30))],
        "Monsoon": [(date(2027, 7, 1), date(2027, 8, 31)), (date(2027, 9, 1), date(2027, 9, 30))],
        "Shoulder": [(date(2027, 10, 1), date(2027, 12, 19))],
        "Peak": [(date(2027, 12, 20), date(2028, 1, 5)), (date(2028, 3, 20), date(2028, 3, 31))],
        "Winter": [(date(2028, 1, 6), date(2028, 3, 19))],
    }


def test_ranges_of_one_season_priced_differently_are_an_error_on_the_later_row(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST[FILE]
    changed = tmp_path / FILE
    shutil.copyfile(fx.path, changed)
    book = openpyxl.load_workbook(changed)
    sheet = book[fx.sheet or "Rates"]
    easter = next(
        row[0].row
        for row in sheet.iter_rows()
        if row[0].value == "Cliff Room" and row[2].value == "Peak" and row[3].value.month == 3
    )
    sheet.cell(row=easter, column=7).value = 9900  # Double at Easter: 9,900, New Year 9,500
    book.save(changed)
    target = _target(fx)
    staged = _stage_path(target, changed, FILE)
    checked = _run(target, staged, ImportMapping.model_validate(fx.mapping), dry_run=True)
    (error,) = checked.report["errors"]
    assert error["row"] == easter and error["column"] == "Double"
    assert error["code"] == "season_prices_differ"
    assert error["reason"] == (
        "Peak (20 Mar 2028 - 31 Mar 2028) is priced 9,900.00 here but 9,500.00 on row 8 "
        "(20 Dec 2027 - 05 Jan 2028): the date ranges of one season share its prices; give "
        "these dates another season name"
    )


def test_an_exported_season_of_two_ranges_comes_back_as_one(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST[FILE]
    target = _target(fx)
    mapping = ImportMapping.model_validate(fx.mapping)
    first = _run(target, _stage(target, fx, tmp_path), mapping, dry_run=False)
    with tenant_scope(target.ctx) as session:
        exported = export.export_version(
            session, target.ctx, rate_list_id=target.rate_list_id, file_format="xlsx"
        )
    path = tmp_path / exported.file_name
    path.write_bytes(exported.content)
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book.worksheets[0].values)
    season = list(rows[0]).index("Season")
    assert sum(1 for row in rows[1:] if row[season] == "Peak") == 2 * 3 + 2 * 3  # a row a range
    import_id = _stage_path(target, path)
    suggested = _suggestion(target, import_id)
    checked = _run(target, import_id, suggested, dry_run=True)
    assert checked.report["errors"] == [], checked.report["errors"][:3]
    diff = checked.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 0)
    assert diff["unchanged"] == fx.expected_lines
    again = _run(target, import_id, suggested, dry_run=False, replace_draft=True)
    assert _seasons(target, again.version_id) == _seasons(target, first.version_id)

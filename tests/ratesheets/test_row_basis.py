"""Basis, seats and supplements per row (issue 18): an activity sheet mixing shared (per
person) and private (per car, up to 6) rows, a transport tariff with seats and supplements
(driver allowance, night driving...), each imported through the calls the import page makes
(stage, preview's suggested mapping, dry run, commit) and stored with its basis, seats,
supplement and optional flag; our export of such a list imported again changes nothing; the
grid's rules refuse seats on a price per person and "optional" on a base price. Runs on SQLite
and PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.fixtures.rate_sheets.manifest import MANIFEST, RateSheet
from tests.rates.factories import publish_accepting_gaps
from tests.ratesheets.test_import import (
    Target,
    _run,
    _stage,
    _stage_export,
    _stage_path,
    _suggestion,
    _target,
)
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.ratesheets import export
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.models import ImportStatus
from travelcrm.ratesheets.schemas import ImportField, ImportMapping

SHARED = "activities_ubud_shared_private.xlsx"
SURCHARGES = "transport_bali_supplements.xlsx"


def _suggested(target: Target, import_id: uuid.UUID, fx: RateSheet) -> ImportMapping:
    """The page's suggested mapping, with the constants the operator adds (the currency)."""
    with tenant_scope(target.ctx) as session:
        suggested = sheets.preview(session, target.ctx, import_id=import_id).suggested
    constants = ImportMapping.model_validate(fx.mapping).constants
    return suggested.model_copy(update={"constants": constants})


def _stored(target: Target, version_id: uuid.UUID) -> list[tuple[Any, ...]]:
    with tenant_scope(target.ctx) as session:
        services = {
            s.id: s.name
            for s in rates.services_to_price(session, target.ctx, supplier_id=target.supplier_id)
        }
        seasons = {s.id: s for s in rates.list_seasons(session, target.ctx, version_id)}
        return sorted(
            [
                (
                    services[row.service_id],
                    seasons[row.season_id].starts_on.isoformat(),
                    seasons[row.season_id].ends_on.isoformat(),
                    row.supplement,
                    row.basis,
                    row.capacity,
                    bool(row.optional),
                    row.age_band,
                    row.pax_min,
                    row.pax_max,
                    Decimal(row.net).normalize(),
                )
                for row in rate_lines.version_lines(session, target.ctx, version_id=version_id)
            ],
            key=repr,
        )


def _expected(fx: RateSheet) -> list[tuple[Any, ...]]:
    return sorted(
        [
            (
                line.service,
                line.valid_from,
                line.valid_to,
                line.supplement,
                line.basis,
                line.capacity,
                line.optional,
                line.age_band,
                line.pax_min,
                line.pax_max,
                Decimal(line.net).normalize(),
            )
            for line in fx.lines
        ],
        key=repr,
    )


@pytest.mark.parametrize("name", [SHARED, SURCHARGES])
def test_basis_seats_and_supplements_per_row_are_stored_as_the_sheet_says(
    migrated_engine, tmp_path: Path, name: str
) -> None:
    fx = MANIFEST[name]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    mapping = _suggested(target, import_id, fx)
    wanted = {
        SHARED: {ImportField.BASIS},
        SURCHARGES: {
            ImportField.BASIS,
            ImportField.CAPACITY,
            ImportField.SUPPLEMENT,
            ImportField.OPTIONAL,
        },
    }[name]
    assert wanted <= {r.field for r in mapping.columns}, "the headers name their fields"

    checked = _run(target, import_id, mapping, dry_run=True)
    assert checked.status == ImportStatus.CHECKED.value
    assert checked.report["errors"] == [], checked.report["errors"][:5]
    # a supplement and the base price of the same terms are two lines, not a duplicate
    assert [w for w in checked.report["warnings"] if w["code"] == "duplicate"] == []
    assert checked.lines == fx.expected_lines == len(fx.lines)

    committed = _run(target, import_id, mapping, dry_run=False)
    assert committed.status == ImportStatus.COMMITTED.value
    assert _stored(target, committed.version_id) == _expected(fx)


def test_a_private_row_without_a_child_price_keeps_its_line_and_gives_no_child_line(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST[SHARED]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    committed = _run(target, import_id, _suggested(target, import_id, fx), dry_run=False)
    stored = _stored(target, committed.version_id)
    private = [line for line in stored if line[4] == "per_vehicle"]
    # every private row of the sheet (4 activities, 2 periods) gave its line, none a child's
    assert len(private) == 8
    assert {line[7] for line in private} == {"adult"}
    assert {(line[0], line[5]) for line in private} == {
        ("Ubud Rice Terrace & Temple Tour", 6),
        ("Mount Batur Sunrise Trek", 4),
        ("East Bali Day Trip", 6),
        ("Sunset Dinner Cruise", 10),
    }
    # and no price of 0 anywhere: a blank cell is no price
    assert all(line[10] > 0 for line in stored)
    assert checked_warnings(target, import_id) == []


def checked_warnings(target: Target, import_id: uuid.UUID) -> list[Any]:
    with tenant_scope(target.ctx) as session:
        item = sheets.get_import(session, target.ctx, import_id=import_id)
        return list(item.report["warnings"])


@pytest.mark.parametrize("name", [SURCHARGES, SHARED])
def test_our_export_of_a_list_with_seats_and_supplements_imported_again_changes_nothing(
    migrated_engine, tmp_path: Path, name: str
) -> None:
    fx = MANIFEST[name]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    stored = _run(target, import_id, _suggested(target, import_id, fx), dry_run=False)
    with tenant_scope(target.ctx) as session:
        version = rates.get_version(session, target.ctx, stored.version_id)
        publish_accepting_gaps(session, target.ctx, version.id, version.row_version)
        exported = export.export_version(session, target.ctx, rate_list_id=target.rate_list_id)
    import_id = _stage_export(target, exported, tmp_path)
    suggested = _suggestion(target, import_id)
    fields = {r.field for r in suggested.columns}
    assert {ImportField.CAPACITY, ImportField.SUPPLEMENT, ImportField.OPTIONAL} <= fields
    again = _run(target, import_id, suggested, dry_run=True)
    assert again.report["errors"] == [], again.report["errors"][:5]
    diff = again.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 0), diff["rows"][:5]
    assert diff["unchanged"] == fx.expected_lines
    committed = _run(target, import_id, suggested, dry_run=False)
    assert _stored(target, committed.version_id) == _expected(fx)


# ---- small sheets: the rules the grid shares ------------------------------------------------


HEADERS = ["Vehicle", "Basis", "Seats", "Supplement", "Optional", "Rate", "From", "To"]


def _small_sheet(tmp_path: Path, rows: list[list[Any]]) -> RateSheet:
    """The transport fixture's supplier and services, with a sheet of these rows."""
    fx = MANIFEST[SURCHARGES]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([*row, datetime(2027, 4, 1), datetime(2028, 3, 31)])
    path = tmp_path / f"small-{uuid.uuid4().hex}.xlsx"
    book.save(path)
    return replace(fx, file=path.name, sheet=None, mapping={**fx.mapping, "sheet": None})


def _check_small(tmp_path: Path, rows: list[list[Any]], **constants: str) -> dict[str, Any]:
    fx = _small_sheet(tmp_path, rows)
    target = _target(MANIFEST[SURCHARGES])
    import_id = _stage_path(target, tmp_path / fx.file)
    suggested = _suggestion(target, import_id)
    mapping = suggested.model_copy(
        update={
            "constants": {ImportField.CURRENCY: "IDR"}
            | {ImportField(k): v for k, v in constants.items()}
        }
    )
    checked = _run(target, import_id, mapping, dry_run=True)
    return {"report": checked.report, "target": target, "id": import_id, "mapping": mapping}


def test_seats_on_a_price_per_person_and_an_optional_base_price_are_refused_on_their_columns(
    migrated_engine, tmp_path: Path
) -> None:
    found = _check_small(
        tmp_path,
        [
            ["Toyota Avanza", "Per person", 6, None, None, 100_000],
            ["Toyota Avanza", "Per vehicle per day", 6, None, "Optional", 750_000],
            ["Toyota Avanza", "Shared (per person, max 12)", None, None, None, 90_000],
            ["Toyota Hiace Commuter", "Per vehicle per day", 14, "Parking", "maybe", 20_000],
            ["Toyota Hiace Commuter", "Per vehicle per day", 140, None, None, 1_400_000],
        ],
    )
    errors = {(e["row"], e["column"], e["code"]) for e in found["report"]["errors"]}
    assert errors == {
        (2, "Seats", "capacity"),  # the grid's rule: seats are for prices per vehicle
        (3, "Optional", "optional"),  # only a supplement is optional
        (4, "Basis", "capacity"),  # the seats were written in the basis cell
        (5, "Optional", "optional"),  # "maybe" is not yes or no
        (6, "Seats", "capacity"),  # 140 seats: more than a vehicle has
    }, found["report"]["errors"]
    reasons = " ".join(e["reason"] for e in found["report"]["errors"])
    assert "seats apply to prices per vehicle" in reasons
    assert "only a supplement can be optional" in reasons


def test_a_seats_column_or_constant_wins_over_the_seats_in_the_basis_cell(
    migrated_engine, tmp_path: Path
) -> None:
    rows = [
        ["Toyota Avanza", "Private (per car, up to 6)", 7, None, None, 750_000],
        ["Toyota Hiace Commuter", "Private (per car, up to 6)", None, None, None, 1_400_000],
    ]
    found = _check_small(tmp_path, rows)
    assert found["report"]["errors"] == []
    committed = _run(found["target"], found["id"], found["mapping"], dry_run=False)
    seats = {line[0]: line[5] for line in _stored(found["target"], committed.version_id)}
    assert seats == {"Toyota Avanza": 7, "Toyota Hiace Commuter": 6}

    # a constant, with no seats column mapped
    found = _check_small(tmp_path, rows, capacity="12")
    mapping = found["mapping"]
    mapping = mapping.model_copy(
        update={"columns": [r for r in mapping.columns if r.field != ImportField.CAPACITY]}
    )
    committed = _run(found["target"], found["id"], mapping, dry_run=False)
    seats = {line[0]: line[5] for line in _stored(found["target"], committed.version_id)}
    assert seats == {"Toyota Avanza": 12, "Toyota Hiace Commuter": 12}


def test_a_supplement_changed_on_the_next_sheet_is_a_line_added_and_one_removed(
    migrated_engine, tmp_path: Path
) -> None:
    """The diff keys lines by their supplement too: renaming "Tolls" to "Parking" is not
    a price change of one line."""
    first = _check_small(
        tmp_path,
        [
            ["Toyota Avanza", "One way", 6, None, None, 350_000],
            ["Toyota Avanza", "One way", 6, "Tolls", "No", 50_000],
        ],
    )
    target = first["target"]
    committed = _run(target, first["id"], first["mapping"], dry_run=False)
    with tenant_scope(target.ctx) as session:
        version = rates.get_version(session, target.ctx, committed.version_id)
        publish_accepting_gaps(session, target.ctx, version.id, version.row_version)
    fx = _small_sheet(
        tmp_path,
        [
            ["Toyota Avanza", "One way", 6, None, None, 350_000],
            ["Toyota Avanza", "One way", 6, "Parking", "No", 50_000],
        ],
    )
    again = _run(target, _stage_path(target, tmp_path / fx.file), first["mapping"], dry_run=True)
    diff = again.report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"], diff["unchanged"]) == (1, 1, 0, 1)
    lines = {row["change"]: row["line"] for row in diff["rows"]}
    assert lines == {"added": "Parking · per transfer", "removed": "Tolls · per transfer"}


def test_other_seats_or_a_supplement_made_optional_on_the_next_sheet_are_changes(
    migrated_engine, tmp_path: Path
) -> None:
    first = _check_small(
        tmp_path,
        [
            ["Toyota Avanza", "Per km", 6, None, None, 4_500],
            ["Toyota Avanza", "Per hour", 6, "Night driving", "No", 75_000],
            ["Toyota Hiace Commuter", "Per km", 14, None, None, 7_500],
        ],
    )
    target = first["target"]
    committed = _run(target, first["id"], first["mapping"], dry_run=False)
    with tenant_scope(target.ctx) as session:
        version = rates.get_version(session, target.ctx, committed.version_id)
        publish_accepting_gaps(session, target.ctx, version.id, version.row_version)
    fx = _small_sheet(
        tmp_path,
        [
            ["Toyota Avanza", "Per km", 7, None, None, 4_500],
            ["Toyota Avanza", "Per hour", 6, "Night driving", "Yes", 75_000],
            ["Toyota Hiace Commuter", "Per km", 14, None, None, 7_500],
        ],
    )
    staged = _stage_path(target, tmp_path / fx.file)
    diff = _run(target, staged, first["mapping"], dry_run=True).report["diff"]
    assert (diff["added"], diff["removed"], diff["changed"], diff["unchanged"]) == (0, 0, 2, 1)


def test_a_dash_or_base_in_the_supplement_column_is_the_base_price(
    migrated_engine, tmp_path: Path
) -> None:
    found = _check_small(
        tmp_path,
        [
            ["Toyota Avanza", "Per km", 6, "-", None, 4_500],
            ["Toyota Hiace Commuter", "Per km", 14, "Base", "No", 7_500],
            ["Toyota Hiace Commuter", "Per km", 14, "x" * 61, None, 500],
        ],
    )
    errors = [(e["row"], e["column"]) for e in found["report"]["errors"]]
    assert errors == [(4, "Supplement")]  # 61 characters: longer than a line keeps
    assert found["report"]["lines"] == 2
    mapping = found["mapping"]
    # without the bad row, the two lines are stored as base prices
    sheet = _small_sheet(tmp_path, [["Toyota Avanza", "Per km", 6, "-", None, 4_500]])
    target = found["target"]
    committed = _run(target, _stage_path(target, tmp_path / sheet.file), mapping, dry_run=False)
    assert [line[3] for line in _stored(target, committed.version_id)] == [None]

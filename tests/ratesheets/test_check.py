"""Each problem a check finds after reading (service, season, currency, age band, pax break,
sell or markup, sold below net) is named on its own row and in the column the value came
from, whether the line's service, season and terms were met before or not. Runs on SQLite and
PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.rates.factories import Contract, make_contract
from travelcrm.db import tenant_scope
from travelcrm.rates import services as rates
from travelcrm.rates.models import AgeBandKind
from travelcrm.rates.schemas import AgeBandIn
from travelcrm.ratesheets import mapping as sheetmap
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.reading import RawSheet
from travelcrm.ratesheets.schemas import ColumnRule, ImportField, ImportMapping

HEADER = ["Room", "Meal", "Season", "Occupancy", "Age", "Pax", "Net", "Sell", "Markup %"]
# rows of the sheet (row 1 is the header); each bad row follows a good one with the same
# service, season and terms, so that both ways through the check meet a problem
ROWS = [
    ["Deluxe Sea View", "CP", "Lean", "Double", "", "", "6000", "", ""],  # 2: good
    ["Deluxe Sea View", "CP", "Monsoon", "Double", "", "", "6000", "", ""],  # 3: no such season
    ["Deluxe Sea View", "CP", "Lean", "Single", "", "", "USD 100", "", ""],  # 4: not in INR
    ["Deluxe Sea View", "CP", "Peak", "Double", "Infant", "", "6000", "", ""],  # 5: no band
    ["Deluxe Sea View", "CP", "Peak", "Single", "", "", "5000", "4500", "10"],  # 6: both
    ["Deluxe Sea View", "CP", "Peak", "Double", "", "", "9000", "", ""],  # 7: good
    ["Deluxe Sea View", "CP", "Peak", "Triple", "", "", "9000", "8000", ""],  # 8: below net
    ["Deluxe Sea View", "CP", "Lean", "Triple", "", "", "7000", "6000", ""],  # 9: below net (seen)
    ["Dolphin cruise", "", "Lean", "", "", "5-20", "1800", "", ""],  # 10: good
    ["Dolphin cruise", "", "Peak", "", "", "1-4", "2000", "", "-10"],  # 11: below net (markup)
    ["Dolphin crooze", "", "Peak", "", "", "5-20", "1800", "", ""],  # 12: no such service
    ["Deluxe Sea View", "CP", "Lean", "Double", "", "", "6000", "", ""],  # 13: repeats row 2
    # amounts no price column holds (NUMERIC(18, 4)): a row error, not a failed check
    ["Deluxe Sea View", "CP", "Peak", "Double", "", "", "250000000000000", "", ""],  # 14
    ["Deluxe Sea View", "CP", "Lean", "Double", "", "", "6000", "", "1" + "0" * 300],  # 15
]
MAPPING = ImportMapping(
    header_row=0,
    columns=[
        ColumnRule(column=index, header=header, field=field)
        for index, (header, field) in enumerate(
            zip(
                HEADER,
                [
                    ImportField.SERVICE,
                    ImportField.MEAL_PLAN,
                    ImportField.SEASON,
                    ImportField.OCCUPANCY,
                    ImportField.AGE_BAND,
                    ImportField.PAX,
                    ImportField.NET,
                    ImportField.SELL,
                    ImportField.MARKUP,
                ],
                strict=True,
            )
        )
    ],
)  # no currency column or constant: a price's own currency is the line's


@pytest.fixture
def checked(migrated_engine, tmp_path: Path) -> dict:
    # a draft the import is checked against, whose list prices no infants
    contract: Contract = make_contract(publish=False)
    lock = contract.lock()
    with tenant_scope(contract.ctx) as session:
        rates.set_age_bands(
            session,
            contract.ctx,
            version_id=contract.version_id,
            row_version=lock,
            bands=[
                AgeBandIn(kind=AgeBandKind.ADULT, age_min=12, age_max=120),
                AgeBandIn(kind=AgeBandKind.CHILD_WITH_BED, age_min=2, age_max=11),
                AgeBandIn(kind=AgeBandKind.CHILD_WITHOUT_BED, age_min=2, age_max=11),
            ],
        )
    upload = tmp_path / "rates.csv"
    upload.write_text("\n".join(",".join(row) for row in [HEADER, *ROWS]) + "\n", encoding="utf-8")
    with tenant_scope(contract.ctx) as session:
        item = sheets.stage_file(
            session,
            contract.ctx,
            rate_list_id=contract.rate_list_id,
            source=upload,
            file_name="rates.csv",
        )
        item = sheets.run(session, contract.ctx, import_id=item.id, mapping=MAPPING)
        return dict(item.report)


def _on(problems: list[dict], row: int) -> list[tuple[str, str]]:
    return [(p["column"], p["code"]) for p in problems if p["row"] == row]


def test_each_problem_is_on_its_row_and_in_the_column_it_came_from(checked: dict) -> None:
    errors = checked["errors"]
    assert _on(errors, 3) == [("Season", "season")]
    assert "no season named 'Monsoon'" in next(e["reason"] for e in errors if e["row"] == 3)
    assert _on(errors, 4) == [("Net", "currency")]
    assert _on(errors, 5) == [("Age", "age_band")]
    assert _on(errors, 6) == [("Markup %", "both")]
    assert _on(errors, 12) == [("Room", "service")]
    assert "did you mean 'Dolphin cruise'" in next(e["reason"] for e in errors if e["row"] == 12)
    assert _on(errors, 14) == [("Net", "net")]
    assert "250000000000000 is too large for a price" in next(
        e["reason"] for e in errors if e["row"] == 14
    )
    assert _on(errors, 15) == [("Markup %", "markup_pct")]
    assert "10000000000000000000… (301 characters) is too large" in next(
        e["reason"] for e in errors if e["row"] == 15
    )
    assert {e["row"] for e in errors} == {3, 4, 5, 6, 12, 14, 15}
    warnings = checked["warnings"]
    assert _on(warnings, 8) == [("Sell", "below_net")]
    assert _on(warnings, 9) == [("Sell", "below_net")]
    assert _on(warnings, 11) == [("Markup %", "below_net")]
    assert _on(warnings, 13) == [("", "duplicate")]
    assert "repeats row 2" in next(w["reason"] for w in warnings if w["row"] == 13)


def test_the_good_rows_are_the_lines_and_the_diff_compares_them(checked: dict) -> None:
    assert checked["rows_read"] == len(ROWS)
    # rows 2, 7, 8, 9, 10 and 11 (row 13 repeats row 2)
    assert checked["lines"] == 6
    diff = checked["diff"]
    assert diff["added"] + diff["changed"] + diff["unchanged"] == 6
    assert diff["unchanged"] >= 2  # rows 2 and 7 price the published lines as they are
    assert diff["groups"] == len(diff["by_group"])
    busiest = [g["added"] + g["changed"] + g["removed"] for g in diff["by_group"]]
    assert busiest == sorted(busiest, reverse=True)


def test_a_column_group_whose_own_dates_are_reversed_is_an_error_on_each_of_its_rows() -> None:
    """The dates a column group's header gives are checked for each line of that group (the
    row's own dates once per row); the other group's lines of the row are kept."""
    sheet = RawSheet(
        "Rates",
        [
            ["Room", "Jul-Jun", "Apr-Jun"],
            ["Deluxe Sea View", 100.0, 200.0],
            ["Premier Suite", 300.0, None],
        ],
    )
    mapping = ImportMapping(
        header_row=0,
        columns=[
            ColumnRule(column=0, header="Room", field=ImportField.SERVICE),
            ColumnRule(
                column=1,
                header="Jul-Jun",
                field=ImportField.NET,
                fixed={ImportField.VALID_FROM: "2027-07-01", ImportField.VALID_TO: "2027-06-30"},
            ),
            ColumnRule(
                column=2,
                header="Apr-Jun",
                field=ImportField.NET,
                fixed={ImportField.VALID_FROM: "2027-04-01", ImportField.VALID_TO: "2027-06-30"},
            ),
        ],
        constants={ImportField.CURRENCY: "INR"},
    )
    built = sheetmap.build_lines(sheet, mapping)
    assert [(p.row, p.column, p.code) for p in built.errors] == [
        (2, "Jul-Jun", "range"),
        (3, "Jul-Jun", "range"),
    ]
    assert "ends (30 Jun 2027) before it starts (01 Jul 2027)" in built.errors[0].reason
    kept = [(row, values[sheetmap.VALID_FROM]) for row, values, _plan, _cells in built.lines]
    assert kept == [(2, date(2027, 4, 1))]

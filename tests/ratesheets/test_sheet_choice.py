"""Which sheet of a workbook holds the rates (a cover or terms sheet does not), and headers
written in the supplier's language: German, French, Spanish, Italian, Portuguese, Indonesian.
The import tests run the new fixture sheets end to end (tests/ratesheets/test_import.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.rate_sheets.manifest import MANIFEST
from tests.ratesheets.test_import import _run, _stage, _target
from travelcrm.db import tenant_scope
from travelcrm.ratesheets import mapping as sheetmap
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.models import ImportStatus
from travelcrm.ratesheets.reading import RawSheet, read_workbook
from travelcrm.ratesheets.schemas import ImportField, ImportMapping

COVER = "hotel_cover_sheet.xlsx"
GERMAN = "transport_bayern_de.xlsx"
FRENCH = "hotel_nice_fr.xlsx"


# ---- the sheet that looks like a rate table ------------------------------------------------------


def test_the_rates_sheet_outscores_the_cover_and_the_terms() -> None:
    fx = MANIFEST[COVER]
    workbook = read_workbook(fx.path, fx.file)
    scores = {s.name: s for s in sheetmap.score_sheets(workbook.sheets)}
    assert list(scores) == ["Cover", "Rates", "Terms"]  # the workbook's order
    rates, cover, terms = scores["Rates"], scores["Cover"], scores["Terms"]
    assert rates.header_row == fx.header_row
    rows = {(line.service, line.meal_plan, line.valid_from) for line in fx.lines}
    assert rates.known_headers == 7 and rates.data_rows == len(rows)
    assert rates.score >= 70
    assert cover.score <= 20 and terms.score <= 20
    assert sheetmap.best_sheet(workbook.sheets).name == "Rates"


@pytest.mark.parametrize("name", list(MANIFEST))
def test_every_suppliers_rate_sheet_scores_as_a_rate_table(name: str) -> None:
    """Text amounts ("AED 1,350") and text dates ("01-Apr-27") count as numbers too."""
    fx = MANIFEST[name]
    workbook = read_workbook(fx.path, fx.file)
    found = next(
        s for s in sheetmap.score_sheets(workbook.sheets) if s.name == (fx.sheet or s.name)
    )
    assert found.score >= 70, found
    assert found.header_row == fx.header_row


def test_an_empty_first_sheet_or_a_notes_sheet_is_passed_over() -> None:
    notes = RawSheet("Notes", [["Read me"], ["Prices are net."], [None], ["Thank you"]], [])
    empty = RawSheet("Sheet1", [], [])
    table = RawSheet(
        "Tariff",
        [["Vehicle", "Valid from", "Valid to", "Rate"], ["Sedan", "01-Apr-27", "30-Sep-27", 2900]],
        [],
    )
    assert sheetmap.best_sheet([empty, notes, table]).name == "Tariff"
    assert sheetmap.best_sheet([empty, notes]).name == "Notes"  # it has rows, at least
    assert sheetmap.best_sheet([empty]).name == "Sheet1"
    title_only = RawSheet("Title", [["Tariff 2027"]], [])
    assert sheetmap.best_sheet([empty, title_only]).name == "Title"


def test_the_preview_opens_the_rates_sheet_and_the_operator_can_pick_another(
    migrated_engine, tmp_path: Path
) -> None:
    fx = MANIFEST[COVER]
    target = _target(fx)
    import_id = _stage(target, fx, tmp_path)
    with tenant_scope(target.ctx) as session:
        shown = sheets.preview(session, target.ctx, import_id=import_id)
        picked = sheets.preview(session, target.ctx, import_id=import_id, sheet="Cover")
    assert shown.sheet == "Rates" and shown.header_row == fx.header_row
    assert [s.name for s in shown.scores] == shown.sheets == ["Cover", "Rates", "Terms"]
    assert shown.unmapped_required == []
    assert shown.suggested.sheet == "Rates"
    assert picked.sheet == "Cover"
    assert ImportField.SERVICE in picked.unmapped_required

    # a mapping without a sheet name reads the same best sheet
    mapping = ImportMapping.model_validate(fx.mapping).model_copy(update={"sheet": None})
    checked = _run(target, import_id, mapping, dry_run=True)
    assert checked.report["errors"] == [] and checked.lines == fx.expected_lines


# ---- headers in the supplier's language ------------------------------------------------------

# each language's header row: service, meal plan, season, valid from, valid to, then prices
HEADERS = {
    "en": ["Room Type", "Meal Plan", "Season", "Valid From", "Valid To", "Rate"],
    "de": ["Zimmerkategorie", "Verpflegung", "Saison", "Gültig ab", "Gültig bis", "Preis"],
    "fr": ["Type de chambre", "Pension", "Saison", "Valable du", "Valable au", "Prix net"],
    "es": ["Tipo de habitación", "Régimen", "Temporada", "Válido desde", "Válido hasta", "Tarifa"],
    "it": ["Tipo camera", "Trattamento", "Stagione", "Valido dal", "Valido al", "Prezzo"],
    "pt": ["Tipo de quarto", "Regime", "Temporada", "Válido de", "Válido até", "Preço"],
    "id": ["Tipe Kamar", "Paket Makan", "Musim", "Berlaku dari", "Berlaku sampai", "Harga"],
}
FIELDS = [
    ImportField.SERVICE,
    ImportField.MEAL_PLAN,
    ImportField.SEASON,
    ImportField.VALID_FROM,
    ImportField.VALID_TO,
    ImportField.NET,
]
# wide price columns: single, double, triple, extra bed, child with bed, child without bed
PRICE_HEADERS = {
    "de": ["EZ", "DZ", "Dreibettzimmer", "Zustellbett", "Kind mit Bett", "Kind ohne Bett"],
    "fr": [
        "Simple",
        "Double",
        "Triple",
        "Lit supplémentaire",
        "Enfant avec lit",
        "Enfant sans lit",
    ],
    "es": ["Individual", "Doble", "Triple", "Cama extra", "Niño con cama", "Niño sin cama"],
    "it": [
        "Singola",
        "Doppia",
        "Tripla",
        "Letto aggiunto",
        "Bambino con letto",
        "Bambino senza letto",
    ],
    "pt": ["Individual", "Duplo", "Triplo", "Cama extra", "Criança com cama", "Criança sem cama"],
    "id": [
        "Kamar Single",
        "Kamar Double",
        "Kamar Triple",
        "Tempat Tidur Tambahan",
        "Anak dengan Tempat Tidur",
        "Anak tanpa Tempat Tidur",
    ],
}
PRICE_MEANINGS: list[dict[ImportField, str]] = [
    {ImportField.OCCUPANCY: "single"},
    {ImportField.OCCUPANCY: "double"},
    {ImportField.OCCUPANCY: "triple"},
    {ImportField.OCCUPANCY: "extra_bed"},
    {ImportField.AGE_BAND: "child_with_bed"},
    {ImportField.AGE_BAND: "child_without_bed"},
]


def _suggested(headers: list[str], row: list[Any]) -> dict[int, tuple[ImportField, dict[Any, str]]]:
    sheet = RawSheet("s", [["Tarif 2027"], [None], headers, row], [])
    mapping = sheetmap.suggest_mapping(sheet)
    assert mapping.header_row == 2
    return {r.column: (r.field, dict(r.fixed)) for r in mapping.columns}


@pytest.mark.parametrize("language", list(HEADERS))
def test_the_header_words_of_each_language_name_their_fields(language: str) -> None:
    row = ["Deluxe", "CP", "Peak", "01.04.2027", "30.09.2027", 120]
    found = _suggested(HEADERS[language], row)
    assert found == {i: (f, {}) for i, f in enumerate(FIELDS)}


@pytest.mark.parametrize("language", list(PRICE_HEADERS))
def test_wide_price_columns_in_each_language_say_what_they_stand_for(language: str) -> None:
    headers = [HEADERS[language][0], *PRICE_HEADERS[language]]
    found = _suggested(headers, ["Deluxe", 100, 120, 140, 30, 25, 15])
    assert found[0] == (ImportField.SERVICE, {})
    assert [found[i] for i in range(1, 7)] == [(ImportField.NET, m) for m in PRICE_MEANINGS]


def test_every_field_has_header_words_in_every_language_and_no_word_names_two() -> None:
    """The whole table: each field (but ignore) has words in the six other languages, and a
    word names one field only (checked again when the module loads)."""
    assert set(sheetmap._TRANSLATED) == set(ImportField) - {ImportField.IGNORE}
    for name, by_language in sheetmap._TRANSLATED.items():
        assert set(by_language) == set(sheetmap.LANGUAGES), name
        assert all(by_language.values()), name
        for words in by_language.values():
            assert all(w == sheetmap._norm(w) for w in words), words  # as headers normalise
    every = [w for by in sheetmap._TRANSLATED.values() for ws in by.values() for w in ws]
    every += [w for ws in sheetmap._ALIASES.values() for w in ws]
    assert all(sheetmap._FIELD_BY_ALIAS[w] is not None for w in every)
    assert len(sheetmap._FIELD_BY_ALIAS) == len(set(every))


def test_the_german_tariff_maps_like_its_operator_would_and_per_km_is_left_out() -> None:
    """ "Fahrzeug" a service, "Personen" the pax break, "gültig ab/bis" the dates, "Preis pro
    Tag" the net price; "pro km" is a per-km extra no field prices, so it is not mapped."""
    fx = MANIFEST[GERMAN]
    workbook = read_workbook(fx.path, fx.file)
    suggested = sheetmap.suggest_mapping(sheetmap.best_sheet(workbook.sheets))
    given = ImportMapping.model_validate(fx.mapping)
    assert suggested.header_row == given.header_row
    assert {r.column: r.field for r in suggested.columns} == {
        r.column: r.field for r in given.columns
    }
    assert "pro km" not in {r.header for r in suggested.columns}


def test_the_french_sheet_maps_its_occupancy_and_child_columns() -> None:
    fx = MANIFEST[FRENCH]
    workbook = read_workbook(fx.path, fx.file)
    suggested = sheetmap.suggest_mapping(sheetmap.best_sheet(workbook.sheets))
    given = ImportMapping.model_validate(fx.mapping)
    assert [r.field for r in suggested.columns] == [r.field for r in given.columns]
    for ours, theirs in zip(suggested.columns, given.columns, strict=True):
        assert ours.fixed.items() <= theirs.fixed.items(), (ours, theirs)


def test_the_mapping_an_operator_saves_for_a_german_supplier_is_suggested_next_time(
    migrated_engine, tmp_path: Path
) -> None:
    """The synonyms only start a mapping: what the operator commits for the supplier (here,
    no pax break: every vehicle at any group size) comes back for its next sheet."""
    fx = MANIFEST[GERMAN]
    target = _target(fx)
    given = ImportMapping.model_validate(fx.mapping)
    theirs = given.model_copy(
        update={"columns": [r for r in given.columns if r.field != ImportField.PAX]}
    )
    first = _stage(target, fx, tmp_path)
    committed = _run(target, first, theirs, dry_run=False)
    assert committed.status == ImportStatus.COMMITTED.value, committed.report["errors"][:3]

    again = _stage(target, fx, tmp_path)
    with tenant_scope(target.ctx) as session:
        shown = sheets.preview(session, target.ctx, import_id=again)
    assert shown.from_template
    assert [r.field for r in shown.suggested.columns] == [r.field for r in theirs.columns]
    assert shown.suggested.constants == theirs.constants

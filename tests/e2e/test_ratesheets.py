"""Browser: a supplier's sheet imported into a rate list — upload, the suggested mapping, the
dry run's report and diff, the commit; and a sheet with planted errors refused row by row.
Screenshots of the mapping, dry-run and diff screens land in tests/e2e/screenshots."""

from __future__ import annotations

import dataclasses
import io
import re
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_rates import TIMEOUT, _owner_context, _url
from tests.fixtures.rate_sheets.manifest import MANIFEST
from tests.ratesheets.test_import import _expected, _stored, _target
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates


def _upload(page: Page, harness: Any, list_id: Any, path: Any) -> None:
    page.goto(_url(harness, f"/rates/{list_id}/import"))
    expect(page.get_by_test_id("page-title")).to_have_text("Import a rate sheet", timeout=TIMEOUT)
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_test_id("sheet-drop")).to_contain_text(path.name, timeout=TIMEOUT)
    page.get_by_test_id("sheet-upload").click()
    expect(page.get_by_test_id("file-name")).to_have_text(path.name, timeout=TIMEOUT)


def test_a_wide_hotel_sheet_from_upload_to_a_stored_draft(
    page: Page, harness: Any, shot: Any
) -> None:
    fx = MANIFEST["hotel_goa_seasons_wide.xlsx"]
    target = _target(fx, _owner_context())
    _upload(page, harness, target.rate_list_id, fx.path)
    # the header row is found under the titles, and the wide columns are understood
    expect(page.get_by_test_id("header-row")).to_have_value(str(fx.header_row + 1))
    expect(page).to_have_url(re.compile(r"\?import=[0-9a-f-]{36}"))
    rows = page.get_by_test_id("column-row")
    expect(rows.filter(has_text="Lean 01 Apr 27 - 30 Sep 27 · Dbl")).to_contain_text("Double")
    expect(rows.filter(has_text="Room Category")).to_contain_text("Service")
    shot(page, "import-1-mapping")

    page.get_by_test_id("run-check").click()
    expect(page.get_by_test_id("lines-ready")).to_contain_text(
        str(fx.expected_lines), timeout=TIMEOUT
    )
    expect(page.get_by_test_id("no-errors")).to_be_visible()
    expect(page.get_by_test_id("diff-added")).to_contain_text(str(fx.expected_lines))
    expect(page.get_by_test_id("change-row").first).to_be_visible()
    shot(page, "import-2-dry-run-and-diff")

    # a reload comes back to the same report
    page.reload()
    expect(page.get_by_test_id("lines-ready")).to_contain_text(
        str(fx.expected_lines), timeout=TIMEOUT
    )

    page.get_by_test_id("commit-import").click()
    expect(page.get_by_test_id("import-done")).to_be_visible(timeout=TIMEOUT)
    shot(page, "import-3-stored")
    # the list's import history shows it (who and when are in the audit log too)
    page.goto(_url(harness, f"/rates/{target.rate_list_id}/import"))
    history = page.get_by_test_id("history-row").filter(has_text=fx.file)
    expect(history).to_contain_text("stored", timeout=TIMEOUT)
    expect(history).to_contain_text(str(fx.expected_lines))
    shot(page, "import-0-upload-and-history")

    # the rate list's Spreadsheet menu exports the version on screen, and leads to the import
    # (each from a freshly loaded page: a menu reopened while it closes can miss the click)
    list_page = _url(harness, f"/rates/{target.rate_list_id}")
    page.goto(list_page)
    page.get_by_test_id("sheet-menu").click(timeout=TIMEOUT)
    page.get_by_test_id("open-import").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Import a rate sheet", timeout=TIMEOUT)
    page.goto(list_page)
    page.get_by_test_id("sheet-menu").click(timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.endswith("-v1.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.worksheets[0].max_row == fx.expected_lines + 1
    with tenant_scope(target.ctx) as session:
        versions = rates.list_versions(session, target.ctx, target.rate_list_id)
        assert len(versions) == 1 and versions[0].status == "draft"
        lines = rate_lines.version_lines(session, target.ctx, version_id=versions[0].id)
        assert len(lines) == fx.expected_lines


def test_planted_errors_are_listed_by_row_and_nothing_is_stored(
    page: Page, harness: Any, shot: Any
) -> None:
    fx = next(fx for fx in MANIFEST.values() if fx.errors)
    target = _target(fx, _owner_context())
    _upload(page, harness, target.rate_list_id, fx.path)
    page.get_by_test_id("run-check").click()
    planted = [p for p in fx.errors if p.keyword != "duplicate"]
    expect(page.get_by_test_id("error-count")).to_contain_text(str(len(planted)), timeout=TIMEOUT)
    table = page.get_by_test_id("error-table")
    for error in planted:
        expect(
            table.get_by_test_id("problem-row").filter(
                has=page.get_by_text(str(error.row), exact=True)
            )
        ).not_to_have_count(0)
    expect(page.get_by_test_id("commit-import")).to_be_disabled()
    expect(page.get_by_test_id("download-failing")).to_be_visible()
    shot(page, "import-4-errors")
    with tenant_scope(target.ctx) as session:
        versions = rates.list_versions(session, target.ctx, target.rate_list_id)
        assert not rates.lines_exist(session, versions[0].id)


# issue 18's kinds of real contracts, each through the page alone: upload, check, commit
REAL_CONTRACTS = [
    "hotel_cover_sheet.xlsx",
    "transport_bayern_de.xlsx",
    "hotel_nice_fr.xlsx",
    "hotel_price_words.xlsx",
    "hotel_text_rows.xlsx",
    "hotel_exported_names.xlsx",
    "hotel_season_ranges.xlsx",
    "activities_ubud_shared_private.xlsx",
    "transport_bali_supplements.xlsx",
]


@pytest.mark.parametrize("name", REAL_CONTRACTS)
def test_a_real_contract_is_imported_on_the_page_alone(
    page: Page, harness: Any, shot: Any, name: str
) -> None:
    """No REST step and nothing typed: the page opens the right sheet, maps the supplier's
    headers, checks (warnings for words and notes, never errors) and stores every line."""
    fx = MANIFEST[name]
    # the demo agency is shared with the other browser tests, whose supplier filters count its
    # suppliers per country: these go in as Indian ones (the country plays no part in an import)
    fx = dataclasses.replace(fx, supplier=dataclasses.replace(fx.supplier, country="IN"))
    target = _target(fx, _owner_context())
    _upload(page, harness, target.rate_list_id, fx.path)
    expect(page.get_by_test_id("header-row")).to_have_value(str(fx.header_row + 1))
    expect(page.get_by_test_id("unmapped")).to_have_count(0)
    page.get_by_test_id("run-check").click()
    expect(page.get_by_test_id("lines-ready")).to_contain_text(
        str(fx.expected_lines), timeout=TIMEOUT
    )
    expect(page.get_by_test_id("no-errors")).to_be_visible()
    shot(page, f"import-contract-{name.removesuffix('.xlsx')}")
    page.get_by_test_id("commit-import").click()
    expect(page.get_by_test_id("import-done")).to_be_visible(timeout=TIMEOUT)
    with tenant_scope(target.ctx) as session:
        (version,) = rates.list_versions(session, target.ctx, target.rate_list_id)
        assert version.status == "draft"
    assert _stored(target, version.id) == _expected(fx)

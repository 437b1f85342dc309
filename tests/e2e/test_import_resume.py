"""Browser: an import in progress survives a reload (its id is in the address, its mapping is
kept on the import as it is edited) and is offered again when the import page is opened
without it. Screenshots at 1440x900 and on a phone (390x844)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.test_rates import TIMEOUT, _owner_context, _url
from tests.e2e.test_ratesheets import _upload
from tests.fixtures.rate_sheets.manifest import MANIFEST
from tests.ratesheets.test_import import _target

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_a_reload_returns_to_the_import_with_its_mapping_and_report(
    page: Page, harness: Any, shot: Any
) -> None:
    fx = MANIFEST["hotel_goa_seasons_wide.xlsx"]
    target = _target(fx, _owner_context())
    page.set_viewport_size(DESKTOP)
    _upload(page, harness, target.rate_list_id, fx.path)
    expect(page).to_have_url(re.compile(r"\?import=[0-9a-f-]{36}"))
    address = page.url
    # a constant set on the mapping step is kept through a reload
    nights = page.get_by_test_id("constant-min-nights")
    nights.fill("2")
    nights.blur()
    page.wait_for_timeout(500)  # the blur's save reaches the server
    page.reload()
    expect(page.get_by_test_id("file-name")).to_have_text(fx.file, timeout=TIMEOUT)
    expect(page.get_by_test_id("constant-min-nights")).to_have_value("2", timeout=TIMEOUT)
    assert page.url == address
    shot(page, "import-resume-mapping-desktop")

    # opened without the import in the address: the page offers to continue it
    page.goto(_url(harness, f"/rates/{target.rate_list_id}/import"))
    offer = page.get_by_test_id("resume")
    expect(offer).to_contain_text(fx.file, timeout=TIMEOUT)
    expect(offer).to_contain_text("not checked yet")
    page.set_viewport_size(PHONE)
    shot(page, "import-resume-offer-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("resume-import").click()
    expect(page.get_by_test_id("file-name")).to_have_text(fx.file, timeout=TIMEOUT)
    expect(page.get_by_test_id("constant-min-nights")).to_have_value("2")

    # the check's report comes back after a reload too
    page.get_by_test_id("run-check").click()
    expect(page.get_by_test_id("lines-ready")).to_contain_text(
        str(fx.expected_lines), timeout=TIMEOUT
    )
    page.reload()
    expect(page.get_by_test_id("lines-ready")).to_contain_text(
        str(fx.expected_lines), timeout=TIMEOUT
    )
    page.set_viewport_size(PHONE)
    shot(page, "import-resume-report-phone")

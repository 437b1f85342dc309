"""The rate sheet import page's state, its handlers called straight (as the browser would
call them): upload, the sheet picker, the constants a file lacks, check and commit. The same
service calls as the page makes, no REST step; on SQLite and PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import reflex as rx
from reflex.istate.data import RouterData

from tests.accounts.test_accounts import _verified
from tests.fixtures.rate_sheets.manifest import MANIFEST, Line, RateSheet, Service, Supplier
from tests.ratesheets.test_import import Target, _expected, _stored, _target
from tests.ui.test_rates_pages import _signed_in
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.schemas import ImportField
from travelcrm.ui.events import plain
from travelcrm.ui.pages.ratesheets.page import _constants
from travelcrm.ui.pages.ratesheets.state import AUTO, CONSTANT_VARS, RateImportState

S = RateImportState


def _page(fx: RateSheet) -> tuple[Any, Target]:
    """The import page of a new agency's rate list for the fixture's supplier, signed in."""
    agency = _verified()
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    target = _target(fx, ctx)
    state = S(_reflex_internal_init=True)
    address = f"/rates/{target.rate_list_id}/import"
    state.router = RouterData.from_router_data(
        {
            "headers": {
                "cookie": f"{SESSION_COOKIE}={_signed_in(agency.user.email)}",
                "origin": "http://x",
            },
            "pathname": "/rates/[id]/import",
            "asPath": address,
            "query": {"id": str(target.rate_list_id)},
        }
    )
    assert plain(S.load)(state) is None
    assert state.found and state.step == "upload"
    return state, target


def _upload(state: Any, path: Path, name: str) -> None:
    with path.open("rb") as handle:
        asyncio.run(plain(S.upload)(state, [rx.UploadFile(file=handle, path=Path(name))]))
    assert state.step == "map", state.file_note


def _check_and_commit(state: Any, target: Target) -> set[tuple[Any, ...]]:
    assert plain(S.check)(state) is None, state.mapping_error
    assert state.status == "checked" and state.error_count == 0, state.errors[:3]
    assert plain(S.commit)(state) is not None  # the "stored as draft" toast
    assert state.step == "done"
    with tenant_scope(target.ctx) as session:
        item = sheets.get_import(session, target.ctx, import_id=uuid.UUID(state.import_id))
        assert item.version_id is not None
        return _stored(target, item.version_id)


@pytest.mark.parametrize(
    "name", ["hotel_cover_sheet.xlsx", "transport_bayern_de.xlsx", "hotel_nice_fr.xlsx"]
)
def test_a_supplier_sheet_is_imported_through_the_page_as_suggested(
    migrated_engine, name: str
) -> None:
    """A workbook with a Cover sheet opens on its rates; German and French headers are mapped;
    nothing is typed but the upload, the check and the commit."""
    fx = MANIFEST[name]
    state, target = _page(fx)
    _upload(state, fx.path, fx.file)
    assert state.sheet == fx.sheet
    assert state.header_row == str(fx.header_row + 1)
    assert state.unmapped == []
    assert _check_and_commit(state, target) == _expected(fx)


def test_the_page_opens_the_rates_sheet_offers_the_others_and_says_what_is_unmapped(
    migrated_engine,
) -> None:
    fx = MANIFEST["hotel_cover_sheet.xlsx"]
    state, _ = _page(fx)
    _upload(state, fx.path, fx.file)
    assert state.sheets == ["Cover", "Rates", "Terms"]
    assert [(o.value, o.label) for o in state.sheet_options] == [
        ("Cover", "Cover"),
        ("Rates", "Rates · looks like the rates"),
        ("Terms", "Terms"),
    ]
    assert plain(S.pick_sheet)(state, "Cover") is None
    assert state.sheet == "Cover"
    assert state.unmapped == [
        "service (room, vehicle or activity)",
        "season, or valid from and valid to",
    ]
    assert plain(S.check)(state) is not None  # refused, with a toast
    assert "service" in state.mapping_error and state.step == "map"
    assert plain(S.pick_sheet)(state, "Rates") is None
    assert state.sheet == "Rates" and state.unmapped == []


# a one-period tariff: no dates, no season, no currency, no basis in the file
ONE_PERIOD = RateSheet(
    file="tariff-summer.xlsx",
    kind="xlsx",
    sheet="Summer",
    supplier=Supplier("Coorg Cabs", "transport", "IN", "Madikeri", "INR"),
    services=tuple(Service("vehicle", name, None) for name in ("Sedan", "SUV", "Tempo")),
    header_row=0,
    mapping={},
    expected_lines=3,
    samples=(),
    day_first=None,
    decimal_comma=None,
    imitates="a cab company's summer tariff",
    lines=tuple(
        Line(name, None, None, "2027-04-01", "2027-09-30", "any", "adult", 1, 99, str(net))
        for name, net in (("Sedan", 2900), ("SUV", 4300), ("Tempo", 5600))
    ),
)


def test_the_constants_a_file_lacks_are_set_on_the_page(migrated_engine, tmp_path: Path) -> None:
    fx = ONE_PERIOD
    path = tmp_path / fx.file
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Summer"
    sheet.append(["Vehicle", "Per Day"])
    for line in fx.lines:
        sheet.append([line.service, int(line.net)])
    book.save(path)

    state, target = _page(fx)
    _upload(state, path, fx.file)
    assert state.unmapped == ["season, or valid from and valid to"]
    assert state.constant_currency == "INR"  # the list's, until changed
    # refused, in words, and nothing changed
    for field, value in (
        ("valid_from", "31/02/2027"),
        ("basis", "per_camel"),
        ("meal_plan", "Breakfast"),
        ("service", "Sedan"),
        ("nonsense", "x"),
    ):
        assert plain(S.set_constant)(state, field, value) is not None, field
    assert state.constant_valid_from == "" and state.constant_basis == AUTO
    for field, value in (
        ("valid_from", "2027-04-01"),
        ("valid_to", "2027-09-30"),
        ("basis", "per_vehicle"),
        ("currency", " inr "),
        ("age_band", "adult"),
        ("min_nights", "1"),
        ("weekdays", "All"),
        ("season", "Summer 2027"),
        ("pax", "1-99"),
    ):
        assert plain(S.set_constant)(state, field, value) is None, field
    assert state.unmapped == []
    assert plain(S.set_constant)(state, "season", "") is None  # an empty box clears it
    assert plain(S.set_constant)(state, "age_band", AUTO) is None
    constants = state._current_mapping().constants
    assert constants == {
        ImportField.CURRENCY: "INR",
        ImportField.BASIS: "per_vehicle",
        ImportField.VALID_FROM: "2027-04-01",
        ImportField.VALID_TO: "2027-09-30",
        ImportField.MIN_NIGHTS: "1",
        ImportField.WEEKDAYS: "All",
        ImportField.PAX: "1-99",
    }
    stored = _check_and_commit(state, target)
    assert stored == _expected(fx)
    assert {(s[2], s[3]) for s in stored} == {(date(2027, 4, 1).isoformat(), "2027-09-30")}


def test_the_page_offers_every_constant_a_mapping_can_hold() -> None:
    """Every field a mapping's constants may give all lines (all but the service and the
    prices, the pax ends that the pax break sets, and a supplement's name and optional flag,
    which are per row), each with its control: dates with a date input, basis, occupancy,
    guest and meal plan as selects in words."""
    assert set(CONSTANT_VARS) == set(ImportField) - {
        ImportField.SERVICE,
        ImportField.NET,
        ImportField.SELL,
        ImportField.MARKUP,
        ImportField.PAX_MIN,
        ImportField.PAX_MAX,
        ImportField.SUPPLEMENT,
        ImportField.OPTIONAL,
        ImportField.IGNORE,
    }
    rendered = str(_constants().render())
    for field in CONSTANT_VARS:
        assert f"constant-{field.value.replace('_', '-')}" in rendered, field
    assert rendered.count('"date"') == 2
    for words in ("Half board (MAP)", "Child without bed", "Per vehicle", "Extra bed"):
        assert words in rendered

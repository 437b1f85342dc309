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
from tests.ui.test_queries_pages import _no_leak, _said
from tests.ui.test_rates_pages import _signed_in
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import services as rates
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.schemas import ImportField
from travelcrm.ui.events import plain
from travelcrm.ui.pages.ratesheets.page import _constants
from travelcrm.ui.pages.ratesheets.state import AUTO, CONSTANT_VARS, RateImportState
from travelcrm.ui.pages.ratesheets.state import _import_for as sheets_import_for

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


# ---- another agency's ids -----------------------------------------------------------------------


def _imports_of(target: Target) -> list[tuple[Any, ...]]:
    """Everything of an agency's imports (and rate versions) a handler could have touched."""
    with tenant_scope(target.ctx) as session:
        imports = sheets.list_imports(
            session, target.ctx, rate_list_id=target.rate_list_id, limit=50
        )
        versions = rates.list_versions(session, target.ctx, target.rate_list_id)
        rows = sorted(
            (str(i.id), i.status, str(i.mapping), i.version_id, i.error_count, i.file_name)
            for i in imports
        )
        return [*rows, ("versions", len(versions))]


def test_import_page_handlers_answer_not_found_for_another_agencys_ids(
    migrated_engine, tmp_path: Path
) -> None:
    """A crafted websocket event with another agency's rate list or import id, whether in the
    address or in the page's state: "not found", nothing of theirs on the page, nothing of
    theirs changed (the page reads and writes only through the agency's scope)."""
    mine_fx, their_fx = MANIFEST["hotel_cover_sheet.xlsx"], MANIFEST["hotel_nice_fr.xlsx"]
    state, mine = _page(mine_fx)
    _upload(state, mine_fx.path, mine_fx.file)
    my_import = state.import_id
    agency = _verified()
    theirs = _target(their_fx, TenantContext(agency.tenant.id, agency.user.id, Role.OWNER))
    their_file = f"theirs-{uuid.uuid4().hex[:6]}.xlsx"
    with tenant_scope(theirs.ctx) as session:
        their_import = sheets.stage_file(
            session,
            theirs.ctx,
            rate_list_id=theirs.rate_list_id,
            source=their_fx.path,
            file_name=their_file,
        ).id
        their_list = rates.get_rate_list(session, theirs.ctx, theirs.rate_list_id).name
    leaks = (their_file, their_list, their_fx.supplier.name, their_import, theirs.rate_list_id)
    before, mine_before = _imports_of(theirs), _imports_of(mine)
    cookie = state.router.headers.cookie

    def opened(address: str, list_id: uuid.UUID) -> Any:
        page = S(_reflex_internal_init=True)
        _path, _, query = address.partition("?")
        page.router = RouterData.from_router_data(
            {
                "headers": {"cookie": cookie, "origin": "http://x"},
                "pathname": "/rates/[id]/import",
                "asPath": address,
                "query": {"id": str(list_id), **dict([query.split("=")] if query else [])},
            }
        )
        assert plain(S.load)(page) is None
        assert page.loaded and page.allowed
        return page

    # their list by its address: not found, nothing of it on the page
    peek = opened(f"/rates/{theirs.rate_list_id}/import", theirs.rate_list_id)
    assert not peek.found and peek.list_name == "" and peek.history == []
    _no_leak(peek, *leaks)
    # my list with my import in the address opens it; with theirs, theirs is not opened
    peek = opened(f"/rates/{mine.rate_list_id}/import?import={my_import}", mine.rate_list_id)
    assert peek.found and peek.import_id == my_import and peek.file_name == mine_fx.file
    peek = opened(f"/rates/{mine.rate_list_id}/import?import={their_import}", mine.rate_list_id)
    assert peek.import_id == "" and peek.file_name == "" and peek.preview == []
    _no_leak(peek, *leaks)

    # my page, its state pointed at their import (no handler sets it so): every handler that
    # reads or runs the import says "not found"
    state.import_id = str(their_import)
    said = [
        _said(plain(S.pick_sheet)(state, their_fx.sheet)),
        _said(plain(S.set_header_row)(state, "2")),
        _said(plain(S.check)(state)),
        _said(plain(S.commit)(state)),
        _said(plain(S.commit_replacing)(state)),
        _said(plain(S.download_failing)(state)),
    ]
    assert all("Import not found." in s for s in said), said
    assert sheets_import_for(cookie, their_import) is None  # what the progress poll reads
    _no_leak(state, *leaks, sent=("import_id",))

    # ... and at their list: an upload is not staged there
    state.list_id = str(theirs.rate_list_id)
    with mine_fx.path.open("rb") as handle:
        result = asyncio.run(
            plain(S.upload)(state, [rx.UploadFile(file=handle, path=Path(mine_fx.file))])
        )
    assert "Rate list not found." in _said(result), _said(result)
    _no_leak(state, *leaks, sent=("import_id", "list_id"))

    assert _imports_of(theirs) == before
    assert _imports_of(mine) == mine_before
    assert my_import in {row[0] for row in mine_before}

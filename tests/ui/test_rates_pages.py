"""The rate pages: their pure helpers (money, dates, weekday masks, cancellation terms, what a
typed grid cell means), and their handlers called straight — as a crafted websocket event would
call them — with another agency's ids, or by an agent who may only read. Nothing changes."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, select

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.rates.factories import Contract, line_in, make_contract, make_list
from tests.ui.harness import signed_in_token as _signed_in
from tests.ui.harness import tree_state as _state
from travelcrm.accounts import services as accounts
from travelcrm.core.errors import FieldError, ValidationFailedError
from travelcrm.core.locale import currency_options
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.rates import availability
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.rates.models import (
    AgeBand,
    Market,
    RateLine,
    RateList,
    RateListVersion,
    Season,
    SupplierRestriction,
)
from travelcrm.rates.schemas import LinePatch, RestrictionIn, weekdays_mask
from travelcrm.suppliers.models import SupplierService
from travelcrm.ui.components.money import DASH, format_amount, format_date, format_money
from travelcrm.ui.components.money import format_range as money_range
from travelcrm.ui.events import plain
from travelcrm.ui.pages.rates.bulk_state import RateBulkState
from travelcrm.ui.pages.rates.cells import (
    GRID_COLUMNS,
    cell_patch,
    cell_text,
    line_values,
    parse_cell,
    values_text,
)
from travelcrm.ui.pages.rates.lines_state import RateLinesState
from travelcrm.ui.pages.rates.list_state import RateListsState, list_row
from travelcrm.ui.pages.rates.price_check_state import RatePriceCheckState
from travelcrm.ui.pages.rates.publish_state import RatePublishState
from travelcrm.ui.pages.rates.restrictions_state import RateRestrictionsState
from travelcrm.ui.pages.rates.rows import (
    NAME_COLUMN_MOST,
    RangeSlot,
    grid_columns,
    range_label,
    sentence,
    text_width,
)
from travelcrm.ui.pages.rates.seasons_state import RateSeasonsState
from travelcrm.ui.pages.rates.state import STALE_WORDS, RateListState
from travelcrm.ui.pages.rates.text import (
    CellError,
    blank_fields,
    in_words,
    month_title,
    month_weeks,
    parse_tiers,
    parse_weekdays,
    service_words,
    shift_month,
    tiers_lines,
    tiers_text,
    weekdays_text,
)

# ---- money and dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("9000"), "INR", "₹9,000.00"),
        ("1234567.891", "INR", "₹12,34,567.89"),  # an Indian agency (en-IN) groups lakhs
        ("-50", "USD", "-$50.00"),
        ("1250.5", "AED", "AED\u00a01,250.50"),
        ("1000", "JPY", "JP¥1,000"),
        ("0.0001", "EUR", "€0.00"),
        (None, "INR", ""),
        ("", "INR", ""),
        ("abc", "INR", ""),
    ],
)
def test_money_has_its_currency_and_thousands_separators(
    amount: Any, currency: str, shown: str
) -> None:
    assert format_money(amount, currency) == shown


def test_amounts_and_dates() -> None:
    assert format_amount(Decimal("9900"), "INR") == "9,900.00"
    assert format_amount("2.345", "KWD") == "2.345"
    assert format_date(date(2027, 10, 1)) == "1 Oct 2027"
    assert money_range(date(2027, 4, 1), date(2028, 3, 31)) == f"1 Apr 2027 {DASH} 31 Mar 2028"
    assert money_range(None, date(2028, 3, 31)) == "31 Mar 2028"
    assert format_date(None) == ""


# ---- weekdays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mask", "text"),
    [
        (0b1111111, "Every day"),
        (0b0011111, f"Mon{DASH}Fri"),
        (0b1100000, "Sat, Sun"),
        (0b0011101, f"Mon, Wed{DASH}Fri"),
        (0b1010101, "Mon, Wed, Fri, Sun"),
        (0b0000011, "Mon, Tue"),
        (0b1110000, f"Fri{DASH}Sun"),
        (0, "No days"),
    ],
)
def test_weekday_masks_in_words_and_back(mask: int, text: str) -> None:
    assert weekdays_text(mask) == text
    if mask:
        days = parse_weekdays(text)
        assert weekdays_mask(days) == mask


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-wed, fri", ["mon", "tue", "wed", "fri"]),
        ("Monday - Friday", ["mon", "tue", "wed", "thu", "fri"]),
        ("weekends", ["sat", "sun"]),
        ("sun sat", ["sat", "sun"]),
        ("every day", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
        ("Fri-Mon", ["mon", "fri", "sat", "sun"]),  # a range may wrap, as sheets write it
        ("", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),  # as the sheet import reads it
    ],
)
def test_typed_weekdays(text: str, days: list[str]) -> None:
    assert parse_weekdays(text) == days


@pytest.mark.parametrize("text", ["Funday", "Fri-Funday", " , ", "No days"])
def test_bad_weekdays_are_refused_in_words(text: str) -> None:
    with pytest.raises(CellError):
        parse_weekdays(text)


# ---- cancellation terms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tiers", "no_show", "text"),
    [
        (
            [{"days_before": 30, "charge_pct": "0"}, {"days_before": 7, "charge_nights": 1}],
            Decimal("100"),
            "30+ days: free · 7-29 days: 1 night · no-show 100%",
        ),
        (
            [
                {"days_before": 0, "charge_pct": "100"},
                {"days_before": 14, "charge_pct": "50.00"},
                {"days_before": 7, "charge_nights": 2},
            ],
            None,
            "14+ days: 50% · 7-13 days: 2 nights · 0-6 days: 100%",
        ),
        ([{"days_before": 3, "charge_pct": "25.5"}], "", "3+ days: 25.5%"),
        (
            [{"days_before": 2, "charge_pct": "0"}, {"days_before": 1, "charge_nights": 1}],
            None,
            "2+ days: free · 1 day: 1 night",
        ),
        ([], None, "No cancellation terms"),
        ([], "100", "no-show 100%"),
    ],
)
def test_cancellation_tiers_in_words(tiers: list[dict[str, Any]], no_show: Any, text: str) -> None:
    assert tiers_text(tiers, no_show) == text


def test_the_terms_box_reads_what_it_writes() -> None:
    tiers = parse_tiers("30: free\n7 days: 1 night; 0: 100 %")
    assert tiers == [
        {"days_before": 30, "charge_pct": "0"},
        {"days_before": 7, "charge_nights": 1},
        {"days_before": 0, "charge_pct": "100"},
    ]
    assert parse_tiers(tiers_lines(tiers)) == tiers
    assert parse_tiers("  \n") == []
    with pytest.raises(CellError, match="30: 0%"):
        parse_tiers("a month before: nothing")


# ---- grid cells -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("net", "9,000.50", Decimal("9000.50")),
        ("net", "₹ 12,000", Decimal("12000")),
        ("net", "INR 700", Decimal("700")),
        ("net", "-500", Decimal("-500")),  # the schema refuses it, with its own reason
        ("sell", "", None),
        ("markup_pct", "20%", Decimal("20")),
        ("markup_pct", " ", None),
        ("pax_min", "3", 3),
        ("min_nights", "2", 2),
        ("occupancy", "Extra bed", "extra_bed"),
        ("basis", "per-room", "per_room"),
        ("basis", "Per vehicle per km", "per_km"),
        ("basis", "per vehicle return", "per_return_transfer"),
        ("capacity", " 6 ", 6),
        ("capacity", "", None),
        ("supplement", " Driver allowance ", "Driver allowance"),
        ("supplement", "", None),
        ("optional", "Yes", True),
        ("optional", "", False),
        ("age_band", "child without bed", "child_without_bed"),
        ("weekdays", f"Mon{DASH}Fri", ["mon", "tue", "wed", "thu", "fri"]),
    ],
)
def test_what_a_typed_cell_means(field: str, text: str, value: Any) -> None:
    assert parse_cell(field, text) == value


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("net", "", "Cannot be empty"),
        ("net", "9ine", "is not an amount"),  # (text without a digit may be a price word)
        ("net", "1.2.3", "is not an amount"),
        ("pax_max", "2.5", "is not a whole number"),
        ("net", "$900", "This list's prices are in INR, not USD"),
        ("occupancy", "penthouse", "is not one of: any, single, double"),
        ("basis", "per mile", "is not one of: Per person, Per room, Per vehicle per day"),
        ("capacity", "six", "is not a whole number"),
        ("optional", "maybe", "is not yes or no"),
        ("service", "x", "cannot be edited here"),
        ("effective_sell", "5", "cannot be edited here"),
    ],
)
def test_cells_that_mean_nothing_are_refused_in_words(field: str, text: str, message: str) -> None:
    with pytest.raises(CellError, match=message):
        parse_cell(field, text, "INR")


def test_cells_show_what_they_read_back() -> None:
    for field, _title, _w, editable in GRID_COLUMNS:
        if not editable or field in {"weekdays", "pax"}:
            continue
        sample = {
            "net": Decimal("9000"),
            "sell": Decimal("10800.5"),
            "markup_pct": Decimal("20.0000"),
            "min_nights": 2,
            "basis": "per_hour",
            "occupancy": "extra_bed",
            "age_band": "child_with_bed",
            "capacity": 12,
            "supplement": "Night driving",
            "optional": True,
        }[field]
        assert parse_cell(field, cell_text(field, sample, "INR")) == sample
    assert cell_text("net", Decimal("9000"), "INR") == "9,000.00"
    assert cell_text("markup_pct", Decimal("12.5000"), "INR") == "12.5"
    assert cell_text("weekdays", 0b0011111, "INR") == f"Mon{DASH}Fri"
    assert cell_text("sell", None, "INR") == ""
    assert cell_text("basis", "per_km", "INR") == "Per vehicle per km"
    assert cell_text("optional", False, "INR") == ""


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1-4", {"pax_min": 1, "pax_max": 4}),
        (f" 5 {DASH} 20 pax", {"pax_min": 5, "pax_max": 20}),
        ("2", {"pax_min": 2, "pax_max": 2}),
        ("5+", {"pax_min": 5, "pax_max": 99}),  # the open top of a pax break, as sheets read it
        ("10 & above", {"pax_min": 10, "pax_max": 99}),
    ],
)
def test_the_pax_cell_sets_both_ends(text: str, values: dict[str, int]) -> None:
    assert cell_patch("pax", text) == values
    shown = values_text("pax", values, "INR")
    assert shown == f"{values['pax_min']}-{values['pax_max']}"
    assert cell_patch("pax", shown) == values


def test_a_line_s_values_go_back_as_they_came() -> None:
    line = RateLine(
        tenant_id=uuid.uuid4(),
        version_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        season_id=uuid.uuid4(),
        basis="per_person",
        pax_min=5,
        pax_max=20,
        net=Decimal("1800.0000"),
        weekdays=0b1100000,
    )
    assert line_values("pax", line) == {"pax_min": 5, "pax_max": 20}
    assert line_values("net", line) == {"net": "1800.0000"}
    assert line_values("sell", line) == {"sell": None}
    assert line_values("weekdays", line) == {"weekdays": ["sat", "sun"]}
    assert values_text("weekdays", line_values("weekdays", line), "INR") == "Sat, Sun"
    assert values_text("net", line_values("net", line), "INR") == "1,800.00"
    with pytest.raises(CellError, match="not a pax range"):
        cell_patch("pax", "a few")


def test_pages_of_lines_and_sentences() -> None:
    assert range_label(1, 100, 20_000) == "1-100 of 20,000"
    assert range_label(200, 100, 20_000) == "19,901-20,000 of 20,000"
    assert range_label(3, 100, 250) == "201-250 of 250"
    assert range_label(1, 100, 0) == "No lines"
    assert sentence("enter a value") == "Enter a value."
    assert sentence("Done.") == "Done."


def test_the_calendar_month() -> None:
    weeks = month_weeks(date(2027, 10, 14))
    assert weeks[0][0].day == date(2027, 9, 27) and not weeks[0][0].in_month
    assert weeks[0][4].day == date(2027, 10, 1) and weeks[0][4].in_month
    assert weeks[-1][-1].day == date(2027, 10, 31)  # a Sunday: no November days
    assert all(len(week) == 7 for week in weeks)
    assert sum(d.in_month for week in weeks for d in week) == 31
    assert shift_month(date(2027, 12, 1), 1) == date(2028, 1, 1)
    assert shift_month(date(2027, 1, 1), -1) == date(2026, 12, 1)


def test_a_list_row_shows_the_published_version_and_the_draft() -> None:
    rate_list = RateList(
        tenant_id=uuid.uuid4(), supplier_id=uuid.uuid4(), name="Sea Breeze", market="domestic"
    )

    def version(number: int, status: str) -> RateListVersion:
        return RateListVersion(
            tenant_id=rate_list.tenant_id,
            rate_list_id=rate_list.id,
            number=number,
            status=status,
            currency="INR",
            valid_from=date(2027, 4, number),
            valid_to=date(2028, 3, 31),
            supplier_id=rate_list.supplier_id,
            destination_country="IN",
        )

    row = list_row(rate_list, [version(2, "draft"), version(1, "published")], "Sea Breeze Resort")
    assert (row.published, row.draft, row.market, row.supplier) == (
        "v1",
        "v2 draft",
        "Domestic",
        "Sea Breeze Resort",
    )
    assert row.validity == f"1 Apr 2027 {DASH} 31 Mar 2028"
    assert row.href == f"/rates/{rate_list.id}"
    unpublished = list_row(rate_list, [version(1, "draft")], "Sea Breeze Resort")
    assert (unpublished.published, unpublished.validity[:10]) == ("", "1 Apr 2027")


# ---- handlers called straight ---------------------------------------------------------------


def _tab(state: Any, cls: type) -> Any:
    """One tab's substate of the rate list page's state (built with it, as Reflex builds them:
    it reads and sets the page's own vars too)."""
    names = cls.get_full_name().split(".")  # type: ignore[attr-defined]
    return state.get_substate(names[names.index(RateListState.get_name()) :])


def _do(state: Any, handler: Any, *args: Any) -> Any:
    """A handler called straight on the (sub)state it belongs to, as its event would be."""
    names = handler.state_full_name.split(".")
    return plain(handler)(state.get_substate(names[names.index(RateListState.get_name()) :]), *args)


def _owner_contract(*, publish: bool = False) -> tuple[str, Contract]:
    agency = _verified()
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    return agency.user.email, make_contract(ctx, publish=publish)


def _snapshot(contract: Contract) -> dict[str, Any]:
    """Everything of a contract's agency a handler could have touched."""
    with tenant_scope(contract.ctx) as session:
        return {
            "lists": len(session.exec(select(RateList)).all()),
            "versions": sorted(
                (v.number, v.status, v.row_version, str(v.cancellation_tiers))
                for v in session.exec(select(RateListVersion)).all()
            ),
            "seasons": sorted(
                (s.name, s.starts_on, s.ends_on) for s in session.exec(select(Season)).all()
            ),
            "bands": sorted(
                (b.kind, b.age_min, b.age_max) for b in session.exec(select(AgeBand)).all()
            ),
            "lines": sorted(
                (str(ln.id), ln.net, ln.sell, ln.markup_pct, ln.pax_max, ln.weekdays)
                for ln in session.exec(select(RateLine)).all()
            ),
            "restrictions": sorted(
                str(r.id) for r in session.exec(select(SupplierRestriction)).all()
            ),
        }


def _their_line(contract: Contract) -> Any:
    with tenant_scope(contract.ctx) as session:
        return session.exec(
            select(RateLine)
            .where(col(RateLine.version_id) == contract.version_id)
            .order_by(col(RateLine.position))
        ).first()


def _id_edits(state: Any, *, line_ids: list[str], season_id: str, restriction_id: str) -> None:
    """The handlers that act on ids: the grid's rows (set to `line_ids`), a season, a
    restriction."""
    lines, bulk = _tab(state, RateLinesState), _tab(state, RateBulkState)
    seasons = _tab(state, RateSeasonsState)
    state.row_ids = line_ids
    state.grid = [[False] + [""] * len(GRID_COLUMNS) for _ in line_ids]
    state._raw = [{"net": {"net": "1"}} for _ in line_ids]
    net = 1 + [name for name, *_rest in GRID_COLUMNS].index("net")
    _do(state, RateLinesState.edit_cell, (net, 0), {"kind": "text", "data": "1"})
    _do(state, RateLinesState.edit_cell, (0, 0), {"kind": "boolean", "data": True})
    lines._undo = {
        "line_id": line_ids[0],
        "field": "net",
        "values": {"net": "2"},
        "where": "Row 1, Net",
    }
    _do(state, RateLinesState.undo)
    state._picked = list(line_ids)
    _do(state, RateLinesState.delete_selected)
    state._picked = list(line_ids)
    bulk.bulk_scope, bulk.bulk_value = "selected", "50"
    list(_do(state, RateBulkState.bulk_preview))
    bulk.bulk_ready = True
    bulk._bulk_key = bulk._bulk_settings()  # as if previewed: apply still goes to the service
    list(_do(state, RateBulkState.bulk_apply))
    seasons.season_edit_id = season_id
    seasons.season_slots = [RangeSlot("2027-04-01", "2027-04-02")]
    _do(state, RateSeasonsState.save_season, {"name": "Hijacked"})
    _do(state, RateSeasonsState.delete_season, season_id)
    _do(state, RateRestrictionsState.delete_restriction, restriction_id)


def _version_edits(state: Any, *, season_id: str) -> None:
    """The handlers that act on the version on screen (`state.version_id`)."""
    bulk, seasons = _tab(state, RateBulkState), _tab(state, RateSeasonsState)
    _do(
        state,
        RateLinesState.add_line,
        {"season_id": season_id, "basis": "per_room", "occupancy": "double", "net": "10"},
    )
    seasons.season_edit_id = ""
    seasons.season_slots = [RangeSlot("2027-04-01", "2027-04-02")]
    _do(state, RateSeasonsState.save_season, {"name": "Extra"})
    _do(state, RateSeasonsState.save_bands, {"adult_min": "1", "adult_max": "2"})
    _do(state, RatePublishState.save_terms, {"terms": "0: 1 night", "currency": "USD"})
    bulk.bulk_scope, bulk.bulk_value, state._only_ids = "filter", "50", []
    state.filter_service = state.filter_season = "all"
    list(_do(state, RateBulkState.bulk_preview))
    bulk.bulk_ready = True
    bulk._bulk_key = bulk._bulk_settings()
    list(_do(state, RateBulkState.bulk_apply))
    _do(state, RatePublishState.new_draft)
    _tab(state, RatePublishState).publish_blocked = False
    list(_do(state, RatePublishState.publish))


def test_rate_list_handlers_refuse_another_agencys_ids(migrated_engine) -> None:
    email, mine = _owner_contract()
    _their_email, theirs = _owner_contract()
    with tenant_scope(theirs.ctx) as session:
        their_restriction = availability.add_restriction(
            session,
            theirs.ctx,
            data=RestrictionIn(
                supplier_id=theirs.supplier_id,
                kind="blackout",
                starts_on=date(2027, 12, 31),
                ends_on=date(2027, 12, 31),
            ),
        )
        restriction_id = str(their_restriction.id)
    before = _snapshot(theirs)
    token = _signed_in(email)

    # their list by its address: not found, nothing of it in the page's state
    peek = _state(RateListState, token, "/rates/[id]", {"id": str(theirs.rate_list_id)})
    _do(peek, RateListState.load)
    assert peek.loaded and peek.allowed and not peek.found
    assert peek.versions == [] and peek.grid == [] and peek.list_name == ""

    # my list open; their ids in every handler
    state = _state(RateListState, token, "/rates/[id]", {"id": str(mine.rate_list_id)})
    _do(state, RateListState.load)
    lines = _tab(state, RateLinesState)
    publish = _tab(state, RatePublishState)
    seasons = _tab(state, RateSeasonsState)
    assert state.found and state.editable and len(state.row_ids) == 14
    mine_before = _snapshot(mine)
    _do(state, RateListState.select_version, str(theirs.version_id))
    _do(state, RatePublishState.compare_with, str(theirs.version_id))
    assert state.version_id == str(mine.version_id) and not publish.diff_open
    _do(state, RateSeasonsState.open_season, str(theirs.peak_id))
    assert seasons.season_edit_id == ""  # not one of this version's seasons
    _do(state, RateSeasonsState.ask_delete_season, str(theirs.peak_id))
    assert seasons.delete_season_id == ""  # nothing to ask about
    _id_edits(
        state,
        line_ids=[str(_their_line(theirs).id)],
        season_id=str(theirs.peak_id),
        restriction_id=restriction_id,
    )
    assert _snapshot(theirs) == before
    assert lines.cell_error == "Row 1, Net: Rate line not found."
    after = _snapshot(mine)  # (delete_lines counts an edit of my draft even with 0 lines)
    assert {k: v for k, v in after.items() if k != "versions"} == {
        k: v for k, v in mine_before.items() if k != "versions"
    }
    # ... and a page state pointed at their version (it never is: no handler sets it so)
    state.version_id = str(theirs.version_id)
    _version_edits(state, season_id=str(theirs.peak_id))
    _do(state, RateListState.reload)
    _do(state, RatePublishState.open_publish)
    assert _snapshot(theirs) == before
    assert publish.issues == []
    assert _snapshot(mine)["lines"] == mine_before["lines"]

    # the list page: their supplier is not one to make a list for
    lists = _state(RateListsState, token, "/rates")
    plain(RateListsState.load)(lists)
    assert [r.name for r in lists.rows] == ["Sea Breeze 2027-28"]
    plain(RateListsState.create)(
        lists,
        {
            "supplier_id": str(theirs.supplier_id),
            "name": "Stolen contract",
            "currency": "INR",
            "valid_from": "2027-04-01",
            "valid_to": "2028-03-31",
        },
    )
    assert _snapshot(theirs) == before
    assert _snapshot(mine)["lists"] == 1


def test_an_agent_reads_rate_lists_but_no_handler_changes_them(migrated_engine) -> None:
    agency = _verified()
    owner = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    contract = make_contract(owner, publish=False)
    with tenant_scope(owner) as session:
        restriction = availability.add_restriction(
            session,
            owner,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                kind="stop_sale",
                starts_on=date(2027, 12, 24),
                ends_on=date(2027, 12, 25),
            ),
        )
        restriction_id = str(restriction.id)
    agent_email = f"agent.{agency.tenant.slug}@example.com"
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=agency.tenant.id,
            email=agent_email,
            name="Agent",
            password=PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
    before = _snapshot(contract)
    token = _signed_in(agent_email)
    state = _state(RateListState, token, "/rates/[id]", {"id": str(contract.rate_list_id)})
    _do(state, RateListState.load)
    lines = _tab(state, RateLinesState)
    price = _tab(state, RatePriceCheckState)
    restrictions = _tab(state, RateRestrictionsState)
    assert state.found and state.allowed
    assert (state.can_edit, state.can_publish, state.editable) == (False, False, False)
    assert all(not column["editable"] for column in state.columns)
    line_ids = list(state.row_ids)
    for believes_it_may_edit in (False, True):
        # even a page state that believed it could edit gets a refusal from the services
        state.editable = state.can_publish = believes_it_may_edit
        _id_edits(
            state,
            line_ids=line_ids,
            season_id=str(contract.peak_id),
            restriction_id=restriction_id,
        )
        _version_edits(state, season_id=str(contract.peak_id))
    assert lines.cell_error == "Row 1, Net: Your role (agent) does not allow rates.edit."
    _do(
        state,
        RateRestrictionsState.add_restriction,
        {"kind": "blackout", "starts_on": "2027-06-01", "ends_on": "2027-06-02"},
    )
    restrictions.cal_service = str(contract.room_id)
    _do(
        state,
        RateRestrictionsState.set_allotment,
        {"starts_on": "2027-06-01", "ends_on": "2027-06-30", "units": "5"},
    )
    assert _snapshot(contract) == before
    with tenant_scope(owner) as session:
        assert (
            availability.list_allotments(
                session, owner, service_id=contract.room_id, month=date(2027, 6, 1)
            )
            == []
        )
    # reading is allowed: the price check answers (nothing is published, so in words why)
    _do(
        state,
        RatePriceCheckState.check_price,
        {"service_id": str(contract.room_id), "check_in": "2027-05-01", "nights": "2"},
    )
    assert price.quote_reason == "No published rate list"
    lists = _state(RateListsState, token, "/rates")
    plain(RateListsState.load)(lists)
    assert lists.allowed and not lists.can_edit and len(lists.rows) == 1
    plain(RateListsState.set_create_open)(lists, True)
    assert not lists.create_open
    plain(RateListsState.create)(
        lists,
        {
            "supplier_id": str(contract.supplier_id),
            "name": "Agent's own list",
            "currency": "INR",
            "valid_from": "2027-04-01",
            "valid_to": "2028-03-31",
        },
    )
    assert _snapshot(contract)["lists"] == 1


# ---- the owner's grid, against the run's database ---------------------------------------


def _open(email: str, contract: Contract) -> Any:
    state = _state(
        RateListState, _signed_in(email), "/rates/[id]", {"id": str(contract.rate_list_id)}
    )
    _do(state, RateListState.load)
    assert state.found
    return state


def _column(field: str) -> int:
    return 1 + [name for name, *_rest in GRID_COLUMNS].index(field)


def _type(state: Any, field: str, row: int, text: str) -> None:
    _do(state, RateLinesState.edit_cell, (_column(field), row), {"kind": "text", "data": text})


def _line(contract: Contract, line_id: str) -> RateLine:
    with tenant_scope(contract.ctx) as session:
        return session.exec(select(RateLine).where(col(RateLine.id) == uuid.UUID(line_id))).one()


def test_the_grid_reads_price_words_like_the_import(migrated_engine) -> None:
    email, contract = _owner_contract()
    state = _open(email, contract)
    lines = _tab(state, RateLinesState)
    first = state.row_ids[0]
    _type(state, "net", 0, "FOC")
    assert lines.cell_error == "" and _line(contract, first).net == 0
    assert state.grid[0][_column("net")] == "0.00"
    _type(state, "net", 0, "on request")
    assert lines.cell_error == (
        "Row 1, Net: 'on request' is not a price (no price for this cell): this cell needs a "
        "price, or delete the line."
    )
    _type(state, "net", 0, "call us")
    assert lines.cell_error.startswith("Row 1, Net: 'call us' is not a price (write an amount")
    assert _line(contract, first).net == 0


def test_the_grid_saves_refuses_and_undoes_cell_by_cell(migrated_engine) -> None:
    email, contract = _owner_contract()
    state = _open(email, contract)
    lines = _tab(state, RateLinesState)
    first = state.row_ids[0]  # the lean double room: 6,000 net, 20% markup
    assert state.range_text == "1-14 of 14"
    assert state.grid[0][_column("net")] == "6,000.00"
    assert state.columns[_column("net")]["title"] == "Net INR"

    _type(state, "net", 0, "-5")
    assert lines.cell_error == "Row 1, Net: cannot be negative."
    assert state.grid[0][_column("net")] == "6,000.00" and _line(contract, first).net == 6000

    _type(state, "net", 0, "6,500")
    assert lines.cell_error == "" and _line(contract, first).net == Decimal("6500")
    assert state.grid[0][_column("effective_sell")] == "7,800.00"
    assert lines.undo_label == "Row 1, Net: 6,000.00 → 6,500.00"
    _do(state, RateLinesState.undo)
    assert _line(contract, first).net == Decimal("6000") and lines.undo_label == ""

    _type(state, "pax", 0, "5-2")
    assert lines.cell_error == "Row 1, Pax: '5-2' is not a pax range (5 is more than 2)."
    _type(state, "weekdays", 0, "Sat, Sun")
    assert _line(contract, first).weekdays == 0b1100000
    _type(state, "occupancy", 0, "penthouse")
    assert lines.cell_error.startswith("Row 1, Occupancy: “penthouse” is not one of: any")

    # someone else saves first: the page says so and writes nothing over it
    with tenant_scope(contract.ctx) as session:
        rate_lines.update_line(
            session,
            contract.ctx,
            line_id=uuid.UUID(first),
            data=LinePatch(row_version=contract.lock(), net=Decimal("7100")),
        )
    _type(state, "net", 0, "6,900")
    assert state.stale and "changed by someone else" in lines.cell_error
    assert state.stale_message == STALE_WORDS  # no internal edit numbers
    assert _line(contract, first).net == Decimal("7100")
    _do(state, RateListState.reload)
    assert not state.stale and state.grid[0][_column("net")] == "7,100.00"
    _type(state, "net", 0, "6,900")
    assert _line(contract, first).net == Decimal("6900")


def test_coverage_filters_the_grid_and_bulk_changes_every_service(migrated_engine) -> None:
    email, contract = _owner_contract()
    state = _open(email, contract)
    publish = _tab(state, RatePublishState)
    bulk = _tab(state, RateBulkState)
    _type(state, "sell", 2, "1,000")  # the extra bed sells below its 1,500 net
    _do(state, RatePublishState.open_publish)
    assert publish.publish_open and publish.publish_blocked
    below = next(i for i, issue in enumerate(publish.issues) if issue.line_count == 1)
    assert publish.issues[below].severity == "error"
    _do(state, RatePublishState.show_issue, below)
    assert state.tab == "lines" and state.range_text == "1-1 of 1"
    assert state.only_label.startswith("1 line: 1 line(s) sell below their net price")
    list(_do(state, RatePublishState.publish))  # refused while the check finds errors
    assert _snapshot(contract)["versions"][0][1] == "draft"

    _do(state, RateLinesState.clear_filters)
    _type(state, "sell", 2, "")  # sells at net + nothing: no longer below
    _do(state, RateBulkState.set_bulk_open, True)
    _do(state, RateBulkState.set_bulk, "bulk_value", "10")
    _do(state, RateBulkState.set_bulk, "bulk_round", "10")
    list(_do(state, RateBulkState.bulk_preview))
    assert bulk.bulk_ready and bulk.bulk_count == 14 and bulk.bulk_error == ""
    assert (bulk.bulk_rows[0].old, bulk.bulk_rows[0].new) == ("6,000.00", "6,600.00")
    _do(state, RateBulkState.set_bulk, "bulk_value", "12")  # changed since the preview
    list(_do(state, RateBulkState.bulk_apply))
    assert bulk.bulk_error.startswith("Preview the change first")
    _do(state, RateBulkState.set_bulk, "bulk_value", "10")
    list(_do(state, RateBulkState.bulk_preview))
    list(_do(state, RateBulkState.bulk_apply))
    assert not bulk.bulk_open
    nets = [line[1] for line in _snapshot(contract)["lines"]]
    rooms = ["6600", "5500", "9900", "8800"]  # +10%, rounded to 10
    beds_and_cruises = ["1650", "2200", "1980", "1100", "990"] * 2
    assert sorted(nets) == sorted(Decimal(n) for n in rooms + beds_and_cruises)
    _do(state, RatePublishState.open_publish)
    assert not publish.publish_blocked
    asked = [n for n, issue in enumerate(publish.issues) if issue.severity == "confirm"]
    assert asked and publish.to_confirm == len(asked)
    for number in asked[:-1]:
        _do(state, RatePublishState.confirm_issue, number, True)
    list(_do(state, RatePublishState.publish))  # one gap not confirmed: nothing happens
    assert state.status == "draft" and publish.to_confirm == 1
    _do(state, RatePublishState.confirm_issue, asked[-1], True)
    _do(state, RatePublishState.confirm_issue, asked[0], False)  # taken back
    assert publish.to_confirm == 1
    _do(state, RatePublishState.confirm_issue, asked[0], True)
    assert publish.to_confirm == 0
    list(_do(state, RatePublishState.publish))
    assert state.status == "published" and not state.editable
    assert all(not column["editable"] for column in state.columns)


def test_empty_controls_say_required_not_the_schema_s_words(migrated_engine) -> None:
    assert blank_fields({"a": " ", "b": "x"}, ["a", "b", "c"]) == {
        "a": "Required.",
        "c": "Required.",
    }
    email, contract = _owner_contract()
    token = _signed_in(email)
    lists = _state(RateListsState, token, "/rates")
    plain(RateListsState.load)(lists)
    plain(RateListsState.create)(lists, {"currency": "INR", "terms": "30: free"})
    assert {k: lists.create_errors[k] for k in ("supplier_id", "name", "valid_from")} == {
        "supplier_id": "Required.",
        "name": "Required.",
        "valid_from": "Required.",
    }
    state = _open(email, contract)
    seasons = _tab(state, RateSeasonsState)
    price = _tab(state, RatePriceCheckState)
    _do(state, RatePriceCheckState.check_price, {"nights": "2"})
    assert price.quote_errors["service_id"] == "Required."
    _do(state, RateSeasonsState.open_season, "")
    _do(state, RateSeasonsState.add_range)
    _do(state, RateSeasonsState.set_range, 1, "starts_on", "2027-07-01")
    _do(state, RateSeasonsState.save_season, {"name": ""})
    assert seasons.season_errors["name"] == "Required."
    assert [slot.error for slot in seasons.season_slots] == ["Both dates are required."] * 2


def test_a_form_shows_every_field_s_problem_at_once(migrated_engine) -> None:
    email, contract = _owner_contract()
    token = _signed_in(email)
    lists = _state(RateListsState, token, "/rates")
    plain(RateListsState.load)(lists)
    plain(RateListsState.create)(lists, {"currency": "INR", "terms": "a month before: nothing"})
    assert lists.create_errors["terms"].endswith("write it as “30: 0%” or “7: 1 night”")
    assert lists.create_errors["name"] == "Required."  # not only the terms box
    state = _open(email, contract)
    lines, publish = _tab(state, RateLinesState), _tab(state, RatePublishState)
    _do(state, RateLinesState.set_add_open, True)
    _do(state, RateLinesState.add_line, {"net": "x1", "pax_min": "many", "basis": "per_room"})
    assert {"net", "pax_min", "service_id", "season_id"} <= lines.add_errors.keys()
    assert lines.add_errors["service_id"] == "Required." and lines.add_notice == ""
    _do(state, RatePublishState.set_terms_open, True)
    _do(
        state,
        RatePublishState.save_terms,
        {"terms": "a month before: nothing", "no_show": "lots", "valid_from": "2027-04-01"},
    )
    assert {"terms", "no_show_charge_pct"} <= publish.terms_errors.keys()
    assert publish.terms_open  # nothing saved: the dialog stays with its messages
    restrictions = _tab(state, RateRestrictionsState)
    _do(state, RateRestrictionsState.add_restriction, {"kind": "blackout", "reason": "Gala"})
    assert restrictions.restriction_errors == {"starts_on": "Required.", "ends_on": "Required."}
    assert _snapshot(contract)["restrictions"] == []


def test_a_season_gets_several_date_ranges_and_each_range_its_own_error(migrated_engine) -> None:
    email, contract = _owner_contract()
    state = _open(email, contract)
    seasons = _tab(state, RateSeasonsState)
    lean = next(row for row in state.seasons if row.name == "Lean")
    assert lean.dates == f"1 Apr 2027 {DASH} 30 Sept 2027" and lean.nights == 183
    _do(state, RateSeasonsState.ask_delete_season, lean.season_id)
    assert (seasons.delete_season_id, seasons.delete_season_name) == (lean.season_id, "Lean")
    _do(state, RateSeasonsState.set_delete_season_open, False)  # "Cancel"
    assert seasons.delete_season_id == ""
    _do(state, RateSeasonsState.open_season, lean.season_id)
    assert [(s.starts_on, s.ends_on) for s in seasons.season_slots] == [
        ("2027-04-01", "2027-09-30")
    ]
    _do(state, RateSeasonsState.set_range, 0, "ends_on", "2027-06-30")
    _do(state, RateSeasonsState.add_range)
    _do(state, RateSeasonsState.set_range, 1, "starts_on", "2027-09-01")
    _do(state, RateSeasonsState.set_range, 1, "ends_on", "2027-10-10")  # into Peak
    _do(state, RateSeasonsState.add_range)
    _do(state, RateSeasonsState.set_range, 2, "starts_on", "2027-08-10")
    _do(state, RateSeasonsState.set_range, 2, "ends_on", "2027-08-01")  # reversed
    _do(state, RateSeasonsState.save_season, {"name": "Lean"})
    assert seasons.season_open
    assert [s.error for s in seasons.season_slots] == [
        "",
        "Overlaps Peak (1 Oct 2027 to 31 Mar 2028).",
        "Before the start.",
    ]
    _do(state, RateSeasonsState.remove_range, 2)
    _do(state, RateSeasonsState.set_range, 1, "ends_on", "2027-09-30")
    assert [s.error for s in seasons.season_slots] == ["", ""]
    _do(state, RateSeasonsState.save_season, {"name": "Lean"})
    assert not seasons.season_open
    lean = next(row for row in state.seasons if row.name == "Lean")
    assert lean.dates == f"1 Apr 2027 {DASH} 30 Jun 2027, 1 Sept 2027 {DASH} 30 Sept 2027"
    assert lean.nights == 91 + 30


# ---- the price check: which list priced it, and a child it cannot price ---------------------


def test_the_price_check_names_the_list_that_priced_it_and_refuses_an_unpriced_child(
    migrated_engine, frozen_clock
) -> None:
    email, contract = _owner_contract(publish=True)  # "Sea Breeze 2027-28", all markets
    ctx = contract.ctx
    frozen_clock.advance(timedelta(hours=8))  # 20:00 UTC: already 2 March in Kolkata

    def room_at(net: int):
        return lambda seasons: [
            line_in(
                contract.room_id,
                seasons["All year"],
                "per_room",
                occupancy="double",
                net=Decimal(net),
            )
        ]

    inbound = make_list(
        ctx,
        contract.supplier_id,
        name="Taj Inbound 2027",
        market=Market.INBOUND,
        lines=room_at(7000),
    )
    domestic = make_list(  # a draft: it prices nothing yet
        ctx,
        contract.supplier_id,
        name="Domestic 2027",
        market=Market.DOMESTIC,
        lines=room_at(5000),
        publish=False,
    )
    ask = {"service_id": str(contract.room_id), "check_in": "2027-05-01", "nights": "2"}

    def check(rate_list_id: uuid.UUID, **form: str) -> Any:
        state = _state(RateListState, _signed_in(email), "/rates/[id]", {"id": str(rate_list_id)})
        _do(state, RateListState.load)
        _do(state, RatePriceCheckState.check_price, ask | form)
        return _tab(state, RatePriceCheckState)

    # on the inbound list's page the inbound list prices it, though the other is also on sale
    state = check(inbound.rate_list_id, adults="2")
    assert (state.quote_error, state.quote_total_net) == ("", "₹14,000.00")
    assert state.quote_source == (
        "Priced from 'Taj Inbound 2027' (inbound market), published 2 Mar 2027."
    )
    # a domestic buyer has no published list of their own: the all-markets list prices it
    state = check(domestic.rate_list_id, adults="2")
    assert state.quote_total_net == "₹12,000.00"
    assert state.quote_source == (
        "Priced from 'Sea Breeze 2027-28' (all markets), published 1 Mar 2027."
    )
    assert state.quote_note.startswith("Cancellation: ")
    # a 5-year-old sharing the bed: the room has no price for them, so the check says so
    state = check(contract.rate_list_id, adults="2", child_ages="5")
    assert state.quote_rows == [] and state.quote_total_net == "" and state.quote_source == ""
    assert state.quote_reason == "Child age not priced"
    assert state.quote_error == "No price for a child of 5 without a bed in Lean."
    # with the bed asked for an 8-year-old, the extra bed is priced
    state = check(contract.rate_list_id, adults="2", child_ages="8", children_with_bed="1")
    assert (state.quote_error, state.quote_total_net) == ("", "₹15,000.00")


def test_a_car_s_seats_are_edited_in_the_grid_and_the_price_check_shows_its_parts(
    migrated_engine, frozen_clock
) -> None:
    email, contract = _owner_contract()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        car = SupplierService(
            tenant_id=ctx.tenant_id,
            supplier_id=contract.supplier_id,
            kind="vehicle",
            name="Innova",
            max_occupancy=6,
        )
        session.add(car)
        session.flush()
        car_id = car.id
        rate_lines.add_lines(
            session,
            ctx,
            version_id=contract.version_id,
            row_version=contract.lock(),
            lines=[
                line_in(car_id, season, "per_km", net=Decimal(18))
                for season in (contract.lean_id, contract.peak_id)
            ]
            + [
                line_in(
                    car_id, season, "per_vehicle", supplement="Driver allowance", net=Decimal(400)
                )
                for season in (contract.lean_id, contract.peak_id)
            ],
        )
    state = _open(email, contract)
    lines = _tab(state, RateLinesState)
    _do(state, RateLinesState.filter_by_service, str(car_id))
    assert state.range_text == "1-4 of 4"
    assert state.grid[0][_column("basis")] == "Per vehicle per km"
    assert state.grid[2][_column("supplement")] == "Driver allowance"
    assert state.grid[0][_column("capacity")] == ""  # the service's 6 seats

    _type(state, "capacity", 0, "4")
    assert lines.cell_error == ""
    assert _line(contract, state.row_ids[0]).capacity == 4
    assert lines.undo_label == "Row 1, Seats: empty → 4"
    _do(state, RateLinesState.undo)
    assert _line(contract, state.row_ids[0]).capacity is None
    _type(state, "capacity", 1, "7")
    _type(state, "basis", 1, "per group")  # a group has no seats: refused, line unchanged
    assert lines.cell_error == (
        "Row 2, Basis: seats apply to prices per vehicle (per day, km, hour or transfer)."
    )
    assert _line(contract, state.row_ids[1]).basis == "per_km"

    # published, the price check asks a vehicle's distance and names each part
    with tenant_scope(ctx) as session:
        gaps = rates.coverage(session, ctx, version_id=contract.version_id)
        rates.publish(
            session,
            ctx,
            version_id=contract.version_id,
            row_version=contract.lock(),
            acknowledged=[i.key for i in gaps if i.severity == "confirm"],
        )
    state = _open(email, contract)
    price = _tab(state, RatePriceCheckState)
    assert not price.pc_vehicle
    _do(state, RatePriceCheckState.set_pc_service, str(car_id))
    assert price.pc_vehicle
    ask = {"service_id": str(car_id), "check_in": "2027-05-01", "adults": "7"}
    _do(state, RatePriceCheckState.check_price, ask)
    assert price.quote_reason == "Distance or hours needed"
    assert price.quote_error == "A price per km needs the distance of the day."
    _do(state, RatePriceCheckState.check_price, ask | {"km": "300", "basis": "any"})
    assert price.quote_total_net == "₹11,600.00"  # 2 cars x 300 km x 18 + 2 x 400
    assert price.quote_rows[0].parts == (
        "Innova, 300 km \u00d7 ₹18.00 \u00d7 2 vehicles + "
        "Driver allowance, ₹400.00 \u00d7 2 vehicles"
    )


# ---- every edit saves or says why (issue 21, item 6) ----------------------------------------


def _typed(state: Any, field: str, row: int, text: str, shown: list[str]) -> None:
    """A cell typed in a grid that showed the lines `shown` (the page sends them)."""
    cell = {"kind": "text", "data": text}
    _do(state, RateLinesState.edit_cell, (_column(field), row), cell, shown)


def test_an_edit_typed_before_a_filter_changed_the_grid_goes_to_its_own_line(
    migrated_engine,
) -> None:
    email, contract = _owner_contract()
    state = _open(email, contract)
    lines = _tab(state, RateLinesState)
    shown = list(state.row_ids)
    target = shown[1]  # the second line of the unfiltered grid
    peak = next(o.value for o in state.season_options if o.label == "Peak")
    _do(state, RateLinesState.filter_by_season, peak)  # the grid changes first
    assert state.row_ids[1] != target
    _typed(state, "net", 1, "4,321", shown)
    assert _line(contract, target).net == Decimal("4321")
    others = [line for line in _snapshot(contract)["lines"] if line[0] != target]
    assert Decimal("4321") not in {line[1] for line in others}
    assert lines.cell_error == ""
    assert lines.cell_notice.startswith("Saved — Deluxe Sea View (CP) · Lean")
    assert lines.cell_notice.endswith("Net: 4,321.00")
    _typed(state, "net", 1, "-1", shown)
    assert lines.cell_error == "Row 2 as typed (no longer shown here), Net: cannot be negative."
    assert _line(contract, target).net == Decimal("4321")


def test_an_edit_on_a_row_the_grid_no_longer_has_says_so(migrated_engine) -> None:
    email, contract = _owner_contract()
    state = _open(email, contract)
    lines = _tab(state, RateLinesState)
    before = _snapshot(contract)["lines"]
    _typed(state, "net", 40, "100", list(state.row_ids))
    assert lines.cell_error == "Row 41: not saved, the grid changed; type it again."
    _do(state, RateLinesState.edit_cell, ("x", 0), {"kind": "text", "data": "1"})
    assert lines.cell_error.startswith("An edit could not be read: type it again.")
    assert _snapshot(contract)["lines"] == before


def test_a_refused_edit_stays_named_until_its_cell_is_saved(migrated_engine) -> None:
    email, contract = _owner_contract()
    state = _open(email, contract)
    lines = _tab(state, RateLinesState)
    _type(state, "net", 0, "-5")
    _type(state, "net", 1, "9,100")  # another cell saved: the refusal still shows
    assert lines.cell_notice.startswith("Saved — Row 2, Net:")
    assert lines.cell_error == "Row 1, Net: cannot be negative."
    _type(state, "pax", 2, "5-2")
    assert lines.cell_error.startswith("Row 3, Pax: '5-2' is not a pax range")
    assert lines.cell_error.endswith("Row 1, Net: cannot be negative.")
    _type(state, "net", 0, "6,100")  # the refused cell saved: its refusal goes
    assert "Row 1" not in lines.cell_error and "Row 3, Pax" in lines.cell_error
    _do(state, RateLinesState.dismiss_refusals)
    assert lines.cell_error == ""


def test_an_edit_in_a_read_only_version_says_why(migrated_engine) -> None:
    agency = _verified()
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    contract = make_contract(ctx, publish=True)
    state = _open(agency.user.email, contract)
    lines = _tab(state, RateLinesState)
    before = _snapshot(contract)["lines"]
    _type(state, "net", 0, "1")
    assert lines.cell_error == "Row 1, Net: not saved, this version is read-only."
    assert _snapshot(contract)["lines"] == before


def test_names_columns_fit_the_longest_name() -> None:
    long_name = "Deluxe Ocean Facing Room with Balcony (MAP)"
    columns = grid_columns(True, "INR", {"service": ["Lodge", long_name], "season": ["Lean"]})
    widths = {c["id"]: c["width"] for c in columns}
    assert widths["service"] == text_width(long_name) > 144
    assert widths["season"] == 76  # short names keep the column's own width
    huge = grid_columns(True, "INR", {"service": ["x" * 200]})
    assert huge[1]["width"] == NAME_COLUMN_MOST
    assert text_width("Deluxe Sea View (CP)") > text_width("Deluxe Sea View")


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("valid_from: leaves a season outside", "valid from: leaves a season outside"),
        (
            "ends_on is before starts_on (2027-04-01)",
            f"the last day is before the first day ({format_date(date(2027, 4, 1))})",
        ),
        ("Rate line 0b6f8a9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b not found", "Rate line not found"),
        ("supplier 01a24ef8 is archived", "supplier is archived"),
        ("is required for the agent_group market", "is required for the agent group market"),
        ("12345678 nights", "12345678 nights"),
    ],
)
def test_services_messages_in_the_pages_words(said: str, shown: str) -> None:
    assert service_words(said) == shown


def test_a_services_error_keeps_its_fields_and_loses_their_names() -> None:
    exc = in_words(
        ValidationFailedError(
            "age_max: below age_min.", errors=[FieldError("age_max", "below age_min")]
        )
    )
    assert exc.detail == "the highest age: below the lowest age."
    assert exc.errors == [FieldError("age_max", "below the lowest age")]


def test_the_calendars_month_in_words() -> None:
    assert month_title(date(2027, 12, 1)) == "December 2027"


def test_the_pages_show_services_messages_in_their_words(migrated_engine) -> None:
    email, _contract = _owner_contract()
    lists = _state(RateListsState, _signed_in(email), "/rates")
    plain(RateListsState.load)(lists)

    def work(session: Any, ctx: Any) -> None:
        rates.check_dates(
            date(2028, 3, 31), date(2027, 4, 1), start_field="valid_from", end_field="valid_to"
        )

    found, problem = lists._run(work, errors="create_errors")
    assert found is None and problem is None  # every message at its field
    assert lists.create_errors == {
        "valid_to": f"Is before valid from ({format_date(date(2028, 3, 31))})"
    }


def test_currencies_are_chosen_by_name() -> None:
    options = dict(currency_options(date(2027, 1, 1)))
    assert options["INR"] == "Indian Rupee (INR)" and options["AED"].startswith("United Arab")
    assert "ADP" not in options  # the Andorran peseta is no longer in use
    labels = list(options.values())
    assert labels == sorted(labels)

"""Rate list page state: one list, its versions, and everything done to a version — seasons,
age bands, the lines grid (paged, filtered, edited cell by cell with undo), bulk changes with a
preview, the coverage check and publishing, the diff between versions, restrictions and the
allotment calendar of the supplier, and a price check.

Every handler identifies the viewer again and calls the rates services inside the viewer's
agency scope, so ids from another agency are simply not found. Edits name the version's
`row_version` this page read: someone else's change in between is shown, never overwritten.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.clock import to_local, today
from travelcrm.core.errors import DomainError, ValidationFailedError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.rates import availability, pricing
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import rules as rate_rules
from travelcrm.rates import services as rates
from travelcrm.rates.models import (
    BASIS_WORDS,
    AgeBandKind,
    Market,
    Occupancy,
    PricingBasis,
    RateLine,
    RateListVersion,
    RestrictionKind,
    VersionStatus,
)
from travelcrm.rates.schemas import (
    MAX_SEASON_RANGES,
    AgeBandIn,
    AllotmentIn,
    BulkChange,
    LineIn,
    LinePatch,
    PriceQuery,
    RestrictionIn,
    SeasonIn,
    VersionUpdate,
)
from travelcrm.ratesheets import export
from travelcrm.suppliers.models import ServiceKind, SupplierService
from travelcrm.ui import routes
from travelcrm.ui.components.grid import sheet_height
from travelcrm.ui.components.money import format_amount, format_date, format_money, format_range
from travelcrm.ui.errors import form_errors
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage
from travelcrm.ui.pages.rates.list_state import Option
from travelcrm.ui.pages.rates.text import (
    GRID_COLUMNS,
    NO_PRICE_REASONS,
    CellError,
    blank_fields,
    cell_patch,
    cell_text,
    choice_words,
    line_values,
    market_label,
    month_weeks,
    parse_cell,
    parse_tiers,
    part_text,
    priced_from,
    schema_message,
    shift_month,
    tiers_lines,
    tiers_text,
    values_text,
    words,
)

logger = logging.getLogger("travelcrm.ui.rates")

PER_PAGE = 100
PREVIEW_ROWS = 200
ALL = "all"  # the filters' "everything" (a select's value cannot be empty)
EDITABLE_FIELDS = [name for name, _t, _w, editable in GRID_COLUMNS if editable]

T = TypeVar("T")


@dataclass
class SeasonRow:
    season_id: str
    name: str
    dates: str  # "1 Oct 2027 - 19 Dec 2027, 6 Jan 2028 - 31 Mar 2028"
    starts_on: str  # ISO, for the edit form
    ends_on: str
    nights: int


@dataclass
class RangeSlot:
    """One date range of the season being edited (ISO dates from the date inputs)."""

    starts_on: str = ""
    ends_on: str = ""
    error: str = ""


@dataclass
class BandRow:
    kind: str
    label: str
    age_min: str
    age_max: str


@dataclass
class IssueRow:
    severity: str  # error (blocks) | confirm (blocks until ticked) | warning
    message: str
    service_id: str
    season_id: str
    line_count: int
    can_show: bool
    key: str = ""  # what the publish names when the operator confirms this gap
    confirmed: bool = False


@dataclass
class DiffLine:
    change: str  # added | removed | changed
    key: str
    old_net: str
    new_net: str
    old_sell: str
    new_sell: str
    old_dates: str = ""  # a season's dates (its row has no prices)
    new_dates: str = ""


@dataclass
class BulkLine:
    label: str
    old: str
    new: str
    delta: str
    up: bool


@dataclass
class RestrictionRow:
    restriction_id: str
    kind: str
    kind_label: str
    service: str
    dates: str
    reason: str


@dataclass
class DayCell:
    iso: str
    day: str
    in_month: bool
    units: str  # "" when no allotment
    used: str
    left: str
    tone: str  # "" | blackout | stop_sale
    note: str


@dataclass
class NightRow:
    night: str
    net: str
    sell: str
    parts: str = ""  # "Innova, 300 km x ₹18.00 x 2 vehicles + Driver allowance, ..."


def service_label(service: SupplierService) -> str:
    return f"{service.name} ({service.meal_plan})" if service.meal_plan else service.name


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def sentence(text: str) -> str:
    """ "enter a value" -> "Enter a value." """
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def refusal(where: str, reason: str) -> str:
    """ "Row 3, Net: cannot be negative." (one full stop, whatever the reason ends with)."""
    return f"{where}: {reason.strip().rstrip('.')}."


def range_label(page: int, per_page: int, total: int) -> str:
    """ "1-100 of 20,000" ("No lines" when there are none)."""
    if total == 0:
        return "No lines"
    first = (page - 1) * per_page + 1
    return f"{first:,}-{min(page * per_page, total):,} of {total:,}"


def field_message(exc: Exception, field: str) -> str:
    """The reason a cell was refused: the edited field's message, else the first one."""
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        mine = [e for e in errors if field in [str(p) for p in e.get("loc", ())]]
        return schema_message((mine or errors)[0])
    if isinstance(exc, DomainError):
        named = [e for e in exc.errors if e.field == field] or exc.errors
        return named[0].message if named else exc.detail
    return str(exc)


def line_label(line: RateLine, services: dict[str, str], seasons: dict[str, str]) -> str:
    what = (
        words(line.occupancy)
        if line.occupancy != Occupancy.ANY.value
        else choice_words("basis", line.basis)
    )
    return (
        f"{services.get(str(line.service_id), '?')} · {seasons.get(str(line.season_id), '?')} · "
        + (f"{line.supplement} · " if line.supplement else "")
        + f"{what} · {words(line.age_band)} · {line.pax_min}-{line.pax_max} pax"
    )


PICK_WIDTH = 36  # the tick column in front of the line's cells


MONEY_COLUMNS = {"net", "sell", "effective_sell"}


def grid_columns(editable: bool, currency: str = "") -> list[dict[str, Any]]:
    """Glide's columns: a tick box to pick lines (delete, bulk update), then the cells (the
    money columns name the currency: "Net INR")."""
    pick = {"title": "", "id": "pick", "type": "bool", "width": PICK_WIDTH, "editable": editable}
    return [pick] + [
        {
            "title": f"{title} {currency}" if name in MONEY_COLUMNS and currency else title,
            "id": name,
            "type": "str",
            "width": width,
            "editable": editable and can_edit,
        }
        for name, title, width, can_edit in GRID_COLUMNS
    ]


def _choices(values: list[str]) -> list[Option]:
    return [Option(v, words(v)) for v in values]


BASIS_OPTIONS = [Option(b.value, BASIS_WORDS[b.value]) for b in PricingBasis]
PC_ANY_BASIS = "any"  # the price check's "as the list sells it" (a select's value is not "")
OCCUPANCY_OPTIONS = _choices([o.value for o in Occupancy])
BAND_OPTIONS = _choices([a.value for a in AgeBandKind])
BAND_LABELS = {
    AgeBandKind.ADULT.value: "Adult",
    AgeBandKind.CHILD_WITH_BED.value: "Child with bed",
    AgeBandKind.CHILD_WITHOUT_BED.value: "Child without bed",
    AgeBandKind.INFANT.value: "Infant",
}


class RateListState(StaffPage, rx.State):
    # who and what
    loaded: bool = False
    allowed: bool = False
    found: bool = False
    role: str = ""
    can_edit: bool = False
    can_publish: bool = False
    list_name: str = ""
    supplier_name: str = ""
    market: str = ""
    # the version on screen
    versions: list[Option] = []
    version_id: str = ""
    version_number: int = 0
    status: str = ""
    currency: str = ""
    validity: str = ""
    terms: str = ""
    row_version: int = 0
    editable: bool = False  # a draft, and the role may edit
    draft_id: str = ""  # the list's draft, if any
    stale: bool = False
    stale_message: str = ""
    tab: str = "lines"
    # seasons and age bands
    seasons: list[SeasonRow] = []
    season_options: list[Option] = []
    season_open: bool = False
    season_edit_id: str = ""
    season_form: dict[str, str] = {}
    season_errors: dict[str, str] = {}
    season_slots: list[RangeSlot] = []
    bands: list[BandRow] = []
    band_errors: dict[str, str] = {}
    band_message: str = ""
    # the lines grid
    services: list[Option] = []
    columns: list[dict[str, Any]] = []
    grid: list[list[Any]] = []  # per line: picked?, then the cells' texts
    row_ids: list[str] = []
    filter_service: str = ALL
    filter_season: str = ALL
    only_label: str = ""  # "3 lines from the coverage check"
    page: int = 1
    pages: int = 1
    total: int = 0
    range_text: str = ""
    grid_height: str = "140px"
    selected_count: int = 0
    cell_error: str = ""
    cell_notice: str = ""
    undo_label: str = ""
    add_open: bool = False
    add_errors: dict[str, str] = {}
    add_notice: str = ""
    delete_open: bool = False
    # bulk update
    bulk_open: bool = False
    bulk_scope: str = "filter"
    bulk_field: str = "net"
    bulk_op: str = "percent"
    bulk_value: str = ""
    bulk_round: str = ""
    bulk_rows: list[BulkLine] = []
    bulk_count: int = 0
    bulk_ready: bool = False  # previewed with exactly these settings
    bulk_running: bool = False
    bulk_error: str = ""
    # header terms (drafts)
    terms_open: bool = False
    terms_form: dict[str, str] = {}
    terms_errors: dict[str, str] = {}
    # publishing
    publish_open: bool = False
    publish_checked: bool = False
    publish_blocked: bool = False
    publish_running: bool = False
    to_confirm: int = 0  # gaps still to tick before "Publish" is allowed
    issues: list[IssueRow] = []
    # diff
    diff_open: bool = False
    diff_title: str = ""
    diff_summary: str = ""
    diff_rows: list[DiffLine] = []
    # restrictions and allotments (the supplier's, whatever the version)
    restrictions: list[RestrictionRow] = []
    restriction_errors: dict[str, str] = {}
    cal_service: str = ""
    cal_month: str = ""
    cal_title: str = ""
    cal_weeks: list[list[DayCell]] = []
    allot_errors: dict[str, str] = {}
    # price check
    pc_service: str = ""
    pc_vehicle: bool = False  # the service checked is a vehicle: km, hours and transfers asked
    _vehicle_ids: list[str] = []
    quote_rows: list[NightRow] = []
    quote_total_net: str = ""
    quote_total_sell: str = ""
    quote_note: str = ""
    quote_source: str = ""  # which list priced it (a specific market's before all markets')
    quote_reason: str = ""
    quote_error: str = ""
    quote_errors: dict[str, str] = {}

    # backend only
    _list_id: str = ""
    import_url: str = ""
    _supplier_id: str = ""
    _market_value: str = ""
    _timezone: str = "UTC"  # the agency's: its "today" opens the allotment calendar
    _service_names: dict[str, str] = {}
    _season_names: dict[str, str] = {}
    _season_spans: dict[str, list[tuple[str, str]]] = {}
    _raw: list[dict[str, dict[str, Any]]] = []
    _picked: list[str] = []
    _only_ids: list[str] = []
    _undo: dict[str, Any] = {}
    _bulk_key: str = ""
    _issue_lines: list[list[str]] = []

    # ---- identity ---------------------------------------------------------------------------

    def _run(
        self,
        work: Callable[[Session, TenantContext], T],
        *,
        edit: bool = False,
        raise_invalid: bool = False,
    ) -> tuple[T | None, EventSpec | None]:
        """Run `work` in the viewer's agency scope: (result, None), or (None, what to show:
        the login redirect, a refusal, or the service's error as a toast). With
        `raise_invalid`, a `ValidationFailedError` reaches the caller (for field messages)."""
        viewer = self._viewer()
        if viewer is None:
            return None, self._signed_out()
        ctx = viewer.context
        if not can(ctx.role, Action.RATES_VIEW) or (edit and not can(ctx.role, Action.RATES_EDIT)):
            return None, rx.toast.error("Your role cannot change rate lists.")
        try:
            with tenant_scope(ctx) as session:
                return work(session, ctx), None
        except rates.VersionConflictError as exc:
            self.stale, self.stale_message = True, exc.detail
            return None, rx.toast.error("Changed by someone else — reload to see their changes.")
        except DomainError as exc:
            if raise_invalid and isinstance(exc, ValidationFailedError):
                raise
            return None, rx.toast.error(exc.detail)

    # ---- loading ----------------------------------------------------------------------------

    def _reset(self) -> None:
        self.found = False
        self.versions, self.seasons, self.bands, self.grid, self.row_ids = [], [], [], [], []
        self._raw, self._only_ids, self._undo = [], [], {}
        self.filter_service = self.filter_season = ALL
        self.only_label = ""
        self.page, self.tab = 1, "lines"
        self.stale, self.stale_message = False, ""
        self.cell_error = self.cell_notice = self.undo_label = ""
        self.diff_open = self.publish_open = self.bulk_open = self.add_open = False
        self.season_open = self.terms_open = self.delete_open = False
        self.quote_rows, self.quote_error, self.quote_reason, self.quote_note = [], "", "", ""
        self.quote_source = ""
        self.restrictions, self.cal_weeks = [], []

    @event
    def load(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        ctx = viewer.context
        self._reset()
        self._timezone = viewer.agency_timezone
        self.role = ctx.role.value
        self.allowed = can(ctx.role, Action.RATES_VIEW)
        self.can_edit = can(ctx.role, Action.RATES_EDIT)
        self.can_publish = can(ctx.role, Action.RATES_PUBLISH)
        list_id = _uuid(self._page_arg("id"))
        if self.allowed and list_id is not None:
            try:
                with tenant_scope(ctx) as session:
                    self._open_list(session, ctx, list_id)
            except DomainError:
                self.found = False
        self.loaded = True
        return None

    def _open_list(self, session: Session, ctx: TenantContext, list_id: uuid.UUID) -> None:
        rate_list = rates.get_rate_list(session, ctx, list_id)
        names = rates.supplier_names(session, ctx, [rate_list.supplier_id])
        self._list_id, self._supplier_id = str(rate_list.id), str(rate_list.supplier_id)
        self.import_url = routes.rate_import(rate_list.id)
        self.list_name = rate_list.name
        self.supplier_name = names.get(rate_list.supplier_id, "?")
        self.market = market_label(rate_list.market, rate_list.agent_group)
        self._market_value = rate_list.market
        services = rates.services_to_price(session, ctx, supplier_id=rate_list.supplier_id)
        self.services = [Option(str(s.id), service_label(s)) for s in services]
        self._service_names = {str(s.id): service_label(s) for s in services}
        self._vehicle_ids = [str(s.id) for s in services if s.kind == ServiceKind.VEHICLE.value]
        versions = rates.list_versions(session, ctx, rate_list.id)
        self._fill_versions(versions)
        self.found = True
        if versions:
            self._show_version(session, ctx, versions[0])
        self._fill_restrictions(session, ctx)
        now = today(self._timezone)
        first = versions[0].valid_from if versions else now
        self.cal_service = self.services[0].value if self.services else ""
        self._fill_calendar(session, ctx, max(first, now).replace(day=1))

    def _fill_versions(self, versions: list[RateListVersion]) -> None:
        self.versions = [Option(str(v.id), f"v{v.number} · {v.status}") for v in versions]
        draft = next((v for v in versions if v.status == VersionStatus.DRAFT.value), None)
        self.draft_id = str(draft.id) if draft else ""

    def _show_version(self, session: Session, ctx: TenantContext, version: RateListVersion) -> None:
        self.version_id, self.version_number = str(version.id), version.number
        self.status, self.currency = version.status, version.currency
        self.validity = format_range(version.valid_from, version.valid_to)
        self.terms = tiers_text(version.cancellation_tiers, version.no_show_charge_pct)
        self.terms_form = {
            "valid_from": version.valid_from.isoformat(),
            "valid_to": version.valid_to.isoformat(),
            "currency": version.currency,
            "terms": tiers_lines(version.cancellation_tiers),
            "no_show": (
                f"{version.no_show_charge_pct:f}".rstrip("0").rstrip(".")
                if version.no_show_charge_pct is not None
                else ""
            ),
        }
        self.row_version = version.row_version
        self.editable = version.status == VersionStatus.DRAFT.value and self.can_edit
        self.columns = grid_columns(self.editable, version.currency)
        self.stale, self.stale_message = False, ""
        self.cell_error = self.cell_notice = self.undo_label = ""
        self._undo = {}
        self._fill_seasons(session, ctx)
        self._fill_lines(session, ctx)

    def _fill_seasons(self, session: Session, ctx: TenantContext) -> None:
        version_id = uuid.UUID(self.version_id)
        seasons = rates.list_seasons(session, ctx, version_id)
        spans = rates.season_ranges(session, ctx, version_id)
        self.seasons = [
            SeasonRow(
                season_id=str(s.id),
                name=s.name,
                dates=", ".join(format_range(a, b) for a, b in spans.get(s.id, [])),
                starts_on=s.starts_on.isoformat(),
                ends_on=s.ends_on.isoformat(),
                nights=len(rates.season_days(spans.get(s.id, []))),
            )
            for s in seasons
        ]
        self._season_spans = {
            str(s.id): [(a.isoformat(), b.isoformat()) for a, b in spans.get(s.id, [])]
            for s in seasons
        }
        self.season_options = [Option(str(s.id), s.name) for s in seasons]
        self._season_names = {str(s.id): s.name for s in seasons}
        kinds = {b.kind: b for b in rates.list_age_bands(session, ctx, version_id)}
        self.bands = [
            BandRow(
                kind=kind.value,
                label=BAND_LABELS[kind.value],
                age_min=str(kinds[kind.value].age_min) if kind.value in kinds else "",
                age_max=str(kinds[kind.value].age_max) if kind.value in kinds else "",
            )
            for kind in AgeBandKind
        ]

    # ---- the grid -----------------------------------------------------------------------------

    def _fill_lines(self, session: Session, ctx: TenantContext) -> None:
        version_id = uuid.UUID(self.version_id)
        if self._only_ids:
            total = len(self._only_ids)
            pages = max(1, -(-total // PER_PAGE))
            page = max(1, min(self.page, pages))
            chunk = [uuid.UUID(i) for i in self._only_ids[(page - 1) * PER_PAGE : page * PER_PAGE]]
            lines = rate_lines.list_lines(
                session, ctx, version_id=version_id, line_ids=chunk, per_page=PER_PAGE
            ).lines
        else:
            found = rate_lines.list_lines(
                session,
                ctx,
                version_id=version_id,
                service_id=_uuid(self.filter_service),
                season_id=_uuid(self.filter_season),
                page=self.page,
                per_page=PER_PAGE,
            )
            lines, total, page, pages = found.lines, found.total, found.page, found.pages
        self.page, self.pages, self.total = page, pages, total
        self.range_text = range_label(page, PER_PAGE, total)
        self.grid = [self._cells(line) for line in lines]
        self.grid_height = sheet_height(len(lines))
        self.row_ids = [str(line.id) for line in lines]
        self._raw = [self._raw_values(line) for line in lines]
        self._clear_selection()

    def _cells(self, line: RateLine) -> list[Any]:
        values: list[Any] = [str(line.id) in self._picked]
        for name, _title, _w, _e in GRID_COLUMNS:
            if name == "service":
                values.append(self._service_names.get(str(line.service_id), "?"))
            elif name == "season":
                values.append(self._season_names.get(str(line.season_id), "?"))
            elif name == "effective_sell":
                values.append(cell_text(name, rate_rules.effective_sell(line, self.currency), "X"))
            elif name == "pax":
                values.append(values_text(name, line_values(name, line), self.currency))
            else:
                values.append(cell_text(name, getattr(line, name), self.currency))
        return values

    @staticmethod
    def _raw_values(line: RateLine) -> dict[str, dict[str, Any]]:
        """Per editable cell, the line's value(s) as a patch puts them back (the undo)."""
        return {name: line_values(name, line) for name in EDITABLE_FIELDS}

    def _clear_selection(self) -> None:
        self._picked, self.selected_count = [], 0
        for cells in self.grid:
            cells[0] = False

    def _selected_ids(self) -> list[str]:
        picked = set(self._picked)
        return [line_id for line_id in self.row_ids if line_id in picked]

    def _pick(self, row: int, value: bool) -> None:
        line_id = self.row_ids[row]
        picked = [i for i in self._picked if i != line_id] + ([line_id] if value else [])
        self._picked, self.selected_count = picked, len(picked)
        self.grid[row][0] = value

    def _reload_lines(self) -> EventSpec | None:
        _r, problem = self._run(lambda s, c: self._fill_lines(s, c))
        return problem

    @event
    def set_tab(self, value: str) -> None:
        if value in {"lines", "seasons", "restrictions", "price"}:
            self.tab = value

    @event
    def pick_all(self, value: bool) -> None:
        """Tick (or untick) every line on this page."""
        if not self.editable:
            return
        for row in range(len(self.row_ids)):
            self._pick(row, bool(value))

    @event
    def filter_by_service(self, value: str) -> EventSpec | None:
        self.filter_service = value if value in self._service_names else ALL
        self._only_ids, self.only_label, self.page = [], "", 1
        return self._reload_lines()

    @event
    def filter_by_season(self, value: str) -> EventSpec | None:
        self.filter_season = value if value in self._season_names else ALL
        self._only_ids, self.only_label, self.page = [], "", 1
        return self._reload_lines()

    @event
    def clear_filters(self) -> EventSpec | None:
        self.filter_service = self.filter_season = ALL
        self._only_ids, self.only_label, self.page = [], "", 1
        return self._reload_lines()

    @event
    def next_page(self) -> EventSpec | None:
        self.page = min(self.page + 1, self.pages)
        return self._reload_lines()

    @event
    def prev_page(self) -> EventSpec | None:
        self.page = max(self.page - 1, 1)
        return self._reload_lines()

    @event
    def edit_cell(self, pos: tuple[int, int], cell: dict[str, Any]) -> EventSpec | None:
        """One cell typed in the grid: saved at once, or refused with the reason (the cell keeps
        its value: the grid shows what the server holds)."""
        try:
            column, row = int(pos[0]) - 1, int(pos[1])  # column 0 of the grid is the tick box
        except (TypeError, ValueError, IndexError):
            return None
        if not (-1 <= column < len(GRID_COLUMNS) and 0 <= row < len(self.row_ids)):
            return None
        if column == -1:
            if self.editable:
                self._pick(row, bool((cell or {}).get("data")) if isinstance(cell, dict) else False)
            return None
        field, title, _w, editable_field = GRID_COLUMNS[column]
        if not (editable_field and self.editable):
            return None
        text = str((cell or {}).get("data", "") if isinstance(cell, dict) else "")[:200]
        where = f"Row {(self.page - 1) * PER_PAGE + row + 1}, {title}"
        self.cell_notice = ""
        try:
            values = cell_patch(field, text, self.currency)
            patch = LinePatch.model_validate({"row_version": self.row_version, **values})
        except CellError as exc:
            self.cell_error = refusal(where, str(exc))
            return None
        except ValidationError as exc:
            self.cell_error = refusal(where, field_message(exc, field))
            return None
        line_id = self.row_ids[row]
        old = self._raw[row].get(field, {})
        result = self._save_line(line_id, patch, row, where=where, field=field)
        if result is None:
            return None
        self._undo = {"line_id": line_id, "field": field, "values": old, "where": where}
        before = values_text(field, old, self.currency) if old else ""
        before = before or "empty"
        self.undo_label = f"{where}: {before} → {self.grid[row][column + 1] or 'empty'}"
        self.cell_notice = f"Saved — {self.undo_label}"
        return None

    def _save_line(
        self, line_id: str, patch: LinePatch, row: int | None, *, where: str, field: str
    ) -> RateLine | None:
        """update_line; on success the row and lock are refreshed, else the reason is shown."""
        viewer = self._viewer()
        if viewer is None:
            self.cell_error = "Signed out: sign in again to save."
            return None
        ctx = viewer.context
        try:
            with tenant_scope(ctx) as session:
                line = rate_lines.update_line(session, ctx, line_id=uuid.UUID(line_id), data=patch)
                version = rates.get_version(session, ctx, line.version_id)
                if str(version.id) != self.version_id:
                    raise ValidationFailedError("That line is not in this version.")
                self.row_version = version.row_version
                if row is not None and row < len(self.row_ids) and self.row_ids[row] == line_id:
                    self.grid[row] = self._cells(line)
                    self._raw[row] = self._raw_values(line)
                self.cell_error = ""
                return line
        except rates.VersionConflictError as exc:
            self.stale, self.stale_message = True, exc.detail
            self.cell_error = f"{where}: not saved — changed by someone else. Reload first."
        except DomainError as exc:
            self.cell_error = refusal(where, field_message(exc, field))
        return None

    @event
    def undo(self) -> EventSpec | None:
        """Put back the value the last successful edit replaced."""
        if not self._undo or not self.editable:
            return None
        undo, self._undo = self._undo, {}
        field = str(undo["field"])
        try:
            patch = LinePatch.model_validate(
                {"row_version": self.row_version, **dict(undo.get("values") or {})}
            )
        except ValidationError as exc:
            self.cell_error = refusal("Cannot undo", field_message(exc, field))
            return None
        line_id = str(undo["line_id"])
        row = self.row_ids.index(line_id) if line_id in self.row_ids else None
        if self._save_line(line_id, patch, row, where=str(undo["where"]), field=field):
            self.cell_notice = f"Undone: {undo['where']} is back to its old value."
            self.undo_label = ""
        return None

    @event
    def reload(self) -> EventSpec | None:
        """After someone else's change: read the version again (nothing of ours is pending)."""
        version_id = _uuid(self.version_id)
        if version_id is None:
            return None
        self._undo, self.undo_label, self.cell_error = {}, "", ""

        def work(session: Session, ctx: TenantContext) -> None:
            version = rates.get_version(session, ctx, version_id)
            self._fill_versions(rates.list_versions(session, ctx, version.rate_list_id))
            self._show_version(session, ctx, version)

        _r, problem = self._run(work)
        return problem

    @event
    def select_version(self, version_id: str) -> EventSpec | None:
        wanted = _uuid(version_id)
        if wanted is None or version_id not in {v.value for v in self.versions}:
            return rx.toast.error("That version is not in this list.")

        def work(session: Session, ctx: TenantContext) -> None:
            version = rates.get_version(session, ctx, wanted)
            if str(version.rate_list_id) != self._list_id:
                raise ValidationFailedError("That version is not in this list.")
            self._only_ids, self.only_label, self.page = [], "", 1
            self.filter_service = self.filter_season = ALL
            self._undo, self.undo_label, self.cell_error, self.cell_notice = {}, "", "", ""
            self._show_version(session, ctx, version)

        _r, problem = self._run(work)
        return problem

    # ---- adding and deleting lines ------------------------------------------------------------

    @event
    def set_add_open(self, value: bool) -> None:
        self.add_open, self.add_errors, self.add_notice = value and self.editable, {}, ""

    @event
    def add_line(self, form: dict[str, Any]) -> EventSpec | None:
        """The add form's line, checked like the grid's cells; the dialog stays open."""
        self.add_errors, self.add_notice = {}, ""
        if not self.editable:
            return rx.toast.error("This version is read-only.")
        typed: dict[str, Any] = {}
        for name in ("net", "sell", "markup_pct", "weekdays"):
            raw = str(form.get(name, "") or "")
            try:
                typed[name] = parse_cell(
                    name, raw or ("Every day" if name == "weekdays" else ""), self.currency
                )
            except CellError as exc:
                self.add_errors[name] = sentence(str(exc))
        if self.add_errors:
            return None
        try:
            data = LineIn.model_validate(
                {
                    "service_id": form.get("service_id") or None,
                    "season_id": form.get("season_id") or None,
                    "basis": form.get("basis") or None,
                    "occupancy": form.get("occupancy") or Occupancy.ANY.value,
                    "age_band": form.get("age_band") or AgeBandKind.ADULT.value,
                    "pax_min": form.get("pax_min") or 1,
                    "pax_max": form.get("pax_max") or 99,
                    "min_nights": form.get("min_nights") or 1,
                    "capacity": form.get("capacity") or None,
                    "supplement": form.get("supplement") or None,
                    "optional": bool(form.get("optional")),
                    **typed,
                }
            )
        except ValidationError as exc:
            self.add_errors = {
                str(e["loc"][0]) if e.get("loc") else "form": sentence(schema_message(e))
                for e in exc.errors()
            } | blank_fields(form, ["service_id", "season_id"])
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> str:
            (line,) = rate_lines.add_lines(
                session, ctx, version_id=version_id, row_version=self.row_version, lines=[data]
            )
            self.row_version = rates.get_version(session, ctx, version_id).row_version
            self._fill_lines(session, ctx)
            return line_label(line, self._service_names, self._season_names)

        try:
            label, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            summary, self.add_errors = form_errors(exc)
            self.add_errors.setdefault("form", summary)
            return None
        if label is None:
            return problem
        self.add_notice = f"Added: {label}, net {format_amount(data.net, self.currency)}."
        return None

    @event
    def set_delete_open(self, value: bool) -> None:
        self.delete_open = value and self.editable and self.selected_count > 0

    @event
    def delete_selected(self) -> EventSpec | None:
        self.delete_open = False
        ids = self._selected_ids()
        if not ids or not self.editable:
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> int:
            removed = rate_lines.delete_lines(
                session,
                ctx,
                version_id=version_id,
                row_version=self.row_version,
                line_ids=[uuid.UUID(i) for i in ids],
            )
            self.row_version = rates.get_version(session, ctx, version_id).row_version
            self._only_ids = [i for i in self._only_ids if i not in set(ids)]
            self._fill_lines(session, ctx)
            return removed

        removed, problem = self._run(work, edit=True)
        if problem is not None:
            return problem
        self._undo, self.undo_label = {}, ""
        return rx.toast.success(f"{removed} line{'s' if removed != 1 else ''} deleted.")

    # ---- bulk update ------------------------------------------------------------------------

    @event
    def set_bulk_open(self, value: bool) -> None:
        self.bulk_open = value and self.editable
        self.bulk_rows, self.bulk_count, self.bulk_ready, self.bulk_error = [], 0, False, ""
        self.bulk_scope = "selected" if self.selected_count else "filter"

    @event
    def set_bulk(self, name: str, value: str) -> None:
        allowed = {
            "bulk_scope": {"selected", "filter"},
            "bulk_field": {"net", "sell"},
            "bulk_op": {"percent", "amount", "set"},
        }
        if name in allowed and value in allowed[name]:
            setattr(self, name, value)
        elif name in {"bulk_value", "bulk_round"}:
            setattr(self, name, str(value)[:30])
        self.bulk_ready = False

    def _bulk_selections(self) -> list[dict[str, Any]]:
        """What the change touches: the ticked lines, the lines shown (coverage filter), the
        service / season filter, or — with no filter — every service's lines."""
        if self.bulk_scope == "selected":
            ids = self._selected_ids()
            if not ids:
                raise CellError("tick the lines to change first, or use the current filter")
            return [{"line_ids": ids}]
        if self._only_ids:
            return [{"line_ids": list(self._only_ids)}]
        service, season = _uuid(self.filter_service), _uuid(self.filter_season)
        if service is not None or season is not None:
            return [{"service_id": service, "season_id": season}]
        return [{"service_id": uuid.UUID(s)} for s in self._service_names]

    def _bulk_change(self, selection: dict[str, Any], lock: int, dry_run: bool) -> BulkChange:
        value = parse_cell("markup_pct", self.bulk_value) if self.bulk_value.strip() else None
        if value is None:
            raise CellError("enter a value")
        return BulkChange.model_validate(
            {
                "row_version": lock,
                "selection": selection,
                "field": self.bulk_field,
                "operation": self.bulk_op,
                "value": value,
                "round_to": parse_cell("sell", self.bulk_round, self.currency),
                "dry_run": dry_run,
            }
        )

    def _bulk_run(
        self, session: Session, ctx: TenantContext, *, dry_run: bool
    ) -> list[rate_lines.BulkPreviewRow]:
        """The change over every selection, in this one transaction: a preview, or (after a
        preview of the same selections) the change itself."""
        version_id = uuid.UUID(self.version_id)
        rows: list[rate_lines.BulkPreviewRow] = []
        lock = self.row_version
        for selection in self._bulk_selections():
            preview = rate_lines.bulk_change(
                session, ctx, version_id=version_id, change=self._bulk_change(selection, lock, True)
            )
            if dry_run or not preview.rows:
                rows += preview.rows
                continue
            applied = rate_lines.bulk_change(
                session,
                ctx,
                version_id=version_id,
                change=self._bulk_change(selection, lock, False),
            )
            rows += applied.rows
            lock = applied.row_version
        if not dry_run:
            self.row_version = lock
        return rows

    def _bulk_problem(self) -> str:
        """Why the dialog's settings cannot make a change ("" when they can)."""
        try:
            selections = self._bulk_selections()
            self._bulk_change(selections[0] if selections else {}, 1, True)
        except CellError as exc:
            return sentence(str(exc))
        except ValidationError as exc:
            return sentence(f"value {field_message(exc, 'value')}")
        return ""

    def _bulk_settings(self) -> str:
        return "|".join(
            [
                self.bulk_scope,
                self.bulk_field,
                self.bulk_op,
                self.bulk_value,
                self.bulk_round,
                str(self.row_version),
                ",".join(self._selected_ids()) if self.bulk_scope == "selected" else "",
            ]
        )

    @event
    def bulk_preview(self) -> Iterator[EventSpec | None]:
        self.bulk_error, self.bulk_ready = "", False
        if not self.editable:
            return
        self.bulk_error = self._bulk_problem()
        if self.bulk_error:
            return
        self.bulk_running = True
        yield None

        def work(session: Session, ctx: TenantContext) -> list[BulkLine]:
            found = self._bulk_run(session, ctx, dry_run=True)
            shown = found[:PREVIEW_ROWS]
            named = rate_lines.list_lines(
                session,
                ctx,
                version_id=uuid.UUID(self.version_id),
                line_ids=[row.line_id for row in shown],
                per_page=PREVIEW_ROWS,
            ).lines
            known = {str(ln.id): ln for ln in named}
            self.bulk_count = len(found)
            out = []
            for row in shown:
                line = known.get(str(row.line_id))
                delta = row.new - row.old
                sign = "+" if delta >= 0 else "-"
                out.append(
                    BulkLine(
                        label=line_label(line, self._service_names, self._season_names)
                        if line
                        else str(row.line_id),
                        old=format_amount(row.old, self.currency),
                        new=format_amount(row.new, self.currency),
                        delta=sign + format_amount(abs(delta), self.currency),
                        up=delta >= 0,
                    )
                )
            return out

        try:
            rows, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            self.bulk_error = exc.detail
            rows, problem = None, None
        self.bulk_running = False
        if rows is not None:
            self.bulk_rows, self.bulk_ready = rows, True
            self._bulk_key = self._bulk_settings()
        yield problem

    @event
    def bulk_apply(self) -> Iterator[EventSpec | None]:
        if not self.editable:
            return
        if not self.bulk_ready or self._bulk_key != self._bulk_settings():
            self.bulk_error = "Preview the change first (the settings changed since)."
            self.bulk_ready = False
            return
        self.bulk_running = True
        yield None

        def work(session: Session, ctx: TenantContext) -> int:
            count = len(self._bulk_run(session, ctx, dry_run=False))
            self._fill_lines(session, ctx)
            return count

        try:
            count, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            self.bulk_error, count, problem = exc.detail, None, None
        except CellError as exc:
            self.bulk_error, count, problem = str(exc), None, None
        self.bulk_running = False
        if count is None:
            yield problem
            return
        self.bulk_open, self.bulk_ready, self.bulk_rows = False, False, []
        self._undo, self.undo_label = {}, ""
        yield rx.toast.success(f"Changed {count} line{'s' if count != 1 else ''}.")

    # ---- spreadsheets -------------------------------------------------------------------------

    @event
    def export_sheet(self, file_format: str, layout: str) -> Any:
        """The version on screen as a file: our layout, one sheet per season, or the
        supplier's saved layout."""
        list_id, version = _uuid(self._list_id), self.version_number

        def work(session: Session, ctx: TenantContext) -> export.ExportFile:
            assert list_id is not None
            return export.export_version(
                session,
                ctx,
                rate_list_id=list_id,
                version_number=version or None,
                file_format="csv" if file_format == "csv" else "xlsx",
                layout="supplier" if layout == "supplier" else "ours",
                sheet_per_season=layout == "seasons",
            )

        found, problem = self._run(work, edit=False)
        if problem is not None or found is None:
            return problem
        return rx.download(data=found.content, filename=found.file_name)

    # ---- versions: new draft, terms, publish, diff -------------------------------------------

    @event
    def new_draft(self) -> EventSpec | None:
        source = _uuid(self.version_id)
        if source is None:
            return None

        def work(session: Session, ctx: TenantContext) -> int:
            draft = rates.new_draft(session, ctx, version_id=source)
            if str(draft.rate_list_id) != self._list_id:
                raise ValidationFailedError("That version is not in this list.")
            self._fill_versions(rates.list_versions(session, ctx, draft.rate_list_id))
            self._only_ids, self.only_label, self.page = [], "", 1
            self._show_version(session, ctx, draft)
            return draft.number

        number, problem = self._run(work, edit=True)
        return problem or rx.toast.success(f"Draft v{number} started: change it, then publish.")

    @event
    def set_terms_open(self, value: bool) -> None:
        self.terms_open, self.terms_errors = value and self.editable, {}

    @event
    def save_terms(self, form: dict[str, Any]) -> EventSpec | None:
        self.terms_errors = {}
        if not self.editable:
            return None
        try:
            tiers = parse_tiers(str(form.get("terms", "")))
            no_show = str(form.get("no_show", "")).strip().rstrip("%") or None
            given = {
                "currency": str(form.get("currency", "")).strip().upper(),
                "valid_from": str(form.get("valid_from", "") or ""),
                "valid_to": str(form.get("valid_to", "") or ""),
            }
            data = VersionUpdate.model_validate(
                {
                    "row_version": self.row_version,
                    **{name: value for name, value in given.items() if value},  # blank: unchanged
                    "cancellation_tiers": tiers,
                    "no_show_charge_pct": no_show,  # blank: no charge
                }
            )
        except CellError as exc:
            self.terms_errors = {"terms": str(exc)}
            return None
        except ValidationError as exc:
            summary, errors = form_errors(exc)
            self.terms_errors = {
                ("terms" if k in {"days_before", "charge_pct", "charge_nights"} else k): v
                for k, v in errors.items()
            }
            return rx.toast.error(summary)
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> None:
            version = rates.update_version(session, ctx, version_id=version_id, data=data)
            self._fill_versions(rates.list_versions(session, ctx, version.rate_list_id))
            self._show_version(session, ctx, version)

        try:
            _r, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            summary, errors = form_errors(exc)
            self.terms_errors = errors or {"form": summary}
            return rx.toast.error(summary)
        if problem is not None:
            return problem
        self.terms_open = False
        return rx.toast.success("Terms saved.")

    @event
    def open_publish(self) -> EventSpec | None:
        """The coverage check first: errors block publishing, warnings do not."""
        if self.status != VersionStatus.DRAFT.value or not self.can_publish:
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> list[rates.CoverageIssue]:
            return rates.coverage(session, ctx, version_id=version_id)

        found, problem = self._run(work)
        if found is None:
            return problem
        self.issues = [
            IssueRow(
                severity=i.severity,
                message=i.message,
                service_id=str(i.service_id or ""),
                season_id=str(i.season_id or ""),
                line_count=len(i.line_ids),
                can_show=bool(i.line_ids or i.service_id or i.season_id),
                key=i.key,
            )
            for i in found
        ]
        self._issue_lines = [[str(x) for x in i.line_ids] for i in found]
        self.publish_blocked = any(i.severity == "error" for i in found)
        self.to_confirm = sum(i.severity == "confirm" for i in found)
        self.publish_checked, self.publish_open = True, True
        return None

    @event
    def set_publish_open(self, value: bool) -> None:
        self.publish_open = value and self.publish_checked

    @event
    def confirm_issue(self, index: int, value: bool) -> None:
        """The operator accepts (or takes back) one gap the coverage check asks about."""
        try:
            number = int(index)
        except (TypeError, ValueError):
            return
        if not 0 <= number < len(self.issues) or self.issues[number].severity != "confirm":
            return
        rows = list(self.issues)
        rows[number] = dataclasses.replace(rows[number], confirmed=bool(value))
        self.issues = rows
        self.to_confirm = sum(i.severity == "confirm" and not i.confirmed for i in rows)

    @event
    def show_issue(self, index: int) -> EventSpec | None:
        """ "Show these lines": the grid filtered to what the issue is about."""
        try:
            number = int(index)
        except (TypeError, ValueError):
            return None
        if not (0 <= number < len(self.issues) and number < len(self._issue_lines)):
            return None
        issue, ids = self.issues[number], self._issue_lines[number]
        self.publish_open, self.tab, self.page = False, "lines", 1
        if ids:
            self._only_ids = ids
            self.filter_service = self.filter_season = ALL
            self.only_label = f"{len(ids)} line{'s' if len(ids) != 1 else ''}: {issue.message}"
        else:
            self._only_ids, self.only_label = [], ""
            self.filter_service = (
                issue.service_id if issue.service_id in self._service_names else ALL
            )
            self.filter_season = issue.season_id if issue.season_id in self._season_names else ALL
        return self._reload_lines()

    @event
    def publish(self) -> Iterator[EventSpec | None]:
        if self.publish_blocked or self.to_confirm or not self.can_publish:
            return
        self.publish_running = True
        yield None
        version_id = uuid.UUID(self.version_id)
        confirmed = [i.key for i in self.issues if i.severity == "confirm" and i.confirmed]

        def work(session: Session, ctx: TenantContext) -> int:
            version = rates.publish(
                session,
                ctx,
                version_id=version_id,
                row_version=self.row_version,
                acknowledged=confirmed,
            )
            self._fill_versions(rates.list_versions(session, ctx, version.rate_list_id))
            self._show_version(session, ctx, version)
            return version.number

        number, problem = self._run(work)
        self.publish_running = False
        if number is None:
            yield problem
            return
        self.publish_open = False
        yield rx.toast.success(f"v{number} is published: quotes use its prices from now on.")

    @event
    def compare_with(self, other_id: str) -> EventSpec | None:
        other = _uuid(other_id)
        current = _uuid(self.version_id)
        if other is None or current is None or other_id == self.version_id:
            return None
        if other_id not in {v.value for v in self.versions}:
            return rx.toast.error("That version is not in this list.")

        def work(session: Session, ctx: TenantContext) -> tuple[str, list[rates.DiffRow]]:
            a = rates.get_version(session, ctx, other)
            b = rates.get_version(session, ctx, current)
            old, new = (a, b) if a.number < b.number else (b, a)
            rows = rates.diff(session, ctx, old_version_id=old.id, new_version_id=new.id)
            return f"Changes from v{old.number} to v{new.number}", rows

        found, problem = self._run(work)
        if found is None:
            return problem
        self.diff_title, rows = found
        self.diff_rows = [
            DiffLine(
                change=r.change,
                key=words(r.key).replace("/", " / "),
                old_net=format_amount(r.old_net, self.currency),
                new_net=format_amount(r.new_net, self.currency),
                old_sell=format_amount(r.old_sell, self.currency),
                new_sell=format_amount(r.new_sell, self.currency),
                old_dates=", ".join(format_range(a, b) for a, b in r.old_ranges or []),
                new_dates=", ".join(format_range(a, b) for a, b in r.new_ranges or []),
            )
            for r in rows
        ]
        counts = {kind: sum(1 for r in rows if r.change == kind) for kind in ("added", "removed")}
        changed = len(rows) - counts["added"] - counts["removed"]
        self.diff_summary = (
            f"{changed} changed · {counts['added']} added · {counts['removed']} removed"
            if rows
            else "The two versions have the same prices."
        )
        self.diff_open = True
        return None

    @event
    def close_diff(self) -> None:
        self.diff_open = False

    # ---- seasons and age bands -----------------------------------------------------------

    @event
    def open_season(self, season_id: str) -> None:
        row = next((s for s in self.seasons if s.season_id == season_id), None)
        self.season_edit_id = row.season_id if row else ""
        self.season_form = {"name": row.name if row else ""}
        spans = self._season_spans.get(row.season_id, []) if row else []
        self.season_slots = [RangeSlot(a, b) for a, b in spans] or [RangeSlot()]
        self.season_errors = {}
        self.season_open = self.editable

    @event
    def set_season_open(self, value: bool) -> None:
        self.season_open = value and self.editable

    @event
    def add_range(self) -> None:
        """Another date range of the same season ("Peak" again in April)."""
        if len(self.season_slots) < MAX_SEASON_RANGES:
            self.season_slots = [*self.season_slots, RangeSlot()]

    @event
    def remove_range(self, index: int) -> None:
        slots = list(self.season_slots)
        if len(slots) > 1 and 0 <= int(index) < len(slots):
            del slots[int(index)]
            self.season_slots = slots

    @event
    def set_range(self, index: int, which: str, value: str) -> None:
        slots = list(self.season_slots)
        number = int(index)
        if not 0 <= number < len(slots) or which not in {"starts_on", "ends_on"}:
            return
        slots[number] = dataclasses.replace(slots[number], **{which: str(value)}, error="")
        self.season_slots = slots

    def _slot_errors(self, errors: dict[int, str]) -> None:
        self.season_slots = [
            dataclasses.replace(slot, error=errors.get(n, ""))
            for n, slot in enumerate(self.season_slots)
        ]

    @event
    def save_season(self, form: dict[str, Any]) -> EventSpec | None:
        """Every problem at once: the name at its field, each range's at its row."""
        self.season_errors = {}
        self.season_slots = self.season_slots or [RangeSlot()]
        self._slot_errors({})
        slots = self.season_slots
        name = str(form.get("name", "")).strip()
        try:
            data = SeasonIn.model_validate(
                {
                    "name": name,
                    "ranges": [
                        {"starts_on": slot.starts_on or None, "ends_on": slot.ends_on or None}
                        for slot in slots
                    ],
                }
            )
        except ValidationError as exc:
            slot_errors: dict[int, str] = {}
            for error in exc.errors():
                loc = error.get("loc", ())
                if loc[:1] == ("ranges",) and len(loc) > 1 and isinstance(loc[1], int):
                    slot = slots[loc[1]]
                    slot_errors[loc[1]] = (
                        "Both dates are required."
                        if not slot.starts_on or not slot.ends_on
                        else "Not a date."
                    )
                elif loc[:1] == ("name",):
                    self.season_errors["name"] = (
                        "Required." if not name else form_errors(exc)[1].get("name", "Not valid.")
                    )
            self._slot_errors(slot_errors)
            return rx.toast.error("Some fields need attention.")
        version_id = uuid.UUID(self.version_id)
        season_id = _uuid(self.season_edit_id)

        def work(session: Session, ctx: TenantContext) -> None:
            if season_id is None:
                rates.add_season(
                    session, ctx, version_id=version_id, row_version=self.row_version, data=data
                )
            else:
                rates.update_season(
                    session, ctx, season_id=season_id, row_version=self.row_version, data=data
                )
            self.row_version = rates.get_version(session, ctx, version_id).row_version
            self._fill_seasons(session, ctx)

        try:
            _r, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            # the service names each range's problem ("overlaps Peak (1 Oct to 19 Dec 2027)");
            # the rows are in the order given, which the slots keep
            by_row: dict[int, list[str]] = defaultdict(list)
            for problem_ in exc.errors:
                if problem_.row is not None:
                    by_row[problem_.row].append(
                        problem_.message[:1].upper() + problem_.message[1:] + "."
                    )
            self._slot_errors({n: " ".join(m) for n, m in by_row.items()})
            if not by_row:
                self.season_errors = {"form": exc.detail}
            return rx.toast.error(exc.detail)
        if problem is not None:
            return problem
        self.season_open = False
        return rx.toast.success(f"Season {data.name} saved.")

    @event
    def delete_season(self, season_id: str) -> EventSpec | None:
        target = _uuid(season_id)
        if target is None:
            return None
        version_id = _uuid(self.version_id)

        def work(session: Session, ctx: TenantContext) -> int:
            removed = rates.delete_season(
                session, ctx, season_id=target, row_version=self.row_version
            )
            if version_id is not None:
                self.row_version = rates.get_version(session, ctx, version_id).row_version
                self._fill_seasons(session, ctx)
                self._fill_lines(session, ctx)
            return removed

        removed, problem = self._run(work, edit=True)
        if problem is not None:
            return problem
        return rx.toast.success(
            f"Season deleted with its {removed} line{'s' if removed != 1 else ''}."
        )

    @event
    def save_bands(self, form: dict[str, Any]) -> EventSpec | None:
        self.band_errors, self.band_message = {}, ""
        bands = []
        for kind in AgeBandKind:
            low = str(form.get(f"{kind.value}_min", "")).strip()
            high = str(form.get(f"{kind.value}_max", "")).strip()
            if not low and not high:
                continue
            try:
                bands.append(AgeBandIn(kind=kind, age_min=int(low or -1), age_max=int(high or -1)))
            except (ValueError, ValidationError):
                self.band_errors[kind.value] = "Ages are whole numbers from 0 to 120."
        if self.band_errors:
            return rx.toast.error("Some age bands need attention.")
        if not bands:
            self.band_message = "Keep at least one age band."
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> None:
            rates.set_age_bands(
                session, ctx, version_id=version_id, row_version=self.row_version, bands=bands
            )
            self.row_version = rates.get_version(session, ctx, version_id).row_version
            self._fill_seasons(session, ctx)

        try:
            _r, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            self.band_message = exc.detail
            return rx.toast.error(exc.detail)
        return problem or rx.toast.success("Age bands saved.")

    # ---- restrictions and the allotment calendar ----------------------------------------

    def _fill_restrictions(self, session: Session, ctx: TenantContext) -> None:
        supplier_id = uuid.UUID(self._supplier_id)
        self.restrictions = [
            RestrictionRow(
                restriction_id=str(r.id),
                kind=r.kind,
                kind_label="Stop-sale" if r.kind == RestrictionKind.STOP_SALE.value else "Blackout",
                service=self._service_names.get(str(r.service_id), "?")
                if r.service_id
                else "All services",
                dates=format_range(r.starts_on, r.ends_on),
                reason=r.reason or "",
            )
            for r in availability.list_restrictions(session, ctx, supplier_id=supplier_id)
        ]

    def _fill_calendar(self, session: Session, ctx: TenantContext, month: date) -> None:
        self.cal_month, self.cal_title = month.isoformat(), f"{month:%B %Y}"
        service_id = _uuid(self.cal_service)
        held = (
            {
                a.on_date: a
                for a in availability.list_allotments(
                    session, ctx, service_id=service_id, month=month
                )
            }
            if service_id is not None
            else {}
        )
        restrictions = [
            r
            for r in availability.list_restrictions(
                session, ctx, supplier_id=uuid.UUID(self._supplier_id)
            )
            if r.service_id is None or r.service_id == service_id
        ]
        weeks = []
        for week in month_weeks(month):
            cells = []
            for day in week:
                hits = [r for r in restrictions if r.starts_on <= day.day <= r.ends_on]
                stop = next((r for r in hits if r.kind == RestrictionKind.STOP_SALE.value), None)
                black = next((r for r in hits if r.kind == RestrictionKind.BLACKOUT.value), None)
                chosen = stop or black
                allotment = held.get(day.day)
                cells.append(
                    DayCell(
                        iso=day.day.isoformat(),
                        day=str(day.day.day),
                        in_month=day.in_month,
                        units=str(allotment.units) if allotment else "",
                        used=str(allotment.used) if allotment else "",
                        left=str(max(allotment.units - allotment.used, 0)) if allotment else "",
                        tone=chosen.kind if chosen else "",
                        note=(
                            ("Stop-sale" if chosen is stop else "Blackout")
                            + (f": {chosen.reason}" if chosen.reason else "")
                        )
                        if chosen
                        else "",
                    )
                )
            weeks.append(cells)
        self.cal_weeks = weeks

    def _calendar(self, month: date) -> EventSpec | None:
        _r, problem = self._run(lambda s, c: self._fill_calendar(s, c, month))
        return problem

    @event
    def calendar_service(self, value: str) -> EventSpec | None:
        if value not in self._service_names:
            return None
        self.cal_service = value
        return self._calendar(date.fromisoformat(self.cal_month))

    @event
    def calendar_step(self, step: int) -> EventSpec | None:
        month = date.fromisoformat(self.cal_month) if self.cal_month else today(self._timezone)
        return self._calendar(shift_month(month, max(-12, min(12, int(step)))))

    @event
    def add_restriction(self, form: dict[str, Any]) -> EventSpec | None:
        self.restriction_errors = {}
        service = str(form.get("service_id", "") or ALL)
        try:
            data = RestrictionIn.model_validate(
                {
                    "supplier_id": self._supplier_id,
                    "service_id": None if service == ALL else service,
                    "kind": form.get("kind") or RestrictionKind.BLACKOUT.value,
                    "starts_on": form.get("starts_on") or None,
                    "ends_on": form.get("ends_on") or None,
                    "reason": str(form.get("reason", "")).strip() or None,
                }
            )
        except ValidationError as exc:
            summary, errors = form_errors(exc)
            self.restriction_errors = errors | blank_fields(form, ["starts_on", "ends_on"])
            return rx.toast.error(summary)

        def work(session: Session, ctx: TenantContext) -> None:
            availability.add_restriction(session, ctx, data=data)
            self._fill_restrictions(session, ctx)
            self._fill_calendar(session, ctx, date.fromisoformat(self.cal_month))

        try:
            _r, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            summary, self.restriction_errors = form_errors(exc)
            return rx.toast.error(summary)
        word = "Stop-sale" if data.kind == RestrictionKind.STOP_SALE else "Blackout"
        return problem or rx.toast.success(f"{word} added.")

    @event
    def delete_restriction(self, restriction_id: str) -> EventSpec | None:
        target = _uuid(restriction_id)
        if target is None:
            return None

        def work(session: Session, ctx: TenantContext) -> None:
            availability.delete_restriction(session, ctx, restriction_id=target)
            self._fill_restrictions(session, ctx)
            self._fill_calendar(session, ctx, date.fromisoformat(self.cal_month))

        _r, problem = self._run(work, edit=True)
        return problem or rx.toast.success("Restriction removed.")

    @event
    def set_allotment(self, form: dict[str, Any]) -> EventSpec | None:
        self.allot_errors = {}
        try:
            data = AllotmentIn.model_validate(
                {
                    "service_id": self.cal_service or None,
                    "starts_on": form.get("starts_on") or None,
                    "ends_on": form.get("ends_on") or None,
                    "units": form.get("units") or None,
                    "release_days": form.get("release_days") or 0,
                }
            )
        except ValidationError as exc:
            summary, errors = form_errors(exc)
            self.allot_errors = errors | blank_fields(form, ["starts_on", "ends_on", "units"])
            return rx.toast.error(summary)

        def work(session: Session, ctx: TenantContext) -> int:
            days = availability.set_allotment(session, ctx, data=data)
            self._fill_calendar(session, ctx, data.starts_on.replace(day=1))
            return days

        try:
            days, problem = self._run(work, edit=True, raise_invalid=True)
        except ValidationFailedError as exc:
            summary, self.allot_errors = form_errors(exc)
            return rx.toast.error(summary)
        return problem or rx.toast.success(
            f"Allotment set for {days} day{'s' if days != 1 else ''}."
        )

    # ---- price check ----------------------------------------------------------------------

    @event
    def set_pc_service(self, value: str) -> None:
        self.pc_service = value if value in self._service_names else ""
        self.pc_vehicle = self.pc_service in self._vehicle_ids

    @event
    def check_price(self, form: dict[str, Any]) -> EventSpec | None:
        self.quote_rows, self.quote_error, self.quote_reason, self.quote_errors = [], "", "", {}
        self.quote_total_net = self.quote_total_sell = self.quote_note = self.quote_source = ""
        try:
            ages = [
                int(a)
                for a in str(form.get("child_ages", "")).replace(";", ",").split(",")
                if a.strip()
            ]
        except ValueError:
            self.quote_errors = {"child_ages": "Ages are whole numbers, e.g. 8, 4"}
            return None
        try:
            market = (
                self._market_value
                if self._market_value in {m.value for m in Market}
                else Market.ALL.value
            )
            query = PriceQuery.model_validate(
                {
                    "service_id": form.get("service_id") or None,
                    "check_in": form.get("check_in") or None,
                    "nights": form.get("nights") or 1,
                    "occupancy": form.get("occupancy") or Occupancy.DOUBLE.value,
                    "rooms": form.get("rooms") or 1,
                    "adults": form.get("adults") or 0,
                    "child_ages": ages,
                    "children_with_bed": form.get("children_with_bed") or 0,
                    "market": market,
                    "basis": None
                    if form.get("basis") in (None, "", PC_ANY_BASIS)
                    else form.get("basis"),
                    "km": form.get("km") or None,
                    "hours": form.get("hours") or None,
                    "transfers": form.get("transfers") or 1,
                    "supplements": [
                        name.strip()
                        for name in str(form.get("supplements", "")).split(",")
                        if name.strip()
                    ],
                }
            )
        except ValidationError as exc:
            _summary, errors = form_errors(exc)
            self.quote_errors = errors | blank_fields(form, ["service_id", "check_in"])
            return None

        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        if not can(viewer.context.role, Action.RATES_VIEW):
            return None
        try:
            with tenant_scope(viewer.context) as session:
                quote = pricing.quote_price(session, viewer.context, query)
        except pricing.NoPriceError as exc:
            self.quote_reason = NO_PRICE_REASONS.get(exc.reason, "No price")
            self.quote_error = exc.detail
            return None
        except DomainError as exc:
            self.quote_error = exc.detail
            return None
        self.quote_rows = [
            NightRow(
                night=f"{n.night:%a} {format_date(n.night)}",
                net=format_money(n.net, quote.currency),
                sell=format_money(n.sell, quote.currency),
                parts=" + ".join(part_text(p, quote.currency) for p in n.parts),
            )
            for n in quote.nights
        ]
        self.quote_total_net = format_money(quote.total_net, quote.currency)
        self.quote_total_sell = format_money(quote.total_sell, quote.currency)
        published = (
            to_local(quote.published_at, viewer.agency_timezone).date()
            if quote.published_at
            else None
        )
        self.quote_source = priced_from(quote.rate_list_name, quote.market, published)
        self.quote_note = f"Cancellation: {tiers_text(quote.cancellation_tiers)}."
        return None

    # ---- what the page shows about the version ------------------------------------------------

    @rx.var
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT.value

    @rx.var
    def other_versions(self) -> list[Option]:
        return [v for v in self.versions if v.value != self.version_id]

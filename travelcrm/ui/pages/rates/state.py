"""Rate list page state: one list, its versions, and the version on screen — its header, its
seasons and the page of lines the grid shows. What each tab does to the version lives in that
tab's substate (lines_state, bulk_state, seasons_state, restrictions_state, price_check_state,
publish_state); they read and set these vars and reload with the helpers here.

Every handler identifies the viewer again and calls the rates services inside the viewer's
agency scope (`_run`), so ids from another agency are simply not found. Edits name the
version's `row_version` this page read: someone else's change in between is shown, never
overwritten.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import today
from travelcrm.core.errors import DomainError, ValidationFailedError, VersionConflictError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import rules as rate_rules
from travelcrm.rates import services as rates
from travelcrm.rates.models import AgeBandKind, RateLine, RateListVersion, VersionStatus
from travelcrm.ratesheets import export
from travelcrm.suppliers.models import ServiceKind
from travelcrm.ui import routes
from travelcrm.ui.components.grid import sheet_height
from travelcrm.ui.components.money import format_range
from travelcrm.ui.events import event
from travelcrm.ui.kit import CHANGED_ELSEWHERE, parse_id
from travelcrm.ui.pages.rates.cells import GRID_COLUMNS, cell_text, line_values, values_text
from travelcrm.ui.pages.rates.list_state import Option, WordedPage
from travelcrm.ui.pages.rates.rows import (
    ALL,
    BAND_LABELS,
    EDITABLE_FIELDS,
    PER_PAGE,
    BandRow,
    SeasonRow,
    grid_columns,
    range_label,
    service_label,
)
from travelcrm.ui.pages.rates.text import (
    market_label,
    tiers_lines,
    tiers_text,
)

TABS = {"lines", "seasons", "restrictions", "price"}
STALE_WORDS = (
    "Someone else changed this version since you opened it. Reload to see their changes, "
    "then make yours again."
)


class RateListState(WordedPage, rx.State):
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
    import_url: str = ""
    # the version on screen
    versions: list[Option] = []
    version_id: str = ""
    version_number: int = 0
    status: str = ""
    currency: str = ""
    validity: str = ""
    terms: str = ""
    terms_form: dict[str, str] = {}
    row_version: int = 0
    editable: bool = False  # a draft, and the role may edit
    draft_id: str = ""  # the list's draft, if any
    stale: bool = False
    stale_message: str = ""
    tab: str = "lines"
    # its services, seasons and age bands
    services: list[Option] = []
    seasons: list[SeasonRow] = []
    season_options: list[Option] = []
    bands: list[BandRow] = []
    # the page of lines the grid shows
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

    # backend only
    _list_id: str = ""
    _supplier_id: str = ""
    _market_value: str = ""
    _timezone: str = "UTC"  # the agency's: its "today" opens the allotment calendar
    _service_names: dict[str, str] = {}
    _vehicle_ids: list[str] = []
    _season_names: dict[str, str] = {}
    _season_spans: dict[str, list[tuple[str, str]]] = {}
    _raw: list[dict[str, dict[str, Any]]] = []
    _picked: list[str] = []
    _only_ids: list[str] = []

    # ---- the kit's answers, in this page's words ----------------------------------------

    def _refused(self, action: Action) -> EventSpec:
        return rx.toast.error("Your role cannot change rate lists.")

    def _conflict(self, exc: VersionConflictError) -> EventSpec:
        self._changed_elsewhere()
        return rx.toast.error(CHANGED_ELSEWHERE)

    def _changed_elsewhere(self) -> None:
        """The banner over the page (the service's detail names its internal edit numbers)."""
        self.stale, self.stale_message = True, STALE_WORDS

    # ---- the tabs' hooks (each tab state overrides those it needs) ----------------------

    def _forget(self) -> None:
        """Another list opens: drop what this tab showed."""

    def _opened(self, session: Session, ctx: TenantContext, month: date) -> None:
        """The list is open (its supplier known): read what this tab shows of it (a calendar
        opens at `month`)."""

    def _version_shown(self) -> None:
        """Another version (or the same one read again) is on screen."""

    def _tabs(self) -> list[RateListState]:
        """This page's tab states that this event loaded (an event loads its own state, those
        above it and those below it)."""
        root: RateListState = self
        while isinstance(root.parent_state, RateListState):
            root = root.parent_state
        found, todo = [], list(root.substates.values())
        while todo:
            state = todo.pop()
            todo.extend(state.substates.values())
            if isinstance(state, RateListState):
                found.append(state)
        return found

    # ---- loading ----------------------------------------------------------------------------

    def _reset(self) -> None:
        self.found = False
        self.versions, self.seasons, self.bands, self.grid, self.row_ids = [], [], [], [], []
        self._raw, self._only_ids = [], []
        self.filter_service = self.filter_season = ALL
        self.only_label = ""
        self.page, self.tab = 1, "lines"
        self.stale, self.stale_message = False, ""
        for tab in self._tabs():
            tab._forget()

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
        list_id = self._page_id()
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
        now = today(self._timezone)
        month = max(versions[0].valid_from if versions else now, now).replace(day=1)
        for tab in self._tabs():
            tab._opened(session, ctx, month)

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
        self.stale, self.stale_message = False, ""
        for tab in self._tabs():
            tab._version_shown()
        self._fill_seasons(session, ctx)
        self._fill_lines(session, ctx)

    def _show_again(self, session: Session, ctx: TenantContext, version: RateListVersion) -> None:
        """The list's versions and `version` on screen, read afresh (after a change to them)."""
        self._fill_versions(rates.list_versions(session, ctx, version.rate_list_id))
        self._show_version(session, ctx, version)

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
        self.columns = grid_columns(
            self.editable,
            self.currency,
            {"service": self._service_names.values(), "season": self._season_names.values()},
        )
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

    def _saved(
        self, session: Session, ctx: TenantContext, *, seasons: bool = False, lines: bool = False
    ) -> None:
        """After a change to the version: its new lock, and what shows it read again."""
        self.row_version = rates.get_version(session, ctx, uuid.UUID(self.version_id)).row_version
        if seasons:
            self._fill_seasons(session, ctx)
        if lines:
            self._fill_lines(session, ctx)

    # ---- the page of lines ------------------------------------------------------------------

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
                service_id=parse_id(self.filter_service),
                season_id=parse_id(self.filter_season),
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

    def _show_lines(self, only: list[str] | None = None, label: str = "") -> None:
        """The grid from its first page: every line of the filters, or only these."""
        self._only_ids, self.only_label, self.page = list(only or []), label, 1

    def _reload_lines(self) -> EventSpec | None:
        _r, problem = self._run(self._fill_lines, may=Action.RATES_VIEW)
        return problem

    # ---- the version on screen --------------------------------------------------------------

    @event
    def set_tab(self, value: str) -> None:
        if value in TABS:
            self.tab = value

    @event
    def reload(self) -> EventSpec | None:
        """After someone else's change: read the version again (nothing of ours is pending)."""
        version_id = parse_id(self.version_id)
        if version_id is None:
            return None

        def work(session: Session, ctx: TenantContext) -> None:
            self._show_again(session, ctx, rates.get_version(session, ctx, version_id))

        _r, problem = self._run(work, may=Action.RATES_VIEW)
        return problem

    @event
    def select_version(self, version_id: str) -> EventSpec | None:
        wanted = parse_id(version_id)
        if wanted is None or version_id not in {v.value for v in self.versions}:
            return rx.toast.error("That version is not in this list.")

        def work(session: Session, ctx: TenantContext) -> None:
            version = rates.get_version(session, ctx, wanted)
            if str(version.rate_list_id) != self._list_id:
                raise ValidationFailedError("That version is not in this list.")
            self._show_lines()
            self.filter_service = self.filter_season = ALL
            self._show_version(session, ctx, version)

        _r, problem = self._run(work, may=Action.RATES_VIEW)
        return problem

    @event
    def export_sheet(self, file_format: str, layout: str) -> Any:
        """The version on screen as a file: our layout, one sheet per season, or the
        supplier's saved layout."""
        list_id, version = parse_id(self._list_id), self.version_number
        if list_id is None:
            return None

        def work(session: Session, ctx: TenantContext) -> export.ExportFile:
            return export.export_version(
                session,
                ctx,
                rate_list_id=list_id,
                version_number=version or None,
                file_format="csv" if file_format == "csv" else "xlsx",
                layout="supplier" if layout == "supplier" else "ours",
                sheet_per_season=layout == "seasons",
            )

        found, problem = self._run(work, may=Action.RATES_VIEW)
        if found is None:
            return problem
        return rx.download(data=found.content, filename=found.file_name)

    # ---- what the page shows about the version ------------------------------------------------

    @rx.var
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT.value

    @rx.var
    def other_versions(self) -> list[Option]:
        return [v for v in self.versions if v.value != self.version_id]

"""The import page's state: upload a supplier's sheet, map its columns, check it (dry run),
read the report and the diff, then commit it into a draft. Large files run on the worker; the
page polls the import, and `?import=<id>` in the address brings a reload back to it."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import reflex as rx
from openpyxl.utils import get_column_letter
from reflex.event import EventSpec

from travelcrm.core.errors import ConflictError, DomainError, NotFoundError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.rates import services as rates
from travelcrm.rates.models import AgeBandKind, Occupancy, PricingBasis
from travelcrm.ratesheets import services as sheets
from travelcrm.ratesheets.models import ImportStatus, RateImport
from travelcrm.ratesheets.reading import MAX_FILE_BYTES
from travelcrm.ratesheets.schemas import ColumnRule, ImportField, ImportMapping
from travelcrm.suppliers.models import MealPlan
from travelcrm.ui import routes
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.record import GatedPage
from travelcrm.ui.session import identify

logger = logging.getLogger("travelcrm.ui.ratesheets")

AUTO = "auto"  # a select's "decide for me" (Radix reserves "")
FIELD_LABELS: dict[str, str] = {
    ImportField.IGNORE.value: "Ignore",
    ImportField.SERVICE.value: "Service (room, vehicle, activity)",
    ImportField.MEAL_PLAN.value: "Meal plan",
    ImportField.SEASON.value: "Season name",
    ImportField.VALID_FROM.value: "Valid from",
    ImportField.VALID_TO.value: "Valid to",
    ImportField.BASIS.value: "Pricing basis",
    ImportField.OCCUPANCY.value: "Occupancy",
    ImportField.AGE_BAND.value: "Age band",
    ImportField.PAX.value: "Pax break (1-2, 3-5 ...)",
    ImportField.PAX_MIN.value: "Pax from",
    ImportField.PAX_MAX.value: "Pax to",
    ImportField.NET.value: "Net price",
    ImportField.SELL.value: "Sell price",
    ImportField.MARKUP.value: "Markup %",
    ImportField.MIN_NIGHTS.value: "Minimum nights",
    ImportField.WEEKDAYS.value: "Days of the week",
    ImportField.CURRENCY.value: "Currency",
    ImportField.CAPACITY.value: "Seats per vehicle",
    ImportField.SUPPLEMENT.value: "Supplement (driver allowance, tolls ...)",
    ImportField.OPTIONAL.value: "Optional supplement (yes / no)",
}
FIELD_OPTIONS = list(FIELD_LABELS.items())
BASIS_OPTIONS = [(AUTO, "From the service (room: per room ...)")] + [
    (b.value, b.value.replace("_", " ").capitalize()) for b in PricingBasis
]
OCCUPANCY_OPTIONS = [(AUTO, "From the file")] + [
    (o.value, o.value.replace("_", " ").capitalize()) for o in Occupancy if o != Occupancy.ANY
]
MEAL_PLAN_OPTIONS = [
    (AUTO, "From the file"),
    (MealPlan.EP.value, "Room only (EP)"),
    (MealPlan.CP.value, "Breakfast (CP)"),
    (MealPlan.MAP.value, "Half board (MAP)"),
    (MealPlan.AP.value, "Full board (AP)"),
    (MealPlan.AI.value, "All inclusive (AI)"),
]
AGE_BAND_OPTIONS = [
    (AUTO, "From the file (adult)"),
    (AgeBandKind.ADULT.value, "Adult"),
    (AgeBandKind.CHILD_WITH_BED.value, "Child with bed"),
    (AgeBandKind.CHILD_WITHOUT_BED.value, "Child without bed"),
    (AgeBandKind.INFANT.value, "Infant"),
]
# the constants the page sets (what a mapping's `constants` may hold, short of the service and
# the prices themselves): the state var holding each; selects hold AUTO for "not set"
CONSTANT_VARS: dict[ImportField, str] = {
    ImportField.CURRENCY: "constant_currency",
    ImportField.BASIS: "constant_basis",
    ImportField.OCCUPANCY: "constant_occupancy",
    ImportField.AGE_BAND: "constant_age_band",
    ImportField.MEAL_PLAN: "constant_meal_plan",
    ImportField.SEASON: "constant_season",
    ImportField.VALID_FROM: "constant_valid_from",
    ImportField.VALID_TO: "constant_valid_to",
    ImportField.PAX: "constant_pax",
    ImportField.MIN_NIGHTS: "constant_min_nights",
    ImportField.WEEKDAYS: "constant_weekdays",
    ImportField.CAPACITY: "constant_capacity",
}
_SELECTS: dict[ImportField, list[tuple[str, str]]] = {
    ImportField.BASIS: BASIS_OPTIONS,
    ImportField.OCCUPANCY: OCCUPANCY_OPTIONS,
    ImportField.AGE_BAND: AGE_BAND_OPTIONS,
    ImportField.MEAL_PLAN: MEAL_PLAN_OPTIONS,
}
_DATES = (ImportField.VALID_FROM, ImportField.VALID_TO)
STEPS = [
    ("upload", "Upload"),
    ("map", "Map columns"),
    ("report", "Check & diff"),
    ("done", "Commit"),
]
# an import's status in words (the history's badge, the "continue" offer)
STATUS_WORDS = {
    ImportStatus.STAGED.value: "uploaded, not checked yet",
    ImportStatus.QUEUED.value: "waiting to be checked",
    ImportStatus.RUNNING.value: "being checked",
    ImportStatus.CHECKED.value: "checked, not stored yet",
    ImportStatus.COMMITTED.value: "stored",
    ImportStatus.REFUSED.value: "refused",
    ImportStatus.FAILED.value: "failed",
}
SHORT_STATUS = {
    ImportStatus.STAGED.value: "uploaded",
    ImportStatus.QUEUED.value: "waiting",
    ImportStatus.RUNNING.value: "running",
}
UNFINISHED = (
    ImportStatus.STAGED.value,
    ImportStatus.QUEUED.value,
    ImportStatus.RUNNING.value,
    ImportStatus.CHECKED.value,
)
SHOWN_PROBLEMS = 200
SHOWN_CHANGES = 200


@dataclass
class ColumnChoice:
    index: int
    letter: str
    header: str
    samples: str
    field: str
    meaning: str  # what a wide price column stands for: "Double · Peak (1 Oct - 19 Dec 2027)"


@dataclass
class ProblemRow:
    row: str
    column: str
    reason: str


@dataclass
class GroupRow:
    service: str
    season: str
    added: int
    changed: int
    removed: int


@dataclass
class ChangeRow:
    change: str
    row: str
    service: str
    season: str
    line: str
    old: str
    new: str
    pct: str


@dataclass
class HistoryRow:
    import_id: str
    when: str
    file_name: str
    status: str
    status_words: str  # "uploaded", "waiting" ...
    lines: str
    problems: str  # "3 errors · 1 warning"
    href: str


@dataclass
class SheetOption:
    value: str  # the sheet's name
    label: str  # "Rates · looks like a rate table"


@dataclass
class PreviewRow:
    number: str
    cells: list[str]
    is_header: bool


def _meaning(rule: ColumnRule | None) -> str:
    if rule is None or not rule.fixed:
        return ""
    fixed = rule.fixed
    parts = [
        fixed[name].replace("_", " ").capitalize()
        for name in (ImportField.OCCUPANCY, ImportField.AGE_BAND, ImportField.BASIS)
        if name in fixed
    ]
    season = fixed.get(ImportField.SEASON, "")
    dates = ""
    if ImportField.VALID_FROM in fixed and ImportField.VALID_TO in fixed:
        dates = f"{fixed[ImportField.VALID_FROM]} to {fixed[ImportField.VALID_TO]}"
    if season or dates:
        parts.append(f"{season} ({dates})" if season and dates else season or dates)
    return " · ".join(parts)


class RateImportState(GatedPage, rx.State):
    can_edit: bool = False
    found: bool = False
    list_id: str = ""
    list_name: str = ""
    supplier_name: str = ""
    currency: str = ""
    step: str = "upload"

    import_id: str = ""
    file_name: str = ""
    file_note: str = ""  # "XLSX · 3 sheets" / "CSV · cp1252 · ';'"
    sheets: list[str] = []
    sheet_options: list[SheetOption] = []
    sheet: str = ""
    header_row: str = "1"  # 1-based, as the spreadsheet shows it
    preview: list[PreviewRow] = []
    preview_width: int = 0
    columns: list[ColumnChoice] = []
    from_template: bool = False
    constant_currency: str = ""
    constant_basis: str = AUTO
    constant_occupancy: str = AUTO
    constant_age_band: str = AUTO
    constant_meal_plan: str = AUTO
    constant_season: str = ""
    constant_valid_from: str = ""  # ISO, as a date input gives it
    constant_valid_to: str = ""
    constant_pax: str = ""  # "1-2", "10+"
    constant_min_nights: str = ""
    constant_weekdays: str = ""  # "Mon-Thu"
    constant_capacity: str = ""  # seats per vehicle
    mapping_error: str = ""
    unmapped: list[str] = []  # the required fields still unmapped, in words

    running: bool = False
    progress: int = 0
    stage: str = ""
    status: str = ""
    rows_read: int = 0
    lines: int = 0
    error_count: int = 0
    warning_count: int = 0
    errors: list[ProblemRow] = []
    warnings: list[ProblemRow] = []
    date_note: str = ""
    number_note: str = ""
    diff_counts: dict[str, int] = {}
    groups: list[GroupRow] = []
    chart: list[dict[str, Any]] = []  # changes per service and season, for the bar chart
    changes: list[ChangeRow] = []
    against: str = ""
    committed_version: str = ""
    replace_open: bool = False
    replace_message: str = ""
    failure: str = ""
    history: list[HistoryRow] = []
    # the viewer's newest unfinished import of this list, offered on the upload step
    resume_file: str = ""
    resume_status: str = ""
    resume_href: str = ""

    _mapping: dict[str, Any] = {}

    @rx.var
    def chart_height(self) -> int:
        return 80 + 28 * len(self.chart)

    @rx.var
    def step_index(self) -> int:
        keys = [key for key, _label in STEPS]
        return keys.index(self.step) if self.step in keys else 0

    # ---- plumbing -------------------------------------------------------------------------

    def _viewer_timezone(self) -> str:
        viewer = self._viewer()
        return viewer.agency_timezone if viewer else "UTC"

    def _path_ids(self) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        parts = [p for p in self.router.url.path.split("/") if p]
        list_id = parse_id(parts[1]) if len(parts) >= 2 else None
        import_id = parse_id(self.router.url.query_parameters.get("import", ""))
        return list_id, import_id

    def _refused(self, action: Action) -> EventSpec:
        return rx.toast.error("Your role cannot import rate sheets.")

    def _import_id(self) -> uuid.UUID:
        """The import this page shows (the page only offers its steps once there is one)."""
        import_id = parse_id(self.import_id)
        if import_id is None:
            raise NotFoundError("Start again: upload the sheet.")
        return import_id

    def _clear(self) -> None:
        self.step, self.import_id, self.file_name, self.file_note = "upload", "", "", ""
        self.sheets, self.sheet, self.header_row = [], "", "1"
        self.sheet_options = []
        self.preview, self.preview_width, self.columns = [], 0, []
        self.from_template, self.mapping_error, self.unmapped = False, "", []
        self._set_constants({})
        self._mapping = {}
        self._clear_report()

    def _clear_report(self) -> None:
        self.running, self.progress, self.stage, self.status = False, 0, "", ""
        self.rows_read = self.lines = self.error_count = self.warning_count = 0
        self.errors, self.warnings, self.groups, self.changes = [], [], [], []
        self.chart = []
        self.date_note = self.number_note = self.against = self.committed_version = ""
        self.diff_counts = {}
        self.replace_open, self.replace_message, self.failure = False, "", ""

    # ---- loading --------------------------------------------------------------------------

    @event
    def load(self) -> EventSpec | list[EventSpec] | None:
        viewer = self._admit(Action.RATES_VIEW)
        if viewer is None:
            return self._signed_out()
        ctx = viewer.context
        self.can_edit = can(ctx.role, Action.RATES_EDIT)
        self.found = False
        list_id, import_id = self._path_ids()
        follow: EventSpec | None = None
        if self.allowed and list_id is not None:
            follow, _not_found = self._run(
                lambda session, ctx: self._open(session, ctx, list_id, import_id)
            )
        self.loaded = True
        return follow

    def _open(
        self,
        session: Session,
        ctx: TenantContext,
        list_id: uuid.UUID,
        import_id: uuid.UUID | None,
    ) -> EventSpec | None:
        rate_list = rates.get_rate_list(session, ctx, list_id)
        versions = rates.list_versions(session, ctx, rate_list.id)
        names = rates.supplier_names(session, ctx, [rate_list.supplier_id])
        self.list_id, self.list_name = str(rate_list.id), rate_list.name
        self.supplier_name = names.get(rate_list.supplier_id, "?")
        self.currency = versions[0].currency if versions else ""
        self.found = True
        self._clear()
        timezone = self._viewer_timezone()
        earlier = sheets.list_imports(session, ctx, rate_list_id=rate_list.id, limit=20)
        self.history = [
            HistoryRow(
                import_id=str(i.id),
                when=local_time(i.created_at, timezone),
                file_name=i.file_name,
                status=i.status,
                status_words=SHORT_STATUS.get(i.status, ""),
                lines=f"{i.lines:,}" if i.rows_read else "",
                problems=_problems_text(i.error_count, i.warning_count) if i.rows_read else "",
                href=f"{routes.rate_import(rate_list.id)}?import={i.id}",
            )
            for i in earlier
        ]
        mine = next((i for i in earlier if i.created_by == ctx.user_id), None)
        offer = mine if mine and mine.status in UNFINISHED and mine.id != import_id else None
        self.resume_file = offer.file_name if offer else ""
        self.resume_status = STATUS_WORDS.get(offer.status, "") if offer else ""
        self.resume_href = f"{routes.rate_import(rate_list.id)}?import={offer.id}" if offer else ""
        if import_id is None:
            return None
        item = sheets.get_import(session, ctx, import_id=import_id)
        if item.rate_list_id != rate_list.id:
            return None
        self._show_import(session, ctx, item)
        return RateImportState.poll if self.running else None

    def _show_import(self, session: Session, ctx: TenantContext, item: RateImport) -> None:
        self.import_id, self.file_name = str(item.id), item.file_name
        mapping = ImportMapping.model_validate(item.mapping) if item.mapping else None
        try:
            self._show_preview(
                session,
                ctx,
                sheet=mapping.sheet if mapping else None,
                header_row=mapping.header_row if mapping else None,
                keep=mapping,
            )
        except DomainError as exc:
            self.file_note = exc.detail
        self._show_report(item)

    # ---- step 1: upload ---------------------------------------------------------------------

    @event
    async def upload(self, files: list[rx.UploadFile]) -> EventSpec | list[EventSpec] | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        if not files:
            return rx.toast.error("Choose a CSV, XLSX or XLS file first.")
        upload = files[0]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            return rx.toast.error("The file is over the 50 MB limit.")
        handle = tempfile.NamedTemporaryFile(prefix="travelcrm-sheet-", delete=False)  # noqa: SIM115
        with handle:
            shutil.copyfileobj(upload.file, handle, 1024 * 1024)
        path = Path(handle.name)
        name = upload.filename or "upload"
        list_id = parse_id(self.list_id)

        def stage(session: Session, ctx: TenantContext) -> None:
            if list_id is None:
                raise NotFoundError("Rate list not found.")
            item = sheets.stage_file(
                session, ctx, rate_list_id=list_id, source=path, file_name=name
            )
            self._clear()
            self.import_id, self.file_name = str(item.id), item.file_name
            self._show_preview(session, ctx, sheet=None, header_row=None)

        try:
            _done, failed = self._run(stage, may=Action.RATES_EDIT)
        finally:
            path.unlink(missing_ok=True)
        if failed is not None:
            return failed
        self.step = "map"
        address = f"{routes.rate_import(self.list_id)}?import={self.import_id}"
        return [
            rx.clear_selected_files("sheet"),
            rx.call_script(f"window.history.replaceState(null, '', '{address}')"),
        ]

    # ---- step 2: map ------------------------------------------------------------------------

    def _show_preview(
        self,
        session: Session,
        ctx: TenantContext,
        *,
        sheet: str | None,
        header_row: int | None,
        keep: ImportMapping | None = None,
    ) -> None:
        shown = sheets.preview(
            session, ctx, import_id=self._import_id(), sheet=sheet, header_row=header_row
        )
        self.sheets, self.sheet = shown.sheets, shown.sheet
        best = max(shown.scores, key=lambda s: s.score) if shown.scores else None
        self.sheet_options = [
            SheetOption(
                s.name,
                s.name + (" · looks like the rates" if s is best and len(shown.scores) > 1 else ""),
            )
            for s in shown.scores
        ]
        self.header_row = str(shown.header_row + 1)
        kind = (self.file_name.rsplit(".", 1)[-1] if "." in self.file_name else "").upper()
        notes = [kind or "File"]
        if shown.encoding:
            notes.append(shown.encoding)
        if shown.delimiter:
            notes.append({"\t": "tab", ",": "comma", ";": "semicolon"}.get(shown.delimiter, "?"))
        if len(shown.sheets) > 1:
            notes.append(f"{len(shown.sheets)} sheets")
        self.file_note = " · ".join(notes)
        self.preview_width = max((len(r) for r in shown.rows), default=0)
        self.preview = [
            PreviewRow(
                number=str(i + 1),
                cells=(row + [""] * self.preview_width)[: self.preview_width],
                is_header=i == shown.header_row,
            )
            for i, row in enumerate(shown.rows)
        ]
        mapping = keep or shown.suggested
        self.from_template = shown.from_template and keep is None
        self._mapping = mapping.model_dump(mode="json")
        self._fill_columns(shown.columns, mapping)
        self._set_constants(mapping.constants)
        self._show_unmapped()
        self.step = "map" if self.step == "upload" else self.step

    def _set_constants(self, constants: dict[ImportField, str]) -> None:
        for name, var in CONSTANT_VARS.items():
            empty = AUTO if name in _SELECTS else ""
            setattr(self, var, constants.get(name, empty))
        if ImportField.CURRENCY not in constants:
            self.constant_currency = self.currency

    def _show_unmapped(self) -> None:
        mapping = self._current_mapping()
        self.unmapped = sheets.unmapped_in_words(mapping)

    def _fill_columns(self, columns: list[Any], mapping: ImportMapping) -> None:
        rules = {r.column: r for r in mapping.columns}
        self.columns = [
            ColumnChoice(
                index=c.index,
                letter=get_column_letter(c.index + 1),
                header=c.header,
                samples=" · ".join(s[:24] for s in c.samples[:3]),
                field=rules[c.index].field.value if c.index in rules else "ignore",
                meaning=_meaning(rules.get(c.index)),
            )
            for c in columns
        ]

    def _keep_mapping(self, session: Session, ctx: TenantContext) -> None:
        """The mapping as shown is kept on the import, so a reload comes back to it."""
        sheets.set_mapping(
            session, ctx, import_id=self._import_id(), mapping=self._current_mapping()
        )

    def _kept(self) -> EventSpec | None:
        """`_keep_mapping` on its own (after a column's field or a constant changed)."""
        return self._run(self._keep_mapping, may=Action.RATES_EDIT)[1]

    def _repreview(self, *, sheet: str | None, header_row: int | None) -> EventSpec | None:
        def show(session: Session, ctx: TenantContext) -> None:
            self._show_preview(session, ctx, sheet=sheet, header_row=header_row)
            self._keep_mapping(session, ctx)

        _done, failed = self._run(show, may=Action.RATES_EDIT)
        self._clear_report()
        return failed

    @event
    def pick_sheet(self, name: str) -> EventSpec | None:
        return self._repreview(sheet=name, header_row=None)

    @event
    def set_header_row(self, value: str) -> EventSpec | None:
        try:
            number = int(str(value).strip())
        except ValueError:
            return rx.toast.error("The header row is a row number, like 4.")
        if number < 1:
            return rx.toast.error("Rows are numbered from 1.")
        return self._repreview(sheet=self.sheet or None, header_row=number - 1)

    @event
    def set_field(self, index: int, field: str) -> EventSpec | None:
        mapping = ImportMapping.model_validate(self._mapping)
        rules = [r for r in mapping.columns if r.column != index]
        old = next((r for r in mapping.columns if r.column == index), None)
        header = next((c.header for c in self.columns if c.index == index), "")
        if field != ImportField.IGNORE.value:
            fixed = old.fixed if old is not None else {}
            rules.append(
                ColumnRule(column=index, header=header, field=ImportField(field), fixed=fixed)
            )
        rules.sort(key=lambda r: r.column)
        mapping = mapping.model_copy(update={"columns": rules})
        self._mapping = mapping.model_dump(mode="json")
        for choice in self.columns:
            if choice.index == index:
                choice.field = field
                choice.meaning = _meaning(next((r for r in rules if r.column == index), None))
        self.columns = list(self.columns)
        self.mapping_error = ""
        self._show_unmapped()
        return self._kept()

    @event
    def set_constant(self, field: str, value: str) -> EventSpec | None:
        """A value for every line, for what the file does not say (a select's AUTO, or an
        empty box, clears it)."""
        try:
            name = ImportField(field)
        except ValueError:
            return rx.toast.error("That is not a field of a rate line.")
        var = CONSTANT_VARS.get(name)
        if var is None:
            return rx.toast.error("That field cannot be set for every line.")
        text = str(value).strip()[:100]
        if name in _SELECTS:
            if text not in {v for v, _label in _SELECTS[name]}:
                return rx.toast.error("Choose one of the listed values.")
        elif name == ImportField.CURRENCY:
            text = text.upper()[:3]
        elif name in _DATES and text:
            try:
                text = date.fromisoformat(text).isoformat()
            except ValueError:
                return rx.toast.error("Pick a date (year-month-day).")
        setattr(self, var, text)
        self.mapping_error = ""
        self._show_unmapped()
        return self._kept()

    def _current_mapping(self) -> ImportMapping:
        mapping = ImportMapping.model_validate(self._mapping)
        constants = {k: v for k, v in mapping.constants.items() if k not in CONSTANT_VARS}
        for name, var in CONSTANT_VARS.items():
            value = getattr(self, var)
            if value and value != AUTO:
                constants[name] = value
        return mapping.model_copy(update={"constants": constants})

    # ---- step 3: check, and step 4: commit --------------------------------------------------

    def _start(self, *, dry_run: bool, replace_draft: bool = False) -> Any:
        mapping = self._current_mapping()
        import_id = parse_id(self.import_id)
        if import_id is None:
            return rx.toast.error("Start again: upload the sheet.")

        def start(session: Session, ctx: TenantContext) -> RateImport:
            item = sheets.start(
                session,
                ctx,
                import_id=import_id,
                mapping=mapping,
                dry_run=dry_run,
                replace_draft=replace_draft,
            )
            session.expunge(item)
            return item

        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        if not can(viewer.context.role, Action.RATES_EDIT):
            return rx.toast.error("Your role cannot import rate sheets.")
        self._clear_report()
        try:
            with tenant_scope(viewer.context) as session:
                item = start(session, viewer.context)
        except ConflictError as exc:
            if "draft_version_id" in exc.extra:
                self.replace_open, self.replace_message = True, exc.detail
                return None
            return rx.toast.error(exc.detail)
        except DomainError as exc:
            self.mapping_error = exc.detail
            return rx.toast.error(exc.detail)
        self._show_report(item)
        if self.running:
            return RateImportState.poll
        if item.status == ImportStatus.COMMITTED.value:
            return rx.toast.success(f"Stored as draft v{self.committed_version}.")
        return None

    @event
    def check(self) -> Any:
        return self._start(dry_run=True)

    @event
    def commit(self) -> Any:
        return self._start(dry_run=False)

    @event
    def commit_replacing(self) -> Any:
        self.replace_open = False
        return self._start(dry_run=False, replace_draft=True)

    @event
    def set_replace_open(self, value: bool) -> None:
        self.replace_open = bool(value)

    @event
    def back_to_mapping(self) -> None:
        self._clear_report()
        self.step = "map"

    @event
    def start_over(self) -> Any:
        self._clear()
        return rx.call_script(
            f"window.history.replaceState(null, '', '{routes.rate_import(self.list_id)}')"
        )

    @rx.event(background=True)
    async def poll(self) -> None:
        """Follow a queued import until it is done (the page may be reloaded meanwhile)."""
        for _ in range(3600):
            await asyncio.sleep(1)
            async with self:
                import_id = parse_id(self.import_id)
                if not self.running or import_id is None:
                    return
                cookie = self.router.headers.cookie
            # the database is read outside the state lock and off the event loop
            item = await asyncio.to_thread(_import_for, cookie, import_id)
            async with self:
                if item is None or str(item.id) != self.import_id:
                    self.running = item is not None and self.running
                    return
                self._show_report(item)
                if not self.running:
                    return

    def _show_report(self, item: RateImport) -> None:
        self.status, self.progress, self.stage = item.status, item.progress, item.stage
        self.failure = item.failure or ""
        self.running = item.status in (ImportStatus.QUEUED.value, ImportStatus.RUNNING.value)
        if self.running:
            self.step = "report"
            return
        if item.status == ImportStatus.STAGED.value:
            return
        report = item.report or {}
        self.rows_read, self.lines = item.rows_read, item.lines
        self.error_count, self.warning_count = item.error_count, item.warning_count
        self.errors = [_problem(p) for p in report.get("errors", [])[:SHOWN_PROBLEMS]]
        self.warnings = [_problem(p) for p in report.get("warnings", [])[:SHOWN_PROBLEMS]]
        self.date_note = str((report.get("date_style") or {}).get("evidence") or "")
        self.number_note = str((report.get("number_style") or {}).get("evidence") or "")
        diff = report.get("diff") or {}
        self.diff_counts = {
            k: int(diff.get(k, 0)) for k in ("added", "changed", "removed", "unchanged")
        }
        self.against = str(diff.get("against_version", ""))
        self.groups = [
            GroupRow(
                service=g["service"],
                season=g["season"],
                added=int(g["added"]),
                changed=int(g["changed"]),
                removed=int(g["removed"]),
            )
            for g in diff.get("by_group", [])
        ]
        self.chart = [
            {
                "name": f"{g.service} · {g.season}"[:56],
                "added": g.added,
                "changed": g.changed,
                "removed": g.removed,
            }
            for g in self.groups
            if g.added or g.changed or g.removed
        ][:16]
        self.changes = [
            ChangeRow(
                change=r["change"],
                row=str(r["row"] or ""),
                service=r["service"],
                season=r["season"],
                line=r["line"],
                old=r["old_net"] or "",
                new=r["new_net"] or "",
                pct=f"{r['pct']}%" if r.get("pct") is not None else "",
            )
            for r in diff.get("rows", [])[:SHOWN_CHANGES]
        ]
        self.step = "report"
        if item.status == ImportStatus.COMMITTED.value:
            self.step = "done"
            self.committed_version = self._version_number(item)

    def _version_number(self, item: RateImport) -> str:
        viewer = self._viewer()
        if viewer is None or item.version_id is None:
            return ""
        with tenant_scope(viewer.context) as session:
            return str(rates.get_version(session, viewer.context, item.version_id).number)

    @event
    def download_failing(self) -> Any:
        data, failed = self._run(
            lambda session, ctx: sheets.failing_rows_csv(session, ctx, import_id=self._import_id())
        )
        if data is None:
            return failed
        stem = self.file_name.rsplit(".", 1)[0] or "sheet"
        return rx.download(data=data, filename=f"{stem}-failing-rows.csv")


def _problems_text(errors: int, warnings: int) -> str:
    parts = []
    if errors:
        parts.append(f"{errors:,} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings:,} warning{'s' if warnings != 1 else ''}")
    return " · ".join(parts) or "clean"


def _problem(p: dict[str, Any]) -> ProblemRow:
    return ProblemRow(row=str(p["row"] or "—"), column=p["column"] or "—", reason=p["reason"])


def _import_for(cookie: str, import_id: uuid.UUID) -> RateImport | None:
    """The import as its page follows it; None once the viewer or the import is gone."""
    viewer = identify(cookie)
    if viewer is None:
        return None
    try:
        with tenant_scope(viewer.context) as session:
            return sheets.get_import(session, viewer.context, import_id=import_id)
    except DomainError:
        return None

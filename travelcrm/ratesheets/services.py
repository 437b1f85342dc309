"""Importing a supplier's rate sheet into a rate list: stage the file, preview and map it, check
every row (dry run: errors, warnings, diff against the version it writes into: the draft, else
the published one), then commit all or
nothing into a new draft version; the mapping becomes the supplier's template.

A run reads the staged file again (the upload is kept under DATA_DIR while the import may
need it: see `retention`), so a dry run and its commit see exactly the same bytes (checksum).
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import functools
import gc
import hashlib
import heapq
import hmac
import io
import itertools
import operator
import pickle
import shutil
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from travelcrm.audit import services as audit
from travelcrm.core.clock import utcnow
from travelcrm.core.errors import (
    ConflictError,
    DomainError,
    FieldError,
    NotFoundError,
    ValidationFailedError,
)
from travelcrm.core.jobs import enqueue_after_commit
from travelcrm.core.money import round_money
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.core.upsert import save_row
from travelcrm.db import scoped_connection, tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import rules
from travelcrm.rates import services as rates
from travelcrm.rates.models import (
    VEHICLE_BASES,
    AgeBandKind,
    Occupancy,
    PricingBasis,
    RateList,
    RateListVersion,
    Season,
    VersionStatus,
)
from travelcrm.rates.pricewords import PriceWords
from travelcrm.ratesheets import mapping as sheetmap
from travelcrm.ratesheets.export import neutralise
from travelcrm.ratesheets.models import ImportStatus, ImportTemplate, RateImport
from travelcrm.ratesheets.reading import RawSheet, Workbook, read_workbook
from travelcrm.ratesheets.schemas import ImportField, ImportMapping
from travelcrm.settings import get_settings
from travelcrm.suppliers.models import ServiceKind, Supplier, SupplierService

PREVIEW_ROWS = 25
REPORT_LIMIT = 1000  # problems and diff rows kept in the report (counts are always complete)
PRICE_JUMP_PCT = Decimal(30)  # a price up more than this vs the current version is a warning

# the service kind decides the pricing basis when the sheet does not say
_BASIS_BY_KIND = {
    ServiceKind.ROOM.value: PricingBasis.PER_ROOM.value,
    ServiceKind.VEHICLE.value: PricingBasis.PER_VEHICLE.value,
}
# enum values compared once per line
_ADULT = AgeBandKind.ADULT.value
_ANY = Occupancy.ANY.value
_EXTRA_BED = Occupancy.EXTRA_BED.value
_PER_ROOM = PricingBasis.PER_ROOM.value
_PER_PERSON = PricingBasis.PER_PERSON.value


# ---- staging and preview -------------------------------------------------------------------------


def upload_dir(tenant_id: uuid.UUID) -> Path:
    """Where the agency's uploads are kept (see `retention`)."""
    return get_settings().data_dir / "imports" / str(tenant_id)


def upload_files(stored_as: str) -> tuple[Path, Path, Path]:
    """An upload's files: the upload, its kept dry run, and that dry run being written."""
    return Path(stored_as), Path(stored_as + ".checked"), Path(stored_as + ".partial")


def _get_import(session: Session, import_id: uuid.UUID) -> RateImport:
    found = session.exec(select(RateImport).where(col(RateImport.id) == import_id)).first()
    if found is None:
        raise NotFoundError("Import not found.")
    return found


def get_import(session: Session, ctx: TenantContext, *, import_id: uuid.UUID) -> RateImport:
    require(ctx, Action.RATES_VIEW)
    return _get_import(session, import_id)


def list_imports(
    session: Session, ctx: TenantContext, *, rate_list_id: uuid.UUID, limit: int = 50
) -> list[RateImport]:
    """The list's import history, newest first."""
    require(ctx, Action.RATES_VIEW)
    rates.get_rate_list(session, ctx, rate_list_id)
    return list(
        session.exec(
            select(RateImport)
            .where(col(RateImport.rate_list_id) == rate_list_id)
            .order_by(col(RateImport.created_at).desc())
            .limit(limit)
        ).all()
    )


def stage_file(
    session: Session,
    ctx: TenantContext,
    *,
    rate_list_id: uuid.UUID,
    source: Path,
    file_name: str,
) -> RateImport:
    """Check an uploaded file (size, kind, safety; refused with the reason) and keep it for
    the import's runs. The caller's temporary file may be removed afterwards."""
    require(ctx, Action.RATES_EDIT)
    rate_list = rates.get_rate_list(session, ctx, rate_list_id)
    workbook = read_workbook(source, file_name)
    item = RateImport(
        tenant_id=ctx.tenant_id,
        rate_list_id=rate_list.id,
        supplier_id=rate_list.supplier_id,
        file_name=Path(file_name).name[-255:] or "upload",
        checksum=workbook.checksum,
        size_bytes=source.stat().st_size,
        kind=workbook.kind,
        stored_as="",
        status=ImportStatus.STAGED.value,
        stage="uploaded",
        created_by=ctx.user_id,
    )
    folder = upload_dir(ctx.tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{item.id}.{workbook.kind}"
    shutil.copyfile(source, target)
    item.stored_as = str(target)
    _remember(item.stored_as, workbook)
    session.add(item)
    session.flush()
    return item


@dataclass(frozen=True)
class SheetPreview:
    sheets: list[str]
    sheet: str
    header_row: int
    rows: list[list[str]]  # the first rows as text, from the top of the sheet
    columns: list[sheetmap.Column]
    suggested: ImportMapping
    from_template: bool
    encoding: str | None
    delimiter: str | None
    scores: list[sheetmap.SheetScore]  # every sheet's, in the workbook's order
    unmapped_required: list[ImportField]  # what the suggested mapping leaves unmapped


# The last workbook read, kept in this process: a staged file is read at upload, then again by
# its preview and its dry run, usually in the same process within seconds. Staged files never
# change (their checksum is part of the key); another process simply reads the file.
_last_read: dict[tuple[str, str], Workbook] = {}


def _remember(stored_as: str, workbook: Workbook) -> None:
    _last_read.clear()
    _last_read[(stored_as, workbook.checksum)] = workbook


def forget_workbook(stored_as: str, checksum: str) -> None:
    """Drop this process's read of an import's file (the file is going)."""
    _last_read.pop((stored_as, checksum), None)


def _workbook(item: RateImport) -> Workbook:
    kept = _last_read.get((item.stored_as, item.checksum))
    if kept is not None:
        return kept
    path = Path(item.stored_as)
    if not path.exists():
        raise ConflictError("The uploaded file is no longer kept; upload it again.")
    workbook = read_workbook(path, item.file_name)
    _remember(item.stored_as, workbook)
    return workbook


def _sheet(workbook: Workbook, name: str | None) -> RawSheet:
    """The named sheet, or the one that looks most like a rate table (a cover sheet first in
    the workbook is passed over)."""
    if name is None:
        return sheetmap.best_sheet(workbook.sheets)
    for sheet in workbook.sheets:
        if sheet.name == name:
            return sheet
    names = ", ".join(s.name for s in workbook.sheets)
    raise ValidationFailedError(
        f"The workbook has no sheet {name!r} (it has {names}).",
        errors=[FieldError("sheet", f"no sheet {name!r}", "unknown_sheet")],
    )


def _template(session: Session, supplier_id: uuid.UUID) -> ImportMapping | None:
    found = session.exec(
        select(ImportTemplate).where(col(ImportTemplate.supplier_id) == supplier_id)
    ).first()
    if found is None:
        return None
    try:
        return ImportMapping.model_validate(found.mapping)
    except ValidationError:
        return None  # an old shape: suggest afresh


def _day_first_default(session: Session, supplier_id: uuid.UUID) -> bool:
    supplier = session.exec(select(Supplier).where(col(Supplier.id) == supplier_id)).first()
    return _day_first_for(supplier)


def _day_first_for(supplier: Supplier | None) -> bool:
    """Where the supplier is, dates are written day first unless it is one of the few
    countries that write the month first."""
    return not (supplier and supplier.country in {"US", "PH", "CA"})


def preview(
    session: Session,
    ctx: TenantContext,
    *,
    import_id: uuid.UUID,
    sheet: str | None = None,
    header_row: int | None = None,
) -> SheetPreview:
    """The first rows of a sheet, its header row (found, or as corrected) and a suggested
    mapping (the supplier's template where its headers are found again)."""
    require(ctx, Action.RATES_VIEW)
    item = _get_import(session, import_id)
    workbook = _workbook(item)
    raw = _sheet(workbook, sheet)
    found = sheetmap.find_header_row(raw) if header_row is None else header_row
    if found >= max(len(raw.rows), 1):
        raise ValidationFailedError(
            f"Row {found + 1} is past the end of the sheet ({len(raw.rows)} rows).",
            errors=[FieldError("header_row", "past the end of the sheet", "range")],
        )
    template = _template(session, item.supplier_id)
    day_first = _day_first_default(session, item.supplier_id)
    suggested = sheetmap.suggest_mapping(
        raw, header_row=found, template=template, day_first=day_first
    )
    plain = sheetmap.suggest_mapping(raw, header_row=found, day_first=day_first)
    shown = raw.rows[: max(PREVIEW_ROWS, found + 10)]
    return SheetPreview(
        sheets=[s.name for s in workbook.sheets],
        sheet=raw.name,
        header_row=found,
        rows=[[sheetmap.cell_text(c) for c in r] for r in shown],
        columns=sheetmap.columns_of(raw, found),
        suggested=suggested,
        from_template=template is not None and suggested.columns != plain.columns,
        encoding=workbook.encoding,
        delimiter=workbook.delimiter,
        scores=sheetmap.score_sheets(workbook.sheets),
        unmapped_required=sheetmap.unmapped_required(suggested),
    )


def unmapped_in_words(mapping: ImportMapping) -> list[str]:
    """The required fields a mapping leaves unmapped, as the page names them."""
    return sheetmap.missing_required(mapping)


def require_mapped(mapping: ImportMapping) -> None:
    """Refuse a mapping that leaves a required field unmapped, naming each one."""
    missing = sheetmap.unmapped_required(mapping)
    if missing:
        raise ValidationFailedError(
            "Map these before checking the file: "
            + ", ".join(sheetmap.REQUIRED_LABELS[f] for f in missing)
            + ".",
            errors=[
                FieldError(
                    f"mapping.{f.value}", f"{sheetmap.REQUIRED_LABELS[f]} is not mapped", "unmapped"
                )
                for f in missing
            ],
        )


def _editable(item: RateImport) -> None:
    if item.status == ImportStatus.COMMITTED.value:
        raise ConflictError("This import is already committed; upload the file again to redo it.")
    if item.status in (ImportStatus.QUEUED.value, ImportStatus.RUNNING.value):
        raise ConflictError("This import is already running; wait for its report.")


def set_mapping(
    session: Session, ctx: TenantContext, *, import_id: uuid.UUID, mapping: ImportMapping
) -> RateImport:
    """Keep a mapping on a staged (or checked) import for its next dry run or commit; it may
    still leave required fields unmapped (`preview_for` says which)."""
    require(ctx, Action.RATES_EDIT)
    item = _get_import(session, import_id)
    _editable(item)
    raw = _sheet(_workbook(item), mapping.sheet)
    if mapping.header_row >= max(len(raw.rows), 1):
        raise ValidationFailedError(
            f"Row {mapping.header_row + 1} is past the end of the sheet ({len(raw.rows)} rows).",
            errors=[FieldError("header_row", "past the end of the sheet", "range")],
        )
    item.mapping = mapping.model_copy(update={"sheet": raw.name}).model_dump(mode="json")
    _drop_kept(item)
    if item.status != ImportStatus.STAGED.value:
        item.status, item.stage = ImportStatus.STAGED.value, "mapping changed"
        item.report, item.error_count, item.warning_count = {}, 0, 0
        item.rows_read, item.lines, item.finished_at = 0, 0, None
    session.add(item)
    session.flush()
    return item


@dataclass(frozen=True)
class Staged:
    """An import and what its mapping still lacks (nothing: it was run)."""

    item: RateImport
    preview: SheetPreview
    mapping: ImportMapping
    unmapped_required: list[ImportField]


def mapping_state(session: Session, ctx: TenantContext, *, import_id: uuid.UUID) -> Staged:
    """An import with its preview (on its mapping's sheet and header row), the mapping it
    will run with (its own, else the suggested one) and the required fields still unmapped."""
    item = get_import(session, ctx, import_id=import_id)
    own = ImportMapping.model_validate(item.mapping) if item.mapping else None
    shown = preview(
        session,
        ctx,
        import_id=import_id,
        sheet=own.sheet if own else None,
        header_row=own.header_row if own else None,
    )
    mapping = own or shown.suggested
    return Staged(item, shown, mapping, sheetmap.unmapped_required(mapping))


def upload(
    session: Session,
    ctx: TenantContext,
    *,
    rate_list_id: uuid.UUID,
    source: Path,
    file_name: str,
    mapping: ImportMapping | None = None,
    sheet: str | None = None,
    dry_run: bool = True,
    replace_draft: bool = False,
) -> Staged:
    """Stage a file and, when its mapping (the given one, else the supplier's template or
    the suggested one, on `sheet` or the sheet that looks most like a rate table) maps every
    required field, run it (dry run or commit; large files queued). Otherwise the import
    stays staged with that mapping, for the caller to complete."""
    item = stage_file(session, ctx, rate_list_id=rate_list_id, source=source, file_name=file_name)
    if mapping is not None and sheet is not None and mapping.sheet is None:
        mapping = mapping.model_copy(update={"sheet": sheet})
    shown = preview(
        session,
        ctx,
        import_id=item.id,
        sheet=mapping.sheet if mapping else sheet,
        header_row=mapping.header_row if mapping else None,
    )
    mapping = mapping or shown.suggested
    missing = sheetmap.unmapped_required(mapping)
    if missing:
        item.mapping = mapping.model_copy(update={"sheet": shown.sheet}).model_dump(mode="json")
        item.stage = "waiting for a mapping"
        session.add(item)
        session.flush()
        return Staged(item, shown, mapping, missing)
    done = start(
        session,
        ctx,
        import_id=item.id,
        mapping=mapping,
        dry_run=dry_run,
        replace_draft=replace_draft,
    )
    return Staged(done, shown, mapping, [])


# ---- checking ------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int
    column: str
    reason: str
    code: str

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason, "code": self.code}


# A sheet line resolved against the list is a plain tuple of these fields, in this order
# (hot: one per line, 400,000 for a big sheet, and a NamedTuple takes twice as long to make);
# the columns to store are slices of the lines laid end to end.
RESOLVED_FIELDS = (
    "row",
    "service_id",
    "service_name",
    "season_name",
    "starts_on",
    "ends_on",
    "basis",
    "occupancy",
    "age_band",
    "pax_min",
    "pax_max",
    "net",
    "sell",
    "markup_pct",
    "weekdays",
    "min_nights",
    "season_key",  # the season's name, lower case: lines match by it
    "service_no",  # the service's number in the check (keys hash it, not the slower UUID)
    "capacity",  # seats per vehicle (vehicle bases); None: the service's
    "supplement",  # a surcharge's name; None for the base price
    "optional",
)
(
    _L_ROW,
    _L_SERVICE_ID,
    _L_SERVICE_NAME,
    _L_SEASON_NAME,
    _L_STARTS_ON,
    _L_ENDS_ON,
    _L_BASIS,
    _L_OCCUPANCY,
    _L_AGE_BAND,
    _L_PAX_MIN,
    _L_PAX_MAX,
    _L_NET,
    _L_SELL,
    _L_MARKUP,
    _L_WEEKDAYS,
    _L_MIN_NIGHTS,
    _L_SEASON_KEY,
    _L_SERVICE_NO,
    _L_CAPACITY,
    _L_SUPPLEMENT,
    _L_OPTIONAL,
) = range(len(RESOLVED_FIELDS))
ResolvedLine = tuple[Any, ...]


_UNSET: Any = object()  # no value seen yet
# what makes a line the same line in two versions: service, season, supplement, basis,
# occupancy, age band, pax break, weekdays (as `rates.rules.line_key` for the grid)
_line_key = operator.itemgetter(
    _L_SERVICE_NO,
    _L_SEASON_KEY,
    _L_SUPPLEMENT,
    _L_BASIS,
    _L_OCCUPANCY,
    _L_AGE_BAND,
    _L_PAX_MIN,
    _L_PAX_MAX,
    _L_WEEKDAYS,
)
# the same without the pax break: lines whose pax breaks must not overlap nor leave gaps
_pax_group_key = operator.itemgetter(
    _L_SERVICE_NO, _L_SEASON_KEY, _L_SUPPLEMENT, _L_BASIS, _L_OCCUPANCY, _L_AGE_BAND, _L_WEEKDAYS
)
_pax_break = operator.itemgetter(_L_PAX_MIN, _L_PAX_MAX)
# service and season names: the diff's summary groups
_line_group = operator.itemgetter(_L_SERVICE_NAME, _L_SEASON_NAME)


@dataclass
class Checked:
    lines: list[ResolvedLine]  # empty when read back from a kept dry run: `columns` holds them
    seasons: list[tuple[str, date, date]]
    errors: list[Problem]
    warnings: list[Problem]
    rows_read: int
    report: dict[str, Any]
    columns: dict[str, list[Any]] | None = None
    count: int = -1

    def __post_init__(self) -> None:
        if self.count < 0:
            self.count = len(self.lines)

    def line_columns(self) -> dict[str, list[Any]]:
        """What storing needs of the lines, a list per field (in the lines' order)."""
        if self.columns is None:
            # (the lines laid end to end, then every n-th value: C-fast, where transposing
            # makes a tuple per field and copies each)
            width = len(RESOLVED_FIELDS)
            values = list(itertools.chain.from_iterable(self.lines))
            self.columns = {
                name: values[RESOLVED_FIELDS.index(name) :: width] for name in _STORED_FIELDS
            }
        return self.columns


# the fields of a resolved line that a rate line stores (with its season's dates)
_STORED_FIELDS = (
    "service_id",
    "starts_on",
    "ends_on",
    "basis",
    "occupancy",
    "age_band",
    "pax_min",
    "pax_max",
    "net",
    "sell",
    "markup_pct",
    "weekdays",
    "min_nights",
    "capacity",
    "supplement",
    "optional",
)


def _problem(p: sheetmap.RowProblem) -> Problem:
    return Problem(p.row, p.column, p.reason, p.code)


class _Service(NamedTuple):
    """What a check reads of a supplier service (columns, not ORM objects: a thousand of
    them are read for every check)."""

    id: uuid.UUID
    name: str
    meal_plan: str | None
    kind: str
    is_active: bool


def _services_to_price(session: Session, supplier_id: uuid.UUID) -> list[_Service]:
    """The supplier's services, in `rates.services_to_price`'s order, as plain rows on the
    scoped connection."""
    connection, tenant_id = scoped_connection(session)
    table = SupplierService.__table__  # type: ignore[attr-defined]
    rows = connection.execute(
        sa_select(table.c.id, table.c.name, table.c.meal_plan, table.c.kind, table.c.is_active)
        .where(table.c.tenant_id == tenant_id, table.c.supplier_id == supplier_id)
        .order_by(table.c.name, table.c.meal_plan)
    )
    return list(map(_Service._make, rows))


def _service_index(services: Iterable[_Service]) -> dict[str, list[_Service]]:
    index: dict[str, list[_Service]] = defaultdict(list)
    for service in services:
        index[" ".join(service.name.lower().split())].append(service)
    return index


def _numbered(services: list[_Service]) -> dict[uuid.UUID, int]:
    return {service.id: number for number, service in enumerate(services)}


def _resolve_service(
    name: str,
    meal_plan: str | None,
    index: dict[str, list[_Service]],
    supplier_name: str,
) -> _Service | str:
    named = index.get(" ".join(name.lower().split()), [])
    if not named:
        close = difflib.get_close_matches(name.lower(), list(index), n=1, cutoff=0.75)
        hint = ""
        if close:
            hint = f" (did you mean {index[close[0]][0].name!r}?)"
        return f"{name!r} is not a service of {supplier_name}{hint}"
    if meal_plan is None:
        if len(named) == 1:
            return named[0]
        plans = "/".join(sorted(s.meal_plan or "-" for s in named))
        return f"{name!r} comes with several meal plans ({plans}); map the meal plan"
    for service in named:
        if (service.meal_plan or "") == meal_plan:
            return service
    plans = ", ".join(sorted(s.meal_plan or "none" for s in named))
    return f"{named[0].name} has no {meal_plan} meal plan (it has {plans})"


@functools.lru_cache(maxsize=4096)
def _range_name(start: date, end: date) -> str:
    return f"{start:%d %b %Y} - {end:%d %b %Y}"


@dataclass(frozen=True, slots=True)
class _ServiceRef:
    """What a resolved line needs of a supplier service (read off the ORM object once)."""

    id: uuid.UUID
    label: str  # "Deluxe Sea View (MAP)"
    basis: str  # the default pricing basis of its kind
    number: int  # its place in the supplier's services (`_numbered`)


@dataclass(frozen=True, slots=True)
class _Refusal:
    """Why lines with these values can't be stored; `column` picks where to report it from the
    line's columns (field -> header)."""

    reason: str
    code: str
    column: Callable[[dict[str, str]], str]

    def problem(self, row: int, columns: dict[str, str]) -> Problem:
        return Problem(row, self.column(columns), self.reason, self.code)


def _season_column(columns: dict[str, str]) -> str:
    return columns.get("season", "")


def _dates_column(columns: dict[str, str]) -> str:
    return columns.get("valid_from") or columns.get("valid_to") or ""


def _validity_column(columns: dict[str, str]) -> str:
    return columns.get("valid_from", columns.get("season", ""))


def _net_column(columns: dict[str, str]) -> str:
    return columns.get("net", "")


def _age_band_column(columns: dict[str, str]) -> str:
    return columns.get("age_band", columns.get("net", ""))


# where a line's problem with one of its values is reported: the column the value came from
# (seats written in the basis cell: the basis column)
_PROBLEM_COLUMNS = {"pax_max": ("pax", "pax_max"), "capacity": ("capacity", "basis")}


class _Resolver:
    """Resolves the sheet's lines against the supplier's services and the list's seasons and
    terms. Thousands of lines share a few services, seasons and terms: each is resolved once
    (or refused once), and a line is put together from the answers."""

    def __init__(
        self,
        *,
        services: list[_Service],
        supplier: Supplier,
        by_name: dict[str, list[Season]],
        by_dates: dict[tuple[date, date], str],
        version: RateListVersion,
        bands: set[str],
        columns_of: Callable[[int, Sequence[Any]], dict[str, str]],
        ranges: dict[uuid.UUID, list[tuple[date, date]]] | None = None,
    ) -> None:
        self.index = _service_index(services)
        self.numbers = _numbered(services)
        self.supplier_name = supplier.name
        self.by_name = by_name
        self.by_dates = by_dates
        self.valid_from = version.valid_from
        self.valid_to = version.valid_to
        self.currency = version.currency
        self.bands = bands
        self.columns_of = columns_of
        self._services: dict[tuple[str, str | None], _ServiceRef | str] = {}
        self._seasons: dict[tuple[Any, ...], tuple[date, date, str, str] | _Refusal] = {}
        self._terms: dict[tuple[Any, ...], tuple[str, str, str] | _Refusal] = {}
        # the answers that are no refusal, for `resolve`'s quick path
        self._good_services: dict[tuple[str, str | None], _ServiceRef] = {}
        self._good_seasons: dict[tuple[Any, ...], tuple[date, date, str, str]] = {}
        self._good_terms: dict[tuple[Any, ...], tuple[str, str, str]] = {}
        self._money: dict[Decimal, Decimal] = {}
        # each season's dates with the name the first line resolved with them gives them
        self.season_names: dict[tuple[date, date], str] = {}
        self.ranges = ranges or {}
        # rows whose line is another date range of a season met before (not a line of their
        # own: the season gets the range), by range
        self.range_rows: dict[tuple[date, date], list[int]] = defaultdict(list)

    def service(self, name: str, meal_plan: str | None) -> _ServiceRef | str:
        """The service a line names, or why none."""
        found = self._services.get((name, meal_plan))
        if found is None:
            service = _resolve_service(name, meal_plan, self.index, self.supplier_name)
            if isinstance(service, str):
                found = service
            else:
                found = _ServiceRef(
                    service.id,
                    service.name + (f" ({service.meal_plan})" if service.meal_plan else ""),
                    _BASIS_BY_KIND.get(service.kind, _PER_PERSON),
                    self.numbers[service.id],
                )
                self._good_services[(name, meal_plan)] = found
            self._services[(name, meal_plan)] = found
        return found

    def season(
        self, valid_from: date | None, valid_to: date | None, season: str | None
    ) -> tuple[date, date, str, str] | _Refusal:
        """(start, end, name, name in lower case: lines match by it), or why not: dates from
        the sheet (named by the sheet, or by the list's season with those dates), else the
        list's season of that name; inside the list's validity."""
        key = (valid_from, valid_to, season)
        found = self._seasons.get(key)
        if found is not None:
            return found
        if valid_from and valid_to:
            start, end = valid_from, valid_to
            name = season or self.by_dates.get((start, end)) or _range_name(start, end)
        elif season:
            named = self.by_name.get(season.lower())
            if not named:
                known = ", ".join(sorted({s[0].name for s in self.by_name.values()})) or "none yet"
                found = _Refusal(
                    f"no season named {season!r} in this list (its seasons: {known}); "
                    "map the dates instead",
                    "season",
                    _season_column,
                )
            else:
                spans = self.ranges.get(named[0].id) or [(named[0].starts_on, named[0].ends_on)]
                (start, end), name = spans[0], named[0].name
                for span in spans[1:]:  # the season's other ranges come with it
                    self.season_names.setdefault(span, name)
        else:
            found = _Refusal("the season's dates are incomplete", "season", _dates_column)
        if found is None:
            if start < self.valid_from or end > self.valid_to:
                found = _Refusal(
                    f"{_range_name(start, end)} is outside the list's validity "
                    f"({_range_name(self.valid_from, self.valid_to)})",
                    "validity",
                    _validity_column,
                )
            else:
                found = self._good_seasons[key] = (start, end, name, name.lower())
        self._seasons[key] = found
        return found

    def terms(
        self, basis: str | None, default_basis: str, occupancy: str | None, age_band: str | None
    ) -> tuple[str, str, str] | _Refusal:
        """(basis, occupancy, age band) as stored, or why not."""
        key = (basis, default_basis, occupancy, age_band)
        found = self._terms.get(key)
        if found is not None:
            return found
        basis = basis or default_basis
        age_band = age_band or _ADULT
        if basis == _PER_ROOM and age_band != _ADULT and occupancy in (None, _ANY):
            occupancy = _EXTRA_BED  # a child's price on a per-room contract
        occupancy = occupancy or _ANY
        # the grid's and the API's rule (`rates.rules`), its first problem on its column
        problems = rules.term_problems(basis, occupancy, age_band, self.bands)
        if problems:
            field, reason, _code = problems[0]
            column = _net_column if field == "occupancy" else _age_band_column
            found = _Refusal(reason, field, column)
        else:
            found = self._good_terms[key] = (basis, occupancy, age_band)
        self._terms[key] = found
        return found

    def money(self, amount: Decimal) -> Decimal:
        """Rounded to the list's currency; a sheet repeats its prices, so each is rounded once
        (and the lines share the result)."""
        rounded = self._money.get(amount)
        if rounded is None:
            rounded = self._money[amount] = round_money(amount, self.currency)
        return rounded

    def resolve(
        self, lines: list[sheetmap.Line], errors: list[Problem], warnings: list[Problem]
    ) -> list[ResolvedLine]:
        """The sheet's lines resolved (a line repeating an earlier one is dropped, with a
        warning); problems to `errors`, warnings (duplicates, sold below net) to `warnings`.

        Hot: a call for all the lines. A line whose service, season, terms and prices were
        all seen before is put together here from the answers; any other goes through `line`
        (which answers, remembers, or names the problem)."""
        services, seasons, terms_of = self._good_services, self._good_seasons, self._good_terms
        money, currency_of_list = self._money, self.currency
        resolved: list[ResolvedLine] = []
        first_row: dict[tuple[Any, ...], ResolvedLine] = {}
        # a row's lines (and often the next rows') name the same service and season, as the
        # very same objects (`build_lines` shares them): those are looked up once per run of
        # lines, not per line
        service_of: tuple[Any, Any] = (_UNSET, _UNSET)
        season_of: tuple[Any, Any, Any] = (_UNSET, _UNSET, _UNSET)
        service: _ServiceRef | None = None
        season: tuple[date, date, str, str] | None = None
        season_names, named_from, named_to = self.season_names, _UNSET, _UNSET
        for line in lines:
            row, values, plan, cells = line
            (
                service_name,
                meal_plan,
                season_name,
                valid_from,
                valid_to,
                basis,
                occupancy,
                age_band,
                pax_min,
                pax_max,
                min_nights,
                weekdays,
                currency,
                net,
                sell,
                markup,
                capacity,
                supplement,
                optional,
                seats,
            ) = values  # sheetmap.LINE_FIELDS
            if capacity is None:
                capacity = seats  # (a seats column or constant wins over the basis cell's)
            # (each answer met for the first time is worked out, and remembered if good)
            if service_name is not service_of[0] or meal_plan is not service_of[1]:
                service_of = (service_name, meal_plan)
                service = services.get(service_of)
                if service is None:
                    self.service(service_name, meal_plan)
                    service = services.get(service_of)
            if (
                valid_from is not season_of[0]
                or valid_to is not season_of[1]
                or season_name is not season_of[2]
            ):
                season_of = (valid_from, valid_to, season_name)
                season = seasons.get(season_of)
                if season is None:
                    self.season(valid_from, valid_to, season_name)
                    season = seasons.get(season_of)
            terms = None
            if service is not None:
                terms = terms_of.get((basis, service.basis, occupancy, age_band))
                if terms is None:
                    self.terms(basis, service.basis, occupancy, age_band)
                    terms = terms_of.get((basis, service.basis, occupancy, age_band))
            rounded = money.get(net)
            if rounded is None and net is not None:
                rounded = self.money(net)
            if sell is not None and sell not in money:
                self.money(sell)
            if (
                season is None
                or terms is None
                or (capacity is not None and terms[0] not in VEHICLE_BASES)
                or (optional and not supplement)
                or rounded is None
                or (currency is not None and currency != currency_of_list)
                or pax_min > pax_max
                or (sell is not None and markup is not None)
                or not weekdays
            ):
                found = self.line(line)
                if isinstance(found, Problem):
                    errors.append(found)
                    continue
            else:
                assert service is not None
                found = (
                    row,
                    service.id,
                    service.label,
                    season[2],
                    season[0],
                    season[1],
                    terms[0],
                    terms[1],
                    terms[2],
                    pax_min,
                    pax_max,
                    rounded,
                    None if sell is None else money[sell],
                    markup,
                    weekdays,
                    min_nights,
                    season[3],
                    service.number,
                    capacity,
                    supplement,
                    optional,
                )
            earlier = first_row.setdefault(_line_key(found), found)  # one hash of the key
            if earlier is not found:
                if (
                    earlier[_L_STARTS_ON] != found[_L_STARTS_ON]
                    or earlier[_L_ENDS_ON] != found[_L_ENDS_ON]
                ):
                    # the same season name with other dates: another range of that season
                    # ("Peak" at New Year and again at Easter), which has one price
                    self._another_range(found, earlier, errors, self.columns_of(plan, cells))
                    continue
                warnings.append(
                    Problem(
                        row,
                        "",
                        f"repeats row {earlier[_L_ROW]}; the first one is kept",
                        "duplicate",
                    )
                )
                continue
            resolved.append(found)
            if found[_L_STARTS_ON] is not named_from or found[_L_ENDS_ON] is not named_to:
                named_from, named_to = found[_L_STARTS_ON], found[_L_ENDS_ON]
                season_names.setdefault((named_from, named_to), found[_L_SEASON_NAME])
            if sell is None and markup is None:
                continue  # (the usual line: nothing sold, nothing to warn of)
            net = found[_L_NET]
            selling = found[_L_SELL] if found[_L_SELL] is not None else net * (1 + markup / 100)
            if selling < net:
                columns = self.columns_of(plan, cells)
                warnings.append(
                    Problem(
                        row,
                        columns.get("sell", columns.get("markup_pct", "")),
                        f"sells below net ({selling:.2f} < {net:.2f})",
                        "below_net",
                    )
                )
        return resolved

    def _another_range(
        self,
        found: ResolvedLine,
        earlier: ResolvedLine,
        errors: list[Problem],
        columns: dict[str, str],
    ) -> None:
        """`found` names a season met before with other dates: the season gets these dates
        too, and the line must price them as it priced the first range."""
        span = (found[_L_STARTS_ON], found[_L_ENDS_ON])
        self.season_names.setdefault(span, earlier[_L_SEASON_NAME])
        self.range_rows[span].append(found[_L_ROW])
        same = (
            found[_L_NET] == earlier[_L_NET]
            and found[_L_SELL] == earlier[_L_SELL]
            and found[_L_MARKUP] == earlier[_L_MARKUP]
            and found[_L_MIN_NIGHTS] == earlier[_L_MIN_NIGHTS]
        )
        if not same:
            errors.append(
                Problem(
                    found[_L_ROW],
                    columns.get("net", ""),
                    f"{earlier[_L_SEASON_NAME]} ({_range_name(*span)}) is priced "
                    f"{found[_L_NET]:,.2f} here but {earlier[_L_NET]:,.2f} on row "
                    f"{earlier[_L_ROW]} ({_range_name(earlier[_L_STARTS_ON], earlier[_L_ENDS_ON])})"
                    ": the date ranges of one season share its prices; give these dates "
                    "another season name",
                    "season_prices_differ",
                )
            )

    def line(self, line: sheetmap.Line) -> ResolvedLine | Problem:
        """One line of the sheet resolved, or its first problem (in the order: service,
        season, validity, currency, occupancy, age band, pax break, sell or markup)."""
        row, values, plan, cells = line
        v = sheetmap.LineValues._make(values)  # (not hot: a line met for the first time)
        service = self.service(v.service, v.meal_plan)
        if isinstance(service, str):
            columns = self.columns_of(plan, cells)
            return Problem(row, columns.get("service", ""), service, "service")
        season = self.season(v.valid_from, v.valid_to, v.season)
        if isinstance(season, _Refusal):
            return season.problem(row, self.columns_of(plan, cells))
        if v.currency is not None and v.currency != self.currency:
            columns = self.columns_of(plan, cells)
            return Problem(
                row,
                columns.get("net", columns.get("currency", "")),
                f"prices in {v.currency}, but the list is in {self.currency}",
                "currency",
            )
        terms = self.terms(v.basis, service.basis, v.occupancy, v.age_band)
        if isinstance(terms, _Refusal):
            return terms.problem(row, self.columns_of(plan, cells))
        capacity = v.seats if v.capacity is None else v.capacity
        problems = rules.value_problems(
            basis=terms[0],
            pax_min=v.pax_min,
            pax_max=v.pax_max,
            sell=v.sell,
            markup_pct=v.markup_pct,
            weekdays=v.weekdays,
            capacity=capacity,
            supplement=v.supplement,
            optional=v.optional,
        )
        if problems:
            field, reason, code = problems[0]
            columns = self.columns_of(plan, cells)
            where = next(
                (columns[c] for c in _PROBLEM_COLUMNS.get(field, (field,)) if c in columns), ""
            )
            return Problem(row, where, reason, code)
        start, end, season_name, key = season
        basis, occupancy, age_band = terms
        return (
            row,
            service.id,
            service.label,
            season_name,
            start,
            end,
            basis,
            occupancy,
            age_band,
            v.pax_min,
            v.pax_max,
            self.money(v.net),
            None if v.sell is None else self.money(v.sell),
            v.markup_pct,
            v.weekdays,
            v.min_nights,
            key,
            service.number,
            capacity,
            v.supplement,
            v.optional,
        )


@dataclass
class _Against:
    """What a check resolves the sheet against: the list, the version it is compared with,
    the supplier and its services, that version's seasons and age bands."""

    rate_list: RateList
    base: RateListVersion
    supplier: Supplier
    services: list[_Service]
    seasons: list[Season]
    bands: set[str]
    words: PriceWords  # the agency's words for 0 and for no price in price cells
    # each season's date ranges (a season may have several: "Peak" at New Year and Easter)
    ranges: dict[uuid.UUID, list[tuple[date, date]]] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """Changes when anything a check read of the database changes (a renamed service, an
        edited version, a new season...): a kept dry run is then checked again."""
        parts: list[Any] = [
            self.rate_list.id,
            self.base.id,
            self.base.row_version,
            self.base.status,
            self.supplier.name,
            self.supplier.country,
            sorted(self.bands),
            self.words.zero,
            self.words.no_price,
        ]
        parts += sorted((v.id.int, v.name, v.kind, v.meal_plan, v.is_active) for v in self.services)
        parts += sorted(
            (x.id.int, x.name, x.starts_on, x.ends_on, self.ranges.get(x.id, []))
            for x in self.seasons
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()


def _against(session: Session, ctx: TenantContext, item: RateImport) -> _Against:
    rate_list = rates.get_rate_list(session, ctx, item.rate_list_id)
    base = _base_version(session, rate_list)
    supplier = session.exec(select(Supplier).where(col(Supplier.id) == rate_list.supplier_id)).one()
    return _Against(
        rate_list=rate_list,
        base=base,
        supplier=supplier,
        services=_services_to_price(session, rate_list.supplier_id),
        seasons=list(rates.list_seasons(session, ctx, base.id)),
        bands={b.kind for b in rates.list_age_bands(session, ctx, base.id)},
        words=rates.price_words(session),
        ranges=rates.season_ranges(session, ctx, base.id),
    )


def check(
    session: Session,
    ctx: TenantContext,
    *,
    item: RateImport,
    mapping: ImportMapping,
    progress: Callable[[int, str], None] | None = None,
    against: _Against | None = None,
) -> Checked:
    """Read the staged file with the mapping; resolve services and seasons against the list;
    every problem by row and column; warnings; the diff against the current version."""
    against = against or _against(session, ctx, item)
    base = against.base
    require_mapped(mapping)
    if progress:
        progress(5, "reading the file")
    raw = _sheet(_workbook(item), mapping.sheet)
    if mapping.header_row >= len(raw.rows):
        raise ValidationFailedError(
            "The header row is past the end of the sheet.",
            errors=[FieldError("header_row", "past the end of the sheet", "range")],
        )

    def step(done: int, total: int) -> None:
        if progress and total:
            progress(10 + int(60 * done / total), f"checking rows ({done:,} of {total:,})")

    built = sheetmap.build_lines(
        raw,
        mapping,
        default_day_first=_day_first_for(against.supplier),
        progress=step,
        price_words=against.words,
    )
    errors = [_problem(p) for p in built.errors]
    warnings = [_problem(p) for p in built.warnings]
    if progress:
        progress(72, "matching services and seasons")
    services = against.services
    by_name: dict[str, list[Season]] = defaultdict(list)
    for season in against.seasons:
        by_name[season.name.lower()].append(season)
    by_dates = {
        span: s.name
        for s in against.seasons
        for span in against.ranges.get(s.id) or [(s.starts_on, s.ends_on)]
    }
    resolver = _Resolver(
        services=services,
        supplier=against.supplier,
        by_name=by_name,
        by_dates=by_dates,
        ranges=against.ranges,
        version=base,
        bands=against.bands,
        columns_of=built.columns_of,
    )
    resolved = resolver.resolve(built.lines, errors, warnings)
    seasons = resolver.season_names
    errors += _season_errors(seasons, resolved, resolver.range_rows)
    errors += _pax_errors(resolved)
    if built.rows_read and not resolved and not errors:
        errors.append(Problem(0, "", "no row of the file gave a rate line", "no_rows"))
    if not built.rows_read:
        errors.append(
            Problem(0, "", "no data rows under the header row; is the header row right?", "no_rows")
        )
    if progress:
        progress(85, "comparing with the current version")
    difference = _diff(session, ctx, base, resolved, services, against.seasons)
    for row in difference["rows"]:
        pct = row.get("pct")
        if row["change"] == "changed" and pct is not None and Decimal(pct) > PRICE_JUMP_PCT:
            warnings.append(
                Problem(
                    row["row"],
                    row.get("column", ""),
                    f"net up {pct}% on the current version ({row['old_net']} -> {row['new_net']})",
                    "price_jump",
                )
            )
    errors.sort(key=lambda p: (p.row, p.column))
    warnings.sort(key=lambda p: (p.row, p.column))
    report = {
        "rows_read": built.rows_read,
        "lines": len(resolved),
        "errors": [p.to_json() for p in errors[:REPORT_LIMIT]],
        "warnings": [p.to_json() for p in warnings[:REPORT_LIMIT]],
        "error_count": len(errors),
        "warning_count": len(warnings),
        "date_style": (
            {"day_first": built.date_style.day_first, "evidence": built.date_style.evidence}
            if built.date_style
            else {"day_first": mapping.day_first, "evidence": "set by hand"}
        ),
        "number_style": (
            {
                "decimal_comma": built.number_style.decimal_comma,
                "evidence": built.number_style.evidence,
            }
            if built.number_style
            else {"decimal_comma": mapping.decimal_comma, "evidence": "set by hand"}
        ),
        "seasons": [
            {"name": name, "starts_on": start.isoformat(), "ends_on": end.isoformat()}
            for (start, end), name in sorted(seasons.items())
        ],
        "base_version": base.number,
        # the busiest service/season groups first; the count says how many there are
        "diff": difference | {"rows": difference["rows"][:REPORT_LIMIT]},
    }
    return Checked(
        resolved,
        sorted(((name, s, e) for (s, e), name in seasons.items()), key=lambda t: t[1]),
        errors,
        warnings,
        built.rows_read,
        report,
    )


# ---- a dry run kept for its commit ------------------------------------------------------------


def _kept_path(item: RateImport) -> Path:
    return upload_files(item.stored_as)[1]


def _kept_key(item: RateImport, mapping: ImportMapping, against: _Against) -> str:
    """The same bytes, read with the same mapping, against the same database state."""
    text = mapping.model_dump_json() + item.checksum + against.fingerprint()
    return hashlib.sha256(text.encode()).hexdigest()


def _signature(payload: bytes) -> bytes:
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, b"travelcrm-checked-v2" + payload, hashlib.sha256).digest()


def _keep_checked(
    item: RateImport, mapping: ImportMapping, against: _Against, checked: Checked
) -> None:
    """A clean dry run's lines, kept beside the staged file (signed) so that committing the
    same import does not read and check the whole file again."""
    payload = pickle.dumps(
        {
            "key": _kept_key(item, mapping, against),
            "columns": checked.line_columns(),
            "count": checked.count,
            "seasons": checked.seasons,
            "warnings": [(p.row, p.column, p.reason, p.code) for p in checked.warnings],
            "rows_read": checked.rows_read,
            "report": checked.report,
        },
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    _upload, path, partial = upload_files(item.stored_as)
    partial.write_bytes(_signature(payload) + payload)
    partial.replace(path)


def _kept_checked(item: RateImport, mapping: ImportMapping, against: _Against) -> Checked | None:
    """The kept dry run if it still holds (signature, file, mapping and database state the
    same), else None: the commit checks again."""
    path = _kept_path(item)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    signature, payload = blob[:32], blob[32:]
    if not hmac.compare_digest(signature, _signature(payload)):
        return None
    kept = pickle.loads(payload)
    if kept["key"] != _kept_key(item, mapping, against):
        return None
    return Checked(
        lines=[],
        columns=kept["columns"],
        count=kept["count"],
        seasons=kept["seasons"],
        errors=[],
        warnings=[Problem(*values) for values in kept["warnings"]],
        rows_read=kept["rows_read"],
        report=kept["report"],
    )


def _drop_kept(item: RateImport) -> None:
    forget_workbook(item.stored_as, item.checksum)
    with contextlib.suppress(OSError):
        _kept_path(item).unlink()


def _base_version(session: Session, rate_list: RateList) -> RateListVersion:
    """What the import is compared with and copies terms from: the version it will write
    into — the list's draft when there is one (a commit fills or replaces it) — else the
    published version (a new draft is copied from it), else the newest one."""
    versions = session.exec(
        select(RateListVersion)
        .where(col(RateListVersion.rate_list_id) == rate_list.id)
        .order_by(col(RateListVersion.number).desc())
    ).all()
    for status in (VersionStatus.DRAFT.value, VersionStatus.PUBLISHED.value):
        found = [v for v in versions if v.status == status]
        if found:
            return found[0]
    return versions[0]


def _by_name(seasons: Iterable[Sequence[Any]]) -> list[tuple[str, list[tuple[date, date]]]]:
    """The check's (name, start, end) per range as one season per name (case aside: lines
    match seasons by name in lower case), each with its ranges in order."""
    grouped: dict[str, tuple[str, list[tuple[date, date]]]] = {}
    for name, start, end in seasons:
        grouped.setdefault(str(name).lower(), (str(name), []))[1].append((start, end))
    return [(name, sorted(spans)) for name, spans in grouped.values()]


def _season_errors(
    seasons: dict[tuple[date, date], str],
    lines: list[ResolvedLine],
    range_rows: dict[tuple[date, date], list[int]] | None = None,
) -> list[Problem]:
    """Seasons of the sheet that overlap: every row with a line in one of them gets an error
    naming the other season and the first row that has it."""
    ranges = sorted(seasons)
    pairs = []
    for index, (start, end) in enumerate(ranges):
        for other in ranges[index + 1 :]:
            if other[0] > end:
                break  # (sorted by start: no later one starts inside this one)
            pairs.append(((start, end), other))
    if not pairs:
        return []
    wanted = {key for pair in pairs for key in pair}
    rows_of: dict[tuple[date, date], dict[int, None]] = defaultdict(dict)
    for line in lines:
        key = (line[_L_STARTS_ON], line[_L_ENDS_ON])
        if key in wanted:
            rows_of[key][line[_L_ROW]] = None
    for key, rows in (range_rows or {}).items():
        if key in wanted:
            for row in rows:
                rows_of[key][row] = None

    def label(dates: tuple[date, date]) -> str:
        name, written = seasons[dates], _range_name(*dates)
        return name if name == written else f"{name} ({written})"

    errors = []
    for one, other in pairs:
        for this, that in ((one, other), (other, one)):
            if not rows_of[that]:
                continue  # (a season's range from the list itself, no row of the sheet)
            first = next(iter(sorted(rows_of[that])))
            for row in rows_of[this]:
                where = "this row" if row == first else f"row {first}"
                errors.append(
                    Problem(
                        row,
                        "",
                        f"season {label(this)} overlaps season {label(that)} ({where})",
                        "season_overlap",
                    )
                )
    return errors


def _pax_errors(lines: list[ResolvedLine]) -> list[Problem]:
    """Pax breaks of the same line that overlap or leave a gap, as an error on each of the two
    rows, naming the other. The lines are unique by key (duplicates were dropped), so with a
    single pax break in the whole sheet no two lines can share a group: nothing to compare
    (most sheets have no pax breaks at all)."""
    if len(set(map(_pax_break, lines))) <= 1:
        return []
    groups: dict[tuple[Any, ...], list[tuple[int, int, int]]] = defaultdict(list)
    for line in lines:
        groups[_pax_group_key(line)].append((line[_L_PAX_MIN], line[_L_PAX_MAX], line[_L_ROW]))
    errors = []
    for ranges in groups.values():
        for clash in rules.pax_clashes(ranges):  # the grid's rule, on each row involved
            (low_a, high_a, row_a), (low_b, high_b, row_b) = clash.first, clash.second
            a, b = f"{low_a}-{high_a}", f"{low_b}-{high_b}"
            where_a = "this row" if row_a == row_b else f"row {row_a}"
            where_b = "this row" if row_a == row_b else f"row {row_b}"
            if clash.missing is not None:
                missing = f"{clash.missing[0]}-{clash.missing[1]} people have no price"
                errors.append(
                    Problem(
                        row_a,
                        "",
                        f"pax break {a} is followed by {b} ({where_b}): {missing}",
                        "pax_gap",
                    )
                )
                errors.append(
                    Problem(
                        row_b,
                        "",
                        f"pax break {a} ({where_a}) is followed by {b}: {missing}",
                        "pax_gap",
                    )
                )
            else:
                errors.append(
                    Problem(row_a, "", f"pax break {a} overlaps {b} ({where_b})", "pax_overlap")
                )
                errors.append(
                    Problem(row_b, "", f"pax break {b} overlaps {a} ({where_a})", "pax_overlap")
                )
    return errors


def _diff(
    session: Session,
    ctx: TenantContext,
    base: RateListVersion,
    lines: list[ResolvedLine],
    services: list[_Service],
    base_seasons: list[Season],
) -> dict[str, Any]:
    """Added, removed and changed lines against the base version, with the % change, and a
    summary per service and season (`base_seasons`: the base version's, as the check read
    them). `rows` holds the first REPORT_LIMIT changes (what the report keeps) and every
    changed line after them (their price jumps are warnings)."""
    names = {s.id: s.name + (f" ({s.meal_plan})" if s.meal_plan else "") for s in services}
    seasons = {s.id: s.name for s in base_seasons}
    current: dict[tuple[Any, ...], Any] = {}
    numbers = _numbered(services)
    for old in rate_lines.version_lines(session, ctx, version_id=base.id):
        key = (
            numbers.get(old.service_id, old.service_id),
            seasons.get(old.season_id, "?").lower(),
            old.supplement,
            old.basis,
            old.occupancy,
            old.age_band,
            old.pax_min,
            old.pax_max,
            old.weekdays,
        )
        current[key] = old
    rows: list[dict[str, Any]] = []
    counts = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
    changed: Counter[tuple[str, str]] = Counter()  # per (service, season)
    removed: Counter[tuple[str, str]] = Counter()
    if current:
        keys = list(map(_line_key, lines))
        olds = list(map(current.get, keys))
        added = [line for line, old in zip(lines, olds, strict=True) if old is None]
        compared: Iterable[tuple[ResolvedLine, Any]] = zip(lines, olds, strict=True)
        seen = set(keys)
    else:  # a first version: every line is added, and the report shows the first ones
        added = lines
        compared = zip(lines[:REPORT_LIMIT], itertools.repeat(None))
        seen = set()
    counts["added"] = len(added)
    added_to = Counter(map(_line_group, added))
    for line, old in compared:
        net = line[_L_NET]
        if old is None:
            if len(rows) >= REPORT_LIMIT:
                continue
            rows.append(
                {
                    "change": "added",
                    "row": line[_L_ROW],
                    "service": line[_L_SERVICE_NAME],
                    "season": line[_L_SEASON_NAME],
                    "line": _line_label(line),
                    "old_net": None,
                    "new_net": str(net),
                    "pct": None,
                }
            )
        elif (
            old.net != net
            or old.capacity != line[_L_CAPACITY]
            or bool(old.optional) != line[_L_OPTIONAL]
        ):  # (a price, the seats, or whether a supplement is optional)
            counts["changed"] += 1
            pct = ((net - old.net) / old.net * 100).quantize(Decimal("0.1")) if old.net else None
            changed[_line_group(line)] += 1
            rows.append(
                {
                    "change": "changed",
                    "row": line[_L_ROW],
                    "service": line[_L_SERVICE_NAME],
                    "season": line[_L_SEASON_NAME],
                    "line": _line_label(line),
                    "old_net": str(old.net),
                    "new_net": str(net),
                    "pct": str(pct) if pct is not None else None,
                }
            )
        else:
            counts["unchanged"] += 1
    for key, old in current.items():
        if key in seen:
            continue
        counts["removed"] += 1
        service = names.get(old.service_id, "?")
        season = seasons.get(old.season_id, "?")
        removed[(service, season)] += 1
        if len(rows) >= REPORT_LIMIT:
            continue
        rows.append(
            {
                "change": "removed",
                "row": 0,
                "service": service,
                "season": season,
                "line": _label(
                    old.basis, old.occupancy, old.age_band, old.pax_min, old.pax_max, old.supplement
                ),
                "old_net": str(old.net),
                "new_net": None,
                "pct": None,
            }
        )
    return {
        "against_version": base.number,
        **counts,
        **_busiest_groups(added_to, changed, removed),
        "rows": rows,
    }


def _busiest_groups(
    added: Counter[tuple[str, str]],
    changed: Counter[tuple[str, str]],
    removed: Counter[tuple[str, str]],
) -> dict[str, Any]:
    """The summary per service and season: the REPORT_LIMIT busiest groups (most changes,
    then by name), and how many groups changed in all."""
    total = added.copy()
    total.update(changed)
    total.update(removed)
    # (most changes first, then by name: the pairs are made in C, with no key function)
    busiest = heapq.nsmallest(
        REPORT_LIMIT, zip(map(operator.neg, total.values()), total, strict=True)
    )
    return {
        "by_group": [
            {
                "service": group[0],
                "season": group[1],
                "added": added[group],
                "removed": removed[group],
                "changed": changed[group],
            }
            for _count, group in busiest
        ],
        "groups": len(total),
    }


def _line_label(line: ResolvedLine) -> str:
    return _label(
        line[_L_BASIS],
        line[_L_OCCUPANCY],
        line[_L_AGE_BAND],
        line[_L_PAX_MIN],
        line[_L_PAX_MAX],
        line[_L_SUPPLEMENT],
    )


def _label(
    basis: str,
    occupancy: str,
    age_band: str,
    pax_min: int,
    pax_max: int,
    supplement: str | None = None,
) -> str:
    parts = [supplement] if supplement else []
    parts.append(basis.replace("_", " "))
    if occupancy != Occupancy.ANY.value:
        parts.append(occupancy.replace("_", " "))
    if age_band != AgeBandKind.ADULT.value:
        parts.append(age_band.replace("_", " "))
    if (pax_min, pax_max) != (1, 99):
        parts.append(f"{pax_min}-{pax_max} pax")
    return " · ".join(parts)


# ---- running -----------------------------------------------------------------------------------


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Checking and storing a sheet allocate hundreds of thousands of small objects and free
    them by reference counting; the cyclic GC would only rescan them, again and again (as
    reading does while it builds the grid). It runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run(
    session: Session,
    ctx: TenantContext,
    *,
    import_id: uuid.UUID,
    mapping: ImportMapping,
    dry_run: bool = True,
    replace_draft: bool = False,
    progress: Callable[[int, str], None] | None = None,
) -> RateImport:
    """Check the staged file; without `dry_run` and with no errors, store its lines as a new
    draft version (all or nothing) and save the mapping as the supplier's template."""
    require(ctx, Action.RATES_EDIT)
    item = _get_import(session, import_id)
    if item.status == ImportStatus.COMMITTED.value:
        raise ConflictError("This import is already committed; upload the file again to redo it.")
    item.mapping = mapping.model_dump(mode="json")
    item.dry_run = dry_run
    item.replace_draft = replace_draft
    # (the staged sheet's cells are in memory: a collection would scan them all, and the
    # check's lines too; those are let go before the collector runs again)
    with _gc_paused():
        against = _against(session, ctx, item)
        checked = None if dry_run else _kept_checked(item, mapping, against)
        if checked is None:
            checked = check(
                session, ctx, item=item, mapping=mapping, progress=progress, against=against
            )
            if dry_run and not checked.errors:
                _keep_checked(item, mapping, against, checked)
        draft = None
        if not dry_run and not checked.errors:
            if progress:
                progress(90, "storing the new draft")
            draft = _store(session, ctx, item=item, checked=checked, replace_draft=replace_draft)
        checked.lines, checked.columns = [], None
    item.rows_read = checked.rows_read
    item.lines = checked.count
    item.error_count = len(checked.errors)
    item.warning_count = len(checked.warnings)
    item.report = checked.report
    item.finished_at = utcnow()
    item.progress = 100
    if checked.errors:
        item.status = ImportStatus.REFUSED.value if not dry_run else ImportStatus.CHECKED.value
        item.stage = f"{len(checked.errors):,} errors: nothing stored"
        session.add(item)
        session.flush()
        return item
    if draft is None:
        item.status = ImportStatus.CHECKED.value
        item.stage = f"checked: {checked.count:,} lines ready"
        session.add(item)
        session.flush()
        return item
    _save_template(session, ctx, supplier_id=item.supplier_id, mapping=mapping)
    _drop_kept(item)
    item.status = ImportStatus.COMMITTED.value
    item.version_id = draft.id
    item.stage = f"stored {checked.count:,} lines in draft v{draft.number}"
    session.add(item)
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.imported",
        target_type="rate_list",
        target_id=str(item.rate_list_id),
        after={
            "file": item.file_name,
            "checksum": item.checksum,
            "rows": checked.rows_read,
            "lines": checked.count,
            "warnings": len(checked.warnings),
            "version": draft.number,
        },
    )
    return item


def _store(
    session: Session,
    ctx: TenantContext,
    *,
    item: RateImport,
    checked: Checked,
    replace_draft: bool,
) -> RateListVersion:
    rate_list = rates.get_rate_list(session, ctx, item.rate_list_id)
    existing = session.exec(
        select(RateListVersion).where(
            col(RateListVersion.rate_list_id) == rate_list.id,
            col(RateListVersion.status) == VersionStatus.DRAFT.value,
        )
    ).first()
    # an empty draft (a new list's first version) is simply filled
    if existing is not None and not replace_draft and rates.lines_exist(session, existing.id):
        raise ConflictError(
            f"Version {existing.number} is already a draft of this list. Publish or delete it "
            "first, or import with “replace the draft” to overwrite its lines.",
            extra={"draft_version_id": str(existing.id)},
        )
    if existing is not None:
        draft = existing  # its lines and seasons give way to the sheet's (replace_seasons)
    else:
        base = _base_version(session, rate_list)
        draft = rates.new_draft(session, ctx, version_id=base.id, empty=True)
    # one season per name, with each of its date ranges
    season_ids = rates.replace_seasons(
        session, ctx, version_id=draft.id, seasons=_by_name(checked.seasons)
    )
    columns = checked.line_columns()
    arrays: dict[str, list[Any]] = {
        "service_id": columns["service_id"],
        "season_id": list(
            map(season_ids.__getitem__, zip(columns["starts_on"], columns["ends_on"], strict=True))
        ),
    } | {name: columns[name] for name in _STORED_FIELDS[3:]}
    rate_lines.store_lines(session, ctx, version_id=draft.id, columns=arrays)
    return draft


def _save_template(
    session: Session, ctx: TenantContext, *, supplier_id: uuid.UUID, mapping: ImportMapping
) -> None:
    # one template per supplier: an upsert, so two first imports at once both land
    save_row(
        session,
        ImportTemplate(
            tenant_id=ctx.tenant_id,
            supplier_id=supplier_id,
            mapping=mapping.model_dump(mode="json"),
            updated_at=utcnow(),
            updated_by=ctx.user_id,
        ),
        key=["tenant_id", "supplier_id"],
        update=["mapping", "updated_at", "updated_by"],
    )


def failing_rows_csv(session: Session, ctx: TenantContext, *, import_id: uuid.UUID) -> bytes:
    """The rows that failed, as they are in the file, with an added "error" column (UTF-8 with
    a BOM so Excel opens it right)."""
    require(ctx, Action.RATES_VIEW)
    item = _get_import(session, import_id)
    mapping = ImportMapping.model_validate(item.mapping)
    raw = _sheet(_workbook(item), mapping.sheet)
    reasons: dict[int, list[str]] = defaultdict(list)
    for problem in item.report.get("errors", []):
        column = f"{problem['column']}: " if problem["column"] else ""
        reasons[int(problem["row"])].append(column + problem["reason"])
    out = io.StringIO()
    writer = csv.writer(out)
    header = raw.rows[mapping.header_row] if mapping.header_row < len(raw.rows) else []
    writer.writerow(["row", *[sheetmap.cell_text(c) for c in header], "error"])
    if 0 in reasons:
        writer.writerow(["", *[""] * len(header), "; ".join(reasons.pop(0))])
    for number in sorted(reasons):
        cells = raw.rows[number - 1] if 0 < number <= len(raw.rows) else []
        writer.writerow(
            [
                number,
                *[neutralise(sheetmap.cell_text(c)) for c in cells],
                "; ".join(reasons[number]),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---- small files now, large ones on the worker -----------------------------------------------

INLINE_LIMIT_BYTES = 512 * 1024  # above this a run goes to the worker, with a progress bar
JOB_NAME = "run_rate_import"


def start(
    session: Session,
    ctx: TenantContext,
    *,
    import_id: uuid.UUID,
    mapping: ImportMapping | None = None,
    dry_run: bool = True,
    replace_draft: bool = False,
) -> RateImport:
    """Run an import now (small files) or queue it for the worker (large ones; the page shows
    its progress and survives a reload). Either way the import row tells where it stands.
    Without a mapping: the one its last run used, else the suggested one (the supplier's
    template where its headers are found again)."""
    require(ctx, Action.RATES_EDIT)
    item = _get_import(session, import_id)
    if mapping is None:
        mapping = (
            ImportMapping.model_validate(item.mapping)
            if item.mapping
            else preview(session, ctx, import_id=import_id).suggested
        )
    if item.status in (ImportStatus.QUEUED.value, ImportStatus.RUNNING.value):
        raise ConflictError("This import is already running; wait for its report.")
    if item.size_bytes <= INLINE_LIMIT_BYTES:
        return run(
            session,
            ctx,
            import_id=import_id,
            mapping=mapping,
            dry_run=dry_run,
            replace_draft=replace_draft,
        )
    require_mapped(mapping)  # refuse now rather than on the worker
    item.mapping = mapping.model_dump(mode="json")
    item.dry_run = dry_run
    item.replace_draft = replace_draft
    item.status = ImportStatus.QUEUED.value
    item.stage = "waiting for the worker"
    item.progress = 0
    session.add(item)
    session.flush()
    enqueue_after_commit(
        session,
        JOB_NAME,
        tenant_id=str(ctx.tenant_id),
        user_id=str(ctx.user_id),
        role=ctx.role.value,
        import_id=str(item.id),
    )
    return item


def run_queued(ctx: TenantContext, *, import_id: uuid.UUID) -> str:
    """The worker's side: run a queued import in its own unit of work, writing progress as it
    goes (each update committed on its own, so the page sees it); a run that breaks is marked
    failed with the reason, and nothing of it is stored."""
    with tenant_scope(ctx) as session:
        item = _get_import(session, import_id)
        if item.status != ImportStatus.QUEUED.value:
            return item.status  # a repeated delivery
        item.status = ImportStatus.RUNNING.value
        item.stage = "starting"
        mapping = ImportMapping.model_validate(item.mapping)
        dry_run, replace_draft = item.dry_run, item.replace_draft

    last = [0.0]

    def progress(percent: int, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and percent < 100:
            return
        last[0] = now
        with tenant_scope(ctx) as progress_session:
            found = _get_import(progress_session, import_id)
            found.progress, found.stage = percent, stage[:80]

    try:
        with tenant_scope(ctx) as session:
            done = run(
                session,
                ctx,
                import_id=import_id,
                mapping=mapping,
                dry_run=dry_run,
                replace_draft=replace_draft,
                progress=progress,
            )
            return done.status
    except DomainError as exc:
        reason = exc.detail
    except Exception as exc:
        _fail(ctx, import_id, "the import broke; the team has been told")
        raise exc
    _fail(ctx, import_id, reason)
    return ImportStatus.FAILED.value


def _fail(ctx: TenantContext, import_id: uuid.UUID, reason: str) -> None:
    with tenant_scope(ctx) as session:
        item = _get_import(session, import_id)
        item.status = ImportStatus.FAILED.value
        item.failure = reason[:1000]
        item.stage = "failed: nothing stored"
        item.finished_at = utcnow()

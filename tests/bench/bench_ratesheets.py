"""Rate-sheet import and export benchmark (issue acceptance figures), on SQLite and PostgreSQL.

Generates realistic wide hotel sheets (title rows, then "Room Category | Meal Plan | Valid From |
Valid To | Single | Dbl | Triple | Extra Bed", real Excel dates, rupee formats, footnotes):
1,000 services (500 room categories x 2 meal plans) x 10 or 100 weekly periods shared by every
service = 10,000 and 100,000 sheet rows, 4 rate lines a row (40,000 and 400,000 lines). For each
backend (a SQLite file, and a fresh PostgreSQL database with RLS, the app role via
`get_engine()`), each in its own process and beside pandas' read of the same file measured in
the same run, prints:

- baseline: `pandas.read_excel(path, header=None, engine="calamine")`;
- the dry run: `sheets.stage_file` + `sheets.run(dry_run=True)` with the suggested mapping
  (`sheets.preview(...).suggested`) plus the currency and basis constants;
- the commit: `sheets.run(dry_run=False)` of the import just dry-run (into the list's empty
  first draft);
  targets: 10,000 rows dry run + commit <= 2 s on PostgreSQL; 100,000 rows <= 15 s; each
  <= 3x pandas' read;
- the whole import as a user does it (issue 18): one span over the calls the import page makes,
  `stage_file`, `preview`, `run(dry_run=True)`, `run(dry_run=False)`, as one ratio to pandas'
  read; targets: 10,000 rows <= 3x pandas on SQLite, 100,000 rows <= 15 s on PostgreSQL;
- the process' peak memory (ru_maxrss, the whole process) over the 100,000-row dry run and
  commit; target <= 1 GB;
- the export of a committed 100,000-line version (a 25,000-row sheet) to XLSX
  (`export.export_version`); target <= 10 s; baseline: openpyxl write_only writing the same
  100,000 rows as plain values.

On PostgreSQL each timed figure starts after `ANALYZE` and `CHECKPOINT` as the owner (fresh
tables without statistics, and the previous figure's dirty pages, would otherwise blur it); the
10,000-row dry runs follow one such pause together (after an ANALYZE, the next statements
rebuild the server's cached table data, ~20 ms, which a live server does not pay per request).

Run: `make bench` or `.venv/bin/python -m tests.bench.bench_ratesheets` (needs the local
PostgreSQL; a fresh database and a temporary folder, removed after; about 4 minutes). Figures,
not timed assertions. Knobs: BENCH_BACKENDS=SQLite (or PostgreSQL) runs one backend,
BENCH_SHEET_PERIODS=10 the 10,000-row figures alone, BENCH_SMALL_RUNS their number of runs,
BENCH_EXPORT=0 leaves the export out, BENCH_PROFILE=1 profiles one more whole 10,000-row import
per backend (cProfile, to stderr).
"""

from __future__ import annotations

import gc
import io
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.bench.common import owner_agency

ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = f"travelcrm_bench_sheets_{secrets.token_hex(4)}"

# periods per service: x 1,000 services = sheet rows (BENCH_SHEET_PERIODS=1,2 for a smoke run)
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SHEET_PERIODS", "10,100").split(","))
# 25,000 rows x 4 occupancies = the 100,000-line version exported
EXPORT_PERIODS = int(os.environ.get("BENCH_EXPORT_PERIODS", "25"))
SMALL_RUNS = int(os.environ.get("BENCH_SMALL_RUNS", "3"))  # runs of each 10,000-row figure
# which backends run (BENCH_BACKENDS=SQLite for the SQLite figures alone); BENCH_EXPORT=0 leaves
# the export figure out
BACKENDS = tuple(os.environ.get("BENCH_BACKENDS", "SQLite,PostgreSQL").split(","))
EXPORT = os.environ.get("BENCH_EXPORT", "1") != "0"
START = date(date.today().year + 1, 4, 5)  # a Monday-ish start; the contract is in the future
PERIOD_DAYS = 7
PERIODS = max(*SIZES, EXPORT_PERIODS if EXPORT else 0)
SHEET = "Contract"
HEADER = (
    "Room Category",
    "Meal Plan",
    "Valid From",
    "Valid To",
    "Single",
    "Dbl",
    "Triple",
    "Extra Bed",
)
OCCUPANCY_FACTORS = (0.85, 1.0, 1.3, 0.25)  # single, double, triple, extra bed
TIERS = (
    ("Standard", 1.0),
    ("Superior", 1.15),
    ("Deluxe", 1.3),
    ("Premier", 1.45),
    ("Club", 1.6),
    ("Executive", 1.75),
    ("Family", 1.5),
    ("Junior Suite", 2.1),
    ("Suite", 2.6),
    ("Pool Villa", 3.2),
)
VIEWS = (
    ("Garden View", 1.0),
    ("Pool View", 1.08),
    ("Sea View", 1.25),
    ("City View", 0.95),
    ("Lagoon View", 1.18),
    ("Hill View", 1.02),
    ("Courtyard", 0.97),
    ("Beach Front", 1.35),
    ("Lake View", 1.12),
    ("Forest View", 1.05),
)
WINGS = ("A", "B", "C", "D", "E")  # 10 tiers x 10 views x 5 wings = 500 room categories
# how the sheet writes the two meal plans: half the rooms by code, half in words
MEALS = ((("CP", "CP"), ("MAP", "MAP")), (("Breakfast", "CP"), ("Half Board", "MAP")))
MEAL_SUPPLEMENT = {"CP": 0, "MAP": 1400}
FOOTNOTES = (
    "All rates are net, in Indian rupees, per room per night; GST extra as applicable.",
    "Extra bed rates apply to an adult or a child above 12 years.",
    "Gala dinner on 24 and 31 December is compulsory and charged separately.",
)


def _log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _rss_mb() -> float:
    """The process' peak resident set so far (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- the sheets ---------------------------------------------------------------------------------


def rooms() -> list[tuple[str, float]]:
    return [
        (f"{tier} {view} - Block {wing}", tier_factor * view_factor)
        for tier, tier_factor in TIERS
        for view, view_factor in VIEWS
        for wing in WINGS
    ]


def periods(count: int) -> list[tuple[date, date]]:
    return [
        (
            START + timedelta(days=PERIOD_DAYS * k),
            START + timedelta(days=PERIOD_DAYS * (k + 1) - 1),
        )
        for k in range(count)
    ]


def write_sheet(path: Path, period_count: int) -> int:
    """A wide hotel sheet of 1,000 services x `period_count` periods; returns its data rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    for letter, width in zip("ABCDEFGH", (34, 12, 12, 12, 10, 10, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "C6"
    title = WriteOnlyCell(sheet, value="Ocean Crest Resorts & Spa, Candolim, Goa")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append(["Contract rates (net, INR, per room per night), weekly periods"])
    first, last = periods(period_count)[0][0], periods(period_count)[-1][1]
    sheet.append([f"Valid for stays from {first:%d %b %Y} to {last:%d %b %Y}"])
    sheet.append([])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFD9E1F2")
    head = []
    for text in HEADER:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = bold, fill
        head.append(cell)
    sheet.append(head)
    spans = periods(period_count)
    count = 0
    for index, (room, factor) in enumerate(rooms()):
        for label, plan in MEALS[index % 2]:
            for k, (start, end) in enumerate(spans):
                season = 1.0 + 0.35 * ((k * 7) % 13) / 13  # weekly ups and downs
                double = round((5200 * factor * season + MEAL_SUPPLEMENT[plan]) / 50) * 50
                row: list[Any] = [room, label]
                for day in (start, end):
                    cell = WriteOnlyCell(sheet, value=day)
                    cell.number_format = "dd-mmm-yy"
                    row.append(cell)
                for occupancy in OCCUPANCY_FACTORS:
                    cell = WriteOnlyCell(sheet, value=round(double * occupancy / 50) * 50)
                    cell.number_format = '"₹"#,##0'
                    row.append(cell)
                sheet.append(row)
                count += 1
    sheet.append([])
    for note in FOOTNOTES:
        sheet.append([note])
    book.save(path)
    return count


def contract_list(ctx: Any, period_count: int, *, supplier: str, label: str | None = None) -> Any:
    """A hotel named `supplier` with the contract's 1,000 services and an empty INR rate list
    over `period_count` periods; returns the list's id (imports the app lazily: a backend's
    process names its database first)."""
    from travelcrm.db import tenant_scope
    from travelcrm.rates import services as rates
    from travelcrm.rates.schemas import RateListCreate
    from travelcrm.suppliers.models import Supplier, SupplierService

    spans = periods(period_count)
    with tenant_scope(ctx) as session:
        hotel = Supplier(
            tenant_id=ctx.tenant_id,
            name=supplier,
            kind="hotel",
            country="IN",
            city="Candolim",
            default_currency="INR",
        )
        session.add(hotel)
        session.flush()
        session.add_all(
            SupplierService(
                tenant_id=ctx.tenant_id,
                supplier_id=hotel.id,
                kind="room",
                name=room,
                meal_plan=plan,
                max_occupancy=3,
            )
            for room, _factor in rooms()
            for plan in MEAL_SUPPLEMENT
        )
        session.flush()
        rate_list, _version = rates.create_rate_list(
            session,
            ctx,
            data=RateListCreate(
                supplier_id=hotel.id,
                name="Ocean Crest contract" + (f" ({label})" if label else ""),
                currency="INR",
                valid_from=spans[0][0],
                valid_to=spans[-1][1],
            ),
        )
        return rate_list.id


# ---- one backend, in its own process ----------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def settle(backend: str) -> None:
    """PostgreSQL: ANALYZE and CHECKPOINT as the owner before a timed figure. A table of
    services created a moment ago, with no statistics yet, gets its foreign-key checks planned
    on the wrong index (a live database has them), and the previous figure's dirty pages would
    otherwise be written during this one."""
    if backend != "PostgreSQL":
        return
    from travelcrm.db import make_engine
    from travelcrm.settings import get_settings

    owner = make_engine(get_settings(), app_role=False)
    try:
        with owner.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("CHECKPOINT")
    finally:
        owner.dispose()


def run_backend(backend: str, folder: Path, out: Path) -> None:
    """Every figure of one backend (the environment names its database); results to `out`."""
    import pandas as pd

    from travelcrm.db import tenant_scope
    from travelcrm.ratesheets import services as sheets
    from travelcrm.ratesheets.models import ImportStatus
    from travelcrm.ratesheets.schemas import ImportField, ImportMapping

    ctx, _user_id = owner_agency("sheets", "Bench Sheets")

    def target(label: str) -> Any:
        """A supplier with the 1,000 services and an empty INR rate list over every period."""
        return contract_list(ctx, PERIODS, supplier=f"Ocean Crest Resorts ({label})", label=label)

    def stage(rate_list_id: Any, path: Path) -> Any:
        upload = folder / f"upload-{backend}-{secrets.token_hex(4)}.xlsx"
        shutil.copyfile(path, upload)
        try:
            with tenant_scope(ctx) as session:
                return sheets.stage_file(
                    session, ctx, rate_list_id=rate_list_id, source=upload, file_name=path.name
                ).id
        finally:
            upload.unlink()

    def mapping_for(import_id: Any) -> ImportMapping:
        with tenant_scope(ctx) as session:
            suggested = sheets.preview(session, ctx, import_id=import_id).suggested
        return suggested.model_copy(
            update={"constants": {ImportField.CURRENCY: "INR", ImportField.BASIS: "per_room"}}
        )

    def run(import_id: Any, mapping: ImportMapping, *, dry_run: bool) -> dict[str, Any]:
        with tenant_scope(ctx) as session:
            item = sheets.run(session, ctx, import_id=import_id, mapping=mapping, dry_run=dry_run)
            return {
                "status": item.status,
                "lines": item.lines,
                "rows": item.rows_read,
                "errors": item.report["errors"][:3],
                "version_id": item.version_id,
            }

    pandas_cpu: list[float] = []  # (each read's CPU seconds too, for the load-proof ratio)

    def pandas_read(path: Path) -> float:
        cpu = time.process_time()
        seconds, frame = _timed(lambda: pd.read_excel(path, header=None, engine="calamine"))
        pandas_cpu.append(time.process_time() - cpu)
        assert len(frame) > 0
        return seconds

    # the cyclic GC's pauses, summed: a full collection now and then (its moment depends on
    # everything the process allocated before) is most of the run-to-run noise of a figure
    collecting = {"since": 0.0, "total": 0.0}

    def gc_timer(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            collecting["since"] = time.perf_counter()
        else:
            collecting["total"] += time.perf_counter() - collecting["since"]

    gc.callbacks.append(gc_timer)
    results: dict[str, Any] = {"backend": backend, "sizes": []}
    # warm-up: first calls import and prepare what every later call reuses
    warm = folder / "sheet-1.xlsx"
    warm_list = target("warm-up")
    warm_id = stage(warm_list, warm)
    run(warm_id, mapping_for(warm_id), dry_run=True)
    pandas_read(warm)

    for period_count in SIZES:
        path = folder / f"sheet-{period_count}.xlsx"
        rows = 1000 * period_count
        runs = SMALL_RUNS if period_count == SIZES[0] else 1
        # one empty list per run, made before the pause: each run is the user's whole import
        # into its own list (the commit stores the lines the dry run kept into its first draft)
        lists = [target(f"{rows:,} rows, run {k + 1}") for k in range(runs)]
        _log(f"{backend}: {rows:,} rows, {runs} run(s) of the whole import")
        figure: dict[str, Any] = {"rows": rows, "lines": rows * len(OCCUPANCY_FACTORS)}
        rss_before = _rss_mb()
        stage_s, preview_s, dry_s, gc_s, commit_s, whole_s = [], [], [], [], [], []
        whole_cpu: list[float] = []
        rss_dry, lines = 0.0, 0
        settle(backend)  # (once: the first run after it rebuilds the server's caches of the tables)
        for rate_list_id in lists:
            start, start_cpu = time.perf_counter(), time.process_time()
            collected = collecting["total"]
            import_id = stage(rate_list_id, path)
            staged = time.perf_counter()
            in_stage = collecting["total"] - collected
            mapping = mapping_for(import_id)
            previewed = time.perf_counter()
            collected = collecting["total"]
            checked = run(import_id, mapping, dry_run=True)
            done = time.perf_counter()
            gc_s.append(in_stage + collecting["total"] - collected)
            assert checked["status"] == ImportStatus.CHECKED.value, checked
            assert not checked["errors"], checked["errors"]
            rss_dry = max(rss_dry, _rss_mb())
            # the user's flow: commit the import just dry-run (its kept lines are stored)
            stored = run(import_id, mapping, dry_run=False)
            committed = time.perf_counter()
            whole_cpu.append(time.process_time() - start_cpu)
            assert stored["status"] == ImportStatus.COMMITTED.value, stored
            assert stored["lines"] == checked["lines"], stored
            lines = checked["lines"]
            stage_s.append(staged - start)
            preview_s.append(previewed - staged)
            dry_s.append(staged - start + done - previewed)  # the preview is not part of it
            commit_s.append(committed - done)
            whole_s.append(committed - start)
        assert lines == figure["lines"], (lines, figure)
        if os.environ.get("BENCH_PROFILE") == "1" and period_count == SIZES[0]:
            # where the whole import's time goes: one more, untimed, under cProfile (stderr)
            import cProfile
            import pstats

            profiled_list = target(f"{rows:,} rows, profiled")
            profile = cProfile.Profile()
            profile.enable()
            profiled_id = stage(profiled_list, path)
            profiled_mapping = mapping_for(profiled_id)
            run(profiled_id, profiled_mapping, dry_run=True)
            run(profiled_id, profiled_mapping, dry_run=False)
            profile.disable()
            print(f"---- profile: {backend}, whole import of {rows:,} rows", file=sys.stderr)
            stats = pstats.Stats(profile, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
        # and a commit with no dry run before it (the API's dry_run=false): checks, then stores
        direct_list = target(f"{rows:,} rows, direct")
        settle(backend)
        start = time.perf_counter()
        import_id = stage(direct_list, path)
        staged = time.perf_counter()
        stored = run(import_id, mapping, dry_run=False)
        commit_stage, direct_s = staged - start, time.perf_counter() - staged
        assert stored["status"] == ImportStatus.COMMITTED.value, stored
        rss_commit = _rss_mb()
        pandas_cpu.clear()
        pandas_s = [pandas_read(path) for _ in range(runs)]
        figure |= {
            "pandas": pandas_s,
            "stage": stage_s,
            "preview": preview_s,
            "dry": dry_s,
            "dry_gc": gc_s,
            "commit": commit_s,
            "whole": whole_s,
            "whole_cpu": whole_cpu,
            "pandas_cpu": list(pandas_cpu),
            "direct": direct_s,
            "commit_stage": commit_stage,
            "rss_before": rss_before,
            "rss_dry": rss_dry,
            "rss_commit": rss_commit,
        }
        results["sizes"].append(figure)
        _log(
            f"{backend}: {rows:,} rows: whole import {statistics.median(whole_s):.2f} s (dry run "
            f"{statistics.median(dry_s):.2f} s, commit {statistics.median(commit_s):.2f} s), "
            f"pandas {statistics.median(pandas_s):.2f} s, peak {rss_commit:.0f} MB"
        )

    results["load"] = os.getloadavg()[0]
    if EXPORT:
        results["export"] = export_figure(backend, folder, ctx, target, stage, mapping_for, run)
    out.write_text(json.dumps(results, default=str))


def export_figure(
    backend: str,
    folder: Path,
    ctx: Any,
    target: Callable[[str], Any],
    stage: Callable[[Any, Path], Any],
    mapping_for: Callable[[Any], Any],
    run: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    """The export of a committed 100,000-line version, against openpyxl writing the same rows
    plainly."""
    from openpyxl import Workbook

    from travelcrm.db import tenant_scope
    from travelcrm.rates import services as rates
    from travelcrm.ratesheets import export
    from travelcrm.ratesheets.models import ImportStatus

    path = folder / f"sheet-{EXPORT_PERIODS}.xlsx"
    export_list = target("export")
    import_id = stage(export_list, path)
    stored = run(import_id, mapping_for(import_id), dry_run=False)
    assert stored["status"] == ImportStatus.COMMITTED.value, stored
    with tenant_scope(ctx) as session:
        version = rates.get_version(session, ctx, stored["version_id"])
        plain = [
            export._our_row(line, "INR") for line in export._lines(session, ctx, version)
        ]  # the same values, for the baseline

    def ours() -> int:
        with tenant_scope(ctx) as session:
            done = export.export_version(
                session, ctx, rate_list_id=export_list, version_number=1, file_format="xlsx"
            )
            return len(done.content)

    def baseline() -> int:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Rates")
        sheet.append(list(export.OUR_COLUMNS))
        for row in plain:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return len(buffer.getvalue())

    settle(backend)
    _log(f"{backend}: export of {len(plain):,} lines")
    export_s, size = _timed(ours)
    base_s, base_size = _timed(baseline)
    return {
        "lines": len(plain),
        "seconds": export_s,
        "bytes": size,
        "baseline": base_s,
        "baseline_bytes": base_size,
    }


# ---- orchestration and the report ---------------------------------------------------------------


def _child(backend: str, folder: Path, env: dict[str, str]) -> dict[str, Any]:
    out = folder / f"results-{backend}.json"
    command = [sys.executable, "-m", "tests.bench.bench_ratesheets", backend, str(folder), str(out)]
    inherited = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    subprocess.run(command, env=inherited | env, check=True, cwd=Path(__file__).parents[2])
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def main() -> None:
    if len(sys.argv) == 4:  # the child: one backend
        run_backend(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
        return
    folder = Path(tempfile.mkdtemp(prefix="travelcrm-bench-sheets-"))
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    created = False
    try:
        rule = "-" * 100
        print(rule)
        print(
            f"Rate-sheet import/export benchmark ({os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} at start); writing the sheets",
            flush=True,
        )
        started = time.perf_counter()
        written = {}
        for count in (1, *SIZES, *((EXPORT_PERIODS,) if EXPORT else ())):
            path = folder / f"sheet-{count}.xlsx"
            start = time.perf_counter()
            rows = write_sheet(path, count)
            seconds = time.perf_counter() - start
            written[count] = (rows, path.stat().st_size)
            if count > 1:
                _log(f"{rows:,} rows, {path.stat().st_size / 1e6:.1f} MB in {seconds:.0f} s")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{DB_NAME}"'))
        created = True
        # each backend in its own process: its peak memory is its own (settings, engine and
        # caches fresh too)
        environments = {
            "SQLite": {
                "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
                "DATA_DIR": str(folder / "data-sqlite"),
            },
            "PostgreSQL": {
                "DATABASE_URL": ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}",
                "DATA_DIR": str(folder / "data-postgres"),
            },
        }
        results = [_child(name, folder, environments[name]) for name in BACKENDS]
        report(results, written, time.perf_counter() - started)
    finally:
        if created:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def report(results: list[dict[str, Any]], written: dict[int, tuple[int, int]], took: float) -> None:
    rule = "-" * 100
    print(rule)
    files = ", ".join(
        f"{rows:,} rows {size / 1e6:.1f} MB" for count, (rows, size) in written.items() if count > 1
    )
    print(
        "sheets: 1,000 services (500 room categories x 2 meal plans) x 10 / 100 weekly periods "
        f"(x 25 for the export), 4 prices a row:\n  {files}\n"
        "  dry run = stage_file (vet, read, keep the upload) + run(dry_run=True); commit = "
        "run(dry_run=False)\n  of that same import, as in the browser (it stores the lines the "
        "dry run kept); direct commit = run(dry_run=False)\n  with no dry run before it (the "
        "API's dry_run=false: it checks the file, then stores);\n  whole import = one "
        "wall-clock span over the calls the import page makes, in order: stage_file, preview\n"
        "  (suggested mapping), run(dry_run=True), run(dry_run=False), each in its own unit of "
        "work, into a fresh list per run,\n  warm process (imports and a 1,000-row import done "
        "before), one ANALYZE+CHECKPOINT before the runs of a size (PostgreSQL);\n  x pandas = "
        "seconds / pandas.read_excel(calamine) of the same file, measured in the same process;"
        "\n  10,000-row figures: median of runs (each run a whole import); "
        "peak memory: ru_maxrss of the backend's own "
        "process after the 100,000-row dry run and commit (imports and the 10,000-row runs "
        "included)"
    )
    print(rule)
    print(f"{'figure':<60}{'seconds':>9}{'x pandas':>10}   target")

    def row(label: str, seconds: float, base: float | None = None, target: str = "") -> None:
        ratio = f"{seconds / base:>9.1f}x" if base else f"{'':>10}"
        print(f"{label:<60}{seconds:>9.2f}{ratio}   {target}")

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    for result in results:
        backend = result["backend"]
        pg = backend == "PostgreSQL"
        for size in result["sizes"]:
            rows, runs = size["rows"], len(size["dry"])
            pandas = statistics.median(size["pandas"])
            dry = statistics.median(size["dry"])
            commit = statistics.median(size["commit"])
            both = statistics.median(
                d + c for d, c in zip(size["dry"], size["commit"], strict=True)
            )
            whole = statistics.median(size["whole"])
            print(f"{backend}, {rows:,} rows ({size['lines']:,} lines), {runs} run(s)")
            row("  baseline: pandas.read_excel(header=None, engine='calamine')", pandas)
            row(
                "  stage_file (vet, read with calamine, keep the upload)",
                statistics.median(size["stage"]),
                pandas,
            )
            row(
                "  preview (read again, find the header, suggest)",
                statistics.median(size["preview"]),
                pandas,
            )
            row(
                "  dry run (stage_file + run dry_run=True)",
                dry,
                pandas,
                f"<= 3x: {verdict(dry <= 3 * pandas)}  (cyclic GC pauses in it: "
                f"{statistics.median(size['dry_gc']):.2f} s)",
            )
            row(
                "  commit of the dry-run import (run dry_run=False)",
                commit,
                pandas,
                f"<= 3x: {verdict(commit <= 3 * pandas)}",
            )
            row("  direct commit, no dry run before it", size["direct"], pandas)
            limit = 2.0 if rows <= 10_000 else 15.0
            target = f"<= {limit:.0f} s" + (
                f": {verdict(both <= limit)}" if pg or rows > 10_000 else " (on PostgreSQL)"
            )
            row("  dry run + commit", both, pandas, target)
            whole_target = f"<= 3x: {verdict(whole <= 3 * pandas)}"
            if rows > 10_000:
                whole_target = (
                    f"<= 15 s: {verdict(whole <= 15)}" if pg else "(<= 15 s is on PostgreSQL)"
                )
            row(
                "  WHOLE IMPORT as a user does it (stage+preview+dry+commit)",
                whole,
                pandas,
                whole_target,
            )
            if not pg:  # (on PostgreSQL the server's work is not this process')
                row(
                    "  the same, in this process' CPU seconds (beside pandas' own)",
                    statistics.median(size["whole_cpu"]),
                    statistics.median(size["pandas_cpu"]),
                    "(other work on the machine hardly moves this ratio)",
                )
            if rows > 10_000:
                peak = size["rss_commit"]
                print(
                    f"{'  peak memory, whole process (ru_maxrss), MB':<60}{peak:>9.0f}{'':>10}   "
                    f"<= 1024 MB: {verdict(peak <= 1024)}  (before the run {size['rss_before']:.0f}"
                    f", after the dry run {size['rss_dry']:.0f})"
                )
        if "export" not in result:
            continue
        exported = result["export"]
        print(f"{backend}, export of a committed {exported['lines']:,}-line version to XLSX")
        row(
            f"  baseline: openpyxl write_only, the same {exported['lines']:,} rows, plain",
            exported["baseline"],
        )
        print(
            f"{'  export.export_version(file_format=xlsx)':<60}{exported['seconds']:>9.2f}"
            f"{exported['seconds'] / exported['baseline']:>9.1f}x   <= 10 s: "
            f"{verdict(exported['seconds'] <= 10)}  (x = to the openpyxl baseline; "
            f"{exported['bytes'] / 1e6:.1f} MB)"
        )
    print(rule)
    ended = ", ".join(f"{r['backend']} child ended at {r['load']:.1f}" for r in results)
    print(
        f"whole run {took:.0f} s; load average {os.getloadavg()[1]:.1f} over the last 5 minutes "
        f"({ended}); other work on the machine skews the figures"
    )


if __name__ == "__main__":
    main()

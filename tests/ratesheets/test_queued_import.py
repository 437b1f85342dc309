"""A large rate sheet goes through the job queue: the page starts it and follows it, its progress
is polled over REST as it climbs, and a page reload (the page's `load` reading the import named
in the address) comes back to the running import, then to its finished report.

On the PostgreSQL + Redis run the queue is RedisHuey with a real consumer (tests/conftest.py),
so the run is seen in flight; on SQLite's immediate queue the job has run by the time the page
answers, and the same test checks that the page and the API then show the finished import."""

from __future__ import annotations

import asyncio
import csv
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import reflex as rx
from reflex.istate.data import RouterData

from tests.accounts.test_accounts import _verified
from tests.bench.bench_ratesheets import (
    HEADER,
    MEAL_SUPPLEMENT,
    MEALS,
    OCCUPANCY_FACTORS,
    contract_list,
    periods,
    rooms,
)
from tests.ratesheets.test_api import _client
from tests.ui.test_rates_pages import _signed_in
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.ratesheets import services as sheets
from travelcrm.settings import get_settings
from travelcrm.ui.events import plain
from travelcrm.ui.pages.ratesheets.state import RateImportState

S = RateImportState
PERIODS = 8  # x 1,000 room and meal-plan rows: 8,000 sheet rows, 32,000 rate lines
FINISHED = {"committed", "checked", "refused", "failed"}


def _contract_list(ctx: TenantContext) -> uuid.UUID:
    """A hotel with the contract's 1,000 services and an empty rate list over its periods."""
    return contract_list(ctx, PERIODS, supplier=f"Ocean Crest Resorts {secrets.token_hex(2)}")


def write_contract(path: Path, period_count: int) -> int:
    """The benchmark's hotel contract (1,000 rooms and meal plans x weekly periods, four
    occupancies a row) as the CSV a supplier's system exports; returns its data rows."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index, (room, factor) in enumerate(rooms()):
            for label, plan in MEALS[index % 2]:
                for k, (start, end) in enumerate(periods(period_count)):
                    season = 1.0 + 0.35 * ((k * 7) % 13) / 13
                    double = round((5200 * factor * season + MEAL_SUPPLEMENT[plan]) / 50) * 50
                    prices = [round(double * o / 50) * 50 for o in OCCUPANCY_FACTORS]
                    writer.writerow([room, label, start.isoformat(), end.isoformat(), *prices])
                    count += 1
    return count


def _page(token: str, list_id: uuid.UUID, import_id: str | None = None) -> Any:
    """The import page as a browser opens it (or reloads it, with `?import=<id>`)."""
    state = S(_reflex_internal_init=True)
    address = f"/rates/{list_id}/import" + (f"?import={import_id}" if import_id else "")
    query = {"id": str(list_id), **({"import": import_id} if import_id else {})}
    state.router = RouterData.from_router_data(
        {
            "headers": {"cookie": f"{SESSION_COOKIE}={token}", "origin": "http://x"},
            "pathname": "/rates/[id]/import",
            "asPath": address,
            "query": query,
        }
    )
    return state


def test_a_large_sheet_runs_on_the_queue_its_progress_climbs_and_a_reload_returns_to_it(
    migrated_engine, tmp_path: Path
) -> None:
    agency = _verified()
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    list_id = _contract_list(ctx)
    path = tmp_path / "ocean-crest-contract.csv"
    rows = write_contract(path, PERIODS)
    assert path.stat().st_size > sheets.INLINE_LIMIT_BYTES  # large: the worker's, not inline
    token = _signed_in(agency.user.email)
    api = _client(ctx)

    # the page: upload, the two constants the file lacks, commit; it starts following the run
    page = _page(token, list_id)
    assert plain(S.load)(page) is None and page.found
    with path.open("rb") as handle:
        asyncio.run(plain(S.upload)(page, [rx.UploadFile(file=handle, path=Path(path.name))]))
    assert page.step == "map", page.file_note
    assert plain(S.set_constant)(page, "currency", "INR") is None
    assert plain(S.set_constant)(page, "basis", "per_room") is None
    assert page.unmapped == []
    follow = plain(S.commit)(page)
    assert follow is S.poll, follow  # queued: the page polls the import
    assert page.running and page.step == "report"
    import_id = page.import_id

    # the API, polled as an integration would, until the run is over; a reload meanwhile
    seen: list[tuple[str, int]] = []
    reloaded_while_running: Any = None
    deadline = time.monotonic() + 180
    while True:
        response = api.get(f"/api/rate-imports/{import_id}")
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        seen.append((data["status"], data["progress"]))
        if data["status"] in FINISHED:
            break
        if reloaded_while_running is None and data["status"] == "running":
            reloaded_while_running = _page(token, list_id, import_id)
            assert plain(S.load)(reloaded_while_running) is S.poll  # back to it, following it
        assert time.monotonic() < deadline, f"the import did not finish: {seen[-5:]}"
        time.sleep(0.05)
    assert data["status"] == "committed", data.get("failure") or data["report"].get("errors")
    assert data["progress"] == 100 and data["rows_read"] == rows
    assert data["lines"] == rows * len(OCCUPANCY_FACTORS)
    progress = [p for _status, p in seen]
    assert progress == sorted(progress), progress  # it only climbs

    if not get_settings().huey_immediate:  # the real queue: the run was seen in flight
        assert seen[0][0] in {"queued", "running"}, seen[:3]
        assert any(0 < p < 100 for p in progress), progress
        assert reloaded_while_running is not None, seen
        reloaded = reloaded_while_running
        assert reloaded.import_id == import_id and reloaded.running
        assert reloaded.step == "report" and reloaded.status == "running"
        assert reloaded.file_name == path.name

    # a reload after the end: the finished report, nothing running
    after = _page(token, list_id, import_id)
    assert plain(S.load)(after) is None
    assert after.import_id == import_id and not after.running
    assert after.status == "committed" and after.step == "done"
    assert after.lines == rows * len(OCCUPANCY_FACTORS) and after.progress == 100

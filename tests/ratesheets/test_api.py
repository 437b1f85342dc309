"""Rate sheets over REST: upload with a dry run, commit, the worker path for large files, the
failing rows, exports; and the attacks: another agency's ids, oversize and fake files."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tests.accounts.test_accounts import PASSWORD
from tests.api.test_envelope_and_problems import assert_problem
from tests.conftest import wait_for
from tests.fixtures.rate_sheets.manifest import MANIFEST
from tests.ratesheets.test_import import _target
from travelcrm.accounts.models import User
from travelcrm.api.app import create_api
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope
from travelcrm.ratesheets import services as sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(ctx: TenantContext) -> TestClient:
    client = TestClient(create_api(), raise_server_exceptions=False)
    with system_scope() as session:
        owner = session.get(User, ctx.user_id)
        assert owner is not None
        email = owner.email
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client


def _upload(client: TestClient, list_id: object, path: Path, **fields: str) -> object:
    with path.open("rb") as handle:
        return client.post(
            f"/api/rate-lists/{list_id}/imports",
            files={"file": (path.name, handle, "application/octet-stream")},
            data=fields,
        )


def test_a_sheet_over_rest_dry_run_then_commit_then_export(migrated_engine) -> None:
    fx = MANIFEST["hotel_dubai_titles_merged.xlsx"]
    target = _target(fx)
    client = _client(target.ctx)
    checked = _upload(client, target.rate_list_id, fx.path, mapping=json.dumps(fx.mapping))
    assert checked.status_code == 200, checked.text
    report = checked.json()["data"]
    assert report["status"] == "checked" and report["lines"] == fx.expected_lines
    assert report["report"]["diff"]["added"] == fx.expected_lines
    import_id = report["id"]

    shown = client.get(f"/api/rate-imports/{import_id}/preview")
    assert shown.status_code == 200
    assert shown.json()["data"]["header_row"] == fx.header_row

    committed = client.post(f"/api/rate-imports/{import_id}/commit", json={})
    assert committed.status_code == 200, committed.text
    assert committed.json()["data"]["status"] == "committed"
    history = client.get(f"/api/rate-lists/{target.rate_list_id}/imports").json()["data"]
    assert [h["id"] for h in history] == [import_id]
    assert history[0]["checksum"] and history[0]["file_name"] == fx.file

    xlsx = client.get(f"/api/rate-lists/{target.rate_list_id}/export?format=xlsx&version=1")
    assert xlsx.status_code == 200 and xlsx.headers["content-type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Service" and sheet["A1"].font.bold
    assert sheet.max_row == fx.expected_lines + 1
    csv_file = client.get(f"/api/rate-lists/{target.rate_list_id}/export?format=csv")
    assert csv_file.status_code == 200
    assert csv_file.content.decode("utf-8-sig").count("\n") == fx.expected_lines + 1
    theirs = client.get(f"/api/rate-lists/{target.rate_list_id}/export?layout=supplier")
    assert theirs.status_code == 200  # the template saved by the commit


def test_a_large_sheet_runs_on_the_worker_and_reports_progress(
    migrated_engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "INLINE_LIMIT_BYTES", 0)  # every file counts as large
    fx = MANIFEST["hotel_goa_seasons_wide.xlsx"]
    target = _target(fx)
    client = _client(target.ctx)
    queued = _upload(
        client, target.rate_list_id, fx.path, mapping=json.dumps(fx.mapping), dry_run="false"
    )
    assert queued.status_code == 202, queued.text
    assert queued.headers["location"].endswith(queued.json()["data"]["id"])
    # polled until the worker is done (on SQLite's immediate queue it already is)

    def finished() -> dict | None:
        data = client.get(queued.headers["location"]).json()["data"]
        return None if data["status"] in {"queued", "running"} else data

    done = wait_for(finished, what="the queued import")
    assert done["status"] == "committed", done
    assert done["progress"] == 100 and done["lines"] == fx.expected_lines


def test_errors_come_back_by_row_and_the_failing_rows_download(migrated_engine) -> None:
    fx = next(fx for fx in MANIFEST.values() if fx.errors)
    target = _target(fx)
    client = _client(target.ctx)
    refused = _upload(
        client, target.rate_list_id, fx.path, mapping=json.dumps(fx.mapping), dry_run="false"
    )
    assert refused.status_code == 200
    data = refused.json()["data"]
    assert data["status"] == "refused" and data["version_id"] is None
    assert {e["row"] for e in data["report"]["errors"]} >= {p.row for p in fx.errors if p.header}
    failing = client.get(f"/api/rate-imports/{data['id']}/failing-rows")
    assert failing.status_code == 200 and failing.headers["content-type"].startswith("text/csv")
    assert "error" in failing.content.decode("utf-8-sig").splitlines()[0]


def test_bad_files_are_refused_with_the_reason(migrated_engine, tmp_path: Path) -> None:
    fx = MANIFEST["activities_bali.csv"]
    target = _target(fx)
    client = _client(target.ctx)
    fake = tmp_path / "rates.xlsx"
    fake.write_bytes(b"%PDF-1.7\n" + b"0" * 200)
    refused = _upload(client, target.rate_list_id, fake)
    assert_problem(refused, 422, "not_a_spreadsheet")
    assert "PDF" in refused.json()["detail"]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in _upload(client, target.rate_list_id, empty).json()["detail"]
    # over the limit: refused on the announced length, before the body is read
    huge = client.post(
        f"/api/rate-lists/{target.rate_list_id}/imports",
        content=b"x",
        headers={
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(60 * 1024 * 1024),
        },
    )
    assert_problem(huge, 422, "too_large")
    assert "50 MB" in huge.json()["detail"]
    no_file = client.post(f"/api/rate-lists/{target.rate_list_id}/imports", data={"x": "1"})
    assert_problem(no_file, 422, "validation_failed")
    bad_mapping = _upload(client, target.rate_list_id, fx.path, mapping="{not json")
    assert_problem(bad_mapping, 422, "validation_failed")


def test_another_agencys_imports_and_lists_are_not_found(migrated_engine) -> None:
    fx = MANIFEST["activities_bali.csv"]
    theirs = _target(fx)
    theirs_client = _client(theirs.ctx)
    their_import = _upload(theirs_client, theirs.rate_list_id, fx.path).json()["data"]["id"]
    mine = _target(fx)
    client = _client(mine.ctx)
    for method, url in (
        ("get", f"/api/rate-imports/{their_import}"),
        ("get", f"/api/rate-imports/{their_import}/preview"),
        ("get", f"/api/rate-imports/{their_import}/failing-rows"),
        ("post", f"/api/rate-imports/{their_import}/commit"),
        ("post", f"/api/rate-imports/{their_import}/dry-run"),
        ("get", f"/api/rate-imports/{their_import}/mapping"),
        ("put", f"/api/rate-imports/{their_import}/mapping"),
        ("get", f"/api/rate-lists/{theirs.rate_list_id}/imports"),
        ("get", f"/api/rate-lists/{theirs.rate_list_id}/export"),
        ("get", f"/api/rate-imports/{uuid.uuid4()}"),
    ):
        body = {"post": {}, "put": fx.mapping}.get(method)
        response = client.request(method, url, json=body)
        assert_problem(response, 404, "not_found")
    refused = _upload(client, theirs.rate_list_id, fx.path)
    assert_problem(refused, 404, "not_found")


def test_an_upload_with_required_fields_unmapped_is_staged_then_mapped_checked_and_committed(
    migrated_engine,
) -> None:
    """The Cover sheet asked for maps no service and no season: the file is staged all the
    same (201) with its preview, the suggested mapping and what is unmapped; the dry run and
    the commit are refused (422, naming the fields) until the mapping is completed."""
    fx = MANIFEST["hotel_cover_sheet.xlsx"]
    target = _target(fx)
    client = _client(target.ctx)
    staged = _upload(client, target.rate_list_id, fx.path, sheet="Cover")
    assert staged.status_code == 201, staged.text
    data = staged.json()["data"]
    import_id = data["id"]
    assert staged.headers["location"] == f"/api/rate-imports/{import_id}"
    assert data["status"] == "staged" and data["version_id"] is None
    # (its "Rates | room rates per night" contents line reads as a price column)
    assert data["unmapped_required"] == ["service", "season"]
    preview = data["preview"]
    assert preview["sheet"] == "Cover" and preview["rows"][0][0] == "Hilltop Kandy Resort"
    assert preview["unmapped_required"] == data["unmapped_required"]
    scores = {s["name"]: s["score"] for s in preview["sheet_scores"]}
    assert list(scores) == ["Cover", "Rates", "Terms"] and max(scores, key=scores.get) == "Rates"
    history = client.get(f"/api/rate-lists/{target.rate_list_id}/imports").json()["data"]
    assert [h["id"] for h in history] == [import_id]

    for step in ("dry-run", "commit"):
        refused = client.post(f"/api/rate-imports/{import_id}/{step}", json={})
        body = assert_problem(refused, 422, "validation_failed")
        assert [e["field"] for e in body["errors"]] == ["mapping.service", "mapping.season"]
        assert "service" in body["detail"] and "valid from" in body["detail"]
    assert client.get(f"/api/rate-imports/{import_id}").json()["data"]["status"] == "staged"

    # the suggested mapping of the rates sheet, read from the staged file
    rates_sheet = client.get(f"/api/rate-imports/{import_id}/preview?sheet=Rates").json()["data"]
    assert rates_sheet["header_row"] == fx.header_row and rates_sheet["unmapped_required"] == []
    put = client.put(f"/api/rate-imports/{import_id}/mapping", json=rates_sheet["suggested"])
    assert put.status_code == 200, put.text
    assert put.json()["data"]["unmapped_required"] == []
    assert put.json()["data"]["mapping"]["sheet"] == "Rates"
    kept = client.get(f"/api/rate-imports/{import_id}/mapping").json()["data"]
    assert kept["mapping"] == put.json()["data"]["mapping"]

    checked = client.post(f"/api/rate-imports/{import_id}/dry-run", json={})
    assert checked.status_code == 200, checked.text
    report = checked.json()["data"]
    assert report["status"] == "checked" and report["report"]["errors"] == []
    assert report["lines"] == fx.expected_lines
    committed = client.post(f"/api/rate-imports/{import_id}/commit", json={})
    assert committed.status_code == 200, committed.text
    assert committed.json()["data"]["status"] == "committed"
    again = client.put(f"/api/rate-imports/{import_id}/mapping", json=rates_sheet["suggested"])
    assert_problem(again, 409, "conflict")


def test_an_upload_without_a_mapping_opens_the_rates_sheet_and_checks_it(migrated_engine) -> None:
    fx = MANIFEST["hotel_cover_sheet.xlsx"]
    target = _target(fx)
    client = _client(target.ctx)
    checked = _upload(client, target.rate_list_id, fx.path)
    assert checked.status_code == 200, checked.text
    data = checked.json()["data"]
    assert data["status"] == "checked" and data["unmapped_required"] == []
    assert data["preview"]["sheet"] == data["mapping"]["sheet"] == "Rates"
    assert data["report"]["errors"] == [] and data["lines"] == fx.expected_lines


def test_a_given_mapping_missing_the_dates_is_staged_naming_them(migrated_engine) -> None:
    fx = MANIFEST["transport_rajasthan.xlsx"]
    target = _target(fx)
    client = _client(target.ctx)
    without_end = dict(fx.mapping)
    without_end["columns"] = [c for c in fx.mapping["columns"] if c["field"] != "valid_to"]
    staged = _upload(client, target.rate_list_id, fx.path, mapping=json.dumps(without_end))
    assert staged.status_code == 201, staged.text
    data = staged.json()["data"]
    assert data["unmapped_required"] == ["valid_to"]
    refused = client.post(f"/api/rate-imports/{data['id']}/dry-run", json={})
    body = assert_problem(refused, 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == ["mapping.valid_to"]
    # given with the dry run itself
    checked = client.post(f"/api/rate-imports/{data['id']}/dry-run", json={"mapping": fx.mapping})
    assert checked.status_code == 200, checked.text
    assert checked.json()["data"]["lines"] == fx.expected_lines


def test_a_deeply_nested_mapping_is_refused_not_a_server_error(migrated_engine) -> None:
    fx = MANIFEST["activities_bali.csv"]
    target = _target(fx)
    client = _client(target.ctx)
    nested = '{"columns": ' + "[" * 1000 + "]" * 1000 + "}"
    upload = _upload(client, target.rate_list_id, fx.path, mapping=nested)
    body = assert_problem(upload, 422, "validation_failed")
    assert "nested" in body["detail"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("mapping", "too_deep")]
    deep_object = "{" + '"a": {' * 1000 + "}" * 1001
    assert_problem(
        _upload(client, target.rate_list_id, fx.path, mapping=deep_object),
        422,
        "validation_failed",
    )
    import_id = _upload(client, target.rate_list_id, fx.path).json()["data"]["id"]
    commit = client.post(
        f"/api/rate-imports/{import_id}/commit",
        content='{"mapping": ' + nested + "}",
        headers={"content-type": "application/json"},
    )
    body = assert_problem(commit, 422, "validation_failed")
    assert "nested" in body["detail"]
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("body", "too_deep")]

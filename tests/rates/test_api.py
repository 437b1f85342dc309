"""The rates API: a contract built over REST, then the attack tests — another agency's ids on
every route answer 404, bodies cannot set tenant, id or status, an agent reads but cannot edit."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import select

from tests.accounts.test_accounts import PASSWORD
from tests.api.test_envelope_and_problems import assert_problem
from tests.rates.factories import Contract, make_contract, make_supplier
from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import User
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.db import system_scope, tenant_scope
from travelcrm.rates.models import RateLine, SupplierRestriction
from travelcrm.suppliers.models import SupplierService


def _client_for(contract: Contract, role: Role = Role.OWNER) -> TestClient:
    client = TestClient(create_api(), raise_server_exceptions=False)
    with system_scope() as session:
        owner = session.get(User, contract.ctx.user_id)
        assert owner is not None
        email = owner.email
        if role is not Role.OWNER:
            email = f"{role.value}.{uuid.uuid4().hex[:6]}@example.com"
            accounts.add_member(
                session,
                tenant_id=contract.ctx.tenant_id,
                email=email,
                name=role.value.title(),
                password=PASSWORD,
                role=role,
                verified=True,
            )
    response = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client


def test_a_contract_over_rest(migrated_engine) -> None:
    contract = make_contract(publish=False)
    client = _client_for(contract)
    supplier_id, room_id, _tour = make_supplier(contract.ctx, "Palm Grove")
    created = client.post(
        "/api/rate-lists",
        json={
            "supplier_id": str(supplier_id),
            "name": "Palm Grove 2027",
            "currency": "inr",
            "valid_from": "2027-04-01",
            "valid_to": "2027-12-31",
            "tenant_id": str(uuid.uuid4()),  # ignored
            "status": "published",  # ignored: a new list is a draft
        },
    )
    assert created.status_code == 201, created.text
    version = created.json()["data"]
    assert (version["status"], version["currency"], version["number"]) == ("draft", "INR", 1)
    assert {b["kind"] for b in version["age_bands"]} >= {"adult", "infant"}
    vid, lock = version["id"], version["row_version"]
    season = client.post(
        f"/api/rate-versions/{vid}/seasons",
        json={
            "row_version": lock,
            "name": "All year",
            "starts_on": "2027-04-01",
            "ends_on": "2027-12-31",
        },
    )
    assert season.status_code == 201, season.text
    lock += 1
    bad = client.post(
        f"/api/rate-versions/{vid}/lines",
        json={
            "row_version": lock,
            "lines": [
                {
                    "service_id": str(room_id),
                    "season_id": season.json()["data"]["id"],
                    "basis": "per_room",
                    "occupancy": "double",
                    "net": "-5",
                },
            ],
        },
    )
    body = assert_problem(bad, 422, "validation_failed")
    assert any("net" in e["field"] for e in body["errors"])
    lines = client.post(
        f"/api/rate-versions/{vid}/lines",
        json={
            "row_version": lock,
            "lines": [
                {
                    "service_id": str(room_id),
                    "season_id": season.json()["data"]["id"],
                    "basis": "per_room",
                    "occupancy": "double",
                    "net": "4000",
                    "markup_pct": "25",
                },
            ],
        },
    )
    assert lines.status_code == 201, lines.text
    assert lines.json()["data"][0]["effective_sell"] == "5000.00"
    lock += 1
    stale = client.post(f"/api/rate-versions/{vid}/publish", json={"row_version": lock - 1})
    assert_problem(stale, 409, "version_conflict")
    # the single room and both child bands are unpriced: each is confirmed before publishing
    check = client.get(f"/api/rate-versions/{vid}/coverage").json()["data"]
    confirm = sorted(i["key"] for i in check if i["severity"] == "confirm")
    assert {i["code"] for i in check if i["severity"] == "confirm"} == {
        "single_missing",
        "child_missing",
    }
    refused = client.post(
        f"/api/rate-versions/{vid}/publish",
        json={"row_version": lock, "acknowledged": confirm[:-1]},
    )
    body = assert_problem(refused, 422, "publish_refused")
    assert body["unacknowledged"] == confirm[-1:]
    assert [e["field"] for e in body["errors"]] == ["acknowledged"]
    published = client.post(
        f"/api/rate-versions/{vid}/publish", json={"row_version": lock, "acknowledged": confirm}
    )
    assert published.status_code == 200, published.text
    quote = client.post(
        "/api/price-quotes",
        json={"service_id": str(room_id), "check_in": "2027-05-01", "nights": 2},
    )
    assert quote.status_code == 200, quote.text
    assert quote.json()["data"]["total_sell"] == "10000.00"
    assert (quote.json()["data"]["rate_list_name"], quote.json()["data"]["market"]) == (
        "Palm Grove 2027",
        "all",
    )
    none = client.post(
        "/api/price-quotes", json={"service_id": str(room_id), "check_in": "2028-05-01"}
    )
    assert assert_problem(none, 422, "no_price")["reason"] == "no_rate_list"
    page = client.get(f"/api/rate-versions/{vid}/lines", params={"per_page": 10})
    assert page.json()["meta"]["total"] == 1 and page.json()["meta"]["pages"] == 1


def test_another_agencys_ids_are_not_found_everywhere(migrated_engine) -> None:
    theirs = make_contract()
    mine = make_contract(publish=False)
    client = _client_for(mine)
    with tenant_scope(theirs.ctx) as session:
        line_id = session.exec(
            select(RateLine.id).where(RateLine.version_id == theirs.version_id)
        ).first()
        restriction = SupplierRestriction(
            tenant_id=theirs.ctx.tenant_id,
            supplier_id=theirs.supplier_id,
            kind="blackout",
            starts_on=date(2027, 5, 1),
            ends_on=date(2027, 5, 2),
        )
        session.add(restriction)
        session.flush()
        restriction_id = restriction.id
    v, lst, season = theirs.version_id, theirs.rate_list_id, theirs.peak_id
    calls = [
        ("get", f"/api/rate-lists/{lst}", None),
        ("get", f"/api/rate-versions/{v}", None),
        ("patch", f"/api/rate-versions/{v}", {"row_version": 1, "notes": "x"}),
        ("post", f"/api/rate-versions/{v}/drafts", None),
        ("post", f"/api/rate-versions/{v}/publish", {"row_version": 1}),
        ("post", f"/api/rate-versions/{v}/unpublish", None),
        ("get", f"/api/rate-versions/{v}/coverage", None),
        ("get", f"/api/rate-versions/{v}/diff?against={v}", None),
        (
            "post",
            f"/api/rate-versions/{v}/seasons",
            {"row_version": 1, "name": "X", "starts_on": "2027-05-01", "ends_on": "2027-05-02"},
        ),
        (
            "patch",
            f"/api/rate-seasons/{season}",
            {"row_version": 1, "name": "X", "starts_on": "2027-05-01", "ends_on": "2027-05-02"},
        ),
        ("delete", f"/api/rate-seasons/{season}?row_version=1", None),
        (
            "put",
            f"/api/rate-versions/{v}/age-bands",
            {"row_version": 1, "bands": [{"kind": "adult", "age_min": 12, "age_max": 99}]},
        ),
        ("get", f"/api/rate-versions/{v}/lines", None),
        (
            "post",
            f"/api/rate-versions/{v}/lines",
            {
                "row_version": 1,
                "lines": [
                    {
                        "service_id": str(theirs.room_id),
                        "season_id": str(season),
                        "basis": "per_room",
                        "occupancy": "double",
                        "net": "1",
                    }
                ],
            },
        ),
        (
            "post",
            f"/api/rate-versions/{v}/lines/delete",
            {"row_version": 1, "line_ids": [str(line_id)]},
        ),
        ("patch", f"/api/rate-lines/{line_id}", {"row_version": 1, "net": "1"}),
        (
            "post",
            f"/api/rate-versions/{v}/bulk",
            {
                "row_version": 1,
                "selection": {"service_id": str(theirs.room_id)},
                "operation": "set",
                "value": "1",
                "dry_run": False,
            },
        ),
        ("get", f"/api/restrictions?supplier_id={theirs.supplier_id}", None),
        (
            "post",
            "/api/restrictions",
            {
                "supplier_id": str(theirs.supplier_id),
                "kind": "stop_sale",
                "starts_on": "2027-05-01",
                "ends_on": "2027-05-02",
            },
        ),
        ("delete", f"/api/restrictions/{restriction_id}", None),
        ("get", f"/api/allotments?service_id={theirs.room_id}&month=2027-05-01", None),
        (
            "put",
            "/api/allotments",
            {
                "service_id": str(theirs.room_id),
                "starts_on": "2027-05-01",
                "ends_on": "2027-05-02",
                "units": 3,
            },
        ),
        (
            "post",
            "/api/price-quotes",
            {"service_id": str(theirs.room_id), "check_in": "2027-05-01"},
        ),
        (
            "post",
            "/api/rate-lists",
            {
                "supplier_id": str(theirs.supplier_id),
                "name": "Stolen",
                "currency": "INR",
                "valid_from": "2027-01-01",
                "valid_to": "2027-02-01",
            },
        ),
    ]
    for method, url, body in calls:
        response = client.request(method, url, json=body)
        assert response.status_code == 404, (method, url, response.status_code, response.text)
    # cross references from my own draft to their records: not found either
    mine_lock = mine.lock()
    cross = client.post(
        f"/api/rate-versions/{mine.version_id}/lines",
        json={
            "row_version": mine_lock,
            "lines": [
                {
                    "service_id": str(theirs.room_id),
                    "season_id": str(mine.peak_id),
                    "basis": "per_room",
                    "occupancy": "double",
                    "net": "1",
                }
            ],
        },
    )
    assert_problem(cross, 422, "validation_failed")
    assert cross.json()["errors"][0]["field"] == "service_id"
    listed = client.get("/api/rate-lists").json()["data"]
    assert {r["id"] for r in listed} == {str(mine.rate_list_id)}
    # nothing of theirs changed
    with tenant_scope(theirs.ctx) as session:
        assert session.get(SupplierRestriction, (theirs.ctx.tenant_id, restriction_id)) is not None


def test_an_agent_reads_and_quotes_but_cannot_edit(migrated_engine) -> None:
    contract = make_contract()
    agent = _client_for(contract, Role.AGENT)
    assert agent.get(f"/api/rate-versions/{contract.version_id}").status_code == 200
    quote = agent.post(
        "/api/price-quotes", json={"service_id": str(contract.room_id), "check_in": "2027-05-01"}
    )
    assert quote.status_code == 200
    for method, url, body in [
        ("post", f"/api/rate-versions/{contract.version_id}/drafts", None),
        (
            "post",
            "/api/restrictions",
            {
                "supplier_id": str(contract.supplier_id),
                "kind": "stop_sale",
                "starts_on": "2027-05-01",
                "ends_on": "2027-05-02",
            },
        ),
        (
            "put",
            "/api/allotments",
            {
                "service_id": str(contract.room_id),
                "starts_on": "2027-05-01",
                "ends_on": "2027-05-02",
                "units": 3,
            },
        ),
    ]:
        assert_problem(agent.request(method, url, json=body), 403, "permission_denied")


def test_a_season_of_several_date_ranges_over_rest(migrated_engine) -> None:
    contract = make_contract(publish=False)
    client = _client_for(contract)
    version = client.get(f"/api/rate-versions/{contract.version_id}").json()["data"]
    lean = next(s for s in version["seasons"] if s["name"] == "Lean")
    assert lean["ranges"] == [{"starts_on": "2027-04-01", "ends_on": "2027-09-30"}]
    # Lean gives up its monsoon months to a new season, and keeps two ranges
    shrunk = client.patch(
        f"/api/rate-seasons/{lean['id']}",
        json={
            "row_version": version["row_version"],
            "name": "Lean",
            "ranges": [
                {"starts_on": "2027-09-01", "ends_on": "2027-09-30"},
                {"starts_on": "2027-04-01", "ends_on": "2027-06-30"},
            ],
        },
    )
    assert shrunk.status_code == 200, shrunk.text
    assert shrunk.json()["data"]["ranges"] == [
        {"starts_on": "2027-04-01", "ends_on": "2027-06-30"},
        {"starts_on": "2027-09-01", "ends_on": "2027-09-30"},
    ]
    bad = client.post(
        f"/api/rate-versions/{contract.version_id}/seasons",
        json={
            "row_version": version["row_version"] + 1,
            "name": "Monsoon",
            "ranges": [
                {"starts_on": "2027-07-01", "ends_on": "2027-08-31"},
                {"starts_on": "2027-09-15", "ends_on": "2027-09-10"},
            ],
        },
    )
    body = assert_problem(bad, 422, "validation_failed")
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (1, "ends_on", "end_before_start")
    ]
    made = client.post(
        f"/api/rate-versions/{contract.version_id}/seasons",
        json={
            "row_version": version["row_version"] + 1,
            "name": "Monsoon",
            "starts_on": "2027-07-01",
            "ends_on": "2027-08-31",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["data"]["ranges"] == [{"starts_on": "2027-07-01", "ends_on": "2027-08-31"}]


def test_a_bulk_change_whose_selection_matches_no_line_is_refused(migrated_engine) -> None:
    contract = make_contract(publish=False)
    client = _client_for(contract)
    _supplier, other_room, _tour = make_supplier(contract.ctx, "Palm Grove")  # no lines
    lock = contract.lock()
    change = {
        "row_version": lock,
        "selection": {"service_id": str(other_room)},
        "operation": "percent",
        "value": "10",
    }
    preview = client.post(f"/api/rate-versions/{contract.version_id}/bulk", json=change)
    assert preview.status_code == 200, preview.text  # a preview may show that nothing matches
    assert preview.json()["data"]["rows"] == [] and not preview.json()["data"]["applied"]
    applied = client.post(
        f"/api/rate-versions/{contract.version_id}/bulk", json={**change, "dry_run": False}
    )
    body = assert_problem(applied, 422, "validation_failed")
    assert body["detail"] == "No line matches this selection: nothing was changed."
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("selection", "no_match")]
    assert contract.lock() == lock  # the version was not touched


def test_vehicle_prices_over_rest_per_km_with_seats_and_supplements(
    migrated_engine, frozen_clock
) -> None:
    contract = make_contract(publish=False)
    client = _client_for(contract)
    supplier_id, _room, _tour = make_supplier(contract.ctx, "Rajasthan Cabs")
    with tenant_scope(contract.ctx) as session:
        innova = SupplierService(
            tenant_id=contract.ctx.tenant_id,
            supplier_id=supplier_id,
            kind="vehicle",
            name="Innova",
            max_occupancy=6,
        )
        session.add(innova)
        session.flush()
        innova_id = str(innova.id)
    created = client.post(
        "/api/rate-lists",
        json={
            "supplier_id": str(supplier_id),
            "name": "Rajasthan Cabs 2027",
            "currency": "INR",
            "valid_from": "2027-04-01",
            "valid_to": "2027-04-30",
        },
    ).json()["data"]
    vid, lock = created["id"], created["row_version"]
    season = client.post(
        f"/api/rate-versions/{vid}/seasons",
        json={
            "row_version": lock,
            "name": "April",
            "starts_on": "2027-04-01",
            "ends_on": "2027-04-30",
        },
    ).json()["data"]["id"]
    lock += 1
    common = {"service_id": innova_id, "season_id": season}
    added = client.post(
        f"/api/rate-versions/{vid}/lines",
        json={
            "row_version": lock,
            "lines": [
                {**common, "basis": "per_km", "capacity": 7, "net": "18"},
                {**common, "basis": "per_vehicle", "supplement": "Driver allowance", "net": 400},
                {
                    **common,
                    "basis": "per_vehicle",
                    "supplement": "Night driving",
                    "optional": True,
                    "net": 300,
                },
            ],
        },
    )
    assert added.status_code == 201, added.text
    lock += 1
    km, allowance, night = added.json()["data"]
    assert (km["basis"], km["capacity"], km["supplement"], km["optional"]) == (
        "per_km",
        7,
        None,
        False,
    )
    assert (night["supplement"], night["optional"]) == ("Night driving", True)
    wrong = client.patch(
        f"/api/rate-lines/{allowance['id']}",
        json={"row_version": lock, "basis": "per_group", "capacity": 4},
    )
    assert [e["field"] for e in assert_problem(wrong, 422, "validation_failed")["errors"]] == [
        "capacity"
    ]
    seats = client.patch(f"/api/rate-lines/{km['id']}", json={"row_version": lock, "capacity": 6})
    assert seats.status_code == 200, seats.text
    assert seats.json()["data"]["capacity"] == 6
    lock += 1
    published = client.post(f"/api/rate-versions/{vid}/publish", json={"row_version": lock})
    assert published.status_code == 200, published.text
    asked = {"service_id": innova_id, "check_in": "2027-04-10", "adults": 7}
    missing = client.post("/api/price-quotes", json=asked)
    assert assert_problem(missing, 422, "no_price")["reason"] == "quantity_missing"
    quote = client.post(
        "/api/price-quotes", json={**asked, "km": 300, "supplements": ["Night driving"]}
    )
    assert quote.status_code == 200, quote.text
    data = quote.json()["data"]
    assert data["total_net"] == str(2 * 300 * 18 + 2 * 400 + 2 * 300) + ".00"
    assert [(p["what"], p["quantity"], p["units"]) for p in data["nights"][0]["parts"]] == [
        ("Innova", "300", 2),
        ("Driver allowance", "1", 2),
        ("Night driving", "1", 2),
    ]


def test_lines_page_by_limit_and_cursor_like_every_list(migrated_engine) -> None:
    contract = make_contract(publish=False)
    client = _client_for(contract)
    url = f"/api/rate-versions/{contract.version_id}/lines"
    everything = client.get(url, params={"per_page": 1000})  # the numbered pages still answer
    assert everything.status_code == 200, everything.text
    expected = [line["id"] for line in everything.json()["data"]]
    assert len(expected) >= 3
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    while True:
        page = client.get(url, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["meta"]["limit"] == 2 and body["meta"]["total"] == len(expected)
        seen += [line["id"] for line in body["data"]]
        if body["meta"]["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": body["meta"]["next_cursor"]}
    assert seen == expected
    elsewhere = client.get("/api/customers", params={"cursor": params["cursor"]})
    assert_problem(elsewhere, 422, "validation_failed")

"""The customers API, and attacks on it: another agency's customer and traveller ids are 404 on
every route and never listed; mass assignment is refused; an agent cannot merge; a change made
at an old version is refused; duplicates come back with their matches."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.agency import ApiAgency
from tests.api.test_envelope_and_problems import assert_fields_refused, assert_problem
from travelcrm.core.permissions import Role


class Agency(ApiAgency):
    """An agency with its owner signed in (browser session) through the API."""

    def customer(self, **overrides: Any) -> dict[str, Any]:
        body = {"name": "Anita Rao", "email": f"anita.{uuid.uuid4().hex[:8]}@example.com"}
        body.update(overrides)
        response = self.owner.post("/api/customers", json=body)
        assert response.status_code == 201, response.text
        return response.json()["data"]


@pytest.fixture
def alpha(migrated_engine) -> Agency:
    return Agency()


@pytest.fixture
def bravo(migrated_engine) -> Agency:
    return Agency()


def test_create_read_search_page_and_update(alpha: Agency) -> None:
    client = alpha.owner
    created = client.post(
        "/api/customers",
        json={
            "name": "  Priya   Sharma ",
            "email": "Priya.Sharma@Example.com",
            "phone": "098123 45678",
            "city": "Pune",
            "country": "IN",
            "tags": ["vip"],
        },
    )
    assert created.status_code == 201, created.text
    customer = created.json()["data"]
    cid = customer["id"]
    assert created.headers["location"] == f"/api/customers/{cid}"
    assert customer["phone"] == "+919812345678"  # E.164, read in the agency's country
    assert customer["email"] == "priya.sharma@example.com"
    assert customer["row_version"] == 1
    read = client.get(f"/api/customers/{cid}")
    assert read.status_code == 200 and read.json()["data"] == customer
    assert client.get(f"/api/customers/{cid}", headers={"If-None-Match": read.headers["etag"]})
    for params in ({"q": "sharma"}, {"q": "priya.sh"}, {"q": "98123"}, {"tag": "vip"}):
        listed = client.get("/api/customers", params=params).json()["data"]
        assert [c["id"] for c in listed] == [cid], params
    assert client.get("/api/customers", params={"country": "AE"}).json()["data"] == []

    updated = client.patch(f"/api/customers/{cid}", json={"row_version": 1, "city": "Mumbai"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["data"]["city"] == "Mumbai"
    assert updated.json()["data"]["row_version"] == 2
    assert updated.headers["etag"] != read.headers["etag"]
    # the second person, who read version 1, is told instead of overwriting
    stale = client.patch(f"/api/customers/{cid}", json={"row_version": 1, "city": "Goa"})
    body = assert_problem(stale, 409, "version_conflict")
    assert body["current_row_version"] == 2
    stale_etag = client.patch(
        f"/api/customers/{cid}",
        json={"row_version": 2, "city": "Goa"},
        headers={"If-Match": read.headers["etag"]},
    )
    assert_problem(stale_etag, 412, "precondition_failed")
    assert client.get(f"/api/customers/{cid}").json()["data"]["city"] == "Mumbai"


def test_the_list_pages_with_a_cursor(alpha: Agency) -> None:
    made = [alpha.customer(name=f"Guest {i}")["id"] for i in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = alpha.owner.get("/api/customers", params=params).json()
        seen += [c["id"] for c in body["data"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made))  # newest first, each once
    for forged in ("forged.abc", ".\x19ð", "W10.é"):  # non-ASCII signatures too
        assert_problem(
            alpha.owner.get("/api/customers", params={"cursor": forged}),
            422,
            "validation_failed",
        )


def test_a_duplicate_is_409_with_its_matches_unless_allowed(alpha: Agency) -> None:
    first = alpha.customer(name="Rahul Mehta", email="rahul@example.com", phone="+919812345678")
    again = alpha.owner.post("/api/customers", json={"name": "R. Mehta", "phone": "09812345678"})
    body = assert_problem(again, 409, "duplicate_customer")
    assert [m["id"] for m in body["matches"]] == [first["id"]]
    assert body["matches"][0]["matched_on"] == ["phone"]
    allowed = alpha.owner.post(
        "/api/customers",
        json={"name": "R. Mehta", "email": "RAHUL@example.com", "allow_duplicate": True},
    )
    assert allowed.status_code == 201
    second = allowed.json()["data"]
    duplicates = alpha.owner.get(f"/api/customers/{second['id']}/duplicates").json()["data"]
    assert [(d["id"], d["matched_on"]) for d in duplicates] == [(first["id"], ["email"])]


def test_bad_fields_are_named(alpha: Agency) -> None:
    cases = {
        "email": "not-an-email",
        "phone": "12345",  # the right shape, but no such number
        "alt_phone": "call me",
        "country": "ZZ",
        "name": "   ",
        "tags": ["Not A Tag!"],
    }
    for field, value in cases.items():
        body = assert_problem(
            alpha.owner.post("/api/customers", json={"name": "Asha", field: value}),
            422,
            "validation_failed",
        )
        assert body["errors"][0]["field"].split(".")[0] == field, body
    customer = alpha.customer()
    body = assert_problem(
        alpha.owner.patch(
            f"/api/customers/{customer['id']}", json={"row_version": 1, "phone": "12345"}
        ),
        422,
        "validation_failed",
    )
    assert body["errors"][0]["field"] == "phone"


def test_merge_moves_the_history_and_keeps_the_duplicate(alpha: Agency) -> None:
    keep = alpha.customer(name="Meera Iyer", email="meera@example.com")
    duplicate = alpha.customer(name="Meera I", phone="+919800000001", tags=["honeymoon"])
    query = alpha.owner.post(
        "/api/queries",
        json={
            "customer_id": duplicate["id"],
            "destinations": ["Kerala"],
            "travel_month": "2099-01",
            "nights": 5,
        },
    )
    assert query.status_code == 201, query.text
    assert_problem(
        alpha.owner.post(
            f"/api/customers/{keep['id']}/merge",
            json={"duplicate_id": keep["id"], "row_version": 1},
        ),
        422,
        "validation_failed",
    )
    assert_problem(
        alpha.owner.post(
            f"/api/customers/{keep['id']}/merge",
            json={"duplicate_id": duplicate["id"], "row_version": 7},
        ),
        409,
        "version_conflict",
    )
    merged = alpha.owner.post(
        f"/api/customers/{keep['id']}/merge",
        json={"duplicate_id": duplicate["id"], "row_version": 1},
    )
    assert merged.status_code == 200, merged.text
    kept = merged.json()["data"]
    assert kept["phone"] == "+919800000001" and kept["tags"] == ["honeymoon"]
    old = alpha.owner.get(f"/api/customers/{duplicate['id']}").json()["data"]
    assert old["merged_into_id"] == keep["id"]  # its id still resolves
    listed = [c["id"] for c in alpha.owner.get("/api/customers").json()["data"]]
    assert listed == [keep["id"]]
    moved = alpha.owner.get("/api/queries", params={"customer_id": keep["id"]}).json()["data"]
    assert [q["id"] for q in moved] == [query.json()["data"]["id"]]
    timeline = alpha.owner.get(f"/api/customers/{keep['id']}/timeline").json()["data"]
    assert timeline[0]["kind"] == "merged" and "Meera I" in timeline[0]["body"]
    again = alpha.owner.post(
        f"/api/customers/{keep['id']}/merge",
        json={"duplicate_id": duplicate["id"], "row_version": kept["row_version"]},
    )
    assert_problem(again, 409, "conflict")


def test_travellers_are_added_listed_and_removed(alpha: Agency) -> None:
    cid = alpha.customer()["id"]
    added = alpha.owner.post(
        f"/api/customers/{cid}/travellers",
        json={"name": "Kabir Rao", "relation": "child", "date_of_birth": "2018-05-01"},
    )
    assert added.status_code == 201, added.text
    traveller = added.json()["data"]
    assert traveller["customer_id"] == cid
    listed = alpha.owner.get(f"/api/customers/{cid}/travellers").json()["data"]
    assert [t["id"] for t in listed] == [traveller["id"]]
    future = alpha.owner.post(
        f"/api/customers/{cid}/travellers", json={"name": "Baby", "date_of_birth": "2999-01-01"}
    )
    assert assert_problem(future, 422, "validation_failed")["errors"][0]["field"] == (
        "date_of_birth"
    )
    gone = alpha.owner.delete(f"/api/customers/{cid}/travellers/{traveller['id']}")
    assert gone.status_code == 204
    assert alpha.owner.get(f"/api/customers/{cid}/travellers").json()["data"] == []
    assert_problem(
        alpha.owner.delete(f"/api/customers/{cid}/travellers/{traveller['id']}"),
        404,
        "not_found",
    )


def test_an_agent_works_with_customers_but_cannot_merge(alpha: Agency) -> None:
    agent = alpha.client_for(Role.AGENT)
    mine = agent.post("/api/customers", json={"name": "Walk-in Guest", "phone": "+971501234567"})
    assert mine.status_code == 201, mine.text
    other = alpha.customer()
    assert_problem(
        agent.post(
            f"/api/customers/{other['id']}/merge",
            json={"duplicate_id": mine.json()["data"]["id"], "row_version": 1},
        ),
        403,
        "permission_denied",
    )
    operator = alpha.client_for(Role.OPERATOR)  # sees customers, changes none
    assert operator.get(f"/api/customers/{other['id']}").status_code == 200
    assert_problem(operator.post("/api/customers", json={"name": "X Y"}), 403, "permission_denied")
    assert_problem(
        operator.post(f"/api/customers/{other['id']}/travellers", json={"name": "X Y"}),
        403,
        "permission_denied",
    )


def test_mass_assignment_is_refused(alpha: Agency, bravo: Agency) -> None:
    assert_fields_refused(
        alpha.owner,
        "/api/customers",
        lambda extra: {"name": "Asha", **extra},
        [
            ("tenant_id", str(bravo.tenant_id)),
            ("id", str(uuid.uuid4())),
            ("row_version", 9),
            ("merged_into_id", str(uuid.uuid4())),
            ("created_at", "2020-01-01T00:00:00Z"),
            ("name_key", "x"),
        ],
    )
    customer = alpha.customer()
    for patch in ({"merged_into_id": str(uuid.uuid4())}, {"tenant_id": str(bravo.tenant_id)}):
        assert_problem(
            alpha.owner.patch(f"/api/customers/{customer['id']}", json={"row_version": 1, **patch}),
            422,
            "validation_failed",
        )
    assert_problem(
        alpha.owner.post(
            f"/api/customers/{customer['id']}/travellers",
            json={"name": "Kid", "customer_id": str(uuid.uuid4())},
        ),
        422,
        "validation_failed",
    )
    assert bravo.owner.get("/api/customers").json()["data"] == []


def test_another_agencys_ids_are_not_found_everywhere(alpha: Agency, bravo: Agency) -> None:
    theirs = bravo.customer(name="Bravo Guest", email="guest@bravo.example")
    tid = theirs["id"]
    traveller = bravo.owner.post(f"/api/customers/{tid}/travellers", json={"name": "Bravo Kid"})
    trid = traveller.json()["data"]["id"]
    mine = alpha.customer(name="Alpha Guest")
    mid = mine["id"]
    client = alpha.owner
    for response in (
        client.get(f"/api/customers/{tid}"),
        client.patch(f"/api/customers/{tid}", json={"row_version": 1, "city": "X"}),
        client.post(f"/api/customers/{tid}/merge", json={"duplicate_id": mid, "row_version": 1}),
        client.post(f"/api/customers/{mid}/merge", json={"duplicate_id": tid, "row_version": 1}),
        client.get(f"/api/customers/{tid}/duplicates"),
        client.get(f"/api/customers/{tid}/timeline"),
        client.get(f"/api/customers/{tid}/travellers"),
        client.post(f"/api/customers/{tid}/travellers", json={"name": "Sneaky"}),
        client.delete(f"/api/customers/{tid}/travellers/{trid}"),
        client.delete(f"/api/customers/{mid}/travellers/{trid}"),  # their traveller, my customer
    ):
        assert_problem(response, 404, "not_found")
    # the same email in another agency is not a duplicate here, and is never listed
    same = client.post("/api/customers", json={"name": "Alpha Too", "email": "guest@bravo.example"})
    assert same.status_code == 201
    for params in ({}, {"q": "bravo"}, {"q": "guest@bravo"}):
        listed = {c["id"] for c in client.get("/api/customers", params=params).json()["data"]}
        assert tid not in listed
    duplicates = client.get(f"/api/customers/{same.json()['data']['id']}/duplicates").json()
    assert duplicates["data"] == []
    # nothing of theirs changed
    assert bravo.owner.get(f"/api/customers/{tid}").json()["data"] == theirs
    assert len(bravo.owner.get(f"/api/customers/{tid}/travellers").json()["data"]) == 1


def test_signed_out_callers_get_401(alpha: Agency) -> None:
    from travelcrm.api.app import create_api

    anonymous = TestClient(create_api(), raise_server_exceptions=False)
    cid = alpha.customer()["id"]
    for response in (
        anonymous.get("/api/customers"),
        anonymous.get(f"/api/customers/{cid}"),
        anonymous.post("/api/customers", json={"name": "X Y"}),
    ):
        assert_problem(response, 401, "unauthenticated")


@pytest.mark.parametrize("value", [0, 1_700_000_000, 12.5])
def test_a_birthday_sent_as_a_number_is_refused(alpha: Agency, value: float) -> None:
    """pydantic would read a number as seconds since 1970; a date is written as text."""
    refused = alpha.owner.post("/api/customers", json={"name": "Asha Rao", "date_of_birth": value})
    problem = assert_problem(refused, 422, "validation_failed")
    assert problem["errors"][0]["field"] == "date_of_birth"
    assert "YYYY-MM-DD" in problem["errors"][0]["message"]
    cid = alpha.customer()["id"]
    refused = alpha.owner.post(
        f"/api/customers/{cid}/travellers", json={"name": "Kabir Rao", "date_of_birth": value}
    )
    assert assert_problem(refused, 422, "validation_failed")["errors"][0]["field"] == (
        "date_of_birth"
    )

"""The suppliers API, and attacks on it: another agency's supplier, contact and service ids are
404 on every route and never listed; mass assignment is refused; an agent reads but cannot
write; If-Match is required and a stale copy is refused; bank details never appear in plain text
in lists, details or the audit log."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.api.agency import ApiAgency
from tests.api.test_envelope_and_problems import assert_fields_refused, assert_problem
from tests.suppliers.test_services import _rate_list_with_line
from travelcrm.core.permissions import Role

ACCOUNT = "50100123454321"
IFSC = "HDFC0001234"
BANK = {
    "account_holder": "Sea Breeze Resorts Pvt Ltd",
    "bank_name": "HDFC Bank",
    "account_number": ACCOUNT,
    "ifsc": IFSC,
}


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Sea Breeze Resort",
        "kind": "hotel",
        "city": "Candolim",
        "region": "Goa",
        "country": "IN",
        "gstin": "30AAPFU0939F1ZV",
        "pan": "AAPFU0939F",
        "tags": ["beach"],
        "default_currency": "INR",
        "default_commission_pct": "10",
    }
    body.update(overrides)
    return body


class Agency(ApiAgency):
    def supplier(self, **overrides: Any) -> dict[str, Any]:
        response = self.owner.post("/api/suppliers", json=_body(**overrides))
        assert response.status_code == 201, response.text
        return response.json()["data"]


@pytest.fixture
def alpha(migrated_engine) -> Agency:
    return Agency()


@pytest.fixture
def bravo(migrated_engine) -> Agency:
    return Agency()


def test_create_read_list_and_update_with_if_match(alpha: Agency) -> None:
    client = alpha.owner
    created = client.post("/api/suppliers", json=_body())
    assert created.status_code == 201
    supplier = created.json()["data"]
    assert created.headers["location"] == f"/api/suppliers/{supplier['id']}"
    assert supplier["status"] == "active" and supplier["row_version"] == 1
    assert supplier["default_commission_pct"] == "10.00"
    sid = supplier["id"]

    read = client.get(f"/api/suppliers/{sid}")
    etag = read.headers["etag"]
    assert read.status_code == 200 and etag == created.headers["etag"]

    listed = client.get("/api/suppliers", params={"q": "breeze", "page": 1, "limit": 10}).json()
    assert [s["id"] for s in listed["data"]] == [sid]
    assert listed["meta"]["total"] == 1 and listed["meta"]["pages"] == 1

    missing = assert_problem(
        client.patch(f"/api/suppliers/{sid}", json={"city": "Calangute"}),
        428,
        "precondition_required",
    )
    assert missing["errors"][0]["field"] == "If-Match"
    ok = client.patch(
        f"/api/suppliers/{sid}", json={"city": "Calangute"}, headers={"If-Match": etag}
    )
    assert ok.status_code == 200 and ok.json()["data"]["row_version"] == 2
    assert ok.headers["etag"] != etag
    # The second operator, who read the first version, is told instead of overwriting.
    stale = client.patch(f"/api/suppliers/{sid}", json={"city": "Baga"}, headers={"If-Match": etag})
    body = assert_problem(stale, 412, "precondition_failed")
    assert "changed since you read it" in body["detail"]
    assert client.get(f"/api/suppliers/{sid}").json()["data"]["city"] == "Calangute"


def test_bad_fields_are_named(alpha: Agency) -> None:
    cases = {
        "gstin": "27AAPFU0939F1Z",
        "pan": "ABCDE12345",
        "default_currency": "RUPEE",
        "country": "ZZ",
        "default_commission_pct": "101",
        "email": "nobody",
    }
    for field, value in cases.items():
        body = assert_problem(
            alpha.owner.post("/api/suppliers", json=_body(**{field: value})),
            422,
            "validation_failed",
        )
        assert body["errors"][0]["field"] == field, body


def test_a_filter_given_twice_is_refused_not_silently_the_last(alpha: Agency) -> None:
    body = assert_problem(
        alpha.owner.get("/api/suppliers", params=[("tag", "goa"), ("tag", "kerala")]),
        422,
        "validation_failed",
    )
    assert [e["field"] for e in body["errors"]] == ["tag"], body
    assert alpha.owner.get("/api/suppliers", params={"tag": "goa"}).status_code == 200


def test_mass_assignment_is_refused(alpha: Agency, bravo: Agency) -> None:
    assert_fields_refused(
        alpha.owner,
        "/api/suppliers",
        lambda extra: _body(**extra),
        [
            ("tenant_id", str(bravo.tenant_id)),
            ("id", str(uuid.uuid4())),
            ("row_version", 99),
            ("bank_details_encrypted", "v1:AAAA"),
            ("bank_hint", "Fake Bank ••••0000"),
            ("created_at", "2020-01-01T00:00:00Z"),
        ],
    )
    assert_problem(
        alpha.owner.post("/api/suppliers", json=_body(status="archived")), 422, "validation_failed"
    )
    supplier = alpha.supplier()
    read = alpha.owner.get(f"/api/suppliers/{supplier['id']}")
    for patch in ({"row_version": 5}, {"status": "archived"}, {"tenant_id": str(bravo.tenant_id)}):
        assert_problem(
            alpha.owner.patch(
                f"/api/suppliers/{supplier['id']}",
                json=patch,
                headers={"If-Match": read.headers["etag"]},
            ),
            422,
            "validation_failed",
        )
    assert bravo.owner.get("/api/suppliers").json()["data"] == []


def test_an_agent_reads_but_cannot_write(alpha: Agency) -> None:
    supplier = alpha.supplier()
    sid = supplier["id"]
    alpha.owner.put(f"/api/suppliers/{sid}/bank-details", json=BANK)
    agent = alpha.client_for(Role.AGENT)
    assert agent.get("/api/suppliers").json()["meta"]["total"] == 1
    read = agent.get(f"/api/suppliers/{sid}")
    assert read.status_code == 200
    assert read.json()["data"]["has_bank_details"] is True
    assert read.json()["data"]["bank_hint"] is None  # not even masked without bank access
    etag = read.headers["etag"]
    for response in (
        agent.post("/api/suppliers", json=_body()),
        agent.patch(f"/api/suppliers/{sid}", json={"name": "X"}, headers={"If-Match": etag}),
        agent.patch(f"/api/suppliers/{sid}", json={"name": "X"}),
        agent.post(f"/api/suppliers/{sid}/status", json={"status": "inactive"}),
        agent.delete(f"/api/suppliers/{sid}"),
        agent.post(f"/api/suppliers/{sid}/contacts", json={"name": "X"}),
        agent.post(f"/api/suppliers/{sid}/services", json={"kind": "guide", "name": "X"}),
        agent.put(f"/api/suppliers/{sid}/bank-details", json=BANK),
        agent.delete(f"/api/suppliers/{sid}/bank-details"),
        agent.post(f"/api/suppliers/{sid}/bank-details/reveal"),
    ):
        assert_problem(response, 403, "permission_denied")
    assert agent.get(f"/api/suppliers/{sid}/contacts").status_code == 200
    assert agent.get(f"/api/suppliers/{sid}/services").status_code == 200


def test_another_agencys_ids_are_not_found_everywhere(alpha: Agency, bravo: Agency) -> None:
    theirs = bravo.supplier(name="Bravo Lodge")
    tid = theirs["id"]
    contact = bravo.owner.post(f"/api/suppliers/{tid}/contacts", json={"name": "Bravo Person"})
    service = bravo.owner.post(
        f"/api/suppliers/{tid}/services",
        json={"kind": "room", "name": "Deluxe", "meal_plan": "CP"},
    )
    assert contact.status_code == 201 and service.status_code == 201
    cid, vid = contact.json()["data"]["id"], service.json()["data"]["id"]
    bravo.owner.put(f"/api/suppliers/{tid}/bank-details", json=BANK)
    their_etag = bravo.owner.get(f"/api/suppliers/{tid}").headers["etag"]

    mine = alpha.supplier()["id"]
    client = alpha.owner
    attempts = [
        ("GET", f"/api/suppliers/{tid}", None),
        ("PATCH", f"/api/suppliers/{tid}", {"name": "Hijacked"}),
        ("POST", f"/api/suppliers/{tid}/status", {"status": "inactive"}),
        ("DELETE", f"/api/suppliers/{tid}", None),
        ("GET", f"/api/suppliers/{tid}/rate-lists", None),
        ("GET", f"/api/suppliers/{tid}/contacts", None),
        ("POST", f"/api/suppliers/{tid}/contacts", {"name": "X"}),
        ("PATCH", f"/api/suppliers/{tid}/contacts/{cid}", {"name": "X"}),
        ("DELETE", f"/api/suppliers/{tid}/contacts/{cid}", None),
        ("PATCH", f"/api/suppliers/{mine}/contacts/{cid}", {"name": "X"}),  # their contact
        ("DELETE", f"/api/suppliers/{mine}/contacts/{cid}", None),
        ("GET", f"/api/suppliers/{tid}/services", None),
        ("POST", f"/api/suppliers/{tid}/services", {"kind": "guide", "name": "X"}),
        ("PATCH", f"/api/suppliers/{tid}/services/{vid}", {"name": "X"}),
        ("DELETE", f"/api/suppliers/{tid}/services/{vid}", None),
        ("PATCH", f"/api/suppliers/{mine}/services/{vid}", {"name": "X"}),  # their service
        ("DELETE", f"/api/suppliers/{mine}/services/{vid}", None),
        ("PUT", f"/api/suppliers/{tid}/bank-details", BANK),
        ("DELETE", f"/api/suppliers/{tid}/bank-details", None),
        ("POST", f"/api/suppliers/{tid}/bank-details/reveal", None),
    ]
    for method, path, body in attempts:
        response = client.request(method, path, json=body, headers={"If-Match": their_etag})
        problem = assert_problem(response, 404, "not_found")
        assert "Bravo" not in problem["detail"], (method, path)
    listed = client.get("/api/suppliers", params={"status": "all"}).json()["data"]
    assert [s["id"] for s in listed] == [mine]
    assert client.get("/api/suppliers", params={"q": "Bravo"}).json()["data"] == []

    after = bravo.owner.get(f"/api/suppliers/{tid}")
    assert after.headers["etag"] == their_etag
    assert [c["name"] for c in bravo.owner.get(f"/api/suppliers/{tid}/contacts").json()["data"]]
    assert len(bravo.owner.get(f"/api/suppliers/{tid}/services").json()["data"]) == 1


def test_bank_details_are_never_shown_in_plain_text(alpha: Agency) -> None:
    sid = alpha.supplier()["id"]
    client = alpha.owner
    put = client.put(f"/api/suppliers/{sid}/bank-details", json=BANK)
    assert put.status_code == 200
    assert put.json()["data"] == {"has_bank_details": True, "bank_hint": "HDFC Bank ••••4321"}
    for path in (f"/api/suppliers/{sid}", "/api/suppliers", "/api/audit-events?limit=200"):
        text = client.get(path).text
        assert ACCOUNT not in text and IFSC not in text, path
    assert client.get(f"/api/suppliers/{sid}").json()["data"]["bank_hint"] == "HDFC Bank ••••4321"

    revealed = client.post(f"/api/suppliers/{sid}/bank-details/reveal")
    assert revealed.status_code == 200 and revealed.headers["cache-control"] == "no-store"
    assert revealed.json()["data"]["account_number"] == ACCOUNT
    events = client.get("/api/audit-events", params={"limit": 200}).json()["data"]
    actions = [e["action"] for e in events]
    assert "supplier.bank_revealed" in actions and "supplier.bank_details_changed" in actions
    assert ACCOUNT not in json.dumps(events) and IFSC not in json.dumps(events)

    assert client.delete(f"/api/suppliers/{sid}/bank-details").status_code == 204
    assert_problem(client.post(f"/api/suppliers/{sid}/bank-details/reveal"), 404, "not_found")
    body = assert_problem(
        client.put(
            f"/api/suppliers/{sid}/bank-details", json={**BANK, "ifsc": None, "swift": None}
        ),
        422,
        "validation_failed",
    )
    assert body["errors"]


def test_contacts_and_services_round_trip(alpha: Agency) -> None:
    sid = alpha.supplier()["id"]
    client = alpha.owner
    first = client.post(
        f"/api/suppliers/{sid}/contacts",
        json={"name": "Anita Rao", "role": "reservations", "email": "anita@seabreeze.example"},
    ).json()["data"]
    second = client.post(f"/api/suppliers/{sid}/contacts", json={"name": "Rahul"}).json()["data"]
    assert first["is_primary"] and not second["is_primary"]
    made = client.patch(f"/api/suppliers/{sid}/contacts/{second['id']}", json={"is_primary": True})
    assert made.json()["data"]["is_primary"] is True
    contacts = client.get(f"/api/suppliers/{sid}/contacts").json()["data"]
    assert [c["name"] for c in contacts] == ["Rahul", "Anita Rao"]
    assert client.delete(f"/api/suppliers/{sid}/contacts/{first['id']}").status_code == 204

    room = client.post(
        f"/api/suppliers/{sid}/services",
        json={"kind": "room", "name": "Deluxe Sea View", "meal_plan": "MAP", "max_occupancy": 3},
    )
    assert room.status_code == 201 and room.json()["data"]["meal_plan"] == "MAP"
    body = assert_problem(
        client.post(f"/api/suppliers/{sid}/services", json={"kind": "room", "name": "Suite"}),
        422,
        "validation_failed",
    )
    assert "meal plan" in json.dumps(body["errors"])
    assert_problem(
        client.post(
            f"/api/suppliers/{sid}/services",
            json={"kind": "room", "name": "Deluxe Sea View", "meal_plan": "MAP"},
        ),
        409,
        "conflict",
    )


def test_delete_or_archive_and_services_in_use(alpha: Agency) -> None:
    client = alpha.owner
    unused = alpha.supplier(name="Unused Hotel")["id"]
    assert client.delete(f"/api/suppliers/{unused}").status_code == 204
    assert_problem(client.get(f"/api/suppliers/{unused}"), 404, "not_found")

    used = alpha.supplier(name="Used Hotel")["id"]
    room = client.post(
        f"/api/suppliers/{used}/services",
        json={"kind": "room", "name": "Deluxe", "meal_plan": "CP"},
    ).json()["data"]
    _rate_list_with_line(alpha.ctx(), uuid.UUID(used), uuid.UUID(room["id"]))
    body = assert_problem(
        client.delete(f"/api/suppliers/{used}/services/{room['id']}"), 409, "service_in_use"
    )
    assert body["rate_lines"] == 2 and "2 rate lines" in body["detail"]
    archived = client.delete(f"/api/suppliers/{used}")
    assert archived.status_code == 200
    data = archived.json()["data"]
    assert data["outcome"] == "archived" and data["supplier"]["status"] == "archived"
    assert "archived instead of deleted" in data["message"]
    assert client.get("/api/suppliers").json()["data"] == []
    assert [s["name"] for s in client.get("/api/suppliers?status=archived").json()["data"]] == [
        "Used Hotel"
    ]
    lists = client.get(f"/api/suppliers/{used}/rate-lists").json()["data"]
    assert [r["name"] for r in lists] == ["FIT 2026-27"]
    restored = client.post(f"/api/suppliers/{used}/status", json={"status": "active"})
    assert restored.json()["data"]["status"] == "active"


def test_cursor_paging_and_sorting(alpha: Agency) -> None:
    for i in range(5):
        alpha.supplier(name=f"Hotel {i}", city=f"City {4 - i}")
    client = alpha.owner
    first = client.get("/api/suppliers", params={"sort": "-city", "limit": 2}).json()
    assert [s["name"] for s in first["data"]] == ["Hotel 0", "Hotel 1"]
    assert first["meta"]["total"] == 5 and first["meta"]["next_cursor"]
    second = client.get(
        "/api/suppliers",
        params={"sort": "-city", "limit": 2, "cursor": first["meta"]["next_cursor"]},
    ).json()
    assert [s["name"] for s in second["data"]] == ["Hotel 2", "Hotel 3"]
    page3 = client.get("/api/suppliers", params={"sort": "-city", "limit": 2, "page": 3}).json()
    assert [s["name"] for s in page3["data"]] == ["Hotel 4"] and page3["meta"]["pages"] == 3
    assert_problem(
        client.get("/api/suppliers", params={"cursor": "forged.cursor"}), 422, "validation_failed"
    )
    for param in ("q", "city", "tag"):  # NUL would break PostgreSQL: a named 422 instead
        assert_problem(
            client.get("/api/suppliers", params={param: "goa\x00"}), 422, "validation_failed"
        )

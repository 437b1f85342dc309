"""The itineraries and pricing-data API, and attacks on it: a trip built, priced, frozen and
read back with its checksum over REST; another agency's ids are 404 on every route; an agent
builds trips but cannot change the agency's pricing data; bad input says which field."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date

import pytest

from tests.api.agency import ApiAgency
from tests.rates.factories import make_contract
from travelcrm.core.permissions import Role

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


@pytest.fixture
def alpha() -> ApiAgency:
    return ApiAgency()


def _trip(agency: ApiAgency) -> tuple[dict, uuid.UUID]:
    contract = make_contract(agency.ctx())
    created = agency.owner.post(
        "/api/itineraries",
        json={
            "title": "Goa in October",
            "start_date": "2027-09-29",
            "days": 4,
            "party": {"adults": 2, "child_ages": [8], "children_with_bed": 1},
        },
    )
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"/api/itineraries/{created.json()['data']['id']}"
    shown = created.json()["data"]
    day = shown["days"][0]["id"]
    added = agency.owner.post(
        f"/api/itineraries/{shown['id']}/days/{day}/items",
        json={"kind": "stay", "service_id": str(contract.room_id), "nights": 3},
    )
    assert added.status_code == 201, added.text
    return added.json()["data"], contract.room_id


def test_build_price_freeze_and_read_the_snapshot(alpha: ApiAgency) -> None:
    shown, _room = _trip(alpha)
    client = alpha.owner
    assert [d["date"] for d in shown["days"]] == [
        "2027-09-29",
        "2027-09-30",
        "2027-10-01",
        "2027-10-02",
    ]
    assert shown["items"][0]["title"] == "Sea Breeze Resort: Deluxe Sea View"
    assert shown["items"][0]["rooms"] == [{"occupancy": "double", "rooms": 1}]
    preview = client.post(f"/api/itineraries/{shown['id']}/calculate-price", json={"dry_run": True})
    assert preview.status_code == 200, preview.text
    sheet = preview.json()["data"]
    assert sheet["total"]["gross"] == "30600.00" and sheet["lines"][0]["net"] == "25500.00"
    assert (
        client.get(f"/api/itineraries/{shown['id']}").json()["data"]["items"][0]["problem"] is None
    )
    current = client.get(f"/api/itineraries/{shown['id']}").json()["data"]
    frozen = client.post(
        f"/api/itineraries/{shown['id']}/freeze", json={"row_version": current["row_version"]}
    )
    assert frozen.status_code == 200, frozen.text
    snapshot = frozen.json()["data"]
    canonical = json.dumps(snapshot["payload"], sort_keys=True, separators=(",", ":"), default=str)
    assert hashlib.sha256(canonical.encode()).hexdigest() == snapshot["checksum"]
    again = client.get(f"/api/itineraries/{shown['id']}/snapshot").json()["data"]
    assert again["checksum"] == snapshot["checksum"] and again["version"] == 1
    refused = client.post(f"/api/itineraries/{shown['id']}/days", json={"title": "More"})
    assert refused.status_code == 409
    assert client.get(f"/api/itineraries/{shown['id']}/rates-since-frozen").json()["data"] == {
        "changed": False,
        "lines": [],
        "fx": [],
    }


def test_bad_input_names_its_field_and_nothing_is_saved(alpha: ApiAgency) -> None:
    client = alpha.owner
    blank = client.post("/api/itineraries", json={})
    assert blank.status_code == 422
    assert {e["field"] for e in blank.json()["errors"]} == {"start_date", "title"}
    made = client.post("/api/itineraries", json={"title": "X", "start_date": "2027-05-01"}).json()[
        "data"
    ]
    day = made["days"][0]["id"]
    item = client.post(
        f"/api/itineraries/{made['id']}/days/{day}/items",
        json={"kind": "flight", "manual_net": "100"},
    )
    assert item.status_code == 422
    assert [e["field"] for e in item.json()["errors"]] == ["manual_currency"]
    assert client.get(f"/api/itineraries/{made['id']}").json()["data"]["items"] == []


def test_another_agencys_ids_are_not_found_everywhere(alpha: ApiAgency) -> None:
    shown, _room = _trip(alpha)
    bravo = ApiAgency().owner
    base = f"/api/itineraries/{shown['id']}"
    day, item = shown["days"][0]["id"], shown["items"][0]["id"]
    for method, path, body in [
        ("get", base, None),
        ("patch", base, {"row_version": 1, "title": "Mine"}),
        ("delete", base, None),
        ("post", f"{base}/copy", {}),
        ("post", f"{base}/primary", None),
        ("post", f"{base}/days", {}),
        ("patch", f"{base}/days/{day}", {}),
        ("delete", f"{base}/days/{day}", None),
        ("post", f"{base}/days/{day}/move", {"position": 1}),
        ("post", f"{base}/days/{day}/items", {"kind": "note", "description": "x"}),
        ("put", f"{base}/items/{item}", {"kind": "note", "description": "x"}),
        ("delete", f"{base}/items/{item}", None),
        ("post", f"{base}/items/{item}/move", {"position": 1}),
        ("post", f"{base}/calculate-price", {}),
        ("post", f"{base}/freeze", {"row_version": 1}),
        ("post", f"{base}/unfreeze", {"row_version": 1}),
        ("get", f"{base}/snapshot", None),
        ("get", f"{base}/rates-since-frozen", None),
    ]:
        response = getattr(bravo, method)(path, **({"json": body} if body is not None else {}))
        assert response.status_code == 404, (method, path, response.text)
    assert bravo.get("/api/itineraries").json()["data"] == []


def test_agents_build_trips_and_managers_keep_the_pricing_data(alpha: ApiAgency) -> None:
    agent = alpha.client_for(Role.AGENT)
    made = agent.post("/api/itineraries", json={"title": "Kerala", "start_date": "2027-05-01"})
    assert made.status_code == 201
    rule = {"name": "Hotels 12 %", "kind": "percent", "value": "12", "service_type": "stay"}
    assert agent.post("/api/pricing/markup-rules", json=rule).status_code == 403
    owner = alpha.owner
    added = owner.post("/api/pricing/markup-rules", json=rule)
    assert added.status_code == 201, added.text
    again = owner.post("/api/pricing/markup-rules", json=rule)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "name"
    seeded = owner.post("/api/pricing/tax-rules/seed?country=IN")
    assert seeded.status_code == 200
    kinds = {(r["kind"], r["valid_from"]) for r in seeded.json()["data"]}
    assert ("tcs", "2026-04-01") in kinds and ("gst_package", "2017-07-01") in kinds
    assert len(owner.post("/api/pricing/tax-rules/seed?country=IN").json()["data"]) == len(kinds)
    rate = owner.put(
        "/api/pricing/fx-rates",
        json={"base": "AED", "quote": "INR", "valid_on": "2027-01-01", "rate": "22.85"},
    )
    assert rate.status_code == 200 and rate.json()["data"]["rate"] == "22.850000000000"
    owner.put(
        "/api/pricing/fx-rates",
        json={"base": "AED", "quote": "INR", "valid_on": "2027-01-01", "rate": "22.9"},
    )
    rates = owner.get("/api/pricing/fx-rates?base=AED").json()["data"]
    assert [r["rate"] for r in rates] == ["22.900000000000"]  # the same day corrected
    settings = owner.get("/api/pricing/settings").json()["data"]
    saved = owner.put(
        "/api/pricing/settings",
        json={**settings, "rounding_step": "100", "rounding_level": "person"},
    )
    assert saved.status_code == 200 and saved.json()["data"]["rounding_level"] == "person"
    stale = owner.put("/api/pricing/settings", json=settings)
    assert stale.status_code == 409
    assert date.fromisoformat(made.json()["data"]["start_date"]) == date(2027, 5, 1)

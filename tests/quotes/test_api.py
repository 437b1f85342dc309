"""The quotes API: made from a frozen itinerary, changed while a draft, sent, answered,
revised and compared over REST, with the house conventions (envelope, problems, ETag and
If-Match, row_version, idempotency keys, cursors); another agency's ids are 404 on every
route; finance reads quotes but cannot make them."""

from __future__ import annotations

import pytest

from tests.api.agency import ApiAgency
from tests.quotes.factories import frozen_trip
from travelcrm.core.permissions import Role

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


@pytest.fixture
def alpha() -> ApiAgency:
    return ApiAgency()


def _made(agency: ApiAgency) -> tuple[dict, str]:
    trip = frozen_trip(agency.ctx())
    created = agency.owner.post(
        "/api/quotes",
        json={"itinerary_id": str(trip.itinerary_id), "grouping": "type"},
        headers={"Idempotency-Key": f"make-{trip.itinerary_id}"},
    )
    assert created.status_code == 201, created.text
    quote = created.json()["data"]
    assert created.headers["Location"] == f"/api/quotes/{quote['id']}"
    return quote, str(trip.query_id)


def test_make_change_send_and_accept_over_rest(alpha: ApiAgency) -> None:
    client = alpha.owner
    quote, query_id = _made(alpha)
    assert quote["state"] == "draft" and quote["total"] == "54500.00"
    assert [g["label"] for g in quote["groups"]] == ["Activities", "Accommodation", "Transfers"]
    assert quote["schedule"][0] == {
        "kind": "deposit",
        "due_on": "2027-03-01",
        "amount": "13625.00",
        "on_acceptance": True,
    }
    base = f"/api/quotes/{quote['id']}"
    read = client.get(base)
    etag = read.headers["ETag"]
    assert client.get(base, headers={"If-None-Match": etag}).status_code == 304
    changed = client.patch(
        base,
        json={"row_version": 1, "terms": "Pay within 7 days.", "instalments": 1},
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["terms"] == "Pay within 7 days."
    assert len(changed.json()["data"]["schedule"]) == 3
    stale = client.patch(base, json={"row_version": 2, "terms": "x"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    bad = client.patch(base, json={"row_version": 2, "valid_until": "2027-02-01"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "valid_until"
    sent = client.post(
        f"{base}/send-email", json={"row_version": 2}, headers={"Idempotency-Key": "send-1"}
    )
    assert sent.status_code == 200 and sent.json()["data"]["state"] == "sent"
    replay = client.post(
        f"{base}/send-email", json={"row_version": 2}, headers={"Idempotency-Key": "send-1"}
    )
    assert replay.status_code == 200 and replay.headers.get("Idempotent-Replayed") == "true"
    assert client.get(f"/api/queries/{query_id}").json()["data"]["status"] == "quoted"
    locked = client.patch(base, json={"row_version": 3, "terms": "changed after sending"})
    assert locked.status_code == 409 and locked.json()["code"] == "quote_not_draft"
    assert client.delete(base).status_code == 409
    accepted = client.post(f"{base}/approve", json={"row_version": 3})
    assert accepted.status_code == 200 and accepted.json()["data"]["state"] == "accepted"
    assert client.get(f"/api/queries/{query_id}").json()["data"]["status"] == "won"
    again = client.post(f"{base}/reject", json={"row_version": 4})
    assert again.status_code == 409 and again.json()["code"] == "quote_state"


def test_revise_versions_compare_and_list(alpha: ApiAgency) -> None:
    client = alpha.owner
    quote, query_id = _made(alpha)
    base = f"/api/quotes/{quote['id']}"
    client.post(f"{base}/send-email", json={"row_version": 1})
    revised = client.post(f"{base}/revise", json={"row_version": 2})
    assert revised.status_code == 201, revised.text
    v2 = revised.json()["data"]
    assert (v2["version"], v2["state"], v2["reference"]) == (2, "draft", quote["reference"])
    client.patch(f"/api/quotes/{v2['id']}", json={"row_version": 1, "exclusions": "Visa fees"})
    versions = client.get(f"{base}/versions").json()["data"]
    assert [(v["version"], v["state"]) for v in versions] == [(1, "superseded"), (2, "draft")]
    compared = client.get(f"/api/quotes/{v2['id']}/compare").json()["data"]
    assert compared["changes"] == [
        {
            "what": "terms",
            "key": "exclusions",
            "label": "Exclusions",
            "before": "",
            "after": "Visa fees",
        }
    ]
    page = client.get("/api/quotes", params={"limit": 1})
    assert page.status_code == 200 and len(page.json()["data"]) == 1
    cursor = page.json()["meta"]["next_cursor"]
    rest = client.get("/api/quotes", params={"limit": 1, "cursor": cursor}).json()["data"]
    assert {page.json()["data"][0]["id"], rest[0]["id"]} == {quote["id"], v2["id"]}
    drafts = client.get("/api/quotes", params={"state": "draft", "query_id": query_id})
    assert [q["id"] for q in drafts.json()["data"]] == [v2["id"]]
    declined = client.post(f"{base}/reject", json={"row_version": 3, "reason": "Too dear"})
    assert declined.status_code == 409  # superseded: final
    assert client.delete(f"/api/quotes/{v2['id']}").status_code == 204
    assert client.get(f"/api/quotes/{v2['id']}").status_code == 404


def test_another_agencys_ids_are_not_found_everywhere(alpha: ApiAgency) -> None:
    quote, _ = _made(alpha)
    bravo = ApiAgency().owner
    base = f"/api/quotes/{quote['id']}"
    for method, path, body in [
        ("get", base, None),
        ("patch", base, {"row_version": 1, "terms": "Mine"}),
        ("delete", base, None),
        ("post", f"{base}/send-email", {"row_version": 1}),
        ("post", f"{base}/approve", {"row_version": 1}),
        ("post", f"{base}/reject", {"row_version": 1}),
        ("post", f"{base}/revise", {"row_version": 1}),
        ("get", f"{base}/versions", None),
        ("get", f"{base}/compare", None),
        ("post", "/api/quotes", {"itinerary_id": quote["itinerary_id"]}),
    ]:
        response = getattr(bravo, method)(path, **({"json": body} if body is not None else {}))
        assert response.status_code == 404, (method, path, response.text)
    assert bravo.get("/api/quotes").json()["data"] == []
    assert alpha.owner.get(base).json()["data"]["state"] == "draft"


def test_finance_reads_quotes_and_an_agent_makes_them(alpha: ApiAgency) -> None:
    quote, _ = _made(alpha)
    finance = alpha.client_for(Role.FINANCE)
    assert finance.get(f"/api/quotes/{quote['id']}").status_code == 200
    refused = finance.post(f"/api/quotes/{quote['id']}/send-email", json={"row_version": 1})
    assert refused.status_code == 403
    agent = alpha.client_for(Role.AGENT)
    unknown = agent.post("/api/quotes", json={"itinerary_id": quote["itinerary_id"], "x": 1})
    assert unknown.status_code == 422
    made = agent.post("/api/quotes", json={"itinerary_id": quote["itinerary_id"]})
    assert made.status_code == 201 and made.json()["data"]["reference"].endswith("-0002")

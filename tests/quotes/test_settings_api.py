"""GET/PUT /api/quotes/settings: the agency's quote defaults with an ETag and `row_version`;
a stale version is 409, a stale If-Match 412, a deposit percent over 100 is refused at its
field; finance reads them but may not change them; each agency sees only its own; a new quote
copies them."""

from __future__ import annotations

import pytest

from tests.api.agency import ApiAgency
from tests.quotes.factories import frozen_trip
from travelcrm.core.permissions import Role

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

URL = "/api/quotes/settings"


def _body(current: dict, **changes: object) -> dict:
    keys = [
        "reference_prefix",
        "validity_days",
        "grouping",
        "deposit_kind",
        "deposit_value",
        "balance_days_before",
        "instalments",
        "inclusions",
        "exclusions",
        "terms",
        "row_version",
    ]
    return {**{k: current[k] for k in keys}, **changes}


def test_read_change_and_a_new_quote_copies_them() -> None:
    agency = ApiAgency()
    client = agency.owner
    read = client.get(URL)
    assert read.status_code == 200, read.text
    current = read.json()["data"]
    assert (current["validity_days"], current["deposit_kind"], current["row_version"]) == (
        14,
        "percent",
        1,
    )
    assert client.get(URL, headers={"If-None-Match": read.headers["etag"]}).status_code == 304
    saved = client.put(
        URL,
        json=_body(
            current,
            validity_days=21,
            deposit_kind="amount",
            deposit_value="10000",
            balance_days_before=45,
            terms="Pay the balance 45 days before you travel.",
            reference_prefix="GOA",
        ),
        headers={"If-Match": read.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text
    data = saved.json()["data"]
    assert (data["validity_days"], data["row_version"], data["reference_prefix"]) == (21, 2, "GOA")
    assert saved.headers["etag"] != read.headers["etag"]
    trip = frozen_trip(agency.ctx())
    made = client.post("/api/quotes", json={"itinerary_id": str(trip.itinerary_id)})
    assert made.status_code == 201, made.text
    quote = made.json()["data"]
    assert quote["reference"].startswith("GOA-Q-")
    assert quote["terms"] == "Pay the balance 45 days before you travel."
    assert (quote["deposit_kind"], quote["balance_days_before"]) == ("amount", 45)
    assert quote["schedule"][0]["amount"] == "10000.00"


def test_stale_copies_and_bad_values_are_refused_at_their_field() -> None:
    agency = ApiAgency()
    client = agency.owner
    read = client.get(URL)
    current = read.json()["data"]
    assert client.put(URL, json=_body(current, validity_days=30)).status_code == 200
    stale = client.put(URL, json=_body(current, validity_days=31))
    assert stale.status_code == 409, stale.text
    again = client.put(
        URL, json=_body(current, row_version=2), headers={"If-Match": read.headers["etag"]}
    )
    assert again.status_code == 412, again.text
    fresh = client.get(URL).json()["data"]
    too_much = client.put(URL, json=_body(fresh, deposit_value="120"))
    assert too_much.status_code == 422, too_much.text
    assert [e["field"] for e in too_much.json()["errors"]] == ["deposit_value"]
    zero = client.put(URL, json=_body(fresh, validity_days=0))
    assert zero.status_code == 422
    assert "validity_days" in [e["field"] for e in zero.json()["errors"]]
    assert client.get(URL).json()["data"]["validity_days"] == 30


def test_finance_reads_and_other_agencies_are_apart() -> None:
    alpha = ApiAgency()
    current = alpha.owner.get(URL).json()["data"]
    assert alpha.owner.put(URL, json=_body(current, validity_days=9)).status_code == 200
    finance = alpha.client_for(Role.FINANCE)
    assert finance.get(URL).json()["data"]["validity_days"] == 9
    fresh = finance.get(URL).json()["data"]
    assert finance.put(URL, json=_body(fresh, validity_days=3)).status_code == 403
    assert ApiAgency().owner.get(URL).json()["data"]["validity_days"] == 14

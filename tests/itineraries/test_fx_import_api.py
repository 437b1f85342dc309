"""`POST /api/pricing/fx-rates/import`: a bank's file checked (dry run) with each bad row named
by row and field, refused whole (422, nothing saved) while any row is wrong, saved whole once
fixed; an agent may not import; another agency sees none of the rates."""

from __future__ import annotations

import pytest

from tests.api.agency import ApiAgency
from travelcrm.core.permissions import Role

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")

BAD = b"Date,Currency,Rate\n2026-12-01,USD,83.6\n2026-12-02,USD,eighty\n2026-12-01,AED,22.75\n"
FIXED = BAD.replace(b"eighty", b"83.9")


def _send(client, body: bytes, **params: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/pricing/fx-rates/import",
        params=params,
        files={"file": ("bank.csv", body, "text/csv")},
    )


def test_check_refuse_fix_and_save_a_bank_file() -> None:
    alpha = ApiAgency()
    owner = alpha.owner
    checked = _send(owner, BAD, dry_run="true")
    assert checked.status_code == 200, checked.text
    data = checked.json()["data"]
    assert data["saved"] == 0
    assert data["columns"] == {"valid_on": "Date", "base": "Currency", "rate": "Rate"}
    assert data["problems"] == [{"row": 3, "field": "rate", "message": "“eighty” is not a number."}]
    assert [r["ok"] for r in data["rows"]] == [True, False, True]
    refused = _send(owner, BAD)
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["rows.3.rate"]
    assert owner.get("/api/pricing/fx-rates").json()["data"] == []
    saved = _send(owner, FIXED)
    assert saved.status_code == 200, saved.text
    assert saved.json()["data"]["saved"] == 3 and saved.json()["data"]["problems"] == []
    rates = owner.get("/api/pricing/fx-rates?base=USD").json()["data"]
    assert [(r["valid_on"], r["quote"], r["rate"]) for r in rates] == [
        ("2026-12-02", "INR", "83.900000000000"),
        ("2026-12-01", "INR", "83.600000000000"),
    ]
    # the rates are in another currency than the agency's when the caller says so
    in_usd = _send(owner, b"Date,Currency,Rate\n2026-12-01,EUR,1.08\n", quote="USD")
    assert in_usd.status_code == 200
    assert owner.get("/api/pricing/fx-rates?base=EUR").json()["data"][0]["quote"] == "USD"


def test_refusals_an_agent_and_another_agency() -> None:
    alpha, bravo = ApiAgency(), ApiAgency()
    assert _send(alpha.owner, FIXED).status_code == 200
    agent = alpha.client_for(Role.AGENT)
    assert _send(agent, FIXED).status_code == 403
    assert bravo.owner.get("/api/pricing/fx-rates").json()["data"] == []
    no_header = _send(alpha.owner, b"when,what\nx,y\n")
    assert no_header.status_code == 422
    assert no_header.json()["errors"][0]["field"] == "file"
    not_a_sheet = _send(alpha.owner, b"%PDF-1.4 not rates")
    assert not_a_sheet.status_code == 422
    missing = alpha.owner.post("/api/pricing/fx-rates/import")
    assert missing.status_code == 422

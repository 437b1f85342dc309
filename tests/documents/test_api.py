"""GET /api/itineraries/{id}/pdf: the frozen version's PDF with a readable file name and an
ETag (304 when the client has it); another agency's itinerary, a draft never frozen and a
version never frozen are 404; no signed-in caller is 401."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.api.agency import ApiAgency
from tests.rates.factories import make_contract
from travelcrm.api.app import create_api
from travelcrm.api.etag import content_disposition
from travelcrm.core.permissions import Role

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


def _frozen_trip(agency: ApiAgency, title: str = "Goa in October") -> str:
    contract = make_contract(agency.ctx())
    client = agency.owner
    made = client.post(
        "/api/itineraries", json={"title": title, "start_date": "2027-09-29", "days": 4}
    ).json()["data"]
    day = made["days"][0]["id"]
    added = client.post(
        f"/api/itineraries/{made['id']}/days/{day}/items",
        json={"kind": "stay", "service_id": str(contract.room_id), "nights": 3},
    )
    assert added.status_code == 201, added.text
    current = client.get(f"/api/itineraries/{made['id']}").json()["data"]
    frozen = client.post(
        f"/api/itineraries/{made['id']}/freeze", json={"row_version": current["row_version"]}
    )
    assert frozen.status_code == 200, frozen.text
    return made["id"]


def test_download_the_frozen_versions_pdf() -> None:
    agency = ApiAgency()
    itinerary_id = _frozen_trip(agency, title="Goa: sun & sea")
    client = agency.owner
    shown = client.get(f"/api/itineraries/{itinerary_id}").json()["data"]
    response = client.get(f"/api/itineraries/{itinerary_id}/pdf?version=1")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    name = f"{shown['reference']} v1 - Goa sun & sea.pdf"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    etag = response.headers["etag"]
    assert etag.startswith('"') and len(etag) == 34
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert "Goa: sun & sea" in pages[0].extract_text()
    assert f"Page 2 of {len(pages)}" in pages[1].extract_text()
    # the same again: 304 with the ETag; the latest version without ?version=
    again = client.get(f"/api/itineraries/{itinerary_id}/pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
    # a colleague who may only view itineraries downloads it too
    viewer = agency.client_for(Role.AGENT).get(f"/api/itineraries/{itinerary_id}/pdf")
    assert viewer.status_code == 200 and viewer.content == response.content


def test_not_found_for_other_agencies_drafts_and_unfrozen_versions() -> None:
    alpha = ApiAgency()
    itinerary_id = _frozen_trip(alpha)
    bravo = ApiAgency().owner
    refused = bravo.get(f"/api/itineraries/{itinerary_id}/pdf")
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert alpha.owner.get(f"/api/itineraries/{itinerary_id}/pdf?version=2").status_code == 404
    draft = alpha.owner.post(
        "/api/itineraries", json={"title": "Draft", "start_date": "2027-05-01"}
    ).json()["data"]
    assert alpha.owner.get(f"/api/itineraries/{draft['id']}/pdf").status_code == 404
    assert alpha.owner.get(f"/api/itineraries/{itinerary_id}/pdf?version=0").status_code == 422
    anonymous = TestClient(create_api(), raise_server_exceptions=False)
    assert anonymous.get(f"/api/itineraries/{itinerary_id}/pdf").status_code == 401


def test_file_names_are_readable_and_safe_in_the_header() -> None:
    header = content_disposition('IT-1042 v2 - Kérala "hills".pdf')
    assert header.startswith('attachment; filename="IT-1042 v2 - K_rala hills.pdf"')
    assert "filename*=UTF-8''IT-1042%20v2%20-%20K%C3%A9rala%20%22hills%22.pdf" in header
    assert "\n" not in header and "\r" not in header

"""Agency settings and branding over the API: ETag/If-Match, permissions, tax ids by country,
mass assignment refused, audit before/after."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_envelope_and_problems import assert_problem
from travelcrm.accounts.models import Membership
from travelcrm.api.app import create_api
from travelcrm.audit.models import AuditEvent
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope


def _signed_in(email: str) -> TestClient:
    client = TestClient(create_api(), raise_server_exceptions=False)
    assert (
        client.post("/api/auth/login", json={"email": email, "password": PASSWORD}).status_code
        == 200
    )
    return client


def test_read_then_update_with_if_match_and_audit(migrated_engine) -> None:
    agency = _verified()
    client = _signed_in(agency.user.email)
    read = client.get("/api/tenant/settings")
    assert read.status_code == 200
    etag = read.headers["etag"]
    assert read.json()["data"]["invoice_prefix"] == "INV"
    change = {
        "legal_name": "Sunrise Holidays Pvt Ltd",
        "tax_id": "27aapfu0939f1zv",
        "primary_color": "#0B6E4F",
        "invoice_prefix": "SH-",
    }
    updated = client.patch("/api/tenant/settings", json=change, headers={"If-Match": etag})
    assert updated.status_code == 200, updated.text
    data = updated.json()["data"]
    assert data["tax_id"] == "27AAPFU0939F1ZV" and data["primary_color"] == "#0B6E4F"
    stale = client.patch(
        "/api/tenant/settings", json={"invoice_prefix": "X"}, headers={"If-Match": etag}
    )
    assert_problem(stale, 412, "precondition_failed")
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        (event,) = session.exec(
            select(AuditEvent).where(AuditEvent.action == "tenant.settings_changed")
        ).all()
    assert '"legal_name": null' in (event.before_json or "")
    assert "Sunrise Holidays Pvt Ltd" in (event.after_json or "")


def test_bad_values_are_named_and_nothing_is_saved(migrated_engine) -> None:
    agency = _verified()
    client = _signed_in(agency.user.email)
    bad_gstin = client.patch("/api/tenant/settings", json={"tax_id": "12-3456789"})
    body = assert_problem(bad_gstin, 422, "validation_failed")
    assert body["errors"][0]["field"] == "tax_id" and "GSTIN" in body["errors"][0]["message"]
    bad_color = client.patch("/api/tenant/settings", json={"primary_color": "teal"})
    assert (
        assert_problem(bad_color, 422, "validation_failed")["errors"][0]["field"] == "primary_color"
    )
    assert client.get("/api/tenant/settings").json()["data"]["tax_id"] is None


def test_mass_assignment_is_refused(migrated_engine) -> None:
    alpha, bravo = _verified(), _verified()
    client = _signed_in(alpha.user.email)
    response = client.patch(
        "/api/tenant/settings",
        json={
            "name": "Renamed",
            "id": str(bravo.tenant.id),
            "slug": "stolen",
            "tenant_id": str(bravo.tenant.id),
            "country": "US",
        },
    )
    body = assert_problem(response, 422, "validation_failed")
    assert {e["field"] for e in body["errors"]} == {"id", "slug", "tenant_id", "country"}
    data = client.get("/api/tenant/settings").json()["data"]
    assert data["id"] == str(alpha.tenant.id) and data["name"] == alpha.tenant.name


def test_agents_can_neither_read_nor_change_settings(migrated_engine) -> None:
    agency = _verified()
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        for membership in session.exec(select(Membership)):
            membership.role = Role.AGENT.value
            session.add(membership)
    client = _signed_in(agency.user.email)
    assert_problem(client.get("/api/tenant/settings"), 403, "permission_denied")
    assert_problem(
        client.patch("/api/tenant/settings", json={"name": "Nope Travels"}),
        403,
        "permission_denied",
    )

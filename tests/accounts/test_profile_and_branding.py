"""Profile, avatar, the agency logo and the agency's public address over REST, with the attack
cases: mass assignment, other people's pictures, agents changing branding, unknown and suspended
agencies."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_envelope_and_problems import assert_problem
from travelcrm.accounts import services as accounts
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.db import system_scope
from travelcrm.tenants.models import Tenant, TenantStatus


def _client(email: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(create_api(), raise_server_exceptions=False)
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return client


def _png(size: tuple[int, int] = (640, 480), color: str = "teal") -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.save(buffer, "PNG", pnginfo=_text_chunk())
    return buffer.getvalue()


def _text_chunk():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "GPS 19.07N 72.87E")
    return info


def test_profile_changes_only_what_a_person_may_change(migrated_engine) -> None:
    agency = _verified()
    client = _client(agency.user.email)
    response = client.patch(
        "/api/auth/me",
        json={
            "name": "Priya S.",
            "phone": "+91 98200 12345",
            "timezone": "Asia/Kolkata",
            "email": "taken-over@example.com",
            "role": "owner",
            "is_verified": False,
            "tenant_id": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert response.status_code == 200, response.text
    me = response.json()["data"]
    assert (me["name"], me["phone"], me["timezone"]) == (
        "Priya S.",
        "+91 98200 12345",
        "Asia/Kolkata",
    )
    assert me["email"] == agency.user.email and me["tenant_id"] == str(agency.tenant.id)
    bad = client.patch("/api/auth/me", json={"timezone": "Mars/Olympus", "phone": "call me"})
    body = assert_problem(bad, 422, "validation_failed")
    assert {e["field"] for e in body["errors"]} >= {"timezone", "phone"}
    events = client.get("/api/audit-events", params={"action": "user.profile_changed"}).json()
    assert events["data"][0]["before"]["name"] == "Priya Sharma"


def test_avatar_is_reencoded_and_visible_only_to_colleagues(migrated_engine) -> None:
    agency, other = _verified(), _verified()
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=agency.tenant.id,
            email=f"col.{agency.tenant.slug}@example.com",
            name="Colleague",
            password=PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
    owner = _client(agency.user.email)
    uploaded = owner.put("/api/auth/me/avatar", files={"file": ("me.png", _png(), "image/png")})
    assert uploaded.status_code == 200, uploaded.text
    picture = owner.get(f"/api/auth/avatars/{agency.user.id}")
    assert picture.headers["content-type"] == "image/webp"
    image = Image.open(io.BytesIO(picture.content))
    assert image.size == (200, 200) and not image.info.get("exif")
    assert (
        owner.get(
            f"/api/auth/avatars/{agency.user.id}",
            headers={"If-None-Match": picture.headers["etag"]},
        ).status_code
        == 304
    )
    colleague = _client(f"col.{agency.tenant.slug}@example.com")
    assert colleague.get(f"/api/auth/avatars/{agency.user.id}").status_code == 200
    stranger = _client(other.user.email)
    assert_problem(stranger.get(f"/api/auth/avatars/{agency.user.id}"), 404, "not_found")
    gif = io.BytesIO()
    Image.new("RGB", (50, 50)).save(gif, "GIF")
    refused = owner.put(
        "/api/auth/me/avatar", files={"file": ("me.png", gif.getvalue(), "image/png")}
    )
    body = assert_problem(refused, 422, "validation_failed")
    assert body["errors"][0]["code"] == "unsupported_type"
    big = owner.put(
        "/api/auth/me/avatar",
        files={"file": ("big.png", b"\x89PNG" + b"0" * (6 << 20), "image/png")},
    )
    assert assert_problem(big, 422, "validation_failed")["errors"][0]["code"] == "too_large"
    assert owner.delete("/api/auth/me/avatar").status_code == 204
    assert_problem(owner.get(f"/api/auth/avatars/{agency.user.id}"), 404, "not_found")


def test_logo_is_owner_business_and_public_on_the_agency_address(migrated_engine) -> None:
    agency = _verified()
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=agency.tenant.id,
            email=f"agent.{agency.tenant.slug}@example.com",
            name="Agent",
            password=PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
    agent = _client(f"agent.{agency.tenant.slug}@example.com")
    denied = agent.put("/api/tenant/logo", files={"file": ("l.png", _png(), "image/png")})
    assert_problem(denied, 403, "permission_denied")
    owner = _client(agency.user.email)
    saved = owner.put("/api/tenant/logo", files={"file": ("l.png", _png((1200, 300)), "image/png")})
    assert saved.status_code == 200, saved.text
    brand = saved.json()["data"]
    assert brand["logo_url"].startswith(f"/api/agencies/{agency.tenant.slug}/logo")
    anonymous = TestClient(create_api(), raise_server_exceptions=False)
    public = anonymous.get(f"/api/agencies/{agency.tenant.slug}").json()["data"]
    assert public == brand
    logo = anonymous.get(brand["logo_url"])
    assert logo.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(logo.content)).size == (400, 100)
    assert_problem(anonymous.get("/api/agencies/no-such-agency"), 404, "not_found")
    with system_scope() as session:
        tenant = session.get(Tenant, agency.tenant.id)
        assert tenant is not None
        tenant.status = TenantStatus.SUSPENDED.value
        session.add(tenant)
    assert_problem(anonymous.get(f"/api/agencies/{agency.tenant.slug}"), 403, "agency_suspended")
    # a suspended agency's people are signed out and cannot sign in
    assert_problem(owner.get("/api/auth/me"), 401, "session_expired")
    login = anonymous.post(
        "/api/auth/login", json={"email": agency.user.email, "password": PASSWORD}
    )
    assert_problem(login, 401, "invalid_credentials")


def test_sign_in_on_the_agency_address_needs_a_membership_there(migrated_engine) -> None:
    agency, other = _verified(), _verified()
    anonymous = TestClient(create_api(), raise_server_exceptions=False)
    wrong = anonymous.post(
        "/api/auth/login-form",
        data={"email": agency.user.email, "password": PASSWORD, "agency": other.tenant.slug},
        follow_redirects=False,
    )
    assert wrong.status_code == 303
    assert wrong.headers["location"].startswith(f"/t/{other.tenant.slug}/login?error=")
    right = anonymous.post(
        "/api/auth/login-form",
        data={"email": agency.user.email, "password": PASSWORD, "agency": agency.tenant.slug},
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/"
    assert anonymous.get("/api/auth/me").json()["data"]["tenant_id"] == str(agency.tenant.id)


def test_slug_from_host() -> None:
    from travelcrm.tenants.services import slug_from_host

    assert slug_from_host("acme.example.com", "example.com") == "acme"
    assert slug_from_host("ACME.example.com:3000", "example.com") == "acme"
    assert slug_from_host("example.com", "example.com") is None
    assert slug_from_host("www.example.com", "example.com") is None
    assert slug_from_host("a.b.example.com", "example.com") is None
    assert slug_from_host("acme.evil.com", "example.com") is None
    assert slug_from_host("acme.example.com", None) is None

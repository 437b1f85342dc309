"""API tokens: JWT access tokens and rotating refresh tokens, with the token attacks."""

from __future__ import annotations

import base64
import json
import uuid

from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import OctKey

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_envelope_and_problems import assert_problem
from travelcrm.accounts.tokens import AUDIENCE, ISSUER
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext


def _client() -> TestClient:
    return TestClient(create_api(), raise_server_exceptions=False)


def _pair(client: TestClient, email: str) -> dict:
    response = client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _me(client: TestClient, token: str):
    return client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})


def test_token_pair_works_and_refresh_rotates(migrated_engine) -> None:
    agency = _verified()
    client = _client()
    pair = _pair(client, agency.user.email)
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 15 * 60
    header = json.loads(base64.urlsafe_b64decode(pair["access_token"].split(".")[0] + "=="))
    assert header["alg"] == "HS256" and header["kid"] == "default"
    me = _me(client, pair["access_token"])
    assert me.status_code == 200 and me.json()["data"]["email"] == agency.user.email
    assert (
        "set-cookie"
        not in client.post(
            "/api/auth/token", json={"email": agency.user.email, "password": PASSWORD}
        ).headers
    )  # API tokens never open a browser session
    rotated = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert rotated.status_code == 200
    new = rotated.json()["data"]
    assert new["refresh_token"] != pair["refresh_token"]
    assert _me(client, new["access_token"]).status_code == 200


def test_refresh_reuse_revokes_the_whole_family(migrated_engine) -> None:
    agency = _verified()
    client = _client()
    first = _pair(client, agency.user.email)
    second = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    second_refresh = second.json()["data"]["refresh_token"]
    replay = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    body = assert_problem(replay, 401, "invalid_token")
    assert "revoked" in body["detail"]
    # the thief's replay also killed the legitimate client's newer token
    assert_problem(
        client.post("/api/auth/refresh", json={"refresh_token": second_refresh}),
        401,
        "invalid_token",
    )


def _forge(claims: dict, *, key: str = "x" * 48, kid: str = "default", alg: str = "HS256") -> str:
    return jwt.encode({"alg": alg, "kid": kid}, claims, OctKey.import_key(key))


def _claims(ctx: TenantContext, **changes: object) -> dict:
    import time

    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(ctx.user_id),
        "tid": str(ctx.tenant_id),
        "role": ctx.role.value,
        "cv": 0,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    base.update(changes)
    return base


def test_token_attacks_are_refused(migrated_engine) -> None:
    alpha, bravo = _verified(), _verified()
    client = _client()
    good = _pair(client, alpha.user.email)["access_token"]
    ctx = TenantContext(alpha.tenant.id, alpha.user.id, Role.OWNER)
    head, payload, signature = good.split(".")

    def unsigned(claims: dict) -> str:
        enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
        return f"{enc({'alg': 'none', 'kid': 'default'})}.{enc(claims)}."

    tampered_claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    tampered_claims["role"] = "owner"
    tampered_claims["tid"] = str(bravo.tenant.id)
    tampered = ".".join(
        [
            head,
            base64.urlsafe_b64encode(json.dumps(tampered_claims).encode()).rstrip(b"=").decode(),
            signature,
        ]
    )
    attacks = {
        "alg none": unsigned(_claims(ctx)),
        "wrong key": _forge(_claims(ctx)),
        "unknown kid": _forge(_claims(ctx), kid="other"),
        "tampered claims": tampered,
        "garbage": "not.a.token",
    }
    for name, token in attacks.items():
        response = _me(client, token)
        assert response.status_code == 401, (name, response.text)
    assert _me(client, good).status_code == 200


def test_expired_and_foreign_tenant_tokens(migrated_engine) -> None:
    from travelcrm.accounts import tokens as token_module
    from travelcrm.settings import get_settings

    alpha, bravo = _verified(), _verified()
    client = _client()
    ((kid, key),) = token_module.signing_keys(get_settings())
    ctx = TenantContext(alpha.tenant.id, alpha.user.id, Role.OWNER)
    expired = jwt.encode(
        {"alg": "HS256", "kid": kid}, _claims(ctx, exp=1000, iat=900, nbf=900), key
    )
    assert_problem(_me(client, expired), 401, "invalid_token")
    # a correctly signed token naming an agency the user is not a member of
    foreign = jwt.encode({"alg": "HS256", "kid": kid}, _claims(ctx, tid=str(bravo.tenant.id)), key)
    assert_problem(_me(client, foreign), 401, "invalid_token")
    # a token for a user id that does not exist
    ghost = jwt.encode({"alg": "HS256", "kid": kid}, _claims(ctx, sub=str(uuid.uuid4())), key)
    assert_problem(_me(client, ghost), 401, "invalid_token")


# ---- tokens end with credentials ---------------------------------------------------------------

NEW_PASSWORD = "Backwaters-Kochi-2027!"


def _token(client: TestClient, email: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_password_change_ends_every_access_token_at_once(migrated_engine) -> None:
    agency = _verified()
    client = _client()
    email = agency.user.email
    first, second = _token(client, email), _token(client, email)
    assert _me(client, first["access_token"]).status_code == 200
    changed = client.post(
        "/api/auth/password",
        headers=_bearer(first["access_token"]),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200, changed.text
    for pair in (first, second):  # the one that made the change, and the other one
        body = assert_problem(_me(client, pair["access_token"]), 401, "invalid_token")
        assert "password" in body["detail"]
        refreshed = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
        assert_problem(refreshed, 401, "invalid_token")
    fresh = _token(client, email, NEW_PASSWORD)
    assert _me(client, fresh["access_token"]).status_code == 200


def test_a_password_reset_ends_every_access_token(migrated_engine, smtp_sink) -> None:
    agency = _verified()
    client = _client()
    email = agency.user.email
    pair = _token(client, email)
    assert _me(client, pair["access_token"]).status_code == 200
    assert client.post("/api/auth/password-reset", json={"email": email}).status_code == 202
    link = smtp_sink.link(email, "/reset-password")
    done = client.post(
        "/api/auth/password-reset/confirm", json={"token": link, "password": NEW_PASSWORD}
    )
    assert done.status_code == 200, done.text
    assert_problem(_me(client, pair["access_token"]), 401, "invalid_token")
    assert _me(client, _token(client, email, NEW_PASSWORD)["access_token"]).status_code == 200


def test_a_role_change_or_deactivation_ends_the_members_access_tokens(migrated_engine) -> None:
    from tests.api.test_users_api import _client as signed_in
    from tests.api.test_users_api import _member_id, _staff

    agency = _verified()
    owner = signed_in(agency.user.email)
    agent_email = _staff(agency.tenant.id, Role.AGENT)
    client = _client()
    agent, owners_token = _token(client, agent_email), _token(client, agency.user.email)
    assert _me(client, agent["access_token"]).json()["data"]["role"] == "agent"
    member = _member_id(owner, agent_email)

    promoted = owner.patch(f"/api/users/{member}", json={"role": "manager"})
    assert promoted.status_code == 200, promoted.text
    assert_problem(_me(client, agent["access_token"]), 401, "invalid_token")
    # the refresh token carries on, with the new role in the next access token
    rotated = client.post("/api/auth/refresh", json={"refresh_token": agent["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    manager = rotated.json()["data"]
    assert _me(client, manager["access_token"]).json()["data"]["role"] == "manager"
    # another person's tokens are not touched
    assert _me(client, owners_token["access_token"]).status_code == 200

    assert owner.post(f"/api/users/{member}/deactivate").status_code == 200
    assert_problem(_me(client, manager["access_token"]), 401, "invalid_token")
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": manager["refresh_token"]})
    assert_problem(refreshed, 401, "invalid_token")
    assert _me(client, owners_token["access_token"]).status_code == 200


def test_a_token_without_its_credentials_version_is_refused(migrated_engine) -> None:
    from travelcrm.accounts import tokens as token_module
    from travelcrm.settings import get_settings

    agency = _verified()
    client = _client()
    ((kid, key),) = token_module.signing_keys(get_settings())
    ctx = TenantContext(agency.tenant.id, agency.user.id, Role.OWNER)
    unversioned = _claims(ctx)
    del unversioned["cv"]
    for claims in (unversioned, _claims(ctx, cv="0"), _claims(ctx, cv=True), _claims(ctx, cv=1)):
        token = jwt.encode({"alg": "HS256", "kid": kid}, claims, key)
        assert_problem(_me(client, token), 401, "invalid_token")
    good = jwt.encode({"alg": "HS256", "kid": kid}, _claims(ctx), key)
    assert _me(client, good).status_code == 200

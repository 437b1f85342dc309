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

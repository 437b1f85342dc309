"""An agency for the REST tests: its owner signed in (a browser session) through the API, and
colleagues of any role signed in the same way."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.accounts.test_accounts import PASSWORD, _verified
from tests.api.test_users_api import _client, _staff
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext


class ApiAgency:
    """A fresh verified agency; `owner` is its owner's signed-in client."""

    def __init__(self) -> None:
        signup = _verified()
        self.tenant_id = signup.tenant.id
        self.slug = signup.tenant.slug
        self.owner_email = signup.user.email
        self.owner_id = signup.user.id
        self.owner = _client(signup.user.email)

    def ctx(self) -> TenantContext:
        return TenantContext(self.tenant_id, self.owner_id, Role.OWNER)

    def client_for(self, role: Role) -> TestClient:
        """A new colleague with `role`, signed in."""
        return _client(_staff(self.tenant_id, role))


def bearer_for(email: str, app: Any = None) -> dict[str, str]:
    """The header of an integration's access token for `email` (the demo password); API tokens
    never open a browser session."""
    client = TestClient(app or create_api(), raise_server_exceptions=False)
    response = client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


_owner_bearers: dict[int, dict[str, str]] = {}


def owner_bearer(app: Any) -> dict[str, str]:
    """The bearer header of one fresh agency's owner on `app`, made on first use and kept for
    the run (the run's database keeps the agency)."""
    if id(app) not in _owner_bearers:
        _owner_bearers[id(app)] = bearer_for(_verified().user.email, app)
    return _owner_bearers[id(app)]

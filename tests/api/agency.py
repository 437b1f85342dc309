"""An agency for the REST tests: its owner signed in (a browser session) through the API, and
colleagues of any role signed in the same way."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.accounts.test_accounts import _verified
from tests.api.test_users_api import _client, _staff
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

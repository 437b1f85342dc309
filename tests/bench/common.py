"""What the database benchmarks share: the agency and owner they run as (the app is imported
lazily: a benchmark's process names its database first)."""

from __future__ import annotations

import secrets
import uuid
from typing import Any


def owner_agency(key: str, name: str) -> tuple[Any, uuid.UUID]:
    """Migrations, then an Indian agency (`bench-<key>-…`, called `name`) and its verified owner
    `ops@bench-<key>.example`: (the owner's TenantContext, their user id)."""
    from travelcrm.accounts import services as accounts
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope, upgrade_to_head
    from travelcrm.tenants.schemas import TenantCreate
    from travelcrm.tenants.services import create_tenant

    upgrade_to_head()
    with system_scope() as session:
        tenant = create_tenant(
            session,
            data=TenantCreate(
                slug=f"bench-{key}-{secrets.token_hex(2)}",
                name=name,
                country="IN",
                default_currency="INR",
                timezone="Asia/Kolkata",
            ),
        )
        user = accounts.add_member(
            session,
            tenant_id=tenant.id,
            email=f"ops@bench-{key}.example",
            name="Operator",
            password="Sunrise-Demo-2026",
            role=Role.OWNER,
            verified=True,
        )
        return TenantContext(tenant.id, user.id, Role.OWNER), user.id

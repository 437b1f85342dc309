"""Audit filters the audit page uses: by target, and the list of recorded actions (per agency)."""

from __future__ import annotations

import secrets
import uuid

import pytest

from travelcrm.audit import services as audit
from travelcrm.audit.schemas import AuditFilter
from travelcrm.core.errors import PermissionDeniedError
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.tenants.schemas import TenantCreate
from travelcrm.tenants.services import create_tenant

PAGE = PageParams(limit=50, cursor=None)


def _agency() -> TenantContext:
    with system_scope() as session:
        tenant = create_tenant(
            session,
            data=TenantCreate(
                slug=f"filters-{secrets.token_hex(3)}",
                name="Filters Agency",
                country="IN",
                default_currency="INR",
                timezone="Asia/Kolkata",
            ),
        )
    return TenantContext(tenant_id=tenant.id, user_id=uuid.uuid4(), role=Role.OWNER)


def test_target_filters_and_action_list_stay_in_the_agency(migrated_engine) -> None:
    a, b = _agency(), _agency()
    kavya, ravi = str(uuid.uuid4()), str(uuid.uuid4())
    with tenant_scope(a) as session:
        audit.record(session, a, action="user.role_changed", target_type="user", target_id=kavya)
        audit.record(session, a, action="user.deactivated", target_type="user", target_id=ravi)
        audit.record(session, a, action="tenant.settings_changed", target_type="tenant")
    with tenant_scope(b) as session:
        audit.record(session, b, action="only.in_bravo", target_type="user", target_id=kavya)

    with tenant_scope(a) as session:
        users, _ = audit.list_events(session, a, filters=AuditFilter(target_type="user"), page=PAGE)
        one, _ = audit.list_events(
            session, a, filters=AuditFilter(target_type="user", target_id=kavya), page=PAGE
        )
        actions = audit.list_actions(session, a)
    assert {e.action for e in users} == {"user.role_changed", "user.deactivated"}
    assert [e.action for e in one] == ["user.role_changed"]
    assert actions == ["tenant.settings_changed", "user.deactivated", "user.role_changed"]


def test_action_list_needs_audit_read(migrated_engine) -> None:
    a = _agency()
    agent = TenantContext(tenant_id=a.tenant_id, user_id=a.user_id, role=Role.AGENT)
    with tenant_scope(agent) as session, pytest.raises(PermissionDeniedError):
        audit.list_actions(session, agent)

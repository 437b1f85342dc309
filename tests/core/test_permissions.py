"""The permission table, walked whole: services refuse exactly what the table does not allow."""

from __future__ import annotations

import uuid

import pytest

from travelcrm.core.errors import PermissionDeniedError
from travelcrm.core.permissions import PERMISSIONS, Action, Role, can, require
from travelcrm.core.tenancy import TenantContext

RATES_WORK = {Action.SUPPLIERS_VIEW, Action.SUPPLIERS_EDIT, Action.RATES_VIEW, Action.RATES_EDIT}
SALES_WORK = {
    Action.CUSTOMERS_VIEW,
    Action.CUSTOMERS_EDIT,
    Action.QUERIES_VIEW,
    Action.QUERIES_EDIT,
    Action.ITINERARIES_VIEW,
    Action.ITINERARIES_EDIT,
    Action.QUOTES_VIEW,
    Action.QUOTES_EDIT,
}
EXPECTED_EXTRA = {
    Role.MANAGER: {
        Action.CUSTOMERS_MERGE,
        Action.QUERIES_VIEW_ALL,
        Action.QUERIES_ASSIGN,
        Action.QUERIES_SETTINGS,
        Action.USERS_VIEW,
        Action.TENANT_SETTINGS_VIEW,
        Action.AUDIT_READ,
        Action.RATES_PUBLISH,
        Action.SUPPLIER_BANK_VIEW,
        Action.PRICING_SETTINGS,
        Action.MAIL_LOG,
        Action.MAIL_TEMPLATES,
    }
    | RATES_WORK
    | SALES_WORK,
    Role.OPERATOR: RATES_WORK | {Action.RATES_PUBLISH, Action.CUSTOMERS_VIEW},
    Role.AGENT: {Action.SUPPLIERS_VIEW, Action.RATES_VIEW, Action.MAIL_LOG} | SALES_WORK,
    Role.FINANCE: {
        Action.CUSTOMERS_VIEW,
        Action.QUERIES_VIEW,
        Action.QUERIES_VIEW_ALL,
        Action.TENANT_SETTINGS_VIEW,
        Action.SUPPLIERS_VIEW,
        Action.SUPPLIER_BANK_VIEW,
        Action.RATES_VIEW,
        Action.ITINERARIES_VIEW,
        Action.QUOTES_VIEW,
    },
}
BASICS = {Action.PROFILE_EDIT, Action.SESSIONS_MANAGE_OWN}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_require_follows_the_table(role: Role, action: Action) -> None:
    ctx = TenantContext(tenant_id=uuid.uuid4(), user_id=uuid.uuid4(), role=role)
    if action in PERMISSIONS[role]:
        require(ctx, action)
    else:
        with pytest.raises(PermissionDeniedError) as info:
            require(ctx, action)
        assert role.value in info.value.detail and action.value in info.value.detail
    assert can(role, action) == (action in PERMISSIONS[role])


def test_table_shape() -> None:
    assert set(PERMISSIONS) == set(Role)
    assert PERMISSIONS[Role.OWNER] == set(Action) == PERMISSIONS[Role.ADMIN]
    assert PERMISSIONS[Role.CUSTOMER] == BASICS
    for role, extra in EXPECTED_EXTRA.items():
        assert PERMISSIONS[role] == BASICS | extra
    # admin-only powers stay with owners and admins
    for action in (
        Action.USERS_INVITE,
        Action.USERS_CHANGE_ROLE,
        Action.TENANT_SETTINGS_EDIT,
        Action.SYSTEM_VIEW,
    ):
        assert {r for r in Role if can(r, action)} == {Role.OWNER, Role.ADMIN}
    # agents and finance read contracts; they never change or publish them
    for action in (Action.SUPPLIERS_EDIT, Action.RATES_EDIT, Action.RATES_PUBLISH):
        assert not can(Role.AGENT, action) and not can(Role.FINANCE, action)
    # agents work their queries; reassigning, merging and the rules are for managers up
    for action in (
        Action.QUERIES_ASSIGN,
        Action.CUSTOMERS_MERGE,
        Action.QUERIES_SETTINGS,
        Action.PRICING_SETTINGS,
    ):
        assert {r for r in Role if can(r, action)} == {Role.OWNER, Role.ADMIN, Role.MANAGER}

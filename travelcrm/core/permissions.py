"""Roles and the one permission table (role -> allowed actions).

Services check it (`require`), and pages use the same table to decide what to show, so the UI
and the API can never disagree. Later domains add their actions here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from travelcrm.core.errors import PermissionDeniedError

if TYPE_CHECKING:
    from travelcrm.core.tenancy import TenantContext


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"
    OPERATOR = "operator"
    FINANCE = "finance"
    CUSTOMER = "customer"  # portal users


class Action(StrEnum):
    PROFILE_EDIT = "profile.edit"
    SESSIONS_MANAGE_OWN = "sessions.manage_own"
    USERS_VIEW = "users.view"
    USERS_INVITE = "users.invite"
    USERS_CHANGE_ROLE = "users.change_role"
    USERS_DEACTIVATE = "users.deactivate"
    TENANT_SETTINGS_VIEW = "tenant.settings.view"
    TENANT_SETTINGS_EDIT = "tenant.settings.edit"
    AUDIT_READ = "audit.read"
    SUPPLIERS_VIEW = "suppliers.view"
    SUPPLIERS_EDIT = "suppliers.edit"  # create, change, archive suppliers, contacts, services
    SUPPLIER_BANK_VIEW = "suppliers.bank.view"  # see (masked) and change bank details
    RATES_VIEW = "rates.view"  # rate lists, versions, the price lookup
    RATES_EDIT = "rates.edit"  # drafts: seasons, lines, bulk updates, restrictions, allotments
    RATES_PUBLISH = "rates.publish"
    SYSTEM_VIEW = "system.view"  # the installation's internals (database, workers, build)
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_EDIT = "customers.edit"  # create and change customers and travellers
    CUSTOMERS_MERGE = "customers.merge"
    QUERIES_VIEW = "queries.view"  # the agent's own and unassigned ones (all if the agency says)
    QUERIES_EDIT = "queries.edit"  # create, note, move through the pipeline
    QUERIES_VIEW_ALL = "queries.view_all"  # every query, whoever it is assigned to
    QUERIES_ASSIGN = "queries.assign"  # reassign by hand, the workload page
    QUERIES_SETTINGS = "queries.settings"  # assignment rule, business hours, SLA, lost reasons
    ITINERARIES_VIEW = "itineraries.view"  # trips and their pricing sheets
    ITINERARIES_EDIT = "itineraries.edit"  # build, price, freeze and copy trips
    PRICING_SETTINGS = "pricing.settings"  # markup rules, the tax table, FX rates, rounding
    QUOTES_VIEW = "quotes.view"  # quotes and their versions
    QUOTES_EDIT = "quotes.edit"  # make, change drafts, send, revise, record the answer
    MAIL_LOG = "mail.log"  # the agency's sent emails, their delivery log, suppressed addresses
    MAIL_TEMPLATES = "mail.templates"  # change email templates, clear suppressed addresses


_STAFF_BASICS = frozenset({Action.PROFILE_EDIT, Action.SESSIONS_MANAGE_OWN})
_SALES_WORK = frozenset(
    {
        Action.CUSTOMERS_VIEW,
        Action.CUSTOMERS_EDIT,
        Action.QUERIES_VIEW,
        Action.QUERIES_EDIT,
        Action.ITINERARIES_VIEW,
        Action.ITINERARIES_EDIT,
        Action.QUOTES_VIEW,
        Action.QUOTES_EDIT,
    }
)
_SALES_READ = frozenset(
    {
        Action.CUSTOMERS_VIEW,
        Action.QUERIES_VIEW,
        Action.QUERIES_VIEW_ALL,
        Action.ITINERARIES_VIEW,
        Action.QUOTES_VIEW,
    }
)
_RATES_WORK = frozenset(
    {Action.SUPPLIERS_VIEW, Action.SUPPLIERS_EDIT, Action.RATES_VIEW, Action.RATES_EDIT}
)

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.ADMIN: frozenset(Action),
    Role.MANAGER: _STAFF_BASICS
    | _RATES_WORK
    | _SALES_WORK
    | {
        Action.CUSTOMERS_MERGE,
        Action.QUERIES_VIEW_ALL,
        Action.QUERIES_ASSIGN,
        Action.QUERIES_SETTINGS,
        Action.PRICING_SETTINGS,
        Action.MAIL_LOG,
        Action.MAIL_TEMPLATES,
        Action.USERS_VIEW,
        Action.TENANT_SETTINGS_VIEW,
        Action.AUDIT_READ,
        Action.RATES_PUBLISH,
        Action.SUPPLIER_BANK_VIEW,
    },
    Role.AGENT: _STAFF_BASICS
    | _SALES_WORK
    | {Action.SUPPLIERS_VIEW, Action.RATES_VIEW, Action.MAIL_LOG},
    Role.OPERATOR: _STAFF_BASICS | _RATES_WORK | {Action.RATES_PUBLISH, Action.CUSTOMERS_VIEW},
    Role.FINANCE: _STAFF_BASICS
    | _SALES_READ
    | {
        Action.TENANT_SETTINGS_VIEW,
        Action.SUPPLIERS_VIEW,
        Action.SUPPLIER_BANK_VIEW,
        Action.RATES_VIEW,
    },
    Role.CUSTOMER: frozenset({Action.PROFILE_EDIT, Action.SESSIONS_MANAGE_OWN}),
}


def can(role: Role, action: Action) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


def require(ctx: TenantContext, action: Action) -> None:
    """Refuse with a named error unless the context's role allows the action."""
    if not can(ctx.role, action):
        raise PermissionDeniedError(
            f"Your role ({ctx.role.value}) does not allow {action.value}.",
            extra={"action": action.value, "role": ctx.role.value},
        )

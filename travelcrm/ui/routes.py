"""Every URL of the app, once. Pages and links use these constants, never string routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from travelcrm.core.permissions import Action, Role, can

HOME = "/"
USERS = "/users"
SETTINGS = "/settings"
AUDIT = "/audit"
SESSIONS = "/sessions"
SYSTEM = "/system"
PROFILE = "/profile"
DEV_OUTBOX = "/dev/outbox"
SUPPLIERS = "/suppliers"
SUPPLIER = "/suppliers/[id]"
RATES = "/rates"
RATE_LIST = "/rates/[id]"
RATE_IMPORT = "/rates/[id]/import"
QUERIES = "/queries"
QUERY_BOARD = "/queries/board"
QUERY_NEW = "/queries/new"
QUERY_WORKLOAD = "/queries/workload"
QUERY_SETTINGS = "/queries/settings"
QUERY = "/queries/[id]"
CUSTOMERS = "/customers"
CUSTOMER = "/customers/[id]"
ITINERARIES = "/itineraries"
ITINERARY = "/itineraries/[id]"
QUOTES = "/quotes"
QUOTE = "/quotes/[id]"
QUOTE_SETTINGS = "/quotes/settings"  # the agency's quote defaults
EMAIL_LOG = "/emails"
EMAIL_TEMPLATES = "/emails/templates"
PRICING = "/pricing"  # the agency's pricing settings
PRICING_MARKUPS = "/pricing/markups"
PRICING_TAXES = "/pricing/taxes"
PRICING_FX = "/pricing/fx"
LOGIN = "/login"
AGENCY_LOGIN = "/t/[slug]/login"  # an agency's own sign-in page (or <slug>.BASE_DOMAIN/login)
SIGNUP = "/signup"
VERIFY = "/verify"  # the email links: travelcrm.accounts.emails uses the same paths
FORGOT_PASSWORD = "/forgot-password"
RESET_PASSWORD = "/reset-password"
INVITE = "/invite"
CHOOSE_AGENCY = "/choose-agency"
NOT_FOUND = "404"

API_DOCS = "/api/docs"
API_READY = "/api/ready"
API_LOGIN_FORM = "/api/auth/login-form"
API_AGENCIES = "/api/agencies"
API_LOGOUT_FORM = "/api/auth/logout-form"
API_ENQUIRIES = "/api/public/[slug]/enquiries"  # an agency's public enquiry form posts here


def route_param(route_id: str, path: str, name: str) -> str:
    """The value of `[name]` in a page's route (`route_id`, e.g. "/queries/[id]") read from the
    address the browser is on (`path`, e.g. "/queries/0192..."); "" when the route has none.
    Matched from the end, so a prefix the app is served under does not shift it."""
    from urllib.parse import unquote

    pattern = [p for p in route_id.split("/") if p]
    actual = [p for p in path.split("/") if p]
    if len(actual) < len(pattern):
        return ""
    for part, value in zip(pattern, actual[len(actual) - len(pattern) :], strict=True):
        if part == f"[{name}]":
            return unquote(value)
    return ""


def page_arg(router: Any, name: str) -> str:
    """`[name]` of the page a state's event came from (`self.router`), e.g. the query's id."""
    return route_param(router.route_id, router.url.path, name)


def agency_login(slug: str) -> str:
    return AGENCY_LOGIN.replace("[slug]", slug)


def enquiry_form(slug: str) -> str:
    """Where an agency's public enquiry form (on its own website) sends its enquiries."""
    return API_ENQUIRIES.replace("[slug]", slug)


def supplier(supplier_id: object) -> str:
    return SUPPLIER.replace("[id]", str(supplier_id))


def rate_list(rate_list_id: object) -> str:
    return RATE_LIST.replace("[id]", str(rate_list_id))


def rate_import(rate_list_id: object) -> str:
    return RATE_IMPORT.replace("[id]", str(rate_list_id))


def queries_view(**params: str) -> str:
    """The queries list showing a view, e.g. /queries?view=breaching&sort=urgency (blank
    params are left out)."""
    query = urlencode({name: value for name, value in params.items() if value})
    return f"{QUERIES}?{query}" if query else QUERIES


def query(query_id: object) -> str:
    return QUERY.replace("[id]", str(query_id))


def customer(customer_id: object) -> str:
    return CUSTOMER.replace("[id]", str(customer_id))


def itinerary(itinerary_id: object) -> str:
    return ITINERARY.replace("[id]", str(itinerary_id))


def quote(quote_id: object) -> str:
    return QUOTE.replace("[id]", str(quote_id))


def new_query_for(customer_id: object) -> str:
    """The new-query form with this customer already chosen."""
    return f"{QUERY_NEW}?customer={customer_id}"


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str
    icon: str  # a lucide icon name
    action: Action | None = None  # the permission needed to see it; None: every signed-in person


# The sidebar: only pages that exist.
NAV: tuple[NavItem, ...] = (
    NavItem("Home", HOME, "layout-dashboard"),
    NavItem("Queries", QUERIES, "inbox", Action.QUERIES_VIEW),
    NavItem("Customers", CUSTOMERS, "contact", Action.CUSTOMERS_VIEW),
    NavItem("Itineraries", ITINERARIES, "route", Action.ITINERARIES_VIEW),
    NavItem("Quotes", QUOTES, "file-text", Action.QUOTES_VIEW),
    NavItem("Email", EMAIL_LOG, "mail", Action.MAIL_LOG),
    NavItem("Workload", QUERY_WORKLOAD, "chart-bar-big", Action.QUERIES_ASSIGN),
    NavItem("Suppliers", SUPPLIERS, "building-2", Action.SUPPLIERS_VIEW),
    NavItem("Rate lists", RATES, "tags", Action.RATES_VIEW),
    NavItem("Users", USERS, "users", Action.USERS_VIEW),
    NavItem("Settings", SETTINGS, "settings", Action.TENANT_SETTINGS_VIEW),
    NavItem("Audit log", AUDIT, "scroll-text", Action.AUDIT_READ),
    NavItem("My sessions", SESSIONS, "monitor-smartphone"),
    NavItem("System", SYSTEM, "activity", Action.SYSTEM_VIEW),
)


def nav_for(role: Role | None) -> list[NavItem]:
    """The sidebar entries a role may open (the same permission table the services check)."""
    return [
        item for item in NAV if item.action is None or (role is not None and can(role, item.action))
    ]

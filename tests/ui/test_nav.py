"""The sidebar shows each role only the pages it may open (the services' permission table)."""

from __future__ import annotations

import pytest

from travelcrm.core.permissions import Role, can
from travelcrm.ui import routes
from travelcrm.ui.shell_state import DEFAULT_BRAND_COLOR, brand_color, routes_for

EVERYONE = [routes.HOME, routes.SESSIONS]
RATES_WORK = [routes.SUPPLIERS, routes.RATES]  # every staff role reads these
SALES = [routes.QUERIES, routes.CUSTOMERS, routes.ITINERARIES, routes.QUOTES]
MAIL = [routes.EMAIL_LOG]  # the roles that send the agency's email read its log
ALL = [
    routes.HOME,
    *SALES,
    *MAIL,
    routes.QUERY_WORKLOAD,
    *RATES_WORK,
    routes.USERS,
    routes.SETTINGS,
    routes.AUDIT,
    routes.SESSIONS,
    routes.SYSTEM,
]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.OWNER, ALL),
        (Role.ADMIN, ALL),
        (
            Role.MANAGER,
            [
                routes.HOME,
                *SALES,
                *MAIL,
                routes.QUERY_WORKLOAD,
                *RATES_WORK,
                routes.USERS,
                routes.SETTINGS,
                routes.AUDIT,
                routes.SESSIONS,
            ],
        ),
        (Role.FINANCE, [routes.HOME, *SALES, *RATES_WORK, routes.SETTINGS, routes.SESSIONS]),
        (Role.AGENT, [routes.HOME, *SALES, *MAIL, *RATES_WORK, routes.SESSIONS]),
        (Role.OPERATOR, [routes.HOME, routes.CUSTOMERS, *RATES_WORK, routes.SESSIONS]),
        (None, EVERYONE),
    ],
)
def test_nav_is_filtered_by_role(role: Role | None, expected: list[str]) -> None:
    assert routes_for(role) == expected
    assert [item.route for item in routes.nav_for(role)] == expected


def test_every_gated_entry_agrees_with_the_permission_table() -> None:
    for role in Role:
        shown = {item.route for item in routes.nav_for(role)}
        for item in routes.NAV:
            allowed = item.action is None or can(role, item.action)
            assert (item.route in shown) is allowed, (role, item.route)


def test_nav_routes_are_unique_and_icons_named() -> None:
    assert len({item.route for item in routes.NAV}) == len(routes.NAV)
    assert all(item.icon and item.icon == item.icon.lower() for item in routes.NAV)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("#1D4ED8", "#1D4ED8"),
        ("#abcdef", "#abcdef"),
        ("#12345", DEFAULT_BRAND_COLOR),
        ("red; background: url(x)", DEFAULT_BRAND_COLOR),
        ("", DEFAULT_BRAND_COLOR),
        (None, DEFAULT_BRAND_COLOR),
    ],
)
def test_brand_color_only_takes_plain_hex(value: str | None, shown: str) -> None:
    assert brand_color(value) == shown

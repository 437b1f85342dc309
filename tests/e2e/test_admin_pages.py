"""The admin pages in a real browser: Users, Agency settings, Audit log, My sessions, and what
an agent may (not) see. Screenshots: users, settings, audit, sessions, no-access."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import backend_url
from travelcrm.demo import DEMO_LOGINS, DEMO_STAFF

TIMEOUT = 20_000
OWNER_EMAIL = DEMO_LOGINS[0][1]
STAFF = {role.value: (email, name, password) for _s, email, name, password, role in DEMO_STAFF}
MANAGER_EMAIL, MANAGER_NAME, MANAGER_PASSWORD = STAFF["manager"]
AGENT_EMAIL, AGENT_NAME, AGENT_PASSWORD = STAFF["agent"]


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def _signed_in(browser: Any, harness: Any, email: str, password: str) -> Any:
    """A new browser context signed in through the API, like the `page` fixture does."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    response = context.request.post(
        f"{backend_url(harness)}/api/auth/login", data={"email": email, "password": password}
    )
    assert response.status == 200, response.text()
    return context


@pytest.fixture
def agent_page(browser, harness) -> Iterator[Page]:
    """A tab signed in as the demo agent of Sunrise Holidays."""
    context = _signed_in(browser, harness, AGENT_EMAIL, AGENT_PASSWORD)
    yield context.new_page()
    context.close()


@pytest.fixture
def manager_contexts(browser, harness) -> Iterator[Callable[[], Any]]:
    """Open any number of contexts signed in as the demo manager (closed afterwards)."""
    opened: list[Any] = []

    def open_one() -> Any:
        context = _signed_in(browser, harness, MANAGER_EMAIL, MANAGER_PASSWORD)
        opened.append(context)
        return context

    yield open_one
    for context in opened:
        context.close()


def _toast(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(
        timeout=TIMEOUT
    )


def _member(page: Page, name: str) -> Any:
    return page.get_by_test_id("member-row").filter(has_text=name)


def _pick_role(page: Page, name: str, role: str) -> None:
    _member(page, name).get_by_role("combobox").click()
    page.get_by_role("option", name=role, exact=True).click()


def _throwaway_member() -> str:
    """A member created for this test only (deactivating a demo person would leak into others)."""
    from sqlmodel import select

    from travelcrm.accounts.services import add_member
    from travelcrm.core.permissions import Role
    from travelcrm.db import system_scope
    from travelcrm.tenants.models import Tenant

    name = f"Temp Staff {secrets.token_hex(2)}"
    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        add_member(
            session,
            tenant_id=tenant.id,
            email=f"temp.{secrets.token_hex(4)}@sunrise-holidays.example",
            name=name,
            password=f"Temp-Staff-{secrets.token_hex(6)}",
            role=Role.OPERATOR,
            verified=False,
        )
    return name


def _sunrise(email: str = OWNER_EMAIL) -> tuple[Any, Any]:
    """(the demo agency as its owner would act, this person's membership id): to read and put
    back shared demo data through the services, whatever the browser did."""
    from sqlmodel import col, select

    from travelcrm.accounts.models import Membership, User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        user = session.exec(select(User).where(User.email == email)).one()
    ctx = TenantContext(tenant_id=tenant.id, user_id=user.id, role=Role.OWNER)
    with tenant_scope(ctx) as session:  # memberships are tenant rows (RLS on PostgreSQL)
        membership = session.exec(
            select(Membership).where(col(Membership.user_id) == user.id)
        ).one()
    return ctx, membership.id


@pytest.fixture
def demo_agent_role_kept() -> Iterator[None]:
    """The demo agent is an agent again after the test, however it ended: other tests sign in
    as them and expect an agent's pages."""
    from travelcrm.accounts import services as accounts
    from travelcrm.core.permissions import Role
    from travelcrm.db import tenant_scope

    owner, _ = _sunrise()
    _, agent_membership = _sunrise(AGENT_EMAIL)
    try:
        yield
    finally:
        with tenant_scope(owner) as session:
            accounts.change_role(session, owner, member_id=agent_membership, role=Role.AGENT)


@pytest.fixture
def demo_settings_kept() -> Iterator[None]:
    """The demo agency's settings (name, colour, tax id...) are put back after the test, however
    it ended: the other browser tests read its name in the shell."""
    from travelcrm.db import tenant_scope
    from travelcrm.tenants import services as tenants
    from travelcrm.tenants.schemas import TenantSettingsUpdate

    owner, _ = _sunrise()
    with tenant_scope(owner) as session:
        before = tenants.get_tenant_settings(session, owner)
    try:
        yield
    finally:
        editable = TenantSettingsUpdate.model_fields
        with tenant_scope(owner) as session:
            tenants.update_tenant_settings(
                session,
                owner,
                data=TenantSettingsUpdate(**before.model_dump(include=set(editable))),
            )


# ---- Users ----------------------------------------------------------------------------------


def test_users_lists_members_and_the_owner_changes_a_role(
    page, harness, shot, demo_agent_role_kept
) -> None:
    page.goto(_url(harness, "/users"))
    expect(page.get_by_test_id("page-title")).to_have_text("Users", timeout=TIMEOUT)
    for name in ("Priya Sharma", MANAGER_NAME, AGENT_NAME):
        expect(_member(page, name)).to_be_visible()
    expect(page.get_by_text("Blue Horizon")).to_have_count(0)
    expect(_member(page, "Priya Sharma")).to_contain_text("You")
    expect(_member(page, AGENT_NAME)).to_contain_text("Verified")

    _pick_role(page, AGENT_NAME, "operator")
    _toast(page, f"{AGENT_NAME} is now operator.")
    expect(_member(page, AGENT_NAME).get_by_role("combobox")).to_contain_text("operator")
    _pick_role(page, AGENT_NAME, "agent")
    _toast(page, f"{AGENT_NAME} is now agent.")
    expect(_member(page, AGENT_NAME).get_by_role("combobox")).to_contain_text("agent")

    # The agency's only owner cannot step down: the service's rule arrives as a toast.
    _pick_role(page, "Priya Sharma", "admin")
    _toast(page, "last owner")
    expect(_member(page, "Priya Sharma").get_by_role("combobox")).to_contain_text("owner")
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    shot(page, "users")


def test_users_deactivate_asks_first(page, harness) -> None:
    name = _throwaway_member()
    page.goto(_url(harness, "/users"))
    row = _member(page, name)
    expect(row).to_be_visible(timeout=TIMEOUT)
    expect(row).to_contain_text("Not verified")
    row.get_by_test_id("deactivate").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Deactivate {name}?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(row).to_contain_text("Active")
    row.get_by_test_id("deactivate").click()
    page.get_by_test_id("confirm-deactivate-action").click()
    _toast(page, f"{name} was deactivated")
    expect(row).to_contain_text("Deactivated", timeout=TIMEOUT)
    expect(row.get_by_test_id("deactivate")).to_have_count(0)


# ---- Agency settings ------------------------------------------------------------------------


def _save(page: Page) -> None:
    page.get_by_test_id("save").click()


def test_settings_save_shows_the_new_colour_and_name_in_the_shell(
    page, harness, shot, demo_settings_kept
) -> None:
    page.goto(_url(harness, "/settings"))
    expect(page.get_by_test_id("page-title")).to_have_text("Agency settings", timeout=TIMEOUT)
    color_input = page.locator("#primary_color")
    expect(color_input).to_have_value(re.compile(r"^#[0-9A-Fa-f]{6}$"), timeout=TIMEOUT)
    mark = page.get_by_test_id("brand-mark")
    expect(mark).to_have_css("background-color", "rgb(18, 165, 148)")  # the default teal

    # A field error from the service's tax-id rule lands under the field.
    page.locator("#tax_id").fill("12345")
    _save(page)
    expect(page.get_by_test_id("error-tax_id")).to_contain_text("GSTIN", timeout=TIMEOUT)
    # ... and one from the schema (the colour pattern) in words.
    page.locator("#tax_id").fill("27AAPFU0939F1ZV")
    color_input.fill("blue")
    _save(page)
    expect(page.get_by_test_id("error-primary_color")).to_contain_text("#RRGGBB", timeout=TIMEOUT)

    color_input.fill("#1D4ED8")
    expect(page.get_by_test_id("brand-preview")).to_contain_text("Sample button")
    page.locator("#name").fill("Sunrise Holidays & Tours")
    _save(page)
    _toast(page, "Settings saved.")
    expect(mark).to_have_css("background-color", "rgb(29, 78, 216)", timeout=TIMEOUT)
    expect(page.get_by_test_id("brand-name")).to_have_text("Sunrise Holidays & Tours")
    expect(page.get_by_test_id("agency-badge")).to_have_text("Sunrise Holidays & Tours")
    expect(page.get_by_test_id("error-tax_id")).to_have_count(0)
    page.mouse.move(0, 0)
    shot(page, "settings")

    # Still there after a reload, and on other pages.
    page.goto(_url(harness, "/"))
    expect(page.get_by_test_id("brand-mark")).to_have_css(
        "background-color", "rgb(29, 78, 216)", timeout=TIMEOUT
    )
    # (the fixture puts the demo agency back as it was, for the other tests)


# ---- Audit log ------------------------------------------------------------------------------


def _record_role_changes() -> None:
    """Two role changes of the demo agent (there and back), made through the service; the way
    back is taken whatever happens to the first."""
    from travelcrm.accounts import services as accounts
    from travelcrm.core.permissions import Role
    from travelcrm.db import tenant_scope

    ctx, _ = _sunrise()
    _, membership_id = _sunrise(AGENT_EMAIL)
    try:
        with tenant_scope(ctx) as session:
            accounts.change_role(session, ctx, member_id=membership_id, role=Role.OPERATOR)
    finally:
        with tenant_scope(ctx) as session:
            accounts.change_role(session, ctx, member_id=membership_id, role=Role.AGENT)


def _choose(page: Page, test_id: str, option: str) -> None:
    page.get_by_test_id(test_id).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_audit_log_shows_sign_ins_and_filters_narrow(page, harness, shot) -> None:
    _record_role_changes()
    page.goto(_url(harness, "/audit"))
    expect(page.get_by_test_id("page-title")).to_have_text("Audit log", timeout=TIMEOUT)
    rows = page.get_by_test_id("event-row")
    expect(rows.first).to_be_visible(timeout=TIMEOUT)
    expect(rows.filter(has_text="Signed in").first).to_be_visible()
    expect(rows.filter(has_text="Signed in").first).to_contain_text("Priya Sharma")
    expect(page.get_by_text("Times are the agency's: (UTC+05:30) Kolkata, India")).to_be_visible()

    _choose(page, "filter-action", "Changed a person's role")
    expect(rows.filter(has_text="Signed in")).to_have_count(0, timeout=TIMEOUT)
    expect(rows.filter(has_text="Changed a person's role").first).to_be_visible()
    count = rows.count()
    assert count >= 2
    assert rows.filter(has_text="Changed a person's role").count() == count
    _choose(page, "filter-target", AGENT_NAME)
    expect(rows.first).to_contain_text(AGENT_NAME, timeout=TIMEOUT)

    rows.first.get_by_test_id("event-toggle").click()
    details = page.get_by_test_id("event-details").first
    expect(details).to_contain_text("Role")
    expect(details).to_contain_text("operator")
    expect(page.get_by_text("user.role_changed")).to_have_count(0)
    page.mouse.move(0, 0)
    shot(page, "audit")

    page.get_by_test_id("filter-since").fill("2999-01-01")
    expect(page.get_by_test_id("audit-empty")).to_be_visible(timeout=TIMEOUT)
    expect(rows).to_have_count(0)
    page.get_by_test_id("clear-filters").click()
    expect(rows.filter(has_text="Signed in").first).to_be_visible(timeout=TIMEOUT)


def test_audit_log_turns_pages_with_the_cursor(page, harness) -> None:
    _record_bulk_events(30)
    page.goto(_url(harness, "/audit"))
    rows = page.get_by_test_id("event-row")
    expect(rows).to_have_count(25, timeout=TIMEOUT)
    expect(page.get_by_test_id("page-number")).to_have_text("Page 1")
    first = _bulk_targets(rows)
    page.get_by_test_id("next-page").click()
    expect(page.get_by_test_id("page-number")).to_have_text("Page 2", timeout=TIMEOUT)
    second = _bulk_targets(rows)
    assert len(first) + len(second) == 30  # the second page follows on, none twice
    assert not first & second
    page.get_by_test_id("previous-page").click()
    expect(page.get_by_test_id("page-number")).to_have_text("Page 1", timeout=TIMEOUT)
    expect(rows).to_have_count(25, timeout=TIMEOUT)
    assert _bulk_targets(rows) == first


def _bulk_targets(rows) -> set[str]:
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    return {m.group(0) for text in texts if (m := re.search(r"Demo bulk \d+", text))}


def _record_bulk_events(n: int) -> None:
    from sqlmodel import select

    from travelcrm.audit import services as audit
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
    ctx = TenantContext(tenant_id=tenant.id, user_id=None, role=Role.OWNER)
    with tenant_scope(ctx) as session:
        for i in range(n):
            audit.record(session, ctx, action=f"demo.bulk_{i}", target_type="demo", target_id="x")


# ---- My sessions ----------------------------------------------------------------------------


def test_sessions_ends_other_devices_remotely(manager_contexts, harness, shot) -> None:
    first = manager_contexts().new_page()
    second = manager_contexts().new_page()
    third = manager_contexts().new_page()
    second.goto(_url(harness, "/"))
    expect(second.get_by_test_id("agency-facts")).to_be_visible(timeout=TIMEOUT)
    third.goto(_url(harness, "/sessions"))
    expect(third.get_by_test_id("session-row").first).to_be_visible(timeout=TIMEOUT)

    first.goto(_url(harness, "/sessions"))
    rows = first.get_by_test_id("session-row")
    expect(rows).to_have_count(3, timeout=TIMEOUT)
    expect(first.get_by_test_id("this-device")).to_have_count(1)
    expect(rows.first).to_contain_text("This device")
    expect(rows.first).to_contain_text("Chrome on Linux")
    expect(rows.first).to_contain_text("127.0.0.1")

    # End one other session: which one is the second tab's does not matter for the rule, so
    # end the oldest other one and check that exactly one of the two others is signed out.
    rows.nth(2).get_by_test_id("end-session").click()
    _toast(first, "Signed out")
    expect(rows).to_have_count(2, timeout=TIMEOUT)
    first.mouse.move(0, 0)
    shot(first, "sessions")

    first.get_by_test_id("end-other-sessions").click()
    _toast(first, "Signed out 1 other session.")
    expect(rows).to_have_count(1, timeout=TIMEOUT)
    expect(first.get_by_test_id("end-other-sessions")).to_be_disabled()

    # The other tabs: the next navigation (second) or event (third) sends them to the login.
    second.get_by_test_id("nav-sessions").click()
    expect(second).to_have_url(re.compile(r"/login\?next=/sessions$"), timeout=TIMEOUT)
    third.get_by_test_id("nav-home").click()
    expect(third).to_have_url(re.compile(r"/login"), timeout=TIMEOUT)
    # ... while this one stays signed in.
    first.reload()
    expect(first.get_by_test_id("this-device")).to_be_visible(timeout=TIMEOUT)


def test_settings_are_read_only_for_a_manager(manager_contexts, harness) -> None:
    page = manager_contexts().new_page()
    page.goto(_url(harness, "/settings"))
    expect(page.get_by_test_id("read-only")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#name")).to_have_value(re.compile("Sunrise"))
    expect(page.locator("#name")).not_to_be_editable()
    expect(page.get_by_test_id("save")).to_have_count(0)


# ---- What an agent sees ---------------------------------------------------------------------


def test_an_agent_sees_no_admin_pages(agent_page, harness, shot) -> None:
    page = agent_page
    page.goto(_url(harness, "/"))
    expect(page.get_by_test_id("nav-home")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("user-menu")).to_contain_text(AGENT_NAME, timeout=TIMEOUT)
    expect(page.get_by_test_id("nav-sessions")).to_be_visible()
    for hidden in ("users", "settings", "audit", "system"):
        expect(page.get_by_test_id(f"nav-{hidden}")).to_have_count(0)
    for path in ("/users", "/settings", "/audit"):
        page.goto(_url(harness, path))
        panel = page.get_by_test_id("no-access")
        expect(panel).to_contain_text("Your role (agent) cannot see this page", timeout=TIMEOUT)
        expect(page.get_by_test_id("member-row")).to_have_count(0)
    shot(page, "no-access")

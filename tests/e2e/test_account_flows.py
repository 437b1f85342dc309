"""The account flows in a real browser: sign up -> verification mail in the SMTP sink ->
verify -> sign in -> invite an agent -> the agent sets a password on the invitation page ->
signs in on the agency's own address and sees only that agency; lockout after five wrong
passwords; forgot password -> reset; an unknown agency's address."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.e2e.conftest import backend_url, forward_api

PASSWORD = "Monsoon-Goa-2026!"
AGENT_PASSWORD = "Houseboat-Alleppey-9"


def _sign_in(page, email: str, password: str) -> None:
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_test_id("sign-in").click()


def test_sign_up_names_every_problem_in_one_submit(anonymous_page, harness, shot) -> None:
    page = anonymous_page
    forward_api(page, harness)
    page.goto(harness.frontend_url.rstrip("/") + "/signup")
    page.fill("#owner_name", "Meera Nair")
    page.fill("#owner_email", "meera-at-example")
    page.fill("#password", "short")
    page.fill("#confirm", "shorter")
    page.get_by_test_id("create-agency").click()
    # one submit: the agency's name, the email, the password's length and the repeat, together
    expect(page.get_by_test_id("error-agency_name")).to_be_visible()
    expect(page.get_by_test_id("error-owner_email")).to_be_visible()
    expect(page.get_by_test_id("error-password")).to_contain_text("at least 12")
    expect(page.get_by_test_id("error-confirm")).to_contain_text("differ")
    shot(page, "signup-all-errors")


def test_sign_up_verify_invite_and_the_agent_sees_only_their_agency(
    browser, harness, mail_sink, shot
) -> None:
    suffix = secrets.token_hex(3)
    owner_email, agent_email = f"meera.{suffix}@example.com", f"arjun.{suffix}@example.com"
    front = harness.frontend_url.rstrip("/")
    owner = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = owner.new_page()
    forward_api(page, harness)
    page.goto(f"{front}/signup")
    page.fill("#agency_name", f"Coral Coast Trips {suffix}")
    page.locator("#agency_name").blur()
    expect(page.locator("#slug")).to_have_value(f"coral-coast-trips-{suffix}")
    page.fill("#owner_name", "Meera Nair")
    page.fill("#owner_email", owner_email)
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.get_by_test_id("create-agency").click()
    expect(page.get_by_test_id("error-password")).to_contain_text("at least 12")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    shot(page, "signup")
    page.get_by_test_id("create-agency").click()
    expect(page.get_by_test_id("signup-sent")).to_contain_text(owner_email)
    shot(page, "signup-sent")

    # the verification mail arrived over SMTP; its link confirms the address once
    page.goto(f"{front}/verify?token={mail_sink.link(owner_email, '/verify')}")
    expect(page.get_by_test_id("verify-done")).to_be_visible()
    page.goto(f"{front}/login")
    _sign_in(page, owner_email, PASSWORD)
    expect(page.get_by_text(f"Coral Coast Trips {suffix}").first).to_be_visible()

    page.goto(f"{front}/users")
    page.get_by_test_id("invite-open").click()
    page.fill("#invite-name", "Arjun Rao")
    page.fill("#invite-email", agent_email)
    shot(page, "users-invite")
    page.get_by_test_id("save-invite").click()
    expect(page.get_by_text(f"Invitation sent to {agent_email}")).to_be_visible()
    expect(page.locator(f'[data-email="{agent_email}"]')).to_contain_text("Invited")

    agent = browser.new_context(viewport={"width": 1280, "height": 900})
    agent_page = agent.new_page()
    forward_api(agent_page, harness)
    agent_page.goto(f"{front}/invite?token={mail_sink.link(agent_email, '/invite')}")
    expect(agent_page.get_by_text("as agent")).to_be_visible()
    agent_page.fill("#password", AGENT_PASSWORD)
    agent_page.fill("#confirm", AGENT_PASSWORD)
    shot(agent_page, "invite-accept")
    agent_page.get_by_test_id("accept-invite").click()
    expect(agent_page).to_have_url(
        re.compile(rf"/t/coral-coast-trips-{suffix}/login\?notice=joined")
    )
    expect(agent_page.get_by_test_id("agency-brand")).to_contain_text("Coral Coast Trips")
    shot(agent_page, "agency-login")
    _sign_in(agent_page, agent_email, AGENT_PASSWORD)
    expect(agent_page.get_by_text(f"Coral Coast Trips {suffix}").first).to_be_visible()
    assert "Sunrise Holidays" not in agent_page.content()
    me = agent.request.get(f"{backend_url(harness)}/api/auth/me").json()["data"]
    assert me["role"] == "agent"
    agent_page.goto(f"{front}/users")
    expect(agent_page.get_by_text("cannot see this page")).to_be_visible()
    owner.close()
    agent.close()


def _new_verified_owner(harness) -> str:
    import httpx

    from travelcrm.accounts.models import User
    from travelcrm.core.clock import utcnow
    from travelcrm.db import system_scope

    suffix = secrets.token_hex(3)
    email = f"lock.{suffix}@example.com"
    response = httpx.post(
        f"{backend_url(harness)}/api/auth/register",
        json={
            "agency": {
                "slug": f"lock-{suffix}",
                "name": f"Lock Test {suffix}",
                "country": "IN",
                "default_currency": "INR",
                "timezone": "Asia/Kolkata",
            },
            "owner_name": "Lock Tester",
            "owner_email": email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 201, response.text
    with system_scope() as session:
        user = session.get(User, __import__("uuid").UUID(response.json()["data"]["user_id"]))
        assert user is not None
        user.email_verified_at = utcnow()
        session.add(user)
    return email


def test_five_wrong_passwords_lock_the_account_on_this_browser(anonymous_page, harness, shot):
    email = _new_verified_owner(harness)
    front = harness.frontend_url.rstrip("/")
    forward_api(anonymous_page, harness)
    anonymous_page.goto(f"{front}/login")
    for _ in range(5):
        _sign_in(anonymous_page, email, "Wrong-password-123")
        expect(anonymous_page.get_by_test_id("login-error")).to_contain_text("not right")
    _sign_in(anonymous_page, email, PASSWORD)  # even the right one waits now
    expect(anonymous_page.get_by_test_id("login-error")).to_contain_text("Try again in 15 minutes")
    shot(anonymous_page, "login-locked")


def test_forgot_password_and_reset(anonymous_page, harness, mail_sink, shot) -> None:
    email = _new_verified_owner(harness)
    front = harness.frontend_url.rstrip("/")
    page = anonymous_page
    forward_api(page, harness)
    page.goto(f"{front}/login")
    page.get_by_test_id("forgot-link").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.fill("#email", email)
    page.get_by_test_id("send-reset").click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    page.goto(f"{front}/reset-password?token={mail_sink.link(email, '/reset-password')}")
    page.fill("#password", "1qaz2wsx3edc")
    page.fill("#confirm", "1qaz2wsx3edc")
    page.get_by_test_id("set-password").click()
    expect(page.get_by_test_id("reset-error")).to_be_visible()
    shot(page, "reset-refused")
    page.fill("#password", "Spice-Route-Kochi-42")
    page.fill("#confirm", "Spice-Route-Kochi-42")
    page.get_by_test_id("set-password").click()
    expect(page.get_by_test_id("login-info")).to_contain_text("Password changed")
    _sign_in(page, email, "Spice-Route-Kochi-42")
    expect(page.get_by_text("Lock Test").first).to_be_visible()


def test_unknown_agency_address_says_so(anonymous_page, harness, shot) -> None:
    front = harness.frontend_url.rstrip("/")
    anonymous_page.goto(f"{front}/t/no-such-agency/login")
    expect(anonymous_page.get_by_test_id("agency-problem")).to_contain_text("no agency")
    shot(anonymous_page, "agency-unknown")


def test_someone_in_two_agencies_chooses_then_switches(anonymous_page, harness, shot) -> None:
    from tests.accounts.test_accounts import _verified
    from travelcrm.accounts import services as accounts
    from travelcrm.core.permissions import Role
    from travelcrm.db import system_scope

    first, second = _verified(), _verified()
    with system_scope() as session:  # the first owner also works in the second agency
        accounts.add_member(
            session,
            tenant_id=second.tenant.id,
            email=first.user.email,
            name=first.user.name,
            password=PASSWORD,
            role=Role.MANAGER,
            verified=True,
        )
    front = harness.frontend_url.rstrip("/")
    page = anonymous_page
    forward_api(page, harness)
    page.goto(f"{front}/login")
    _sign_in(page, first.user.email, PASSWORD)
    expect(page.get_by_test_id("agency-choice")).to_have_count(2)
    shot(page, "choose-agency")
    page.get_by_test_id("agency-choice").filter(has_text=second.tenant.name).click()
    expect(page.get_by_test_id("brand-name")).to_have_text(second.tenant.name)
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-switch-agency").click()
    page.get_by_test_id("agency-choice").filter(has_text=first.tenant.name).click()
    expect(page.get_by_test_id("brand-name")).to_have_text(first.tenant.name)

"""Your profile and the dev outbox in a real browser. Screenshots: profile, outbox-notice, outbox.

The demo owner's name, phone, timezone, picture and password are put back afterwards: the other
browser tests sign in with them.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.conftest import PRODUCTION_SHAPE, backend_url
from travelcrm.accounts.models import User, UserAvatar
from travelcrm.core.throttle import Throttle
from travelcrm.db import system_scope
from travelcrm.demo import DEMO_LOGINS
from travelcrm.ui import routes
from travelcrm.ui.pages.outbox import state as outbox_state

TIMEOUT = 20_000
_SLUG, OWNER_EMAIL, OWNER_NAME, OWNER_PASSWORD = DEMO_LOGINS[0]
NEW_NAME = "Priya S. Sharma"


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def _toast(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(
        timeout=TIMEOUT
    )


def _file_input(page: Page) -> Any:
    return page.get_by_test_id("avatar-upload").locator("input[type=file]")


def _image(path: Path, fmt: str, size: tuple[int, int] = (320, 240)) -> Path:
    picture = Image.new("RGB", size, (18, 165, 148))
    for x in range(size[0] // 4, size[0] * 3 // 4):
        for y in range(size[1] // 4, size[1] * 3 // 4):
            picture.putpixel((x, y), (250, 200, 60))
    picture.save(path, format=fmt)
    return path


@pytest.fixture
def owner_restored() -> Iterator[None]:
    """Whatever the test does to the demo owner is undone (name, phone, timezone, picture,
    password, and the wrong-password counter)."""
    with system_scope() as session:
        user = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
        saved = (user.name, user.phone, user.timezone, user.password_hash)
        avatar = session.get(UserAvatar, user.id)
        saved_avatar = (
            (avatar.content, avatar.content_type, avatar.sha256) if avatar is not None else None
        )
    try:
        yield
    finally:
        with system_scope() as session:
            user = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
            user.name, user.phone, user.timezone, user.password_hash = saved
            session.add(user)
            avatar = session.get(UserAvatar, user.id)
            if saved_avatar is None:
                if avatar is not None:
                    session.delete(avatar)
            else:
                avatar = avatar or UserAvatar(
                    user_id=user.id, content=b"", content_type="", sha256=""
                )
                avatar.content, avatar.content_type, avatar.sha256 = saved_avatar
                session.add(avatar)
            for ip in ("127.0.0.1", "::1", None):  # the one wrong current password
                Throttle(session, "password", OWNER_EMAIL, ip).clear()


def test_profile_details_picture_and_password(
    page: Page, harness, shot, tmp_path: Path, owner_restored: None
) -> None:
    # Reached from the user menu.
    page.goto(_url(harness, routes.HOME))
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("menu-profile").click()
    expect(page).to_have_url(re.compile(r"/profile/?$"), timeout=TIMEOUT)
    expect(page.get_by_test_id("profile")).to_contain_text("Your details", timeout=TIMEOUT)
    expect(page.locator("#name")).to_have_value(OWNER_NAME, timeout=TIMEOUT)
    expect(page.get_by_test_id("field-timezone")).to_contain_text("the agency is on Asia/Kolkata")

    # ---- details: a refusal under its field, then a change the shell shows after a reload
    page.locator("#phone").fill("call me maybe")
    page.get_by_test_id("save-details").click()
    expect(page.get_by_test_id("error-phone")).to_contain_text(
        "Must be a phone number", timeout=TIMEOUT
    )
    page.locator("#phone").fill("+91 98765 43210")
    page.locator("#name").fill(NEW_NAME)
    page.get_by_test_id("save-details").click()
    _toast(page, "Your details are saved.")
    expect(page.get_by_test_id("error-phone")).to_have_count(0)
    expect(page.get_by_test_id("user-menu")).to_contain_text(NEW_NAME, timeout=TIMEOUT)
    page.reload()
    expect(page.get_by_test_id("user-menu")).to_contain_text(NEW_NAME, timeout=TIMEOUT)
    expect(page.locator("#name")).to_have_value(NEW_NAME, timeout=TIMEOUT)
    expect(page.locator("#phone")).to_have_value("+91 98765 43210")
    with system_scope() as session:
        user = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
        assert (user.name, user.phone) == (NEW_NAME, "+91 98765 43210")

    # ---- picture: the initials until there is one
    avatar = page.get_by_test_id("profile-avatar")
    expect(avatar).to_contain_text("PS")
    # A GIF is refused by the file picker, by type, before anything is sent...
    _file_input(page).set_input_files(str(_image(tmp_path / "cat.gif", "GIF")))
    expect(page.get_by_test_id("avatar-error")).to_have_text(
        "Only PNG, JPEG or WebP images can be used.", timeout=TIMEOUT
    )
    # ...and by the server, by content, when it is named .png.
    gif = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(gif, format="GIF")
    _file_input(page).set_input_files(
        files=[{"name": "cat.png", "mimeType": "image/png", "buffer": gif.getvalue()}]
    )
    expect(page.get_by_test_id("avatar-error")).to_contain_text(
        "Only PNG, JPEG or WebP images can be used (this file is GIF)", timeout=TIMEOUT
    )
    # A PNG is kept, and the <img> loads it from the API with the session cookie.
    _file_input(page).set_input_files(str(_image(tmp_path / "me.png", "PNG")))
    _toast(page, "Picture saved.")
    expect(page.get_by_test_id("avatar-error")).to_have_count(0)
    picture = avatar.locator("img")
    expect(picture).to_be_visible(timeout=TIMEOUT)
    expect(picture).to_have_attribute("src", re.compile(r"/api/auth/avatars/[0-9a-f-]+\?v=\w+"))
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 200

    # ---- password: the page's own check, then the server's messages
    page.locator("#current_password").fill("not-my-password-1")
    page.locator("#new_password").fill("Fresh-Start-Kerala-2026")
    page.locator("#confirm_password").fill("Fresh-Start-Kerala-2062")
    page.get_by_test_id("change-password").click()
    expect(page.get_by_test_id("error-confirm_password")).to_have_text(
        "The two new passwords do not match.", timeout=TIMEOUT
    )
    page.locator("#confirm_password").fill("Fresh-Start-Kerala-2026")
    page.get_by_test_id("change-password").click()
    expect(page.get_by_test_id("error-current_password")).to_have_text(
        "Is not right.", timeout=TIMEOUT
    )
    expect(page.get_by_test_id("error-confirm_password")).to_have_count(0)
    page.locator("#current_password").fill(OWNER_PASSWORD)
    page.locator("#new_password").fill("password")
    page.locator("#confirm_password").fill("password")
    page.get_by_test_id("change-password").click()
    expect(page.get_by_test_id("error-new_password")).to_contain_text(
        "Must be at least 12 characters", timeout=TIMEOUT
    )
    expect(page.get_by_test_id("error-new_password")).to_contain_text("most common passwords")
    expect(page.get_by_test_id("error-current_password")).to_have_count(0)
    page.locator("#current_password").fill("")
    page.locator("#new_password").fill("")
    page.locator("#confirm_password").fill("")
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=TIMEOUT)
    shot(page, "profile")

    # ---- the picture goes again
    page.get_by_test_id("remove-avatar").click()
    _toast(page, "Picture removed.")
    expect(avatar.locator("img")).to_have_count(0)
    expect(avatar).to_contain_text("PS")


def test_a_new_password_keeps_this_browser_and_signs_out_the_others(browser, harness) -> None:
    """On a throwaway member: the demo owner's password stays as it is."""
    from travelcrm.accounts.services import add_member
    from travelcrm.core.permissions import Role
    from travelcrm.tenants.models import Tenant

    email = f"profile.{secrets.token_hex(4)}@sunrise-holidays.example"
    password, new_password = f"Old-Pass-{secrets.token_hex(6)}", f"New-Pass-{secrets.token_hex(6)}"
    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == _SLUG)).one()
        add_member(
            session,
            tenant_id=tenant.id,
            email=email,
            name="Profile Tester",
            password=password,
            role=Role.AGENT,
            verified=True,
        )

    def signed_in(secret: str) -> Any:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        response = context.request.post(
            f"{backend_url(harness)}/api/auth/login", data={"email": email, "password": secret}
        )
        assert response.status == 200, response.text()
        return context

    here, elsewhere = signed_in(password), signed_in(password)
    try:
        page = here.new_page()
        page.goto(_url(harness, routes.PROFILE))
        expect(page.locator("#name")).to_have_value("Profile Tester", timeout=TIMEOUT)
        expect(page.get_by_text("signs you out everywhere else")).to_be_visible()
        page.locator("#current_password").fill(password)
        page.locator("#new_password").fill(new_password)
        page.locator("#confirm_password").fill(new_password)
        page.get_by_test_id("change-password").click()
        _toast(page, "Password changed. Your other sessions have been signed out.")
        expect(page.locator("#new_password")).to_have_value("")

        page.reload()  # this browser is still signed in
        expect(page.locator("#name")).to_have_value("Profile Tester", timeout=TIMEOUT)
        other = elsewhere.new_page()
        other.goto(_url(harness, routes.PROFILE))
        expect(other).to_have_url(re.compile(r"/login"), timeout=TIMEOUT)
        signed_in(new_password).close()
    finally:
        here.close()
        elsewhere.close()


def test_the_outbox_page_outside_development(anonymous_page: Page, harness, shot) -> None:
    page = anonymous_page
    page.goto(_url(harness, routes.DEV_OUTBOX))
    expect(page.get_by_test_id("outbox-not-here")).to_contain_text(
        "The outbox page exists only in development", timeout=TIMEOUT
    )
    expect(page.get_by_test_id("outbox-row")).to_have_count(0)
    expect(page.get_by_test_id("outbox-dev-notice")).to_have_count(0)
    shot(page, "outbox-notice")


@pytest.mark.skipif(
    PRODUCTION_SHAPE, reason="a development page; its switch is turned on in the app's process"
)
def test_the_outbox_page_in_development(
    anonymous_page: Page, harness, shot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """APP_ENV stays `test` for the shared harness: only this page's switch is turned on."""
    from travelcrm.core.clock import utcnow
    from travelcrm.mail.models import MailStatus, OutboxMessage
    from travelcrm.mail.services import queue_email

    monkeypatch.setattr(outbox_state, "outbox_enabled", lambda: True)
    tag = secrets.token_hex(3)
    link = f"http://localhost:3000/verify?token=tok-{tag}"
    # As the job keeps it in development (no SMTP server); this run's worker mails a sink.
    with system_scope() as session:
        session.add(
            OutboxMessage(
                kind="verify_email",
                to_email=f"asha.{tag}@example.com",
                to_name="Asha Verma",
                subject=f"Confirm your email for Kerala Trails {tag}",
                text_body=f"Hello Asha,\n\nConfirm your email address:\n{link}\n\n— TravelCRM\n",
                html_body="<p>Hello Asha</p>",
                status=MailStatus.CAPTURED.value,
                attempts=1,
                sent_at=utcnow(),
            )
        )

    page = anonymous_page
    page.goto(_url(harness, routes.DEV_OUTBOX))
    expect(page.get_by_test_id("outbox-dev-notice")).to_contain_text(
        "Development only: mail is not sent, it is kept here", timeout=TIMEOUT
    )
    # The newest message is open, its link clickable.
    expect(page.get_by_test_id("outbox-subject")).to_have_text(
        f"Confirm your email for Kerala Trails {tag}", timeout=TIMEOUT
    )
    expect(page.get_by_test_id("outbox-body").get_by_role("link", name=link)).to_have_attribute(
        "href", link
    )
    first = page.get_by_test_id("outbox-row").first
    expect(first).to_contain_text(f"asha.{tag}@example.com")
    expect(first).to_contain_text("kept here")
    shot(page, "outbox")

    # New mail appears by itself (the page refreshes every few seconds).
    with system_scope() as session:
        queue_email(
            session,
            kind="password_reset",
            to_email=f"ravi.{tag}@example.com",
            subject=f"Reset your password {tag}",
            text_body="Reset: http://localhost:3000/reset-password?token=x\n",
        )
    newest = page.get_by_test_id("outbox-row").first
    expect(newest).to_contain_text(f"Reset your password {tag}", timeout=TIMEOUT)
    # ...and so does its delivery (to this run's SMTP sink).
    expect(newest).to_contain_text("sent", timeout=TIMEOUT)
    # The open message stays open; another opens on a click.
    expect(page.get_by_test_id("outbox-subject")).to_contain_text("Kerala Trails")
    page.get_by_test_id("outbox-row").first.click()
    expect(page.get_by_test_id("outbox-subject")).to_have_text(
        f"Reset your password {tag}", timeout=TIMEOUT
    )

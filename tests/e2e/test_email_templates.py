"""Browser: the email templates page. The first kind opens with its variables and a preview;
a misspelt variable is named at its field (with the closest known one) as soon as the field
is left; a good subject previews and saves; the email log opens from the page. Screenshots at
1440x900 and on a phone (390x844). The demo agency's template is put back afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.test_queries import TIMEOUT, _settle, _toast, _url
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.demo import DEMO_LOGINS
from travelcrm.mail import templates, templating
from travelcrm.mail.models import TemplateKind
from travelcrm.mail.schemas import TemplateUpdate
from travelcrm.tenants.models import Tenant

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_template_restored() -> Iterator[None]:
    yield
    with system_scope() as session:
        tenant_id = session.exec(select(Tenant.id).where(Tenant.slug == DEMO_LOGINS[0][0])).one()
    ctx = TenantContext(tenant_id, None, Role.OWNER)
    default = templating.DEFAULTS[TemplateKind.QUOTE_SENT]
    with tenant_scope(ctx) as session:
        row = templates.template_for(session, ctx, kind=TemplateKind.QUOTE_SENT)
        templates.update_template(
            session,
            ctx,
            template_id=row.id,
            row_version=row.row_version,
            data=TemplateUpdate(subject=default.subject, pdf_mode="attach"),
        )


def test_a_misspelt_variable_is_named_at_its_field_and_a_good_one_saves(
    page: Page, harness: Any, shot: Any, demo_template_restored: None
) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(_url(harness, "/emails/templates"))
    expect(page.get_by_test_id("page-title")).to_have_text("Email templates", timeout=TIMEOUT)
    expect(page.get_by_test_id("template-choice")).to_have_count(4, timeout=TIMEOUT)
    expect(page.get_by_test_id("preview-subject")).to_have_text(
        "Your quote SUN-Q-2026-0042: Kerala backwaters, 6 nights", timeout=TIMEOUT
    )
    frame = page.frame_locator("[data-testid=preview-html]")
    expect(frame.get_by_text("Dear Priya Sharma,")).to_be_visible(timeout=TIMEOUT)

    subject = page.locator("#template-subject")
    subject.fill("Quote {{ quote_numbr }} for you")
    subject.press("Tab")
    error = page.get_by_test_id("error-template-subject")
    expect(error).to_contain_text("Did you mean “quote_number”?", timeout=TIMEOUT)
    _settle(page)
    shot(page, "email-templates-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "email-templates-phone")
    page.set_viewport_size(DESKTOP)

    subject.fill("Your trip {{ trip_title }}")
    subject.press("Tab")
    expect(error).to_have_count(0, timeout=TIMEOUT)
    expect(page.get_by_test_id("preview-subject")).to_have_text(
        "Your trip Kerala backwaters, 6 nights", timeout=TIMEOUT
    )
    page.get_by_test_id("save-template").click()
    _toast(page, "Template saved.")

    page.get_by_role("link", name="Email log").first.click()
    expect(page.get_by_test_id("page-title")).to_have_text("Email log", timeout=TIMEOUT)
    _settle(page)
    shot(page, "email-log-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "email-log-phone")

"""The email pages' handlers called straight, as a websocket event would call them: the
templates page opens the first kind with its variables and a preview, names a misspelt
variable at its field when the field is left and refuses to save it, saves a good change and
switches the PDF to a link; an agent reads but cannot save; the log shows an email in the
agency's timezone with the server's answer and its log, and a blocked address is cleared;
the signed-out go to sign-in; another agency's ids show nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from reflex.istate.data import RouterData

from tests.accounts.test_accounts import _verified
from tests.api.test_users_api import _staff
from tests.ui.harness import said, signed_in_token, specs
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.mail import sending, templates, templating
from travelcrm.mail.models import EmailState, TemplateKind
from travelcrm.mail.services import send_templated
from travelcrm.ui.events import plain
from travelcrm.ui.pages.mail.log_state import EmailLogState
from travelcrm.ui.pages.mail.templates_state import EmailTemplatesState

pytestmark = pytest.mark.usefixtures("migrated_engine")


def _state(cls: type, token: str, path: str) -> Any:
    state = cls(_reflex_internal_init=True)
    state.router = RouterData.from_router_data(
        {
            "headers": {
                "cookie": f"{SESSION_COOKIE}={token}" if token else "",
                "origin": "http://x",
            },
            "pathname": path,
            "asPath": path,
            "query": {},
        }
    )
    return state


def _redirect(result: Any) -> str:
    for spec in specs(result):
        if spec.handler.fn.__qualname__ == "_redirect":
            return str(spec.args[0][1]._var_value)
    return ""


def _agency() -> tuple[TenantContext, str]:
    result = _verified()
    return TenantContext(result.tenant.id, result.user.id, Role.OWNER), result.user.email


def test_signed_out_visitors_go_to_sign_in() -> None:
    for cls, path in [(EmailTemplatesState, "/emails/templates"), (EmailLogState, "/emails")]:
        page = _state(cls, "", path)
        assert _redirect(plain(cls.load)(page)).startswith("/login")


def test_the_templates_page_checks_previews_and_saves() -> None:
    ctx, email = _agency()
    page = _state(EmailTemplatesState, signed_in_token(email), "/emails/templates")
    plain(EmailTemplatesState.load)(page)
    assert page.loaded and page.allowed and page.can_edit
    assert [c.name for c in page.choices] == [
        "Quote sent",
        "Reminder before the quote expires",
        "Quote accepted",
        "Payment due",
    ]
    assert page.name == "Quote sent" and page.errors == {}
    assert "{{ customer_name }}" in [v.token for v in page.variables]
    assert page.preview_subject == "Your quote SUN-Q-2026-0042: Kerala backwaters, 6 nights"
    assert "Priya Sharma" in page.preview_html and "Priya Sharma" in page.preview_text
    assert page.pdf_words == "Attach the quote PDF"

    plain(EmailTemplatesState.edit)(page, "subject", "Quote {{ quote_numbr }} for {{ custmer }}")
    assert set(page.errors) == {"subject"}
    assert "Did you mean “quote_number”?" in page.errors["subject"]
    assert "“custmer” is not a variable" in page.errors["subject"]
    assert page.preview_subject.startswith("Your quote")  # the last good preview stays
    refused = plain(EmailTemplatesState.save)(page, {"subject": page.subject})
    assert "problems" in said(refused)

    plain(EmailTemplatesState.edit)(page, "subject", "Your trip {{ trip_title }}")
    assert page.errors == {}
    assert page.preview_subject == "Your trip Kerala backwaters, 6 nights"
    plain(EmailTemplatesState.set_pdf)(page, "link")
    assert "saved" in said(plain(EmailTemplatesState.save)(page, {"subject": page.subject}))
    with tenant_scope(ctx) as session:
        row = templates.template_for(session, ctx, kind=TemplateKind.QUOTE_SENT)
        assert (row.subject, row.pdf_mode, row.row_version) == (
            "Your trip {{ trip_title }}",
            "link",
            2,
        )
    copied = plain(EmailTemplatesState.copy_variable)(page, "{{ total }}")
    assert "Copied {{ total }}" in said(copied)

    reminder = page.choices[1].template_id
    plain(EmailTemplatesState.choose)(page, reminder)
    assert page.selected_id == reminder and page.name == "Reminder before the quote expires"
    assert "days_left" in [v.name for v in page.variables]


def test_an_agent_reads_templates_but_cannot_save_and_other_agencies_show_nothing() -> None:
    ctx, _email = _agency()
    agent = _staff(ctx.tenant_id, Role.AGENT)
    page = _state(EmailTemplatesState, signed_in_token(agent), "/emails/templates")
    plain(EmailTemplatesState.load)(page)
    assert page.allowed and not page.can_edit and page.choices
    assert "role" in said(plain(EmailTemplatesState.save)(page, {"subject": "Hi"}))
    _other, other_email = _agency()
    theirs = _state(EmailTemplatesState, signed_in_token(other_email), "/emails/templates")
    plain(EmailTemplatesState.load)(theirs)
    plain(EmailTemplatesState.choose)(theirs, page.selected_id)
    assert theirs.selected_id != page.selected_id


def test_the_log_shows_emails_answers_and_clears_a_blocked_address() -> None:
    ctx, email = _agency()
    with tenant_scope(ctx) as session:
        message_id = send_templated(
            session,
            ctx,
            kind=TemplateKind.QUOTE_SENT,
            to_email="priya@example.com",
            to_name="Priya Sharma",
            variables=templating.sample_values(TemplateKind.QUOTE_SENT),
            send_key="ui-1",
        )
        sending.suppress(
            session,
            tenant_id=ctx.tenant_id,
            email="gone@example.com",
            reason="550 5.1.1 No such user",
            message_ref=None,
        )
    page = _state(EmailLogState, signed_in_token(email), "/emails")
    plain(EmailLogState.load)(page)
    assert page.allowed and page.can_clear
    (line,) = page.messages
    assert (
        line.message_id == str(message_id) and line.recipient == "Priya Sharma <priya@example.com>"
    )
    assert line.state in {"Waiting to send", "Sent"}  # the queue may have sent it already
    assert page.selected_id == str(message_id)
    assert page.events and page.events[-1].what == "Queued"
    (blocked,) = page.blocked
    assert blocked.email == "gone@example.com" and blocked.reason == "550 5.1.1 No such user"
    assert "can receive your emails again" in said(
        plain(EmailLogState.clear)(page, blocked.suppression_id)
    )
    assert page.blocked == []
    _other, other_email = _agency()
    theirs = _state(EmailLogState, signed_in_token(other_email), "/emails")
    plain(EmailLogState.load)(theirs)
    plain(EmailLogState.choose)(theirs, str(message_id))
    assert theirs.messages == [] and theirs.events == [] and theirs.selected_id == ""
    assert str(uuid.UUID(line.message_id)) not in repr(theirs.dict())
    assert EmailState.SENT.value == "sent"

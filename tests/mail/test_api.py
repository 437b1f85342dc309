"""The email API and its attacks: templates listed, changed at the version read (If-Match,
row_version), refused with each unknown variable named at its field, previewed; the queue,
the emails and the delivery log; suppressions cleared; another agency's ids are 404; the open
pixel counts people and flags privacy prefetches; the click redirect only leads to the
message's own links."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.api.agency import ApiAgency
from tests.conftest import settle_jobs, wait_for
from tests.mail.smtp import ScriptedSmtp
from tests.mail.test_sending import VALUES
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.db import tenant_scope
from travelcrm.mail import tracking
from travelcrm.mail.models import EmailState, TemplateKind
from travelcrm.mail.services import send_templated

pytestmark = pytest.mark.usefixtures("migrated_engine")


@pytest.fixture
def alpha() -> ApiAgency:
    return ApiAgency()


@pytest.fixture
def server(settings_env, alpha):  # the agency first: its sign-up mail is not ours to count
    smtp = ScriptedSmtp()
    settings_env(smtp_url=smtp.start())
    yield smtp
    settle_jobs()
    smtp.stop()


def _public() -> TestClient:
    return TestClient(create_api(), raise_server_exceptions=False)


def _sent(agency: ApiAgency, key: str = "api-1", to: str = "priya@example.com") -> str:
    ctx = agency.ctx()
    with tenant_scope(ctx) as session:
        message_id = send_templated(
            session,
            ctx,
            kind=TemplateKind.QUOTE_SENT,
            to_email=to,
            to_name="Priya Sharma",
            variables=VALUES,
            send_key=key,
        )
    wait_for(
        lambda: (
            agency.owner.get(f"/api/emails/{message_id}").json()["data"]["state"]
            in {EmailState.SENT, EmailState.FAILED}
        ),
        what="the email",
    )
    return str(message_id)


def test_templates_listed_changed_at_the_version_read_and_previewed(alpha: ApiAgency) -> None:
    client = alpha.owner
    listed = client.get("/api/email-templates")
    assert listed.status_code == 200, listed.text
    kinds = [t["kind"] for t in listed.json()["data"]]
    assert kinds == ["quote_sent", "quote_reminder", "quote_accepted", "payment_due"]
    first = listed.json()["data"][0]
    assert "proposal_url" in [v["name"] for v in first["variables"]]
    read = client.get(f"/api/email-templates/{first['id']}")
    etag = read.headers["ETag"]
    refused = client.patch(
        f"/api/email-templates/{first['id']}",
        json={"row_version": first["row_version"], "subject": "Quote {{ quote_numer }}"},
        headers={"If-Match": etag},
    )
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["field"] == "subject" and error["code"] == "unknown_variable"
    assert "Did you mean “quote_number”?" in error["message"]
    changed = client.patch(
        f"/api/email-templates/{first['id']}",
        json={"row_version": first["row_version"], "subject": "Quote {{ quote_number }}"},
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["row_version"] == first["row_version"] + 1
    stale = client.patch(
        f"/api/email-templates/{first['id']}",
        json={"row_version": first["row_version"], "name": "Again"},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412
    conflict = client.patch(
        f"/api/email-templates/{first['id']}",
        json={"row_version": first["row_version"], "name": "Again"},
    )
    assert conflict.status_code == 409
    preview = client.post(
        f"/api/email-templates/{first['id']}/preview",
        json={"html_body": "<p>{{ customer_name }} &amp; {{ total }}</p>"},
    )
    assert preview.status_code == 200, preview.text
    shown = preview.json()["data"]
    assert shown["subject"] == "Quote SUN-Q-2026-0042"
    assert "<p>Priya Sharma &amp; ₹1,84,500.00</p>" in shown["html_body"]
    added = client.post(
        "/api/email-templates",
        json={
            "kind": "visa_reminder",
            "name": "Visa reminder",
            "subject": "Visa, {{ customer_name }}",
            "html_body": "<p>{{ agency_name }}</p>",
            "text_body": "{{ agent_name }}",
            "pdf_mode": "link",
            "tenant_id": str(uuid.uuid4()),
        },
    )
    assert added.status_code == 422  # no mass assignment: unknown fields refused
    added = client.post(
        "/api/email-templates",
        json={
            "kind": "visa_reminder",
            "name": "Visa reminder",
            "subject": "Visa, {{ customer_name }}",
            "html_body": "<p>{{ agency_name }}</p>",
            "text_body": "{{ agent_name }}",
            "pdf_mode": "link",
        },
    )
    assert added.status_code == 201, added.text
    assert added.headers["Location"] == f"/api/email-templates/{added.json()['data']['id']}"


def test_another_agency_gets_404_and_an_agent_cannot_change_templates(alpha: ApiAgency) -> None:
    beta = ApiAgency()
    template = alpha.owner.get("/api/email-templates").json()["data"][0]
    for method, path, body in [
        ("GET", f"/api/email-templates/{template['id']}", None),
        ("PATCH", f"/api/email-templates/{template['id']}", {"row_version": 1, "name": "x"}),
        ("POST", f"/api/email-templates/{template['id']}/preview", {}),
        ("GET", f"/api/emails/{uuid.uuid4()}", None),
        ("DELETE", f"/api/emails/suppressions/{uuid.uuid4()}", None),
    ]:
        response = beta.owner.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
    agent = alpha.client_for(Role.AGENT)
    assert agent.get("/api/email-templates").status_code == 200
    denied = agent.patch(
        f"/api/email-templates/{template['id']}", json={"row_version": 1, "name": "Mine"}
    )
    assert denied.status_code == 403
    assert agent.get("/api/emails/logs").status_code == 200


def test_the_queue_the_emails_the_log_and_suppressions(server, alpha: ApiAgency) -> None:
    message_id = _sent(alpha)
    settle_jobs()
    client = alpha.owner
    emails = client.get("/api/emails").json()["data"]
    assert [e["id"] for e in emails] == [message_id]
    assert emails[0]["message_id"].endswith("@travelcrm.mail>")
    assert client.get("/api/emails/queue").json()["data"] == []
    log = client.get("/api/emails/logs", params={"message_id": message_id}).json()["data"]
    assert [e["event"] for e in log] == ["sent", "queued"]
    assert log[0]["detail"] == "250 2.0.0 Ok: queued as T3ST"
    server.refuse_rcpt = "550 5.1.1 No such user"
    bounced = _sent(alpha, key="api-2", to="gone@example.com")
    settle_jobs()
    assert client.get(f"/api/emails/{bounced}").json()["data"]["last_answer"] == (
        "550 5.1.1 No such user"
    )
    (suppressed,) = client.get("/api/emails/suppressions").json()["data"]
    assert suppressed["email"] == "gone@example.com"
    agent = alpha.client_for(Role.AGENT)
    assert agent.delete(f"/api/emails/suppressions/{suppressed['id']}").status_code == 403
    cleared = client.delete(f"/api/emails/suppressions/{suppressed['id']}")
    assert cleared.status_code == 204
    assert client.get("/api/emails/suppressions").json()["data"] == []


def _html_links(agency: ApiAgency, message_id: str) -> tuple[str, str]:
    """The pixel's and the first tracked link's paths in the sent email's HTML."""
    ctx = agency.ctx()
    from sqlmodel import select

    from travelcrm.mail.models import EmailMessageRow

    with tenant_scope(ctx) as session:
        html = session.exec(
            select(EmailMessageRow.html_body).where(EmailMessageRow.id == uuid.UUID(message_id))
        ).one()
    import re

    pixel = re.search(r'src="https?://[^/]+(/api/public/mail/open/[^"]+)"', html)
    link = re.search(r'href="https?://[^/]+(/api/public/mail/click/[^"]+)"', html)
    assert pixel and link
    return pixel.group(1), link.group(1).replace("&amp;", "&")


def test_the_pixel_counts_people_and_flags_privacy_prefetches(
    frozen_clock, server, alpha: ApiAgency
) -> None:
    message_id = _sent(alpha)
    pixel, _link = _html_links(alpha, message_id)
    public = _public()
    person = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0"}
    soon = public.get(pixel, headers=person)  # seconds after sending: a prefetch
    assert soon.status_code == 200 and soon.headers["content-type"] == "image/gif"
    frozen_clock.advance(timedelta(minutes=5))
    public.get(pixel, headers={"User-Agent": "Mozilla/5.0 (via ggpht.com GoogleImageProxy)"})
    public.get(pixel, headers={"User-Agent": "Mozilla/5.0"})  # Apple Mail Privacy Protection
    public.get(pixel, headers=person)
    tampered = pixel.replace(".gif", "x.gif")
    assert public.get(tampered, headers=person).status_code == 200  # says nothing
    shown = alpha.owner.get(f"/api/emails/{message_id}").json()["data"]
    assert shown["opens"] == 1
    log = alpha.owner.get("/api/emails/logs", params={"message_id": message_id}).json()["data"]
    opens = [e["prefetch"] for e in log if e["event"] == "opened"]
    assert sorted(opens) == [False, True, True, True]


def test_the_click_redirect_leads_only_to_the_messages_links(server, alpha: ApiAgency) -> None:
    message_id = _sent(alpha)
    _pixel, link = _html_links(alpha, message_id)
    public = _public()
    followed = public.get(link, follow_redirects=False)
    assert followed.status_code == 302
    assert followed.headers["location"] == "https://example.com/p/sample"
    token = urlsplit(link).path.rsplit("/", 1)[1]
    assert parse_qs(urlsplit(link).query)["u"] == ["https://example.com/p/sample"]
    evil = f"/api/public/mail/click/{token}?u={quote('https://evil.example/', safe='')}"
    assert public.get(evil, follow_redirects=False).status_code == 404
    # even a correctly signed token cannot lead anywhere the message does not link to
    ctx = alpha.ctx()
    signed = tracking.make_token(
        ctx.tenant_id, uuid.UUID(message_id), purpose="click", extra="https://evil.example/"
    )
    forged = f"/api/public/mail/click/{signed}?u={quote('https://evil.example/', safe='')}"
    refused = public.get(forged, follow_redirects=False)
    assert refused.status_code == 404 and "location" not in refused.headers
    shown = alpha.owner.get(f"/api/emails/{message_id}").json()["data"]
    assert shown["clicks"] == 1

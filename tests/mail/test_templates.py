"""Email templates: checked before saving (syntax, unknown and misspelt variables named at
their field with the closest known one, what the sandbox refuses), rendered with HTML escaped
and CSS inlined, the defaults made once per agency, changed at the version read, previewed;
another agency's template is not found."""

from __future__ import annotations

import threading
import uuid

import pytest
from jinja2.exceptions import SecurityError

from tests.rates.factories import agency_context
from travelcrm.core.errors import (
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.mail import templates, templating
from travelcrm.mail.models import EmailTemplate, TemplateKind
from travelcrm.mail.schemas import PreviewIn, TemplateIn, TemplateUpdate

pytestmark = pytest.mark.usefixtures("migrated_engine")


def _texts(**overrides: str) -> dict[str, str]:
    default = templating.DEFAULTS[TemplateKind.QUOTE_SENT]
    texts = {
        "subject": default.subject,
        "html_body": default.html_body,
        "text_body": default.text_body,
    }
    return {**texts, **overrides}


# ---- checking and rendering (no database) --------------------------------------------------------


def test_every_default_template_passes_its_own_check() -> None:
    for kind in TemplateKind:
        default = templating.DEFAULTS[kind]
        checked = templating.check(
            kind,
            {
                "subject": default.subject,
                "html_body": default.html_body,
                "text_body": default.text_body,
            },
        )
        assert checked.problems == [], kind
        assert set(checked.used["html_body"]) <= set(templating.declared(kind))


def test_a_misspelt_variable_is_named_at_its_field_with_a_suggestion() -> None:
    checked = templating.check(
        TemplateKind.QUOTE_SENT,
        _texts(subject="Quote {{ quote_numbr }}", text_body="Hi {{ customer_nam }}, {{ zebra }}"),
    )
    found = {(p.field, p.code, p.message) for p in checked.problems}
    assert (
        "subject",
        "unknown_variable",
        "“quote_numbr” is not a variable of this template. Did you mean “quote_number”?",
    ) in found
    assert any(f == "text_body" and "Did you mean “customer_name”?" in m for f, _c, m in found)
    assert (
        "text_body",
        "unknown_variable",
        "“zebra” is not a variable of this template.",
    ) in found
    assert not any(f == "html_body" for f, _c, _m in found)


def test_a_variable_of_another_kind_is_unknown_here() -> None:
    default = templating.DEFAULTS[TemplateKind.PAYMENT_DUE]
    checked = templating.check(
        TemplateKind.PAYMENT_DUE,
        {"subject": "{{ proposal_url }}", "html_body": default.html_body, "text_body": "x"},
    )
    assert [p.field for p in checked.problems if "proposal_url" in p.message] == ["subject"]


def test_loop_variables_and_filters_are_not_reported() -> None:
    checked = templating.check(
        TemplateKind.QUOTE_SENT,
        _texts(text_body="{% for part in trip_title.split() %}{{ part|upper }} {% endfor %}"),
    )
    assert checked.problems == []


def test_syntax_errors_say_the_line() -> None:
    checked = templating.check(
        TemplateKind.QUOTE_SENT, _texts(html_body="<p>ok</p>\n<p>{{ total </p>")
    )
    (problem,) = checked.problems
    assert problem.field == "html_body" and problem.code == "template_syntax"
    assert problem.message.startswith("Line 2:")


@pytest.mark.parametrize(
    "source",
    [
        "{{ customer_name.__class__.__mro__[1].__subclasses__() }}",
        "{{ customer_name.__class__ }}",
        "{{ total.format.__globals__ }}",
        "{{ (agency_name|attr('__class__')).__base__ }}",
    ],
)
def test_the_sandbox_refuses_to_reach_python(source: str) -> None:
    checked = templating.check(TemplateKind.QUOTE_SENT, _texts(text_body=source))
    assert [(p.field, p.code) for p in checked.problems] == [("text_body", "unsafe")]
    with pytest.raises(SecurityError):
        templating.render(
            subject="s",
            html_body="<p></p>",
            text_body=source,
            values={"customer_name": "x", "total": "1", "agency_name": "a"},
        )


def test_html_is_escaped_css_inlined_and_text_is_not_escaped() -> None:
    values = templating.sample_values(TemplateKind.QUOTE_SENT) | {
        "customer_name": "<script>alert(1)</script> & Co"
    }
    default = templating.DEFAULTS[TemplateKind.QUOTE_SENT]
    shown = templating.render(
        subject=default.subject,
        html_body=default.html_body,
        text_body=default.text_body,
        values=values,
    )
    assert "<script>" not in shown.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in shown.html_body
    assert "<script>alert(1)</script> & Co" in shown.text_body
    assert "<style>" not in shown.html_body
    assert 'class="button"' in shown.html_body and "background: #0b4f6c" in shown.html_body
    assert shown.subject == "Your quote SUN-Q-2026-0042: Kerala backwaters, 6 nights"


def test_a_missing_value_is_an_error_never_a_blank() -> None:
    with pytest.raises(templating.MissingValueError, match="customer_name"):
        templating.render(subject="Hi {{ customer_name }}", html_body="", text_body="", values={})


def test_links_are_rewritten_once_each_and_the_pixel_added() -> None:
    html_text = (
        '<html><body><a href="https://a.example/x?y=1&amp;z=2">A</a>'
        "<a href='https://b.example/'>B</a><a href=\"https://a.example/x?y=1&amp;z=2\">A</a>"
        '<a href="mailto:x@example.com">m</a></body></html>'
    )
    rewritten, links = templating.rewrite_links(html_text, lambda url: f"https://t/{len(url)}")
    assert links == ["https://a.example/x?y=1&z=2", "https://b.example/"]
    assert rewritten.count("https://t/") == 3 and "mailto:x@example.com" in rewritten
    with_pixel = templating.add_pixel(rewritten, "https://t/p.gif?a=1&b=2")
    assert with_pixel.endswith(
        'src="https://t/p.gif?a=1&amp;b=2" width="1" height="1" alt="" '
        'style="display:block;width:1px;height:1px;border:0"></body></html>'
    )


# ---- the agency's templates ----------------------------------------------------------------------


def test_the_standard_templates_are_made_once_even_when_asked_at_once() -> None:
    ctx = agency_context()
    errors: list[BaseException] = []

    def first_look() -> None:
        try:
            with tenant_scope(ctx) as session:
                templates.list_templates(session, ctx)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first_look) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with tenant_scope(ctx) as session:
        rows = templates.list_templates(session, ctx)
        assert [r.kind for r in rows] == [k.value for k in TemplateKind]
        assert rows[0].name == "Quote sent"


def test_add_change_and_preview_a_template() -> None:
    ctx = agency_context()
    with tenant_scope(ctx) as session:
        added = templates.add_template(
            session,
            ctx,
            data=TemplateIn(
                kind="visa_reminder",
                name="Visa reminder",
                subject="Your visa, {{ customer_name }}",
                html_body="<p>Dear {{ customer_name }}, apply soon. {{ agency_name }}</p>",
                text_body="Dear {{ customer_name }}, apply soon.",
            ),
        )
        template_id, version = added.id, added.row_version
    with tenant_scope(ctx) as session:
        with pytest.raises(ValidationFailedError) as refused:
            templates.update_template(
                session,
                ctx,
                template_id=template_id,
                row_version=version,
                data=TemplateUpdate(subject="Visa for {{ custmer_name }}"),
            )
        assert [(e.field, e.code) for e in refused.value.errors] == [
            ("subject", "unknown_variable")
        ]
        assert "Did you mean “customer_name”?" in refused.value.errors[0].message
    with tenant_scope(ctx) as session:
        changed = templates.update_template(
            session,
            ctx,
            template_id=template_id,
            row_version=version,
            data=TemplateUpdate(subject="Visa for {{ customer_name }}", pdf_mode="link"),
        )
        assert changed.row_version == version + 1 and changed.pdf_mode == "link"
    with tenant_scope(ctx) as session, pytest.raises(VersionConflictError):
        templates.update_template(
            session,
            ctx,
            template_id=template_id,
            row_version=version,
            data=TemplateUpdate(name="Stale"),
        )
    with tenant_scope(ctx) as session:
        shown = templates.preview(
            session,
            ctx,
            template_id=template_id,
            data=PreviewIn(html_body="<p>{{ customer_name }} <b>{{ agent_name }}</b></p>"),
        )
        assert shown.subject == "Visa for Priya Sharma"
        assert "<p>Priya Sharma <b>Rahul Menon</b></p>" in shown.html_body
        row = session.get(EmailTemplate, (ctx.tenant_id, template_id))
        assert row is not None and "agent_name" not in row.html_body  # nothing saved


def test_a_standard_kind_cannot_be_added_twice_and_kinds_are_unique() -> None:
    ctx = agency_context()
    body = {
        "name": "Mine",
        "subject": "Hi {{ customer_name }}",
        "html_body": "<p>x</p>",
        "text_body": "x",
    }
    with tenant_scope(ctx) as session:
        with pytest.raises(ValidationFailedError):
            templates.add_template(session, ctx, data=TemplateIn(kind="quote_sent", **body))
        templates.add_template(session, ctx, data=TemplateIn(kind="welcome_note", **body))
    with tenant_scope(ctx) as session:
        with pytest.raises(ValidationFailedError) as again:
            templates.add_template(session, ctx, data=TemplateIn(kind="welcome_note", **body))
        assert again.value.errors[0].field == "kind"


def test_another_agency_gets_not_found_and_an_agent_cannot_change_templates() -> None:
    alpha, beta = agency_context(), agency_context()
    with tenant_scope(alpha) as session:
        template_id = templates.list_templates(session, alpha)[0].id
    with tenant_scope(beta) as session:
        with pytest.raises(NotFoundError):
            templates.get_template(session, beta, template_id=template_id)
        with pytest.raises(NotFoundError):
            templates.update_template(
                session, beta, template_id=template_id, row_version=1, data=TemplateUpdate()
            )
    agent = TenantContext(alpha.tenant_id, alpha.user_id, Role.AGENT)
    with tenant_scope(agent) as session:
        assert templates.get_template(session, agent, template_id=template_id).kind
        with pytest.raises(PermissionDeniedError):
            templates.update_template(
                session,
                agent,
                template_id=template_id,
                row_version=1,
                data=TemplateUpdate(name="Mine"),
            )
    assert uuid.UUID(str(template_id))

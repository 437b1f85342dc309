"""Agency email templates as text: the variables each kind declares (with sample values for
the preview), the default templates, checking a template before it is saved (syntax, unknown
or misspelt variables with a "did you mean", what the sandbox refuses) and rendering it.

Templates are Jinja run in the `SandboxedEnvironment` (no attribute tricks reach Python's
insides) with `StrictUndefined` (a missing value is an error, never a blank); the HTML body is
autoescaped, the subject and the text body are not (they are not HTML). Callers pass every value
already formatted for the reader (dates and amounts in the agency's locale): templates only
place them. The HTML gets its CSS inlined for mail clients that drop <style>.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import css_inline
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from travelcrm.core.errors import FieldError
from travelcrm.mail.models import TemplateKind

MAX_TEMPLATE_CHARS = 100_000
FIELDS = ("subject", "html_body", "text_body")

# name -> (what it is, a sample value for the preview)
_COMMON: dict[str, tuple[str, str]] = {
    "customer_name": ("The customer's name", "Priya Sharma"),
    "agency_name": ("Your agency's name", "Sunrise Holidays"),
    "agent_name": ("The agent who sends it", "Rahul Menon"),
}
_QUOTE: dict[str, tuple[str, str]] = {
    "quote_number": ("The quote's number", "SUN-Q-2026-0042"),
    "trip_title": ("The trip's title", "Kerala backwaters, 6 nights"),
    "travel_date": ("The first day of travel", "12 Feb 2027"),
    "total": ("The quote's total", "₹1,84,500.00"),
}
VARIABLES: dict[str, dict[str, tuple[str, str]]] = {
    TemplateKind.QUOTE_SENT: {
        **_COMMON,
        **_QUOTE,
        "valid_until": ("The last day the quote holds", "20 Dec 2026"),
        "proposal_url": ("The link to the proposal page", "https://example.com/p/sample"),
        "pdf_url": ("The link to the quote's PDF", "https://example.com/p/sample.pdf"),
    },
    TemplateKind.QUOTE_REMINDER: {
        **_COMMON,
        **_QUOTE,
        "valid_until": ("The last day the quote holds", "20 Dec 2026"),
        "days_left": ("Days until it expires", "3"),
        "proposal_url": ("The link to the proposal page", "https://example.com/p/sample"),
        "pdf_url": ("The link to the quote's PDF", "https://example.com/p/sample.pdf"),
    },
    TemplateKind.QUOTE_ACCEPTED: {
        **_COMMON,
        **_QUOTE,
        "deposit_amount": ("The deposit to pay now", "₹55,350.00"),
        "deposit_due": ("When the deposit is due", "15 Dec 2026"),
        "pdf_url": ("The link to the quote's PDF", "https://example.com/p/sample.pdf"),
    },
    TemplateKind.PAYMENT_DUE: {
        **_COMMON,
        **_QUOTE,
        "amount_due": ("The amount due", "₹1,29,150.00"),
        "due_date": ("When it is due", "13 Jan 2027"),
        "payment_url": ("The link to pay", "https://example.com/pay/sample"),
    },
}
NAMES: dict[str, str] = {
    TemplateKind.QUOTE_SENT: "Quote sent",
    TemplateKind.QUOTE_REMINDER: "Reminder before the quote expires",
    TemplateKind.QUOTE_ACCEPTED: "Quote accepted",
    TemplateKind.PAYMENT_DUE: "Payment due",
}
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,39}$")


def declared(kind: str) -> dict[str, tuple[str, str]]:
    """The variables a template of `kind` may use (an agency's own kinds: the common ones)."""
    return VARIABLES.get(kind, _COMMON)


def sample_values(kind: str) -> dict[str, str]:
    return {name: sample for name, (_label, sample) in declared(kind).items()}


_STYLE = """<style>
  body { margin: 0; padding: 0; background: #f4f5f7; font-family: Arial, Helvetica, sans-serif; }
  .card { max-width: 560px; margin: 24px auto; background: #ffffff; border-radius: 8px;
          padding: 28px; color: #1f2933; font-size: 15px; line-height: 1.5; }
  h1 { font-size: 20px; margin: 0 0 16px; color: #0b4f6c; }
  .total { font-size: 18px; font-weight: bold; color: #0b4f6c; }
  .button { display: inline-block; padding: 12px 20px; background: #0b4f6c; color: #ffffff;
            border-radius: 6px; text-decoration: none; font-weight: bold; }
  .small { font-size: 13px; color: #616e7c; }
</style>"""


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f'{_STYLE}</head>\n<body><div class="card">\n{body}\n</div></body></html>\n'
    )


@dataclass(frozen=True)
class DefaultTemplate:
    subject: str
    html_body: str
    text_body: str


DEFAULTS: dict[str, DefaultTemplate] = {
    TemplateKind.QUOTE_SENT: DefaultTemplate(
        subject="Your quote {{ quote_number }}: {{ trip_title }}",
        html_body=_page(
            "<h1>{{ trip_title }}</h1>\n"
            "<p>Dear {{ customer_name }},</p>\n"
            "<p>Thank you for planning your trip with {{ agency_name }}. Your quote "
            "{{ quote_number }} for travel from {{ travel_date }} is ready.</p>\n"
            '<p class="total">Total: {{ total }}</p>\n'
            "<p>It holds until {{ valid_until }}.</p>\n"
            '<p><a class="button" href="{{ proposal_url }}">See your proposal</a></p>\n'
            '<p class="small">Warm regards,<br>{{ agent_name }}, {{ agency_name }}</p>'
        ),
        text_body=(
            "Dear {{ customer_name }},\n\n"
            "Thank you for planning your trip with {{ agency_name }}. Your quote "
            "{{ quote_number }} for {{ trip_title }}, travelling from {{ travel_date }}, "
            "is ready.\n\nTotal: {{ total }}\nIt holds until {{ valid_until }}.\n\n"
            "See your proposal: {{ proposal_url }}\n\n"
            "Warm regards,\n{{ agent_name }}, {{ agency_name }}\n"
        ),
    ),
    TemplateKind.QUOTE_REMINDER: DefaultTemplate(
        subject="{{ days_left }} days left: your quote {{ quote_number }}",
        html_body=_page(
            "<h1>Your quote holds until {{ valid_until }}</h1>\n"
            "<p>Dear {{ customer_name }},</p>\n"
            "<p>A reminder that your quote {{ quote_number }} for {{ trip_title }} "
            "({{ total }}) expires in {{ days_left }} days.</p>\n"
            '<p><a class="button" href="{{ proposal_url }}">See your proposal</a></p>\n'
            '<p class="small">{{ agent_name }}, {{ agency_name }}</p>'
        ),
        text_body=(
            "Dear {{ customer_name }},\n\n"
            "A reminder that your quote {{ quote_number }} for {{ trip_title }} "
            "({{ total }}) expires in {{ days_left }} days, on {{ valid_until }}.\n\n"
            "See your proposal: {{ proposal_url }}\n\n{{ agent_name }}, {{ agency_name }}\n"
        ),
    ),
    TemplateKind.QUOTE_ACCEPTED: DefaultTemplate(
        subject="Thank you: {{ trip_title }} is confirmed",
        html_body=_page(
            "<h1>Thank you, {{ customer_name }}</h1>\n"
            "<p>We have your acceptance of quote {{ quote_number }} for {{ trip_title }}, "
            "travelling from {{ travel_date }}.</p>\n"
            '<p class="total">Deposit: {{ deposit_amount }}, due {{ deposit_due }}</p>\n'
            '<p class="small">{{ agent_name }}, {{ agency_name }}</p>'
        ),
        text_body=(
            "Thank you, {{ customer_name }}.\n\n"
            "We have your acceptance of quote {{ quote_number }} for {{ trip_title }}, "
            "travelling from {{ travel_date }}.\n\n"
            "Deposit: {{ deposit_amount }}, due {{ deposit_due }}.\n\n"
            "{{ agent_name }}, {{ agency_name }}\n"
        ),
    ),
    TemplateKind.PAYMENT_DUE: DefaultTemplate(
        subject="Payment due {{ due_date }}: {{ trip_title }}",
        html_body=_page(
            "<h1>A payment is due</h1>\n"
            "<p>Dear {{ customer_name }},</p>\n"
            "<p>For your trip {{ trip_title }} (quote {{ quote_number }}), "
            "{{ amount_due }} is due on {{ due_date }}.</p>\n"
            '<p><a class="button" href="{{ payment_url }}">Pay now</a></p>\n'
            '<p class="small">{{ agent_name }}, {{ agency_name }}</p>'
        ),
        text_body=(
            "Dear {{ customer_name }},\n\n"
            "For your trip {{ trip_title }} (quote {{ quote_number }}), {{ amount_due }} "
            "is due on {{ due_date }}.\n\nPay: {{ payment_url }}\n\n"
            "{{ agent_name }}, {{ agency_name }}\n"
        ),
    ),
}


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_HTML_ENV = _environment(autoescape=True)
_TEXT_ENV = _environment(autoescape=False)


def _env(field_name: str) -> SandboxedEnvironment:
    return _HTML_ENV if field_name == "html_body" else _TEXT_ENV


@dataclass
class Checked:
    """What checking a template found: problems per field, and the variables each uses."""

    problems: list[FieldError] = field(default_factory=list)
    used: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _unknown_message(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"“{name}” is not a variable of this template. Did you mean “{close[0]}”?"
    return f"“{name}” is not a variable of this template."


def check(kind: str, texts: Mapping[str, str]) -> Checked:
    """Check a template's subject and bodies before saving: each must parse, use only the
    kind's variables (an unknown one is named, with the closest known one), and render with
    the sample values inside the sandbox."""
    known = sorted(declared(kind))
    result = Checked()
    samples = sample_values(kind)
    for name in FIELDS:
        source = texts.get(name, "")
        if name == "subject" and not source.strip():
            result.problems.append(FieldError(name, "A subject is needed.", "required"))
            continue
        if name == "text_body" and not source.strip():
            result.problems.append(FieldError(name, "A plain-text body is needed.", "required"))
            continue
        if len(source) > MAX_TEMPLATE_CHARS:
            result.problems.append(
                FieldError(name, "This is longer than 100,000 characters.", "too_long")
            )
            continue
        env = _env(name)
        try:
            parsed = env.parse(source)
        except TemplateSyntaxError as exc:
            result.problems.append(
                FieldError(name, f"Line {exc.lineno}: {exc.message}", "template_syntax")
            )
            continue
        used = sorted(meta.find_undeclared_variables(parsed))
        result.used[name] = used
        unknown = [v for v in used if v not in samples]
        for variable in unknown:
            result.problems.append(
                FieldError(name, _unknown_message(variable, known), "unknown_variable")
            )
        if unknown:
            continue
        try:
            env.from_string(source).render(samples)
        except SecurityError:
            result.problems.append(
                FieldError(name, "This template reaches for something it may not.", "unsafe")
            )
        except TemplateError as exc:
            result.problems.append(FieldError(name, str(exc.message or exc), "template_error"))
    return result


class MissingValueError(ValueError):
    """A template used a variable the sender gave no value for."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    html_body: str
    text_body: str


@functools.lru_cache(maxsize=256)
def _compiled(autoescape: bool, source: str) -> Template:
    """A template compiled once per text (compiling costs far more than rendering)."""
    return (_HTML_ENV if autoescape else _TEXT_ENV).from_string(source)


def render(
    *,
    subject: str,
    html_body: str,
    text_body: str,
    values: Mapping[str, Any],
) -> Rendered:
    """The three parts with `values` put in (HTML escaped), the HTML's CSS inlined."""
    try:
        rendered_subject = _compiled(False, subject).render(values)
        rendered_text = _compiled(False, text_body).render(values)
        rendered_html = _compiled(True, html_body).render(values)
    except UndefinedError as exc:
        raise MissingValueError(str(exc.message)) from exc
    subject_line = " ".join(rendered_subject.split())[:300]
    return Rendered(subject_line, inline_css(rendered_html), rendered_text)


def inline_css(html_text: str) -> str:
    """Styles moved onto the elements (Gmail and Outlook drop most <style> blocks)."""
    return str(css_inline.inline(html_text))


_HREF = re.compile(r'(<a\b[^>]*?\bhref=)(["\'])(https?://[^"\']+)\2', re.IGNORECASE)


def rewrite_links(html_text: str, tracked: Callable[[str], str]) -> tuple[str, list[str]]:
    """Every http(s) link of the HTML pointed at `tracked(url)`; the original targets, in
    order and once each (what the click redirect may lead to)."""
    targets: list[str] = []

    def replace(match: re.Match[str]) -> str:
        url = html.unescape(match.group(3))
        if url not in targets:
            targets.append(url)
        quote = match.group(2)
        return f"{match.group(1)}{quote}{html.escape(tracked(url), quote=True)}{quote}"

    return _HREF.sub(replace, html_text), targets


def add_pixel(html_text: str, pixel_url: str) -> str:
    """The open pixel, at the end of the body."""
    tag = (
        f'<img src="{html.escape(pixel_url, quote=True)}" width="1" height="1" alt="" '
        'style="display:block;width:1px;height:1px;border:0">'
    )
    lowered = html_text.lower()
    at = lowered.rfind("</body>")
    if at == -1:
        return html_text + tag
    return html_text[:at] + tag + html_text[at:]

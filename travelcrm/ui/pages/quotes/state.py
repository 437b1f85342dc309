"""A quote version's page state: its lines grouped as chosen, taxes by rule, totals, the price
per person, the payment schedule, validity, inclusions, exclusions and terms (editable while a
draft, each problem at its field), the actions (send, revise, record the customer's yes or
no) and the versions side by side.

Every handler identifies the viewer again and calls the quote services in the viewer's
agency: an id from another agency is "not found"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.quotes import documents as quote_documents
from travelcrm.quotes import links, proposal
from travelcrm.quotes import services as quotes
from travelcrm.quotes.machine import QuoteState as States
from travelcrm.quotes.schemas import Comparison, QuoteUpdate, QuoteVersionPublic
from travelcrm.ui import routes
from travelcrm.ui.components.formats import local_date
from travelcrm.ui.components.money import format_date, format_money, format_range
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.quotes.text import (
    CHANGE_WORDS,
    PAYMENT_WORDS,
    state_color,
    state_words,
)
from travelcrm.ui.pages.suppliers.text import field_messages
from travelcrm.ui.record import RecordPage

TERMS_FIELDS = (
    "valid_until",
    "grouping",
    "deposit_kind",
    "deposit_value",
    "balance_days_before",
    "instalments",
    "inclusions",
    "exclusions",
    "terms",
)

FIELD_WORDS = {
    "valid_until": "Give the last day the quote holds, e.g. 31/12/2026.",
    "deposit_value": "Give the deposit as a number: a percent 0-100, or an amount.",
    "balance_days_before": "Give a number of days before travel, 0 to 365.",
    "instalments": "Give 0 to 12 instalments.",
    "grouping": "Choose how the lines are grouped.",
    "deposit_kind": "Choose a percent or an amount.",
}


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class LineRow:
    title: str
    amount: str
    optional: bool


@dataclass
class GroupRow:
    label: str
    amount: str
    lines: list[LineRow]


@dataclass
class PaymentRow:
    label: str
    due: str
    amount: str


@dataclass
class VersionRow:
    href: str
    label: str  # "v2"
    state: str
    color: str
    total: str
    current: bool


@dataclass
class ChangeRow:
    what: str
    label: str
    before: str
    after: str


def _money_or_text(value: str | None, currency: str, what: str) -> str:
    if value is None:
        return "—"
    if what in ("line", "tax", "total") and value.replace(".", "", 1).lstrip("-").isdigit():
        return format_money(Decimal(value), currency)
    if what == "validity":
        return format_date(date.fromisoformat(value))
    return value or "—"


def group_rows(shown: QuoteVersionPublic) -> list[GroupRow]:
    return [
        GroupRow(
            label=g.label,
            amount=format_money(g.amount, shown.currency),
            lines=[
                LineRow(
                    title=line.title,
                    amount="" if line.amount is None else format_money(line.amount, shown.currency),
                    optional=line.optional,
                )
                for line in g.lines
            ],
        )
        for g in shown.groups
    ]


def payment_rows(shown: QuoteVersionPublic) -> list[PaymentRow]:
    rows = []
    instalment = 0
    for p in shown.schedule:
        label = PAYMENT_WORDS.get(p.kind.value, p.kind.value)
        if p.kind.value == "instalment":
            instalment += 1
            label = f"Instalment {instalment}"
        rows.append(
            PaymentRow(
                label=label,
                due="On acceptance" if p.on_acceptance else format_date(p.due_on),
                amount=format_money(p.amount, shown.currency),
            )
        )
    return rows


def change_rows(compared: Comparison) -> list[ChangeRow]:
    currency = compared.after.currency
    return [
        ChangeRow(
            what=CHANGE_WORDS.get(c.what, c.what),
            label=c.label,
            before=_money_or_text(c.before, currency, c.what),
            after=_money_or_text(c.after, currency, c.what),
        )
        for c in compared.changes
    ]


class QuoteState(RecordPage, rx.State):
    can_edit: bool = False
    quote_id: str = ""
    reference: str = ""
    version: int = 1
    state: str = ""
    state_text: str = ""
    state_tone: str = "gray"
    title: str = ""
    row_version: int = 0
    draft: bool = False
    waiting: bool = False  # sent or viewed: the customer's answer can be recorded
    revisable: bool = False
    facts: list[Fact] = []
    groups: list[GroupRow] = []
    package: bool = False
    subtotal: str = ""
    rounding: str = ""
    taxes: list[Fact] = []
    total: str = ""
    per_person: str = ""
    payments: list[PaymentRow] = []
    inclusions: str = ""
    exclusions: str = ""
    terms: str = ""
    itinerary_href: str = ""
    query_href: str = ""
    versions: list[VersionRow] = []
    compared_with: str = ""  # "v1"
    changes: list[ChangeRow] = []
    # the draft's terms and schedule form
    terms_form: dict[str, str] = {}
    terms_errors: dict[str, str] = {}
    terms_key: int = 0
    # confirmations
    send_open: bool = False
    accept_open: bool = False
    decline_open: bool = False
    decline_errors: dict[str, str] = {}
    live_links: int = 0  # the customer's proposal links that still open

    # ---- plumbing -------------------------------------------------------------------------------

    def _record_id(self) -> uuid.UUID | None:
        return parse_id(self.quote_id)

    def _missing(self) -> str:
        return "Quote not found."

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        messages = field_messages(exc)
        for name in messages.keys() & FIELD_WORDS.keys():
            messages[name] = FIELD_WORDS[name]
        return messages

    def _read(self, session: Session, ctx: TenantContext, quote_id: uuid.UUID) -> None:
        quote = quotes.get_quote(session, ctx, quote_id=quote_id)
        shown = quotes.to_public(quote)
        state = shown.state
        self.reference, self.version, self.title = shown.reference, shown.version, shown.title
        self.state, self.row_version = state.value, shown.row_version
        self.state_text, self.state_tone = state_words(state.value), state_color(state.value)
        self.draft = state is States.DRAFT
        self.waiting = state in (States.SENT, States.VIEWED)
        self.revisable = state in (States.SENT, States.VIEWED, States.DECLINED, States.EXPIRED)
        currency = shown.currency
        travellers = f"{shown.paying_pax} paying"
        self.facts = [
            Fact("Customer", shown.customer_name or "—"),
            Fact("Trip", format_range(shown.start_date, shown.end_date)),
            Fact("Travellers", travellers),
            Fact("Valid until", format_date(shown.valid_until)),
            Fact("Made", local_date(shown.created_at, self._timezone)),
        ]
        if shown.sent_at:
            self.facts.append(Fact("Sent", local_date(shown.sent_at, self._timezone)))
        if shown.decided_at:
            self.facts.append(Fact("Answered", local_date(shown.decided_at, self._timezone)))
        if shown.decline_reason:
            self.facts.append(Fact("Why declined", shown.decline_reason))
        answer = proposal.answer_of(session, ctx, quote_id=quote.id)
        if answer is not None and answer.decision == "accepted":
            self.facts.append(Fact("Accepted online by", answer.name or "—"))
            self.facts.append(Fact("Accepted total", format_money(answer.total, answer.currency)))
        self.live_links = links.live_links(session, ctx, quote_id=quote.id)
        self.groups = group_rows(shown)
        self.package = shown.grouping.value == "package"
        self.subtotal = format_money(shown.subtotal, currency)
        self.rounding = format_money(shown.rounding, currency) if shown.rounding else ""
        self.taxes = [
            Fact(
                t.name + (f" ({t.rate_pct.normalize():f}%)" if t.rate_pct is not None else ""),
                format_money(t.amount, currency),
            )
            for t in shown.taxes
        ]
        self.total = format_money(shown.total, currency)
        self.per_person = format_money(shown.per_person, currency)
        self.payments = payment_rows(shown)
        self.inclusions, self.exclusions, self.terms = (
            shown.inclusions,
            shown.exclusions,
            shown.terms,
        )
        self.itinerary_href = routes.itinerary(shown.itinerary_id)
        self.query_href = routes.query(shown.query_id) if shown.query_id else ""
        self.terms_form = {
            "valid_until": shown.valid_until.isoformat(),
            "grouping": shown.grouping.value,
            "deposit_kind": shown.deposit_kind.value,
            "deposit_value": f"{shown.deposit_value.normalize():f}",
            "balance_days_before": str(shown.balance_days_before),
            "instalments": str(shown.instalments),
            "inclusions": shown.inclusions,
            "exclusions": shown.exclusions,
            "terms": shown.terms,
        }
        self.versions = [
            VersionRow(
                href=routes.quote(v.id),
                label=f"v{v.version}",
                state=state_words(v.state),
                color=state_color(v.state),
                total=format_money(v.total, v.currency),
                current=v.id == quote.id,
            )
            for v in quotes.versions(session, ctx, quote_id=quote.id)
        ]
        self.changes, self.compared_with = [], ""
        if shown.revised_from_id is not None:
            compared = quotes.compare(session, ctx, quote_id=quote.id, other_id=None)
            self.compared_with = f"v{compared.before.version}"
            self.changes = change_rows(compared)

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUOTES_VIEW)
        if viewer is None:
            return self._signed_out()
        self.can_edit = can(viewer.context.role, Action.QUOTES_EDIT)
        self.send_open = self.accept_open = self.decline_open = False
        self.terms_errors, self.decline_errors = {}, {}
        self.quote_id = self._page_arg("id")[:64]
        self._loaded()
        self.terms_key += 1
        return None

    # ---- the draft ------------------------------------------------------------------------------

    @event
    def save_terms(self, form: dict[str, Any]) -> EventSpec | None:
        if not self.found:
            return rx.toast.error(self._missing())
        values = {name: form.get(name, "") for name in TERMS_FIELDS}
        for name in ("deposit_value", "balance_days_before", "instalments"):
            if isinstance(values[name], str) and not values[name].strip():
                values[name] = None
        read = self.row_version
        result = self._submit(
            QuoteUpdate,
            values,
            lambda session, ctx, quote_id, data: quotes.update_quote(
                session, ctx, quote_id=quote_id, row_version=read, data=data
            ),
            done="Saved; the schedule is worked out again.",
            errors="terms_errors",
        )
        if not self.terms_errors:
            self.terms_key += 1
        return result

    # ---- moving on ------------------------------------------------------------------------------

    @event
    def set_send_open(self, value: bool) -> None:
        self.send_open = bool(value)

    @event
    def set_accept_open(self, value: bool) -> None:
        self.accept_open = bool(value)

    @event
    def set_decline_open(self, value: bool) -> None:
        self.decline_open = bool(value)
        self.decline_errors = {}

    @event
    def send(self) -> EventSpec | None:
        read = self.row_version
        return self._change(
            lambda session, ctx, quote_id: quotes.send_quote(
                session, ctx, quote_id=quote_id, row_version=read
            ),
            done="Sent: this version no longer changes, and the query is quoted.",
            dialog="send_open",
        )

    @event
    def accept(self) -> EventSpec | None:
        read = self.row_version
        return self._change(
            lambda session, ctx, quote_id: quotes.accept_quote(
                session, ctx, quote_id=quote_id, row_version=read
            ),
            done="Acceptance recorded: the query is won.",
            dialog="accept_open",
        )

    @event
    def decline(self, form: dict[str, Any]) -> EventSpec | None:
        read = self.row_version
        reason = str(form.get("reason", ""))[:500]
        return self._change(
            lambda session, ctx, quote_id: quotes.decline_quote(
                session, ctx, quote_id=quote_id, row_version=read, reason=reason
            ),
            done="Decline recorded.",
            errors="decline_errors",
            dialog="decline_open",
        )

    @event
    def revoke_links(self) -> EventSpec | None:
        return self._change(
            lambda session, ctx, quote_id: links.revoke_links(session, ctx, quote_id=quote_id),
            done="The customer's link no longer opens this version.",
        )

    @event
    def revise(self) -> EventSpec | list[EventSpec] | None:
        read = self.row_version
        made, failed = self._on_record(
            lambda session, ctx, quote_id: quotes.revise_quote(
                session, ctx, quote_id=quote_id, row_version=read
            )
        )
        if made is None:
            self._refresh()
            return failed
        return [
            rx.toast.success(f"{quotes.name_of(made)} made as a draft."),
            rx.redirect(routes.quote(made.id)),
        ]

    @event
    def download_pdf(self) -> Any:
        """This version's branded PDF, as a file (stored once: a second click renders nothing)."""
        found, problem = self._on_record(
            lambda session, ctx, quote_id: quote_documents.quote_pdf(
                session, ctx, quote_id=quote_id
            )
        )
        if found is None:
            return problem
        content, filename = found
        return rx.download(data=content, filename=filename)

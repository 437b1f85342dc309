"""Markup rules state (managers and up): the agency's rules in words, one dialog to add or
change a rule (every problem at its field in one pass), removing one after a question, and the
tester: a service type, destination, market, supplier type and travel date -> the rule (or
rules, when they stack) the pricing sheet would apply and why each other does not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.errors import NotFoundError
from travelcrm.core.locale import currency_label
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries import maths, pricing_data
from travelcrm.itineraries.models import MarkupRuleRow
from travelcrm.itineraries.schemas import MarkupRuleIn
from travelcrm.tenants.services import own_tenant
from travelcrm.ui.components.money import format_money
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.pricing.text import (
    MISMATCH_WORDS,
    POLICY_WORDS,
    markup_value,
    rule_scope,
    specificity_words,
)
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage

FORM_KEYS = (
    "name",
    "kind",
    "value",
    "market",
    "destination",
    "supplier_type",
    "service_type",
    "travel_from",
    "travel_to",
    "position",
)
BLANK_FORM = dict.fromkeys(FORM_KEYS, "") | {"kind": "percent", "position": "0", "is_active": "on"}
OPTIONAL = ("market", "destination", "supplier_type", "service_type", "travel_from", "travel_to")


@dataclass
class RuleRow:
    id: str
    name: str
    value: str  # "+12 %", "+₹500.00 per line"
    scope: str  # "Hotel stay · Goa · travel 1 Oct 2027 to 31 Mar 2028"
    specificity: str  # "Names 3 things"
    position: int
    active: bool


@dataclass
class VerdictRow:
    name: str
    value: str
    scope: str
    verdict: str  # "Applies", "Matches, but a more specific rule wins", "Not for another market"
    chosen: bool
    matches: bool


def rule_input(form: dict[str, Any]) -> dict[str, Any]:
    """The dialog's fields as `MarkupRuleIn` input: blanks are "any", a decimal comma a point."""
    values: dict[str, Any] = {k: str(form.get(k, "") or "").strip() for k in FORM_KEYS}
    for key in OPTIONAL:
        if not values[key]:
            values[key] = None
    values["value"] = values["value"].replace(",", ".").replace(" ", "")
    values["position"] = values["position"] or "0"
    values["is_active"] = bool(form.get("is_active"))
    return values


def rule_row(row: MarkupRuleRow, currency: str) -> RuleRow:
    facts = pricing_data.as_maths_rule(row)
    return RuleRow(
        id=str(row.id),
        name=row.name,
        value=markup_value(row.kind, row.value, currency),
        scope=rule_scope(
            market=row.market,
            destination=row.destination,
            supplier_type=row.supplier_type,
            service_type=row.service_type,
            travel_from=row.travel_from,
            travel_to=row.travel_to,
        ),
        specificity=specificity_words(facts.specificity),
        position=row.position,
        active=row.is_active,
    )


def verdict_words(verdict: pricing_data.RuleVerdict, policy: maths.MarkupPolicy) -> str:
    if verdict.chosen:
        return "Applies" if policy is maths.MarkupPolicy.MOST_SPECIFIC else "Applies (stacked)"
    if verdict.mismatch is None:
        return "Matches, but another rule names more of the line (or comes first)"
    return f"Not this line: made for {MISMATCH_WORDS[verdict.mismatch]}"


class MarkupRulesState(FormPage, rx.State):
    rules: list[RuleRow] = []
    currency: str = "INR"
    currency_name: str = ""
    # the add / change dialog
    edit_open: bool = False
    editing: str = ""  # the rule's id, "" for a new one
    form: dict[str, str] = {}
    form_key: int = 0
    errors: dict[str, str] = {}
    # removing
    remove_open: bool = False
    remove_id: str = ""
    remove_name: str = ""
    # the tester
    trial: dict[str, str] = {}
    trial_errors: dict[str, str] = {}
    verdicts: list[VerdictRow] = []
    trial_summary: str = ""
    trial_tried: bool = False
    _versions: dict[str, int] = {}

    # ---- loading --------------------------------------------------------------------------------

    def _fill(self, session: Session, ctx: TenantContext) -> None:
        self.currency = own_tenant(session, ctx).default_currency
        self.currency_name = currency_label(self.currency)
        rows = pricing_data.list_markup_rules(session, ctx)
        self.rules = [rule_row(row, self.currency) for row in rows]
        self._versions = {str(row.id): row.row_version for row in rows}

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.PRICING_SETTINGS)
        if viewer is None:
            return self._signed_out()
        self.edit_open, self.remove_open, self.errors = False, False, {}
        self.trial = {"service_type": "stay", "destination": "", "market": "", "supplier_type": ""}
        self.trial["travel_date"] = ""
        self.trial_errors, self.verdicts, self.trial_summary, self.trial_tried = {}, [], "", False
        result = self._run(self._fill)[1] if self.allowed else None
        self.loaded = True
        return result

    # ---- add / change ---------------------------------------------------------------------------

    @event
    def set_edit_open(self, value: bool) -> None:
        self.edit_open = bool(value)
        if not value:
            self.errors = {}

    @event
    def start_new(self) -> None:
        self.editing, self.form, self.errors = "", dict(BLANK_FORM), {}
        self.form_key += 1
        self.edit_open = True

    @event
    def start_edit(self, rule_id: str) -> EventSpec | None:
        target = parse_id(rule_id)
        if target is None:
            return rx.toast.error("That rule is no longer there; reload the page.")

        def read(session: Session, ctx: TenantContext) -> MarkupRuleRow:
            return (
                next(
                    (r for r in pricing_data.list_markup_rules(session, ctx) if r.id == target),
                    None,
                )
                or _gone()
            )

        row, failed = self._run(read, may=Action.PRICING_SETTINGS)
        if row is None:
            return failed
        self.editing, self.errors = str(row.id), {}
        self._versions[str(row.id)] = row.row_version
        self.form = {
            "name": row.name,
            "kind": row.kind,
            "value": format(row.value.normalize(), "f"),
            "market": row.market or "",
            "destination": row.destination or "",
            "supplier_type": row.supplier_type or "",
            "service_type": row.service_type or "",
            "travel_from": row.travel_from.isoformat() if row.travel_from else "",
            "travel_to": row.travel_to.isoformat() if row.travel_to else "",
            "position": str(row.position),
            "is_active": "on" if row.is_active else "",
        }
        self.form_key += 1
        self.edit_open = True
        return None

    @event
    def submit(self, form: dict[str, Any]) -> EventSpec | None:
        if self._viewer() is None:
            return self._signed_out()
        self.form = {k: str(v) for k, v in form.items() if k in (*FORM_KEYS, "is_active")}
        self.errors = {}
        data = self._parse(MarkupRuleIn, rule_input(form), errors="errors", whole="name")
        if data is None:
            return rx.toast.error(NEEDS_ATTENTION)
        rule_id = parse_id(self.editing)
        version = self._versions.get(self.editing, 1)

        def work(session: Session, ctx: TenantContext) -> None:
            if rule_id is None:
                pricing_data.add_markup_rule(session, ctx, data=data)
            else:
                pricing_data.update_markup_rule(
                    session, ctx, rule_id=rule_id, row_version=version, data=data
                )
            self._fill(session, ctx)

        _, failed = self._run(work, may=Action.PRICING_SETTINGS, errors="errors")
        if failed is not None or self.errors:
            return failed or rx.toast.error(NEEDS_ATTENTION)
        self.edit_open = False
        self._retry()
        return rx.toast.success(
            f"“{data.name}” added." if rule_id is None else f"“{data.name}” saved."
        )

    # ---- removing -------------------------------------------------------------------------------

    @event
    def set_remove_open(self, value: bool) -> None:
        self.remove_open = bool(value)

    @event
    def ask_remove(self, rule_id: str) -> None:
        row = next((r for r in self.rules if r.id == rule_id), None)
        if row is not None:
            self.remove_id, self.remove_name, self.remove_open = row.id, row.name, True

    @event
    def remove(self) -> EventSpec | None:
        target = parse_id(self.remove_id)
        name = self.remove_name
        self.remove_open = False
        if target is None:
            return None

        def work(session: Session, ctx: TenantContext) -> None:
            pricing_data.delete_markup_rule(session, ctx, rule_id=target)
            self._fill(session, ctx)

        _, failed = self._run(work, may=Action.PRICING_SETTINGS)
        if failed is not None:
            return failed
        self._retry()
        return rx.toast.success(f"“{name}” removed.")

    # ---- which rule would apply -----------------------------------------------------------------

    @event
    def set_trial(self, key: str, value: str) -> None:
        if key in ("service_type", "destination", "market", "supplier_type", "travel_date"):
            self.trial[key] = str(value)[:120]
            self.trial_errors.pop(key, None)

    def _retry(self) -> None:
        """The tester's answer again after the rules changed (when it was asked)."""
        if self.trial_tried:
            self._try()

    def _try(self) -> EventSpec | None:
        self.trial_errors = {}
        day: date | None = None
        text = self.trial.get("travel_date", "").strip()
        if text:
            try:
                day = date.fromisoformat(text)
            except ValueError:
                self.trial_errors["travel_date"] = "A date"
                return rx.toast.error(NEEDS_ATTENTION)
        facts = maths.LineFacts(
            market=self.trial.get("market") or "all",
            destination=self.trial.get("destination", "").strip() or None,
            supplier_type=self.trial.get("supplier_type") or None,
            service_type=self.trial.get("service_type") or None,
            travel_date=day,
        )

        def work(session: Session, ctx: TenantContext) -> pricing_data.MarkupTrial:
            return pricing_data.try_markup(
                session, ctx, facts=facts, example_net=Decimal(10000), currency=self.currency
            )

        trial, failed = self._run(work)
        if trial is None:
            return failed
        self.verdicts = [
            VerdictRow(
                name=v.rule.name,
                value=markup_value(v.rule.kind, v.rule.value, self.currency),
                scope=rule_scope(
                    market=v.rule.market,
                    destination=v.rule.destination,
                    supplier_type=v.rule.supplier_type,
                    service_type=v.rule.service_type,
                    travel_from=v.rule.travel_from,
                    travel_to=v.rule.travel_to,
                ),
                verdict=verdict_words(v, trial.policy),
                chosen=v.chosen,
                matches=v.mismatch is None,
            )
            for v in trial.verdicts
        ]
        net = format_money(trial.example_net, self.currency)
        gross = format_money(trial.example_gross, self.currency)
        names = ", then ".join(f"“{v.rule.name}”" for v in trial.chosen)
        if not trial.chosen:
            self.trial_summary = f"No rule matches: a net of {net} sells at {gross}, no markup."
        else:
            self.trial_summary = (
                f"{names} ({POLICY_WORDS[trial.policy.value].lower()}): a net of {net} "
                f"sells at {gross}."
            )
        self.trial_tried = True
        return None

    @event
    def try_rules(self) -> EventSpec | None:
        return self._try()


def _gone() -> MarkupRuleRow:
    raise NotFoundError("That rule is no longer there; reload the page.")

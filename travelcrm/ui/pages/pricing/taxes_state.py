"""Tax table state (managers and up): the agency's dated tax rows grouped per tax, each with the
days it applies (a timeline) and its rule in words; the starting rows of the agency's country
loaded on request; a dated row added (it takes over from its date) or a row corrected. Rows
are never removed here: a later row replaces an earlier one from its date, so the history of
what applied when stays."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import today
from travelcrm.core.errors import NotFoundError
from travelcrm.core.locale import country_name
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries import pricing_data
from travelcrm.itineraries.models import TaxRuleRow
from travelcrm.itineraries.schemas import TaxRuleIn
from travelcrm.tenants.services import own_tenant
from travelcrm.ui.components.money import format_date
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.pricing.text import TAX_KIND_WORDS, tax_rule_words
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage

FORM_KEYS = ("name", "kind", "valid_from", "rate_pct", "base", "slabs", "note")
_SLAB_LINE = re.compile(r"^(?:up\s*to\s*([\d,.\s]+)|above)\s*[:=]\s*([\d.,]+)\s*%?$", re.I)


@dataclass
class PeriodRow:
    id: str
    starts: str  # "1 Apr 2026"
    ends: str  # "31 Mar 2027", or "" while in force
    rule: str  # "2 % on the price"
    note: str
    applies: bool  # on the day the page looks at


@dataclass
class TaxGroup:
    kind: str
    title: str  # "Tax collected at source"
    name: str  # "TCS on overseas package"
    periods: list[PeriodRow]
    now: str  # what applies on the day looked at, in words ("" when none)


class SlabsError(ValueError):
    pass


def parse_slabs(text: str) -> list[dict[str, str | None]]:
    """ "up to 7500: 12" / "above: 18", one a line -> [{"up_to": "7500", "rate_pct": "12"},
    {"up_to": None, "rate_pct": "18"}]."""
    slabs: list[dict[str, str | None]] = []
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        match = _SLAB_LINE.match(line)
        if match is None:
            raise SlabsError(f"“{line}”: write each slab as “up to 7500: 12” or “above: 18”.")
        limit, rate = match.groups()
        try:
            up_to = str(Decimal(limit.replace(",", "").replace(" ", ""))) if limit else None
            slabs.append({"up_to": up_to, "rate_pct": str(Decimal(rate.replace(",", ".")))})
        except InvalidOperation:
            raise SlabsError(f"“{line}”: the limit and the rate are numbers.") from None
    return slabs


def slabs_text(slabs: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"up to {s['up_to']}: {s['rate_pct']}"
        if s.get("up_to") is not None
        else f"above: {s['rate_pct']}"
        for s in slabs
    )


def tax_input(form: dict[str, Any], country: str) -> dict[str, Any]:
    values: dict[str, Any] = {k: str(form.get(k, "") or "").strip() for k in FORM_KEYS}
    values["country"] = country
    values["rate_pct"] = values["rate_pct"].replace(",", ".") or "0"
    values["note"] = values["note"] or None
    values["split_in_state"] = bool(form.get("split_in_state"))
    values["slabs"] = parse_slabs(values["slabs"])
    return values


def groups_of(rows: list[TaxRuleRow], on: date, currency: str) -> list[TaxGroup]:
    groups = []
    for timeline in pricing_data.tax_timelines(rows):
        current = timeline.in_force(on)
        periods = []
        for period in reversed(timeline.periods):  # the newest first
            row = period.row
            periods.append(
                PeriodRow(
                    id=str(row.id),
                    starts=format_date(row.valid_from),
                    ends=format_date(period.until) if period.until else "",
                    rule=rule_words(row, currency),
                    note=row.note or "",
                    applies=current is not None and current.row.id == row.id,
                )
            )
        groups.append(
            TaxGroup(
                kind=timeline.kind,
                title=TAX_KIND_WORDS.get(timeline.kind, "Tax"),
                name=timeline.name,
                periods=periods,
                now=rule_words(current.row, currency) if current else "",
            )
        )
    return groups


def rule_words(row: TaxRuleRow, currency: str) -> str:
    return tax_rule_words(
        kind=row.kind,
        rate_pct=row.rate_pct,
        base=row.base,
        slabs=row.slabs,
        split_in_state=row.split_in_state,
        currency=currency,
    )


class TaxTableState(FormPage, rx.State):
    groups: list[TaxGroup] = []
    country: str = ""
    country_name: str = ""
    can_seed: bool = False  # starting rows exist for the agency's country and some are missing
    on_day: str = ""  # the day the page shows what applies on (ISO)
    on_words: str = ""
    # the add / correct dialog
    edit_open: bool = False
    editing: str = ""  # the row corrected, "" for a new dated row
    form: dict[str, str] = {}
    form_key: int = 0
    errors: dict[str, str] = {}
    _versions: dict[str, int] = {}
    _currency: str = "INR"

    def _fill(self, session: Session, ctx: TenantContext) -> None:
        tenant = own_tenant(session, ctx)
        self.country, self._currency = tenant.country, tenant.default_currency
        self.country_name = country_name(tenant.country)
        rows = pricing_data.list_tax_rules(session, ctx)
        self._versions = {str(r.id): r.row_version for r in rows}
        have = {(r.kind, r.name, r.valid_from.isoformat()) for r in rows}
        starting = pricing_data.STARTING_TAX_TABLE.get(tenant.country, [])
        self.can_seed = any((e["kind"], e["name"], e["valid_from"]) not in have for e in starting)
        day = date.fromisoformat(self.on_day) if self.on_day else today(self._timezone)
        self.on_day, self.on_words = day.isoformat(), format_date(day)
        self.groups = groups_of(rows, day, self._currency)

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.PRICING_SETTINGS)
        if viewer is None:
            return self._signed_out()
        self.on_day, self.edit_open, self.errors = "", False, {}
        result = self._run(self._fill)[1] if self.allowed else None
        self.loaded = True
        return result

    @event
    def set_on(self, value: str) -> EventSpec | None:
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return None
        self.on_day = str(value)
        return self._run(self._fill)[1]

    @event
    def seed(self) -> EventSpec | None:
        def work(session: Session, ctx: TenantContext) -> int:
            added = pricing_data.seed_tax_table(session, ctx, country=self.country)
            self._fill(session, ctx)
            return added

        added, failed = self._run(work, may=Action.PRICING_SETTINGS)
        if failed is not None:
            return failed
        return rx.toast.success(f"{added} starting rows of {self.country_name}'s table loaded.")

    # ---- add a dated row / correct a row --------------------------------------------------------

    @event
    def set_edit_open(self, value: bool) -> None:
        self.edit_open = bool(value)
        if not value:
            self.errors = {}

    @event
    def start_new(self, kind: str = "", name: str = "") -> None:
        """A new dated row; from a tax's timeline, of that tax (it takes over from its date)."""
        self.editing, self.errors = "", {}
        self.form = {
            "name": str(name)[:120],
            "kind": kind if kind in TAX_KIND_WORDS else "custom",
            "valid_from": "",
            "rate_pct": "",
            "base": "gross",
            "slabs": "",
            "note": "",
            "split_in_state": "",
        }
        self.form_key += 1
        self.edit_open = True

    @event
    def start_correct(self, row_id: str) -> EventSpec | None:
        target = parse_id(row_id)

        def read(session: Session, ctx: TenantContext) -> TaxRuleRow:
            for row in pricing_data.list_tax_rules(session, ctx):
                if row.id == target:
                    return row
            raise NotFoundError("That tax row is no longer there; reload the page.")

        row, failed = self._run(read, may=Action.PRICING_SETTINGS)
        if row is None:
            return failed
        self.editing, self.errors = str(row.id), {}
        self._versions[str(row.id)] = row.row_version
        self.form = {
            "name": row.name,
            "kind": row.kind,
            "valid_from": row.valid_from.isoformat(),
            "rate_pct": format(row.rate_pct.normalize(), "f"),
            "base": row.base,
            "slabs": slabs_text(row.slabs),
            "note": row.note or "",
            "split_in_state": "on" if row.split_in_state else "",
        }
        self.form_key += 1
        self.edit_open = True
        return None

    @event
    def submit(self, form: dict[str, Any]) -> EventSpec | None:
        if self._viewer() is None:
            return self._signed_out()
        self.form = {k: str(v) for k, v in form.items()}
        self.errors = {}
        try:
            values = tax_input(form, self.country)
        except SlabsError as exc:
            self.errors = {"slabs": str(exc)}
            return rx.toast.error(NEEDS_ATTENTION)
        data = self._parse(TaxRuleIn, values, errors="errors", whole="name")
        if data is None:
            if "country" in self.errors:
                self.errors["name"] = "Set the agency's country in Settings first."
            return rx.toast.error(NEEDS_ATTENTION)
        row_id = parse_id(self.editing)
        version = self._versions.get(self.editing, 1)

        def work(session: Session, ctx: TenantContext) -> None:
            if row_id is None:
                pricing_data.add_tax_rule(session, ctx, data=data)
            else:
                pricing_data.update_tax_rule(
                    session, ctx, rule_id=row_id, row_version=version, data=data
                )
            self._fill(session, ctx)

        _, failed = self._run(work, may=Action.PRICING_SETTINGS, errors="errors")
        if failed is not None or self.errors:
            return failed or rx.toast.error(NEEDS_ATTENTION)
        self.edit_open = False
        since = format_date(data.valid_from)
        return rx.toast.success(
            f"{data.name} from {since} added."
            if row_id is None
            else f"{data.name} from {since} corrected."
        )

"""Rate lists page state: every list of the agency with its current version, a search, and the
"New rate list" dialog."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.errors import DomainError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.rates import services as rates
from travelcrm.rates.models import Market, RateList, RateListVersion, VersionStatus
from travelcrm.rates.schemas import RateListCreate
from travelcrm.ui import routes
from travelcrm.ui.components.money import format_range
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage
from travelcrm.ui.pages.rates.text import blank_fields, in_words, market_label, parse_tiers


@dataclass
class Option:
    value: str
    label: str


@dataclass
class RateListRow:
    list_id: str
    href: str
    name: str
    supplier: str
    market: str
    published: str  # "v1" or ""
    validity: str  # of the published version, else of the newest
    currency: str
    draft: str  # "v2 draft" or ""
    versions: int


def list_row(rate_list: RateList, versions: list[RateListVersion], supplier: str) -> RateListRow:
    """One row: the published version's number and validity (else the newest version's)."""
    published = next((v for v in versions if v.status == VersionStatus.PUBLISHED.value), None)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT.value), None)
    shown = published or (versions[0] if versions else None)
    return RateListRow(
        list_id=str(rate_list.id),
        href=routes.rate_list(rate_list.id),
        name=rate_list.name,
        supplier=supplier,
        market=market_label(rate_list.market, rate_list.agent_group),
        published=f"v{published.number}" if published else "",
        validity=format_range(shown.valid_from, shown.valid_to) if shown else "",
        currency=shown.currency if shown else "",
        draft=f"v{draft.number} draft" if draft else "",
        versions=len(versions),
    )


# Schema fields -> the dialog's controls that show their message.
FORM_NAMES = {
    "no_show_charge_pct": "no_show",
    "cancellation_tiers": "terms",
    "days_before": "terms",
    "charge_pct": "terms",
    "charge_nights": "terms",
}

MARKETS = [(m.value, market_label(m.value)) for m in Market]


T = TypeVar("T")


class WordedPage(StaffPage):
    """The kit's page, with the rates services' messages in the page's words (no field
    names, ISO dates or ids) wherever `_run` shows them: toasts and form fields."""

    def _run(
        self,
        work: Callable[[Session, TenantContext], T],
        *,
        may: Action | None = None,
        errors: str | None = None,
    ) -> tuple[T | None, EventSpec | None]:
        """The kit's `_run`, with the services' messages in the page's words (no field names,
        ISO dates or ids)."""

        def worded(session: Session, ctx: TenantContext) -> T:
            try:
                return work(session, ctx)
            except DomainError as exc:
                raise in_words(exc) from None

        return super()._run(worded, may=may, errors=errors)


class RateListsState(WordedPage, rx.State):
    loaded: bool = False
    allowed: bool = False
    can_edit: bool = False
    role: str = ""
    query: str = ""
    rows: list[RateListRow] = []
    summary: str = ""
    # the "New rate list" dialog
    create_open: bool = False
    suppliers: list[Option] = []
    market: str = Market.ALL.value
    create_errors: dict[str, str] = {}

    def _refused(self, action: Action) -> EventSpec:
        if action == Action.RATES_EDIT:
            return rx.toast.error("Your role cannot create rate lists.")
        return super()._refused(action)

    def _fill(self, session: Session, ctx: TenantContext) -> None:
        found = rates.list_rate_lists(session, ctx, q=self.query or None)
        names = rates.supplier_names(session, ctx, (r.supplier_id for r, _v in found))
        self.rows = [list_row(r, v, names.get(r.supplier_id, "?")) for r, v in found]
        count = len(self.rows)
        self.summary = f"{count} rate list{'s' if count != 1 else ''}" + (
            f" matching “{self.query}”" if self.query else ""
        )

    @event
    def load(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.role = role.value
        self.allowed = can(role, Action.RATES_VIEW)
        self.can_edit = can(role, Action.RATES_EDIT)
        self.create_open = False
        if self.allowed:
            with tenant_scope(viewer.context) as session:
                self._fill(session, viewer.context)
        self.loaded = True
        return None

    def _search(self, text: str) -> EventSpec | None:
        def work(session: Session, ctx: TenantContext) -> None:
            self.query = text.strip()[:100]
            self._fill(session, ctx)

        _r, problem = self._run(work, may=Action.RATES_VIEW)
        return problem

    @event
    def search(self, form: dict[str, str]) -> EventSpec | None:
        return self._search(str(form.get("q", "")))

    @event
    def clear_search(self) -> EventSpec | None:
        return self._search("")

    @event
    def set_create_open(self, value: bool) -> EventSpec | None:
        self.create_errors = {}
        self.market = Market.ALL.value
        if not value:
            self.create_open = False
            return None

        def work(session: Session, ctx: TenantContext) -> None:
            self.suppliers = [
                Option(str(s.id), f"{s.name} · {s.city}" if s.city else s.name)
                for s in rates.supplier_choices(session, ctx)
            ]
            self.create_open = True

        _r, problem = self._run(work, may=Action.RATES_EDIT)
        return problem

    @event
    def set_market(self, value: str) -> None:
        self.market = value if value in {m.value for m in Market} else Market.ALL.value

    @event
    def create(self, form: dict[str, str]) -> EventSpec | None:
        """Every field's problem at once, each at its control."""
        try:
            tiers, tier_error = parse_tiers(str(form.get("terms", ""))), {}
        except ValueError as exc:
            tiers, tier_error = [], {"terms": str(exc)}
        payload = {
            "supplier_id": form.get("supplier_id") or None,
            "name": form.get("name", ""),
            "market": self.market,
            "agent_group": (form.get("agent_group") or "").strip() or None,
            "currency": str(form.get("currency", "")).strip().upper(),
            "valid_from": form.get("valid_from") or None,
            "valid_to": form.get("valid_to") or None,
            "cancellation_tiers": tiers,
            "no_show_charge_pct": str(form.get("no_show", "")).strip().rstrip("%") or None,
        }

        def work(session: Session, ctx: TenantContext) -> uuid.UUID | None:
            data = RateListCreate.model_validate(payload)
            if tier_error:
                return None
            rate_list, _version = rates.create_rate_list(session, ctx, data=data)
            return rate_list.id

        new_id, problem = self._run(work, may=Action.RATES_EDIT, errors="create_errors")
        errors = {FORM_NAMES.get(k, k): v for k, v in self.create_errors.items()} | tier_error
        if errors and new_id is None:
            required = ["supplier_id", "name", "currency", "valid_from", "valid_to"]
            errors |= blank_fields(form, required)
        self.create_errors = errors
        if new_id is None:
            return problem or (
                rx.toast.error("The cancellation terms need attention.") if tier_error else None
            )
        self.create_open = False
        return rx.redirect(routes.rate_list(new_id))

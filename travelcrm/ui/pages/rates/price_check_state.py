"""The price check tab: what a quote would get from this supplier's published lists for a
stay (or a vehicle's day), night by night, which list priced it — or why there is no price."""

from __future__ import annotations

from typing import Any

from reflex.event import EventSpec

from travelcrm.core.clock import to_local
from travelcrm.core.errors import DomainError
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.rates import pricing
from travelcrm.rates.models import Market, Occupancy
from travelcrm.rates.schemas import PriceQuery
from travelcrm.ui.components.money import format_date, format_money
from travelcrm.ui.events import event
from travelcrm.ui.pages.rates.rows import PC_ANY_BASIS, NightRow
from travelcrm.ui.pages.rates.state import RateListState
from travelcrm.ui.pages.rates.text import (
    NO_PRICE_REASONS,
    blank_fields,
    part_text,
    priced_from,
    service_words,
    tiers_text,
)


def _names(text: Any) -> list[str]:
    """ "Night driving, Toll" -> ["Night driving", "Toll"]"""
    return [part.strip() for part in str(text or "").split(",") if part.strip()]


class RatePriceCheckState(RateListState):
    pc_service: str = ""
    pc_vehicle: bool = False  # the service checked is a vehicle: km, hours and transfers asked
    quote_rows: list[NightRow] = []
    quote_total_net: str = ""
    quote_total_sell: str = ""
    quote_note: str = ""
    quote_source: str = ""  # which list priced it (a specific market's before all markets')
    quote_reason: str = ""
    quote_error: str = ""
    quote_errors: dict[str, str] = {}

    def _forget(self) -> None:
        self._clear_answer()

    def _clear_answer(self) -> None:
        self.quote_rows, self.quote_error, self.quote_reason, self.quote_note = [], "", "", ""
        self.quote_total_net = self.quote_total_sell = self.quote_source = ""

    @event
    def set_pc_service(self, value: str) -> None:
        self.pc_service = value if value in self._service_names else ""
        self.pc_vehicle = self.pc_service in self._vehicle_ids

    def _query(self, form: dict[str, Any], ages: list[int]) -> PriceQuery:
        basis = form.get("basis")
        return PriceQuery.model_validate(
            {
                "service_id": form.get("service_id") or None,
                "check_in": form.get("check_in") or None,
                "nights": form.get("nights") or 1,
                "occupancy": form.get("occupancy") or Occupancy.DOUBLE.value,
                "rooms": form.get("rooms") or 1,
                "adults": form.get("adults") or 0,
                "child_ages": ages,
                "children_with_bed": form.get("children_with_bed") or 0,
                "market": self._market_value
                if self._market_value in {m.value for m in Market}
                else Market.ALL.value,
                "basis": None if basis in (None, "", PC_ANY_BASIS) else basis,
                "km": form.get("km") or None,
                "hours": form.get("hours") or None,
                "transfers": form.get("transfers") or 1,
                "supplements": _names(form.get("supplements")),
            }
        )

    def _show(self, quote: pricing.PriceQuote) -> None:
        self.quote_rows = [
            NightRow(
                night=f"{n.night:%a} {format_date(n.night)}",
                net=format_money(n.net, quote.currency),
                sell=format_money(n.sell, quote.currency),
                parts=" + ".join(part_text(p, quote.currency) for p in n.parts),
            )
            for n in quote.nights
        ]
        self.quote_total_net = format_money(quote.total_net, quote.currency)
        self.quote_total_sell = format_money(quote.total_sell, quote.currency)
        published = (
            to_local(quote.published_at, self._timezone).date() if quote.published_at else None
        )
        self.quote_source = priced_from(quote.rate_list_name, quote.market, published)
        self.quote_note = f"Cancellation: {tiers_text(quote.cancellation_tiers)}."

    @event
    def check_price(self, form: dict[str, Any]) -> EventSpec | None:
        self._clear_answer()
        self.quote_errors = {}
        try:
            ages = [int(a) for a in _names(str(form.get("child_ages", "")).replace(";", ","))]
        except ValueError:
            self.quote_errors = {"child_ages": "Ages are whole numbers, e.g. 8, 4"}
            return None

        def work(session: Session, ctx: TenantContext) -> pricing.PriceQuote:
            query = self._query(form, ages)
            try:
                return pricing.quote_price(session, ctx, query)
            except DomainError as exc:  # no price, said in words on the page (not a toast)
                if isinstance(exc, pricing.NoPriceError):
                    self.quote_reason = NO_PRICE_REASONS.get(exc.reason, "No price")
                self.quote_error = service_words(exc.detail)
                raise

        quote, problem = self._run(work, may=Action.RATES_VIEW, errors="quote_errors")
        if self.quote_errors:
            self.quote_errors |= blank_fields(form, ["service_id", "check_in"])
        if quote is None:
            return None if self.quote_error or self.quote_errors else problem
        self._show(quote)
        return None

"""The quote settings page's handlers called straight, as a websocket event would call them:
the signed-out go to sign-in and an agent is refused; each section saves on its own with every
problem at its field in one pass (a percent deposit over 100 included), the other sections'
edits kept; what is saved is what new quotes copy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.accounts.test_accounts import _verified
from tests.api.test_users_api import _staff
from tests.ui.harness import bare_state, said, signed_in_token, specs
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.quotes import services as quotes
from travelcrm.ui.events import plain
from travelcrm.ui.pages.quotes.list_state import QuotesState
from travelcrm.ui.pages.quotes.settings_state import QuoteSettingsState as S

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")
PATH = "/quotes/settings"


def _agency() -> tuple[TenantContext, str]:
    result = _verified()
    return TenantContext(result.tenant.id, result.user.id, Role.OWNER), result.user.email


def _page(token: str) -> Any:
    state = bare_state(S, token, PATH)
    plain(S.load)(state)
    return state


def _saved(ctx: TenantContext) -> Any:
    with tenant_scope(ctx) as session:
        return quotes.quote_settings(session, ctx)


def test_signed_out_go_to_sign_in_and_agents_are_refused() -> None:
    state = bare_state(S, "", PATH)
    redirects = [s for s in specs(plain(S.load)(state)) if s.handler.fn.__qualname__ == "_redirect"]
    assert redirects and not state.allowed
    ctx, email = _agency()
    agent = _page(signed_in_token(_staff(ctx.tenant_id, Role.AGENT)))
    assert agent.loaded and not agent.allowed and agent.values == {}
    plain(S.set_value)(agent, "validity_days", "3")
    assert "cannot" in said(plain(S.save)(agent, "validity")).lower()
    assert _saved(ctx).validity_days == 14
    listing = bare_state(QuotesState, signed_in_token(_staff(ctx.tenant_id, Role.AGENT)), "/quotes")
    plain(QuotesState.load)(listing)
    assert not listing.can_configure
    owners = bare_state(QuotesState, signed_in_token(email), "/quotes")
    plain(QuotesState.load)(owners)
    assert owners.can_configure


def test_each_section_saves_with_its_problems_at_their_fields() -> None:
    ctx, email = _agency()
    page = _page(signed_in_token(email))
    assert page.allowed and page.values["validity_days"] == "14" and not page.dirty
    plain(S.set_value)(page, "terms", "Deposits are not refunded.")  # another section, kept
    plain(S.set_value)(page, "deposit_value", "abc")
    plain(S.set_value)(page, "balance_days_before", "-4")
    assert page.unsaved == ["payment", "words"] and page.dirty
    assert "need attention" in said(plain(S.save)(page, "payment"))
    assert set(page.errors) == {"deposit_value", "balance_days_before"}
    plain(S.set_value)(page, "deposit_value", "120")
    assert "deposit_value" not in page.errors  # typing clears the field's message
    plain(S.set_value)(page, "balance_days_before", "40")
    answer = said(plain(S.save)(page, "payment"))
    assert "Payment schedule saved." not in answer
    assert set(page.errors) == {"deposit_value"} and "100" in page.errors["deposit_value"]
    plain(S.set_value)(page, "deposit_kind", "nonsense")  # ignored
    plain(S.set_value)(page, "deposit_kind", "amount")
    assert "Payment schedule saved." in said(plain(S.save)(page, "payment"))
    saved = _saved(ctx)
    assert (saved.deposit_kind, saved.deposit_value, saved.balance_days_before) == (
        "amount",
        Decimal(120),
        40,
    )
    assert saved.terms == "" and page.values["terms"] == "Deposits are not refunded."
    assert page.unsaved == ["words"] and page.errors == {}
    assert "saved" in said(plain(S.save)(page, "words"))
    assert _saved(ctx).terms == "Deposits are not refunded." and not page.dirty
    plain(S.set_value)(page, "reference_prefix", "go a!")
    assert "need attention" in said(plain(S.save)(page, "numbering"))
    assert "reference_prefix" in page.errors
    plain(S.discard)(page, "numbering")
    assert page.values["reference_prefix"] == "" and page.errors == {} and not page.dirty

"""The import page's "Words in price cells" panel: what an operator sees and saves, what an
agent only reads, and that each agency keeps its own words."""

from __future__ import annotations

from typing import Any

from tests.accounts.test_accounts import PASSWORD
from tests.ui.test_rates_pages import _owner_contract, _signed_in, _state
from travelcrm.accounts import services as accounts
from travelcrm.core.permissions import Role
from travelcrm.db import system_scope, tenant_scope
from travelcrm.rates import services as rates
from travelcrm.rates.pricewords import DEFAULT_ZERO_WORDS
from travelcrm.ui.events import plain
from travelcrm.ui.pages.ratesheets.words import PriceWordsState, words_of


def _panel(email: str) -> Any:
    state = _state(PriceWordsState, _signed_in(email), "/rates/x/import")
    plain(PriceWordsState.load)(state)
    return state


def test_words_are_one_per_line() -> None:
    assert words_of("FOC\n\n  Incl. \r\nSin cargo\n") == ["FOC", "Incl.", "Sin cargo"]


def test_an_operator_sees_the_built_in_words_and_saves_the_agencys_own(migrated_engine) -> None:
    email, contract = _owner_contract()
    panel = _panel(email)
    assert panel.can_edit and panel.is_default
    assert panel.zero_text.splitlines() == list(DEFAULT_ZERO_WORDS)
    plain(PriceWordsState.set_zero_text)(panel, "FOC\nComplimentary\nfoc.")
    plain(PriceWordsState.set_no_price_text)(panel, "On request\n\nN/A")
    plain(PriceWordsState.save)(panel)
    assert panel.error == "" and not panel.is_default
    assert panel.zero_text == "FOC\nComplimentary"  # "foc." is "FOC" again
    with tenant_scope(contract.ctx) as session:
        saved = rates.get_price_words(session, contract.ctx)
    assert (saved.zero, saved.no_price) == (["FOC", "Complimentary"], ["On request", "N/A"])

    plain(PriceWordsState.set_no_price_text)(panel, "Complimentary")  # in both lists
    plain(PriceWordsState.save)(panel)
    assert "also in the words for 0" in panel.error
    plain(PriceWordsState.set_zero_text)(panel, "2 for 1")
    plain(PriceWordsState.save)(panel)
    assert panel.error.startswith("Words only")
    plain(PriceWordsState.use_defaults)(panel)
    plain(PriceWordsState.save)(panel)
    assert panel.error == ""
    assert _panel(email).zero_text.splitlines() == list(DEFAULT_ZERO_WORDS)

    other_email, _other = _owner_contract()
    assert _panel(other_email).is_default  # another agency: its own (built-in) words


def test_an_agent_reads_the_words_but_cannot_save_them(migrated_engine) -> None:
    _email, contract = _owner_contract()
    with system_scope() as session:
        accounts.add_member(
            session,
            tenant_id=contract.ctx.tenant_id,
            email="agent.words@example.com",
            name="Agent",
            password=PASSWORD,
            role=Role.AGENT,
            verified=True,
        )
    panel = _panel("agent.words@example.com")
    assert not panel.can_edit and panel.zero_text
    plain(PriceWordsState.set_zero_text)(panel, "Nothing")
    plain(PriceWordsState.save)(panel)
    assert panel.error  # refused by the service
    with tenant_scope(contract.ctx) as session:
        assert rates.get_price_words(session, contract.ctx).is_default

"""Words in price cells ("Complimentary" is 0, "On request" no price): the one parser the grid,
the REST API and the sheet import share, the agency's own lists, and the grid's edits. Runs on
SQLite and PostgreSQL (TEST_BACKEND)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import select

from tests.api.test_envelope_and_problems import assert_problem
from tests.rates.factories import agency_context, line_in, make_contract
from tests.rates.test_api import _client_for
from travelcrm.core.errors import PermissionDeniedError, ValidationFailedError
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.rates.models import RateLine
from travelcrm.rates.pricewords import (
    DEFAULT_NO_PRICE_WORDS,
    DEFAULT_ZERO_WORDS,
    PriceWord,
    PriceWords,
    default_price_words,
    price_word,
    word_key,
)
from travelcrm.rates.schemas import LineIn, LinePatch, PriceWordsIn

DEFAULTS = default_price_words()


# ---- the parser -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "meaning"),
    [
        ("Complimentary", PriceWord.ZERO),
        ("  FREE ", PriceWord.ZERO),
        ("foc", PriceWord.ZERO),
        ("F.O.C.", PriceWord.ZERO),
        ("Incl.", PriceWord.ZERO),
        ("Included", PriceWord.ZERO),
        ("NIL", PriceWord.ZERO),
        ("inkl.", PriceWord.ZERO),  # German
        ("Gratuit", PriceWord.ZERO),  # French
        ("Sin cargo", PriceWord.ZERO),  # Spanish
        ("Omaggio", PriceWord.ZERO),  # Italian
        ("Gratis", PriceWord.ZERO),  # Portuguese, Indonesian
        ("gratis", PriceWord.ZERO),
        ("Incluído", PriceWord.ZERO),
        ("Termasuk", PriceWord.ZERO),  # Indonesian
        ("On request", PriceWord.NO_PRICE),
        ("on  REQUEST.", PriceWord.NO_PRICE),
        ("N/A", PriceWord.NO_PRICE),
        ("n.a.", PriceWord.NO_PRICE),
        ("-", PriceWord.NO_PRICE),
        ("\u2014", PriceWord.NO_PRICE),  # em dash
        ("\u2013", PriceWord.NO_PRICE),  # en dash
        ("--", PriceWord.NO_PRICE),
        ("TBA", PriceWord.NO_PRICE),
        ("Auf Anfrage", PriceWord.NO_PRICE),
        ("sur demande", PriceWord.NO_PRICE),
        ("Bajo peticion", PriceWord.NO_PRICE),  # accents or not
        ("Su richiesta", PriceWord.NO_PRICE),
        ("Sob consulta", PriceWord.NO_PRICE),
        ("Atas permintaan", PriceWord.NO_PRICE),
        ("", None),  # a blank cell is never 0
        ("   ", None),
        (None, None),
        (0, None),
        ("0", None),
        ("-500", None),  # a negative amount, not a dash
        ("Free upgrade", None),  # whole-cell only
        ("Complimentary breakfast", None),
        ("Rates on request for groups", None),
    ],
)
def test_price_words_match_whole_cells_ignoring_case_accents_and_dots(
    cell: object, meaning: PriceWord | None
) -> None:
    assert price_word(cell, DEFAULTS) is meaning


def test_the_defaults_are_one_list_per_meaning_and_no_word_means_both() -> None:
    zero = {word_key(w) for w in DEFAULT_ZERO_WORDS}
    no_price = {word_key(w) for w in DEFAULT_NO_PRICE_WORDS}
    assert not zero & no_price
    assert len(zero) == len(DEFAULT_ZERO_WORDS) and len(no_price) == len(DEFAULT_NO_PRICE_WORDS)
    assert "" not in zero | no_price


_punctuation = st.sampled_from(["", ".", " ", "  ", ":", "*", "!"])


@given(
    word=st.sampled_from(DEFAULT_ZERO_WORDS + DEFAULT_NO_PRICE_WORDS),
    upper=st.booleans(),
    before=st.sampled_from(["", " ", "  "]),
    after=_punctuation,
)
def test_any_spelling_of_a_word_keeps_its_meaning(
    word: str, upper: bool, before: str, after: str
) -> None:
    expected = DEFAULTS.meaning(word)
    assert expected is not None
    written = word.upper() if upper else word.lower()
    cell = before + written + after
    assert price_word(cell, DEFAULTS) is expected


@given(amount=st.decimals(min_value=0, max_value=10**9, places=2))
def test_no_amount_is_a_price_word(amount: Decimal) -> None:
    for text in (str(amount), f"{amount:,}", f"Rs. {amount}"):
        assert price_word(text, DEFAULTS) is None


def test_an_agencys_own_words_replace_the_defaults() -> None:
    own = PriceWords(zero=("Cortesía de la casa",), no_price=("Preguntar",))
    assert price_word("cortesia de la casa", own) is PriceWord.ZERO
    assert price_word("PREGUNTAR", own) is PriceWord.NO_PRICE
    assert price_word("Complimentary", own) is None


# ---- the agency's lists -----------------------------------------------------------------------


def _words(ctx: TenantContext) -> tuple[list[str], list[str], bool]:
    with tenant_scope(ctx) as session:
        found = rates.get_price_words(session, ctx)
        return found.zero, found.no_price, found.is_default


def test_an_agency_starts_with_the_defaults_and_keeps_its_own_lists(migrated_engine) -> None:
    ctx, other = agency_context(), agency_context()
    assert _words(ctx) == (list(DEFAULT_ZERO_WORDS), list(DEFAULT_NO_PRICE_WORDS), True)
    with tenant_scope(ctx) as session:
        saved = rates.update_price_words(
            session,
            ctx,
            data=PriceWordsIn(zero=[" Comp ", "FOC", "f.o.c."], no_price=["Ask us", "N/A"]),
        )
    assert (saved.zero, saved.no_price) == (["Comp", "FOC"], ["Ask us", "N/A"])  # one per key
    assert _words(ctx) == (["Comp", "FOC"], ["Ask us", "N/A"], False)
    assert _words(other)[2] is True  # another agency still has the defaults
    with tenant_scope(ctx) as session, pytest.raises(ValidationFailedError) as refused:
        rates.update_price_words(
            session, ctx, data=PriceWordsIn(zero=["Free", "Gratis"], no_price=["free.", "NA"])
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [("no_price", "both")]
    with pytest.raises(ValidationError):  # an amount is no word
        PriceWordsIn(zero=["2 for 1"], no_price=[])
    assert _words(ctx)[:2] == (["Comp", "FOC"], ["Ask us", "N/A"])  # unchanged
    agent = TenantContext(ctx.tenant_id, ctx.user_id, Role.AGENT)
    with tenant_scope(agent) as session, pytest.raises(PermissionDeniedError):
        rates.update_price_words(session, agent, data=PriceWordsIn(zero=[], no_price=[]))


# ---- the grid and the REST API ----------------------------------------------------------------


def _double_lean(contract) -> RateLine:  # type: ignore[no-untyped-def]
    with tenant_scope(contract.ctx) as session:
        line = session.exec(
            select(RateLine).where(
                RateLine.version_id == contract.version_id,
                RateLine.season_id == contract.lean_id,
                RateLine.occupancy == "double",
            )
        ).one()
        session.expunge(line)
        return line


def test_a_grid_edit_reads_price_words_with_the_agencys_lists(migrated_engine) -> None:
    contract = make_contract(publish=False)
    line = _double_lean(contract)
    with tenant_scope(contract.ctx) as session:
        edited = rate_lines.update_line(
            session,
            contract.ctx,
            line_id=line.id,
            data=LinePatch(row_version=contract.lock(), net="FOC"),
        )
        assert edited.net == Decimal(0)
    for word, code in (("On request", "no_price"), ("call us", "not_a_price")):
        with tenant_scope(contract.ctx) as session, pytest.raises(ValidationFailedError) as no:
            rate_lines.update_line(
                session,
                contract.ctx,
                line_id=line.id,
                data=LinePatch(row_version=contract.lock(), net=word),
            )
        assert [(e.field, e.code) for e in no.value.errors] == [("net", code)]
    with tenant_scope(contract.ctx) as session, pytest.raises(ValidationFailedError) as no:
        rate_lines.update_line(
            session,
            contract.ctx,
            line_id=line.id,
            data=LinePatch(row_version=contract.lock(), net="on request"),
        )
    assert "this cell needs a price, or delete the line" in no.value.errors[0].message
    assert _double_lean(contract).net == Decimal(0)  # the refused edits changed nothing
    with tenant_scope(contract.ctx) as session:
        rates.update_price_words(
            session, contract.ctx, data=PriceWordsIn(zero=["call us"], no_price=[])
        )
        edited = rate_lines.update_line(
            session,
            contract.ctx,
            line_id=line.id,
            data=LinePatch(row_version=contract.lock(), net="6500"),
        )
        assert edited.net == Decimal(6500)
    with tenant_scope(contract.ctx) as session:
        contract.add_lines(
            session,
            lines=[
                LineIn(
                    service_id=contract.room_id,
                    season_id=contract.lean_id,
                    basis="per_room",
                    occupancy="triple",
                    net="Call Us",  # the agency's own word for 0
                    sell="call us.",
                )
            ],
        )
    with tenant_scope(contract.ctx) as session, pytest.raises(ValidationFailedError) as no:
        contract.add_lines(
            session,
            lines=[
                line_in(
                    contract.room_id,
                    contract.peak_id,
                    "per_room",
                    occupancy="triple",
                    net=Decimal(100),
                ),
                LineIn(
                    service_id=contract.room_id,
                    season_id=contract.peak_id,
                    basis="per_room",
                    occupancy="quad",
                    net="FOC",  # no longer a word of this agency
                ),
            ],
        )
    assert [(e.row, e.field, e.code) for e in no.value.errors] == [(2, "net", "not_a_price")]


def test_price_words_over_rest_with_etag(migrated_engine) -> None:
    contract = make_contract(publish=False)
    client = _client_for(contract)
    read = client.get("/api/rate-price-words")
    assert read.status_code == 200, read.text
    assert read.json()["data"]["is_default"] is True
    assert "Complimentary" in read.json()["data"]["zero"]
    etag = read.headers["etag"]
    body = {"zero": ["Complimentary", "FOC"], "no_price": ["On request"]}
    saved = client.put("/api/rate-price-words", json=body, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.text
    assert saved.json()["data"] == body | {"is_default": False}
    stale = client.put("/api/rate-price-words", json=body, headers={"If-Match": etag})
    assert_problem(stale, 412, "precondition_failed")
    assert_problem(
        client.put("/api/rate-price-words", json={"zero": ["1 free"], "no_price": []}),
        422,
        "validation_failed",
    )
    assert_problem(
        client.put("/api/rate-price-words", json=body | {"tenant_id": str(uuid.uuid4())}),
        422,
        "validation_failed",
    )
    # the grid's REST edit takes the words
    line = _double_lean(contract)
    patched = client.patch(
        f"/api/rate-lines/{line.id}", json={"row_version": contract.lock(), "net": "foc"}
    )
    assert patched.status_code == 200, patched.text
    assert Decimal(patched.json()["data"]["net"]) == 0
    refused = client.patch(
        f"/api/rate-lines/{line.id}", json={"row_version": contract.lock(), "net": "On request"}
    )
    body_ = assert_problem(refused, 422, "validation_failed")
    assert body_["errors"][0]["field"] == "net"
    # an agent reads the words but cannot change them; another agency has its own
    agent = _client_for(contract, Role.AGENT)
    assert agent.get("/api/rate-price-words").json()["data"]["zero"] == body["zero"]
    assert agent.put("/api/rate-price-words", json=body).status_code == 403
    stranger = _client_for(make_contract(publish=False))
    assert stranger.get("/api/rate-price-words").json()["data"]["is_default"] is True


def test_two_first_saves_at_once_both_land(migrated_engine) -> None:
    """The agency's row is made by an upsert: a second first save while the first is still
    open waits for it and then replaces its lists, instead of failing on the unique key."""
    import threading

    ctx = agency_context()
    started, failures = threading.Event(), []

    def first() -> None:
        with tenant_scope(ctx) as session:
            rates.update_price_words(session, ctx, data=PriceWordsIn(zero=["Comp"], no_price=[]))
            started.set()
            threading.Event().wait(0.3)  # still open while the second one writes

    def second() -> None:
        started.wait(10)
        try:
            with tenant_scope(ctx) as session:
                rates.update_price_words(
                    session, ctx, data=PriceWordsIn(zero=["FOC"], no_price=["N/A"])
                )
        except Exception as exc:  # (reported below, with its type)
            failures.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert _words(ctx) == (["FOC"], ["N/A"], False)

"""Cached price lookups are never stale: a publish (or a restriction or allotment change) is
seen by the next lookup after it commits, in this thread, in another thread and in another
process sharing the database (and Redis on the PostgreSQL run). The windows that used to go
wrong are forced open with a hook on the publishing transaction, so the tests do not depend on
timing: a lookup lands after the publish's changes were flushed and before they commit."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.rates.factories import Contract, make_contract, publish_accepting_gaps
from travelcrm.db import tenant_scope
from travelcrm.rates import availability, pricing
from travelcrm.rates import services as rates
from travelcrm.rates.schemas import AllotmentIn, PriceQuery, RestrictionIn

CHECK_IN = date(2027, 5, 1)  # the lean season: a double room 6,000 net, 6,600 once raised
WAIT = 30.0  # seconds: a bound on every wait, never a sleep


def _net(contract: Contract) -> Decimal:
    query = PriceQuery(service_id=contract.room_id, check_in=CHECK_IN)
    with tenant_scope(contract.ctx) as session:
        return pricing.quote_price(session, contract.ctx, query).total_net


def _raised_draft(contract: Contract) -> tuple[uuid.UUID, int]:
    """A new draft of the contract with every room price 10% up (not published)."""
    with tenant_scope(contract.ctx) as session:
        draft = rates.new_draft(session, contract.ctx, version_id=contract.version_id)
        applied = contract.raise_rooms(session, draft.id, draft.row_version, dry_run=False)
        return draft.id, applied.row_version


def _publish(
    contract: Contract, draft_id: uuid.UUID, lock: int, before_commit: Callable[[], None]
) -> None:
    """Publish the draft; `before_commit` runs once the publish is flushed, before COMMIT."""
    with tenant_scope(contract.ctx) as session:
        event.listen(session, "before_commit", lambda _session: before_commit(), once=True)
        publish_accepting_gaps(session, contract.ctx, draft_id, lock)


def test_a_lookup_racing_a_publish_in_another_thread_never_keeps_the_old_price(
    migrated_engine,
) -> None:
    contract = make_contract()
    assert _net(contract) == Decimal("6000.00")  # cached
    draft_id, lock = _raised_draft(contract)
    answers: list[tuple[bool, Decimal]] = []  # (started after the publish returned, net)
    done = threading.Condition()
    published = threading.Event()
    stop = threading.Event()
    failures: list[BaseException] = []

    def keep_looking_up() -> None:
        try:
            while not stop.is_set():
                after = published.is_set()
                net = _net(contract)
                with done:
                    answers.append((after, net))
                    done.notify_all()
        except BaseException as exc:
            failures.append(exc)
            with done:
                done.notify_all()

    def wait_for(more: int, *, after_publish: bool = False) -> None:
        """Until `more` lookups that started from now on have answered (bounded)."""
        with done:
            start = len(answers)

            def enough() -> bool:
                fresh = answers[start:]
                if after_publish:
                    fresh = [a for a in fresh if a[0]]
                return bool(failures) or len(fresh) >= more

            assert done.wait_for(enough, timeout=WAIT), "the lookup thread stalled"

    looker = threading.Thread(target=keep_looking_up, daemon=True)
    looker.start()
    try:
        # the window the old code lost: lookups after the cache was forgotten, before COMMIT
        _publish(contract, draft_id, lock, before_commit=lambda: wait_for(2))
        published.set()
        wait_for(3, after_publish=True)
    finally:
        stop.set()
        looker.join(WAIT)
    assert not failures, failures
    assert _net(contract) == Decimal("6600.00")
    assert {net for after, net in answers if after} == {Decimal("6600.00")}
    assert Decimal("6000.00") in {net for after, net in answers if not after}


class QuoteProcess:
    """Another process looking prices up in the same database (and Redis)."""

    def __init__(self) -> None:
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.rates.quote_worker"],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def net(self, contract: Contract) -> str:
        asked = {
            "tenant_id": str(contract.ctx.tenant_id),
            "user_id": str(contract.ctx.user_id),
            "service_id": str(contract.room_id),
            "check_in": CHECK_IN.isoformat(),
        }
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(asked) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], WAIT)
        assert ready, "the lookup process did not answer"
        answer = json.loads(self.process.stdout.readline())
        return str(answer.get("net") or answer["error"])

    def close(self) -> None:
        try:
            self.process.communicate(timeout=WAIT)  # closes its input: the process ends
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.communicate()


@pytest.fixture
def other_process() -> Iterator[QuoteProcess]:
    process = QuoteProcess()
    yield process
    process.close()


def test_a_publish_is_seen_at_once_by_another_process(
    migrated_engine, other_process: QuoteProcess
) -> None:
    contract = make_contract()
    assert other_process.net(contract) == "6000.00"  # cached over there
    draft_id, lock = _raised_draft(contract)
    window: list[str] = []
    _publish(
        contract, draft_id, lock, before_commit=lambda: window.append(other_process.net(contract))
    )
    assert window == ["6000.00"]  # not committed yet: the old price, kept under the old generation
    assert other_process.net(contract) == "6600.00"  # the very next lookup after the commit
    assert _net(contract) == Decimal("6600.00")


def test_restrictions_and_allotments_void_cached_prices_everywhere(
    migrated_engine, other_process: QuoteProcess
) -> None:
    contract = make_contract()
    assert other_process.net(contract) == "6000.00"
    assert _net(contract) == Decimal("6000.00")
    with tenant_scope(contract.ctx) as session:
        stop = availability.add_restriction(
            session,
            contract.ctx,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                kind="stop_sale",
                starts_on=CHECK_IN,
                ends_on=CHECK_IN,
            ),
        )
    assert other_process.net(contract) == "stop_sale"
    with tenant_scope(contract.ctx) as session:
        availability.delete_restriction(session, contract.ctx, restriction_id=stop.id)
    assert other_process.net(contract) == "6000.00"
    with tenant_scope(contract.ctx) as session:
        availability.set_allotment(
            session,
            contract.ctx,
            data=AllotmentIn(
                service_id=contract.room_id, starts_on=CHECK_IN, ends_on=CHECK_IN, units=0
            ),
        )
    assert other_process.net(contract) == "allotment_exhausted"
    with pytest.raises(pricing.NoPriceError):
        _net(contract)


def test_a_rolled_back_publish_leaves_no_price_in_the_cache(migrated_engine) -> None:
    contract = make_contract()
    assert _net(contract) == Decimal("6000.00")
    draft_id, lock = _raised_draft(contract)
    query = PriceQuery(service_id=contract.room_id, check_in=CHECK_IN)
    with pytest.raises(RuntimeError), tenant_scope(contract.ctx) as session:
        publish_accepting_gaps(session, contract.ctx, draft_id, lock)
        # the publishing session sees its own new price, but must not share it before COMMIT
        assert pricing.quote_price(session, contract.ctx, query).total_net == Decimal("6600.00")
        raise RuntimeError("the request fails after the publish: all of it rolls back")
    assert _net(contract) == Decimal("6000.00")

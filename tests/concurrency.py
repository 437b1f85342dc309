"""Running calls at the same moment, each in its own thread (with its own unit of work), for
the tests that neighbours cannot break each other's requests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(calls: list[Callable[[], Any]], *, timeout: float = 60.0) -> list[Any]:
    """Start every call together (a barrier) and wait for all; each call's return value or the
    exception it raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait(timeout)
        try:
            outcomes[index] = call()
        except BaseException as exc:  # (returned to the test, which names what it expects)
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a call did not finish in time"
    return outcomes


def errors_of(outcomes: list[Any], *allowed: type[BaseException]) -> list[BaseException]:
    """The exceptions among the outcomes that are not of the allowed kinds."""
    return [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, allowed)]

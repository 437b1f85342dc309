"""Two requests at the same moment, made deterministic: each runs in its own thread with its
own session, and both are held just before their first write to a table until both got there
(so both read the same version first). The database decides who wins."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event


def race(engine: Engine, table: str, *calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` at once; each one's result, or the exception it raised."""
    barrier = threading.Barrier(len(calls), timeout=15)
    held = threading.local()
    marker = f"UPDATE {table.lower()} "

    def hold(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        racing = getattr(held, "racing", False)
        if racing and not getattr(held, "passed", False) and statement.lower().startswith(marker):
            held.passed = True
            # broken: the other one waits on a lock the database took earlier, fine too
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        held.racing = True
        try:
            results[index] = call()
        except Exception as exc:
            results[index] = exc

    event.listen(engine, "before_cursor_execute", hold)
    try:
        threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(engine, "before_cursor_execute", hold)
    return results

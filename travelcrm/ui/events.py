"""`@event`: Reflex's `@rx.event` for handlers that block (the database, files).

Reflex runs a synchronous handler on the web worker's event loop, so while one tab's handler
waits for the database every other tab and every API request on that worker waits too: events
are handled one at a time per process. `@event` runs a synchronous handler in a worker thread
instead (the tab's state stays locked for it, as before; other tabs go on meanwhile), in an
`event_scope` (the viewer is identified once per handler until it commits). The function
stays as written; `plain(Handler)` gives it back for tests that call it directly.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import reflex as rx

from travelcrm.ui.session import event_scope


def _event(fn: Callable[..., Any]) -> Any:
    if (
        inspect.iscoroutinefunction(fn)
        or inspect.isasyncgenfunction(fn)
        or inspect.isgeneratorfunction(fn)  # its yields are sent as they come: stays on the loop
    ):
        return rx.event(fn)

    def scoped(self: Any, *args: Any, **kwargs: Any) -> Any:
        with event_scope():
            return fn(self, *args, **kwargs)

    @functools.wraps(fn)
    async def in_a_thread(self: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(scoped, self, *args, **kwargs)

    return rx.event(in_a_thread)


if TYPE_CHECKING:  # type checkers see Reflex's own decorator: the same handler types and checks
    event = rx.event
else:
    event = _event


def plain(handler: Any) -> Callable[..., Any]:
    """The handler's own function (what `@event` wrapped), to call it directly in tests."""
    fn = handler.fn if hasattr(handler, "fn") else handler
    return getattr(fn, "__wrapped__", fn)

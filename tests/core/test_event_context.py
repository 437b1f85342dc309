"""Reflex event handlers run under their own correlation id (the Reflex event middleware)."""

from __future__ import annotations

import asyncio
import contextvars

from travelcrm.core.context import request_id_var, valid_request_id
from travelcrm.ui.middleware import EventContextMiddleware


def test_each_event_gets_its_own_correlation_id() -> None:
    middleware = EventContextMiddleware()

    async def one_event() -> str | None:
        result = await middleware.preprocess(
            app=None, state=None, event=type("E", (), {"name": "x.y"})()
        )  # type: ignore[arg-type]
        assert result is None  # never short-circuits the handler
        return request_id_var.get()

    ids = [contextvars.copy_context().run(asyncio.run, one_event()) for _ in range(3)]
    assert all(i is not None and i.startswith("evt-") and valid_request_id(i) for i in ids)
    assert len(set(ids)) == 3

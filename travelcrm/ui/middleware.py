"""Reflex event middleware: every event handler logs under its own correlation id."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from reflex.middleware import Middleware

from travelcrm.core.context import new_request_id, request_id_var

if TYPE_CHECKING:
    from reflex.app import App
    from reflex.state import BaseState, StateUpdate
    from reflex_base.event import Event

logger = logging.getLogger("travelcrm.ui.events")


class EventContextMiddleware(Middleware):
    async def preprocess(self, app: App, state: BaseState, event: Event) -> StateUpdate | None:
        request_id_var.set(new_request_id("evt-"))
        logger.debug("event %s", event.name)
        return None

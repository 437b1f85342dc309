"""The "Why was it lost?" question, asked the same way on the query page and on the board:
the agency's reasons to choose from, and the one chosen."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.queries import services as queries
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage


class AsksWhyLost(StaffPage, mixin=True):
    lost_open: bool = False
    lost_reason: str = ""
    reasons: list[str] = []

    def _ask_why_lost(self) -> EventSpec | None:
        """Open the question with the agency's reasons (none chosen yet)."""
        reasons, failed = self._run(queries.lost_reasons)
        if reasons is None:
            return failed
        self.reasons, self.lost_reason, self.lost_open = reasons, "", True
        return None

    def _why_lost(self) -> str | EventSpec:
        """The reason chosen (the question closes), or what to say when there is none."""
        if not self.lost_reason:
            return rx.toast.error("Choose why it was lost.")
        self.lost_open = False
        return self.lost_reason

    @event
    def set_lost_open(self, value: bool) -> None:
        self.lost_open = bool(value)

    @event
    def set_lost_reason(self, value: str) -> None:
        self.lost_reason = value if value in self.reasons else ""

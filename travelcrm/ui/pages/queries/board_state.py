"""Board state: open and recently closed queries in a column per status. A card dropped on
another column (or moved with its menu) goes through the status machine at the version the
board read: a refused move says which states are allowed, "Lost" asks for the reason first,
and a query someone else changed meanwhile is a conflict (the board reloads)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.errors import VersionConflictError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.queries import services as queries
from travelcrm.queries.machine import CLOSED_STATUSES, QueryStatus
from travelcrm.queries.schemas import QueryFilter
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.queries.lost import AsksWhyLost
from travelcrm.ui.pages.queries.text import (
    BOARD_COLUMNS,
    MOVE_ORDER,
    STATUS_WORDS,
    QueryRow,
    labelled_queries,
    query_row,
)
from travelcrm.ui.record import GatedPage
from travelcrm.ui.session import Viewer

OPEN_LIMIT = 20  # cards per open column (the newest; the list has them all)
CLOSED_LIMIT = 10  # won and lost: the most recent ones
TARGETS = frozenset(s.value for s in MOVE_ORDER)


class BoardState(AsksWhyLost, GatedPage, rx.State):
    can_move: bool = False
    can_create: bool = False
    cards: dict[str, list[QueryRow]] = {s.value: [] for s in BOARD_COLUMNS}
    more: dict[str, bool] = {s.value: False for s in BOARD_COLUMNS}
    # the "Why was it lost?" dialog
    lost_reference: str = ""
    _lost_query: str = ""
    _refused_move: str = ""

    def _fill(self, viewer: Viewer) -> EventSpec | None:
        def work(session: Session, ctx: TenantContext) -> None:
            cards: dict[str, list[QueryRow]] = {}
            more: dict[str, bool] = {}
            for status in BOARD_COLUMNS:
                items, next_cursor = labelled_queries(
                    session,
                    ctx,
                    filters=QueryFilter(status=[status]),
                    limit=CLOSED_LIMIT if status in CLOSED_STATUSES else OPEN_LIMIT,
                )
                cards[status.value] = [
                    query_row(i, label, viewer.agency_timezone) for i, label in items
                ]
                more[status.value] = next_cursor is not None
            self.cards, self.more = cards, more

        return self._run(work)[1]

    def _conflict(self, exc: VersionConflictError) -> EventSpec:
        return rx.toast.error(exc.detail)  # the board shows the query as it is now

    def _card(self, query_id: str) -> QueryRow | None:
        return next(
            (c for column in self.cards.values() for c in column if c.query_id == query_id), None
        )

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUERIES_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_move = can(role, Action.QUERIES_EDIT)
        self.can_create = self.can_move
        self.lost_open = False
        result = self._fill(viewer) if self.allowed else None
        self.loaded = True
        return result

    def _move(
        self, viewer: Viewer, card: QueryRow, to: QueryStatus, reason: str | None = None
    ) -> EventSpec | list[EventSpec]:
        query_id = parse_id(card.query_id)
        if query_id is None:
            return rx.toast.error("That query is not on this board; reload the page.")

        def work(session: Session, ctx: TenantContext) -> None:
            try:
                queries.transition(
                    session,
                    ctx,
                    query_id=query_id,
                    to=to,
                    row_version=card.row_version,
                    reason=reason,
                )
            except queries.TransitionRefusedError as exc:  # the board stays as it is
                self._refused_move = f"{card.reference} cannot move: {exc.detail}"

        self._refused_move = ""
        _, failed = self._run(work)
        if self._refused_move:
            return rx.toast.error(self._refused_move)
        self._fill(viewer)
        return failed or rx.toast.success(f"{card.reference} moved to {STATUS_WORDS[to.value]}.")

    @event
    def move(self, to: str, query_id: str) -> EventSpec | list[EventSpec] | None:
        """A card dropped on the `to` column (or moved with its menu)."""
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        card = self._card(str(query_id))
        if card is None or to not in TARGETS or card.status == to:
            return None  # not a card of this board (a dropped text, a stale id), or no move
        if to == QueryStatus.LOST.value:
            self._lost_query, self.lost_reference = card.query_id, card.reference
            return self._ask_why_lost()
        return self._move(viewer, card, QueryStatus(to))

    @event
    def confirm_lost(
        self, _form: dict[str, Any] | None = None
    ) -> EventSpec | list[EventSpec] | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        reason = self._why_lost()
        if not isinstance(reason, str):
            return reason
        card = self._card(self._lost_query)
        if card is None:
            return rx.toast.error("That query is no longer on the board; reload the page.")
        return self._move(viewer, card, QueryStatus.LOST, reason)

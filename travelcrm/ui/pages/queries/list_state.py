"""Queries list state: the saved filters ("My open", "Breaching SLA", "Unassigned", "All"), a
search and a status filter, newest first, a page of 25 at a time (keyset cursors)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.permissions import Action, Role, can
from travelcrm.queries.schemas import QueryFilter
from travelcrm.ui.components.pager import Paged
from travelcrm.ui.events import event
from travelcrm.ui.pages.queries.text import (
    STATUS_WORDS,
    Option,
    QueryListRow,
    labelled_queries,
    query_list_row,
)
from travelcrm.ui.record import GatedPage
from travelcrm.ui.session import Viewer

PAGE_SIZE = 25
ANY = "any"
VIEWS = ("my_open", "breaching", "unassigned", "all")
STATUS_OPTIONS = [Option(ANY, "Any status"), *[Option(k, v) for k, v in STATUS_WORDS.items()]]


def default_view(role: Role) -> str:
    """Agents start with their own open queries; those who oversee everyone with all."""
    return "all" if can(role, Action.QUERIES_VIEW_ALL) else "my_open"


def query_filter(view: str, status: str, q: str) -> QueryFilter:
    return QueryFilter.model_validate(
        {
            "view": view if view in ("my_open", "breaching", "unassigned") else None,
            "status": [status] if status in STATUS_WORDS else [],
            "q": q.strip()[:100] or None,
        }
    )


class QueriesState(Paged, GatedPage, rx.State):
    can_create: bool = False
    view: str = "all"
    q: str = ""
    status: str = ANY
    status_options: list[Option] = STATUS_OPTIONS
    rows: list[QueryListRow] = []

    @rx.var
    def filtered(self) -> bool:
        return self.q.strip() != "" or self.status != ANY

    def _fetch(self, viewer: Viewer) -> EventSpec | None:
        found, failed = self._run(
            lambda session, ctx: labelled_queries(
                session,
                ctx,
                filters=query_filter(self.view, self.status, self.q),
                limit=PAGE_SIZE,
                cursor=self._page_cursor(),
            )
        )
        if found is None:
            return failed
        items, next_cursor = found
        self.rows = [query_list_row(i, label, viewer.agency_timezone) for i, label in items]
        self._turned(next_cursor)
        return None

    def _again(self) -> EventSpec | None:
        self._first_page()
        return self._show_page()

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUERIES_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_create = can(role, Action.QUERIES_EDIT)
        if not self.loaded:  # the first visit; later visits keep the chosen filter
            self.view = default_view(role)
        self._first_page()
        result = self._fetch(viewer) if self.allowed else None
        self.loaded = True
        return result

    @event
    def set_view(self, value: str | list[str]) -> EventSpec | None:
        value = value if isinstance(value, str) else (value[0] if value else "all")
        self.view = value if value in VIEWS else "all"
        return self._again()

    @event
    def set_q(self, value: str) -> EventSpec | None:
        self.q = str(value)[:100]
        return self._again()

    @event
    def set_status(self, value: str) -> EventSpec | None:
        self.status = value if value in STATUS_WORDS else ANY
        return self._again()

    @event
    def clear_filters(self) -> EventSpec | None:
        self.q, self.status = "", ANY
        return self._again()

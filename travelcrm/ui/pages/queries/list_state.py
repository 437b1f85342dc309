"""Queries list state: the saved filters ("My open", "Breaching SLA", "Unassigned", "All"), a
search and a status filter, newest first or most urgent first, a page of 25 at a time (keyset
cursors). The chosen view is the page's address (/queries?view=breaching&sort=urgency): a
reload, a shared link or the way back from a query shows the same list."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.permissions import Action, Role, can
from travelcrm.queries.schemas import QueryFilter, QuerySort
from travelcrm.ui import routes
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
SORTS: dict[str, QuerySort] = {"newest": "newest", "urgency": "urgency"}
SORT_OPTIONS = (("newest", "Newest first"), ("urgency", "Most urgent first"))


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


@dataclass(frozen=True)
class ListView:
    """What the list shows: a saved filter, a status, a search and an order."""

    view: str
    status: str = ANY
    q: str = ""
    sort: str = "newest"

    def address(self) -> str:
        """The list's address for this view (the defaults left out, the saved filter kept:
        the first one shown depends on the role)."""
        return routes.queries_view(
            view=self.view,
            status="" if self.status == ANY else self.status,
            q=self.q,
            sort="" if self.sort == "newest" else self.sort,
        )


def view_from(params: Mapping[str, object], fallback: ListView) -> ListView:
    """The view an address asks for (/queries?view=breaching&q=goa); what it does not say is
    taken from `fallback`, a status it says wrongly is "any"."""

    def param(name: str) -> str | None:
        value = params.get(name)
        if isinstance(value, list):  # ?q=a&q=b: the first
            value = value[0] if value else None
        return str(value) if value is not None else None

    view, status, q, sort = param("view"), param("status"), param("q"), param("sort")
    return ListView(
        view=view if view in VIEWS else fallback.view,
        status=status if status in STATUS_WORDS else (ANY if status else fallback.status),
        q=q.strip()[:100] if q is not None else fallback.q,
        sort=sort if sort in SORTS else fallback.sort,
    )


def says_a_view(params: Mapping[str, object]) -> bool:
    return any(name in params for name in ("view", "status", "q", "sort"))


class QueriesState(Paged, GatedPage, rx.State):
    can_create: bool = False
    view: str = "all"
    q: str = ""
    status: str = ANY
    sort: str = "newest"
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
                sort=SORTS.get(self.sort, "newest"),
            )
        )
        if found is None:
            return failed
        items, next_cursor = found
        self.rows = [query_list_row(i, label, viewer.agency_timezone) for i, label in items]
        self._turned(next_cursor)
        return None

    def _shown(self) -> ListView:
        return ListView(view=self.view, status=self.status, q=self.q, sort=self.sort)

    def _show(self, chosen: ListView) -> None:
        self.view, self.status, self.q, self.sort = (
            chosen.view,
            chosen.status,
            chosen.q,
            chosen.sort,
        )

    def _addressed(self) -> EventSpec:
        """The address bar shows the view (replacing the entry: Back leaves the list, and
        comes back to it as it was)."""
        address = json.dumps(self._shown().address())
        return rx.call_script(f"window.history.replaceState(window.history.state, '', {address})")

    def _again(self) -> list[EventSpec]:
        self._first_page()
        failed = self._show_page()
        return [failed, self._addressed()] if failed is not None else [self._addressed()]

    @event
    def load(self) -> EventSpec | list[EventSpec] | None:
        viewer = self._admit(Action.QUERIES_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_create = can(role, Action.QUERIES_EDIT)
        params = self.router.url.query_parameters
        if says_a_view(params):  # a reload, a link, the way back: the view it names
            fallback = ListView(view=default_view(role))
            self._show(view_from(params, fallback))
        elif not self.loaded:  # the first visit; later visits keep the chosen view
            self._show(ListView(view=default_view(role)))
        self._first_page()
        result = self._fetch(viewer) if self.allowed else None
        self.loaded = True
        if not self.allowed:
            return result
        return [result, self._addressed()] if result is not None else self._addressed()

    @event
    def set_view(self, value: str | list[str]) -> list[EventSpec]:
        value = value if isinstance(value, str) else (value[0] if value else "all")
        self.view = value if value in VIEWS else "all"
        return self._again()

    @event
    def set_q(self, value: str) -> list[EventSpec]:
        self.q = str(value)[:100]
        return self._again()

    @event
    def set_status(self, value: str) -> list[EventSpec]:
        self.status = value if value in STATUS_WORDS else ANY
        return self._again()

    @event
    def set_sort(self, value: str) -> list[EventSpec]:
        self.sort = value if value in SORTS else "newest"
        return self._again()

    @event
    def clear_filters(self) -> list[EventSpec]:
        self.q, self.status = "", ANY
        return self._again()

"""Lists shown a page at a time: keyset cursors kept on the server, only the page on screen sent.

A list state mixes in `Paged` and implements `_viewer()` and `_fetch(viewer)` (fetch
`self._page_cursor()`, set its rows, then `self._turned(next_cursor)`); its filters call
`self._first_page()` before fetching.
Turning a page sends the new page's rows and nothing the browser already had: no list grows
with every click (a "Load more" that re-sent every row so far grew each event by a page).
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.ui.events import event
from travelcrm.ui.session import Viewer


class Paged(rx.State, mixin=True):
    page_number: int = 1
    has_more: bool = False
    # the cursor that opened each page up to the one shown (None: the first page)
    _cursors: list[str | None] = [None]
    _next_cursor: str | None = None

    @rx.var
    def has_previous(self) -> bool:
        return self.page_number > 1

    def _page_cursor(self) -> str | None:
        return self._cursors[-1] if self._cursors else None

    def _first_page(self) -> None:
        self._cursors, self._next_cursor, self.page_number = [None], None, 1

    def _turned(self, next_cursor: str | None) -> None:
        """After a page is fetched: where the next one starts, if anywhere."""
        self._next_cursor = next_cursor
        self.has_more = next_cursor is not None
        self.page_number = max(1, len(self._cursors))

    def _fetch(self, viewer: Viewer) -> EventSpec | None:
        raise NotImplementedError

    def _show_page(self) -> EventSpec | None:
        viewer = self._viewer()  # type: ignore[attr-defined]  # StaffPage's, beside this mixin
        if viewer is None:
            return self._signed_out()  # type: ignore[attr-defined]
        return self._fetch(viewer)

    @event
    def next_page(self) -> EventSpec | None:
        if self._next_cursor is None:
            return None
        self._cursors = [*self._cursors, self._next_cursor]
        return self._show_page()

    @event
    def previous_page(self) -> EventSpec | None:
        if len(self._cursors) <= 1:
            return None
        self._cursors = self._cursors[:-1]
        return self._show_page()


def pager(state: type[Paged], *, test_id: str = "pager") -> rx.Component:
    """ "Previous · Page N · Next" under a list; hidden while everything fits on one page."""
    return rx.cond(
        state.has_more | state.has_previous,
        rx.hstack(
            rx.button(
                rx.icon("chevron-left", size=14),
                "Previous",
                variant="soft",
                disabled=~state.has_previous,
                on_click=state.previous_page,
                data_testid="previous-page",
            ),
            rx.text(
                "Page ",
                state.page_number,
                size="2",
                color=rx.color("gray", 11),
                data_testid="page-number",
            ),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=14),
                variant="soft",
                disabled=~state.has_more,
                on_click=state.next_page,
                data_testid="next-page",
            ),
            spacing="3",
            align="center",
            justify="center",
            width="100%",
            data_testid=test_id,
        ),
    )

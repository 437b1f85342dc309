"""What every signed-in page's state shares, once: who is looking (`_viewer`), the way back
to sign-in when nobody is (`_signed_out`), and the page's route arguments (`_page_arg`).

A page state mixes it in: `class CustomerState(StaffPage, rx.State)`."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.ui.routes import page_arg
from travelcrm.ui.session import Viewer, identify, login_url


class StaffPage(rx.State, mixin=True):
    def _viewer(self) -> Viewer | None:
        """The signed-in person and their agency, or None (signed out, session ended)."""
        return identify(self.router.headers.cookie)

    def _signed_out(self) -> EventSpec:
        """To sign-in, and back to this page afterwards."""
        return rx.redirect(login_url(self.router.url.path))

    def _page_arg(self, name: str) -> str:
        """`[name]` of this page's route, e.g. the id in /queries/[id]."""
        return page_arg(self.router, name)

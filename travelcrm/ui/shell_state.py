"""The staff shell's state: who is signed in, for the top bar. Checked on every page load;
without a valid session the browser goes to the login page."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.ui.session import identify, login_url


class ShellState(rx.State):
    user_name: str = ""
    agency_name: str = ""
    role: str = ""

    @rx.event
    def check(self) -> EventSpec | None:
        viewer = identify(self.router.headers.cookie)
        if viewer is None:
            return rx.redirect(login_url(self.router.url.path))
        self.user_name = viewer.user_name
        self.agency_name = viewer.agency_name
        self.role = viewer.context.role.value
        return None

"""Sign-in page. The form posts straight to the API, which sets the HttpOnly session cookie
and redirects; no script ever sees the session id."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.urls import safe_local_path
from travelcrm.ui import routes
from travelcrm.ui.components.cards import brand_mark
from travelcrm.ui.components.forms import native_form
from travelcrm.ui.session import identify

MESSAGES = {
    "invalid_credentials": "The email or password is not right.",
    "email_not_verified": "Verify your email first: open the link we sent you.",
    "locked_out": "Too many failed attempts. Try again in 15 minutes.",
}


class LoginState(rx.State):
    error: str = ""
    email: str = ""
    next_path: str = routes.HOME

    @rx.event
    def load(self) -> EventSpec | None:
        params = self.router.url.query_parameters
        self.error = MESSAGES.get(params.get("error", ""), "")
        self.email = params.get("email", "")[:254]
        self.next_path = safe_local_path(params.get("next"), routes.HOME)
        if identify(self.router.headers.cookie) is not None:
            return rx.redirect(self.next_path)
        return None


def _field(label: str, name: str, kind: str, **props: object) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=name),
        rx.input(id=name, name=name, type=kind, size="3", width="100%", required=True, **props),
        spacing="1",
        width="100%",
    )


@rx.page(route=routes.LOGIN, title="Sign in · TravelCRM", on_load=LoginState.load)
def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    brand_mark(40),
                    rx.heading("TravelCRM", size="6"),
                    spacing="3",
                    align="center",
                ),
                rx.text("Sign in to your agency's back office.", color=rx.color("gray", 11)),
                rx.cond(
                    LoginState.error != "",
                    rx.callout(
                        LoginState.error,
                        icon="circle-alert",
                        color_scheme="red",
                        width="100%",
                        data_testid="login-error",
                    ),
                ),
                native_form(
                    rx.vstack(
                        _field(
                            "Email",
                            "email",
                            "email",
                            default_value=LoginState.email,
                            auto_complete="username",
                        ),
                        _field(
                            "Password", "password", "password", auto_complete="current-password"
                        ),
                        rx.el.input(type="hidden", name="next", value=LoginState.next_path),
                        rx.button(
                            "Sign in", type="submit", size="3", width="100%", data_testid="sign-in"
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    action=routes.API_LOGIN_FORM,
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="420px",
        ),
        min_height="100vh",
        padding="24px",
        background=rx.color("gray", 2),
    )

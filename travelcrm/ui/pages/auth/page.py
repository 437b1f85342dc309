"""Sign-in pages: TravelCRM's own (`/login`) and each agency's (`/t/<slug>/login`, or
`/login` on `<slug>.BASE_DOMAIN`) with the agency's name, colour and logo. The form posts
straight to the API, which sets the HttpOnly session cookie and redirects; no script ever sees
the session id. An unknown or suspended agency gets a page that says so."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.errors import DomainError
from travelcrm.core.urls import safe_local_path
from travelcrm.db import enter_tenant, system_scope
from travelcrm.settings import get_settings
from travelcrm.tenants import services as tenants
from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted
from travelcrm.ui.components.forms import native_form
from travelcrm.ui.errors import leave_errors_behind
from travelcrm.ui.events import event
from travelcrm.ui.pages.auth.layout import auth_card, notice
from travelcrm.ui.pages.auth.resend import resend_link
from travelcrm.ui.routes import page_arg
from travelcrm.ui.session import identify, signed_in_without_agency

MESSAGES = {
    "invalid_credentials": "The email or password is not right.",
    "email_not_verified": "Verify your email first: open the link we sent you.",
    "not_found": "There is no agency at this address.",
    "agency_suspended": "This agency is suspended on TravelCRM.",
}
NOTICES = {
    "password_reset": "Password changed. Sign in with the new one.",
    "joined": "You joined the team. Sign in with your new password.",
    "signed_out": "You are signed out.",
}


def lockout_message(retry_seconds: str | None) -> str:
    try:
        minutes = max(1, -(-int(retry_seconds or "900") // 60))
    except ValueError:
        minutes = 15
    return f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


class LoginState(rx.State):
    error: str = ""
    error_code: str = ""
    info: str = ""
    email: str = ""
    next_path: str = routes.HOME
    agency_slug: str = ""
    agency_name: str = ""
    agency_initial: str = ""
    agency_color: str = ""
    agency_logo: str = ""
    agency_problem: str = ""  # unknown or suspended agency: the page says only that
    resend_message: str = ""

    def _agency_from_address(self) -> str:
        slug = page_arg(self.router, "slug")
        return (
            slug
            or tenants.slug_from_host(self.router.headers.host, get_settings().base_domain)
            or ""
        )

    @event
    def load(self) -> EventSpec | None:
        params = self.router.url.query_parameters
        self.error_code = params.get("error", "")
        self.error = (
            lockout_message(params.get("retry"))
            if self.error_code == "locked_out"
            else MESSAGES.get(self.error_code, "")
        )
        self.info = NOTICES.get(params.get("notice", ""), "")
        self.email = params.get("email", "")[:254]
        self.next_path = safe_local_path(params.get("next"), routes.HOME)
        self.resend_message = ""
        self.agency_slug, self.agency_problem = self._agency_from_address()[:63], ""
        self.agency_name = self.agency_color = self.agency_logo = ""
        if self.agency_slug:
            try:
                with system_scope() as session:
                    tenant = tenants.agency_by_slug(session, slug=self.agency_slug)
                    enter_tenant(session, tenant.id)
                    brand = tenants.brand_of(session, tenant)
            except DomainError as exc:
                self.agency_problem = exc.detail
                return None
            self.agency_name, self.agency_color = brand.name, brand.primary_color
            self.agency_initial = brand.name[:1].upper()
            self.agency_logo = brand.logo_url or ""
        cookie = self.router.headers.cookie
        if identify(cookie) is not None:
            return rx.redirect(self.next_path)
        if signed_in_without_agency(cookie):
            return rx.redirect(f"{routes.CHOOSE_AGENCY}?next={self.next_path}")
        return None

    @event
    def resend(self) -> None:
        self.resend_message = resend_link(
            self.router, self.email, "A new link is on its way to your inbox (valid 24 hours)."
        )


def _field(label: str, name: str, kind: str, **props: object) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=name),
        rx.input(id=name, name=name, type=kind, size="3", width="100%", required=True, **props),
        spacing="1",
        width="100%",
    )


def _agency_logo() -> rx.Component:
    return rx.hstack(
        rx.cond(
            LoginState.agency_logo != "",
            rx.image(
                src=LoginState.agency_logo,
                max_height="48px",
                max_width="200px",
                alt=LoginState.agency_name,
            ),
            rx.center(
                rx.text(LoginState.agency_initial, weight="bold", color="white"),
                width="40px",
                height="40px",
                border_radius="10px",
                background=LoginState.agency_color,
            ),
        ),
        rx.heading(LoginState.agency_name, size="5"),
        spacing="3",
        align="center",
        data_testid="agency-brand",
    )


def _form() -> rx.Component:
    return rx.vstack(
        notice(LoginState.info, tone="green", icon="circle-check", test_id="login-info"),
        notice(LoginState.error, test_id="login-error"),
        rx.cond(
            LoginState.error_code == "email_not_verified",
            rx.vstack(
                rx.button(
                    "Send the link again",
                    variant="soft",
                    on_click=LoginState.resend,
                    data_testid="resend-link",
                    width="100%",
                ),
                notice(LoginState.resend_message, tone="blue", icon="info"),
                width="100%",
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
                _field("Password", "password", "password", auto_complete="current-password"),
                rx.el.input(type="hidden", name="next", value=LoginState.next_path),
                rx.el.input(type="hidden", name="agency", value=LoginState.agency_slug),
                rx.button(
                    "Sign in",
                    type="submit",
                    size="3",
                    width="100%",
                    data_testid="sign-in",
                    style=rx.cond(
                        LoginState.agency_color != "", {"background": LoginState.agency_color}, {}
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            action=routes.API_LOGIN_FORM,
            width="100%",
        ),
        rx.hstack(
            rx.link(
                "Forgot password?", href=routes.FORGOT_PASSWORD, size="2", data_testid="forgot-link"
            ),
            rx.cond(
                LoginState.agency_slug == "",
                rx.link("Create an agency", href=routes.SIGNUP, size="2"),
            ),
            justify="between",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def login_page() -> rx.Component:
    return rx.cond(
        LoginState.agency_problem != "",
        auth_card(
            rx.callout(
                LoginState.agency_problem,
                icon="building-2",
                color_scheme="amber",
                width="100%",
                data_testid="agency-problem",
            ),
            muted("Check the address you were given, or sign in on TravelCRM directly."),
            rx.link(rx.button("Go to TravelCRM sign in", variant="outline"), href=routes.LOGIN),
            title="Agency not available",
        ),
        auth_card(
            _form(),
            title=rx.cond(LoginState.agency_name != "", "Sign in to your team", "Sign in"),
            subtitle=rx.cond(
                LoginState.agency_name != "", "", "Sign in to your agency's back office."
            ),
            logo=rx.cond(LoginState.agency_name != "", _agency_logo(), _default_brand()),
        ),
    )


def _default_brand() -> rx.Component:
    from travelcrm.ui.components.cards import brand_mark

    return rx.hstack(brand_mark(40), rx.heading("TravelCRM", size="6"), spacing="3", align="center")


_LOADS = [leave_errors_behind(), LoginState.load]
rx.page(route=routes.LOGIN, title="Sign in · TravelCRM", on_load=_LOADS)(login_page)
rx.page(route=routes.AGENCY_LOGIN, title="Sign in · TravelCRM", on_load=_LOADS)(login_page)

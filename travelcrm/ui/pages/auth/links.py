"""The pages the account emails link to, and "forgot password": verify an email, ask for a
reset, set a new password, accept an invitation. Each one-time link is used by a service call;
every outcome (done, expired, already used, locked) is said in words."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.core.errors import DomainError
from travelcrm.db import system_scope
from travelcrm.ui import routes
from travelcrm.ui.components.cards import error_callout, muted
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.forms import form
from travelcrm.ui.errors import form_errors, leave_errors_behind
from travelcrm.ui.events import event
from travelcrm.ui.pages.auth.layout import auth_card, footer_links, notice, text_input
from travelcrm.ui.session import client_of


def _token(router: Any) -> str:
    return str(router.url.query_parameters.get("token", ""))[:200]


# ---- verify -------------------------------------------------------------------------------------


class VerifyState(rx.State):
    outcome: str = ""  # "", "done", "failed"
    message: str = ""

    @event
    def load(self) -> None:
        token = _token(self.router)
        if not token:
            self.outcome, self.message = (
                "failed",
                "This link is incomplete. Open it from the email.",
            )
            return
        try:
            with system_scope() as session:
                accounts.verify_email(session, raw_token=token, ip=client_of(self.router)[0])
        except DomainError as exc:
            self.outcome, self.message = "failed", exc.detail
            return
        self.outcome, self.message = "done", "Your email is confirmed. You can sign in now."


@rx.page(
    route=routes.VERIFY,
    title="Confirm email · TravelCRM",
    on_load=[leave_errors_behind(), VerifyState.load],
)
def verify_page() -> rx.Component:
    return auth_card(
        rx.cond(
            VerifyState.outcome == "",
            rx.hstack(rx.spinner(), rx.text("Checking the link…")),
            rx.cond(
                VerifyState.outcome == "done",
                rx.callout(
                    VerifyState.message,
                    icon="circle-check",
                    color_scheme="green",
                    width="100%",
                    data_testid="verify-done",
                ),
                error_callout(VerifyState.message, "verify-failed", width="100%"),
            ),
        ),
        rx.link(
            rx.button("Go to sign in", size="3", width="100%"), href=routes.LOGIN, width="100%"
        ),
        rx.cond(
            VerifyState.outcome == "failed",
            muted("Need a new link? Try to sign in: the page offers to send one."),
        ),
        title="Confirm your email",
    )


# ---- forgot password ----------------------------------------------------------------------------


class ForgotState(rx.State):
    sent: bool = False
    error: str = ""

    @event
    def submit(self, form: dict[str, Any]) -> None:
        self.error = ""
        email = str(form.get("email", "")).strip()
        if "@" not in email:
            self.error = "Enter the email address you sign in with."
            return
        try:
            with system_scope() as session:
                accounts.request_password_reset(session, email=email, ip=client_of(self.router)[0])
        except DomainError as exc:
            self.error = exc.detail
            return
        self.sent = True


@rx.page(
    route=routes.FORGOT_PASSWORD,
    title="Forgot password · TravelCRM",
    on_load=leave_errors_behind(),
)
def forgot_page() -> rx.Component:
    return auth_card(
        rx.cond(
            ForgotState.sent,
            rx.callout(
                "If an account uses that email, a reset link is on its way. It works once, "
                "within 1 hour.",
                icon="mail-check",
                color_scheme="green",
                width="100%",
                data_testid="reset-sent",
            ),
            form(
                rx.vstack(
                    notice(ForgotState.error, test_id="forgot-error"),
                    field(
                        "Email",
                        text_input("email", kind="email", required=True, auto_complete="username"),
                        error="",
                    ),
                    rx.button(
                        "Email me a reset link",
                        type="submit",
                        size="3",
                        width="100%",
                        data_testid="send-reset",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ForgotState.submit,
                width="100%",
            ),
        ),
        footer_links(("Back to sign in", routes.LOGIN)),
        title="Forgot your password?",
        subtitle="We will email you a link to choose a new one.",
    )


# ---- reset password -----------------------------------------------------------------------------


class ResetState(rx.State):
    done: bool = False
    error: str = ""
    errors: dict[str, str] = {}

    @event
    def submit(self, form: dict[str, Any]) -> EventSpec | None:
        self.error, self.errors = "", {}
        password = str(form.get("password", ""))
        if password != form.get("confirm"):
            self.errors = {"confirm": "The two passwords differ."}
            return None
        try:
            with system_scope() as session:
                accounts.reset_password(
                    session,
                    raw_token=_token(self.router),
                    new_password=password,
                    ip=client_of(self.router)[0],
                )
        except (ValidationError, DomainError) as exc:
            self.error, self.errors = form_errors(exc)
            return None
        self.done = True
        return rx.redirect(f"{routes.LOGIN}?{urlencode({'notice': 'password_reset'})}")


def _password_pair(state: type[ResetState] | type[InviteState]) -> rx.Component:
    return rx.vstack(
        field(
            "New password",
            text_input("password", kind="password", auto_complete="new-password"),
            error=state.errors.get("password", ""),
            hint="At least 12 characters; not a common password.",
            test_id="password",
        ),
        field(
            "Repeat it",
            text_input("confirm", kind="password", auto_complete="new-password"),
            error=state.errors.get("confirm", ""),
            test_id="confirm",
        ),
        spacing="3",
        width="100%",
    )


@rx.page(
    route=routes.RESET_PASSWORD,
    title="Choose a new password · TravelCRM",
    on_load=leave_errors_behind(),
)
def reset_page() -> rx.Component:
    return auth_card(
        form(
            rx.vstack(
                notice(ResetState.error, test_id="reset-error"),
                _password_pair(ResetState),
                rx.button(
                    "Set new password",
                    type="submit",
                    size="3",
                    width="100%",
                    data_testid="set-password",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=ResetState.submit,
            width="100%",
        ),
        footer_links(("Ask for a new link", routes.FORGOT_PASSWORD), ("Sign in", routes.LOGIN)),
        title="Choose a new password",
        subtitle="This signs you out on every device.",
    )


# ---- accept an invitation -----------------------------------------------------------------------


class InviteState(rx.State):
    loaded: bool = False
    invalid: str = ""
    email: str = ""
    name: str = ""
    agency_name: str = ""
    role: str = ""
    needs_password: bool = True
    error: str = ""
    errors: dict[str, str] = {}

    @event
    def load(self) -> None:
        self.error, self.errors, self.invalid = "", {}, ""
        try:
            with system_scope() as session:
                view = accounts.peek_invite(session, raw_token=_token(self.router))
        except DomainError as exc:
            self.invalid, self.loaded = exc.detail, True
            return
        self.email, self.name, self.agency_name = view.email, view.name, view.agency_name
        self.role, self.needs_password, self.loaded = view.role, view.needs_password, True

    @event
    def submit(self, form: dict[str, Any]) -> EventSpec | None:
        self.error, self.errors = "", {}
        password = str(form.get("password", "")) or None
        if self.needs_password and password != form.get("confirm"):
            self.errors = {"confirm": "The two passwords differ."}
            return None
        try:
            with system_scope() as session:
                user = accounts.accept_invite(
                    session,
                    raw_token=_token(self.router),
                    name=str(form.get("name", "")) or None,
                    password=password,
                    ip=client_of(self.router)[0],
                )
                slug = next(
                    (
                        a.slug
                        for a in accounts.my_agencies(session, user_id=user.id)
                        if a.name == self.agency_name
                    ),
                    None,
                )
        except (ValidationError, DomainError) as exc:
            self.error, self.errors = form_errors(exc)
            return None
        query = urlencode({"notice": "joined", "email": self.email})
        return rx.redirect(f"{routes.agency_login(slug) if slug else routes.LOGIN}?{query}")


@rx.page(
    route=routes.INVITE,
    title="Join your team · TravelCRM",
    on_load=[leave_errors_behind(), InviteState.load],
)
def invite_page() -> rx.Component:
    return auth_card(
        rx.cond(
            ~InviteState.loaded,
            rx.hstack(rx.spinner(), rx.text("Opening the invitation…")),
            rx.cond(
                InviteState.invalid != "",
                rx.vstack(
                    error_callout(InviteState.invalid, "invite-invalid", width="100%"),
                    footer_links(("Sign in", routes.LOGIN)),
                    width="100%",
                ),
                form(
                    rx.vstack(
                        rx.callout(
                            rx.text(
                                "You are invited to ",
                                rx.text.strong(InviteState.agency_name),
                                " as ",
                                rx.text.strong(InviteState.role),
                                ".",
                            ),
                            icon="party-popper",
                            color_scheme="teal",
                            width="100%",
                        ),
                        notice(InviteState.error, test_id="invite-error"),
                        field(
                            "Email",
                            rx.input(
                                value=InviteState.email, read_only=True, size="3", width="100%"
                            ),
                            error="",
                        ),
                        field(
                            "Your name",
                            text_input("name", default_value=InviteState.name),
                            error=InviteState.errors.get("name", ""),
                        ),
                        rx.cond(
                            InviteState.needs_password,
                            _password_pair(InviteState),
                            muted("You already have a TravelCRM password; use it to sign in."),
                        ),
                        rx.button(
                            "Join the team",
                            type="submit",
                            size="3",
                            width="100%",
                            data_testid="accept-invite",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=InviteState.submit,
                    width="100%",
                ),
            ),
        ),
        title="Join your team",
    )

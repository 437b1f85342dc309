"""Sign up an agency: the agency's address, country, currency, timezone and locale, and its
first user, the owner. The verification mail goes out; the page then says where to look."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import reflex as rx
from pydantic import ValidationError

from travelcrm.accounts import services as accounts
from travelcrm.accounts.passwords import check_password_rules
from travelcrm.core.errors import DomainError
from travelcrm.core.locale import currency_options, locale_options, timezone_options
from travelcrm.db import system_scope
from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted
from travelcrm.ui.components.fields import SELECT_STYLE, choice_select, named_field
from travelcrm.ui.components.forms import form
from travelcrm.ui.errors import form_errors, leave_errors_behind
from travelcrm.ui.events import event
from travelcrm.ui.pages.auth.layout import auth_card, footer_links, notice, text_input
from travelcrm.ui.pages.auth.resend import resend_link
from travelcrm.ui.session import client_of

# Country -> (currency, timezone, locale): sensible defaults the person can still change.
COUNTRIES: dict[str, tuple[str, str, str, str]] = {
    "IN": ("India", "INR", "Asia/Kolkata", "en-IN"),
    "US": ("United States", "USD", "America/New_York", "en-US"),
    "GB": ("United Kingdom", "GBP", "Europe/London", "en-GB"),
    "AE": ("United Arab Emirates", "AED", "Asia/Dubai", "en-AE"),
    "SG": ("Singapore", "SGD", "Asia/Singapore", "en-SG"),
    "AU": ("Australia", "AUD", "Australia/Sydney", "en-AU"),
    "CA": ("Canada", "CAD", "America/Toronto", "en-CA"),
    "DE": ("Germany", "EUR", "Europe/Berlin", "de-DE"),
    "FR": ("France", "EUR", "Europe/Paris", "fr-FR"),
    "TH": ("Thailand", "THB", "Asia/Bangkok", "th-TH"),
    "MY": ("Malaysia", "MYR", "Asia/Kuala_Lumpur", "en-MY"),
    "LK": ("Sri Lanka", "LKR", "Asia/Colombo", "en-LK"),
    "NP": ("Nepal", "NPR", "Asia/Kathmandu", "en-NP"),
    "ZA": ("South Africa", "ZAR", "Africa/Johannesburg", "en-ZA"),
}
CURRENCY_CHOICES = currency_options()
TIMEZONE_CHOICES = timezone_options()
LOCALE_CHOICES = locale_options()


REQUIRED = {"agency_name", "slug", "owner_name", "owner_email", "password", "confirm"}


def _named(errors: dict[str, str]) -> dict[str, str]:
    """The form's names for the schema's fields (the agency's `name` is `agency_name` here)."""
    return {("agency_name" if k == "name" else k): v for k, v in errors.items()}


def suggest_slug(name: str) -> str:
    """`Sunrise Holidays Pvt. Ltd.` -> `sunrise-holidays-pvt-ltd` (3-63 characters)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:63].strip("-")
    return slug if len(slug) >= 3 else ""


class SignupState(rx.State):
    slug: str = ""
    slug_edited: bool = False
    country: str = "IN"
    currency: str = "INR"
    timezone: str = "Asia/Kolkata"
    locale: str = "en-IN"
    errors: dict[str, str] = {}
    summary: str = ""
    sent_to: str = ""
    resend_message: str = ""
    busy: bool = False

    @event
    def name_changed(self, value: str) -> None:
        if not self.slug_edited:
            self.slug = suggest_slug(value)

    @event
    def set_slug(self, value: str) -> None:
        self.slug, self.slug_edited = value.strip().lower(), True

    @event
    def pick_country(self, code: str) -> None:
        if code in COUNTRIES:
            _name, self.currency, self.timezone, self.locale = COUNTRIES[code]
            self.country = code

    @event
    def set_currency(self, value: str) -> None:
        self.currency = value.strip().upper()[:3]

    @event
    def set_timezone(self, value: str) -> None:
        self.timezone = value

    @event
    def set_locale(self, value: str) -> None:
        self.locale = value.strip()[:16]

    @event
    def submit(self, form: dict[str, Any]) -> None:
        """Every problem of the form at its field in one pass (the passwords' agreement too),
        then the checks only the database can make (address or email already taken)."""
        self.errors, self.summary = {}, ""
        errors: dict[str, str] = {}
        if form.get("password") != form.get("confirm"):
            errors["confirm"] = "The two passwords differ."
        data: accounts.AgencySignup | None = None
        try:  # one validation of the whole form (the agency's part too), so all errors at once
            data = accounts.AgencySignup.model_validate(
                {
                    "agency": {
                        "slug": self.slug,
                        "name": form.get("agency_name", ""),
                        "country": self.country,
                        "default_currency": self.currency,
                        "timezone": self.timezone,
                        "locale": self.locale,
                    },
                    "owner_name": form.get("owner_name", ""),
                    "owner_email": form.get("owner_email", ""),
                    "password": form.get("password", ""),
                }
            )
        except ValidationError as exc:
            _summary, found = form_errors(exc)
            errors = {**_named(found), **errors}
        try:  # the password's rules (length, not the email, not a common one) with the rest
            check_password_rules(form.get("password", ""), email=form.get("owner_email") or None)
        except DomainError as exc:
            errors = {**form_errors(exc)[1], **errors}
        if errors or data is None:
            self.errors, self.summary = errors, "Some fields need attention."
            return
        try:
            ip, agent = client_of(self.router)
            with system_scope() as session:
                accounts.register_agency(session, data=data, ip=ip, user_agent=agent)
        except DomainError as exc:
            self.summary, found = form_errors(exc)
            self.errors = _named(found)
            return
        self.sent_to = accounts.normalize_email(form.get("owner_email", ""))

    @event
    def resend(self) -> None:
        self.resend_message = resend_link(
            self.router, self.sent_to, "Sent again. It can take a minute to arrive."
        )


def _field(label: str, name: str, control: rx.Component, hint: str = "") -> rx.Component:
    return named_field(
        label, name, control, errors=SignupState.errors, hint=hint, required=name in REQUIRED
    )


def _choice(label: str, name: str, choices: Any, var: str) -> rx.Component:
    """A field picking one of `choices` into the state's `var` (set by `set_<var>`), as tall as
    the text inputs."""
    control = choice_select(
        name,
        choices,
        value=getattr(SignupState, var),
        on_change=getattr(SignupState, f"set_{var}"),
        style={**SELECT_STYLE, "height": "40px"},
    )
    return _field(label, name, control)


def _form() -> rx.Component:
    return form(
        rx.vstack(
            notice(SignupState.summary, test_id="signup-error"),
            rx.text("Your agency", weight="bold", size="3"),
            _field(
                "Agency name",
                "agency_name",
                text_input(
                    "agency_name",
                    placeholder="Sunrise Holidays",
                    on_blur=SignupState.name_changed,
                    required=True,
                ),
            ),
            _field(
                "Address",
                "slug",
                rx.hstack(
                    muted("/t/", shade=10),
                    text_input("slug", value=SignupState.slug, on_change=SignupState.set_slug),
                    align="center",
                    width="100%",
                ),
                "Lowercase letters, digits and hyphens; your team signs in here.",
            ),
            rx.grid(
                _field(
                    "Country",
                    "country",
                    rx.select.root(
                        rx.select.trigger(width="100%"),
                        rx.select.content(
                            *[rx.select.item(v[0], value=k) for k, v in COUNTRIES.items()]
                        ),
                        value=SignupState.country,
                        on_change=SignupState.pick_country,
                        size="3",
                    ),
                ),
                _choice("Currency", "default_currency", CURRENCY_CHOICES, "currency"),
                _choice("Timezone", "timezone", TIMEZONE_CHOICES, "timezone"),
                _choice("Language and number format", "locale", LOCALE_CHOICES, "locale"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.separator(size="4"),
            rx.text("You, the owner", weight="bold", size="3"),
            _field("Your name", "owner_name", text_input("owner_name", required=True)),
            _field(
                "Work email",
                "owner_email",
                text_input("owner_email", kind="email", required=True, auto_complete="email"),
            ),
            rx.grid(
                _field(
                    "Password",
                    "password",
                    text_input("password", kind="password", auto_complete="new-password"),
                    "At least 12 characters.",
                ),
                _field(
                    "Repeat password",
                    "confirm",
                    text_input("confirm", kind="password", auto_complete="new-password"),
                ),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.button(
                "Create agency", type="submit", size="3", width="100%", data_testid="create-agency"
            ),
            footer_links(("Already have an account? Sign in", routes.LOGIN)),
            spacing="3",
            width="100%",
        ),
        on_submit=SignupState.submit,
        width="100%",
    )


def _sent() -> rx.Component:
    return rx.vstack(
        rx.callout(
            rx.text(
                "We sent a link to ",
                rx.text.strong(SignupState.sent_to),
                ". Open it to confirm your email, then sign in. It is valid for 24 hours.",
            ),
            icon="mail-check",
            color_scheme="green",
            width="100%",
            data_testid="signup-sent",
        ),
        rx.hstack(
            rx.button("Send the link again", variant="soft", on_click=SignupState.resend),
            rx.link(rx.button("Go to sign in", variant="outline"), href=routes.LOGIN),
            spacing="3",
        ),
        notice(SignupState.resend_message, tone="blue", icon="info"),
        width="100%",
        spacing="3",
    )


@rx.page(
    route=routes.SIGNUP,
    title="Create your agency · TravelCRM",
    on_load=leave_errors_behind(),
)
def signup_page() -> rx.Component:
    return auth_card(
        rx.cond(SignupState.sent_to != "", _sent(), _form()),
        title=rx.cond(SignupState.sent_to != "", "Check your email", "Create your agency"),
        subtitle="Free to start. You can invite your team once you are in.",
        max_width="560px",
    )

"""Agency settings page state: the form over the tenant settings service."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.locale import country_name
from travelcrm.core.permissions import Action, can
from travelcrm.db import tenant_scope
from travelcrm.tenants import services as tenants
from travelcrm.tenants.schemas import TenantSettings, TenantSettingsUpdate
from travelcrm.ui.events import event
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage
from travelcrm.ui.shell_state import ShellState, brand_color

FIELDS = (
    "name",
    "legal_name",
    "address",
    "tax_id",
    "invoice_prefix",
    "default_currency",
    "timezone",
    "locale",
    "primary_color",
)
OPTIONAL = frozenset({"legal_name", "address", "tax_id"})
UPPERCASE = frozenset({"tax_id", "invoice_prefix", "default_currency"})

# What a pattern means, in words (pydantic only names the regular expression).
PATTERN_MESSAGES = {
    "invoice_prefix": "1-10 capital letters, digits, / or -, starting with a letter or digit",
    "primary_color": "a colour as #RRGGBB, e.g. #12A594",
    "default_currency": "a 3-letter ISO 4217 code, e.g. INR or USD",
    "locale": "language-COUNTRY, e.g. en-IN or en-US",
}


def form_values(settings: TenantSettings) -> dict[str, str]:
    return {name: getattr(settings, name) or "" for name in FIELDS}


def changed_fields(form: dict[str, Any], saved: dict[str, str]) -> dict[str, str | None]:
    """The edited fields, cleaned: trimmed, upper-cased codes, blank optional fields -> None."""
    changes: dict[str, str | None] = {}
    for name in FIELDS:
        raw = form.get(name)
        if not isinstance(raw, str):
            continue
        value = raw.strip()
        if name in UPPERCASE:
            value = value.upper()
        if value == saved.get(name, ""):
            continue
        changes[name] = None if (value == "" and name in OPTIONAL) else value
    return changes


def field_messages(exc: ValidationError) -> dict[str, str]:
    """Per-field messages from the settings schema's pydantic errors."""
    messages: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        if error["type"] == "string_pattern_mismatch" and name in PATTERN_MESSAGES:
            message = "Use " + PATTERN_MESSAGES[name] + "."
        elif error["type"] == "string_too_short" and name == "name":
            message = "Enter at least 2 characters."
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
        messages.setdefault(name, message)
    return messages


class SettingsState(FormPage, rx.State):
    can_edit: bool = False
    can_price: bool = False  # may open the pricing data (markups, taxes, exchange rates)
    slug: str = ""
    country: str = ""
    country_name: str = ""  # "India", in the agency's language
    tax_hint: str = ""
    form: dict[str, str] = {}
    errors: dict[str, str] = {}
    _saved: dict[str, str] = {}

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        return field_messages(exc)

    @rx.var
    def preview_color(self) -> str:
        """The colour being edited, or the saved one while the entry is not a full #RRGGBB."""
        typed = self.form.get("primary_color", "")
        return brand_color(
            typed if brand_color(typed) == typed else self._saved.get("primary_color")
        )

    def _show(self, settings: TenantSettings) -> None:
        self._saved = form_values(settings)
        self.form = dict(self._saved)
        self.slug = settings.slug
        self.country = settings.country
        self.country_name = country_name(settings.country)
        rule = tenants.TAX_ID_RULES.get(settings.country)
        self.tax_hint = f"{rule[1]} ({settings.country})" if rule else "Free format in this country"

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.TENANT_SETTINGS_VIEW)
        if viewer is None:
            return self._signed_out()
        role = viewer.context.role
        self.can_edit = can(role, Action.TENANT_SETTINGS_EDIT)
        self.can_price = can(role, Action.PRICING_SETTINGS)
        self.errors = {}
        if self.allowed:
            with tenant_scope(viewer.context) as session:
                self._show(tenants.get_tenant_settings(session, viewer.context))
        self.loaded = True
        return None

    @event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS and isinstance(value, str):
            self.form[name] = value
            self.errors.pop(name, None)

    @event
    def reset_form(self) -> None:
        self.form = dict(self._saved)
        self.errors = {}

    @event
    def save(self, form_data: dict[str, Any]) -> EventSpec | list[EventSpec] | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        # What the browser shows when Save is pressed (no typing lost to the input debounce).
        self.form = {**self.form, **{k: v for k, v in form_data.items() if k in FIELDS}}
        changes = changed_fields(self.form, self._saved)
        if not changes:
            return rx.toast.info("Nothing changed.")
        # every problem in one pass: the emptied required fields and what the rest breaks
        missing = {
            name: "This field is required."
            for name, value in changes.items()
            if value == "" and name not in OPTIONAL
        }
        self.errors = {}
        rest = {name: value for name, value in changes.items() if name not in missing}
        data = self._parse(TenantSettingsUpdate, rest, errors="errors")
        self.errors = {**self.errors, **missing}
        if data is None or missing:
            return rx.toast.error(NEEDS_ATTENTION)
        saved, failed = self._run(
            lambda session, ctx: tenants.update_tenant_settings(session, ctx, data=data),
            errors="errors",
        )
        if saved is None:
            return failed
        self._show(saved)
        # The shell shows the new name and colour at once.
        return [rx.toast.success("Settings saved."), ShellState.check]

    @event
    async def upload_logo(self, files: list[rx.UploadFile]) -> EventSpec | list[EventSpec] | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        if not files:
            return rx.toast.error("Choose a PNG, JPEG or WebP image first.")
        upload = files[0]
        data = await upload.read()
        _, failed = self._run(
            lambda session, ctx: tenants.set_logo(
                session, ctx, data=data, filename=getattr(upload, "name", None)
            )
        )
        if failed is not None:
            return failed
        return [rx.toast.success("Logo saved."), ShellState.check, rx.clear_selected_files("logo")]

    @event
    def remove_logo(self) -> EventSpec | list[EventSpec] | None:
        _, failed = self._run(tenants.remove_logo)
        if failed is not None:
            return failed
        return [rx.toast.success("Logo removed."), ShellState.check]

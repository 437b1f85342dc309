"""Agency settings: legal details, invoicing, region and branding (owners and admins edit;
managers and finance read)."""

from __future__ import annotations

from functools import partial

import reflex as rx

from travelcrm.core.locale import currency_options, locale_options, timezone_options
from travelcrm.ui import routes
from travelcrm.ui.components.cards import (
    brand_mark,
    muted,
    page_body,
    page_header,
    section,
    side_by_side,
    stacked,
)
from travelcrm.ui.components.fields import choice_select, field_row, named_field
from travelcrm.ui.components.forms import discard_and_save, form
from travelcrm.ui.components.tables import gated_by
from travelcrm.ui.pages.settings.state import SettingsState
from travelcrm.ui.shell_state import ShellState
from travelcrm.ui.template import staff_page

CURRENCY_CHOICES = currency_options()
TIMEZONE_CHOICES = timezone_options()
LOCALE_CHOICES = locale_options()


def _choice(name: str, choices: list[tuple[str, str]]) -> rx.Component:
    return choice_select(
        name,
        choices,
        value=SettingsState.form[name],
        on_change=lambda value: SettingsState.set_field(name, value),  # type: ignore[operator]
        disabled=~SettingsState.can_edit,
    )


def _text(name: str, **props: object) -> rx.Component:
    return rx.input(
        id=name,
        name=name,
        value=SettingsState.form[name],
        on_change=lambda value: SettingsState.set_field(name, value),  # type: ignore[operator]
        read_only=~SettingsState.can_edit,
        size="2",
        width="100%",
        color_scheme=rx.cond(SettingsState.errors.contains(name), "red", "gray"),  # type: ignore[attr-defined]
        **props,
    )


_field = partial(named_field, errors=SettingsState.errors)


def _agency() -> rx.Component:
    return section(
        "Agency",
        field_row(
            _field("Trading name", "name", _text("name"), "Shown in the app and to customers"),
            _field("Legal name", "legal_name", _text("legal_name"), "On invoices and contracts"),
            spacing="4",
        ),
        _field(
            "Registered address",
            "address",
            rx.text_area(
                id="address",
                name="address",
                value=SettingsState.form["address"],
                on_change=lambda value: SettingsState.set_field("address", value),  # type: ignore[operator]
                read_only=~SettingsState.can_edit,
                rows="3",
                width="100%",
                resize="vertical",
            ),
        ),
    )


def _invoicing() -> rx.Component:
    return section(
        "Invoicing and tax",
        field_row(
            _field(
                "Tax id",
                "tax_id",
                _text("tax_id", placeholder="Optional", font_family="monospace"),
                SettingsState.tax_hint,
            ),
            _field(
                "Invoice prefix",
                "invoice_prefix",
                _text("invoice_prefix", max_length=10, font_family="monospace"),
                "e.g. INV or SH/25 → INV-0001",
            ),
            _field(
                "Default currency",
                "default_currency",
                _choice("default_currency", CURRENCY_CHOICES),
                "For new quotes and invoices",
            ),
            columns="3",
            spacing="4",
        ),
    )


def _region() -> rx.Component:
    return section(
        "Region",
        field_row(
            _field(
                "Timezone",
                "timezone",
                _choice("timezone", TIMEZONE_CHOICES),
                "Dates and times in the back office use it",
            ),
            _field(
                "Language and number format",
                "locale",
                _choice("locale", LOCALE_CHOICES),
                "How amounts and dates are written: ₹1,80,000.00 or $180,000.00",
            ),
            spacing="4",
        ),
        muted(
            "Country: ",
            SettingsState.country_name,
            " · Address: ",
            rx.code(SettingsState.slug),
            " (fixed at sign-up)",
            size="1",
            shade=10,
        ),
    )


def _preview() -> rx.Component:
    """A miniature of the shell in the colour being edited."""
    color = SettingsState.preview_color
    return rx.box(
        rx.hstack(
            brand_mark(30, color=color),
            rx.text(SettingsState.form["name"], weight="bold", size="2", trim="both"),
            spacing="2",
            align="center",
        ),
        rx.hstack(
            rx.icon("layout-dashboard", size=16, color=color),
            rx.text("Home", size="2", weight="medium"),
            spacing="2",
            align="center",
            padding="6px 10px",
            margin_top="12px",
            border_radius="6px",
            background=rx.color("gray", 3),
            box_shadow=rx.Var.create("inset 3px 0 0 ") + color,
        ),
        rx.box(
            "Sample button",
            display="inline-block",
            margin_top="12px",
            padding="4px 12px",
            border_radius="6px",
            color="white",
            font_size="13px",
            background=color,
        ),
        padding="14px",
        border_radius="10px",
        border=f"1px solid {rx.color('gray', 5)}",
        border_top=rx.Var.create("3px solid ") + color,
        background=rx.color("gray", 1),
        width="100%",
        data_testid="brand-preview",
    )


def _branding() -> rx.Component:
    return section(
        "Branding",
        _field(
            "Primary colour",
            "primary_color",
            rx.hstack(
                rx.el.input(
                    type="color",
                    value=SettingsState.preview_color,
                    on_change=lambda value: SettingsState.set_field("primary_color", value),  # type: ignore[operator]
                    disabled=~SettingsState.can_edit,
                    aria_label="Pick the primary colour",
                    style={
                        "width": "40px",
                        "height": "32px",
                        "padding": "2px",
                        "border": f"1px solid {rx.color('gray', 6)}",
                        "border_radius": "6px",
                        "background": "transparent",
                        "cursor": "pointer",
                    },
                    data_testid="color-picker",
                ),
                _text("primary_color", max_length=7, font_family="monospace"),
                spacing="2",
                align="center",
                width="100%",
            ),
            "The sidebar mark, the active page and the top bar use it.",
        ),
        rx.text("Preview", size="2", weight="medium"),
        _preview(),
        rx.cond(SettingsState.can_edit, _logo()),
    )


def _logo() -> rx.Component:
    return rx.vstack(
        rx.text("Logo", size="2", weight="medium"),
        rx.cond(
            ShellState.logo_url != "",
            rx.hstack(
                rx.image(
                    src=ShellState.logo_url,
                    max_height="48px",
                    max_width="200px",
                    alt="Agency logo",
                    data_testid="logo-current",
                ),
                rx.spacer(),
                rx.button(
                    "Remove",
                    type="button",
                    variant="soft",
                    color_scheme="red",
                    size="1",
                    on_click=SettingsState.remove_logo,
                ),
                width="100%",
                align="center",
            ),
        ),
        rx.upload(
            rx.vstack(
                rx.icon("image-up", size=20, color=rx.color("gray", 10)),
                muted(
                    rx.cond(
                        rx.selected_files("logo").length() > 0,
                        rx.selected_files("logo")[0],
                        "Drop a PNG, JPEG or WebP (up to 5 MB), or click to choose",
                    ),
                    text_align="center",
                ),
                align="center",
                spacing="1",
            ),
            id="logo",
            multiple=False,
            accept={
                "image/png": [".png"],
                "image/jpeg": [".jpg", ".jpeg"],
                "image/webp": [".webp"],
            },
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="8px",
            padding="14px",
            width="100%",
            data_testid="logo-drop",
        ),
        rx.button(
            rx.icon("upload", size=14),
            "Upload logo",
            type="button",
            size="2",
            variant="outline",
            on_click=SettingsState.upload_logo(rx.upload_files(upload_id="logo")),  # type: ignore[operator]
            data_testid="logo-upload",
        ),
        muted(
            "Shown in the sidebar and on your team's sign-in page (fit to 400x160).",
            size="1",
            shade=10,
        ),
        spacing="2",
        width="100%",
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            SettingsState.can_price,
            rx.link(
                rx.button(rx.icon("percent", size=14), "Pricing", variant="soft", type="button"),
                href=routes.PRICING,
                data_testid="pricing-link",
            ),
        ),
        rx.cond(
            SettingsState.can_price,
            rx.link(
                rx.button(rx.icon("file-text", size=14), "Quotes", variant="soft", type="button"),
                href=routes.QUOTE_SETTINGS,
                data_testid="quote-settings-link",
            ),
        ),
        rx.cond(
            SettingsState.can_edit,
            discard_and_save(SettingsState.reset_form, "Save settings", "save", align="center"),
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def _settings() -> rx.Component:
    return form(
        page_body(
            page_header(
                "Agency settings", "Your agency's details, invoicing and branding.", _actions()
            ),
            rx.cond(
                ~SettingsState.can_edit,
                rx.callout(
                    "You can read these settings; owners and admins change them.",
                    icon="eye",
                    color_scheme="blue",
                    width="100%",
                    data_testid="read-only",
                ),
            ),
            side_by_side(
                stacked(_agency(), _invoicing(), _region()),
                rx.box(_branding(), position=["static", "static", "sticky"], top="76px"),
                widths="3fr 2fr",
            ),
        ),
        on_submit=SettingsState.save,
        reset_on_submit=False,
        width="100%",
    )


@staff_page(route=routes.SETTINGS, title="Settings", on_load=SettingsState.load)
def settings_page() -> rx.Component:
    return gated_by(SettingsState, _settings())

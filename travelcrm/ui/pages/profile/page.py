"""Your profile: name, phone, timezone, picture and password (every signed-in person)."""

from __future__ import annotations

import zoneinfo

import reflex as rx

from travelcrm.core.images import AVATAR_SIZE
from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.backend import BACKEND_ORIGIN, IMAGE_TYPES
from travelcrm.ui.components.badges import role_badge
from travelcrm.ui.components.cards import error_callout, muted, page_header, section
from travelcrm.ui.components.fields import field, field_row
from travelcrm.ui.components.forms import discard_and_save, form
from travelcrm.ui.components.tables import loading
from travelcrm.ui.pages.profile.state import (
    ACCEPTED_TYPES_TEXT,
    AGENCY_TIMEZONE,
    AVATAR_UPLOAD_ID,
    ProfileState,
)
from travelcrm.ui.template import staff_page

TIMEZONES = sorted(zoneinfo.available_timezones())
MAX_UPLOAD_MB = 5
ACCEPT = IMAGE_TYPES


def avatar_url() -> rx.Var[str]:
    """GET /api/auth/avatars/{id}; `?v=` changes after each upload so the browser fetches
    the new picture instead of its cached copy (the cookie goes along with the request)."""
    return (
        BACKEND_ORIGIN
        + "/api/auth/avatars/"
        + ProfileState.user_id
        + "?v="
        + ProfileState.avatar_version
    )


# ---- your details ---------------------------------------------------------------------------


def _text(name: str, **props: object) -> rx.Component:
    return rx.input(
        id=name,
        name=name,
        value=ProfileState.form[name],
        on_change=lambda value: ProfileState.set_field(name, value),  # type: ignore[operator]
        size="2",
        width="100%",
        color_scheme=rx.cond(ProfileState.errors.contains(name), "red", "gray"),  # type: ignore[attr-defined]
        **props,
    )


def _timezone_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder="Choose a timezone", width="100%", data_testid="timezone-select"
        ),
        rx.select.content(
            rx.select.item(
                "Same as the agency (" + ProfileState.agency_timezone + ")",
                value=AGENCY_TIMEZONE,
            ),
            rx.select.separator(),
            *[rx.select.item(zone, value=zone) for zone in TIMEZONES],
            position="popper",
            max_height="320px",
        ),
        name="timezone",
        value=ProfileState.form["timezone"],
        on_change=lambda value: ProfileState.set_field("timezone", value),  # type: ignore[operator]
        size="2",
    )


def _details() -> rx.Component:
    return section(
        "Your details",
        form(
            rx.vstack(
                field(
                    "Name",
                    _text("name", max_length=120, auto_complete="name"),
                    error=ProfileState.errors.get("name", ""),
                    hint="How colleagues and customers see you",
                    html_for="name",
                    test_id="name",
                ),
                field_row(
                    field(
                        "Phone",
                        _text(
                            "phone",
                            type="tel",
                            max_length=20,
                            placeholder="+91 98765 43210",
                            auto_complete="tel",
                        ),
                        error=ProfileState.errors.get("phone", ""),
                        hint="Optional; digits, spaces, + - ( )",
                        html_for="phone",
                        test_id="phone",
                    ),
                    field(
                        "Timezone",
                        _timezone_select(),
                        error=ProfileState.errors.get("timezone", ""),
                        hint="Where you work; the agency is on " + ProfileState.agency_timezone,
                        test_id="timezone",
                    ),
                    spacing="4",
                ),
                discard_and_save(
                    ProfileState.reset_details,
                    "Save details",
                    "save-details",
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=ProfileState.save_details,
            width="100%",
        ),
    )


# ---- picture --------------------------------------------------------------------------------


def _current_picture() -> rx.Component:
    return rx.box(
        rx.avatar(
            src=rx.cond(ProfileState.has_avatar, avatar_url(), ""),
            fallback=ProfileState.avatar_initials,
            size="8",
            radius="full",
            alt="Your picture",
        ),
        data_testid="profile-avatar",
    )


def _dropzone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.cond(
                ProfileState.uploading,
                rx.spinner(size="3"),
                rx.icon("image-up", size=26, color=rx.color("accent", 11)),
            ),
            rx.text(
                rx.cond(ProfileState.uploading, "Uploading…", "Drop a picture here"),
                size="2",
                weight="medium",
            ),
            muted("or click to choose a file", size="1", shade=10),
            spacing="1",
            align="center",
        ),
        id=AVATAR_UPLOAD_ID,
        accept=ACCEPT,
        max_size=MAX_UPLOAD_MB * 1024 * 1024,
        max_files=1,
        multiple=False,
        disabled=ProfileState.uploading,
        on_drop=ProfileState.upload_avatar(rx.upload_files(upload_id=AVATAR_UPLOAD_ID)),  # type: ignore[operator]
        on_drop_rejected=ProfileState.avatar_rejected,
        width="100%",
        padding="20px 16px",
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="10px",
        background=rx.color("gray", 2),
        cursor="pointer",
        _hover={"background": rx.color("accent", 2), "border_color": rx.color("accent", 8)},
        data_testid="avatar-upload",
    )


def _picture() -> rx.Component:
    return section(
        "Picture",
        rx.center(_current_picture(), width="100%", padding_y="4px"),
        _dropzone(),
        rx.cond(
            ProfileState.avatar_error != "",
            error_callout(ProfileState.avatar_error, "avatar-error", size="1", width="100%"),
            muted(
                f"{ACCEPTED_TYPES_TEXT}, up to {MAX_UPLOAD_MB} MB. It is cropped to a square "
                f"and stored at {AVATAR_SIZE}x{AVATAR_SIZE} pixels, without its metadata "
                "(location, camera).",
                size="1",
                shade=10,
            ),
        ),
        rx.cond(
            ProfileState.has_avatar,
            action_button(
                "trash-2",
                "Remove picture",
                on_click=ProfileState.remove_avatar,
                test_id="remove-avatar",
                color_scheme="red",
                size="2",
                width="100%",
            ),
        ),
    )


# ---- password -------------------------------------------------------------------------------


def _password_input(name: str, autocomplete: str) -> rx.Component:
    return rx.input(
        id=name,
        name=name,
        type="password",
        auto_complete=autocomplete,
        size="2",
        width="100%",
        color_scheme=rx.cond(ProfileState.password_errors.contains(name), "red", "gray"),  # type: ignore[attr-defined]
    )


def _password() -> rx.Component:
    return section(
        "Password",
        rx.callout(
            "Changing your password signs you out everywhere else: other browsers, "
            "phones and API tokens. This browser stays signed in.",
            icon="shield-check",
            color_scheme="blue",
            size="1",
        ),
        rx.cond(
            ProfileState.password_errors.contains("form"),  # type: ignore[attr-defined]
            error_callout(
                ProfileState.password_errors.get("form", ""), "password-form-error", size="1"
            ),
        ),
        form(
            rx.vstack(
                # For password managers: whose password this is.
                rx.el.input(
                    type="email",
                    name="username",
                    value=ProfileState.email,
                    auto_complete="username",
                    read_only=True,
                    hidden=True,
                ),
                field(
                    "Current password",
                    _password_input("current_password", "current-password"),
                    error=ProfileState.password_errors.get("current_password", ""),
                    html_for="current_password",
                    test_id="current_password",
                ),
                field_row(
                    field(
                        "New password",
                        _password_input("new_password", "new-password"),
                        error=ProfileState.password_errors.get("new_password", ""),
                        hint="At least 12 characters; not a common password",
                        html_for="new_password",
                        test_id="new_password",
                    ),
                    field(
                        "Repeat the new password",
                        _password_input("confirm_password", "new-password"),
                        error=ProfileState.password_errors.get("confirm_password", ""),
                        html_for="confirm_password",
                        test_id="confirm_password",
                    ),
                    spacing="4",
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("key-round", size=16),
                        "Change password",
                        type="submit",
                        data_testid="change-password",
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=ProfileState.change_password,
            width="100%",
        ),
    )


# ---- account --------------------------------------------------------------------------------


def _account() -> rx.Component:
    return section(
        "Account",
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label("Email"),
                rx.data_list.value(rx.text(ProfileState.email, word_break="break-all")),
            ),
            rx.data_list.item(
                rx.data_list.label("Agency"), rx.data_list.value(ProfileState.agency_name)
            ),
            rx.data_list.item(
                rx.data_list.label("Role"),
                rx.data_list.value(role_badge(ProfileState.role)),  # type: ignore[arg-type]
            ),
            orientation="vertical",
            size="2",
        ),
        muted(
            "Your name, picture and password are the same in every agency you work in.",
            size="1",
            shade=10,
        ),
        rx.link(
            rx.hstack(
                rx.icon("monitor-smartphone", size=14),
                "See where you are signed in",
                spacing="2",
                align="center",
            ),
            href=routes.SESSIONS,
            size="2",
        ),
    )


def _profile() -> rx.Component:
    return rx.vstack(
        page_header("Your profile", "Your details, picture and password."),
        rx.grid(
            rx.vstack(_details(), _password(), spacing="4", width="100%"),
            rx.vstack(_picture(), _account(), spacing="4", width="100%"),
            columns=rx.breakpoints(initial="1", md="2"),
            grid_template_columns=rx.breakpoints(initial="1fr", md="minmax(0, 2fr) minmax(0, 1fr)"),
            spacing="4",
            width="100%",
            align="start",
        ),
        spacing="5",
        width="100%",
        data_testid="profile",
    )


@staff_page(route=routes.PROFILE, title="Your profile", on_load=ProfileState.load)
def profile_page() -> rx.Component:
    return rx.cond(ProfileState.loaded, _profile(), loading())

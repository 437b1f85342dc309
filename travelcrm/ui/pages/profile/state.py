"""Profile page state: one's own name, phone, timezone, picture and password.

People are global rows (one login may work in several agencies), so the handlers use
`system_scope()`; every handler first checks the session cookie again.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import User
from travelcrm.core.errors import DomainError, ValidationFailedError
from travelcrm.core.images import MAX_UPLOAD_BYTES
from travelcrm.db import system_scope
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage
from travelcrm.ui.shell_state import ShellState

# The timezone select cannot hold an empty value: this one stands for "no timezone of my own".
AGENCY_TIMEZONE = "agency"
DETAIL_FIELDS = ("name", "phone", "timezone")
PASSWORD_FIELDS = ("current_password", "new_password", "confirm_password")
AVATAR_UPLOAD_ID = "avatar"
ACCEPTED_TYPES_TEXT = "PNG, JPEG or WebP"

# What the browser's file picker refuses before anything is sent (react-dropzone codes).
_REJECTIONS = {
    "file-invalid-type": f"Only {ACCEPTED_TYPES_TEXT} images can be used",
    "file-too-large": f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
    "too-many-files": "Choose one picture",
}


def initials(name: str) -> str:
    """The initials shown when there is no picture: "Priya Sharma" -> "PS"."""
    parts = [p for p in name.split() if p[:1].isalnum()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def details_form(user: User) -> dict[str, str]:
    return {
        "name": user.name,
        "phone": user.phone or "",
        "timezone": user.timezone or AGENCY_TIMEZONE,
    }


def details_changes(form: dict[str, Any], saved: dict[str, str]) -> dict[str, str | None]:
    """The edited fields, trimmed; a blank phone and the agency's timezone become None."""
    changes: dict[str, str | None] = {}
    for name in DETAIL_FIELDS:
        raw = form.get(name)
        if not isinstance(raw, str):
            continue
        value = raw.strip()
        if value == saved.get(name, ""):
            continue
        blank = value == "" or (name == "timezone" and value == AGENCY_TIMEZONE)
        changes[name] = None if blank and name != "name" else value
    return changes


def _sentence(message: str) -> str:
    message = message.removeprefix("Value error, ").strip()
    if not message:
        return message
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def schema_messages(exc: ValidationError) -> dict[str, str]:
    """Per-field messages from the profile schema's pydantic errors."""
    messages: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        if name == "name" and error["type"] == "value_error":
            message = "Enter your name (1-120 characters)."
        elif error["type"] == "string_pattern_mismatch":
            message = "Remove the control characters."
        else:
            message = _sentence(str(error["msg"]))
        messages.setdefault(name, message)
    return messages


def service_messages(exc: ValidationFailedError) -> dict[str, str]:
    """Per-field messages from a service refusal; several about one field are joined."""
    grouped: dict[str, list[str]] = {}
    for error in exc.errors:
        grouped.setdefault(error.field, []).append(error.message.rstrip("."))
    return {name: _sentence("; ".join(parts)) for name, parts in grouped.items()}


def password_problems(current: str, new: str, confirm: str) -> dict[str, str]:
    """What the page checks before asking the server (the server checks the rules)."""
    problems: dict[str, str] = {}
    if not current:
        problems["current_password"] = "Enter your current password."
    if not new:
        problems["new_password"] = "Choose a new password."
    elif new == current:
        problems["new_password"] = "The new password must differ from the current one."
    if new and confirm != new:
        problems["confirm_password"] = "The two new passwords do not match."
    return problems


def rejection_message(rejected: list[dict[str, Any]]) -> str:
    """Why the file picker refused a file, in words (the reason codes of react-dropzone)."""
    for item in rejected:
        errors = item.get("errors") if isinstance(item, dict) else None
        for error in errors or []:
            code = error.get("code") if isinstance(error, dict) else None
            if code in _REJECTIONS:
                return f"{_REJECTIONS[code]}."
            if isinstance(error, dict) and error.get("message"):
                return _sentence(str(error["message"]))
    return f"This file cannot be used; choose a {ACCEPTED_TYPES_TEXT} image up to 5 MB."


class ProfileState(StaffPage, rx.State):
    loaded: bool = False
    user_id: str = ""
    email: str = ""
    display_name: str = ""
    agency_name: str = ""
    role: str = ""
    agency_timezone: str = ""
    form: dict[str, str] = {}
    errors: dict[str, str] = {}
    has_avatar: bool = False
    avatar_version: str = ""
    avatar_error: str = ""
    uploading: bool = False
    password_errors: dict[str, str] = {}
    _saved: dict[str, str] = {}

    @rx.var
    def avatar_initials(self) -> str:
        return initials(self.display_name)

    def _show(self, user: User) -> None:
        self._saved = details_form(user)
        self.form = dict(self._saved)
        self.display_name = user.name

    @event
    def load(self) -> EventSpec | None:
        who = self._me()
        if who is None:
            return self._signed_out()
        viewer, user_id = who
        with system_scope() as session:
            found = accounts.own_profile(session, user_id=user_id)
            if found is None:
                return self._signed_out()
            user, self.has_avatar = found
            self._show(user)
        self.user_id = str(user_id)
        self.email = viewer.email
        self.agency_name = viewer.agency_name
        self.role = viewer.context.role.value
        self.agency_timezone = viewer.agency_timezone
        self.avatar_version = secrets.token_hex(4)
        self.avatar_error = ""
        self.errors = {}
        self.password_errors = {}
        self.loaded = True
        return None

    # ---- your details -----------------------------------------------------------------------

    @event
    def set_field(self, name: str, value: str) -> None:
        if name in DETAIL_FIELDS and isinstance(value, str):
            self.form[name] = value
            self.errors.pop(name, None)

    @event
    def reset_details(self) -> None:
        self.form = dict(self._saved)
        self.errors = {}

    @event
    def save_details(self, form_data: dict[str, Any]) -> EventSpec | list[EventSpec] | None:
        who = self._me()
        if who is None:
            return self._signed_out()
        _viewer, user_id = who
        # What the browser shows when Save is pressed (no typing lost to the input debounce).
        self.form = {**self.form, **{k: v for k, v in form_data.items() if k in DETAIL_FIELDS}}
        changes = details_changes(self.form, self._saved)
        if not changes:
            self.errors = {}
            return rx.toast.info("Nothing changed.")
        try:
            data = accounts.ProfileUpdate.model_validate(changes)
        except ValidationError as exc:
            self.errors = schema_messages(exc)
            return rx.toast.error("Some fields need attention.")
        try:
            with system_scope() as session:
                user = accounts.update_profile(
                    session, user_id=user_id, data=data, ip=self.router.session.client_ip or None
                )
                self._show(user)
        except ValidationFailedError as exc:
            self.errors = service_messages(exc)
            return rx.toast.error(exc.detail)
        except DomainError as exc:
            return rx.toast.error(exc.detail)
        self.errors = {}
        # The top bar shows the new name at once.
        return [rx.toast.success("Your details are saved."), ShellState.check]

    # ---- picture ----------------------------------------------------------------------------

    @event
    async def upload_avatar(
        self, files: list[rx.UploadFile]
    ) -> AsyncIterator[EventSpec | list[EventSpec] | None]:
        who = self._me()
        if who is None:
            yield self._signed_out()
            return
        _viewer, user_id = who
        if not files:
            return
        self.uploading = True
        self.avatar_error = ""
        yield None
        upload = files[0]
        # One byte more than the limit tells "too large" without reading a huge file.
        data = await upload.read(MAX_UPLOAD_BYTES + 1)

        def store() -> None:
            with system_scope() as session:
                accounts.set_avatar(session, user_id=user_id, data=data, filename=upload.name)

        try:
            await asyncio.to_thread(store)
        except ValidationFailedError as exc:
            self.uploading = False
            self.avatar_error = exc.detail
            return
        self.uploading = False
        self.has_avatar = True
        self.avatar_version = secrets.token_hex(4)  # a new URL: the browser fetches it again
        yield rx.toast.success("Picture saved.")

    @event
    def avatar_rejected(self, rejected: list[dict[str, Any]]) -> None:
        self.avatar_error = rejection_message(rejected)

    @event
    def remove_avatar(self) -> EventSpec | list[EventSpec] | None:
        who = self._me()
        if who is None:
            return self._signed_out()
        _viewer, user_id = who
        with system_scope() as session:
            accounts.remove_avatar(session, user_id=user_id)
        self.has_avatar = False
        self.avatar_error = ""
        return rx.toast.success("Picture removed.")

    # ---- password ---------------------------------------------------------------------------

    @event
    def change_password(self, form_data: dict[str, Any]) -> EventSpec | list[EventSpec] | None:
        who = self._me()
        if who is None:
            return self._signed_out()
        viewer, user_id = who
        current, new, confirm = (str(form_data.get(name) or "") for name in PASSWORD_FIELDS)
        self.password_errors = password_problems(current, new, confirm)
        if self.password_errors:
            return None
        try:
            with system_scope() as session:
                accounts.change_password(
                    session,
                    user_id=user_id,
                    current_password=current,
                    new_password=new,
                    keep_session=viewer.session_id,
                    ip=self.router.session.client_ip or None,
                )
        except ValidationFailedError as exc:  # shown under the fields
            self.password_errors = service_messages(exc) or {"form": exc.detail}
            return None
        except DomainError as exc:  # locked out after too many wrong passwords, ...
            self.password_errors = {"form": exc.detail}
            return None
        self.password_errors = {}
        return [
            *[rx.set_value(name, "") for name in PASSWORD_FIELDS],
            rx.toast.success("Password changed. Your other sessions have been signed out."),
        ]

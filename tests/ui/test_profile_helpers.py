"""Pure helpers behind the profile page: form changes, error messages, upload refusals."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from travelcrm.accounts.models import User
from travelcrm.accounts.passwords import check_password_rules
from travelcrm.accounts.services import ProfileUpdate
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.images import process_avatar
from travelcrm.ui.pages.profile.state import (
    AGENCY_TIMEZONE,
    details_changes,
    details_form,
    initials,
    password_problems,
    rejection_message,
    schema_messages,
    service_messages,
)

SAVED = {"name": "Priya Sharma", "phone": "", "timezone": AGENCY_TIMEZONE}


def test_the_form_shows_no_timezone_of_ones_own_as_the_agencys() -> None:
    user = User(email="p@example.com", name="Priya Sharma", phone=None, timezone=None)
    assert details_form(user) == SAVED
    user.phone, user.timezone = "+91 98765 43210", "Europe/Paris"
    assert details_form(user) == {
        "name": "Priya Sharma",
        "phone": "+91 98765 43210",
        "timezone": "Europe/Paris",
    }


def test_only_edited_fields_are_sent_trimmed_and_blanks_become_none() -> None:
    assert details_changes(dict(SAVED), SAVED) == {}
    assert details_changes({**SAVED, "name": "  Priya Sharma "}, SAVED) == {}
    assert details_changes({**SAVED, "name": " Priya S. "}, SAVED) == {"name": "Priya S."}
    assert details_changes({**SAVED, "timezone": "Asia/Dubai"}, SAVED) == {"timezone": "Asia/Dubai"}
    saved = {"name": "Priya", "phone": "+91 98765 43210", "timezone": "Asia/Dubai"}
    cleared = {"name": "Priya", "phone": "  ", "timezone": AGENCY_TIMEZONE}
    assert details_changes(cleared, saved) == {"phone": None, "timezone": None}
    # An emptied name is sent as it is: the schema refuses it with a message.
    assert details_changes({**SAVED, "name": ""}, SAVED) == {"name": ""}
    # What is not a string (or not a field) is ignored.
    assert details_changes({"name": None, "role": "owner"}, SAVED) == {}


def test_schema_errors_become_one_sentence_per_field() -> None:
    with pytest.raises(ValidationError) as caught:
        ProfileUpdate.model_validate({"name": "", "phone": "call me", "timezone": "Mars/Base"})
    messages = schema_messages(caught.value)
    assert messages == {
        "name": "Enter your name (1-120 characters).",
        "phone": "Must be a phone number: digits, spaces, + - ( ) and 6-15 digits.",
        "timezone": "Must be an IANA timezone such as Asia/Kolkata.",
    }
    with pytest.raises(ValidationError) as caught:
        ProfileUpdate.model_validate({"name": "Pri\x00ya"})
    assert schema_messages(caught.value) == {"name": "Remove the control characters."}


def test_service_refusals_are_joined_per_field() -> None:
    with pytest.raises(ValidationFailedError) as caught:
        check_password_rules("password", email="p@example.com", field="new_password")
    message = service_messages(caught.value)["new_password"]
    assert message.startswith("Must be at least 12 characters; ")
    assert "most common passwords" in message
    assert message.endswith(".")
    wrong = ValidationFailedError("The current password is not right.")
    assert service_messages(wrong) == {}


def test_the_page_checks_the_password_form_before_the_server() -> None:
    assert password_problems("", "", "") == {
        "current_password": "Enter your current password.",
        "new_password": "Choose a new password.",
    }
    assert password_problems("old-secret-1", "Brand-new-pass-42", "Brand-new-pass-4") == {
        "confirm_password": "The two new passwords do not match."
    }
    assert password_problems("Same-pass-12345", "Same-pass-12345", "Same-pass-12345") == {
        "new_password": "The new password must differ from the current one."
    }
    assert password_problems("old-secret-1", "Brand-new-pass-42", "Brand-new-pass-42") == {}


def test_file_picker_refusals_are_named() -> None:
    gif = [{"file": {"path": "./cat.gif"}, "errors": [{"code": "file-invalid-type"}]}]
    assert rejection_message(gif) == "Only PNG, JPEG or WebP images can be used."
    big = [{"file": {}, "errors": [{"code": "file-too-large", "message": "too big"}]}]
    assert rejection_message(big) == "The file is larger than 5 MB."
    other = [{"errors": [{"code": "custom", "message": "nope"}]}]
    assert rejection_message(other) == "Nope."
    assert "PNG, JPEG or WebP" in rejection_message([])
    assert "PNG, JPEG or WebP" in rejection_message([{"errors": "garbage"}])  # type: ignore[list-item]


def test_the_upload_refusal_the_page_shows_is_the_services_message() -> None:
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
    )
    with pytest.raises(ValidationFailedError) as caught:
        process_avatar(gif + b"\x00" * 20, filename="disguised.png")
    assert caught.value.detail.startswith("Only PNG, JPEG or WebP images can be used")
    assert "GIF" in caught.value.detail


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Priya Sharma", "PS"), ("  madonna ", "M"), ("Jean-Luc de la Tour", "JD"), ("", "?")],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected

"""Pure helpers behind the admin pages: form cleaning, error messages, dates, diffs, rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from travelcrm.accounts.models import Membership, User
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.tenants.schemas import TenantSettingsUpdate
from travelcrm.ui.components.formats import local_date, local_time
from travelcrm.ui.pages.audit.state import (
    Change,
    action_label,
    action_tone,
    changes_of,
    day_range,
    describe_target,
)
from travelcrm.ui.pages.settings.state import changed_fields, field_messages
from travelcrm.ui.pages.users.state import initials, member_row, role_choices
from travelcrm.ui.session import Viewer

SAVED = {
    "name": "Sunrise Holidays",
    "legal_name": "Sunrise Holidays Pvt Ltd",
    "address": "",
    "tax_id": "",
    "invoice_prefix": "INV",
    "default_currency": "INR",
    "timezone": "Asia/Kolkata",
    "locale": "en-IN",
    "primary_color": "#12A594",
}


def test_changed_fields_sends_only_edits_cleaned() -> None:
    form = {
        **SAVED,
        "name": "  Sunrise Holidays  ",
        "legal_name": "",
        "invoice_prefix": "sh/25",
        "default_currency": "usd",
        "primary_color": "#1D4ED8",
        "slug": "hijack",  # not a settings field: ignored
    }
    assert changed_fields(form, SAVED) == {
        "legal_name": None,
        "invoice_prefix": "SH/25",
        "default_currency": "USD",
        "primary_color": "#1D4ED8",
    }


def test_required_fields_are_not_turned_into_none() -> None:
    assert changed_fields({**SAVED, "name": " "}, SAVED) == {"name": ""}


def test_pattern_errors_are_explained_in_words() -> None:
    with pytest.raises(ValidationError) as caught:
        TenantSettingsUpdate.model_validate(
            {"primary_color": "blue", "invoice_prefix": "inv prefix", "timezone": "Mars/Base"}
        )
    messages = field_messages(caught.value)
    assert messages["primary_color"] == "Use a colour as #RRGGBB, e.g. #12A594."
    assert messages["invoice_prefix"].startswith("Use 1-10 capital letters")
    assert messages["timezone"].startswith("use an IANA timezone")


def test_day_range_is_whole_days_in_the_agency_timezone() -> None:
    since, until = day_range("2026-03-01", "2026-03-02", "Asia/Kolkata")
    assert since is not None and until is not None
    assert since.astimezone(UTC) == datetime(2026, 2, 28, 18, 30, tzinfo=UTC)
    assert until.astimezone(UTC) == datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
    assert day_range("", "", "Asia/Kolkata") == (None, None)
    assert day_range("not-a-date", "", "UTC") == (None, None)


def test_changes_list_every_field_of_either_side() -> None:
    assert changes_of({"role": "agent"}, {"role": "operator"}) == [
        Change("Role", "agent", "operator")
    ]
    assert changes_of(None, {"slug": "x", "n": 2}) == [
        Change("N", "—", "2"),
        Change("Slug", "—", "x"),
    ]
    assert changes_of(None, None) == []
    # field names, dates, yes/no and lists in words; ids left out
    assert changes_of(
        {"valid_from": "2027-04-01", "active": True},
        {"valid_from": "2027-05-01", "active": False, "duplicate_id": str(uuid.uuid4())},
    ) == [Change("Active", "Yes", "No"), Change("Valid from", "1 Apr 2027", "1 May 2027")]
    assert changes_of(None, {"published": [1, 2]}) == [Change("Published", "—", "1, 2")]
    assert changes_of({"country": "IN"}, {"country": "AE", "default_currency": "AED"}) == [
        Change("Country", "India", "United Arab Emirates"),
        Change("Currency", "—", "United Arab Emirates Dirham (AED)"),
    ]


def test_actions_and_targets_in_words() -> None:
    assert action_label("auth.sign_in") == "Signed in"
    assert action_label("supplier.updated") == "Changed a supplier"
    assert action_label("thing.unknown") == "Thing unknown"
    assert action_tone("auth.sign_in_failed") == "red"
    assert action_tone("auth.sign_in") == "gray"
    user_id = str(uuid.uuid4())
    names = {user_id: "Kavya Nair"}
    assert describe_target("user", user_id, names, "Sunrise") == "Kavya Nair"
    assert describe_target("tenant", "t", names, "Sunrise") == "Sunrise"
    assert describe_target(None, None, names, "Sunrise") == ""
    assert describe_target("user", "0123456789", {}, "Sunrise") == "a former colleague"
    assert describe_target("supplier", user_id, {}, "Sunrise") == "a supplier no longer on file"


def test_times_show_in_the_agency_timezone_and_locale() -> None:
    from travelcrm.core.locale import use_locale

    moment = datetime(2026, 3, 1, 20, 0)  # naive, as SQLite returns it: UTC
    use_locale("en-IN")
    assert local_time(moment, "Asia/Kolkata") == "2 Mar 2026, 1:30\u202fAM"  # a narrow space
    assert local_date(moment, "America/New_York") == "1 Mar 2026"
    use_locale("en-US")
    assert local_date(moment, "America/New_York") == "Mar 1, 2026"
    use_locale("de-DE")
    assert local_time(moment, "UTC", seconds=True) == "01.03.2026, 20:00:00"
    use_locale(None)
    assert local_time(None, "UTC") == ""


def test_only_owners_hand_out_the_owner_role() -> None:
    assert "owner" in role_choices(Role.OWNER)
    assert "owner" not in role_choices(Role.ADMIN)
    assert "customer" not in role_choices(Role.OWNER)


def _viewer(role: Role, user_id: uuid.UUID) -> Viewer:
    return Viewer(
        context=TenantContext(tenant_id=uuid.uuid4(), user_id=user_id, role=role),
        user_name="Me",
        email="me@example.test",
        agency_name="Sunrise",
        session_id=uuid.uuid4(),
        agency_timezone="Asia/Kolkata",
        agency_color="#12A594",
    )


def _member(role: Role, *, active: bool = True) -> tuple[Membership, User]:
    user = User(email=f"{role.value}@example.test", name="Kavya Nair")
    membership = Membership(
        tenant_id=uuid.uuid4(),
        user_id=user.id,
        role=role.value,
        is_active=active,
        created_at=datetime(2026, 1, 5, 20, 0, tzinfo=UTC),
    )
    return membership, user


def test_member_rows_offer_only_what_the_viewer_may_do() -> None:
    admin = _viewer(Role.ADMIN, uuid.uuid4())
    agent_row = member_row(admin, *_member(Role.AGENT))
    assert (agent_row.can_change_role, agent_row.can_deactivate) == (True, True)
    assert agent_row.joined == "6 Jan 2026"  # in Asia/Kolkata
    assert agent_row.initials == "KN"
    owner_row = member_row(admin, *_member(Role.OWNER))
    assert (owner_row.can_change_role, owner_row.can_deactivate) == (False, False)
    gone = member_row(admin, *_member(Role.AGENT, active=False))
    assert (gone.can_change_role, gone.can_deactivate) == (False, False)

    membership, user = _member(Role.OWNER)
    me = member_row(_viewer(Role.OWNER, user.id), membership, user)
    assert me.is_you and me.can_change_role and not me.can_deactivate

    manager = _viewer(Role.MANAGER, uuid.uuid4())
    read_only = member_row(manager, *_member(Role.AGENT))
    assert (read_only.can_change_role, read_only.can_deactivate) == (False, False)


def test_initials() -> None:
    assert initials("Priya Sharma") == "PS"
    assert initials("madonna") == "M"
    assert initials("  ") == "?"


def test_a_customers_country_is_sent_by_name_and_kept_as_its_code() -> None:
    from pydantic import ValidationError

    from travelcrm.customers.schemas import CustomerCreate
    from travelcrm.ui.components.fields import with_codes
    from travelcrm.ui.pages.customers.list_state import customer_input
    from travelcrm.ui.pages.suppliers.text import field_messages

    assert customer_input({"name": "Mira", "country": "united arab emirates"})["country"] == "AE"
    form = {"nationality": "India", "x": "India", "cur": "Indian Rupee (INR)", "c2": "euro"}
    assert with_codes(form, countries=("nationality",), currencies=("cur", "c2")) == {
        "nationality": "IN",
        "x": "India",
        "cur": "INR",
        "c2": "EUR",
    }
    typed = customer_input({"name": "Mira", "country": "Narnia"})
    with pytest.raises(ValidationError) as refused:
        CustomerCreate.model_validate(typed)
    assert field_messages(refused.value) == {
        "country": "Choose a country from the list, e.g. India."
    }

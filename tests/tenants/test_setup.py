"""The setup checklist's counts (travelcrm.tenants.setup), on SQLite and PostgreSQL: a new
agency has done nothing; each step done moves its count; another agency's rows never count."""

from __future__ import annotations

import pytest

from tests.queries.factories import agency_context, member, trip
from tests.rates.factories import make_contract, make_supplier
from travelcrm.core.errors import PermissionDeniedError
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.queries import services as queries
from travelcrm.queries.machine import QueryChannel
from travelcrm.tenants import services as tenants
from travelcrm.tenants import setup
from travelcrm.tenants.schemas import TenantSettingsUpdate

pytestmark = pytest.mark.usefixtures("migrated_engine")


def _progress(ctx: TenantContext) -> setup.SetupProgress:
    with tenant_scope(ctx) as session:
        return setup.setup_progress(session, ctx)


def test_a_new_agency_has_every_step_left() -> None:
    owner = agency_context()
    found = _progress(owner)
    assert (found.settings_saved, found.members, found.suppliers) == (False, 1, 0)
    assert (found.published_rate_lists, found.portal_enquiries) == (0, 0)
    assert found.steps_done == [False] * 5 and not found.complete
    with tenant_scope(owner) as session:
        assert found.slug == tenants.own_tenant(session, owner).slug


def test_each_step_done_is_counted_and_all_five_complete_the_setup() -> None:
    owner = agency_context()
    busy = agency_context()  # another agency with everything: none of it counts here
    make_contract(busy)
    member(busy, "Asha Rao")

    with tenant_scope(owner) as session:
        tenants.update_tenant_settings(
            session, owner, data=TenantSettingsUpdate(legal_name="Sunrise Holidays Pvt Ltd")
        )
    member(owner, "Bela Iyer")
    make_supplier(owner)  # a supplier, no rate list yet
    halfway = _progress(owner)
    assert halfway.steps_done == [True, True, True, False, False]
    assert (halfway.members, halfway.suppliers) == (2, 1)

    make_contract(owner, publish=False)  # a draft is not a published rate list
    assert _progress(owner).published_rate_lists == 0
    make_contract(owner)
    with tenant_scope(owner) as session:
        queries.create_query(session, owner, data=trip(), channel=QueryChannel.PORTAL)
        queries.create_query(session, owner, data=trip())  # staff: not through the form
    done = _progress(owner)
    assert (done.suppliers, done.published_rate_lists, done.portal_enquiries) == (3, 1, 1)
    assert done.complete


def test_only_people_who_can_do_the_steps_read_them() -> None:
    owner = agency_context()
    for role in (Role.MANAGER, Role.AGENT):
        with pytest.raises(PermissionDeniedError):
            _progress(member(owner, f"Someone {role.value}", role=role))
    assert not _progress(TenantContext(owner.tenant_id, owner.user_id, Role.ADMIN)).complete

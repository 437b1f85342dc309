"""How far a new agency has come in setting itself up: its settings saved once, a colleague
invited, a first supplier, a first published rate list, and a first enquiry through its public
form. Home shows the steps left to the owner until every one is done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from travelcrm.accounts.models import Membership
from travelcrm.core.permissions import Action, require
from travelcrm.core.tenancy import TenantContext
from travelcrm.queries.machine import QueryChannel
from travelcrm.queries.models import Query
from travelcrm.rates.models import RateListVersion
from travelcrm.suppliers.models import Supplier
from travelcrm.tenants.services import own_tenant


@dataclass(frozen=True)
class SetupProgress:
    slug: str  # the agency's address: its public enquiry form is under it
    settings_saved: bool  # the agency's settings were saved at least once
    members: int  # active people, invitations still open included
    suppliers: int
    published_rate_lists: int  # rate lists with a version published at some time
    portal_enquiries: int  # queries that came through the public enquiry form

    @property
    def steps_done(self) -> list[bool]:
        return [
            self.settings_saved,
            self.members > 1,
            self.suppliers > 0,
            self.published_rate_lists > 0,
            self.portal_enquiries > 0,
        ]

    @property
    def complete(self) -> bool:
        return all(self.steps_done)


def _count(session: Session, column: Any, *where: Any) -> int:
    return int(session.exec(select(sa.func.count(sa.distinct(column))).where(*where)).one())


def setup_progress(session: Session, ctx: TenantContext) -> SetupProgress:
    """Counts for the setup checklist (owners and admins: the people who can do its steps)."""
    require(ctx, Action.TENANT_SETTINGS_EDIT)
    tenant = own_tenant(session, ctx)
    mine = ctx.tenant_id
    return SetupProgress(
        slug=tenant.slug,
        settings_saved=tenant.updated_at is not None,
        members=_count(
            session,
            col(Membership.user_id),
            col(Membership.tenant_id) == mine,
            col(Membership.is_active).is_(True),
        ),
        suppliers=_count(session, col(Supplier.id), col(Supplier.tenant_id) == mine),
        published_rate_lists=_count(
            session,
            col(RateListVersion.rate_list_id),
            col(RateListVersion.tenant_id) == mine,
            col(RateListVersion.published_at).is_not(None),
        ),
        portal_enquiries=_count(
            session,
            col(Query.id),
            col(Query.tenant_id) == mine,
            col(Query.source) == QueryChannel.PORTAL.value,
        ),
    )

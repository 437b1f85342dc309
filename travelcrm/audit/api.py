"""The audit log over REST (owners, admins and managers)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from travelcrm.api.auth import Db, Who
from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.api.pagination import Paging
from travelcrm.audit import services as audit
from travelcrm.audit.schemas import AuditEventPublic, AuditFilter
from travelcrm.core.text import CleanStr

router = APIRouter(prefix="/api/audit-events", tags=["audit"])


@router.get(
    "",
    response_model=Envelope[list[AuditEventPublic]],
    responses=problem_responses(401, 403),
    summary="Audit events of the caller's agency, newest first",
)
def list_audit_events(
    identity: Who,
    session: Db,
    page: Paging,
    action: Annotated[CleanStr | None, Query(max_length=64)] = None,
    actor_user_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    filters = AuditFilter(action=action, actor_user_id=actor_user_id, since=since, until=until)
    events, next_cursor = audit.list_events(session, identity.context, filters=filters, page=page)
    return envelope(events, next_cursor=next_cursor, limit=page.limit)

"""Builders for query tests: an agency (Asia/Kolkata, IN), its agents with or without a live
browser session, and ready-made query payloads."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timedelta

from tests.rates.factories import agency_context
from travelcrm.accounts.models import AuthSession, Membership, User
from travelcrm.core.clock import utcnow
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import enter_tenant, system_scope
from travelcrm.queries.schemas import ContactIn, QueryCreate


def member(
    ctx: TenantContext,
    name: str,
    *,
    role: Role = Role.AGENT,
    online: bool = True,
    seen: datetime | None = None,
) -> TenantContext:
    """A colleague (no password: tests sign nobody in) with, when `online`, a browser session
    in this agency seen just now (or at `seen`)."""
    suffix = secrets.token_hex(3)
    with system_scope() as session:
        user = User(
            email=f"{name.split()[0].lower()}.{suffix}@example.com",
            name=name,
            password_hash="!",
            email_verified_at=utcnow(),
        )
        session.add(user)
        session.flush()
        enter_tenant(session, ctx.tenant_id)
        session.add(
            Membership(
                tenant_id=ctx.tenant_id, user_id=user.id, role=role.value, accepted_at=utcnow()
            )
        )
        if online:
            now = utcnow()
            session.add(
                AuthSession(
                    token_hash=secrets.token_hex(32),
                    user_id=user.id,
                    active_tenant_id=ctx.tenant_id,
                    last_seen_at=seen or now,
                    expires_at=(seen or now) + timedelta(days=1),
                )
            )
        return TenantContext(ctx.tenant_id, user.id, role)


def go_online(ctx: TenantContext) -> None:
    now = utcnow()
    with system_scope() as session:
        session.add(
            AuthSession(
                token_hash=secrets.token_hex(32),
                user_id=ctx.user_id,
                active_tenant_id=ctx.tenant_id,
                last_seen_at=now,
                expires_at=now + timedelta(days=1),
            )
        )


def trip(**changes: object) -> QueryCreate:
    """Goa for two adults and a child of 7, next year's February, a budget in rupees."""
    year = date.today().year + 1
    data: dict[str, object] = {
        "contact": ContactIn(name="Rahul Mehta", email=f"rahul.{uuid.uuid4().hex[:6]}@example.com"),
        "destinations": ["Goa"],
        "start_date": date(year, 2, 10),
        "end_date": date(year, 2, 15),
        "adults": 2,
        "children": 1,
        "child_ages": [7],
        "budget": 150000,
        "budget_currency": "INR",
        "interests": ["beaches"],
    }
    data.update(changes)
    return QueryCreate.model_validate(data)


__all__ = ["agency_context", "go_online", "member", "trip"]

"""Who is calling: the session cookie (browser) resolved on every request.

Routes declare `identity: Annotated[Identity, Depends(current_identity)]` and pass
`identity.context` to services, which apply the tenant scope and the permission table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Cookie, Depends
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import AuthSession, User
from travelcrm.core.context import tenant_id_var, user_id_var
from travelcrm.core.errors import DomainError
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope

SESSION_COOKIE = "travelcrm_session"


class NotSignedInError(DomainError):
    code = "unauthenticated"
    status = 401
    title = "Sign in required"


class NoAgencySelectedError(DomainError):
    code = "agency_not_selected"
    status = 409
    title = "Pick an agency"


@dataclass(frozen=True)
class Identity:
    user: User
    session: AuthSession
    context: TenantContext


async def current_identity(
    travelcrm_session: Annotated[str | None, Cookie(include_in_schema=False)] = None,
) -> Identity:
    if not travelcrm_session:
        raise NotSignedInError("Sign in first.")
    token = travelcrm_session

    def resolve() -> tuple[AuthSession, User, TenantContext | None]:
        with system_scope() as session:
            return accounts.resolve_session(session, raw_token=token)

    auth_session, user, ctx = await run_in_threadpool(resolve)
    if ctx is None:
        raise NoAgencySelectedError("This account belongs to several agencies; pick one.")
    tenant_id_var.set(str(ctx.tenant_id))
    user_id_var.set(str(user.id))
    return Identity(user=user, session=auth_session, context=ctx)


def tenant_session(identity: Annotated[Identity, Depends(current_identity)]) -> Iterator[Session]:
    """A session scoped to the caller's agency, committed when the route returns."""
    with tenant_scope(identity.context) as session:
        yield session

"""Who is calling: the session cookie (browser) resolved on every request.

Routes declare `identity: Annotated[Identity, Depends(current_identity)]` and pass
`identity.context` to services, which apply the tenant scope and the permission table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Cookie, Depends, Header
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from travelcrm.accounts import services as accounts
from travelcrm.accounts import tokens
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
    session: AuthSession | None  # None for API tokens
    context: TenantContext


def _from_bearer(token: str) -> tuple[AuthSession | None, User, TenantContext | None]:
    claims = tokens.verify_access_token(token)
    ctx = claims.context
    with system_scope() as session:
        user = session.get(User, ctx.user_id)
        if user is None or not user.is_active:
            raise tokens.InvalidAccessTokenError("Your access has ended; sign in again.")
        if user.credentials_version != claims.credentials_version:
            # the password changed, or the person's access or role did, since it was issued
            raise tokens.InvalidAccessTokenError(
                "This access token ended when the account's password, access or role changed; "
                "refresh it or sign in again."
            )
        active = accounts.working_membership(session, user_id=user.id, tenant_id=ctx.tenant_id)
        if active is None:
            raise tokens.InvalidAccessTokenError("Your access to this agency has ended.")
        if active.role != ctx.role.value:  # a role change also moves the version on
            raise tokens.InvalidAccessTokenError(
                "Your role in this agency changed; refresh the token or sign in again."
            )
        return None, user, ctx


@dataclass(frozen=True)
class Person:
    """Someone signed in, who may not have picked an agency yet (agency choice, profile)."""

    user: User
    session: AuthSession | None
    context: TenantContext | None


async def current_person(
    travelcrm_session: Annotated[str | None, Cookie(include_in_schema=False)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Person:
    """The caller, from `Authorization: Bearer <access token>` or the browser session cookie."""
    if authorization:
        scheme, _, bearer = authorization.partition(" ")
        if scheme.lower() != "bearer" or not bearer:
            raise NotSignedInError("Use `Authorization: Bearer <access token>`.")

        def resolve() -> tuple[AuthSession | None, User, TenantContext | None]:
            return _from_bearer(bearer.strip())

    elif travelcrm_session:
        cookie = travelcrm_session

        def resolve() -> tuple[AuthSession | None, User, TenantContext | None]:
            with system_scope() as session:
                return accounts.resolve_session(session, raw_token=cookie)

    else:
        raise NotSignedInError("Sign in first.")

    auth_session, user, ctx = await run_in_threadpool(resolve)
    user_id_var.set(str(user.id))
    if ctx is not None:
        tenant_id_var.set(str(ctx.tenant_id))
    return Person(user=user, session=auth_session, context=ctx)


async def current_identity(person: Annotated[Person, Depends(current_person)]) -> Identity:
    """The caller working in an agency (409 `agency_not_selected` until they pick one)."""
    if person.context is None:
        raise NoAgencySelectedError("This account belongs to several agencies; pick one.")
    return Identity(user=person.user, session=person.session, context=person.context)


def tenant_session(identity: Annotated[Identity, Depends(current_identity)]) -> Iterator[Session]:
    """A session scoped to the caller's agency, committed when the route returns."""
    with tenant_scope(identity.context) as session:
        yield session

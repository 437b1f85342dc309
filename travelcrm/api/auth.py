"""Who is calling: the bearer token or the session cookie, resolved on every request.

Routes declare `identity: Annotated[Identity, Depends(current_identity)]` and pass
`identity.context` to services, which apply the tenant scope and the permission table.

A bearer token is checked against the database on every call (user active, membership, the
role now) by one statement. When the route also takes `tenant_session` (or, on hot routes
written `async def`, `tenant_work`), that statement is the first of the unit of work the route
runs in: one transaction for the request, not two. The identity cannot be read before it ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Cookie, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from sqlmodel import Session

from travelcrm.accounts import services as accounts
from travelcrm.accounts import tokens
from travelcrm.accounts.models import AuthSession, User
from travelcrm.core.context import tenant_id_var, user_id_var
from travelcrm.core.errors import DomainError
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope

T = TypeVar("T")


class NotSignedInError(DomainError):
    code = "unauthenticated"
    status = 401
    title = "Sign in required"


class NoAgencySelectedError(DomainError):
    code = "agency_not_selected"
    status = 409
    title = "Pick an agency"


class Identity:
    """The caller working in an agency. A bearer token's identity may be checked after it is
    made (by the route's unit of work, before the route reads it): until then `user` and
    `context` refuse to be read, so nothing can act on a token the database has not
    confirmed."""

    __slots__ = ("_context", "_holder", "_user", "claim", "credentials_version", "session")

    def __init__(
        self,
        *,
        user: User | None,
        session: AuthSession | None,
        context: TenantContext,
        credentials_version: int | None = None,
    ) -> None:
        self._user = user
        self.credentials_version = credentials_version  # a bearer token's `cv` claim
        self._holder: tokens.TokenHolder | None = None
        self._context = context
        self.session = session  # None for API tokens
        self.claim = context  # the agency the credentials name (what the unit of work scopes to)

    @property
    def checked(self) -> bool:
        return self._user is not None or self._holder is not None

    @property
    def user(self) -> User:
        if self._user is None:
            if self._holder is None:
                raise RuntimeError("a bearer identity was read before its token was checked")
            self._user = self._holder.user()
        return self._user

    @property
    def context(self) -> TenantContext:
        if not self.checked:
            raise RuntimeError("a bearer identity was read before its token was checked")
        return self._context

    def check_in(self, session: Session) -> None:
        """Check the bearer token in this unit of work (scoped to `claim`), once."""
        if not self.checked:
            assert self.credentials_version is not None  # only bearer identities are unchecked
            holder = tokens.token_holder(
                session, self.claim, credentials_version=self.credentials_version
            )
            self._holder, self._context = holder, holder.context


def _from_bearer(token: str) -> tuple[AuthSession | None, User, TenantContext | None]:
    claims = tokens.verify_access_token(token)
    with tenant_scope(claims.context) as session:
        holder = tokens.token_holder(
            session, claims.context, credentials_version=claims.credentials_version
        )
    return None, holder.user(), holder.context


@dataclass(frozen=True)
class Person:
    """Someone signed in, who may not have picked an agency yet (agency choice, profile)."""

    user: User
    session: AuthSession | None
    context: TenantContext | None


def _bearer(authorization: str) -> str:
    scheme, _, bearer = authorization.partition(" ")
    if scheme.lower() != "bearer" or not bearer:
        raise NotSignedInError("Use `Authorization: Bearer <access token>`.")
    return bearer.strip()


def _from_cookie(cookie: str) -> tuple[AuthSession | None, User, TenantContext | None]:
    with system_scope() as session:
        return accounts.resolve_session(session, raw_token=cookie)


def _bind(user_id: object, ctx: TenantContext | None) -> None:
    user_id_var.set(str(user_id))
    if ctx is not None:
        tenant_id_var.set(str(ctx.tenant_id))


async def current_person(
    travelcrm_session: Annotated[str | None, Cookie(include_in_schema=False)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Person:
    """The caller, from `Authorization: Bearer <access token>` or the browser session cookie."""
    if authorization:
        bearer = _bearer(authorization)
        auth_session, user, ctx = await run_in_threadpool(_from_bearer, bearer)
    elif travelcrm_session:
        auth_session, user, ctx = await run_in_threadpool(_from_cookie, travelcrm_session)
    else:
        raise NotSignedInError("Sign in first.")
    _bind(user.id, ctx)
    return Person(user=user, session=auth_session, context=ctx)


# set on each route the first time it is asked (see `_checked_in_unit_of_work`)
_OPENS_TENANT_SCOPE = "_travelcrm_opens_tenant_scope"


def _depends_on(dependant: Dependant, call: object) -> bool:
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


def _checked_in_unit_of_work(request: Request) -> bool:
    """Whether the route takes `tenant_session` or `tenant_work`: its unit of work then checks
    a bearer token as its first statement, before the route can read the identity."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if not isinstance(dependant, Dependant):
        return False
    found = getattr(route, _OPENS_TENANT_SCOPE, None)
    if found is None:
        found = _depends_on(dependant, tenant_session) or _depends_on(dependant, tenant_work)
        setattr(route, _OPENS_TENANT_SCOPE, found)
    return bool(found)


async def current_identity(
    request: Request,
    travelcrm_session: Annotated[str | None, Cookie(include_in_schema=False)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Identity:
    """The caller working in an agency (409 `agency_not_selected` until they pick one)."""
    if authorization:
        claims = tokens.verify_access_token(_bearer(authorization))
        claim = claims.context
        identity = Identity(
            user=None,
            session=None,
            context=claim,
            credentials_version=claims.credentials_version,
        )
        _bind(claim.user_id, claim)
        if _checked_in_unit_of_work(request):
            return identity  # checked as the first statement of the route's unit of work

        def check() -> None:
            with tenant_scope(claim) as session:
                identity.check_in(session)

        await run_in_threadpool(check)
        return identity
    if not travelcrm_session:
        raise NotSignedInError("Sign in first.")
    auth_session, user, ctx = await run_in_threadpool(_from_cookie, travelcrm_session)
    _bind(user.id, ctx)
    if ctx is None:
        raise NoAgencySelectedError("This account belongs to several agencies; pick one.")
    return Identity(user=user, session=auth_session, context=ctx)


def tenant_session(identity: Annotated[Identity, Depends(current_identity)]) -> Iterator[Session]:
    """A session scoped to the caller's agency, committed when the route returns; a bearer
    token is checked by its first statement."""
    with tenant_scope(identity.claim) as session:
        identity.check_in(session)
        yield session


Who = Annotated[Identity, Depends(current_identity)]
"""A route's caller: who signed in and their agency."""
Db = Annotated[Session, Depends(tenant_session)]
"""A route's database session, scoped to the caller's agency."""


class TenantWork:
    """A route's database work in one worker thread: the caller's tenant unit of work (its
    first statement checks a bearer token), then `work(session, context)`, then the commit.
    For hot routes written `async def`: one hand-off to the thread pool per request, where a
    route taking `tenant_session` makes three (the dependency's entry and exit, the route)."""

    __slots__ = ("identity",)

    def __init__(self, identity: Identity) -> None:
        self.identity = identity

    async def run(self, work: Callable[[Session, TenantContext], T]) -> T:
        identity = self.identity

        def unit() -> T:
            with tenant_scope(identity.claim) as session:
                identity.check_in(session)
                return work(session, identity.context)

        return await run_in_threadpool(unit)


async def tenant_work(identity: Who) -> TenantWork:
    """The caller's tenant unit of work, run by `await work.run(fn)` (see TenantWork)."""
    return TenantWork(identity)

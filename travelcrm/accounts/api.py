"""Browser sign-in over REST: the session id travels only in an HttpOnly, SameSite=Lax cookie."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from travelcrm.accounts import services as accounts
from travelcrm.accounts import tokens
from travelcrm.accounts.models import Membership, User
from travelcrm.accounts.schemas import (
    LoginIn,
    Me,
    MemberPublic,
    RefreshIn,
    RoleChange,
    SessionPublic,
    TokenOut,
)
from travelcrm.api.auth import (
    SESSION_COOKIE,
    Identity,
    NoAgencySelectedError,
    current_identity,
    tenant_session,
)
from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.core.clock import as_utc
from travelcrm.core.text import CleanStr
from travelcrm.core.urls import safe_local_path
from travelcrm.db import system_scope
from travelcrm.settings import get_settings

router = APIRouter(prefix="/api/auth", tags=["auth"])
LOGIN_PAGE = "/login"  # travelcrm.ui.routes.LOGIN (the API does not import the UI)


def _client(request: Request) -> tuple[str | None, str | None]:
    return (request.client.host if request.client else None), request.headers.get("user-agent")


def _me(identity: Identity) -> Me:
    return Me(
        user_id=identity.user.id,
        email=identity.user.email,
        name=identity.user.name,
        tenant_id=identity.context.tenant_id,
        role=identity.context.role.value,
    )


@router.post(
    "/login",
    response_model=Envelope[Me | None],
    responses=problem_responses(401, 403, 429),
    summary="Sign in; sets the HttpOnly session cookie",
)
async def login(body: LoginIn, request: Request, response: Response) -> dict[str, Any]:
    ip, agent = _client(request)

    def run() -> accounts.SignInResult:
        with system_scope() as session:
            return accounts.sign_in(
                session, email=body.email, password=body.password, ip=ip, user_agent=agent
            )

    try:
        result = await run_in_threadpool(run)
    except accounts.LockedOutError as exc:
        exc.extra["headers"] = {"Retry-After": str(exc.retry_after)}
        raise
    _set_session_cookie(response, result.session_token)
    me = None
    if result.context is not None:
        me = Me(
            user_id=result.user.id,
            email=result.user.email,
            name=result.user.name,
            tenant_id=result.context.tenant_id,
            role=result.context.role.value,
        )
    return envelope(me)


def _set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.app_env == "prod",
        path="/",
    )


async def _end_session(request: Request) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return

    def run() -> None:
        with system_scope() as session:
            accounts.sign_out(session, raw_token=token)

    await run_in_threadpool(run)


@router.post(
    "/login-form",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "Redirect: to `next` when signed in, else to the login page"}},
    summary="Sign in from the browser's login page (form post, no script)",
)
async def login_form(
    request: Request,
    email: Annotated[CleanStr, Form(min_length=1, max_length=254)],
    password: Annotated[str, Form(min_length=1, max_length=256)],
    next_path: Annotated[str | None, Form(alias="next", max_length=500)] = None,
) -> RedirectResponse:
    ip, agent = _client(request)

    def run() -> accounts.SignInResult:
        with system_scope() as session:
            return accounts.sign_in(
                session, email=email, password=password, ip=ip, user_agent=agent
            )

    try:
        result = await run_in_threadpool(run)
    except (
        accounts.InvalidCredentialsError,
        accounts.EmailNotVerifiedError,
        accounts.LockedOutError,
    ) as exc:
        query = urlencode({"error": exc.code, "email": email[:254]})
        return RedirectResponse(f"{LOGIN_PAGE}?{query}", status_code=303)
    response = RedirectResponse(safe_local_path(next_path), status_code=303)
    _set_session_cookie(response, result.session_token)
    return response


@router.post(
    "/logout-form",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "Redirect to the login page"}},
    summary="Sign out from the browser (form post)",
)
async def logout_form(request: Request) -> RedirectResponse:
    await _end_session(request)
    response = RedirectResponse(LOGIN_PAGE, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/logout", status_code=204, summary="End this session")
async def logout(request: Request, response: Response) -> Response:
    await _end_session(request)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Envelope[Me], responses=problem_responses(401))
def me(identity: Annotated[Identity, Depends(current_identity)]) -> dict[str, Any]:
    return envelope(_me(identity))


@router.get(
    "/sessions", response_model=Envelope[list[SessionPublic]], responses=problem_responses(401)
)
def my_sessions(identity: Annotated[Identity, Depends(current_identity)]) -> dict[str, Any]:
    with system_scope() as session:
        rows = accounts.list_sessions(session, user_id=identity.user.id)
    return envelope(
        [
            SessionPublic(
                id=row.id,
                ip=row.ip,
                user_agent=row.user_agent,
                created_at=as_utc(row.created_at),
                last_seen_at=as_utc(row.last_seen_at),
                current=identity.session is not None and row.id == identity.session.id,
            )
            for row in rows
        ]
    )


@router.delete("/sessions/{session_id}", status_code=204, responses=problem_responses(401, 404))
def end_session(
    session_id: uuid.UUID, identity: Annotated[Identity, Depends(current_identity)]
) -> Response:
    with system_scope() as session:
        accounts.revoke_session(session, user_id=identity.user.id, session_id=session_id)
    return Response(status_code=204)


@router.post(
    "/token",
    response_model=Envelope[TokenOut],
    responses=problem_responses(401, 403, 409, 429),
    summary="API tokens: a 15-minute access token (JWT) and a single-use 30-day refresh token",
)
async def token(body: LoginIn, request: Request) -> dict[str, Any]:
    ip, agent = _client(request)

    def run() -> tokens.TokenPair:
        with system_scope() as session:
            result = accounts.sign_in(
                session,
                email=body.email,
                password=body.password,
                ip=ip,
                user_agent=agent,
                browser_session=False,
            )
            if result.context is None:
                raise NoAgencySelectedError(
                    "This account belongs to several agencies; API tokens for it arrive with "
                    "agency switching."
                )
            return tokens.issue_pair(session, result.context)

    try:
        pair = await run_in_threadpool(run)
    except accounts.LockedOutError as exc:
        exc.extra["headers"] = {"Retry-After": str(exc.retry_after)}
        raise
    return envelope(TokenOut(**pair.__dict__))


@router.post(
    "/refresh",
    response_model=Envelope[TokenOut],
    responses=problem_responses(401),
    summary="Rotate a refresh token (reusing one revokes its whole family)",
)
async def refresh(body: RefreshIn) -> dict[str, Any]:
    def run() -> tokens.TokenPair:
        with system_scope() as session:
            return tokens.refresh(session, raw_refresh_token=body.refresh_token)

    return envelope(TokenOut(**(await run_in_threadpool(run)).__dict__))


users_router = APIRouter(prefix="/api/users", tags=["users"])


def _member_public(membership: Membership, user: User) -> MemberPublic:
    return MemberPublic(
        id=membership.id,
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=membership.role,
        is_active=membership.is_active,
        created_at=as_utc(membership.created_at),
    )


@users_router.get(
    "", response_model=Envelope[list[MemberPublic]], responses=problem_responses(401, 403)
)
def list_users(
    identity: Annotated[Identity, Depends(current_identity)],
    session: Annotated[Session, Depends(tenant_session)],
) -> dict[str, Any]:
    members = accounts.list_members(session, identity.context)
    return envelope([_member_public(m, u) for m, u in members])


@users_router.patch(
    "/{member_id}",
    response_model=Envelope[MemberPublic],
    responses=problem_responses(401, 403, 404, 409),
    summary="Change a person's role in the agency",
)
def change_user_role(
    member_id: uuid.UUID,
    body: RoleChange,
    identity: Annotated[Identity, Depends(current_identity)],
    session: Annotated[Session, Depends(tenant_session)],
) -> dict[str, Any]:
    membership = accounts.change_role(
        session, identity.context, member_id=member_id, role=body.role
    )
    return envelope(_member_public(membership, accounts.member_user(session, membership)))


@users_router.post(
    "/{member_id}/deactivate",
    response_model=Envelope[MemberPublic],
    responses=problem_responses(401, 403, 404, 409),
    summary="Remove a person from the agency; their sessions and tokens end at once",
)
def deactivate_user(
    member_id: uuid.UUID,
    identity: Annotated[Identity, Depends(current_identity)],
    session: Annotated[Session, Depends(tenant_session)],
) -> dict[str, Any]:
    membership = accounts.deactivate_member(session, identity.context, member_id=member_id)
    return envelope(_member_public(membership, accounts.member_user(session, membership)))

"""Browser sign-in over REST: the session id travels only in an HttpOnly, SameSite=Lax cookie."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from travelcrm.accounts import services as accounts
from travelcrm.accounts.schemas import LoginIn, Me, SessionPublic
from travelcrm.api.auth import SESSION_COOKIE, Identity, current_identity
from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.core.clock import as_utc
from travelcrm.db import system_scope
from travelcrm.settings import get_settings

router = APIRouter(prefix="/api/auth", tags=["auth"])


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
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE,
        result.session_token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.app_env == "prod",
        path="/",
    )
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


@router.post("/logout", status_code=204, summary="End this session")
async def logout(request: Request, response: Response) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:

        def run() -> None:
            with system_scope() as session:
                accounts.sign_out(session, raw_token=token)

        await run_in_threadpool(run)
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
                current=row.id == identity.session.id,
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

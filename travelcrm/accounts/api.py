"""Browser sign-in over REST: the session id travels only in an HttpOnly, SameSite=Lax cookie."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from travelcrm.accounts import services as accounts
from travelcrm.accounts import tokens
from travelcrm.accounts.models import Membership, User
from travelcrm.accounts.schemas import (
    Accepted,
    AgencyOut,
    EmailIn,
    InviteAcceptIn,
    LoginIn,
    Me,
    MemberPublic,
    PasswordChangeIn,
    RefreshIn,
    RegisterOut,
    ResetConfirmIn,
    RoleChange,
    SessionPublic,
    SwitchIn,
    TokenIn,
    TokenOut,
)
from travelcrm.accounts.services import SESSION_COOKIE
from travelcrm.api.auth import (
    Db,
    NoAgencySelectedError,
    NotSignedInError,
    Person,
    Who,
    current_person,
)
from travelcrm.api.envelope import Envelope, envelope, problem_responses
from travelcrm.api.etag import conditional_bytes
from travelcrm.api.openapi import SESSION_WHEN_PRESENT
from travelcrm.api.routes import client_of
from travelcrm.core.clock import as_utc
from travelcrm.core.errors import NotFoundError
from travelcrm.core.text import CleanStr
from travelcrm.core.throttle import LockedOutError
from travelcrm.core.urls import safe_local_path
from travelcrm.db import system_scope
from travelcrm.settings import get_settings
from travelcrm.tenants import services as tenants

router = APIRouter(prefix="/api/auth", tags=["auth"])
LOGIN_PAGE = "/login"  # travelcrm.ui.routes.LOGIN (the API does not import the UI)
CHOOSE_AGENCY_PAGE = "/choose-agency"  # travelcrm.ui.routes.CHOOSE_AGENCY


def _me(user: User, ctx: accounts.TenantContext, *, has_avatar: bool = False) -> Me:
    return Me(
        user_id=user.id,
        email=user.email,
        name=user.name,
        tenant_id=ctx.tenant_id,
        role=ctx.role.value,
        phone=user.phone,
        timezone=user.timezone,
        has_avatar=has_avatar,
    )


@router.post(
    "/login",
    response_model=Envelope[Me | None],
    responses=problem_responses(401, 403, 429),
    summary="Sign in; sets the HttpOnly session cookie",
)
async def login(body: LoginIn, request: Request, response: Response) -> dict[str, Any]:
    ip, agent = client_of(request)

    def run() -> accounts.SignInResult:
        with system_scope() as session:
            return accounts.sign_in(
                session,
                email=body.email,
                password=body.password,
                ip=ip,
                user_agent=agent,
                agency_id=body.agency_id,
            )

    result = await run_in_threadpool(run)
    _set_session_cookie(response, result.session_token)
    me = _me(result.user, result.context) if result.context is not None else None
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
    agency: Annotated[str | None, Form(max_length=63, pattern=r"^([a-z0-9][a-z0-9-]*)?$")] = None,
) -> RedirectResponse:
    ip, agent = client_of(request)
    login_page = f"/t/{agency}/login" if agency else LOGIN_PAGE

    def run() -> accounts.SignInResult:
        with system_scope() as session:
            agency_id = None
            if agency:
                agency_id = tenants.agency_by_slug(session, slug=agency).id
            return accounts.sign_in(
                session,
                email=email,
                password=password,
                ip=ip,
                user_agent=agent,
                agency_id=agency_id,
            )

    try:
        result = await run_in_threadpool(run)
    except (
        accounts.InvalidCredentialsError,
        accounts.EmailNotVerifiedError,
        LockedOutError,
        tenants.AgencySuspendedError,
        NotFoundError,
    ) as exc:
        query = urlencode({"error": exc.code, "email": email[:254]})
        if isinstance(exc, LockedOutError):
            query += f"&retry={exc.retry_after}"
        return RedirectResponse(f"{login_page}?{query}", status_code=303)
    target = safe_local_path(next_path)
    if result.context is None:  # in several agencies: choose first, then go on
        target = f"{CHOOSE_AGENCY_PAGE}?{urlencode({'next': target})}"
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(response, result.session_token)
    return response


@router.post(
    "/logout-form",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "Redirect to the login page"}},
    summary="Sign out from the browser (form post)",
    openapi_extra=SESSION_WHEN_PRESENT,
)
async def logout_form(request: Request) -> RedirectResponse:
    await _end_session(request)
    response = RedirectResponse(LOGIN_PAGE, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post(
    "/logout",
    status_code=204,
    summary="End this session",
    openapi_extra=SESSION_WHEN_PRESENT,
)
async def logout(request: Request, response: Response) -> Response:
    await _end_session(request)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Envelope[Me], responses=problem_responses(401, 409))
def me(identity: Who) -> dict[str, Any]:
    with system_scope() as session:
        has_avatar = accounts.has_avatar(session, user_id=identity.user.id)
    return envelope(_me(identity.user, identity.context, has_avatar=has_avatar))


@router.get(
    "/sessions", response_model=Envelope[list[SessionPublic]], responses=problem_responses(401)
)
def my_sessions(identity: Who) -> dict[str, Any]:
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
def end_session(session_id: uuid.UUID, identity: Who) -> Response:
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
    ip, agent = client_of(request)

    def run() -> tokens.TokenPair:
        with system_scope() as session:
            result = accounts.sign_in(
                session,
                email=body.email,
                password=body.password,
                ip=ip,
                user_agent=agent,
                browser_session=False,
                agency_id=body.agency_id,
            )
            if result.context is None:
                raise NoAgencySelectedError(
                    "This account belongs to several agencies; send `agency_id` "
                    "(GET /api/auth/agencies lists them)."
                )
            return tokens.issue_pair(session, result.context)

    pair = await run_in_threadpool(run)
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
        invitation_pending=membership.accepted_at is None,
    )


@users_router.get(
    "", response_model=Envelope[list[MemberPublic]], responses=problem_responses(401, 403)
)
def list_users(
    identity: Who,
    session: Db,
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
    request: Request,
    identity: Who,
    session: Db,
) -> dict[str, Any]:
    ip, agent = client_of(request)
    membership = accounts.change_role(
        session, identity.context, member_id=member_id, role=body.role, ip=ip, user_agent=agent
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
    request: Request,
    identity: Who,
    session: Db,
) -> dict[str, Any]:
    ip, agent = client_of(request)
    membership = accounts.deactivate_member(
        session, identity.context, member_id=member_id, ip=ip, user_agent=agent
    )
    return envelope(_member_public(membership, accounts.member_user(session, membership)))


# ---- sign-up, verification, password reset ---------------------------------------------------


@router.post(
    "/register",
    status_code=201,
    response_model=Envelope[RegisterOut],
    responses=problem_responses(409, 422),
    summary="Sign up an agency; its first user is the owner (verification email sent)",
)
def register(body: accounts.AgencySignup, request: Request) -> dict[str, Any]:
    ip, agent = client_of(request)
    with system_scope() as session:
        result = accounts.register_agency(session, data=body, ip=ip, user_agent=agent)
        out = RegisterOut(
            tenant_id=result.tenant.id,
            slug=result.tenant.slug,
            user_id=result.user.id,
            email=result.user.email,
        )
    return envelope(out)


@router.post(
    "/verify",
    response_model=Envelope[Accepted],
    responses=problem_responses(400, 429),
    summary="Confirm an email address with the link's token (single use, 24 hours)",
)
def verify(body: TokenIn, request: Request) -> dict[str, Any]:
    ip, _agent = client_of(request)
    with system_scope() as session:
        accounts.verify_email(session, raw_token=body.token, ip=ip)
    return envelope(Accepted(message="Email confirmed. You can sign in now."))


SAME_ANSWER = "If an account with that email needs it, a link is on its way."


@router.post(
    "/verify/resend",
    status_code=202,
    response_model=Envelope[Accepted],
    responses=problem_responses(429),
    summary="Send the verification link again (same answer whether or not the email exists)",
)
def resend_verification(body: EmailIn, request: Request) -> dict[str, Any]:
    ip, _agent = client_of(request)
    with system_scope() as session:
        accounts.resend_verification(session, email=body.email, ip=ip)
    return envelope(Accepted(message=SAME_ANSWER))


@router.post(
    "/password-reset",
    status_code=202,
    response_model=Envelope[Accepted],
    responses=problem_responses(429),
    summary="Email a password reset link, valid 1 hour (never says whether the email exists)",
)
def password_reset(body: EmailIn, request: Request) -> dict[str, Any]:
    ip, _agent = client_of(request)
    with system_scope() as session:
        accounts.request_password_reset(session, email=body.email, ip=ip)
    return envelope(Accepted(message=SAME_ANSWER))


@router.post(
    "/password-reset/confirm",
    response_model=Envelope[Accepted],
    responses=problem_responses(400, 422, 429),
    summary="Set a new password from a reset link; every session of the user ends",
)
def password_reset_confirm(body: ResetConfirmIn, request: Request) -> dict[str, Any]:
    ip, _agent = client_of(request)
    with system_scope() as session:
        accounts.reset_password(session, raw_token=body.token, new_password=body.password, ip=ip)
    return envelope(Accepted(message="Password changed. Sign in with the new one."))


@router.post(
    "/password",
    response_model=Envelope[Accepted],
    responses=problem_responses(401, 422, 429),
    summary="Change one's own password; other sessions and API tokens end",
)
def change_password(
    body: PasswordChangeIn,
    request: Request,
    person: Annotated[Person, Depends(current_person)],
) -> dict[str, Any]:
    ip, _agent = client_of(request)
    with system_scope() as session:
        accounts.change_password(
            session,
            user_id=person.user.id,
            current_password=body.current_password,
            new_password=body.new_password,
            keep_session=person.session.id if person.session else None,
            ip=ip,
        )
    return envelope(Accepted(message="Password changed. Your other sessions were signed out."))


# ---- invitations -------------------------------------------------------------------------------


@router.post(
    "/invites/lookup",
    response_model=Envelope[dict[str, Any]],
    responses=problem_responses(400),
    summary="What an invitation is for (does not use it; the token stays out of URLs)",
)
def peek_invite(body: TokenIn) -> dict[str, Any]:
    with system_scope() as session:
        view = accounts.peek_invite(session, raw_token=body.token)
    return envelope(view.__dict__)


@router.post(
    "/invites/accept",
    response_model=Envelope[Me | None],
    responses=problem_responses(400, 422, 429),
    summary="Accept an invitation (new people set their password); signs in",
)
async def accept_invite(
    body: InviteAcceptIn, request: Request, response: Response
) -> dict[str, Any]:
    ip, agent = client_of(request)

    def run() -> accounts.SignInResult:
        with system_scope() as session:
            user = accounts.accept_invite(
                session, raw_token=body.token, name=body.name, password=body.password, ip=ip
            )
            return accounts.open_session(session, user=user, ip=ip, user_agent=agent)

    result = await run_in_threadpool(run)
    _set_session_cookie(response, result.session_token)
    return envelope(_me(result.user, result.context) if result.context else None)


# ---- profile, avatar, agencies -----------------------------------------------------------------


@router.patch(
    "/me",
    response_model=Envelope[Me],
    responses=problem_responses(401, 409, 422),
    summary="Change one's name, phone or timezone",
)
def update_me(
    body: accounts.ProfileUpdate,
    request: Request,
    identity: Who,
) -> dict[str, Any]:
    ip, _agent = client_of(request)
    with system_scope() as session:
        user = accounts.update_profile(session, user_id=identity.user.id, data=body, ip=ip)
        has_avatar = accounts.has_avatar(session, user_id=user.id)
    return envelope(_me(user, identity.context, has_avatar=has_avatar))


UPLOAD_LIMIT = 5 * 1024 * 1024


async def _read_upload(file: UploadFile) -> bytes:
    return await file.read(
        UPLOAD_LIMIT + 1
    )  # one byte more tells "too large" without reading it all


@router.put(
    "/me/avatar",
    response_model=Envelope[Accepted],
    responses=problem_responses(401, 422),
    summary="Upload a picture: PNG, JPEG or WebP up to 5 MB (stored as 200x200, no metadata)",
)
async def put_avatar(
    file: UploadFile, person: Annotated[Person, Depends(current_person)]
) -> dict[str, Any]:
    data = await _read_upload(file)

    def run() -> None:
        with system_scope() as session:
            accounts.set_avatar(session, user_id=person.user.id, data=data, filename=file.filename)

    await run_in_threadpool(run)
    return envelope(Accepted(message="Picture saved."))


@router.delete("/me/avatar", status_code=204, responses=problem_responses(401))
def delete_avatar(person: Annotated[Person, Depends(current_person)]) -> Response:
    with system_scope() as session:
        accounts.remove_avatar(session, user_id=person.user.id)
    return Response(status_code=204)


def _image_response(content: bytes, content_type: str, sha256: str, request: Request) -> Response:
    return conditional_bytes(
        request,
        content,
        media_type=content_type,
        digest=sha256,
        cache_control="private, max-age=300",
    )


@router.get(
    "/avatars/{user_id}",
    response_class=Response,
    responses={200: {"content": {"image/webp": {}}}, **problem_responses(401, 404)},
    summary="A person's picture (oneself, or a colleague in a shared agency)",
)
def get_avatar(
    user_id: uuid.UUID, request: Request, person: Annotated[Person, Depends(current_person)]
) -> Response:
    with system_scope() as session:
        avatar = accounts.get_avatar(session, viewer_id=person.user.id, user_id=user_id)
        return _image_response(avatar.content, avatar.content_type, avatar.sha256, request)


@router.get(
    "/agencies",
    response_model=Envelope[list[AgencyOut]],
    responses=problem_responses(401),
    summary="The agencies one works in (to pick or switch)",
)
def my_agencies(person: Annotated[Person, Depends(current_person)]) -> dict[str, Any]:
    with system_scope() as session:
        choices = accounts.my_agencies(session, user_id=person.user.id)
    current = person.context.tenant_id if person.context else None
    return envelope(
        [
            AgencyOut(
                tenant_id=c.tenant_id,
                slug=c.slug,
                name=c.name,
                role=c.role,
                current=c.tenant_id == current,
            )
            for c in choices
        ]
    )


@router.post(
    "/switch",
    response_model=Envelope[Me],
    responses=problem_responses(401, 404, 422),
    summary="Work in another of one's agencies (browser sessions)",
)
def switch_agency(
    body: SwitchIn, request: Request, person: Annotated[Person, Depends(current_person)]
) -> dict[str, Any]:
    if person.session is None:
        raise NotSignedInError(
            "API tokens are issued for one agency; ask POST /api/auth/token with `agency_id`."
        )
    ip, _agent = client_of(request)
    with system_scope() as session:
        ctx = accounts.switch_agency(
            session, auth_session=person.session, tenant_id=body.tenant_id, ip=ip
        )
    return envelope(_me(person.user, ctx))


invitations_router = APIRouter(prefix="/api/invitations", tags=["users"])


@invitations_router.post(
    "",
    status_code=201,
    response_model=Envelope[MemberPublic],
    responses=problem_responses(401, 403, 409, 422),
    summary="Invite a person by email with a role (the link is valid 7 days)",
)
def invite_user(
    body: accounts.InviteIn,
    request: Request,
    identity: Who,
    session: Db,
) -> dict[str, Any]:
    ip, _agent = client_of(request)
    membership, user = accounts.invite_member(session, identity.context, data=body, ip=ip)
    return envelope(_member_public(membership, user))

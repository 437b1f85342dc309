"""Users page state: the agency's members, role changes and deactivation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import Membership, User
from travelcrm.core.permissions import Action, Role, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.ui.components.formats import local_date
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.record import GatedPage
from travelcrm.ui.session import Viewer, client_of

STAFF_ROLES = [r.value for r in Role if r is not Role.CUSTOMER]
NOT_LISTED = "That person is not in this list; reload the page."


@dataclass
class MemberRow:
    member_id: str
    name: str
    email: str
    initials: str
    role: str
    active: bool
    pending: bool  # invited, not joined yet
    verified: bool
    joined: str
    is_you: bool
    can_change_role: bool
    can_deactivate: bool


def initials(name: str) -> str:
    parts = [p for p in name.split() if p[:1].isalnum()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def role_choices(viewer_role: Role) -> list[str]:
    """Roles this viewer may hand out: only owners make owners."""
    return [r for r in STAFF_ROLES if r != Role.OWNER.value or viewer_role is Role.OWNER]


def member_row(viewer: Viewer, membership: Membership, user: User) -> MemberRow:
    me = viewer.context
    owner_row = membership.role == Role.OWNER.value
    may_touch = not owner_row or me.role is Role.OWNER
    return MemberRow(
        member_id=str(membership.id),
        name=user.name,
        email=user.email,
        initials=initials(user.name),
        role=membership.role,
        active=membership.is_active,
        pending=membership.accepted_at is None,
        verified=user.email_verified_at is not None,
        joined=local_date(membership.created_at, viewer.agency_timezone),
        is_you=user.id == me.user_id,
        can_change_role=membership.is_active
        and may_touch
        and can(me.role, Action.USERS_CHANGE_ROLE),
        can_deactivate=membership.is_active
        and may_touch
        and user.id != me.user_id
        and can(me.role, Action.USERS_DEACTIVATE),
    )


def members_summary(rows: list[MemberRow]) -> str:
    """ "5 people · 3 active · 2 invited": an invited person is not active until they join."""
    active = sum(1 for r in rows if r.active and not r.pending)
    invited = sum(1 for r in rows if r.active and r.pending)
    said = f"{len(rows)} {'person' if len(rows) == 1 else 'people'} · {active} active"
    return said + (f" · {invited} invited" if invited else "")


class UsersState(GatedPage, rx.State):
    members: list[MemberRow] = []
    role_options: list[str] = []
    summary: str = ""
    can_invite: bool = False
    invite_open: bool = False
    invite_role: str = Role.AGENT.value
    invite_errors: dict[str, str] = {}
    # the deactivation waiting for confirmation
    confirm_open: bool = False
    confirm_member_id: str = ""
    confirm_name: str = ""

    def _fill(self, viewer: Viewer) -> None:
        with tenant_scope(viewer.context) as session:
            rows = [
                member_row(viewer, m, u) for m, u in accounts.list_members(session, viewer.context)
            ]
        self.members = rows
        self.summary = members_summary(rows)
        self.role_options = role_choices(viewer.context.role)

    def _show(self, viewer: Viewer) -> None:
        self.role = viewer.context.role.value
        self.allowed = can(viewer.context.role, Action.USERS_VIEW)
        self.can_invite = can(viewer.context.role, Action.USERS_INVITE)
        if self.allowed:
            self._fill(viewer)
        self.loaded = True

    def _refresh(self) -> EventSpec | None:
        """After a change: who the viewer is now (their own role may have been the change)."""
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        self._show(viewer)
        return None

    @event
    def load(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return self._signed_out()
        self._show(viewer)
        return None

    def _change_member(
        self, member_id: str, change: Callable[..., Any], done: str, **args: Any
    ) -> EventSpec | None:
        """`change(session, ctx, member_id=..., ip=..., user_agent=..., **args)`, then the list
        as it is now (the viewer's own role may have been the change)."""
        target = parse_id(member_id)
        if target is None:
            return rx.toast.error(NOT_LISTED)
        ip, agent = client_of(self.router)
        _, failed = self._run(
            lambda session, ctx: change(
                session, ctx, member_id=target, ip=ip, user_agent=agent, **args
            )
        )
        return self._refresh() or failed or rx.toast.success(done)

    @event
    def change_role(self, member_id: str, role: str) -> EventSpec | None:
        row = next((r for r in self.members if r.member_id == member_id), None)
        if row is None or role not in STAFF_ROLES:
            return rx.toast.error("That person or role is not in this list; reload the page.")
        return self._change_member(
            member_id, accounts.change_role, f"{row.name} is now {role}.", role=Role(role)
        )

    @event
    def ask_deactivate(self, member_id: str, name: str) -> None:
        self.confirm_member_id = member_id
        self.confirm_name = name
        self.confirm_open = True

    @event
    def set_confirm_open(self, value: bool) -> None:
        self.confirm_open = value

    @event
    def deactivate(self) -> EventSpec | None:
        self.confirm_open = False
        if not any(r.member_id == self.confirm_member_id for r in self.members):
            return rx.toast.error(NOT_LISTED)
        return self._change_member(
            self.confirm_member_id,
            accounts.deactivate_member,
            f"{self.confirm_name} was deactivated.",
        )

    @event
    def set_invite_open(self, value: bool) -> None:
        self.invite_open, self.invite_errors = value, {}

    @event
    def set_invite_role(self, value: str) -> None:
        self.invite_role = value

    @event
    def invite(self, form: dict[str, str]) -> EventSpec | None:
        ip = client_of(self.router)[0]

        def work(session: Session, ctx: TenantContext) -> str:
            data = accounts.InviteIn(
                email=form.get("email", ""), name=form.get("name", ""), role=self.invite_role
            )
            accounts.invite_member(session, ctx, data=data, ip=ip)
            return data.email

        email, failed = self._run(work, errors="invite_errors")
        if email is None:
            return failed
        self.invite_open = False
        return self._refresh() or rx.toast.success(
            f"Invitation sent to {email}. The link is valid for 7 days."
        )

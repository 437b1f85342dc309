"""My sessions page state: where the viewer is signed in, and signing other devices out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import reflex as rx
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import AuthSession
from travelcrm.db import tenant_scope
from travelcrm.ui.components.devices import describe_user_agent
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage, parse_id
from travelcrm.ui.session import Viewer


@dataclass
class SessionRow:
    session_id: str
    device: str
    kind: str
    user_agent: str
    ip: str
    started: str
    last_seen: str
    current: bool


def session_row(row: AuthSession, viewer: Viewer) -> SessionRow:
    device = describe_user_agent(row.user_agent)
    return SessionRow(
        session_id=str(row.id),
        device=device.label,
        kind=device.kind,
        user_agent=row.user_agent or "",
        ip=row.ip or "—",
        started=local_time(row.created_at, viewer.agency_timezone),
        last_seen=local_time(row.last_seen_at, viewer.agency_timezone),
        current=row.id == viewer.session_id,
    )


class SessionsState(StaffPage, rx.State):
    loaded: bool = False
    timezone: str = ""
    sessions: list[SessionRow] = []
    others: int = 0

    def _fill(self, viewer: Viewer, user_id: uuid.UUID) -> None:
        with tenant_scope(viewer.context) as session:
            rows = accounts.list_sessions(session, user_id=user_id)
        shown = [session_row(row, viewer) for row in rows]
        # This device first, then the others by last activity.
        self.sessions = sorted(shown, key=lambda r: not r.current)
        self.others = sum(1 for r in shown if not r.current)
        self.timezone = viewer.agency_timezone

    @event
    def load(self) -> EventSpec | None:
        who = self._me()
        if who is None:
            return self._signed_out()
        self._fill(*who)
        self.loaded = True
        return None

    @event
    def sign_out(self, session_id: str) -> EventSpec | None:
        who = self._me()
        if who is None:
            return self._signed_out()
        viewer, user_id = who
        row = next((r for r in self.sessions if r.session_id == session_id), None)
        target = parse_id(session_id)
        if row is None or row.current or target is None:
            return rx.toast.error("Use Sign out in the user menu to end this device's session.")
        _, failed = self._run(
            lambda session, _ctx: accounts.revoke_session(
                session, user_id=user_id, session_id=target
            )
        )
        self._fill(viewer, user_id)
        return failed or rx.toast.success(f"Signed out {row.device}.")

    @event
    def sign_out_others(self) -> EventSpec | None:
        who = self._me()
        if who is None:
            return self._signed_out()
        viewer, user_id = who
        ended, failed = self._run(
            lambda session, _ctx: accounts.revoke_other_sessions(
                session, user_id=user_id, keep=viewer.session_id
            )
        )
        self._fill(viewer, user_id)
        if ended is None:
            return failed
        noun = "session" if ended == 1 else "sessions"
        return rx.toast.success(f"Signed out {ended} other {noun}.")

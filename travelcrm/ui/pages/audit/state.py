"""Audit log page state: filtered, cursor-paged events with their before/after values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.audit import services as audit
from travelcrm.audit.schemas import AuditEventPublic, AuditFilter
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Action, can
from travelcrm.db import tenant_scope
from travelcrm.ui.components.devices import describe_user_agent
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.components.pager import Paged
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.record import GatedPage
from travelcrm.ui.session import Viewer

PAGE_SIZE = 25
ANY = "any"  # a select's "no filter" value (Radix selects cannot hold "")
AGENCY_TARGET = "tenant"
WHEN = "%d %b %Y, %H:%M:%S"

# Actions in words; an unknown action is shown as its code.
ACTION_LABELS = {
    "agency.registered": "Agency registered",
    "auth.agency_switched": "Switched agency",
    "auth.email_verified": "Email confirmed",
    "auth.password_changed": "Password changed",
    "auth.password_reset": "Password reset",
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Sign-in failed",
    "auth.token_issued": "API token issued",
    "rates.blackout_added": "Blackout added",
    "rates.bulk_changed": "Prices changed in bulk",
    "rates.draft_started": "Rate draft started",
    "rates.imported": "Rate sheet imported",
    "customers.merged": "Customers merged",
    "rates.list_created": "Rate list created",
    "rates.price_words_changed": "Price words changed",
    "rates.published": "Rates published",
    "rates.stop_sale_added": "Stop-sale added",
    "rates.unpublished": "Rates unpublished",
    "rates.version_changed": "Rate version changed",
    "supplier.archived": "Supplier archived",
    "supplier.bank_details_changed": "Bank details changed",
    "supplier.bank_details_cleared": "Bank details cleared",
    "supplier.bank_revealed": "Bank details revealed",
    "supplier.contact_added": "Supplier contact added",
    "supplier.contact_removed": "Supplier contact removed",
    "supplier.contact_updated": "Supplier contact changed",
    "supplier.created": "Supplier created",
    "supplier.deleted": "Supplier deleted",
    "supplier.restored": "Supplier restored",
    "supplier.service_added": "Supplier service added",
    "supplier.service_removed": "Supplier service removed",
    "supplier.service_updated": "Supplier service changed",
    "supplier.updated": "Supplier changed",
    "tenant.logo_changed": "Logo changed",
    "tenant.settings_changed": "Settings changed",
    "user.deactivated": "User deactivated",
    "user.invite_accepted": "Invitation accepted",
    "user.invited": "User invited",
    "user.profile_changed": "Profile changed",
    "user.role_changed": "Role changed",
}
WARNING_WORDS = ("failed", "deactivated", "revoked", "deleted", "locked", "revealed", "reset")


@dataclass
class Option:
    value: str
    label: str


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class EventRow:
    event_id: str
    when: str
    who: str
    action: str
    label: str
    tone: str
    target: str
    ip: str
    device: str  # the user agent in words ("Chrome on Linux"), "" when none was recorded
    user_agent: str
    request_id: str
    changes: list[Change]


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def action_tone(action: str) -> str:
    return "red" if any(word in action for word in WARNING_WORDS) else "gray"


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def changes_of(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """Field by field, what the event changed (a missing side is shown as "—")."""
    old, new = before or {}, after or {}
    return [
        Change(field=key, before=_shown(old.get(key)), after=_shown(new.get(key)))
        for key in sorted(old.keys() | new.keys())
    ]


def day_range(since: str, until: str, timezone: str) -> tuple[datetime | None, datetime | None]:
    """Whole days in the agency's timezone ("YYYY-MM-DD", inclusive) as UTC bounds."""
    zone = ZoneInfo(timezone)

    def start(day: str) -> datetime | None:
        try:
            return datetime.combine(date.fromisoformat(day), time.min, tzinfo=zone)
        except ValueError:
            return None

    first = start(since) if since else None
    last = start(until) if until else None
    return first, (last + timedelta(days=1) if last else None)


def describe_target(
    target_type: str | None, target_id: str | None, names: dict[str, str], agency: str
) -> str:
    if target_type is None:
        return ""
    if target_type == "tenant":
        return agency
    if target_type == "user" and target_id:
        return names.get(target_id, f"user {target_id[:8]}")
    return f"{target_type} {(target_id or '')[:8]}".strip()


class AuditState(Paged, GatedPage, rx.State):
    timezone: str = ""
    events: list[EventRow] = []
    open_ids: list[str] = []
    # filters
    action: str = ANY
    actor: str = ANY
    target: str = ANY
    since: str = ""
    until: str = ""
    action_options: list[Option] = []
    people_options: list[Option] = []
    target_options: list[Option] = []
    _names: dict[str, str] = {}

    @rx.var
    def filtered(self) -> bool:
        return (self.action, self.actor, self.target, self.since, self.until) != (
            ANY,
            ANY,
            ANY,
            "",
            "",
        )

    def _filters(self, viewer: Viewer) -> AuditFilter:
        since, until = day_range(self.since, self.until, viewer.agency_timezone)
        actor = None if self.actor == ANY else parse_id(self.actor)
        if actor is None:
            self.actor = ANY
        target_type, target_id = None, None
        if self.target == AGENCY_TARGET:
            target_type = "tenant"
        elif self.target.startswith("user:"):
            target_type, target_id = "user", self.target.removeprefix("user:")
        return AuditFilter(
            action=None if self.action == ANY else self.action,
            actor_user_id=actor,
            target_type=target_type,
            target_id=target_id,
            since=since,
            until=until,
        )

    def _row(self, event: AuditEventPublic, viewer: Viewer) -> EventRow:
        actor = str(event.actor_user_id) if event.actor_user_id else None
        return EventRow(
            event_id=str(event.id),
            when=local_time(event.occurred_at, viewer.agency_timezone, WHEN),
            who=self._names.get(actor, f"user {actor[:8]}") if actor else "System",
            action=event.action,
            label=action_label(event.action),
            tone=action_tone(event.action),
            target=describe_target(
                event.target_type, event.target_id, self._names, viewer.agency_name
            ),
            ip=event.ip or "—",
            device=describe_user_agent(event.user_agent).label if event.user_agent else "",
            user_agent=event.user_agent or "",
            request_id=event.request_id or "",
            changes=changes_of(event.before, event.after),
        )

    def _fetch(self, viewer: Viewer) -> EventSpec | None:
        cursor, filters = self._page_cursor(), self._filters(viewer)
        found, failed = self._run(
            lambda session, ctx: audit.list_events(
                session, ctx, filters=filters, page=PageParams(limit=PAGE_SIZE, cursor=cursor)
            )
        )
        if found is None:
            return failed
        events, next_cursor = found
        self.events = [self._row(event, viewer) for event in events]
        self.open_ids = []
        self._turned(next_cursor)
        return None

    def _load_choices(self, viewer: Viewer) -> None:
        with tenant_scope(viewer.context) as session:
            actions = audit.list_actions(session, viewer.context)
            members = (
                accounts.list_members(session, viewer.context)
                if can(viewer.context.role, Action.USERS_VIEW)
                else []
            )
        self._names = {str(user.id): user.name for _m, user in members}
        people = [Option(value=str(user.id), label=user.name) for _m, user in members]
        self.action_options = [
            Option(value=ANY, label="All actions"),
            *[Option(value=a, label=action_label(a)) for a in actions],
        ]
        self.people_options = [Option(value=ANY, label="Anyone"), *people]
        self.target_options = [
            Option(value=ANY, label="Anything"),
            Option(value=AGENCY_TARGET, label="The agency (settings)"),
            *[Option(value=f"user:{p.value}", label=p.label) for p in people],
        ]

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.AUDIT_READ)
        if viewer is None:
            return self._signed_out()
        self.timezone = viewer.agency_timezone
        result = None
        if self.allowed:
            self._load_choices(viewer)
            self._first_page()
            result = self._fetch(viewer)
        self.loaded = True
        return result

    def _refilter(self) -> EventSpec | None:
        self._first_page()
        return self._show_page()

    @event
    def set_action(self, value: str) -> EventSpec | None:
        self.action = value
        return self._refilter()

    @event
    def set_actor(self, value: str) -> EventSpec | None:
        self.actor = value
        return self._refilter()

    @event
    def set_target(self, value: str) -> EventSpec | None:
        self.target = value
        return self._refilter()

    @event
    def set_since(self, value: str) -> EventSpec | None:
        self.since = value
        return self._refilter()

    @event
    def set_until(self, value: str) -> EventSpec | None:
        self.until = value
        return self._refilter()

    @event
    def clear_filters(self) -> EventSpec | None:
        self.action, self.actor, self.target, self.since, self.until = ANY, ANY, ANY, "", ""
        return self._refilter()

    @event
    def toggle(self, event_id: str) -> None:
        if event_id in self.open_ids:
            self.open_ids = [i for i in self.open_ids if i != event_id]
        else:
            self.open_ids = [*self.open_ids, event_id]

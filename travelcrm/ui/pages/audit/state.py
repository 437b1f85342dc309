"""Audit log page state: filtered, cursor-paged events with their before/after values."""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.audit import services as audit
from travelcrm.audit.schemas import AuditEventPublic, AuditFilter
from travelcrm.core.errors import DomainError
from travelcrm.core.locale import country_name, currency_label, date_text, timezone_label
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.db import Session, tenant_scope
from travelcrm.rates import services as rates
from travelcrm.ui.components.devices import describe_user_agent
from travelcrm.ui.components.formats import local_time
from travelcrm.ui.components.pager import Paged
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.audit.words import action_words, field_words, target_words
from travelcrm.ui.record import GatedPage
from travelcrm.ui.session import Viewer

PAGE_SIZE = 25
ANY = "any"  # a select's "no filter" value (Radix selects cannot hold "")
AGENCY_TARGET = "tenant"

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
    return action_words(action)


def action_tone(action: str) -> str:
    return "red" if any(word in action for word in WARNING_WORDS) else "gray"


COUNTRY_KEYS = frozenset({"country", "nationality", "destination_country"})
CURRENCY_KEYS = frozenset({"currency", "default_currency"})
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _shown(value: Any) -> str:
    """A recorded value as people read it: dates in the agency's locale, yes/no, lists."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        if _ISO_DAY.match(value):
            try:
                return date_text(date.fromisoformat(value))
            except ValueError:
                return value
        return value
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{field_words(str(k))}: {_shown(v)}" for k, v in value.items()) or "—"
    return json.dumps(value, sort_keys=True, default=str)


def _value(key: str, value: Any) -> str:
    """`_shown`, with countries and currencies by name ("India", "Indian Rupee (INR)")."""
    if isinstance(value, str) and value:
        if key in COUNTRY_KEYS:
            return country_name(value)
        if key in CURRENCY_KEYS and value.isalpha() and len(value) == 3:
            return currency_label(value.upper())
    return _shown(value)


def _an_id(value: Any) -> bool:
    return isinstance(value, str) and _ID.match(value) is not None


def changes_of(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """Field by field, what the event changed (a missing side is shown as "—"); fields that
    hold only ids are left out (the event's target names the record)."""
    old, new = before or {}, after or {}
    return [
        Change(
            field=field_words(key),
            before=_value(key, old.get(key)),
            after=_value(key, new.get(key)),
        )
        for key in sorted(old.keys() | new.keys())
        if not (key.endswith("_id") or _an_id(old.get(key)) or _an_id(new.get(key)))
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
    """What the event was about, by name ("Sea Breeze Resort", "Goa contract, version 2"),
    or in words when it is gone ("a supplier no longer on file"); never an id."""
    if target_type is None:
        return ""
    if target_type == "tenant":
        return agency
    return names.get(target_id or "", "") or target_words(target_type)


def target_names(
    session: Session, ctx: TenantContext, targets: set[tuple[str, str]]
) -> dict[str, str]:
    """The names of the events' targets (supplier, customer, rate list, rate version), each
    read through its domain's service; a target gone since is simply absent."""
    ids: dict[str, list[uuid.UUID]] = {}
    for kind, raw in targets:
        found = parse_id(raw)
        if found is not None:
            ids.setdefault(kind, []).append(found)
    names: dict[str, str] = {}
    if ids.get("supplier") and can(ctx.role, Action.RATES_VIEW):
        names |= {str(k): v for k, v in rates.supplier_names(session, ctx, ids["supplier"]).items()}
    for customer_id in ids.get("customer", []):
        with contextlib.suppress(DomainError):
            names[str(customer_id)] = customers.get_customer(
                session, ctx, customer_id=customer_id
            ).name
    for list_id in ids.get("rate_list", []):
        with contextlib.suppress(DomainError):
            names[str(list_id)] = rates.get_rate_list(session, ctx, list_id).name
    for version_id in ids.get("rate_list_version", []):
        with contextlib.suppress(DomainError):
            version = rates.get_version(session, ctx, version_id)
            rate_list = rates.get_rate_list(session, ctx, version.rate_list_id)
            names[str(version_id)] = f"{rate_list.name}, version {version.number}"
    return names


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

    def _row(self, event: AuditEventPublic, viewer: Viewer, targets: dict[str, str]) -> EventRow:
        actor = str(event.actor_user_id) if event.actor_user_id else None
        return EventRow(
            event_id=str(event.id),
            when=local_time(event.occurred_at, viewer.agency_timezone, seconds=True),
            who=self._names.get(actor, "A former colleague") if actor else "System",
            action=event.action,
            label=action_label(event.action),
            tone=action_tone(event.action),
            target=describe_target(
                event.target_type, event.target_id, self._names | targets, viewer.agency_name
            ),
            ip=event.ip or "—",
            device=describe_user_agent(event.user_agent).label if event.user_agent else "",
            user_agent=event.user_agent or "",
            request_id=event.request_id or "",
            changes=changes_of(event.before, event.after),
        )

    def _fetch(self, viewer: Viewer) -> EventSpec | None:
        cursor, filters = self._page_cursor(), self._filters(viewer)

        def read(
            session: Session, ctx: TenantContext
        ) -> tuple[list[AuditEventPublic], str | None, dict[str, str]]:
            events, next_cursor = audit.list_events(
                session, ctx, filters=filters, page=PageParams(limit=PAGE_SIZE, cursor=cursor)
            )
            wanted = {
                (e.target_type, e.target_id)
                for e in events
                if e.target_type and e.target_id and e.target_type not in ("tenant", "user")
            }
            return events, next_cursor, target_names(session, ctx, wanted)

        found, failed = self._run(read)
        if found is None:
            return failed
        events, next_cursor, targets = found
        self.events = [self._row(event, viewer, targets) for event in events]
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
        self.timezone = timezone_label(viewer.agency_timezone)
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

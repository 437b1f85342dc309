"""Words, colours and rows the query and customer pages share: status and priority labels, the
SLA chip's tone, list rows and timeline entries in words, and the new-query form read into the
schema's input (blank -> null, numbers as numbers, lists split on commas)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.locale import datetime_text, month_text, range_text, short_range_text
from travelcrm.core.pagination import PageParams
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.queries import services as queries
from travelcrm.queries.machine import STATUS_LABELS, QueryStatus, allowed_next
from travelcrm.queries.schemas import QueryFilter, QueryListItem, QuerySort
from travelcrm.queries.sla import Priority, SlaStatus, format_duration
from travelcrm.timeline.schemas import TimelineItem
from travelcrm.ui import routes
from travelcrm.ui.components.formats import local_date, local_time

STATUS_COLORS = {
    QueryStatus.DRAFT.value: "gray",
    QueryStatus.PENDING.value: "amber",
    QueryStatus.ASSIGNED.value: "blue",
    QueryStatus.QUOTED.value: "violet",
    QueryStatus.ON_HOLD.value: "orange",
    QueryStatus.WON.value: "green",
    QueryStatus.LOST.value: "red",
    QueryStatus.CANCELLED.value: "gray",
}
STATUS_WORDS = {s.value: label for s, label in STATUS_LABELS.items()}
PRIORITY_LABELS = {
    Priority.URGENT.value: "Urgent",
    Priority.HIGH.value: "High",
    Priority.NORMAL.value: "Normal",
    Priority.LOW.value: "Low",
}
PRIORITY_COLORS = {"urgent": "red", "high": "orange", "normal": "gray", "low": "gray"}
# The board's columns, left to right (drafts live in the list; cancelled ones are left off).
BOARD_COLUMNS = (
    QueryStatus.PENDING,
    QueryStatus.ASSIGNED,
    QueryStatus.QUOTED,
    QueryStatus.ON_HOLD,
    QueryStatus.WON,
    QueryStatus.LOST,
)
MOVE_ORDER = (*BOARD_COLUMNS, QueryStatus.CANCELLED)
SOON = timedelta(hours=1)
ANY = "any"  # a select's "no choice" value (Radix selects cannot hold "")
HOTEL_CATEGORIES = (
    "3 star",
    "4 star",
    "5 star",
    "Boutique",
    "Homestay",
    "Villa",
)  # an SLA clock with less left than this shows amber


@dataclass
class Option:
    value: str
    label: str


@dataclass
class QueryRow:
    query_id: str
    href: str
    reference: str
    title: str
    customer_name: str
    customer_href: str
    status: str
    status_label: str
    priority: str
    priority_label: str
    assignee: str
    sla: str  # "2h 10m left", "breached 35m ago", "" when no reply is owed
    sla_short: str  # for cards: "2h 10m left", "35m late"
    sla_tone: str  # "red" breached, "amber" due within the hour, "gray"
    created: str
    row_version: int
    moves: list[str]  # the statuses it may move to next, in board order


@dataclass
class QueryListRow:
    """What a row of the queries list shows, nothing more: every field goes to the browser."""

    reference: str
    href: str
    title: str
    customer_name: str
    customer_href: str
    status: str
    priority: str
    assignee: str
    sla: str
    sla_tone: str
    created: str
    travel: str = ""  # "10-16 Feb 2027", "Feb 2027, 5 nights", "" when not known


def nights_text(nights: int) -> str:
    return f"{nights} night{'s' if nights != 1 else ''}"


def travel_text(
    start: date | None,
    end: date | None,
    month: str | None,
    nights: int | None,
    *,
    short: bool = False,
) -> str:
    """When the trip is, in the agency's locale: its dates (`short`: as a list column has
    room for, "11-14 Feb 2027"), else its month (and nights)."""
    if start or end:
        return short_range_text(start, end) if short else range_text(start, end)
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
            text = month_text(date(year, number, 1))
        except ValueError:
            text = month
        return f"{text}, {nights_text(nights)}" if nights else text
    return ""


def sla_clock(status: SlaStatus, now: datetime, timezone: str) -> tuple[str, str]:
    """The query page's one SLA clock, both halves from the same due instant: the time left
    ("2h 10m left"; "... in working hours" while the clock stops outside them, so that a due
    time tomorrow morning does not look wrong) or overdue, and the due time in the agency's
    timezone ("due Tue, 8 Dec 2026, 10:00 AM")."""
    due = datetime_text(status.due_at, timezone)
    if status.breached:
        return status.label, f"was due {due}"
    label = status.label
    if as_utc(status.due_at) - as_utc(now) - status.business_time_left >= timedelta(minutes=1):
        label = f"{format_duration(status.business_time_left)} left in working hours"
    return label, f"due {due}"


# ---- @mentions while a note is written -----------------------------------------------------------

MENTION_CHOICES = 6
# "@" typed at the start or after a space, then what follows it up to the end of the text
_TYPING_MENTION = re.compile(r"(?:^|(?<=\s))@([^\s@][^@\n]{0,40}|)$")


def typed_mention(body: str) -> str | None:
    """The name being typed after an "@" at the end of `body` ("" right after the "@"), or
    None when the text does not end in a mention being written."""
    found = _TYPING_MENTION.search(body)
    return found.group(1) if found else None


def mention_choices(body: str, people: list[str]) -> list[str]:
    """The colleagues a mention being typed may mean: their whole name, or one of its words,
    starts with what was typed (any case); a name typed in full needs no suggestion."""
    typed = typed_mention(body)
    if typed is None:
        return []
    wanted = typed.lower()
    chosen = [
        name
        for name in people
        if name.lower() != wanted
        and (
            name.lower().startswith(wanted)
            or (" " not in wanted and any(w.startswith(wanted) for w in name.lower().split()))
        )
    ]
    return chosen[:MENTION_CHOICES]


def with_mention(body: str, name: str) -> str:
    """`body` with the mention being typed at its end completed as "@Name "."""
    typed = typed_mention(body)
    if typed is None:
        return f"{body}{'' if not body or body[-1].isspace() else ' '}@{name} "
    return f"{body[: len(body) - len(typed) - 1]}@{name} "


def short_sla(label: str) -> str:
    """ "breached 35m ago" -> "35m late" (board cards are narrow); time left stays as it is."""
    if label.startswith("breached"):
        overdue = label.removeprefix("breached").removesuffix("ago").strip()
        return f"{overdue} late" if overdue else "late"
    return label


def sla_tone(breached: bool, due: datetime | None, now: datetime | None = None) -> str:
    if breached:
        return "red"
    if due is not None and as_utc(due) - (now or utcnow()) < SOON:
        return "amber"
    return "gray"


def query_row(
    item: QueryListItem, sla: str, timezone: str, now: datetime | None = None
) -> QueryRow:
    return QueryRow(
        query_id=str(item.id),
        href=routes.query(item.id),
        reference=item.reference,
        title=item.title,
        customer_name=item.customer_name,
        customer_href=routes.customer(item.customer_id),
        status=item.status.value,
        status_label=STATUS_WORDS.get(item.status.value, item.status.value),
        priority=item.priority.value,
        priority_label=PRIORITY_LABELS.get(item.priority.value, item.priority.value),
        assignee=item.assigned_to_name or "",
        sla=sla,
        sla_short=short_sla(sla),
        sla_tone=sla_tone(item.breached, item.response_due_at, now) if sla else "",
        created=local_date(item.created_at, timezone),
        row_version=item.row_version,
        moves=[s.value for s in MOVE_ORDER if s in allowed_next(item.status)],
    )


def query_list_row(
    item: QueryListItem, sla: str, timezone: str, now: datetime | None = None
) -> QueryListRow:
    return QueryListRow(
        reference=item.reference,
        href=routes.query(item.id),
        title=item.title,
        customer_name=item.customer_name,
        customer_href=routes.customer(item.customer_id),
        status=item.status.value,
        priority=item.priority.value,
        assignee=item.assigned_to_name or "",
        sla=sla,
        sla_tone=sla_tone(item.breached, item.response_due_at, now) if sla else "",
        created=local_date(item.created_at, timezone),
        travel=travel_text(
            item.start_date, item.end_date, item.travel_month, item.nights, short=True
        ),
    )


# ---- the timeline ------------------------------------------------------------------------------


@dataclass
class TimelineRow:
    event_id: str
    kind: str  # picks the icon: note, call, email, status, assignment, sla, created, merged
    title: str
    body: str
    actor: str
    when: str


_KIND_TITLES = {
    "note": "Note",
    "call": "Call logged",
    "email": "Email logged",
    "status": "Status changed",
    "sla": "SLA",
    "created": "Created",
    "merged": "Merged",
}


def timeline_row(item: TimelineItem, names: dict[str, str], timezone: str) -> TimelineRow:
    """One entry in words. Assignments name the colleague (`names`: user id -> name) and keep
    the reason ("round robin", "skills (goa)", "waiting: no agent available...")."""
    title = _KIND_TITLES.get(item.kind, item.kind.replace("_", " ").capitalize())
    body = item.body or ""
    if item.kind == "assignment":
        user_id = str(item.data.get("user_id") or "")
        if user_id:
            title = f"Assigned to {names.get(user_id, 'a colleague')}"
        elif body.startswith("waiting"):
            title, body = "Waiting for an agent", body.removeprefix("waiting: ")
        else:
            title = "Assignment"
    return TimelineRow(
        event_id=str(item.id),
        kind=item.kind,
        title=title,
        body=body,
        actor=item.actor_name or "TravelCRM",
        when=local_time(item.occurred_at, timezone),
    )


# ---- form values -------------------------------------------------------------------------------


def split_list(text: str, *, lower: bool = False) -> list[str]:
    """ "Goa, Kerala" -> ["Goa", "Kerala"] (blanks and repeats dropped)."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    if lower:
        parts = [p.lower() for p in parts]
    return list(dict.fromkeys(p for p in parts if p))


def number_or_text(text: str) -> Any:
    """A whole number as a number; anything else stays text so the schema names the field."""
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text


def query_input(
    form: dict[str, Any],
    *,
    customer_id: str,
    new_customer: bool,
    by_month: bool,
    children: int,
    submit: bool,
) -> dict[str, Any]:
    """The new-query form as `QueryCreate` input."""

    def text(name: str) -> str:
        return str(form.get(name) or "").strip()

    values: dict[str, Any] = {
        "destinations": split_list(text("destinations")),
        "adults": number_or_text(text("adults")) if text("adults") else 0,
        "children": children,
        "child_ages": [number_or_text(text(f"child_age_{i}")) for i in range(children)],
        "budget": text("budget").replace(",", "") or None,
        "budget_currency": text("budget_currency").upper() or None,
        "hotel_category": None if text("hotel_category") in ("", ANY) else text("hotel_category"),
        "interests": split_list(text("interests"), lower=True),
        "priority": text("priority") or Priority.NORMAL.value,
        "notes": text("notes") or None,
        "submit": submit,
    }
    if by_month:
        values["travel_month"] = text("travel_month") or None
        values["nights"] = number_or_text(text("nights"))
    else:
        values["start_date"] = text("start_date") or None
        values["end_date"] = text("end_date") or None
    if new_customer:
        values["contact"] = {
            "name": text("contact_name"),
            "email": text("contact_email").lower() or None,
            "phone": text("contact_phone") or None,
        }
    elif customer_id:
        values["customer_id"] = customer_id
    return values


# Schema and service field names -> the form control that shows the message.
QUERY_FIELD_NAMES = {
    "name": "contact_name",
    "email": "contact_email",
    "phone": "contact_phone",
    "contact": "customer",
    "customer_id": "customer",
}


def query_field(field: str) -> str:
    """ "child_ages.1" -> "child_ages", "contact.email" -> "contact_email"."""
    parts = [p for p in field.split(".") if not p.isdigit()]
    if not parts:
        return "form"
    if parts[0] == "contact" and len(parts) > 1:
        return f"contact_{parts[-1]}"
    return QUERY_FIELD_NAMES.get(parts[0], parts[0])


def labelled_queries(
    session: Session,
    ctx: TenantContext,
    *,
    filters: QueryFilter,
    limit: int,
    cursor: str | None = None,
    sort: QuerySort = "newest",
) -> tuple[list[tuple[QueryListItem, str]], str | None]:
    """One page of queries in the `sort` order, each with its SLA words ("2h 10m left"), and
    the next page's cursor (None on the last page)."""
    page = queries.list_queries(
        session, ctx, filters=filters, page=PageParams(limit=limit, cursor=cursor), sort=sort
    )
    labels = queries.sla_labels(session, ctx, page.items)
    return [(item, labels.get(item.id, "")) for item in page.items], page.next_cursor

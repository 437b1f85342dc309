"""The status machine of a query (a travel enquiry, a lead), as data plus two small checks.

    draft -> pending -> assigned -> quoted -> won | lost
    (+ on_hold, cancelled; lost -> pending reopens)

How a query starts: a staff member's query starts as a `draft` and becomes `pending` when it is
submitted; queries from the customer portal, the REST API and inbound email arrive `pending`
(`initial_status`).

Choices the product issue left open, made here:

* `on_hold` can be entered from pending, assigned and quoted. The table lets it leave to any of
  those three; going back to *the state it came from* is the service's job (it remembers where
  the query was held). A held query can also be lost or cancelled without resuming it first.
* `cancelled` (the agency drops the query: duplicate, spam, test) is reachable from every open
  state, including a draft. `won` and `cancelled` are terminal.
* `lost` (the customer went elsewhere) is reachable from pending, assigned, quoted and on_hold,
  needs a reason from the agency's own list, and can only be reopened to `pending`, where it is
  picked up (assigned) again.
* `assigned -> pending` un-assigns a query. Re-assigning to someone else does not change the
  status, so it is not a transition; neither is any move to the same status (refused).
* `quoted -> assigned` is allowed: when the last quote sent is withdrawn the query is worked on
  again. Revising a quote keeps the query `quoted`. `quoted -> pending` is refused: un-assign
  means withdrawing the quotes first.
* Only a quoted query can be won; a query confirmed without a formal quote is quoted first.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "STATUS_LABELS",
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "QueryChannel",
    "QueryStatus",
    "TransitionError",
    "allowed_next",
    "check_transition",
    "initial_status",
    "label",
]


class QueryStatus(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"  # submitted, waiting for someone to pick it up
    ASSIGNED = "assigned"
    QUOTED = "quoted"
    WON = "won"
    LOST = "lost"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


class QueryChannel(StrEnum):
    """Where a query came from; it decides the first status."""

    STAFF = "staff"
    PORTAL = "portal"
    API = "api"
    EMAIL = "email"


_S = QueryStatus

TRANSITIONS: Mapping[QueryStatus, frozenset[QueryStatus]] = MappingProxyType(
    {
        _S.DRAFT: frozenset({_S.PENDING, _S.CANCELLED}),
        _S.PENDING: frozenset({_S.ASSIGNED, _S.ON_HOLD, _S.LOST, _S.CANCELLED}),
        _S.ASSIGNED: frozenset({_S.PENDING, _S.QUOTED, _S.ON_HOLD, _S.LOST, _S.CANCELLED}),
        _S.QUOTED: frozenset({_S.ASSIGNED, _S.WON, _S.LOST, _S.ON_HOLD, _S.CANCELLED}),
        _S.ON_HOLD: frozenset({_S.PENDING, _S.ASSIGNED, _S.QUOTED, _S.LOST, _S.CANCELLED}),
        _S.LOST: frozenset({_S.PENDING}),
        _S.WON: frozenset(),
        _S.CANCELLED: frozenset(),
    }
)
"""Status -> the statuses it may move to next. Every status has an entry."""

OPEN_STATUSES: frozenset[QueryStatus] = frozenset(
    {_S.DRAFT, _S.PENDING, _S.ASSIGNED, _S.QUOTED, _S.ON_HOLD}
)
"""Still being worked on (or about to be); can be cancelled."""

CLOSED_STATUSES: frozenset[QueryStatus] = frozenset({_S.WON, _S.LOST, _S.CANCELLED})
TERMINAL_STATUSES: frozenset[QueryStatus] = frozenset({_S.WON, _S.CANCELLED})  # nothing follows

STATUS_LABELS: Mapping[QueryStatus, str] = MappingProxyType(
    {
        _S.DRAFT: "Draft",
        _S.PENDING: "Pending",
        _S.ASSIGNED: "Assigned",
        _S.QUOTED: "Quoted",
        _S.WON: "Won",
        _S.LOST: "Lost",
        _S.ON_HOLD: "On hold",
        _S.CANCELLED: "Cancelled",
    }
)


def label(status: QueryStatus | str) -> str:
    """The human label, e.g. "On hold"."""
    return STATUS_LABELS[QueryStatus(status)]


def initial_status(channel: QueryChannel | str) -> QueryStatus:
    """Staff queries start as drafts; portal, API and email queries arrive pending."""
    return _S.DRAFT if QueryChannel(channel) is QueryChannel.STAFF else _S.PENDING


def allowed_next(status: QueryStatus | str) -> frozenset[QueryStatus]:
    return TRANSITIONS[QueryStatus(status)]


class TransitionError(ValueError):
    """A refused status change. `allowed` lists the statuses `current` may move to (sorted);
    `code` is "not_allowed", "reason_required" or "unknown_reason"; `reasons` is the agency's
    list of lost reasons when the refusal is about the reason."""

    def __init__(
        self,
        message: str,
        *,
        current: QueryStatus,
        target: QueryStatus,
        allowed: list[QueryStatus],
        code: str = "not_allowed",
        reasons: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.current = current
        self.target = target
        self.allowed = allowed
        self.code = code
        self.reasons = reasons or []


def _named(status: QueryStatus) -> str:
    return STATUS_LABELS[status].lower()


def check_transition(
    current: QueryStatus | str,
    target: QueryStatus | str,
    *,
    reason: str | None = None,
    lost_reasons: Collection[str] = (),
) -> None:
    """Raise `TransitionError` unless a query in `current` may move to `target`.

    Moving to lost needs `reason`, one of the agency's `lost_reasons` (compared after trimming
    surrounding spaces, otherwise exactly). For other targets `reason` is not checked: it is a
    free note the service may keep. Unknown status names raise a plain `ValueError`.
    """
    current, target = QueryStatus(current), QueryStatus(target)
    allowed = sorted(TRANSITIONS[current])
    if target not in TRANSITIONS[current]:
        if current == target:
            what = f"A query that is {_named(current)} is already {_named(target)}"
        else:
            what = f"A query that is {_named(current)} cannot move to {_named(target)}"
        if allowed:
            options = ", ".join(_named(s) for s in allowed)
        else:
            options = f"none ({_named(current)} is final)"
        raise TransitionError(
            f"{what}; allowed: {options}", current=current, target=target, allowed=allowed
        )
    if target is not _S.LOST:
        return
    reasons = sorted({r.strip() for r in lost_reasons if r.strip()})
    if not reasons:
        raise TransitionError(
            "Choose why it was lost, but this agency has no lost reasons yet; "
            "add them in the agency settings",
            current=current,
            target=target,
            allowed=allowed,
            code="reason_required",
        )
    given = (reason or "").strip()
    if given not in reasons:
        raise TransitionError(
            f"Choose why it was lost (one of: {', '.join(reasons)})",
            current=current,
            target=target,
            allowed=allowed,
            code="reason_required" if not given else "unknown_reason",
            reasons=reasons,
        )

"""The states of a quote version, as data plus one check.

    draft -> sent -> viewed -> accepted | declined | expired
    (sent and viewed -> superseded when revised; a draft is deleted, not superseded)

* Only a draft is changed or deleted; from `sent` on, the version is what the customer was
  given and stays as it was (a change answers a conflict that says so).
* `viewed` is the customer opening it (the proposal page, later); staff may record the
  customer's answer on a sent version too (they said yes on the phone).
* `expired` is set by the periodic job once the validity has passed without an answer.
* `superseded`: a revision was made from this version (or from a newer freeze of its
  itinerary); the new version starts as a draft.
* accepted, declined, expired and superseded are final.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "FINAL",
    "LABELS",
    "OPEN",
    "TRANSITIONS",
    "QuoteState",
    "allowed",
    "label",
]


class QuoteState(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    VIEWED = "viewed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


_S = QuoteState

TRANSITIONS: Mapping[QuoteState, frozenset[QuoteState]] = MappingProxyType(
    {
        _S.DRAFT: frozenset({_S.SENT}),
        _S.SENT: frozenset({_S.VIEWED, _S.ACCEPTED, _S.DECLINED, _S.EXPIRED, _S.SUPERSEDED}),
        _S.VIEWED: frozenset({_S.ACCEPTED, _S.DECLINED, _S.EXPIRED, _S.SUPERSEDED}),
        _S.ACCEPTED: frozenset(),
        _S.DECLINED: frozenset(),
        _S.EXPIRED: frozenset(),
        _S.SUPERSEDED: frozenset(),
    }
)
"""State -> the states it may move to next. Every state has an entry."""

OPEN: frozenset[QuoteState] = frozenset({_S.SENT, _S.VIEWED})  # waiting for the customer
FINAL: frozenset[QuoteState] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)

LABELS: Mapping[QuoteState, str] = MappingProxyType(
    {
        _S.DRAFT: "Draft",
        _S.SENT: "Sent",
        _S.VIEWED: "Viewed",
        _S.ACCEPTED: "Accepted",
        _S.DECLINED: "Declined",
        _S.EXPIRED: "Expired",
        _S.SUPERSEDED: "Superseded",
    }
)


def label(state: QuoteState | str) -> str:
    return LABELS[QuoteState(state)]


def allowed(current: QuoteState | str, target: QuoteState | str) -> bool:
    return QuoteState(target) in TRANSITIONS[QuoteState(current)]

"""The query status machine: every ordered pair of statuses against a table written out here
(not read from the module), the lost-reason rules and what the refusals say."""

from __future__ import annotations

import itertools

import pytest

from travelcrm.queries.machine import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    QueryChannel,
    QueryStatus,
    TransitionError,
    allowed_next,
    check_transition,
    initial_status,
    label,
)

REASONS = ["Price too high", "Booked elsewhere", "No response"]

# Written out by hand from the product rules; a change to the machine must change this too.
EXPECTED: dict[str, set[str]] = {
    "draft": {"pending", "cancelled"},
    "pending": {"assigned", "on_hold", "lost", "cancelled"},
    "assigned": {"pending", "quoted", "on_hold", "lost", "cancelled"},
    "quoted": {"assigned", "won", "lost", "on_hold", "cancelled"},
    "on_hold": {"pending", "assigned", "quoted", "lost", "cancelled"},
    "lost": {"pending"},
    "won": set(),
    "cancelled": set(),
}
ALL = [
    "draft",
    "pending",
    "assigned",
    "quoted",
    "won",
    "lost",
    "on_hold",
    "cancelled",
]


def test_the_statuses_are_exactly_these() -> None:
    assert sorted(s.value for s in QueryStatus) == sorted(ALL)
    assert set(EXPECTED) == set(ALL)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ALL, ALL)))
def test_every_pair(current: str, target: str) -> None:
    legal = target in EXPECTED[current]
    assert (QueryStatus(target) in allowed_next(current)) is legal
    if legal:
        check_transition(current, target, reason="No response", lost_reasons=REASONS)
        return
    with pytest.raises(TransitionError) as caught:
        check_transition(current, target, reason="No response", lost_reasons=REASONS)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == "not_allowed"
    assert error.current == current
    assert error.target == target
    assert error.allowed == sorted(EXPECTED[current])
    assert all(isinstance(s, QueryStatus) for s in error.allowed)


def test_the_table_is_data_with_an_entry_per_status() -> None:
    assert set(TRANSITIONS) == set(QueryStatus)
    assert all(isinstance(nxt, frozenset) for nxt in TRANSITIONS.values())
    with pytest.raises(TypeError):
        TRANSITIONS[QueryStatus.WON] = frozenset({QueryStatus.PENDING})  # type: ignore[index]


def test_status_groups() -> None:
    assert {s.value for s in OPEN_STATUSES} == {"draft", "pending", "assigned", "quoted", "on_hold"}
    assert {s.value for s in CLOSED_STATUSES} == {"won", "lost", "cancelled"}
    assert {s.value for s in TERMINAL_STATUSES} == {"won", "cancelled"}
    assert OPEN_STATUSES.isdisjoint(CLOSED_STATUSES)
    assert set(QueryStatus) == OPEN_STATUSES | CLOSED_STATUSES


@pytest.mark.parametrize("status", sorted({"draft", "pending", "assigned", "quoted", "on_hold"}))
def test_every_open_status_can_be_cancelled(status: str) -> None:
    check_transition(status, "cancelled")


def test_labels() -> None:
    assert set(STATUS_LABELS) == set(QueryStatus)
    assert label("on_hold") == "On hold"
    assert label(QueryStatus.CANCELLED) == "Cancelled"
    assert label(QueryStatus.DRAFT) == "Draft"


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("staff", "draft"), ("portal", "pending"), ("api", "pending"), ("email", "pending")],
)
def test_where_a_query_starts(channel: str, expected: str) -> None:
    assert initial_status(channel) == expected
    assert initial_status(QueryChannel(channel)) == expected


def test_refusal_names_the_allowed_next_states() -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition(QueryStatus.DRAFT, QueryStatus.QUOTED)
    assert str(caught.value) == (
        "A query that is draft cannot move to quoted; allowed: cancelled, pending"
    )


def test_refusal_from_a_final_state_says_it_is_final() -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition("won", "pending")
    assert (
        str(caught.value)
        == "A query that is won cannot move to pending; allowed: none (won is final)"
    )
    assert caught.value.allowed == []


def test_refusal_uses_human_labels_and_says_already() -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition("on_hold", "on_hold")
    message = str(caught.value)
    assert message.startswith("A query that is on hold is already on hold; allowed: ")
    assert "assigned, cancelled, lost, pending, quoted" in message


def test_reopening_a_lost_query_goes_to_pending_only() -> None:
    check_transition("lost", "pending")
    for target in ("assigned", "quoted", "won", "on_hold"):
        with pytest.raises(TransitionError):
            check_transition("lost", target)


@pytest.mark.parametrize("current", ["pending", "assigned", "quoted", "on_hold"])
def test_lost_needs_a_reason_from_the_agency_list(current: str) -> None:
    check_transition(current, "lost", reason="Booked elsewhere", lost_reasons=REASONS)
    with pytest.raises(TransitionError) as caught:
        check_transition(current, "lost", reason=None, lost_reasons=REASONS)
    assert caught.value.code == "reason_required"
    assert str(caught.value) == (
        "Choose why it was lost (one of: Booked elsewhere, No response, Price too high)"
    )
    assert caught.value.reasons == sorted(REASONS)
    assert caught.value.target == "lost"
    assert caught.value.allowed == sorted(EXPECTED[current])


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_blank_reason_is_no_reason(reason: str | None) -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition("quoted", "lost", reason=reason, lost_reasons=REASONS)
    assert caught.value.code == "reason_required"


@pytest.mark.parametrize("reason", ["Too expensive", "price too high", "Price"])
def test_a_reason_outside_the_list_is_refused(reason: str) -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition("quoted", "lost", reason=reason, lost_reasons=REASONS)
    assert caught.value.code == "unknown_reason"
    assert "one of: Booked elsewhere, No response, Price too high" in str(caught.value)


def test_surrounding_spaces_are_ignored_on_both_sides() -> None:
    check_transition("quoted", "lost", reason="  No response ", lost_reasons=[" No response"])


def test_an_agency_without_lost_reasons_is_told_to_add_them() -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition("quoted", "lost", reason="Anything", lost_reasons=[])
    assert caught.value.code == "reason_required"
    assert "no lost reasons" in str(caught.value)


def test_lost_reasons_may_be_any_collection() -> None:
    check_transition("pending", "lost", reason="No response", lost_reasons=frozenset(REASONS))
    check_transition("pending", "lost", reason="No response", lost_reasons=tuple(REASONS))


def test_the_transition_is_checked_before_the_reason() -> None:
    with pytest.raises(TransitionError) as caught:
        check_transition("won", "lost", reason=None, lost_reasons=REASONS)
    assert caught.value.code == "not_allowed"


def test_a_reason_is_not_needed_for_other_moves() -> None:
    check_transition("quoted", "cancelled", reason=None)
    check_transition("quoted", "on_hold", reason="Customer travelling, call back in May")


def test_unknown_status_names_are_a_plain_value_error() -> None:
    with pytest.raises(ValueError, match="'closed' is not a valid QueryStatus"):
        check_transition("pending", "closed")
    with pytest.raises(ValueError):
        allowed_next("nope")

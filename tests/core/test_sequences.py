"""Per-agency numbering (`core.sequences`) and first-use rows (`core.upsert`) on the run's
database, with neighbours at the same moment: every number once, the committed ones without
gaps, and no unit of work failing because another ran beside it."""

from __future__ import annotations

import secrets
from functools import partial

import pytest
from sqlmodel import select

from tests.concurrency import at_once, errors_of
from tests.rates.factories import agency_context
from travelcrm.core.sequences import SequenceCounter, next_number
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope


class _GiveUp(Exception):
    """The unit of work fails after taking its number (so the number must come back)."""


def _series() -> str:
    return f"test:{secrets.token_hex(4)}"


def test_a_series_starts_at_start_and_counts_per_agency(migrated_engine) -> None:
    ours, theirs = agency_context(), agency_context()
    series = _series()
    with tenant_scope(ours) as session:
        assert [next_number(session, ours, series, start=1001) for _ in range(3)] == [
            1001,
            1002,
            1003,
        ]
    with tenant_scope(theirs) as session:  # another agency's series of the same name
        assert next_number(session, theirs.tenant_id, series) == 1
    with tenant_scope(ours) as session:
        (counter,) = session.exec(select(SequenceCounter)).all()  # only its own row
        assert (counter.series, counter.value) == (series, 1003)
    with pytest.raises(ValueError), tenant_scope(ours) as session:
        next_number(session, ours, "x" * 81)


def test_a_rolled_back_unit_of_work_gives_its_number_back(migrated_engine) -> None:
    ctx = agency_context()
    series = _series()
    with pytest.raises(_GiveUp), tenant_scope(ctx) as session:
        assert next_number(session, ctx, series) == 1
        raise _GiveUp
    with tenant_scope(ctx) as session:
        assert next_number(session, ctx, series) == 1


def _take(ctx: TenantContext, series: str, *, fail: bool) -> list[int]:
    """Three numbers in one unit of work, which then commits or fails."""
    with tenant_scope(ctx) as session:
        taken = [next_number(session, ctx, series) for _ in range(3)]
        if fail:
            raise _GiveUp(taken)
        return taken


def test_numbers_taken_at_once_are_unique_and_the_committed_ones_have_no_gaps(
    migrated_engine,
) -> None:
    """16 units of work start at once on a new series (its first use too); every fourth fails
    after taking its numbers. The committed numbers are each given once and run 1..n."""
    ctx = agency_context()
    series = _series()
    outcomes = at_once([partial(_take, ctx, series, fail=i % 4 == 3) for i in range(16)])
    assert errors_of(outcomes, _GiveUp) == []
    committed = [n for outcome in outcomes if isinstance(outcome, list) for n in outcome]
    assert len(committed) == 12 * 3
    assert sorted(committed) == list(range(1, len(committed) + 1))
    with tenant_scope(ctx) as session:
        assert next_number(session, ctx, series) == len(committed) + 1

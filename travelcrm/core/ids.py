"""Identifiers: time-ordered UUIDs (version 7 layout) so new rows stay close in indexes."""

from __future__ import annotations

import os
import time
import uuid

_48_BITS = (1 << 48) - 1
_62_BITS = (1 << 62) - 1


def new_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version, 74 random bits, variant."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & _48_BITS) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & _62_BITS
    return uuid.UUID(int=value)


_RUN_LIMIT = 1 << 40


def id_run(count: int) -> uuid.UUID:
    """The first of `count` UUIDv7 for rows made together; the k-th is `first.int + k` (RFC
    9562's monotonic random: the low random bits count up, so the run stays time-ordered). The
    first id's top counting bit is clear, which leaves room to count, so every id of the run
    keeps the version 7 layout; two runs overlap only if their random starts (61 bits) fall
    within `count` of each other."""
    if not 0 < count < _RUN_LIMIT:
        raise ValueError(f"an id run holds 1 to 2**40 ids, not {count}")
    return uuid.UUID(int=new_id().int & ~(1 << 61))


def run_ids(first: uuid.UUID, count: int) -> list[uuid.UUID]:
    """The ids of a run from its first one (see `id_run`)."""
    start = first.int
    return [uuid.UUID(int=start + k) for k in range(count)]

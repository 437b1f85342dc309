"""A small cache for derived answers (price lookups): in-process (bounded, least recently used
first out) in front of Redis when REDIS_URL is set (shared by every process).

Invalidation is by generation: `bump(namespace)` makes every key written under the old
generation unreachable at once (e.g. when a rate list is published), without scanning keys.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any, cast

import redis

from travelcrm.settings import get_settings

MAX_LOCAL_ENTRIES = 50_000
_MISSING = object()


class _Local:
    def __init__(self) -> None:
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.generations: dict[str, int] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            value = self.entries.get(key, _MISSING)
            if value is not _MISSING:
                self.entries.move_to_end(key)
            return value

    def set(self, key: str, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_LOCAL_ENTRIES:
                self.entries.popitem(last=False)

    def generation(self, namespace: str) -> int:
        return self.generations.get(namespace, 0)

    def bump(self, namespace: str) -> None:
        with self.lock:
            self.generations[namespace] = self.generations.get(namespace, 0) + 1


_local = _Local()


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1)


def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return _client(url) if url else None


GENERATION_TTL = 1.0  # seconds another process may keep using a generation it read
_seen: dict[str, tuple[int, float]] = {}


def generation(namespace: str) -> int:
    """The namespace's current generation. With Redis, read at most once a second per process
    (a bump in this process is seen at once; one elsewhere within a second)."""
    client = _redis()
    if client is None:
        return _local.generation(namespace)
    now = time.monotonic()
    seen = _seen.get(namespace)
    if seen is not None and now - seen[1] < GENERATION_TTL:
        return seen[0]
    value = cast(bytes | None, client.get(f"travelcrm:gen:{namespace}"))
    current = int(value) if value else 0
    _seen[namespace] = (current, now)
    return current


def bump(namespace: str) -> None:
    """Forget everything cached under `namespace` (in this process and, with Redis, everywhere)."""
    _local.bump(namespace)
    client = _redis()
    if client is not None:
        current = cast(int, client.incr(f"travelcrm:gen:{namespace}"))
        _seen[namespace] = (current, time.monotonic())


def get(namespace: str, key: str, generation_: int) -> str | None:
    """The cached text (callers serialise to JSON: nothing executable is ever stored)."""
    full = f"travelcrm:c:{namespace}:{generation_}:{key}"
    value = _local.get(full)  # this process first: keys carry the generation, so never stale
    if value is not _MISSING:
        return str(value)
    client = _redis()
    if client is None:
        return None
    raw = cast(bytes | None, client.get(full))
    if raw is None:
        return None
    text = raw.decode()
    _local.set(full, text)
    return text


def put(namespace: str, key: str, generation_: int, value: str, ttl_seconds: int = 3600) -> None:
    full = f"travelcrm:c:{namespace}:{generation_}:{key}"
    _local.set(full, value)
    client = _redis()
    if client is not None:
        client.set(full, value, ex=ttl_seconds)

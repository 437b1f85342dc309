"""A small cache for derived answers (price lookups): Redis when REDIS_URL is set (shared by every
process), else in-process (bounded, least recently used first out).

Invalidation is by generation: `bump(namespace)` makes every key written under the old
generation unreachable at once (e.g. when a rate list is published), without scanning keys.
"""

from __future__ import annotations

import threading
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


def generation(namespace: str) -> int:
    client = _redis()
    if client is None:
        return _local.generation(namespace)
    value = cast(bytes | None, client.get(f"travelcrm:gen:{namespace}"))
    return int(value) if value else 0


def bump(namespace: str) -> None:
    """Forget everything cached under `namespace` (in this process and, with Redis, everywhere)."""
    _local.bump(namespace)
    client = _redis()
    if client is not None:
        client.incr(f"travelcrm:gen:{namespace}")


def get(namespace: str, key: str, generation_: int) -> str | None:
    """The cached text (callers serialise to JSON: nothing executable is ever stored)."""
    full = f"travelcrm:c:{namespace}:{generation_}:{key}"
    client = _redis()
    if client is None:
        value = _local.get(full)
        return None if value is _MISSING else str(value)
    raw = cast(bytes | None, client.get(full))
    return None if raw is None else raw.decode()


def put(namespace: str, key: str, generation_: int, value: str, ttl_seconds: int = 3600) -> None:
    full = f"travelcrm:c:{namespace}:{generation_}:{key}"
    client = _redis()
    if client is None:
        _local.set(full, value)
        return
    client.set(full, value, ex=ttl_seconds)

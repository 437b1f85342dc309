"""A small cache for derived answers (price lookups), invalidated by generation and never stale
once a change has committed.

Every namespace (e.g. one agency's prices) has a generation; an entry is stored with the
generation read before its answer was computed and is used only while that generation is still
the current one. `bump_after_commit(session, namespace)` changes the generation once the
session's transaction commits (nothing if it rolls back), so:

* a lookup reads the generation before its queries, and each query sees what was committed
  before it ran (PostgreSQL READ COMMITTED; SQLite reads outside a write transaction). A lookup
  that read the old data stored it under a generation that the change's bump, coming after its
  commit, then retires: after `commit()` returns no process can answer from an older state.
* a lookup in the changing session itself (before its commit) neither reads nor fills the
  cache (`pending`): it sees uncommitted rows that others must not get.

Where the generation lives decides who sees a bump:

* `REDIS_URL` set: in Redis, read on every lookup in the same round trip as the entry (one
  MGET), so every process sees a bump at once; entries live in Redis with a TTL.
* SQLite without Redis: in a small file per namespace under `DATA_DIR/cache/`, read on every
  lookup (a few microseconds). SQLite in WAL mode has every process on the one host, so every
  process reads the same file; entries are per process, least recently used out, with a TTL.
* PostgreSQL without Redis: processes may sit on several hosts with nothing shared but the
  database, so nothing is cached (correct rather than fast).

`CACHE_TTL_SECONDS` bounds an entry's life (0 turns the cache off), which also bounds the
damage of a bump lost to a Redis outage. Redis errors never fail a lookup: it goes uncached.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import cast

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from travelcrm.settings import get_settings

logger = logging.getLogger("travelcrm.cache")

MAX_LOCAL_ENTRIES = 50_000
_PENDING = "travelcrm.cache_bumps_after_commit"
_clock = time.monotonic  # a function, so a test can move time on


class _Local:
    """This process's entries: (generation, value, expires at) by key, least recently used out."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, tuple[str, str, float]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, generation: str) -> str | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            if found[0] != generation or found[2] <= _clock():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return found[1]

    def set(self, key: str, generation: str, value: str, ttl: float) -> None:
        with self.lock:
            self.entries[key] = (generation, value, _clock() + ttl)
            self.entries.move_to_end(key)
            while len(self.entries) > MAX_LOCAL_ENTRIES:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_local = _Local()


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1)


def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return _client(url) if url else None


def _generation_key(namespace: str) -> str:
    return f"travelcrm:gen:{namespace}"


def _entry_key(namespace: str, key: str) -> str:
    return f"travelcrm:c:{namespace}:{key}"


def _generation_file(namespace: str) -> Path:
    return get_settings().data_dir / "cache" / f"{namespace.replace(':', '-')}.gen"


def _file_generation(namespace: str) -> str:
    try:
        return _generation_file(namespace).read_text() or "0"
    except FileNotFoundError:
        return "0"


def _bump_file(namespace: str) -> None:
    """A new random generation, written whole (rename) so a reader never sees half of it."""
    path = _generation_file(namespace)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_text(uuid.uuid4().hex)
    os.replace(temporary, path)


def _mode() -> str:
    """'redis', 'file' or 'off' (see the module's docstring)."""
    settings = get_settings()
    if settings.cache_ttl_seconds <= 0:
        return "off"
    if settings.redis_url:
        return "redis"
    return "file" if settings.is_sqlite else "off"


def lookup(namespace: str, key: str) -> tuple[str | None, str | None]:
    """(the namespace's current generation, the entry cached under it or None). A generation
    of None means: do not cache (the cache is off or Redis cannot be reached). Pass the
    generation to `store` with the answer computed after this call."""
    mode = _mode()
    if mode == "off":
        return None, None
    if mode == "file":
        generation = _file_generation(namespace)
        return generation, _local.get(f"{namespace}\x00{key}", generation)
    client = cast(redis.Redis, _redis())
    try:
        raw_generation, raw_entry = cast(
            list[bytes | None], client.mget(_generation_key(namespace), _entry_key(namespace, key))
        )
    except redis.RedisError:
        logger.warning("the cache cannot be read; looking up without it", exc_info=True)
        return None, None
    generation = raw_generation.decode() if raw_generation else "0"
    if raw_entry is None:
        return generation, None
    stored_generation, _, value = raw_entry.decode().partition("\n")
    return generation, value if stored_generation == generation else None


def lookup_many(namespace: str, keys: list[str]) -> tuple[str | None, list[str | None]]:
    """`lookup` of several keys at once: the generation is read once (with Redis, one MGET of
    it and every entry), each entry is as `lookup` would have answered it."""
    mode = _mode()
    if mode == "off":
        return None, [None] * len(keys)
    if mode == "file":
        generation = _file_generation(namespace)
        return generation, [_local.get(f"{namespace}\x00{key}", generation) for key in keys]
    client = cast(redis.Redis, _redis())
    try:
        raw = cast(
            list[bytes | None],
            client.mget(_generation_key(namespace), *(_entry_key(namespace, k) for k in keys)),
        )
    except redis.RedisError:
        logger.warning("the cache cannot be read; looking up without it", exc_info=True)
        return None, [None] * len(keys)
    generation = raw[0].decode() if raw[0] else "0"
    found: list[str | None] = []
    for entry in raw[1:]:
        if entry is None:
            found.append(None)
            continue
        stored_generation, _, value = entry.decode().partition("\n")
        found.append(value if stored_generation == generation else None)
    return generation, found


def store(namespace: str, key: str, generation: str | None, value: str) -> None:
    """Keep `value` (text: callers serialise to JSON, nothing executable is stored) under the
    generation that `lookup` gave before the value was computed."""
    if generation is None:
        return
    mode = _mode()
    ttl = get_settings().cache_ttl_seconds
    if mode == "file":
        _local.set(f"{namespace}\x00{key}", generation, value, ttl)
    elif mode == "redis":
        try:
            cast(redis.Redis, _redis()).set(
                _entry_key(namespace, key), f"{generation}\n{value}", ex=max(1, round(ttl))
            )
        except redis.RedisError:
            logger.warning("the cache cannot be written", exc_info=True)


def bump(namespace: str) -> None:
    """Forget everything cached under `namespace`, now, in every process. Services call
    `bump_after_commit` instead: a bump before the commit lets a lookup cache the old rows
    under the new generation."""
    mode = _mode()
    if mode == "file":
        _bump_file(namespace)
    elif mode == "redis":
        try:
            cast(redis.Redis, _redis()).incr(_generation_key(namespace))
        except redis.RedisError:  # the data is committed; entries expire within the TTL
            logger.exception("could not bump the cache generation of %s", namespace)


def bump_after_commit(session: OrmSession, namespace: str) -> None:
    """`bump(namespace)` once the session's transaction commits; nothing if it rolls back."""
    pending = session.info.setdefault(_PENDING, set())
    pending.add(namespace)


def pending(session: OrmSession, namespace: str) -> bool:
    """The session changed what `namespace` caches and has not committed yet."""
    return namespace in session.info.get(_PENDING, ())


@event.listens_for(OrmSession, "after_commit")
def _bump_committed(session: OrmSession) -> None:
    for namespace in session.info.pop(_PENDING, ()):
        bump(namespace)


@event.listens_for(OrmSession, "after_rollback")
def _discard(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)

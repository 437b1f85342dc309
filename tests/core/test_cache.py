"""The generation cache on the run's backend: file generations and per-process entries on
SQLite, Redis on the PostgreSQL run. Entries expire after CACHE_TTL_SECONDS; 0 turns it off."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session

from tests.conftest import BACKEND
from travelcrm.core import cache


def _namespace() -> str:
    return f"test:{uuid.uuid4()}"


def test_an_entry_is_used_under_its_generation_only(migrated_engine) -> None:
    namespace = _namespace()
    generation, hit = cache.lookup(namespace, "k")
    assert generation is not None and hit is None
    cache.store(namespace, "k", generation, "answer")
    assert cache.lookup(namespace, "k") == (generation, "answer")
    cache.bump(namespace)
    newer, hit = cache.lookup(namespace, "k")
    assert newer != generation and hit is None
    cache.store(namespace, "k", generation, "computed before the bump")  # a late writer
    assert cache.lookup(namespace, "k") == (newer, None)


def test_a_bump_waits_for_the_commit_and_a_rollback_drops_it(migrated_engine) -> None:
    namespace = _namespace()
    generation, _ = cache.lookup(namespace, "k")
    cache.store(namespace, "k", generation, "answer")
    with Session(migrated_engine) as session:
        session.connection()  # a transaction, as every service that changes prices has
        cache.bump_after_commit(session, namespace)
        assert cache.pending(session, namespace)
        assert cache.lookup(namespace, "k") == (generation, "answer")  # not committed yet
        session.rollback()
        assert not cache.pending(session, namespace)
        assert cache.lookup(namespace, "k") == (generation, "answer")
        session.connection()
        cache.bump_after_commit(session, namespace)
        session.commit()
    assert cache.lookup(namespace, "k")[1] is None


@pytest.mark.skipif(BACKEND != "sqlite", reason="per-process entries: the SQLite run")
def test_local_entries_expire(migrated_engine, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(cache, "_clock", lambda: now[0])
    namespace = _namespace()
    generation, _ = cache.lookup(namespace, "k")
    cache.store(namespace, "k", generation, "answer")
    now[0] += 299
    assert cache.lookup(namespace, "k")[1] == "answer"
    now[0] += 2  # past the default 300 s
    assert cache.lookup(namespace, "k")[1] is None


@pytest.mark.skipif(BACKEND != "postgres", reason="Redis: the PostgreSQL run")
def test_redis_entries_expire(migrated_engine) -> None:
    namespace = _namespace()
    generation, _ = cache.lookup(namespace, "k")
    cache.store(namespace, "k", generation, "answer")
    client = cache._redis()
    assert client is not None
    assert 0 < int(client.ttl(f"travelcrm:c:{namespace}:k")) <= 300  # type: ignore[arg-type]
    client.delete(f"travelcrm:c:{namespace}:k", f"travelcrm:gen:{namespace}")


def test_a_ttl_of_zero_turns_the_cache_off(migrated_engine, settings_env) -> None:
    settings_env(cache_ttl_seconds="0")
    namespace = _namespace()
    generation, _ = cache.lookup(namespace, "k")
    assert generation is None
    cache.store(namespace, "k", generation, "answer")
    assert cache.lookup(namespace, "k") == (None, None)

"""A tab whose web worker dies keeps its token; a copied tab beside a live one gets a new token.
Two token managers play two web workers on one real Redis (TEST_REDIS_URL)."""

from __future__ import annotations

import asyncio
import pickle
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from redis.asyncio import Redis
from reflex.utils.token_manager import RedisTokenManager

from tests.conftest import REDIS_URL
from travelcrm.ui.tokens import WorkerAwareTokenManager, keep_tabs_across_worker_loss


def _redis() -> Redis:
    return Redis.from_url(REDIS_URL)


@pytest.fixture(autouse=True)
def _redis_running() -> None:
    async def ping() -> None:
        client = _redis()
        try:
            await client.ping()
        finally:
            await client.aclose()

    try:
        asyncio.run(ping())
    except OSError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")


async def _owner(manager: WorkerAwareTokenManager, token: str) -> str:
    raw = await manager.redis.get(manager._get_redis_key(token))
    assert raw is not None
    return str(pickle.loads(raw).instance_id)


async def _gone(worker: WorkerAwareTokenManager, seen_by: WorkerAwareTokenManager) -> None:
    """Redis has dropped the dead worker's connections (it notices a closed socket at once)."""
    channel = worker._alive_channel(worker.instance_id)
    for _ in range(100):
        [(_channel, subscribers)] = await seen_by.redis.pubsub_numsub(channel)
        if subscribers == 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the stopped worker still looks alive")


def test_a_tab_takes_its_token_over_from_a_dead_worker_but_a_copy_of_a_live_tab_does_not() -> None:
    async def story() -> None:
        first, second = WorkerAwareTokenManager(_redis()), WorkerAwareTokenManager(_redis())
        token = str(uuid.uuid4())
        try:
            # the tab connects to the first worker
            assert await first.link_token_to_sid(token, "sid-1") is None
            assert await _owner(second, token) == first.instance_id

            # a copy of the tab (its sessionStorage token) opens on the second worker while the
            # first still runs: a duplicate, it gets its own token and the original keeps its own
            copy = await second.link_token_to_sid(token, "sid-copy")
            assert copy is not None and copy != token
            assert await _owner(second, token) == first.instance_id
            await second.disconnect_token(copy, "sid-copy")

            # the first worker is killed: its connections close, its socket record stays
            await first.close()
            await _gone(first, second)
            assert await second.redis.exists(second._get_redis_key(token))

            # the tab reconnects to the second worker with its token and keeps it
            assert await second.link_token_to_sid(token, "sid-2") is None
            assert await _owner(second, token) == second.instance_id
            assert second.sid_to_token["sid-2"] == token

            # and a copy of it now, beside the live second worker, is a duplicate again
            third = WorkerAwareTokenManager(_redis())
            try:
                again = await third.link_token_to_sid(token, "sid-3")
                assert again is not None and again != token
                await third.disconnect_token(again, "sid-3")
            finally:
                await third.close()
            await second.disconnect_token(token, "sid-2")
        finally:
            await second.close()
            cleanup = _redis()
            await cleanup.delete(second._get_redis_key(token))
            await cleanup.aclose()

    asyncio.run(story())


def test_the_manager_is_swapped_in_only_where_reflex_made_a_redis_one() -> None:
    async def swap() -> tuple[Any, Any]:
        with_redis = SimpleNamespace(
            event_namespace=SimpleNamespace(_token_manager=RedisTokenManager(_redis()))
        )
        keep_tabs_across_worker_loss(with_redis)  # type: ignore[arg-type]
        manager = with_redis.event_namespace._token_manager
        await manager.close()

        in_memory = object()
        alone = SimpleNamespace(event_namespace=SimpleNamespace(_token_manager=in_memory))
        keep_tabs_across_worker_loss(alone)  # type: ignore[arg-type]
        return manager, alone.event_namespace._token_manager is in_memory

    manager, untouched = asyncio.run(swap())
    assert isinstance(manager, WorkerAwareTokenManager)
    assert untouched

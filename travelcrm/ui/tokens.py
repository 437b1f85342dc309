"""A tab keeps its token (and so its page state) when its web worker dies.

Reflex's `RedisTokenManager` records each connected tab in Redis
(`token_manager_socket_record_<token>`: the owning worker's instance id and the socket id) and
deletes the record when the socket disconnects. A worker that is killed (SIGKILL, out of memory)
never deletes its records, and they live for `redis_token_expiration` (hours). The tab reconnects
to another worker at once with the same token; Reflex finds the record, takes the tab for a
duplicate (a copied tab whose original is still connected) and hands it a new token: a fresh,
empty page state.

So each worker shows Redis that it is alive: it holds a subscription to its own channel
(`travelcrm:ui:worker:<instance id>`) on a connection of its own. Redis drops a subscription the
moment the connection closes, and the kernel closes a dead process's connections, so
`PUBSUB NUMSUB` tells at once whether the worker that owns a record still runs. A timed heartbeat
key would not do: the tab is back within milliseconds, while the key outlives its worker by its
TTL. A record of a worker that is gone is taken over by the reconnecting tab (same token, same
state); a record of a live worker still means a duplicate tab, which gets a new token as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
from typing import TYPE_CHECKING, ClassVar

import reflex as rx
from reflex.utils.token_manager import RedisTokenManager, SocketRecord

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)


class WorkerAwareTokenManager(RedisTokenManager):
    """Reflex's Redis token manager, plus: the socket record of a dead worker is taken over."""

    _alive_prefix: ClassVar[str] = "travelcrm:ui:worker:"

    def __init__(self, redis: Redis) -> None:
        super().__init__(redis)
        self._alive_task: asyncio.Task[None] | None = None

    def _alive_channel(self, instance_id: str) -> str:
        return f"{self._alive_prefix}{instance_id}"

    async def _stay_subscribed(self, subscribed: asyncio.Event) -> None:
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._alive_channel(self.instance_id))
                    subscribed.set()
                    async for _message in pubsub.listen():  # nobody publishes: it stays open
                        pass
            except Exception as exc:  # Redis restarted or unreachable: subscribe again
                logger.warning("token manager: worker subscription lost: %s", exc)
                await asyncio.sleep(1)

    async def _show_alive(self) -> None:
        """Subscribe before this worker stores its first socket record (started on the first
        connection, in the worker's own event loop, after Reflex set its instance id)."""
        if self._alive_task is None or self._alive_task.done():
            subscribed = asyncio.Event()
            self._alive_task = asyncio.create_task(
                self._stay_subscribed(subscribed), name="travelcrm-worker-alive"
            )
            await asyncio.wait_for(subscribed.wait(), timeout=5)

    async def _owner_is_gone(self, token: str) -> bool:
        """Whether the token's socket record belongs to another worker that no longer runs."""
        raw = await self.redis.get(self._get_redis_key(token))
        if not raw:
            return False
        record: SocketRecord = pickle.loads(raw)
        if record.instance_id == self.instance_id:
            return False  # ours: Reflex's own rules apply
        channel = self._alive_channel(record.instance_id)
        [(_channel, subscribers)] = await self.redis.pubsub_numsub(channel)
        return int(subscribers) == 0

    async def link_token_to_sid(self, token: str, sid: str) -> str | None:
        try:
            await self._show_alive()
            if await self._owner_is_gone(token):
                logger.info("a tab came back from a stopped web worker: it keeps its token")
                await self.redis.delete(self._get_redis_key(token))
        except Exception as exc:  # Redis trouble: Reflex's own handling below logs and goes on
            logger.error("token manager: cannot check a socket record's worker: %s", exc)
        return await super().link_token_to_sid(token, sid)

    async def close(self) -> None:
        if self._alive_task is not None:
            self._alive_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._alive_task
            self._alive_task = None
        await super().close()


def keep_tabs_across_worker_loss(app: rx.App) -> None:
    """Install `WorkerAwareTokenManager` in the app's event namespace, in place of Reflex's own.

    Reflex 0.10.1 has no setting for the token manager: `App.__post_init__` builds the
    `EventNamespace`, whose `__init__` calls `TokenManager.create()` (a `RedisTokenManager` when
    `redis_url` is set, else an in-memory one). Swapping the instance right after `rx.App(...)`
    changes this one app only (no Reflex class is patched), reuses the Redis client Reflex made,
    and happens at import, before a worker serves a socket. Without Redis (one worker, page state
    in memory) nothing changes.
    """
    namespace = app.event_namespace
    current = getattr(namespace, "_token_manager", None)
    if namespace is not None and type(current) is RedisTokenManager:
        namespace._token_manager = WorkerAwareTokenManager(current.redis)

"""Import every task module, so the consumer knows them all: `huey_consumer tasks.registry.huey`."""

from tasks import mail, queries, quotes, ratesheets, system  # noqa: F401
from tasks.queue import huey

__all__ = ["huey"]

"""The Huey instance: SqliteHuey by default, RedisHuey when REDIS_URL is set.

Every task gets retries with exponential backoff by default; a task that fails for good
(retries exhausted, or a permanent external error) is written to the dead-letter table.
Each task run logs under its own correlation id (`task-<id>`).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from huey import Huey, RedisHuey, SqliteHuey
from huey.api import Task, TaskWrapper
from huey.exceptions import CancelExecution

from travelcrm.core.context import request_id_var
from travelcrm.core.errors import ExternalServiceError
from travelcrm.db import session_scope
from travelcrm.settings import Settings, get_settings
from travelcrm.system import services as system_services

logger = logging.getLogger("travelcrm.tasks")
F = TypeVar("F", bound=Callable[..., Any])


def make_huey(settings: Settings) -> Huey:
    common: dict[str, Any] = {
        "name": settings.huey_name,
        "results": True,
        "utc": True,
        # Callers see an error only once retries are exhausted, not every intermediate one.
        "store_intermediate_errors": False,
    }
    if settings.huey_immediate:
        huey: Huey = Huey(immediate=True, **common)
    elif settings.redis_url:
        huey = RedisHuey(url=settings.redis_url, **common)
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(filename=str(settings.huey_sqlite_path), **common)
    _install_hooks(huey)
    return huey


def worker_name(settings: Settings) -> str:
    return f"{socket.gethostname()}/{settings.huey_name}"


def _install_hooks(huey: Huey) -> None:
    tokens: dict[str, Any] = {}

    @huey.pre_execute(name="travelcrm-context")
    def bind_correlation_id(task: Task) -> None:
        attempt = getattr(task, "default_retries", 0) - (task.retries or 0) + 1
        tokens[task.id] = (request_id_var.set(f"task-{task.id}"), attempt)

    @huey.post_execute(name="travelcrm-dead-letter")
    def dead_letter(task: Task, _value: Any, exc: BaseException | None) -> None:
        token, attempt = tokens.pop(task.id, (None, 0))
        try:
            if exc is not None and not task.retries:
                cause = exc.__cause__ if isinstance(exc, CancelExecution) and exc.__cause__ else exc
                with session_scope() as session:
                    system_services.record_dead_letter(
                        session,
                        task_name=task.name,
                        task_id=task.id,
                        args=task.args or (),
                        kwargs=task.kwargs or {},
                        error=cause,
                        traceback="".join(traceback.format_exception(cause)),
                        attempts=attempt,
                        correlation_id=f"task-{task.id}",
                    )
                logger.error(
                    "task %s failed for good after retries; dead-lettered",
                    task.name,
                    extra={"task_id": task.id, "error": repr(cause)},
                )
        finally:
            if token is not None:
                request_id_var.reset(token)


def task(
    huey: Huey,
    *,
    retries: int | None = None,
    retry_delay: float | None = None,
    retry_backoff: float | None = None,
    **options: Any,
) -> Callable[[F], TaskWrapper]:
    """`@task(huey)`: a Huey task with the project's defaults (retries, backoff, dead letters).

    A permanent `ExternalServiceError` (permanent=True) skips the remaining retries.
    """
    settings = get_settings()

    def decorate(fn: F) -> TaskWrapper:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except ExternalServiceError as exc:
                if exc.permanent:
                    raise CancelExecution(retry=False) from exc
                raise

        return huey.task(
            retries=settings.task_retries if retries is None else retries,
            retry_delay=settings.task_retry_delay if retry_delay is None else retry_delay,
            retry_backoff=settings.task_retry_backoff if retry_backoff is None else retry_backoff,
            name=fn.__name__ if "name" not in options else options.pop("name"),
            **options,
        )(run)

    return decorate


huey = make_huey(get_settings())
WORKER_PID = os.getpid()

"""The port through which services start background jobs, without knowing about the queue.

A service calls `enqueue_after_commit(session, "send_email", message_id=...)`; the job is handed
to the queue only when that session's transaction commits (a rolled-back sign-up sends no mail).
The queue side (`tasks/`) registers each job under its name with `register`. The web process
loads the job modules (`JOB_MODULES`) on first use, so `travelcrm/` never imports `tasks/`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

logger = logging.getLogger("travelcrm.jobs")

JOB_MODULES = ("tasks.registry",)
_PENDING = "travelcrm.jobs_after_commit"
_registry: dict[str, Callable[..., Any]] = {}


class UnknownJobError(LookupError):
    """A service asked for a job that no job module registers."""


def register(name: str, enqueue: Callable[..., Any]) -> None:
    """Called by the queue side: `enqueue(**kwargs)` puts the job on the queue."""
    _registry[name] = enqueue


def _lookup(name: str) -> Callable[..., Any]:
    if name not in _registry:
        for module in JOB_MODULES:
            importlib.import_module(module)
    try:
        return _registry[name]
    except KeyError:
        raise UnknownJobError(f"no job is registered as {name!r}") from None


def enqueue_after_commit(session: OrmSession, name: str, **kwargs: Any) -> None:
    """Queue the job once the session's transaction commits; drop it if it rolls back."""
    _lookup(name)  # fail now, inside the request, if the name is wrong
    session.info.setdefault(_PENDING, []).append((name, kwargs))


@event.listens_for(OrmSession, "after_commit")
def _dispatch(session: OrmSession) -> None:
    pending = session.info.pop(_PENDING, [])
    for name, kwargs in pending:
        try:
            _lookup(name)(**kwargs)
        except Exception:  # the data is committed; a lost enqueue must not fail the request
            logger.exception("could not enqueue job %s", name, extra={"job": name})


@event.listens_for(OrmSession, "after_rollback")
def _discard(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)

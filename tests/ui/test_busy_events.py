"""A page event that meets a busy database (no pooled connection free in time, a lock held too
long) gives up after that bounded wait and the person gets a "server is busy" toast: no hang,
no stack trace. Real handlers on a real state, the run's database (SQLite or PostgreSQL)."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import reflex as rx
from reflex.app import default_frontend_exception_handler
from reflex.event import EventSpec
from sqlalchemy import text

from tests.accounts.test_accounts import _verified
from tests.api.test_backpressure import _database_locked
from tests.ui.test_handler_attacks import _signed_in, _state
from travelcrm.db import get_engine, is_busy_error
from travelcrm.ui.errors import BUSY_MESSAGE, backend_exception_handler
from travelcrm.ui.events import plain
from travelcrm.ui.pages.sessions.state import SessionsState

APP_MODULE = Path(__file__).resolve().parents[2] / "travelcrm" / "travelcrm.py"


def _toast_text(spec: EventSpec) -> str:
    return " ".join(str(value) for _name, value in spec.args)


def _fails_busy(handler: Any, state: Any, *args: Any) -> tuple[BaseException, float]:
    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        plain(handler)(state, *args)
    return raised.value, time.monotonic() - started


def test_no_free_connection_ends_the_event_quickly_with_a_busy_toast(
    migrated_engine, settings_env
) -> None:
    agency = _verified()
    token, _sid = _signed_in(agency.user.email)
    settings_env(db_pool_size="1", db_max_overflow="0", db_pool_timeout="0.2")
    state = _state(SessionsState, token, "/sessions")
    assert (
        plain(SessionsState.load)(state) is None and state.loaded
    )  # served while the pool is free
    held = get_engine().connect()
    try:
        held.execute(text("SELECT 1"))
        error, took = _fails_busy(SessionsState.load, state)
    finally:
        held.close()
    assert took < 1.5, f"the event waited {took:.2f} s"
    assert is_busy_error(error), repr(error)
    toast = backend_exception_handler(error)  # type: ignore[arg-type]
    assert BUSY_MESSAGE in _toast_text(toast) and "Traceback" not in _toast_text(toast)


def test_a_locked_database_ends_a_write_event_with_a_busy_toast(
    migrated_engine, settings_env
) -> None:
    agency = _verified()
    token, _sid = _signed_in(agency.user.email)
    _signed_in(agency.user.email)  # another device to sign out
    settings_env(db_lock_timeout="0.3")
    state = _state(SessionsState, token, "/sessions")
    plain(SessionsState.load)(state)
    with _database_locked():
        error, took = _fails_busy(SessionsState.sign_out_others, state)
    assert took < 3.0, f"the event waited {took:.2f} s"
    assert is_busy_error(error), repr(error)
    assert BUSY_MESSAGE in _toast_text(backend_exception_handler(error))  # type: ignore[arg-type]
    assert plain(SessionsState.sign_out_others)(state) is not None  # unlocked: done, with a toast
    assert state.others == 0


def test_other_errors_still_get_reflexs_own_toast_and_the_app_uses_the_handler() -> None:
    other = backend_exception_handler(ValueError("boom"))
    assert BUSY_MESSAGE not in _toast_text(other)
    # the signature Reflex accepts for `rx.App(backend_exception_handler=...)`
    rx.App._validate_exception_handlers(  # type: ignore[arg-type]
        SimpleNamespace(
            frontend_exception_handler=default_frontend_exception_handler,
            backend_exception_handler=backend_exception_handler,
        )
    )
    assert "backend_exception_handler=backend_exception_handler" in APP_MODULE.read_text()

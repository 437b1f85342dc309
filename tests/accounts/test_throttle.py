"""The brute-force guard with guesses sent at the same moment: each attempt is counted before
the password (or link) is checked, so N at once get at most the limit's checks and the rest
429. On Redis (the PostgreSQL run) and on the database counters (both runs)."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from functools import partial

import pytest

from tests.accounts.test_accounts import PASSWORD, _sign_in, _signup, _verified
from tests.concurrency import at_once, errors_of
from travelcrm.accounts import services as accounts
from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.throttle import LockedOutError
from travelcrm.db import system_scope
from travelcrm.settings import get_settings

WRONG = "Not-the-password-1"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Change settings the guard reads for one test (the engine stays as it is)."""

    def apply(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), value)
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture(params=["database", "redis"])
def counters(request: pytest.FixtureRequest, migrated_engine, env) -> str:
    """Where the guard counts: Redis when REDIS_URL is set (the PostgreSQL run), else the
    database (`login_throttles`), which is also tried with Redis at hand by switching it off."""
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("no Redis in this run")
    else:
        env(redis_url="")
    return str(request.param)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many passwords were checked (the real check, counted)."""
    seen: list[int] = []
    lock = threading.Lock()
    real = accounts.verify_password

    def counted(password_hash: str | None, password: str) -> bool:
        with lock:
            seen.append(1)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counted)
    return seen


def _ip() -> str:
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


def test_twelve_wrong_passwords_at_once_get_five_checks(counters: str, checks: list[int]) -> None:
    agency = _verified()
    ip = _ip()
    outcomes = at_once([partial(_sign_in, agency.user.email, WRONG, ip) for _ in range(12)])
    assert errors_of(outcomes, accounts.InvalidCredentialsError, LockedOutError) == []
    wrong = [o for o in outcomes if isinstance(o, accounts.InvalidCredentialsError)]
    locked = [o for o in outcomes if isinstance(o, LockedOutError)]
    assert (len(checks), len(wrong), len(locked)) == (5, 5, 7)
    assert all(0 < o.retry_after <= 15 * 60 for o in locked), [o.retry_after for o in locked]
    with pytest.raises(LockedOutError):  # the right password waits too, unchecked
        _sign_in(agency.user.email, PASSWORD, ip)
    assert len(checks) == 5


def test_a_right_password_clears_the_count(counters: str, checks: list[int]) -> None:
    agency = _verified()
    ip = _ip()
    for _ in range(4):
        with pytest.raises(accounts.InvalidCredentialsError):
            _sign_in(agency.user.email, WRONG, ip)
    assert _sign_in(agency.user.email, PASSWORD, ip).context is not None
    for _ in range(5):  # five more tries: the count started again
        with pytest.raises(accounts.InvalidCredentialsError):
            _sign_in(agency.user.email, WRONG, ip)
    with pytest.raises(LockedOutError):
        _sign_in(agency.user.email, PASSWORD, ip)
    assert len(checks) == 10


def _change_password(user_id, ip: str) -> None:
    with system_scope() as session:
        accounts.change_password(
            session,
            user_id=user_id,
            current_password=WRONG,
            new_password="Another-Monsoon-2027!",
            keep_session=None,
            ip=ip,
        )


def test_wrong_current_passwords_at_once_get_five_checks(counters: str, checks: list[int]) -> None:
    agency = _verified()
    outcomes = at_once([partial(_change_password, agency.user.id, _ip()) for _ in range(1)])
    assert isinstance(outcomes[0], ValidationFailedError)  # another IP: its own count
    checks.clear()
    ip = _ip()
    outcomes = at_once([partial(_change_password, agency.user.id, ip) for _ in range(9)])
    assert errors_of(outcomes, ValidationFailedError, LockedOutError) == []
    locked = [o for o in outcomes if isinstance(o, LockedOutError)]
    assert (len(checks), len(locked)) == (5, 4)


def _verify(raw_token: str, ip: str) -> None:
    with system_scope() as session:
        accounts.verify_email(session, raw_token=raw_token, ip=ip)


def test_wrong_links_at_once_are_limited_per_address_and_a_good_link_does_not_count(
    counters: str, env
) -> None:
    env(login_max_failures="1")  # links: ten per address and window
    ip = _ip()
    fresh = _signup()
    _verify(fresh.verify_token, ip)  # it worked: it is not held against the address
    outcomes = at_once([partial(_verify, secrets.token_urlsafe(32), ip) for _ in range(13)])
    assert errors_of(outcomes, accounts.InvalidTokenError, LockedOutError) == []
    wrong = [o for o in outcomes if isinstance(o, accounts.InvalidTokenError)]
    assert (len(wrong), len(outcomes) - len(wrong)) == (10, 3)

"""The brute-force guard: at most N attempts per (purpose, account, IP) within a window.

Used by sign-in, one-time links, password changes and public enquiry forms. Counters live in
Redis when REDIS_URL is set, else in the database table `login_throttles`.
"""

from __future__ import annotations

import functools
import hashlib
import math
from datetime import datetime, timedelta
from typing import cast

import redis
import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, delete, update

from travelcrm.core.clock import as_utc, utcnow
from travelcrm.core.errors import DomainError
from travelcrm.core.sqltypes import utc_datetime
from travelcrm.core.upsert import insert_for
from travelcrm.settings import get_settings


class LoginThrottle(SQLModel, table=True):
    """Attempts per (purpose, account, IP) in the current window (the database fallback of
    `Throttle`): `failures` counts every attempt (a success clears the row);
    `locked_until` is where the window ends once its last allowance was used."""

    __tablename__ = "login_throttles"

    key: str = Field(primary_key=True, max_length=64)  # sha256 of purpose|account|ip
    failures: int = 0
    window_started_at: datetime = utc_datetime()
    locked_until: datetime | None = utc_datetime(nullable=True)


class LockedOutError(DomainError):
    code = "locked_out"
    status = 429
    title = "Too many attempts"

    @property
    def retry_after(self) -> int:
        return int(self.extra.get("retry_after_seconds", 0))


def _throttle_key(purpose: str, account: str, ip: str | None) -> str:
    return hashlib.sha256(f"{purpose}|{account.strip().lower()}|{ip or '-'}".encode()).hexdigest()


@functools.lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2)  # one pool per URL, shared by threads


def _redis() -> redis.Redis | None:
    url = get_settings().redis_url
    return _client(url) if url else None


# counts one attempt and (re)starts the window at the first and at the limit's last allowance;
# returns [attempts so far, seconds the count lives]
_ATTEMPT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 or n == tonumber(ARGV[2]) or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return {n, redis.call('TTL', KEYS[1])}
"""
# gives one attempt back (a link that worked), never below 0 nor creating the key
_FORGIVE_SCRIPT = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class Throttle:
    """At most N attempts per (purpose, account, IP) within a window; more are refused.

    `attempt()` counts the attempt first, in one atomic step, and refuses it (LockedOutError,
    429) when the count is over the limit, before any password or link is checked: N wrong
    guesses sent at once get N checks at most, the rest 429. A success `clear()`s the count
    (sign-in, password change); a link that worked is `forgive()`n (only wrong links count
    against an IP). Where every request counts (enquiries, mail requests), `attempt()` is all.

    The window starts at the first attempt and starts again at the attempt that uses the last
    allowance, so after the N-th the pair is locked for a full window.

    Counters live in Redis when REDIS_URL is set (shared by every process: INCR and its expiry
    in one script), else in the database: one upsert on `login_throttles` that `attempt()`
    commits at once, so the attempt counts even though the request then fails, and SQLite's
    write lock is not held while the password is checked. So call `attempt()` before the unit
    of work writes anything.
    """

    def __init__(
        self,
        session: Session,
        purpose: str,
        account: str,
        ip: str | None,
        *,
        scale: int = 1,
    ) -> None:
        settings = get_settings()
        self.session = session
        self.key = _throttle_key(purpose, account, ip)
        self.max_failures = settings.login_max_failures * scale
        self.window = timedelta(minutes=settings.login_lock_minutes)
        self.redis = _redis()

    @property
    def _redis_key(self) -> str:
        return f"travelcrm:attempts:{self.key}"

    def attempt(self) -> None:
        """Count one attempt; raise LockedOutError (without counting it as checked) when it is
        over the limit."""
        count, remaining = self._count()
        if count > self.max_failures:
            minutes = max(1, -(-remaining // 60))
            raise LockedOutError(
                f"Too many failed attempts. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                extra={"retry_after_seconds": remaining},
            )

    def _count(self) -> tuple[int, int]:
        """(attempts in the window with this one, seconds until the count ends)."""
        window_s = int(self.window.total_seconds())
        if self.redis is not None:
            script = self.redis.register_script(_ATTEMPT_SCRIPT)
            count, ttl = cast(
                list[int], script(keys=[self._redis_key], args=[window_s, self.max_failures])
            )
            return int(count), max(1, int(ttl))
        table = LoginThrottle.__table__  # type: ignore[attr-defined]
        now = utcnow()
        stamp = table.c.window_started_at.type
        locks_at = sa.literal(now + self.window, stamp)
        # an old window (and any lock it had) is over: this attempt starts a new one
        stale = sa.and_(
            table.c.window_started_at <= now - self.window,
            sa.or_(table.c.locked_until.is_(None), table.c.locked_until <= now),
        )
        counted = sa.case((stale, 1), else_=table.c.failures + 1)
        statement = (
            insert_for(self.session, table)
            .values(
                key=self.key,
                failures=1,
                window_started_at=now,
                locked_until=now + self.window if self.max_failures == 1 else None,
            )
            .on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "failures": counted,
                    "window_started_at": sa.case(
                        (stale, sa.literal(now, stamp)), else_=table.c.window_started_at
                    ),
                    "locked_until": sa.case(
                        (counted == self.max_failures, locks_at),
                        (stale, sa.null()),
                        else_=table.c.locked_until,
                    ),
                },
            )
            .returning(table.c.failures, table.c.window_started_at, table.c.locked_until)
        )
        failures, started, locked_until = self.session.connection().execute(statement).one()
        # the count stands even if the request fails afterwards (and SQLite's write lock is
        # not held while the password is checked)
        self.session.commit()
        ends = as_utc(locked_until) if locked_until else as_utc(started) + self.window
        # (from the time now: another attempt's `now` may be later than this one's)
        return int(failures), max(1, math.ceil((ends - utcnow()).total_seconds()))

    def forgive(self) -> None:
        """Give this attempt back (it was not a failure), in the caller's unit of work."""
        if self.redis is not None:
            self.redis.register_script(_FORGIVE_SCRIPT)(keys=[self._redis_key])
            return
        self.session.exec(
            update(LoginThrottle)
            .where(col(LoginThrottle.key) == self.key, col(LoginThrottle.failures) > 0)
            .values(failures=col(LoginThrottle.failures) - 1)
        )

    def clear(self) -> None:
        if self.redis is not None:
            self.redis.delete(self._redis_key)
            return
        self.session.exec(delete(LoginThrottle).where(col(LoginThrottle.key) == self.key))

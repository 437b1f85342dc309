"""Tracking tokens and prefetch detection, without the database: a token names its agency and
message and cannot be moved to another purpose, URL or message; privacy proxies and opens
within seconds of sending are flagged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from travelcrm.mail import tracking

SENT = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
TENANT, MESSAGE = uuid.UUID(int=7), uuid.UUID(int=42)


def test_a_token_reads_back_only_for_its_purpose_and_url() -> None:
    token = tracking.make_token(TENANT, MESSAGE, purpose="click", extra="https://a.example/")
    assert tracking.read_token(token, purpose="click", extra="https://a.example/") == (
        TENANT,
        MESSAGE,
    )
    for purpose, extra in [("open", ""), ("click", "https://b.example/"), ("click", "")]:
        with pytest.raises(tracking.BadTokenError):
            tracking.read_token(token, purpose=purpose, extra=extra)
    other = tracking.make_token(TENANT, uuid.UUID(int=43), purpose="click", extra="x")
    moved = other.split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(tracking.BadTokenError):
        tracking.read_token(moved, purpose="click", extra="https://a.example/")
    for junk in ["", ".", "abc", "a.b", "%%%.x"]:
        with pytest.raises(tracking.BadTokenError):
            tracking.read_token(junk, purpose="open")


@pytest.mark.parametrize(
    ("agent", "after", "prefetch"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0", 600, False),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Thunderbird/128.0", 3, True),
        (
            "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 "
            "(via ggpht.com GoogleImageProxy)",
            600,
            True,
        ),
        ("Mozilla/5.0", 600, True),  # Apple Mail Privacy Protection's fetch
        ("", 600, True),
        (None, 600, True),
        ("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", 600, True),
    ],
)
def test_prefetches_are_told_from_people(agent: str | None, after: int, prefetch: bool) -> None:
    opened = SENT + timedelta(seconds=after)
    assert tracking.is_prefetch(agent, opened_at=opened, sent_at=SENT) is prefetch

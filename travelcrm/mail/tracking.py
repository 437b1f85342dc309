"""Open and click tracking: signed tokens for the pixel and the click redirect, and telling a
mail-privacy prefetch from a person.

A token carries the agency and the message (so the public route opens the right agency's
unit of work) and an HMAC-SHA256 over them, keyed from SECRET_KEY through HKDF
(`core.crypto.derive_key`, its own purpose). A click's signature also covers the target URL;
the redirect then still checks the URL is one of that message's links, so a signed token can
never be turned into an open redirect.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from datetime import datetime, timedelta
from urllib.parse import quote

from travelcrm.core.clock import as_utc
from travelcrm.core.crypto import derive_key
from travelcrm.settings import get_settings

PURPOSE = b"travelcrm/mail-tracking/v1"
PREFETCH_WINDOW = timedelta(seconds=10)  # an open this soon after sending is a machine's
# user agents of the proxies that fetch images for privacy (not a person reading)
PREFETCH_AGENTS = (
    "googleimageproxy",
    "ggpht.com",
    "yahoomailproxy",
    "outlook-ios",
    "apple-mail-privacy",
)
OPEN_PATH = "/api/public/mail/open"
CLICK_PATH = "/api/public/mail/click"


class BadTokenError(ValueError):
    """Not one of our tokens, or changed."""


def _key() -> bytes:
    return derive_key(get_settings().secret_key.get_secret_value(), info=PURPOSE)


def _mac(purpose: bytes, ids: bytes, extra: str = "") -> str:
    digest = hmac.new(_key(), purpose + ids + extra.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def make_token(
    tenant_id: uuid.UUID, message_id: uuid.UUID, *, purpose: str, extra: str = ""
) -> str:
    ids = tenant_id.bytes + message_id.bytes
    body = base64.urlsafe_b64encode(ids).decode().rstrip("=")
    return f"{body}.{_mac(purpose.encode(), ids, extra)}"


def read_token(token: str, *, purpose: str, extra: str = "") -> tuple[uuid.UUID, uuid.UUID]:
    """(agency, message) of a token made for `purpose` (and `extra`), else BadTokenError."""
    body, _, mac = token.partition(".")
    try:
        ids = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise BadTokenError("not a token") from None
    if len(ids) != 32:
        raise BadTokenError("not a token")
    if not hmac.compare_digest(mac.encode(), _mac(purpose.encode(), ids, extra).encode()):
        raise BadTokenError("bad signature")
    return uuid.UUID(bytes=ids[:16]), uuid.UUID(bytes=ids[16:])


def pixel_url(tenant_id: uuid.UUID, message_id: uuid.UUID) -> str:
    token = make_token(tenant_id, message_id, purpose="open")
    return f"{get_settings().link_base}{OPEN_PATH}/{token}.gif"


def click_url(tenant_id: uuid.UUID, message_id: uuid.UUID, target: str) -> str:
    token = make_token(tenant_id, message_id, purpose="click", extra=target)
    return f"{get_settings().link_base}{CLICK_PATH}/{token}?u={quote(target, safe='')}"


def is_prefetch(user_agent: str | None, *, opened_at: datetime, sent_at: datetime | None) -> bool:
    """An open by a mail-privacy proxy (Apple Mail Privacy Protection, Gmail's image proxy)
    or a scanner, not by the person: a known proxy's user agent, a bare or missing one, or
    within seconds of sending."""
    agent = (user_agent or "").strip().lower()
    if not agent or agent == "mozilla/5.0" or any(p in agent for p in PREFETCH_AGENTS):
        return True
    return sent_at is not None and as_utc(opened_at) - as_utc(sent_at) < PREFETCH_WINDOW


# a transparent 1x1 GIF
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

"""Authenticated encryption of small secrets (a supplier's bank details) at rest.

AES-256-GCM with keys derived by HKDF-SHA256 from the secrets in DATA_KEYS ("kid:secret,...";
unset: one key "v1" from SECRET_KEY). A stored value reads `<kid>:<base64(nonce |
ciphertext+tag)>`: the first key encrypts, any listed key decrypts the values made with it, and
`needs_rotation` tells which values `manage rotate-keys` should seal again with the first.
`context` is bound as associated data, so a value copied onto another row (another supplier,
another agency) does not decrypt there.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from travelcrm.settings import get_settings

KEY_ID = "v1"
HKDF_INFO = b"travelcrm/bank-details/v1"
HKDF_SALT = b"travelcrm-data-encryption"
NONCE_BYTES = 12


class DecryptionError(ValueError):
    """The value was tampered with, belongs elsewhere, or was made with another key."""


@functools.lru_cache(maxsize=16)
def derive_key(secret: str, *, info: bytes = HKDF_INFO) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=info).derive(
        secret.encode()
    )


def keys() -> list[tuple[str, bytes]]:
    """(key id, key) pairs, the encrypting one first."""
    settings = get_settings()
    if settings.data_keys is None:
        return [(KEY_ID, derive_key(settings.secret_key.get_secret_value()))]
    pairs = []
    for part in settings.data_keys.get_secret_value().split(","):
        kid, _, secret = part.strip().partition(":")
        pairs.append((kid, derive_key(secret)))
    return pairs


def needs_rotation(value: str) -> bool:
    """Whether a stored value was sealed with another key than the encrypting one."""
    return value.partition(":")[0] != keys()[0][0]


def encrypt_json(data: dict[str, Any], *, context: str = "", key: bytes | None = None) -> str:
    """`data` as compact JSON, encrypted and authenticated; `context` must match to decrypt."""
    plaintext = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    nonce = os.urandom(NONCE_BYTES)
    key_id, current = keys()[0]
    sealed = AESGCM(key or current).encrypt(nonce, plaintext, context.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt_json(value: str, *, context: str = "", key: bytes | None = None) -> dict[str, Any]:
    key_id, sep, body = value.partition(":")
    known = dict(keys())
    if not sep or (key is None and key_id not in known):
        raise DecryptionError(f"unknown key id {key_id[:8]!r}")
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("not base64") from None
    if len(raw) <= NONCE_BYTES:
        raise DecryptionError("too short")
    try:
        plaintext = AESGCM(key or known[key_id]).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
        )
    except InvalidTag:
        raise DecryptionError("authentication failed (tampered, wrong key or wrong row)") from None
    data = json.loads(plaintext)
    if not isinstance(data, dict):
        raise DecryptionError("not an object")
    return data

"""Authenticated encryption of small secrets (a supplier's bank details) at rest.

AES-256-GCM with a key derived by HKDF-SHA256 from SECRET_KEY. A stored value reads
`v1:<base64(nonce | ciphertext+tag)>`: the key id in front lets keys rotate later (a new id
decrypts old values with the old key). `context` is bound as associated data, so a value copied
onto another row (another supplier, another agency) does not decrypt there.
"""

from __future__ import annotations

import base64
import binascii
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


def derive_key(secret: str, *, info: bytes = HKDF_INFO) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=info).derive(
        secret.encode()
    )


def _current_key() -> bytes:
    return derive_key(get_settings().secret_key.get_secret_value())


def encrypt_json(data: dict[str, Any], *, context: str = "", key: bytes | None = None) -> str:
    """`data` as compact JSON, encrypted and authenticated; `context` must match to decrypt."""
    plaintext = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key or _current_key()).encrypt(nonce, plaintext, context.encode())
    return f"{KEY_ID}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt_json(value: str, *, context: str = "", key: bytes | None = None) -> dict[str, Any]:
    key_id, sep, body = value.partition(":")
    if not sep or key_id != KEY_ID:
        raise DecryptionError(f"unknown key id {key_id[:8]!r}")
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("not base64") from None
    if len(raw) <= NONCE_BYTES:
        raise DecryptionError("too short")
    try:
        plaintext = AESGCM(key or _current_key()).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
        )
    except InvalidTag:
        raise DecryptionError("authentication failed (tampered, wrong key or wrong row)") from None
    data = json.loads(plaintext)
    if not isinstance(data, dict):
        raise DecryptionError("not an object")
    return data
